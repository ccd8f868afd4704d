"""The README stays true: its commands, its list of queries, and what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from xpo1kg import list_queries

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_quickstart_has_exactly_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = quickstart_commands()[1]
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_readme_test_command_installs_and_runs_pytest() -> None:
    """The test command installs the system tools, then the project, then runs pytest."""
    steps = quickstart_commands()[1].split(" && ")
    assert steps == [
        "bash scripts/install-test-tools.sh",
        "python3 -m venv .venv",
        '.venv/bin/pip install ".[test]"',
        ".venv/bin/pytest",
    ]


def test_readme_no_longer_asks_to_reinstall_after_edits() -> None:
    assert "reinstall after" not in README


def test_main_job_runs_a_shipped_query() -> None:
    main_job = quickstart_commands()[0]
    name = main_job.rsplit("xpo1kg query ", 1)[1].strip()
    assert name in {q.name for q in list_queries()}


def test_readme_lists_every_competency_query() -> None:
    listed = set(re.findall(r"^\| `(\w+)` \|", README, flags=re.MULTILINE))
    assert listed == {q.name for q in list_queries()}
