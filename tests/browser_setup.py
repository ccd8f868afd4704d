"""Whether the browser tests can run: Debian's Chromium is there, or why it is not.

``scripts/install-test-tools.sh`` (part of the README's test command) installs Chromium when it can (root or passwordless
sudo). Where it could not, the browser tests are skipped with the reason, except under ``CI=true``:
CI must run them, so there a missing browser fails the run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:  # Playwright is imported only by the tests that drive the browser
    from playwright.sync_api import Browser, Page, Request

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


#: How the browser tests start Debian's Chromium: headless, and with nothing that calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def require_chromium() -> None:
    """Skip (or, under CI=true, fail) the calling test module when the browser is missing."""
    import os

    import pytest

    decision = browser_decision(CHROMIUM, os.environ)
    if decision.action == "skip":
        pytest.skip(decision.reason)
    if decision.action == "fail":
        pytest.fail(decision.reason)


def launched_browser() -> Iterator[Browser]:
    """Start Chromium through Playwright for one module's tests (a fixture's body)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def opened_page(browser: Browser, **options: object) -> Iterator[Page]:
    """Open a page in a context of its own (``options``: Playwright's), closed after the test."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


class Traffic:
    """Every request a page makes, and those that failed (``URL: reason``)."""

    def __init__(self, page: Page) -> None:
        self.requests: list[str] = []
        self.failed: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", self._failed)

    def _failed(self, request: Request) -> None:
        self.failed.append(f"{request.url}: {request.failure}")

    def remote(self) -> list[str]:
        """The requests that left this machine: none may."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]
