"""Browse pages: proteins, inhibitors, cell lines, cancers, measurements and questions.

``/proteins``, ``/inhibitors``, ``/cell-lines``, ``/cancers``, ``/measurements`` and
``/questions`` are each a table that can be filtered and sorted.

Filters and the sort order are GET form fields (``?role=…&sort=-ic50``), so the pages work
without JavaScript; the page script only sorts in place when a column heading is clicked. The
tables come from fixed SPARQL on the in-process graph and are built once per app (the served
graph does not change).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node, URIRef

from xpo1kg.query.catalog import list_queries
from xpo1kg.rdf.namespaces import PREFIXES, XO, XR
from xpo1kg.server.entity_extras import common_name
from xpo1kg.server.ic50 import measurements
from xpo1kg.server.pages import ordered_questions, render
from xpo1kg.server.tables import Cell, iri_cell
from xpo1kg.server.xrefs import Xref, xref_from_curie, xref_from_iri, xref_from_property
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["LISTINGS", "Column", "Facet", "Listing", "Row", "listing", "router", "select"]

router = APIRouter(include_in_schema=False)

_XREF = PREFIXES["oboInOwl"] + "hasDbXref"
_OWL_NAMED = PREFIXES["owl"] + "NamedIndividual"


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


def _key(cells: tuple[Cell, ...], numeric: float | None = None) -> SortKey:
    """Sort key of a cell: empty cells last, numbers by value, text case-insensitively."""
    text = " ".join(c.text for c in cells)
    if numeric is not None:
        return (0, numeric, text.casefold())
    return (0 if text else 1, 0.0, text.casefold())


class _Graph:
    """Look-ups shared by the builders: values of properties, labels, links."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    def instances(self, curie: str) -> list[str]:
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

    def link(self, iri: str) -> Cell:
        return iri_cell(self.kg, iri)

    def links(self, nodes: list[Node]) -> tuple[Cell, ...]:
        cells = {self.link(str(n)) for n in nodes if isinstance(n, URIRef)}
        return tuple(sorted(cells, key=lambda c: c.text.casefold()))

    def types(self, nodes: list[Node]) -> tuple[Cell, ...]:
        return self.links([n for n in nodes if str(n) != _OWL_NAMED])


def _texts(nodes: list[Node]) -> tuple[Cell, ...]:
    return tuple(Cell(t) for t in sorted({str(n) for n in nodes}, key=str.casefold))


def _xref_cells(xrefs: list[Xref]) -> tuple[Cell, ...]:
    unique = sorted(set(xrefs))
    return tuple(Cell(x.accession, x.href, external=bool(x.href), hint=x.database) for x in unique)


def _row(
    columns: tuple[Column, ...],
    cells: list[tuple[Cell, ...]],
    facets: Mapping[str, frozenset[str]] | None = None,
    numbers: Mapping[str, float | None] | None = None,
    ic50: float | None = None,
) -> Row:
    numbers = numbers or {}
    keys = tuple(_key(c, numbers.get(col.key)) for col, c in zip(columns, cells, strict=True))
    return Row(tuple(cells), keys, facets or {}, ic50)


def _facet(name: str, label: str, rows: list[Row]) -> Facet:
    options = sorted({v for r in rows for v in r.facets.get(name, ())}, key=str.casefold)
    return Facet(name, label, tuple(options))


def _count_link(count: int, path: str, **params: str) -> tuple[Cell, ...]:
    if not count:
        return (Cell("0", numeric=True),)
    return (Cell(str(count), f"{path}?{urlencode(params)}", numeric=True),)


def _ic50_counts(kg: KnowledgeGraph) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for m in measurements(kg):
        for iri in {m.inhibitor, m.cell_line, m.cancer}:
            if iri:
                counts[iri] += 1
    return counts


def _proteins(kg: KnowledgeGraph) -> Listing:
    g = _Graph(kg)
    columns = (
        Column("protein", "protein"),
        Column("common", "name in the sources"),
        Column("names", "also known as"),
        Column("role", "role"),
        Column("cargo", "XPO1 cargo"),
        Column("uniprot", "UniProt"),
        Column("hgnc", "HGNC"),
    )
    iris = g.instances("xo:Protein")
    found = g.values(iris)
    exported = str(XO.exportedBy)
    rows = []
    for iri in iris:
        v = found[iri]
        roles = g.types(v[str(RDF.type)])
        uniprot = [xref_from_property(str(XO.uniprotAccession), str(a)) for a in
                   v[str(XO.uniprotAccession)]]  # fmt: skip
        is_cargo = any(str(o) == str(XR.XPO1) for o in v[exported])
        rows.append(
            _row(
                columns,
                [
                    (g.link(iri),),
                    (Cell(common_name(kg, iri)),),
                    _texts(v[str(SKOS.altLabel)]),
                    roles,
                    (Cell("yes" if is_cargo else ""),),
                    _xref_cells(uniprot),
                    _xref_cells(
                        [xref_from_curie(str(c)) for c in v[_XREF] if str(c).startswith("HGNC:")]
                    ),
                ],
                {
                    "role": frozenset(c.text for c in roles),
                    "cargo": frozenset(["yes" if is_cargo else "no"]),
                },
            )
        )
    return Listing(
        "/proteins",
        "Proteins",
        "The proteins of the graph: XPO1, its cargo, and the proteins of the apoptosis pathways.",
        columns,
        (_facet("role", "role", rows), _facet("cargo", "XPO1 cargo", rows)),
        tuple(rows),
    )


def _external(v: Mapping[str, list[Node]]) -> tuple[Cell, ...]:
    xrefs = [xref_from_iri(str(o)) for o in v[str(SKOS.exactMatch)] if isinstance(o, URIRef)]
    return _xref_cells(xrefs)


def _inhibitors(kg: KnowledgeGraph) -> Listing:
    g = _Graph(kg)
    columns = (
        Column("inhibitor", "inhibitor"),
        Column("names", "also known as"),
        Column("class", "class"),
        Column("status", "clinical status"),
        Column("ic50s", "IC50 values", numeric=True),
        Column("ids", "identifiers"),
    )
    iris = g.instances("xo:Inhibitor")
    found = g.values(iris)
    counts = _ic50_counts(kg)
    rows = []
    for iri in iris:
        v = found[iri]
        classes = g.types(v[str(RDF.type)])
        status = _texts(v[str(XO.clinicalStatus)])
        label = g.link(iri).text
        rows.append(
            _row(
                columns,
                [
                    (g.link(iri),),
                    _texts(v[str(SKOS.altLabel)]),
                    classes,
                    status,
                    _count_link(counts[iri], "/measurements", inhibitor=label),
                    _external(v),
                ],
                {
                    "class": frozenset(c.text for c in classes),
                    "status": frozenset(c.text for c in status),
                },
                {"ic50s": float(counts[iri])},
            )
        )
    return Listing(
        "/inhibitors",
        "Inhibitors",
        "The XPO1 inhibitors of the graph, with their clinical status and IC50 values.",
        columns,
        (_facet("class", "class", rows), _facet("status", "clinical status", rows)),
        tuple(rows),
    )


def _cell_lines(kg: KnowledgeGraph) -> Listing:
    g = _Graph(kg)
    columns = (
        Column("cell_line", "cell line"),
        Column("names", "also known as"),
        Column("cancer", "cancer type"),
        Column("ic50s", "IC50 values", numeric=True),
        Column("ids", "identifiers"),
    )
    iris = g.instances("xo:CellLine")
    found = g.values(iris)
    counts = _ic50_counts(kg)
    rows = []
    for iri in iris:
        v = found[iri]
        cancers = g.links(v[str(XO.derivedFromCancer)])
        ids = [xref_from_property(str(XO.cellosaurusId), str(a)) for a in
               v[str(XO.cellosaurusId)]]  # fmt: skip
        ids += [xref_from_iri(str(o)) for o in v[str(SKOS.exactMatch)] if isinstance(o, URIRef)]
        label = g.link(iri).text
        rows.append(
            _row(
                columns,
                [
                    (g.link(iri),),
                    _texts(v[str(SKOS.altLabel)]),
                    cancers,
                    _count_link(counts[iri], "/measurements", cell_line=label),
                    _xref_cells(ids),
                ],
                {"cancer": frozenset(c.text for c in cancers)},
                {"ic50s": float(counts[iri])},
            )
        )
    return Listing(
        "/cell-lines",
        "Cell lines",
        "The cancer cell lines of the graph, the cancer each comes from, and their IC50 values.",
        columns,
        (_facet("cancer", "cancer type", rows),),
        tuple(rows),
    )


def _cancers(kg: KnowledgeGraph) -> Listing:
    g = _Graph(kg)
    columns = (
        Column("cancer", "cancer type"),
        Column("kind", "kind"),
        Column("names", "also known as"),
        Column("ic50s", "IC50 values", numeric=True),
        Column("ids", "identifiers"),
    )
    iris = g.instances("xo:CancerType")
    found = g.values(iris)
    counts = _ic50_counts(kg)
    rows = []
    for iri in iris:
        v = found[iri]
        kinds = g.types(v[str(RDF.type)])
        label = g.link(iri).text
        rows.append(
            _row(
                columns,
                [
                    (g.link(iri),),
                    kinds,
                    _texts(v[str(SKOS.altLabel)]),
                    _count_link(counts[iri], "/measurements", cancer=label),
                    _external(v),
                ],
                {"kind": frozenset(c.text for c in kinds)},
                {"ic50s": float(counts[iri])},
            )
        )
    return Listing(
        "/cancers",
        "Cancer types",
        "The cancer types of the graph (solid tumours and haematological malignancies).",
        columns,
        (_facet("kind", "kind", rows),),
        tuple(rows),
    )


def _measurements(kg: KnowledgeGraph) -> Listing:
    g = _Graph(kg)
    columns = (
        Column("measurement", "measurement"),
        Column("inhibitor", "inhibitor"),
        Column("cell_line", "cell line"),
        Column("cancer", "cancer type"),
        Column("ic50", "IC50 (nM)", numeric=True),
        Column("published", "as published"),
        Column("source", "source"),
    )
    rows = []
    for m in measurements(kg):
        inhibitor = g.link(m.inhibitor)
        cell_line = g.link(m.cell_line) if m.cell_line else Cell(m.cells)
        cancer = (g.link(m.cancer),) if m.cancer else ()
        source = (g.link(m.source),) if m.source else ()
        rows.append(
            _row(
                columns,
                [
                    (g.link(m.measurement),),
                    (inhibitor,),
                    (cell_line,),
                    cancer,
                    (Cell(m.shown, numeric=True),),
                    (Cell(m.published),),
                    source,
                ],
                {
                    "inhibitor": frozenset([inhibitor.text]),
                    "cell_line": frozenset([cell_line.text]),
                    "cancer": frozenset(c.text for c in cancer),
                    "source": frozenset(c.text for c in source),
                },
                {"ic50": m.sort_value},
                ic50=m.sort_value,
            )
        )
    return Listing(
        "/measurements",
        "IC50 measurements",
        "Concentrations of inhibitor that halve the viability or proliferation of cancer cells, "
        "in nM (~ means approximate; a range where the source gives one).",
        columns,
        (
            _facet("inhibitor", "inhibitor", rows),
            _facet("cell_line", "cell line", rows),
            _facet("cancer", "cancer type", rows),
            _facet("source", "source", rows),
        ),
        tuple(rows),
        ic50_range=True,
    )


def _questions(kg: KnowledgeGraph) -> Listing:
    del kg  # the questions are files, not triples
    columns = (
        Column("title", "question"),
        Column("asks", "what it asks"),
        Column("needs", "needs"),
        Column("name", "query"),
    )
    rows = []
    for position, q in enumerate(ordered_questions()):
        needs = (Cell("inferred facts"),) if q.requires_inference else ()
        rows.append(
            _row(
                columns,
                [
                    (Cell(q.title, f"/questions/{q.name}"),),
                    (Cell(q.question),),
                    needs,
                    (Cell(q.name, f"/query?example={q.name}"),),
                ],
                {"needs": frozenset(["inferred facts" if q.requires_inference else "none"])},
                {"title": float(position)},  # unsorted: the main question first
            )
        )
    assert len(rows) == len(list_queries())
    return Listing(
        "/questions",
        "Questions",
        "The competency questions the graph answers: each is a SPARQL query. Run one to see its "
        "answer, or open it in the query editor to change it.",
        columns,
        (_facet("needs", "needs", rows),),
        tuple(rows),
    )


#: The browse pages by path, and what builds each.
LISTINGS: dict[str, Callable[[KnowledgeGraph], Listing]] = {
    "/proteins": _proteins,
    "/inhibitors": _inhibitors,
    "/cell-lines": _cell_lines,
    "/cancers": _cancers,
    "/measurements": _measurements,
    "/questions": _questions,
}


def listing(kg: KnowledgeGraph, path: str, cache: dict[str, Listing] | None = None) -> Listing:
    """Return the listing of a browse page (from ``cache`` when it was built before)."""
    if cache is not None and path in cache:
        return cache[path]
    built = LISTINGS[path](kg)
    if cache is not None:
        cache[path] = built
    return built


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


def _sort_href(page: Listing, params: Mapping[str, str], key: str, current: Selection) -> str:
    kept = {k: v for k, v in params.items() if k != "sort" and v}
    descending = current.sort == key and not current.descending
    kept["sort"] = ("-" if descending else "") + key
    return page.path + "?" + urlencode(kept)


def _page(request: Request, path: str) -> HTMLResponse:
    state = request.app.state
    if getattr(state, "browse_cache", None) is None:
        state.browse_cache = {}
    page = listing(state.kg, path, state.browse_cache)
    params = dict(request.query_params.items())
    chosen = select(page, params)
    sort_links = {c.key: _sort_href(page, params, c.key, chosen) for c in page.columns}
    html = render(
        "browse.html",
        page=page,
        chosen=chosen,
        sort_links=sort_links,
        filtered=len(chosen.rows) != len(page.rows),
    )
    return HTMLResponse(html)


def _route(path: str) -> None:
    async def show(request: Request) -> HTMLResponse:
        return _page(request, path)

    show.__doc__ = f"The browse page {path}: a table that can be filtered and sorted."
    router.add_api_route(path, show, methods=["GET"], response_class=HTMLResponse)


for _path in LISTINGS:
    _route(_path)
