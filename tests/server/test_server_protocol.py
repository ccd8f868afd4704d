"""The query side of the W3C SPARQL 1.1 Protocol tests, against the real server.

Test names follow the W3C protocol test suite (https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/).
"""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
from serving import GRAPH_FORMATS, HTTP, RunningServer

# One server per xdist worker for every module of the group (pytest runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("default_server")

PROTEINS = "https://w3id.org/xpo1kg/graph/data/proteins"
INHIBITORS = "https://w3id.org/xpo1kg/graph/data/inhibitors"
SELECT = "SELECT ?label WHERE { xr:TP53 rdfs:label ?label }"
SPARQL_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def server(default_server: RunningServer) -> RunningServer:
    """The test run's shared server (tests/conftest.py): these tests only read from it."""
    return default_server


def labels(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [row["label"]["value"] for row in answer.json()["results"]["bindings"]]


def test_query_get(server: RunningServer) -> None:
    answer = HTTP.get(server.sparql, params={"query": SELECT}, headers={"Accept": SPARQL_JSON})
    assert labels(answer) == ["TP53"]
    assert answer.headers["content-type"] == SPARQL_JSON
    assert answer.headers["vary"] == "Accept"


def test_query_post_form(server: RunningServer) -> None:
    answer = HTTP.post(server.sparql, data={"query": SELECT}, headers={"Accept": SPARQL_JSON})
    assert labels(answer) == ["TP53"]


def test_query_post_direct(server: RunningServer) -> None:
    answer = HTTP.post(
        server.sparql,
        content=SELECT.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": SPARQL_JSON},
    )
    assert labels(answer) == ["TP53"]


def ask(answer: httpx.Response) -> bool:
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["boolean"])


BOTH = "ASK { xr:TP53 ?p ?o . xr:selinexor ?q ?r }"


def test_query_dataset_default_graph(server: RunningServer) -> None:
    params = {"query": "ASK { xr:TP53 ?p ?o }", "default-graph-uri": INHIBITORS}
    assert ask(HTTP.get(server.sparql, params=params)) is False
    params["default-graph-uri"] = PROTEINS
    assert ask(HTTP.get(server.sparql, params=params)) is True


def test_query_dataset_default_graphs_get(server: RunningServer) -> None:
    one = [("query", BOTH), ("default-graph-uri", PROTEINS)]
    assert ask(HTTP.get(server.sparql, params=one)) is False
    two = [*one, ("default-graph-uri", INHIBITORS)]
    assert ask(HTTP.get(server.sparql, params=two)) is True


def test_query_dataset_default_graphs_post(server: RunningServer) -> None:
    form = [("query", BOTH), ("default-graph-uri", PROTEINS), ("default-graph-uri", INHIBITORS)]
    answer = HTTP.post(
        server.sparql,
        content=httpx.QueryParams(form).__str__().encode(),
        headers={"Content-Type": FORM},
    )
    assert ask(answer) is True


def test_query_dataset_named_graphs_get(server: RunningServer) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    params = [("query", query), ("named-graph-uri", PROTEINS), ("named-graph-uri", INHIBITORS)]
    answer = HTTP.get(server.sparql, params=params)
    assert answer.status_code == 200
    graphs = [row["g"]["value"] for row in answer.json()["results"]["bindings"]]
    assert graphs == [INHIBITORS, PROTEINS]


def test_query_dataset_full(server: RunningServer) -> None:
    query = "SELECT ?g WHERE { xr:selinexor ?p ?o GRAPH ?g { xr:TP53 rdfs:label ?l } }"
    params = [
        ("query", query),
        ("default-graph-uri", INHIBITORS),
        ("named-graph-uri", PROTEINS),
    ]
    answer = HTTP.get(server.sparql, params=params)
    assert answer.status_code == 200
    assert {row["g"]["value"] for row in answer.json()["results"]["bindings"]} == {PROTEINS}


def test_query_multiple_dataset(server: RunningServer) -> None:
    # The protocol's dataset overrides the query's FROM clause.
    query = f"ASK FROM <{INHIBITORS}> {{ xr:TP53 ?p ?o }}"
    assert ask(HTTP.get(server.sparql, params={"query": query})) is False
    params = {"query": query, "default-graph-uri": PROTEINS}
    assert ask(HTTP.get(server.sparql, params=params)) is True


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (SPARQL_JSON, SPARQL_JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("application/json", SPARQL_JSON),
        ("*/*", SPARQL_JSON),
        ("text/html;q=0.9, text/csv;q=0.5", "text/csv; charset=utf-8"),
    ],
)
def test_query_content_type_select(server: RunningServer, accept: str, media_type: str) -> None:
    answer = HTTP.get(server.sparql, params={"query": SELECT}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == media_type
    body = answer.text
    if "json" in media_type:
        assert labels(answer) == ["TP53"]
    elif "xml" in media_type:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ElementTree.fromstring(answer.content)
        assert [e.text for e in root.iter(f"{ns}literal")] == ["TP53"]
    elif "csv" in media_type:
        assert list(csv.reader(io.StringIO(body))) == [["label"], ["TP53"]]
    else:
        assert body == '?label\n"TP53"\n'


def test_query_content_type_ask(server: RunningServer) -> None:
    query = {"query": "ASK { xr:selinexor xo:inhibits xr:XPO1 }"}
    answer = HTTP.get(server.sparql, params=query, headers={"Accept": SPARQL_JSON})
    assert answer.headers["content-type"] == SPARQL_JSON
    assert answer.json() == {"head": {}, "boolean": True}
    xml = HTTP.get(
        server.sparql, params=query, headers={"Accept": "application/sparql-results+xml"}
    )
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert ElementTree.fromstring(xml.content).find(f"{ns}boolean").text == "true"  # type: ignore[union-attr]


CONSTRUCT = "CONSTRUCT { xr:TP53 rdfs:label ?l } WHERE { xr:TP53 rdfs:label ?l }"
EXPECTED = ox.Triple(
    ox.NamedNode("https://w3id.org/xpo1kg/resource/TP53"),
    ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    ox.Literal("TP53"),
)


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    GRAPH_FORMATS,
)
def test_query_content_type_construct(
    server: RunningServer, accept: str, rdf_format: ox.RdfFormat
) -> None:
    answer = HTTP.get(server.sparql, params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == accept
    triples = [q.triple for q in ox.parse(answer.content, format=rdf_format)]
    assert triples == [EXPECTED]


def test_query_content_type_describe(server: RunningServer) -> None:
    answer = HTTP.get(
        server.sparql, params={"query": "DESCRIBE xr:TP53"}, headers={"Accept": "text/turtle"}
    )
    assert answer.status_code == 200
    triples = [q.triple for q in ox.parse(answer.content, format=ox.RdfFormat.TURTLE)]
    assert EXPECTED in triples


def test_bad_query_method(server: RunningServer) -> None:
    answer = HTTP.put(server.sparql, params={"query": SELECT})
    assert answer.status_code == 405


def test_bad_multiple_queries(server: RunningServer) -> None:
    params = [("query", "ASK {}"), ("query", "ASK {}")]
    answer = HTTP.get(server.sparql, params=params)
    assert answer.status_code == 400
    assert answer.text == "more than one 'query' parameter\n"


def test_bad_query_wrong_media_type(server: RunningServer) -> None:
    answer = HTTP.post(server.sparql, content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415
    assert "unsupported content type text/plain" in answer.text


def test_bad_query_missing_form_type(server: RunningServer) -> None:
    answer = HTTP.post(server.sparql, content=b"query=ASK%20%7B%7D")
    assert answer.status_code == 415


def test_bad_query_missing_direct_type(server: RunningServer) -> None:
    answer = HTTP.post(server.sparql, content=b"ASK {}", headers={"Content-Type": ""})
    assert answer.status_code == 415


def test_bad_query_non_utf8(server: RunningServer) -> None:
    answer = HTTP.post(
        server.sparql,
        content="ASK { ?s ?p 'café' }".encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert answer.status_code == 400
    assert answer.text == "the query is not UTF-8\n"


def test_bad_query_syntax(server: RunningServer) -> None:
    answer = HTTP.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert answer.status_code == 400
    assert answer.text.startswith("invalid SPARQL at line 1, column")
    assert answer.text.count("\n") == 1


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("tsv", "text/tab-separated-values; charset=utf-8"),
        ("json", SPARQL_JSON),
        ("xml", "application/sparql-results+xml"),
    ],
)
def test_format_parameter_overrides_accept(
    server: RunningServer, name: str, media_type: str
) -> None:
    """Not in the W3C suite: ``format=`` lets a plain link (no Accept header) pick the format."""
    params = {"query": SELECT, "format": name}
    answer = HTTP.get(server.sparql, params=params, headers={"Accept": "image/png"})
    assert answer.status_code == 200 and answer.headers["content-type"] == media_type
    assert "TP53" in answer.text
    construct = {"query": "CONSTRUCT WHERE { xr:TP53 rdfs:label ?l }", "format": "nt"}
    triples = HTTP.get(server.sparql, params=construct)
    assert triples.headers["content-type"].startswith("application/n-triples")
    assert triples.text.strip().endswith('"TP53" .')
    bad = HTTP.get(server.sparql, params={"query": SELECT, "format": "yaml"})
    assert bad.status_code == 400 and "unknown format 'yaml'" in bad.text


def test_query_not_acceptable(server: RunningServer) -> None:
    answer = HTTP.get(server.sparql, params={"query": SELECT}, headers={"Accept": "image/png"})
    assert answer.status_code == 406


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [(None, ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD)],
)
def test_service_description(
    server: RunningServer, accept: str | None, rdf_format: ox.RdfFormat
) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = HTTP.get(server.sparql, headers=headers)
    assert answer.status_code == 200
    sd = "http://www.w3.org/ns/sparql-service-description#"
    triples = [q.triple for q in ox.parse(answer.content, format=rdf_format)]
    endpoint = ox.NamedNode(server.sparql)
    assert ox.Triple(endpoint, ox.NamedNode(sd + "endpoint"), endpoint) in triples
    language = ox.NamedNode(sd + "supportedLanguage")
    assert ox.Triple(endpoint, language, ox.NamedNode(sd + "SPARQL11Query")) in triples


def test_json_results_are_valid_sparql_json(server: RunningServer) -> None:
    query = "SELECT ?m ?v WHERE { ?m xo:value ?v } ORDER BY ?m LIMIT 1"
    answer = HTTP.get(server.sparql, params={"query": query})
    document = json.loads(answer.content)
    assert document["head"] == {"vars": ["m", "v"]}
    value = document["results"]["bindings"][0]["v"]
    assert value["type"] == "literal"
    assert value["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"


def test_csv_is_the_sparql_csv_format_unchanged(server: RunningServer) -> None:
    # SPARQL 1.1 CSV: values as they are (no spreadsheet escaping), fields with a comma, a quote
    # or a line break quoted, CRLF line ends.
    query = 'SELECT ?x ?y WHERE { BIND("=1+2" AS ?x) BIND("a\\r\\nb,\\"c\\"" AS ?y) }'
    answer = HTTP.get(server.sparql, params={"query": query, "format": "csv"})
    assert answer.status_code == 200
    assert "content-disposition" not in answer.headers
    assert answer.content == b'x,y\r\n=1+2,"a\r\nb,""c"""\r\n'
    spreadsheet = HTTP.get(server.sparql, params={"query": query, "format": "csv-excel"})
    assert spreadsheet.content == b'x,y\r\n\'=1+2,"a\r\nb,""c"""\r\n'
