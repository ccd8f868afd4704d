"""The SHACL shapes: the bundled data conforms, and every rule catches a broken copy of it.

Each case edits a copy of the bundled graph and states the exact set of (focus node, path,
constraint component) results it expects, so that a case cannot pass because of an unrelated result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import pytest
import rdflib
from _pytest.mark import ParameterSet
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from xpo1kg.rdf.indexed_store import IndexedGraph
from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import BAO, OBO, XO, XR
from xpo1kg.resources import data_files, ontology_file, shapes_file
from xpo1kg.validate.fast_engine import validate_fast
from xpo1kg.validate.pyshacl_engine import ValidationReport, validate_graph

# Runs on the same xdist worker as tests/test_fastshacl.py, which reuses its pyshacl reports.
pytestmark = pytest.mark.xdist_group("shapes")

#: (focus node, result path or None, constraint component as a CURIE)
Key = tuple[str, str | None, str]
#: Replace every ``subject property ?`` statement by one statement per value (none: delete them).
Edit = tuple[URIRef, URIRef, tuple[Node, ...]]

SHAPES = read_graph([shapes_file()])
#: The mechanistic properties, read from the target declarations of the provenance shape.
MECHANISTIC = frozenset(
    SHAPES.objects(
        URIRef("https://w3id.org/xpo1kg/shapes/MechanisticStatementShape"), SH.targetSubjectsOf
    )
)

BIOLINK = rdflib.Namespace("https://w3id.org/biolink/vocab/")
#: The evidence fields of a curated, unhedged statement of the guide.
EVIDENCE = (
    (XO.evidenceType, OBO.ECO_0000303),
    (XO.modality, XO.Established),
    (BIOLINK.knowledge_level, Literal("knowledge_assertion")),
    (BIOLINK.agent_type, Literal("manual_agent")),
)

M = XR["IC50_KPT-185_A2780"]  # a measurement with a single value
R = XR.IC50_selinexor_bladder_various  # a measurement with a range
STEP, STEP2, STEP3 = (XR[f"P53DependentApoptosis_step{n}"] for n in (1, 2, 3))
CP70 = XR["A2780-CP70"]
RESPONSE = XR.CancerCellResponseToXPO1Inhibition
SITE = XR.XPO1_Cys528
NFKB_ROUTE = XR.InhibitionOfNFkBSignalling
INTECH = XR.IntechOpenChapter75812  # a source with a page and no citation
FOXO = XR.FOXOFamily  # a protein family
NORMAL = XR.NormalCellResponseToXPO1Inhibition  # a quoted node with a hedge
KL, AT = BIOLINK.knowledge_level, BIOLINK.agent_type


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return read_graph([ontology_file()])


@pytest.fixture(scope="module")
def bundled() -> Graph:
    return read_graph(data_files())


@pytest.fixture
def data(bundled: Graph) -> Graph:
    """A fresh copy of the bundled graph, safe to break (as read_graph makes it, without prefixes)."""
    graph = IndexedGraph()
    graph.add_all(bundled)
    return graph


# --- helpers -------------------------------------------------------------------------------------


def axioms_of(graph: Graph, subject: Node, prop: Node, obj: Node) -> list[Node]:
    """Return the owl:Axiom annotations of one statement."""
    return [
        axiom
        for axiom in graph.subjects(OWL.annotatedSource, subject)
        if (axiom, OWL.annotatedProperty, prop) in graph
        and (axiom, OWL.annotatedTarget, obj) in graph
    ]


def remove_node(graph: Graph, node: Node) -> None:
    """Remove every triple whose subject is ``node``."""
    graph.remove((node, None, None))


def annotate(graph: Graph, subject: Node, prop: Node, obj: Node) -> BNode:
    """Add an owl:Axiom annotation with a valid source to one statement."""
    axiom = BNode()
    graph.add((axiom, RDF.type, OWL.Axiom))
    graph.add((axiom, OWL.annotatedSource, subject))
    graph.add((axiom, OWL.annotatedProperty, prop))
    graph.add((axiom, OWL.annotatedTarget, obj))
    graph.add((axiom, DCTERMS.source, XR.BenchChemGuide2025))
    for field, value in EVIDENCE:
        graph.add((axiom, field, value))
    return axiom


def set_values(graph: Graph, subject: URIRef, prop: URIRef, values: Iterable[Node]) -> None:
    """Replace the values of ``subject prop``; mechanistic statements keep valid annotations.

    The annotations of removed statements go with them and new mechanistic statements get one, so
    that only the rule under test can fire (the provenance rule has cases of its own).
    """
    for old in list(graph.objects(subject, prop)):
        graph.remove((subject, prop, old))
        for axiom in axioms_of(graph, subject, prop, old):
            remove_node(graph, axiom)
    for value in values:
        graph.add((subject, prop, value))
        if prop in MECHANISTIC:
            annotate(graph, subject, prop, value)


def key(focus: Node, path: Node | None, component: str) -> Key:
    """Build an expected result; ``component`` is short, e.g. ``MinCount``."""
    return (str(focus), None if path is None else str(path), f"sh:{component}ConstraintComponent")


def keys(report: ValidationReport) -> set[Key]:
    return {(r.focus_node, r.path, r.constraint_component) for r in report.results}


def assert_caught(report: ValidationReport, *expected: Key) -> None:
    assert not report.conforms
    assert keys(report) == set(expected), "\n".join(report.lines())


def case(case_id: str, edits: Edit | list[Edit], *expected: Key | str) -> ParameterSet:
    """Build a case; a bare component name expects a result on the first edit's subject and path."""
    edit_list = edits if isinstance(edits, list) else [edits]
    subject, prop, _ = edit_list[0]
    wanted = [key(subject, prop, e) if isinstance(e, str) else e for e in expected]
    return pytest.param(edit_list, wanted, id=case_id)


def dec(text: str) -> Literal:
    return Literal(Decimal(text))


def pos_int(text: str) -> Literal:
    # rdflib.XSD, not an imported XSD: pytest's fixture scan makes a module-level XSD warn.
    return Literal(text, datatype=rdflib.XSD.integer)


# --- the bundled data ----------------------------------------------------------------------------


def test_bundled_data_conforms(bundled: Graph, ontology: Graph) -> None:
    report = validate_graph(bundled, ontology)
    assert report.conforms, "\n".join(report.lines())
    assert report.results == ()


# --- one broken copy per rule --------------------------------------------------------------------

# fmt: off
CASES = [
    # Measurement: value or range
    case("measurement-without-value", (M, XO.value, ()), key(M, None, "Xone"), key(M, None, "Or")),
    case("measurement-value-zero", (M, XO.value, (dec("0"),)), "MinExclusive"),
    case("measurement-value-negative", (M, XO.value, (dec("-5"),)), "MinExclusive"),
    case("measurement-value-as-string", (M, XO.value, (Literal("100"),)), "Datatype", "MinExclusive"),
    case("measurement-two-values", (M, XO.value, (dec("100"), dec("50"))), "MaxCount"),
    case("measurement-value-and-range", [(M, XO.lowerBound, (dec("10"),)), (M, XO.upperBound, (dec("200"),))],
         key(M, None, "Xone")),
    case("range-lower-above-upper", (R, XO.lowerBound, (dec("600"),)), "LessThanOrEquals"),
    case("range-only-lower-bound", (R, XO.upperBound, ()), key(R, None, "Xone")),
    case("range-lower-bound-zero", (R, XO.lowerBound, (dec("0"),)), "MinExclusive"),
    case("range-upper-bound-negative", (R, XO.upperBound, (dec("-1"),)),
         "MinExclusive", key(R, XO.lowerBound, "LessThanOrEquals")),
    # Measurement: unit, endpoint, inhibitor, cells, qualifier, published value, source
    case("unit-percent", (M, XO.hasUnit, (OBO.UO_0000187,)), "In"),
    case("no-unit", (M, XO.hasUnit, ()), "MinCount"),
    case("two-units", (M, XO.hasUnit, (OBO.UO_0000065, OBO.UO_0000064)), "MaxCount"),
    case("no-endpoint", (M, XO.hasEndpoint, ()), "MinCount"),
    case("endpoint-not-allowed", (M, XO.hasEndpoint, (BAO.BAO_0000179,)), "In"),
    case("no-inhibitor", (M, XO.hasInhibitor, ()), "MinCount"),
    case("inhibitor-is-a-protein", (M, XO.hasInhibitor, (XR.XPO1,)), "Class"),
    case("two-inhibitors", (M, XO.hasInhibitor, (XR["KPT-185"], XR.selinexor)), "MaxCount"),
    case("no-cell-line-and-no-cancer-type", [(M, XO.hasCellLine, ()), (M, XO.hasCancerType, ())], key(M, None, "Or")),
    case("cell-line-is-a-cancer-type", (M, XO.hasCellLine, (XR.OvarianCancer,)), "Class"),
    case("two-cell-lines", (M, XO.hasCellLine, (XR.A2780, XR["OVCAR-3"])), "MaxCount"),
    case("cancer-type-is-a-cell-line", (M, XO.hasCancerType, (XR.A2780,)), "Class"),
    case("bad-qualifier", (M, XO.qualifier, (Literal("about"),)), "In"),
    case("two-qualifiers", (M, XO.qualifier, (Literal("~"), Literal("="))), "MaxCount"),
    case("published-value-not-a-string", (M, XO.publishedValue, (Literal(100),)), "Datatype"),
    case("measurement-without-source", (M, DCTERMS.source, ()), "MinCount"),
    case("measurement-source-not-a-source", (M, DCTERMS.source, (XR.TP53,)), "Class"),
    # Protein
    case("protein-without-label", (XR.BAX, RDFS.label, ()), "MinCount"),
    case("protein-with-two-labels", (XR.BAX, RDFS.label, (Literal("BAX"), Literal("Bax"))), "MaxCount"),
    case("protein-label-not-a-literal", (XR.BAX, RDFS.label, (XR.BAX,)), "NodeKind"),
    case("malformed-uniprot-accession", (XR.TP53, XO.uniprotAccession, (Literal("P0463"),)), "Pattern"),
    case("no-uniprot-accession", (XR.TP53, XO.uniprotAccession, ()), "MinCount"),
    case("exported-by-non-receptor", (XR.CDKN1B, XO.exportedBy, (XR.BAX,)), "Class"),
    case("retention-triggers-non-route", (XR.TP53, XO.nuclearRetentionTriggers, (XR.IntrinsicApoptosisPathway,)),
         "Class"),
    case("downregulated-in-non-route", (XR.MCL1, XO.downregulatedIn, (XR.NFkBSignallingPathway,)), "Class"),
    case("upregulates-non-protein", (XR.TP53, XO.upregulatesExpressionOf, (XR.Apoptosis,)), "Class"),
    case("activates-non-pathway", (XR.BAX, XO.activatesPathway, (XR.Apoptosis,)), "Class"),
    case("participates-in-a-protein", (XR.CASP9, XO.participatesIn, (XR.CASP3,)), "Or"),
    case("prognosis-marker-in-a-cell-line", (XR.XPO1, XO.expressionCorrelatedWithPoorPrognosisIn, (XR.A2780,)), "Class"),
    case("protein-without-source", (XR.BAX, DCTERMS.source, ()), "MinCount"),
    # Inhibitor
    case("inhibitor-without-label", (XR.selinexor, RDFS.label, ()), "MinCount"),
    case("inhibitor-without-target", (XR.selinexor, XO.inhibits, ()), "MinCount"),
    case("inhibitor-target-not-a-protein", (XR.selinexor, XO.inhibits, (XR.Apoptosis,)), "Class"),
    case("binds-site-not-a-site", (XR.selinexor, XO.bindsSite, (XR.XPO1,)), "Class"),
    case("binds-covalently-not-a-site", (XR.selinexor, XO.bindsCovalently, (XR.XPO1,)), "Class"),
    case("malformed-inchikey", (XR.selinexor, XO.inchiKey, (Literal("DEVSOMFAQLZNKR-RJRFIUFISA"),)), "Pattern"),
    case("inhibitor-exact-match-literal", (XR.leptomycinB, SKOS.exactMatch, (Literal("CHEBI:52646"),)), "NodeKind"),
    case("inhibitor-without-source", (XR.selinexor, DCTERMS.source, ()), "MinCount"),
    # Pathway
    case("pathway-without-label", (XR.NFkBSignallingPathway, RDFS.label, ()), "MinCount"),
    case("pathway-without-source", (XR.NFkBSignallingPathway, DCTERMS.source, ()), "MinCount"),
    case("leads-to-a-pathway", (XR.IntrinsicApoptosisPathway, XO.leadsTo, (XR.NFkBSignallingPathway,)), "Class"),
    case("suppresses-a-protein", (NFKB_ROUTE, XO.suppressesPathway, (XR.RELA,)), "Class"),
    case("has-step-a-protein", (XR.P53DependentApoptosis, XO.hasStep, (XR.TP53,)), "Class"),
    case("mechanism-without-number", (NFKB_ROUTE, XO.mechanismNumber, ()), "MinCount"),
    case("mechanism-number-not-an-integer", (NFKB_ROUTE, XO.mechanismNumber, (dec("3"),)), "Datatype"),
    case("mechanism-number-zero", (NFKB_ROUTE, XO.mechanismNumber, (Literal(0),)), "MinInclusive"),
    # Pathway step
    case("step-without-label", (STEP, RDFS.label, ()), "MinCount"),
    case("step-without-number", (STEP, XO.stepNumber, ()), "MinCount"),
    case("step-number-not-an-integer", (STEP, XO.stepNumber, (dec("1.5"),)), "Datatype"),
    case("step-number-negative", (STEP, XO.stepNumber, (Literal(-1),)), "MinInclusive"),
    case("two-step-numbers", (STEP, XO.stepNumber, (pos_int("1"), pos_int("2"))), "MaxCount"),
    case("step-without-pathway", (STEP, XO.stepOf, ()), "MinCount"),
    case("step-of-a-protein", (STEP, XO.stepOf, (XR.TP53,)), "Class"),
    case("step-precedes-two-steps", (STEP, XO.precedes, (STEP2, STEP3)), "MaxCount"),
    case("step-precedes-a-protein", (STEP, XO.precedes, (XR.TP53,)), "Class"),
    case("step-without-source", (STEP, DCTERMS.source, ()), "MinCount"),
    # Cell line
    case("cell-line-without-label", (XR.A2780, RDFS.label, ()), "MinCount"),
    case("malformed-cellosaurus-id", (XR.A2780, XO.cellosaurusId, (Literal("CVCL_134"),)), "Pattern"),
    case("two-cellosaurus-ids", (XR.A2780, XO.cellosaurusId, (Literal("CVCL_0134"), Literal("CVCL_1942"))),
         "MaxCount"),
    case("derived-from-a-cell-line-as-cancer", (XR.A2780, XO.derivedFromCancer, (XR["OVCAR-3"],)), "Class"),
    case("derived-from-a-cancer-as-cell-line", (CP70, XO.derivedFromCellLine, (XR.OvarianCancer,)), "Class"),
    case("cell-line-without-source", (XR.A2780, DCTERMS.source, ()), "MinCount"),
    # Cancer type
    case("cancer-type-without-label", (XR.LungCancer, RDFS.label, ()), "MinCount"),
    case("cancer-type-without-exact-match", (XR.LungCancer, SKOS.exactMatch, ()), "MinCount"),
    case("cancer-type-exact-match-literal", (XR.LungCancer, SKOS.exactMatch, (Literal("MONDO:0008903"),)),
         "NodeKind"),
    case("cancer-type-without-source", (XR.LungCancer, DCTERMS.source, ()), "MinCount"),
    # Binding site
    case("binding-site-without-label", (SITE, RDFS.label, ()), "MinCount"),
    case("binding-site-without-site-of", (SITE, XO.siteOf, ()), "MinCount"),
    case("binding-site-of-two-proteins", (SITE, XO.siteOf, (XR.XPO1, XR.TP53)), "MaxCount"),
    case("binding-site-of-an-inhibitor", (SITE, XO.siteOf, (XR.selinexor,)), "Class"),
    case("within-a-protein", (SITE, XO.withinSite, (XR.XPO1,)), "Class"),
    case("residue-position-not-an-integer", (SITE, XO.residuePosition, (dec("528"),)), "Datatype"),
    case("residue-position-zero", (SITE, XO.residuePosition, (Literal(0),)), "MinInclusive"),
    case("binding-site-without-source", (SITE, DCTERMS.source, ()), "MinCount"),
    # Source
    case("source-without-label", (INTECH, RDFS.label, ()), "MinCount"),
    case("source-without-page-or-citation", (INTECH, FOAF.page, ()), key(INTECH, None, "Or")),
    case("source-page-literal", (INTECH, FOAF.page, (Literal("https://www.intechopen.com/chapters/75812"),)),
         "NodeKind"),
    # Supporting classes
    case("process-without-label", (XR.Apoptosis, RDFS.label, ()), "MinCount"),
    case("process-without-source", (XR.Apoptosis, DCTERMS.source, ()), "MinCount"),
    case("component-without-label", (XR.Nucleus, RDFS.label, ()), "MinCount"),
    case("component-without-source", (XR.Nucleus, DCTERMS.source, ()), "MinCount"),
    case("motif-without-label", (XR.LeucineRichNES, RDFS.label, ()), "MinCount"),
    case("motif-without-source", (XR.LeucineRichNES, DCTERMS.source, ()), "MinCount"),
    case("response-without-label", (RESPONSE, RDFS.label, ()), "MinCount"),
    case("response-without-source", (RESPONSE, DCTERMS.source, ()), "MinCount"),
    case("response-outcome-a-protein", (RESPONSE, XO.hasOutcome, (XR.TP53,)), "Class"),
    case("response-to-inhibition-of-a-process", (RESPONSE, XO.responseToInhibitionOf, (XR.Apoptosis,)), "Class"),
    # Evidence of a measurement, and of a node that quotes its source (issue 13)
    case("measurement-without-evidence-type", (M, XO.evidenceType, ()), "MinCount"),
    case("measurement-evidence-type-not-eco", (M, XO.evidenceType, (OBO.ECO_0000001,)), "In"),
    case("measurement-without-knowledge-level", (M, KL, ()), "MinCount"),
    case("measurement-knowledge-level-not-biolink", (M, KL, (Literal("knowledge assertion"),)), "In"),
    case("measurement-two-knowledge-levels", (M, KL, (Literal("knowledge_assertion"), Literal("prediction"))),
         "MaxCount"),
    case("measurement-without-agent-type", (M, AT, ()), "MinCount"),
    case("measurement-agent-type-not-biolink", (M, AT, (Literal("curator"),)), "In"),
    case("measurement-two-agent-types", (M, AT, (Literal("manual_agent"), Literal("automated_agent"))),
         "MaxCount"),
    case("measurement-without-modality", (M, XO.modality, ()), "MinCount"),
    case("measurement-modality-not-listed", (M, XO.modality, (XO.Probable,)), "In", key(M, None, "Or")),
    case("measurement-hedged-without-hedge", (M, XO.modality, (XO.Possible,)), key(M, None, "Or")),
    case("measurement-hedge-not-a-string", [(M, XO.modality, (XO.Possible,)), (M, XO.hedge, (Literal(1),))],
         key(M, XO.hedge, "Datatype")),
    case("primary-source-not-a-source", (M, XO.primarySource, (XR.TP53,)), "Class"),
    case("step-without-evidence-type", (STEP, XO.evidenceType, ()), "MinCount"),
    case("response-without-hedge", (NORMAL, XO.hedge, ()), key(NORMAL, None, "Or")),
    case("binding-site-quote-without-agent-type", (SITE, AT, ()), "MinCount"),
    # pIC50 and range summaries (issue 13, points 9 and 10)
    case("pic50-not-a-decimal", (M, XO.pIC50, (Literal("7"),)), "Datatype", "MinInclusive", "MaxInclusive"),
    case("pic50-out-of-range", (M, XO.pIC50, (dec("20"),)), "MaxInclusive"),
    case("pic50-two-values", (M, XO.pIC50, (dec("7"), dec("7.1"))), "MaxCount"),
    case("pic50-on-a-range", (R, XO.pIC50, (dec("6.5"),)), key(R, None, "Or")),
    case("range-summary-on-a-cell-line", (R, XO.hasCellLine, (XR.A2780,)), "MaxCount"),
    case("range-summary-without-description", (R, XO.cellLineDescription, ()), "MinCount"),
    case("range-summary-without-range", [(R, XO.lowerBound, ()), (R, XO.upperBound, ()), (R, XO.value, (dec("100"),))],
         key(R, XO.lowerBound, "MinCount")),
    # Protein families, hedged routes and protein levels (issue 13, points 1, 4 and 5)
    case("family-without-label", (FOXO, RDFS.label, ()), "MinCount"),
    case("family-without-source", (FOXO, DCTERMS.source, ()), "MinCount"),
    case("family-with-accession", (FOXO, XO.uniprotAccession, (Literal("Q12778"),)), "MaxCount"),
    case("family-member-not-a-protein", (FOXO, XO.hasMember, (XR.Apoptosis,)), "Class"),
    case("family-exported-by-non-receptor", (FOXO, XO.exportedBy, (XR.TP53,)), "Class"),
    case("family-can-induce-non-route", (FOXO, XO.nuclearRetentionCanInduce, (XR.Apoptosis,)), "Class"),
    case("can-induce-non-route", (XR.CDKN1A, XO.nuclearRetentionCanInduce, (XR.Apoptosis,)), "Class"),
    case("level-decrease-of-a-process", (XR.XPO1, XO.inhibitionDecreasesProteinLevelOf, (XR.Apoptosis,)), "Class"),
]
# fmt: on


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_rule_catches_broken_copy(
    data: Graph,
    ontology: Graph,
    edits: list[Edit],
    expected: list[Key],
    shape_case_reports: dict[str, ValidationReport],
    request: pytest.FixtureRequest,
) -> None:
    for subject, prop, values in edits:
        set_values(data, subject, prop, values)
    # pyshacl is slow: its report on this copy is shared with tests/test_fastshacl.py.
    case_id = request.node.callspec.id
    if case_id not in shape_case_reports:
        shape_case_reports[case_id] = validate_graph(data, ontology)
    assert_caught(shape_case_reports[case_id], *expected)


# --- statement provenance ------------------------------------------------------------------------


def test_mechanistic_triple_without_axiom(data: Graph, ontology: Graph) -> None:
    (axiom,) = axioms_of(data, XR.CDKN1B, XO.exportedBy, XR.XPO1)
    remove_node(data, axiom)
    assert_caught(validate_graph(data, ontology), key(XR.CDKN1B, XO.exportedBy, "SPARQL"))


def test_mechanistic_literal_without_axiom(data: Graph, ontology: Graph) -> None:
    count = Literal("200", datatype=rdflib.XSD.integer)
    (axiom,) = axioms_of(data, XR.XPO1, XO.minimumCargoCount, count)
    remove_node(data, axiom)
    assert_caught(validate_graph(data, ontology), key(XR.XPO1, XO.minimumCargoCount, "SPARQL"))


def test_new_mechanistic_triple_without_axiom(data: Graph, ontology: Graph) -> None:
    data.add((XR.BAX, XO.participatesIn, XR.Apoptosis))
    assert_caught(validate_graph(data, ontology), key(XR.BAX, XO.participatesIn, "SPARQL"))


def test_axiom_without_source(data: Graph, ontology: Graph) -> None:
    # selinexor's clinical status has two annotations: the statement stays sourced by the other.
    first, _second = axioms_of(data, XR.selinexor, XO.clinicalStatus, Literal("approved"))
    data.remove((first, DCTERMS.source, None))
    assert_caught(validate_graph(data, ontology), key(first, DCTERMS.source, "MinCount"))


def test_only_axiom_without_source(data: Graph, ontology: Graph) -> None:
    (axiom,) = axioms_of(data, XR.CDKN1B, XO.exportedBy, XR.XPO1)
    data.remove((axiom, DCTERMS.source, None))
    assert_caught(
        validate_graph(data, ontology),
        key(axiom, DCTERMS.source, "MinCount"),
        key(XR.CDKN1B, XO.exportedBy, "SPARQL"),
    )


def test_axiom_source_not_a_source(data: Graph, ontology: Graph) -> None:
    (axiom,) = axioms_of(data, XR.CDKN1B, XO.exportedBy, XR.XPO1)
    data.set((axiom, DCTERMS.source, XR.BAX))
    assert_caught(validate_graph(data, ontology), key(axiom, DCTERMS.source, "Class"))


# --- the evidence of axiom annotations (issue 13) ------------------------------------------------

#: A hedged statement (possible, "can be a critical determinant") and an established one.
HEDGED = (XR.TP53, XO.statusDeterminesSensitivityToInhibitionOf, XR.XPO1)
PLAIN = (XR.CDKN1B, XO.exportedBy, XR.XPO1)  # one source (TP53's export has two)
#: (id, statement, edits of its axiom: property -> new values, expected (path, component)s)
AXIOM_CASES = [
    pytest.param(PLAIN, {XO.evidenceType: ()}, [(XO.evidenceType, "MinCount")], id="axiom-without-evidence-type"),
    pytest.param(PLAIN, {XO.evidenceType: (OBO.ECO_0000269, XO.Established)}, [(XO.evidenceType, "In")],
                 id="axiom-evidence-type-not-eco"),
    pytest.param(PLAIN, {KL: ()}, [(KL, "MinCount")], id="axiom-without-knowledge-level"),
    pytest.param(PLAIN, {KL: (Literal("asserted"),)}, [(KL, "In")], id="axiom-knowledge-level-not-biolink"),
    pytest.param(PLAIN, {AT: ()}, [(AT, "MinCount")], id="axiom-without-agent-type"),
    pytest.param(PLAIN, {AT: (Literal("human"),)}, [(AT, "In")], id="axiom-agent-type-not-biolink"),
    pytest.param(PLAIN, {XO.modality: ()}, [(XO.modality, "MinCount")], id="axiom-without-modality"),
    pytest.param(PLAIN, {XO.modality: (XO.Established, XO.Possible)}, [(XO.modality, "MaxCount"), (None, "Or")],
                 id="axiom-two-modalities"),
    pytest.param(HEDGED, {XO.hedge: ()}, [(None, "Or")], id="axiom-hedged-without-hedge"),
    pytest.param(HEDGED, {XO.modality: (XO.Established,), XO.hedge: ()}, [], id="axiom-established-needs-no-hedge"),
    pytest.param(PLAIN, {XO.primarySource: (XR.TP53,)}, [(XO.primarySource, "Class")],
                 id="axiom-primary-source-not-a-source"),
]  # fmt: skip


@pytest.mark.parametrize(("statement", "edits", "expected"), AXIOM_CASES)
def test_evidence_rule_catches_broken_axiom(
    data: Graph,
    ontology: Graph,
    statement: tuple[URIRef, URIRef, URIRef],
    edits: dict[URIRef, tuple[Node, ...]],
    expected: list[tuple[URIRef | None, str]],
) -> None:
    """Each evidence rule catches its defect on an axiom, and both engines agree exactly."""
    (axiom,) = axioms_of(data, *statement)
    for prop, values in edits.items():
        data.remove((axiom, prop, None))
        for value in values:
            data.add((axiom, prop, value))
    report = validate_graph(data, ontology)
    wanted = {key(axiom, path, component) for path, component in expected}
    assert keys(report) == wanted, "\n".join(report.lines())
    assert report.conforms == (not wanted)
    fast = validate_fast(data, ontology)
    assert sorted(fast.lines()) == sorted(report.lines())


# --- the shapes file itself ----------------------------------------------------------------------

#: Constraint parameters that, on a node shape, constrain the focus node itself.
NODE_LEVEL = [
    SH[name] for name in ("class", "datatype", "nodeKind", "in", "or", "xone", "and", "not", "node")
]


def test_every_property_shape_has_a_message() -> None:
    property_shapes = set(SHAPES.objects(None, SH.property))
    assert property_shapes
    assert [s for s in property_shapes if SHAPES.value(s, SH.message) is None] == []


def test_every_node_level_constraint_has_a_message() -> None:
    node_shapes = set(SHAPES.subjects(RDF.type, SH.NodeShape))
    constrained = {s for s in node_shapes for p in NODE_LEVEL if (s, p, None) in SHAPES}
    assert constrained
    assert [s for s in constrained if SHAPES.value(s, SH.message) is None] == []
    sparql = set(SHAPES.objects(None, SH.sparql))
    assert len(sparql) == 1
    assert all(SHAPES.value(c, SH.message) is not None for c in sparql)


def test_messages_are_single_lines() -> None:
    for message in SHAPES.objects(None, SH.message):
        assert "\n" not in str(message) and str(message).strip() == str(message)


def test_sparql_lists_the_targeted_properties() -> None:
    (query,) = SHAPES.objects(None, SH.select)
    alternatives = re.search(r"ontology/\(([^)]*)\)\$", str(query))
    assert alternatives is not None
    assert {XO[name] for name in alternatives.group(1).split("|")} == MECHANISTIC


def test_result_lines_are_single_lines_naming_the_focus(data: Graph, ontology: Graph) -> None:
    set_values(data, XR.TP53, XO.uniprotAccession, [Literal("P0463")])
    set_values(data, XR.A2780, XO.cellosaurusId, [Literal("CVCL_134")])
    set_values(data, M, XO.hasUnit, [])
    report = validate_graph(data, ontology)
    assert len(report.results) == 3
    for result, line in zip(report.results, report.lines(), strict=True):
        assert "\n" not in line
        assert line.startswith(f"{result.focus_label} (")
    assert {r.focus_label for r in report.results} == {"TP53", "A2780", "IC50 of KPT-185 on A2780"}
