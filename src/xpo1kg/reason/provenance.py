"""Why each inferred fact holds: one derivation per triple, written as an ``owl:Axiom`` node.

The reasoner (HermiT, or the OWL 2 RL path) says *what* is entailed, not *why*. The ontology's
TBox is small, so the justification is computed here from its axioms: property chains, inverses,
sub-properties, transitive and symmetric properties, domains and ranges, the class tree and the
defined classes (``owl:intersectionOf`` of named classes, ``owl:hasValue`` and
``owl:someValuesFrom`` restrictions). Derivations are found level by level: a triple is justified
only from premises that are asserted or justified at an earlier level, so every chain of premises
ends in asserted statements (no cycles); among the derivations of one level, those with the
fewest inferred premises win, then a fixed order of rules, then the premises' sort order.

Each inferred triple gets (see ``evidence-vocabulary``)::

    [] a owl:Axiom ; owl:annotatedSource s ; owl:annotatedProperty p ; owl:annotatedTarget o ;
       biolink:knowledge_level "logical_entailment" ; biolink:agent_type "automated_agent" ;
       xo:evidenceType obo:ECO_0000501 ; xo:inferredBy R ; xo:inferenceRule "..." ;
       xo:premise [ owl:annotatedSource s1 ; owl:annotatedProperty p1 ; owl:annotatedTarget o1 ] .
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from xpo1kg.rdf.namespaces import BIOLINK, OBO, XO, compress
from xpo1kg.reason.reasoner import INFERRED_GRAPH

__all__ = [
    "AUTOMATED_AGENT",
    "INFERRED_EVIDENCE",
    "LOGICAL_ENTAILMENT",
    "UNEXPLAINED",
    "Derivation",
    "Triple",
    "add_provenance",
    "derivations",
    "describe_derivations",
    "inferred_triples",
    "justify",
    "read_derivation",
]

Triple = tuple[URIRef, URIRef, URIRef]
T = TypeVar("T")

#: biolink:knowledge_level of every inferred statement.
LOGICAL_ENTAILMENT = "logical_entailment"
#: biolink:agent_type of every inferred statement.
AUTOMATED_AGENT = "automated_agent"
#: xo:evidenceType of every inferred statement: evidence used in automatic assertion (IEA).
INFERRED_EVIDENCE = OBO.ECO_0000501
#: The rule written when no derivation is found (input outside the TBox patterns handled here).
UNEXPLAINED = "entailed by the OWL reasoner (no derivation found from the axioms handled)"


@dataclass(frozen=True)
class Derivation:
    """One way an inferred triple follows: the axiom's home, the rule in words, the premises."""

    triple: Triple
    inferred_by: URIRef | None
    rule: str
    premises: tuple[Triple, ...]


def _name(node: Node) -> str:
    """Return an ontology term as it reads in a rule: the local name of xo: terms, else a CURIE."""
    text = str(node)
    return text.removeprefix(str(XO)) if text.startswith(str(XO)) else compress(text)


# Rules, in the order that breaks ties between derivations with as many inferred premises.
_PRIORITY = {
    "chain": 0,
    "defined": 1,
    "value": 2,
    "subproperty": 3,
    "inverse": 4,
    "transitive": 5,
    "symmetric": 6,
    "subclass": 7,
    "domain": 8,
    "range": 9,
}


@dataclass(frozen=True)
class _Definition:
    """A defined class ``C EquivalentTo A and B and (p value v) and (q some F)``."""

    cls: URIRef
    classes: tuple[URIRef, ...]
    values: tuple[tuple[URIRef, URIRef], ...]
    somes: tuple[tuple[URIRef, URIRef | None], ...]
    text: str


class _Tbox:
    """The axioms that derivations use, read once from the ontology."""

    def __init__(self, ontology: Graph) -> None:
        self.supers_p: dict[URIRef, set[URIRef]] = defaultdict(set)
        for sub, sup in ontology.subject_objects(RDFS.subPropertyOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                self.supers_p[sub].add(sup)
        for a, b in ontology.subject_objects(OWL.equivalentProperty):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                self.supers_p[a].add(b)
                self.supers_p[b].add(a)
        # inverse_of[p] = [(q, home)]: p holds from o to s when q holds from s to o.
        self.inverse_of: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        for a, b in sorted(ontology.subject_objects(OWL.inverseOf)):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                self.inverse_of[b].append((a, a))
                self.inverse_of[a].append((b, a))
        self.chains: dict[URIRef, list[tuple[URIRef, ...]]] = defaultdict(list)
        for prop, head in sorted(ontology.subject_objects(OWL.propertyChainAxiom)):
            links = tuple(p for p in Collection(ontology, head) if isinstance(p, URIRef))
            if isinstance(prop, URIRef) and links:
                self.chains[prop].append(links)
        self.transitive = {
            p for p in ontology.subjects(RDF.type, OWL.TransitiveProperty) if isinstance(p, URIRef)
        }
        self.symmetric = {
            p for p in ontology.subjects(RDF.type, OWL.SymmetricProperty) if isinstance(p, URIRef)
        }
        self.domains: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.ranges: dict[URIRef, set[URIRef]] = defaultdict(set)
        for table, axiom in ((self.domains, RDFS.domain), (self.ranges, RDFS.range)):
            for prop, cls in ontology.subject_objects(axiom):
                if isinstance(prop, URIRef) and isinstance(cls, URIRef):
                    table[prop].add(cls)
        direct: dict[URIRef, set[URIRef]] = defaultdict(set)
        for sub, sup in ontology.subject_objects(RDFS.subClassOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                direct[sub].add(sup)
        self.definitions: dict[URIRef, list[_Definition]] = defaultdict(list)
        # value_of[p] = [(C, v)]: every member of C has p value v.
        self.value_of: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        for cls, expression in sorted(ontology.subject_objects(OWL.equivalentClass)):
            if not isinstance(cls, URIRef):
                continue
            if isinstance(expression, URIRef):
                direct[cls].add(expression)
                direct[expression].add(cls)
                continue
            definition = _definition(ontology, cls, expression)
            if definition is not None:
                self.definitions[cls].append(definition)
                direct[cls] |= set(definition.classes)
                for prop, value in definition.values:
                    self.value_of[prop].append((cls, value))
        for sub, restriction in ontology.subject_objects(RDFS.subClassOf):
            on = ontology.value(restriction, OWL.onProperty)
            filler = ontology.value(restriction, OWL.hasValue)
            if isinstance(sub, URIRef) and isinstance(on, URIRef) and isinstance(filler, URIRef):
                self.value_of[on].append((sub, filler))
        self.supers_c = reflexive_closure(direct)
        self.props_up = reflexive_closure(self.supers_p)

    def class_supers(self, cls: URIRef) -> set[URIRef]:
        """Return ``cls`` and every named class above it."""
        return self.supers_c.get(cls, {cls})

    def property_supers(self, prop: URIRef) -> set[URIRef]:
        """Return ``prop`` and every property above it."""
        return self.props_up.get(prop, {prop})


def reflexive_closure(direct: Mapping[T, Iterable[T]]) -> dict[T, set[T]]:
    """Return the reflexive-transitive closure of a relation (cycles allowed).

    >>> reflexive_closure({"a": {"b"}, "b": {"c"}})["a"] == {"a", "b", "c"}
    True
    """
    closure: dict[T, set[T]] = {}
    for start in direct:
        seen = {start}
        todo = [start]
        while todo:
            for parent in direct.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closure[start] = seen
    return closure


def _definition(ontology: Graph, cls: URIRef, expression: Node) -> _Definition | None:
    """Read ``C EquivalentTo`` an intersection of named classes and restrictions (or one of them)."""
    head = ontology.value(expression, OWL.intersectionOf)
    parts: list[Node] = list(Collection(ontology, head)) if head is not None else [expression]
    classes: list[URIRef] = []
    values: list[tuple[URIRef, URIRef]] = []
    somes: list[tuple[URIRef, URIRef | None]] = []
    words: list[str] = []
    for part in parts:
        if isinstance(part, URIRef):
            classes.append(part)
            words.append(_name(part))
            continue
        prop = ontology.value(part, OWL.onProperty)
        if not isinstance(prop, URIRef):
            return None
        value = ontology.value(part, OWL.hasValue)
        filler = ontology.value(part, OWL.someValuesFrom)
        if isinstance(value, URIRef):
            values.append((prop, value))
            words.append(f"({_name(prop)} value {_name(value)})")
        elif isinstance(filler, URIRef):
            somes.append((prop, None if filler == OWL.Thing else filler))
            words.append(f"({_name(prop)} some {_name(filler)})")
        else:
            return None
    text = f"defined class: {_name(cls)} EquivalentTo " + " and ".join(words)
    return _Definition(cls, tuple(classes), tuple(values), tuple(somes), text)


class _Known:
    """Indexes over the triples available as premises (asserted, then justified level by level)."""

    def __init__(self, asserted: Iterable[Triple]) -> None:
        self.asserted: set[Triple] = set()
        self.all: set[Triple] = set()
        self.types: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.out: dict[tuple[URIRef, URIRef], set[URIRef]] = defaultdict(set)
        self.by_subject: dict[URIRef, set[tuple[URIRef, URIRef]]] = defaultdict(set)
        self.by_object: dict[URIRef, set[tuple[URIRef, URIRef]]] = defaultdict(set)
        for triple in asserted:
            self.add(triple)
            self.asserted.add(triple)

    def add(self, triple: Triple) -> None:
        s, p, o = triple
        self.all.add(triple)
        if p == RDF.type:
            self.types[s].add(o)
        else:
            self.out[(s, p)].add(o)
            self.by_subject[s].add((p, o))
            self.by_object[o].add((s, p))

    def type_premise(self, tbox: _Tbox, individual: URIRef, cls: URIRef) -> Triple | None:
        """Return the best known ``individual a D`` with D under ``cls`` (asserted first)."""
        found = [
            (individual, RDF.type, d)
            for d in self.types.get(individual, ())
            if cls in tbox.class_supers(d)
        ]
        return min(found, key=self.rank, default=None)

    def rank(self, triple: Triple) -> tuple[bool, str]:
        return (triple not in self.asserted, " ".join(triple))

    def values(self, tbox: _Tbox, s: URIRef, prop: URIRef) -> Iterator[tuple[URIRef, URIRef]]:
        """Yield (predicate, object) of known triples from ``s`` whose predicate is under ``prop``."""
        for p, o in self.by_subject.get(s, ()):
            if prop in tbox.property_supers(p):
                yield p, o


def _candidates(triple: Triple, known: _Known, tbox: _Tbox) -> Iterator[tuple[str, Derivation]]:
    """Yield every derivation of ``triple`` whose premises are all known."""
    s, p, o = triple
    if p == RDF.type:
        yield from _type_candidates(triple, known, tbox)
        return
    for chain in tbox.chains.get(p, ()):
        for path in _chain_paths(s, o, chain, known, tbox):
            rule = "property chain: " + " o ".join(_name(link) for link in chain)
            yield "chain", Derivation(triple, p, rule, path)
    for q, home in tbox.inverse_of.get(p, ()):
        if (o, q, s) in known.all:
            rule = f"inverse property: {_name(home)} inverseOf {_name(q if home == p else p)}"
            yield "inverse", Derivation(triple, home, rule, ((o, q, s),))
    for q, q_object in known.values(tbox, s, p):
        if q != p and q_object == o:
            rule = f"sub-property: {_name(q)} subPropertyOf {_name(p)}"
            yield "subproperty", Derivation(triple, p, rule, ((s, q, o),))
    if p in tbox.transitive:
        for middle in known.out.get((s, p), ()):
            if middle not in (s, o) and (middle, p, o) in known.all:
                rule = f"transitive property: {_name(p)}"
                yield "transitive", Derivation(triple, p, rule, ((s, p, middle), (middle, p, o)))
    if p in tbox.symmetric and (o, p, s) in known.all:
        yield "symmetric", Derivation(triple, p, f"symmetric property: {_name(p)}", ((o, p, s),))
    for cls, value in tbox.value_of.get(p, ()):
        if value == o:
            premise = known.type_premise(tbox, s, cls)
            if premise is not None:
                rule = f"class restriction: {_name(cls)} SubClassOf ({_name(p)} value {_name(o)})"
                yield "value", Derivation(triple, cls, rule, (premise,))


def _type_candidates(
    triple: Triple, known: _Known, tbox: _Tbox
) -> Iterator[tuple[str, Derivation]]:
    s, _, cls = triple
    for definition in tbox.definitions.get(cls, ()):
        premises = _satisfies(s, definition, known, tbox)
        if premises is not None:
            yield "defined", Derivation(triple, cls, definition.text, premises)
    for d in known.types.get(s, ()):
        if d != cls and cls in tbox.class_supers(d):
            rule = f"sub-class: {_name(d)} SubClassOf {_name(cls)}"
            yield "subclass", Derivation(triple, cls, rule, ((s, RDF.type, d),))
    for p, o in known.by_subject.get(s, ()):
        for prop in tbox.property_supers(p):
            for domain in tbox.domains.get(prop, ()):
                if cls in tbox.class_supers(domain):
                    rule = f"domain: {_name(prop)} Domain {_name(domain)}"
                    yield "domain", Derivation(triple, prop, rule, ((s, p, o),))
    for subject, p in known.by_object.get(s, ()):
        for prop in tbox.property_supers(p):
            for range_ in tbox.ranges.get(prop, ()):
                if cls in tbox.class_supers(range_):
                    rule = f"range: {_name(prop)} Range {_name(range_)}"
                    yield "range", Derivation(triple, prop, rule, ((subject, p, s),))


def _satisfies(
    s: URIRef, definition: _Definition, known: _Known, tbox: _Tbox
) -> tuple[Triple, ...] | None:
    """Return premises showing that ``s`` meets every part of a definition, or None."""
    premises: list[Triple] = []
    for cls in definition.classes:
        premise = known.type_premise(tbox, s, cls)
        if premise is None:
            return None
        premises.append(premise)
    for prop, value in definition.values:
        found = [(s, q, o) for q, o in known.values(tbox, s, prop) if o == value]
        if not found:
            return None
        premises.append(min(found, key=known.rank))
    for prop, filler in definition.somes:
        options: list[tuple[Triple, ...]] = []
        for q, o in known.values(tbox, s, prop):
            if filler is None:
                options.append(((s, q, o),))
                continue
            typed = known.type_premise(tbox, o, filler)
            if typed is not None:
                options.append(((s, q, o), typed))
        if not options:
            return None
        premises.extend(min(options, key=lambda ts: [known.rank(t) for t in ts]))
    return tuple(premises)


def _chain_paths(
    s: URIRef, o: URIRef, chain: tuple[URIRef, ...], known: _Known, tbox: _Tbox
) -> Iterator[tuple[Triple, ...]]:
    """Yield the known paths from ``s`` to ``o`` along the links of a property chain."""

    def walk(node: URIRef, step: int, path: tuple[Triple, ...]) -> Iterator[tuple[Triple, ...]]:
        if step == len(chain):
            if node == o:
                yield path
            return
        for q, nxt in sorted(known.values(tbox, node, chain[step])):
            yield from walk(nxt, step + 1, (*path, (node, q, nxt)))

    yield from walk(s, 0, ())


def _score(kind: str, derivation: Derivation, known: _Known) -> tuple[object, ...]:
    inferred = sum(premise not in known.asserted for premise in derivation.premises)
    return (
        inferred,
        _PRIORITY[kind],
        len(derivation.premises),
        [" ".join(t) for t in derivation.premises],
    )


def justify(
    inferred: Iterable[Triple],
    asserted: Iterable[tuple[Node, Node, Node]],
    ontology: Graph,
    known_inferred: Iterable[Triple] = (),
) -> dict[Triple, Derivation]:
    """Find one derivation for each inferred triple, ending in asserted premises.

    A triple that no handled axiom derives gets a derivation with no premises and the rule
    :data:`UNEXPLAINED` (it is still marked as inferred). ``known_inferred`` are inferred triples
    justified before (an update of a store's inferred graph): premises from the start, not
    justified again.
    """
    tbox = _Tbox(ontology)
    known = _Known(_iri_triples(asserted))
    for triple in known_inferred:
        known.add(triple)
    pending = set(inferred) - known.asserted
    found: dict[Triple, Derivation] = {}
    while pending:
        level: dict[Triple, Derivation] = {}
        for triple in sorted(pending):
            scored = [(_score(kind, d, known), d) for kind, d in _candidates(triple, known, tbox)]
            if scored:
                level[triple] = min(scored, key=lambda pair: pair[0])[1]
        if not level:
            break
        for triple, derivation in level.items():
            found[triple] = derivation
            known.add(triple)
            pending.discard(triple)
    for triple in sorted(pending):
        found[triple] = Derivation(triple, None, UNEXPLAINED, ())
    return found


def _iri_triples(triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[Triple]:
    for s, p, o in triples:
        if isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef):
            yield (s, p, o)


def inferred_triples(inferred: Graph) -> list[Triple]:
    """Return the inferred facts of an inferred graph (not its provenance nodes or description)."""
    return sorted(t for t in _iri_triples(inferred) if t[0] != INFERRED_GRAPH)


def _node(triple: Triple) -> str:
    return "inf" + hashlib.sha256(" ".join(triple).encode()).hexdigest()[:24]


def _annotate(graph: Graph, node: BNode, triple: Triple) -> None:
    graph.add((node, OWL.annotatedSource, triple[0]))
    graph.add((node, OWL.annotatedProperty, triple[1]))
    graph.add((node, OWL.annotatedTarget, triple[2]))


def add_provenance(
    inferred: Graph, asserted: Iterable[tuple[Node, Node, Node]], ontology: Graph
) -> Graph:
    """Add one provenance node per inferred triple of ``inferred`` (in place) and return it."""
    return describe_derivations(inferred, justify(inferred_triples(inferred), asserted, ontology))


def describe_derivations(inferred: Graph, found: Mapping[Triple, Derivation]) -> Graph:
    """Add a provenance node for each derivation to ``inferred`` (in place) and return it."""
    for triple, derivation in sorted(found.items()):
        name = _node(triple)
        node = BNode(name)
        inferred.add((node, RDF.type, OWL.Axiom))
        _annotate(inferred, node, triple)
        inferred.add((node, BIOLINK.knowledge_level, Literal(LOGICAL_ENTAILMENT)))
        inferred.add((node, BIOLINK.agent_type, Literal(AUTOMATED_AGENT)))
        inferred.add((node, XO.evidenceType, INFERRED_EVIDENCE))
        if derivation.inferred_by is not None:
            inferred.add((node, XO.inferredBy, derivation.inferred_by))
        inferred.add((node, XO.inferenceRule, Literal(derivation.rule)))
        for index, premise in enumerate(derivation.premises):
            premise_node = BNode(f"{name}p{index}")
            inferred.add((node, XO.premise, premise_node))
            _annotate(inferred, premise_node, premise)
    return inferred


def derivations(inferred: Graph) -> dict[Triple, Derivation]:
    """Read the provenance nodes of an inferred graph back into derivations, by triple."""
    found: dict[Triple, Derivation] = {}
    for node in inferred.subjects(XO.inferenceRule, None):
        derivation = read_derivation(inferred, node)
        if derivation is not None:
            found[derivation.triple] = derivation
    return found


def read_derivation(inferred: Graph, node: Node) -> Derivation | None:
    """Read one provenance node (None if it does not name a triple)."""
    triple = _triple_of(inferred, node)
    if triple is None:
        return None
    premises = (_triple_of(inferred, n) for n in inferred.objects(node, XO.premise))
    home = inferred.value(node, XO.inferredBy)
    return Derivation(
        triple,
        home if isinstance(home, URIRef) else None,
        str(inferred.value(node, XO.inferenceRule)),
        # RDF keeps no order: those about the statement's subject first (a chain's first link).
        tuple(sorted((t for t in premises if t is not None), key=lambda t: (t[0] != triple[0], t))),
    )


def _triple_of(graph: Graph, node: Node) -> Triple | None:
    s = graph.value(node, OWL.annotatedSource)
    p = graph.value(node, OWL.annotatedProperty)
    o = graph.value(node, OWL.annotatedTarget)
    if isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef):
        return (s, p, o)
    return None
