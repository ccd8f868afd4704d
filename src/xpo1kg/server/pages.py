"""The HTML pages of ``xpo1kg serve``: home, competency questions, query editor, entity pages.

Pages are rendered on the server from Jinja2 templates (autoescaped) in ``templates/``; the style
sheet and the one small script are in ``static/`` and ship in the package, so the pages work
offline. Fixed look-ups (counts, entity pages) use the in-process graph; user queries go through
the server's query runner, with its time limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from xpo1kg.errors import UnknownQueryError, XPO1KGError
from xpo1kg.query.catalog import CompetencyQuery, get_query, list_queries
from xpo1kg.rdf.namespaces import XO
from xpo1kg.server.entity_extras import (
    ALL_FIGURES,
    QUESTION_FIGURES,
    entity_extras,
    figure_caption,
)
from xpo1kg.server.entity_view import entity_view
from xpo1kg.server.problems import one_line, phrase, status_of
from xpo1kg.server.protocol import WARNING_HEADER, query_warnings, warning_header
from xpo1kg.server.result_layout import LaidOut, lay_out
from xpo1kg.server.runner import QueryRunner
from xpo1kg.server.tables import Table, local_href, table_from_bindings
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "MAIN_QUESTION",
    "PAGE_ROWS",
    "entity_html",
    "error_page",
    "install",
    "ordered_questions",
    "render",
]

#: Rows shown in an HTML results table; the full answer is a download away.
PAGE_ROWS = 1000
SITE_TITLE = "xpo1kg"
_GUIDE = "The Role of XPO1 Inhibition in Cancer Cell Apoptosis: A Technical Guide (BenchChem, 2025)"
#: The project's main question: listed first wherever the questions are listed.
MAIN_QUESTION = "cargo_triggering_apoptosis"
# Home page counts: classes (with their subclasses), in display order, and the browse page of each.
_COUNTED = (
    ("proteins", "xo:Protein"),
    ("inhibitors", "xo:Inhibitor"),
    ("cell lines", "xo:CellLine"),
    ("cancer types", "xo:CancerType"),
    ("measurements", "xo:Measurement"),
    ("sources", "xo:Source"),
)
_BROWSE = {
    "proteins": "/proteins",
    "inhibitors": "/inhibitors",
    "cell lines": "/cell-lines",
    "cancer types": "/cancers",
    "measurements": "/measurements",
}
_COUNTS = (
    "SELECT ?class (COUNT(DISTINCT ?thing) AS ?count) WHERE { VALUES ?class { "
    + " ".join(curie for _, curie in _COUNTED)
    + " } ?thing a/rdfs:subClassOf* ?class } GROUP BY ?class"
)
#: Download formats offered under a results table: (label, ``format=`` value of ``/sparql``).
#: The CSV link is the spreadsheet-safe variant (formula-looking cells neutralised): a person
#: clicking it opens it in a spreadsheet; programs ask ``/sparql`` for standard CSV themselves.
DOWNLOADS = (("CSV", "csv-excel"), ("JSON", "json"))

_templates = Environment(
    loader=PackageLoader("xpo1kg.server", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
router = APIRouter(include_in_schema=False)


_templates.globals["figure_caption"] = figure_caption


def render(template: str, **context: Any) -> str:
    """Render a page template (every value is escaped unless the template says otherwise)."""
    return _templates.get_template(template).render(site=SITE_TITLE, **context)


@dataclass(frozen=True)
class Answer:
    """A query's answer as the results template shows it."""

    table: Table
    truncated: bool
    downloads: tuple[tuple[str, str, str], ...]
    warnings: tuple[str, ...] = ()
    #: The table as the page shows it (minor columns folded, mechanisms named).
    layout: LaidOut | None = None
    #: The server holds inferred facts: rows may rest on them (the page says so).
    inferred: bool = False


def _downloads(sparql: str) -> tuple[tuple[str, str, str], ...]:
    """Return (label, href, format) of each download link for a query through ``/sparql``."""
    return tuple(
        (label, "/sparql?" + urlencode({"query": sparql, "format": name}), name)
        for label, name in DOWNLOADS
    )


async def _answer(request: Request, sparql: str) -> Answer:
    runner: QueryRunner = request.app.state.runner
    answer = await runner.select(sparql, max_rows=PAGE_ROWS)
    warnings = await query_warnings(request, sparql)
    kg: KnowledgeGraph = request.app.state.kg
    table = table_from_bindings(kg, answer.variables, answer.rows)
    return Answer(
        table,
        answer.truncated,
        _downloads(sparql),
        tuple(warnings),
        lay_out(table),
        kg.has_inferred,
    )


def error_page(status: int, message: str, title: str | None = None) -> HTMLResponse:
    """Return the HTML error page: ``title`` (default: the status and its phrase) and a reason."""
    heading = title or f"{status} {phrase(status)}"
    page = render("error.html", title=heading, message=one_line(message), status=status)
    return HTMLResponse(page, status_code=status)


def ordered_questions() -> list[CompetencyQuery]:
    """Return the competency questions, the main one (:data:`MAIN_QUESTION`) first.

    >>> [q.name for q in ordered_questions()][0]
    'cargo_triggering_apoptosis'
    """
    queries = list_queries()
    return sorted(queries, key=lambda q: q.name != MAIN_QUESTION)


def _counts(kg: KnowledgeGraph) -> list[tuple[str, int, str | None]]:
    """Return (name, count, browse page or None) for the home page's cards."""
    found = {str(r["class"]): r["count"] for r in kg.query(_COUNTS).records()}
    counts: list[tuple[str, int, str | None]] = [("triples", len(kg), None)]
    for name, curie in _COUNTED:
        iri = str(XO) + curie.removeprefix("xo:")
        value = found.get(iri, 0)
        number = value if isinstance(value, int) else int(str(value))
        counts.append((name, number, _BROWSE.get(name)))
    return counts


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Show the dataset: what it is, how big, and the questions it answers."""
    state = request.app.state
    # The served graph never changes, so count once.
    if getattr(state, "page_counts", None) is None:
        state.page_counts = _counts(state.kg)
    page = render(
        "home.html",
        counts=state.page_counts,
        questions=ordered_questions(),
        guide=_GUIDE,
        figures=ALL_FIGURES,
    )
    return HTMLResponse(page)


@router.get("/questions/{name}", response_class=HTMLResponse)
async def question(request: Request, name: str) -> HTMLResponse:
    """One competency question with its answer, run now through the query runner."""
    try:
        query = get_query(name)
    except UnknownQueryError as error:
        return error_page(404, str(error), "No such question")
    try:
        answer = await _answer(request, query.sparql)
    except XPO1KGError as error:
        return error_page(status_of(error), str(error), "The question could not be answered")
    inferred = request.app.state.kg.has_inferred
    headers: dict[str, str] = {}
    if answer.warnings:  # e.g. a question that needs inferred facts, on a --no-inferred server
        headers[WARNING_HEADER] = warning_header(list(answer.warnings))
    figure = QUESTION_FIGURES.get(query.name)
    page = render("question.html", query=query, answer=answer, inferred=inferred, figure=figure)
    return HTMLResponse(page, headers=headers)


def alternates(iri: str) -> tuple[tuple[str, str, str], ...]:
    """Return (label, href, media type) of the entity's description in RDF formats."""
    local = local_href(iri)
    base = local + "?" if local else "/resource?" + urlencode({"iri": iri}) + "&"
    return (
        ("Turtle", base + "format=ttl", "text/turtle"),
        ("JSON-LD", base + "format=jsonld", "application/ld+json"),
    )


def entity_html(kg: KnowledgeGraph, iri: str) -> str | None:
    """Return the HTML page of an entity, or None when the graph says nothing about it.

    >>> from xpo1kg import load_graph
    >>> page = entity_html(load_graph(), "https://w3id.org/xpo1kg/resource/TP53")
    >>> "<title>TP53" in page and "P04637" in page
    True
    """
    view = entity_view(kg, iri)
    if view is None:
        return None
    extras = entity_extras(kg, iri, view.label)
    return render(
        "entity.html",
        view=view,
        extras=extras,
        alternates=alternates(iri),
    )


def install(app: FastAPI) -> None:
    """Add the pages and their static files to the server's app."""
    app.mount("/static", StaticFiles(packages=[("xpo1kg.server", "static")]), name="static")
    app.include_router(router)
