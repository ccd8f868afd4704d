"""QueryResult for programs: typed DataFrame and Arrow columns, short reprs, render() errors."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rdflib import Literal, URIRef

from xpo1kg import run_query
from xpo1kg.query.catalog import get_query
from xpo1kg.query.dataframe import MISSING_PANDAS, MISSING_PYARROW
from xpo1kg.query.results import QueryResult


def test_ic50_table_columns_are_typed() -> None:
    frame = run_query("ic50_table").to_dataframe()
    assert str(frame["ic50_nM"].dtype) == "Float64"
    assert str(frame["pIC50"].dtype) == "Float64"
    assert str(frame["measurement"].dtype) == "string"
    row = frame.set_index("cell_line_label").loc["SK-OV-3"]
    assert row["ic50_nM"] == 300.0 and row["cellosaurus"] == "CVCL_0532"
    assert frame["lower_nM"].isna().sum() == len(frame) - 1  # only the range summary has bounds
    assert frame["ic50_nM"].mean() == pytest.approx((100 + 100 + 50 + 300 + 200 + 32) / 6)


def test_integer_date_and_boolean_columns() -> None:
    sites = run_query("inhibitor_binding_site").to_dataframe()
    assert str(sites["position"].dtype) == "Int64"
    assert sites["status_date"].dtype.kind == "M"  # datetime64
    verdinexor = sites[sites["inhibitor_label"] == "verdinexor"].iloc[0]
    assert verdinexor["status_date"] == pd.Timestamp(date(2021, 3, 1))
    assert pd.isna(sites[sites["inhibitor_label"] == "selinexor"]["status_date"]).all()
    flags = QueryResult(["flag", "empty"], [(Literal(True), None), (Literal(False), None)])
    frame = flags.to_dataframe()
    assert str(frame["flag"].dtype) == "boolean" and frame["flag"].tolist() == [True, False]
    assert frame["empty"].tolist() == [None, None]


def test_mixed_column_is_text() -> None:
    result = QueryResult(["x"], [(Literal(1),), (URIRef("urn:a"),)])
    assert result.to_dataframe()["x"].tolist() == ["1", "urn:a"]


def test_missing_pandas_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ModuleNotFoundError) as caught:
        run_query("ic50_table").to_dataframe()
    assert str(caught.value) == MISSING_PANDAS
    assert "pip install 'xpo1kg[dataframe]'" in MISSING_PANDAS


def test_arrow_columns_are_typed_like_the_dataframe(tmp_path: Path) -> None:
    table = run_query("ic50_table").to_arrow()
    assert table.schema.field("ic50_nM").type == pa.float64()
    assert table.schema.field("measurement").type == pa.string()
    assert table.num_rows == len(run_query("ic50_table").records())
    sites = run_query("inhibitor_binding_site").to_arrow()
    assert sites.schema.field("position").type == pa.int64()
    assert sites.schema.field("status_date").type == pa.date32()
    assert date(2021, 3, 1) in sites.column("status_date").to_pylist()
    flags = QueryResult(["flag", "empty"], [(Literal(True), None), (Literal(False), None)])
    arrow = flags.to_arrow()
    assert arrow.column("flag").to_pylist() == [True, False]
    assert arrow.schema.field("empty").type == pa.null()
    # A column of dates and date-times is one of date-times in both (a date at midnight).
    mixed = QueryResult(
        ["when"], [(Literal(date(2020, 1, 2)),), (Literal(datetime(2021, 3, 4, 5)),)]
    )
    assert mixed.to_arrow().column("when").to_pylist() == [
        datetime(2020, 1, 2),
        datetime(2021, 3, 4, 5),
    ]
    assert mixed.to_dataframe()["when"].tolist() == [
        pd.Timestamp(2020, 1, 2),
        pd.Timestamp(2021, 3, 4, 5),
    ]
    # Parquet keeps the types.
    pq.write_table(table, tmp_path / "ic50.parquet")
    assert pq.read_table(tmp_path / "ic50.parquet").schema.equals(table.schema)


def test_missing_pyarrow_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ModuleNotFoundError) as caught:
        run_query("ic50_table").to_arrow()
    assert str(caught.value) == MISSING_PYARROW


def test_short_reprs() -> None:
    query = get_query("ic50_table")
    assert repr(query) == (
        "<CompetencyQuery ic50_table(inhibitor, cancer, cell_line): 'IC50 values of XPO1 inhibitors'>"
    )
    assert repr(run_query("ic50_table")) == (
        "<QueryResult 7 rows: measurement, inhibitor_label, cancer_label, kind, cell_line_label, "
        "cellosaurus, ...>"
    )


def test_render_names_the_valid_formats() -> None:
    with pytest.raises(ValueError, match=r"unknown output format 'markdown' \(expected one of: "
                       r"table, csv, tsv, json\)"):  # fmt: skip
        run_query("ic50_table").render("markdown")  # type: ignore[arg-type]
