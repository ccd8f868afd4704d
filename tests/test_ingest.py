"""``xpo1kg ingest``: measurements from spreadsheets, validated, deduplicated and written atomically.

The command is run in-process with click's ``CliRunner`` (on ``ingest_command`` itself, so these
tests do not depend on its registration in ``cli.py``). ``SOURCE_DATE_EPOCH`` fixes the time in
provenance records, so that their bytes can be compared too.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from xpo1kg import load_graph, validate
from xpo1kg.cli.ingest import ingest_command
from xpo1kg.ingest.measurement_table import read_table
from xpo1kg.ingest.pipeline import HEADER, STORE_GRAPH, UNVERIFIED, plan_ingest
from xpo1kg.ingest.values import IngestError
from xpo1kg.rdf.canonical import isomorphic
from xpo1kg.rdf.text import render_trig, render_turtle
from xpo1kg.store.persistent import open_store

# rdflib's own TriG parser uses its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning"
)

XR = "https://w3id.org/xpo1kg/resource/"
XO = "https://w3id.org/xpo1kg/ontology/"
PROV = "http://www.w3.org/ns/prov#"
SPDX = "http://spdx.org/rdf/terms#"
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
PMID_SOURCE = XR + "source/pmid-28810913"

#: The guide's IC50 table, as a curator might type it: every row is already in the graph.
GUIDE_CSV = """\
Inhibitor, Cell Line ,CANCER_TYPE,Value,Unit,endpoint,Source
KPT-185,a2780,ovarian cancer,~100,nM,IC50,guide
KPT 185,A2780/CP70,Ovarian Cancer,≈ 100 nM,,ic50,BenchChem
kpt185,OVCAR3,,~0.05 µM,,,
KPT-185,SKOV3,,~300,nM,IC 50,guide
selinexor,Various,Bladder Cancer,100 – 500,nM,IC50,guide
KPT-330,mda-mb-468,TNBC,~32 nM,,,guide
CHEMBL3545185,BT549,triple-negative breast cancer,~200,nM,,guide
"""
GUIDE_IRIS = [
    "IC50_KPT-185_A2780",
    "IC50_KPT-185_A2780-CP70",
    "IC50_KPT-185_OVCAR-3",
    "IC50_KPT-185_SK-OV-3",
    "IC50_selinexor_bladder_various",
    "IC50_selinexor_MDA-MB-468",
    "IC50_selinexor_BT-549",
]

#: One new measurement, with every optional column.
NEW_CSV = """\
inhibitor,cell_line,value,source,assay,notes
KPT-330,SKOV3,0.2 µM,PMID:28810913,"CellTiter-Glo, 72 h",mean of 3
"""
NEW_IRI = XR + "IC50_selinexor_SK-OV-3_27763b14b031b8fd"
NEW_TRIPLES = f"""\
@prefix xo: <{XO}> . @prefix xr: <{XR}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> . @prefix bao: <http://www.bioassayontology.org/bao#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix biolink: <https://w3id.org/biolink/vocab/> .
<{{iri}}> a xo:IC50Measurement ;
    rdfs:label "IC50 of selinexor on SK-OV-3" ;
    xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:selinexor ;
    xo:hasCellLine xr:SK-OV-3 ;
    xo:hasCancerType xr:OvarianCancer ;
    xo:value 200.0 ;
    xo:qualifier "=" ;
    xo:pIC50 6.7 ;
    xo:publishedValue "0.2 µM" ;
    xo:evidenceType obo:ECO_0000269 ;
    xo:modality xo:Established ;
    biolink:knowledge_level "knowledge_assertion" ;
    biolink:agent_type "manual_agent" ;
    xo:hasUnit obo:UO_0000065 ;
    dcterms:source <{PMID_SOURCE}> ;
    dcterms:description "CellTiter-Glo, 72 h" ;
    rdfs:comment "mean of 3" .
<{PMID_SOURCE}> a xo:Source ;
    rdfs:label "PMID:28810913" ;
    foaf:page <https://pubmed.ncbi.nlm.nih.gov/28810913/> .
"""


def run(*args: object) -> Result:
    return CliRunner().invoke(
        ingest_command, [str(a) for a in args], env={"SOURCE_DATE_EPOCH": EPOCH}
    )


def table(tmp_path: Path, text: str, name: str = "table.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def measurements(path: Path) -> list[str]:
    graph = Graph().parse(path, format="turtle")
    return sorted(str(s) for s in graph.subjects(URIRef(XO + "hasInhibitor"), None))


def good_rows(count: int, start: int = 1) -> str:
    return "".join(f"selinexor,SKOV3,{start + i} nM,guide\n" for i in range(count))


# --- the guide's own table -----------------------------------------------------------------------


@pytest.mark.parametrize("separator", [",", "\t"])
def test_the_guides_table_as_a_messy_sheet_is_all_present(tmp_path: Path, separator: str) -> None:
    text = GUIDE_CSV.replace(",", separator) if separator == "\t" else GUIDE_CSV
    path = table(tmp_path, text, "guide.tsv" if separator == "\t" else "guide.csv")
    result = run(path, "--source", "guide")
    assert result.exit_code == 0, result.output
    present = re.findall(r":(\d+): already present .* as xr:(\S+)$", result.stdout, re.MULTILINE)
    assert present == [(str(n), iri) for n, iri in zip(range(2, 9), GUIDE_IRIS, strict=True)]
    assert "7 rows: 0 added, 7 already present" in result.stdout
    assert "nothing written" in result.stdout
    assert sorted(files(tmp_path)) == [path.name]  # no Turtle file, no provenance file


# --- adding --------------------------------------------------------------------------------------


def test_a_new_measurement_is_added_with_exactly_its_triples(tmp_path: Path) -> None:
    result = run(table(tmp_path, NEW_CSV))
    assert result.exit_code == 0, result.stderr
    into = tmp_path / "table.ttl"
    assert "1 row: 1 added, 0 already present; new: 1 source" in result.stdout
    assert f"wrote {into} and {into}.prov.trig" in result.stdout
    written = Graph().parse(into, format="turtle")
    assert isomorphic(written, Graph().parse(data=NEW_TRIPLES.format(iri=NEW_IRI), format="turtle"))
    assert into.read_text(encoding="utf-8").startswith(HEADER + "\n")
    assert validate([into], with_bundled=True).conforms
    rows = load_graph([into]).run("ic50_table").records()
    assert {(r["cell_line_label"], r["ic50_nM"], r["source_label"]) for r in rows} >= {
        ("SK-OV-3", 200, "PMID:28810913")
    }


def test_measurement_iris_are_stable(tmp_path: Path) -> None:
    """The IRI comes from the content (not the row or the file), so every ingest finds it again."""
    first = table(tmp_path, NEW_CSV, "a.csv")
    padded = "inhibitor,cell_line,value,source\nselinexor,BT549,5 nM,guide\nselinexor, sk-ov-3 ,200 nM,pmid 28810913\n"
    second = table(tmp_path, padded, "b.csv")
    assert run(first).exit_code == run(second).exit_code == 0
    assert NEW_IRI in measurements(tmp_path / "a.ttl")
    assert NEW_IRI in measurements(tmp_path / "b.ttl")


def test_other_endpoints_ranges_and_censored_values(tmp_path: Path) -> None:
    text = (
        "inhibitor,cell_line,cancer_type,value,endpoint,source\n"
        "eltanexor,A2780,,<10 nM,EC50,guide\n"
        "verdinexor,various,ovarian cancer,~0.1–0.5 µM,,guide\n"
        "leptomycin B,,multiple myeloma,>1 µM,Ki,guide\n"
    )
    assert run(table(tmp_path, text)).exit_code == 0
    graph = Graph().parse(tmp_path / "table.ttl", format="turtle")
    by_label = {
        str(graph.value(s, RDFS.label)): s
        for s in graph.subjects(URIRef(XO + "hasInhibitor"), None)
    }
    ec50 = by_label["EC50 of eltanexor on A2780"]
    assert graph.value(ec50, RDF.type) == URIRef(XO + "Measurement")
    assert graph.value(ec50, URIRef(XO + "hasEndpoint")) == URIRef(
        "http://www.bioassayontology.org/bao#BAO_0000188"
    )
    assert (graph.value(ec50, URIRef(XO + "qualifier")), graph.value(ec50, URIRef(XO + "value"))) == (
        Literal("<"), Literal("10.0", datatype=DECIMAL),
    )  # fmt: skip
    various = by_label["IC50 of verdinexor on ovarian cancer cell lines (various)"]
    assert graph.value(various, URIRef(XO + "cellLineDescription")) == Literal("various")
    assert graph.value(various, URIRef(XO + "hasCellLine")) is None
    bounds = [
        graph.value(various, URIRef(XO + p)) for p in ("lowerBound", "upperBound", "qualifier")
    ]
    assert bounds == [
        Literal("100.0", datatype=DECIMAL),
        Literal("500.0", datatype=DECIMAL),
        Literal("~"),
    ]
    ki = by_label["Ki of leptomycin B on multiple myeloma"]
    assert graph.value(ki, URIRef(XO + "value")) == Literal("1000.0", datatype=DECIMAL)
    assert validate([tmp_path / "table.ttl"], with_bundled=True).conforms


@pytest.mark.parametrize(
    ("inhibitor", "cell_line", "label"),
    [
        ("KPT-330", "SK-OV-3", "IC50 of selinexor on SK-OV-3"),
        ("CHEMBL3545185", "skov3", "IC50 of selinexor on SK-OV-3"),
        ("Selinexor", "SKOV 3", "IC50 of selinexor on SK-OV-3"),
        ("xr:selinexor", "CVCL_0532", "IC50 of selinexor on SK-OV-3"),
        ("kpt 185", "nih:ovcar-3", "IC50 of KPT-185 on NIH:OVCAR-3"),
        ("KPT-8602", "A-2780", "IC50 of eltanexor on A2780"),
        ("LMB", "mdamb468", "IC50 of leptomycin B on MDA-MB-468"),
    ],
)
def test_names_resolve_through_labels_synonyms_and_identifiers(
    tmp_path: Path, inhibitor: str, cell_line: str, label: str
) -> None:
    result = run(
        table(tmp_path, f"inhibitor,cell_line,value\n{inhibitor},{cell_line},7 nM\n"),
        "--source",
        "guide",
        "--dry-run",
    )
    assert result.exit_code == 0, result.stderr
    assert f"would add {label}: 7 nM" in result.stdout


def test_rows_repeating_each_other_add_one_measurement(tmp_path: Path) -> None:
    text = "inhibitor,cell_line,value,source\nselinexor,SKOV3,0.2 µM,guide\nKPT-330,SK-OV-3,200nM,guide\n"
    result = run(table(tmp_path, text))
    assert result.exit_code == 0
    assert (
        "table.csv:3: repeats an earlier row: IC50 of selinexor on SK-OV-3: 200 nM, as row 2"
        in result.stdout
    )
    assert len(measurements(tmp_path / "table.ttl")) == 1


# --- refusing ------------------------------------------------------------------------------------


def test_one_bad_row_among_a_hundred_good_ones_writes_nothing(tmp_path: Path) -> None:
    into = tmp_path / "kept.ttl"
    assert (
        run(
            table(tmp_path, "inhibitor,cell_line,value,source\n" + good_rows(3), "seed.csv"),
            "--into",
            into,
        ).exit_code
        == 0
    )
    before = files(tmp_path)
    rows = good_rows(60, 100) + "selinexor,SKOV3,-5 nM,guide\n" + good_rows(40, 200)
    path = table(tmp_path, "inhibitor,cell_line,value,source\n" + rows)
    result = run(path, "--into", into)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:62:value: '-5 nM': a concentration must be greater than 0",
        f"error: {path}: 1 problem; nothing was written",
    ]
    assert files(tmp_path) == {**before, path.name: path.read_bytes()}


def test_every_problem_gets_a_line_naming_row_and_column(tmp_path: Path) -> None:
    text = (
        "inhibitor,cell_line,cancer_type,value,unit,endpoint,source\n"
        "selinexr,SKOV3,,100,nM,,guide\n"
        "selinexor,SK-OV-9,,100,nM,,guide\n"
        "XPO1,SKOV3,,100,nM,,Smith 2020\n"
        "selinexor,SKOV3,bladder cancer,500-100,nM,pIC50,\n"
        "selinexor,Various,,1,furlong,,guide\n"
    )
    path = table(tmp_path, text)
    result = run(path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == f"error: {path}: 9 problems; nothing was written"
    expected = [
        "2:inhibitor: unknown inhibitor 'selinexr'; closest: 'selinexor', 'eltanexor', 'verdinexor' (--allow-new creates it)",
        "3:cell_line: unknown cell line 'SK-OV-9'; closest: 'SK-OV-3',",
        "4:inhibitor: 'XPO1' is XPO1 (nuclear export receptor), not an inhibitor",
        "4:source: unknown source 'Smith 2020': give PMID:…, a DOI, a URL or one of",
        "5:cancer_type: SK-OV-3 comes from ovarian cancer, not bladder cancer",
        "5:endpoint: unknown endpoint 'pIC50' (known: IC50, EC50, AC50, Ki)",
        "5:source: no source: fill the column or give --source",
        "5:value: '500-100 nM': the lower bound 500 nM exceeds the upper bound 100 nM",
        "6:unit: unknown unit 'furlong'",
    ]
    for line, fragment in zip(lines, expected, strict=False):
        assert line.startswith(f"{path}:{fragment}"), line
    assert files(tmp_path) == {path.name: path.read_bytes()}


def test_a_various_cell_line_needs_a_cancer_type(tmp_path: Path) -> None:
    path = table(tmp_path, "inhibitor,cell_line,value,source\nselinexor,Various,1 nM,guide\n")
    result = run(path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{path}:2:cancer_type: needs a cancer type"


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        (
            "inhibitor,Cell-Line,value,colour",
            ":1:Cell-Line: unknown column (did you mean cell_line?",
        ),
        ("inhibitor,cell_line,value,colour", ":1:colour: unknown column"),
        ("inhibitor,cell_line", ":1: missing column value"),
        ("Inhibitor,VALUE,unit", ":1: missing column cell_line or cancer_type"),
    ],
)
def test_columns_that_are_unknown_or_missing_stop_with_exit_code_2(
    tmp_path: Path, header: str, fragment: str
) -> None:
    path = table(tmp_path, f"{header}\nselinexor,SKOV3,1,2\n")
    result = run(path, "--source", "guide")
    assert result.exit_code == 2
    assert any(line.startswith(f"{path}{fragment}") for line in result.stderr.splitlines()), (
        result.stderr
    )
    assert files(tmp_path) == {path.name: path.read_bytes()}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "Smith 2020"], "error: --source: unknown source 'Smith 2020'"),
        (["--inhibits", "XPO1"], "error: --inhibits applies to new inhibitors: add --allow-new"),
        (
            ["--allow-new", "--inhibits", "SKOV3"],
            "error: --inhibits: 'SKOV3' is SK-OV-3 (cell line), not a protein",
        ),
        (["--into", "out.nt"], "error: out.nt: --into must name a Turtle (.ttl) file"),
        (["--into", "x.ttl", "--store", "s"], "error: give --into FILE or --store DIR, not both"),
    ],
)
def test_options_that_cannot_be_used_stop_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(table(tmp_path, NEW_CSV), *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)


def test_a_file_not_written_by_ingest_is_never_rewritten(tmp_path: Path) -> None:
    curated = tmp_path / "measurements.ttl"
    curated.write_text("# Curated by hand.\n<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    result = run(table(tmp_path, NEW_CSV), "--into", curated)
    assert result.exit_code == 2
    assert "not written by `xpo1kg ingest`" in result.stderr
    assert curated.read_text(encoding="utf-8").startswith("# Curated by hand.")


def test_shacl_problems_are_mapped_back_to_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shapes check the new triples with the graph; a violation names the row that made it."""
    import xpo1kg.ingest.measurement_triples

    monkeypatch.setattr(
        xpo1kg.ingest.measurement_triples,
        "_NANOMOLAR",
        "<http://purl.obolibrary.org/obo/UO_0000999>",
    )
    path = table(
        tmp_path,
        "inhibitor,cell_line,value,source\nselinexor,BT549,1 nM,guide\nselinexor,SKOV3,2 nM,guide\n",
    )
    result = run(path)
    assert result.exit_code == 1
    assert [line.split(": A measurement")[0] for line in result.stderr.splitlines()[:2]] == [
        f"{path}:2:unit",
        f"{path}:3:unit",
    ]
    assert "molar, millimolar, micromolar, nanomolar or picomolar" in result.stderr
    assert files(tmp_path) == {path.name: path.read_bytes()}


# --- new inhibitors and cell lines ---------------------------------------------------------------

NEW_NAMES = "inhibitor,cell_line,cancer_type,value,source\nKPT-9274,OV-99,ovarian cancer,5 nM,PMID:1\nKPT 9274,ov99,,7 nM,PMID:2\n"


def test_unknown_names_need_allow_new(tmp_path: Path) -> None:
    result = run(table(tmp_path, NEW_NAMES))
    assert result.exit_code == 1
    assert ":2:cell_line: unknown cell line 'OV-99';" in result.stderr
    assert ":2:inhibitor: unknown inhibitor 'KPT-9274'; closest: 'KPT-8602'" in result.stderr


def test_a_new_inhibitor_needs_the_target_its_source_states(tmp_path: Path) -> None:
    result = run(table(tmp_path, NEW_NAMES), "--allow-new")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith(
        "--allow-new creates an inhibitor only with --inhibits PROTEIN, its target"
    )
    assert "cell_line" not in result.stderr  # new cell lines need no more than --allow-new


def test_allow_new_creates_unverified_entities_that_validate(tmp_path: Path) -> None:
    path = table(tmp_path, NEW_NAMES)
    result = run(path, "--allow-new", "--inhibits", "XPO1")
    assert result.exit_code == 0, result.stderr
    assert (
        "2 rows: 2 added, 0 already present; new: 2 sources, 1 unverified inhibitor, 1 unverified cell line"
        in result.stdout
    )
    into = tmp_path / "table.ttl"
    graph = Graph().parse(into, format="turtle")
    inhibitor, line = URIRef(XR + "new/inhibitor/KPT-9274"), URIRef(XR + "new/cell-line/OV-99")
    assert graph.value(inhibitor, RDF.type) == URIRef(XO + "Inhibitor")
    assert graph.value(line, RDF.type) == URIRef(XO + "CellLine")
    for node in (inhibitor, line):
        assert graph.value(node, RDFS.comment) == Literal(UNVERIFIED)
        assert set(graph.objects(node, URIRef("http://purl.org/dc/terms/source"))) == {
            URIRef(XR + "source/pmid-1"), URIRef(XR + "source/pmid-2"),
        }  # fmt: skip
    assert graph.value(inhibitor, URIRef(XO + "inhibits")) == URIRef(XR + "XPO1")
    assert graph.value(line, URIRef(XO + "derivedFromCancer")) == URIRef(XR + "OvarianCancer")
    assert len(measurements(into)) == 2
    assert validate([into], with_bundled=True).conforms  # incl. the axiom for xo:inhibits
    before = files(tmp_path)
    again = run(path, "--allow-new", "--inhibits", "XPO1")
    assert "2 rows: 0 added, 2 already present" in again.stdout
    assert files(tmp_path) == before


def test_cancer_types_are_never_created(tmp_path: Path) -> None:
    text = "inhibitor,cancer_type,value,source\nselinexor,glioma,5 nM,guide\n"
    result = run(table(tmp_path, text), "--allow-new")
    assert result.exit_code == 1
    assert ":2:cancer_type: unknown cancer type 'glioma'; closest:" in result.stderr


# --- idempotency, determinism, dry runs, atomicity ------------------------------------------------


def test_ingesting_twice_adds_nothing_and_changes_no_byte(tmp_path: Path) -> None:
    path = table(tmp_path, NEW_CSV)
    assert run(path).exit_code == 0
    before = files(tmp_path)
    result = run(path)
    assert result.exit_code == 0
    assert f"{path}:2: already present IC50 of selinexor on SK-OV-3: 200 nM as xr:" in result.stdout
    assert "nothing to add: nothing written" in result.stdout
    assert files(tmp_path) == before


def test_ingests_accumulate_and_the_file_depends_only_on_its_triples(tmp_path: Path) -> None:
    one = "inhibitor,cell_line,value,source\nselinexor,SKOV3,1 nM,guide\nselinexor,BT549,2 nM,PMID:5\n"
    two = "inhibitor,cell_line,value,source\nKPT-185,A2780,3 nM,guide\n"
    both = "inhibitor,cell_line,value,source\nKPT-185,A2780,3 nM,guide\nselinexor,BT549,2 nM,PMID:5\nselinexor,SKOV3,1 nM,guide\n"
    for name, text in (("one", one), ("two", two)):
        assert (
            run(table(tmp_path, text, f"{name}.csv"), "--into", tmp_path / "acc.ttl").exit_code == 0
        )
    assert run(table(tmp_path, both, "both.csv")).exit_code == 0
    assert (tmp_path / "acc.ttl").read_bytes() == (tmp_path / "both.ttl").read_bytes()
    trig = Dataset().parse(tmp_path / "acc.ttl.prov.trig", format="trig")
    assert len([g for g in trig.graphs() if "graph/ingest/" in str(g.identifier)]) == 2


def test_a_dry_run_shows_what_it_would_add_and_changes_nothing(tmp_path: Path) -> None:
    path = table(tmp_path, NEW_CSV + "selinexor,BT549,~200 nM,guide,,\n")
    result = run(path, "--dry-run")
    assert result.exit_code == 0
    assert f"{path}:2: would add IC50 of selinexor on SK-OV-3: 200 nM as xr:" in result.stdout
    assert (
        f"{path}:3: already present IC50 of selinexor on BT-549: ~200 nM as xr:IC50_selinexor_BT-549"
        in result.stdout
    )
    assert "dry run: nothing written" in result.stdout
    assert sorted(files(tmp_path)) == ["table.csv"]


def test_a_failed_write_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = table(tmp_path, "inhibitor,cell_line,value,source\nselinexor,SKOV3,1 nM,guide\n")
    assert run(path).exit_code == 0
    before = files(tmp_path)
    calls = []
    real_fsync = os.fsync  # the patch below replaces os.fsync itself

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the provenance file is staged, the Turtle file fails
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    import xpo1kg.rdf.safefile

    monkeypatch.setattr(xpo1kg.rdf.safefile.os, "fsync", failing_fsync)
    path.write_text(NEW_CSV, encoding="utf-8")
    result = run(path)
    assert result.exit_code == 2  # like any input that cannot be used: one line, exit 2
    into = path.with_suffix(".ttl")
    assert result.stderr.strip().splitlines() == [
        f"error: cannot write {into}: No space left on device; nothing changed"
    ]
    assert files(tmp_path) == {**before, "table.csv": path.read_bytes()}  # and no temporary file


# --- text as people type it ------------------------------------------------------------------------


def test_unicode_micro_signs_dashes_and_non_breaking_spaces(tmp_path: Path) -> None:
    text = (
        "\ufeffInhibitor,Cell\u00a0Line,cancer type,Value,Unit,Source\n"
        "selinexor,SK\u00a0OV\u00a03,,0.2\u00a0\u00b5M,,guide\n"  # micro sign
        "selinexor,BT-549,,0.3 \u03bcM,,guide\n"  # Greek mu
        "selinexor,Various,bladder\u00a0cancer,1\u2009000\u2013\u200a2000,nM,guide\n"
        "selinexor,A2780,,\u223c\u00a0100,nM,guide\n"
    )
    path = table(tmp_path, text)
    result = run(path)
    assert result.exit_code == 1  # the thin space inside 1 000 is not a thousands separator
    assert result.stderr.splitlines()[0].startswith(f"{path}:4:value: cannot read")
    path.write_text(text.replace("1\u2009000", "1000"), encoding="utf-8")
    result = run(path)
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(tmp_path / "table.ttl", format="turtle")
    published = {str(o) for o in graph.objects(None, URIRef(XO + "publishedValue"))}
    assert published == {
        "0.2\u00a0\u00b5M",
        "0.3 \u03bcM",
        "1000\u2013\u200a2000 nM",
        "\u223c\u00a0100 nM",
    }
    values = sorted(
        float(o)
        for p in ("value", "lowerBound", "upperBound")
        for o in graph.objects(None, URIRef(XO + p))
    )
    assert values == [100.0, 200.0, 300.0, 1000.0, 2000.0]


# --- provenance ----------------------------------------------------------------------------------


def test_each_ingest_has_a_provenance_record_in_its_own_named_graph(tmp_path: Path) -> None:
    path = table(tmp_path, NEW_CSV)
    assert run(path, "--source", "guide").exit_code == 0
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    prov = tmp_path / "table.ttl.prov.trig"
    dataset = Dataset().parse(prov, format="trig")
    names = [str(g.identifier) for g in dataset.graphs() if len(g)]
    assert names == [f"https://w3id.org/xpo1kg/graph/ingest/{sha[:16]}"]
    record = dataset.graph(URIRef(names[0]))
    activity = record.value(None, RDF.type, URIRef(PROV + "Activity"))
    started = record.value(activity, URIRef(PROV + "startedAtTime"))
    assert started.toPython() == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert "2023-11-14T22:13:20Z" in prov.read_text(encoding="utf-8")
    assert record.value(activity, URIRef(PROV + "endedAtTime")) is not None
    file = record.value(activity, URIRef(PROV + "used"))
    assert record.value(file, RDFS.label) == Literal("table.csv")
    checksum = record.value(file, URIRef(SPDX + "checksum"))
    assert record.value(checksum, URIRef(SPDX + "checksumValue")) == Literal(sha)
    extent = record.value(file, URIRef("http://purl.org/dc/terms/extent"))
    assert record.value(extent, RDF.value).toPython() == 1
    assert set(record.objects(file, URIRef(PROV + "wasDerivedFrom"))) == {URIRef(PMID_SOURCE)}
    assert set(record.objects(activity, URIRef(PROV + "generated"))) == {
        URIRef(NEW_IRI),
        URIRef(PMID_SOURCE),
    }
    assert (
        str(record.value(activity, RDFS.comment)) == "1 row: 1 added, 0 already present, 0 repeated"
    )


# --- the Python API and stores -------------------------------------------------------------------


def test_measurements_in_other_units_count_as_present(tmp_path: Path) -> None:
    other = tmp_path / "micromolar.ttl"
    other.write_text(
        f"""@prefix xo: <{XO}> . @prefix xr: <{XR}> . @prefix obo: <http://purl.obolibrary.org/obo/> .
        xr:m xo:hasInhibitor xr:selinexor ; xo:hasCellLine xr:SK-OV-3 ; xo:hasUnit obo:UO_0000064 ;
            xo:hasEndpoint <http://www.bioassayontology.org/bao#BAO_0000190> ; xo:value 0.25 .""",
        encoding="utf-8",
    )
    plan = plan_ingest(
        read_table(table(tmp_path, "inhibitor,cell_line,value\nKPT-330,SKOV3,250 nM\n")),
        load_graph([other]),
        source="guide",
    )
    assert [(o.status, o.iri) for o in plan.outcomes] == [("present", XR + "m")]
    assert plan.triples == []


def test_problems_are_raised_with_rows_by_the_python_api(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        plan_ingest(
            read_table(table(tmp_path, "inhibitor,cell_line,value\nnope,SKOV3,1 nM\n")),
            load_graph(),
            source="guide",
        )
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "inhibitor")]


def test_ingesting_into_a_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    path = table(tmp_path, NEW_CSV)
    missing = run(path, "--store", store, "--dry-run")
    assert (missing.exit_code, store.exists()) == (2, False)  # a dry run creates no store
    open_store(store, create=True)  # what `xpo1kg load` does
    gc.collect()
    result = run(path, "--store", store)
    gc.collect()  # an Oxigraph directory can be opened once per process
    assert result.exit_code == 0, result.stderr
    assert f"wrote {store} (graph <{STORE_GRAPH}>)" in result.stdout
    again = run(path, "--store", store)
    gc.collect()
    assert "nothing to add" in again.stdout
    kg = load_graph(store=store)
    graphs = kg.store.graphs()
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert graphs[STORE_GRAPH] == 21  # 18 triples of the measurement, 3 of its source
    assert f"https://w3id.org/xpo1kg/graph/ingest/{sha[:16]}" in graphs
    rows = kg.run("ic50_table").records()
    assert [(r["ic50_nM"], r["source_label"]) for r in rows if r["measurement"] == NEW_IRI] == [
        (200, "PMID:28810913")
    ]
    del kg
    gc.collect()


# --- the deterministic writer --------------------------------------------------------------------


def test_written_bytes_do_not_depend_on_blank_node_labels_or_order() -> None:
    def record(label: str) -> list[tuple[str, str, str]]:
        return [
            ("<urn:file>", "<urn:checksum>", f"_:{label}"),
            (f"_:{label}", "<urn:value>", '"abc"'),
            (f"_:{label}2", "<urn:about>", "<urn:file>"),
            ("<urn:file>", "<urn:size>", '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ]

    one, two = record("x"), list(reversed(record("y")))
    assert render_turtle(one, "#") == render_turtle(two, "#")
    assert render_trig({"urn:g": one}, "#") == render_trig({"urn:g": two}, "#")
    text = render_turtle(one, "#").decode()
    assert (
        '<urn:checksum> [ <urn:value> "abc" ] ;' in text and "[] <urn:about> <urn:file> ." in text
    )


def test_shared_blank_nodes_fall_back_to_the_general_writer() -> None:
    shared = [
        ("<urn:a>", "<urn:p>", "_:b"),
        ("<urn:c>", "<urn:p>", "_:b"),
        ("_:b", "<urn:q>", '"x"'),
    ]
    expected = Graph().parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in shared), format="nt")
    assert isomorphic(Graph().parse(data=render_turtle(shared, "# x"), format="turtle"), expected)
    trig = Dataset().parse(data=render_trig({"urn:g": shared}, "# x"), format="trig")
    assert isomorphic(trig.graph(URIRef("urn:g")), expected)


def test_large_tables_show_progress_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xpo1kg.cli.ingest

    monkeypatch.setattr(xpo1kg.cli.ingest, "PROGRESS_ROWS", 5)
    result = run(table(tmp_path, "inhibitor,cell_line,value,source\n" + good_rows(8)))
    assert result.exit_code == 0
    assert "reading rows" in result.stderr
    assert "validating 8 new measurements with the graph…" in result.stderr
    small = run(
        table(tmp_path, "inhibitor,cell_line,value,source\n" + good_rows(2, 50), "small.csv")
    )
    assert small.stderr == ""


def test_only_whole_names_resolve_prefixes_and_greek_spellings_are_suggestions(
    tmp_path: Path,
) -> None:
    """The shared search resolves names: a whole name (Greek spelled out, punctuation aside) is
    accepted; a prefix or a typo only ever becomes a suggestion, never a silent match."""
    text = (
        "inhibitor,cell_line,value,source\n"
        "selin,SKOV3,100 nM,guide\n"
        "selinexor,SK-OV,100 nM,guide\n"
        "selinexor,SK OV 3,100 nM,guide\n"
    )
    path = table(tmp_path, text)
    result = run(path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"{path}:2:inhibitor: unknown inhibitor 'selin'; closest: 'selinexor'"
    )
    assert lines[1].startswith(f"{path}:3:cell_line: unknown cell line 'SK-OV'; closest: 'SK-OV-3'")
    assert lines[-1] == f"error: {path}: 2 problems; nothing was written"


def test_an_ingest_checks_what_it_adds_not_the_rest_of_the_graph(tmp_path: Path) -> None:
    """A defect the new rows do not touch is for `xpo1kg validate`; the rows' own defects refuse."""
    into = tmp_path / "table.ttl"
    assert run(table(tmp_path, NEW_CSV)).exit_code == 0
    text = into.read_text(encoding="utf-8")
    broken = re.sub(r"\n\s*dcterms:source <[^>]+> ;", "", text, count=1)
    assert broken != text
    into.write_text(broken, encoding="utf-8")
    report = validate([into])
    assert not report.conforms and {r.focus_node for r in report.results} == {NEW_IRI}
    added = run(table(tmp_path, "inhibitor,cell_line,value,source\nselinexor,BT549,5 nM,guide\n"))
    assert added.exit_code == 0, added.stderr
    assert len(measurements(into)) == 2
    refused = run(table(tmp_path, "inhibitor,cell_line,value,source\nselinexor,BT549,0 nM,guide\n"))
    assert refused.exit_code == 1
    assert re.search(r"table\.csv:2:value: ", refused.stderr), refused.stderr
