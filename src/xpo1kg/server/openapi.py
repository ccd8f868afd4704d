"""The OpenAPI document at ``/openapi.json`` and the interactive docs at ``/docs``.

The document describes the typed API of :mod:`xpo1kg.server.api_routes`: one operation per
competency question (``GET /api/questions/NAME``), its query parameters generated from the
``# param:`` lines of the ``.rq`` header (type, description, example, allowed values) and its
columns (the query's projection), plus the question list and the editor's terms. ``/docs`` is
Swagger UI from ``static/vendor/swagger-ui`` (shipped in the package, nothing fetched from
elsewhere; the online validator badge is switched off).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from xpo1kg.query.catalog import CompetencyQuery, QueryParameter, list_queries
from xpo1kg.rdf.namespaces import compress
from xpo1kg.server.api_routes import ANSWER_FORMATS
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["build_openapi", "install", "router"]

router = APIRouter(include_in_schema=False)
_VENDOR = "/static/vendor/swagger-ui"
_SCALAR = {"type": ["string", "number", "integer", "boolean", "null"]}
_PROBLEM = {
    "description": "A problem document with a one-line reason",
    "content": {
        "application/problem+json": {
            "schema": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                },
                "required": ["title", "status", "detail"],
            }
        }
    },
}


def _version() -> str:
    try:
        return version("xpo1kg")
    except PackageNotFoundError:  # pragma: no cover (a source tree without an install)
        return "0"


def _typed(parameter: QueryParameter, text: str) -> object:
    if parameter.type == "integer":
        return int(text)
    if parameter.type == "decimal":
        return float(text)
    if parameter.type == "boolean":
        return text.lower() in ("true", "1")
    return text


def _schema(parameter: QueryParameter) -> dict[str, Any]:
    schema: dict[str, Any]
    if parameter.type == "integer":
        schema = {"type": "integer"}
    elif parameter.type == "decimal":
        schema = {"type": "number"}
    elif parameter.type == "boolean":
        schema = {"type": "boolean"}
    elif parameter.type == "date":
        schema = {"type": "string", "format": "date"}
    elif parameter.type == "iri":
        schema = {"type": "string", "format": "iri", "minLength": 1}
    else:
        schema = {"type": "string", "minLength": 1, "maxLength": 1000}
    if parameter.values:
        schema["enum"] = [_typed(parameter, v) for v in parameter.values]
    if parameter.example:
        schema["examples"] = [_typed(parameter, parameter.example)]
    return schema


def _description(parameter: QueryParameter) -> str:
    text = parameter.description or f"Only rows with this {parameter.name}."
    if parameter.entity_class:
        text += f" (A member of {compress(parameter.entity_class)}.)"
    return text


def _operation(query: CompetencyQuery, columns: list[str]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "description": _description(p),
            "schema": _schema(p),
            **({"example": _typed(p, p.example)} if p.example else {}),
        }
        for p in query.parameters
    ]
    parameters.append(
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "json (the default), csv or tsv; overrides the Accept header.",
            "schema": {"type": "string", "enum": list(ANSWER_FORMATS)},
        }
    )
    row = {
        "type": "object",
        "properties": dict.fromkeys(columns, _SCALAR),
        "required": columns,
    }
    answer = {
        "type": "object",
        "properties": {
            "question": {"type": "string", "const": query.name},
            "title": {"type": "string"},
            "parameters": {"type": "object", "additionalProperties": _SCALAR},
            "columns": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": row},
            "truncated": {"type": "boolean"},
        },
        "required": ["question", "title", "parameters", "columns", "rows", "truncated"],
    }
    note = " Needs the server to run with --inferred." if query.requires_inference else ""
    return {
        "get": {
            "operationId": f"question_{query.name}",
            "summary": query.title,
            "description": f"{query.question}\n\n{query.answer}{note}",
            "tags": ["questions"],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The answer: one object per row, values typed",
                    "content": {
                        "application/json": {"schema": answer},
                        "text/csv": {"schema": {"type": "string"}},
                        "text/tab-separated-values": {"schema": {"type": "string"}},
                    },
                },
                "400": _PROBLEM,
                "503": _PROBLEM,
            },
        }
    }


def build_openapi(kg: KnowledgeGraph) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the typed API, generated from the query headers.

    The columns of each question come from running it on the in-process graph (fast on the
    bundled graph; the served graph never changes, so the document is built once).
    """
    paths: dict[str, Any] = {
        "/api/questions": {
            "get": {
                "operationId": "list_questions",
                "summary": "The competency questions and their parameters",
                "tags": ["questions"],
                "responses": {
                    "200": {
                        "description": "One object per question",
                        "content": {"application/json": {"schema": {"type": "array"}}},
                    }
                },
            }
        },
        "/api/terms": {
            "get": {
                "operationId": "list_terms",
                "summary": "The graph's xo:/xr: terms with labels, and the known prefixes",
                "tags": ["editor"],
                "responses": {
                    "200": {
                        "description": "prefixes (prefix → namespace) and terms",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    for query in list_queries():
        columns = kg.query(query.sparql, check="ignore").columns
        paths[f"/api/questions/{query.name}"] = _operation(query, columns)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "xpo1kg",
            "version": _version(),
            "description": (
                "Each competency question of the XPO1 inhibition knowledge graph as a typed "
                "endpoint. Entity parameters take a name, synonym, identifier or CURIE; a "
                "parameter left out does not filter. Raw SPARQL: /sparql (SPARQL 1.1 Protocol)."
            ),
        },
        "paths": dict(sorted(paths.items())),
    }


@router.get("/openapi.json")
async def openapi_document(request: Request) -> JSONResponse:
    """Answer the OpenAPI document (built once per server)."""
    state = request.app.state
    if getattr(state, "openapi_document", None) is None:
        state.openapi_document = await run_in_threadpool(build_openapi, state.kg)
    return JSONResponse(state.openapi_document)


@router.get("/docs")
def docs() -> HTMLResponse:
    """Swagger UI, from the files shipped in the package."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="xpo1kg API",
        swagger_js_url=f"{_VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{_VENDOR}/swagger-ui.css",
        swagger_favicon_url=f"{_VENDOR}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True},
    )


def install(app: FastAPI) -> None:
    """Serve ``/openapi.json`` and ``/docs`` (FastAPI's own generator stays off)."""
    app.include_router(router)
