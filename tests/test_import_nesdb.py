"""``xpo1kg import nesdb``: NESdb cargo tables become proteins, NES regions and export statements.

The fixture ``tests/resources/nesdb_sample.csv`` is written by hand in the format of the
NESdb-derived table (uv-yuval-cohen/3D-Structural-Biology:DB/NesDB_all_CRM1_with_peptides_train.csv):
the NES IDs, ranges and accessions are those verified in the project's reference identifiers
(p53 6: 339-352, BRCA1 10: 81-99, IκBα 37: 1-55, RelA 25: 436-445, p21 210: none), plus rows seen
in that table (IκBα, TFIIA 323, mouse c-Abl 21); cells not seen there are left empty. Its odd rows
are deliberate: a repeated record (p53), a record without accession (survivin) and one whose
list of ranges is cut short (BRCA2).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from xpo1kg import import_nesdb, load_graph
from xpo1kg.cli import main
from xpo1kg.ingest.nesdb import UNVERIFIED_PROTEIN, plan_nesdb
from xpo1kg.ingest.nesdb_records import parse_accession, parse_nes_id, parse_ranges
from xpo1kg.ingest.sheets import read_sheet
from xpo1kg.ingest.values import IngestError
from xpo1kg.resources import data_files

XR = "https://w3id.org/xpo1kg/resource/"
XO = "https://w3id.org/xpo1kg/ontology/"
OBO = "http://purl.obolibrary.org/obo/"
DCT = "http://purl.org/dc/terms/"
FIXTURE = Path(__file__).parent / "resources" / "nesdb_sample.csv"
HEADER = "ID,Organism,Functional Export Signals,Fasta Header,Sequence\n"


def run(*args: object) -> Result:
    return CliRunner().invoke(
        main,
        [str(a) for a in args],
        catch_exceptions=False,
        env={"SOURCE_DATE_EPOCH": "1700000000"},
    )


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture copied to the test's folder, which is the working directory."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "nesdb.csv"
    path.write_bytes(FIXTURE.read_bytes())
    return Path("nesdb.csv")


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_unreadable_records_are_listed_and_nothing_is_written(sample: Path, tmp_path: Path) -> None:
    result = run("import", "nesdb", sample)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "nesdb.csv:11:Fasta Header: no UniProt accession (sp|…| or tr|…|) (the cell is empty)",
        (
            "nesdb.csv:12:Functional Export Signals: cannot read \"['1383-1393'\": expected "
            "['start-end', …]"
        ),
        "error: nesdb.csv: 2 problems; nothing was written",
    ]
    assert files(tmp_path) == ["nesdb.csv"]


def test_with_skip_bad_the_readable_human_records_are_imported(
    sample: Path, tmp_path: Path
) -> None:
    result = run("import", "nesdb", sample, "--skip-bad")
    assert result.exit_code == 0, result.output
    # The bundled data (data/nes_regions.ttl) has the NESdb statements and NES regions of p53,
    # BRCA1, IκBα, RelA and p21 already: those records add nothing; TFIIA is new.
    assert result.stdout.splitlines() == [
        "nesdb.csv:2: already present: P53 (NES ID 6) = xr:TP53: 339-352",
        "nesdb.csv:3: already present: BRCA1 (NES ID 10) = xr:BRCA1: 81-99",
        "nesdb.csv:4: already present: IκBα (NES ID 37) = xr:NFKBIA: 1-55",
        # row 4 spans two lines
        "nesdb.csv:6: already present: RelA/p65 (NES ID 25) = xr:RELA: 436-445",
        "nesdb.csv:7: already present: p21Cip1 (NES ID 210) = xr:CDKN1A: no mapped NES",
        "nesdb.csv:8: added TFIIA (NES ID 323) = xr:new/protein/P52655: 1-40",
        "nesdb.csv:10: repeats an earlier record: NES ID 6, as row 2",
        (
            "nesdb.csv: 10 records: 1 added, 5 already present, 1 repeated, 1 not Homo sapiens, "
            "2 unreadable (skipped); new: 1 unverified protein, 1 NES region"
        ),
        (
            "wrote nesdb.ttl and nesdb.ttl.prov.trig (provenance: "
            f"<https://w3id.org/xpo1kg/graph/import-nesdb/{_sha(tmp_path / 'nesdb.csv')[:16]}>)"
        ),
    ]
    assert result.stderr.splitlines() == [
        "nesdb.csv:11:Fasta Header: warning: no UniProt accession (sp|…| or tr|…|) (the cell is empty)",
        (
            "nesdb.csv:12:Functional Export Signals: warning: cannot read \"['1383-1393'\": expected "
            "['start-end', …]"
        ),
        "nesdb.csv:9:Organism: skipped: Mus musculus (Mouse), not Homo sapiens",
    ]
    graph = Graph().parse(tmp_path / "nesdb.ttl")
    # Nothing about the proteins the bundled data has: no second region, statement or source.
    for known in ("TP53", "BRCA1", "NFKBIA", "RELA", "CDKN1A"):
        assert not list(graph.triples((URIRef(XR + known), None, None)))
        assert not list(graph.subjects(OWL.annotatedSource, URIRef(XR + known)))
        assert not list(graph.subjects(URIRef(XO + "regionOf"), URIRef(XR + known)))
    # The new protein: accession, name, synonyms, and marked unverified; evidence kept as data.
    protein = URIRef(XR + "new/protein/P52655")
    assert graph.value(protein, URIRef(XO + "uniprotAccession")) == Literal("P52655")
    assert graph.value(protein, RDFS.label) == Literal("TFIIA")
    assert graph.value(protein, URIRef(DCT + "source")) == URIRef(XR + "NESdb")
    assert set(graph.objects(protein, SKOS.altLabel)) == {
        Literal(x)
        for x in (
            "Transcription initiation factor IIA subunit 1",
            "TFIIAL",
            "General transcription factor IIA subunit 1",
            "TFIIA-42",
        )
    }
    assert graph.value(protein, RDFS.comment) == Literal(UNVERIFIED_PROTEIN)
    assert graph.value(protein, URIRef(XO + "nesdbId")) is None  # on the statement and region
    assert (protein, URIRef(XO + "exportedBy"), URIRef(XR + "XPO1")) in graph
    # Its NES region, with its own evidence and the NESdb ID.
    region = URIRef(XR + "P52655_NES_1-40")
    assert graph.value(region, RDF.type) == URIRef(XO + "NuclearExportSignalRegion")
    assert graph.value(region, URIRef(XO + "regionOf")) == protein
    assert graph.value(region, URIRef(XO + "regionStart")) == Literal(1, datatype=XSD.integer)
    assert graph.value(region, URIRef(XO + "regionEnd")) == Literal(40, datatype=XSD.integer)
    assert graph.value(region, URIRef(DCT + "source")) == URIRef(XR + "NESdb")
    assert graph.value(region, URIRef(XO + "evidenceType")) == URIRef(OBO + "ECO_0000312")
    assert graph.value(region, URIRef(XO + "modality")) == URIRef(XO + "Established")
    assert graph.value(region, URIRef(XO + "nesdbId")) == Literal("323")
    assert graph.value(region, RDFS.comment) == Literal("NESdb record 'TFIIA (NES ID: 323)'")
    # The NESdb statement that TFIIA is exported by XPO1.
    [new_axiom] = graph.subjects(OWL.annotatedSource, protein)
    assert graph.value(new_axiom, OWL.annotatedProperty) == URIRef(XO + "exportedBy")
    assert graph.value(new_axiom, URIRef(DCT + "source")) == URIRef(XR + "NESdb")
    assert graph.value(new_axiom, URIRef(XO + "evidenceType")) == URIRef(OBO + "ECO_0000312")
    assert graph.value(new_axiom, URIRef(XO + "nesdbId")) == Literal("323")
    assert graph.value(new_axiom, RDFS.comment) == Literal("NESdb record 'TFIIA (NES ID: 323)'")
    assert set(graph.objects(new_axiom, URIRef(XO + "nuclearExportEvidence"))) == {
        Literal("LMB Sensitive"),
        Literal("Binds CRM1"),
    }
    assert run("validate", tmp_path / "nesdb.ttl", "--with-bundled").exit_code == 0


def test_a_protein_of_the_graph_gets_the_statement_and_regions_it_lacks(
    sample: Path, tmp_path: Path
) -> None:
    """Against the graph without data/nes_regions.ttl, p53 and p21 are matched by accession."""
    kg = load_graph(
        [Path(str(f)) for f in data_files() if f.name != "nes_regions.ttl"],
        bundled_data=False,
        inferred=False,
    )
    plan = plan_nesdb(read_sheet(tmp_path / "nesdb.csv"), kg, skip_bad=True)
    assert [(o.row, o.status) for o in plan.outcomes] == [
        (2, "add"), (3, "add"), (4, "add"), (6, "add"), (7, "add"), (8, "add"), (10, "repeat"),
    ]  # fmt: skip
    graph = Graph().parse(data="\n".join(" ".join(t) + " ." for t in plan.triples), format="nt")
    region = URIRef(XR + "TP53_NES_339-352")
    assert graph.value(region, RDF.type) == URIRef(XO + "NuclearExportSignalRegion")
    assert graph.value(region, URIRef(XO + "regionOf")) == URIRef(XR + "TP53")
    assert graph.value(region, URIRef(XO + "regionStart")) == Literal(339, datatype=XSD.integer)
    assert graph.value(region, URIRef(XO + "regionEnd")) == Literal(352, datatype=XSD.integer)
    assert graph.value(region, URIRef(DCT + "source")) == URIRef(XR + "NESdb")
    assert graph.value(region, URIRef(XO + "evidenceType")) == URIRef(OBO + "ECO_0000312")
    assert graph.value(region, URIRef(XO + "modality")) == URIRef(XO + "Established")
    assert graph.value(region, URIRef(XO + "nesdbId")) == Literal("6")
    # The protein of the graph keeps its own description and sources: nothing is said about it.
    assert not list(graph.triples((URIRef(XR + "TP53"), None, None)))
    [p21] = graph.subjects(OWL.annotatedSource, URIRef(XR + "CDKN1A"))
    assert graph.value(p21, URIRef(XO + "nesdbId")) == Literal("210")
    assert not list(graph.subjects(URIRef(XO + "regionOf"), URIRef(XR + "CDKN1A")))
    # The NESdb statement that TP53 is exported by XPO1, next to the guide's.
    [axiom] = graph.subjects(OWL.annotatedSource, URIRef(XR + "TP53"))
    assert graph.value(axiom, OWL.annotatedProperty) == URIRef(XO + "exportedBy")
    assert graph.value(axiom, URIRef(DCT + "source")) == URIRef(XR + "NESdb")
    assert graph.value(axiom, URIRef(XO + "nesdbId")) == Literal("6")
    assert graph.value(axiom, RDFS.comment) == Literal("NESdb record 'P53 (NES ID: 6)'")


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_nes_of_each_tumour_suppressor_cargo_can_be_asked(sample: Path, tmp_path: Path) -> None:
    assert run("import", "nesdb", sample, "--skip-bad").exit_code == 0
    kg = load_graph([tmp_path / "nesdb.ttl"])
    rows = kg.query(
        """SELECT ?cargo ?start ?end WHERE {
            ?p a xo:TumorSuppressor ; rdfs:label ?cargo .
            ?r a xo:NuclearExportSignalRegion ; xo:regionOf ?p ;
               xo:regionStart ?start ; xo:regionEnd ?end ; dcterms:source xr:NESdb }
        ORDER BY ?cargo"""
    ).records()
    # The bundled regions (data/nes_regions.ttl) and the imported file together: the import
    # adds no second region for BRCA1 or TP53.
    assert [(r["cargo"], r["start"], r["end"]) for r in rows] == [
        ("BRCA1", 81, 99),
        ("BRCA2", 1383, 1393),
        ("TP53", 339, 352),
    ]


def test_importing_twice_writes_nothing(sample: Path, tmp_path: Path) -> None:
    assert run("import", "nesdb", sample, "--skip-bad").exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    again = run("import", "nesdb", sample, "--skip-bad")
    assert again.exit_code == 0
    assert (
        "0 added, 6 already present" in again.stdout
        and "nothing to add: nothing written" in again.stdout
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("organism", ["Mus musculus", "mouse"])
def test_another_organism_is_chosen_by_either_name(
    sample: Path, tmp_path: Path, organism: str
) -> None:
    result = run("import", "nesdb", sample, "--organism", organism, "--skip-bad", "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "nesdb.csv:9: would add c-Abl (NES ID 21) = xr:new/protein/P00520: 1078-1096"
        in result.stdout
    )
    assert "would add P53" not in result.stdout
    assert files(tmp_path) == ["nesdb.csv"]


def test_a_repeated_nes_id_with_other_content_is_a_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text(
        HEADER
        + "P53 (NES ID: 6),Homo sapiens (Human),['339-352'],>sp|P04637|P53_HUMAN,\n"
        + "P53 (NES ID: 6),Homo sapiens (Human),['340-352'],>sp|P04637|P53_HUMAN,\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError) as error:
        import_nesdb(path, dry_run=True)
    assert [(p.row, p.column) for p in error.value.problems] == [(3, "ID")]
    assert "NES ID 6 appears again (row 2)" in error.value.problems[0].message


@pytest.mark.parametrize(
    ("cells", "column", "says"),
    [
        ("P53 (NES 6),Homo sapiens (Human),['339-352'],>sp|P04637|P53_HUMAN,", "ID", "cannot read"),
        (
            "P53 (NES ID: 6),Homo sapiens (Human),\"__import__('os').system('touch pwned')\",>sp|P04637|P53_HUMAN,",
            "Functional Export Signals",
            "cannot read",
        ),
        (
            "P53 (NES ID: 6),Homo sapiens (Human),\"['352-339']\",>sp|P04637|P53_HUMAN,",
            "Functional Export Signals",
            "start ≤ end",
        ),
        (
            'P53 (NES ID: 6),Homo sapiens (Human),"[339, 352]",>sp|P04637|P53_HUMAN,',
            "Functional Export Signals",
            "not a residue range",
        ),
        (
            "P53 (NES ID: 6),Homo sapiens (Human),\"{'339-352'}\",>sp|P04637|P53_HUMAN,",
            "Functional Export Signals",
            "not a list",
        ),
        (
            "P53 (NES ID: 6),Homo sapiens (Human),['5-12'],>sp|P04637|P53_HUMAN,MEEPQSDPSV",
            "Functional Export Signals",
            "ends after the sequence (10 residues)",
        ),
        (
            "P53 (NES ID: 6),Homo sapiens (Human),['339-352'],>gi|120407068|P53_HUMAN,",
            "Fasta Header",
            "no UniProt accession",
        ),
        ("P53 (NES ID: 6),,['339-352'],>sp|P04637|P53_HUMAN,", "Organism", "no organism"),
    ],
)
def test_bad_cells(tmp_path: Path, cells: str, column: str, says: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + cells + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as error:
        import_nesdb(path, dry_run=True)
    [problem] = error.value.problems
    assert (problem.row, problem.column) == (2, column)
    assert says in problem.message
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_a_missing_column_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "ID,Organism,Fasta Header\nP53 (NES ID: 6),Homo sapiens (Human),x\n", encoding="utf-8"
    )
    result = run("import", "nesdb", path)
    assert result.exit_code == 2
    assert "missing column 'Functional Export Signals'" in result.stderr


def test_cell_parsers() -> None:
    assert parse_nes_id("  IκBα (NES ID: 37)") == ("IκBα", "37")
    assert parse_accession(">gi|126682|sp|P25963.1|IKBA_HUMAN RecName") == "P25963"
    assert parse_accession(">sp|P52655|TF2AA_HUMAN Transcription") == "P52655"
    assert parse_ranges("['45-52', '49-54', '45-52']") == [(45, 52), (49, 54)]
    assert parse_ranges("[]") == parse_ranges("") == []


def test_importing_into_a_store(sample: Path, tmp_path: Path) -> None:
    import gc

    from xpo1kg.ingest.output import NESDB
    from xpo1kg.store.persistent import open_store

    store = tmp_path / "store"
    open_store(store, create=True)
    gc.collect()
    result = run("import", "nesdb", sample, "--skip-bad", "--store", store)
    gc.collect()
    assert result.exit_code == 0, result.output
    assert f"wrote {store} (graph <{NESDB.store_graph}>)" in result.stdout
    again = run("import", "nesdb", sample, "--skip-bad", "--store", store)
    gc.collect()
    assert "nothing to add" in again.stdout
    kg = load_graph(store=store)
    ask = "ASK { xr:RELA_NES_436-445 xo:regionOf xr:RELA ; xo:regionStart 436 ; xo:regionEnd 445 }"
    assert kg.query(ask).column("ask") == [True]
    del kg
    gc.collect()
