"""What an entity page shows beyond its statements: names, an IC50 chart, figures, neighbours.

The name biologists use, an IC50 chart, the figures the entity appears in, and its neighbourhood
(an SVG of linked nodes, and Cytoscape JSON; see :mod:`xpo1kg.server.neighbourhood`).

Routes: ``/resource/{X}/neighbourhood.cyjs`` (the neighbourhood as Cytoscape JSON, for
Cytoscape desktop or cytoscape.js) and ``/figures/{name}.svg`` (a figure of
:mod:`xpo1kg.figures`, drawn once per app and kept).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from rdflib.term import URIRef

from xpo1kg.figures import data as figure_data
from xpo1kg.rdf.namespaces import XR
from xpo1kg.server.ic50 import ChartRow, chart_svg, measurements
from xpo1kg.server.neighbourhood import neighbourhood, neighbourhood_svg
from xpo1kg.server.problems import ClientError, checked_iri
from xpo1kg.server.tables import local_href
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "ALL_FIGURES",
    "FIGURES",
    "QUESTION_FIGURES",
    "Extras",
    "common_name",
    "entity_extras",
    "figure_caption",
    "figures_of",
    "router",
]

router = APIRouter(include_in_schema=False)

#: The figures of :func:`xpo1kg.figures.charts.draw_figures` whose data name entities, by file
#: name, with the function that reads that data.
FIGURES = {
    "figure1_mechanism": figure_data.mechanism_data,
    "figure2_p53_pathway": figure_data.pathway_data,
    "figure3_p53_independent": figure_data.p53_independent_data,
}
#: Every figure, in order, as the home page shows them.
ALL_FIGURES = (*FIGURES, "figure4_ic50")
#: The figure that draws a question's answer, by question name.
QUESTION_FIGURES = {
    "cargo_triggering_apoptosis": "figure1_mechanism",
    "xpo1_tumor_suppressor_cargo": "figure1_mechanism",
    "p53_dependent_apoptosis": "figure2_p53_pathway",
    "p53_independent_mechanisms": "figure3_p53_independent",
    "ic50_table": "figure4_ic50",
    "ic50_by_cancer_type": "figure4_ic50",
    "most_sensitive_cell_line": "figure4_ic50",
}


@lru_cache(maxsize=8)
def _names(kg: KnowledgeGraph) -> dict[str, figure_data.Named]:
    return figure_data.names(kg)


_SYMBOL_QUOTES = """
SELECT ?e ?symbol ?quote WHERE {
  ?e xo:geneSymbol ?symbol ; rdfs:label ?symbol .
  OPTIONAL { ?axiom owl:annotatedSource|owl:annotatedTarget ?e ; xo:supportingText ?quote }
}
"""


@lru_cache(maxsize=8)
def _symbols(kg: KnowledgeGraph) -> frozenset[str]:
    """Return the entities labelled by their gene symbol that their sources' quotes never use."""
    labelled: set[str] = set()
    quoted: set[str] = set()
    for e, symbol, quote in kg.query(_SYMBOL_QUOTES).rows:
        labelled.add(str(e))
        if quote is not None and re.search(rf"(?<!\w){re.escape(str(symbol))}(?!\w)", str(quote)):
            quoted.add(str(e))
    return frozenset(labelled - quoted)


def common_name(kg: KnowledgeGraph, iri: str) -> str:
    """Return the name biologists use for a gene product labelled by its symbol, else ''.

    It is the synonym (``skos:altLabel``) that the entity's supporting quotes use most (see
    :func:`xpo1kg.figures.data.names`): p53 for TP53, PUMA for BBC3. Only entities labelled
    by their gene symbol get one (a drug's brand name is not its common name), and only when
    the quotes never write the symbol itself (they call XPO1 "XPO1", not only "CRM1").

    >>> from xpo1kg import load_graph
    >>> kg = load_graph()
    >>> [common_name(kg, str(XR) + n) for n in ("TP53", "XPO1", "selinexor")]
    ['p53', '', '']
    """
    if iri not in _symbols(kg):
        return ""
    named = _names(kg).get(iri)
    return named.alias if named is not None else ""


def _iris(value: Any) -> Iterator[str]:
    """Yield the IRIs of every :class:`~xpo1kg.figures.data.Named` inside a figure's data."""
    if isinstance(value, figure_data.Named):
        yield value.iri
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _iris(getattr(value, f.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _iris(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _iris(item)


@lru_cache(maxsize=8)
def _figure_members(kg: KnowledgeGraph) -> dict[str, frozenset[str]]:
    return {name: frozenset(_iris(read(kg))) for name, read in FIGURES.items()}


def figure_caption(name: str) -> str:
    """Return a short caption for a figure's file name.

    >>> figure_caption("figure2_p53_pathway")
    'Figure 2: p53 pathway'
    """
    head, _, rest = name.partition("_")
    number = head.removeprefix("figure")
    return f"Figure {number}: {rest.replace('_', ' ')}" if number.isdigit() else name


def figures_of(kg: KnowledgeGraph, iri: str) -> list[str]:
    """Return the names of the figures that show an entity.

    >>> from xpo1kg import load_graph
    >>> figures_of(load_graph(), "https://w3id.org/xpo1kg/resource/BBC3")
    ['figure2_p53_pathway']
    """
    return [name for name, members in _figure_members(kg).items() if iri in members]


@dataclass(frozen=True)
class Extras:
    """The entity page's pictures and the name biologists use."""

    common_name: str
    ic50_chart: str
    figures: tuple[str, ...]
    neighbourhood: str
    neighbourhood_href: str | None


def _chart(kg: KnowledgeGraph, iri: str, label: str) -> str:
    rows = []
    for m in measurements(kg, iri):
        if m.inhibitor == iri:  # an inhibitor's page: one row per cell line
            target = m.cell_line
            text = kg.label(URIRef(m.cell_line)) if m.cell_line else m.cells
        elif m.cell_line == iri:  # a cell line's page: one row per inhibitor
            target, text = m.inhibitor, kg.label(URIRef(m.inhibitor))
        else:  # a cancer type's page: inhibitor and cell line
            target = m.cell_line
            cells = kg.label(URIRef(m.cell_line)) if m.cell_line else m.cells
            text = f"{kg.label(URIRef(m.inhibitor))} · {cells}"
        rows.append(ChartRow(text, local_href(target) if target else None, m))
    rows.sort(key=lambda r: (r.ic50.sort_value or math.inf, r.label.casefold()))
    return chart_svg(rows, f"IC50 values of {label} (nM, log scale)")


def entity_extras(kg: KnowledgeGraph, iri: str, label: str) -> Extras:
    """Gather the extras of an entity's page."""
    near = neighbourhood(kg, iri)
    local = local_href(iri)
    return Extras(
        common_name=common_name(kg, iri),
        ic50_chart=_chart(kg, iri, label),
        figures=tuple(figures_of(kg, iri)),
        neighbourhood=neighbourhood_svg(near) if near else "",
        neighbourhood_href=f"{local}/neighbourhood.cyjs" if near and local else None,
    )


@router.get("/resource/{local:path}/neighbourhood.cyjs")
async def neighbourhood_json(request: Request, local: str) -> JSONResponse:
    """Return the entity's neighbourhood as Cytoscape JSON."""
    iri = checked_iri(str(XR) + local, "entity")
    near = neighbourhood(request.app.state.kg, iri)
    if near is None:
        raise ClientError(404, f"no neighbourhood: unknown or unlinked entity {iri}")
    return JSONResponse(
        near.cytoscape(),
        media_type="application/json",
        headers={"Content-Disposition": f'inline; filename="{local.replace("/", "_")}.cyjs"'},
    )


@router.get("/figures/{name}.svg")
async def figure(request: Request, name: str) -> Response:
    """Return a figure of the graph as SVG (drawn on the first request, then kept)."""
    state = request.app.state
    if getattr(state, "figure_svgs", None) is None:
        from xpo1kg.figures.charts import draw_figures

        state.figure_svgs = {d.name: d.render("svg") for d in draw_figures(state.kg)}
    svgs: dict[str, bytes] = state.figure_svgs
    if name not in svgs:
        raise ClientError(404, f"no such figure: {name[:60]!r} (figures: {', '.join(svgs)})")
    return Response(svgs[name], media_type="image/svg+xml")
