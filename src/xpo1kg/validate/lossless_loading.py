"""rdflib graphs into an Oxigraph store for the fast SHACL engine, losslessly.

Stores must be filled through :func:`add_graph` (or :func:`to_store`): Oxigraph's own loaders
normalise literals (``"1.50"^^xsd:decimal`` becomes ``"1.5"``, ``xsd:positiveInteger`` becomes
``xsd:integer``) and rename blank nodes, which would change what ``sh:datatype`` sees and what the
results report. How the terms are written, and read back by the queries, is
:mod:`xpo1kg.validate.sparql_terms`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.stores.memory import Memory

from xpo1kg.validate.sparql_terms import ILL_TYPED, SKOLEM, TYPED

__all__ = ["add_graph", "to_store"]

#: What pyshacl's sh:datatype check also asks of a well-formed literal's Python value.
_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _term(node: Any) -> str:
    """Encode one rdflib term as N-Triples, losslessly (see the module docstring).

    ``"".join`` rather than f-strings: twice as fast on rdflib's str subclasses.
    """
    kind = type(node)
    if kind is URIRef:
        return "".join(("<", node, ">"))  # noqa: FLY002
    if kind is Literal:
        text = encode_basestring(node)
        if node._language:
            return "".join((text, "@", node._language))  # noqa: FLY002
        datatype = node._datatype
        if datatype is None:
            return text
        expected = _PYTHON_TYPES.get(datatype)
        well_typed = not node._ill_typed and (expected is None or isinstance(node._value, expected))
        return "".join((text, "^^<", TYPED if well_typed else ILL_TYPED, datatype, ">"))
    if isinstance(node, BNode):
        return f"<{SKOLEM}{node}>"
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):  # a subclass: take the slow, general path
        return _term(Literal(str(node), lang=node.language, datatype=node.datatype))
    raise TypeError(f"cannot store {node!r}")


def _n_triples(graph: Graph) -> tuple[str, set[str]]:
    """Return ``graph`` as lossless N-Triples, and its subjects."""
    parts: list[str] = []
    add = parts.append
    store = graph.store
    if type(store) is Memory and len(store) == len(graph):
        # The graph is the whole store: read rdflib's subject index directly, encoding each
        # subject and predicate once instead of once per triple (several times faster).
        index: dict[Any, dict[Any, dict[Any, int]]] = store._Memory__spo  # type: ignore[attr-defined]
        for subject, predicates in index.items():
            encoded = _term(subject)
            for predicate, objects in predicates.items():
                head = "".join((encoded, " ", _term(predicate), " "))
                for obj in objects:
                    add(head)
                    add(_term(obj))
                    add(" .\n")
        return "".join(parts), {str(s) for s in index}
    subjects = set()
    for subject, predicate, obj in graph:
        subjects.add(subject)
        add(" ".join((_term(subject), _term(predicate), _term(obj), ".\n")))
    return "".join(parts), {str(s) for s in subjects}


def add_graph(store: ox.Store, graph: Graph, *, to_graph: ox.NamedNode | None = None) -> set[str]:
    """Add an rdflib graph to an Oxigraph store losslessly; return its subjects (as in results)."""
    text, subjects = _n_triples(graph)
    if to_graph is None:
        store.load(text.encode(), ox.RdfFormat.N_TRIPLES, lenient=True)
    else:
        store.load(text.encode(), ox.RdfFormat.N_TRIPLES, lenient=True, to_graph=to_graph)
    return subjects


def to_store(*graphs: Graph) -> ox.Store:
    """Return a new in-memory Oxigraph store holding ``graphs`` (see add_graph)."""
    store = ox.Store()
    for graph in graphs:
        add_graph(store, graph)
    return store
