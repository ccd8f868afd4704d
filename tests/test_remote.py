"""Remote SPARQL servers: ``--endpoint`` against a real Oxigraph server started for this module.

``xpo1kg load --endpoint`` pushes the bundled graph and the user's files over the Graph Store
Protocol, one named graph each; ``xpo1kg query --endpoint`` then answers every competency query
as the embedded store does (numbers compared by value: servers may write 810 as 810.0).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_runs import Outcome, assert_ok, run
from script_modules import load_generator

from xpo1kg import list_queries, load_graph
from xpo1kg.errors import QuerySyntaxError
from xpo1kg.rdf.loading import graph_name
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.store.embedded import Store
from xpo1kg.store.remote import RemoteEndpoint

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


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh Oxigraph server on a free local port; yields its SPARQL query URL."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the Oxigraph server (pip install oxigraph) is not installed")
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
    embedded = run("query", "--sparql", sparql, "--data", relative, "--format", "json")
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
    embedded = run("query", name, "--data", synthetic, "--format", "json")
    assert_ok(remote)
    assert_ok(embedded)
    assert rows(remote.stdout) == rows(embedded.stdout)


def test_records_match_through_the_api(loaded: str, synthetic: Path) -> None:
    """The same comparison on :meth:`QueryResult.records` (Decimals compare by value)."""
    kg = load_graph([synthetic])
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
    embedded = run("query", *options, "--data", synthetic)
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
    embedded = run("query", *options, "--data", synthetic, "--format", "json")
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


@pytest.mark.parametrize("option", ["--store", "--data", "--inferred"])
def test_endpoint_with_local_options_is_refused(
    option: str, loaded: str, synthetic: Path, tmp_path: Path
) -> None:
    extra = {"--store": [tmp_path / "store"], "--data": [synthetic], "--inferred": []}[option]
    line = error_line(run("query", "ic50_table", "--endpoint", loaded, option, *extra))
    assert "--endpoint" in line, line
    assert not (tmp_path / "store").exists()
