"""Every export, re-parsed by a second implementation (Oxigraph's parsers; the exports are written
by rdflib), is isomorphic to the graph it came from. Quad formats are compared graph by graph.

pyoxigraph 0.5 parses JSON-LD itself (``RdfFormat.JSON_LD``), so no format falls back to rdflib.
``pyoxigraph.parse`` keeps literals as written (only its *store* normalises numbers by value), so
"100.0"^^xsd:decimal stays "100.0". The one normalisation applied, to both sides alike, is RDF 1.1's
identity of "x" and "x"^^xsd:string, which rdflib keeps apart and Oxigraph does not.
"""

from __future__ import annotations

import socket
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from xpo1kg import KnowledgeGraph, load_graph
from xpo1kg.rdf.canonical import isomorphic
from xpo1kg.rdf.loading import graph_name
from xpo1kg.rdf.serialize import ExportFormat, serialize, serialize_dataset
from xpo1kg.rdf.terms import to_rdflib
from xpo1kg.reason.reasoner import INFERRED_GRAPH

TRIPLE_FORMATS: dict[ExportFormat, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
XO_VALUE = URIRef("https://w3id.org/xpo1kg/ontology/value")
QUAD_FORMATS: dict[ExportFormat, ox.RdfFormat] = {
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def plain(node: Node) -> Node:
    """Write "x"^^xsd:string as "x" (the same RDF 1.1 term)."""
    if isinstance(node, Literal) and node.datatype == XSD.string:
        return Literal(str(node))
    return node


def normalised(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(tuple(plain(node) for node in triple))  # type: ignore[arg-type]
    return out


def oxigraph_graphs(content: bytes, rdf_format: ox.RdfFormat) -> dict[str, Graph]:
    """Parse with Oxigraph; return rdflib graphs by graph name ("" for the default graph)."""
    graphs: dict[str, Graph] = defaultdict(Graph)
    for quad in ox.parse(input=content, format=rdf_format):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        terms = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
        graphs[name].add(tuple(plain(t) for t in terms))  # type: ignore[arg-type]
    return dict(graphs)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing an export must never need the network (the JSON-LD context is embedded)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("an export must parse without fetching anything")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize("fmt", list(TRIPLE_FORMATS))
def test_oxigraph_reads_back_the_same_graph(kg: KnowledgeGraph, fmt: ExportFormat) -> None:
    graphs = oxigraph_graphs(serialize(kg.graph, fmt), TRIPLE_FORMATS[fmt])
    assert list(graphs) == [""]
    assert len(graphs[""]) == len(kg.graph)
    assert isomorphic(graphs[""], normalised(kg.graph)), f"{fmt} does not round-trip"


@pytest.mark.parametrize("fmt", list(QUAD_FORMATS))
def test_oxigraph_reads_back_every_named_graph(kg: KnowledgeGraph, fmt: ExportFormat) -> None:
    graphs = oxigraph_graphs(serialize_dataset(kg.parts, fmt), QUAD_FORMATS[fmt])
    assert sorted(graphs) == sorted(str(name) for name, _ in kg.parts)
    for name, part in kg.parts:
        assert isomorphic(graphs[str(name)], normalised(part)), f"{fmt}: {name}"


@pytest.mark.parametrize("fmt", list(QUAD_FORMATS))
def test_the_inferred_graph_round_trips_as_its_own_graph(
    inferred_kg: KnowledgeGraph, fmt: ExportFormat
) -> None:
    assert inferred_kg.inferred is not None
    parts = [*inferred_kg.parts, (INFERRED_GRAPH, inferred_kg.inferred)]
    graphs = oxigraph_graphs(serialize_dataset(parts, fmt), QUAD_FORMATS[fmt])
    assert str(INFERRED_GRAPH) in graphs
    assert len(graphs[str(INFERRED_GRAPH)]) == len(inferred_kg.inferred) > 0
    for name, part in parts:
        assert isomorphic(graphs[str(name)], normalised(part)), f"{fmt}: {name}"


def test_lexical_forms_survive_the_round_trip() -> None:
    """Decimals written "100.0", booleans, language tags and blank nodes come back unchanged."""
    text = """
    @prefix xo: <https://w3id.org/xpo1kg/ontology/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <https://w3id.org/xpo1kg/resource/m1> xo:value "100.0"^^xsd:decimal ;
        xo:transient "true"^^xsd:boolean ;
        xo:stepNumber "07"^^xsd:integer ;
        <http://www.w3.org/2000/01/rdf-schema#label> "mesure"@fr ;
        xo:note [ xo:value 2.50 ] .
    """
    graph = Graph().parse(data=text, format="turtle")
    for fmt, rdf_format in TRIPLE_FORMATS.items():
        back = oxigraph_graphs(serialize(graph, fmt), rdf_format)[""]
        assert isomorphic(back, graph), fmt
        values = {str(o) for o in back.objects(None, XO_VALUE)}
        assert values == {"100.0", "2.50"}, fmt


def test_extra_files_keep_their_own_named_graph(tmp_path: Path) -> None:
    extra = tmp_path / "mine.ttl"
    extra.write_text(
        "<https://w3id.org/xpo1kg/resource/TP53> "
        '<http://www.w3.org/2004/02/skos/core#altLabel> "my label" .\n',
        encoding="utf-8",
    )
    kg = load_graph([extra])
    graphs = oxigraph_graphs(serialize_dataset(kg.parts, "nq"), ox.RdfFormat.N_QUADS)
    assert len(graphs[str(graph_name(extra))]) == 1
    assert sorted(graphs) == sorted(str(name) for name, _ in kg.parts)
