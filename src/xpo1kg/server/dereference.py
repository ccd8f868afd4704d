"""Entity IRIs dereferenced with content negotiation: ``/resource/X``, ``/ontology/X``, ``?iri=``.

An entity's description is its *symmetric concise bounded description*: the triples with it as
subject (following blank-node objects), the ``owl:Axiom`` annotations whose
``owl:annotatedSource`` it is (provenance of its statements), and the triples pointing at it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, META_GRAPH_IRI
from xpo1kg.rdf.namespaces import XO, XR
from xpo1kg.server import pages, search_pages
from xpo1kg.server.negotiation import GRAPH_TYPES, choose
from xpo1kg.server.problems import ClientError, checked_iri, shown
from xpo1kg.server.serializers import serialize_graph
from xpo1kg.server.settings import ServerSettings
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["FORMAT_NAMES", "describe", "router"]

router = APIRouter()

_OWL = "http://www.w3.org/2002/07/owl#"
_ANNOTATED_SOURCE = ox.NamedNode(_OWL + "annotatedSource")
_ONTOLOGY_IRI = str(XO).rstrip("/")
_HTML = "text/html"
#: ``?format=`` values, for links to one representation (e.g. "download as Turtle").
FORMAT_NAMES = {
    "html": _HTML,
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


def _graph_filter(kg: KnowledgeGraph, inferred: bool) -> set[str]:
    names = kg.store.graph_names() - {META_GRAPH_IRI}
    return names if inferred else names - {INFERRED_GRAPH_IRI}


def _quads(store: ox.Store, subject: object, obj: object, graphs: set[str]) -> Iterable[ox.Triple]:
    for quad in store.quads_for_pattern(subject, None, obj, None):  # type: ignore[arg-type]
        if str(getattr(quad.graph_name, "value", "")) in graphs:
            yield quad.triple


def describe(kg: KnowledgeGraph, iri: str, *, inferred: bool = False) -> list[ox.Triple]:
    """Return the symmetric CBD of ``iri`` plus its axiom annotations, sorted (empty if unknown).

    >>> from xpo1kg import load_graph
    >>> len(describe(load_graph(), "https://w3id.org/xpo1kg/resource/TP53")) > 10
    True
    """
    store = kg.store.oxigraph
    graphs = _graph_filter(kg, inferred)
    node = ox.NamedNode(iri)
    found: set[ox.Triple] = set()
    pending: list[object] = [node]
    seen: set[object] = set()
    # Axiom nodes annotating the entity's statements are described like blank-node objects.
    for quad in store.quads_for_pattern(None, _ANNOTATED_SOURCE, node, None):
        if str(getattr(quad.graph_name, "value", "")) in graphs:
            pending.append(quad.subject)
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for triple in _quads(store, subject, None, graphs):
            found.add(triple)
            if isinstance(triple.object, ox.BlankNode):
                pending.append(triple.object)
    for triple in _quads(store, None, node, graphs):
        if triple.predicate != _ANNOTATED_SOURCE:
            found.add(triple)
    return sorted(found, key=str)


def _entity_response(request: Request, iri: str) -> Response:
    """Describe ``iri`` in the negotiated format.

    Refusals are raised (:class:`ClientError`, an invalid IRI) for the app's error handlers.
    """
    kg: KnowledgeGraph = request.app.state.kg
    settings: ServerSettings = request.app.state.settings
    checked_iri(iri, "entity")
    wanted = request.query_params.get("format")
    if wanted is not None:
        media_type: str | None = FORMAT_NAMES.get(wanted)
        if media_type is None:
            names = ", ".join(FORMAT_NAMES)
            raise ClientError(400, f"unknown format {shown(wanted)}; use one of {names}")
    else:
        # Browsers name text/html; machines that accept anything (*/*) get Turtle.
        media_type = choose(request.headers.get("accept"), (*GRAPH_TYPES, _HTML))
    triples = describe(kg, iri, inferred=settings.inferred)
    headers = {"Vary": "Accept"}
    html = pages.entity_html(kg, iri) if triples and media_type == _HTML else None
    if not triples or (media_type == _HTML and html is None):
        # A person gets the closest entities as links; a program, the same in one line.
        if media_type == _HTML:
            return search_pages.unknown_entity_page(kg, iri)
        raise ClientError(404, search_pages.unknown_entity_message(kg, iri))
    if media_type is None:
        offered = ", ".join((*GRAPH_TYPES, _HTML))
        accept = request.headers.get("accept")
        raise ClientError(406, f"cannot describe an entity in {accept}; available: {offered}")
    if html is not None:
        return HTMLResponse(html, headers=headers)
    body = b"" if request.method == "HEAD" else serialize_graph(media_type, triples)
    suffix = (
        "; charset=utf-8" if media_type.startswith("text/") or "n-triples" in media_type else ""
    )
    return Response(body, media_type=media_type + suffix, headers=headers)


@router.api_route("/resource", methods=["GET", "HEAD"])
async def resource_by_iri(request: Request) -> Response:
    """Describe the entity named by ``?iri=`` (any IRI the graph mentions)."""
    iri = request.query_params.get("iri")
    if not iri:
        raise ClientError(400, "missing 'iri' parameter, e.g. /resource?iri=" + XR + "TP53")
    return _entity_response(request, iri)


@router.api_route("/resource/{local:path}", methods=["GET", "HEAD"])
async def resource(request: Request, local: str) -> Response:
    """Describe https://w3id.org/xpo1kg/resource/{local}."""
    return _entity_response(request, str(XR) + local)


@router.api_route("/ontology", methods=["GET", "HEAD"])
async def ontology_header(request: Request) -> Response:
    """Describe the ontology itself (its IRI has no trailing slash)."""
    return _entity_response(request, _ONTOLOGY_IRI)


@router.api_route("/ontology/{local:path}", methods=["GET", "HEAD"])
async def ontology_term(request: Request, local: str) -> Response:
    """Describe https://w3id.org/xpo1kg/ontology/{local}."""
    return _entity_response(request, str(XO) + local)
