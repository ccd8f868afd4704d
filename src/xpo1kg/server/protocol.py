"""``/sparql``: the query side of the SPARQL 1.1 Protocol (GET, POST form, POST direct)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from xpo1kg.query.inference import missing_inference_message, needs_inference
from xpo1kg.server.description import service_description
from xpo1kg.server.problems import ClientError, checked_iri, shown
from xpo1kg.server.runner import QueryRunner
from xpo1kg.server.serializers import spreadsheet_csv
from xpo1kg.server.settings import ServerSettings
from xpo1kg.server.worker import BYTES_LIMIT, Job, Payload

__all__ = ["WARNING_HEADER", "error_response", "query_warnings", "router"]

router = APIRouter()

_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
_TEXT_TYPES = ("text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples")
#: ``format=`` overrides Accept, so that a plain link can download CSV (as Fuseki's ``output=``).
FORMAT_PARAMETER = {
    "json": "application/json",
    "xml": "application/xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    # CSV for spreadsheets (the pages' download link): formula-looking cells are neutralised.
    "csv-excel": "text/csv",
}


#: The response header that carries the query checks' warnings (see :mod:`xpo1kg.query.checks`).
WARNING_HEADER = "X-XPO1KG-Warning"
_WARNING_CHARS = 2000


async def query_warnings(request: Request, sparql: str) -> list[str]:
    """Return what the query checks find in ``sparql`` (unknown terms, unbound variables).

    A query whose header says it needs inferred facts (``# requires: inference``) is also
    warned about when the server runs without them (``--no-inferred``).

    The server answers anyway: these are warnings shown with the results. The check parses the
    query, so it runs in a thread, off the event loop.
    """
    kg = request.app.state.kg
    problems = await run_in_threadpool(kg.check, sparql)
    found = [problem.message for problem in problems]
    if not kg.has_inferred and needs_inference(sparql):  # its header: `# requires: inference`
        found.append(missing_inference_message(sparql, "the server runs with --no-inferred"))
    return found


def warning_header(warnings: list[str]) -> str:
    """Return the warnings as one header value (ASCII, bounded).

    >>> warning_header(["unknown term xr:XP01", "?x is selected but nothing binds it"])
    'unknown term xr:XP01 | ?x is selected but nothing binds it'
    """
    text = " | ".join(" ".join(w.split()) for w in warnings)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= _WARNING_CHARS else text[: _WARNING_CHARS - 3] + "..."


def error_response(status: int, message: str) -> PlainTextResponse:
    """Return a one-line plain-text error (SPARQL clients show the body to the user)."""
    return PlainTextResponse(message + "\n", status_code=status, headers={"Vary": "Accept"})


def _params(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _one_query(params: dict[str, list[str]]) -> str | None:
    if "update" in params:
        raise ClientError(400, "SPARQL Update is not allowed: this endpoint is read-only")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise ClientError(400, "more than one 'query' parameter")
    return queries[0] if queries else None


async def _read_request(request: Request) -> tuple[str | None, dict[str, list[str]]]:
    """Return the query text (None when absent) and every parameter, by the protocol's rules."""
    url_params = _params(parse_qsl(request.url.query, keep_blank_values=True))
    if request.method in ("GET", "HEAD"):
        return _one_query(url_params), url_params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type == _FORM:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ClientError(400, "the request body is not UTF-8") from None
        params = _params(parse_qsl(text, keep_blank_values=True))
        query = _one_query(params)
        if query is None:
            raise ClientError(400, "missing 'query' parameter in the form")
        for name, values in url_params.items():
            params.setdefault(name, values)
        return query, params
    if content_type == _UPDATE:
        raise ClientError(400, "SPARQL Update is not allowed: this endpoint is read-only")
    if content_type == _QUERY:
        try:
            return body.decode("utf-8"), url_params
        except UnicodeDecodeError:
            raise ClientError(400, "the query is not UTF-8") from None
    named = content_type or "none"
    raise ClientError(415, f"unsupported content type {named}: send {_FORM} or {_QUERY}")


def _graph_iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    return tuple(checked_iri(value, name) for value in params.get(name, ()))


@router.api_route("/sparql", methods=["GET", "POST", "HEAD"])
async def sparql_endpoint(request: Request) -> Response:
    """Answer a SPARQL query, or describe the service when there is none.

    A browser (HTML first in Accept, GET, no ``format=``) gets the query editor instead (see
    :mod:`xpo1kg.server.editor`).

    Refusals and failures are raised (:class:`~xpo1kg.server.problems.ClientError`, the runner's
    errors) and answered by the app's error handlers with their status and a one-line reason.
    """
    query, params = await _read_request(request)
    from xpo1kg.server import editor  # (editor imports the pages, which import this module)

    if editor.browser_wants_editor(request, params):
        return await editor.sparql_for_browser(request, query)
    accept = request.headers.get("accept")
    chosen = params["format"][-1].lower() if "format" in params else None
    if chosen is not None:
        if chosen not in FORMAT_PARAMETER:
            known = ", ".join(FORMAT_PARAMETER)
            raise ClientError(400, f"unknown format {shown(chosen)} (expected one of {known})")
        accept = FORMAT_PARAMETER[chosen]
    if query is None:
        return service_description(request, accept)
    settings: ServerSettings = request.app.state.settings
    runner: QueryRunner = request.app.state.runner
    job = Job(
        query,
        accept,
        settings.max_rows,
        default_graphs=_graph_iris(params, "default-graph-uri"),
        named_graphs=_graph_iris(params, "named-graph-uri"),
    )
    reply = await runner.execute(job)
    assert isinstance(reply, Payload)  # jobs sent without bindings=True always get bytes
    warnings = await query_warnings(request, query)  # after: a refused query costs no parse
    headers = {"Vary": "Accept"}
    if warnings:
        headers[WARNING_HEADER] = warning_header(warnings)
    if reply.truncated:
        cap = settings.max_response_bytes if reply.limit == BYTES_LIMIT else settings.max_rows
        headers["X-SPARQL-Truncated"] = f"true; {reply.limit}={cap}"
    media_type = reply.media_type
    body = reply.body
    if chosen == "csv-excel" and media_type == "text/csv":
        body = spreadsheet_csv(body)
        headers["Content-Disposition"] = 'attachment; filename="results.csv"'
    if media_type in _TEXT_TYPES:
        media_type += "; charset=utf-8"
    if request.method == "HEAD":
        body = b""
    return Response(body, media_type=media_type, headers=headers)
