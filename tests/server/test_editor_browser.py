"""The query editor in headless Debian Chromium: YASGUI with completion, examples, downloads.

Every request the page makes is recorded: nothing may go to another site (YASGUI's prefix.cc and
LOV look-ups, fonts or CDNs). Screenshots are saved under the test's tmp_path for people to see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_setup import Traffic, opened_page
from playwright.sync_api import Browser, Page, expect
from serving import RunningServer

pytestmark = pytest.mark.slow


def _page(browser: Browser, *, javascript: bool = True) -> Iterator[Page]:
    yield from opened_page(
        browser, java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser)


@pytest.fixture
def plain_page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, javascript=False)


def test_editor_completes_terms_opens_examples_in_tabs_sorts_and_downloads(
    one_worker_server: RunningServer, page: Page, tmp_path: Path
) -> None:
    traffic = Traffic(page)
    page.goto(one_worker_server.base + "/query")
    editor = page.locator(".CodeMirror:visible")
    expect(editor).to_have_count(1)
    expect(page.locator("#query-form")).to_be_hidden()  # the plain form is for no JavaScript
    tabs = page.locator(".tabsList .tab")
    expect(tabs).to_have_count(1)

    # Completion of the graph's own terms, with their labels, and the prefix line added.
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT ?p WHERE { ?p xo:expo")
    hints = page.locator(".CodeMirror-hints li")
    expect(hints.first).to_have_text("xo:exportedByexported by")
    expect(hints).to_have_count(4)  # exportedBy, exports, exportsFrom, exportsTo
    page.screenshot(path=str(tmp_path / "editor-completion.png"))
    page.keyboard.press("Enter")
    page.keyboard.type(" xr:XPO1 }")
    text = page.locator(".CodeMirror:visible .CodeMirror-code").inner_text()
    assert "PREFIX xo: <https://w3id.org/xpo1kg/ontology/>" in text
    assert "?p xo:exportedBy xr:XPO1 }" in text

    # An example opens in a new tab: the query being written stays in the first one.
    page.get_by_role("button", name="IC50 values of XPO1 inhibitors").click()
    expect(tabs).to_have_count(2)
    expect(page.locator(".tabsList .tab.active")).to_contain_text("IC50 values of XPO1 inhibitors")
    page.locator(".yasqe_queryButton:visible").click()
    rows = page.locator(".yasr:visible table tbody tr")
    expect(rows).to_have_count(7)
    expect(rows.first).to_contain_text("KPT-185")
    link = rows.first.locator("a.iri").first
    expect(link).to_have_attribute("href", "/resource/IC50_KPT-185_A2780")  # this server's page

    # Sorting by a column (DataTables): the inhibitor, descending, puts selinexor first.
    header = page.locator(".yasr:visible th", has_text="inhibitor_label")
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(rows.first).to_contain_text("KPT-185")
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_contain_text("selinexor")
    page.screenshot(path=str(tmp_path / "editor-results.png"), full_page=True)

    # Downloads follow the open tab's query.
    hrefs = {
        a.inner_text(): a.get_attribute("href") or ""
        for a in page.locator("#editor-downloads a").all()
    }
    assert list(hrefs) == ["CSV", "TSV", "JSON", "CSV for Excel"]
    for label, name in zip(hrefs, ("csv", "tsv", "json", "csv-excel"), strict=True):
        params = parse_qs(urlsplit(hrefs[label]).query)
        assert params["format"] == [name]
        assert params["query"][0].startswith("# title: IC50 values of XPO1 inhibitors")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="TSV").click()
    saved = tmp_path / "results.tsv"
    waiting.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").splitlines()[0].startswith("?measurement\t")

    # The first tab still holds the query written by hand.
    tabs.first.click()
    expect(page.locator(".CodeMirror:visible .CodeMirror-code")).to_contain_text("xo:exportedBy")

    assert traffic.remote() == []
    assert traffic.failed == []
    assert any(url.endswith("/api/terms") for url in traffic.requests)
    assert any("/static/vendor/yasgui/yasgui.min.js" in url for url in traffic.requests)


def test_a_shared_link_and_sparql_in_a_browser_open_the_editor_running_the_query(
    one_worker_server: RunningServer, page: Page, tmp_path: Path
) -> None:
    traffic = Traffic(page)
    query = 'SELECT ?line WHERE { ?line xo:cellosaurusId "CVCL_0532" }'
    page.goto(one_worker_server.base + "/sparql?" + re.sub(" ", "%20", f"query={query}"))
    expect(page).to_have_url(re.compile(r"/query\?query="))
    expect(page.locator(".yasr:visible table tbody tr")).to_have_count(1)
    expect(page.locator(".yasr:visible table tbody tr")).to_contain_text("xr:SK-OV-3")
    page.screenshot(path=str(tmp_path / "editor-shared.png"))
    assert traffic.remote() == []


def test_without_javascript_the_plain_form_loads_an_example_and_runs_it(
    one_worker_server: RunningServer, plain_page: Page, tmp_path: Path
) -> None:
    page = plain_page
    page.goto(one_worker_server.base + "/query")
    box = page.get_by_label("SPARQL query")
    expect(box).to_have_value("")
    page.get_by_label("Example query").select_option("most_sensitive_cell_line")
    page.get_by_role("button", name="Load").click()  # with the box empty: not blocked
    expect(box).to_have_value(re.compile(r"^# title: "))
    page.get_by_role("button", name="Run query").click()
    rows = page.locator("table#results tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    expect(page.get_by_role("link", name="CSV for Excel")).to_be_visible()
    page.screenshot(path=str(tmp_path / "editor-plain.png"), full_page=True)
