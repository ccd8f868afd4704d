"""A biologist's path through the pages, in a real headless Chromium (Debian's, driven by Playwright).

The browser is ``/usr/bin/chromium`` (``apt-get install chromium``; ``scripts/install-test-tools.sh`` installs it
when it can). Without it the tests are skipped with the reason, except under ``CI=true``, where
they fail: CI must run them (``tests/browser_setup.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_setup import Traffic, opened_page
from playwright.sync_api import Browser, Page, expect
from serving import RunningServer

# End to end (a real browser): slow. Shares the server of the page tests (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("one_worker_server")]


@pytest.fixture(scope="module")
def server(one_worker_server: RunningServer) -> RunningServer:
    """The test run's shared server (tests/conftest.py): these tests only read from it."""
    return one_worker_server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from opened_page(browser, accept_downloads=True)


def test_from_a_question_to_p53_to_selinexor_ic50(
    server: RunningServer, page: Page, tmp_path: Path
) -> None:
    traffic = Traffic(page)
    page.goto(server.base + "/")
    expect(page).to_have_title("XPO1 inhibition and apoptosis: a knowledge graph · xpo1kg")
    expect(page.locator(".card", has_text="proteins")).to_contain_text("19")

    page.get_by_role(
        "link", name="XPO1 cargo whose nuclear retention triggers, or can induce, apoptosis"
    ).click()
    expect(page).to_have_url(server.base + "/questions/cargo_triggering_apoptosis")
    results = page.locator("table#results")
    expect(results.locator("thead th").first).to_have_text("cargo")
    expect(results.locator("tbody tr")).to_have_count(7)
    expect(results.locator("tbody tr").first).to_contain_text("P04637")

    results.get_by_role("link", name="TP53", exact=True).click()
    expect(page).to_have_url(server.base + "/resource/TP53")
    expect(page.locator("h1")).to_have_text("p53 TP53")  # the common name, the symbol beside
    expect(page.locator(".synonyms")).to_contain_text("p53")
    uniprot = page.get_by_role("link", name="P04637")
    expect(uniprot).to_have_attribute("href", "https://www.uniprot.org/uniprotkb/P04637/entry")

    # TP53 is exported by XPO1, which selinexor inhibits.
    page.get_by_role("link", name="XPO1", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("XPO1")
    page.get_by_role("link", name="selinexor", exact=True).first.click()
    expect(page).to_have_url(server.base + "/resource/selinexor")
    ic50 = page.locator("table#ic50-table")
    expect(ic50.locator("tbody tr")).to_have_count(3)
    expect(ic50.locator("tbody tr", has_text="MDA-MB-468").locator("td.num")).to_have_text("~32")
    expect(ic50.locator("tbody tr", has_text="BT-549").locator("td.num")).to_have_text("~200")
    expect(ic50.locator("tbody tr", has_text="bladder cancer").locator("td.num")).to_have_text(
        "100–500"
    )
    shot = tmp_path / "selinexor.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    assert len(traffic.requests) >= 8  # pages, style sheets and scripts were really fetched
    # An entity page's figure still being drawn when the next page opens is cancelled by the
    # browser (net::ERR_ABORTED): that is not a failure.
    assert [f for f in traffic.failed if not f.endswith("net::ERR_ABORTED")] == []
    assert traffic.remote() == []
