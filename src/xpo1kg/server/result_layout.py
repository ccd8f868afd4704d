"""Results tables laid out to fit a page: the main columns, and the rest folded into "details".

A wide answer (the IC50 table has 16 columns) is unreadable at 1,280 px when every column gets
its own cell. Columns that qualify a value rather than identify a row (the evidence type, the
published text, the bounds of a range...) are folded into a last "details" cell of each row,
a ``<details>`` element that opens without JavaScript. The guide's mechanism numbers are shown by
name: the number joins the route's label instead of standing alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from xpo1kg.server.tables import Cell, Table

__all__ = ["MINOR_COLUMNS", "LaidOut", "lay_out"]

#: Columns folded into "details" when a table is wider than :data:`MAX_COLUMNS`.
MINOR_COLUMNS = frozenset(
    {
        "kind",
        "cells",
        "qualifier",
        "lower (nM)",
        "upper (nM)",
        "published",
        "evidence",
        "primary source",
        "hedge",
        "pIC50",
        "modality",
    }
)
#: Tables up to this many columns are shown as they are.
MAX_COLUMNS = 8


@dataclass(frozen=True)
class LaidOut:
    """The columns shown, and per row the shown cells and the folded (title, cell) pairs."""

    columns: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[tuple[Cell, ...], tuple[tuple[str, Cell], ...]], ...]
    folded: tuple[str, ...]


def _headings(table: Table) -> list[str]:
    return [column.heading for column in table.columns]


def _mechanism_by_name(table: Table) -> Table:
    """Join a bare mechanism number to the route's name: "… (mechanism 1 in the guide)".

    >>> from xpo1kg.query.table_model import column_for
    >>> cols = (column_for("route"), column_for("mechanism"))
    >>> t = Table(cols, ((Cell("nuclear retention"), Cell("1", numeric=True)),))
    >>> _mechanism_by_name(t).rows[0][0].text
    'nuclear retention (mechanism 1 in the guide)'
    """
    columns = list(table.columns)
    headings = _headings(table)
    if "mechanism" not in headings or "route" not in headings:
        return table
    number, route = headings.index("mechanism"), headings.index("route")
    rows = []
    for row in table.rows:
        cells = list(row)
        if cells[number].text:
            named = cells[route]
            text = f"{named.text} (mechanism {cells[number].text} in the guide)"
            cells[route] = Cell(text, named.href, named.external, False, named.hint)
        del cells[number]
        rows.append(tuple(cells))
    del columns[number]
    return Table(tuple(columns), tuple(rows))


def _values_in_place(table: Table) -> Table:
    """Show an IC50 as printed (``~100``, a range ``100–500``) and "Various" cells in place.

    >>> from xpo1kg.query.table_model import column_for
    >>> names = ("cell_line", "cells", "qualifier", "ic50_nM", "lower_nM", "upper_nM")
    >>> cols = tuple(column_for(name) for name in names)
    >>> row = (Cell(""), Cell("Various"), Cell(""), Cell("", numeric=True), Cell("100"), Cell("500"))
    >>> [c.text for c in _values_in_place(Table(cols, (row,))).rows[0][:4]]
    ['Various', 'Various', '', '100–500']
    """
    columns = table.columns
    at = {c: i for i, c in enumerate(_headings(table))}
    rows = []
    for row in table.rows:
        cells = list(row)
        if "IC50 (nM)" in at:
            value = cells[at["IC50 (nM)"]]
            qualifier = cells[at["qualifier"]].text if "qualifier" in at else ""
            if value.text and qualifier:
                cells[at["IC50 (nM)"]] = Cell(qualifier + value.text, numeric=True)
            elif not value.text and "lower (nM)" in at and "upper (nM)" in at:
                low, high = cells[at["lower (nM)"]].text, cells[at["upper (nM)"]].text
                if low and high:
                    cells[at["IC50 (nM)"]] = Cell(f"{low}–{high}", numeric=True)
        if "cell line" in at and "cells" in at and not cells[at["cell line"]].text:
            cells[at["cell line"]] = cells[at["cells"]]
        rows.append(tuple(cells))
    return Table(columns, tuple(rows))


def lay_out(table: Table) -> LaidOut:
    """Return the table as the results page shows it."""
    table = _values_in_place(_mechanism_by_name(table))
    wide = len(table.columns) > MAX_COLUMNS
    headings = _headings(table)
    folded = tuple(c for c in headings if wide and c in MINOR_COLUMNS)
    keep = [i for i, c in enumerate(headings) if c not in folded]
    moved = [i for i, c in enumerate(headings) if c in folded]
    numeric = tuple(
        any(row[i].numeric for row in table.rows) and all(
            row[i].numeric or not row[i].text for row in table.rows)
        for i in keep
    )  # fmt: skip
    rows = tuple(
        (
            tuple(row[i] for i in keep),
            tuple((headings[i], row[i]) for i in moved if row[i].text),
        )
        for row in table.rows
    )
    columns = tuple(headings[i] for i in keep)
    return LaidOut(columns, numeric, rows, folded)
