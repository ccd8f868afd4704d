"""No request a client can send makes the server answer 5xx; errors are 4xx with one-line reasons.

The app runs in-process (its lifespan in a private event loop with one real query worker) and is
called with raw ASGI messages, so that the sweep controls every byte of the path, the query string,
the headers and the body. What the HTTP layer does (oversized heads, slow clients, Ctrl-C) is tested
on the real ``xpo1kg serve`` at the end.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from serving import HTTP, RunningServer, running_server

from xpo1kg import KnowledgeGraph
from xpo1kg.errors import InputError, QuerySyntaxError, UnknownQueryError, XPO1KGError
from xpo1kg.server.app import create_app
from xpo1kg.server.problems import ClientError, InvalidIRIError, status_of
from xpo1kg.server.runner import NotAcceptableError, QueryTimeout, UpdateRefusedError
from xpo1kg.server.settings import ServerSettings

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MAX_REQUEST = 50_000
#: The fixture that starts a server of its own: its tests are ``slow`` (tests/conftest.py).
SLOW_FIXTURES = frozenset({"live"})


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


async def asgi_call(
    app: Any,
    method: str,
    raw_path: bytes,
    query: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
) -> Answer:
    """Send one request to an ASGI app as a server would, and collect the answer."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        # As uvicorn does: the path is the percent-decoded raw path.
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # no disconnect: the app must not read twice
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status = 0
    response_headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers.update(
                (k.decode("latin-1").lower(), v.decode("latin-1"))
                for k, v in message.get("headers", [])
            )
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return Answer(status, response_headers, b"".join(chunks))


class InProcess:
    """The app with its lifespan running in a background event loop; requests as raw ASGI."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._stop: asyncio.Event | None = None
        ready = threading.Event()

        async def hold() -> None:
            self._stop = asyncio.Event()
            async with app.router.lifespan_context(app):
                await app.state.runner.wait_ready()
                ready.set()
                await self._stop.wait()

        self._held = asyncio.run_coroutine_threadsafe(hold(), self.loop)
        if not ready.wait(120):
            raise RuntimeError("the app did not start")

    def close(self) -> None:
        assert self._stop is not None
        self.loop.call_soon_threadsafe(self._stop.set)
        self._held.result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def request(
        self,
        method: str,
        path: bytes,
        query: bytes = b"",
        headers: list[tuple[bytes, bytes]] | None = None,
        body: bytes = b"",
    ) -> Answer:
        return asyncio.run_coroutine_threadsafe(
            asgi_call(self.app, method, path, query, headers or [], body), self.loop
        ).result(60)


@pytest.fixture(scope="module")
def served(kg: KnowledgeGraph) -> Iterator[InProcess]:
    options = ServerSettings(workers=1, timeout=20, max_rows=50, max_request_bytes=MAX_REQUEST)
    running = InProcess(create_app(kg, options))
    try:
        yield running
    finally:
        running.close()


def route_templates(app: FastAPI) -> list[tuple[str, frozenset[str]]]:
    """Every route of the app (path template, methods), the included routers' and mounts' too."""
    found: list[tuple[str, frozenset[str]]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                walk(included.routes, prefix + route.include_context.prefix)
            elif hasattr(route, "methods") and route.methods:
                found.append((prefix + route.path, frozenset(route.methods)))
            elif hasattr(route, "path"):  # a mount (static files)
                found.append((prefix + route.path + "/{path:path}", frozenset({"GET", "HEAD"})))

    walk(app.routes, "")
    return sorted(found)


def fill(template: str, segment: str) -> bytes:
    """Return the raw path of a route template with every parameter replaced by ``segment``."""
    parts = template.split("/")
    raw = "/".join(segment if p.startswith("{") else p for p in parts)
    return raw.encode("latin-1")


# Raw (already percent-encoded) path segments and parameter values a careless or hostile client
# sends: invalid IRIs, bad percent-escapes, bad UTF-8, control characters, traversal, huge values.
HOSTILE_VALUES = [
    "",
    "%",
    "%25",
    "%2",
    "%ZZ",
    "%3Cx%3E",
    "a%20b",
    "%7Bx%7D",
    "%00",
    "%0D%0Aset-cookie:%20x",
    "%FF",
    "%C3%28",
    "%ED%A0%80",
    "%E2%80%AE",
    "..%2F..%2Fetc%2Fpasswd",
    "%2F%2F%2F",
    "http:%2F%2Fexample.org%2F%3Cscript%3E",
    "not%20an%20iri",
    "%22%27%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "a" * 40_000,
    "%F0%9F%98%80" * 500,
    "TP53",
]
PARAMETERS = [
    "query",
    "iri",
    "format",
    "example",
    "load",
    "default-graph-uri",
    "named-graph-uri",
    "update",
    "no-such-parameter",
]
RAW_QUERY_STRINGS = [
    b"&&&",
    b"=",
    b"query",
    b"query=%",
    b"query=ASK%7B%7D&query=ASK%7B%7D",
    b"query=ASK%7B%7D&format=",
    b"query=ASK%7B%7D&format=%FF",
    b"query=ASK%7B%7D&format=csv-excel",
    b"iri=%FF%FE",
    b"\xff\xfe=\xff",
    b"a=\x00\x01",
    b"format=ttl&format=nope",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"]
ACCEPTS = [
    b"",
    b";;;",
    b",,,",
    b"*/*;q=x",
    b"text/html;q=2",
    b"text/html;q=-1, */*;q=nan",
    b"image/png",
    b"*/*;q=0",
    b"application/json",
    BROWSER.encode(),
    b"a" * 20_000,
    b"\xff\xfe/\xff",
]
BODIES: list[tuple[bytes, bytes]] = [
    (b"application/x-www-form-urlencoded", b""),
    (b"application/x-www-form-urlencoded", b"%FF"),
    (b"application/x-www-form-urlencoded", b"query=%"),
    (b"application/x-www-form-urlencoded", b"query"),
    (b"application/x-www-form-urlencoded", b"\xff\xfe\x00"),
    (b"application/x-www-form-urlencoded", b"query=ASK%7B%7D&default-graph-uri=a%20b"),
    (b"application/sparql-query", b""),
    (b"application/sparql-query", b"\xff\xfeA\x00S\x00K\x00"),
    (b"application/sparql-query", b"SELECT * {{{"),
    (b"application/sparql-update", b"DROP ALL"),
    (b"multipart/form-data; boundary=x", b"--x\r\ngarbage"),
    (b"text/plain; charset=utf-16", b"\xff\xfe"),
    (b"application/json", b"{"),
    (b"", b"query=ASK{}"),
    (b"\xff", b"x"),
    (b"application/x-www-form-urlencoded", b"query=" + b"x" * (MAX_REQUEST + 1)),
]


def requests_to_sweep(app: FastAPI) -> Iterator[tuple[str, bytes, bytes, list[Any], bytes]]:
    """(method, raw path, query string, headers, body) of every malformed request of the sweep."""
    routes = route_templates(app)
    for template, methods in routes:
        method = "GET" if "GET" in methods else min(methods)
        good_path = fill(template, "TP53" if "resource" in template else "style.css")
        if "questions" in template:
            good_path = fill(template, "cargo_triggering_apoptosis")
        for value in HOSTILE_VALUES:
            yield method, fill(template, value), b"", [], b""
        for name, value in itertools.product(PARAMETERS, HOSTILE_VALUES):
            yield method, good_path, f"{name}={value}".encode(), [], b""
        for query in RAW_QUERY_STRINGS:
            yield method, good_path, query, [], b""
        for verb in METHODS:
            yield verb, good_path, b"", [], b""
        for accept in ACCEPTS:
            yield method, good_path, b"", [(b"accept", accept)], b""
            yield method, good_path, b"query=ASK%7B%7D", [(b"accept", accept)], b""
        for content_type, body in BODIES:
            headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body))]
            yield "POST", good_path, b"", headers, body
        yield method, good_path, b"q=" + b"x" * (MAX_REQUEST + 1), [], b""
        lying = [(b"content-length", b"99999999999999999999"), (b"content-type", b"x/y")]
        yield "POST", good_path, b"", lying, b""
        yield method, good_path, b"", [(b"content-length", b"-1")], b""


def check_error(answer: Answer, what: str) -> None:
    """A refusal is 4xx with a one-line reason; no answer is ever 5xx or shows a traceback."""
    assert answer.status < 500, f"{what} -> {answer.status}: {answer.body[:300]!r}"
    assert b"Traceback" not in answer.body, what
    if answer.status < 400 or not answer.body:  # HEAD: no body
        return
    content_type = answer.headers.get("content-type", "")
    if content_type.startswith("text/plain"):
        lines = answer.text.splitlines()
        assert len(lines) == 1 and lines[0].strip(), f"{what}: {answer.body[:300]!r}"
    elif content_type.startswith("text/html"):
        assert '<p class="error" role="alert">' in answer.text, what
    else:
        assert content_type == "application/problem+json", what
        assert json.loads(answer.body)["status"] == answer.status, what


@pytest.mark.slow  # end to end: over a thousand requests through the whole server
def test_sweep_of_malformed_requests_finds_no_server_error(served: InProcess) -> None:
    routes = route_templates(served.app)
    # Every route is swept: the pages, /sparql, the entity routes and the static files.
    assert {"/sparql", "/resource/{local:path}", "/query", "/static/{path:path}"} <= {
        path for path, _ in routes
    }
    count = 0
    for method, path, query, headers, body in requests_to_sweep(served.app):
        answer = served.request(method, path, query, headers, body)
        check_error(answer, f"{method} {path[:80]!r}?{query[:80]!r} {headers!r:.120} {body[:40]!r}")
        count += 1
    assert count > 1000


path_bytes = st.binary(max_size=60).map(lambda b: quote(b, safe="/%").encode())
query_bytes = st.binary(max_size=80)
header_bytes = st.binary(max_size=60).filter(lambda b: b"\r" not in b and b"\n" not in b)


@settings(max_examples=150, deadline=None)
@given(
    route=st.sampled_from(["/sparql", "/resource", "/resource/", "/ontology/", "/query", "/"]),
    tail=path_bytes,
    method=st.sampled_from(["GET", "POST", "HEAD"]),
    query=query_bytes,
    accept=header_bytes,
    content_type=st.sampled_from(
        [b"application/x-www-form-urlencoded", b"application/sparql-query", b"text/plain"]
    ),
    body=st.binary(max_size=80),
)
def test_random_requests_find_no_server_error(
    served: InProcess,
    route: str,
    tail: bytes,
    method: str,
    query: bytes,
    accept: bytes,
    content_type: bytes,
    body: bytes,
) -> None:
    path = route.encode() + (tail if route.endswith("/") else b"")
    headers = [(b"accept", accept), (b"content-type", content_type)]
    answer = served.request(method, path, query, headers, body if method == "POST" else b"")
    check_error(answer, f"{method} {path!r}?{query!r} {headers!r} {body!r}")


# The reproductions of issue 11: each is a 4xx with a one-line reason, never a 500.
REPRODUCTIONS = [
    ("/resource/%3Cx%3E", b"", 400, "entity 'https://w3id.org/xpo1kg/resource/<x>' is not a valid"),
    ("/resource/a%20b", b"", 400, "entity 'https://w3id.org/xpo1kg/resource/a b' is not a valid"),
    ("/resource/%25", b"", 400, "entity 'https://w3id.org/xpo1kg/resource/%' is not a valid"),
    ("/ontology/%7Bx%7D", b"", 400, "entity 'https://w3id.org/xpo1kg/ontology/{x}' is not a valid"),
    ("/resource", b"iri=not%20an%20iri", 400, "entity 'not an iri' is not a valid IRI"),
    (
        "/sparql",
        b"query=ASK%7B%7D&default-graph-uri=not%20an%20iri",
        400,
        "default-graph-uri 'not an iri' is not a valid IRI",
    ),
    (
        "/sparql",
        b"query=ASK%7B%7D&named-graph-uri=a%20b",
        400,
        "named-graph-uri 'a b' is not a valid IRI",
    ),
    ("/resource/NoSuchThing", b"", 404, "unknown entity: https://w3id.org/xpo1kg/resource/"),
    ("/no/such/page", b"", 404, "no such page: '/no/such/page'"),
]


@pytest.mark.parametrize(("path", "query", "status", "reason"), REPRODUCTIONS)
def test_reproductions_are_client_errors_with_one_line(
    served: InProcess, path: str, query: bytes, status: int, reason: str
) -> None:
    answer = served.request("GET", path.encode(), query)
    assert answer.status == status
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.text.startswith(reason)
    assert answer.text.count("\n") == 1 and answer.text.endswith("\n")


@pytest.mark.parametrize(("path", "query", "status", "reason"), REPRODUCTIONS)
def test_browsers_get_an_html_error_page(
    served: InProcess, path: str, query: bytes, status: int, reason: str
) -> None:
    answer = served.request("GET", path.encode(), query, [(b"accept", BROWSER.encode())])
    assert answer.status == status
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["vary"] == "Accept"
    page = answer.text
    assert f"<title>{status} " in page
    # The reason is shown escaped (it quotes the client's input).
    shown = reason.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert '<p class="error" role="alert">' + shown.replace("'", "&#39;") in page


def test_json_clients_get_a_problem_document(served: InProcess) -> None:
    answer = served.request("GET", b"/resource/a%20b", headers=[(b"accept", b"application/json")])
    assert answer.status == 400
    assert answer.headers["content-type"] == "application/problem+json"
    problem = json.loads(answer.body)
    assert problem["status"] == 400 and problem["title"] == "Bad Request"
    assert problem["detail"].startswith("entity 'https://w3id.org/xpo1kg/resource/a b' is not")


def test_wrong_method_is_405_with_allowed_methods(served: InProcess) -> None:
    answer = served.request("DELETE", b"/sparql")
    assert answer.status == 405
    assert answer.text == "method 'DELETE' is not allowed here (allowed: GET, HEAD, POST)\n"
    assert answer.headers["allow"] == "GET, HEAD, POST"


def test_dead_worker_answers_503_and_is_replaced(served: InProcess) -> None:
    runner = served.app.state.runner
    (pid,) = runner.pids
    os.kill(pid, signal.SIGKILL)
    while Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z":
        time.sleep(0.01)  # until the worker is dead (a zombie until the runner retires it)
    answer = served.request("GET", b"/sparql", b"query=ASK%7B%7D")
    assert answer.status == 503
    assert answer.text == "the query worker stopped unexpectedly\n"
    # A fresh worker took its place: the next query is answered.
    asyncio.run_coroutine_threadsafe(runner.wait_ready(), served.loop).result(120)
    again = served.request("GET", b"/sparql", b"query=ASK%7B%7D")
    assert again.status == 200
    assert runner.pids != [pid]


def test_unexpected_error_is_logged_once_and_answers_500_without_traceback(
    kg: KnowledgeGraph, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(kg, ServerSettings(workers=1))

    @app.get("/bug")
    def bug() -> None:
        raise RuntimeError("a genuine server bug")

    with caplog.at_level(logging.ERROR, logger="xpo1kg.server"):
        answer = asyncio.run(asgi_call(app, "GET", b"/bug", b"", [], b""))
    assert answer.status == 500
    assert answer.text == (
        "internal server error (a bug, logged on the server); please report it\n"
    )
    records = [r for r in caplog.records if r.name == "xpo1kg.server"]
    assert len(records) == 1
    assert records[0].exc_info is not None and "a genuine server bug" in str(records[0].exc_info[1])


# --- the real server: request heads, slow clients, Ctrl-C -------------------------------------


@pytest.fixture(scope="module")
def live() -> Iterator[RunningServer]:
    options = ("--workers", "1", "--read-timeout", "1", "--max-request-bytes", "4096")
    with running_server(*options) as running:
        yield running


def raw_exchange(server: RunningServer, request: bytes) -> bytes:
    """Send raw bytes, then read until the server closes (a socket timeout only as a guard)."""
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def status_and_body(answer: bytes) -> tuple[bytes, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


@pytest.mark.parametrize(
    ("target", "headers", "reason"),
    [
        # Over the cap but within the head allowance: the app's own check.
        (b"/sparql?x=" + b"a" * 10_000, b"", b"the query string is larger than"),
        # Past what the HTTP layer buffers (cap + 64 KiB): 413 too, not uvicorn's bare 400.
        (b"/sparql?x=" + b"a" * 300_000, b"", b"the request line and headers are larger than"),
        (b"/sparql", b"X-Big: " + b"a" * 300_000 + b"\r\n", b"the request line and headers"),
    ],
)
def test_oversized_request_heads_are_413(
    live: RunningServer, target: bytes, headers: bytes, reason: bytes
) -> None:
    request = (
        b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n" + headers + b"Connection: close\r\n\r\n"
    )
    status, body = status_and_body(raw_exchange(live, request))
    assert status == b"HTTP/1.1 413 Request Entity Too Large"
    assert reason in body


def test_slow_client_is_timed_out_with_408(live: RunningServer) -> None:
    # Half a request head, then nothing: the server answers 408 and closes.
    answer = raw_exchange(live, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
    status, body = status_and_body(answer)
    assert status == b"HTTP/1.1 408 Request Timeout"
    assert body == b"request not received within 1 s\n"
    # A body that never arrives: the connection is closed (the app saw a disconnect).
    stalled = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    assert raw_exchange(live, stalled + b"Content-Length: 100\r\n\r\nASK") == b""
    # The server is still serving.
    assert HTTP.get(live.sparql, params={"query": "ASK {}"}).status_code == 200


@pytest.mark.slow  # a server of its own
def test_ctrl_c_stops_the_server_cleanly_with_exit_0() -> None:
    with running_server("--workers", "2") as running:
        workers = running.workers()
        assert len(workers) == 2
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(60) == 0
        stderr = running.process.stderr.read() if running.process.stderr else b""
    assert b"Traceback" not in stderr and b"Aborted" not in stderr
    assert stderr.rstrip().endswith(b"stopped")
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists(), f"worker {pid} outlived the server"


class _AnswerTooLargeError(XPO1KGError):
    http_status = 413


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ClientError(415, "x"), 415),
        (InvalidIRIError("x"), 400),
        (QuerySyntaxError("x"), 400),
        (UpdateRefusedError("x"), 400),
        (InputError("x"), 400),
        (UnknownQueryError("x", []), 404),
        (NotAcceptableError("x"), 406),
        (_AnswerTooLargeError("x"), 413),
        (QueryTimeout("x"), 503),
        (XPO1KGError("the query worker stopped unexpectedly"), 503),
    ],
)
def test_status_of_each_error(error: XPO1KGError, status: int) -> None:
    assert status_of(error) == status
