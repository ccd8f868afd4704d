"""The VoID + DCAT description: its figures equal SPARQL counts run on Oxigraph over the same
graph (a second, independent computation), and it links exactly the datasets the data uses."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

from xpo1kg import KnowledgeGraph, load_graph
from xpo1kg.cli import main
from xpo1kg.publish.description import DATASET, URI_SPACE, describe_dataset
from xpo1kg.publish.linked_datasets import linked_dataset

SPDX = "http://spdx.org/rdf/terms#"
IN_SPACE = f'isIRI(?s) && STRSTARTS(STR(?s), "{URI_SPACE}")'
#: Triples counted once each, whichever named graphs hold them.
TRIPLES = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    """The asserted graph: the description counts asserted triples (inferred ones are left out)."""
    return load_graph(inferred=False)


@pytest.fixture(scope="module")
def description(kg: KnowledgeGraph) -> Graph:
    return describe_dataset(kg)


def figure(description: Graph, prop: URIRef, node: URIRef = DATASET) -> int:
    values = list(description.objects(node, prop))
    assert len(values) == 1, (node, prop, values)
    return int(values[0])  # type: ignore[call-overload]


def sparql_count(kg: KnowledgeGraph, expression: str, where: str) -> int:
    result = kg.query(f"SELECT ({expression} AS ?n) WHERE {{ {where} }}")
    return int(result.column("n")[0])


def test_dataset_figures_equal_sparql_counts(kg: KnowledgeGraph, description: Graph) -> None:
    expected = {
        VOID.triples: sparql_count(kg, "COUNT(*)", TRIPLES),
        VOID.distinctSubjects: sparql_count(kg, "COUNT(DISTINCT ?s)", TRIPLES),
        VOID.distinctObjects: sparql_count(kg, "COUNT(DISTINCT ?o)", TRIPLES),
        VOID.properties: sparql_count(kg, "COUNT(DISTINCT ?p)", TRIPLES),
        VOID.classes: sparql_count(kg, "COUNT(DISTINCT ?c)", "?x a ?c"),
        VOID.entities: sparql_count(kg, "COUNT(DISTINCT ?s)", f"?s ?p ?o FILTER({IN_SPACE})"),
    }
    assert {prop: figure(description, prop) for prop in expected} == expected
    assert expected[VOID.triples] == len(kg.graph) == 3364


def test_class_partitions_equal_sparql_counts(kg: KnowledgeGraph, description: Graph) -> None:
    rows = kg.query(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER({IN_SPACE}) }} GROUP BY ?c"
    ).records()
    expected = {URIRef(str(row["c"])): int(row["n"]) for row in rows}
    partitions = {
        description.value(p, VOID["class"]): figure(description, VOID.entities, p)
        for p in description.objects(DATASET, VOID.classPartition)
    }
    assert partitions == expected
    xo = "https://w3id.org/xpo1kg/ontology/"
    assert partitions[URIRef(xo + "IC50Measurement")] == 6
    assert partitions[URIRef(xo + "IC50RangeSummary")] == 1
    assert partitions[URIRef(xo + "CellLine")] == 6


def test_property_partitions_equal_sparql_counts(kg: KnowledgeGraph, description: Graph) -> None:
    rows = kg.query(f"SELECT ?p (COUNT(*) AS ?n) WHERE {TRIPLES} GROUP BY ?p").records()
    expected = {URIRef(str(row["p"])): int(row["n"]) for row in rows}
    partitions = {
        description.value(p, VOID.property): figure(description, VOID.triples, p)
        for p in description.objects(DATASET, VOID.propertyPartition)
    }
    assert partitions == expected


def linksets(description: Graph) -> dict[tuple[str, str], int]:
    found = {}
    for linkset in description.subjects(RDF.type, VOID.Linkset):
        assert description.value(linkset, VOID.subjectsTarget) == DATASET
        target = description.value(linkset, VOID.objectsTarget)
        key = str(target).rsplit("#", 1)[1]
        predicate = str(description.value(linkset, VOID.linkPredicate))
        found[(key, predicate)] = figure(description, VOID.triples, linkset)
    return found


def test_links_name_exactly_the_datasets_in_the_data(description: Graph) -> None:
    targets = {key for key, _ in linksets(description)}
    assert targets == {
        # data: skos:exactMatch / closeMatch / foaf:page
        *("uniprot", "chembl", "pubchem", "drugbank", "cellosaurus", "reactome"),
        *("mondo", "go", "chebi", "ncit", "doid", "bto"),
        # measurements (unit, endpoint) and the ontology's alignments
        *("uo", "bao", "ro", "iao"),
        # the evidence types of the statements
        "eco",
    }
    assert all((DATASET, VOID.subset, node) in description for node in _linkset_nodes(description))


def _linkset_nodes(description: Graph) -> list[URIRef]:
    return [n for n in description.subjects(RDF.type, VOID.Linkset) if isinstance(n, URIRef)]


def test_link_counts_equal_sparql_counts(kg: KnowledgeGraph, description: Graph) -> None:
    uniprot = "http://purl.uniprot.org/uniprot/"
    mondo = "http://purl.obolibrary.org/obo/MONDO_"
    exact = "http://www.w3.org/2004/02/skos/core#exactMatch"
    for key, space in (("uniprot", uniprot), ("mondo", mondo)):
        where = f'?s <{exact}> ?o FILTER({IN_SPACE} && STRSTARTS(STR(?o), "{space}"))'
        assert linksets(description)[(key, exact)] == sparql_count(kg, "COUNT(*)", where)
    assert linksets(description)[("uniprot", exact)] == 19


def test_links_follow_the_data(tmp_path: Path) -> None:
    """A file that adds an identifiers.org link adds that dataset; nothing else appears."""
    extra = tmp_path / "links.ttl"
    extra.write_text(
        "<https://w3id.org/xpo1kg/resource/TP53> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
        "<https://identifiers.org/hgnc:11998> , <https://identifiers.org/uniprot:P04637> .\n",
        encoding="utf-8",
    )
    found = linksets(describe_dataset(load_graph([extra], inferred=False)))
    see_also = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
    assert found[("hgnc", see_also)] == 1  # HGNC is in the registry (xpo1kg/rdf/registry.json)
    assert found[("uniprot", see_also)] == 1
    small = Graph()
    small.add((URIRef(URI_SPACE + "resource/X"), URIRef(see_also), URIRef("urn:isbn:123")))
    assert linksets(describe_dataset(small)) == {}


def test_linked_dataset_recognises_the_three_iri_forms() -> None:
    assert linked_dataset("http://purl.obolibrary.org/obo/GO_0006915").key == "go"  # type: ignore[union-attr]
    assert linked_dataset("https://identifiers.org/GO:0006915").key == "go"  # type: ignore[union-attr]
    assert linked_dataset("https://www.cellosaurus.org/CVCL_0532").key == "cellosaurus"  # type: ignore[union-attr]
    assert linked_dataset("http://purl.obolibrary.org/obo/") is None
    assert linked_dataset("https://www.cellosaurus.org/") is None


def test_metadata(kg: KnowledgeGraph, description: Graph) -> None:
    ontology = URIRef("https://w3id.org/xpo1kg/ontology")
    assert description.value(DATASET, DCTERMS.license) == kg.graph.value(ontology, DCTERMS.license)
    assert description.value(DATASET, URIRef("http://www.w3.org/ns/dcat#version")) == Literal(
        version("xpo1kg")
    )
    assert description.value(DATASET, VOID.uriSpace) == Literal(URI_SPACE)
    assert description.value(DATASET, VOID.sparqlEndpoint) == URIRef("/sparql")
    examples = set(description.objects(DATASET, VOID.exampleResource))
    assert URIRef("https://w3id.org/xpo1kg/resource/TP53") in examples
    assert (None, DCTERMS.issued, None) not in description  # nothing that changes every run
    assert (None, DCTERMS.modified, None) not in description


def test_describe_command_prints_the_description(description: Graph) -> None:
    result = CliRunner().invoke(main, ["describe"])
    assert result.exit_code == 0, result.output
    printed = Graph().parse(data=result.stdout, format="turtle", publicID="https://h.example/")
    assert figure(printed, VOID.triples) == figure(description, VOID.triples)
    jsonld = CliRunner().invoke(main, ["describe", "--format", "jsonld"])
    assert jsonld.exit_code == 0
    assert '"void": "http://rdfs.org/ns/void#"' in jsonld.stdout
