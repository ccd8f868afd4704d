"""The KGX TSV pair and the SPARQL examples: exact rows, Biolink terms, the CLI."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_runs import assert_ok, run
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH

from xpo1kg import KnowledgeGraph
from xpo1kg.publish.kgx import CATEGORIES, EDGE_COLUMNS, NODE_COLUMNS, PREDICATES, kgx_tables
from xpo1kg.publish.sparql_examples import EXAMPLES, SCHEMA, sparql_examples
from xpo1kg.query.catalog import list_queries


@pytest.fixture(scope="module")
def tables(kg: KnowledgeGraph) -> dict[str, list[dict[str, str]]]:
    built = kgx_tables(kg)
    return {
        name: list(csv.DictReader(io.StringIO(content.decode("utf-8")), delimiter="\t"))
        for name, content in built.items()
    }


@pytest.fixture(scope="module")
def biolink() -> dict[str, Any]:
    schema = resources.files("biolink_model").joinpath("schema").joinpath("biolink_model.yaml")
    model: dict[str, Any] = yaml.safe_load(schema.read_text(encoding="utf-8"))
    return model


def test_inhibition_edge_is_biolink_affects_decreased_by_inhibition(
    tables: dict[str, list[dict[str, str]]],
) -> None:
    (edge,) = [
        e for e in tables["edges.tsv"]
        if (e["subject"], e["original_predicate"], e["object"])
        == ("xr:selinexor", "xo:inhibits", "xr:XPO1")
    ]  # fmt: skip
    assert edge == {
        "subject": "xr:selinexor",
        "predicate": "biolink:affects",
        "object": "xr:XPO1",
        "original_predicate": "xo:inhibits",
        "primary_knowledge_source": "xr:BenchChemGuide2025",
        "publications": "",
        "knowledge_level": "knowledge_assertion",
        "agent_type": "manual_agent",
        "has_evidence": "obo:ECO_0000303",
        "supporting_text": "The primary mechanism of action for XPO1 inhibitors, such as the "
        "clinically approved drug selinexor (Xpovio®), involves the covalent binding to a "
        "cysteine residue (Cys528) in the cargo-binding groove of the XPO1 protein.",
        "modality": "established",
        "hedge": "",
        "object_direction_qualifier": "decreased",
        "causal_mechanism_qualifier": "inhibition",
    }


def test_one_row_per_statement_and_source_and_unmapped_properties_are_related_to(
    tables: dict[str, list[dict[str, str]]],
) -> None:
    binding = [
        (e["predicate"], e["primary_knowledge_source"])
        for e in tables["edges.tsv"]
        if (e["subject"], e["original_predicate"], e["object"])
        == ("xr:selinexor", "xo:bindsCovalently", "xr:XPO1_Cys528")
    ]
    assert binding == [
        ("biolink:related_to", "xr:AccessMedicineSelinexor"),
        ("biolink:related_to", "xr:BenchChemGuide2025"),
    ]
    participates = {
        e["predicate"]
        for e in tables["edges.tsv"]
        if e["original_predicate"] == "xo:participatesIn"
    }
    assert participates == {"biolink:participates_in"}


def test_nodes_have_categories_names_and_xrefs(tables: dict[str, list[dict[str, str]]]) -> None:
    nodes = {n["id"]: n for n in tables["nodes.tsv"]}
    assert nodes["xr:TP53"] == {
        "id": "xr:TP53",
        "category": "biolink:Protein",
        "name": "TP53",
        "xref": "uniprot:P04637",
        "iri": "https://w3id.org/xpo1kg/resource/TP53",
    }
    assert nodes["xr:selinexor"]["category"] == "biolink:SmallMolecule"
    assert "drugbank:DB11942" in nodes["xr:selinexor"]["xref"].split("|")
    assert nodes["xr:AcuteMyeloidLeukemia"]["category"] == "biolink:Disease"
    ends = {e[k] for e in tables["edges.tsv"] for k in ("subject", "object")}
    assert set(nodes) == ends  # every edge end is a node, and only those


def test_columns_predicates_categories_and_enums_are_biolinks(
    tables: dict[str, list[dict[str, str]]], biolink: dict[str, Any]
) -> None:
    slots, classes, enums = biolink["slots"], biolink["classes"], biolink["enums"]

    def slot(curie: str) -> str:
        return curie.removeprefix("biolink:").replace("_", " ")

    for column in (*NODE_COLUMNS, *EDGE_COLUMNS):
        if column not in ("iri", "modality", "hedge"):  # the graph's own extra columns
            assert slot(column) in slots, column
    for ro, predicate in PREDICATES.items():
        assert slot(predicate) in slots, predicate
        mappings = slots[slot(predicate)].get("exact_mappings", []) + slots[slot(predicate)].get(
            "narrow_mappings", []
        )
        if predicate in ("biolink:participates_in", "biolink:has_participant", "biolink:precedes"):
            assert ro.replace("obo:RO_", "RO:") in mappings
    for category in CATEGORIES.values():
        name = "".join(" " + c.lower() if c.isupper() else c for c in category[8:]).strip()
        assert name in classes, category
    for edge in tables["edges.tsv"]:
        assert edge["knowledge_level"] in enums["KnowledgeLevelEnum"]["permissible_values"]
        assert edge["agent_type"] in enums["AgentTypeEnum"]["permissible_values"]
        if edge["object_direction_qualifier"]:
            assert (
                edge["object_direction_qualifier"]
                in enums["DirectionQualifierEnum"]["permissible_values"]
            )
            assert (
                edge["causal_mechanism_qualifier"]
                in enums["CausalMechanismQualifierEnum"]["permissible_values"]
            )


def test_export_kgx_writes_the_pair_and_refuses_stdout(tmp_path: Path, kg: KnowledgeGraph) -> None:
    assert_ok(run("export", "--format", "kgx", "--output", tmp_path / "kgx"))
    assert sorted(p.name for p in (tmp_path / "kgx").iterdir()) == ["edges.tsv", "nodes.tsv"]
    assert (tmp_path / "kgx" / "edges.tsv").read_bytes() == kgx_tables(kg)["edges.tsv"]
    refused = run("export", "--format", "kgx")
    assert refused.exit_code == 2
    assert "give --output DIRECTORY" in refused.stderr


def test_sparql_examples_are_shacl_select_executables() -> None:
    graph = sparql_examples()
    queries = list_queries()
    assert set(graph.subjects(RDF.type, SH.SPARQLSelectExecutable)) == {
        EXAMPLES[q.name] for q in queries
    }
    node = EXAMPLES["ic50_table"]
    assert (node, RDF.type, SH.SPARQLExecutable) in graph
    assert str(graph.value(node, RDFS.comment)) == (
        "How potent are XPO1 inhibitors on each cancer cell line, as IC50 values?"
    )
    assert str(graph.value(node, SH.select)).startswith("# title: IC50 values of XPO1 inhibitors")
    assert graph.value(node, SCHEMA.target) == URIRef("/sparql")


def test_export_sparql_examples_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "examples.ttl"
    assert_ok(run("export", "--format", "sparql-examples", "--output", target))
    parsed = Graph().parse(target, format="turtle", publicID="http://example.org/")
    assert len(parsed) == len(sparql_examples())
