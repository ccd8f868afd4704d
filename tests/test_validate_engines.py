"""`xpo1kg validate` gives the same verdict and lines with the fast engine and with pyshacl."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from xpo1kg.cli import main

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


def test_engines_agree_on_a_broken_file(broken: Path) -> None:
    runner = CliRunner()
    fast = runner.invoke(main, ["validate", str(broken), "--with-bundled", "--engine", "fast"])
    reference = runner.invoke(
        main, ["validate", str(broken), "--with-bundled", "--engine", "pyshacl"]
    )
    assert fast.exit_code == reference.exit_code == 1
    assert sorted(fast.stdout.splitlines()) == sorted(reference.stdout.splitlines())
    assert any("xo:hasUnit" in line for line in fast.stdout.splitlines())
    assert any("xo:hasInhibitor" in line for line in fast.stdout.splitlines())


def test_store_validation_uses_the_fast_engine_and_catches_errors(
    broken: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    store = tmp_path / "store"
    assert runner.invoke(main, ["load", str(broken), "--store", str(store)]).exit_code == 0
    gc.collect()  # close the writer's store: an Oxigraph directory is opened once per process
    result = runner.invoke(main, ["validate", "--store", str(store)])
    assert result.exit_code == 1
    assert any("xo:value" in line for line in result.stdout.splitlines())
