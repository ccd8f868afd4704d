"""Excel workbooks (``.xlsx``) for ``ingest``, ``curate`` and ``import nesdb``: one reader, one behaviour.

The workbooks are built with openpyxl at test time. A workbook holding the same rows as a CSV file
must add the same triples; errors name the file, the sheet, the row and the column.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from xpo1kg.cli import main
from xpo1kg.ingest import sheets
from xpo1kg.ingest.measurement_table import read_table
from xpo1kg.ingest.sheets import cell_text, read_sheet
from xpo1kg.rdf.text import read_rdf

EPOCH = "1700000000"
XR = "https://w3id.org/xpo1kg/resource/"
XO = "https://w3id.org/xpo1kg/ontology/"
#: The one new measurement of tests/test_ingest.py, as spreadsheet cells.
HEADER = ["inhibitor", "cell_line", "value", "source", "assay", "notes"]
ROW = ["KPT-330", "SKOV3", "0.2 µM", "PMID:28810913", "CellTiter-Glo, 72 h", "mean of 3"]


def run(*args: object) -> Result:
    return CliRunner().invoke(
        main, [str(a) for a in args], catch_exceptions=False, env={"SOURCE_DATE_EPOCH": EPOCH}
    )


def workbook(path: Path, sheets_rows: dict[str, list[list[object]]]) -> Path:
    """Write a workbook with one sheet per entry, in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets_rows.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def triples(path: Path) -> set[tuple[str, str, str]]:
    import pyoxigraph as ox

    return {t for _, t in read_rdf(path, ox.RdfFormat.TURTLE)}


def test_cells_read_as_a_csv_export_shows_them() -> None:
    assert [cell_text(v) for v in (32.0, 0.2, 1e-7, 7, None, "  x ")] == [
        "32",
        "0.2",
        "0.0000001",
        "7",
        "",
        "  x ",
    ]


def test_rows_keep_their_worksheet_numbers_and_empty_rows_are_left_out(tmp_path: Path) -> None:
    path = workbook(tmp_path / "book.xlsx", {"IC50": [HEADER, [], ROW]})
    sheet = read_sheet(path)
    assert sheet.name == f"{path}[IC50]"
    assert [number for number, _ in sheet.records] == [1, 3]


def test_ingest_adds_the_same_triples_from_a_workbook_as_from_csv(tmp_path: Path) -> None:
    csv_path = tmp_path / "table.csv"
    csv_path.write_text(
        ",".join(HEADER) + '\nKPT-330,SKOV3,0.2 µM,PMID:28810913,"CellTiter-Glo, 72 h",mean of 3\n',
        encoding="utf-8",
    )
    book = workbook(tmp_path / "book.xlsx", {"Notes": [["nothing here"]], "IC50": [HEADER, ROW]})
    assert run("ingest", csv_path, "--into", tmp_path / "a.ttl").exit_code == 0
    result = run("ingest", book, "--sheet", "IC50", "--into", tmp_path / "b.ttl")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()
    record = (tmp_path / "b.ttl.prov.trig").read_text(encoding="utf-8")
    assert "xpo1kg ingest of book.xlsx[IC50]" in record


def test_ingest_default_output_is_named_after_the_workbook(tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", {"IC50": [HEADER, ROW]})
    assert run("ingest", book).exit_code == 0
    assert (tmp_path / "book.ttl").exists()
    assert table_name(book) == f"{book}[IC50]"


def table_name(path: Path) -> str:
    return read_table(path).name


def test_numbers_stored_by_excel_are_read_with_the_unit_column(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "book.xlsx",
        {
            "S": [
                ["inhibitor", "cell_line", "value", "unit", "source"],
                ["KPT-330", "SKOV3", 0.2, "µM", "PMID:28810913"],
            ]
        },
    )
    result = run("ingest", book, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "IC50 of selinexor on SK-OV-3: 200 nM" in result.output


def test_errors_name_the_sheet_the_row_and_the_column(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "book.xlsx",
        {
            "IC50": [
                HEADER,
                ROW,
                ["KPT-330", "SKOV3", "", "PMID:28810913"],
                [],
                ["selinexr", "SKOV3", "5 nM", "PMID:28810913"],
            ]
        },
    )
    result = run("ingest", book, "--into", tmp_path / "out.ttl")
    assert result.exit_code == 1
    assert f"{book}[IC50]:3:value: empty value" in result.stderr
    assert f"{book}[IC50]:5:inhibitor: unknown inhibitor 'selinexr'" in result.stderr
    assert not (tmp_path / "out.ttl").exists()


def test_an_unknown_sheet_names_the_sheets_there_are(tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", {"IC50": [HEADER, ROW], "Other": [["x"]]})
    result = run("ingest", book, "--sheet", "ic50")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {book}: no sheet 'ic50' (sheets: 'IC50', 'Other')"


def test_sheet_is_refused_for_csv(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    result = run("ingest", path, "--sheet", "x")
    assert result.exit_code == 2
    assert "--sheet applies to .xlsx workbooks only" in result.stderr


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"inhibitor,value\nKPT-330,5 nM\n", "not an Excel workbook"),
        (b"PK\x03\x04 broken", "not an Excel workbook"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_one_line_and_exit_2(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    result = run("ingest", path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and says in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake.xlsx"]


def test_a_zip_that_would_unpack_too_far_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = workbook(tmp_path / "book.xlsx", {"IC50": [HEADER, ROW]})
    monkeypatch.setattr(sheets, "MAX_UNPACKED", 100)
    result = run("ingest", book)
    assert result.exit_code == 2
    assert "the workbook unpacks to" in result.stderr and "more than allowed" in result.stderr


def test_an_old_excel_file_is_an_unknown_table_type(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("ingest", path)
    assert result.exit_code == 2
    assert "unknown table type '.xls'" in result.stderr


def test_curate_reads_a_workbook(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "statements.xlsx",
        {
            "Statements": [
                ["Subject", "Relation", "Object", "Source", "Evidence type", "Comment"],
                # The IntechOpen chapter's Cys528 statement names both (identifiers.md 1a); the
                # bundled data does not cite the chapter for them (its NESdb statements would be
                # already present).
                [
                    "selinexor",
                    "binds covalently",
                    "XPO1 Cys528",
                    "xr:IntechOpenChapter75812",
                    "ECO:0000303",
                    "Selinexor is one of the SINE compounds of which the chapter says this.",
                ],
                ["KPT-8602", "binds covalently", "Cys528", "IntechOpenChapter75812", "NAS", ""],
            ]
        },
    )
    result = run("curate", book, "--into", tmp_path / "out.ttl")
    assert result.exit_code == 0, result.output
    assert f"{book}[Statements]: 2 rows: 2 added, 0 already present" in result.output
    written = triples(tmp_path / "out.ttl")
    assert (f"<{XR}eltanexor>", f"<{XO}bindsCovalently>", f"<{XR}XPO1_Cys528>") in written
    broken = workbook(
        tmp_path / "broken.xlsx",
        {
            "S": [
                ["subject", "relation", "object", "source", "evidence_type"],
                ["p53", "exported by", "XPO1", "xr:NESdb", "ECO:1"],
            ]
        },
    )
    result = run("curate", broken, "--into", tmp_path / "out2.ttl")
    assert result.exit_code == 1
    assert f"{broken}[S]:2:evidence_type: evidence type 'ECO:1' is not one of" in result.stderr


def test_import_nesdb_reads_a_workbook(tmp_path: Path) -> None:
    header = ["ID", "Full Name", "Organism", "Functional Export Signals", "Fasta Header"]
    book = workbook(
        tmp_path / "nesdb.xlsx",
        {
            "NESdb": [
                header,
                [
                    "P53 (NES ID: 6)",
                    "Cellular tumor antigen p53",
                    "Homo sapiens (Human)",
                    "['339-352']",
                    ">sp|P04637|P53_HUMAN",
                ],
                ["Survivin (NES ID: 123)", "", "Homo sapiens (Human)", "['89-104']", ""],
                # The TFIIA record of tests/resources/nesdb_sample.csv (not in the bundled data).
                [
                    "TFIIA  (NES ID: 323)",
                    "Transcription initiation factor IIA subunit 1",
                    "Homo sapiens (Human)",
                    "['1-40']",
                    ">sp|P52655|TF2AA_HUMAN Transcription initiation factor IIA subunit 1",
                ],
            ]
        },
    )
    result = run("import", "nesdb", book, "--into", tmp_path / "out.ttl")
    assert result.exit_code == 1
    assert f"{book}[NESdb]:3:Fasta Header: no UniProt accession" in result.stderr
    result = run("import", "nesdb", book, "--into", tmp_path / "out.ttl", "--skip-bad")
    assert result.exit_code == 0, result.output
    # p53's NES is in the bundled data already; TFIIA's is new.
    assert f"{book}[NESdb]:2: already present: P53 (NES ID 6) = xr:TP53: 339-352" in result.stdout
    subjects = {s for s, _, _ in triples(tmp_path / "out.ttl")}
    assert f"<{XR}P52655_NES_1-40>" in subjects
    assert not any("TP53" in s for s in subjects)
