"""The closed vocabulary (issue 14, point 2): a data file using an ``xo:`` property or class that
the ontology does not define is a violation naming the term, the file, the line and the closest
defined terms, with either engine. Today such a file passes ``xpobkg validate``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runs import run

from xpo1kg.rdf.loading import read_graph
from xpo1kg.resources import data_files
from xpo1kg.validate.pyshacl_engine import validate
from xpo1kg.validate.vocabulary import CLOSED_VOCABULARY, vocabulary_results

HEADER = """@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .
"""
MEASUREMENT = """# a comment naming {term} is not a use
xr:IC50_New a {cls} ;
    rdfs:label "IC50 of KPT-185 on A2780, again" ;
    xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:KPT-185 ;
    {prop} xr:A2780 ;
    xo:hasCancerType xr:OvarianCancer ;
    xo:value 12.0 ;
    xo:pIC50 7.92 ;
    xo:hasUnit obo:UO_0000065 ;
    xo:evidenceType <http://purl.obolibrary.org/obo/ECO_0000303> ; xo:modality xo:Established ;
    <https://w3id.org/biolink/vocab/knowledge_level> "knowledge_assertion" ;
    <https://w3id.org/biolink/vocab/agent_type> "manual_agent" ;
    dcterms:source xr:BenchChemGuide2025 .
"""
TYPO_LINE = 12  # the line of {prop} (6 header lines, then the comment, the subject, 3 more)

# (the typo, where it goes, what the message must say)
TYPOS = [
    ("xo:hasCellline", "prop", "unknown property xo:hasCellline"),  # case
    ("xo:hasCelLine", "prop", "unknown property xo:hasCelLine"),  # a missing letter
    (
        "xr:hasCellLine",
        "prop",
        "xr:hasCellLine names a resource (xr:), not a property",
    ),  # namespace
    ("xo:IC50Measurment", "cls", "unknown class xo:IC50Measurment"),  # a class typo
]


def write(tmp_path: Path, term: str, slot: str) -> Path:
    values = {"prop": "xo:hasCellLine", "cls": "xo:IC50Measurement", "term": term}
    values[slot] = term
    path = tmp_path / "mine.ttl"
    path.write_text(HEADER + MEASUREMENT.format(**values), encoding="utf-8")
    return path


@pytest.mark.parametrize(("term", "slot", "says"), TYPOS)
def test_api_reports_each_kind_of_typo(tmp_path: Path, term: str, slot: str, says: str) -> None:
    path = write(tmp_path, term, slot)
    report = validate([path], with_bundled=True)
    assert not report.conforms
    [result] = [r for r in report.results if r.constraint_component == CLOSED_VOCABULARY]
    expected = "xo:IC50Measurement" if slot == "cls" else "xo:hasCellLine"
    line = TYPO_LINE if slot == "prop" else TYPO_LINE - 4
    assert result.source_file == str(path)
    assert result.source_line == line
    assert says in result.message
    assert result.message.split("; did you mean ")[1].startswith(expected)
    assert report.lines().count(result.line()) == 1
    assert result.line().startswith(f"{path}:{line}: xr:IC50_New")


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
@pytest.mark.parametrize(("term", "slot", "says"), TYPOS)
def test_cli_reports_each_kind_of_typo_with_either_engine(
    tmp_path: Path, engine: str, term: str, slot: str, says: str
) -> None:
    path = write(tmp_path, term, slot)
    outcome = run("validate", path, "--with-bundled", "--engine", engine)
    assert outcome.exit_code == 1
    [line] = [x for x in outcome.stdout.splitlines() if says in x]
    assert line.startswith(f"{path}:")
    assert "did you mean xo:" in line


def test_a_correct_file_and_the_bundled_data_use_only_the_ontology(tmp_path: Path) -> None:
    path = write(tmp_path, "xo:hasCellLine", "prop")
    assert validate([path], with_bundled=True).conforms
    sources = list(data_files())
    assert vocabulary_results(read_graph(sources), sources) == []


def test_a_term_in_full_iri_form_is_found_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.nt"
    path.write_text(
        '<https://w3id.org/xpo1kg/resource/A> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\n'
        "<https://w3id.org/xpo1kg/resource/A> <https://w3id.org/xpo1kg/ontology/inhibit> "
        "<https://w3id.org/xpo1kg/resource/XPO1> .\n",
        encoding="utf-8",
    )
    [result] = vocabulary_results(read_graph([path]), [path])
    assert (result.source_file, result.source_line) == (str(path), 2)
    assert "did you mean xo:inhibits" in result.message


def test_a_store_is_checked_by_graph(tmp_path: Path) -> None:
    path = write(tmp_path, "xo:hasCelLine", "prop")
    store = tmp_path / "store"
    assert run("load", path, "--store", store).exit_code == 0
    outcome = run("validate", "--store", store)
    assert outcome.exit_code == 1
    [line] = [x for x in outcome.stdout.splitlines() if "xo:hasCelLine" in x]
    assert line.startswith("https://w3id.org/xpo1kg/graph/user/mine.ttl: xr:IC50_New")
    assert "did you mean xo:hasCellLine?" in line
    assert run("drop", "mine.ttl", "--store", store).exit_code == 0
    assert run("validate", "--store", store).exit_code == 0
