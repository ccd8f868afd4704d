"""Tolerant search (xpo1kg.store.search): the spellings people use, the ranking, the types shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from xpo1kg import KnowledgeGraph, load_graph
from xpo1kg.store.search import MATCHES, Hit, SearchIndex
from xpo1kg.store.search_text import edit_distance, normalise

XR = "https://w3id.org/xpo1kg/resource/"


@pytest.fixture(scope="module")
def index(kg: KnowledgeGraph) -> SearchIndex:
    return kg.search_index


def curies(hits: list[Hit]) -> list[str]:
    return [hit.curie for hit in hits]


def hit_for(hits: list[Hit], curie: str) -> Hit:
    found = [hit for hit in hits if hit.curie == curie]
    assert found, f"{curie} not in {curies(hits)}"
    return found[0]


# --- the spellings of the issue ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "match", "field"),
    [
        ("selin", "xr:selinexor", "prefix", "label"),
        ("selinexr", "xr:selinexor", "fuzzy", "label"),
        ("Selinexor", "xr:selinexor", "exact", "label"),
        ("ovarian", "xr:OvarianCancer", "prefix", "label"),
        ("xr:TP53", "xr:TP53", "exact", "CURIE"),
        (f"{XR}TP53", "xr:TP53", "exact", "IRI"),
        ("P04637", "xr:TP53", "exact", "UniProt accession"),
        ("uniprot:P04637", "xr:TP53", "exact", "uniprot ID"),
        ("CVCL_0465", "xr:OVCAR-3", "exact", "Cellosaurus ID"),
        ("HGNC:11998", "xr:TP53", "exact", "cross-reference"),
        ("TP35", "xr:TP53", "fuzzy", "label"),
    ],
)
def test_spelling_finds_the_entity_first(
    index: SearchIndex, text: str, first: str, match: str, field: str
) -> None:
    hit = index.search(text)[0]
    assert (hit.curie, hit.match, hit.field) == (first, match, field)


def test_breast_cancer_finds_triple_negative_breast_cancer_by_words(index: SearchIndex) -> None:
    hit = hit_for(index.search("breast cancer"), "xr:TripleNegativeBreastCancer")
    assert hit.match == "token"
    assert hit_for(index.search("brest cancer"), "xr:TripleNegativeBreastCancer").match == "fuzzy"


def test_ovarian_finds_only_names_with_that_word(index: SearchIndex) -> None:
    hits = index.search("ovarian", limit=None)
    assert hits[0].label == "ovarian cancer"
    for hit in hits:
        assert any(w.startswith("ovarian") for w in hit.matched.casefold().split()), hit


@pytest.mark.parametrize("text", ["IkB", "IκB", "ikb", "IkB-alpha", "IκBα", "I kappa B"])
def test_ikb_spellings_find_nfkbia(index: SearchIndex, text: str) -> None:
    """Through "IκBα", "IkB-alpha", "IKBA"... (whether or not "IκB" itself stays a synonym)."""
    hit = hit_for(index.search(text), "xr:NFKBIA")
    assert normalise(hit.matched).startswith("ikb")
    assert hit.match != "fuzzy"


@pytest.mark.parametrize("text", ["NF-kB", "NF-κB", "nfkb", "NF kappa B", "NF-kappaB"])
def test_nf_kb_spellings_find_the_pathway_and_rela(index: SearchIndex, text: str) -> None:
    hits = index.search(text)
    for curie in ("xr:NFkBSignallingPathway", "xr:RELA"):
        assert hit_for(hits, curie).match in ("exact", "prefix", "token", "normalised")


def test_caspase_finds_the_caspases_before_the_class(index: SearchIndex) -> None:
    hits = index.search("caspase")
    first = [hit for hit in hits if hit.match == "prefix" and hit.type.endswith("caspase")]
    assert hits[: len(first)] == first  # the caspases themselves come first
    assert {"xr:CASP3", "xr:CASP9"} <= set(curies(first))
    assert hit_for(hits, "xr:CASP3").matched == "caspase 3"
    assert hit_for(hits, "xr:CASP9").matched == "caspase 9"
    assert curies(hits).index("xo:Caspase") > curies(hits).index("xr:CASP9")
    caspase = hit_for(hits, "xo:Caspase")
    assert (caspase.type, caspase.kind, caspase.why) == ("class", "class", "exact label")


def test_nothing_matches(index: SearchIndex) -> None:
    assert index.search("nothing-like-this") == []
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("-") == index.search("?!") == []
    assert index.search("nope:TP53") == []


# --- types and reasons ------------------------------------------------------------------------


def test_types_are_human_readable(index: SearchIndex) -> None:
    assert hit_for(index.search("CASP3"), "xr:CASP3").type == "executioner caspase"
    assert hit_for(index.search("CASP9"), "xr:CASP9").type == "caspase"
    assert hit_for(index.search("SK-OV-3"), "xr:SK-OV-3").type == "cell line"
    assert hit_for(index.search("has cell line"), "xo:hasCellLine").type == "property"
    for text in ("caspase", "selin", "cell line", "p53", "inhibitor", "xo:", "NF-kB"):
        for hit in index.search(text, limit=None):
            assert "://" not in hit.type and "#" not in hit.type, hit
            assert hit.type, hit


def test_why_says_how_and_where(index: SearchIndex) -> None:
    assert index.search("CRM1")[0].why == "exact synonym"
    assert index.search("selin")[0].why == "prefix of label"
    assert hit_for(index.search("breast cancer"), "xr:TripleNegativeBreastCancer").why == (
        "token in label"
    )
    assert index.search("selinexr")[0].why == "fuzzy label (1 edit)"
    assert hit_for(index.search("I kappa B alpha"), "xr:NFKBIA").why == "normalised synonym"
    assert index.search("P04637")[0].why == "exact UniProt accession"


def test_named_accepts_only_whole_names(index: SearchIndex) -> None:
    assert curies(index.named("SKOV 3")) == ["xr:SK-OV-3"]
    assert curies(index.named("IκBα")) == ["xr:NFKBIA"]
    assert curies(index.named("CVCL_0532")) == ["xr:SK-OV-3"]
    assert index.named("selin") == []
    assert index.named("selinexr") == []
    assert index.named("SKOV3", among={f"{XR}TP53"}) == []


def test_identical_marks_only_whole_names(index: SearchIndex) -> None:
    """What a resolver (ingest) may accept: the whole name, up to case, punctuation, Greek."""
    assert index.search("skov 3")[0].identical
    assert index.search("IkappaBalpha")[0].identical
    assert not index.search("selin")[0].identical
    assert not index.search("selinexr")[0].identical


def test_typos_are_left_out_when_a_name_matches_in_full(index: SearchIndex) -> None:
    # TP53 itself, and its NES region ("NES of TP53 ...") by a word of its label; no typo.
    assert [hit.match for hit in index.search("TP53")] == ["exact", "token"]
    assert "fuzzy" not in {hit.match for hit in index.search("selinexor", limit=None)}


def test_among_restricts_and_limit_cuts(index: SearchIndex) -> None:
    everything = index.search("caspase", limit=None)
    assert len(everything) > 3
    assert index.search("caspase", limit=3) == everything[:3]
    only = index.search("caspase", among={f"{XR}CASP9"})
    assert curies(only) == ["xr:CASP9"]


# --- ranking, on a graph made for it ----------------------------------------------------------

RANKING_TTL = """\
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

xr:A a xo:Protein ; rdfs:label "kinase" .
xr:B a xo:Protein ; rdfs:label "kinases of cells" .
xr:C a xo:Protein ; rdfs:label "big kinase" .
xr:D a xo:Protein ; rdfs:label "ki-nase" .
xr:E a xo:Protein ; rdfs:label "kinos" .
xr:F a xo:Protein ; rdfs:label "zzz" ; skos:altLabel "kinase" .
xo:Kinase a owl:Class ; rdfs:label "kinase" .
"""


@pytest.fixture(scope="module")
def ranking(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    path = tmp_path_factory.mktemp("ranking") / "ranking.ttl"
    path.write_text(RANKING_TTL, encoding="utf-8")
    return load_graph([path], bundled_data=False).search_index


def test_ranking_exact_prefix_token_normalised_then_classes_then_typos(
    ranking: SearchIndex,
) -> None:
    hits = ranking.search("kinas")
    assert curies(hits) == ["xr:A", "xr:F", "xr:B", "xr:C", "xr:D", "xo:Kinase", "xr:E"]
    assert [hit.match for hit in hits] == [
        "prefix", "prefix", "prefix", "token", "normalised", "prefix", "fuzzy"
    ]  # fmt: skip
    # label before synonym at equal length; shorter names first; classes after individuals


def test_ranking_exact_first(ranking: SearchIndex) -> None:
    hits = ranking.search("kinase")
    assert curies(hits) == ["xr:A", "xr:F", "xr:B", "xr:C", "xr:D", "xo:Kinase"]
    assert [hit.match for hit in hits][:2] == ["exact", "exact"]
    assert [hit.field for hit in hits][:2] == ["label", "synonym"]


def test_matches_are_listed_best_first() -> None:
    assert MATCHES == ("exact", "prefix", "token", "normalised", "fuzzy")


# --- the pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("IκBα", "IkB-alpha"),
        ("IκBα", "IkappaBalpha"),
        ("NF-κB", "nfkb"),
        ("NF-κB", "NF kappa B"),
        ("β-catenin", "beta catenin"),
        ("SK-OV-3", "skov 3"),
        ("naïve", "naive"),
    ],
)
def test_normalise_meets_spellings(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_normalise_keeps_different_names_apart() -> None:
    assert normalise("TP53") != normalise("TP63")
    assert normalise("tau") == "tau"  # short Greek names are words, not letters


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("selinexr", "selinexor", 1),
        ("ovarain", "ovarian", 1),  # a transposition is one edit
        ("kinos", "kinas", 1),
        ("abc", "abc", 0),
        ("abcdef", "badcfe", 3),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 5) == distance


def test_edit_distance_stops_past_the_limit() -> None:
    assert edit_distance("selinexor", "verdinexor", 1) == 2
    assert edit_distance("a", "abcdef", 2) == 3


def test_suggest(index: SearchIndex) -> None:
    assert index.search("selinx") == []
    assert index.suggest("selinx")[0].curie == "xr:selinexor"
    assert index.suggest("nothing-like-this") == []
    inhibitors = {f"{XR}selinexor", f"{XR}eltanexor", f"{XR}verdinexor"}
    close = index.suggest("selinexr", 3, among=inhibitors)
    assert [hit.label for hit in close] == ["selinexor", "eltanexor", "verdinexor"]


def test_the_graph_builds_its_index_once(kg: KnowledgeGraph) -> None:
    assert kg.search_index is kg.search_index
    assert kg.find("CRM1", limit=1)[0].label == "XPO1"


def test_user_files_are_searchable(tmp_path: Path) -> None:
    path = tmp_path / "mine.ttl"
    path.write_text(
        "@prefix xr: <https://w3id.org/xpo1kg/resource/> .\n"
        "@prefix xo: <https://w3id.org/xpo1kg/ontology/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'xr:MyLine a xo:CellLine ; rdfs:label "My-Line 42" .\n',
        encoding="utf-8",
    )
    hit = load_graph([path]).find("myline42")[0]
    assert (hit.curie, hit.type, hit.match) == ("xr:MyLine", "cell line", "normalised")


def test_an_index_can_leave_out_the_instances_of_a_class(kg: KnowledgeGraph) -> None:
    """What an ingest resolves names with: every entity but the measurements (most of a store)."""
    lean = SearchIndex.from_graph(kg, skipping="https://w3id.org/xpo1kg/ontology/Measurement")
    full = kg.search_index
    label = "IC50 of selinexor on BT-549"  # an xo:IC50Measurement, a subclass of xo:Measurement
    assert curies(full.named(label)) == ["xr:IC50_selinexor_BT-549"]
    assert lean.named(label) == []
    measurements = kg.query(
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a/rdfs:subClassOf* xo:Measurement }"
    ).records()[0]["n"]
    assert len(full) - len(lean) == measurements > 0
    for name in ("selinexor", "SKOV3", "ovarian cancer", "XPO1", "CVCL_0465"):
        assert curies(lean.named(name)) == curies(full.named(name)) != []
