"""Remote SPARQL servers: ``--endpoint`` against a real Oxigraph server started for this module.

``xpo1kg load --endpoint`` pushes the bundled graph and the user's files over the Graph Store
Protocol, one named graph each; ``xpo1kg query --endpoint`` then answers every competency query
as the embedded store does (numbers compared by value: servers may write 810 as 810.0).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph as ox
import pytest
from cli_runs import Outcome, assert_ok, run
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import BNode, URIRef
from script_modules import load_generator

from xpo1kg import KnowledgeGraph, list_queries, load_graph
from xpo1kg.errors import InputError, QuerySyntaxError
from xpo1kg.rdf.loading import graph_name
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.terms import canonical_literal
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.store.embedded import Store
from xpo1kg.store.remote import (
    PASSWORD_VARIABLE,
    RemoteEndpoint,
    _missing_prefixes,
    place_bindings,
)

ROOT = Path(__file__).parents[1]
USER = "https://w3id.org/xpo1kg/graph/user/"
XR = "https://w3id.org/xpo1kg/resource/"
MEASUREMENTS = 30
SEED = 9
QUERIES = [q.name for q in list_queries() if not q.requires_inference]
_IC50_TABLE = next(q.sparql for q in list_queries() if q.name == "ic50_table")
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


generator = load_generator()


def error_line(outcome: Outcome, exit_code: int | None = 2) -> str:
    """Assert a failure (``exit_code``, or any non-zero) told in one line, without a traceback."""
    assert outcome.uncaught is None, repr(outcome.uncaught)
    if exit_code is None:
        assert outcome.exit_code != 0, outcome.stdout
    else:
        assert outcome.exit_code == exit_code, f"exit {outcome.exit_code}\n{outcome.stderr}"
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    # `load` prints its progress bar's label first when stderr is not a terminal.
    assert lines and all(line in ("uploading", "") for line in lines[:-1]), outcome.stderr
    assert lines[-1].startswith("error: "), outcome.stderr
    return lines[-1]


def normalised(value: Any) -> Any:
    """Numbers as normalised Decimals (810, 810.0 and 8.1E2 are equal); other values as they are."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return f"{Decimal(str(value)).normalize():f}"
    return value


def rows(text: str) -> Counter[tuple[tuple[str, Any], ...]]:
    """JSON output of ``xpo1kg query`` as a multiset of rows (ties in ORDER BY may come in any order)."""
    records = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    return Counter(
        tuple((key, normalised(value)) for key, value in sorted(record.items()))
        for record in records
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


# --- fixtures -----------------------------------------------------------------------------------


# Tests that need a real server are left out of the quick run (tests/conftest.py).
SLOW_FIXTURES = frozenset({"endpoint"})


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh Oxigraph server on a free local port; yields its SPARQL query URL."""
    binary = oxigraph_binary()
    if binary is None:
        message = "the Oxigraph server (pip install oxigraph) is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    log = (directory / "server.log").open("wb")
    server = subprocess.Popen(
        [
            binary, "serve", "--location", str(directory / "data"),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not answers(f"http://127.0.0.1:{port}/"):
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (directory / "server.log").read_text(errors="replace")
                pytest.fail(f"the Oxigraph server did not start (exit {server.poll()}):\n{output}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.ttl"
    generator.write(path, MEASUREMENTS, SEED, "ttl")
    return path


@pytest.fixture(scope="module")
def loaded(endpoint: str, synthetic: Path) -> str:
    """The server after ``xpo1kg load --endpoint URL synthetic.ttl``."""
    outcome = run("load", "--endpoint", endpoint, synthetic)
    assert_ok(outcome)
    last = outcome.stderr.splitlines()[-1]
    assert last == f"loaded 1 file(s) and the bundled graph into {endpoint}", outcome.stderr
    return endpoint


@pytest.fixture(scope="module")
def expected_graphs(synthetic: Path) -> dict[str, int]:
    """Triples per named graph, as the embedded store holds them."""
    memory = Store()
    for source in [ontology_file(), *data_files(), synthetic]:
        memory.add_source(source)
    return memory.graphs()


def graph_sizes(url: str) -> dict[str, int]:
    result = RemoteEndpoint(url).query(GRAPH_SIZES)
    return {str(r["g"]): int(r["n"]) for r in result.records()}  # type: ignore[arg-type]


# --- load ---------------------------------------------------------------------------------------


def test_load_pushes_one_named_graph_per_file(
    loaded: str, synthetic: Path, expected_graphs: dict[str, int]
) -> None:
    assert graph_sizes(loaded) == expected_graphs
    assert str(graph_name(ontology_file())) in expected_graphs
    assert f"{USER}synthetic.ttl" in expected_graphs
    ask = f"""ASK {{ GRAPH <{USER}synthetic.ttl> {{
        <{XR}synthetic/measurement/0000001> a <https://w3id.org/xpo1kg/ontology/IC50Measurement>
    }} }}"""
    assert RemoteEndpoint(loaded).query(ask).column("ask") == [True]


def test_loading_again_replaces_the_graphs(
    loaded: str, synthetic: Path, expected_graphs: dict[str, int]
) -> None:
    assert_ok(run("load", "--endpoint", loaded, synthetic))
    assert graph_sizes(loaded) == expected_graphs


def test_relative_iris_resolve_as_in_the_embedded_store(
    endpoint: str, loaded: str, tmp_path: Path
) -> None:
    relative = tmp_path / "relative.ttl"
    relative.write_bytes(b"\xef\xbb\xbf<#me> <http://example.org/p> <other> .\n")
    assert_ok(run("load", "--endpoint", endpoint, relative))
    sparql = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }"
    remote = run("query", "--sparql", sparql, "--endpoint", endpoint, "--format", "json")
    embedded = run(
        "query", "--sparql", sparql, "--data", relative, "--format", "json", "--no-inferred"
    )
    assert_ok(remote)
    assert_ok(embedded)
    assert json.loads(remote.stdout) == json.loads(embedded.stdout) != []
    assert json.loads(remote.stdout)[0]["s"] == "https://w3id.org/xpo1kg/file/relative.ttl#me"
    request = urllib.request.Request(
        endpoint.removesuffix("/query") + f"/store?graph={USER}relative.ttl", method="DELETE"
    )
    urllib.request.urlopen(request, timeout=10).close()


def test_load_of_a_malformed_file_is_refused(loaded: str, tmp_path: Path) -> None:
    bad = tmp_path / "synthetic.ttl"  # the name of a loaded graph, which must survive
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "never closed .\n')
    before = graph_sizes(loaded)
    line = error_line(run("load", "--endpoint", loaded, bad))
    assert "synthetic.ttl" in line and "refused" in line, line
    assert graph_sizes(loaded) == before


# --- queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", QUERIES)
def test_competency_query_matches_the_embedded_store(
    name: str, loaded: str, synthetic: Path
) -> None:
    remote = run("query", name, "--endpoint", loaded, "--format", "json")
    embedded = run("query", name, "--data", synthetic, "--format", "json", "--no-inferred")
    assert_ok(remote)
    assert_ok(embedded)
    assert rows(remote.stdout) == rows(embedded.stdout)


@pytest.mark.parametrize("name", QUERIES)
def test_competency_query_rows_come_in_the_same_order_on_every_server(
    name: str, loaded: str, synthetic: Path
) -> None:
    """Every competency query orders its rows totally, so servers agree on the order too."""
    remote = run("query", name, "--endpoint", loaded, "--format", "json")
    embedded = run("query", name, "--data", synthetic, "--format", "json", "--no-inferred")
    assert_ok(remote)
    assert_ok(embedded)
    ordered = [
        [
            tuple((key, normalised(value)) for key, value in sorted(record.items()))
            for record in json.loads(answer.stdout, parse_float=Decimal, parse_int=Decimal)
        ]
        for answer in (remote, embedded)
    ]
    assert ordered[0] == ordered[1]


def test_records_match_through_the_api(loaded: str, synthetic: Path) -> None:
    """The same comparison on :meth:`QueryResult.records` (Decimals compare by value)."""
    kg = load_graph([synthetic], inferred=False)  # the server holds no inferred graph
    server = RemoteEndpoint(loaded)
    for query in list_queries():
        if query.requires_inference:
            continue
        remote = sorted(map(repr, map(_normalised_record, server.query(query.sparql).records())))
        embedded = sorted(map(repr, map(_normalised_record, kg.run(query.name).records())))
        assert remote == embedded, query.name
    table = server.query(_IC50_TABLE).records()
    assert sum("/synthetic/" in str(r["measurement"]) for r in table) == MEASUREMENTS


def _normalised_record(record: dict[str, Any]) -> dict[str, Any]:
    return {key: normalised(value) for key, value in record.items()}


@pytest.mark.parametrize(
    "binding",
    [
        "inhibitor_label=selinexor",
        "measurement=xr:IC50_selinexor_BT-549",
        f"measurement={XR}synthetic/measurement/0000002",
    ],
)
def test_bind_works_remotely(binding: str, loaded: str, synthetic: Path) -> None:
    options = ("ic50_table", "--bind", binding, "--format", "json")
    remote = run("query", *options, "--endpoint", loaded)
    embedded = run("query", *options, "--data", synthetic, "--no-inferred")
    assert_ok(remote)
    assert_ok(embedded)
    assert rows(remote.stdout) == rows(embedded.stdout)
    found = json.loads(remote.stdout)
    name, _, value = binding.partition("=")
    assert found, remote.stdout
    assert {str(r[name]).replace(XR, "xr:") for r in found} == {value.replace(XR, "xr:")}


def test_bind_of_an_unprojected_variable_and_project_prefixes(loaded: str, synthetic: Path) -> None:
    """``?s`` is not selected, and ``rdfs:`` is not declared: both work as in the embedded store."""
    options = ("--sparql", "SELECT ?label WHERE { ?s rdfs:label ?label }", "--bind", "s=xr:TP53")
    remote = run("query", *options, "--endpoint", loaded, "--format", "json")
    embedded = run("query", *options, "--data", synthetic, "--format", "json", "--no-inferred")
    assert_ok(remote)
    assert_ok(embedded)
    assert json.loads(remote.stdout) == json.loads(embedded.stdout) == [{"label": "TP53"}]


# --- refusals and errors ------------------------------------------------------------------------


def test_service_is_refused_before_anything_is_sent(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[object] = []

    def record(request: object, *args: object, **kwargs: object) -> object:
        sent.append(request)
        raise AssertionError("a request was sent")

    monkeypatch.setattr(urllib.request, "urlopen", record)
    sparql = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    line = error_line(run("query", "--sparql", sparql, "--endpoint", loaded))
    assert "SERVICE is not allowed" in line, line
    with pytest.raises(QuerySyntaxError, match="SERVICE"):
        RemoteEndpoint(loaded).query("select * { service silent <urn:x> { ?s ?p ?o } }")
    assert sent == []


@pytest.mark.parametrize(
    ("sparql", "position"),
    [
        ("SELEC * WHERE { ?s ?p ?o }", "error at 1:"),
        # A project prefix is declared for the server: the position is still the user's.
        ("SELECT ?v WHERE { ?s xo:value ?v } LIMT 1", "error at 1:"),
        ("SELECT ?v WHERE {\n  ?s xo:value ?v\n} LIMT 1", "error at 3:"),
    ],
)
def test_invalid_query_reports_the_servers_message(sparql: str, position: str, loaded: str) -> None:
    line = error_line(run("query", "--sparql", sparql, "--endpoint", loaded))
    assert line.startswith("error: the server refused the query: "), line
    assert position in line, line


def test_unreachable_endpoint(synthetic: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    line = error_line(run("query", "ic50_table", "--endpoint", closed), exit_code=None)
    assert "cannot reach" in line, line
    line = error_line(run("load", "--endpoint", closed, synthetic), exit_code=None)
    assert "cannot reach" in line, line


def test_a_server_that_does_not_answer_in_time(synthetic: Path) -> None:
    """A server that takes the connection but never answers: one line naming the wait."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nothing ever reads or replies
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        hint = "(a slow query or a busy server: allow longer with --timeout SECONDS)"
        line = error_line(
            run("query", "ic50_table", "--endpoint", url, "--timeout", "0.2"), exit_code=1
        )
        assert line == f"error: query: no answer from {url} within 0.2 s {hint}", line
        line = error_line(
            run("load", "--endpoint", url, "--timeout", "0.3", synthetic), exit_code=1
        )
        assert line.startswith("error: upload of "), line
        assert line.endswith(f"within 0.3 s {hint}"), line


@pytest.mark.parametrize(
    "args",
    [
        ("query", "ic50_table", "--timeout", "5"),
        ("load", "FILE", "--store", "STORE", "--timeout", "5"),
    ],
)
def test_timeout_is_refused_without_an_endpoint(
    args: tuple[str, ...], synthetic: Path, tmp_path: Path
) -> None:
    args = tuple({"FILE": str(synthetic), "STORE": str(tmp_path / "store")}.get(a, a) for a in args)
    line = error_line(run(*args))
    assert line.startswith("error: ") and "--timeout" in line, line
    assert not (tmp_path / "store").exists()


def test_a_timeout_must_be_positive() -> None:
    outcome = run("query", "ic50_table", "--endpoint", "http://127.0.0.1:1/q", "--timeout", "0")
    assert outcome.exit_code == 2
    assert outcome.stderr.splitlines()[-1].startswith("Error: Invalid value for '--timeout'")


@pytest.mark.parametrize("option", ["--store", "--data", "--inferred"])
def test_endpoint_with_local_options_is_refused(
    option: str, loaded: str, synthetic: Path, tmp_path: Path
) -> None:
    extra = {"--store": [tmp_path / "store"], "--data": [synthetic], "--inferred": []}[option]
    line = error_line(run("query", "ic50_table", "--endpoint", loaded, option, *extra))
    assert "--endpoint" in line, line
    assert not (tmp_path / "store").exists()


def test_load_without_files_pushes_the_bundled_graph(endpoint: str, loaded: str) -> None:
    outcome = run("load", "--endpoint", endpoint)
    assert_ok(outcome)
    assert (
        outcome.stderr.splitlines()[-1] == f"loaded 0 file(s) and the bundled graph into {endpoint}"
    )
    assert str(graph_name(ontology_file())) in graph_sizes(endpoint)


@pytest.mark.parametrize(
    "arguments",
    [
        ("load", "--store", "STORE"),  # nothing to load
        ("load", "--store", "STORE", "--inferred", "FILE"),
        ("load", "--store", "STORE", "--user", "me", "FILE"),
        ("query", "ic50_table", "--user", "me"),
    ],
)
def test_server_options_without_a_server_are_refused(
    arguments: tuple[str, ...], synthetic: Path, tmp_path: Path
) -> None:
    values = {"STORE": tmp_path / "store", "FILE": synthetic}
    line = error_line(run(*(values.get(a, a) for a in arguments)))
    assert line.startswith("error: "), line
    assert not (tmp_path / "store").exists()


# --- bindings: a VALUES block at the start of the WHERE clause ----------------------------------


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        (
            "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o",
            "SELECT ?o WHERE { VALUES (?s) { (<urn:x>) } { ?s ?p ?o } } ORDER BY ?o",
        ),
        # Braces in a comment, a string and an EXISTS before the WHERE clause; no WHERE keyword.
        (
            '# {\nSELECT ("{" AS ?b) (EXISTS { ?s ?p ?o } AS ?e) FROM <urn:g> { ?s ?p ?o }',
            (
                '# {\nSELECT ("{" AS ?b) (EXISTS { ?s ?p ?o } AS ?e) FROM <urn:g> '
                "{ VALUES (?s) { (<urn:x>) } { ?s ?p ?o } }"
            ),
        ),
        # A sub-select: wrapped, not entered.
        (
            "SELECT * { SELECT ?s { ?s ?p ?o } }",
            "SELECT * { VALUES (?s) { (<urn:x>) } { SELECT ?s { ?s ?p ?o } } }",
        ),
        ("ASK { ?s ?p ?o }", "ASK { VALUES (?s) { (<urn:x>) } { ?s ?p ?o } }"),
    ],
)
def test_bindings_go_at_the_start_of_the_where_clause(sparql: str, expected: str) -> None:
    assert place_bindings(sparql, {"s": URIRef("urn:x")}) == expected
    parseQuery(expected)  # what the server receives is SPARQL


@pytest.mark.parametrize(
    ("sparql", "declared"),
    [
        # a declaration in a comment declares nothing; a prefixed name in a string is not a use
        ('SELECT * { ?s xo:value ?v FILTER(?v != "xr:TP53") } # PREFIX xo: <urn:other>', ["xo"]),
        ("prefix xr: <urn:mine> SELECT * { ?s a xo:Protein ; <urn:p> xr:TP53 }", ["xo"]),
        ("SELECT * { <urn:xo:value> ?p 'rdfs:label' }", []),
    ],
)
def test_project_prefixes_declared_for_the_server_are_read_from_tokens(
    sparql: str, declared: list[str]
) -> None:
    expected = " ".join(f"PREFIX {name}: <{PREFIXES[name]}>" for name in declared)
    assert _missing_prefixes(sparql) == expected


def test_bindings_in_a_query_that_is_not_select_or_ask_are_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="cannot bind variables"):
        place_bindings("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": "xr:TP53"})
    with pytest.raises(InputError, match="blank node"):
        place_bindings("SELECT * { ?s ?p ?o }", {"s": BNode("b0")})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("s) { (<urn:x>) } } DROP ALL #", "xr:TP53"),  # not a variable name
        ("measurement", "http://example.org/a>{?x}"),  # not an IRI
    ],
)
def test_bindings_cannot_change_the_query(name: str, value: str, loaded: str) -> None:
    with pytest.raises(InputError):
        place_bindings("SELECT * { ?measurement ?p ?o }", {name: value})
    line = error_line(run("query", "ic50_table", "--endpoint", loaded, "--bind", f"{name}={value}"))
    assert "variable name" in line or "cannot bind" in line, line
    assert place_bindings("SELECT * { ?s ?p ?o }", {"s": 'a"} }'}).count('"a\\"} }"') == 1


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_bound_competency_queries_answer_as_the_filtered_unbound_answer(
    name: str, inferred_kg: KnowledgeGraph
) -> None:
    """A binding of a selected variable keeps exactly the rows of the unbound answer with it."""
    kg = inferred_kg
    query = next(q for q in list_queries() if q.name == name)
    result = kg.run(name)
    index, value = next((i, v) for i, v in enumerate(result.rows[0]) if v is not None)
    column = result.columns[index]
    expected = sorted(repr(row) for row in result.rows if row[index] == value)
    rewritten = kg.query(place_bindings(query.sparql, {column: value}), check="ignore")
    assert sorted(repr(row) for row in rewritten.rows) == expected
    assert expected


# --- numbers are written as the embedded store writes them --------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
LEXICAL_FORMS = {
    "decimal": ["100.0", "100", "-0.50", "0.000", "+3.", ".5", "12345678901234567890.1200"],
    "double": ["1.5E2", "1e-06", "100.0", "-0.0", "INF", "-INF", "NaN", "1.0E-7", "3.14159",
               "123456789e10", "2.5e300", "1E0"],
    "float": ["0.1", "1.0", "16777217", "3.4028235E38", "1e-3"],
    "integer": ["+007", "-0", "000", "42"],
    "boolean": ["1", "0", "true", "false"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("datatype", "lexical"), [(d, v) for d, forms in LEXICAL_FORMS.items() for v in forms]
)
def test_canonical_literals_are_the_embedded_engines(datatype: str, lexical: str) -> None:
    term = ox.Literal(lexical, datatype=ox.NamedNode(_XSD + datatype))
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), term))
    (solution,) = store.query("SELECT ?o WHERE { ?s ?p ?o }")  # type: ignore[misc]
    assert canonical_literal(lexical, _XSD + datatype) == solution["o"].value


class _JenaLike(BaseHTTPRequestHandler):
    """A SPARQL server that writes numbers as Jena does and asks for Basic authentication."""

    expected_authorization = "Basic " + base64.b64encode(b"me:secret").decode()
    answer: ClassVar[dict[str, Any]] = {
        "head": {"vars": ["d", "f", "i", "b", "s"]},
        "results": {"bindings": [{
            "d": {"type": "literal", "datatype": _XSD + "decimal", "value": "100.0"},
            "f": {"type": "literal", "datatype": _XSD + "double", "value": "1.5E2"},
            "i": {"type": "literal", "datatype": _XSD + "integer", "value": "+01"},
            "b": {"type": "literal", "datatype": _XSD + "boolean", "value": "1"},
            "s": {"type": "literal", "value": "100.0"},
        }]},
    }  # fmt: skip

    def do_POST(self) -> None:
        if self.headers.get("Authorization") != self.expected_authorization:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        assert urllib.parse.parse_qs(body)["query"] == ["SELECT * WHERE { ?s ?p ?o }"]
        data = json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def jena_like() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JenaLike)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


EMBEDDED_NUMBERS = (
    'SELECT (100.0 AS ?d) (1.5E2 AS ?f) (1 AS ?i) (true AS ?b) ("100.0" AS ?s) WHERE {}'
)


def test_numbers_from_any_server_print_as_embedded(
    jena_like: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, "secret")
    sparql = "SELECT * WHERE { ?s ?p ?o }"
    for output in ("csv", "table", "json"):
        remote = run("query", "--sparql", sparql, "--endpoint", jena_like, "--user", "me",
                     "--format", output)  # fmt: skip
        embedded = run("query", "--sparql", EMBEDDED_NUMBERS, "--format", output)
        assert_ok(remote)
        assert_ok(embedded)
        assert remote.stdout == embedded.stdout
    assert embedded.stdout.count("100.0") == 1  # the string stays as it was


def test_credentials_from_a_netrc_file(
    jena_like: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine 127.0.0.1 login me password secret\n")
    netrc_file.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc_file))
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    sparql = "SELECT * WHERE { ?s ?p ?o }"
    assert_ok(run("query", "--sparql", sparql, "--endpoint", jena_like))
    assert_ok(run("query", "--sparql", sparql, "--endpoint", jena_like, "--user", "me"))
    # Another user has no password in the file.
    line = error_line(run("query", "--sparql", sparql, "--endpoint", jena_like, "--user", "you"))
    assert "no password for you" in line, line
    netrc_file.write_text("machine 127.0.0.1 login me password secret\nnonsense\n")
    line = error_line(run("query", "--sparql", sparql, "--endpoint", jena_like))
    assert str(netrc_file) in line, line


def test_a_server_asking_for_credentials_is_told_in_one_line(
    jena_like: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    line = error_line(run("query", "--sparql", "ASK {}", "--endpoint", jena_like), exit_code=1)
    assert "HTTP 401" in line and "--user" in line, line
    monkeypatch.setenv(PASSWORD_VARIABLE, "wrong")
    outcome = run("query", "--sparql", "ASK {}", "--endpoint", jena_like, "--user", "me")
    assert "HTTP 401" in error_line(outcome, exit_code=1)
