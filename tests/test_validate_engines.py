"""`xpo1kg validate` gives the same verdict and lines with the fast engine and with pyshacl."""

from __future__ import annotations

import gc
from pathlib import Path

from click.testing import CliRunner

from xpo1kg.cli import main


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
