"""One table model for query answers: what the HTML report and the server's pages both render.

A :class:`Table` is a tuple of :class:`Column` (the query variable, its heading, its unit) and
rows of :class:`Cell` (text; a link, marked *external* when it leaves the site; a number, to be
right-aligned; a hint, shown on hover; an *inferred* mark). The model holds plain text and knows
no HTML: the report (``report/table.html``) and the server (``server/templates/macros.html``)
each render it with Jinja2, autoescape on. It knows no web framework and no graph either: what an
IRI looks like is the caller's choice (an :data:`IriCell` function).

:func:`build_table` makes a table from SPARQL 1.1 JSON bindings (what the server's workers send;
:meth:`~xpo1kg.query.results.QueryResult.bindings` gives the same for a local answer):

- a variable ``x`` with an ``x_label`` companion is one column headed ``x``: the label's text,
  made a cell by ``iri_cell(iri_of_x, label)`` when ``x`` is an IRI (the server links it to
  ``x``'s page), else the label as it is (``?mechanism 1`` labelled "nuclear retention…");
- a heading drops a ``_label`` ending and reads ``_`` as a space; a variable ending in a unit
  (``ic50_nM``) is headed ``IC50`` with the unit ``nM``, shown as ``IC50 (nM)``;
- numbers (``xsd:decimal``, ``xsd:integer``, ``xsd:double``…) are :attr:`Cell.numeric`; decimals
  lose trailing zeros (``100.0`` reads ``100``); booleans read ``yes`` or ``no``; blank nodes
  ``_:b0``; a string that is an IRI with a known prefix (``STR(?iri)``) reads as its CURIE; an
  unbound variable is an empty cell;
- ``hide`` leaves columns out (the offline report hides columns of bare resource IRIs).

>>> table = build_table(
...     ["drug", "drug_label", "ic50_nM"],
...     [{"drug": {"type": "uri", "value": "urn:d"}, "drug_label": {"type": "literal", "value": "X"},
...       "ic50_nM": {"type": "literal", "value": "32.0", "datatype": XSD + "decimal"}}],
... )
>>> [c.heading for c in table.columns]
['drug', 'IC50 (nM)']
>>> [(c.text, c.numeric) for c in table.rows[0]]
[('X', False), ('32', True)]
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from xpo1kg.rdf.namespaces import compress

__all__ = [
    "XSD",
    "Cell",
    "Column",
    "IriCell",
    "JsonTerm",
    "Table",
    "build_table",
    "column_for",
    "curie_cell",
    "literal_cell",
    "number_text",
]

XSD = "http://www.w3.org/2001/XMLSchema#"
#: A binding of a SPARQL 1.1 JSON result: {"type": ..., "value": ..., "datatype"?, "xml:lang"?}.
JsonTerm = Mapping[str, str]
_INTEGERS = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOATS = {XSD + "double", XSD + "float"}
#: Unit endings of variable names, and how a heading writes them.
_UNITS = {"nM": "nM", "uM": "µM", "mM": "mM", "pM": "pM"}


@dataclass(frozen=True)
class Cell:
    """One table cell: plain text (the renderer escapes it) and how to show it.

    ``href`` is where the text links to (None: no link); ``external`` says the link leaves the
    site (renderers add ``rel="noopener noreferrer"``); ``numeric`` right-aligns a number;
    ``hint`` is shown on hover (the full IRI, a quote); ``inferred`` marks a value that rests on
    reasoning rather than on a source's statement.
    """

    text: str
    href: str | None = None
    external: bool = False
    numeric: bool = False
    hint: str | None = None
    inferred: bool = False


@dataclass(frozen=True)
class Column:
    """One column: the query variable it shows (``key``), its heading and its unit, if any."""

    key: str
    title: str
    unit: str | None = None

    @property
    def heading(self) -> str:
        """The column's heading as shown: ``title (unit)``."""
        return f"{self.title} ({self.unit})" if self.unit else self.title

    def __str__(self) -> str:
        return self.heading


@dataclass(frozen=True)
class Table:
    """Columns and rows of cells (one cell per column); ``caption`` and ``inferred`` describe it all.

    ``inferred`` says the answer rests on facts an OWL reasoner deduced (renderers say so).
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None
    inferred: bool = False


#: Makes the cell of an IRI, given the IRI and the label the answer gave it (or None).
IriCell = Callable[[str, str | None], Cell]


def column_for(variable: str) -> Column:
    """Return the column that shows a query variable.

    >>> column_for("cell_line_label")
    Column(key='cell_line_label', title='cell line', unit=None)
    >>> column_for("range_lowest_nM").heading
    'range lowest (nM)'
    """
    name = variable.removesuffix("_label")
    stem, _, ending = name.rpartition("_")
    if stem and ending in _UNITS:
        return Column(variable, _title(stem), _UNITS[ending])
    return Column(variable, _title(name))


def _title(name: str) -> str:
    """Write a variable's name as words, with IC50 in its usual capitals."""
    return " ".join("IC50" if word == "ic50" else word for word in name.split("_"))


def number_text(value: Decimal | float) -> str:
    """Write a number for reading: decimals without trailing zeros, doubles short.

    >>> [number_text(v) for v in (Decimal("100.0"), Decimal("0.150"), 7, 2.5e-7)]
    ['100', '0.15', '7', '2.5e-07']
    """
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def literal_cell(value: str, datatype: str | None = None) -> Cell:
    """Return a literal's cell from its lexical form and datatype.

    >>> literal_cell("100.0", XSD + "decimal")
    Cell(text='100', href=None, external=False, numeric=True, hint=None, inferred=False)
    >>> literal_cell("true", XSD + "boolean").text
    'yes'
    """
    try:
        if datatype == XSD + "decimal":
            return Cell(number_text(Decimal(value)), numeric=True)
        if datatype in _INTEGERS:
            return Cell(str(int(value)), numeric=True)
        if datatype in _FLOATS:
            return Cell(number_text(float(value)), numeric=True)
    except (ValueError, InvalidOperation):
        return Cell(value)  # ill-typed: shown as written
    if datatype == XSD + "boolean" and value in ("true", "false", "1", "0"):
        return Cell("yes" if value in ("true", "1") else "no")
    if value.startswith(("http://", "https://")) and (curie := compress(value)) != value:
        return Cell(curie, hint=value)  # an IRI as text (STR(?iri)): its CURIE, the IRI on hover
    return Cell(value)


def curie_cell(iri: str, label: str | None = None) -> Cell:
    """Show an IRI by its label, else its CURIE, without a link (the plain :data:`IriCell`).

    >>> curie_cell("http://purl.uniprot.org/uniprot/P04637").text
    'uniprot:P04637'
    """
    return Cell(label or compress(iri))


def _cell(term: JsonTerm | None, label: str | None, iri_cell: IriCell) -> Cell:
    kind, value = (term or {}).get("type"), (term or {}).get("value", "")
    if kind == "uri":
        return iri_cell(value, label)
    if label is not None or term is None:  # the label names the value (a number, a blank node)
        return Cell(label or "")
    if kind == "bnode":
        return Cell(f"_:{value}")
    return literal_cell(value, term.get("datatype"))


def build_table(
    variables: Sequence[str],
    rows: Sequence[Mapping[str, JsonTerm]],
    iri_cell: IriCell = curie_cell,
    *,
    hide: Container[str] = (),
    caption: str | None = None,
    inferred: bool = False,
) -> Table:
    """Build a table from SPARQL 1.1 JSON bindings (see the module's rules).

    ``iri_cell`` makes the cell of each IRI (default :func:`curie_cell`); the variables in
    ``hide`` are left out first (so a hidden ``x`` leaves its ``x_label`` alone, headed ``x``).
    """
    kept = [v for v in variables if v not in hide]
    paired = {v for v in kept if f"{v}_label" in kept}
    shown = [v for v in kept if not (v.endswith("_label") and v.removesuffix("_label") in paired)]
    body = []
    for row in rows:
        cells = []
        for variable in shown:
            label_term = row.get(f"{variable}_label") if variable in paired else None
            label = label_term.get("value") if label_term else None
            cells.append(_cell(row.get(variable), label, iri_cell))
        body.append(tuple(cells))
    return Table(tuple(column_for(v) for v in shown), tuple(body), caption, inferred)
