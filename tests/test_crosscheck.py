"""Checks of new data against the graph: IC50 outliers, duplicates, identifiers of existing things.

``xpo1kg ingest`` and ``xpo1kg validate FILE --with-bundled`` report them as warnings (exit 0);
``--strict`` makes them errors (exit 1; ingest then writes nothing). ``check_new_data`` is the
function behind both.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runs import assert_ok, run
from rdflib import Graph

from xpo1kg import KnowledgeGraph, load_graph
from xpo1kg.ingest.pipeline import ingest
from xpo1kg.ingest.values import IngestError
from xpo1kg.rdf.namespaces import XR
from xpo1kg.validate.crosscheck import (
    NEW_GRAPH,
    Finding,
    check_files,
    check_new_data,
    with_new_data,
)

PREFIXES = """\
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .
@prefix biolink: <https://w3id.org/biolink/vocab/> .
"""


def measurement(
    name: str, value: str, unit: str = "obo:UO_0000065", source: str = "xr:WikipediaSelinexor"
) -> str:
    """A complete (valid) IC50 of KPT-185 on SK-OV-3, whose existing IC50 is ~300 nM."""
    return f"""
xr:{name} a xo:IC50Measurement ;
    rdfs:label "{name}" ;
    xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:KPT-185 ;
    xo:hasCellLine xr:SK-OV-3 ;
    xo:value {value} ;
    xo:hasUnit {unit} ;
    xo:evidenceType obo:ECO_0000303 ; xo:modality xo:Established ;
    biolink:knowledge_level "knowledge_assertion" ; biolink:agent_type "manual_agent" ;
    dcterms:source {source} .
"""


#: An IC50 16.7x above the existing one (5 µM against ~300 nM): an outlier.
OUTLIER = measurement("IC50_far", "5.0", "obo:UO_0000064")
#: The same value as the existing one (0.3 µM = 300 nM), from another source: a duplicate.
DUPLICATE = measurement("IC50_again", "0.3", "obo:UO_0000064")
#: 2.5x above the existing value, from another source: neither an outlier nor a duplicate.
ORDINARY = measurement("IC50_near", "750.0")
#: The same value from the same source: a restatement, not a duplicate from another source.
SAME_SOURCE = measurement("IC50_restated", "300.0", source="xr:BenchChemGuide2025")
#: A cell line under a new IRI with the Cellosaurus accession of the graph's A2780.
SAME_IDENTIFIER = """
xr:MyA2780 a xo:CellLine ; rdfs:label "my A2780" ; xo:cellosaurusId "CVCL_0134" ;
    dcterms:source xr:WikipediaSelinexor .
"""


def write(tmp_path: Path, *parts: str, name: str = "mine.ttl") -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + "".join(parts), encoding="utf-8")
    return path


def graph_of(*parts: str) -> Graph:
    return Graph().parse(data=PREFIXES + "".join(parts), format="turtle")


def kinds(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.kind, f.subject.rsplit("/", 1)[-1]) for f in findings]


# --- the function ---------------------------------------------------------------------------------


def test_each_kind_of_finding(kg: KnowledgeGraph) -> None:
    new = graph_of(OUTLIER, DUPLICATE, ORDINARY, SAME_SOURCE, SAME_IDENTIFIER)
    found = check_new_data(kg, new)
    assert kinds(found) == [
        ("duplicate-measurement", "IC50_again"),
        ("ic50-outlier", "IC50_far"),
        ("identifier-match", "MyA2780"),
    ]
    outlier = next(f for f in found if f.kind == "ic50-outlier")
    assert outlier.message == (
        "IC50_far (xr:IC50_far) is 5000 nM, 17× above the existing IC50 of KPT-185 (xr:KPT-185) "
        "on SK-OV-3 (xr:SK-OV-3), 300 nM (xr:IC50_KPT-185_SK-OV-3): more than 10× apart"
    )
    duplicate = next(f for f in found if f.kind == "duplicate-measurement")
    assert "xr:WikipediaSelinexor" in duplicate.message
    assert "xr:BenchChemGuide2025" in duplicate.message
    same = next(f for f in found if f.kind == "identifier-match")
    assert '"CVCL_0134"' in same.message and "A2780 (xr:A2780)" in same.message


def test_an_existing_outlier_below_is_reported_too(kg: KnowledgeGraph) -> None:
    found = check_new_data(kg, graph_of(measurement("IC50_low", "20.0")))  # 15x below ~300
    assert kinds(found) == [("ic50-outlier", "IC50_low")]
    assert "below" in found[0].message


def test_identifiers_linked_by_exact_match_are_compared(kg: KnowledgeGraph) -> None:
    new = graph_of(
        'xr:Selinexor2 a xo:SINECompound ; rdfs:label "KPT 330" ;'
        " <http://www.w3.org/2004/02/skos/core#exactMatch>"
        " <http://rdf.ebi.ac.uk/resource/chembl/molecule/CHEMBL3545185> ."
    )
    found = check_new_data(kg, new)
    assert kinds(found) == [("identifier-match", "Selinexor2")]
    assert "selinexor (xr:selinexor)" in found[0].message


def test_the_bundled_data_against_itself_finds_nothing(kg: KnowledgeGraph) -> None:
    assert check_new_data(kg, kg.graph) == []


def test_findings_name_their_file(tmp_path: Path) -> None:
    path = write(tmp_path, OUTLIER)
    (finding,) = check_files([path])
    assert finding.file == str(path) and finding.row is None
    assert finding.line().startswith(f"{path}: ic50-outlier: ")
    assert finding.to_dict()["kind"] == "ic50-outlier"


# --- validate -------------------------------------------------------------------------------------


def test_validate_reports_the_findings_as_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, OUTLIER, DUPLICATE, SAME_IDENTIFIER)
    outcome = run("validate", path, "--engine", "fast", "--with-bundled")
    assert_ok(outcome)  # conforms: the findings do not refuse anything
    assert "new data against the graph (3):" in outcome.stdout
    assert f"  warning: {path}: ic50-outlier: " in outcome.stdout
    assert f"  warning: {path}: duplicate-measurement: " in outcome.stdout
    assert f"  warning: {path}: identifier-match: " in outcome.stdout
    assert "conforms; 3 findings against the graph, as warnings" in outcome.stdout


def test_validate_strict_makes_them_errors(tmp_path: Path) -> None:
    path = write(tmp_path, OUTLIER)
    outcome = run("validate", path, "--engine", "fast", "--with-bundled", "--strict")
    assert outcome.exit_code == 1
    assert f"  error: {path}: ic50-outlier: " in outcome.stdout
    clean = write(tmp_path, ORDINARY, name="clean.ttl")
    assert_ok(run("validate", clean, "--engine", "fast", "--with-bundled", "--strict"))


def test_validate_strict_needs_files_in_context() -> None:
    outcome = run("validate", "--strict")
    assert outcome.exit_code == 2
    assert "--with-bundled" in outcome.stderr


def test_validate_json_has_a_section_for_the_findings(tmp_path: Path) -> None:
    path = write(tmp_path, DUPLICATE)
    outcome = run("validate", path, "--engine", "fast", "--with-bundled", "--format", "json")
    assert_ok(outcome)
    document = json.loads(outcome.stdout)
    assert document["conforms"] is True and document["violations"] == []
    (finding,) = document["new_data"]["findings"]
    assert finding["kind"] == "duplicate-measurement"
    assert finding["file"] == str(path) and finding["subject"].endswith("/IC50_again")
    strict = run(
        "validate", path, "--engine", "fast", "--with-bundled", "--format", "json", "--strict"
    )
    assert strict.exit_code == 1 and json.loads(strict.stdout)["new_data"]["strict"] is True


# --- ingest ---------------------------------------------------------------------------------------

#: Rows of KPT-185 on SK-OV-3 (existing: ~300 nM from the guide): 5 µM is an outlier, and 300 nM
#: from a PubMed source repeats the guide's value.
ROWS = """\
inhibitor,cell_line,value,source
KPT-185,SKOV3,5 µM,PMID:28810913
KPT-185,SKOV3,300 nM,PMID:28810913
"""


def test_ingest_reports_the_findings_with_their_rows(tmp_path: Path) -> None:
    table = tmp_path / "rows.csv"
    table.write_text(ROWS, encoding="utf-8")
    result = ingest(table, into=tmp_path / "rows.ttl")
    assert [(f.kind, f.row) for f in result.findings] == [
        ("ic50-outlier", 2),
        ("duplicate-measurement", 3),
    ]
    assert result.written  # warnings: the rows were added


def test_ingest_summary_shows_the_findings(tmp_path: Path) -> None:
    table = tmp_path / "rows.csv"
    table.write_text(ROWS, encoding="utf-8")
    outcome = run("ingest", table, "--into", tmp_path / "rows.ttl")
    assert_ok(outcome)
    assert f"warning: {table}:2: ic50-outlier: " in outcome.stdout
    assert f"warning: {table}:3: duplicate-measurement: " in outcome.stdout
    assert "2 added, 0 already present, 2 warnings against the graph (see above)" in outcome.stdout


def test_ingest_strict_refuses_and_writes_nothing(tmp_path: Path) -> None:
    table = tmp_path / "rows.csv"
    table.write_text(ROWS, encoding="utf-8")
    into = tmp_path / "rows.ttl"
    with pytest.raises(IngestError) as raised:
        ingest(table, into=into, strict=True)
    assert [line.split(": ", 1)[0] for line in raised.value.lines()] == [
        f"{table}:2",
        f"{table}:3",
    ]
    outcome = run("ingest", table, "--into", into, "--strict")
    assert outcome.exit_code == 1
    assert f"{table}:2: ic50-outlier: " in outcome.stderr
    assert "nothing was written" in outcome.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]


def test_new_data_added_in_place_is_replaced_when_it_changes() -> None:
    kg = load_graph(inferred=False)
    first = (
        '<https://w3id.org/xpo1kg/resource/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n'
    )
    second = (
        '<https://w3id.org/xpo1kg/resource/b> <http://www.w3.org/2000/01/rdf-schema#label> "b" .\n'
    )

    def new_subjects(store: ox.Store) -> set[str]:
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(NEW_GRAPH))
        return {q.subject.value for q in quads}

    before = len(kg.store.oxigraph)
    store = with_new_data(kg, first, in_place=True)
    assert store is kg.store.oxigraph and new_subjects(store) == {str(XR.a)}
    # The same triples again (validation, then the cross-checks): the store keeps what it holds.
    assert new_subjects(with_new_data(kg, first, in_place=True)) == {str(XR.a)}
    assert new_subjects(with_new_data(kg, second, in_place=True)) == {str(XR.b)}
    assert len(store) == before + 1
    # A copy is a store of its own, and leaves the graph's store as it is.
    copy = with_new_data(kg, first)
    assert (
        copy is not store
        and new_subjects(copy) == {str(XR.a)}
        and new_subjects(store) == {str(XR.b)}
    )
