"""Query results as a typed pandas DataFrame or Arrow table (extras ``[dataframe]``, ``[arrow]``).

Each column's type is chosen from the Python values it holds (see
:func:`xpo1kg.query.results.to_value`): integers → ``Int64``, numbers (integers, decimals,
floats) → ``Float64``, booleans → ``boolean``, dates or date-times → ``datetime64``, anything
else (IRIs, text, a mix) → ``string``. Unbound cells are missing values (``<NA>``/``NaT``); a
column with no value at all is ``object`` (all ``None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, cast

__all__ = [
    "MISSING_PANDAS",
    "MISSING_PYARROW",
    "column_kind",
    "to_arrow",
    "to_dataframe",
    "typed_columns",
]

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


def typed_columns(
    columns: Sequence[str], records: Sequence[Mapping[str, object]]
) -> list[tuple[str, str, list[object]]]:
    """Return each column's name, kind (:func:`column_kind`) and values ready for that kind.

    Numbers become floats, text columns strings, and a date column that also holds date-times
    holds date-times only (a date as its midnight); unbound cells stay None.

    >>> typed_columns(["n", "d"], [{"n": Decimal("2.5"), "d": date(2020, 1, 1)}, {"n": 1}])
    [('n', 'number', [2.5, 1.0]), ('d', 'date', [datetime.date(2020, 1, 1), None])]
    """
    typed = []
    for name in columns:
        values: list[object] = [record.get(name) for record in records]
        kind = column_kind(values)
        if kind == "number":
            values = [None if v is None else float(cast(float, v)) for v in values]
        elif kind == "string":
            values = [None if v is None else str(v) for v in values]
        elif kind == "date" and any(isinstance(v, datetime) for v in values):
            # ``type(v) is date``: a datetime is also a date, and keeps its time.
            values = [datetime.combine(v, time()) if type(v) is date else v for v in values]
        typed.append((name, kind, values))
    return typed


def to_dataframe(columns: Sequence[str], records: Sequence[Mapping[str, object]]) -> Any:
    """Build the DataFrame of ``records`` (dictionaries of Python values) under ``columns``."""
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ModuleNotFoundError(MISSING_PANDAS) from None
    dtypes = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}
    data: dict[str, Any] = {}
    for name, kind, values in typed_columns(columns, records):
        if kind in dtypes:
            data[name] = pd.array(values, dtype=dtypes[kind])
        elif kind == "date":
            data[name] = pd.to_datetime(pd.Series(values, dtype=object))
        else:
            data[name] = pd.Series(values, dtype=object)
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
    types = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    types |= {"string": pa.string(), "empty": pa.null()}
    arrays = []
    for _, kind, values in typed_columns(columns, records):
        if kind == "date":
            times = any(isinstance(v, datetime) for v in values)
            arrays.append(pa.array(values, type=pa.timestamp("us") if times else pa.date32()))
        else:
            arrays.append(pa.array(values, type=types[kind]))
    return pa.table(arrays, names=list(columns))
