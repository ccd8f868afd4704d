"""Whether the browser tests can run: Debian's Chromium is there, or why it is not.

``scripts/install-test-tools.sh`` (part of the README's test command) installs Chromium when it can (root or passwordless
sudo). Where it could not, the browser tests are skipped with the reason, except under ``CI=true``:
CI must run them, so there a missing browser fails the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CHROMIUM = Path("/usr/bin/chromium")


@dataclass(frozen=True)
class BrowserDecision:
    """What the browser tests do, and the one line that says why."""

    action: Literal["run", "skip", "fail"]
    reason: str


def on_ci(env: Mapping[str, str]) -> bool:
    """Return True under CI (``CI=true``, as GitHub Actions, GitLab and most CI services set)."""
    return env.get("CI", "").strip().lower() in {"true", "1", "yes"}


def browser_decision(chromium: Path, env: Mapping[str, str]) -> BrowserDecision:
    """Decide whether the browser tests run, are skipped, or fail the run."""
    if chromium.is_file():
        return BrowserDecision("run", f"browser: {chromium}")
    missing = (
        f"{chromium} is missing (install it with `apt-get install -y --no-install-recommends "
        "chromium`, as root; scripts/install-test-tools.sh does when it can)"
    )
    if on_ci(env):
        return BrowserDecision("fail", f"browser: {missing}; CI=true requires the browser tests")
    return BrowserDecision("skip", f"browser: {missing}; the browser tests are skipped")
