"""Query results: a small table of RDF terms, rendered as text, CSV, TSV or JSON.

Rows from the embedded engine stay pyoxigraph terms until they are asked for: rendering and
:meth:`QueryResult.records` read them directly, and :attr:`QueryResult.rows` converts them to
rdflib terms on first use, because converting every cell up front cost more than the query.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from xpo1kg.rdf.namespaces import compress
from xpo1kg.rdf.terms import JsonTerm, term_json, to_rdflib

__all__ = [
    "OUTPUT_FORMATS",
    "JsonValue",
    "OutputFormat",
    "QueryResult",
    "Value",
    "json_value",
    "to_value",
]

#: A cell converted to Python: IRIs and strings as ``str``, numbers, booleans, dates, or None.
Value = str | int | float | Decimal | bool | date | datetime | None
OutputFormat = TypingLiteral["table", "csv", "tsv", "json"]
#: The formats :meth:`QueryResult.render` knows.
OUTPUT_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")
#: A cell as JSON: numbers as numbers, booleans, dates as ISO 8601 text, IRIs and text as text.
JsonValue = str | int | float | bool | None
#: A row as the engine gives it (pyoxigraph terms) or as rdflib terms.
Row = tuple[Any, ...]

_XSD = "http://www.w3.org/2001/XMLSchema#"
# The common datatypes, converted as rdflib's ``Literal.toPython`` would, without building one.
_LITERAL_VALUES: dict[str, Callable[[str], Value]] = {
    _XSD + "string": str,
    _XSD + "integer": int,
    _XSD + "decimal": Decimal,
    _XSD + "double": float,
    _XSD + "float": float,
    _XSD + "boolean": lambda text: text in ("true", "1"),
}


def to_value(node: Node | ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Value:
    """Convert an RDF term (rdflib or pyoxigraph) to a plain Python value.

    >>> to_value(Literal("32.0", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")))
    Decimal('32.0')
    >>> to_value(ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    7
    >>> to_value(URIRef("https://w3id.org/xpo1kg/resource/TP53"))
    'https://w3id.org/xpo1kg/resource/TP53'
    """
    if node is None:
        return None
    if isinstance(node, ox.Literal):
        if node.language is None:
            convert = _LITERAL_VALUES.get(node.datatype.value)
            if convert is not None:
                try:
                    return convert(node.value)
                except (ValueError, ArithmeticError):
                    pass  # ill-typed: rdflib decides, as for any other datatype
        return to_value(to_rdflib(node))
    if isinstance(node, (ox.NamedNode, URIRef)):
        return str(getattr(node, "value", node))
    if isinstance(node, (ox.BlankNode, BNode)):
        return f"_:{getattr(node, 'value', node)}"
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, (str, int, float, Decimal, bool, date, datetime)):
            return value
    return str(node)


def _text(node: Any, *, curies: bool) -> str:
    if node is None:
        return ""
    if isinstance(node, (URIRef, ox.NamedNode)):
        iri = str(getattr(node, "value", node))
        return compress(iri) if curies else iri
    if isinstance(node, (BNode, ox.BlankNode)):
        return f"_:{getattr(node, 'value', node)}"
    if isinstance(node, ox.Literal):
        return str(node.value)
    return str(node)  # an rdflib Literal: its lexical form (``.value`` is the Python value)


def json_value(value: Value) -> JsonValue:
    """Return a cell's value as JSON has it (a Decimal as an int or a float, a date as text).

    >>> json_value(Decimal("32.0")), json_value(Decimal("0.5")), json_value(date(2025, 1, 31))
    (32, 0.5, '2025-01-31')
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


class QueryResult:
    """The answer to a SELECT query (or an ASK, as one ``ask`` column).

    >>> result = QueryResult(["x"], [(Literal(1),)])
    >>> result.records()
    [{'x': 1}]
    """

    def __init__(
        self, columns: Sequence[str], rows: Iterable[tuple[Node | None, ...]] = ()
    ) -> None:
        """Hold ``rows`` of rdflib terms (None for an unbound cell) under ``columns``."""
        self.columns = list(columns)
        self._rows: list[tuple[Node | None, ...]] | None = list(rows)
        self._engine_rows: list[Row] | None = None

    @classmethod
    def from_oxigraph(cls, columns: Sequence[str], rows: list[Row]) -> QueryResult:
        """Wrap rows of pyoxigraph terms, converted to rdflib only when :attr:`rows` is read."""
        result = cls(columns)
        result._rows, result._engine_rows = None, rows
        return result

    @property
    def rows(self) -> list[tuple[Node | None, ...]]:
        """The rows as tuples of rdflib terms (None for an unbound cell)."""
        if self._rows is None:
            self._rows = [tuple(map(to_rdflib, row)) for row in self._engine_rows or ()]
        return self._rows

    @property
    def _cells(self) -> list[Row]:
        return self._engine_rows if self._engine_rows is not None else self.rows

    def __len__(self) -> int:
        return len(self._cells)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QueryResult):
            return NotImplemented
        return self.columns == other.columns and self.rows == other.rows

    __hash__ = None  # type: ignore[assignment]  # mutable, like the list of rows it holds

    def __repr__(self) -> str:
        shown = ", ".join(self.columns[:6]) + (", ..." if len(self.columns) > 6 else "")
        rows = len(self)
        return f"<QueryResult {rows} row{'s' if rows != 1 else ''}: {shown}>"

    def records(self) -> list[dict[str, Value]]:
        """Return the rows as dictionaries of Python values, keyed by column name."""
        return [dict(zip(self.columns, map(to_value, row), strict=True)) for row in self._cells]

    def json_records(self) -> list[dict[str, JsonValue]]:
        """Return the rows as dictionaries of JSON values (see :func:`json_value`)."""
        return [{k: json_value(v) for k, v in record.items()} for record in self.records()]

    def to_dataframe(self) -> Any:
        """Return the rows as a pandas DataFrame, each column typed by what it holds.

        A column of integers is ``Int64``, of other numbers ``Float64``, of booleans
        ``boolean``, of dates (or date-times) ``datetime64``, anything else ``string`` (IRIs
        in full); unbound cells are missing values. Needs pandas: ``pip install
        'xpo1kg[dataframe]'``.
        """
        from xpo1kg.query.dataframe import to_dataframe

        return to_dataframe(self.columns, self.records())

    def to_arrow(self) -> Any:
        """Return the rows as a ``pyarrow.Table``, typed as :meth:`to_dataframe` types them.

        For Parquet: ``pyarrow.parquet.write_table(result.to_arrow(), "answer.parquet")``.
        Needs pyarrow: ``pip install 'xpo1kg[arrow]'``.
        """
        from xpo1kg.query.dataframe import to_arrow

        return to_arrow(self.columns, self.records())

    def bindings(self) -> list[dict[str, JsonTerm]]:
        """Return the rows as SPARQL 1.1 JSON bindings (an unbound variable is left out).

        >>> QueryResult(["x", "y"], [(URIRef("urn:a"), None)]).bindings()
        [{'x': {'type': 'uri', 'value': 'urn:a'}}]
        """
        return [
            {k: term_json(v) for k, v in zip(self.columns, row, strict=True) if v is not None}
            for row in self._cells
        ]

    def column(self, name: str) -> list[Value]:
        """Return one column as Python values."""
        index = self.columns.index(name)
        return [to_value(row[index]) for row in self._cells]

    def render(self, output_format: OutputFormat = "table") -> str:
        """Render as an aligned text table, CSV, TSV or JSON (a list of objects); any case."""
        if not isinstance(output_format, str):
            known = ", ".join(OUTPUT_FORMATS)
            raise TypeError(f"output format must be a string, one of: {known}")
        output_format = output_format.lower()  # type: ignore[assignment]
        if output_format == "table":
            return self._table()
        if output_format in ("csv", "tsv"):
            delimiter = "," if output_format == "csv" else "\t"
            rows = [self.columns, *([_text(c, curies=False) for c in row] for row in self._cells)]
            return "".join(_delimited(row, delimiter) for row in rows)
        if output_format == "json":
            return json.dumps(self.json_records(), indent=2, ensure_ascii=False) + "\n"
        known = ", ".join(OUTPUT_FORMATS)
        raise ValueError(f"unknown output format {output_format!r} (expected one of: {known})")

    def _table(self) -> str:
        # Each distinct term is written once: a long result repeats its IRIs on many rows.
        texts: dict[Any, str] = {}

        def text(cell: Any) -> str:
            found = texts.get(cell)
            if found is None:
                found = texts[cell] = _text(cell, curies=True)
            return found

        cells = [[text(cell) for cell in row] for row in self._cells]
        widths = [len(c) for c in self.columns]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells
        ]
        count = len(cells)
        lines.append(f"({count} row{'s' if count != 1 else ''})")
        return "\n".join(lines) + "\n"


def _delimited(row: Sequence[str], delimiter: str) -> str:
    r"""One record, quoted as RFC 4180 says (a field with a delimiter, quote, CR or LF), then LF.

    The csv module quotes only the characters of its line terminator: written with ``\r\n``, a
    lone carriage return is quoted too; the record then ends with ``\n`` like every line we print.

    >>> _delimited(["a\rb", 'a"b', "x,y", "plain"], ",")
    '"a\rb","a""b","x,y",plain\n'
    """
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()[: -len("\r\n")] + "\n"
