"""A real SPARQL client (SPARQLWrapper) gets the same answers from the server as the embedded API."""

from __future__ import annotations

import pytest
from rdflib.term import BNode, Node
from serving import RunningServer
from SPARQLWrapper import CSV, JSON, POST, SPARQLWrapper

from xpo1kg import run_query
from xpo1kg.query.catalog import list_queries

# One server per xdist worker for every module of the group (pytest runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("default_server")

QUERIES = list_queries()


@pytest.fixture(scope="module")
def server(default_server: RunningServer) -> RunningServer:
    """The test run's shared server (tests/conftest.py): these tests only read from it."""
    return default_server


def cell(node: Node | None) -> str | None:
    if node is None:
        return None
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def embedded(name: str) -> tuple[list[str], list[tuple[str | None, ...]]]:
    result = run_query(name)
    return result.columns, [tuple(cell(node) for node in row) for row in result.rows]


def has_blank_nodes(rows: list[tuple[str | None, ...]]) -> bool:
    return any(value is not None and value.startswith("_:") for row in rows for value in row)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_competency_query_over_http(server: RunningServer, query: object) -> None:
    name = query.name  # type: ignore[attr-defined]
    client = SPARQLWrapper(server.sparql)
    # SPARQLWrapper guesses the query type from keywords, comments included: a header saying
    # "deleted" makes it send an update. The header is documentation, so leave it out.
    text = "\n".join(
        line
        for line in query.sparql.splitlines()
        if not line.startswith("#")  # type: ignore[attr-defined]
    )
    client.setQuery(text)
    client.setReturnFormat(JSON)
    document = client.queryAndConvert()
    assert isinstance(document, dict)
    columns, rows = embedded(name)
    if "boolean" in document:
        assert rows == [(str(document["boolean"]).lower(),)]
        return
    assert document["head"]["vars"] == columns
    remote = [
        tuple(binding[c]["value"] if c in binding else None for c in columns)
        for binding in document["results"]["bindings"]
    ]
    assert not has_blank_nodes(rows), "blank node labels differ between runs"
    assert remote == rows
    assert rows or query.requires_inference  # type: ignore[attr-defined]


def test_post_and_csv_through_sparqlwrapper(server: RunningServer) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setMethod(POST)
    client.setQuery("SELECT ?label WHERE { xr:TP53 rdfs:label ?label }")
    client.setReturnFormat(CSV)
    assert client.queryAndConvert() == b"label\r\nTP53\r\n"
