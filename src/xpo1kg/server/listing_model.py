"""The browse pages' listing model: columns, filters and rows, and what a request selects.

A listing is built from a table of :class:`ListedColumn` (a column and how each listed item
fills it) by :func:`build_listing`; :class:`ListingGraph` and :class:`ListedEntity` are the graph
look-ups the listings share. :func:`select` filters and sorts the rows as a request's GET fields
ask. The concrete listings and their routes are ``server/browse.py``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rdflib.namespace import SKOS
from rdflib.term import Node, URIRef

from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.server.tables import Cell, iri_cell
from xpo1kg.server.xrefs import Xref, xref_from_curie, xref_from_iri, xref_from_property
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "Column",
    "Facet",
    "ListedColumn",
    "ListedEntity",
    "Listing",
    "ListingGraph",
    "Row",
    "Selection",
    "SortKey",
    "build_listing",
    "select",
    "text_cells",
    "xref_cells",
]

_XREF = PREFIXES["oboInOwl"] + "hasDbXref"
_OWL_NAMED = PREFIXES["owl"] + "NamedIndividual"

#: What a listing lists, one per row: an entity of the graph, a measurement, a question.
Item = TypeVar("Item")


@dataclass(frozen=True)
class Column:
    """A column: its ``sort=`` key, its heading (units included) and whether it holds numbers."""

    key: str
    title: str
    numeric: bool = False


@dataclass(frozen=True)
class Facet:
    """A filter: its GET field, its label, and the values to choose from (sorted)."""

    name: str
    label: str
    options: tuple[str, ...]


SortKey = tuple[int, float, str]


@dataclass(frozen=True)
class Row:
    """One row: its cells (each a list of cells: a column may hold several links)."""

    cells: tuple[tuple[Cell, ...], ...]
    keys: tuple[SortKey, ...]
    facets: Mapping[str, frozenset[str]] = field(default_factory=dict)
    ic50: float | None = None


@dataclass(frozen=True)
class Listing:
    """One browse page: what it lists, its columns, filters and rows."""

    path: str
    title: str
    intro: str
    columns: tuple[Column, ...]
    facets: tuple[Facet, ...]
    rows: tuple[Row, ...]
    ic50_range: bool = False


@dataclass(frozen=True)
class ListedColumn(Generic[Item]):
    """A column of a listing and how each listed item fills it.

    ``cells`` gives an item's cells; ``number`` its sort value where the text is not (a count,
    an IC50, a fixed order). ``facet`` makes the column a filter (labelled with the column's
    heading) whose values are the texts the column shows, or ``blank`` where it shows none.
    """

    column: Column
    cells: Callable[[Item], tuple[Cell, ...]]
    number: Callable[[Item], float | None] | None = None
    facet: bool = False
    blank: str | None = None

    def facet_values(self, cells: tuple[Cell, ...]) -> frozenset[str]:
        """Return the filter values of a row whose cells in this column are ``cells``."""
        texts = frozenset(c.text for c in cells)
        if self.blank is not None and not any(texts):
            return frozenset([self.blank])
        return texts


def sort_key(cells: tuple[Cell, ...], numeric: float | None = None) -> SortKey:
    """Sort key of a cell: empty cells last, numbers by value, text case-insensitively."""
    text = " ".join(c.text for c in cells)
    if numeric is not None:
        return (0, numeric, text.casefold())
    return (0 if text else 1, 0.0, text.casefold())


def _row(
    columns: tuple[ListedColumn[Item], ...],
    item: Item,
    ic50: Callable[[Item], float | None] | None,
) -> Row:
    cells = tuple(c.cells(item) for c in columns)
    keys = tuple(
        sort_key(shown, c.number(item) if c.number else None)
        for c, shown in zip(columns, cells, strict=True)
    )
    facets = {
        c.column.key: c.facet_values(shown)
        for c, shown in zip(columns, cells, strict=True)
        if c.facet
    }
    return Row(cells, keys, facets, ic50(item) if ic50 else None)


def _facet(column: Column, rows: tuple[Row, ...]) -> Facet:
    options = sorted({v for r in rows for v in r.facets.get(column.key, ())}, key=str.casefold)
    return Facet(column.key, column.title, tuple(options))


def build_listing(
    path: str,
    title: str,
    intro: str,
    items: Iterable[Item],
    columns: tuple[ListedColumn[Item], ...],
    ic50: Callable[[Item], float | None] | None = None,
) -> Listing:
    """Build a listing: one row per item, each column filled as its :class:`ListedColumn` says.

    ``ic50`` gives each row its IC50 in nM; given, the page also filters by an IC50 range.
    """
    rows = tuple(_row(columns, item, ic50) for item in items)
    facets = tuple(_facet(c.column, rows) for c in columns if c.facet)
    shown = tuple(c.column for c in columns)
    return Listing(path, title, intro, shown, facets, rows, ic50_range=ic50 is not None)


def text_cells(nodes: list[Node]) -> tuple[Cell, ...]:
    """Return the distinct texts of ``nodes`` as plain cells, sorted case-insensitively.

    Texts equal but for case ("NOXA", "Noxa") come in code-point order, not set order, so a
    page is the same in every process.

    >>> from rdflib import Literal
    >>> [c.text for c in text_cells([Literal("Noxa"), Literal("b"), Literal("NOXA")])]
    ['b', 'NOXA', 'Noxa']
    """
    return tuple(Cell(t) for t in sorted({str(n) for n in nodes}, key=lambda t: (t.casefold(), t)))


def xref_cells(xrefs: list[Xref]) -> tuple[Cell, ...]:
    """Return the distinct identifiers as cells linking to their databases, sorted."""
    unique = sorted(set(xrefs))
    return tuple(Cell(x.accession, x.href, external=bool(x.href), hint=x.database) for x in unique)


@dataclass(frozen=True)
class ListedEntity:
    """An instance a listing shows: its IRI and every (property, values) it has."""

    iri: str
    values: Mapping[str, list[Node]]

    def objects(self, prop: str) -> list[Node]:
        """Return the values of one property (none: an empty list)."""
        return self.values.get(str(prop), [])

    def texts(self, prop: str) -> tuple[Cell, ...]:
        """Return the values of one property as plain cells."""
        return text_cells(self.objects(prop))

    def accessions(self, prop: str) -> list[Xref]:
        """Return the identifiers an accession property (``xo:uniprotAccession``…) gives."""
        return [xref_from_property(str(prop), str(a)) for a in self.objects(prop)]

    def db_xrefs(self, prefix: str) -> list[Xref]:
        """Return the ``oboInOwl:hasDbXref`` CURIEs that start with ``prefix`` (``HGNC:``)."""
        return [xref_from_curie(str(c)) for c in self.objects(_XREF) if str(c).startswith(prefix)]

    def exact_matches(self) -> list[Xref]:
        """Return the identifiers of the ``skos:exactMatch`` IRIs."""
        return [
            xref_from_iri(str(o)) for o in self.objects(SKOS.exactMatch) if isinstance(o, URIRef)
        ]


class ListingGraph:
    """Look-ups shared by the listings: instances with their values, labels, links."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    def instances(self, curie: str) -> list[str]:
        """Return the IRIs of the instances of a class (its subclasses' too), sorted."""
        text = f"SELECT DISTINCT ?x WHERE {{ ?x a/rdfs:subClassOf* {curie} FILTER(isIRI(?x)) }}"
        return sorted(str(x) for x in self.kg.query(text).column("x"))

    def values(self, iris: list[str]) -> dict[str, dict[str, list[Node]]]:
        """Return every (property, value) of each IRI, grouped."""
        found: dict[str, dict[str, list[Node]]] = {i: defaultdict(list) for i in iris}
        if not iris:
            return found
        values = " ".join(f"<{i}>" for i in iris)
        result = self.kg.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
        for s, p, o in result.rows:
            if o is not None:
                found[str(s)][str(p)].append(o)
        return found

    def entities(self, curie: str) -> list[ListedEntity]:
        """Return the instances of a class with their values (one query for all the values)."""
        iris = self.instances(curie)
        found = self.values(iris)
        return [ListedEntity(iri, found[iri]) for iri in iris]

    def link(self, iri: str) -> Cell:
        """Return a cell linking to an IRI, labelled as the graph labels it."""
        return iri_cell(self.kg, iri)

    def links(self, nodes: list[Node]) -> tuple[Cell, ...]:
        """Return links to the distinct IRIs among ``nodes``, sorted by label."""
        cells = {self.link(str(n)) for n in nodes if isinstance(n, URIRef)}
        return tuple(sorted(cells, key=lambda c: c.text.casefold()))

    def types(self, nodes: list[Node]) -> tuple[Cell, ...]:
        """Return links to the classes among ``nodes``, ``owl:NamedIndividual`` left out."""
        return self.links([n for n in nodes if str(n) != _OWL_NAMED])


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text and text.strip() else None
    except ValueError:
        return None
    return value if value is not None and not math.isnan(value) else None


@dataclass(frozen=True)
class Selection:
    """The rows a request selects, in its order, and what it asked for."""

    rows: tuple[Row, ...]
    chosen: Mapping[str, str]
    sort: str
    descending: bool
    text: str
    low: float | None
    high: float | None
    problems: tuple[str, ...]


def select(page: Listing, params: Mapping[str, str]) -> Selection:
    """Filter and sort the rows of a page as the GET parameters ask.

    ``q`` (words every row must contain), one field per facet (a value to match), ``min`` and
    ``max`` (IC50 in nM, on the measurements page) and ``sort`` (a column key, ``-key``
    for descending).
    """
    problems = []
    text = params.get("q", "").strip()
    chosen = {f.name: params[f.name] for f in page.facets if params.get(f.name)}
    low, high = _number(params.get("min")), _number(params.get("max"))
    for name in ("min", "max"):
        if params.get(name, "").strip() and _number(params.get(name)) is None:
            problems.append(f"{name} is not a number: ignored")
    rows = list(page.rows)
    if text:
        words = text.casefold().split()
        rows = [
            r
            for r in rows
            if all(w in " ".join(c.text for cs in r.cells for c in cs).casefold() for w in words)
        ]
    for name, value in chosen.items():
        rows = [r for r in rows if value in r.facets.get(name, ())]
    if page.ic50_range and (low is not None or high is not None):
        rows = [
            r
            for r in rows
            if r.ic50 is not None
            and (low is None or r.ic50 >= low)
            and (high is None or r.ic50 <= high)
        ]
    sort = params.get("sort", "")
    descending = sort.startswith("-")
    keys = [c.key for c in page.columns]
    if sort.lstrip("-") in keys:
        position = keys.index(sort.lstrip("-"))
        rows.sort(key=lambda r: r.keys[position], reverse=descending)
        sort = sort.lstrip("-")
    else:
        if sort:
            problems.append(f"unknown sort column {sort[:40]!r}: ignored")
        sort, descending = "", False
    return Selection(tuple(rows), chosen, sort, descending, text, low, high, tuple(problems))
