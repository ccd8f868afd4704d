"""The Python ``validate()`` reaches both SHACL engines, as the CLI's ``--engine`` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runs import assert_ok, run

from xpo1kg import InputError, validate
from xpo1kg.validate.pyshacl_engine import ENGINES


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
