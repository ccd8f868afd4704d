"""The SPARQL 1.1 Service Description returned by ``GET /sparql`` without a query."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from xpo1kg.server.negotiation import GRAPH_TYPES, choose
from xpo1kg.server.serializers import serialize_graph

__all__ = ["service_description"]

_TEMPLATE = """
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    dcterms:title "xpo1kg: XPO1 inhibition knowledge graph (read-only SPARQL endpoint)" ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat formats:SPARQL_Results_JSON, formats:SPARQL_Results_XML,
        formats:SPARQL_Results_CSV, formats:SPARQL_Results_TSV, formats:Turtle,
        formats:JSON-LD, formats:N-Triples, formats:RDF_XML ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .
"""


def service_description(request: Request, accept: str | None) -> Response:
    """Describe the endpoint in the RDF format the client prefers (Turtle by default)."""
    media_type = choose(accept, GRAPH_TYPES) or "text/turtle"
    endpoint = str(request.url.replace(query="", fragment=""))
    triples = [
        quad.triple
        for quad in ox.parse(_TEMPLATE.format(endpoint=endpoint), format=ox.RdfFormat.TURTLE)
    ]
    body = serialize_graph(media_type, triples)
    suffix = "; charset=utf-8" if media_type.startswith("text/") else ""
    return Response(body, media_type=media_type + suffix, headers={"Vary": "Accept"})
