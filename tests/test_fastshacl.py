"""fastshacl (SHACL compiled to SPARQL on Oxigraph) against pyshacl, the reference.

Every comparison is on the multiset of (focus node, path, constraint component, value, severity,
message): the bundled data, every broken copy of tests/test_shapes.py, edge cases of literals and
node kinds, synthetic data, and incremental validation of additions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import astuple, replace
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from script_modules import load_generator, load_module

from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import OBO, XO, XR
from xpo1kg.resources import shapes_file
from xpo1kg.validate import pyshacl_engine as validation
from xpo1kg.validate import store_validation
from xpo1kg.validate.compiler import compile_shapes
from xpo1kg.validate.fast_engine import UnsupportedShapeError, validate_fast
from xpo1kg.validate.lossless_loading import add_graph, to_store
from xpo1kg.validate.pyshacl_engine import ValidationReport, validate_graph
from xpo1kg.validate.store_validation import neighbourhood, validate_store

ROOT = Path(__file__).parents[1]
# Runs on the same xdist worker as tests/test_shapes.py, whose pyshacl reports it reuses.
pytestmark = pytest.mark.xdist_group("shapes")


shape_cases = load_module("xpo1kg_test_shape_cases", ROOT / "tests" / "test_shapes.py")
generator = load_generator()

Key = tuple[str, str | None, str, str | None, str, str]
M = shape_cases.M
SYN = "https://w3id.org/xpo1kg/resource/synthetic/"


def keys(report: ValidationReport) -> Counter[Key]:
    return Counter(
        (r.focus_node, r.path, r.constraint_component, r.value, r.severity, r.message)
        for r in report.results
    )


def reference_report(data: Graph, ontology: Graph) -> ValidationReport:
    """validate_graph, or what it would return if it could sort every report."""
    try:
        return validate_graph(data, ontology)
    except TypeError:  # a focus node with results both with and without a path: None < str
        _, report, _ = pyshacl.validate(
            data,
            shacl_graph=validation._shapes(),
            ont_graph=ontology,
            inference="none",
            allow_infos=True,
            allow_warnings=True,
            do_owl_imports=False,
        )
        results = sorted(
            validation._flatten(report, data + ontology),
            key=lambda r: [f or "" for f in astuple(r)],
        )
        return ValidationReport(conforms=False, results=tuple(results))


def assert_same(
    data: Graph, ontology: Graph, reference: ValidationReport | None = None
) -> ValidationReport:
    """Validate with both; the results must be equal, labels and shapes included.

    ``reference`` is pyshacl's report on ``data``, when a test already has it.
    """
    fast = validate_fast(data, ontology)
    if reference is None:
        reference = reference_report(data, ontology)
    assert keys(fast) == keys(reference), "\n".join(
        ["fast:", *fast.lines(), "pyshacl:", *reference.lines()]
    )
    assert fast.conforms == reference.conforms
    # Shapes and labels too, except the label of a node with several (rdflib picks one at random).
    several = {
        r.focus_node
        for r in reference.results
        if len(set(data.objects(URIRef(r.focus_node), RDFS.label))) > 1
    }
    strip = lambda rs: [replace(r, focus_label="") if r.focus_node in several else r for r in rs]
    assert strip(fast.results) == strip(reference.results)
    return fast


# The same fixtures as the shape tests: the ontology, the bundled data and a copy safe to break.
ontology, bundled, data = shape_cases.ontology, shape_cases.bundled, shape_cases.data


def copy(graph: Graph) -> Graph:
    new = Graph()
    for triple in graph:
        new.add(triple)
    return new


# --- the bundled data and its broken copies ------------------------------------------------------


def test_bundled_data_conforms(bundled: Graph, ontology: Graph) -> None:
    report = assert_same(bundled, ontology)
    assert report.conforms and report.results == ()


def test_default_ontology_is_the_bundled_one(bundled: Graph) -> None:
    assert validate_fast(bundled).conforms


@pytest.mark.parametrize(("edits", "expected"), shape_cases.CASES)
def test_broken_copy_same_as_pyshacl(
    data: Graph,
    ontology: Graph,
    edits: list[tuple[URIRef, URIRef, tuple[rdflib.term.Node, ...]]],
    expected: list[tuple[str, str | None, str]],
    shape_case_reports: dict[str, ValidationReport],
    request: pytest.FixtureRequest,
) -> None:
    for subject, prop, values in edits:
        shape_cases.set_values(data, subject, prop, values)
    # pyshacl's report on the same copy, shared with tests/test_shapes.py (which needs it to sort).
    case_id = request.node.callspec.id
    if case_id not in shape_case_reports:
        shape_case_reports[case_id] = validate_graph(data, ontology)
    report = assert_same(data, ontology, shape_case_reports[case_id])
    assert {(r.focus_node, r.path, r.constraint_component) for r in report.results} == set(expected)


def _remove_axiom(s: URIRef, p: URIRef, o: rdflib.term.Node) -> Callable[[Graph], None]:
    def edit(graph: Graph) -> None:
        (axiom,) = shape_cases.axioms_of(graph, s, p, o)
        shape_cases.remove_node(graph, axiom)

    return edit


def _axiom_source(value: rdflib.term.Node | None) -> Callable[[Graph], None]:
    def edit(graph: Graph) -> None:
        (axiom,) = shape_cases.axioms_of(graph, XR.CDKN1B, XO.exportedBy, XR.XPO1)
        graph.remove((axiom, DCTERMS.source, None))
        if value is not None:
            graph.add((axiom, DCTERMS.source, value))

    return edit


def _set(s: URIRef, p: URIRef, *values: rdflib.term.Node) -> Callable[[Graph], None]:
    return lambda graph: shape_cases.set_values(graph, s, p, values)


def _add(
    *triples: tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node],
) -> Callable[[Graph], None]:
    def edit(graph: Graph) -> None:
        for triple in triples:
            graph.add(triple)

    return edit


R = XR.IC50_selinexor_bladder_various
STEP = XR.P53DependentApoptosis_step1
LABEL_NODE = BNode("fastshaclLabel")

EDGE_CASES = {
    # provenance (the SHACL-SPARQL rule), as in test_shapes.py
    "mechanistic-triple-without-axiom": _remove_axiom(XR.CDKN1B, XO.exportedBy, XR.XPO1),
    "mechanistic-literal-without-axiom": lambda graph: _remove_axiom(
        XR.XPO1, XO.minimumCargoCount, graph.value(XR.XPO1, XO.minimumCargoCount)
    )(graph),
    "new-mechanistic-triple": _add((XR.BAX, XO.participatesIn, XR.Apoptosis)),
    "only-axiom-without-source": _axiom_source(None),
    "axiom-source-not-a-source": _axiom_source(XR.BAX),
    # literals: ill-typed, non-canonical lexical forms, other datatypes
    "value-ill-typed-decimal": _set(M, XO.value, Literal("abc", datatype=rdflib.XSD.decimal)),
    "value-integer": _set(M, XO.value, Literal(5)),
    "value-double": _set(M, XO.value, Literal("1.0E2", datatype=rdflib.XSD.double)),
    "value-non-canonical-zero": _set(M, XO.value, Literal("0.00", datatype=rdflib.XSD.decimal)),
    "value-language-string": _set(M, XO.value, Literal("100", lang="en")),
    "value-iri": _set(M, XO.value, XR.TP53),
    "value-blank-node": _set(M, XO.value, BNode("fastshaclValue")),
    "value-date": _set(M, XO.value, Literal("2020-01-01", datatype=rdflib.XSD.date)),
    "range-non-canonical-bounds": [
        _set(R, XO.lowerBound, Literal("600.50", datatype=rdflib.XSD.decimal)),
        _set(R, XO.upperBound, Literal("500.0", datatype=rdflib.XSD.decimal)),
    ],
    "range-string-lower-bound": _set(R, XO.lowerBound, Literal("600")),
    "range-two-upper-bounds": _set(R, XO.upperBound, Literal(Decimal(1)), Literal(Decimal(2))),
    "range-both-strings": [
        _set(R, XO.lowerBound, Literal("b")),
        _set(R, XO.upperBound, Literal("a")),
    ],
    "range-iri-and-string": [_set(R, XO.lowerBound, XR.A), _set(R, XO.upperBound, Literal("a"))],
    "step-number-zero": _set(
        STEP, XO.stepNumber, Literal("0", datatype=rdflib.XSD.positiveInteger)
    ),
    "step-number-padded": _set(
        STEP, XO.stepNumber, Literal("01", datatype=rdflib.XSD.positiveInteger)
    ),
    "step-number-ill-typed": _set(
        STEP, XO.stepNumber, Literal("one", datatype=rdflib.XSD.positiveInteger)
    ),
    "published-value-typed-string": _set(
        M, XO.publishedValue, Literal("100", datatype=rdflib.XSD.string)
    ),
    "published-value-token": _set(M, XO.publishedValue, Literal("100", datatype=rdflib.XSD.token)),
    "qualifier-typed-string": _set(M, XO.qualifier, Literal("=", datatype=rdflib.XSD.string)),
    "qualifier-language-string": _set(M, XO.qualifier, Literal("=", lang="en")),
    "uniprot-accession-typed": _set(
        XR.TP53, XO.uniprotAccession, Literal("P04637", datatype=rdflib.XSD.token)
    ),
    "uniprot-accession-iri": _set(
        XR.TP53, XO.uniprotAccession, URIRef("http://purl.uniprot.org/uniprot/P04637")
    ),
    "cellosaurus-with-newline": _set(XR.A2780, XO.cellosaurusId, Literal('CVCL_0134\n"x"\\')),
    # node kinds, blank nodes and classes
    "label-blank-node": _set(XR.BAX, RDFS.label, LABEL_NODE),
    "label-language-string": _set(XR.BAX, RDFS.label, Literal("BAX", lang="en")),
    "exact-match-blank-node": _set(XR.LungCancer, SKOS.exactMatch, BNode("fastshaclMatch")),
    "inhibitor-blank-node": _set(M, XO.hasInhibitor, BNode("fastshaclInhibitor")),
    "inhibitor-typed-blank-node": [
        _set(M, XO.hasInhibitor, BNode("fastshaclInhibitor")),
        _add((BNode("fastshaclInhibitor"), RDF.type, XO.SINECompound)),
    ],
    "inhibitor-literal": _set(M, XO.hasInhibitor, Literal("selinexor")),
    "participates-in-a-literal": _set(XR.CASP9, XO.participatesIn, Literal("apoptosis")),
    "unit-as-literal": _set(M, XO.hasUnit, Literal(str(OBO.UO_0000065))),
    "source-page-blank-node": _set(shape_cases.INTECH, rdflib.FOAF.page, BNode("fastshaclPage")),
    "untyped-measurement-is-not-a-target": _add((XR.Stray, XO.value, Literal(-1))),
    "blank-node-measurement": _add((BNode("fastshaclM"), RDF.type, XO.IC50Measurement)),
}


@pytest.mark.parametrize("edits", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_case_same_as_pyshacl(
    data: Graph, ontology: Graph, edits: Callable[[Graph], None] | list[Callable[[Graph], None]]
) -> None:
    for edit in edits if isinstance(edits, list) else [edits]:
        edit(data)
    report = assert_same(data, ontology)
    assert not report.conforms or report.results == ()


# --- synthetic data ------------------------------------------------------------------------------


def synthetic(measurements: int, seed: int, tmp_path: Path) -> Graph:
    path = tmp_path / f"syn{measurements}-{seed}.nt"
    generator.write(path, measurements, seed, "nt")
    return Graph().parse(path, format="nt")


def break_synthetic(graph: Graph) -> None:
    """Delete some units, zero some values, swap some inhibitors for cell lines."""
    measurements = sorted(s for s in graph.subjects(RDF.type, XO.IC50Measurement))
    for i, m in enumerate(measurements[:60]):
        if i % 3 == 0:
            graph.remove((m, XO.hasUnit, None))
        elif i % 3 == 1:
            for prop in (XO.value, XO.lowerBound):
                if graph.value(m, prop) is not None:
                    graph.set((m, prop, Literal(Decimal(0))))
        else:
            graph.set((m, XO.hasInhibitor, XR.A2780))  # a cell line


def test_synthetic_data_same_as_pyshacl(bundled: Graph, ontology: Graph, tmp_path: Path) -> None:
    graph = synthetic(500, 3, tmp_path) + bundled
    assert assert_same(graph, ontology).conforms
    break_synthetic(graph)
    report = assert_same(graph, ontology)
    assert (
        Counter(r.constraint_component for r in report.results)["sh:MinCountConstraintComponent"]
        == 20
    )


# --- incremental validation ----------------------------------------------------------------------


def split(graph: Graph, count: int) -> tuple[Graph, Graph]:
    """Split off the last ``count`` measurements (every triple about them) as an addition."""
    measurements = sorted(
        s for s in graph.subjects(RDF.type, XO.IC50Measurement) if str(s).startswith(SYN)
    )
    base, addition = Graph(), Graph()
    new = set(measurements[-count:])
    for triple in graph:
        (addition if triple[0] in new else base).add(triple)
    return base, addition


def restricted(report: ValidationReport, focus: set[str]) -> Counter[Key]:
    return Counter({k: n for k, n in keys(report).items() if k[0] in focus})


def incremental(
    base: Graph, addition: Graph, ontology: Graph
) -> tuple[ValidationReport, set[str], Graph]:
    store = to_store(base, ontology)
    added = add_graph(store, addition)
    focus = neighbourhood(store, added)
    assert added <= focus
    report = validate_store(store, focus=focus)
    return report, focus, base + addition


@pytest.fixture(scope="module")
def grown(bundled: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, Graph]:
    graph = synthetic(300, 11, tmp_path_factory.mktemp("syn")) + bundled
    return split(graph, 40)


def test_incremental_equals_full_on_neighbourhood(
    grown: tuple[Graph, Graph], ontology: Graph
) -> None:
    base, addition = grown
    report, focus, whole = incremental(base, addition, ontology)
    assert len(focus) == 40 and report.conforms
    assert restricted(validate_graph(whole, ontology), focus) == keys(report)


def test_incremental_catches_broken_addition(grown: tuple[Graph, Graph], ontology: Graph) -> None:
    base, addition = copy(grown[0]), copy(grown[1])
    break_synthetic(addition)
    addition.remove((next(iter(addition.subjects(XO.hasInhibitor, None))), DCTERMS.source, None))
    report, focus, whole = incremental(base, addition, ontology)
    assert not report.conforms
    reference = validate_graph(whole, ontology)
    assert restricted(reference, focus) == keys(report) == keys(reference)
    assert {r.focus_label for r in report.results} <= {
        str(whole.value(URIRef(f), RDFS.label)) for f in focus
    }


def test_a_focus_on_most_of_the_store_gives_the_same_results(
    grown: tuple[Graph, Graph], ontology: Graph
) -> None:
    """Past one focus node per 20 triples, everything is validated and the focus kept: same results."""
    base, addition = copy(grown[0]), copy(grown[1])
    break_synthetic(addition)
    store = to_store(base, ontology)
    focus = neighbourhood(store, add_graph(store, addition))
    named = validate_store(store, focus=focus)  # 40 nodes among ~5,000 triples: named in queries
    assert len(focus) * store_validation._TRIPLES_PER_FOCUS_NODE < len(store)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_validation, "_TRIPLES_PER_FOCUS_NODE", len(store))
        whole_pass = validate_store(store, focus=focus)
    assert not named.conforms
    assert keys(whole_pass) == keys(named) == restricted(validate_store(store), focus)


def test_incremental_addition_about_existing_nodes(bundled: Graph, ontology: Graph) -> None:
    """New triples about old nodes: their referrers and the statements they annotate are revalidated."""
    base = copy(bundled)
    shape_cases.remove_node(base, shape_cases.axioms_of(base, XR.CDKN1B, XO.exportedBy, XR.XPO1)[0])
    base.remove((XR.Apoptosis, RDF.type, None))  # processes pointing to it now break sh:class
    addition = Graph()
    axiom = BNode()
    for p, o in (
        (RDF.type, OWL.Axiom),
        (OWL.annotatedSource, XR.CDKN1B),
        (OWL.annotatedProperty, XO.exportedBy),
        (OWL.annotatedTarget, XR.XPO1),
        (DCTERMS.source, XR.BenchChemGuide2025),
        *shape_cases.EVIDENCE,
    ):
        addition.add((axiom, p, o))
    addition.add((XR.Apoptosis, RDF.type, XO.BiologicalProcess))
    store = to_store(base, ontology)
    before = validate_store(store)
    assert {r.focus_node for r in before.results} >= {str(XR.CDKN1B)}
    focus = neighbourhood(store, add_graph(store, addition))
    assert {str(XR.CDKN1B), str(axiom)} <= focus
    whole = base + addition
    assert keys(validate_store(store, focus=focus)) == restricted(
        validate_graph(whole, ontology), focus
    )
    assert validate_store(store).conforms and validate_graph(whole, ontology).conforms
    stale = {r.focus_node for r in before.results}
    assert stale <= focus


def test_focus_on_blank_nodes(data: Graph, ontology: Graph) -> None:
    (axiom,) = shape_cases.axioms_of(data, XR.CDKN1B, XO.exportedBy, XR.XPO1)
    data.remove((axiom, DCTERMS.source, None))
    store = to_store(data, ontology)
    report = validate_store(store, focus={str(axiom)})
    assert [(r.focus_node, r.constraint_component) for r in report.results] == [
        (str(axiom), "sh:MinCountConstraintComponent")
    ]
    assert validate_store(store, focus=set()).results == ()


# --- stores and the supported SHACL subset -------------------------------------------------------


def test_validate_fast_accepts_a_store(data: Graph, ontology: Graph) -> None:
    shape_cases.set_values(data, M, XO.hasUnit, [])
    store = to_store(data)
    report = validate_fast(store, ontology)
    assert keys(report) == keys(validate_graph(data, ontology))
    assert report.results[0].focus_label == "IC50 of KPT-185 on A2780"


def test_natively_loaded_store(data: Graph, ontology: Graph) -> None:
    """Oxigraph's own loader normalises literals: results report the normalised lexical form."""
    shape_cases.set_values(data, M, XO.value, [Literal("-1.50", datatype=rdflib.XSD.decimal)])
    store = ox.Store()
    for graph in (data, ontology):
        store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    native, reference = validate_store(store), validate_graph(data, ontology)
    assert [(r.focus_node, r.constraint_component, r.value) for r in reference.results] == [
        (str(M), "sh:MinExclusiveConstraintComponent", "-1.50")
    ]
    assert [(r.focus_node, r.constraint_component, r.value) for r in native.results] == [
        (str(M), "sh:MinExclusiveConstraintComponent", "-1.5")
    ]


def shapes_with(extra: str) -> Graph:
    graph = read_graph([shapes_file()])
    graph.parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + extra,
        format="turtle",
    )
    return graph


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("ex:S sh:targetClass ex:C ; sh:closed true ; sh:message 'm' .", "sh:closed"),
        (
            (
                "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedMinCount 1 ; "
                "sh:qualifiedValueShape [ sh:class ex:D ] ; sh:message 'm' ] ."
            ),
            "sh:qualified",
        ),
        (
            (
                "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ; "
                "sh:zeroOrMorePath ex:q ] ; sh:minCount 1 ; sh:message 'm' ] ."
            ),
            "not a SHACL property path",
        ),
        (
            "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:languageIn ( 'en' ) ; sh:message 'm' ] .",
            "sh:languageIn",
        ),
        (
            "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
            "no sh:message",
        ),
        ("ex:S sh:target [ a ex:T ] ; sh:class ex:C ; sh:message 'm' .", "sh:target"),
        (
            "ex:S sh:targetNode [ a ex:C ] ; sh:class ex:C ; sh:message 'm' .",
            "sh:targetNode a blank",
        ),
        (
            "ex:S sh:targetClass ex:C ; sh:or ( [ sh:path ex:p ; sh:minCount 2 ] ) ; sh:message 'm' .",
            "above 1",
        ),
        (
            "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ; sh:message 'm' ] .",
            "sh:equals",
        ),
        ("ex:S sh:targetClass ex:C ; sh:not [ sh:closed true ] ; sh:message 'm' .", "sh:closed"),
        ("ex:S sh:targetClass ex:C ; sh:datatype rdfs:Literal ; sh:message 'm' .", "only XSD"),
        ("ex:S sh:targetClass ex:C ; sh:minInclusive 'a' ; sh:message 'm' .", "numeric bounds"),
        (
            "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern '(?=a)' ; sh:message 'm' ] .",
            "lookaround",
        ),
    ],
)
def test_unsupported_shapes_raise(extra: str, words: str) -> None:
    with pytest.raises(UnsupportedShapeError, match=words.replace("(", r"\(")):
        compile_shapes(shapes_with(extra))


CUSTOM = """
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Measurement sh:targetClass xo:Measurement ; sh:severity sh:Warning ; sh:message "measurement" ;
    sh:property [ sh:path xo:value ; sh:maxInclusive 50.5 ; sh:minInclusive 0.01 ; sh:message "value" ] ,
        [ sh:path xo:lowerBound ; sh:lessThan xo:upperBound ; sh:message "lower" ] ,
        [ sh:path rdfs:label ; sh:minCount 2 ; sh:maxCount 3 ; sh:message "labels" ] ,
        [ sh:path xo:hasInhibitor ; sh:maxExclusive 3 ; sh:nodeKind sh:BlankNodeOrLiteral ;
          sh:message "inhibitor" ] ,
        [ sh:path xo:qualifier ; sh:pattern "^[=~]$" ; sh:flags "i" ; sh:message "qualifier" ] ,
        [ sh:path xo:publishedValue ; sh:pattern "^(n|~)" ; sh:flags "i" ; sh:message "published" ] ;
    sh:xone ( [ sh:path xo:hasCellLine ; sh:minCount 1 ; sh:maxCount 1 ]
              [ sh:path xo:hasCancerType ; sh:minCount 1 ; sh:datatype xsd:string ] ) .
ex:Protein sh:targetSubjectsOf xo:exportedBy ; sh:message "protein" ;
    sh:or ( [ sh:path xo:uniprotAccession ; sh:pattern "^P0" ] [ sh:path rdfs:label ; sh:maxCount 0 ] ) ;
    sh:property [ sh:path xo:exportedBy ; sh:or ( [ sh:nodeKind sh:Literal ] [ sh:in ( "a" ) ] ) ;
                  sh:message "exported" ] .
"""


def test_custom_shapes_same_as_pyshacl(data: Graph, ontology: Graph) -> None:
    """Parameters the bundled shapes use little or not at all, compared with pyshacl too."""
    shape_cases.set_values(data, M, XO.value, [Literal(Decimal("50.50")), Literal("x")])
    shape_cases.set_values(data, R, XO.upperBound, [Literal(Decimal(50)), Literal(Decimal("1.0"))])
    shapes = shapes_with(CUSTOM)
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_infos=True,
        allow_warnings=True, do_owl_imports=False,
    )  # fmt: skip
    reference = ValidationReport(conforms=False, results=tuple(validation._flatten(report, data)))
    fast = validate_store(to_store(data, ontology), constraints=compile_shapes(shapes))
    assert keys(fast) == keys(reference)
    assert {"sh:Warning", "sh:Violation"} <= {r.severity for r in fast.results}
    assert len({r.constraint_component for r in fast.results}) >= 9


def test_compiled_queries_are_select_queries() -> None:
    constraints = compile_shapes(read_graph([shapes_file()]))
    assert {c.component for c in constraints} >= {
        f"sh:{n}ConstraintComponent"
        for n in (
            "MinCount",
            "MaxCount",
            "Datatype",
            "Class",
            "In",
            "Pattern",
            "MinExclusive",
            "NodeKind",
            "LessThanOrEquals",
            "Or",
            "Xone",
            "SPARQL",
        )
    }
    store = ox.Store()
    for constraint in constraints:
        assert "SELECT" in constraint.query()
        assert list(store.query(constraint.query("VALUES ?this { <urn:x:a> }\n"))) == []
    assert all(c.severity == "sh:Violation" and c.message for c in constraints)
    assert SH.Violation  # the default severity


def test_every_query_form_gives_the_same_rows(
    bundled: Graph, ontology: Graph, tmp_path: Path
) -> None:
    """From the targets or from the triples, path or closure class tests, all nodes as focus."""
    graph = synthetic(200, 5, tmp_path) + bundled
    break_synthetic(graph)
    shape_cases.set_values(graph, STEP, XO.stepNumber, [Literal("0", datatype=rdflib.XSD.integer)])
    store = to_store(graph, ontology)
    closures = store_validation._subclasses(
        store, set().union(*(c.classes() for c in store_validation.bundled_constraints()))
    )
    everything = store_validation._values({str(s) for s in graph.subjects()})
    found = 0
    for constraint in store_validation.bundled_constraints():
        forms = [
            constraint.query("", closures, by_targets=True),
            constraint.query("", closures, by_targets=False),
            constraint.query("", None, by_targets=False),
            constraint.query(everything, closures),
            constraint.query(everything, None),
        ]
        rows = [
            sorted(map(sorted, (r.items() for r in store_validation._rows(store, q))))
            for q in forms
        ]
        assert all(r == rows[0] for r in rows), constraint
        found += len(rows[0])
    assert found >= 60


# --- SHACL-SPARQL text, read by the SPARQL tokenizer ---------------------------------------------

TEXT_DATA = """@prefix ex: <https://example.org/> .
ex:a a ex:C ; ex:p "x" . ex:b a ex:C ; ex:p "FILTER NOT EXISTS" . ex:c a ex:C ."""


def _sparql_shape(select: str, *, on_path: bool = False) -> str:
    constraint = f'sh:sparql [ sh:message "m" ; sh:select """{select}""" ]'
    if on_path:
        constraint = f"sh:property [ sh:path ex:p ; {constraint} ]"
    return (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .\n"
        f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; {constraint} ."
    )


@pytest.mark.parametrize(
    ("select", "on_path", "found"),
    [
        # "$this" and "$PATH" inside strings are text, not variables
        ('SELECT $this ?value { $this <https://example.org/p> ?value FILTER(STRSTARTS("$this", "$")) }', False, 2),
        ('SELECT $this ?value { $this $PATH ?value FILTER(STRSTARTS("$PATH", "$")) }', True, 2),
        # a comment that reads like a query, before it and after its closing brace
        ("# SELECT { not the query }\nSELECT $this WHERE { $this a ?c } # ends with }", False, 3),
        # the words of a NOT EXISTS in a string: no MINUS made of them
        ('SELECT $this ?value { $this <https://example.org/p> ?value FILTER(?value != "FILTER NOT EXISTS { $this ?p ?o }") }', False, 2),
        # REDUCED kept, ?this added to the projection
        ("SELECT REDUCED ?value WHERE { $this <https://example.org/p> ?value }", False, 2),
        # a real NOT EXISTS, rewritten as MINUS
        ("SELECT $this { $this a ?c FILTER NOT EXISTS { $this <https://example.org/p> ?v } }", False, 1),
        # variables named alike up to a character that only SPARQL names allow: none shared, so no
        # MINUS (which would remove nothing where NOT EXISTS removes every row)
        ("SELECT $this { $this a ?c\u00b7x FILTER NOT EXISTS { ?c <https://example.org/p> ?v } }", False, 0),
        ("SELECT $this { $this a ?c FILTER NOT EXISTS { ?c\u0301 <https://example.org/p> ?v } }", False, 0),
    ],
)  # fmt: skip
def test_sparql_constraint_text_same_as_pyshacl(select: str, on_path: bool, found: int) -> None:
    data = Graph().parse(data=TEXT_DATA, format="turtle")
    shapes = Graph().parse(data=_sparql_shape(select, on_path=on_path), format="turtle")
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", do_owl_imports=False
    )
    reference = ValidationReport(conforms=False, results=tuple(validation._flatten(report, data)))
    fast = validate_store(to_store(data), constraints=compile_shapes(shapes))
    assert keys(fast) == keys(reference)
    assert len(reference.results) == found


@pytest.mark.parametrize(
    ("select", "words"),
    [
        ("SELECT $this { $this ?p $currentShape }", r"\$currentShape in sh:select"),
        ("SELECT $this { $this ?p ?o . FILTER(?o = $shapesGraph) }", r"\$shapesGraph in sh:select"),
        ("SELECT $this { $this $PATH ?o }", r"\$PATH without a predicate path"),
        ("SELECT $this { $this ?p 'unterminated }", "cannot read the sh:select query"),
        ("SELECT $this { $this ?p ?o } LIMIT 1", "cannot read the sh:select query"),
    ],
)
def test_unreadable_sparql_constraints_raise(select: str, words: str) -> None:
    shapes = Graph().parse(data=_sparql_shape(select), format="turtle")
    with pytest.raises(UnsupportedShapeError, match=words):
        compile_shapes(shapes)
