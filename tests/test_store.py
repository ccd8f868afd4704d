"""Persistent stores: ``xpo1kg load --store``, ``graphs``, ``drop`` and ``--store`` everywhere.

A store is an Oxigraph directory with one named graph per source file: the bundled ontology and
data (loaded once, when the store is created) and the user's files. Opening it again must not
re-parse anything, and it must answer every competency query as the in-memory graph does.

An Oxigraph directory can be opened only once per process, so commands are run through
:func:`run`, which lets go of everything the command opened before the next one starts.
"""

from __future__ import annotations

import gc
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_runs import Outcome, assert_ok, run
from script_modules import load_generator

import xpo1kg.store.embedded
from xpo1kg import list_queries, load_graph
from xpo1kg.query.results import Value
from xpo1kg.rdf.loading import graph_name
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.store.embedded import INFERRED_GRAPH_IRI, META_GRAPH_IRI, Store

ROOT = Path(__file__).parents[1]
GRAPH = "https://w3id.org/xpo1kg/graph/"
USER = GRAPH + "user/"
MEASUREMENTS = 40
SEED = 5
QUERIES = [q.name for q in list_queries() if not q.requires_inference]

#: Valid Turtle up to line 4, where a string is never closed.
MALFORMED_TTL = """\
@prefix ex: <http://example.org/> .
ex:a ex:b ex:c .
ex:d ex:e ex:f .
ex:g ex:h "never closed .
"""


generator = load_generator()


def input_error(outcome: Outcome) -> str:
    """Assert exit code 2, no traceback, and an ``error:`` line last on stderr; return it."""
    assert outcome.uncaught is None, repr(outcome.uncaught)
    assert outcome.exit_code == 2, f"exit {outcome.exit_code}\n{outcome.stdout}\n{outcome.stderr}"
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    # `load` prints its progress bar's label before the error when stderr is not a terminal.
    assert lines and lines[-1].startswith("error: "), outcome.stderr
    assert all(line in ("loading", "") for line in lines[:-1]), outcome.stderr
    return lines[-1]


def graphs_of(store: Path) -> dict[str, int]:
    """The store's named graphs and their sizes, through ``xpo1kg graphs --format json``."""
    outcome = run("graphs", "--store", store, "--format", "json")
    assert_ok(outcome)
    return {row["graph"]: int(row["triples"]) for row in json.loads(outcome.stdout)}


def canonical(value: Value) -> tuple[str, str]:
    """A sortable, comparable form of a cell: numbers by value (1.0 == 1), the rest as text."""
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, str(value))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)).normalize()
        return ("number", f"{number:f}")
    return (type(value).__name__, str(value))


def row_multiset(records: list[dict[str, Value]]) -> Counter[tuple[tuple[str, str, str], ...]]:
    """Rows as a multiset (ORDER BY may leave ties in any order)."""
    return Counter(
        tuple((key, *canonical(value)) for key, value in sorted(record.items()))
        for record in records
    )


def write_synthetic(path: Path, measurements: int = MEASUREMENTS, seed: int = SEED) -> int:
    """Write synthetic Turtle data; return its triple count."""
    return int(generator.write(path, measurements, seed, "ttl"))


def new_store(tmp_path: Path, *files: Path) -> Path:
    """Create a store with the bundled graph and ``files``."""
    store = tmp_path / "store"
    assert_ok(run("load", *files, "--store", store))
    return store


# --- fixtures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synthetic:
    path: Path
    triples: int


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.ttl"
    return Synthetic(path, write_synthetic(path))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, synthetic: Synthetic) -> Path:
    """A store made by ``xpo1kg load synthetic.ttl --store DIR``; tests here only read it."""
    directory = tmp_path_factory.mktemp("store") / "kg"
    outcome = run("load", synthetic.path, "--store", directory)
    assert_ok(outcome)
    assert outcome.stdout == f"{USER}synthetic.ttl\t{synthetic.triples:,} triples\n"
    return directory


@pytest.fixture(scope="module")
def stored_records(store: Path) -> dict[str, list[dict[str, Value]]]:
    kg = load_graph(store=store)
    records = {name: kg.run(name).records() for name in QUERIES}
    del kg
    gc.collect()
    return records


@pytest.fixture(scope="module")
def memory_records(synthetic: Synthetic) -> dict[str, list[dict[str, Value]]]:
    kg = load_graph([synthetic.path], inferred=False)  # as the store: no inferred graph
    return {name: kg.run(name).records() for name in QUERIES}


@pytest.fixture(scope="module")
def bundled_counts() -> dict[str, int]:
    """Triples per bundled graph, loaded in memory."""
    memory = Store()
    for source in [ontology_file(), *data_files()]:
        memory.add_source(source)
    return memory.graphs()


# --- load and graphs ----------------------------------------------------------------------------


def test_load_creates_the_store_with_the_bundled_graph(
    store: Path, synthetic: Synthetic, bundled_counts: dict[str, int]
) -> None:
    graphs = graphs_of(store)
    expected = {str(graph_name(ontology_file()))} | {str(graph_name(f)) for f in data_files()}
    assert f"{GRAPH}ontology/xpo1kg" in expected
    assert f"{GRAPH}data/measurements" in expected
    assert {g: n for g, n in graphs.items() if g in expected} == bundled_counts
    assert graphs[f"{USER}synthetic.ttl"] == synthetic.triples
    assert set(graphs) == expected | {f"{USER}synthetic.ttl", META_GRAPH_IRI}


def test_graphs_table_lists_the_user_graph(store: Path, synthetic: Synthetic) -> None:
    outcome = run("graphs", "--store", store)
    assert_ok(outcome)
    assert re.search(
        rf"^{re.escape(USER)}synthetic\.ttl\s+{synthetic.triples}$", outcome.stdout, re.MULTILINE
    ), outcome.stdout


@pytest.mark.parametrize("name", QUERIES)
def test_competency_query_from_the_store_matches_memory(
    name: str,
    stored_records: dict[str, list[dict[str, Value]]],
    memory_records: dict[str, list[dict[str, Value]]],
) -> None:
    assert row_multiset(stored_records[name]) == row_multiset(memory_records[name])


def test_synthetic_rows_reach_the_queries(
    stored_records: dict[str, list[dict[str, Value]]],
) -> None:
    """The comparison above is not vacuous: the synthetic measurements are in the IC50 table."""
    synthetic = [r for r in stored_records["ic50_table"] if "/synthetic/" in str(r["measurement"])]
    assert len(synthetic) == MEASUREMENTS


def test_reopening_does_not_parse_again(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On disk (without the snapshot, which is parsed into memory: test_store_snapshot.py)."""
    monkeypatch.setenv("XPO1KG_STORE_IN_MEMORY", "0")
    kg = load_graph(store=store)  # the bundled graph is current: nothing to load
    del kg
    gc.collect()

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the store parsed a file again")

    monkeypatch.setattr(xpo1kg.store.embedded.Store, "add_source", refuse)
    kg = load_graph(store=store)
    assert len(kg.run("ic50_table")) == MEASUREMENTS + 7
    del kg
    gc.collect()


# --- replacing and dropping ---------------------------------------------------------------------


def test_loading_a_file_again_replaces_its_graph(tmp_path: Path, synthetic: Synthetic) -> None:
    directory = new_store(tmp_path, synthetic.path)
    before = graphs_of(directory)
    assert_ok(run("load", synthetic.path, "--store", directory))
    assert graphs_of(directory) == before

    # The same file name from elsewhere replaces the graph with the new content.
    other = tmp_path / "other" / synthetic.path.name
    other.parent.mkdir()
    smaller = write_synthetic(other, measurements=5, seed=1)
    assert_ok(run("load", other, "--store", directory))
    after = graphs_of(directory)
    assert after[f"{USER}synthetic.ttl"] == smaller < synthetic.triples
    assert {g: n for g, n in after.items() if g != f"{USER}synthetic.ttl"} == {
        g: n for g, n in before.items() if g != f"{USER}synthetic.ttl"
    }


def test_drop_by_file_name_and_by_iri(tmp_path: Path, synthetic: Synthetic) -> None:
    directory = new_store(tmp_path, synthetic.path)
    bundled = {g: n for g, n in graphs_of(directory).items() if not g.startswith(USER)}

    outcome = run("drop", "synthetic.ttl", "--store", directory)
    assert_ok(outcome)
    assert outcome.stderr == "dropped synthetic.ttl\n"
    assert graphs_of(directory) == bundled

    assert_ok(run("load", synthetic.path, "--store", directory))
    assert f"{USER}synthetic.ttl" in graphs_of(directory)
    assert_ok(run("drop", f"{USER}synthetic.ttl", "--store", directory))
    assert graphs_of(directory) == bundled


@pytest.fixture(scope="module")
def refusing_store(tmp_path_factory: pytest.TempPathFactory, synthetic: Synthetic) -> Path:
    """A store of its own for the drops that must be refused (in case one is not)."""
    return new_store(tmp_path_factory.mktemp("refusing"), synthetic.path)


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        (f"{GRAPH}data/proteins", "only user graphs"),
        (f"{GRAPH}ontology/xpo1kg", "only user graphs"),
        (META_GRAPH_IRI, "only user graphs"),
        ("nothing-here.ttl", "no graph"),
        (f"{USER}nothing-here.ttl", "no graph"),
    ],
)
def test_drop_refuses_bundled_and_unknown_graphs(
    refusing_store: Path, graph: str, message: str
) -> None:
    before = graphs_of(refusing_store)
    assert f"{USER}synthetic.ttl" in before
    line = input_error(run("drop", graph, "--store", refusing_store))
    assert message in line, line
    assert len(line.splitlines()) == 1
    assert graphs_of(refusing_store) == before


# --- other commands on a store ------------------------------------------------------------------


def test_validate_store_conforms(store: Path) -> None:
    outcome = run("validate", "--store", store)
    assert_ok(outcome)
    assert outcome.stdout == f"{store}: conforms\n"


def test_export_store_has_the_user_graph(store: Path, synthetic: Synthetic) -> None:
    outcome = run("export", "--store", store, "--format", "nq")
    assert_ok(outcome)
    quads = outcome.stdout.splitlines()
    in_user_graph = [q for q in quads if q.endswith(f"<{USER}synthetic.ttl> .")]
    assert len(in_user_graph) == synthetic.triples
    assert any(q.endswith(f"<{GRAPH}ontology/xpo1kg> .") for q in quads)


def test_stats_store_counts_the_synthetic_measurements(store: Path) -> None:
    outcome = run("stats", "--store", store, "--format", "json")
    assert_ok(outcome)
    counts = {row["class"]: row["instances"] for row in json.loads(outcome.stdout)}
    # Ranges over unnamed cell lines are IC50 range summaries (the guide's "Various" row is one).
    summaries = counts.get("IC50 range summary", 0)
    assert summaries >= 1 and counts["IC50 measurement"] + summaries == 7 + MEASUREMENTS


def test_inferred_graph_is_kept_then_dropped_when_data_change(
    tmp_path: Path, synthetic: Synthetic
) -> None:
    directory = new_store(tmp_path, synthetic.path)
    assert INFERRED_GRAPH_IRI not in graphs_of(directory)
    query = ("query", "nuclear_retention_by_inhibitor", "--store", directory, "--inferred")
    outcome = run(*query, "--format", "json")
    assert_ok(outcome)
    pairs = {(row["inhibitor_label"], row["protein_label"]) for row in json.loads(outcome.stdout)}
    assert ("selinexor", "TP53") in pairs, pairs
    inferred = graphs_of(directory)[INFERRED_GRAPH_IRI]
    assert inferred > 0

    # The second run reads the inferred graph from the store (the reasoner is not run again).
    again = run(*query)
    assert_ok(again)
    assert graphs_of(directory)[INFERRED_GRAPH_IRI] == inferred

    # A load that fails changes nothing, not even the inferred graph.
    bad = tmp_path / "bad.ttl"
    bad.write_text(MALFORMED_TTL, encoding="utf-8")
    input_error(run("load", bad, "--store", directory))
    assert graphs_of(directory)[INFERRED_GRAPH_IRI] == inferred

    # Loading another file makes the inferred graph stale: it goes.
    more = tmp_path / "more.ttl"
    write_synthetic(more, measurements=3, seed=2)
    assert_ok(run("load", more, "--store", directory))
    graphs = graphs_of(directory)
    assert INFERRED_GRAPH_IRI not in graphs
    assert f"{USER}more.ttl" in graphs


# --- bad input ----------------------------------------------------------------------------------


def test_malformed_turtle_leaves_the_store_as_it_was(tmp_path: Path, synthetic: Synthetic) -> None:
    directory = new_store(tmp_path, synthetic.path)
    before = graphs_of(directory)
    bad = tmp_path / "bad.ttl"
    bad.write_text(MALFORMED_TTL, encoding="utf-8")

    line = input_error(run("load", bad, "--store", directory))
    assert re.match(rf"error: {re.escape(str(bad))}:4: ", line), line
    assert graphs_of(directory) == before
    assert f"{USER}bad.ttl" not in before

    # A good file given with the bad one is not loaded either: all or nothing.
    good = tmp_path / "good.ttl"
    write_synthetic(good, measurements=3, seed=2)
    input_error(run("load", good, bad, "--store", directory))
    assert graphs_of(directory) == before

    # A malformed file under the name of a loaded one does not destroy the loaded graph.
    replacement = tmp_path / "replacement" / synthetic.path.name
    replacement.parent.mkdir()
    replacement.write_text(MALFORMED_TTL, encoding="utf-8")
    line = input_error(run("load", replacement, "--store", directory))
    assert re.match(rf"error: {re.escape(str(replacement))}:4: ", line), line
    assert graphs_of(directory) == before


def test_byte_order_mark_is_accepted_as_in_memory(tmp_path: Path, synthetic: Synthetic) -> None:
    with_bom = tmp_path / "bom.ttl"
    with_bom.write_bytes(b"\xef\xbb\xbf" + synthetic.path.read_bytes())
    directory = new_store(tmp_path, with_bom)
    assert graphs_of(directory)[f"{USER}bom.ttl"] == synthetic.triples


def test_query_with_store_and_data_is_refused(
    store: Path, synthetic: Synthetic, tmp_path: Path
) -> None:
    line = input_error(run("query", "ic50_table", "--store", store, "--data", synthetic.path))
    assert "xpo1kg load" in line, line


def test_queries_on_server_threads_leave_nothing_for_another_thread_to_drop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Oxigraph refuses to drop a query's answer on another thread than the one that made it.

    The server answers on worker threads; an answer kept alive by a reference cycle (the query
    checks parse with pyparsing, whose exceptions hold their callers' frames) would be dropped
    by a later collection wherever it runs, with an error instead of freeing it.
    """
    kg = load_graph(inferred=False)
    dropped: list[str] = []
    monkeypatch.setattr("sys.unraisablehook", lambda u: dropped.append(str(u.exc_value)))
    gc.collect()
    results: list[list[str]] = []
    thread = threading.Thread(
        target=lambda: results.append(
            kg.query("SELECT ?p WHERE { ?p xo:uniprotAccession ?a }").column("p")
        )
    )
    thread.start()
    thread.join()
    gc.collect()
    assert results and len(results[0]) > 3
    assert dropped == []
