"""What a public endpoint refuses or limits: SERVICE, updates, LOAD, time, rows, size, CORS."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from serving import RunningServer, running_server

from xpo1kg import load_graph

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ORIGIN = "https://example.org"
STOPPED = "query stopped after 2 s (the time limit of this endpoint)\n"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server("--timeout", "2", "--max-rows", "5", "--max-request-bytes", "4096") as s:
        yield s


def count_triples(server: RunningServer) -> int:
    answer = httpx.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_service_refused_without_connecting(server: RunningServer) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        answer = httpx.get(server.sparql, params={"query": query})
        assert answer.status_code == 400
        assert answer.text == "SERVICE is not allowed: queries never contact other servers\n"
        time.sleep(0.5)
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_endless_query_stopped_at_timeout_and_worker_killed(server: RunningServer) -> None:
    workers = server.workers()
    assert len(workers) == 2
    answer = httpx.get(server.sparql, params={"query": ENDLESS}, timeout=30)
    assert answer.status_code == 503
    assert answer.text == STOPPED
    # Exactly one worker was killed and replaced; the killed process is gone.
    killed = workers - server.workers()
    assert len(killed) == 1
    assert not os.path.exists(f"/proc/{killed.pop()}")
    # The server still answers.
    assert httpx.get(server.sparql, params={"query": "ASK {}"}).json()["boolean"] is True
    # A new worker answers: two endless queries at once are each stopped by the time limit (one
    # worker alone would leave the second "server busy"), so two live workers ran them, and only
    # one of the first two is left. The loop waits for the new worker to have loaded the graph.
    deadline = time.monotonic() + 120
    while True:
        with ThreadPoolExecutor(2) as pool:
            pair = list(pool.map(lambda _: endless_answer(server), range(2)))
        if pair == [(503, STOPPED)] * 2 or time.monotonic() > deadline:
            break
    assert pair == [(503, STOPPED)] * 2
    # The workers that ran them were killed too; the pool is refilled and answers again.
    while not ready(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert httpx.get(server.sparql, params={"query": "ASK {}"}).json()["boolean"] is True
    assert server.workers().isdisjoint(workers)


def endless_answer(server: RunningServer) -> tuple[int, str]:
    answer = httpx.get(server.sparql, params={"query": ENDLESS}, timeout=30)
    return answer.status_code, answer.text


def ready(server: RunningServer) -> bool:
    answer = httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=30)
    return answer.status_code == 200


def test_update_parameter_refused_and_data_unchanged(server: RunningServer) -> None:
    before = count_triples(server)
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    answer = httpx.post(server.sparql, data={"update": update})
    assert answer.status_code == 400
    assert answer.text == "SPARQL Update is not allowed: this endpoint is read-only\n"
    direct = httpx.post(
        server.sparql,
        content=update.encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    assert direct.status_code == 400
    as_query = httpx.get(server.sparql, params={"query": update})
    assert as_query.status_code == 400
    assert as_query.text == "SPARQL Update (INSERT) is not allowed: this endpoint is read-only\n"
    assert count_triples(server) == before == len(load_graph())


def test_load_refused(server: RunningServer) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
        answer = httpx.post(server.sparql, data={"query": f"LOAD <{url}>"})
        assert answer.status_code == 400
        assert answer.text == "SPARQL Update (LOAD) is not allowed: this endpoint is read-only\n"
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_oversized_request_refused(server: RunningServer) -> None:
    padding = "#" + "x" * 5000 + "\n"
    answer = httpx.post(server.sparql, data={"query": padding + "ASK {}"})
    assert answer.status_code == 413
    assert "larger than this endpoint accepts (4,096 bytes)" in answer.text
    assert httpx.post(server.sparql, data={"query": "ASK {}"}).status_code == 200


def test_row_cap_truncation_flagged(server: RunningServer) -> None:
    query = "SELECT ?s WHERE { ?s a xo:TumorSuppressor } ORDER BY ?s"
    answer = httpx.get(server.sparql, params={"query": query})
    assert answer.headers["x-sparql-truncated"] == "true; max-rows=5"
    document = answer.json()
    assert len(document["results"]["bindings"]) == 5
    assert document["head"]["link"] == ["https://w3id.org/xpo1kg/server#truncated"]
    csv = httpx.get(server.sparql, params={"query": query}, headers={"Accept": "text/csv"})
    assert csv.headers["x-sparql-truncated"] == "true; max-rows=5"
    assert len(csv.text.splitlines()) == 6
    small = httpx.get(server.sparql, params={"query": query.replace("ORDER BY ?s", "LIMIT 5")})
    assert "x-sparql-truncated" not in small.headers
    assert "link" not in small.json()["head"]


def test_cors_header_absent_by_default(server: RunningServer) -> None:
    answer = httpx.get(server.sparql, params={"query": "ASK {}"}, headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in answer.headers


def test_cors_header_present_when_allowed() -> None:
    with running_server("--cors-origin", ORIGIN, "--workers", "1") as server:
        headers = {"Origin": ORIGIN}
        answer = httpx.get(server.sparql, params={"query": "ASK {}"}, headers=headers)
        assert answer.headers["access-control-allow-origin"] == ORIGIN
        other = httpx.get(
            server.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
