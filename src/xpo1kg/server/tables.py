"""Query answers on the server's pages: the table model of :mod:`xpo1kg.query.table_model`, linked.

The model and its rules (columns, labels, numbers) live in :mod:`xpo1kg.query.table_model`; this
module only decides what an IRI looks like on the server: links go to the server's own pages for
the graph's resources (``/resource/X``) and ontology terms (``/ontology/X``), to ``/resource?iri=``
for other things the graph describes, and out to the IRI itself for everything else. The
``table`` macro of ``templates/macros.html`` renders the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from urllib.parse import quote, urlencode

from rdflib.term import URIRef

from xpo1kg.query.table_model import (
    Cell,
    Column,
    JsonTerm,
    Table,
    build_table,
    literal_cell,
)
from xpo1kg.rdf.namespaces import XO, XR, compress
from xpo1kg.server.xrefs import xref_from_property
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "Cell",
    "Column",
    "Table",
    "iri_cell",
    "literal_cell",
    "local_href",
    "table_from_bindings",
]


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


def table_from_bindings(
    kg: KnowledgeGraph, variables: Sequence[str], rows: Sequence[Mapping[str, JsonTerm]]
) -> Table:
    """Build a table from SPARQL JSON bindings, IRIs linked (:func:`iri_cell`).

    A column ``x`` that has an ``x_label`` companion shows the labels as links to ``x``, and the
    ``x_label`` column is left out.
    An ``x_label`` column without its ``x`` links each label to the one entity of the graph with
    that label (if exactly one has it); identifier columns (:data:`IDENTIFIER_COLUMNS`) link to
    the database's page.
    """
    table = build_table(variables, rows, partial(iri_cell, kg))
    body = []
    for row in table.rows:
        cells = []
        for column, cell in zip(table.columns, row, strict=True):
            if cell.href is None and cell.text:
                if column.key in IDENTIFIER_COLUMNS:
                    cell = _identifier_cell(IDENTIFIER_COLUMNS[column.key], cell)
                elif column.key.endswith("_label"):
                    cell = _labelled_cell(kg, cell)
            cells.append(cell)
        body.append(tuple(cells))
    return replace(table, rows=tuple(body))


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
