"""Checks of a SPARQL query before it runs: typos in the project's terms, and variables that bind nothing.

A query is parsed once by rdflib's SPARQL parser (a real parser: the text is never matched with
patterns) and what matters is kept, cached by text: the ``xo:``/``xr:`` IRIs it names, every
variable it mentions, and the projected variables that nothing in its WHERE clause binds. Then:

* a term of the project's namespaces that no triple of the store mentions is an **unknown term**,
  reported with the closest known terms (``xo:exportedby`` → ``xo:exportedBy``; ``xr:XP01`` →
  ``xr:XPO1``). Terms of other namespaces (UniProt, OBO...) are never checked: the graph links out;
* a bound variable that the query does not mention is an **unused binding** (Oxigraph would bind
  it beside the query, and every row would come back);
* a projected variable that nothing in the WHERE clause binds is an **unbound projection**.

Cost: parsing is pure Python (rdflib; tens of milliseconds per KB), so it is cached by text, and
the shipped competency queries (checked by the test-suite) are not parsed at run time unless
bindings are given; a cached check costs a dictionary look-up plus a few index look-ups per term.
The known terms of a namespace are listed only to suggest corrections, once per store. Text that
rdflib cannot parse (or SPARQL 1.2 that it does not know) is not checked: the engine reports it;
nor is text longer than :data:`MAX_CHECKED_CHARS` (the server must not wait on the parser).

Every face uses this module: :meth:`KnowledgeGraph.query` and :func:`xpo1kg.run_query`
(``check="error" | "warn" | "ignore"``), ``xpo1kg query`` (an error unless
``--allow-unknown-terms``) and the server (an ``X-XPO1KG-Warning`` header and a note on the page).
"""

from __future__ import annotations

import difflib
import functools
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rdflib.term import URIRef, Variable

from xpo1kg.errors import InputError
from xpo1kg.query.catalog import CompetencyQuery
from xpo1kg.rdf.namespaces import PREFIXES, XO, XR, compress

__all__ = [
    "CheckMode",
    "QueryCheckError",
    "QueryCheckWarning",
    "QueryProblem",
    "QueryShape",
    "analyse",
    "check_query",
    "closest",
    "enforce",
]

CheckMode = Literal["error", "warn", "ignore"]
CHECK_MODES: tuple[CheckMode, ...] = ("error", "warn", "ignore")
ProblemKind = Literal["unknown-term", "unused-binding", "unbound-projection"]
#: The namespaces whose terms must exist in the graph.
CHECKED_NAMESPACES = (str(XO), str(XR))


@dataclass(frozen=True, order=True)
class QueryProblem:
    """One thing wrong with a query, in words a person can act on."""

    kind: ProblemKind
    subject: str  # the IRI or the variable name concerned
    message: str
    suggestions: tuple[str, ...] = ()


class QueryCheckError(InputError):
    """A query that names unknown terms or misuses variables (raised before it runs)."""

    def __init__(self, problems: Iterable[QueryProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))


class QueryCheckWarning(UserWarning):
    """The warning issued for each problem when a query is run with ``check="warn"``."""


@dataclass(frozen=True)
class QueryShape:
    """What the checks need to know of a parsed query."""

    terms: frozenset[str]  # IRIs in the checked namespaces
    variables: frozenset[str]  # every variable mentioned anywhere
    unbound_projection: tuple[str, ...]  # projected variables nothing binds, in query order


# --- the parse tree ------------------------------------------------------------------------------


#: Longer texts are not checked: rdflib's parser (pure Python) takes about 0.1 s per KB, and the
#: server runs the check in its own process. The shipped queries are about 2 KB.
MAX_CHECKED_CHARS = 10_000


@functools.lru_cache(maxsize=512)  # the same query texts come back again and again
def analyse(sparql: str) -> QueryShape | None:
    """Parse ``sparql`` with rdflib and return its shape, or None if it is not checked.

    None when rdflib cannot parse it (the engine will say why) or it is longer than
    :data:`MAX_CHECKED_CHARS`.
    """
    if len(sparql) > MAX_CHECKED_CHARS:
        return None
    from rdflib.plugins.sparql.algebra import traverse
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(sparql)
        # The engine's default prefixes, then the query's own (rdflib's Prologue would refuse
        # a second prefix for one namespace, as in ``PREFIX o: <…/ontology/>``).
        prefixes = dict(PREFIXES)
        for declaration in tree[0]:
            if _name(declaration) == "PrefixDecl":
                prefixes[str(_get(declaration, "prefix") or "")] = str(_get(declaration, "iri"))
        body = traverse(tree[1], visitPost=functools.partial(_resolve, prefixes=prefixes))
    except Exception:  # noqa: BLE001 - any parser failure: the engine gives the real message
        return None
    terms: set[str] = set()
    variables: set[str] = set()
    for node in _walk(body):
        if isinstance(node, Variable):
            variables.add(str(node))
        elif isinstance(node, URIRef) and _checked(str(node)):
            terms.add(str(node))
    return QueryShape(frozenset(terms), frozenset(variables), tuple(_unbound_projection(body)))


def _resolve(node: Any, prefixes: Mapping[str, str]) -> URIRef | None:
    """Expand a prefixed name of the parse tree (an unknown prefix raises: not checked)."""
    if _name(node) == "pname":
        prefix = str(_get(node, "prefix") or "")
        return URIRef(prefixes[prefix] + str(_get(node, "localname") or ""))
    return None


def _checked(iri: str) -> bool:
    # The namespace IRI itself (``STR(xo:)``) is not a term.
    return any(iri.startswith(ns) and iri != ns for ns in CHECKED_NAMESPACES)


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, Mapping):
        yield from node.values()
    elif isinstance(node, (list, tuple)):
        yield from node
    elif hasattr(node, "items") and callable(node.items):  # pyparsing ParseResults
        yield from (value for _, value in node.items())
        yield from list(node)


def _walk(node: Any, skip: Callable[[Any], bool] = lambda _: False) -> Iterator[Any]:
    """Yield every term under ``node`` (depth first), not entering nodes for which skip is true."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if isinstance(current, (str, int, float)) and not isinstance(current, (URIRef, Variable)):
            continue
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (URIRef, Variable)):
            yield current
            continue
        if skip(current):
            continue
        stack.extend(_children(current))


def _get(node: Any, key: str) -> Any:
    """Return a field of a parse-tree node, or None (CompValue.get returns the key when absent)."""
    return dict.get(node, key) if isinstance(node, dict) else None


def _name(node: Any) -> str | None:
    return getattr(node, "name", None) if hasattr(node, "name") else None


def _bound_by(pattern: Any) -> set[str]:
    """Return the variables a graph pattern can bind for the enclosing query."""
    bound: set[str] = set()
    stack = [pattern]
    while stack:
        node = stack.pop()
        name = _name(node)
        if name in ("Filter", "MinusGraphPattern"):
            continue  # filters and MINUS bind nothing outside themselves
        if name == "Bind":
            bound.add(str(_get(node, "var")))
            continue
        if name == "SubSelect":
            bound |= set(_projected(node)) or _bound_by(_get(node, "where"))
            continue
        if isinstance(node, Variable):
            bound.add(str(node))
        elif not isinstance(node, (str, int, float)):
            stack.extend(_children(node))
    return bound


def _projected(select: Any) -> list[str]:
    """Return the projected variable names of a SELECT (empty for ``SELECT *``)."""
    names: list[str] = []
    for item in _projection(select):
        var = _get(item, "evar") or _get(item, "var")
        if var is not None:
            names.append(str(var))
    return names


def _projection(select: Any) -> list[Any]:
    items = _get(select, "projection")
    return [] if items is None or isinstance(items, str) else list(items)  # "*" is a string


def _unbound_projection(body: Any) -> list[str]:
    """Return the projected variables of the query (and its subqueries) that nothing binds."""
    missing: list[str] = []
    selects = [body] if _name(body) == "SelectQuery" else []
    selects += [n for n in _nodes(body) if _name(n) == "SubSelect"]
    for select in selects:
        bound = _bound_by(_get(select, "where"))
        for item in _projection(select):
            if _get(item, "evar") is not None:
                continue  # (expression AS ?x) binds ?x
            var = _get(item, "var")
            if var is not None and str(var) not in bound:
                bound |= _bound_elsewhere(select)
                if str(var) not in bound and str(var) not in missing:
                    missing.append(str(var))
    return missing


def _bound_elsewhere(select: Any) -> set[str]:
    """Variables bound by GROUP BY (expression AS ?x) or a trailing VALUES block."""
    bound: set[str] = set()
    group = _get(select, "groupby")
    for condition in _get(group, "condition") or []:
        if _get(condition, "var") is not None:
            bound.add(str(_get(condition, "var")))
    values = _get(select, "valuesClause")
    if values is not None:
        bound |= {str(v) for v in _walk(values) if isinstance(v, Variable)}
    return bound


def _nodes(node: Any) -> Iterator[Any]:
    """Yield every parse-tree node (not terms) under ``node``."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (str, int, float)):
            continue
        if _name(current) is not None:
            yield current
        stack.extend(_children(current))


# --- the checks ----------------------------------------------------------------------------------


class Vocabulary:
    """The terms a store knows, looked up as needed (see :func:`check_query`).

    ``knows(iri)`` answers whether any triple mentions the IRI; ``candidates(namespace)`` lists
    the namespace's terms, for suggestions, once.
    """

    def __init__(
        self, knows: Callable[[str], bool], candidates: Callable[[str], Collection[str]]
    ) -> None:
        """Wrap the two look-ups (positive answers and candidate lists are cached)."""
        self._knows = knows
        self._candidates = candidates
        self._known: set[str] = set()
        self._lists: dict[str, tuple[str, ...]] = {}

    def knows(self, iri: str) -> bool:
        """Return whether the graph mentions ``iri``."""
        if iri in self._known:
            return True
        if self._knows(iri):
            self._known.add(iri)
            return True
        return False

    def candidates(self, namespace: str) -> tuple[str, ...]:
        """Return the known terms of a namespace (sorted)."""
        if namespace not in self._lists:
            self._lists[namespace] = tuple(sorted(set(self._candidates(namespace))))
        return self._lists[namespace]


#: How much weaker than the best match another suggestion may be and still be shown.
_MARGIN = 0.15


def closest(word: str, candidates: Collection[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Return up to ``n`` candidates closest to ``word``: same letters ignoring case first.

    >>> closest("exportedby", ["exportedBy", "exports", "inhibits"])
    ['exportedBy']
    >>> closest("hasCelLine", ["hasCellLine", "hasCancerType"])
    ['hasCellLine']
    >>> closest("XP01", ["XPO1", "TP53"])
    ['XPO1']

    A far weaker match is not offered beside a close one:

    >>> closest("hasCelLine", ["hasCellLine", "hasRegion"])
    ['hasCellLine']
    """
    folded = word.casefold()
    same = sorted(c for c in candidates if c.casefold() == folded)
    if same:
        return same[:n]
    scored: list[tuple[float, str]] = []
    matcher = difflib.SequenceMatcher(b=folded)
    for candidate in candidates:
        other = candidate.casefold()
        if other == folded:
            scored.append((2.0, candidate))
            continue
        if abs(len(other) - len(folded)) > max(3, len(folded) // 2):
            continue
        matcher.set_seq1(other)
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        ratio = matcher.ratio()
        if ratio >= cutoff:
            scored.append((ratio, candidate))
    scored.sort(key=lambda item: (-item[0], item[1]))
    if scored:
        best = scored[0][0]
        scored = [item for item in scored if item[0] >= best - _MARGIN]
    return [candidate for _, candidate in scored[:n]]


def _suggest(iri: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    namespace = next(ns for ns in CHECKED_NAMESPACES if iri.startswith(ns))
    local = iri[len(namespace) :]
    names = {c[len(namespace) :]: c for c in vocabulary.candidates(namespace)}
    return tuple(compress(names[name]) for name in closest(local, names))


def _did_you_mean(suggestions: Iterable[str]) -> str:
    shown = list(suggestions)
    return f"; did you mean {' or '.join(shown)}?" if shown else ""


def check_query(
    query: str | CompetencyQuery,
    vocabulary: Vocabulary | None,
    bindings: Iterable[str] = (),
) -> list[QueryProblem]:
    """Return the problems of a query (sorted), against a vocabulary (None: terms not checked).

    ``bindings`` are the names of the variables bound from outside (``?``/``$`` optional). A
    shipped competency query without bindings is not parsed: the test-suite checks those.
    """
    bindings = list(bindings)
    if isinstance(query, CompetencyQuery):
        if query.shipped and not bindings:
            return []
        query = query.sparql
    shape = analyse(query)
    if shape is None:
        return []
    problems: list[QueryProblem] = []
    if vocabulary is not None:
        for iri in sorted(shape.terms):
            if vocabulary.knows(iri):
                continue
            suggestions = _suggest(iri, vocabulary)
            in_ontology = iri.startswith(str(XO))
            what = "the ontology does not define it" if in_ontology else "not in the graph"
            message = f"unknown term {compress(iri)} ({what}){_did_you_mean(suggestions)}"
            problems.append(QueryProblem("unknown-term", iri, message, suggestions))
    names = sorted(shape.variables)
    listed = ", ".join(f"?{v}" for v in names) or "none"
    for name in sorted({b.lstrip("?$") for b in bindings}):
        if name not in shape.variables:
            close = tuple(f"?{v}" for v in closest(name, names))
            message = (
                f"?{name} is bound but the query has no variable ?{name} "
                f"(its variables: {listed}){_did_you_mean(close)}"
            )
            problems.append(QueryProblem("unused-binding", name, message, close))
    for name in shape.unbound_projection:
        if name in {b.lstrip("?$") for b in bindings}:
            continue  # bound from outside
        others = sorted(shape.variables - {name})
        close = tuple(f"?{v}" for v in closest(name, others))
        message = (
            f"?{name} is selected but nothing in the WHERE clause binds it{_did_you_mean(close)}"
        )
        problems.append(QueryProblem("unbound-projection", name, message, close))
    return sorted(problems)


def enforce(problems: Iterable[QueryProblem], mode: CheckMode) -> None:
    """Raise :class:`QueryCheckError` ("error"), warn ("warn") or do nothing ("ignore")."""
    if mode not in CHECK_MODES:
        raise ValueError(f"check must be one of {', '.join(CHECK_MODES)}, not {mode!r}")
    found = list(problems)
    if not found or mode == "ignore":
        return
    if mode == "error":
        raise QueryCheckError(found)
    for problem in found:
        warnings.warn(problem.message, QueryCheckWarning, stacklevel=3)
