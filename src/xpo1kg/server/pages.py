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
from xpo1kg.server.entity_view import entity_view
from xpo1kg.server.problems import one_line, phrase, status_of
from xpo1kg.server.protocol import WARNING_HEADER, query_warnings, warning_header
from xpo1kg.server.runner import QueryRunner
from xpo1kg.server.tables import Table, local_href, table_from_bindings
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["PAGE_ROWS", "entity_html", "error_page", "install", "render"]

#: Rows shown in an HTML results table; the full answer is a download away.
PAGE_ROWS = 1000
SITE_TITLE = "xpo1kg"
_GUIDE = "The Role of XPO1 Inhibition in Cancer Cell Apoptosis: A Technical Guide (BenchChem, 2025)"
# Home page counts: classes (with their subclasses), in display order.
_COUNTED = (
    ("proteins", "xo:Protein"),
    ("inhibitors", "xo:Inhibitor"),
    ("cell lines", "xo:CellLine"),
    ("cancer types", "xo:CancerType"),
    ("measurements", "xo:Measurement"),
    ("sources", "xo:Source"),
)
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
    table = table_from_bindings(request.app.state.kg, answer.variables, answer.rows)
    return Answer(table, answer.truncated, _downloads(sparql), tuple(warnings))


def error_page(status: int, message: str, title: str | None = None) -> HTMLResponse:
    """Return the HTML error page: ``title`` (default: the status and its phrase) and a reason."""
    heading = title or f"{status} {phrase(status)}"
    page = render("error.html", title=heading, message=one_line(message), status=status)
    return HTMLResponse(page, status_code=status)


def _counts(kg: KnowledgeGraph) -> list[tuple[str, int]]:
    found = {str(r["class"]): r["count"] for r in kg.query(_COUNTS).records()}
    counts = [("triples", len(kg))]
    for name, curie in _COUNTED:
        iri = "https://w3id.org/xpo1kg/ontology/" + curie.removeprefix("xo:")
        value = found.get(iri, 0)
        counts.append((name, value if isinstance(value, int) else int(str(value))))
    return counts


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Show the dataset: what it is, how big, and the questions it answers."""
    state = request.app.state
    # The served graph never changes, so count once.
    if getattr(state, "page_counts", None) is None:
        state.page_counts = _counts(state.kg)
    page = render("home.html", counts=state.page_counts, questions=list_queries(), guide=_GUIDE)
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
    page = render("question.html", query=query, answer=answer, inferred=inferred)
    return HTMLResponse(page, headers=headers)


def _example(name: str | None) -> CompetencyQuery | None:
    if not name:
        return None
    try:
        return get_query(name)
    except UnknownQueryError:
        return None


@router.get("/query", response_class=HTMLResponse)
async def query_page(
    request: Request,
    query: str | None = None,
    example: str | None = None,
    load: str | None = None,
) -> HTMLResponse:
    """Show the query editor; run ``query``, or fill in ``example`` (when asked to ``load`` it).

    The example picker is a plain form field, so the page works without JavaScript: the "Load"
    button submits the form with ``load`` set, and the page comes back with the example's text.
    """
    chosen = _example(example)
    if chosen is not None and (load is not None or not query):
        query = chosen.sparql
        run = False
    else:
        run = bool(query and query.strip())
    context: dict[str, Any] = {
        "examples": list_queries(),
        "example_texts": {q.name: q.sparql for q in list_queries()},
        "chosen": chosen.name if chosen else "",
        "text": query or "",
        "answer": None,
        "error": None,
    }
    status = 200
    headers: dict[str, str] = {}
    if run and query is not None:
        try:
            context["answer"] = answer = await _answer(request, query)
        except XPO1KGError as error:
            context["error"], status = one_line(str(error)), status_of(error)
        else:
            if answer.warnings:
                headers[WARNING_HEADER] = warning_header(list(answer.warnings))
    page = render("query.html", **context)
    return HTMLResponse(page, status_code=status, headers=headers)


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
    return render("entity.html", view=view, alternates=alternates(iri))


def install(app: FastAPI) -> None:
    """Add the pages and their static files to the server's app."""
    app.mount("/static", StaticFiles(packages=[("xpo1kg.server", "static")]), name="static")
    app.include_router(router)
