"""Messages people can act on (issue 14, point 6).

Today: SPARQL syntax errors show the parser's internals (``SELEC`` gives "expected CONSTRUCT");
``--format CSV`` and ``export --format rdf`` are refused; one bad ``xo:value`` gives two identical
violation lines without the value; a node-level violation reads ``(https://...) -: A source...``.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest
from cli_runs import run
from rdflib import Literal

from xpo1kg import export, run_query
from xpo1kg.errors import QuerySyntaxError
from xpo1kg.query.results import QueryResult
from xpo1kg.query.syntax import explain
from xpo1kg.validate.pyshacl_engine import validate

# --- SPARQL syntax errors --------------------------------------------------------------------------


def syntax_error(sparql: str) -> list[str]:
    with pytest.raises(QuerySyntaxError) as caught:
        run_query(sparql)
    return str(caught.value).splitlines()


def test_an_unknown_first_keyword_is_named_with_a_caret_under_it() -> None:
    lines = syntax_error("SELEC ?x WHERE {}")
    assert lines[0] == (
        "invalid SPARQL at line 1, column 1: unknown keyword SELEC (did you mean SELECT?); "
        "a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after PREFIX/BASE)"
    )
    assert lines[1:3] == ["  SELEC ?x WHERE {}", "  ^"]
    assert lines[3].startswith("  (parser: ")  # the engine's words, for experts
    assert "expected CONSTRUCT" not in lines[0]


def test_a_missing_brace_names_the_line_that_opened_the_group() -> None:
    sparql = "SELECT ?x WHERE {\n  ?x a xo:Protein .\n  OPTIONAL { ?x rdfs:label ?l \n}"
    lines = syntax_error(sparql)
    assert lines[0].startswith("invalid SPARQL at line 4")
    assert lines[0].endswith("the query ends before '}' closes the group opened at line 1")
    assert "expected one of" not in lines[0]


@pytest.mark.parametrize(
    ("sparql", "says", "column"),
    [
        (
            'SELECT ?x WHERE { ?x rdfs:label "abc }',
            "the string that starts here is never closed",
            33,
        ),
        ("SELECT ?x WHERE { ?x ?y ?z } }", "this '}' closes nothing", 30),
        (
            "SELECT ?x WHERE { ?x ?y ?z FILTER (?x = 1 }",
            "'}' found where ')' should close the parenthesis opened at line 1, column 35",
            43,
        ),
        (
            "SELECT ?x WHERE { ?x nope:y ?z }",
            "undefined prefix nope: (declare it: PREFIX nope:",
            22,
        ),
        ("SELECT ?x WHERE { ?x ?y ?z } ORDER ?x", "ORDER must be followed by BY", None),
        ("SELECT ?x, ?y WHERE { ?x ?y ?z }", "separated by spaces, not commas", 10),
        ("SELECT x WHERE { ?x ?y ?z }", "x is not a variable: write ?x", 8),
        ("SELECT ?s WHERE { ?s ?p }", "cannot read the triple pattern that starts here", 19),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT is SPARQL Update", 1),
    ],
)
def test_common_mistakes_are_said_in_plain_words(
    sparql: str, says: str, column: int | None
) -> None:
    lines = syntax_error(sparql)
    assert says in lines[0]
    assert "[_]" not in lines[0] and "expected one of" not in lines[0]
    if column is not None:
        assert lines[0].startswith(f"invalid SPARQL at line 1, column {column}:")
        assert lines[2] == "  " + " " * (column - 1) + "^"


def test_anything_else_still_gets_a_position_and_a_caret() -> None:
    explanation = explain(
        "SELECT ?x WHERE { ?x ?y ?z FILTER(?z > ) }", "error at 1:43: expected ABS"
    )
    assert explanation.line == 1 and explanation.column is not None
    assert explanation.text().splitlines()[2].strip() == "^"


def test_the_cli_prints_the_explanation() -> None:
    outcome = run("query", "--sparql", "SELEC ?x WHERE {}")
    assert outcome.exit_code == 2
    lines = outcome.stderr.splitlines()
    assert lines[0].startswith("error: invalid SPARQL at line 1, column 1: unknown keyword SELEC")
    assert lines[2] == "  ^"


# --- format names ----------------------------------------------------------------------------------


def test_output_format_names_are_case_insensitive() -> None:
    outcome = run("query", "cargo_triggering_apoptosis", "--format", "CSV")
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.startswith("cargo,cargo_label,")
    assert QueryResult(["x"], [(Literal(1),)]).render("JSON") == '[\n  {\n    "x": 1\n  }\n]\n'  # type: ignore[arg-type]


def test_export_format_names_are_case_insensitive_and_rdf_names_rdf_xml() -> None:
    # The asserted graph alone: this is about format names, not about what is exported.
    xml = run("export", "--format", "xml", "--no-inferred")
    assert xml.exit_code == 0
    for name in ("rdf", "RDF", "rdfxml", "XML"):
        outcome = run("export", "--format", name, "--no-inferred")
        assert outcome.exit_code == 0, outcome.stderr
        assert outcome.stdout == xml.stdout
    ttl = run("export", "--format", "ttl", "--no-inferred").stdout
    assert run("export", "--format", "TTL", "--no-inferred").stdout == ttl
    assert export("RDF", inferred=False) == export("xml", inferred=False)  # type: ignore[arg-type]


# --- violation lines -------------------------------------------------------------------------------

BAD = """@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .

xr:IC50_Bad a xo:IC50Measurement ;
    rdfs:label "IC50 with a unit in its value" ;
    xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:KPT-185 ;
    xo:hasCellLine xr:A2780 ;
    xo:hasCancerType xr:OvarianCancer ;
    xo:value "12 nM" ;
    xo:hasUnit obo:UO_0000065 ;
    xo:evidenceType <http://purl.obolibrary.org/obo/ECO_0000303> ; xo:modality xo:Established ;
    <https://w3id.org/biolink/vocab/knowledge_level> "knowledge_assertion" ;
    <https://w3id.org/biolink/vocab/agent_type> "manual_agent" ;
    dcterms:source xr:NewSource .
xr:NewSource a xo:Source ; rdfs:label "a source without a page" .
"""


@pytest.fixture(scope="module")
def bad_lines(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("bad") / "bad.ttl"
    path.write_text(BAD, encoding="utf-8")
    return path, validate([path], with_bundled=True).lines()


def test_one_bad_value_gives_one_line_showing_the_value(
    bad_lines: tuple[Path, list[str]],
) -> None:
    _, lines = bad_lines
    about_value = [line for line in lines if line.startswith("IC50 with a unit")]
    expected = (
        "IC50 with a unit in its value (xr:IC50_Bad) xo:value: A measurement has at most one "
        'xo:value, an xsd:decimal greater than 0 (found "12 nM")'
    )
    assert about_value == [expected]


def test_no_line_has_a_dangling_dash(bad_lines: tuple[Path, list[str]]) -> None:
    _, lines = bad_lines
    assert all(" -:" not in line for line in lines)
    assert (
        "a source without a page (xr:NewSource): A source needs a foaf:page or a "
        "dcterms:bibliographicCitation" in lines
    )


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_the_cli_counts_the_lines_it_prints(bad_lines: tuple[Path, list[str]], engine: str) -> None:
    path, lines = bad_lines
    outcome = run("validate", path, "--with-bundled", "--engine", engine)
    assert outcome.exit_code == 1
    assert outcome.stdout.splitlines() == lines
    assert f"{path}: 2 violations" in outcome.stderr


@pytest.mark.parametrize(
    "name",
    [
        "xpo1kg.query.checks",
        "xpo1kg.query.syntax",
        "xpo1kg.validate.pyshacl_engine",
        "xpo1kg.rdf.serialize",
    ],
)
def test_doctests_of_the_modules_changed_here(name: str) -> None:
    results = doctest.testmod(importlib.import_module(name), verbose=False, report=True)
    assert results.failed == 0
