"""One default for inferred facts: included everywhere unless --no-inferred / inferred=False.

Each "today" line of issue 14 point 5 has a test here: plain ``serve`` answers the inference-only
question, ``run_query`` returns its rows (and warns without inference), ``stats`` counts inferred
classes and takes ``--inferred``/``--no-inferred``, and ``query``, ``export``, ``figures`` and
``report`` follow the same default. The reasoner runs once per input: a fresh graph of the same
content reuses the cache, and a graph that is never queried never reasons.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import httpx
import pytest
from cli_runs import assert_ok, load_in_another_process, run
from serving import HTTP, RunningServer

from xpo1kg import KnowledgeGraph, load_graph, run_query
from xpo1kg.query.catalog import parse_query_file
from xpo1kg.query.inference import InferenceWarning, needs_inference
from xpo1kg.reason.reasoner import INFERRED_GRAPH

RETENTION = "nuclear_retention_by_inhibitor"
#: How many things a query finds in the defined class "XPO1 cargo" (members only a reasoner finds).
CARGO_QUERY = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a xo:XPO1Cargo }"


def _refuse_reasoning(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reasoner ran")

    monkeypatch.setattr("xpo1kg.reason.inferred.reason", refuse)


# --- Python ---------------------------------------------------------------------------------------


def test_run_query_answers_the_inference_only_question_by_default() -> None:
    rows = run_query(RETENTION).records()
    assert ("selinexor", "TP53") in {(r["inhibitor_label"], r["protein_label"]) for r in rows}


def test_without_inferred_facts_a_query_that_needs_them_warns() -> None:
    with pytest.warns(InferenceWarning, match=f"{RETENTION} needs inferred facts"):
        result = run_query(RETENTION, inferred=False)
    assert len(result) == 0


def test_a_query_that_needs_nothing_inferred_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", InferenceWarning)
        assert len(run_query("ic50_table", inferred=False)) == 7


def test_load_graph_includes_inferred_facts_by_default(inferred_kg: KnowledgeGraph) -> None:
    kg = load_graph()  # same content as the session's inferred graph: from the cache
    assert kg.has_inferred
    assert kg.inferred is not None and inferred_kg.inferred is not None
    assert len(kg.inferred) == len(inferred_kg.inferred)
    assert not load_graph(inferred=False).has_inferred


def test_sparql_text_with_the_header_counts_as_needing_inference() -> None:
    assert needs_inference("# requires: inference\nSELECT * WHERE { ?s ?p ?o }")
    assert needs_inference("# title: t\n# needs: inference\nASK {}")
    assert not needs_inference("SELECT * WHERE { ?s ?p ?o }  # requires: inference")
    assert parse_query_file("q", "# needs: inference\nASK {}").requires_inference
    with pytest.warns(InferenceWarning):
        load_graph(inferred=False).query("# requires: inference\nASK { ?s ?p ?o }")


def test_a_fresh_graph_of_the_same_content_does_not_reason_again(
    monkeypatch: pytest.MonkeyPatch, inferred_kg: KnowledgeGraph
) -> None:
    assert inferred_kg.has_inferred  # the cache holds the bundled graph's inferred facts
    _refuse_reasoning(monkeypatch)
    assert len(load_graph().run(RETENTION)) == len(inferred_kg.run(RETENTION))


def test_a_graph_that_is_not_queried_does_not_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        '<https://w3id.org/xpo1kg/resource/Mine> <http://www.w3.org/2000/01/rdf-schema#label> "myline42" .\n',
        encoding="utf-8",
    )
    _refuse_reasoning(monkeypatch)
    kg = load_graph([extra])
    assert len(kg.graph) == len(kg)  # the asserted view, validation and search need no reasoner
    assert kg.find("myline42")[0].iri.endswith("/Mine")


def test_inconsistent_data_is_queried_without_inferred_facts_and_says_why(
    monkeypatch: pytest.MonkeyPatch, broken: Path
) -> None:
    calls: list[int] = []
    from xpo1kg.reason import inferred as inferred_module

    real = inferred_module.reason

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("xpo1kg.reason.inferred.reason", counting)
    asserted = load_graph([broken], inferred=False).run("ic50_table").rows
    for _ in range(2):  # the second time, the cached verdict: no second run of the reasoner
        kg = load_graph([broken])
        with pytest.warns(InferenceWarning, match="inconsistent"):
            assert kg.run("ic50_table").rows == asserted
        assert not kg.has_inferred
    assert calls == [1]


# --- command line ---------------------------------------------------------------------------------


def test_query_command_includes_inferred_facts_unless_told_not_to() -> None:
    default = run("query", RETENTION, "--format", "csv")
    assert_ok(default)
    assert "selinexor" in default.stdout and "warning" not in default.stderr
    explicit = run("query", RETENTION, "--inferred", "--format", "csv")  # kept: explicit on
    assert_ok(explicit)
    assert explicit.stdout == default.stdout
    without = run("query", RETENTION, "--no-inferred", "--format", "csv")
    assert_ok(without)
    assert without.stdout.strip().count("\n") == 0  # the header only
    assert f"warning: {RETENTION} needs inferred facts" in without.stderr


def _stats(*options: str) -> dict[str, int]:
    outcome = run("stats", "--format", "json", *options)
    assert_ok(outcome)
    return {row["class"]: int(row["instances"]) for row in json.loads(outcome.stdout)}


def test_stats_counts_inferred_classes_like_the_queries() -> None:
    cargo = int(run_query(CARGO_QUERY).column("n")[0])
    assert cargo >= 8  # issue 14 saw 8 listed by the queries while stats said 0
    assert _stats()["XPO1 cargo"] == cargo == _stats("--inferred")["XPO1 cargo"]
    assert _stats("--no-inferred")["XPO1 cargo"] == 0
    table = run("stats")
    assert_ok(table)
    assert "inferred)" in table.stdout.splitlines()[-1]


def test_export_includes_inferred_facts_in_their_own_graph_by_default() -> None:
    graph_iri = f"<{INFERRED_GRAPH}> ."
    default = run("export", "--format", "nq")
    assert_ok(default)
    assert graph_iri in default.stdout
    without = run("export", "--format", "nq", "--no-inferred")
    assert_ok(without)
    assert graph_iri not in without.stdout
    ttl = run("export", "--format", "ttl")  # one graph: the facts with their provenance nodes
    assert_ok(ttl)
    assert "logical_entailment" in ttl.stdout and "causesNuclearRetentionOf" in ttl.stdout


def test_figures_take_the_same_option(tmp_path: Path) -> None:
    for option in ("--no-inferred", "--inferred"):
        outcome = run("figures", "--output", tmp_path / option, "--format", "svg", option)
        assert_ok(outcome)
        assert sorted(p.suffix for p in (tmp_path / option).iterdir()) == [".svg"] * 4


def test_report_answers_every_question_with_the_same_default(tmp_path: Path) -> None:
    outcome = run("report", "--output", tmp_path)
    assert_ok(outcome)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Inferred by the OWL reasoner" in page and "Not answered" not in page
    without = run("report", "--output", tmp_path / "plain", "--no-inferred")
    assert_ok(without)
    plain = (tmp_path / "plain" / "report.html").read_text(encoding="utf-8")
    assert "Not answered: this question needs OWL reasoning" in plain


# --- server ---------------------------------------------------------------------------------------


def _page(server: RunningServer, path: str) -> httpx.Response:
    return HTTP.get(server.base + path, headers={"Accept": "text/html"}, timeout=30)


def test_plain_serve_answers_the_inference_only_question(default_server: RunningServer) -> None:
    page = _page(default_server, f"/questions/{RETENTION}")
    assert page.status_code == 200
    assert "<strong>Inferred.</strong>" in page.text  # still labelled as inferred
    assert "TP53" in page.text and "No rows" not in page.text
    assert "X-XPO1KG-Warning" not in page.headers


@pytest.mark.slow  # a server of its own
def test_a_server_without_inferred_facts_warns_on_the_page_and_in_a_header() -> None:
    from serving import running_server

    query = parse_query_file(
        RETENTION,
        (Path(__file__).parents[1] / "queries" / f"{RETENTION}.rq").read_text(encoding="utf-8"),
    )
    with running_server("--no-inferred") as server:
        page = _page(server, f"/questions/{RETENTION}")
        editor = HTTP.get(server.base + "/query", params={"query": query.sparql}, timeout=30)
        sparql = HTTP.get(server.sparql, params={"query": query.sparql}, timeout=30)
    for answer in (page, editor, sparql):
        assert answer.status_code == 200
        assert "needs inferred facts" in answer.headers["X-XPO1KG-Warning"]
    assert "needs inferred facts" in page.text and "<strong>Inferred.</strong>" not in page.text
    assert "needs inferred facts" in editor.text


def test_a_store_includes_the_inferred_facts_it_keeps(tmp_path: Path) -> None:
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        '<https://w3id.org/xpo1kg/resource/TP53> <http://www.w3.org/2004/02/skos/core#altLabel> "p53 (mine)" .\n',
        encoding="utf-8",
    )
    store = tmp_path / "kgdb"
    load_in_another_process(store, mine)
    before = sorted((p, p.stat().st_mtime_ns) for p in store.rglob("*") if p.is_file())
    plain = run("query", RETENTION, "--store", store, "--format", "csv")
    assert_ok(plain)  # read-only by default: nothing is computed into the store
    assert plain.stdout.strip().count("\n") == 0
    assert "the store keeps none: --inferred computes them" in plain.stderr
    assert sorted((p, p.stat().st_mtime_ns) for p in store.rglob("*") if p.is_file()) == before
    assert_ok(run("query", RETENTION, "--store", store, "--inferred"))  # computed and kept
    kept = run("query", RETENTION, "--store", store, "--format", "csv")
    assert_ok(kept)
    assert "selinexor" in kept.stdout and "warning" not in kept.stderr
