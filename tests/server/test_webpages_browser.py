"""Search, 404 suggestions, browse pages, results that fit and entity pictures, in a real headless
Chromium (as tests/server/test_browser.py drives it). Screenshots are saved in each test's tmp_path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_setup import Traffic, opened_page
from playwright.sync_api import Browser, Page, expect
from serving import RunningServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(one_worker_server: RunningServer) -> RunningServer:
    """The test run's shared server (tests/conftest.py): these tests only read from it."""
    return one_worker_server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from opened_page(browser, viewport={"width": 1280, "height": 900})


def test_search_with_completion_from_the_header(
    server: RunningServer, page: Page, tmp_path: Path
) -> None:
    traffic = Traffic(page)
    page.goto(server.base + "/")
    box = page.get_by_role("searchbox", name="Search the graph")
    with page.expect_response(lambda answer: answer.url.endswith("/search/complete?q=puma")):
        box.press_sequentially("puma", delay=30)
    suggestions = page.locator("#site-search-list li")
    expect(suggestions.first).to_contain_text("BBC3")
    expect(suggestions.first).to_contain_text("PUMA")
    page.screenshot(path=str(tmp_path / "search-completion.png"))
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(server.base + "/resource/BBC3")
    expect(page.locator("h1")).to_have_text("PUMA BBC3")
    # Without choosing a suggestion, Enter submits the form to the results page.
    box = page.get_by_role("searchbox", name="Search the graph")
    box.fill("selinexr")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=selinexr$"))
    expect(page.locator("#search-results tbody tr").first).to_contain_text("selinexor")
    # A request still under way when the page changes (a completion, a figure still being drawn)
    # is cancelled by the browser: that is not a failure.
    failed = [f for f in traffic.failed if not f.endswith("net::ERR_ABORTED")]
    assert traffic.remote() == [] and failed == []


def test_unknown_entity_suggests_the_closest(
    server: RunningServer, page: Page, tmp_path: Path
) -> None:
    answer = page.goto(server.base + "/resource/p53")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Did you mean TP53?")).to_be_visible()
    page.screenshot(path=str(tmp_path / "not-found.png"))
    page.locator(".suggestions").get_by_role("link", name="TP53", exact=True).click()
    expect(page).to_have_url(server.base + "/resource/TP53")


def test_browse_page_filtered_and_sorted(server: RunningServer, page: Page, tmp_path: Path) -> None:
    page.goto(server.base + "/")
    page.locator(".card", has_text="measurements").get_by_role("link").click()
    expect(page).to_have_url(server.base + "/measurements")
    page.get_by_label("cancer type").select_option("ovarian cancer")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table#browse tbody tr")
    expect(rows).to_have_count(4)
    ic50 = page.locator("table#browse thead th", has_text="IC50 (nM)").get_by_role("link")
    ic50.click()  # sorted in place by the script
    expect(rows.first.locator("td.num")).to_have_text("~50")
    ic50.click()
    expect(rows.first.locator("td.num")).to_have_text("~300")
    expect(page).to_have_url(re.compile(r"sort=-ic50"))
    page.screenshot(path=str(tmp_path / "measurements.png"), full_page=True)
    page.reload()  # the same order from the server, without the script
    expect(rows.first.locator("td.num")).to_have_text("~300")
    page.get_by_label("IC50 from (nM)").fill("60")
    page.get_by_label("to (nM)").fill("200")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)


def test_ic50_question_fits_at_1280_px_and_links_every_entity(
    server: RunningServer, page: Page, tmp_path: Path
) -> None:
    page.goto(server.base + "/questions/ic50_table")
    table = page.locator("table#results")
    expect(table).to_be_visible()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.querySelector('#results').scrollWidth,"
        " document.querySelector('#results').parentElement.clientWidth]"
    )
    page.screenshot(path=str(tmp_path / "ic50-question.png"), full_page=True)
    assert widths[0] <= widths[1], widths  # no horizontal scrolling of the page
    assert widths[2] <= widths[3], widths  # nor of the table
    headings = table.locator("thead th").all_inner_texts()
    for column in ("measurement", "inhibitor", "cancer", "source"):
        cells = table.locator(f"tbody tr td:nth-child({headings.index(column) + 1})")
        for i in range(cells.count()):
            expect(cells.nth(i).locator("a")).to_have_count(1)
    cell_lines = table.locator(f"tbody tr td:nth-child({headings.index('cell line') + 1})")
    linked = [cell_lines.nth(i).locator("a").count() for i in range(cell_lines.count())]
    texts = cell_lines.all_inner_texts()
    assert all(n == 1 for n, text in zip(linked, texts, strict=True) if text != "Various")
    row_heights = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert max(row_heights) < 4 * min(row_heights)  # no row is a tower of wrapped words
    table.locator("details").first.locator("summary").click()
    expect(table.locator("details").first).to_contain_text("author statement")


def test_entity_page_shows_quotes_and_an_ic50_chart(
    server: RunningServer, page: Page, tmp_path: Path
) -> None:
    page.goto(server.base + "/resource/selinexor")
    quote = page.locator(".evidence .quote").first
    expect(quote).to_be_visible()  # on the page, not in a tooltip
    expect(quote).to_contain_text("Cys528")
    chart = page.locator("svg.ic50-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(2)
    expect(chart.locator("rect")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "selinexor.png"), full_page=True)
    page.emulate_media(media="print")
    expect(quote).to_be_visible()
    page.emulate_media(media="screen")
    # The neighbourhood's nodes are links.
    graph = page.locator("svg.neighbourhood")
    expect(graph).to_be_visible()
    graph.locator('a[href="/resource/XPO1"]').click()
    expect(page).to_have_url(server.base + "/resource/XPO1")
    page.goto(server.base + "/resource/A2780")
    expect(page.locator("svg.ic50-chart circle")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "a2780.png"), full_page=True)
