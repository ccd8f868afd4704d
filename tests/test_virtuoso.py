"""A second real server: Debian's Virtuoso (``virtuoso-opensource``), started once per test run.

The server gets a throwaway database directory and free ports. ``xpo1kg load --endpoint`` pushes
the bundled graph and the inferred graph through Virtuoso's Digest-authenticated graph store
(``/sparql-graph-crud-auth``, user ``dba``); every competency query, with and without a binding,
must then print exactly the CSV the embedded store prints. Without ``virtuoso-t`` these tests
are skipped, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_runs import Outcome, assert_ok, run
from rdflib.term import Literal, URIRef
from test_remote import error_line, free_port

from xpo1kg import KnowledgeGraph, list_queries
from xpo1kg.reason.reasoner import INFERRED_GRAPH
from xpo1kg.store.remote import PASSWORD_VARIABLE, RemoteEndpoint

pytestmark = pytest.mark.slow  # about a minute: the server starts, the graph is reasoned over

QUERIES = [q.name for q in list_queries()]
OUR_GRAPHS = """SELECT ?g (COUNT(*) AS ?n) WHERE {
  GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "https://w3id.org/xpo1kg/"))
} GROUP BY ?g"""
# A fresh Virtuoso database has the administrator dba with the password dba.
ADMIN = ("dba", "dba")
INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running server: its base URL and SQL port."""

    base: str
    sql_port: int

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    def isql(self, statement: str) -> None:
        """Run one SQL statement as dba."""
        subprocess.run(
            ["isql-vt", str(self.sql_port), *ADMIN, f"exec={statement}"],
            check=True,
            capture_output=True,
            timeout=60,
        )


def _sparql_answers(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(f"{url}?{query}", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.HTTPError):
        return False


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """Virtuoso with a throwaway database on free local ports; stopped after the run."""
    binary = shutil.which("virtuoso-t")
    if binary is None or shutil.which("isql-vt") is None:
        message = "Virtuoso is not installed (apt-get install virtuoso-opensource)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(dir=directory, sql_port=sql_port, http_port=http_port))
    log = (directory / "server.log").open("wb")
    server = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while not _sparql_answers(f"{base}/sparql"):
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (directory / "server.log").read_text(errors="replace")
                pytest.fail(f"Virtuoso did not start (exit {server.poll()}):\n{output[-3000:]}")
            time.sleep(0.25)
        yield Virtuoso(base, sql_port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def as_admin(*args: str | Path, password: str = ADMIN[1]) -> Outcome:
    """Run ``xpo1kg ARGS`` with ``$XPO1KG_PASSWORD`` set."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_VARIABLE, password)
        return run(*args)


@pytest.fixture(scope="session")
def loaded(virtuoso: Virtuoso) -> str:
    """The server after ``xpo1kg load --endpoint URL --inferred`` (Digest, as dba)."""
    graph_store = f"{virtuoso.base}/sparql-graph-crud-auth"
    outcome = as_admin(
        "load", "--endpoint", virtuoso.sparql, "--graph-store", graph_store,
        "--user", ADMIN[0], "--inferred",
    )  # fmt: skip
    assert_ok(outcome)
    expected = f"loaded 0 file(s), the bundled graph and the inferred graph into {virtuoso.sparql}"
    assert outcome.stderr.splitlines()[-1] == expected, outcome.stderr
    return virtuoso.sparql


def embedded_csv(*args: str) -> str:
    outcome = run("query", *args, "--inferred", "--format", "csv")
    assert_ok(outcome)
    return outcome.stdout


def remote_csv(url: str, *args: str) -> str:
    outcome = run("query", *args, "--endpoint", url, "--format", "csv")
    assert_ok(outcome)
    return outcome.stdout


# --- load ---------------------------------------------------------------------------------------


def test_load_pushes_the_bundled_and_the_inferred_graphs(
    loaded: str, inferred_kg: KnowledgeGraph
) -> None:
    kg = inferred_kg
    assert kg.inferred is not None
    expected = {str(name): len(part) for name, part in kg.parts}
    expected[str(INFERRED_GRAPH)] = len(kg.inferred)
    found = RemoteEndpoint(loaded).query(OUR_GRAPHS).records()
    assert {str(r["g"]): r["n"] for r in found} == expected


def test_a_wrong_password_is_refused_in_one_line(virtuoso: Virtuoso, tmp_path: Path) -> None:
    graph_store = f"{virtuoso.base}/sparql-graph-crud-auth"
    options = ("--graph-store", graph_store, "--user", ADMIN[0])
    outcome = as_admin("load", "--endpoint", virtuoso.sparql, *options, password="wrong")
    line = error_line(outcome, exit_code=1)
    assert "HTTP 401" in line, line


def test_the_open_graph_store_works_after_the_grant(virtuoso: Virtuoso, tmp_path: Path) -> None:
    """The README's other way: ``GRANT SPARQL_UPDATE TO "SPARQL"``, then ``/sparql-graph-crud``."""
    extra = tmp_path / "extra.nt"
    extra.write_text("<urn:x:virtuoso-test> <urn:x:says> <urn:x:hello> .\n")
    options = ("--graph-store", f"{virtuoso.base}/sparql-graph-crud", extra)
    # Before the grant the graph store refuses the anonymous user; nothing is loaded.
    line = error_line(run("load", "--endpoint", virtuoso.sparql, *options), exit_code=1)
    assert "HTTP 403" in line and "--user" in line, line
    virtuoso.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
    assert_ok(run("load", "--endpoint", virtuoso.sparql, *options))
    graph = "https://w3id.org/xpo1kg/graph/user/extra.nt"
    ask = f"ASK {{ GRAPH <{graph}> {{ ?s <urn:x:says> ?o }} }}"
    assert RemoteEndpoint(virtuoso.sparql).query(ask).column("ask") == [True]
    query = urllib.parse.urlencode({"graph": graph})
    remove = urllib.request.Request(f"{virtuoso.base}/sparql-graph-crud?{query}", method="DELETE")
    urllib.request.urlopen(remove, timeout=30).close()  # leave the other tests' data as it was
    assert RemoteEndpoint(virtuoso.sparql).query(ask).column("ask") == [False]


# --- queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", QUERIES)
def test_competency_query_prints_what_the_embedded_store_prints(name: str, loaded: str) -> None:
    expected = embedded_csv(name)
    assert expected.count("\n") > 1, f"{name} has no answer to compare"
    assert remote_csv(loaded, name) == expected


def binding_for(kg: KnowledgeGraph, name: str) -> tuple[str, str]:
    """A variable of the query's answer and the value of its first row (an IRI if there is one)."""
    result = kg.run(name)
    first = result.rows[0]
    cells = list(zip(result.columns, first, strict=True))
    for column, cell in cells:
        if isinstance(cell, URIRef):
            return column, str(cell)
    for column, cell in cells:
        if isinstance(cell, Literal) and cell.datatype is None and cell.language is None:
            return column, str(cell)
    raise AssertionError(f"{name}: nothing to bind in {first}")


@pytest.mark.parametrize("name", QUERIES)
def test_competency_query_with_a_binding_prints_what_the_embedded_store_prints(
    name: str, loaded: str, inferred_kg: KnowledgeGraph
) -> None:
    variable, value = binding_for(inferred_kg, name)
    binding = ("--bind", f"{variable}={value}")
    expected = embedded_csv(name, *binding)
    assert expected.count("\n") > 1, f"{name} {binding}: no answer to compare"
    assert remote_csv(loaded, name, *binding) == expected
    # The binding did restrict the answer: every row has the bound value.
    header, *rows = csv.reader(io.StringIO(expected))
    assert {row[header.index(variable)] for row in rows} == {value}, expected


def test_a_query_through_the_digest_authenticated_endpoint(virtuoso: Virtuoso, loaded: str) -> None:
    """``--user`` works for queries too: Virtuoso's ``/sparql-auth`` asks for Digest."""
    outcome = as_admin(
        "query", "ic50_table", "--endpoint", f"{virtuoso.base}/sparql-auth", "--user", ADMIN[0],
        "--format", "csv",
    )  # fmt: skip
    assert_ok(outcome)
    assert outcome.stdout == embedded_csv("ic50_table")
