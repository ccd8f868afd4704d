"""Query checking before a query runs (issue 14, point 1): the CLI, the API and the server.

Each "today" behaviour of the issue gets a test: a typo in an xo:/xr: term used to print
"(0 rows)" with exit 0; a --bind of a variable the query lacks was ignored (every row came back);
``--bind acc P04637`` said "not both or neither".
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from cli_runs import run as run_cli
from serving import HTTP, RunningServer, running_server

from xpo1kg import load_graph, run_query
from xpo1kg.errors import InputError
from xpo1kg.query.catalog import list_queries
from xpo1kg.query.checks import (
    QueryCheckError,
    QueryCheckWarning,
    check_query,
    closest,
)
from xpo1kg.query.parse_tree import analyse
from xpo1kg.store.knowledge_graph import KnowledgeGraph

#: The fixture that starts a server of its own: its tests are ``slow`` (tests/conftest.py).
SLOW_FIXTURES = frozenset({"server"})
WRONG_CASE = "SELECT ?p WHERE { ?p xo:exportedby xr:XPO1 }"
ZERO_FOR_O = "SELECT ?p WHERE { ?p xo:exportedBy xr:XP01 }"
RIGHT = "SELECT ?p WHERE { ?p xo:exportedBy xr:XPO1 }"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_graph()


def messages(kg: KnowledgeGraph, sparql: str, bindings: tuple[str, ...] = ()) -> list[str]:
    return [p.message for p in kg.check(sparql, bindings)]


# --- the checker ----------------------------------------------------------------------------------


def test_unknown_terms_are_reported_with_the_closest_known_term(kg: KnowledgeGraph) -> None:
    assert messages(kg, WRONG_CASE) == [
        "unknown term xo:exportedby (the ontology does not define it); did you mean xo:exportedBy?"
    ]
    [problem] = kg.check(ZERO_FOR_O)
    assert problem.kind == "unknown-term"
    assert problem.suggestions[0] == "xr:XPO1"


def test_terms_anywhere_in_the_query_are_checked(kg: KnowledgeGraph) -> None:
    sparql = """PREFIX o: <https://w3id.org/xpo1kg/ontology/>
    SELECT ?x WHERE {
      ?x o:exportedBy/^xo:inhibits <https://w3id.org/xpo1kg/resource/selinexr> .
      FILTER(?x != xr:TP35) VALUES ?k { xo:Proteinn } BIND(?k AS ?j)
    }"""
    found = {p.subject.rsplit("/", 1)[1] for p in kg.check(sparql)}
    assert found == {"selinexr", "TP35", "Proteinn"}


def test_other_namespaces_and_correct_queries_pass(kg: KnowledgeGraph) -> None:
    assert kg.check(RIGHT) == []
    # The graph links out to UniProt and OBO terms it does not describe: never reported.
    assert kg.check("SELECT ?x WHERE { ?x ?p uniprot:Q99999 , obo:GO_9999999 }") == []


def test_every_competency_query_passes(kg: KnowledgeGraph) -> None:
    # (Run time skips this check for shipped queries without bindings: it is made here.)
    for query in list_queries():
        assert query.shipped
        assert kg.check(query.sparql) == [], query.name


def test_a_shipped_query_with_a_wrong_binding_is_still_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryCheckError, match=r"\?foo is bound but the query has no variable"):
        kg.run("ic50_table", {"foo": "x"})


def test_a_binding_the_query_does_not_have_is_a_problem(kg: KnowledgeGraph) -> None:
    sparql = "SELECT ?s WHERE { ?s xo:uniprotAccession ?acc }"
    assert kg.check(sparql, ["acc"]) == []
    assert kg.check(sparql, ["?acc"]) == []
    assert messages(kg, sparql, ("foo",)) == [
        "?foo is bound but the query has no variable ?foo (its variables: ?acc, ?s)"
    ]
    assert kg.check(sparql, ["ac"])[0].suggestions == ("?acc",)


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?x ?nope WHERE { ?x a xo:Protein }",
        "SELECT ?x ?nope WHERE { ?x a xo:Protein FILTER(BOUND(?nope)) }",
        "SELECT ?x ?nope WHERE { ?x a xo:Protein MINUS { ?x rdfs:label ?nope } }",
        "SELECT ?x WHERE { { SELECT ?x ?nope WHERE { ?x a xo:Protein } } }",
    ],
)
def test_a_projected_variable_that_nothing_binds_is_a_problem(
    kg: KnowledgeGraph, sparql: str
) -> None:
    [problem] = kg.check(sparql)
    assert problem.kind == "unbound-projection"
    assert problem.message.startswith("?nope is selected but nothing in the WHERE clause binds it")


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?x ?l WHERE { ?x a xo:Protein OPTIONAL { ?x rdfs:label ?l } }",
        "SELECT ?x ?l WHERE { ?x a xo:Protein BIND(STR(?x) AS ?l) }",
        "SELECT ?x ?l WHERE { ?x a xo:Protein VALUES ?l { 1 } }",
        "SELECT ?x ?l WHERE { ?x a xo:Protein } VALUES ?l { 1 }",
        "SELECT ?l (COUNT(?x) AS ?n) WHERE { ?x a xo:Protein } GROUP BY (STR(?x) AS ?l)",
        "SELECT ?x ?l WHERE { { SELECT ?x ?l WHERE { ?x rdfs:label ?l } } }",
        "SELECT ?g ?x WHERE { GRAPH ?g { ?x a xo:Protein } }",
        "SELECT * WHERE { ?x a xo:Protein }",
        "ASK { xr:selinexor xo:inhibits xr:XPO1 }",
        "CONSTRUCT { ?x a xo:Protein } WHERE { ?x a xo:Protein }",
    ],
)
def test_variables_bound_in_any_way_pass(kg: KnowledgeGraph, sparql: str) -> None:
    assert kg.check(sparql) == []


def test_variables_are_checked_without_a_graph() -> None:
    assert [p.kind for p in check_query("SELECT ?x WHERE { ?y ?p ?o }", None, ["z"])] == [
        "unbound-projection",
        "unused-binding",
    ]
    assert check_query("SELECT ?p WHERE { ?p xo:exportedby ?o }", None) == []


def test_text_rdflib_cannot_parse_is_left_to_the_engine(kg: KnowledgeGraph) -> None:
    assert analyse("SELEC ?x WHERE {}") is None
    assert kg.check("SELEC ?x WHERE {}") == []


def test_closest_prefers_the_same_letters_in_another_case() -> None:
    assert closest("hascellline", ["hasCellLine", "hasCell"]) == ["hasCellLine"]
    assert closest("hasCelLine", ["hasCellLine", "CellLine", "inhibits"])[0] == "hasCellLine"
    assert closest("zzzz", ["hasCellLine"]) == []


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_raises_by_default(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryCheckError, match="did you mean xo:exportedBy") as caught:
        run_query(WRONG_CASE)
    assert isinstance(caught.value, InputError)
    with pytest.raises(QueryCheckError, match=r"\?foo"):
        kg.query(RIGHT, {"foo": "P04637"})
    with pytest.raises(QueryCheckError, match="xr:XPO1"):
        kg.query(ZERO_FOR_O)


def test_the_api_warns_or_ignores_when_asked(kg: KnowledgeGraph) -> None:
    with pytest.warns(QueryCheckWarning, match="xo:exportedBy"):
        result = kg.query(WRONG_CASE, check="warn")
    assert len(result) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(run_query(WRONG_CASE, check="ignore")) == 0
    with pytest.raises(ValueError, match="check must be one of"):
        kg.query(RIGHT, check="loud")  # type: ignore[arg-type]


# --- the CLI ---------------------------------------------------------------------------------------


def test_cli_refuses_an_unknown_term_with_a_suggestion() -> None:
    for sparql, suggestion in ((WRONG_CASE, "xo:exportedBy"), (ZERO_FOR_O, "xr:XPO1")):
        result = run_cli("query", "--sparql", sparql)
        assert result.exit_code == 2
        assert "(0 rows)" not in result.stdout
        [line] = result.stderr.splitlines()
        assert line.startswith("error: unknown term ")
        assert f"did you mean {suggestion}?" in line
        assert "--allow-unknown-terms" in line


def test_cli_runs_an_unknown_term_when_allowed() -> None:
    result = run_cli("query", "--sparql", WRONG_CASE, "--allow-unknown-terms")
    assert result.exit_code == 0
    assert "(0 rows)" in result.stdout
    assert result.stderr.startswith("warning: unknown term xo:exportedby")


def test_cli_refuses_a_binding_the_query_does_not_have() -> None:
    result = run_cli("query", "--sparql", RIGHT, "--bind", "foo=P04637")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: ?foo is bound but the query has no variable ?foo (its variables: ?p)"
    )
    assert result.stdout == ""


def test_cli_bind_without_equals_sign_says_what_it_expects() -> None:
    result = run_cli("query", "--sparql", RIGHT, "--bind", "acc", "P04637")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "expected NAME=VALUE" in line
    assert "not both or neither" not in line


def test_cli_refuses_an_unbound_projection() -> None:
    result = run_cli("query", "--sparql", "SELECT ?x ?y WHERE { ?x a xo:Protein }")
    assert result.exit_code == 2
    assert "?y is selected but nothing in the WHERE clause binds it" in result.stderr


# --- the server ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server("--workers", "1") as running:
        yield running


def test_server_warns_in_a_header_and_on_the_page(server: RunningServer) -> None:
    answer = HTTP.get(server.sparql, params={"query": WRONG_CASE}, timeout=30)
    assert answer.status_code == 200
    assert "xo:exportedBy" in answer.headers["X-XPO1KG-Warning"]
    assert answer.json()["results"]["bindings"] == []  # the protocol answer is unchanged
    clean = HTTP.get(server.sparql, params={"query": RIGHT}, timeout=30)
    assert "X-XPO1KG-Warning" not in clean.headers
    page = HTTP.get(server.base + "/query", params={"query": ZERO_FOR_O}, timeout=30)
    assert page.status_code == 200
    assert "did you mean xr:XPO1?" in page.text
    assert "X-XPO1KG-Warning" in page.headers


def test_very_long_queries_are_not_parsed(kg: KnowledgeGraph) -> None:
    # The parser is slow pure Python: a hostile 1 MB query must not occupy the server.
    padding = "# " + "x" * 10_000 + "\n"
    assert analyse(padding + WRONG_CASE) is None
    assert kg.check(padding + WRONG_CASE) == []
    assert kg.check(WRONG_CASE) != []
