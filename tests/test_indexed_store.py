"""The indexed graph that pyshacl validates: every lookup answers as rdflib's own graph does."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from xpo1kg.rdf.indexed_store import IndexedGraph

EX = "urn:ex:"
A, B, C = (URIRef(EX + n) for n in "abc")
KNOWS, NAME = URIRef(EX + "knows"), URIRef(EX + "name")
NOTE = BNode("note")
TRIPLES = [
    (A, KNOWS, B),
    (B, KNOWS, C),
    (C, KNOWS, A),
    (A, KNOWS, C),
    (A, NAME, Literal("a")),
    (A, NAME, Literal("a", lang="en")),
    (B, NAME, Literal("1.0", datatype=rdflib.XSD.decimal)),
    (B, NAME, Literal(Decimal("1.0"))),  # the same lexical form and datatype: one triple
    (NOTE, RDF.type, A),
    (NOTE, RDFS.label, Literal("note")),
    (C, RDF.type, A),
]
TERMS = [None, A, B, C, KNOWS, NAME, NOTE, RDF.type, Literal("a"), Literal("x")]


def both() -> tuple[Graph, IndexedGraph]:
    plain, indexed = Graph(), IndexedGraph()
    for triple in TRIPLES:
        plain.add(triple)
        indexed.add(triple)
    return plain, indexed


def test_every_pattern_matches_as_in_rdflib() -> None:
    plain, indexed = both()
    assert len(indexed) == len(plain) == len(TRIPLES) - 1
    for pattern in itertools.product(TERMS, repeat=3):
        assert sorted(indexed.triples(pattern)) == sorted(plain.triples(pattern)), pattern
        assert (pattern in indexed) == (pattern in plain)


@pytest.mark.parametrize(
    "pattern",
    [(A, KNOWS, None), (None, KNOWS, None), (None, None, A), (B, None, None), (None, None, None)],
)
def test_a_removal_takes_every_match_and_nothing_else(
    pattern: tuple[URIRef | None, URIRef | None, URIRef | None],
) -> None:
    plain, indexed = both()
    plain.remove(pattern)
    indexed.remove(pattern)
    assert len(indexed) == len(plain)
    assert sorted(indexed) == sorted(plain)
    for probe in itertools.product(TERMS, repeat=3):
        assert sorted(indexed.triples(probe)) == sorted(plain.triples(probe)), probe


def test_triples_may_be_added_and_removed_while_iterating() -> None:
    _, indexed = both()
    for s, p, o in indexed.triples((None, KNOWS, None)):
        indexed.remove((s, p, o))
        indexed.add((o, URIRef(EX + "knownBy"), s))
    assert not list(indexed.triples((None, KNOWS, None)))
    assert len(list(indexed.triples((None, URIRef(EX + "knownBy"), None)))) == 4


def test_graph_helpers_paths_and_sparql_answer_as_in_rdflib() -> None:
    plain, indexed = both()
    assert set(indexed.objects(A, KNOWS)) == {B, C}
    assert set(indexed.subjects(RDF.type, A)) == {NOTE, C}
    assert sorted(indexed.triples((A, KNOWS * "+", None))) == sorted(
        plain.triples((A, KNOWS * "+", None))
    )
    query = "SELECT ?x (COUNT(?y) AS ?n) WHERE { ?x <urn:ex:knows>+ ?y } GROUP BY ?x ORDER BY ?x"
    assert list(indexed.query(query)) == list(plain.query(query))


def test_a_copy_keeps_triples_and_prefixes() -> None:
    plain, _ = both()
    plain.bind("ex", EX)
    copy = IndexedGraph.copy_of(plain)
    assert sorted(copy) == sorted(plain)
    assert dict(copy.namespaces())["ex"] == URIRef(EX)
    copy.add((C, KNOWS, B))
    assert (C, KNOWS, B) not in plain


@pytest.mark.parametrize(
    ("text", "syntax"),
    [
        ("@prefix ex: <urn:ex:> . ex:a ex:b ex:c . ex:g { ex:d ex:e ex:f . }", "trig"),
        (
            (
                '{"@context": {"ex": "urn:ex:"}, "@id": "ex:g", "ex:x": 1,'
                ' "@graph": [{"@id": "ex:d", "ex:e": {"@id": "ex:f"}}]}'
            ),
            "json-ld",
        ),
    ],
)
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_a_named_graph_parsed_into_it_is_left_out_as_rdflib_leaves_it_out(
    text: str, syntax: str
) -> None:
    plain, indexed = Graph(), IndexedGraph()
    plain.parse(data=text, format=syntax)
    indexed.parse(data=text, format=syntax)
    assert len(plain) == 1
    assert sorted(indexed) == sorted(plain)
