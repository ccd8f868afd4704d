"""The exact answers of the competency queries on the bundled graph."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from xpo1kg import KnowledgeGraph, get_query, list_queries
from xpo1kg.query.results import Value

GUIDE = "BenchChem technical guide on XPO1 inhibition (2025)"
XR = "https://w3id.org/xpo1kg/resource/"


def rows(kg: KnowledgeGraph, name: str, *columns: str) -> list[tuple[Value, ...]]:
    """The query's rows, reduced to the given columns, in the query's own order."""
    return [tuple(record[c] for c in columns) for record in kg.run(name).records()]


def test_every_query_is_tested() -> None:
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert {q.name for q in list_queries()} <= tested


def test_cargo_triggering_apoptosis(kg: KnowledgeGraph) -> None:
    assert rows(kg, "cargo_triggering_apoptosis", "cargo", "uniprot", "p53", "mechanism") == [
        (XR + "TP53", "P04637", "p53-dependent", None),
        (XR + "CDKN1A", "P38936", "p53-independent", 1),
        (XR + "CDKN1B", "P46527", "p53-independent", 1),
        (XR + "FOXO1", "Q12778", "p53-independent", 1),
        (XR + "FOXO3", "O43524", "p53-independent", 1),
        (XR + "NFKBIA", "P25963", "p53-independent", 3),
    ]
    routes = dict(rows(kg, "cargo_triggering_apoptosis", "cargo_label", "route_label"))
    assert routes["TP53"] == "p53-dependent apoptosis"
    assert routes["NFKBIA"] == "inhibition of NF-κB signalling"
    assert set(kg.run("cargo_triggering_apoptosis").column("source_label")) == {GUIDE}


def test_xpo1_tumor_suppressor_cargo(kg: KnowledgeGraph) -> None:
    assert rows(kg, "xpo1_tumor_suppressor_cargo", "label", "uniprot") == [
        ("BRCA1", "P38398"),
        ("BRCA2", "P51587"),
        ("CDKN1A", "P38936"),
        ("CDKN1B", "P46527"),
        ("FOXO1", "Q12778"),
        ("FOXO3", "O43524"),
        ("TP53", "P04637"),
    ]


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
    status = dict(rows(kg, "inhibitor_binding_site", "inhibitor_label", "clinical_status"))
    assert status["selinexor"] == "approved"
    assert set(kg.run("inhibitor_binding_site").column("within_label")) == {
        "XPO1 cargo-binding groove"
    }


def test_ic50_table(kg: KnowledgeGraph) -> None:
    columns = ("inhibitor_label", "cancer_label", "cell_line_label", "cellosaurus", "qualifier")
    numbers = ("ic50_nM", "lower_nM", "upper_nM", "published")
    assert rows(kg, "ic50_table", *columns, *numbers) == [
        ("KPT-185", "ovarian cancer", "A2780", "CVCL_0134", "~", Decimal(100), None, None, "~100"),
        ("KPT-185", "ovarian cancer", "A2780-CP70", None, "~", Decimal(100), None, None, "~100"),
        ("KPT-185", "ovarian cancer", "NIH:OVCAR-3", "CVCL_0465", "~", Decimal(50), None, None, "~50"),
        ("KPT-185", "ovarian cancer", "SK-OV-3", "CVCL_0532", "~", Decimal(300), None, None, "~300"),
        ("selinexor", "bladder cancer", None, None, None, None, Decimal(100), Decimal(500), "100 - 500"),
        ("selinexor", "triple-negative breast cancer", "BT-549", "CVCL_1092", "~", Decimal(200), None, None, "~200"),
        ("selinexor", "triple-negative breast cancer", "MDA-MB-468", "CVCL_0419", "~", Decimal(32), None, None, "~32"),
    ]  # fmt: skip
    assert kg.run("ic50_table").column("cells") == [None] * 4 + ["Various"] + [None] * 2
    assert set(kg.run("ic50_table").column("source_label")) == {GUIDE}


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
    assert rows(kg, "p53_dependent_apoptosis", "step", "actor_label", "actor_id") == [
        (1, "XPO1", "O14980"),
        (2, "TP53", "P04637"),
        (3, "BAX", "Q07812"),
        (3, "BBC3", "Q9BXH1"),
        (3, "PMAIP1", "Q13794"),
        (4, "CASP9", "P55211"),
        (5, "CASP3", "P42574"),
        (6, "apoptosis", "GO:0006915"),
    ]


def test_p53_independent_mechanisms(kg: KnowledgeGraph) -> None:
    assert rows(
        kg,
        "p53_independent_mechanisms",
        "mechanism",
        "protein_label",
        "effect",
        "suppressed_pathway",
    ) == [
        (1, "CDKN1A", "retained in the nucleus", None),
        (1, "CDKN1B", "retained in the nucleus", None),
        (1, "FOXO1", "retained in the nucleus", None),
        (1, "FOXO3", "retained in the nucleus", None),
        (2, "BIRC5", "level decreased", None),
        (2, "MCL1", "level decreased", None),
        (3, "NFKBIA", "retained in the nucleus", "NF-κB signalling pathway"),
        (4, "MYC", "level decreased", None),
    ]


def test_downregulated_by_xpo1_inhibition(kg: KnowledgeGraph) -> None:
    assert rows(kg, "downregulated_by_xpo1_inhibition", "label", "uniprot", "role") == [
        ("BIRC5", "O15392", "anti-apoptotic protein"),
        ("MCL1", "Q07820", "anti-apoptotic protein"),
        ("MYC", "P01106", "oncoprotein"),
    ]


def test_cancers_with_xpo1_overexpression(kg: KnowledgeGraph) -> None:
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
    columns = ("cancer_label", "inhibitor_label", "measurements", "cell_lines")
    spread = ("lowest_nM", "highest_nM", "mean_nM")
    assert rows(kg, "ic50_by_cancer_type", *columns, *spread) == [
        ("bladder cancer", "selinexor", 1, 0, Decimal(100), Decimal(500), None),
        ("ovarian cancer", "KPT-185", 4, 4, Decimal(50), Decimal(300), Decimal("137.5")),
        (
            "triple-negative breast cancer",
            "selinexor",
            2,
            2,
            Decimal(32),
            Decimal(200),
            Decimal(116),
        ),
    ]


def test_xpo1_inhibition_selectivity(kg: KnowledgeGraph) -> None:
    assert rows(kg, "xpo1_inhibition_selectivity", "cells", "outcome", "transient") == [
        ("malignant cells", "apoptosis", None),
        ("malignant cells", "cell-cycle arrest", None),
        ("normal cells", "cell-cycle arrest", True),
    ]


def test_nuclear_retention_by_inhibitor(kg: KnowledgeGraph, inferred_kg: KnowledgeGraph) -> None:
    assert len(kg.run("nuclear_retention_by_inhibitor")) == 0  # only a reasoner knows
    pairs = rows(inferred_kg, "nuclear_retention_by_inhibitor", "inhibitor_label", "protein_label")
    cargo = ["BRCA1", "BRCA2", "CDKN1A", "CDKN1B", "FOXO1", "FOXO3", "NFKBIA", "TP53"]
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
    kg = load_graph([extra])
    best = {
        r["inhibitor_label"]: (r["cell_line_label"], r["ic50_nM"])
        for r in kg.run("most_sensitive_cell_line").records()
    }
    assert best["selinexor"] == ("SK-OV-3", Decimal(10))
