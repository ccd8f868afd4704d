"""Query results: a small table of RDF terms, rendered as text, CSV, TSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal as TypingLiteral

from rdflib.term import BNode, Literal, Node, URIRef

from .namespaces import compress

__all__ = ["OutputFormat", "QueryResult", "Value", "to_value"]

#: A cell converted to Python: IRIs and strings as ``str``, numbers, booleans, dates, or None.
Value = str | int | float | Decimal | bool | date | datetime | None
OutputFormat = TypingLiteral["table", "csv", "tsv", "json"]


def to_value(node: Node | None) -> Value:
    """Convert an RDF term to a plain Python value.

    >>> to_value(Literal("32.0", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")))
    Decimal('32.0')
    >>> to_value(URIRef("https://w3id.org/xpo1kg/resource/TP53"))
    'https://w3id.org/xpo1kg/resource/TP53'
    """
    if node is None:
        return None
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, (str, int, float, Decimal, bool, date, datetime)):
            return value
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _text(node: Node | None, *, curies: bool) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return compress(str(node)) if curies else str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _json_value(value: Value) -> str | int | float | bool | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class QueryResult:
    """The answer to a SELECT query (or an ASK, as one ``ask`` column)."""

    columns: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def records(self) -> list[dict[str, Value]]:
        """Return the rows as dictionaries of Python values, keyed by column name."""
        return [dict(zip(self.columns, map(to_value, row), strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Value]:
        """Return one column as Python values."""
        index = self.columns.index(name)
        return [to_value(row[index]) for row in self.rows]

    def render(self, output_format: OutputFormat = "table") -> str:
        """Render as an aligned text table, CSV, TSV or JSON (a list of objects)."""
        if output_format == "table":
            return self._table()
        if output_format in ("csv", "tsv"):
            buffer = io.StringIO()
            delimiter = "," if output_format == "csv" else "\t"
            writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
            writer.writerow(self.columns)
            writer.writerows([_text(cell, curies=False) for cell in row] for row in self.rows)
            return buffer.getvalue()
        if output_format == "json":
            records = [{k: _json_value(v) for k, v in record.items()} for record in self.records()]
            return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
        raise ValueError(f"unknown output format {output_format!r}")

    def _table(self) -> str:
        cells = [[_text(cell, curies=True) for cell in row] for row in self.rows]
        widths = [len(c) for c in self.columns]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells
        ]
        count = len(self.rows)
        lines.append(f"({count} row{'s' if count != 1 else ''})")
        return "\n".join(lines) + "\n"
