"""Query results as a typed pandas DataFrame or Arrow table (extras ``[dataframe]``, ``[arrow]``).

Each column's type is chosen from the Python values it holds (see
:func:`xpo1kg.query.results.to_value`): integers → ``Int64``, numbers (integers, decimals,
floats) → ``Float64``, booleans → ``boolean``, dates or date-times → ``datetime64``, anything
else (IRIs, text, a mix) → ``string``. Unbound cells are missing values (``<NA>``/``NaT``); a
column with no value at all is ``object`` (all ``None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

__all__ = ["MISSING_PANDAS", "MISSING_PYARROW", "column_kind", "to_arrow", "to_dataframe"]

#: The one-line message when pandas is not installed.
MISSING_PANDAS = "to_dataframe() needs pandas: pip install 'xpo1kg[dataframe]'"
#: The one-line message when pyarrow is not installed.
MISSING_PYARROW = "to_arrow() needs pyarrow: pip install 'xpo1kg[arrow]'"


def column_kind(values: Sequence[object]) -> str:
    """Return the kind of a column: integer, number, boolean, date, string or empty.

    >>> column_kind([1, None, 3]), column_kind([1, Decimal("2.5")]), column_kind([True, False])
    ('integer', 'number', 'boolean')
    >>> column_kind([date(2020, 1, 1), None]), column_kind(["a", 1]), column_kind([None])
    ('date', 'string', 'empty')
    """
    present = [v for v in values if v is not None]
    if not present:
        return "empty"
    if all(isinstance(v, bool) for v in present):
        return "boolean"
    if any(isinstance(v, bool) for v in present):
        return "string"
    if all(isinstance(v, int) for v in present):
        return "integer"
    if all(isinstance(v, (int, float, Decimal)) for v in present):
        return "number"
    if all(isinstance(v, (date, datetime)) for v in present):
        return "date"
    return "string"


def to_dataframe(columns: Sequence[str], records: Sequence[Mapping[str, object]]) -> Any:
    """Build the DataFrame of ``records`` (dictionaries of Python values) under ``columns``."""
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ModuleNotFoundError(MISSING_PANDAS) from None
    data: dict[str, Any] = {}
    for name in columns:
        values = [record.get(name) for record in records]
        kind = column_kind(values)
        if kind == "integer":
            data[name] = pd.array(values, dtype="Int64")
        elif kind == "number":
            numbers = [None if v is None else float(cast(float, v)) for v in values]
            data[name] = pd.array(numbers, dtype="Float64")
        elif kind == "boolean":
            data[name] = pd.array(values, dtype="boolean")
        elif kind == "date":
            data[name] = pd.to_datetime(pd.Series(values, dtype=object))
        elif kind == "string":
            data[name] = pd.array([None if v is None else str(v) for v in values], dtype="string")
        else:
            data[name] = pd.Series([None] * len(values), dtype=object)
    return pd.DataFrame(data, columns=list(columns))


def to_arrow(columns: Sequence[str], records: Sequence[Mapping[str, object]]) -> Any:
    """Build the Arrow table of ``records``, each column typed as in :func:`to_dataframe`.

    Integers are ``int64``, other numbers ``float64``, booleans ``bool``, dates ``date32`` (or
    ``timestamp[us]`` when a column holds date-times), anything else ``string``; a column with
    no value at all is ``null``. Parquet is one call away: ``pyarrow.parquet.write_table``.
    """
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ModuleNotFoundError(MISSING_PYARROW) from None
    arrays = []
    for name in columns:
        values = [record.get(name) for record in records]
        kind = column_kind(values)
        if kind == "integer":
            arrays.append(pa.array(values, type=pa.int64()))
        elif kind == "number":
            numbers = [None if v is None else float(cast(float, v)) for v in values]
            arrays.append(pa.array(numbers, type=pa.float64()))
        elif kind == "boolean":
            arrays.append(pa.array(values, type=pa.bool_()))
        elif kind == "date":
            times = any(isinstance(v, datetime) for v in values)
            arrays.append(pa.array(values, type=pa.timestamp("us") if times else pa.date32()))
        elif kind == "string":
            arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
        else:
            arrays.append(pa.nulls(len(values)))
    return pa.table(arrays, names=list(columns))
