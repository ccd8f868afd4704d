"""The prepared-query graph that pyshacl validates: the same answers as rdflib, each text parsed once."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import DCTERMS, OWL, RDF
from rdflib.plugins.sparql import prepareQuery

from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import XO, XR
from xpo1kg.resources import data_files
from xpo1kg.validate import prepared_graph
from xpo1kg.validate import pyshacl_engine as validation
from xpo1kg.validate.prepared_graph import PreparedQueryGraph, plan_patterns
from xpo1kg.validate.pyshacl_engine import validate_graph

EX = "urn:ex:"
QUERIES = [
    # The shape of the SHACL-SPARQL constraint: a bound $this, a NOT EXISTS over annotations.
    """SELECT ?this ?p ?o WHERE { ?this ?p ?o .
        FILTER NOT EXISTS { ?a <urn:ex:about> ?this ; a <urn:ex:Note> ; <urn:ex:says> ?o } }""",
    "SELECT ?this ?x WHERE { ?this <urn:ex:knows> ?y . OPTIONAL { ?y <urn:ex:knows> ?x } }",
    "SELECT ?this (COUNT(?y) AS ?n) WHERE { ?this <urn:ex:knows>+ ?y } GROUP BY ?this",
    "ASK { ?this <urn:ex:knows> [ <urn:ex:knows> ?this ] }",
    # A sub-select whose own ?this is not the outer one.
    "SELECT ?this ?z WHERE { ?this <urn:ex:knows> ?z . { SELECT ?z WHERE { ?z a <urn:ex:Note> } } }",
]


@pytest.fixture(scope="module")
def small() -> Graph:
    graph = Graph()
    people = [URIRef(f"{EX}p{i}") for i in range(6)]
    for i, person in enumerate(people):
        graph.add((person, URIRef(EX + "knows"), people[(i + 1) % 6]))
        graph.add((person, URIRef(EX + "knows"), people[(i * 2) % 6]))
        if i % 2:
            note = BNode()
            graph.add((note, RDF.type, URIRef(EX + "Note")))
            graph.add((note, URIRef(EX + "about"), person))
            graph.add((note, URIRef(EX + "says"), people[(i + 1) % 6]))
    graph.add((people[3], RDF.type, URIRef(EX + "Note")))
    return graph


def answers(graph: Graph, text: str, this: URIRef) -> object:
    result = graph.query(text, initBindings={"this": this})
    if result.type == "ASK":
        return result.askAnswer
    return sorted(tuple(row) for row in result)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", QUERIES)
def test_same_answers_as_rdflib_for_every_binding(small: Graph, text: str) -> None:
    prepared = PreparedQueryGraph()
    prepared += small
    for i in range(6):
        this = URIRef(f"{EX}p{i}")
        assert answers(prepared, text, this) == answers(small, text, this)


def test_each_text_is_prepared_once(monkeypatch: pytest.MonkeyPatch, small: Graph) -> None:
    """Once per process: pyshacl validates a new copy of the data each time, with the same shapes."""
    texts: list[str] = []

    def counting(text: str, **options: object) -> object:
        texts.append(text)
        return prepareQuery(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(prepared_graph, "prepareQuery", counting)
    prepared_graph._prepared.cache_clear()
    for _ in range(2):
        prepared = PreparedQueryGraph()
        prepared += small
        for i in range(6):
            answers(prepared, QUERIES[0], URIRef(f"{EX}p{i}"))
    assert texts == [QUERIES[0]]
    # Other prefixes or other bound variables are another preparation.
    prepared.bind("ex", EX)
    answers(prepared, QUERIES[0], URIRef(f"{EX}p0"))
    prepared.query(QUERIES[0])
    assert texts == [QUERIES[0]] * 3


def test_patterns_start_from_the_bound_variable() -> None:
    """The annotation is found from ``$this``, not by scanning every ``owl:Axiom``."""
    this, axiom, path = (Variable(n) for n in ("this", "axiom", "path"))
    typed = (axiom, RDF.type, OWL.Axiom)
    sourced = (axiom, DCTERMS.source, Variable("source"))
    about = (axiom, OWL.annotatedSource, this)
    prop = (axiom, OWL.annotatedProperty, path)
    assert plan_patterns([typed, sourced, prop, about], {this})[0] == about
    # Without bindings the order of rdflib's planner is kept for equal costs.
    assert plan_patterns([typed, about], set()) == [typed, about]


def test_validation_gives_pyshacls_own_report_on_a_broken_copy() -> None:
    """Statements without annotations (the SPARQL constraint) and other defects, exactly."""
    data = read_graph(data_files())
    for axiom in list(data.subjects(OWL.annotatedSource, XR.XPO1))[:3]:
        data.remove((axiom, None, None))
    data.add((XR.BAX, XO.participatesIn, XR.InhibitionOfNFkBSignalling))
    data.add((XR["IC50_KPT-185_A2780"], XO.qualifier, Literal("about")))
    ontology = validation._ontology()
    ours = validate_graph(data, ontology)
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=validation._shapes(),
        ont_graph=ontology,
        inference="none",
        allow_infos=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    assert isinstance(report, Graph)
    reference = sorted(validation._flatten(report, data + ontology), key=validation._order)
    assert list(ours.results) == reference
    components = {r.constraint_component for r in ours.results}
    assert {"sh:SPARQLConstraintComponent", "sh:InConstraintComponent"} <= components
