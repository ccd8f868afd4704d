"""Run the ``xpo1kg`` command in-process for tests, keeping only what it did."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from xpo1kg.cli import main


@dataclass(frozen=True)
class Outcome:
    """What a command did, without the traceback frames that would keep a store open."""

    exit_code: int
    stdout: str
    stderr: str
    uncaught: BaseException | None


def run(*args: str | Path) -> Outcome:
    """Run ``xpo1kg ARGS`` in-process and release any store it opened."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    uncaught = None if isinstance(result.exception, SystemExit | None) else result.exception
    outcome = Outcome(result.exit_code, result.stdout, result.stderr, uncaught)
    del result
    gc.collect()  # RocksDB allows one handle per directory: let the next command open it
    return outcome


def assert_ok(outcome: Outcome) -> None:
    """Assert that the command succeeded, showing its output if it did not."""
    assert outcome.uncaught is None, repr(outcome.uncaught)
    assert outcome.exit_code == 0, f"exit {outcome.exit_code}\n{outcome.stdout}\n{outcome.stderr}"
