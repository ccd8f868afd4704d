"""One table model (query/table_model.py): its rules, and the report and the pages rendering it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from jinja2 import Environment, PackageLoader, select_autoescape

from xpo1kg import KnowledgeGraph, load_graph
from xpo1kg.query.catalog import list_queries
from xpo1kg.query.results import QueryResult
from xpo1kg.query.table_model import XSD, Cell, Column, Table, build_table
from xpo1kg.report.html import _table, _table_template, report_table
from xpo1kg.server.tables import table_from_bindings

HOSTILE = '<script>alert("x")</script>'


def uri(value: str) -> dict[str, str]:
    return {"type": "uri", "value": value}


def literal(value: str, datatype: str | None = None) -> dict[str, str]:
    return {"type": "literal", "value": value, **({"datatype": datatype} if datatype else {})}


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_graph()


# --- the rules ------------------------------------------------------------------------------------


def test_a_label_companion_makes_one_column_of_the_labelled_thing() -> None:
    seen: list[tuple[str, str | None]] = []

    def linked(iri: str, label: str | None) -> Cell:
        seen.append((iri, label))
        return Cell(label or iri, href="/x")

    table = build_table(
        ["drug", "drug_label", "step", "step_label", "note"],
        [
            {
                "drug": uri("urn:d"),
                "drug_label": literal("selinexor"),
                "step": literal("1", XSD + "integer"),
                "step_label": literal("nuclear retention"),
            }
        ],
        linked,
    )
    assert [c.key for c in table.columns] == ["drug", "step", "note"]
    assert [c.text for c in table.rows[0]] == ["selinexor", "nuclear retention", ""]
    assert seen == [("urn:d", "selinexor")]  # only IRIs go to the caller's link maker


def test_headings_numbers_booleans_and_iris_as_text() -> None:
    table = build_table(
        ["cell_line_label", "ic50_nM", "count", "ratio", "flag", "node", "page"],
        [
            {
                "cell_line_label": literal("A2780"),
                "ic50_nM": literal("100.0", XSD + "decimal"),
                "count": literal("7", XSD + "integer"),
                "ratio": literal("2.5E-1", XSD + "double"),
                "flag": literal("true", XSD + "boolean"),
                "node": {"type": "bnode", "value": "b0"},
                "page": literal("http://purl.uniprot.org/uniprot/P04637"),
            }
        ],
    )
    assert [c.heading for c in table.columns] == [
        "cell line",
        "IC50 (nM)",
        "count",
        "ratio",
        "flag",
        "node",
        "page",
    ]
    assert [(c.text, c.numeric) for c in table.rows[0]] == [
        ("A2780", False),
        ("100", True),
        ("7", True),
        ("0.25", True),
        ("yes", False),
        ("_:b0", False),
        ("uniprot:P04637", False),
    ]
    assert table.rows[0][-1].hint == "http://purl.uniprot.org/uniprot/P04637"


def test_hidden_columns_leave_their_label_alone() -> None:
    table = build_table(
        ["x", "x_label", "y"],
        [{"x": uri("urn:x"), "x_label": literal("X"), "y": uri("urn:y")}],
        hide={"x"},
    )
    assert [c.heading for c in table.columns] == ["x", "y"]
    assert [c.text for c in table.rows[0]] == ["X", "urn:y"]


def test_an_ill_typed_number_is_shown_as_written() -> None:
    table = build_table(["n"], [{"n": literal("about 5", XSD + "decimal")}])
    assert table.rows[0][0] == Cell("about 5")


# --- one model, two renderers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", [q for q in list_queries() if not q.requires_inference], ids=lambda q: q.name
)
def test_the_report_and_the_pages_show_the_same_answer(kg: KnowledgeGraph, query: object) -> None:
    result = kg.query(query)  # type: ignore[arg-type]
    report = report_table(result)
    page = table_from_bindings(kg, result.columns, result.bindings())
    shown = {c.key: i for i, c in enumerate(page.columns)}
    assert set(shown) >= {c.key for c in report.columns}  # the report only hides columns
    assert [c.heading for c in report.columns] == [
        page.columns[shown[c.key]].heading for c in report.columns
    ]
    for report_row, page_row in zip(report.rows, page.rows, strict=True):
        for column, cell in zip(report.columns, report_row, strict=True):
            on_page = page_row[shown[column.key]]
            if on_page.href is None:  # literals: the very same cell
                assert cell == on_page
            else:  # IRIs: the page links them, the offline report does not
                assert cell.href is None


class _Cells(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headers: list[str] = []
        self.cells: list[tuple[str, str]] = []  # (class, text)
        self._tag: tuple[str, str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("th", "td"):
            self._tag = (tag, dict(attrs).get("class") or "")

    def handle_data(self, data: str) -> None:
        if self._tag is not None and self._tag[0] == "th":
            self.headers.append(data)
        elif self._tag is not None:
            self.cells.append((self._tag[1], data))
        self._tag = None


TABLE = Table(
    (Column("who", "who"), Column("ic50", "IC50", "nM")),
    ((Cell(HOSTILE), Cell("32", numeric=True)),),
)


def test_the_report_renders_the_model_escaped() -> None:
    result = QueryResult(["who", "ic50_nM"], [])
    assert "<th>IC50 (nM)</th>" in _table(result)
    page = _table_template().render(table=TABLE, fold=True, fold_rows=15)
    assert HOSTILE not in page
    parsed = _Cells(page)
    assert parsed.headers == ["who", "IC50 (nM)"]
    assert parsed.cells == [("", HOSTILE), ("num", "32")]


def test_the_pages_render_the_model_escaped() -> None:
    templates = Environment(
        loader=PackageLoader("xpo1kg.server", "templates"), autoescape=select_autoescape()
    )
    macro = templates.from_string('{% from "macros.html" import table %}{{ table(t) }}')
    page = macro.render(t=TABLE)
    assert HOSTILE not in page
    parsed = _Cells(page)
    assert parsed.headers == ["who", "IC50 (nM)"]
    assert parsed.cells == [("", HOSTILE), ("num", "32")]
