"""The Python ``validate()`` reaches both SHACL engines, as the CLI's ``--engine`` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runs import assert_ok, run

from xpo1kg import InputError, validate
from xpo1kg.validate.pyshacl_engine import ENGINES

BROKEN = """@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
xr:IC50_broken a xo:IC50Measurement ; rdfs:label "broken" ; xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:TP53 ; xo:hasCellLine xr:A2780 ; xo:value 0.0 ;
    dcterms:source xr:BenchChemGuide2025 .
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_engines_are_pyshacl_and_fast() -> None:
    assert set(ENGINES) == {"pyshacl", "fast"}


def test_fast_engine_gives_the_reference_report_on_a_broken_file(broken: Path) -> None:
    fast = validate([broken], with_bundled=True, engine="fast")
    reference = validate([broken], with_bundled=True, engine="pyshacl")
    assert not fast.conforms
    assert fast.lines() == reference.lines()
    assert {r.path for r in fast.results} >= {
        "https://w3id.org/xpo1kg/ontology/hasUnit",
        "https://w3id.org/xpo1kg/ontology/hasInhibitor",
    }


def test_fast_engine_on_the_bundled_data_conforms() -> None:
    report = validate(engine="fast")
    assert report.conforms
    assert report.results == ()


def test_unknown_engine_is_bad_input() -> None:
    with pytest.raises(InputError, match="unknown validation engine 'jena'"):
        validate(engine="jena")  # type: ignore[arg-type]


def test_files_and_store_together_are_bad_input(broken: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not both"):
        validate([broken], store=tmp_path / "store")


@pytest.mark.parametrize("engine", ENGINES)
def test_store_is_validated_by_either_engine(engine: str, broken: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert_ok(run("load", broken, "--store", store))
    report = validate(store=store, engine=engine)  # type: ignore[arg-type]
    assert not report.conforms
    assert any(r.path == "https://w3id.org/xpo1kg/ontology/value" for r in report.results)
