"""ROBOT-report-style quality checks on the ontology and the instance data, over rdflib.

Each rule is a small function that takes graphs and returns a list of problems (readable strings);
the tests assert that list is empty, so a failure prints every offending term. The rules follow the
ROBOT report profile and the OBO metadata conventions (conventions.md sections 1.5 and 2.1):
missing_ontology_title/description/license, missing_label, multiple_labels, duplicate_label,
label_whitespace, missing_definition, multiple_definitions, annotation_whitespace. The
``test_*_reports_*`` tests run the same rules on small, deliberately broken graphs, to show that
each rule can fail.

The graphs are read from the files shipped in the package (not from the working directory).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import BAO, OBO, XO, XR
from xpo1kg.resources import data_files, ontology_file

IAO_DEFINITION = OBO["IAO_0000115"]
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
VERSION_IRI = re.compile(r"^https://w3id\.org/xpo1kg/releases/(\d{4}-\d{2}-\d{2})/xpo1kg\.owl$")

#: The OWL types that declare an entity.
DECLARATION_TYPES = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.NamedIndividual,
        RDFS.Datatype,
    }
)
#: The kinds of xo: term that need a label and a definition.
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

#: Predicates the data may use without a declaration in the ontology: rdf:type, and the OWL 2
#: reserved vocabulary of axiom annotations (owl:Axiom nodes). Reserved OWL vocabulary must not
#: be redeclared as properties in an OWL 2 DL ontology.
BUILT_IN_PREDICATES = frozenset(
    {RDF.type, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget}
)

CORE_CLASSES = frozenset(
    {XO.Protein, XO.Inhibitor, XO.Pathway, XO.Measurement, XO.CellLine, XO.CancerType}
)
REQUIRED_AXIOMS = [
    pytest.param(XO.Measurement, RDFS.subClassOf, OBO["IAO_0000109"], id="Measurement-IAO_0000109"),
    pytest.param(XO.IC50Measurement, RDFS.subClassOf, BAO["BAO_0000190"], id="IC50-BAO_0000190"),
    pytest.param(XO.inhibits, RDFS.subPropertyOf, OBO["RO_0002449"], id="inhibits-RO_0002449"),
    pytest.param(
        XO.participatesIn, RDFS.subPropertyOf, OBO["RO_0000056"], id="participatesIn-RO_0000056"
    ),
]
DEFINED_CLASS_LABEL = Literal("XPO1 cargo whose nuclear retention triggers apoptosis", lang="en")

PREFIXES_TTL = """
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
"""


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def show(node: Node) -> str:
    """Name a node briefly: a CURIE for the project namespaces, N3 otherwise."""
    text = str(node)
    for prefix, namespace in (("xo:", str(XO)), ("xr:", str(XR)), ("obo:", str(OBO))):
        if isinstance(node, URIRef) and text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return node.n3()


def in_xo(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(XO))


def in_xr(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(XR))


def xo_terms(onto: Graph, types: Iterable[URIRef] = TERM_TYPES) -> list[URIRef]:
    """The xo: terms declared with one of ``types``, sorted."""
    found = {
        s for t in types for s in onto.subjects(RDF.type, t) if isinstance(s, URIRef) and in_xo(s)
    }
    return sorted(found)


def all_nodes(graph: Graph) -> Iterator[tuple[str, Node]]:
    """Every node of every triple, with its position."""
    for s, p, o in graph:
        yield "subject", s
        yield "predicate", p
        yield "object", o


def ttl(text: str) -> Graph:
    """Parse a small Turtle snippet (with the usual prefixes) for the negative tests."""
    return Graph().parse(data=PREFIXES_TTL + text, format="turtle")


# ---------------------------------------------------------------------------------------------
# Checks: each returns a sorted list of problems
# ---------------------------------------------------------------------------------------------


def check_ontology_header(onto: Graph) -> list[str]:
    """missing_ontology_title/description/license, plus creator and a dated versionIRI."""
    headers = sorted(onto.subjects(RDF.type, OWL.Ontology), key=str)
    if len(headers) != 1:
        return [
            f"expected exactly one owl:Ontology, found {len(headers)}: {[show(h) for h in headers]}"
        ]
    header = headers[0]
    problems = []
    for prop, rule in (
        (DCTERMS.title, "missing_ontology_title"),
        (DCTERMS.description, "missing_ontology_description"),
        (DCTERMS.creator, "missing_ontology_creator"),
    ):
        values = [v for v in onto.objects(header, prop) if str(v).strip()]
        if not values:
            problems.append(f"{rule}: {show(header)} has no {show(prop)}")
    licenses = set(onto.objects(header, DCTERMS.license))
    if licenses != {CC_BY_4}:
        problems.append(
            f"missing_ontology_license: {show(header)} dcterms:license is "
            f"{sorted(str(v) for v in licenses)}, expected [{CC_BY_4}]"
        )
    versions = list(onto.objects(header, OWL.versionIRI))
    if len(versions) != 1:
        problems.append(f"{show(header)} has {len(versions)} owl:versionIRI, expected exactly one")
    for version in versions:
        match = VERSION_IRI.match(str(version)) if isinstance(version, URIRef) else None
        if match is None:
            problems.append(f"owl:versionIRI {version.n3()} does not match {VERSION_IRI.pattern}")
            continue
        try:
            date = dt.date.fromisoformat(match.group(1))
        except ValueError:
            problems.append(
                f"owl:versionIRI {version.n3()} has an impossible date {match.group(1)}"
            )
            continue
        for info in onto.objects(header, OWL.versionInfo):
            if str(info) != date.isoformat():
                problems.append(
                    f"owl:versionInfo {info.n3()} disagrees with owl:versionIRI date {date}"
                )
    return problems


def check_term_annotations(onto: Graph) -> list[str]:
    """missing_label, multiple_labels, missing_definition, multiple_definitions, whitespace, @en."""
    problems = []
    for term in xo_terms(onto):
        for prop, kind in ((RDFS.label, "label"), (IAO_DEFINITION, "definition")):
            values = list(onto.objects(term, prop))
            if not values:
                problems.append(f"missing_{kind}: {show(term)}")
            elif len(values) > 1:
                problems.append(
                    f"multiple_{kind}s: {show(term)} has {sorted(v.n3() for v in values)}"
                )
            for value in values:
                if not isinstance(value, Literal) or value.language != "en":
                    problems.append(
                        f"{kind}_language: {show(term)} {kind} {value.n3()} is not tagged @en"
                    )
                text = str(value)
                if text != text.strip():
                    problems.append(f"{kind}_whitespace: {show(term)} {kind} {value.n3()}")
                if not text.strip():
                    problems.append(f"empty_{kind}: {show(term)}")
                if "\n" in text:
                    problems.append(f"{kind}_formatting: {show(term)} {kind} contains a line break")
    return problems


def check_duplicate_labels(onto: Graph) -> list[str]:
    """duplicate_label among xo: terms (compared case-insensitively, ignoring outer whitespace)."""
    by_label: dict[str, list[URIRef]] = defaultdict(list)
    for term in xo_terms(onto):
        for label in onto.objects(term, RDFS.label):
            by_label[str(label).strip().casefold()].append(term)
    return [
        f"duplicate_label: {label!r} on {sorted(show(t) for t in terms)}"
        for label, terms in sorted(by_label.items())
        if len(terms) > 1
    ]


def check_core_disjointness(onto: Graph) -> list[str]:
    """An owl:AllDisjointClasses whose members are exactly the six core classes."""
    member_sets = []
    for node in onto.subjects(RDF.type, OWL.AllDisjointClasses):
        head = onto.value(node, OWL.members)
        members = list(Collection(onto, head)) if head is not None else []
        if len(members) == len(CORE_CLASSES) and set(members) == CORE_CLASSES:
            return []
        member_sets.append(sorted(show(m) for m in members))
    expected = sorted(show(c) for c in CORE_CLASSES)
    return [f"no owl:AllDisjointClasses with exactly {expected}; found {member_sets}"]


def check_defined_class(onto: Graph, label: Literal = DEFINED_CLASS_LABEL) -> list[str]:
    """A class with an owl:equivalentClass axiom carries ``label``."""
    for cls in onto.subjects(RDFS.label, label):
        if (cls, RDF.type, OWL.Class) in onto and onto.value(cls, OWL.equivalentClass) is not None:
            return []
    return [f"no owl:Class with an owl:equivalentClass axiom is labelled {label.n3()}"]


def check_property_domain_or_range(onto: Graph) -> list[str]:
    """Every xo: object or datatype property declares an rdfs:domain or an rdfs:range."""
    return [
        f"missing_domain_and_range: {show(prop)}"
        for prop in xo_terms(onto, (OWL.ObjectProperty, OWL.DatatypeProperty))
        if onto.value(prop, RDFS.domain) is None and onto.value(prop, RDFS.range) is None
    ]


def check_inverse_consistency(onto: Graph) -> list[str]:
    """If A owl:inverseOf B: domain(A) == range(B) and range(A) == domain(B), where both are declared."""
    pairs = set()
    for a, b in onto.subject_objects(OWL.inverseOf):
        pairs.add((a, b))
        pairs.add((b, a))
    problems = []
    for a, b in sorted(pairs):
        domain_a = set(onto.objects(a, RDFS.domain))
        range_b = set(onto.objects(b, RDFS.range))
        if domain_a and range_b and domain_a != range_b:
            problems.append(
                f"inverse_mismatch: domain({show(a)}) = {sorted(show(c) for c in domain_a)} but "
                f"range({show(b)}) = {sorted(show(c) for c in range_b)}"
            )
    return problems


def declared_entities(onto: Graph) -> set[Node]:
    """IRIs that the ontology declares with an OWL type."""
    return {
        s for t in DECLARATION_TYPES for s in onto.subjects(RDF.type, t) if isinstance(s, URIRef)
    }


def check_undeclared_xo_terms(onto: Graph, *graphs: Graph) -> list[str]:
    """Every xo: IRI used anywhere in ``onto`` or ``graphs`` is declared in ``onto``."""
    declared = declared_entities(onto)
    used: dict[Node, set[str]] = defaultdict(set)
    for graph in (onto, *graphs):
        for position, node in all_nodes(graph):
            if in_xo(node) and node not in declared:
                used[node].add(position)
    return [
        f"undeclared_term: {show(term)} (used as {', '.join(sorted(where))})"
        for term, where in sorted(used.items())
    ]


def check_data_predicates_declared(onto: Graph, data: Graph) -> list[str]:
    """Every predicate of the data is rdf:type, OWL axiom vocabulary, or a property of ``onto``."""
    properties = {s for t in PROPERTY_TYPES for s in onto.subjects(RDF.type, t)}
    return [
        f"undeclared_predicate: {show(pred)}"
        for pred in sorted(set(data.predicates()), key=str)
        if pred not in BUILT_IN_PREDICATES and pred not in properties
    ]


def check_dangling_resources(data: Graph, *graphs: Graph) -> list[str]:
    """Every xr: IRI used as an object (in ``data`` or ``graphs``) has an rdf:type in ``data``."""
    typed = set(data.subjects(RDF.type, None))
    problems = set()
    for graph in (data, *graphs):
        for s, p, o in graph:
            if in_xr(o) and o not in typed:
                problems.add(
                    f"dangling_reference: {show(o)} (object of {show(s)} {show(p)}) is not described"
                )
    return sorted(problems)


def check_resource_types(onto: Graph, data: Graph) -> list[str]:
    """Every rdf:type of an xr: resource in ``data`` is an owl:Class of ``onto``."""
    classes = set(onto.subjects(RDF.type, OWL.Class))
    return sorted(
        f"unknown_class: {show(s)} rdf:type {show(cls)}, which is not an owl:Class of the ontology"
        for s, cls in data.subject_objects(RDF.type)
        if in_xr(s) and cls not in classes and cls != OWL.NamedIndividual
    )


def check_axiom_annotations(graph: Graph) -> list[str]:
    """Every owl:Axiom names one source, property and target, and that triple is asserted."""
    problems = []
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        parts = [
            list(graph.objects(axiom, p))
            for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)
        ]
        if any(len(values) != 1 for values in parts):
            problems.append(
                f"malformed owl:Axiom {show(axiom)}: source/property/target counts {[len(v) for v in parts]}"
            )
            continue
        triple = (parts[0][0], parts[1][0], parts[2][0])
        if triple not in graph:
            problems.append(
                "annotation of an unasserted triple: " + " ".join(show(n) for n in triple)
            )
    return sorted(problems)


def check_no_imports(graph: Graph) -> list[str]:
    """No owl:imports: the graph must load without network access."""
    return sorted(
        f"owl:imports: {show(s)} imports {o.n3()}" for s, o in graph.subject_objects(OWL.imports)
    )


# ---------------------------------------------------------------------------------------------
# The shipped ontology and data
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return read_graph([ontology_file()])


@pytest.fixture(scope="module")
def data() -> Graph:
    return read_graph(data_files())


def test_graphs_are_not_empty(ontology: Graph, data: Graph) -> None:
    # Guards the checks below against passing vacuously on an empty or half-read graph.
    assert len(data_files()) >= 8
    assert len(xo_terms(ontology, (OWL.Class,))) >= 30
    assert len(xo_terms(ontology, (OWL.ObjectProperty,))) >= 30
    assert len(xo_terms(ontology, (OWL.DatatypeProperty,))) >= 15
    assert len(set(data.subjects(RDF.type, OWL.Axiom))) >= 20
    assert len(data) > 500


def test_ontology_header(ontology: Graph) -> None:
    assert check_ontology_header(ontology) == []


def test_every_term_has_one_english_label_and_definition(ontology: Graph) -> None:
    assert check_term_annotations(ontology) == []


def test_labels_are_unique(ontology: Graph) -> None:
    assert check_duplicate_labels(ontology) == []


def test_core_classes_are_pairwise_disjoint(ontology: Graph) -> None:
    assert check_core_disjointness(ontology) == []


@pytest.mark.parametrize(("subject", "predicate", "obj"), REQUIRED_AXIOMS)
def test_alignment_to_reference_ontologies(
    ontology: Graph, subject: URIRef, predicate: URIRef, obj: URIRef
) -> None:
    assert (subject, predicate, obj) in ontology, (
        f"missing axiom {show(subject)} {show(predicate)} {show(obj)}"
    )


def test_defined_class_for_apoptosis_triggering_cargo(ontology: Graph) -> None:
    assert check_defined_class(ontology) == []


def test_properties_declare_domain_or_range(ontology: Graph) -> None:
    assert check_property_domain_or_range(ontology) == []


def test_inverse_properties_agree(ontology: Graph) -> None:
    assert check_inverse_consistency(ontology) == []


def test_no_undeclared_xo_terms(ontology: Graph, data: Graph) -> None:
    assert check_undeclared_xo_terms(ontology, data) == []


def test_data_predicates_are_declared(ontology: Graph, data: Graph) -> None:
    assert check_data_predicates_declared(ontology, data) == []


def test_no_dangling_resource_references(ontology: Graph, data: Graph) -> None:
    assert check_dangling_resources(data, ontology) == []


def test_resource_types_are_ontology_classes(ontology: Graph, data: Graph) -> None:
    assert check_resource_types(ontology, data) == []


def test_axiom_annotations_point_to_asserted_triples(ontology: Graph, data: Graph) -> None:
    assert check_axiom_annotations(data) == []
    assert check_axiom_annotations(ontology) == []


def test_no_owl_imports(ontology: Graph, data: Graph) -> None:
    assert check_no_imports(ontology) == []
    assert check_no_imports(data) == []


# ---------------------------------------------------------------------------------------------
# The same checks on deliberately broken graphs: each must report the planted problem
# ---------------------------------------------------------------------------------------------

GOOD_HEADER = """
<https://w3id.org/xpo1kg/ontology> a owl:Ontology ;
    dcterms:title "t"@en ; dcterms:description "d"@en ; dcterms:creator "c" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    owl:versionIRI <https://w3id.org/xpo1kg/releases/2026-11-24/xpo1kg.owl> .
"""


def test_header_check_passes_a_good_header() -> None:
    assert check_ontology_header(ttl(GOOD_HEADER)) == []


def test_header_check_reports_missing_license_and_bad_version() -> None:
    broken = ttl(
        """
        <https://w3id.org/xpo1kg/ontology> a owl:Ontology ;
            dcterms:title "t"@en ; dcterms:creator "c" ;
            owl:versionIRI <https://w3id.org/xpo1kg/releases/2026-02-30/xpo1kg.owl> .
        """
    )
    problems = check_ontology_header(broken)
    assert any(p.startswith("missing_ontology_license") for p in problems)
    assert any(p.startswith("missing_ontology_description") for p in problems)
    assert any("impossible date 2026-02-30" in p for p in problems)
    assert check_ontology_header(ttl(GOOD_HEADER + "<urn:x:second> a owl:Ontology .")) != []
    undated = GOOD_HEADER.replace("releases/2026-11-24/", "releases/latest/")
    assert any("does not match" in p for p in check_ontology_header(ttl(undated)))


def test_term_checks_report_bad_labels_and_definitions() -> None:
    broken = ttl(
        """
        xo:A a owl:Class ; rdfs:label "thing"@en .
        xo:B a owl:Class ; rdfs:label "thing "@en , "other"@en ; obo:IAO_0000115 "A B."@en .
        xo:c a owl:ObjectProperty ; rdfs:label "Thing"@en ; obo:IAO_0000115 "No tag." .
        xo:D a owl:Class ; rdfs:label "fine"@en ; obo:IAO_0000115 "A D."@en .
        """
    )
    problems = check_term_annotations(broken)
    assert "missing_definition: xo:A" in problems
    assert any(p.startswith("multiple_labels: xo:B") for p in problems)
    assert any(p.startswith("label_whitespace: xo:B") for p in problems)
    assert any(p.startswith("definition_language: xo:c") for p in problems)
    assert not any("xo:D" in p for p in problems)
    duplicates = check_duplicate_labels(broken)
    assert duplicates == ["duplicate_label: 'thing' on ['xo:A', 'xo:B', 'xo:c']"]


def test_disjointness_check_reports_an_incomplete_member_list() -> None:
    broken = ttl(
        "[] a owl:AllDisjointClasses ; owl:members ( xo:Protein xo:Inhibitor xo:Pathway ) ."
    )
    assert len(check_core_disjointness(broken)) == 1
    assert check_defined_class(broken) != []


def test_domain_range_and_inverse_checks_report_problems() -> None:
    broken = ttl(
        """
        xo:p a owl:ObjectProperty ; owl:inverseOf xo:q ; rdfs:domain xo:A ; rdfs:range xo:B .
        xo:q a owl:ObjectProperty ; rdfs:domain xo:B ; rdfs:range xo:C .
        xo:r a owl:DatatypeProperty .
        """
    )
    assert check_property_domain_or_range(broken) == ["missing_domain_and_range: xo:r"]
    problems = check_inverse_consistency(broken)
    # domain(p) = A but range(q) = C; range(p) = domain(q) = B is consistent.
    assert len(problems) == 1
    assert "domain(xo:p)" in problems[0] and "range(xo:q)" in problems[0]


def test_declaration_checks_report_undeclared_terms() -> None:
    onto = ttl("xo:Known a owl:Class . xo:knows a owl:ObjectProperty .")
    data = ttl(
        """
        xr:a a xo:Known ; xo:knows xr:b ; xo:typo xr:b ; rdfs:seeAlso xr:b .
        xr:b a xo:Unknown .
        """
    )
    assert check_undeclared_xo_terms(onto, data) == [
        "undeclared_term: xo:Unknown (used as object)",
        "undeclared_term: xo:typo (used as predicate)",
    ]
    assert check_data_predicates_declared(onto, data) == [
        "undeclared_predicate: <http://www.w3.org/2000/01/rdf-schema#seeAlso>",
        "undeclared_predicate: xo:typo",
    ]
    assert check_resource_types(onto, data) == [
        "unknown_class: xr:b rdf:type xo:Unknown, which is not an owl:Class of the ontology"
    ]


def test_dangling_check_reports_undescribed_resources() -> None:
    data = ttl("xr:a a xo:Thing ; xo:rel xr:a , xr:missing .")
    onto = ttl(
        "xo:C a owl:Class ; owl:equivalentClass [ owl:onProperty xo:rel ; owl:hasValue xr:ghost ] ."
    )
    problems = check_dangling_resources(data, onto)
    assert len(problems) == 2
    assert any(p.startswith("dangling_reference: xr:missing") for p in problems)
    assert any(p.startswith("dangling_reference: xr:ghost") for p in problems)


def test_axiom_check_reports_annotations_of_unasserted_triples() -> None:
    data = ttl(
        """
        xr:a xo:rel xr:b .
        [] a owl:Axiom ; owl:annotatedSource xr:a ; owl:annotatedProperty xo:rel ; owl:annotatedTarget xr:b .
        [] a owl:Axiom ; owl:annotatedSource xr:a ; owl:annotatedProperty xo:rel ; owl:annotatedTarget xr:c .
        [] a owl:Axiom ; owl:annotatedSource xr:a ; owl:annotatedProperty xo:rel .
        """
    )
    problems = check_axiom_annotations(data)
    assert len(problems) == 2
    assert "annotation of an unasserted triple: xr:a xo:rel xr:c" in problems
    assert any(p.startswith("malformed owl:Axiom") for p in problems)


def test_imports_check_reports_imports() -> None:
    broken = ttl(
        "<https://w3id.org/xpo1kg/ontology> owl:imports <http://purl.obolibrary.org/obo/ro.owl> ."
    )
    assert len(check_no_imports(broken)) == 1
