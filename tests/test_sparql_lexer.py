"""The SPARQL tokenizer behind every query guard: tricky lexemes, refusals, linear time, SERVICE.

The property-based test generates queries that hide ``SERVICE`` among prefixed names with
escapes, strings of every form, comments, IRIs and nesting; its oracle is a listening socket on
127.0.0.1 that must never see a connection. A longer run is recorded in docs/security.md.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from cli_runs import run
from hypothesis import HealthCheck, event, given, settings
from sparql_cases import service_queries

from xpo1kg.errors import QuerySyntaxError
from xpo1kg.query.sparql_lexer import MAX_NESTING, scan, tokens
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.store.embedded import SERVICE_REFUSED, Store

#: Examples per property run (CI); docs/security.md records a run with 20,000.
EXAMPLES = int(os.environ.get("XPO1KG_SERVICE_EXAMPLES", "300"))


def one_triple_store() -> Store:
    """A store where ``?a ?b ?c`` has a solution, so that a SERVICE after it is evaluated."""
    store = Store()
    store.add_rdf(b"<urn:a> <urn:b> <urn:c> .", "one.nt", "urn:g")
    return store


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    """A socket listening on 127.0.0.1 that no query may ever reach."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.setblocking(False)
        yield sock


def assert_no_connection(sock: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        connection, _ = sock.accept()
        connection.close()


def service_clause(port: int) -> str:
    return f"SERVICE <http://127.0.0.1:{port}/sparql> {{ ?x ?y ?z }}"


# --- the reproductions of issue 11 ---------------------------------------------------------

REPRODUCTIONS = [
    "SELECT ?x {{ OPTIONAL {{ ?a xo:b\\#c ?d }} {service} }}",
    'SELECT ?x {{ BIND("""a\\"""" AS ?q) {service} }}',
]


@pytest.mark.parametrize("template", REPRODUCTIONS)
def test_reproductions_refused_in_process(template: str, listener: socket.socket) -> None:
    query = template.format(service=service_clause(listener.getsockname()[1]))
    with pytest.raises(QuerySyntaxError, match=r"^SERVICE is not allowed"):
        one_triple_store().query(query)
    assert_no_connection(listener)


@pytest.mark.parametrize("template", REPRODUCTIONS)
def test_reproductions_refused_by_the_cli(template: str, listener: socket.socket) -> None:
    query = template.format(service=service_clause(listener.getsockname()[1]))
    outcome = run("query", "--sparql", query)
    assert outcome.exit_code == 2
    assert outcome.stderr == f"error: {SERVICE_REFUSED}\n"
    assert_no_connection(listener)


def test_deep_nesting_refused_by_the_cli_in_a_real_process() -> None:
    """3,000 braces crashed the parser (exit 139, nothing printed): now one line and exit 2."""
    query = "SELECT * " + "{" * 3000 + "}" * 3000
    done = subprocess.run(
        [sys.executable, "-m", "xpo1kg", "query", "--sparql", query],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        f"error: invalid SPARQL at line 1, column {10 + MAX_NESTING}: nesting deeper than "
        f"{MAX_NESTING} levels of brackets, braces or parentheses"
    )


# --- tricky lexemes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("?a xo:b\\#c ?d", ["?a", "xo:b\\#c", "?d"]),
        ("xo:b\\'c 'x'", ["xo:b\\'c", "'x'"]),
        ("xo:a.b xo:a. ", ["xo:a.b", "xo:a", "."]),
        ("xo:a%20b :x xo:", ["xo:a%20b", ":x", "xo:"]),
        ('"""a\\"""" ?q', ['"""a\\""""', "?q"]),
        ("'''a''\\'''' ?q", ["'''a''\\''''", "?q"]),
        ("'''a'''' '", ["'''a'''", "' '"]),
        ("\"a'b\" 'a\"b'", ['"a\'b"', "'a\"b'"]),
        ("'\\u0041\\U0001F600'", ["'\\u0041\\U0001F600'"]),
        ("<http://x/a#b> # c 'd\n?e", ["<http://x/a#b>", "?e"]),
        ("<urn:a\\u0023b>", ["<urn:a\\u0023b>"]),
        ("# only a comment\r?x", ["?x"]),
        ("'x'@en-GB ^^ _:b1 $v", ["'x'", "@en-GB", "^^", "_:b1", "$v"]),
        ("1 1.5 .5 1e5 1.0E-3 1.", ["1", "1.5", ".5", "1e5", "1.0E-3", "1", "."]),
        ("FILTER(?a<5&&?b!=1)", ["FILTER", "(", "?a", "<", "5", "&&", "?b", "!=", "1", ")"]),
        ("<< ?s ?p ?o >>", ["<<", "?s", "?p", "?o", ">>"]),
        ("SELECT*{}", ["SELECT", "*", "{}"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert [t.text for t in tokens(text)] == expected


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <urn:s> { ?s ?p ?o } }",
        "select * { service <urn:s> { ?s ?p ?o } }",
        "SELECT * { ?s ?p trueSERVICE <urn:s> {} }",  # Oxigraph reads 'true' then 'SERVICE'
        "SELECT * { ?s ?p 1SERVICE <urn:s> {} }",
        "SELECT * { ?s ?p true.SERVICE <urn:s> {} }",
        "PREFIX : <urn:s> SELECT * { ?s ?p ?o SERVICE:x {} }",  # SERVICE then the IRI :x
        "SELECT * { ?s ?p 'x'SERVICE <urn:s> {} }",
        "SELECT * { ?s ?p ?o FILTER(true)SERVICE <urn:s> {} }",
        "SELECT * { OPTIONAL { ?a xo:b\\#c ?d } SERVICE <urn:s> {} }",
        "SELECT * { ?a xo:b\\'c ?d SERVICE <urn:s> {} }",
        'SELECT * { BIND("""a\\"""" AS ?q) SERVICE <urn:s> {} }',
        "SELECT * { BIND('''a''\\'''' AS ?q) SERVICE <urn:s> {} }",
        "SELECT * { ?s <urn:a#b'> ?o SERVICE <urn:s> {} }",
        "SELECT * { ?s ?p ?o } # '\nSELECT * { SERVICE <urn:s> {} } # \"\n",
    ],
)
def test_service_seen_wherever_the_engine_would_see_it(query: str) -> None:
    assert scan(query).service is True


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p 'SERVICE <urn:s> {}' }",
        'SELECT * { ?s ?p """x\\""" SERVICE <urn:s> {} """ }',
        "SELECT * { ?s ?p ?o } # SERVICE <urn:s> {}",
        "SELECT * { ?s <urn:SERVICE> ?service . ?s xo:SERVICE $SERVICE }",
        "SELECT * { ?s ?p 'a'@en }",
    ],
)
def test_service_in_strings_iris_comments_and_names_is_not_code(query: str) -> None:
    assert scan(query).service is False


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (
            "SELECT * { ?s ?p 'abc }",
            "line 1, column 18: the string that starts here is never closed",
        ),
        (
            "SELECT * { ?s ?p '''abc }",
            "line 1, column 18: the string that starts here is never closed",
        ),
        (
            'SELECT * {\n ?s ?p "a\nb" }',
            "line 2, column 8: the string that starts here is never closed",
        ),
        ("SELECT * { ?s ?p 'a\\qb' }", "line 1, column 20: invalid escape sequence in a string"),
        ("SELECT * { ?s <http://x ?o }", "line 1, column 15: unterminated or malformed IRI"),
        ("SELECT * { ?s <http://x/{y}> ?o }", "line 1, column 15: unterminated or malformed IRI"),
        ("ASK {\u00a0}", "line 1, column 6: unexpected character '\\xa0'"),
        ("ASK { ?s ?p ?o \\ }", "line 1, column 16: unexpected character '\\\\'"),
        # Inside an expression '<' after a value is a comparison or an IRI: when the two readings
        # could disagree about strings, comments or brackets, the text is refused.
        (
            "SELECT * { FILTER(?a<'>)') SERVICE <urn:s> {} #'\n}",
            "line 1, column 21: '<' after a value inside parentheses could start an IRI",
        ),
    ],
)
def test_unreadable_text_refused_with_its_position(query: str, reason: str) -> None:
    with pytest.raises(QuerySyntaxError) as refusal:
        scan(query)
    assert str(refusal.value).startswith(f"invalid SPARQL at {reason}")


def test_ambiguous_comparison_really_is_read_both_ways_by_the_engine() -> None:
    """Why the refusal above exists: Oxigraph reads '<' as a comparison and reaches SERVICE."""
    query = "SELECT * { FILTER(?a<'>)') SERVICE <http://127.0.0.1:1/> { ?x ?y ?z } #'\n}"
    with pytest.raises(OSError, match="port 1 is not allowed"):  # it tried to connect
        list(ox.Store().query(query))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p ?o FILTER(?o < 5 && ?o<6 && ?o <= <urn:x#7>) }",
        "SELECT * { ?s ?p ?o FILTER(?o = <http://www.w3.org/2001/XMLSchema#int>) }",
        "SELECT * { ?s ?p ?o FILTER(?p IN (<urn:a#1>, <urn:b#2>)) }",
        "SELECT * { VALUES (?x ?y) { (<urn:a#1> <urn:b#2>) (UNDEF 'x') } }",
        "SELECT * { VALUES ?x { <urn:a#1> <urn:b#2> } }",
        "SELECT * { ?s ?p ?o FILTER(?a<?b&&?c>?d) }",
        "SELECT * { ?s ?p '1'^^<http://www.w3.org/2001/XMLSchema#int> }",
    ],
)
def test_usual_iris_and_comparisons_accepted(query: str) -> None:
    assert scan(query).service is False


def test_query_form_dataset_and_depth() -> None:
    assert scan("PREFIX a: <urn:a> BASE <urn:b> ASK {}").form == "ASK"
    assert scan("# c\nprefix a: <urn:a> insert data { a:a a:b a:c }").update_keyword == "INSERT"
    assert scan("LOAD <http://example.org/x>").update_keyword == "LOAD"
    assert scan("CONSTRUCT WHERE { ?s ?p ?o }").update_keyword is None
    assert scan("SELECT * FROM <urn:g> { ?s ?p ?o }").dataset is True
    assert scan("SELECT * { ?s ?p 'FROM <urn:g>' } # FROM").dataset is False
    assert scan("ASK { { ( [ ] ) } }").depth == 4


@pytest.mark.parametrize("opener", ["{", "(", "[", "<< "])
def test_nesting_limit(opener: str) -> None:
    closer = {"{": "}", "(": ")", "[": "]", "<< ": " >>"}[opener]
    scan(opener * MAX_NESTING + closer * MAX_NESTING)
    with pytest.raises(QuerySyntaxError, match=f"nesting deeper than {MAX_NESTING} levels"):
        scan(opener * (MAX_NESTING + 1) + closer * (MAX_NESTING + 1))


def test_unmatched_closers_do_not_hide_nesting() -> None:
    with pytest.raises(QuerySyntaxError, match="nesting deeper"):
        scan(("(" * 40 + "]" * 40 + "}" * 40) * 3)


# --- linear time: a quadratic or backtracking scanner never finishes these ------------------

MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p '" + "\\'" * (MEGABYTE // 2),
        'SELECT * { ?s ?p """' + '\\"' * (MEGABYTE // 2) + '"""}',
        "SELECT * { ?s ?p '''" + "''\\'" * (MEGABYTE // 4) + "''' }",
        "SELECT * { ?s ?p xo:a" + "." * MEGABYTE + " }",
        "SELECT * { ?s ?p <" + "a" * MEGABYTE,
        "SELECT * { ?s ?p xo:" + "\\#" * (MEGABYTE // 2) + " }",
        "SELECT * { " + "#'\n" * (MEGABYTE // 3) + "}",
    ],
    ids=["short-escapes", "long-escapes", "long-quotes", "dots", "open-iri", "plx", "comments"],
)
def test_megabyte_adversarial_inputs_finish(query: str) -> None:
    try:
        shape = scan(query)
    except QuerySyntaxError as refusal:
        assert str(refusal).startswith("invalid SPARQL at line")
    else:
        assert shape.service is False


# --- property: SERVICE never reaches the network through the API/CLI path -------------------


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(template=service_queries())
def test_property_service_never_connects(template: str, listener: socket.socket) -> None:
    query = template.replace("PORT", str(listener.getsockname()[1]))
    # Would the bare engine reach SERVICE? Port 1 makes it fail at once where it would connect.
    engine = one_triple_store().oxigraph
    try:
        bare = template.replace("PORT", "1")
        list(engine.query(bare, prefixes=PREFIXES, use_default_graph_as_union=True))  # type: ignore[arg-type]
        reached = "evaluated, no SERVICE"
    except OSError as error:
        reached = "would connect" if "port 1" in str(error) else "engine error"
    except SyntaxError:
        reached = "syntax error"
    event(f"bare engine: {reached}")
    try:
        one_triple_store().query(query)
    except QuerySyntaxError:
        pass
    else:
        assert reached == "evaluated, no SERVICE", "a query that reaches SERVICE was not refused"
    assert_no_connection(listener)
