"""The HTML pages: entity pages from the real graph, and the home, question and query pages served
by the real ``xpo1kg serve`` (parsed with the standard library's HTML parser)."""

from __future__ import annotations

import csv
import doctest
import importlib
import io
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from page_parser import Page
from serving import HTTP, RunningServer

from xpo1kg import KnowledgeGraph, load_graph
from xpo1kg.query.catalog import list_queries
from xpo1kg.server.pages import PAGE_ROWS, entity_html

# One server per xdist worker for every module of the group (pytest runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("one_worker_server")

XR = "https://w3id.org/xpo1kg/resource/"
HOSTILE = '<script>alert("x")</script>'


# --- entity pages, from the real graph ------------------------------------------------------


def test_tp53_page_has_label_synonyms_types_and_uniprot_link(kg: KnowledgeGraph) -> None:
    accession = kg.query("SELECT ?a WHERE { xr:TP53 xo:uniprotAccession ?a }").column("a")
    assert accession == ["P04637"]
    page = Page(entity_html(kg, XR + "TP53") or "")
    assert page.title == "p53 (TP53) · xpo1kg"  # the name the sources use, the symbol beside
    assert page.href_of("P04637") == "https://www.uniprot.org/uniprotkb/P04637/entry"
    assert page.href_of("11998").endswith("hgnc_id/HGNC:11998")
    assert page.href_of("tumour suppressor") == "/ontology/TumorSuppressor"
    text = entity_html(kg, XR + "TP53") or ""
    assert re.search(r'<span class="synonym">p53</span>', text)


def test_tp53_relations_in_both_directions_with_sources(kg: KnowledgeGraph) -> None:
    page = Page(entity_html(kg, XR + "TP53") or "")
    outgoing = page.tables["table0"]
    assert page.headers["table0"] == ["relation", "value", "source", "evidence"]
    (exported,) = [row for row in outgoing if row[:2] == ["exported by", "XPO1"]]
    # Two sources say it: the guide and the NESdb cargo record (NES ID 6).
    guide, nesdb = (
        "BenchChem technical guide on XPO1 inhibition (2025)",
        "NESdb (Xu, Grishin & Chook, 2012)",
    )
    assert exported[2] == f"{guide}; {nesdb}"
    assert "The tumor suppressor p53 is a primary cargo protein of XPO1." in exported[3]  # inline
    assert ["upregulates expression of", "BBC3"] in [row[:2] for row in outgoing]
    incoming = page.tables["table1"]
    assert page.headers["table1"] == ["subject", "relation", "source", "evidence"]
    assert any(row[1] == "step involves" for row in incoming)
    assert page.href_of("XPO1") == "/resource/XPO1"
    assert page.href_of("p53-dependent apoptosis") == "/resource/P53DependentApoptosis"


def test_selinexor_page_has_the_ic50_table_of_the_data(kg: KnowledgeGraph) -> None:
    page = Page(entity_html(kg, XR + "selinexor") or "")
    guide = "BenchChem technical guide on XPO1 inhibition (2025)"
    assert page.headers["ic50-table"] == [
        "inhibitor",
        "cell line",
        "cancer type",
        "IC50 (nM)",
        "as published",
        "source",
    ]
    assert page.tables["ic50-table"] == [
        ["selinexor", "Various", "bladder cancer", "100–500", "100 - 500", guide],
        ["selinexor", "BT-549", "triple-negative breast cancer", "~200", "~200", guide],
        ["selinexor", "MDA-MB-468", "triple-negative breast cancer", "~32", "~32", guide],
    ]
    assert page.href_of("MDA-MB-468") == "/resource/MDA-MB-468"
    assert page.href_of("CHEMBL3545185") == (
        "https://www.ebi.ac.uk/chembl/explore/compound/CHEMBL3545185"
    )
    assert page.href_of("CID 71481097") == "https://pubchem.ncbi.nlm.nih.gov/compound/71481097"
    assert page.href_of("CHEBI:229764") == "http://purl.obolibrary.org/obo/CHEBI_229764"
    assert page.href_of("Turtle") == "/resource/selinexor?format=ttl"
    assert page.href_of("JSON-LD") == "/resource/selinexor?format=jsonld"


def test_cell_line_and_cancer_pages_have_their_ic50_rows(kg: KnowledgeGraph) -> None:
    cell_line = Page(entity_html(kg, XR + "A2780") or "")
    assert [r[:4] for r in cell_line.tables["ic50-table"]] == [
        ["KPT-185", "A2780", "ovarian cancer", "~100"]
    ]
    assert cell_line.href_of("CVCL_0134") == "https://www.cellosaurus.org/CVCL_0134"
    cancer = Page(entity_html(kg, XR + "OvarianCancer") or "")
    assert [r[1] for r in cancer.tables["ic50-table"]] == [
        "A2780",
        "A2780-CP70",
        "NIH:OVCAR-3",
        "SK-OV-3",
    ]
    assert cancer.href_of("MONDO:0008170") == "http://purl.obolibrary.org/obo/MONDO_0008170"


def test_ontology_term_and_unknown_iri(kg: KnowledgeGraph) -> None:
    page = Page(entity_html(kg, "https://w3id.org/xpo1kg/ontology/TumorSuppressor") or "")
    assert page.title == "tumour suppressor · xpo1kg"
    assert ("/resource/TP53", "TP53") in page.links  # its instances point at it
    assert entity_html(kg, XR + "NoSuchThing") is None


def test_hostile_literals_are_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        "@prefix xr: <https://w3id.org/xpo1kg/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f'xr:Evil rdfs:label {HOSTILE!r} ; rdfs:comment "a\\" onmouseover=\\"x" ;\n'
        '  skos:altLabel "<img src=x onerror=alert(1)>" ; xr:rel xr:TP53 .\n',
        encoding="utf-8",
    )
    text = entity_html(load_graph([hostile]), XR + "Evil") or ""
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    page = Page(text)
    assert page.title == f"{HOSTILE} · xpo1kg"
    assert page.assets == [
        "/static/style.css",
        "/resource/Evil?format=ttl",
        "/resource/Evil?format=jsonld",
        "/static/site.js",
    ]


@pytest.mark.parametrize(
    "name", ["xrefs", "tables", "entity_view", "pages", "problems", "serializers", "negotiation"]
)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"xpo1kg.server.{name}")
    results = doctest.testmod(module)
    assert results.attempted > 0 and results.failed == 0


# --- pages served by the real server --------------------------------------------------------


@pytest.fixture(scope="module")
def server(one_worker_server: RunningServer) -> RunningServer:
    """The test run's shared server (tests/conftest.py): these tests only read from it."""
    return one_worker_server


def get(server: RunningServer, path: str, **params: str) -> httpx.Response:
    return HTTP.get(server.base + path, params=params, headers={"Accept": "text/html"}, timeout=30)


def test_explain_page_is_served(server: RunningServer) -> None:
    page = get(server, "/explain", s="xr:TP53", p="xo:exportedBy", o="xr:XPO1")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "The tumor suppressor p53 is a primary cargo protein of XPO1." in page.text
    assert get(server, "/explain", s="TP53", p="exportedBy", o="nothing such").status_code == 400


def test_home_page_counts_and_questions(server: RunningServer, kg: KnowledgeGraph) -> None:
    answer = get(server, "/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    text = answer.text
    for count, name in [
        (f"{len(kg):,}", "triples"),
        ("19", "proteins"),  # the guide's 18 and RAN
        ("5", "inhibitors"),
        ("6", "cell lines"),
        ("7", "measurements"),
    ]:
        assert f"<b>{count}</b><span>{name}</span>" in text
    page = Page(text)
    assert page.title.startswith("XPO1 inhibition")
    for query in list_queries():
        assert page.href_of(query.title) == f"/questions/{query.name}"
    assert "The Role of XPO1 Inhibition in Cancer Cell Apoptosis" in text


def test_question_page_runs_the_query(server: RunningServer) -> None:
    answer = get(server, "/questions/cargo_triggering_apoptosis")
    assert answer.status_code == 200
    page = Page(answer.text)
    # The mechanism number joins the route's name; qualifying columns fold into "details".
    assert page.headers["results"] == [
        "cargo",
        "uniprot",
        "route",
        "p53",
        "relation",
        "source",
        "details",
    ]
    assert [row[0] for row in page.tables["results"]] == [
        "TP53",
        "CDKN1A",
        "CDKN1B",
        "FOXO proteins",
        "FOXO1",
        "FOXO3",
        "NFKBIA",
    ]
    assert page.href_of("TP53") == "/resource/TP53"
    csv_link = page.href_of("CSV")
    assert urlsplit(csv_link).path == "/sparql"
    download = HTTP.get(server.base + csv_link)  # a plain link: no Accept header needed
    assert download.headers["content-type"].startswith("text/csv")
    assert download.text.splitlines()[0].startswith("cargo,cargo_label,uniprot")
    assert get(server, "/questions/cargo_triggering").status_code == 404


def test_query_page_loads_examples_without_javascript(server: RunningServer) -> None:
    answer = get(server, "/query", example="ic50_table", load="1")
    assert answer.status_code == 200
    page = Page(answer.text)
    assert "SELECT ?measurement ?inhibitor_label" in page.textarea
    assert "results" not in page.tables  # loading an example does not run it


def test_query_page_runs_and_truncates(server: RunningServer) -> None:
    answer = get(server, "/query", query="SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert answer.status_code == 200
    page = Page(answer.text)
    assert len(page.tables["results"]) == PAGE_ROWS
    assert "only the first" in answer.text


def test_query_page_reports_errors_with_400(server: RunningServer) -> None:
    answer = get(server, "/query", query="SELECT ?x WHERE { ?x }")
    assert answer.status_code == 400
    assert re.search(
        r'<p class="error" role="alert">invalid SPARQL at line 1, column \d+', answer.text
    )
    refused = get(
        server, "/query", query="SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"
    )
    assert refused.status_code == 400
    assert "SERVICE is not allowed" in refused.text


def test_query_results_are_escaped(server: RunningServer) -> None:
    answer = get(server, "/query", query=f"SELECT ?x WHERE {{ BIND({HOSTILE!r} AS ?x) }}")
    assert answer.status_code == 200
    assert "<script>alert" not in answer.text
    assert Page(answer.text).tables["results"] == [[HOSTILE]]


def test_entity_route_serves_the_page_and_its_alternates(server: RunningServer) -> None:
    page = Page(get(server, "/resource/TP53").text)
    assert page.title == "p53 (TP53) · xpo1kg"
    turtle = HTTP.get(server.base + page.href_of("Turtle"))
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "P04637" in turtle.text


def test_an_entity_page_shows_its_definition_and_how_the_graph_knows_it(
    server: RunningServer,
) -> None:
    html = get(server, "/resource/TP53").text
    definition = html.split('<div class="definition">', 1)[1].split("</div>\n</div>", 1)[0]
    assert "A tumour suppressor protein, a primary cargo of XPO1." in definition
    # The curator's summary says so, and quotes the guide's sentence it rests on.
    assert "curator inference used in manual assertion" in definition
    assert "The tumor suppressor p53 is a primary cargo protein of XPO1." in definition
    # A hedged definition shows the source's own hedge.
    hedged = get(server, "/resource/CDKN1A").text.split('<div class="definition">', 1)[1]
    assert "can induce" in hedged.split("</div>\n</div>", 1)[0]


def test_pages_use_only_local_assets(server: RunningServer) -> None:
    for path in ["/", "/query", "/questions/ic50_table", "/resource/selinexor"]:
        page = Page(get(server, path).text)
        for asset in page.assets:
            assert urlsplit(asset).netloc == "", (path, asset)
            assert HTTP.get(server.base + asset).status_code == 200, asset
    css = HTTP.get(server.base + "/static/style.css")
    assert css.headers["content-type"].startswith("text/css")
    assert "url(" not in css.text and "@import" not in css.text


FORMULAS = ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "a,=b")


def test_csv_download_link_neutralises_formulas(server: RunningServer) -> None:
    values = " ".join(json_string(v) for v in FORMULAS)
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }} ORDER BY ?x"
    page = Page(get(server, "/query", query=query).text)
    link = page.href_of("CSV for Excel")
    assert dict(parse_qsl(urlsplit(link).query))["format"] == "csv-excel"
    download = HTTP.get(server.base + link)
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == 'attachment; filename="results.csv"'
    rows = list(csv.reader(io.StringIO(download.text, newline="")))
    cells = sorted(row[0] for row in rows[1:])
    # Formula-looking cells start with an apostrophe; the others are as they were.
    assert cells == sorted("'" + v if v[0] in "=+-@\t\r" else v for v in FORMULAS)


def json_string(value: str) -> str:
    """A SPARQL string literal (JSON escapes are valid SPARQL escapes for these characters)."""
    return json.dumps(value)


@pytest.mark.slow
def test_a_question_answered_from_inferred_facts_says_so() -> None:
    """Nothing inferred reads as asserted: the page of an inference-only question is marked."""
    from serving import running_server

    with running_server("--inferred") as inferred_server:
        page = get(inferred_server, "/questions/nuclear_retention_by_inhibitor")
    assert page.status_code == 200
    assert "<strong>Inferred.</strong>" in page.text
    assert "not stated by any source" in page.text
    assert "TP53" in page.text  # the answer itself is there


def test_a_question_needing_inference_is_answered_by_a_plain_server(
    server: RunningServer,
) -> None:
    """Inferred facts are on by default (issue 14): the answer is there, marked as inferred.

    A server run with --no-inferred warns instead (tests/test_inferred_default.py).
    """
    page = get(server, "/questions/nuclear_retention_by_inhibitor")
    assert page.status_code == 200
    assert "<strong>Inferred.</strong>" in page.text
    assert "TP53" in page.text and "needs inferred facts" not in page.text
