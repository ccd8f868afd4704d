"""The test setup: when the browser tests run, skip or fail, and what the test command does."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from browser_setup import browser_decision, on_ci

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def chromium(tmp_path: Path) -> Path:
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    return path


def test_browser_present_runs_the_browser_tests(chromium: Path) -> None:
    assert browser_decision(chromium, {}).action == "run"
    assert browser_decision(chromium, {"CI": "true"}).action == "run"


def test_browser_missing_skips_with_the_reason_in_one_line(tmp_path: Path) -> None:
    decision = browser_decision(tmp_path / "chromium", {})
    assert decision.action == "skip"
    assert "\n" not in decision.reason
    assert str(tmp_path / "chromium") in decision.reason
    assert "apt-get install" in decision.reason


@pytest.mark.parametrize("value", ["true", "True", "1"])
def test_browser_missing_under_ci_fails_the_run(tmp_path: Path, value: str) -> None:
    decision = browser_decision(tmp_path / "chromium", {"CI": value})
    assert decision.action == "fail"
    assert "CI=true" in decision.reason


def test_only_ci_true_counts_as_ci() -> None:
    assert not on_ci({})
    assert not on_ci({"CI": "false"})
    assert not on_ci({"CI": ""})
    assert on_ci({"CI": "true"})


def test_a_directory_is_not_a_browser(tmp_path: Path) -> None:
    assert browser_decision(tmp_path, {}).action == "skip"


def test_test_tools_script_is_valid_bash_and_installs_debians_packages() -> None:
    script = ROOT / "scripts" / "install-test-tools.sh"
    checked = subprocess.run(
        ["bash", "-n", str(script)], check=False, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    text = script.read_text(encoding="utf-8")
    assert "apt-get install -y -qq --no-install-recommends chromium" in text
    assert "bash scripts/install-virtuoso.sh" in text


def test_xdist_groups_table_matches_the_modules_marks() -> None:
    """tests/conftest.py schedules the groups; each grouped module says so with its mark too."""
    from conftest import XDIST_GROUPS

    for module, group in XDIST_GROUPS.items():
        text = (ROOT / module).read_text(encoding="utf-8")
        assert f'xdist_group("{group}")' in text, module
    marked = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests").rglob("test_*.py")
        if re.search(r"^pytestmark = .*xdist_group\(", path.read_text("utf-8"), re.MULTILINE)
    }
    assert marked == set(XDIST_GROUPS)
