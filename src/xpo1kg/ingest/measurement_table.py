"""The measurement table: its columns, its header and its rows, as text.

:func:`read_table` reads a CSV, TSV or ``.xlsx`` table (:mod:`xpo1kg.ingest.sheets`) into rows of
stripped text keyed by canonical column names, with the problems of its rows; a header with
unknown, repeated or missing columns stops the ingest. The cells' text is read by
:mod:`xpo1kg.ingest.values`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xpo1kg.ingest.sheets import clean_cell, read_sheet
from xpo1kg.ingest.values import IngestError, Problem, read_header

__all__ = ["COLUMNS", "Row", "Table", "read_table"]

#: The columns of a measurement table, in their canonical spelling.
COLUMNS = (
    "inhibitor",
    "cell_line",
    "cancer_type",
    "value",
    "unit",
    "endpoint",
    "source",
    "assay",
    "notes",
)
_REQUIRED = ("inhibitor", "value")
_BY_KEY = {column.replace("_", ""): column for column in COLUMNS}


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file and its cells by canonical column ('' when empty)."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """Return a cell's text, '' when empty or when the table has no such column."""
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Table:
    """A measurement table: its name, SHA-256, columns, data rows and the problems of its rows."""

    name: str
    sha256: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]
    path: str = ""  # the file (name may add a sheet: book.xlsx[Sheet1])


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read a CSV (``.csv``), TSV (``.tsv``, ``.tab``) or Excel (``.xlsx``, ``sheet``) table.

    CSV and TSV are UTF-8 with or without a BOM. Raises :class:`~xpo1kg.errors.InputError` for a
    file that cannot be read and :class:`IngestError` (exit code 2) for a header with unknown,
    repeated or missing columns.
    """
    table = read_sheet(path, sheet)
    name = table.name
    (header_line, header), body = table.records[0], table.records[1:]
    positions, unnamed = _read_header(name, header_line, list(header))
    problems: list[Problem] = []
    rows = []
    for line, record in body:
        if any(clean_cell(cell) for cell in record[len(header) :]):
            message = f"{len(record)} cells, but the header has {len(header)} columns"
            problems.append(Problem(line, "", message))
        for index in unnamed:
            if index < len(record) and clean_cell(record[index]):
                problems.append(Problem(line, f"column {index + 1}", "a value under no header"))
        cells = {c: clean_cell(record[i]) if i < len(record) else "" for c, i in positions.items()}
        rows.append(Row(line, cells))
    columns = tuple(c for c in COLUMNS if c in positions)
    return Table(name, table.sha256, columns, tuple(rows), tuple(problems), str(path))


def _read_header(name: str, line: int, header: list[str]) -> tuple[dict[str, int], list[int]]:
    positions, unnamed, problems = read_header(line, header, _BY_KEY, COLUMNS)
    missing = [c for c in _REQUIRED if c not in positions]
    if "cell_line" not in positions and "cancer_type" not in positions:
        missing.append("cell_line or cancer_type")
    problems += [Problem(line, "", f"missing column {column}") for column in missing]
    if problems:
        raise IngestError(name, problems, exit_code=2)
    return positions, unnamed
