"""Query answers on the server's pages: the table model of :mod:`xpo1kg.query.table_model`, linked.

The model and its rules (columns, labels, numbers) live in :mod:`xpo1kg.query.table_model`; this
module only decides what an IRI looks like on the server: links go to the server's own pages for
the graph's resources (``/resource/X``) and ontology terms (``/ontology/X``), to ``/resource?iri=``
for other things the graph describes, and out to the IRI itself for everything else. The
``table`` macro of ``templates/macros.html`` renders the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    """
    return build_table(variables, rows, partial(iri_cell, kg))
