"""`xpo1kg explain` and KnowledgeGraph.explain: evidence of asserted statements, derivations of
inferred ones down to asserted premises, and statements the graph does not hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runs import assert_ok, run

from xpo1kg import Explanation, InputError, KnowledgeGraph, load_graph
from xpo1kg.rdf.namespaces import XO, XR
from xpo1kg.reason.explanation_text import render_text
from xpo1kg.reason.provenance_nodes import inferred_triples

# A statement with two annotations (two sources), every field of the evidence vocabulary.
FIXTURE = """@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix biolink: <https://w3id.org/biolink/vocab/> .

xr:Testinib a xo:SINECompound ; rdfs:label "testinib" ; xo:inhibits xr:XPO1 .
[] a owl:Axiom ; owl:annotatedSource xr:Testinib ; owl:annotatedProperty xo:inhibits ;
    owl:annotatedTarget xr:XPO1 ;
    dcterms:source xr:TestReview ; xo:primarySource xr:TestPaper ;
    xo:evidenceType obo:ECO_0000304 ;
    biolink:knowledge_level "knowledge_assertion" ; biolink:agent_type "manual_agent" ;
    xo:modality xo:Possible ; xo:hedge "may inhibit" ;
    xo:supportingText "Testinib may inhibit XPO1." .
[] a owl:Axiom ; owl:annotatedSource xr:Testinib ; owl:annotatedProperty xo:inhibits ;
    owl:annotatedTarget xr:XPO1 ;
    dcterms:source xr:TestAtlas ; xo:evidenceType obo:ECO_0000305 ;
    biolink:knowledge_level "knowledge_assertion" ; biolink:agent_type "manual_agent" ;
    xo:modality xo:Established ;
    xo:supportingText "Testinib inhibits XPO1." .
xr:TestReview a xo:Source ; rdfs:label "A test review" ;
    dcterms:bibliographicCitation "Review, Test Journal, fixture." .
xr:TestAtlas a xo:Source ; rdfs:label "A test atlas" .
xr:TestPaper a xo:Source ; rdfs:label "A test paper" ; dcterms:identifier "fixture-1" .
"""


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("explain") / "testinib.ttl"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fixture_kg(fixture_file: Path) -> KnowledgeGraph:
    return load_graph([fixture_file])


def leaves(explanation: Explanation) -> list[Explanation]:
    """Return the statements at the bottom of the premise tree."""
    if not explanation.premises:
        return [explanation]
    return [leaf for premise in explanation.premises for leaf in leaves(premise)]


def test_asserted_statement_shows_the_evidence_of_each_annotation(
    fixture_kg: KnowledgeGraph,
) -> None:
    explanation = fixture_kg.explain("testinib", "inhibits", "XPO1")
    assert explanation.status == "asserted" and explanation.premises == ()
    assert len(explanation.graphs) == 1 and "testinib" in explanation.graphs[0]
    assert len(explanation.evidence) == 2
    by_source = {e.source.label: e for e in explanation.evidence if e.source}
    assert set(by_source) == {"A test review", "A test atlas"}
    review = by_source["A test review"]
    assert review.citation == "Review, Test Journal, fixture."
    assert [p.label for p in review.primary_sources] == ["A test paper (fixture-1)"]
    assert review.evidence_type is not None and review.evidence_type.curie == "obo:ECO_0000304"
    assert review.evidence_type.label == (
        "author statement supported by traceable reference used in manual assertion"
    )
    assert (review.knowledge_level, review.agent_type) == ("knowledge_assertion", "manual_agent")
    assert review.modality is not None and review.modality.label == "possible"
    assert review.hedge == "may inhibit"
    assert review.quote == "Testinib may inhibit XPO1."
    atlas = by_source["A test atlas"]
    assert atlas.modality is not None and atlas.modality.label == "established"
    assert atlas.hedge is None


def test_text_shows_every_source_inline(fixture_kg: KnowledgeGraph) -> None:
    text = render_text(fixture_kg.explain("xr:Testinib", "xo:inhibits", "xr:XPO1"))
    assert text.startswith("testinib —inhibits→ XPO1\n")
    assert "evidence 1: " in text and "evidence 2: " in text
    assert "source: A test review — Review, Test Journal, fixture." in text
    assert "primary source: A test paper (fixture-1)" in text
    assert "(ECO:0000304)" in text and "(ECO:0000305)" in text
    assert 'modality: possible ("may inhibit")' in text
    assert 'quote: "Testinib may inhibit XPO1."' in text


def test_inferred_statement_is_explained_down_to_asserted_premises(
    inferred_kg: KnowledgeGraph,
) -> None:
    explanation = inferred_kg.explain("selinexor", "causesNuclearRetentionOf", "TP53")
    assert explanation.status == "inferred"
    assert explanation.rule == "property chain: inhibits o exports"
    assert explanation.inferred_by is not None
    assert explanation.inferred_by.curie == "xo:causesNuclearRetentionOf"
    (marker,) = explanation.evidence
    assert (marker.knowledge_level, marker.agent_type) == ("logical_entailment", "automated_agent")
    inhibits, exports = explanation.premises
    assert (inhibits.status, inhibits.predicate.curie) == ("asserted", "xo:inhibits")
    assert inhibits.evidence and inhibits.evidence[0].quote
    assert (exports.status, exports.rule) == (
        "inferred",
        "inverse property: exportedBy inverseOf exports",
    )
    (exported_by,) = exports.premises
    assert exported_by.status == "asserted"
    assert exported_by.evidence[0].quote == (
        "The tumor suppressor p53 is a primary cargo protein of XPO1."
    )
    text = render_text(explanation)
    assert "inferred: property chain: inhibits o exports" in text
    assert "1. selinexor —inhibits→ XPO1" in text and "2. XPO1 —exports→ TP53" in text
    assert "\n     1. TP53 —exported by→ XPO1\n" in text  # nested one level deeper


def test_every_inferred_fact_explains_down_to_asserted_statements(
    inferred_kg: KnowledgeGraph,
) -> None:
    assert inferred_kg.inferred is not None
    facts = inferred_triples(inferred_kg.inferred)
    for s, p, o in facts:
        explanation = inferred_kg.explain(str(s), str(p), str(o))
        assert explanation.status == "inferred" and explanation.rule
        assert explanation.premises, (s, p, o)
        assert all(leaf.status == "asserted" for leaf in leaves(explanation)), (s, p, o)


def test_names_curies_iris_and_labels_resolve_to_one_statement(
    inferred_kg: KnowledgeGraph,
) -> None:
    statements = [
        ("selinexor", "causesNuclearRetentionOf", "TP53"),
        ("xr:selinexor", "xo:causesNuclearRetentionOf", "xr:TP53"),
        (str(XR.selinexor), str(XO.causesNuclearRetentionOf), str(XR.TP53)),
        ("KPT-330", "causes nuclear retention of", "p53"),
    ]
    dicts = [inferred_kg.explain(*statement).to_dict() for statement in statements]
    assert all(d == dicts[0] for d in dicts)
    assert inferred_kg.explain("TP53", "a", "XPO1 cargo").status == "inferred"


def test_unknown_names_are_input_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(InputError, match="object 'no such thing'"):
        kg.explain("selinexor", "inhibits", "no such thing")
    with pytest.raises(InputError, match="predicate 'frobnicates'"):
        kg.explain("selinexor", "frobnicates", "XPO1")


def test_absent_statement_says_so_and_suggests_the_closest(inferred_kg: KnowledgeGraph) -> None:
    explanation = inferred_kg.explain("selinexor", "inhibits", "TP53")
    assert explanation.status == "absent" and explanation.evidence == ()
    near = {
        (e.subject.label, e.predicate.curie, e.object.label, e.status) for e in explanation.closest
    }
    assert ("selinexor", "xo:inhibits", "XPO1", "asserted") in near  # same subject, predicate
    assert ("selinexor", "xo:causesNuclearRetentionOf", "TP53", "inferred") in near  # s and o
    assert "not in the graph" in render_text(explanation)


def test_without_the_inferred_graph_an_inferred_fact_is_absent() -> None:
    assert (
        load_graph(inferred=False).explain("selinexor", "causesNuclearRetentionOf", "TP53").status
        == "absent"
    )


def test_a_measurement_carries_its_own_evidence(kg: KnowledgeGraph) -> None:
    explanation = kg.explain("xr:IC50_KPT-185_A2780", "xo:hasCellLine", "xr:A2780")
    assert explanation.status == "asserted"
    assert [e.source.curie for e in explanation.evidence if e.source] == ["xr:BenchChemGuide2025"]


def test_literal_objects_are_matched_by_their_text(kg: KnowledgeGraph) -> None:
    explanation = kg.explain("xr:IC50_KPT-185_A2780", "xo:publishedValue", "~100")
    assert explanation.status == "asserted" and explanation.object.to_dict() == {"value": "~100"}


def test_an_absent_value_of_a_datatype_property_shows_the_values_held(kg: KnowledgeGraph) -> None:
    explanation = kg.explain("XPO1", "geneSymbol", "CRM1")
    assert explanation.status == "absent"
    near = {(e.predicate.curie, e.object.label) for e in explanation.closest}
    assert ("xo:geneSymbol", "XPO1") in near  # the symbol it does hold
    assert ("skos:altLabel", "CRM1") in near  # and where the text is


def test_explain_command_text_and_json() -> None:
    text = run("explain", "selinexor", "causesNuclearRetentionOf", "TP53")
    assert_ok(text)
    assert text.stdout.splitlines()[0] == "selinexor —causes nuclear retention of→ TP53"
    assert "inferred: property chain: inhibits o exports" in text.stdout
    as_json = run("explain", "selinexor", "causesNuclearRetentionOf", "TP53", "--format", "json")
    assert_ok(as_json)
    document = json.loads(as_json.stdout)
    assert set(document) == {
        "statement",
        "status",
        "graphs",
        "evidence",
        "rule",
        "inferred_by",
        "premises",
        "closest",
    }
    assert set(document["premises"][0]["evidence"][0]) == {
        "source",
        "citation",
        "primary_sources",
        "evidence_type",
        "knowledge_level",
        "agent_type",
        "modality",
        "hedge",
        "quote",
        "comment",
    }
    assert document["status"] == "inferred"
    assert [p["status"] for p in document["premises"]] == ["asserted", "inferred"]
    assert document["premises"][1]["premises"][0]["status"] == "asserted"


def test_explain_command_absent_is_an_answer_and_bad_names_exit_2() -> None:
    absent = run("explain", "selinexor", "inhibits", "TP53", "--format", "json")
    assert_ok(absent)
    assert json.loads(absent.stdout)["status"] == "absent"
    off = run("explain", "selinexor", "causesNuclearRetentionOf", "TP53", "--no-inferred")
    assert_ok(off)
    assert "not in the graph" in off.stdout
    bad = run("explain", "selinexor", "inhibits", "no such thing")
    assert bad.exit_code == 2 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        "error: object 'no such thing': nothing in the graph has this name"
    ]


# --- the same view on the entity pages and at /explain ---------------------------------------


def test_entity_page_marks_inferred_facts_and_shows_evidence_inline(
    inferred_kg: KnowledgeGraph,
) -> None:
    from page_parser import Page

    from xpo1kg.server.pages import entity_html

    html = entity_html(inferred_kg, str(XR.TP53)) or ""
    page = Page(html)
    outgoing = page.tables["table0"]
    (retained,) = [r for r in outgoing if r[:2] == ["retained in nucleus by", "selinexor"]]
    assert retained[2] == "inferred"
    assert "inverse property: causesNuclearRetentionOf inverseOf retainedInNucleusBy" in retained[3]
    assert "selinexor causes nuclear retention of TP53" in retained[3]  # the premise, inline
    explain_link = page.href_of("how the graph knows")
    assert explain_link.startswith("/explain?s=")
    (exported,) = [r for r in outgoing if r[:2] == ["exported by", "XPO1"]]
    assert "inferred" not in exported[2]
    assert "The tumor suppressor p53 is a primary cargo protein of XPO1." in exported[3]
    # Inferred class memberships are tagged, asserted ones are not.
    assert "XPO1 cargo</a> (inferred:" in html
    assert "tumour suppressor</a> (inferred" not in html


def test_entity_page_shows_every_evidence_field(fixture_kg: KnowledgeGraph) -> None:
    from page_parser import Page

    from xpo1kg.server.pages import entity_html

    page = Page(entity_html(fixture_kg, str(XR.Testinib)) or "")
    (row,) = [r for r in page.tables["table0"] if r[:2] == ["inhibits", "XPO1"]]
    assert row[2] == "A test atlas; A test review"
    evidence = row[3]
    assert "author statement supported by traceable reference" in evidence
    assert "curator inference used in manual assertion" in evidence
    assert "possible (“may inhibit”)" in evidence and "established" in evidence
    assert "primary source: A test paper" in evidence
    assert "Testinib may inhibit XPO1." in evidence and "Testinib inhibits XPO1." in evidence


def test_explain_route_renders_the_tree_and_refuses_bad_names(
    inferred_kg: KnowledgeGraph,
) -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from xpo1kg.server import explain_page

    app = FastAPI()
    app.state.kg = inferred_kg
    app.include_router(explain_page.router)
    client = TestClient(app)
    response = client.get(
        "/explain",
        params={"s": str(XR.TP53), "p": str(XO.retainedInNucleusBy), "o": str(XR.selinexor)},
    )
    assert response.status_code == 200
    text = response.text
    assert "causesNuclearRetentionOf inverseOf retainedInNucleusBy" in text
    assert "property chain: inhibits o exports" in text  # the premise's own derivation
    assert "The tumor suppressor p53 is a primary cargo protein of XPO1." in text  # a leaf quote
    bad = client.get("/explain", params={"s": "selinexor", "p": "inhibits", "o": "<b>x</b>"})
    assert bad.status_code == 400 and "<b>x</b>" not in bad.text
    assert client.get("/explain").status_code == 400


def test_report_says_inferred_where_answers_rest_on_inferred_facts(
    kg: KnowledgeGraph, inferred_kg: KnowledgeGraph
) -> None:
    from xpo1kg.query.catalog import get_query, list_queries
    from xpo1kg.report.html import _question

    needing = [q for q in list_queries() if q.requires_inference]
    assert needing
    for query in needing:
        html = _question(query, kg, inferred_kg, "")
        assert "<b>Inferred</b>" in html and "<caption>Inferred by the OWL reasoner" in html
    plain = _question(get_query("ic50_table"), kg, inferred_kg, "")
    assert "Inferred" not in plain


def test_readme_examples_are_real_output() -> None:
    import re
    import shlex

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```text\n\$ xpo1kg (explain [^\n]+)\n(.*?)\n```", readme, re.DOTALL)
    assert len(examples) >= 3
    for command, shown in examples:
        outcome = run(*shlex.split(command))
        assert_ok(outcome)
        assert outcome.stdout.rstrip("\n") == shown, command


def test_query_table_says_inferred_when_answers_are_inferred() -> None:
    inferred = run("query", "nuclear_retention_by_inhibitor", "--inferred")
    assert_ok(inferred)
    assert "\nInferred: these answers rest on facts the OWL reasoner deduced" in inferred.stdout
    asserted = run("query", "ic50_table", "--inferred")
    assert_ok(asserted)
    assert "Inferred:" not in asserted.stdout


def test_figures_draw_asserted_statements_only(
    kg: KnowledgeGraph, inferred_kg: KnowledgeGraph
) -> None:
    from xpo1kg.figures import data as figure_data

    for build in (
        figure_data.mechanism_data,
        figure_data.pathway_data,
        figure_data.p53_independent_data,
        figure_data.ic50_data,
    ):
        assert build(inferred_kg) == build(kg), build.__name__  # nothing inferred to mark
