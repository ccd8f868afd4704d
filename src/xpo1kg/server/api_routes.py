"""``/api``: each competency question as a typed HTTP endpoint, and the terms for the editor.

- ``GET /api/questions``: the questions, each with its declared parameters (JSON).
- ``GET /api/questions/{name}?param=value``: the question's answer. Parameters are those of the
  ``.rq`` header (see :mod:`xpo1kg.query.catalog`), read as :mod:`xpo1kg.query.parameters`
  says (an entity by name, synonym, identifier or CURIE); a parameter left out does not filter.
  JSON by default (typed values: numbers as numbers, booleans, dates as ISO text, IRIs in full),
  CSV or TSV with ``format=csv|tsv`` or ``Accept: text/csv`` / ``text/tab-separated-values``.
  Errors are RFC 9457 problem documents (JSON), whatever the Accept header.
- ``GET /api/terms``: the graph's ``xo:``/``xr:`` terms with their labels and the known prefixes
  (the query editor's completion).

The questions run through the server's query runner (its time limit and row cap); entity names
are resolved on the in-process graph.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from rdflib.term import Node
from starlette.concurrency import run_in_threadpool

from xpo1kg.errors import XPO1KGError
from xpo1kg.query.catalog import CompetencyQuery, QueryParameter, get_query, list_queries
from xpo1kg.query.parameters import bind_parameters
from xpo1kg.query.results import QueryResult, json_value, to_value
from xpo1kg.rdf.namespaces import PREFIXES, XO, XR, compress
from xpo1kg.server.negotiation import parse_accept
from xpo1kg.server.problems import one_line, phrase, status_of
from xpo1kg.server.runner import QueryRunner
from xpo1kg.server.serializers import JsonTerm
from xpo1kg.store.knowledge_graph import KnowledgeGraph
from xpo1kg.store.remote import place_bindings

__all__ = ["ANSWER_FORMATS", "describe_question", "router", "terms"]

router = APIRouter(include_in_schema=False)  # the OpenAPI document is built from the headers

#: ``format=`` values of a question's answer, with their media types.
ANSWER_FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
_ACCEPTED = {"text/csv": "csv", "text/tab-separated-values": "tsv", "application/json": "json"}


def problem(status: int, message: str) -> JSONResponse:
    """Return an RFC 9457 problem document with a one-line reason."""
    body = {"type": "about:blank", "title": phrase(status), "status": status}
    body["detail"] = one_line(message)
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _parameter_json(parameter: QueryParameter) -> dict[str, Any]:
    found: dict[str, Any] = {"name": parameter.name, "type": parameter.type}
    if parameter.entity_class:
        found["class"] = compress(parameter.entity_class)
    for key in ("description", "example"):
        if value := getattr(parameter, key):
            found[key] = value
    if parameter.values:
        found["values"] = list(parameter.values)
    return found


def describe_question(query: CompetencyQuery) -> dict[str, Any]:
    """Return a question's name, texts, parameters and the URL of its endpoint."""
    return {
        "name": query.name,
        "title": query.title,
        "question": query.question,
        "answer": query.answer,
        "requires_inference": query.requires_inference,
        "parameters": [_parameter_json(p) for p in query.parameters],
        "url": f"/api/questions/{query.name}",
    }


@router.get("/api/questions")
def questions() -> JSONResponse:
    """List the competency questions and their parameters."""
    return JSONResponse([describe_question(q) for q in list_queries()])


def _ox_term(term: JsonTerm) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = term["type"]
    if kind == "uri":
        return ox.NamedNode(term["value"])
    if kind == "bnode":
        return ox.BlankNode(term["value"])
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


def _bound(
    kg: KnowledgeGraph, query: CompetencyQuery, values: dict[str, str]
) -> tuple[str, dict[str, Node]]:
    """Return the query text with the parameters bound, and the bindings (parsing: a thread)."""
    if not values:
        return query.sparql, {}
    bindings = bind_parameters(kg, query, values)
    return place_bindings(query.sparql, bindings, required=True), bindings


def _answer_format(request: Request, chosen: str | None) -> str:
    if chosen is not None:
        return chosen
    for media, _quality in parse_accept(request.headers.get("accept")):
        if media in _ACCEPTED:
            return _ACCEPTED[media]
    return "json"


@router.get("/api/questions/{name}")
async def answer(request: Request, name: str) -> Response:
    """Answer one competency question, with the given parameter values."""
    try:
        return await _answer(request, name)
    except XPO1KGError as error:
        return problem(status_of(error), str(error))


async def _answer(request: Request, name: str) -> Response:
    query = get_query(name)
    values: dict[str, str] = {}
    chosen: str | None = None
    for key, value in request.query_params.multi_items():
        if key == "format":
            if chosen is not None:
                return problem(400, "more than one 'format' parameter")
            if value.lower() not in ANSWER_FORMATS:
                known = ", ".join(ANSWER_FORMATS)
                return problem(400, f"unknown format {value!r} (expected one of: {known})")
            chosen = value.lower()
            continue
        if key in values:
            return problem(400, f"parameter {key} is given more than once")
        values[key] = value
    kg: KnowledgeGraph = request.app.state.kg
    sparql, bindings = await run_in_threadpool(_bound, kg, query, values)
    runner: QueryRunner = request.app.state.runner
    selected = await runner.select(sparql)
    rows = [tuple(_ox_term(row[v]) if v in row else None for v in selected.variables)
            for row in selected.rows]  # fmt: skip
    result = QueryResult.from_oxigraph(list(selected.variables), rows)
    headers = {"Vary": "Accept"}
    if selected.truncated:
        headers["X-SPARQL-Truncated"] = "true"
    output = _answer_format(request, chosen)
    if output != "json":
        text = result.render("csv" if output == "csv" else "tsv")
        return Response(text, media_type=ANSWER_FORMATS[output], headers=headers)
    document = {
        "question": query.name,
        "title": query.title,
        "parameters": {k: json_value(to_value(v)) for k, v in sorted(bindings.items())},
        "columns": result.columns,
        "rows": result.json_records(),
        "truncated": selected.truncated,
    }
    return JSONResponse(document, headers=headers)


def terms(kg: KnowledgeGraph) -> dict[str, Any]:
    """Return the graph's ``xo:``/``xr:`` terms (CURIE, IRI, label, kind) and the prefixes."""
    sparql = """
        SELECT ?term (SAMPLE(?name) AS ?label) (SAMPLE(?sort) AS ?kind) WHERE {
          ?term rdfs:label ?name .
          FILTER(isIRI(?term) && (STRSTARTS(STR(?term), STR(xo:)) || STRSTARTS(STR(?term), STR(xr:))))
          OPTIONAL { ?term a ?type FILTER(?type IN (owl:Class, owl:ObjectProperty,
                     owl:DatatypeProperty, owl:AnnotationProperty)) }
          BIND(IF(!BOUND(?type), "individual", IF(?type = owl:Class, "class", "property")) AS ?sort)
        } GROUP BY ?term
    """
    found = []
    for record in kg.query(sparql, check="ignore").records():
        iri = str(record["term"])
        found.append(
            {"curie": compress(iri), "iri": iri, "label": str(record["label"]),
             "kind": str(record["kind"])}
        )  # fmt: skip
    found.sort(key=lambda t: t["curie"])
    prefixes = {"xo": str(XO), "xr": str(XR), **dict(sorted(PREFIXES.items()))}
    return {"prefixes": prefixes, "terms": found}


@router.get("/api/terms")
async def terms_endpoint(request: Request) -> JSONResponse:
    """Answer the terms for the editor's completion (once: the served graph never changes)."""
    state = request.app.state
    if getattr(state, "editor_terms", None) is None:
        state.editor_terms = await run_in_threadpool(terms, state.kg)
    return JSONResponse(state.editor_terms, headers={"Cache-Control": "max-age=3600"})
