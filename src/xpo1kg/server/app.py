"""``create_app``: the FastAPI application behind ``xpo1kg serve``.

Every error a request can meet is answered here, in one place: this library's errors with the
status :func:`~xpo1kg.server.problems.status_of` gives them, routing errors (404, 405) and bad
parameters (400) with a one-line reason; anything else is a server bug, logged once and answered
500 with a one-line reason (never a traceback).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xpo1kg.errors import XPO1KGError
from xpo1kg.server import (
    api_routes,
    browse,
    dereference,
    editor,
    entity_extras,
    explain_page,
    openapi,
    pages,
    protocol,
    search_pages,
)
from xpo1kg.server.limits import RequestSizeLimit
from xpo1kg.server.negotiation import parse_accept
from xpo1kg.server.problems import one_line, phrase, shown, status_of
from xpo1kg.server.runner import QueryRunner
from xpo1kg.server.settings import ServerSettings
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["create_app", "problem_response"]

_log = logging.getLogger("xpo1kg.server")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_JSON_TYPES = ("application/json", "application/problem+json")
_TEXT_TYPES = ("text/plain", "text/*", "*/*")


def _error_format(accept: str | None) -> str:
    """Return "html" for browsers, "json" for clients that ask for JSON, else "text"."""
    for media, _quality in parse_accept(accept):
        if media in _HTML_TYPES:
            return "html"
        if media in _JSON_TYPES:
            return "json"
        if media in _TEXT_TYPES:
            return "text"
    return "text"


def problem_response(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """Answer ``status`` with a one-line reason, in the form the client reads best.

    Browsers get the HTML error page, clients asking for JSON an RFC 9457 problem document, and
    everyone else (SPARQL clients, curl) the reason as one line of plain text.
    """
    reason = one_line(message)
    extra = {**(headers or {}), "Vary": "Accept"}
    kind = _error_format(request.headers.get("accept"))
    response: Response
    if kind == "html":
        response = pages.error_page(status, reason)
    elif kind == "json":
        problem = {
            "type": "about:blank",
            "title": phrase(status),
            "status": status,
            "detail": reason,
        }
        response = JSONResponse(problem, status_code=status, media_type="application/problem+json")
    else:
        response = protocol.error_response(status, reason)
    response.headers.update(extra)
    return response


async def _library_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, XPO1KGError)
    status = status_of(error)
    if status >= 500:
        _log.warning("%s %s: %s", request.method, request.url.path, one_line(str(error)))
    return problem_response(request, status, str(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    status = error.status_code
    headers = dict(error.headers or {})
    if status == 404:
        message = f"no such page: {shown(request.url.path)}"
    elif status == 405:
        # Sorted: Starlette lists the route's methods in set order.
        allowed = ", ".join(sorted(m.strip() for m in headers.get("Allow", "").split(",")))
        headers["Allow"] = allowed
        message = f"method {shown(request.method)} is not allowed here (allowed: {allowed})"
    else:
        message = str(error.detail)
    return problem_response(request, status, message, headers)


async def _parameter_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = []
    for found in error.errors():
        where = ".".join(str(part) for part in found.get("loc", ()) if part != "query")
        problems.append(f"{where or 'request'}: {found.get('msg', 'invalid')}")
    return problem_response(request, 400, "bad parameter " + "; ".join(problems))


class _LastResort:
    """Outermost middleware: an error that no handler knows is a server bug.

    (It also refuses a raw query string that is not UTF-8, which the app cannot even decode.)

    It is logged once (with its traceback, for the operator) and answered 500 with a one-line
    reason, never a traceback, when no response has started.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            scope.get("query_string", b"").decode("utf-8")
        except UnicodeDecodeError:
            await problem_response(Request(scope), 400, "the query string is not UTF-8")(
                scope, receive, send
            )
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:  # noqa: BLE001 (the last resort: every error, logged)
            method, path = scope.get("method", "?"), scope.get("path", "?")
            _log.exception("internal error answering %s %s", method, path)
            if started:
                return  # the status line is gone: the server closes the connection
            request = Request(scope)
            message = "internal server error (a bug, logged on the server); please report it"
            await problem_response(request, 500, message)(scope, receive, send)


def create_app(kg: KnowledgeGraph, settings: ServerSettings) -> FastAPI:
    """Build the app: ``/sparql``, entity routes and the HTML pages.

    ``app.state.kg`` is the in-process graph (cheap fixed lookups), ``app.state.runner`` the
    :class:`~xpo1kg.server.runner.QueryRunner` for user queries, ``app.state.settings`` the options.
    """
    runner = QueryRunner(
        settings.graph_spec(),
        workers=settings.workers,
        timeout=settings.timeout,
        max_rows=settings.max_rows,
        max_response_bytes=settings.max_response_bytes,
        max_worker_memory=settings.max_worker_memory,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runner.start()
        kg.search_index  # noqa: B018 (built once, before the first search)
        try:
            yield
        finally:
            await runner.close()

    app = FastAPI(
        title="xpo1kg",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.kg = kg
    app.state.runner = runner
    app.state.settings = settings
    app.include_router(protocol.router)
    app.include_router(
        entity_extras.router
    )  # before /resource/{local:path}: .../neighbourhood.cyjs
    app.include_router(api_routes.router)
    app.include_router(editor.router)
    openapi.install(app)
    app.include_router(dereference.router)
    pages.install(app)
    app.add_exception_handler(XPO1KGError, _library_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _parameter_error)
    app.include_router(explain_page.router)
    app.include_router(search_pages.router)
    app.include_router(browse.router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["X-SPARQL-Truncated"],
        )
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(_LastResort)  # added last: the outermost, so it sees every error
    return app
