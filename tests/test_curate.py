"""``xpo1kg curate``: statements with their evidence from a table, validated, idempotent, recorded.

Rows restate facts the project has verified (the IntechOpen chapter's Cys528 statement, which
names selinexor and KPT-8602 among the SINE compounds, the guide's statements, NESdb cargo records,
the PMC4526315 review's cargo count); rows meant to be refused or to contradict the graph say so.
The bundled data has the NESdb cargo statements already: rows restating them are already present.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from xpo1kg import curate, load_graph
from xpo1kg.cli import main
from xpo1kg.ingest.contradictions import Statement, find_contradictions
from xpo1kg.ingest.evidence_cells import evidence_types, parse_evidence_type, parse_modality
from xpo1kg.ingest.output import CURATE
from xpo1kg.ingest.values import IngestError
from xpo1kg.store.persistent import open_store

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning"
)

XR = "https://w3id.org/xpo1kg/resource/"
XO = "https://w3id.org/xpo1kg/ontology/"
OBO = "http://purl.obolibrary.org/obo/"
BIOLINK = "https://w3id.org/biolink/vocab/"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
EPOCH = "1700000000"

HEADER = "subject,relation,object,source,quote,evidence type,hedge,comment\n"
#: The chapter's words on the SINE compounds' covalent binding to Cys528 (identifiers.md 1a).
CYS528 = "covalent binding to cysteine 528 (Cys528) in the cargo proteins NES-binding pocket of exportin1"
#: A new statement (not in the bundled data), valid, with no quote: a row that adds something.
NEW_ROW = "selinexor,binds covalently,XPO1 Cys528,xr:IntechOpenChapter75812,,ECO:0000303,,\n"
#: Two new statements (the chapter's, by label and by synonym), one the graph has (the guide),
#: one new with a quote.
GOOD = HEADER + (
    f'selinexor,binds covalently,XPO1 Cys528,xr:IntechOpenChapter75812,"{CYS528}",ECO:0000303,,'
    "Selinexor is one of the SINE compounds of which the chapter says this.\n"
    f'KPT-8602,xo:bindsCovalently,Cys528,IntechOpenChapter75812,"{CYS528}",NAS,,\n'
    "XPO1,increased expression has been correlated with poor prognosis in,ovarian cancer,guide,,NAS,has been correlated,\n"
    "XPO1,minimum cargo count,230,xr:PMC4526315Review,"
    '"has over 230 identified cargos (Xu, Grishin, & Chook, 2012)",TAS,,\n'
)


def run(*args: object) -> Result:
    return CliRunner().invoke(
        main, [str(a) for a in args], catch_exceptions=False, env={"SOURCE_DATE_EPOCH": EPOCH}
    )


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the test's folder, so that messages name the table as given: statements.csv."""
    monkeypatch.chdir(tmp_path)


def table(tmp_path: Path, text: str, name: str = "statements.csv") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return Path(name)


def axiom_of(graph: Graph, s: str, p: str, o: URIRef | Literal) -> URIRef:
    [axiom] = [
        a
        for a in graph.subjects(OWL.annotatedSource, URIRef(s))
        if graph.value(a, OWL.annotatedProperty) == URIRef(p)
        and graph.value(a, OWL.annotatedTarget) == o
    ]
    return axiom  # type: ignore[return-value]


def test_rows_become_statements_with_the_evidence_model(tmp_path: Path) -> None:
    path = table(tmp_path, GOOD)
    result = run("curate", path)
    assert result.exit_code == 0, result.output
    assert "statements.csv: 4 rows: 3 added, 1 already present, 0 repeated" in result.output
    graph = Graph().parse(tmp_path / "statements.ttl")
    cys528 = URIRef(XR + "XPO1_Cys528")
    assert (URIRef(XR + "selinexor"), URIRef(XO + "bindsCovalently"), cys528) in graph
    axiom = axiom_of(graph, XR + "selinexor", XO + "bindsCovalently", cys528)
    assert graph.value(axiom, RDF.type) == OWL.Axiom
    assert graph.value(axiom, URIRef(DCT + "source")) == URIRef(XR + "IntechOpenChapter75812")
    assert graph.value(axiom, URIRef(XO + "evidenceType")) == URIRef(OBO + "ECO_0000303")
    assert graph.value(axiom, URIRef(BIOLINK + "knowledge_level")) == Literal("knowledge_assertion")
    assert graph.value(axiom, URIRef(BIOLINK + "agent_type")) == Literal("manual_agent")
    assert graph.value(axiom, URIRef(XO + "modality")) == URIRef(XO + "Established")
    assert graph.value(axiom, URIRef(XO + "supportingText")) == Literal(CYS528)
    assert graph.value(axiom, RDFS.comment) == Literal(
        "Selinexor is one of the SINE compounds of which the chapter says this."
    )
    # KPT-8602 is eltanexor's synonym, Cys528 the residue's.
    eltanexor = axiom_of(graph, XR + "eltanexor", XO + "bindsCovalently", cys528)
    assert graph.value(eltanexor, URIRef(XO + "evidenceType")) == URIRef(OBO + "ECO_0000303")
    count = axiom_of(
        graph,
        XR + "XPO1",
        XO + "minimumCargoCount",
        Literal(230, datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
    )
    assert graph.value(count, URIRef(XO + "evidenceType")) == URIRef(OBO + "ECO_0000304")
    assert graph.value(count, URIRef(XO + "supportingText")) == Literal(
        "has over 230 identified cargos (Xu, Grishin, & Chook, 2012)"
    )
    # The new file is valid with the bundled graph, and the graph answers with it.
    assert run("validate", tmp_path / "statements.ttl", "--with-bundled").exit_code == 0
    kg = load_graph([tmp_path / "statements.ttl"])
    ask = (
        "ASK { [] owl:annotatedSource xr:eltanexor ; owl:annotatedProperty xo:bindsCovalently ; "
        "dcterms:source xr:IntechOpenChapter75812 }"
    )
    assert kg.query(ask).column("ask") == [True]
    assert load_graph(inferred=False).query(ask).column("ask") == [False]  # not bundled


def test_a_hedged_row_keeps_its_hedge_and_modality(tmp_path: Path) -> None:
    text = HEADER + (
        "CDKN1A,nuclear retention can induce,xr:NuclearRetentionOfTumorSuppressors,"
        "xr:Xpo1kgCurators,,IC,can induce,curator's reading of the guide\n"
    )
    result = run("curate", table(tmp_path, text), "--into", tmp_path / "out.ttl")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(tmp_path / "out.ttl")
    [axiom] = graph.subjects(RDF.type, OWL.Axiom)
    assert graph.value(axiom, URIRef(XO + "modality")) == URIRef(XO + "Possible")
    assert graph.value(axiom, URIRef(XO + "hedge")) == Literal("can induce")


def test_curating_twice_writes_nothing_and_keeps_the_files(tmp_path: Path) -> None:
    path = table(tmp_path, GOOD)
    assert run("curate", path).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    again = run("curate", path)
    assert again.exit_code == 0
    assert "0 added, 4 already present" in again.output
    assert "nothing to add: nothing written" in again.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_repeated_row_adds_nothing(tmp_path: Path) -> None:
    result = run("curate", table(tmp_path, HEADER + NEW_ROW + NEW_ROW), "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        (
            "statements.csv:2: would add xr:selinexor xo:bindsCovalently xr:XPO1_Cys528 "
            "(xr:IntechOpenChapter75812)"
        ),
        (
            "statements.csv:3: repeats an earlier row: xr:selinexor xo:bindsCovalently "
            "xr:XPO1_Cys528 (xr:IntechOpenChapter75812), as row 2"
        ),
        "statements.csv: 2 rows: 1 would be added, 0 already present, 1 repeated",
        "dry run: nothing written",
    ]


def test_the_statements_of_the_bundled_data_are_already_present(tmp_path: Path) -> None:
    # data/nes_regions.ttl has the NESdb cargo statements of p53 and BRCA2; the guide's of p53.
    text = HEADER + (
        "p53,exported by,XPO1,xr:NESdb,,ECO:0000312,,NESdb record 'P53 (NES ID: 6)'\n"
        "BRCA2,xo:exportedBy,CRM1,NESdb,,ECO:0000312,,NESdb record 'BRCA2 (NES ID: 169)'\n"
        "TP53,exported by,XPO1,guide,,TAS,,\n"
    )
    result = run("curate", table(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "statements.csv:2: already present: xr:TP53 xo:exportedBy xr:XPO1 (xr:NESdb)",
        "statements.csv:3: already present: xr:BRCA2 xo:exportedBy xr:XPO1 (xr:NESdb)",
        "statements.csv:4: already present: xr:TP53 xo:exportedBy xr:XPO1 (xr:BenchChemGuide2025)",
        "statements.csv: 3 rows: 0 added, 3 already present, 0 repeated",
        "nothing to add: nothing written",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statements.csv"]


def test_the_provenance_record(tmp_path: Path) -> None:
    assert run("curate", table(tmp_path, GOOD)).exit_code == 0
    dataset = Dataset()
    dataset.parse(tmp_path / "statements.ttl.prov.trig", format="trig")
    [graph] = [g for g in dataset.graphs() if str(g.identifier).startswith(CURATE.record_prefix)]
    [activity] = graph.subjects(RDF.type, URIRef(PROV + "Activity"))
    assert graph.value(activity, RDFS.label) == Literal("xpo1kg curate of statements.csv")
    assert graph.value(activity, RDFS.comment) == Literal(
        "4 rows: 3 added, 1 already present, 0 repeated"
    )
    assert str(graph.value(activity, URIRef(PROV + "startedAtTime"))).startswith(
        "2023-11-14T22:13:20"
    )


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    result = run("curate", table(tmp_path, GOOD), "--dry-run")
    assert result.exit_code == 0
    assert (
        "statements.csv:2: would add xr:selinexor xo:bindsCovalently xr:XPO1_Cys528 "
        "(xr:IntechOpenChapter75812)" in result.output
    )
    assert (
        "statements.csv: 4 rows: 3 would be added, 1 already present, 0 repeated" in result.output
    )
    assert "dry run: nothing written" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statements.csv"]


@pytest.mark.parametrize(
    ("row", "line"),
    [
        (
            "p53,exportd by,XPO1,xr:NESdb,,ECO:0000312,,",
            "statements.csv:2:relation: unknown relation 'exportd by'; closest: xo:exportedBy (exported by)",
        ),
        (
            "p53,exported by,XPO1,Nature,,ECO:0000312,,",
            "statements.csv:2:source: unknown source 'Nature': give PMID:…, a DOI, a URL or one of",
        ),
        (
            "p53,exported by,XPO1,xr:NESdb,,ECO:0000999,,",
            "statements.csv:2:evidence_type: evidence type 'ECO:0000999' is not one of the allowed ECO classes: ECO:0000269,",
        ),
        (
            "p53,exported by,XPO1,xr:NESdb,,,,",
            "statements.csv:2:evidence_type: no evidence type",
        ),
        (
            "p5e,exported by,XPO1,xr:NESdb,,ECO:0000312,,",
            "statements.csv:2:subject: unknown subject 'p5e'; closest:",
        ),
        (
            "p53,exported by,XP01,xr:NESdb,,ECO:0000312,,",
            "statements.csv:2:object: unknown object 'XP01'",
        ),
        (
            "XPO1,minimum cargo count,two hundred,guide,,NAS,,",
            "statements.csv:2:object: xo:minimumCargoCount takes an integer, not 'two hundred'",
        ),
        (
            "p53,exported by,XPO1,xr:NESdb,,ECO:0000312,somehow,",
            "statements.csv:2:modality: cannot tell the modality from the hedge 'somehow'",
        ),
    ],
)
def test_a_bad_row_is_one_line_and_nothing_is_written(tmp_path: Path, row: str, line: str) -> None:
    result = run("curate", table(tmp_path, HEADER + row + "\n" + NEW_ROW))
    assert result.exit_code == 1
    assert any(x.startswith(line) for x in result.stderr.splitlines()), result.stderr
    assert result.stderr.splitlines()[-1].endswith("nothing was written")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statements.csv"]


def test_modality_and_hedge_must_agree(tmp_path: Path) -> None:
    text = "subject,relation,object,source,evidence_type,hedge,modality\n" + (
        "p53,exported by,XPO1,xr:NESdb,ECO:0000312,,reported\n"
        "p53,exported by,XPO1,xr:NESdb,ECO:0000312,may,established\n"
        "p53,exported by,XPO1,xr:NESdb,ECO:0000312,,certain\n"
    )
    result = run("curate", table(tmp_path, text))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "statements.csv:2:modality: a reported statement needs the source's hedge words" in lines
    assert (
        "statements.csv:3:modality: an established statement has no hedge, but the row says 'may'"
        in lines
    )
    assert any(x.startswith("statements.csv:4:modality: unknown modality 'certain'") for x in lines)


def test_cells_beyond_the_header_are_a_problem(tmp_path: Path) -> None:
    result = run(
        "curate", table(tmp_path, HEADER + "p53,exported by,XPO1,xr:NESdb,,ECO:0000312,,,extra\n")
    )
    assert result.exit_code == 1
    assert "statements.csv:2: 9 cells, but the header has 8 columns" in result.stderr


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("subject,relation,object,source\n", "missing column evidence_type"),
        ("subject,relation,object,evidence_type,colour\n", "colour: unknown column"),
        (
            "subject,relation,object,evidence_type,Subject\n",
            "Subject: column subject appears twice (columns 1 and 5)",
        ),
    ],
)
def test_a_bad_header_is_exit_2(tmp_path: Path, header: str, says: str) -> None:
    result = run("curate", table(tmp_path, header + "p53,exported by,XPO1,ECO:0000312\n"))
    assert result.exit_code == 2
    assert says in result.stderr


def test_a_shacl_violation_is_mapped_to_its_row(tmp_path: Path) -> None:
    # exportedBy must point to a nuclear export receptor; selinexor is an inhibitor.
    text = HEADER + NEW_ROW + "XPO1,exported by,selinexor,xr:Xpo1kgCurators,,IC,,refused\n"
    result = run("curate", table(tmp_path, text))
    assert result.exit_code == 1
    assert (
        "statements.csv:3:object: xo:exportedBy must point to an xo:NuclearExportReceptor"
        in result.stderr
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statements.csv"]


def test_a_contradiction_is_a_warning_and_strict_refuses_it(tmp_path: Path) -> None:
    # A protein as the subject of xo:inhibits (domain: inhibitor): protein and inhibitor are disjoint.
    text = HEADER + "TP53,inhibits,XPO1,xr:Xpo1kgCurators,,IC,,deliberately contradictory\n"
    path = table(tmp_path, text)
    message = (
        "statements.csv:2:subject: {}contradicts the graph: xr:TP53 is a protein, which is "
        "disjoint with inhibitor, and the domain of xo:inhibits would make it an inhibitor"
    )
    strict = run("curate", path, "--strict")
    assert strict.exit_code == 1
    assert message.format("") in strict.stderr.splitlines()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statements.csv"]
    lenient = run("curate", path)
    assert lenient.exit_code == 0
    assert message.format("warning: ") in lenient.stderr.splitlines()
    assert (tmp_path / "statements.ttl").exists()


def test_contradictions_with_the_range_and_functional_properties() -> None:
    kg = load_graph()
    xr = lambda name: f"<{XR}{name}>"
    found = find_contradictions(
        kg,
        [
            Statement(2, xr("selinexor"), f"<{XO}inhibits>", xr("SK-OV-3"), xr("Xpo1kgCurators")),
            Statement(3, xr("TP53"), f"<{XO}uniprotAccession>", '"P38398"', xr("Xpo1kgCurators")),
            Statement(4, xr("TP53"), f"<{XO}inhibitedBy>", xr("selinexor"), xr("Xpo1kgCurators")),
        ],
    )
    by_row = {(f.row, f.column): f.message for f in found}
    assert by_row[(2, "object")] == (
        "contradicts the graph: xr:SK-OV-3 is a cell line, which is disjoint with protein, "
        "and the range of xo:inhibits would make it a protein"
    )
    assert by_row[(3, "object")] == (
        "contradicts the graph: xo:uniprotAccession is functional, and xr:TP53 already has P04637"
    )
    assert (4, "subject") not in by_row and (4, "object") not in by_row
    batch = find_contradictions(
        kg,
        [
            Statement(5, xr("TP53"), f"<{XO}geneSymbol>", '"TP53"', xr("Xpo1kgCurators")),
            Statement(6, xr("BRCA1"), f"<{XO}residueName>", '"Cys"', xr("Xpo1kgCurators")),
            Statement(7, xr("BRCA1"), f"<{XO}residueName>", '"Ser"', xr("Xpo1kgCurators")),
        ],
    )
    assert [(f.row, f.message) for f in batch if f.row == 7] == [
        (
            7,
            'contradicts row 6: xo:residueName is functional, and row 6 gives xr:BRCA1 the value "Cys"',
        )
    ]


def test_evidence_types_are_the_closed_list_of_the_shapes() -> None:
    assert [e.rsplit("_", 1)[1] for e in evidence_types()] == [
        "0000269", "0000303", "0000304", "0000305", "0000312", "0000313", "0000501",
    ]  # fmt: skip
    assert parse_evidence_type("obo:ECO_0000305") == parse_evidence_type("IC")
    with pytest.raises(ValueError, match="not one of"):
        parse_evidence_type("ECO:0000001")
    assert parse_modality("", "appears to be").endswith("Suggested")
    assert parse_modality("xo:Possible", "may").endswith("Possible")


def test_a_new_source_by_pmid_is_created_with_its_page(tmp_path: Path) -> None:
    # Arango et al. 2017 (PMID 28810913) is in the graph as xr:Arango2017 by its PMC page only.
    text = HEADER + "selinexor,inhibits,XPO1,PMID:28810913,,ECO:0000305,,curator's reading\n"
    result = run("curate", table(tmp_path, text), "--into", tmp_path / "out.ttl")
    assert result.exit_code == 0, result.output
    assert "new: 1 source" in result.output
    graph = Graph().parse(tmp_path / "out.ttl")
    source = URIRef(XR + "source/pmid-28810913")
    assert graph.value(source, URIRef("http://xmlns.com/foaf/0.1/page")) == URIRef(
        "https://pubmed.ncbi.nlm.nih.gov/28810913/"
    )


def test_curate_refuses_to_rewrite_a_curated_file(tmp_path: Path) -> None:
    curated = tmp_path / "curated.ttl"
    curated.write_text("# Curated by hand.\n<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    result = run("curate", table(tmp_path, GOOD), "--into", curated)
    assert result.exit_code == 2
    assert "not written by `xpo1kg curate`" in result.stderr


def test_curate_adds_to_a_file_of_ingest_and_keeps_its_first_line(tmp_path: Path) -> None:
    measurements = "inhibitor,cell_line,value,source\nKPT-330,SKOV3,0.2 µM,PMID:28810913\n"
    table(tmp_path, measurements, "ic50.csv")
    assert run("ingest", tmp_path / "ic50.csv", "--into", tmp_path / "mine.ttl").exit_code == 0
    assert run("curate", table(tmp_path, GOOD), "--into", tmp_path / "mine.ttl").exit_code == 0
    text = (tmp_path / "mine.ttl").read_text(encoding="utf-8")
    assert text.startswith("# Measurements added by `xpo1kg ingest`.")
    assert "IC50_selinexor_SK-OV-3" in text and "xr:IntechOpenChapter75812" in text
    record = (tmp_path / "mine.ttl.prov.trig").read_text(encoding="utf-8")
    assert "graph/ingest/" in record and "graph/curate/" in record


def test_curating_into_a_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    open_store(store, create=True)
    gc.collect()
    path = table(tmp_path, GOOD)
    result = run("curate", path, "--store", store)
    gc.collect()
    assert result.exit_code == 0, result.output
    assert f"wrote {store} (graph <{CURATE.store_graph}>)" in result.output
    # The snapshot is kept current, so the next run (and every reader) plans on it in memory.
    assert load_graph(store=store).store.path is None
    gc.collect()
    again = run("curate", path, "--store", store)
    gc.collect()
    assert "nothing to add" in again.output
    kg = load_graph(store=store)
    assert CURATE.store_graph in kg.store.graphs()
    ask = (
        "ASK { [] owl:annotatedSource xr:eltanexor ; owl:annotatedProperty xo:bindsCovalently ; "
        "dcterms:source xr:IntechOpenChapter75812 }"
    )
    assert kg.query(ask).column("ask") == [True]
    del kg
    gc.collect()


def test_the_python_api(tmp_path: Path) -> None:
    result = curate(table(tmp_path, GOOD), dry_run=True)
    assert [o.status for o in result.plan.outcomes] == ["add", "add", "present", "add"]
    with pytest.raises(IngestError) as error:
        curate(table(tmp_path, HEADER + "p53,exportd by,XPO1,NESdb,,IC,,\n", "bad.csv"))
    assert error.value.lines()[0].startswith("bad.csv:2:relation: unknown relation")


def test_the_readme_curator_workflow_runs(tmp_path: Path) -> None:
    """The README's workflow, run as written on the NESdb fixture and the README's table."""
    import re
    import shlex

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A curator's workflow", 1)[1].split("\n## ", 1)[0]
    commands = re.search(r"```bash\n(.+?)\n```", section, re.DOTALL)
    statements = re.search(r"```csv\n(.+?\n)```", section, re.DOTALL)
    assert commands and statements
    (tmp_path / "statements.csv").write_text(statements.group(1), encoding="utf-8")
    nesdb = Path(__file__).parent / "resources" / "nesdb_sample.csv"
    (tmp_path / "cargo.csv").write_bytes(nesdb.read_bytes())
    outputs = []
    for line in commands.group(1).splitlines():
        words = shlex.split(line, comments=True)
        assert words[0] == "xpo1kg"
        result = run(*words[1:])
        assert result.exit_code == 0, (line, result.output)
        outputs.append(result.stdout)
    assert "cargo.csv:8: added TFIIA (NES ID 323) = xr:new/protein/P52655: 1-40" in outputs[0]
    assert "cargo.csv:2: already present: P53 (NES ID 6) = xr:TP53: 339-352" in outputs[0]
    assert "1 added, 5 already present" in outputs[0]
    assert "statements.csv: 2 rows: 2 added, 0 already present, 0 repeated" in outputs[1]
    # The bundled regions and the imported one, each once.
    assert re.search(r"^TP53 +339 +352$", outputs[2], re.MULTILINE)
    assert re.search(r"^TFIIA +1 +40$", outputs[2], re.MULTILINE)
    assert len(re.findall(r"^TP53 ", outputs[2], re.MULTILINE)) == 1
    assert "minimum cargo count" in outputs[3]
    assert (
        "source: IntechOpen chapter 75812 on selective inhibitors of nuclear export" in outputs[4]
    )
    assert "asserted in data/inhibitors, user/mine.ttl" in outputs[4]
