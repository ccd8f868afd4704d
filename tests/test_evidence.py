"""The evidence model in the data (issue 13): every statement says how it is known.

The shapes check that each statement has its fields (see test_shapes.py for their mutations); these
tests check what SHACL cannot: that the closed lists are Biolink's and ECO's, that quotes are
verbatim, that hedges are the source's own words, and the thirteen curation defects of the issue.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from xpo1kg import KnowledgeGraph, list_queries
from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import OBO, XO, XR
from xpo1kg.resources import data_files, ontology_file, shapes_file

RESOURCES = Path(__file__).parent / "resources"
BIOLINK = "https://w3id.org/biolink/vocab/"
KNOWLEDGE_LEVEL, AGENT_TYPE = URIRef(BIOLINK + "knowledge_level"), URIRef(BIOLINK + "agent_type")
XSH = "https://w3id.org/xpo1kg/shapes/"
GUIDE = XR.BenchChemGuide2025
NAS, TAS, IC = OBO.ECO_0000303, OBO.ECO_0000304, OBO.ECO_0000305
IMPORTED = OBO.ECO_0000312
#: The evidence types of the vocabulary note, with the labels UniProt and GO use (evidence.md).
ECO_LABELS = {
    "ECO_0000269": "experimental evidence used in manual assertion",
    "ECO_0000303": "author statement without traceable support used in manual assertion",
    "ECO_0000304": "author statement supported by traceable reference used in manual assertion",
    "ECO_0000305": "curator inference used in manual assertion",
    "ECO_0000312": "imported information used in manual assertion",
    "ECO_0000313": "imported information used in automatic assertion",
    "ECO_0000501": "evidence used in automatic assertion",
}
#: The PMIDs and DOIs verified in the project's reference identifiers (sections 7 and 8).
VERIFIED_PAPER_IDS = {
    "PMID:28810913",
    "DOI:10.1186/s13058-017-0878-6",
    "PMCID:PMC5557476",
    "PMID:30349650",
    "DOI:10.18632/oncotarget.26179",
    "PMCID:PMC6195388",
    "PMCID:PMC4526315",
}


@pytest.fixture(scope="module")
def data() -> Graph:
    return read_graph(data_files())


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return read_graph([ontology_file()])


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return read_graph([shapes_file()])


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def axioms(graph: Graph, s: Node, p: Node, o: Node) -> list[Node]:
    return [
        a
        for a in graph.subjects(OWL.annotatedSource, s)
        if (a, OWL.annotatedProperty, p) in graph and (a, OWL.annotatedTarget, o) in graph
    ]


def axiom(graph: Graph, s: Node, p: Node, o: Node, source: Node = GUIDE) -> Node:
    """The one owl:Axiom of ``s p o`` that cites ``source``."""
    (found,) = [a for a in axioms(graph, s, p, o) if (a, DCTERMS.source, source) in graph]
    return found


def statements(graph: Graph) -> Iterator[Node]:
    """Every asserted statement: axiom annotations, measurements, nodes that quote a source."""
    yield from sorted(set(graph.subjects(RDF.type, OWL.Axiom)), key=str)
    measurements = {
        s
        for cls in (XO.IC50Measurement, XO.IC50RangeSummary)
        for s in graph.subjects(RDF.type, cls)
    }
    quoted = set(graph.subjects(XO.supportingText, None)) - set(graph.subjects(RDF.type, OWL.Axiom))
    yield from sorted(measurements | quoted, key=str)


def shape_list(shapes: Graph, path: URIRef) -> list[Node]:
    """The sh:in list of the statement shape's property shape on ``path``."""
    shape = URIRef(XSH + "StatementEvidenceShape")
    (prop,) = [p for p in shapes.objects(shape, SH.property) if (p, SH.path, path) in shapes]
    return list(Collection(shapes, shapes.value(prop, SH["in"])))


# --- the closed lists ----------------------------------------------------------------------------


def biolink_enum(name: str) -> list[str]:
    schema = resources.files("biolink_model").joinpath("schema").joinpath("biolink_model.yaml")
    model = yaml.safe_load(schema.read_text(encoding="utf-8"))
    return list(model["enums"][name]["permissible_values"])


def test_knowledge_levels_are_biolinks(shapes: Graph) -> None:
    values = [str(v) for v in shape_list(shapes, KNOWLEDGE_LEVEL)]
    assert values == biolink_enum("KnowledgeLevelEnum")
    assert {"knowledge_assertion", "logical_entailment"} <= set(values)


def test_agent_types_are_biolinks(shapes: Graph) -> None:
    values = [str(v) for v in shape_list(shapes, AGENT_TYPE)]
    assert values == biolink_enum("AgentTypeEnum")
    assert {"manual_agent", "automated_agent"} <= set(values)


def test_evidence_types_are_the_declared_eco_classes(shapes: Graph, ontology: Graph) -> None:
    listed = shape_list(shapes, XO.evidenceType)
    assert {str(c).removeprefix(str(OBO)) for c in listed} == set(ECO_LABELS)
    for cls in listed:
        label = ontology.value(cls, RDFS.label)
        assert label is not None and str(label) == ECO_LABELS[str(cls).removeprefix(str(OBO))]


def test_modalities_are_the_four_individuals(shapes: Graph, ontology: Graph) -> None:
    listed = shape_list(shapes, XO.modality)
    assert listed == [XO.Established, XO.Reported, XO.Suggested, XO.Possible]
    assert set(ontology.subjects(RDF.type, XO.Modality)) == set(listed)


def test_every_asserted_statement_is_a_manual_knowledge_assertion(data: Graph) -> None:
    found = list(statements(data))
    assert len(found) > 100
    for node in found:
        assert data.value(node, KNOWLEDGE_LEVEL) == Literal("knowledge_assertion"), node
        assert data.value(node, AGENT_TYPE) == Literal("manual_agent"), node
        assert data.value(node, XO.evidenceType) is not None, node
        assert data.value(node, DCTERMS.source) is not None, node


def test_evidence_type_follows_the_source(data: Graph) -> None:
    """The rule of docs/evidence.md: who states it, and whether it cites support."""
    kinds = {
        XO.ReviewSource: {NAS, TAS, IC},
        XO.PrimaryResearchArticle: {OBO.ECO_0000269, NAS, TAS},
        XO.ConferenceAbstract: {OBO.ECO_0000269, NAS, TAS},
        XO.DatabaseSource: {IMPORTED, IC},
        XO.WebPage: {NAS, TAS},
        XO.CuratorKnowledge: {IC},
    }
    for node in statements(data):
        source = data.value(node, DCTERMS.source)
        (kind,) = [k for k in data.objects(source, RDF.type) if k in kinds]
        assert data.value(node, XO.evidenceType) in kinds[kind], node
    # The guide cites nothing, so none of its statements is traceable (TAS).
    guide = [n for n in statements(data) if (n, DCTERMS.source, GUIDE) in data]
    assert {data.value(n, XO.evidenceType) for n in guide} == {NAS, IC}


def test_curator_readings_are_curator_inferences(data: Graph) -> None:
    for node in statements(data):
        comment = str(data.value(node, RDFS.comment) or "")
        if comment.startswith("Curator's reading"):
            assert data.value(node, XO.evidenceType) == IC, node


# --- quotes and hedges ---------------------------------------------------------------------------


def guide_text() -> str:
    lines = (RESOURCES / "guide_excerpts.txt").read_text(encoding="utf-8").splitlines()
    return normalise(" ".join(line for line in lines if not line.startswith("#")))


def verified_quotes() -> dict[str, set[str]]:
    with (RESOURCES / "verified_quotes.tsv").open(encoding="utf-8", newline="") as handle:
        quotes: dict[str, set[str]] = {}
        for row in csv.DictReader(handle, delimiter="\t"):
            quotes.setdefault(str(XR[row["source"]]), set()).add(normalise(row["quote"]))
    return quotes


def quotes_of(data: Graph) -> Iterator[tuple[Node, str, str]]:
    for node, quote in sorted(data.subject_objects(XO.supportingText), key=str):
        for source in data.objects(node, DCTERMS.source):
            yield node, str(source), normalise(str(quote))


def test_every_guide_quote_is_verbatim(data: Graph) -> None:
    text = guide_text()
    quoted = [(n, q) for n, s, q in quotes_of(data) if s == str(GUIDE)]
    assert len(quoted) > 50
    assert [(n, q) for n, q in quoted if q not in text] == []


def test_every_other_quote_is_verified_text(data: Graph) -> None:
    verified = verified_quotes()
    others = [(n, s, q) for n, s, q in quotes_of(data) if s != str(GUIDE)]
    assert len(others) >= 8
    assert [(n, s, q) for n, s, q in others if q not in verified.get(s, set())] == []


def test_the_eltanexor_quote_is_the_abstracts_words(data: Graph) -> None:
    quote = data.value(
        axiom(data, XR.eltanexor, XO.inhibits, XR.XPO1, XR.Blood2015KPT8602), XO.supportingText
    )
    assert str(quote) == "covalently bind to Cysteine528 in the cargo-binding groove of XPO1"
    assert not any(
        str(q).startswith("SINE compounds") for q in data.objects(None, XO.supportingText)
    )


def test_the_fixtures_are_built_from_the_guide() -> None:
    text = guide_text()
    assert "has been correlated with poor prognosis" in text  # joined across the page break
    assert "appears to be selective for cancer cells" in text
    assert "Selinexor (KPT-330) Triple-Negative Breast Cancer BT-549 ~200" in text


def test_hedges_are_the_sources_words(data: Graph) -> None:
    hedged = 0
    for node in statements(data):
        modality = data.value(node, XO.modality)
        hedge = data.value(node, XO.hedge)
        assert (hedge is None) == (modality == XO.Established), node
        if hedge is None:
            continue
        hedged += 1
        quote = data.value(node, XO.supportingText)
        if quote is None:  # a curator's reading of a hedged guide sentence quotes its comment
            subject = data.value(node, OWL.annotatedSource)
            prop = data.value(node, OWL.annotatedProperty)
            target = data.value(node, OWL.annotatedTarget)
            quote = next(
                data.value(other, XO.supportingText)
                for other in axioms(data, XR.FOXOFamily, prop, target)
            )
            assert subject in (XR.FOXO1, XR.FOXO3)
        assert str(hedge) in str(quote), node
    assert hedged >= 20


@pytest.mark.parametrize(
    ("hedge", "modality"),
    [
        ("may undergo", XO.Possible),
        ("appears to be selective", XO.Suggested),
        ("can be a critical determinant", XO.Possible),
        ("has been correlated", XO.Reported),
        ("can induce", XO.Possible),
    ],
)
def test_the_issues_hedges_are_kept(data: Graph, hedge: str, modality: URIRef) -> None:
    nodes = set(data.subjects(XO.hedge, Literal(hedge)))
    assert nodes
    assert {data.value(n, XO.modality) for n in nodes} == {modality}


# --- the thirteen curation defects of issue 13 ---------------------------------------------------


def test_1_foxo_proteins_are_a_family(data: Graph) -> None:
    family = XR.FOXOFamily
    assert (family, RDF.type, XO.ProteinFamily) in data
    assert str(data.value(family, RDFS.label)) == "FOXO proteins"
    assert data.value(family, XO.uniprotAccession) is None
    # The guide's statements are about the family...
    quote = data.value(axiom(data, family, XO.exportedBy, XR.XPO1), XO.supportingText)
    assert "FOXO proteins" in str(quote)
    assert axiom(data, family, XO.nuclearRetentionCanInduce, XR.NuclearRetentionOfTumorSuppressors)
    # ...the members are the curator's reading of it...
    assert set(data.objects(family, XO.hasMember)) == {XR.FOXO1, XR.FOXO3}
    for member in (XR.FOXO1, XR.FOXO3):
        for a in (
            axiom(data, family, XO.hasMember, member, XR.HGNC2017),
            axiom(data, member, XO.exportedBy, XR.XPO1),
        ):
            assert data.value(a, XO.evidenceType) == IC
    # ...FOXO4 is not dropped silently, and gets no invented identifier.
    assert "FOXO4" in str(data.value(family, RDFS.comment))
    assert not any("FOXO4" in str(s) for s in data.subjects())


def test_1_family_names_are_not_synonyms_of_one_member(data: Graph) -> None:
    synonyms = {str(o) for o in data.objects(None, SKOS.altLabel)}
    assert "FOXO" in set(map(str, data.objects(XR.FOXOFamily, SKOS.altLabel)))
    for member in (XR.FOXO1, XR.FOXO3):
        assert "FOXO" not in {str(o) for o in data.objects(member, SKOS.altLabel)}
    nfkbia = {str(o) for o in data.objects(XR.NFKBIA, SKOS.altLabel)}
    assert "IκB" not in nfkbia and "IκBα" in nfkbia
    assert "IκB" not in synonyms


def test_1_ikb_is_nfkbia_by_reading_and_a_cargo_in_nesdb(data: Graph) -> None:
    guide = axiom(data, XR.NFKBIA, XO.exportedBy, XR.XPO1)
    nesdb = axiom(data, XR.NFKBIA, XO.exportedBy, XR.XPO1, XR.NESdb)
    assert data.value(guide, XO.evidenceType) == IC
    assert data.value(nesdb, XO.evidenceType) == IMPORTED
    assert "NES ID: 37" in str(data.value(nesdb, RDFS.comment))


def test_2_normal_cells_keep_the_guides_hedges(data: Graph) -> None:
    normal = XR.NormalCellResponseToXPO1Inhibition
    assert data.value(normal, XO.modality) == XO.Possible
    assert str(data.value(normal, XO.hedge)) == "may undergo"
    assert data.value(normal, RDFS.comment) is None  # the "no apoptosis" comment is gone
    assert (normal, XO.hasOutcome, XR.Apoptosis) not in data
    cancer = XR.CancerCellResponseToXPO1Inhibition
    selective = Literal("selective for cancer cells")
    a = axiom(data, cancer, XO.selectivity, selective)
    assert data.value(a, XO.modality) == XO.Suggested
    assert str(data.value(a, XO.hedge)) == "appears to be selective"


def test_3_p53_status_keeps_its_hedge(data: Graph) -> None:
    a = axiom(data, XR.TP53, XO.statusDeterminesSensitivityToInhibitionOf, XR.XPO1)
    assert str(data.value(a, XO.hedge)) == "can be a critical determinant"
    assert data.value(a, XO.modality) == XO.Possible


def test_3_every_mechanistic_property_is_asked_by_a_query(data: Graph) -> None:
    texts = "\n".join(q.sparql for q in list_queries())
    for prop in (
        XO.statusDeterminesSensitivityToInhibitionOf,
        XO.inhibitionDecreasesProteinLevelOf,
        XO.nuclearRetentionCanInduce,
        XO.expressionCorrelatedWithPoorPrognosisIn,
        XO.selectivity,
    ):
        assert "xo:" + str(prop).removeprefix(str(XO)) in texts, prop


def test_4_decreased_levels_are_protein_levels_linked_to_xpo1(data: Graph, ontology: Graph) -> None:
    assert set(data.objects(XR.XPO1, XO.inhibitionDecreasesProteinLevelOf)) == {
        XR.MCL1,
        XR.BIRC5,
        XR.MYC,
    }
    chain = ontology.value(XO.decreasesProteinLevelOf, OWL.propertyChainAxiom)
    assert list(Collection(ontology, chain)) == [XO.inhibits, XO.inhibitionDecreasesProteinLevelOf]
    assert "protein" in str(ontology.value(XO.inhibitionDecreasesProteinLevelOf, RDFS.label))


def test_4_an_inhibitor_of_xpo1_lowers_them(inferred_kg: KnowledgeGraph) -> None:
    inferred = inferred_kg.inferred
    assert inferred is not None
    lowered = set(inferred.objects(XR.selinexor, XO.decreasesProteinLevelOf))
    assert lowered == {XR.MCL1, XR.BIRC5, XR.MYC}


def test_4_survivin_is_a_nesdb_cargo(data: Graph) -> None:
    a = axiom(data, XR.BIRC5, XO.exportedBy, XR.XPO1, XR.NESdb)
    assert data.value(a, XO.evidenceType) == IMPORTED
    assert "NES ID: 123" in str(data.value(a, RDFS.comment))
    assert (XR.NESdb, RDF.type, XO.DatabaseSource) in data
    assert "Xu, Grishin & Chook" in str(data.value(XR.NESdb, RDFS.label))
    assert not any("PMID" in str(i) for i in data.objects(XR.NESdb, DCTERMS.identifier))


def test_5_can_induce_is_not_triggers(inferred_kg: KnowledgeGraph, ontology: Graph) -> None:
    inferred = inferred_kg.inferred
    assert inferred is not None
    triggering = set(inferred.subjects(RDF.type, XO.ApoptosisTriggeringCargo))
    assert triggering == {XR.TP53}
    assert (XR.CDKN1A, RDF.type, XO.XPO1Cargo) in inferred
    definition = ontology.value(XO.ApoptosisTriggeringCargo, OWL.equivalentClass)
    assert XO.nuclearRetentionCanInduce not in set(ontology.transitive_objects(definition, None))


def test_6_eltanexor_is_investigational_as_of_2020(data: Graph) -> None:
    assert set(map(str, data.objects(XR.eltanexor, XO.clinicalStatus))) == {
        "investigational, not approved"
    }
    status = Literal("investigational, not approved")
    a = axiom(data, XR.eltanexor, XO.clinicalStatus, status, XR.RepurposingHub2020)
    assert data.value(a, DCTERMS.date).toPython().isoformat() == "2020-03-24"  # type: ignore[union-attr]
    assert data.value(a, XO.evidenceType) == IMPORTED


def test_7_rela_in_nfkb_signalling_rests_on_hgnc(data: Graph) -> None:
    (a,) = axioms(data, XR.RELA, XO.participatesIn, XR.NFkBSignallingPathway)
    assert data.value(a, DCTERMS.source) == XR.HGNC2017
    assert data.value(a, XO.evidenceType) == IC
    assert "NF-kB subunit" in str(data.value(a, XO.supportingText))


def test_8_cargo_counts_as_stated(data: Graph) -> None:
    stated = {str(o) for o in data.objects(XR.XPO1, XO.statedCargoCount)}
    assert stated == {"over 200", "over 230 identified cargos"}
    nesdb = axiom(
        data,
        XR.XPO1,
        XO.statedCargoCount,
        Literal("over 230 identified cargos"),
        XR.PMC4526315Review,
    )
    assert data.value(nesdb, XO.primarySource) == XR.NESdb
    assert data.value(nesdb, XO.evidenceType) == TAS
    assert data.value(XR.XPO1, XO.minimumCargoCount).toPython() == 200  # type: ignore[union-attr]


def test_9_pic50_is_minus_log10_of_the_molar_value(data: Graph) -> None:
    checked = 0
    for m, p in data.subject_objects(XO.pIC50):
        value = data.value(m, XO.value)
        assert value is not None and data.value(m, XO.hasUnit) == OBO.UO_0000065
        expected = Decimal(str(round(9 - math.log10(float(value.toPython())), 2)))
        assert p.toPython() == expected, m
        checked += 1
    assert checked == 6
    assert data.value(XR.IC50_selinexor_bladder_various, XO.pIC50) is None


def test_10_the_various_row_is_a_range_summary(data: Graph) -> None:
    various = XR.IC50_selinexor_bladder_various
    assert set(data.objects(various, RDF.type)) == {XO.IC50RangeSummary}
    assert data.value(various, XO.hasCellLine) is None
    assert str(data.value(various, XO.cellLineDescription)) == "Various"


def test_12_wording_follows_the_source(data: Graph, ontology: Graph) -> None:
    assert not list(data.triples((None, XO.poorPrognosisMarkerIn, None)))
    assert (XO.poorPrognosisMarkerIn, None, None) not in ontology
    label = str(ontology.value(XO.expressionCorrelatedWithPoorPrognosisIn, RDFS.label))
    assert "has been correlated" in label
    for query in list_queries():
        assert "marker" not in query.title.casefold(), query.name


def test_13_p53_targets_have_distinct_roles(data: Graph) -> None:
    assert (XR.BAX, RDF.type, XO.ApoptosisEffector) in data
    for bh3 in (XR.BBC3, XR.PMAIP1):
        assert (bh3, RDF.type, XO.BH3OnlyProtein) in data
    for protein, role in (
        (XR.BAX, XO.ApoptosisEffector),
        (XR.BBC3, XO.BH3OnlyProtein),
        (XR.PMAIP1, XO.BH3OnlyProtein),
    ):
        a = axiom(data, protein, RDF.type, role, XR.Xpo1kgCurators)
        assert data.value(a, XO.evidenceType) == IC
        assert data.value(a, XO.supportingText) is None  # no guide quote claims it


def test_13_step_3_maps_to_the_finer_reactome_pathway(data: Graph) -> None:
    step = XR.P53DependentApoptosis_step3
    reactome = URIRef("https://reactome.org/content/detail/R-HSA-6803204")
    assert (step, SKOS.closeMatch, reactome) in data
    a = axiom(data, step, SKOS.closeMatch, reactome, XR.Xpo1kgCurators)
    assert data.value(a, XO.evidenceType) == IC


# --- sources -------------------------------------------------------------------------------------


def test_every_source_has_one_kind(data: Graph, ontology: Graph) -> None:
    kinds = set(ontology.subjects(RDFS.subClassOf, XO.Source))
    used = set(data.objects(None, DCTERMS.source)) | set(data.objects(None, XO.primarySource))
    for source in used:
        assert len(set(data.objects(source, RDF.type)) & kinds) == 1, source


def test_primary_sources_are_verified_papers(data: Graph) -> None:
    identifiers = {str(i) for i in data.objects(None, DCTERMS.identifier)}
    assert identifiers <= VERIFIED_PAPER_IDS
    for measurement, paper in data.subject_objects(XO.primarySource):
        if (measurement, RDF.type, OWL.Axiom) in data:
            continue
        (a,) = axioms(data, measurement, XO.primarySource, paper)
        assert data.value(a, XO.evidenceType) == IC  # the guide cites none: a curator's reading
        assert "Curator's reading" in str(data.value(a, RDFS.comment))
    primary = {
        (str(data.value(m, RDFS.label)), p)
        for m, p in data.subject_objects(XO.primarySource)
        if (m, RDF.type, OWL.Axiom) not in data
    }
    assert primary == {
        ("IC50 of selinexor on MDA-MB-468", XR.Arango2017),
        ("IC50 of selinexor on BT-549", XR.Arango2017),
        ("IC50 range of selinexor over bladder cancer cell lines (various)", XR.Baek2018),
        ("IC50 of KPT-185 on A2780", XR.ClinCancerRes2017Ovarian),
        ("IC50 of KPT-185 on A2780-CP70", XR.ClinCancerRes2017Ovarian),
        ("IC50 of KPT-185 on NIH:OVCAR-3", XR.ClinCancerRes2017Ovarian),
        ("IC50 of KPT-185 on SK-OV-3", XR.ClinCancerRes2017Ovarian),
    }
    assert "probably the source" in str(
        next(
            data.value(a, RDFS.comment)
            for a in axioms(
                data, XR["IC50_KPT-185_A2780"], XO.primarySource, XR.ClinCancerRes2017Ovarian
            )
        )
    )
