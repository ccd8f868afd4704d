"""The typed HTTP API of the questions, its OpenAPI document and docs, against the real server."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from serving import RunningServer

from xpo1kg.query.catalog import list_queries


@pytest.fixture(scope="module")
def client(one_worker_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=one_worker_server.base, timeout=60) as opened:
        yield opened


def _answer(client: httpx.Client, name: str, **params: str) -> dict[str, object]:
    response = client.get(f"/api/questions/{name}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert isinstance(document, dict)
    return document


def test_every_question_answers_with_the_columns_its_openapi_operation_declares(
    client: httpx.Client,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for query in list_queries():
        document = _answer(client, query.name)
        operation = paths[f"/api/questions/{query.name}"]["get"]
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["properties"]["rows"]["items"]["required"] == document["columns"]
        assert document["question"] == query.name
        assert document["parameters"] == {}
        if not query.requires_inference:
            assert document["rows"], query.name
        declared = [p["name"] for p in operation["parameters"]]
        assert declared == [p.name for p in query.parameters] + ["format"]


def test_a_cell_line_by_synonym_gives_its_one_measurement_with_typed_values(
    client: httpx.Client,
) -> None:
    document = _answer(client, "ic50_table", cell_line="SKOV3")
    assert document["parameters"] == {"cell_line": "https://w3id.org/xpo1kg/resource/SK-OV-3"}
    (row,) = document["rows"]  # the range summaries (no cell line) are not given the value
    assert row["measurement"] == "https://w3id.org/xpo1kg/resource/IC50_KPT-185_SK-OV-3"
    assert row["cellosaurus"] == "CVCL_0532"
    assert row["ic50_nM"] == 300 and isinstance(row["ic50_nM"], int | float)
    assert row["pIC50"] == 6.52
    assert row["lower_nM"] is None


def test_integer_parameter_and_typed_integer_and_date_columns(client: httpx.Client) -> None:
    document = _answer(client, "p53_independent_mechanisms", mechanism="2")
    assert document["parameters"] == {"mechanism": 2}
    assert {(r["mechanism"], r["protein_label"]) for r in document["rows"]} == {
        (2, "BIRC5"),
        (2, "MCL1"),
    }
    sites = _answer(client, "inhibitor_binding_site", inhibitor="KPT-330")["rows"]
    assert {(r["inhibitor_label"], r["position"]) for r in sites} == {("selinexor", 528)}
    (verdinexor,) = _answer(client, "inhibitor_binding_site", inhibitor="verdinexor")["rows"]
    assert verdinexor["status_date"] == "2021-03-01"  # an xsd:date, as ISO 8601 text


def test_csv_and_tsv_by_format_or_accept(client: httpx.Client) -> None:
    by_format = client.get(
        "/api/questions/ic50_table", params={"cell_line": "SK-OV-3", "format": "csv"}
    )
    assert by_format.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(by_format.text)))
    assert [(r["cell_line_label"], r["ic50_nM"]) for r in rows] == [("SK-OV-3", "300")]
    by_accept = client.get(
        "/api/questions/ic50_table",
        params={"cell_line": "SK-OV-3"},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert by_accept.text.splitlines()[0].split("\t")[:2] == ["measurement", "inhibitor_label"]


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"inhibitor": "selinexr"}, 400, "did you mean: selinexor (xr:selinexor)"),
        ({"inhibitor": "TP53"}, 400, "no xo:Inhibitor (parameter inhibitor) is named 'TP53'"),
        ({"colour": "red"}, 400, "ic50_table has no parameter 'colour'"),
        ({"format": "xlsx"}, 400, "unknown format 'xlsx' (expected one of: json, csv, tsv)"),
    ],
)
def test_bad_parameters_are_400_problems(
    client: httpx.Client, params: dict[str, str], status: int, detail: str
) -> None:
    response = client.get(
        "/api/questions/ic50_table", params=params, headers={"Accept": "text/csv"}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]


def test_repeated_and_ill_typed_values_and_unknown_questions(client: httpx.Client) -> None:
    twice = client.get("/api/questions/ic50_table?inhibitor=selinexor&inhibitor=eltanexor")
    assert twice.status_code == 400 and "more than once" in twice.json()["detail"]
    word = client.get("/api/questions/p53_independent_mechanisms", params={"mechanism": "two"})
    assert word.status_code == 400
    assert "'two' is not one of the allowed values (1, 2, 3, 4)" in word.json()["detail"]
    unknown = client.get("/api/questions/ic50_tabel")
    assert unknown.status_code == 404
    assert "did you mean: ic50_table" in unknown.json()["detail"]


def test_question_list_and_terms(client: httpx.Client) -> None:
    listed = {q["name"]: q for q in client.get("/api/questions").json()}
    assert listed["ic50_table"]["parameters"][0] == {
        "name": "inhibitor",
        "type": "entity",
        "class": "xo:Inhibitor",
        "description": "Only this inhibitor: a name, synonym, identifier or CURIE "
        "(selinexor, KPT-330, xr:selinexor).",
        "example": "selinexor",
    }
    terms = client.get("/api/terms").json()
    by_curie = {t["curie"]: t for t in terms["terms"]}
    assert by_curie["xo:exportedBy"]["kind"] == "property"
    assert by_curie["xo:Inhibitor"]["kind"] == "class"
    assert by_curie["xr:selinexor"] == {
        "curie": "xr:selinexor",
        "iri": "https://w3id.org/xpo1kg/resource/selinexor",
        "label": "selinexor",
        "kind": "individual",
    }
    assert terms["prefixes"]["xo"] == "https://w3id.org/xpo1kg/ontology/"


def test_docs_page_uses_only_the_shipped_swagger_ui(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text and "http://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert f"/static/vendor/swagger-ui/{asset}" in page.text
        assert client.get(f"/static/vendor/swagger-ui/{asset}").status_code == 200
    assert '"validatorUrl": null' in page.text  # no badge fetched from the online validator


def test_sparql_in_a_browser_shows_the_editor_and_clients_get_the_protocol(
    client: httpx.Client,
) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    editor = client.get("/sparql", headers={"Accept": browser})
    assert editor.status_code == 200 and editor.headers["content-type"].startswith("text/html")
    assert 'id="yasgui"' in editor.text and 'id="query-form"' in editor.text
    shared = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": browser})
    assert shared.status_code == 303
    location = urlsplit(shared.headers["location"])
    assert location.path == "/query" and parse_qs(location.query) == {"query": ["ASK {}"]}
    forced = client.get(
        "/sparql", params={"query": "ASK {}", "format": "json"}, headers={"Accept": browser}
    )
    assert forced.json() == {"head": {}, "boolean": True}
    sparql_client = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"}
    )
    assert sparql_client.json()["boolean"] is True
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert "sd:Service" in description.text or "sparql-service-description" in description.text


def test_plain_form_loads_an_example_with_an_empty_text_box(client: httpx.Client) -> None:
    """Without JavaScript, "Load" submits with the text box empty (it is no longer required)."""
    page = client.get("/query", params={"example": "ic50_table", "query": "", "load": "1"})
    assert page.status_code == 200
    assert "required" not in page.text.split('id="query"')[1].split(">")[0]
    assert "# title: IC50 values of XPO1 inhibitors" in page.text
    ran = client.get(
        "/query", params={"query": 'SELECT ?s WHERE { ?s xo:cellosaurusId "CVCL_0532" }'}
    )
    assert 'id="results"' in ran.text and "SK-OV-3" in ran.text
    for name in ("csv", "tsv", "json", "csv-excel"):
        assert f"format={name}" in ran.text


@pytest.mark.slow  # end to end: generated requests to every operation of a real server
def test_no_generated_request_is_a_server_error(one_worker_server: RunningServer) -> None:
    """Schemathesis: requests generated from /openapi.json, a few per operation.

    (Driven through its Python API: its pytest loader does not run under pytest 9.)
    """
    schema = schemathesis.openapi.from_url(one_worker_server.base + "/openapi.json")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(list_queries()) + 2

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None)
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=checks)

        call()
