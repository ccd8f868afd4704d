"""Reading spreadsheet cells: values as people write them, units, endpoints, sources and headers.

Table-driven tests for every notation the ingest documents, and property-based tests
(hypothesis) that the value parser never crashes, normalises every unit to the same nanomolar
value, and keeps ranges ordered.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xpo1kg.errors import InputError
from xpo1kg.ingest.measurement_table import read_table
from xpo1kg.ingest.sources import parse_source_id
from xpo1kg.ingest.values import (
    IngestError,
    Quantity,
    QuantityError,
    decimal_lexical,
    normalise_header,
    parse_endpoint,
    parse_quantity,
    parse_unit,
)

D = Decimal
MICRO, MU, NBSP, EN, EM, MINUS = "\u00b5", "\u03bc", "\u00a0", "\u2013", "\u2014", "\u2212"

# text, unit column, expected (qualifier, value, lower, upper) in nM
VALUES = [
    ("32", "nM", ("=", D(32), None, None)),
    ("~100", "nM", ("~", D(100), None, None)),
    ("≈50", "nM", ("~", D(50), None, None)),
    ("∼ 50", "nM", ("~", D(50), None, None)),
    ("approx. 5 nM", None, ("~", D(5), None, None)),
    ("ca. 5", "nM", ("~", D(5), None, None)),
    ("=32", "nM", ("=", D(32), None, None)),
    ("100 - 500", "nM", ("", None, D(100), D(500))),
    (f"100{EN}500", "nM", ("", None, D(100), D(500))),
    (f"100 {EM} 500", "nM", ("", None, D(100), D(500))),
    (f"100{MINUS}500 nM", None, ("", None, D(100), D(500))),
    ("100 to 500 nM", None, ("", None, D(100), D(500))),
    ("100-500nM", None, ("", None, D(100), D(500))),
    ("~100-500 nM", None, ("~", None, D(100), D(500))),
    ("100 nM - 1 µM", None, ("", None, D(100), D(1000))),
    ("0.1-0.5 µM", None, ("", None, D(100), D(500))),
    ("1e-7-1e-6 M", None, ("", None, D(100), D(1000))),
    ("100-100", "nM", ("", None, D(100), D(100))),
    ("<10", "nM", ("<", D(10), None, None)),
    (">1000", "nM", (">", D(1000), None, None)),
    ("<=10", "nM", ("<=", D(10), None, None)),
    ("≤10", "nM", ("<=", D(10), None, None)),
    (">= 10 nM", None, (">=", D(10), None, None)),
    ("≥10", "nM", (">=", D(10), None, None)),
    (f"0.2 {MICRO}M", None, ("=", D(200), None, None)),
    (f"0.2 {MU}M", None, ("=", D(200), None, None)),
    ("0.2 uM", None, ("=", D(200), None, None)),
    ("0.2 UM", None, ("=", D(200), None, None)),
    ("200nM", None, ("=", D(200), None, None)),
    ("200 NM", None, ("=", D(200), None, None)),
    ("1.5e-7 M", None, ("=", D(150), None, None)),
    ("1.5E-7M", None, ("=", D(150), None, None)),
    ("1.5×10^-7 M", None, ("=", D(150), None, None)),
    ("1.5 x 10-7 M", None, ("=", D(150), None, None)),
    ("1.5×10⁻⁷ M", None, ("=", D(150), None, None)),
    ("2 mM", None, ("=", D(2_000_000), None, None)),
    ("500 pM", None, ("=", D("0.5"), None, None)),
    ("0.5", "µM", ("=", D(500), None, None)),
    ("5 nanomolar", None, ("=", D(5), None, None)),
    ("5 nmol/L", None, ("=", D(5), None, None)),
    ("5 µmol/l", None, ("=", D(5000), None, None)),
    (".5 nM", None, ("=", D("0.5"), None, None)),
    (f"0.2{NBSP}{MICRO}M", None, ("=", D(200), None, None)),
    (f"{NBSP}~100{NBSP}", "nM", ("~", D(100), None, None)),
    ("０.２ µM", None, ("=", D(200), None, None)),  # full-width digits
    ("5 nM", "nM", ("=", D(5), None, None)),  # the same unit in both places
]


@pytest.mark.parametrize(("text", "unit", "expected"), VALUES, ids=[v[0] for v in VALUES])
def test_values_as_people_write_them(
    text: str,
    unit: str | None,
    expected: tuple[str, Decimal | None, Decimal | None, Decimal | None],
) -> None:
    assert parse_quantity(text, unit).key == expected


# text, unit column, the column blamed, a fragment of the message
ERRORS = [
    ("", "nM", "value", "empty"),
    ("   ", "nM", "value", "empty"),
    ("0", "nM", "value", "greater than 0"),
    ("0.0 µM", None, "value", "greater than 0"),
    ("-5", "nM", "value", "greater than 0"),
    (f"{MINUS}5 nM", None, "value", "greater than 0"),
    ("~-5 nM", None, "value", "greater than 0"),
    ("500-100", "nM", "value", "exceeds the upper bound"),
    (f"1 µM {EN} 500 nM", None, "value", "exceeds the upper bound"),
    ("abc", "nM", "value", "cannot read"),
    ("n.d.", "nM", "value", "cannot read"),
    ("NA", "nM", "value", "cannot read"),
    ("5 %", None, "value", "cannot read"),
    ("5 furlongs", None, "value", "unknown unit"),
    ("5", None, "value", "no unit"),
    ("5", "", "value", "no unit"),
    ("5", "mm", "unit", "ambiguous unit"),
    ("5 m", None, "value", "ambiguous unit"),
    ("5 MM", None, "value", "ambiguous unit"),
    ("5", "furlong", "unit", "unknown unit"),
    ("5 µM", "nM", "unit", "the unit column nM"),
    ("<100-500", "nM", "value", "not <"),
    ("=100-500", "nM", "value", "not ="),
    ("1,000", "nM", "value", "comma"),
    ("0,5 µM", None, "value", "comma"),
    ("5 ± 1", "nM", "value", "spread"),
    ("5 +/- 1 nM", None, "value", "spread"),
    ("1e400 M", None, "value", "larger exponent"),
    ("1x10^99999 M", None, "value", "out of range"),
    ("1e-30 M", None, "value", "not a plausible concentration"),
    ("5e6 M", None, "value", "not a plausible concentration"),
    ("1" * 40 + " nM", None, "value", "more digits"),
    ("5" * 200, "nM", "value", "too long"),
    ("5 nM 6", None, "value", "cannot read"),
]


@pytest.mark.parametrize(
    ("text", "unit", "column", "fragment"), ERRORS, ids=[e[0][:20] for e in ERRORS]
)
def test_values_that_cannot_be_stored_are_refused(
    text: str, unit: str | None, column: str, fragment: str
) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text, unit)
    assert caught.value.column == column
    assert fragment in str(caught.value)


def test_the_published_text_is_the_cell_plus_the_unit_column_when_that_gave_the_unit() -> None:
    assert parse_quantity("~100", "nM").text == "~100 nM"
    assert parse_quantity(f"0.2{NBSP}{MICRO}M").text == f"0.2{NBSP}{MICRO}M"  # kept as written
    assert parse_quantity(f"{NBSP}~100{NBSP}", "nM").text == "~100 nM"  # only the ends stripped


@pytest.mark.parametrize(
    ("quantity", "shown"),
    [
        (parse_quantity("0.2 µM"), "200 nM"),
        (parse_quantity("~100", "nM"), "~100 nM"),
        (parse_quantity("<1e-6 M"), "<1000 nM"),
        (parse_quantity("100 – 500", "nM"), "100–500 nM"),
        (parse_quantity("~0.1-0.5 µM"), "~100–500 nM"),
        (parse_quantity("500 pM"), "0.5 nM"),
    ],
)
def test_quantities_show_their_normalised_value(quantity: Quantity, shown: str) -> None:
    assert str(quantity) == shown


@pytest.mark.parametrize(
    ("number", "lexical"),
    [("200", "200.0"), ("2E+2", "200.0"), ("0.5", "0.5"), ("0.50", "0.5"), ("1E-7", "0.0000001")],
)
def test_decimals_are_written_in_xsd_decimal_form(number: str, lexical: str) -> None:
    assert decimal_lexical(Decimal(number)) == lexical


@pytest.mark.parametrize(
    ("text", "symbol", "power"),
    [("M", "M", 9), ("mM", "mM", 6), ("µM", "µM", 3), ("μM", "µM", 3), ("uM", "µM", 3),
     ("nM", "nM", 0), ("nm", "nM", 0), ("pM", "pM", -3), ("micromolar", "µM", 3),
     ("nmol/L", "nM", 0), (" nM ", "nM", 0)],
)  # fmt: skip
def test_units(text: str, symbol: str, power: int) -> None:
    assert parse_unit(text) == (symbol, power)


@pytest.mark.parametrize(
    ("text", "name"),
    [("IC50", "IC50"), ("ic50", "IC50"), ("IC 50", "IC50"), ("ic_50", "IC50"), ("IC₅₀", "IC50"),
     ("bao:BAO_0000190", "IC50"), ("BAO:0000190", "IC50"), ("EC50", "EC50"), ("AC50", "AC50"),
     ("Ki", "Ki"), ("K i", "Ki"), ("BAO_0000192", "Ki")],
)  # fmt: skip
def test_endpoints(text: str, name: str) -> None:
    assert parse_endpoint(text)[0] == name


def test_an_unknown_endpoint_names_the_known_ones() -> None:
    with pytest.raises(QuantityError, match="IC50, EC50, AC50, Ki") as caught:
        parse_endpoint("pIC50")
    assert caught.value.column == "endpoint"


PUBMED = "https://pubmed.ncbi.nlm.nih.gov/28810913/"


@pytest.mark.parametrize(
    ("text", "label", "page"),
    [
        ("PMID:28810913", "PMID:28810913", PUBMED),
        ("pmid 28810913", "PMID:28810913", PUBMED),
        ("PubMed: 028810913", "PMID:28810913", PUBMED),
        (PUBMED, "PMID:28810913", PUBMED),
        ("https://www.ncbi.nlm.nih.gov/pubmed/28810913", "PMID:28810913", PUBMED),
        ("10.1038/leu.2012.219", "doi:10.1038/leu.2012.219", "https://doi.org/10.1038/leu.2012.219"),
        ("DOI: 10.1038/LEU.2012.219", "doi:10.1038/leu.2012.219", "https://doi.org/10.1038/leu.2012.219"),
        ("https://dx.doi.org/10.1038/leu.2012.219", "doi:10.1038/leu.2012.219", "https://doi.org/10.1038/leu.2012.219"),
        ("https://example.org/paper?id=7", "https://example.org/paper?id=7", "https://example.org/paper?id=7"),
    ],
)  # fmt: skip
def test_sources_named_by_identifier(text: str, label: str, page: str) -> None:
    source = parse_source_id(text)
    assert source is not None
    assert (source.label, source.page) == (label, page)
    assert source.iri.startswith("https://w3id.org/xpo1kg/resource/source/")


def test_one_identifier_written_two_ways_is_one_source() -> None:
    assert parse_source_id("PMID:28810913") == parse_source_id(PUBMED)
    assert parse_source_id("doi:10.1234/ABC") == parse_source_id("https://doi.org/10.1234/abc")


@pytest.mark.parametrize(
    "text", ["Smith 2020", "guide", "https://exa mple.org/x", "ftp://x.org/a", ""]
)
def test_other_source_texts_are_names_not_identifiers(text: str) -> None:
    assert parse_source_id(text) is None


def test_column_names_ignore_case_spaces_and_underscores() -> None:
    assert {
        normalise_header(n) for n in ("Cell Line", "cell_line", "CELL LINE", f"cell{NBSP}line")
    } == {"cellline"}
    assert normalise_header("cell-line") != normalise_header("cell_line")


# --- reading tables ------------------------------------------------------------------------------


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_table_with_every_column_in_any_spelling(tmp_path: Path) -> None:
    header = "Inhibitor, Cell Line ,CANCER_TYPE,Value,UNIT,end point,Source,assay,Notes\n"
    table = read_table(
        write(tmp_path / "t.csv", header + "selinexor,SKOV3,,~32,nM,IC50,guide,MTT,x\n")
    )
    assert table.columns == (
        "inhibitor", "cell_line", "cancer_type", "value", "unit", "endpoint", "source", "assay", "notes",
    )  # fmt: skip
    assert table.rows[0].cells["cell_line"] == "SKOV3" and table.rows[0].line == 2
    assert len(table.sha256) == 64 and table.problems == ()


def test_rows_are_numbered_by_file_line(tmp_path: Path) -> None:
    text = 'inhibitor,cell_line,value,notes\n\nselinexor,SKOV3,1 nM,"two\nlines"\n,,,\nselinexor,BT549,2 nM,\n'
    table = read_table(write(tmp_path / "t.csv", text))
    assert [row.line for row in table.rows] == [3, 6]
    assert table.rows[0].get("notes") == "two\nlines"


def test_bom_crlf_tsv_and_short_rows(tmp_path: Path) -> None:
    text = "\ufeffinhibitor\tcell_line\tvalue\tnotes\r\nselinexor\tSKOV3\t1 nM\r\n"
    table = read_table(write(tmp_path / "t.tsv", text))
    assert table.rows[0].cells == {
        "inhibitor": "selinexor",
        "cell_line": "SKOV3",
        "value": "1 nM",
        "notes": "",
    }


def test_header_problems_are_all_reported_with_exit_code_2(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "Inhibitor,Cell-Line,value,value,colour\nx,y,1,2,3\n")
    with pytest.raises(IngestError) as caught:
        read_table(path)
    assert caught.value.exit_code == 2
    lines = caught.value.lines()
    assert f"{path}:1:Cell-Line: unknown column (did you mean cell_line?" in lines[1]
    assert any("column value appears twice (columns 3 and 4)" in line for line in lines)
    assert any(":1:colour: unknown column" in line for line in lines)
    assert f"{path}:1: missing column cell_line or cancer_type" in lines


def test_cells_under_no_header_and_extra_cells_are_row_problems(tmp_path: Path) -> None:
    text = "inhibitor,cell_line,value,\nselinexor,SKOV3,1 nM,\nselinexor,SKOV3,1 nM,oops\nselinexor,SKOV3,1 nM,,more\n"
    table = read_table(write(tmp_path / "t.csv", text))
    assert [(p.row, p.column) for p in table.problems] == [(3, "column 4"), (4, "")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.xls", b"PK", "unknown table type '.xls'"),  # .xlsx is read: tests/test_xlsx.py
        ("t.csv", "inhibitor,value\nséli,1 nM\n".encode("latin-1"), ":2: not UTF-8"),
        ("t.csv", b"", "empty file"),
        ("t.csv", b'inhibitor,cell_line,value\n"selinexor,SKOV3,1\n', "unexpected end of data"),
    ],
)
def test_files_that_cannot_be_read(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_table(path)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")


# --- properties ----------------------------------------------------------------------------------

QUALIFIERS = ["", "~", "≈", "<", ">", "<=", ">=", "≤", "≥", "=", "approx. "]
UNIT_TEXTS = ["", "nM", "µM", "μM", "uM", "mM", "M", "pM", "nm", "NM", "mm", "x", "µ"]
SEPARATORS = ["-", " - ", EN, f" {EN} ", EM, " to ", "..", MINUS, ","]
pieces = st.one_of(
    st.sampled_from(QUALIFIERS + UNIT_TEXTS + SEPARATORS + [NBSP, " ", "e", "E", "×10^", ".", "±"]),
    st.from_regex(r"[0-9]{0,4}(\.[0-9]{0,3})?(e-?[0-9]{1,2})?", fullmatch=True),
)
value_like = st.lists(pieces, max_size=8).map("".join)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(st.text(), value_like), st.one_of(st.none(), st.sampled_from(UNIT_TEXTS), st.text())
)
@example("1e-7-1e-6 M", None)
@example("9" * 99, "M")
def test_the_parser_never_crashes(text: str, unit: str | None) -> None:
    try:
        quantity = parse_quantity(text, unit)
    except QuantityError:
        return
    numbers = [n for n in (quantity.value, quantity.lower, quantity.upper) if n is not None]
    assert numbers and all(n > 0 for n in numbers)
    assert (quantity.value is None) == (quantity.lower is not None) == (quantity.upper is not None)
    if quantity.lower is not None and quantity.upper is not None:
        assert quantity.lower <= quantity.upper
        assert quantity.qualifier in (None, "~")
    else:
        assert quantity.qualifier in ("=", "~", "<", ">", "<=", ">=")


nanomolar = st.decimals(min_value=D("0.001"), max_value=D("1e8"), places=3, allow_nan=False)
UNITS = {
    "M": 9,
    "mM": 6,
    "µM": 3,
    "μM": 3,
    "uM": 3,
    "micromolar": 3,
    "nM": 0,
    "nmol/L": 0,
    "pM": -3,
}


@settings(max_examples=300, deadline=None)
@given(nanomolar, st.sampled_from(sorted(UNITS)), st.sampled_from(["f", "e", "E"]), st.booleans())
def test_a_concentration_in_any_unit_normalises_to_the_same_nanomolar_value(
    value: Decimal, unit: str, notation: str, in_column: bool
) -> None:
    if value <= 0:
        return
    number = format(value.scaleb(-UNITS[unit]), notation)
    quantity = parse_quantity(number, unit) if in_column else parse_quantity(f"{number} {unit}")
    assert quantity.value == value
    assert quantity.value == parse_quantity(format(value, "f"), "nM").value


@settings(max_examples=200, deadline=None)
@given(
    nanomolar, nanomolar, st.sampled_from(["-", " – ", " to ", "—"]), st.sampled_from(["nM", "µM"])
)
def test_ranges_keep_lower_at_most_upper(a: Decimal, b: Decimal, separator: str, unit: str) -> None:
    if min(a, b) <= 0:
        return
    power = UNITS[unit]
    low, high = (format(x.scaleb(-power), "f") for x in sorted((a, b)))
    quantity = parse_quantity(f"{low}{separator}{high} {unit}")
    assert (quantity.lower, quantity.upper) == tuple(sorted((a, b)))
    if a != b:
        with pytest.raises(QuantityError, match="exceeds"):
            parse_quantity(f"{high}{separator}{low} {unit}")


@settings(max_examples=200, deadline=None)
@given(nanomolar, st.sampled_from(QUALIFIERS), st.sampled_from([" ", NBSP, "  ", "\t"]))
def test_spacing_does_not_change_the_value(value: Decimal, qualifier: str, space: str) -> None:
    if value <= 0:
        return
    text = f"{qualifier}{value} nM"
    spaced = f"{space}{qualifier}{space}{value}{space}nM{space}"
    assert parse_quantity(text).key == parse_quantity(spaced).key
