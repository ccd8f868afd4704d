"""Run the ``xpo1kg`` command in-process for tests, keeping only what it did."""

from __future__ import annotations

import gc
import subprocess
import sys
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
    if opens_a_store(args):
        # The traceback of click's SystemExit keeps the command's frames, and the store they
        # hold, in a reference cycle. RocksDB allows one handle per directory: free it now.
        gc.collect()
    return outcome


def opens_a_store(args: tuple[str | Path, ...]) -> bool:
    """Whether a command line names a store directory (the only way a command opens one).

    A full collection after every command cost about a twelfth of the suite's time.
    """
    return any(str(arg).split("=", 1)[0] == "--store" for arg in args)


def assert_ok(outcome: Outcome) -> None:
    """Assert that the command succeeded, showing its output if it did not."""
    assert outcome.uncaught is None, repr(outcome.uncaught)
    assert outcome.exit_code == 0, f"exit {outcome.exit_code}\n{outcome.stdout}\n{outcome.stderr}"


def load_in_another_process(store: Path, *files: Path) -> None:
    """Run ``xpo1kg load FILES --store STORE`` in a process of its own.

    For tests that compare the store's files before and after reading: a writer opened in this
    process stays open (one handle per directory and process), and RocksDB's background
    compaction could change files while the test compares them.
    """
    completed = subprocess.run(
        [sys.executable, "-m", "xpo1kg", "load", *map(str, files), "--store", str(store)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
