"""What a SPARQL query names and binds, read from rdflib's parse tree.

A query is parsed once by rdflib's SPARQL parser (a real parser: the text is never matched with
patterns) and what :mod:`xpo1kg.query.checks` needs is kept as a :class:`QueryNames`, cached by
text: the ``xo:``/``xr:`` IRIs it names, every variable it mentions, and the projected variables
that nothing in its WHERE clause binds.

Cost: parsing is pure Python (rdflib; tens of milliseconds per KB), so it is cached by text. Text
that rdflib cannot parse (or SPARQL 1.2 that it does not know) is not read: the engine reports
it; nor is text longer than :data:`MAX_CHECKED_CHARS` (the server must not wait on the parser).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib.term import URIRef, Variable

from xpo1kg.rdf.namespaces import PREFIXES, XO, XR

__all__ = ["CHECKED_NAMESPACES", "MAX_CHECKED_CHARS", "QueryNames", "analyse"]

#: The namespaces whose terms must exist in the graph.
CHECKED_NAMESPACES = (str(XO), str(XR))


@dataclass(frozen=True)
class QueryNames:
    """What the checks need to know of a parsed query."""

    terms: frozenset[str]  # IRIs in the checked namespaces
    variables: frozenset[str]  # every variable mentioned anywhere
    unbound_projection: tuple[str, ...]  # projected variables nothing binds, in query order


#: Longer texts are not checked: rdflib's parser (pure Python) takes tens of ms per KB, and the
#: server runs the check in its own process. The shipped queries are about 2 KB.
MAX_CHECKED_CHARS = 10_000


@functools.lru_cache(maxsize=512)  # the same query texts come back again and again
def analyse(sparql: str) -> QueryNames | None:
    """Parse ``sparql`` with rdflib and return the names it uses and binds, or None if it is not checked.

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
    return QueryNames(frozenset(terms), frozenset(variables), tuple(_unbound_projection(body)))


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
