"""``/query``: the query editor page (YASGUI, with a plain form for browsers without JavaScript).

With JavaScript, ``static/editor.js`` starts YASGUI (shipped in ``static/vendor/yasgui``) on this
server's ``/sparql``: syntax highlighting, completion of prefixes and of the graph's own terms
(``/api/terms``), the competency questions as examples opening in new tabs, sortable results,
downloads (CSV, TSV, JSON, spreadsheet-safe CSV) and share links. Without it, the same page is a
plain form: ``?example=NAME&load=1`` fills in an example, ``?query=TEXT`` runs a query and shows
its answer as a table (rendered here, through the query runner).

A browser that opens ``/sparql`` (Accept: text/html first, no ``format=``) gets this page too:
without a query, the editor; with one (GET), a 303 redirect to ``/query?query=…``, the editor with
that query and its answer. SPARQL clients, which ask for result types, get the protocol's answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xpo1kg.errors import UnknownQueryError, XPO1KGError
from xpo1kg.query.catalog import CompetencyQuery, get_query, list_queries
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.server.negotiation import parse_accept
from xpo1kg.server.pages import _answer as answer_of
from xpo1kg.server.pages import render
from xpo1kg.server.problems import one_line, status_of
from xpo1kg.server.protocol import WARNING_HEADER, warning_header

__all__ = ["DOWNLOADS", "browser_wants_editor", "editor_page", "router", "sparql_for_browser"]

router = APIRouter(include_in_schema=False)
#: Download formats offered for a query: (label, ``format=`` value of ``/sparql``).
DOWNLOADS = (
    ("CSV", "csv"),
    ("TSV", "tsv"),
    ("JSON", "json"),
    ("CSV for Excel", "csv-excel"),
)
_HTML = ("text/html", "application/xhtml+xml")
#: Media types a SPARQL client names when it wants the protocol's answer, not the editor.
_PROTOCOL_TYPES = frozenset(
    {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "application/json",
        "text/csv",
        "text/tab-separated-values",
        "text/turtle",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
        "application/ld+json",
        "application/rdf+xml",
    }
)
#: Prefixes the results table abbreviates IRIs with, besides those the query declares.
_DISPLAY_PREFIXES = {
    name: PREFIXES[name]
    for name in ("xo", "xr", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "obo", "uniprot")
    if name in PREFIXES
}


def _example(name: str | None) -> CompetencyQuery | None:
    if not name:
        return None
    try:
        return get_query(name)
    except UnknownQueryError:
        return None


def _downloads(sparql: str) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (label, "/sparql?" + urlencode({"query": sparql, "format": name}), name)
        for label, name in DOWNLOADS
    )


async def editor_page(
    request: Request, query: str | None, example: str | None = None, load: str | None = None
) -> HTMLResponse:
    """Render the editor; run ``query`` (the plain form's answer), or fill in ``example``."""
    chosen = _example(example)
    if chosen is not None and (load is not None or not query):
        query, run = chosen.sparql, False
    else:
        run = bool(query and query.strip())
    questions = list_queries()
    context: dict[str, Any] = {
        "examples": questions,
        "example_data": {q.name: {"title": q.title, "sparql": q.sparql} for q in questions},
        "chosen": chosen.name if chosen else "",
        "text": query or "",
        "downloads": _downloads(query or ""),
        "display_prefixes": _DISPLAY_PREFIXES,
        "answer": None,
        "error": None,
    }
    status = 200
    headers: dict[str, str] = {}
    if run and query is not None:
        try:
            answer = await answer_of(request, query)
        except XPO1KGError as error:
            context["error"], status = one_line(str(error)), status_of(error)
        else:
            context["answer"] = replace(answer, downloads=_downloads(query))
            if answer.warnings:
                headers[WARNING_HEADER] = warning_header(list(answer.warnings))
    return HTMLResponse(render("editor.html", **context), status_code=status, headers=headers)


@router.get("/query", response_class=HTMLResponse)
async def query_page(
    request: Request,
    query: str | None = None,
    example: str | None = None,
    load: str | None = None,
) -> HTMLResponse:
    """Show the query editor (see the module's description)."""
    return await editor_page(request, query, example, load)


def browser_wants_editor(request: Request, params: dict[str, list[str]]) -> bool:
    """Return True for a browser's GET of ``/sparql``: HTML first in Accept, only ``query=``.

    Any other parameter (``format=``, graph IRIs...) keeps the protocol's answer (or its error),
    and so does an Accept header that names a results or RDF type (``text/html;q=0.9,
    text/csv;q=0.5`` is a client that can take CSV, not a browser).
    """
    if request.method not in ("GET", "HEAD") or not set(params) <= {"query"}:
        return False
    ranges = parse_accept(request.headers.get("accept"))
    named = {media for media, _ in ranges}
    return bool(ranges) and ranges[0][0] in _HTML and not named & _PROTOCOL_TYPES


async def sparql_for_browser(request: Request, query: str | None) -> Response:
    """Answer a browser at ``/sparql``: the editor; with a query, a redirect to it running that."""
    if query is None:
        return await editor_page(request, None)
    return RedirectResponse("/query?" + urlencode({"query": query}), status_code=303)
