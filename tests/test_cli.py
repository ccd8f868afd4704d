"""The ``xpo1kg`` command line: output formats, extra data, validation, export, and bad input.

Bad input must end with exit code 2 and exactly one line on stderr that says what is wrong (and
where), never a Python traceback. The commands are run in-process with click's ``CliRunner``,
which keeps stdout and stderr apart.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from xpo1kg import KnowledgeGraph, get_query, list_queries, validate
from xpo1kg.cli import main
from xpo1kg.rdf.serialize import serialize

CARGO = "cargo_triggering_apoptosis"
XR = "https://w3id.org/xpo1kg/resource/"
EXPORT_FORMATS = ("ttl", "nt", "jsonld", "xml")

#: The prefixes a user's file of new measurements declares (as in data/measurements.ttl).
PREFIXES = """\
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .
"""

NEW_MEASUREMENT = "IC50_selinexor_A2780_user"

#: A new IC50 measurement in the pattern of data/measurements.ttl, linked to bundled entities.
MEASUREMENT_TTL = f"""{PREFIXES}
xr:{NEW_MEASUREMENT} a xo:IC50Measurement ;
    xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:selinexor ;
    xo:hasCellLine xr:A2780 ;
    xo:hasCancerType xr:OvarianCancer ;
    xo:value 42.0 ;
    xo:publishedValue "42" ;
    xo:hasUnit obo:UO_0000065 ;
    xo:evidenceType obo:ECO_0000303 ;
    xo:modality xo:Established ;
    <https://w3id.org/biolink/vocab/knowledge_level> "knowledge_assertion" ;
    <https://w3id.org/biolink/vocab/agent_type> "manual_agent" ;
    dcterms:source xr:BenchChemGuide2025 .
"""

#: The same measurement without its unit: one SHACL violation (xo:hasUnit).
UNITLESS_TTL = MEASUREMENT_TTL.replace("    xo:hasUnit obo:UO_0000065 ;\n", "")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, f"exit {result.exit_code}\n{result.output}\n{result.exception!r}"
    assert result.exception is None


def no_traceback(result: Result) -> bool:
    """True when the command ended through sys.exit, not through an uncaught exception."""
    return result.exception is None or isinstance(result.exception, SystemExit)


def input_error(result: Result) -> str:
    """Assert the command failed with exit code 2 and one line on stderr; return that line."""
    assert no_traceback(result), f"uncaught {result.exception!r}"
    assert result.exit_code == 2, f"exit {result.exit_code}\n{result.output}"
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert lines[0].startswith("error: ")
    assert result.stdout == ""
    return lines[0].removeprefix("error: ")


def parse_delimited(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- queries ---------------------------------------------------------------------------------


def test_queries_lists_every_shipped_query_name() -> None:
    result = run("queries")
    assert_ok(result)
    names = [line for line in result.stdout.splitlines() if line and not line[0].isspace()]
    assert names == [q.name for q in list_queries()]
    for query in list_queries():
        assert f"    {query.title}\n" in result.stdout


def test_queries_json_gives_name_title_question() -> None:
    result = run("queries", "--format", "json")
    assert_ok(result)
    listed = json.loads(result.stdout)
    expected = [{"name": q.name, "title": q.title, "question": q.question} for q in list_queries()]
    assert listed == expected


# --- query: named queries and output formats ------------------------------------------------


def test_query_table_prints_title_and_rows() -> None:
    result = run("query", CARGO)
    assert_ok(result)
    lines = result.stdout.splitlines()
    assert lines[0] == get_query(CARGO).title
    assert lines[1] == get_query(CARGO).question
    assert lines[-1] == "(7 rows)"
    for symbol in ("TP53", "CDKN1A", "NFKBIA"):
        assert re.search(rf"^xr:{symbol}\s+{symbol}\s", result.stdout, re.MULTILINE), symbol
    assert result.stderr == ""


def test_query_csv_has_header_seven_rows_and_full_iris() -> None:
    result = run("query", CARGO, "--format", "csv")
    assert_ok(result)
    header, *rows = parse_delimited(result.stdout, ",")
    assert header[:2] == ["cargo", "cargo_label"]
    assert len(rows) == 7  # six proteins and the FOXO family
    assert all(len(row) == len(header) for row in rows)
    cargo = [row[header.index("cargo")] for row in rows]
    assert all(iri.startswith(XR) for iri in cargo), cargo
    assert {f"{XR}TP53", f"{XR}CDKN1A", f"{XR}NFKBIA"} <= set(cargo)
    # No title and no row count: the output is for programs.
    assert get_query(CARGO).title not in result.stdout
    assert "rows)" not in result.stdout


def test_query_tsv_matches_csv() -> None:
    tsv = run("query", CARGO, "--format", "tsv")
    csv_result = run("query", CARGO, "--format", "csv")
    assert_ok(tsv)
    assert "\t" in tsv.stdout
    assert parse_delimited(tsv.stdout, "\t") == parse_delimited(csv_result.stdout, ",")


def test_query_json_is_a_list_of_seven_objects() -> None:
    result = run("query", CARGO, "--format", "json")
    assert_ok(result)
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    assert len(records) == 7
    header = parse_delimited(run("query", CARGO, "--format", "csv").stdout, ",")[0]
    assert all(list(record) == header for record in records)
    assert records[0]["cargo"] == f"{XR}TP53"
    assert records[0]["uniprot"] == "P04637"
    assert {"TP53", "CDKN1A", "NFKBIA"} <= {r["cargo_label"] for r in records}


# --- query: files, SPARQL text and bindings --------------------------------------------------


def test_query_from_rq_file(tmp_path: Path) -> None:
    text = get_query(CARGO).sparql.replace(get_query(CARGO).title, "My own copy")
    path = write(tmp_path / "my_question.rq", text)
    result = run("query", str(path))
    assert_ok(result)
    assert result.stdout.splitlines()[0] == "My own copy"
    assert result.stdout.splitlines()[-1] == "(7 rows)"
    as_csv = run("query", str(path), "--format", "csv")
    assert as_csv.stdout == run("query", CARGO, "--format", "csv").stdout


def test_query_missing_rq_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.rq"
    message = input_error(run("query", str(path)))
    assert message.startswith(f"{path}:")


def test_query_sparql_text() -> None:
    result = run(
        "query", "--sparql", "SELECT ?p WHERE { ?p xo:exportedBy xr:XPO1 }", "--format", "csv"
    )
    assert_ok(result)
    header, *rows = parse_delimited(result.stdout, ",")
    assert header == ["p"]
    assert [f"{XR}TP53"] in rows


def test_query_bind_restricts_a_variable() -> None:
    sparql = "SELECT ?s WHERE { ?s xo:uniprotAccession ?acc }"
    unbound = parse_delimited(run("query", "--sparql", sparql, "--format", "csv").stdout, ",")
    assert len(unbound) > 10  # many proteins have an accession
    result = run("query", "--sparql", sparql, "--bind", "acc=P04637", "--format", "csv")
    assert_ok(result)
    assert parse_delimited(result.stdout, ",") == [["s"], [f"{XR}TP53"]]


def test_query_bind_curie_becomes_an_iri() -> None:
    sparql = "SELECT ?acc WHERE { ?protein xo:uniprotAccession ?acc }"
    result = run("query", "--sparql", sparql, "--bind", "protein=xr:CDKN1A", "--format", "csv")
    assert_ok(result)
    assert parse_delimited(result.stdout, ",") == [["acc"], ["P38936"]]


def test_query_bind_without_equals_sign() -> None:
    message = input_error(run("query", CARGO, "--bind", "acc"))
    assert "NAME=VALUE" in message


# --- query: the user's own data ----------------------------------------------------------------


def test_data_adds_a_measurement(tmp_path: Path) -> None:
    before = parse_delimited(run("query", "ic50_table", "--format", "csv").stdout, ",")
    assert len(before) == 1 + 7
    path = write(tmp_path / "my_measurements.ttl", MEASUREMENT_TTL)
    result = run("query", "ic50_table", "--format", "csv", "--data", str(path), "--no-inferred")
    assert_ok(result)
    header, *rows = parse_delimited(result.stdout, ",")
    assert len(rows) == 8
    added = [row for row in rows if row[header.index("measurement")] == XR + NEW_MEASUREMENT]
    assert len(added) == 1
    row = dict(zip(header, added[0], strict=True))
    assert row["inhibitor_label"] == "selinexor"
    assert row["published"] == "42"
    assert float(row["ic50_nM"]) == 42.0


def test_data_is_repeatable(tmp_path: Path) -> None:
    first = write(tmp_path / "first.ttl", MEASUREMENT_TTL)
    second = write(
        tmp_path / "second.ttl", MEASUREMENT_TTL.replace(NEW_MEASUREMENT, f"{NEW_MEASUREMENT}_2")
    )
    result = run(
        "query",
        "ic50_table",
        "--format",
        "csv",
        "--data",
        str(first),
        "--data",
        str(second),
        "--no-inferred",
    )
    assert_ok(result)
    assert len(parse_delimited(result.stdout, ",")) == 1 + 9


# --- bad input: exit code 2, one line, no traceback -------------------------------------------


def test_unknown_query_name_suggests_the_closest() -> None:
    message = input_error(run("query", "cargo_triggering"))
    assert "'cargo_triggering'" in message
    assert CARGO in message
    message = input_error(run("query", "ic50_tabel"))
    assert "ic50_table" in message


def syntax_error(result: Result) -> str:
    """Like input_error, for invalid SPARQL: the one line is followed by the query line, a caret
    under the column and the parser's own message (issue 14); return the first line."""
    assert no_traceback(result), f"uncaught {result.exception!r}"
    assert result.exit_code == 2, f"exit {result.exit_code}\n{result.output}"
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 4, result.stderr
    assert lines[0].startswith("error: invalid SPARQL")
    assert lines[2].strip() == "^" and lines[3].startswith("  (parser: ")
    return lines[0].removeprefix("error: ")


def test_invalid_sparql() -> None:
    message = syntax_error(run("query", "--sparql", "SELECT ?s WHERE { ?s ?p }"))
    assert "invalid SPARQL" in message
    assert "line 1" in message


def test_undefined_prefix_in_sparql() -> None:
    message = syntax_error(run("query", "--sparql", "SELECT ?s WHERE { ?s nope:x ?o }"))
    assert "nope" in message


def test_sparql_with_service_is_refused() -> None:
    sparql = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    message = input_error(run("query", "--sparql", sparql))
    assert "SERVICE" in message


def test_graph_patterns_see_one_named_graph_per_source() -> None:
    sparql = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a xo:IC50Measurement } }"
    result = run("query", "--sparql", sparql, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["https://w3id.org/xpo1kg/graph/data/measurements"]


def test_name_and_sparql_together() -> None:
    message = input_error(run("query", CARGO, "--sparql", "ASK {}"))
    assert "--sparql" in message


def test_neither_name_nor_sparql() -> None:
    message = input_error(run("query"))
    assert "--sparql" in message


BAD_TURTLE = [
    pytest.param(
        f"{PREFIXES}\nxr:a xr:b xr:c .\nxr:a xr:b .\nxr:d xr:e xr:f .\n", 9, id="no-object"
    ),
    pytest.param(
        f'{PREFIXES}xr:a rdfs:label "open string .\nxr:d xr:e xr:f .\n', 7, id="newline-in-string"
    ),
    pytest.param(
        "@prefix xr: <https://w3id.org/xpo1kg/resource/> .\n\nnope:a xr:b xr:c .\n",
        3,
        id="unbound-prefix",
    ),
    pytest.param(f"{PREFIXES}xr:a xr:b xr:c .\nxr:d xr:e xr:f", 8, id="truncated-at-eof"),
]


@pytest.mark.parametrize(("text", "line"), BAD_TURTLE)
def test_malformed_turtle_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path / "broken.ttl", text)
    message = input_error(run("query", CARGO, "--data", str(path)))
    assert message.startswith(f"{path}:{line}: "), message
    assert len(message) > len(f"{path}:{line}: ")


def test_missing_data_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.ttl"
    message = input_error(run("query", CARGO, "--data", str(path)))
    assert message == f"{path}: no such file"


# --- validate ---------------------------------------------------------------------------------


def test_validate_bundled_data_conforms() -> None:
    result = run("validate")
    assert_ok(result)
    assert result.stdout.strip() == "bundled data: conforms"


def test_validate_new_file_with_bundled_context(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.ttl", MEASUREMENT_TTL)
    result = run("validate", str(path), "--with-bundled")
    assert_ok(result)
    assert result.stdout.strip() == f"{path}: conforms"
    # On its own the file links to inhibitors, cell lines and sources it does not describe.
    alone = run("validate", str(path))
    assert alone.exit_code == 1
    assert no_traceback(alone)


def test_validate_reports_one_line_per_violation(tmp_path: Path) -> None:
    path = write(tmp_path / "unitless.ttl", UNITLESS_TTL)
    result = run("validate", str(path), "--with-bundled")
    assert no_traceback(result)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    line = lines[0]
    assert f"xr:{NEW_MEASUREMENT}" in line
    assert re.search(r" xo:hasUnit: \S", line), line
    report = validate([path], with_bundled=True)
    assert lines == report.lines()
    assert [r.path for r in report.results] == ["https://w3id.org/xpo1kg/ontology/hasUnit"]
    assert "1 violation" in result.stderr


def test_validate_lines_use_labels(tmp_path: Path) -> None:
    labelled = UNITLESS_TTL.replace(
        "a xo:IC50Measurement ;", 'a xo:IC50Measurement ;\n    rdfs:label "my unitless IC50" ;'
    )
    path = write(tmp_path / "unitless.ttl", labelled)
    result = run("validate", str(path), "--with-bundled")
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("my unitless IC50 ")
    assert "xo:hasUnit" in line


def test_validate_malformed_file(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.ttl", f"{PREFIXES}\nxr:a xr:b xr:c .\nxr:a xr:b .\n")
    message = input_error(run("validate", str(path)))
    assert message.startswith(f"{path}:9: ")


def test_validate_missing_file(tmp_path: Path) -> None:
    message = input_error(run("validate", str(tmp_path / "absent.ttl")))
    assert "no such file" in message


# --- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_writes_the_file(tmp_path: Path, kg: KnowledgeGraph, fmt: str) -> None:
    path = tmp_path / f"graph.{fmt}"
    result = run("export", "--format", fmt, "--output", str(path), "--no-inferred")
    assert_ok(result)
    assert result.stdout == ""
    assert str(path) in result.stderr
    content = path.read_bytes()
    assert content == serialize(kg.graph, fmt)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary file left
    again = run("export", "--format", fmt, "--output", str(path), "--no-inferred")
    assert_ok(again)
    assert path.read_bytes() == content


def test_export_to_stdout(kg: KnowledgeGraph) -> None:
    result = run("export", "--no-inferred")  # the asserted triples (default: + inferred ones)
    assert_ok(result)
    assert result.stdout_bytes == serialize(kg.graph, "ttl")
    nt = run("export", "--format", "nt", "--no-inferred")
    assert nt.stdout_bytes == serialize(kg.graph, "nt")


def test_export_includes_extra_data(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.ttl", MEASUREMENT_TTL)
    result = run("export", "--format", "nt", "--data", str(path), "--no-inferred")
    assert_ok(result)
    assert f"<{XR}{NEW_MEASUREMENT}>" in result.stdout
    plain = run("export", "--format", "nt", "--no-inferred").stdout
    assert f"<{XR}{NEW_MEASUREMENT}>" not in plain


def test_export_into_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "graph.ttl"
    message = input_error(run("export", "--output", str(path)))
    assert str(path) in message
    assert list(tmp_path.iterdir()) == []


# --- stats, find, python -m -------------------------------------------------------------------


def test_stats_counts_ic50_measurements() -> None:
    result = run("stats")
    assert_ok(result)
    # Six single values; the seventh row of the guide's table is an IC50 range summary.
    assert re.search(r"^IC50 measurement\s+6$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^IC50 range summary\s+1$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^[\d,]+ triples \(\+[\d,]+ inferred\)$", result.stdout, re.MULTILINE)
    as_csv = parse_delimited(run("stats", "--format", "csv").stdout, ",")
    assert ["IC50 measurement", "6"] in as_csv


def test_stats_counts_extra_data(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.ttl", MEASUREMENT_TTL)
    result = run("stats", "--data", str(path), "--no-inferred")
    assert re.search(r"^IC50 measurement\s+7$", result.stdout, re.MULTILINE), result.stdout


def test_find_by_synonym() -> None:
    result = run("find", "SKOV3")
    assert_ok(result)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CURIE", "label", "type", "matched", "why"]
    assert set(lines[1]) <= {"-", " "}
    assert re.fullmatch(r"xr:SK-OV-3\s+SK-OV-3\s+cell line\s+SKOV3\s+exact synonym", lines[2])
    assert re.fullmatch(r"\(\d+ rows?\)", lines[-1])


def test_find_tolerates_spellings_and_ranks_individuals_first() -> None:
    rows = json.loads(run("find", "caspase", "--format", "json").stdout)
    curies = [row["CURIE"] for row in rows]
    assert curies.index("xr:CASP3") < curies.index("xo:Caspase")
    assert curies.index("xr:CASP9") < curies.index("xo:Caspase")
    caspase = rows[curies.index("xo:Caspase")]
    assert (caspase["type"], caspase["why"]) == ("class", "exact label")
    assert rows[0]["type"] in {"caspase", "executioner caspase"}
    assert not any("#" in row["type"] or "://" in row["type"] for row in rows)


@pytest.mark.parametrize("output_format", ["csv", "tsv", "json"])
def test_find_formats_have_one_shape(output_format: str) -> None:
    result = run("find", "selin", "--format", output_format)
    assert_ok(result)
    if output_format == "json":
        records = json.loads(result.stdout)
    else:
        delimiter = "," if output_format == "csv" else "\t"
        records = list(csv.DictReader(io.StringIO(result.stdout), delimiter=delimiter))
    assert list(records[0]) == ["CURIE", "label", "type", "matched", "why"]
    assert records[0] == {
        "CURIE": "xr:selinexor",
        "label": "selinexor",
        "type": "selective inhibitor of nuclear export",
        "matched": "selinexor",
        "why": "prefix of label",
    }


def test_find_limit() -> None:
    result = run("find", "caspase", "--limit", "1", "--format", "csv")
    assert_ok(result)
    assert len(result.stdout.splitlines()) == 2


def test_find_nothing() -> None:
    message = input_error(run("find", "nothing-like-this"))
    assert message == "nothing matches 'nothing-like-this'"


def test_find_nothing_suggests_the_closest_names() -> None:
    message = input_error(run("find", "selinx"))
    assert message.startswith("nothing matches 'selinx'; did you mean: selinexor (xr:selinexor)")


def test_python_m_xpo1kg(tmp_path: Path) -> None:
    help_run = subprocess.run(
        [sys.executable, "-m", "xpo1kg", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert help_run.returncode == 0, help_run.stderr
    assert help_run.stdout.startswith("Usage: xpo1kg ")
    for command in ("query", "queries", "validate", "export", "stats", "find"):
        assert re.search(rf"^\s+{command}\s", help_run.stdout, re.MULTILINE), command
    version_run = subprocess.run(
        [sys.executable, "-m", "xpo1kg", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert version_run.returncode == 0
    assert version("xpo1kg") in version_run.stdout
