"""The exact answers of the competency queries on the bundled graph."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from xpo1kg import KnowledgeGraph, get_query, list_queries, load_graph
from xpo1kg.query.inference import InferenceWarning
from xpo1kg.query.results import Value

GUIDE = "BenchChem technical guide on XPO1 inhibition (2025)"
XR = "https://w3id.org/xpo1kg/resource/"
NAS = "author statement without traceable support used in manual assertion"
IC = "curator inference used in manual assertion"
IMPORTED = "imported information used in manual assertion"
NESDB = "NESdb (Xu, Grishin & Chook, 2012)"


def rows(kg: KnowledgeGraph, name: str, *columns: str) -> list[tuple[Value, ...]]:
    """The query's rows, reduced to the given columns, in the query's own order."""
    return [tuple(record[c] for c in columns) for record in kg.run(name).records()]


def test_every_query_is_tested() -> None:
    import test_knowledge  # the queries of the knowledge beyond the guide are tested there

    names = [*globals(), *vars(test_knowledge)]
    tested = {name.removeprefix("test_") for name in names if name.startswith("test_")}
    assert {q.name for q in list_queries()} <= tested


def test_cargo_triggering_apoptosis(kg: KnowledgeGraph) -> None:
    columns = ("cargo", "uniprot", "kind", "p53", "mechanism", "relation", "modality", "hedge")
    assert rows(kg, "cargo_triggering_apoptosis", *columns, "evidence") == [
        (XR + "TP53", "P04637", "protein", "p53-dependent", None, "triggers", "established", None, NAS),
        (XR + "CDKN1A", "P38936", "protein", "p53-independent", 1, "can induce", "possible", "can induce", NAS),
        (XR + "CDKN1B", "P46527", "protein", "p53-independent", 1, "can induce", "possible", "can induce", NAS),
        (XR + "FOXOFamily", None, "protein family", "p53-independent", 1, "can induce", "possible", "can induce", NAS),
        (XR + "FOXO1", "Q12778", "protein", "p53-independent", 1, "can induce", "possible", "can induce", IC),
        (XR + "FOXO3", "O43524", "protein", "p53-independent", 1, "can induce", "possible", "can induce", IC),
        (XR + "NFKBIA", "P25963", "protein", "p53-independent", 3, "can induce", "possible", "can suppress", IC),
    ]  # fmt: skip
    routes = dict(rows(kg, "cargo_triggering_apoptosis", "cargo_label", "route_label"))
    assert routes["TP53"] == "p53-dependent apoptosis"
    assert routes["FOXO proteins"] == "nuclear retention of other tumour suppressors"
    assert routes["NFKBIA"] == "inhibition of NF-κB signalling"
    assert set(kg.run("cargo_triggering_apoptosis").column("source_label")) == {GUIDE}


def test_xpo1_tumor_suppressor_cargo(kg: KnowledgeGraph) -> None:
    assert rows(kg, "xpo1_tumor_suppressor_cargo", "label", "uniprot", "evidence", "modality") == [
        ("BRCA1", "P38398", NAS, "established"),
        ("BRCA1", "P38398", IMPORTED, "established"),
        ("BRCA2", "P51587", NAS, "established"),
        ("BRCA2", "P51587", IMPORTED, "established"),
        ("CDKN1A", "P38936", NAS, "established"),
        ("CDKN1A", "P38936", IMPORTED, "established"),
        ("CDKN1B", "P46527", NAS, "established"),
        ("FOXO1", "Q12778", IC, "established"),
        ("FOXO3", "O43524", IC, "established"),
        ("TP53", "P04637", NAS, "established"),
        ("TP53", "P04637", IMPORTED, "established"),
    ]
    assert set(kg.run("xpo1_tumor_suppressor_cargo").column("source_label")) == {GUIDE, NESDB}


def test_inhibitor_binding_site(kg: KnowledgeGraph) -> None:
    assert rows(
        kg, "inhibitor_binding_site", "inhibitor_label", "uniprot", "residue", "position", "mode"
    ) == [
        ("eltanexor", "O14980", "Cys", 528, "covalent"),
        ("KPT-185", "O14980", "Cys", 528, "covalent"),
        ("leptomycin B", "O14980", "Cys", 528, "covalent"),
        ("selinexor", "O14980", "Cys", 528, "covalent"),
        ("selinexor", "O14980", "Cys", 528, "covalent"),
        ("verdinexor", "O14980", "Cys", 528, "covalent"),
    ]
    sources = rows(kg, "inhibitor_binding_site", "inhibitor_label", "source_label")
    assert ("selinexor", GUIDE) in sources
    assert (
        "leptomycin B",
        "Leukemia 27(1), 2013: supplementary information leu2012219s1",
    ) in sources
    status = {
        label: (status, date)
        for label, status, date in rows(
            kg, "inhibitor_binding_site", "inhibitor_label", "clinical_status", "status_date"
        )
    }
    assert status["selinexor"] == ("approved", None)
    assert status["eltanexor"] == ("investigational, not approved", dt.date(2020, 3, 24))
    assert status["KPT-185"] == ("preclinical", dt.date(2020, 3, 24))
    assert set(kg.run("inhibitor_binding_site").column("within_label")) == {
        "XPO1 cargo-binding groove"
    }


def test_ic50_table(kg: KnowledgeGraph) -> None:
    columns = ("inhibitor_label", "cancer_label", "cell_line_label", "cellosaurus", "qualifier")
    numbers = ("ic50_nM", "lower_nM", "upper_nM", "pIC50", "published")
    assert rows(kg, "ic50_table", *columns, *numbers) == [
        ("KPT-185", "ovarian cancer", "A2780", "CVCL_0134", "~", Decimal(100), None, None, Decimal("7.00"), "~100"),
        ("KPT-185", "ovarian cancer", "A2780-CP70", None, "~", Decimal(100), None, None, Decimal("7.00"), "~100"),
        ("KPT-185", "ovarian cancer", "NIH:OVCAR-3", "CVCL_0465", "~", Decimal(50), None, None, Decimal("7.30"), "~50"),
        ("KPT-185", "ovarian cancer", "SK-OV-3", "CVCL_0532", "~", Decimal(300), None, None, Decimal("6.52"), "~300"),
        ("selinexor", "bladder cancer", None, None, None, None, Decimal(100), Decimal(500), None, "100 - 500"),
        ("selinexor", "triple-negative breast cancer", "BT-549", "CVCL_1092", "~", Decimal(200), None, None, Decimal("6.70"), "~200"),
        ("selinexor", "triple-negative breast cancer", "MDA-MB-468", "CVCL_0419", "~", Decimal(32), None, None, Decimal("7.49"), "~32"),
    ]  # fmt: skip
    result = kg.run("ic50_table")
    assert result.column("cells") == [None] * 4 + ["Various"] + [None] * 2
    assert (
        result.column("kind")
        == ["single cell line"] * 4 + ["range summary"] + ["single cell line"] * 2
    )
    assert set(result.column("source_label")) == {GUIDE}
    assert set(result.column("evidence")) == {NAS}
    ovarian = "Clin Cancer Res 2017;23(6):1552-63 (XPO1 in platinum-resistant ovarian cancer)"
    assert (
        result.column("primary_source_label")
        == [ovarian] * 4
        + ["Baek HB et al., Oncotarget 2018;9(77):34567-34581"]
        + ["Arango NP et al., Breast Cancer Res 2017;19:93"] * 2
    )


def test_most_sensitive_cell_line(kg: KnowledgeGraph) -> None:
    assert rows(
        kg,
        "most_sensitive_cell_line",
        "inhibitor_label",
        "cell_line_label",
        "cellosaurus",
        "ic50_nM",
    ) == [
        ("KPT-185", "NIH:OVCAR-3", "CVCL_0465", Decimal(50)),
        ("selinexor", "MDA-MB-468", "CVCL_0419", Decimal(32)),
    ]


def test_p53_dependent_apoptosis(kg: KnowledgeGraph) -> None:
    assert rows(kg, "p53_dependent_apoptosis", "step", "actor_label", "actor_id", "role", "reactome") == [
        (1, "XPO1", "O14980", None, None),
        (2, "TP53", "P04637", None, None),
        (3, "BAX", "Q07812", "apoptosis effector", "R-HSA-6803204"),
        (3, "BBC3", "Q9BXH1", "BH3-only protein", "R-HSA-6803204"),
        (3, "PMAIP1", "Q13794", "BH3-only protein", "R-HSA-6803204"),
        (4, "CASP9", "P55211", None, None),
        (5, "CASP3", "P42574", None, None),
        (6, "apoptosis", "GO:0006915", None, None),
    ]  # fmt: skip
    result = kg.run("p53_dependent_apoptosis")
    assert set(result.column("modality")) == {"established"}
    assert set(result.column("evidence")) == {NAS}


def test_p53_independent_mechanisms(kg: KnowledgeGraph) -> None:
    assert rows(
        kg,
        "p53_independent_mechanisms",
        "mechanism",
        "protein_label",
        "effect",
        "suppressed_pathway",
        "hedge",
        "evidence",
    ) == [
        (1, "CDKN1A", "retained in the nucleus", None, "can induce", NAS),
        (1, "CDKN1B", "retained in the nucleus", None, "can induce", NAS),
        (1, "FOXO proteins", "retained in the nucleus", None, "can induce", NAS),
        (1, "FOXO1", "retained in the nucleus", None, "can induce", IC),
        (1, "FOXO3", "retained in the nucleus", None, "can induce", IC),
        (2, "BIRC5", "protein level decreased", None, "has been shown", NAS),
        (2, "MCL1", "protein level decreased", None, "has been shown", NAS),
        (3, "NFKBIA", "retained in the nucleus", "NF-κB signalling pathway", "can suppress", IC),
        (4, "MYC", "protein level decreased", None, "can lead to", NAS),
    ]


def test_downregulated_by_xpo1_inhibition(kg: KnowledgeGraph) -> None:
    columns = ("label", "uniprot", "role", "mechanism_label", "modality", "hedge")
    assert rows(kg, "downregulated_by_xpo1_inhibition", *columns) == [
        ("BIRC5", "O15392", "anti-apoptotic protein", "downregulation of anti-apoptotic proteins", "reported", "has been shown"),
        ("MCL1", "Q07820", "anti-apoptotic protein", "downregulation of anti-apoptotic proteins", "reported", "has been shown"),
        ("MYC", "P01106", "oncoprotein", "modulation of oncogene expression", "possible", "can lead to"),
    ]  # fmt: skip


def test_proteins_lowered_by_inhibitor(kg: KnowledgeGraph) -> None:
    pairs = rows(kg, "proteins_lowered_by_inhibitor", "inhibitor_label", "protein_label", "hedge")
    inhibitors = ["eltanexor", "KPT-185", "leptomycin B", "selinexor", "verdinexor"]
    lowered = [("BIRC5", "has been shown"), ("MCL1", "has been shown"), ("MYC", "can lead to")]
    assert pairs == [(i, p, h) for i in inhibitors for p, h in lowered]
    assert set(kg.run("proteins_lowered_by_inhibitor").column("target_label")) == {"XPO1"}


def test_sensitivity_determinants(kg: KnowledgeGraph) -> None:
    columns = ("protein_label", "target_label", "modality", "hedge", "evidence", "source_label")
    assert rows(kg, "sensitivity_determinants", *columns) == [
        ("TP53", "XPO1", "possible", "can be a critical determinant", NAS, GUIDE)
    ]
    (quote,) = kg.run("sensitivity_determinants").column("quote")
    assert "can be a critical determinant" in str(quote)


def test_statement_evidence_basis(kg: KnowledgeGraph) -> None:
    result = kg.run("statement_evidence_basis")
    assert Counter(result.column("basis")) == {
        "review only": 86,
        "primary source": 13,
        "database": 30,
        "curator knowledge": 13,
        "web page": 13,
    }
    primary = [
        (r["statement_kind"], r["subject_label"], r["primary_source_label"])
        for r in result.records()
        if r["basis"] == "primary source"
    ]
    arango = "Arango NP et al., Breast Cancer Res 2017;19:93"
    ovarian = "Clin Cancer Res 2017;23(6):1552-63 (XPO1 in platinum-resistant ovarian cancer)"
    assert primary == [
        ("axiom annotation", "XPO1", "NESdb (Xu, Grishin & Chook, 2012)"),
        ("axiom annotation", "eltanexor", None),
        ("axiom annotation", "eltanexor", None),
        ("cohort summary", "IC50 of KPT-185 over 8 mantle cell lymphoma cell lines (ASH 2011 abstract)", None),
        ("cohort summary", "IC50 of selinexor over 14 triple-negative breast cancer cell lines (Arango 2017)", None),
        ("cohort summary", "IC50 of selinexor over ER-positive breast cancer cell lines (Arango 2017)", None),
        ("measurement", "IC50 of KPT-185 on A2780", ovarian),
        ("measurement", "IC50 of KPT-185 on A2780-CP70", ovarian),
        ("measurement", "IC50 of KPT-185 on NIH:OVCAR-3", ovarian),
        ("measurement", "IC50 of KPT-185 on SK-OV-3", ovarian),
        ("measurement", "IC50 of selinexor on BT-549", arango),
        ("measurement", "IC50 of selinexor on MDA-MB-468", arango),
        ("measurement", "IC50 range of selinexor over bladder cancer cell lines (various)",
         "Baek HB et al., Oncotarget 2018;9(77):34567-34581"),
    ]  # fmt: skip
    review_only = {
        (r["subject_label"], r["property"], r["object"])
        for r in result.records()
        if r["basis"] == "review only"
    }
    assert ("TP53", "exported by", "XPO1") in review_only
    assert ("XPO1", "stated cargo count", "over 200") in review_only


def test_cancers_with_xpo1_overexpression(kg: KnowledgeGraph) -> None:
    result = kg.run("cancers_with_xpo1_overexpression")
    assert set(zip(result.column("modality"), result.column("hedge"), strict=True)) == {
        ("reported", "has been correlated")
    }
    assert rows(
        kg, "cancers_with_xpo1_overexpression", "cancer_label", "category", "mondo", "ncit"
    ) == [
        ("bladder cancer", "solid tumour", "MONDO:0001187", "NCIT:C9334"),
        ("lung cancer", "solid tumour", "MONDO:0008903", "NCIT:C7377"),
        ("ovarian cancer", "solid tumour", "MONDO:0008170", "NCIT:C7431"),
        ("pancreatic cancer", "solid tumour", "MONDO:0009831", "NCIT:C9005"),
        ("acute myeloid leukemia", "haematological malignancy", "MONDO:0018874", "NCIT:C3171"),
        ("multiple myeloma", "haematological malignancy", "MONDO:0009693", "NCIT:C3242"),
    ]


def test_ic50_by_cancer_type(kg: KnowledgeGraph) -> None:
    columns = ("cancer_label", "inhibitor_label", "single_values", "cell_lines")
    spread = ("lowest_nM", "highest_nM", "mean_pIC50")
    ranges = ("ranges", "range_lowest_nM", "range_highest_nM")
    assert rows(kg, "ic50_by_cancer_type", *columns, *spread, *ranges) == [
        ("bladder cancer", "selinexor", 0, 0, None, None, None, 1, Decimal(100), Decimal(500)),
        ("ovarian cancer", "KPT-185", 4, 4, Decimal(50), Decimal(300), Decimal("6.955"), 0, None, None),
        ("triple-negative breast cancer", "selinexor", 2, 2, Decimal(32), Decimal(200), Decimal("7.095"), 0, None, None),
    ]  # fmt: skip


def test_mean_pic50_is_the_log_of_the_geometric_mean(kg: KnowledgeGraph) -> None:
    """The geometric mean of 100, 100, 50 and 300 nM is about 110.7 nM (pIC50 6.956)."""
    records = {r["cancer_label"]: r for r in kg.run("ic50_by_cancer_type").records()}
    mean = float(records["ovarian cancer"]["mean_pIC50"])  # type: ignore[arg-type]
    geometric = math.prod([100.0, 100.0, 50.0, 300.0]) ** 0.25
    assert abs(10 ** (9 - mean) - geometric) < 1.0  # pIC50 values carry two decimals


def test_xpo1_inhibition_selectivity(kg: KnowledgeGraph) -> None:
    columns = ("cells", "outcome", "transient", "modality", "hedge")
    selectivity = ("selectivity", "selectivity_modality", "selectivity_hedge")
    cancer = ("selective for cancer cells", "suggested", "appears to be selective")
    assert rows(kg, "xpo1_inhibition_selectivity", *columns, *selectivity) == [
        ("malignant cells", "apoptosis", None, "established", None, *cancer),
        ("malignant cells", "cell-cycle arrest", None, "established", None, *cancer),
        ("normal cells", "cell-cycle arrest", True, "possible", "may undergo", None, None, None),
    ]
    title = get_query("xpo1_inhibition_selectivity").title
    assert "why" not in title.casefold()


def test_nuclear_retention_by_inhibitor(inferred_kg: KnowledgeGraph) -> None:
    with pytest.warns(InferenceWarning):  # only a reasoner knows
        assert len(load_graph(inferred=False).run("nuclear_retention_by_inhibitor")) == 0
    pairs = rows(inferred_kg, "nuclear_retention_by_inhibitor", "inhibitor_label", "protein_label")
    cargo = [
        "BIRC5",
        "BRCA1",
        "BRCA2",
        "CDKN1A",
        "CDKN1B",
        "FOXO1",
        "FOXO3",
        "NFKBIA",
        "RELA",
        "TP53",
    ]
    inhibitors = ["eltanexor", "KPT-185", "leptomycin B", "selinexor", "verdinexor"]
    assert pairs == [(i, c) for i in inhibitors for c in cargo]


@pytest.mark.parametrize("query", [q.name for q in list_queries()])
def test_rows_identify_their_entities(
    kg: KnowledgeGraph, inferred_kg: KnowledgeGraph, query: str
) -> None:
    """Every query names things by label, never by a bare IRI in a *_label column."""
    result = (inferred_kg if get_query(query).requires_inference else kg).run(query)
    assert len(result) > 0
    for column in result.columns:
        if column.endswith("_label"):
            assert all(not str(v).startswith("http") for v in result.column(column)), column


def test_measurement_in_micromolar_is_converted(tmp_path: Path) -> None:
    """A user's value in µM is compared in nM with the guide's values."""
    from xpo1kg import load_graph

    extra = tmp_path / "extra.ttl"
    extra.write_text(
        """@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
xr:IC50_test a xo:IC50Measurement ; xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:selinexor ; xo:hasCellLine xr:SK-OV-3 ; xo:hasCancerType xr:OvarianCancer ;
    xo:value 0.01 ; xo:hasUnit obo:UO_0000064 ; dcterms:source xr:BenchChemGuide2025 .
""",
        encoding="utf-8",
    )
    kg = load_graph([extra], inferred=False)
    best = {
        r["inhibitor_label"]: (r["cell_line_label"], r["ic50_nM"])
        for r in kg.run("most_sensitive_cell_line").records()
    }
    assert best["selinexor"] == ("SK-OV-3", Decimal(10))


def _comparable(term: object) -> str | None:
    """A cell as text, numbers by value (the engines may write 100 or 100.0)."""
    from rdflib import Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
            return f"{Decimal(str(value)).normalize():f}"
    return str(term)


@pytest.mark.parametrize("name", [q.name for q in list_queries() if not q.requires_inference])
def test_two_engines_agree_on_the_order_of_every_answer(name: str) -> None:
    """Every competency query orders its rows totally: Oxigraph and rdflib give the same order."""
    kg = _ASSERTED_ONLY
    sparql = get_query(name).sparql
    oxigraph = [tuple(_comparable(cell) for cell in row) for row in kg.query(sparql).rows]
    rdflib = [tuple(_comparable(cell) for cell in row) for row in kg.graph.query(sparql)]
    assert oxigraph and oxigraph == rdflib


_ASSERTED_ONLY = load_graph(inferred=False)
