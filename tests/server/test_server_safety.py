"""What a public endpoint refuses or limits: SERVICE, updates, LOAD, time, rows, size, CORS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serving import HTTP, RunningServer, running_server
from sparql_cases import service_queries

from xpo1kg import load_graph
from xpo1kg.errors import QuerySyntaxError
from xpo1kg.query.sparql_lexer import scan

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ORIGIN = "https://example.org"
STOPPED = "query stopped after 2 s (the time limit of this endpoint)\n"


# Tests that need a real server are left out of the quick run (tests/conftest.py).
SLOW_FIXTURES = frozenset({"server", "big_server"})


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server("--timeout", "2", "--max-rows", "5", "--max-request-bytes", "4096") as s:
        yield s


def count_triples(server: RunningServer) -> int:
    answer = HTTP.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_service_refused_without_connecting(server: RunningServer) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        answer = HTTP.get(server.sparql, params={"query": query})
        assert answer.status_code == 400
        assert answer.text == "SERVICE is not allowed: queries never contact other servers\n"
        time.sleep(0.5)
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_endless_query_stopped_at_timeout_and_worker_killed(server: RunningServer) -> None:
    workers = server.workers()
    assert len(workers) == 2
    answer = HTTP.get(server.sparql, params={"query": ENDLESS}, timeout=30)
    assert answer.status_code == 503
    assert answer.text == STOPPED
    # Exactly one worker was killed and replaced; the killed process is gone.
    killed = workers - server.workers()
    assert len(killed) == 1
    assert not os.path.exists(f"/proc/{killed.pop()}")
    # The server still answers.
    assert HTTP.get(server.sparql, params={"query": "ASK {}"}).json()["boolean"] is True
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
    assert HTTP.get(server.sparql, params={"query": "ASK {}"}).json()["boolean"] is True
    assert server.workers().isdisjoint(workers)


def endless_answer(server: RunningServer) -> tuple[int, str]:
    answer = HTTP.get(server.sparql, params={"query": ENDLESS}, timeout=30)
    return answer.status_code, answer.text


def ready(server: RunningServer) -> bool:
    answer = HTTP.get(server.sparql, params={"query": "ASK {}"}, timeout=30)
    return answer.status_code == 200


def test_update_parameter_refused_and_data_unchanged(server: RunningServer) -> None:
    before = count_triples(server)
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    answer = HTTP.post(server.sparql, data={"update": update})
    assert answer.status_code == 400
    assert answer.text == "SPARQL Update is not allowed: this endpoint is read-only\n"
    direct = HTTP.post(
        server.sparql,
        content=update.encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    assert direct.status_code == 400
    as_query = HTTP.get(server.sparql, params={"query": update})
    assert as_query.status_code == 400
    assert as_query.text == "SPARQL Update (INSERT) is not allowed: this endpoint is read-only\n"
    served = load_graph()  # the server serves the asserted and the inferred facts (the default)
    assert count_triples(server) == before == len(served) + len(served.inferred)


def test_load_refused(server: RunningServer) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
        answer = HTTP.post(server.sparql, data={"query": f"LOAD <{url}>"})
        assert answer.status_code == 400
        assert answer.text == "SPARQL Update (LOAD) is not allowed: this endpoint is read-only\n"
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_oversized_request_refused(server: RunningServer) -> None:
    padding = "#" + "x" * 5000 + "\n"
    answer = HTTP.post(server.sparql, data={"query": padding + "ASK {}"})
    assert answer.status_code == 413
    assert "larger than this endpoint accepts (4,096 bytes)" in answer.text
    assert HTTP.post(server.sparql, data={"query": "ASK {}"}).status_code == 200


def test_row_cap_truncation_flagged(server: RunningServer) -> None:
    query = "SELECT ?s WHERE { ?s a xo:TumorSuppressor } ORDER BY ?s"
    answer = HTTP.get(server.sparql, params={"query": query})
    assert answer.headers["x-sparql-truncated"] == "true; max-rows=5"
    document = answer.json()
    assert len(document["results"]["bindings"]) == 5
    assert document["head"]["link"] == ["https://w3id.org/xpo1kg/server#truncated"]
    csv = HTTP.get(server.sparql, params={"query": query}, headers={"Accept": "text/csv"})
    assert csv.headers["x-sparql-truncated"] == "true; max-rows=5"
    assert len(csv.text.splitlines()) == 6
    small = HTTP.get(server.sparql, params={"query": query.replace("ORDER BY ?s", "LIMIT 5")})
    assert "x-sparql-truncated" not in small.headers
    assert "link" not in small.json()["head"]


def test_cors_header_absent_by_default(server: RunningServer) -> None:
    answer = HTTP.get(server.sparql, params={"query": "ASK {}"}, headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.slow  # a server of its own
def test_cors_header_present_when_allowed() -> None:
    with running_server("--cors-origin", ORIGIN, "--workers", "1") as server:
        headers = {"Origin": ORIGIN}
        answer = HTTP.get(server.sparql, params={"query": "ASK {}"}, headers=headers)
        assert answer.headers["access-control-allow-origin"] == ORIGIN
        other = HTTP.get(
            server.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers


# --- issue 11: the SERVICE guard, nesting, denial of service, memory and answer size ---------

SERVICE_REPRODUCTIONS = [
    (
        "SELECT ?x {{ OPTIONAL {{ ?a xo:b\\#c ?d }} SERVICE <http://127.0.0.1:{port}/sparql> "
        "{{ ?x ?y ?z }} }}"
    ),
    (
        'SELECT ?x {{ BIND("""a\\"""" AS ?q) SERVICE <http://127.0.0.1:{port}/sparql> '
        "{{ ?x ?y ?z }} }}"
    ),
]
SERVICE_LINE = "SERVICE is not allowed: queries never contact other servers\n"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        sock.setblocking(False)
        yield sock


def no_connection(sock: socket.socket) -> bool:
    try:
        connection, _ = sock.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def each_way(server: RunningServer, query: str) -> list[httpx.Response]:
    """Send a query by GET, form POST, direct POST and the /query page."""
    return [
        HTTP.get(server.sparql, params={"query": query}),
        HTTP.post(server.sparql, data={"query": query}),
        HTTP.post(
            server.sparql,
            content=query.encode(),
            headers={"Content-Type": "application/sparql-query"},
        ),
        HTTP.get(server.base + "/query", params={"query": query}),
    ]


@pytest.mark.parametrize("template", SERVICE_REPRODUCTIONS)
def test_service_reproductions_refused_every_way(
    server: RunningServer, listener: socket.socket, template: str
) -> None:
    query = template.format(port=listener.getsockname()[1])
    protocol_get, form, direct, page = each_way(server, query)
    for answer in (protocol_get, form, direct):
        assert (answer.status_code, answer.text) == (400, SERVICE_LINE)
    assert page.status_code == 400
    assert SERVICE_LINE.strip() in page.text
    time.sleep(0.2)
    assert no_connection(listener)


@pytest.fixture(scope="module")
def big_server() -> Iterator[RunningServer]:
    """A server with room for megabyte queries, a 1 MB answer cap and 1 GiB workers."""
    options = ("--max-request-bytes", "1100000", "--max-response-bytes", "1000000")
    with running_server(*options, "--max-worker-memory", str(2**30), "--timeout", "60") as s:
        yield s


def test_deep_nesting_refused_with_one_line(big_server: RunningServer) -> None:
    query = "SELECT * " + "{" * 3000 + "}" * 3000
    for answer in each_way(big_server, query)[:3]:
        assert answer.status_code == 400
        assert answer.text.startswith(
            "invalid SPARQL at line 1, column 74: nesting deeper than 64 levels of brackets, "
            "braces or parentheses"
        )
    assert HTTP.get(big_server.sparql, params={"query": "ASK {}"}).json()["boolean"] is True


def test_megabyte_adversarial_query_does_not_block_other_clients(
    big_server: RunningServer,
) -> None:
    """A megabyte of tokens ending in an open string: refused, while another client is served."""
    hostile = "SELECT * { " + "?s " * 330_000 + "?p '" + "\\'" * 5_000
    outcome: list[str] = []
    uploaded, done = threading.Event(), threading.Event()

    def body() -> Iterator[bytes]:
        data = hostile.encode()
        for start in range(0, len(data), 65536):
            yield data[start : start + 65536]
        uploaded.set()  # the server now has the whole text and reads it

    def send_hostile() -> None:
        answer = HTTP.post(
            big_server.sparql,
            content=body(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=120,
        )
        outcome.append(f"{answer.status_code} {answer.text.strip()}")
        done.set()

    sender = threading.Thread(target=send_hostile)
    sender.start()
    uploaded.wait(60)
    # Another client asks again and again while the hostile text is being read.
    answered_meanwhile = 0
    while not done.is_set():
        answer = HTTP.get(big_server.sparql, params={"query": "ASK {}"}, timeout=120)
        assert answer.json()["boolean"] is True
        answered_meanwhile += not done.is_set()
    sender.join()
    assert answered_meanwhile > 0, outcome
    assert outcome[0].startswith("400 invalid SPARQL at line 1, column ")
    assert ": the string that starts here is never closed" in outcome[0]


def test_memory_hungry_query_gets_503_and_the_server_stays_up(big_server: RunningServer) -> None:
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(30))
    query = f'SELECT (STRLEN(?s30) AS ?n) {{ BIND("ab" AS ?s0) {binds} }}'
    before = big_server.workers()
    answer = HTTP.get(big_server.sparql, params={"query": query}, timeout=120)
    assert answer.status_code == 503
    assert answer.text == (
        "the query worker stopped: the query needed more memory than this endpoint allows "
        "(1,024 MiB per query)\n"
    )
    assert HTTP.get(big_server.sparql, params={"query": "ASK {}"}).json()["boolean"] is True
    deadline = time.monotonic() + 60
    while len(big_server.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    after = big_server.workers()
    assert len(after) == 2
    assert len(before - after) == 1  # the worker that ran out of memory was replaced


def test_answer_cut_at_the_response_size_cap_and_flagged(big_server: RunningServer) -> None:
    """2,000 rows of a 64 KB string (128 MB) would be sent whole: cut at 1 MB and flagged."""
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(16))
    rows = " ".join(str(i) for i in range(2000))
    query = f'SELECT ?i ?s16 {{ VALUES ?i {{ {rows} }} BIND("a" AS ?s0) {binds} }}'
    answer = HTTP.get(big_server.sparql, params={"query": query}, timeout=120)
    assert answer.status_code == 200
    assert answer.headers["x-sparql-truncated"] == "true; max-response-bytes=1000000"
    assert len(answer.content) <= 1_000_000
    document = answer.json()
    assert document["head"]["link"] == ["https://w3id.org/xpo1kg/server#truncated"]
    assert 0 < len(document["results"]["bindings"]) < 2000
    assert all(len(row["s16"]["value"]) == 2**16 for row in document["results"]["bindings"])
    csv = HTTP.get(
        big_server.sparql, params={"query": query}, headers={"Accept": "text/csv"}, timeout=120
    )
    assert csv.headers["x-sparql-truncated"] == "true; max-response-bytes=1000000"
    assert len(csv.content) <= 1_000_000


def test_workers_have_no_network(big_server: RunningServer) -> None:
    """Each worker runs in a network namespace of its own (or the server said it could not)."""
    own = os.readlink(f"/proc/{big_server.process.pid}/ns/net")
    isolated = isolate_network_here() is None
    for _ in range(300):  # a worker just started (after another test) isolates itself first thing
        spaces = [os.readlink(f"/proc/{pid}/ns/net") for pid in big_server.workers()]
        if len(spaces) == 2 and (own not in spaces) == isolated:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the workers never reached their namespaces: server {own}, workers {spaces}")
    # Isolated: each worker in a namespace of its own. Otherwise, the documented fallback
    # (the server logged one line at startup saying so).
    assert len(set(spaces)) == (2 if isolated else 1)


def isolate_network_here() -> str | None:
    """Whether this machine allows the isolation (checked in a throw-away process)."""
    probe = "from xpo1kg.server.worker import isolate_network; print(isolate_network() or '')"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.strip() or None


def test_isolated_worker_cannot_connect_even_to_loopback(listener: socket.socket) -> None:
    """In the worker's namespace the bare engine's SERVICE fails and nothing reaches 127.0.0.1."""
    port = listener.getsockname()[1]
    probe = (
        "import pyoxigraph as ox, socket, sys\n"
        "from xpo1kg.server.worker import isolate_network\n"
        "reason = isolate_network()\n"
        "if reason: print('unavailable:', reason); sys.exit(0)\n"
        "try:\n"
        f"    list(ox.Store().query('SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}'))\n"
        "except OSError as error: print('engine refused:', error)\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=5)\n"
        "except OSError as error: print('socket refused:', error.strerror)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    lines = done.stdout.splitlines()
    if lines[0].startswith("unavailable:"):
        assert isolate_network_here() is not None
    else:
        assert lines[0].startswith("engine refused:")
        assert lines[1] == "socket refused: Network is unreachable"
    time.sleep(0.2)
    assert no_connection(listener)


@pytest.fixture(scope="module")
def module_listener() -> Iterator[socket.socket]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.setblocking(False)
        yield sock


@settings(
    max_examples=int(os.environ.get("XPO1KG_SERVICE_HTTP_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(template=service_queries(), way=st.integers(0, 3))
def test_property_service_never_connects_over_http(
    server: RunningServer, module_listener: socket.socket, template: str, way: int
) -> None:
    """Generated hostile queries, each sent one of the four ways: 400, and no connection."""
    query = template.replace("PORT", str(module_listener.getsockname()[1]))
    answer = each_way_one(server, query, way)
    # 200 only when the text holds no SERVICE in code (it sits in a string or a comment).
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 200:
        assert not scan_reports_service(query)
    assert no_connection(module_listener)


def each_way_one(server: RunningServer, query: str, way: int) -> httpx.Response:
    if way == 0:
        return HTTP.get(server.sparql, params={"query": query})
    if way == 1:
        return HTTP.post(server.sparql, data={"query": query})
    if way == 2:
        headers = {"Content-Type": "application/sparql-query"}
        return HTTP.post(server.sparql, content=query.encode(), headers=headers)
    return HTTP.get(server.base + "/query", params={"query": query})


def scan_reports_service(query: str) -> bool:
    try:
        return scan(query).service
    except QuerySyntaxError:
        return True
