"""Browse pages: proteins, inhibitors, cell lines, cancers, measurements and questions.

``/proteins``, ``/inhibitors``, ``/cell-lines``, ``/cancers``, ``/measurements`` and
``/questions`` are each a table that can be filtered and sorted. Each listing here is a table of
columns, each saying how a row fills it; ``server/listing_model.py`` builds the rows from it and
selects from them per request.

Filters and the sort order are GET form fields (``?role=…&sort=-ic50``), so the pages work
without JavaScript; the page script only sorts in place when a column heading is clicked. The
tables come from fixed SPARQL on the in-process graph and are built once per app (the served
graph does not change).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from rdflib.namespace import RDF, SKOS

from xpo1kg.query.catalog import CompetencyQuery, list_queries
from xpo1kg.rdf.namespaces import XO, XR
from xpo1kg.server.entity_extras import common_name
from xpo1kg.server.ic50 import Ic50, measurements
from xpo1kg.server.listing_model import (
    Column,
    ListedColumn,
    ListedEntity,
    Listing,
    ListingGraph,
    Selection,
    build_listing,
    select,
    xref_cells,
)
from xpo1kg.server.pages import ordered_questions, render
from xpo1kg.server.tables import Cell
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["LISTINGS", "listing", "router"]

router = APIRouter(include_in_schema=False)


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


# The columns that several listings of entities share.

_EntityColumn = ListedColumn[ListedEntity]

_ALSO_KNOWN_AS: _EntityColumn = ListedColumn(
    Column("names", "also known as"), lambda e: e.texts(SKOS.altLabel)
)

_IDENTIFIERS: _EntityColumn = ListedColumn(
    Column("ids", "identifiers"), lambda e: xref_cells(e.exact_matches())
)


def _entity_column(g: ListingGraph, key: str, title: str) -> _EntityColumn:
    """Return the first column: the entity itself, linking to its page."""
    return ListedColumn(Column(key, title), lambda e: (g.link(e.iri),))


def _types_column(g: ListingGraph, key: str, title: str) -> _EntityColumn:
    """Return the column of the entity's classes (its role, class or kind), a filter."""
    return ListedColumn(Column(key, title), lambda e: g.types(e.objects(RDF.type)), facet=True)


def _ic50_count_column(g: ListingGraph, filter_name: str) -> _EntityColumn:
    """Return the count of the entity's IC50 values, linking to them on ``/measurements``."""
    counts = _ic50_counts(g.kg)
    return ListedColumn(
        Column("ic50s", "IC50 values", numeric=True),
        lambda e: _count_link(counts[e.iri], "/measurements", **{filter_name: g.link(e.iri).text}),
        number=lambda e: float(counts[e.iri]),
    )


def _proteins(kg: KnowledgeGraph) -> Listing:
    g = ListingGraph(kg)

    def cargo(e: ListedEntity) -> tuple[Cell, ...]:
        is_cargo = any(str(o) == str(XR.XPO1) for o in e.objects(XO.exportedBy))
        return (Cell("yes" if is_cargo else ""),)

    columns: tuple[_EntityColumn, ...] = (
        _entity_column(g, "protein", "protein"),
        ListedColumn(
            Column("common", "name in the sources"), lambda e: (Cell(common_name(kg, e.iri)),)
        ),
        _ALSO_KNOWN_AS,
        _types_column(g, "role", "role"),
        # Not cargo: the cell stays empty, but the filter offers it as "no".
        ListedColumn(Column("cargo", "XPO1 cargo"), cargo, facet=True, blank="no"),
        ListedColumn(
            Column("uniprot", "UniProt"), lambda e: xref_cells(e.accessions(XO.uniprotAccession))
        ),
        ListedColumn(Column("hgnc", "HGNC"), lambda e: xref_cells(e.db_xrefs("HGNC:"))),
    )
    return build_listing(
        "/proteins",
        "Proteins",
        "The proteins of the graph: XPO1, its cargo, and the proteins of the apoptosis pathways.",
        g.entities("xo:Protein"),
        columns,
    )


def _inhibitors(kg: KnowledgeGraph) -> Listing:
    g = ListingGraph(kg)
    columns: tuple[_EntityColumn, ...] = (
        _entity_column(g, "inhibitor", "inhibitor"),
        _ALSO_KNOWN_AS,
        _types_column(g, "class", "class"),
        ListedColumn(
            Column("status", "clinical status"), lambda e: e.texts(XO.clinicalStatus), facet=True
        ),
        _ic50_count_column(g, "inhibitor"),
        _IDENTIFIERS,
    )
    return build_listing(
        "/inhibitors",
        "Inhibitors",
        "The XPO1 inhibitors of the graph, with their clinical status and IC50 values.",
        g.entities("xo:Inhibitor"),
        columns,
    )


def _cell_lines(kg: KnowledgeGraph) -> Listing:
    g = ListingGraph(kg)
    columns: tuple[_EntityColumn, ...] = (
        _entity_column(g, "cell_line", "cell line"),
        _ALSO_KNOWN_AS,
        ListedColumn(
            Column("cancer", "cancer type"),
            lambda e: g.links(e.objects(XO.derivedFromCancer)),
            facet=True,
        ),
        _ic50_count_column(g, "cell_line"),
        ListedColumn(
            Column("ids", "identifiers"),
            lambda e: xref_cells(e.accessions(XO.cellosaurusId) + e.exact_matches()),
        ),
    )
    return build_listing(
        "/cell-lines",
        "Cell lines",
        "The cancer cell lines of the graph, the cancer each comes from, and their IC50 values.",
        g.entities("xo:CellLine"),
        columns,
    )


def _cancers(kg: KnowledgeGraph) -> Listing:
    g = ListingGraph(kg)
    columns: tuple[_EntityColumn, ...] = (
        _entity_column(g, "cancer", "cancer type"),
        _types_column(g, "kind", "kind"),
        _ALSO_KNOWN_AS,
        _ic50_count_column(g, "cancer"),
        _IDENTIFIERS,
    )
    return build_listing(
        "/cancers",
        "Cancer types",
        "The cancer types of the graph (solid tumours and haematological malignancies).",
        g.entities("xo:CancerType"),
        columns,
    )


def _measurements(kg: KnowledgeGraph) -> Listing:
    g = ListingGraph(kg)

    def cell_line(m: Ic50) -> tuple[Cell, ...]:
        # A cell line the graph does not describe is shown as the source names it.
        return (g.link(m.cell_line) if m.cell_line else Cell(m.cells),)

    columns: tuple[ListedColumn[Ic50], ...] = (
        ListedColumn(Column("measurement", "measurement"), lambda m: (g.link(m.measurement),)),
        ListedColumn(
            Column("inhibitor", "inhibitor"), lambda m: (g.link(m.inhibitor),), facet=True
        ),
        ListedColumn(Column("cell_line", "cell line"), cell_line, facet=True),
        ListedColumn(
            Column("cancer", "cancer type"),
            lambda m: (g.link(m.cancer),) if m.cancer else (),
            facet=True,
        ),
        ListedColumn(
            Column("ic50", "IC50 (nM)", numeric=True),
            lambda m: (Cell(m.shown, numeric=True),),
            number=lambda m: m.sort_value,
        ),
        ListedColumn(Column("published", "as published"), lambda m: (Cell(m.published),)),
        ListedColumn(
            Column("source", "source"),
            lambda m: (g.link(m.source),) if m.source else (),
            facet=True,
        ),
    )
    return build_listing(
        "/measurements",
        "IC50 measurements",
        "Concentrations of inhibitor that halve the viability or proliferation of cancer cells, "
        "in nM (~ means approximate; a range where the source gives one).",
        measurements(kg),
        columns,
        ic50=lambda m: m.sort_value,
    )


def _questions(kg: KnowledgeGraph) -> Listing:
    del kg  # the questions are files, not triples
    questions = ordered_questions()
    assert len(questions) == len(list_queries())
    position = {q.name: float(i) for i, q in enumerate(questions)}
    columns: tuple[ListedColumn[CompetencyQuery], ...] = (
        ListedColumn(
            Column("title", "question"),
            lambda q: (Cell(q.title, f"/questions/{q.name}"),),
            number=lambda q: position[q.name],  # unsorted: the main question first
        ),
        ListedColumn(Column("asks", "what it asks"), lambda q: (Cell(q.question),)),
        ListedColumn(
            Column("needs", "needs"),
            lambda q: (Cell("inferred facts"),) if q.requires_inference else (),
            facet=True,
            blank="none",
        ),
        ListedColumn(
            Column("name", "query"), lambda q: (Cell(q.name, f"/query?example={q.name}"),)
        ),
    )
    return build_listing(
        "/questions",
        "Questions",
        "The competency questions the graph answers: each is a SPARQL query. Run one to see its "
        "answer, or open it in the query editor to change it.",
        questions,
        columns,
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
