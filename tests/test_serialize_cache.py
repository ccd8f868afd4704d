"""Serialising labels a graph's blank nodes once per content, and sees every edit."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from xpo1kg.rdf import serialize as serialize_module
from xpo1kg.rdf.canonical import canonical_triples
from xpo1kg.rdf.serialize import serialize


def test_one_graph_in_four_formats_is_labelled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting(triples: frozenset[tuple[Node, Node, Node]]) -> list[tuple[Node, Node, Node]]:
        calls.append(len(triples))
        return canonical_triples(triples)

    monkeypatch.setattr(serialize_module, "canonical_triples", counting)
    graph = Graph()
    graph.add((URIRef("urn:cache:a"), URIRef("urn:cache:b"), BNode()))
    first = {name: serialize(graph, name) for name in ("ttl", "nt", "jsonld", "xml")}
    assert calls == [1]
    assert {name: serialize(graph, name) for name in first} == first

    graph.add((URIRef("urn:cache:a"), URIRef("urn:cache:c"), Literal("edited")))
    assert b'"edited"' in serialize(graph, "nt")  # an edit is new content: labelled again
    assert calls == [1, 2]
