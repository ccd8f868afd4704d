"""The knowledge beyond the guide: NES regions, approvals, cohort summaries, histology, RAN.

Exact answers of the competency queries that ask about it, the facts themselves with their
evidence, the separation of cohort summaries from single measurements, and the shapes that guard
the new classes, each caught on a broken copy by both validation engines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS
from rdflib.term import Node

from xpo1kg import KnowledgeGraph
from xpo1kg.query.results import Value
from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import OBO, XO, XR
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.validate.fast_engine import validate_fast
from xpo1kg.validate.pyshacl_engine import ValidationReport, validate_graph

NAS = "author statement without traceable support used in manual assertion"
IMPORTED = "imported information used in manual assertion"
EXP = "experimental evidence used in manual assertion"
NESDB = "NESdb (Xu, Grishin & Chook, 2012)"
HUB = "Broad Institute Drug Repurposing Hub, release 2020-03-24"
WIKIPEDIA = "Wikipedia: Selinexor"
ARANGO = "Arango NP et al., Breast Cancer Res 2017;19:93"
ASH = "ASH 2011 abstract 2734 (Blood 2011;118(21):2734): KPT-185 in mantle cell lymphoma lines"
BIOLINK = rdflib.Namespace("https://w3id.org/biolink/vocab/")
COHORTS = {
    XR.Cohort_Arango2017_selinexor_TNBC,
    XR.Cohort_Arango2017_selinexor_ERpositive,
    XR["Cohort_ASH2011_KPT-185_MCL"],
}


def rows(kg: KnowledgeGraph, name: str, *columns: str) -> list[tuple[Value, ...]]:
    """The query's rows, reduced to the given columns, in the query's own order."""
    return [tuple(record[c] for c in columns) for record in kg.run(name).records()]


# --- the competency queries ------------------------------------------------------------------


def test_tumor_suppressor_nes(kg: KnowledgeGraph) -> None:
    columns = ("label", "uniprot", "nes_start", "nes_end", "nesdb_id", "evidence", "source_label")
    assert rows(kg, "tumor_suppressor_nes", *columns) == [
        ("BRCA1", "P38398", 81, 99, "10", IMPORTED, NESDB),
        ("BRCA2", "P51587", 1383, 1393, "169", IMPORTED, NESDB),
        ("CDKN1A", "P38936", None, None, "210", IMPORTED, NESDB),  # an NESdb cargo, no range
        ("CDKN1B", "P46527", None, None, None, None, None),  # not in NESdb
        ("FOXO1", "Q12778", None, None, None, None, None),
        ("FOXO3", "O43524", None, None, None, None, None),
        ("TP53", "P04637", 339, 352, "6", IMPORTED, NESDB),
    ]


def test_approved_indications(kg: KnowledgeGraph) -> None:
    columns = ("inhibitor_label", "status", "kind", "agency", "region", "use", "date", "product",
               "authorisation", "indication", "mondo", "combined_with", "evidence", "source_label")  # fmt: skip
    status = "investigational, not approved"
    assert rows(kg, "approved_indications", *columns) == [
        ("eltanexor", status, None, None, None, None, "2020-03-24", None, None, None, None, None, IMPORTED, HUB),
        ("KPT-185", "preclinical", None, None, None, None, "2020-03-24", None, None, None, None, None, IMPORTED, HUB),
        ("leptomycin B", "phase 1, never approved", None, None, None, None, "2020-03-24",
         None, None, None, None, None, IMPORTED, HUB),
        ("selinexor", "approved", None, None, "European Union", "human", None, "NEXPOVIO", "EU/1/21/1537",
         None, None, None, NAS,
         "Electronic product information for NEXPOVIO 20 mg (EU product number EU/1/21/1537)"),
        ("selinexor", "approved", None, None, None, "human", None, None, None,
         "diffuse large B-cell lymphoma (DLBCL)", None, None, NAS, WIKIPEDIA),
        ("selinexor", "approved", "accelerated", "FDA", "United States", "human", "2019-07", None, None,
         "relapsed or refractory multiple myeloma", "MONDO:0009693", "dexamethasone", NAS, WIKIPEDIA),
        ("verdinexor", "approved", "conditional", "FDA", "United States", "veterinary", "2021-01-11",
         "LAVERDIA-CA1", None, "canine lymphoma", None, None, NAS,
         "FDA structured product label: LAVERDIA-CA1 (verdinexor tablets)"),
        ("verdinexor", "approved", "conditional", "FDA", "United States", "veterinary", "2021-01-11",
         "LAVERDIA-CA1", None, "canine lymphoma", None, None, NAS,
         "JAVMA News 2021-03-01: FDA gives conditional approval to canine lymphoma drug"),
        ("verdinexor", "approved", "conditional", "FDA", "United States", "veterinary", "2021-01-11",
         "LAVERDIA-CA1", None, "canine lymphoma", None, None, NAS,
         "pharmacist.com news article on the FDA conditional approval of an oral lymphoma tablet for dogs"),
    ]  # fmt: skip


def test_cohort_sensitivity(kg: KnowledgeGraph) -> None:
    columns = ("inhibitor_label", "cohort", "cancer_label", "cell_lines", "median_qualifier",
               "median_nM", "range_min_nM", "range_max_qualifier", "range_max_nM", "compared_with",
               "p_value", "sensitivity", "evidence", "source_label")  # fmt: skip
    tnbc, er = "triple-negative breast cancer cell lines", "ER-positive breast cancer cell lines"
    p = Decimal("0.017")
    assert rows(kg, "cohort_sensitivity", *columns) == [
        ("KPT-185", "mantle cell lymphoma cell lines", None, 8, None, None, 10, "=", 120,
         None, None, None, EXP, ASH),
        ("selinexor", er, None, None, ">", 1000, 40, ">", 1000, tnbc, p, "less sensitive", EXP, ARANGO),
        ("selinexor", tnbc, "triple-negative breast cancer", 14, "=", 44, 11, "=", 550, er, p,
         "more sensitive", EXP, ARANGO),
    ]  # fmt: skip
    published = set(kg.run("cohort_sensitivity").column("published"))
    assert "median IC50 >1000 nM, range 40 to >1000 nM; P = 0.017 vs TNBC" in published


def test_statement_evidence_basis_covers_the_new_statements(kg: KnowledgeGraph) -> None:
    basis = {
        (r["statement_kind"], r["subject_label"], r["basis"], r["source_label"])
        for r in kg.run("statement_evidence_basis").records()
        if r["statement_kind"] in {"protein region", "regulatory approval", "cohort summary"}
    }
    assert ("protein region", "NES of TP53 (p53), residues 339-352", "database", NESDB) in basis
    assert (
        "cohort summary",
        "IC50 of selinexor over 14 triple-negative breast cancer cell lines (Arango 2017)",
        "primary source",
        ARANGO,
    ) in basis
    assert {b for kind, _, b, _ in basis if kind == "regulatory approval"} == {"web page"}
    assert len([k for k, *_ in basis if k == "protein region"]) == 6


# --- cohort summaries are never single measurements -------------------------------------------


def test_ic50_queries_do_not_count_cohort_summaries(kg: KnowledgeGraph) -> None:
    measured = set(kg.run("ic50_table").column("measurement"))
    assert len(measured) == 7 and not measured & {str(c) for c in COHORTS}
    best = rows(kg, "most_sensitive_cell_line", "inhibitor_label", "cell_line_label", "ic50_nM")
    assert best == [("KPT-185", "NIH:OVCAR-3", 50), ("selinexor", "MDA-MB-468", 32)]
    by_type = {
        (r["cancer_label"], r["inhibitor_label"]): (r["single_values"], r["ranges"])
        for r in kg.run("ic50_by_cancer_type").records()
    }
    assert by_type == {
        ("bladder cancer", "selinexor"): (0, 1),
        ("ovarian cancer", "KPT-185"): (4, 0),
        ("triple-negative breast cancer", "selinexor"): (2, 0),
    }
    ask = "ASK { ?s a/rdfs:subClassOf* xo:Measurement ; a xo:IC50CohortSummary }"
    assert kg.query(ask).column("ask") == [False]


# --- the facts, with their evidence ----------------------------------------------------------


def sources_of(graph: Graph, s: Node, p: Node, o: Node) -> set[Node]:
    """The sources of every owl:Axiom annotation of one triple."""
    return {
        src
        for axiom in graph.subjects(OWL.annotatedSource, s)
        if (axiom, OWL.annotatedProperty, p) in graph and (axiom, OWL.annotatedTarget, o) in graph
        for src in graph.objects(axiom, DCTERMS.source)
    }


def test_sk_ov_3_histology_keeps_both_sources(kg: KnowledgeGraph) -> None:
    g = kg.graph
    values = set(g.objects(XR["SK-OV-3"], XO.histology))
    assert values == {
        Literal("Cystadenocarcinoma, endometrioid"),
        Literal("Ovarian Serous Cystadenocarcinoma"),
    }
    assert sources_of(
        g, XR["SK-OV-3"], XO.histology, Literal("Cystadenocarcinoma, endometrioid")
    ) == {XR.DepMap2021}
    assert sources_of(
        g, XR["SK-OV-3"], XO.histology, Literal("Ovarian Serous Cystadenocarcinoma")
    ) == {XR.CellModelPassports2024}
    lines = {s for s, _ in g.subject_objects(XO.histology)}
    assert lines == {XR[n] for n in ("A2780", "OVCAR-3", "SK-OV-3", "MDA-MB-468", "BT-549")}


def test_ran_has_identifiers_and_no_unsourced_relation(kg: KnowledgeGraph) -> None:
    g = kg.graph
    assert g.value(XR.RAN, XO.uniprotAccession) == Literal("P62826")
    assert set(
        g.objects(XR.RAN, rdflib.URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref"))
    ) == {
        Literal("HGNC:9846"),
        Literal("NCBIGene:5901"),
    }
    assert {str(a) for a in g.objects(XR.RAN, SKOS.altLabel)} >= {"ARA24", "TC4", "Gsp1"}
    # No source in the graph states how XPO1 and RAN work together: no triple links them.
    assert not set(g.predicates(XR.XPO1, XR.RAN)) and not set(g.predicates(XR.RAN, XR.XPO1))


def test_xpo1_molecular_function_is_a_curator_mapping(kg: KnowledgeGraph) -> None:
    g = kg.graph
    function = XR.NuclearExportSignalReceptorActivity
    assert (XR.XPO1, XO.hasMolecularFunction, function) in g
    assert g.value(function, SKOS.exactMatch) == OBO.GO_0005049
    [axiom] = [
        a
        for a in g.subjects(OWL.annotatedSource, XR.XPO1)
        if (a, OWL.annotatedProperty, XO.hasMolecularFunction) in g
    ]
    assert g.value(axiom, XO.evidenceType) == OBO.ECO_0000305
    assert "assumed unchanged" in str(g.value(function, rdflib.RDFS.comment))


REACTOME = "https://reactome.org/content/detail/"


@pytest.mark.parametrize(
    ("subject", "relation", "pathway", "words"),
    [
        (XR.P53DependentApoptosis_step3, SKOS.closeMatch, "R-HSA-6803204", "Cytochrome C Release"),
        (XR.P53DependentApoptosis_step4, SKOS.relatedMatch, "R-HSA-6803207", "Caspase Activators"),
        (XR.CellCycleArrest, SKOS.relatedMatch, "R-HSA-6804116", "G1 Cell Cycle Arrest"),
    ],
)
def test_finer_reactome_pathways_are_curator_mappings(
    kg: KnowledgeGraph, subject: URIRef, relation: URIRef, pathway: str, words: str
) -> None:
    g = kg.graph
    target = URIRef(REACTOME + pathway)
    assert (subject, relation, target) in g
    [axiom] = [
        a
        for a in g.subjects(OWL.annotatedSource, subject)
        if (a, OWL.annotatedProperty, relation) in g and (a, OWL.annotatedTarget, target) in g
    ]
    # A curator's reading, not the guide's words: the evidence says so and the comment says why.
    assert g.value(axiom, XO.evidenceType) == OBO.ECO_0000305
    assert g.value(axiom, DCTERMS.source) == XR.Xpo1kgCurators
    assert words in str(g.value(axiom, rdflib.RDFS.comment))


def test_selinexor_treats_plasma_cell_myeloma(kg: KnowledgeGraph) -> None:
    g = kg.graph
    assert (XR.selinexor, XO.approvedTreatmentFor, XR.MultipleMyeloma) in g
    assert OBO.MONDO_0009693 in set(g.objects(XR.MultipleMyeloma, SKOS.exactMatch))
    assert (XO.approvedTreatmentFor, rdflib.RDFS.subPropertyOf, OBO.RO_0002606) in read_graph(
        [ontology_file()]
    )
    assert sources_of(g, XR.selinexor, XO.approvedTreatmentFor, XR.MultipleMyeloma) == {
        XR.WikipediaSelinexor,
        XR.RepurposingHub2020,
    }
    approval = XR.Approval_selinexor_FDA_2019
    assert g.value(approval, DCTERMS.date) == Literal("2019-07", datatype=rdflib.XSD.gYearMonth)
    verdinexor = g.value(XR.Approval_verdinexor_FDA_2021, DCTERMS.date)
    assert verdinexor is not None and verdinexor.toPython() == dt.date(2021, 1, 11)


def test_kpt_185_cohort_cites_the_abstract_not_the_paper(kg: KnowledgeGraph) -> None:
    g = kg.graph
    cohort = XR["Cohort_ASH2011_KPT-185_MCL"]
    assert set(g.objects(cohort, DCTERMS.source)) == {XR.ASH2011KPT185MCL}
    assert (XR.ASH2011KPT185MCL, RDF.type, XO.ConferenceAbstract) in g
    assert "22986101" not in g.serialize(format="nt")  # the unverified PMID of the full paper


# --- the shapes, on a broken copy, with both engines -----------------------------------------

Key = tuple[str, str | None, str]


def key(focus: Node, path: Node | None, component: str) -> Key:
    return (str(focus), None if path is None else str(path), f"sh:{component}ConstraintComponent")


def keys(report: ValidationReport) -> set[Key]:
    return {(r.focus_node, r.path, r.constraint_component) for r in report.results}


def replace(graph: Graph, s: URIRef, p: URIRef, *values: Node) -> None:
    graph.remove((s, p, None))
    for value in values:
        graph.add((s, p, value))


def annotated(graph: Graph, s: URIRef, p: URIRef, o: Node) -> None:
    """Add a mechanistic triple with a valid owl:Axiom annotation."""
    graph.add((s, p, o))
    axiom = BNode()
    for field, value in (
        (RDF.type, OWL.Axiom), (OWL.annotatedSource, s), (OWL.annotatedProperty, p),
        (OWL.annotatedTarget, o), (DCTERMS.source, XR.BenchChemGuide2025),
        (XO.evidenceType, OBO.ECO_0000303), (XO.modality, XO.Established),
        (BIOLINK.knowledge_level, Literal("knowledge_assertion")),
        (BIOLINK.agent_type, Literal("manual_agent")),
    ):  # fmt: skip
        graph.add((axiom, field, value))


def dec(text: str) -> Literal:
    return Literal(Decimal(text))


@pytest.fixture(scope="module")
def broken() -> tuple[Graph, Graph, set[Key]]:
    """A copy of the bundled data with one error per new rule, and the results it must give."""
    data = read_graph(data_files())
    tnbc, er = XR.Cohort_Arango2017_selinexor_TNBC, XR.Cohort_Arango2017_selinexor_ERpositive
    mcl = XR["Cohort_ASH2011_KPT-185_MCL"]
    fda, eu, dlbcl = (XR.Approval_selinexor_FDA_2019, XR.Approval_selinexor_EU_NEXPOVIO,
                      XR.Approval_selinexor_DLBCL)  # fmt: skip
    p53_nes, brca1_nes = XR["TP53_NES_339-352"], XR["BRCA1_NES_81-99"]
    function = XR.NuclearExportSignalReceptorActivity
    expected: set[Key] = set()
    # NESdb record numbers: digits only, cited from NESdb
    replace(data, p53_nes, XO.nesdbId, Literal("six"))
    expected.add(key(p53_nes, XO.nesdbId, "Pattern"))
    replace(data, brca1_nes, DCTERMS.source, XR.BenchChemGuide2025)
    expected.add(key(brca1_nes, DCTERMS.source, "In"))
    # Approvals
    replace(data, fda, XO.intendedUse)
    expected.add(key(fda, XO.intendedUse, "MinCount"))
    replace(data, fda, XO.approvalKind, Literal("provisional"))
    expected.add(key(fda, XO.approvalKind, "In"))
    replace(data, fda, DCTERMS.date, Literal("July 2019"))
    expected.add(key(fda, DCTERMS.date, "Or"))
    replace(data, eu, XO.productName)  # no product and no indication left
    expected.add(key(eu, None, "Or"))
    replace(data, dlbcl, XO.modality, XO.Possible)  # hedged, without the source's hedge words
    expected.add(key(dlbcl, None, "Or"))
    replace(data, dlbcl, XO.approvedSubstance, XR.XPO1)
    expected.add(key(dlbcl, XO.approvedSubstance, "Class"))
    # Cohort summaries
    replace(data, tnbc, XO.comparisonPValue, dec("1.7"))
    expected.add(key(tnbc, XO.comparisonPValue, "MaxInclusive"))
    replace(data, tnbc, XO.summaryUnit, OBO.UO_0000187)
    expected.add(key(tnbc, XO.summaryUnit, "In"))
    replace(data, tnbc, XO.cellLineCount, Literal("14"))
    expected |= {
        key(tnbc, XO.cellLineCount, "Datatype"),
        key(tnbc, XO.cellLineCount, "MinInclusive"),
    }
    replace(data, er, XO.rangeMaximum)  # a range with one end
    expected.add(key(er, None, "Or"))
    replace(data, mcl, XO.rangeMinimum, dec("200"))  # above the maximum, 120
    expected.add(key(mcl, XO.rangeMinimum, "LessThanOrEquals"))
    replace(data, mcl, XO.summaryInhibitor)
    expected.add(key(mcl, XO.summaryInhibitor, "MinCount"))
    # Molecular function, approved treatment, histology
    replace(data, function, SKOS.exactMatch)
    expected.add(key(function, SKOS.exactMatch, "MinCount"))
    annotated(data, XR.MYC, XO.hasMolecularFunction, XR.Apoptosis)
    expected.add(key(XR.MYC, XO.hasMolecularFunction, "Class"))
    annotated(data, XR.verdinexor, XO.approvedTreatmentFor, XR.A2780)
    expected.add(key(XR.verdinexor, XO.approvedTreatmentFor, "Class"))
    data.add((XR.eltanexor, XO.approvedTreatmentFor, XR.AcuteMyeloidLeukemia))  # no source
    expected.add(key(XR.eltanexor, XO.approvedTreatmentFor, "SPARQL"))
    annotated(data, XR.A2780, XO.histology, Literal(5))
    expected.add(key(XR.A2780, XO.histology, "Datatype"))
    return data, read_graph([ontology_file()]), expected


def test_bundled_data_conforms_on_both_engines(kg: KnowledgeGraph) -> None:
    data, ontology = read_graph(data_files()), read_graph([ontology_file()])
    assert validate_fast(data, ontology).conforms
    assert validate_graph(data, ontology).conforms


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_new_rules_catch_a_broken_copy(broken: tuple[Graph, Graph, set[Key]], engine: str) -> None:
    data, ontology, expected = broken
    report = (validate_fast if engine == "fast" else validate_graph)(data, ontology)
    assert not report.conforms
    assert keys(report) == expected, "\n".join(report.lines())


def test_two_sources_of_one_statement_are_explained_in_a_stable_order(kg: KnowledgeGraph) -> None:
    """Annotations come by what they say (source first), not by their blank-node labels."""
    explanation = kg.explain("TP53", "exportedBy", "XPO1")
    assert explanation.status == "asserted"
    sources = [e.source.label if e.source else None for e in explanation.evidence]
    assert sources == ["BenchChem technical guide on XPO1 inhibition (2025)", NESDB]
    assert [e.quote is not None for e in explanation.evidence] == [True, False]
