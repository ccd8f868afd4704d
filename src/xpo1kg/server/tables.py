"""Query answers as tables of display cells: labels instead of IRIs, links to local entity pages.

The cells hold plain text; the templates escape it. Links go to the server's own pages for the
graph's resources (``/resource/X``) and ontology terms (``/ontology/X``), to ``/resource?iri=`` for
other things the graph describes, and out to the IRI itself for everything else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlencode

from rdflib.term import URIRef

from xpo1kg.rdf.namespaces import XO, XR, compress
from xpo1kg.server.xrefs import xref_from_property
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "Cell",
    "Table",
    "column_title",
    "iri_cell",
    "literal_cell",
    "local_href",
    "table_from_bindings",
]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {
    _XSD + name
    for name in ("decimal", "integer", "double", "float", "int", "long", "nonNegativeInteger")
}
#: A binding of a SPARQL 1.1 JSON result: {"type": ..., "value": ..., "datatype"?, "xml:lang"?}.
JsonTerm = Mapping[str, str]


@dataclass(frozen=True)
class Cell:
    """One table cell: text, where it links to (if anywhere) and how to align it."""

    text: str
    href: str | None = None
    external: bool = False
    numeric: bool = False
    hint: str | None = None


@dataclass(frozen=True)
class Table:
    """Column titles and rows of cells, ready for the ``table`` template macro."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def local_href(iri: str) -> str | None:
    """Return the server path of a resource or ontology term of this graph, else None.

    >>> local_href("https://w3id.org/xpo1kg/resource/TP53")
    '/resource/TP53'
    >>> local_href("https://w3id.org/xpo1kg/ontology/Protein")
    '/ontology/Protein'
    >>> local_href("http://purl.uniprot.org/uniprot/P04637") is None
    True
    """
    for namespace, path in ((str(XR), "/resource/"), (str(XO), "/ontology/")):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return path + quote(iri[len(namespace) :], safe="-._~:@!$'()*+,;=")
    return None


#: Identifier columns of the competency queries (by variable) and the property whose database
#: pages they link to (through :mod:`xpo1kg.server.xrefs`).
IDENTIFIER_COLUMNS = {"uniprot": str(XO.uniprotAccession), "cellosaurus": str(XO.cellosaurusId)}


def column_title(variable: str) -> str:
    """Turn a query variable into a column heading, with its unit in brackets.

    >>> column_title("cell_line_label"), column_title("ic50_nM"), column_title("mean_pIC50")
    ('cell line', 'IC50 (nM)', 'mean pIC50')
    """
    words = variable.removesuffix("_label")
    unit = ""
    if words.endswith("_nM"):
        words, unit = words.removesuffix("_nM"), " (nM)"
    title = words.replace("_", " ").replace("ic50", "IC50")
    return title + unit if title else unit.strip(" ()")


def _describes(kg: KnowledgeGraph, iri: str) -> bool:
    return kg.query("ASK { ?entity ?p ?o }", {"entity": URIRef(iri)}).column("ask") == [True]


def iri_cell(kg: KnowledgeGraph, iri: str, label: str | None = None) -> Cell:
    """Return a link to an IRI, labelled with ``label``, else its label in the graph, else a CURIE."""
    text = label or _label(kg, iri) or compress(iri)
    href = local_href(iri)
    if href is None and _describes(kg, iri):
        href = "/resource?" + urlencode({"iri": iri})
    if href is not None:
        return Cell(text, href, hint=iri)
    is_web = iri.startswith(("http://", "https://"))
    return Cell(text, iri if is_web else None, external=is_web, hint=iri)


def _label(kg: KnowledgeGraph, iri: str) -> str | None:
    label = kg.label(URIRef(iri))
    return None if label == iri else label


def literal_cell(value: str, datatype: str | None = None) -> Cell:
    """Return a literal's cell; numbers are right-aligned and shown without trailing zeros.

    >>> literal_cell("100.0", _XSD + "decimal")
    Cell(text='100', href=None, external=False, numeric=True, hint=None)
    """
    if datatype not in _NUMERIC:
        return Cell(value)
    if datatype == _XSD + "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            return Cell(value)
        text = f"{number:f}"
        value = text.rstrip("0").rstrip(".") if "." in text else text
    return Cell(value, numeric=True)


def _json_cell(kg: KnowledgeGraph, term: JsonTerm | None, label: str | None) -> Cell:
    if term is None:
        return Cell("")
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        return iri_cell(kg, value, label)
    if kind == "bnode":
        return Cell(f"_:{value}")
    return literal_cell(value, term.get("datatype"))


def table_from_bindings(
    kg: KnowledgeGraph, variables: Sequence[str], rows: Sequence[Mapping[str, JsonTerm]]
) -> Table:
    """Build a table from SPARQL JSON bindings.

    A column ``x`` that has an ``x_label`` companion shows the labels as links to ``x``, and the
    ``x_label`` column is left out.
    An ``x_label`` column without its ``x`` links each label to the one entity of the graph with
    that label (if exactly one has it); identifier columns (:data:`IDENTIFIER_COLUMNS`) link to
    the database's page.
    """
    paired = {v for v in variables if f"{v}_label" in variables}
    shown = [v for v in variables if not (v.endswith("_label") and v[: -len("_label")] in paired)]
    body = []
    for row in rows:
        cells = []
        for variable in shown:
            label_term = row.get(f"{variable}_label") if variable in paired else None
            label = label_term.get("value") if label_term else None
            cell = _json_cell(kg, row.get(variable), label)
            if cell.href is None and cell.text:
                if variable in IDENTIFIER_COLUMNS:
                    cell = _identifier_cell(IDENTIFIER_COLUMNS[variable], cell)
                elif variable.endswith("_label"):
                    cell = _labelled_cell(kg, cell)
            cells.append(cell)
        body.append(tuple(cells))
    return Table(tuple(column_title(v) for v in shown), tuple(body))


def _identifier_cell(prop: str, cell: Cell) -> Cell:
    xref = xref_from_property(prop, cell.text)
    return Cell(cell.text, xref.href, external=bool(xref.href), hint=xref.database)


def _labelled_cell(kg: KnowledgeGraph, cell: Cell) -> Cell:
    """Link a label to the one entity of the graph whose label it is exactly."""
    owners = {h.iri for h in kg.search_index.named(cell.text) if h.label == cell.text}
    if len(owners) != 1:
        return cell
    (iri,) = owners
    href = local_href(iri) or "/resource?" + urlencode({"iri": iri})
    return Cell(cell.text, href, hint=iri)
