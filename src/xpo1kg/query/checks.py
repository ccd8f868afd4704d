"""Checks of a SPARQL query before it runs: typos in the project's terms, and variables that bind nothing.

A query is parsed once by rdflib's SPARQL parser and what matters is kept, cached by text
(:func:`xpo1kg.query.parse_tree.analyse`): the ``xo:``/``xr:`` IRIs it names, every variable it
mentions, and the projected variables that nothing in its WHERE clause binds. Then:

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
nor is text longer than :data:`~xpo1kg.query.parse_tree.MAX_CHECKED_CHARS` (the server must not
wait on the parser).

Every face uses this module: :meth:`KnowledgeGraph.query` and :func:`xpo1kg.run_query`
(``check="error" | "warn" | "ignore"``), ``xpo1kg query`` (an error unless
``--allow-unknown-terms``) and the server (an ``X-XPO1KG-Warning`` header and a note on the page).
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from xpo1kg.errors import InputError
from xpo1kg.query.catalog import CompetencyQuery
from xpo1kg.query.parse_tree import CHECKED_NAMESPACES, analyse
from xpo1kg.rdf.namespaces import XO, compress

__all__ = [
    "CheckMode",
    "QueryCheckError",
    "QueryCheckWarning",
    "QueryProblem",
    "check_query",
    "closest",
    "enforce",
]

CheckMode = Literal["error", "warn", "ignore"]
CHECK_MODES: tuple[CheckMode, ...] = ("error", "warn", "ignore")
ProblemKind = Literal["unknown-term", "unused-binding", "unbound-projection"]


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
