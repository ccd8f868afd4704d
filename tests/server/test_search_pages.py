"""Search on every page, completion, "did you mean" 404s, browse pages, entity extras and the
results layout, served by the real ``xpo1kg serve`` (issue 16, points 1-4 and 9)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import httpx
import pytest
from page_parser import Page
from serving import HTTP, RunningServer

from xpo1kg import KnowledgeGraph
from xpo1kg.query.catalog import list_queries
from xpo1kg.query.table_model import column_for
from xpo1kg.server.browse import LISTINGS, listing
from xpo1kg.server.entity_extras import ALL_FIGURES, common_name, figures_of
from xpo1kg.server.ic50 import measurements
from xpo1kg.server.listing_model import select
from xpo1kg.server.neighbourhood import neighbourhood
from xpo1kg.server.pages import MAIN_QUESTION, ordered_questions
from xpo1kg.server.result_layout import lay_out
from xpo1kg.server.tables import Cell, Table

XR = "https://w3id.org/xpo1kg/resource/"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def server(one_worker_server: RunningServer) -> RunningServer:
    """The test run's shared server (tests/conftest.py): these tests only read from it."""
    return one_worker_server


def get(
    server: RunningServer, path: str, accept: str = "text/html", **params: str
) -> httpx.Response:
    return HTTP.get(server.base + path, params=params, headers={"Accept": accept}, timeout=30)


# --- search ---------------------------------------------------------------------------------


def test_every_page_has_the_search_box(server: RunningServer) -> None:
    for path in ["/", "/questions", "/proteins", "/resource/TP53", "/questions/ic50_table"]:
        text = get(server, path).text
        assert '<form class="site-search" role="search" method="get" action="/search">' in text
        assert '<script src="/static/site.js" defer></script>' in text


def test_search_page_lists_matches_with_links(server: RunningServer) -> None:
    answer = get(server, "/search", q="p53")
    assert answer.status_code == 200
    page = Page(answer.text)
    rows = page.tables["search-results"]
    assert rows[0][0] == "TP53" and rows[0][3] == "exact synonym"
    assert page.href_of("TP53") == "/resource/TP53"
    typo = Page(get(server, "/search", q="selinexr").text)
    assert typo.tables["search-results"][0][:2] == [
        "selinexor",
        "selective inhibitor of nuclear export",
    ]
    nothing = get(server, "/search", q="zzzzqqq")
    assert nothing.status_code == 200 and "Nothing matches" in nothing.text
    empty = get(server, "/search")
    assert empty.status_code == 200 and 'href="/proteins"' in empty.text


def test_search_without_a_match_suggests_names(server: RunningServer) -> None:
    page = Page(get(server, "/search", q="selinx").text)
    assert page.href_of("selinexor") == "/resource/selinexor"


def test_completion_answers_json_in_rank_order(server: RunningServer) -> None:
    answer = get(server, "/search/complete", accept="application/json", q="selin")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    found = answer.json()
    assert found[0] == {
        "label": "selinexor",
        "type": "selective inhibitor of nuclear export",
        "iri": XR + "selinexor",
        "url": "/resource/selinexor",
        "matched": "selinexor",
    }
    assert get(server, "/search/complete", q="SKOV3").json()[0]["label"] == "SK-OV-3"
    assert get(server, "/search/complete", q="").json() == []
    assert len(get(server, "/search/complete", q="c").json()) == 10  # at most ten


def test_search_text_is_escaped(server: RunningServer) -> None:
    hostile = '<script>alert("x")</script>'
    text = get(server, "/search", q=hostile).text
    assert "<script>alert" not in text
    assert "&lt;script&gt;" in text


@pytest.mark.parametrize(
    ("path", "suggestion", "href"),
    [
        ("/resource/p53", "TP53", "/resource/TP53"),
        ("/resource/SKOV3", "SK-OV-3", "/resource/SK-OV-3"),
        ("/ontology/protein", "protein", "/ontology/Protein"),
    ],
)
def test_unknown_entity_suggests_the_closest(
    server: RunningServer, path: str, suggestion: str, href: str
) -> None:
    page = get(server, path)
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f"Did you mean {suggestion}?" in page.text
    assert Page(page.text).links[  # the first suggestion is a link to the entity's page
        [text for _, text in Page(page.text).links].index(suggestion)
    ] == (href, suggestion)
    text = get(server, path, accept="text/turtle")
    assert text.status_code == 404
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text.count("\n") == 1 and "did you mean" in text.text
    problem = get(server, path, accept="application/json")
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"
    assert "did you mean" in problem.json()["detail"]


def test_unknown_entity_for_programs_names_the_curie(server: RunningServer) -> None:
    answer = get(server, "/resource/p53", accept="*/*")
    assert answer.status_code == 404
    assert answer.text.startswith(f"unknown entity: {XR}p53; did you mean xr:TP53 (TP53)")


def test_questions_and_search_are_pages_now(server: RunningServer) -> None:
    for path in ["/questions", "/search"]:
        answer = get(server, path)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")


# --- home page, questions, serve ------------------------------------------------------------


def test_home_lists_the_main_question_first_and_links_the_counts(server: RunningServer) -> None:
    page = Page(get(server, "/").text)
    questions = [h for h, _ in page.links if h.startswith("/questions/")]
    assert questions[0] == f"/questions/{MAIN_QUESTION}"
    for name, path in [("proteins", "/proteins"), ("cell lines", "/cell-lines"),
                       ("measurements", "/measurements"), ("cancer types", "/cancers")]:  # fmt: skip
        assert any(h == path and t.endswith(name) for h, t in page.links), name
    assert ordered_questions()[0].name == MAIN_QUESTION
    assert sorted(q.name for q in ordered_questions()) == sorted(q.name for q in list_queries())


def test_questions_page_lists_every_question(server: RunningServer) -> None:
    page = Page(get(server, "/questions").text)
    rows = page.tables["browse"]
    assert len(rows) == len(list_queries())
    main = next(q for q in list_queries() if q.name == MAIN_QUESTION)
    assert rows[0][0] == main.title
    assert page.href_of(main.title) == f"/questions/{MAIN_QUESTION}"


@pytest.mark.slow
def test_serve_prints_the_home_page() -> None:
    from serving import running_server

    with running_server("--workers", "1") as served:
        served.process.terminate()
        served.process.wait(15)
        assert served.process.stderr is not None
        first = served.process.stderr.read().decode().splitlines()[0]
    port = urlsplit(served.base).port
    assert (
        first
        == f"serving http://127.0.0.1:{port}/ (SPARQL endpoint: http://127.0.0.1:{port}/sparql)"
    )


# --- browse pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(LISTINGS))
def test_browse_pages_are_served(server: RunningServer, path: str) -> None:
    answer = get(server, path)
    assert answer.status_code == 200
    page = Page(answer.text)
    assert page.tables["browse"], path
    assert page.headers["browse"]


def test_proteins_filtered_by_role_and_sorted(server: RunningServer) -> None:
    page = Page(get(server, "/proteins", role="BH3-only protein").text)
    assert [r[:2] for r in page.tables["browse"]] == [["BBC3", "PUMA"], ["PMAIP1", "Noxa"]]
    assert page.href_of("Q9BXH1") == "https://www.uniprot.org/uniprotkb/Q9BXH1/entry"
    down = Page(get(server, "/proteins", sort="-protein").text).tables["browse"]
    up = Page(get(server, "/proteins", sort="protein").text).tables["browse"]
    assert [r[0] for r in down] == [r[0] for r in reversed(up)]
    assert [r[0] for r in up] == sorted((r[0] for r in up), key=str.casefold)


def test_measurements_filtered_by_ic50_range_inhibitor_and_cancer(
    server: RunningServer,
) -> None:
    rows = Page(get(server, "/measurements", min="40", max="150", sort="ic50").text).tables[
        "browse"
    ]
    assert [(r[2], r[4]) for r in rows] == [
        ("NIH:OVCAR-3", "~50"),
        ("A2780", "~100"),
        ("A2780-CP70", "~100"),
    ]
    selinexor = Page(get(server, "/measurements", inhibitor="selinexor").text).tables["browse"]
    assert {r[1] for r in selinexor} == {"selinexor"} and len(selinexor) == 3
    tnbc = get(server, "/measurements", cancer="triple-negative breast cancer", sort="-ic50")
    assert [r[4] for r in Page(tnbc.text).tables["browse"]] == ["~200", "~32"]
    bad = get(server, "/measurements", min="abc", sort="nonsense")
    assert bad.status_code == 200
    assert "min is not a number: ignored" in bad.text and "unknown sort column" in bad.text


def test_browse_counts_link_to_filtered_measurements(server: RunningServer) -> None:
    page = Page(get(server, "/cell-lines").text)
    a2780 = next(r for r in page.tables["browse"] if r[0] == "A2780")
    assert a2780[2] == "ovarian cancer" and a2780[3] == "1"
    assert page.href_of("CVCL_0134") == "https://www.cellosaurus.org/CVCL_0134"
    inhibitors = Page(get(server, "/inhibitors").text)
    assert inhibitors.href_of("CHEMBL3545185").startswith("https://www.ebi.ac.uk/chembl/")


def test_browse_selection_in_python(kg: KnowledgeGraph) -> None:
    page = listing(kg, "/cancers")
    solid = select(page, {"kind": "solid tumour", "sort": "cancer"})
    assert [r.cells[0][0].text for r in solid.rows] == [
        "bladder cancer", "lung cancer", "ovarian cancer", "pancreatic cancer",
        "triple-negative breast cancer",
    ]  # fmt: skip
    assert select(page, {"q": "myeloma"}).rows[0].cells[0][0].text == "multiple myeloma"


# --- entity pages ---------------------------------------------------------------------------


def test_entity_page_shows_the_common_name_first(server: RunningServer, kg: KnowledgeGraph) -> None:
    assert [common_name(kg, XR + n) for n in ("TP53", "BBC3", "PMAIP1")] == ["p53", "PUMA", "Noxa"]
    text = get(server, "/resource/BBC3").text
    assert '<h1><span class="common-name">PUMA</span> <span class="symbol"' in text
    assert Page(text).title == "PUMA (BBC3) · xpo1kg"


def test_inhibitor_page_has_an_ic50_chart_and_inferred_links(server: RunningServer) -> None:
    text = get(server, "/resource/selinexor").text
    chart = re.search(r'<svg class="ic50-chart".*?</svg>', text, re.DOTALL)
    assert chart is not None
    svg = chart.group()
    assert svg.count("<circle") == 2 and svg.count("<rect") == 1  # two values, one range
    assert '<a href="/resource/MDA-MB-468">' in svg
    assert "IC50 (nM, log scale)" in svg


def test_neighbourhood_view_and_cytoscape_export(server: RunningServer, kg: KnowledgeGraph) -> None:
    text = get(server, "/resource/BBC3").text
    assert '<svg class="neighbourhood"' in text
    assert (
        'href="/resource/TP53"'
        in re.search(r'<svg class="neighbourhood".*?</svg>', text, re.DOTALL).group()
    )  # type: ignore[union-attr]
    page = Page(text)
    assert page.href_of("Export as Cytoscape JSON") == "/resource/BBC3/neighbourhood.cyjs"
    answer = get(server, "/resource/BBC3/neighbourhood.cyjs", accept="*/*")
    assert answer.status_code == 200
    data = answer.json()
    ids = {n["data"]["id"] for n in data["elements"]["nodes"]}
    assert XR + "BBC3" in ids and XR + "TP53" in ids
    for edge in data["elements"]["edges"]:
        assert edge["data"]["source"] in ids and edge["data"]["target"] in ids
    expected = neighbourhood(kg, XR + "BBC3")
    assert expected is not None and json.loads(json.dumps(expected.cytoscape())) == data
    assert get(server, "/resource/NoSuch/neighbourhood.cyjs", accept="*/*").status_code == 404


def test_protein_page_embeds_its_figure(server: RunningServer, kg: KnowledgeGraph) -> None:
    assert figures_of(kg, XR + "BBC3") == ["figure2_p53_pathway"]
    text = get(server, "/resource/BBC3").text
    assert '<img src="/figures/figure2_p53_pathway.svg"' in text
    figure = get(server, "/figures/figure2_p53_pathway.svg", accept="*/*")
    assert figure.status_code == 200
    assert figure.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in figure.content
    assert get(server, "/figures/nothing.svg").status_code == 404


def test_evidence_quote_is_inline_and_inferred_links_to_explain(server: RunningServer) -> None:
    text = get(server, "/resource/TP53").text
    assert (
        '<q class="quote">The tumor suppressor p53 is a primary cargo protein of XPO1.</q>' in text
    )
    css = HTTP.get(server.base + "/static/style.css").text
    assert "@media print" in css and ".evidence .quote { display: block; color: #000; }" in css


# --- results layout -------------------------------------------------------------------------


def test_ic50_question_links_every_entity_and_names_units(server: RunningServer) -> None:
    page = Page(get(server, "/questions/ic50_table").text)
    assert page.headers["results"] == [
        "measurement", "inhibitor", "cancer", "cell line", "cellosaurus", "IC50 (nM)", "source",
        "details",
    ]  # fmt: skip
    assert page.href_of("KPT-185") == "/resource/KPT-185"
    assert page.href_of("A2780") == "/resource/A2780"
    assert page.href_of("ovarian cancer") == "/resource/OvarianCancer"
    assert page.href_of("CVCL_0134") == "https://www.cellosaurus.org/CVCL_0134"
    bladder = next(r for r in page.tables["results"] if r[2] == "bladder cancer")
    assert bladder[3] == "Various" and bladder[5] == "100–500"


def test_cargo_question_names_the_mechanism_and_links_uniprot(server: RunningServer) -> None:
    page = Page(get(server, "/questions/cargo_triggering_apoptosis").text)
    assert "mechanism" not in page.headers["results"]
    cdkn1a = next(r for r in page.tables["results"] if r[0] == "CDKN1A")
    assert "nuclear retention of other tumour suppressors (mechanism 1 in the guide)" in cdkn1a
    assert page.href_of("P04637") == "https://www.uniprot.org/uniprotkb/P04637/entry"


def test_layout_keeps_narrow_tables_whole() -> None:
    table = Table((column_for("a"), column_for("evidence")), ((Cell("x"), Cell("y")),))
    laid = lay_out(table)
    assert laid.columns == ("a", "evidence") and laid.folded == ()


def test_measurements_agree_with_the_ic50_query(kg: KnowledgeGraph) -> None:
    shown = sorted(m.shown for m in measurements(kg))
    assert shown == sorted(["~100", "~100", "~50", "~300", "~32", "~200", "100–500"])


def test_home_page_shows_every_figure_and_questions_show_theirs(server: str) -> None:
    home = get(server, "/").text
    shown = re.findall(r'<img src="/figures/([a-z0-9_]+)\.svg"', home)
    assert (
        shown
        == list(ALL_FIGURES)
        == [
            "figure1_mechanism",
            "figure2_p53_pathway",
            "figure3_p53_independent",
            "figure4_ic50",
        ]
    )
    for name in shown:
        answer = get(server, f"/figures/{name}.svg")
        assert answer.status_code == 200 and answer.text.lstrip().startswith("<?xml")
    cargo = get(server, "/questions/cargo_triggering_apoptosis").text
    assert re.findall(r'<img src="/figures/([a-z0-9_]+)\.svg"', cargo) == ["figure1_mechanism"]
    binding = get(server, "/questions/inhibitor_binding_site").text
    assert "/figures/" not in binding
