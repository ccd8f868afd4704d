"""SHACL property paths as SPARQL property paths: one text for queries, results and messages.

A result's path (:attr:`~xpo1kg.validate.pyshacl_engine.ValidationResult.path`) is the IRI of a
predicate path, and the SPARQL 1.1 property path of any other (``^<…/child>``,
``(<…/a>/<…/b>)``), so that both engines name a path the same way whatever blank nodes the
shapes graph and pyshacl's report graph give it.
"""

from __future__ import annotations

import re

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from xpo1kg.rdf.namespaces import compress

__all__ = ["BadPathError", "path_sparql", "path_text", "show_path"]

_UNARY = {SH.inversePath: "^({})", SH.zeroOrMorePath: "({})*", SH.oneOrMorePath: "({})+",
          SH.zeroOrOnePath: "({})?"}  # fmt: skip
_IRI = re.compile(r"<([^<>\s]*)>")


class BadPathError(ValueError):
    """A node that is not a well-formed SHACL property path."""


def path_sparql(graph: Graph, node: Node, depth: int = 0) -> str:
    """Return the SPARQL property path of SHACL path ``node`` in ``graph``.

    >>> g = Graph().parse(data="[] <http://www.w3.org/ns/shacl#inversePath> <urn:p> .", format="ttl")
    >>> path_sparql(g, next(iter(g.subjects())))
    '^<urn:p>'
    """
    if depth > 32:
        raise BadPathError("a property path nested too deep")
    if isinstance(node, URIRef):
        if any(c in str(node) for c in '<>"{}|^`\\ '):
            raise BadPathError(f"an IRI SPARQL cannot write: {node}")
        return f"<{node}>"
    if (node, RDF.first, None) in graph:
        members = [path_sparql(graph, m, depth + 1) for m in Collection(graph, node)]
        if len(members) < 2:
            raise BadPathError("a sequence path needs two members or more")
        return "(" + "/".join(members) + ")"
    kinds = [p for p in (SH.alternativePath, *_UNARY) if (node, p, None) in graph]
    if len(kinds) != 1 or len(list(graph.objects(node, kinds[0]))) != 1:
        raise BadPathError(f"not a SHACL property path: {node}")
    inner = graph.value(node, kinds[0])
    assert inner is not None
    if kinds[0] == SH.alternativePath:
        members = [path_sparql(graph, m, depth + 1) for m in Collection(graph, inner)]
        if len(members) < 2:
            raise BadPathError("an alternative path needs two members or more")
        return "(" + "|".join(members) + ")"
    text = path_sparql(graph, inner, depth + 1)
    if kinds[0] == SH.inversePath and isinstance(inner, URIRef):
        return f"^{text}"
    return _UNARY[kinds[0]].format(text)


def path_text(graph: Graph, node: Node | None) -> str | None:
    """Return a path as a result names it: the IRI of a predicate, else its SPARQL path."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    try:
        return path_sparql(graph, node)
    except BadPathError:
        return str(node)


def show_path(path: str) -> str:
    """Write a result's path for people: CURIEs where the project knows the prefix.

    >>> show_path("^<https://w3id.org/xpo1kg/ontology/hasRegion>")
    '^xo:hasRegion'
    """
    if not path.startswith(("<", "^", "(")):
        return compress(path)

    def short(match: re.Match[str]) -> str:
        curie = compress(match.group(1))
        return curie if curie != match.group(1) else match.group(0)

    return _IRI.sub(short, path)
