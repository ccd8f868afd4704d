"""``create_app``: the FastAPI application behind ``xpo1kg serve``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from ..graph import KnowledgeGraph
from . import dereference, explain_page, pages, protocol
from .limits import RequestSizeLimit
from .runner import QueryRunner
from .settings import ServerSettings

__all__ = ["create_app"]


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
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runner.start()
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
    app.include_router(dereference.router)
    pages.install(app)
    app.include_router(explain_page.router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["X-SPARQL-Truncated"],
        )
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    return app
