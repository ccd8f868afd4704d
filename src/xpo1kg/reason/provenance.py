"""Why each inferred fact holds: one derivation per triple, found from the ontology's axioms.

The reasoner (HermiT, or the OWL 2 RL path) says *what* is entailed, not *why*. The ontology's
TBox is small, so the justification is computed here from its axioms: property chains, inverses,
sub-properties, transitive and symmetric properties, domains and ranges, the class tree and the
defined classes (``owl:intersectionOf`` of named classes, ``owl:hasValue`` and
``owl:someValuesFrom`` restrictions). Derivations are found level by level: a triple is justified
only from premises that are asserted or justified at an earlier level, so every chain of premises
ends in asserted statements (no cycles); among the derivations of one level, those with the
fewest inferred premises win, then a fixed order of rules, then the premises' sort order.

How the derivations are written into the inferred graph, and read back: :mod:`.provenance_nodes`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from xpo1kg.reason.derivation_tbox import ClassDefinition, DerivationTbox, term_name

__all__ = ["UNEXPLAINED", "Derivation", "Triple", "iri_triples", "justify"]

Triple = tuple[URIRef, URIRef, URIRef]

#: The rule written when no derivation is found (input outside the TBox patterns handled here).
UNEXPLAINED = "entailed by the OWL reasoner (no derivation found from the axioms handled)"


@dataclass(frozen=True)
class Derivation:
    """One way an inferred triple follows: the axiom's home, the rule in words, the premises."""

    triple: Triple
    inferred_by: URIRef | None
    rule: str
    premises: tuple[Triple, ...]


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

    def type_premise(self, tbox: DerivationTbox, individual: URIRef, cls: URIRef) -> Triple | None:
        """Return the best known ``individual a D`` with D under ``cls`` (asserted first)."""
        found = [
            (individual, RDF.type, d)
            for d in self.types.get(individual, ())
            if cls in tbox.class_supers(d)
        ]
        return min(found, key=self.rank, default=None)

    def rank(self, triple: Triple) -> tuple[bool, str]:
        return (triple not in self.asserted, " ".join(triple))

    def values(
        self, tbox: DerivationTbox, s: URIRef, prop: URIRef
    ) -> Iterator[tuple[URIRef, URIRef]]:
        """Yield (predicate, object) of known triples from ``s`` whose predicate is under ``prop``."""
        for p, o in self.by_subject.get(s, ()):
            if prop in tbox.property_supers(p):
                yield p, o


def _candidates(
    triple: Triple, known: _Known, tbox: DerivationTbox
) -> Iterator[tuple[str, Derivation]]:
    """Yield every derivation of ``triple`` whose premises are all known."""
    s, p, o = triple
    if p == RDF.type:
        yield from _type_candidates(triple, known, tbox)
        return
    for chain in tbox.chains.get(p, ()):
        for path in _chain_paths(s, o, chain, known, tbox):
            rule = "property chain: " + " o ".join(term_name(link) for link in chain)
            yield "chain", Derivation(triple, p, rule, path)
    for q, home in tbox.inverse_of.get(p, ()):
        if (o, q, s) in known.all:
            rule = (
                f"inverse property: {term_name(home)} inverseOf {term_name(q if home == p else p)}"
            )
            yield "inverse", Derivation(triple, home, rule, ((o, q, s),))
    for q, q_object in known.values(tbox, s, p):
        if q != p and q_object == o:
            rule = f"sub-property: {term_name(q)} subPropertyOf {term_name(p)}"
            yield "subproperty", Derivation(triple, p, rule, ((s, q, o),))
    if p in tbox.transitive:
        for middle in known.out.get((s, p), ()):
            if middle not in (s, o) and (middle, p, o) in known.all:
                rule = f"transitive property: {term_name(p)}"
                yield "transitive", Derivation(triple, p, rule, ((s, p, middle), (middle, p, o)))
    if p in tbox.symmetric and (o, p, s) in known.all:
        yield (
            "symmetric",
            Derivation(triple, p, f"symmetric property: {term_name(p)}", ((o, p, s),)),
        )
    for cls, value in tbox.value_of.get(p, ()):
        if value == o:
            premise = known.type_premise(tbox, s, cls)
            if premise is not None:
                rule = f"class restriction: {term_name(cls)} SubClassOf ({term_name(p)} value {term_name(o)})"
                yield "value", Derivation(triple, cls, rule, (premise,))


def _type_candidates(
    triple: Triple, known: _Known, tbox: DerivationTbox
) -> Iterator[tuple[str, Derivation]]:
    s, _, cls = triple
    for definition in tbox.definitions.get(cls, ()):
        premises = _satisfies(s, definition, known, tbox)
        if premises is not None:
            yield "defined", Derivation(triple, cls, definition.text, premises)
    for d in known.types.get(s, ()):
        if d != cls and cls in tbox.class_supers(d):
            rule = f"sub-class: {term_name(d)} SubClassOf {term_name(cls)}"
            yield "subclass", Derivation(triple, cls, rule, ((s, RDF.type, d),))
    for p, o in known.by_subject.get(s, ()):
        for prop in tbox.property_supers(p):
            for domain in tbox.domains.get(prop, ()):
                if cls in tbox.class_supers(domain):
                    rule = f"domain: {term_name(prop)} Domain {term_name(domain)}"
                    yield "domain", Derivation(triple, prop, rule, ((s, p, o),))
    for subject, p in known.by_object.get(s, ()):
        for prop in tbox.property_supers(p):
            for range_ in tbox.ranges.get(prop, ()):
                if cls in tbox.class_supers(range_):
                    rule = f"range: {term_name(prop)} Range {term_name(range_)}"
                    yield "range", Derivation(triple, prop, rule, ((subject, p, s),))


def _satisfies(
    s: URIRef, definition: ClassDefinition, known: _Known, tbox: DerivationTbox
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
    s: URIRef, o: URIRef, chain: tuple[URIRef, ...], known: _Known, tbox: DerivationTbox
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
    tbox = DerivationTbox(ontology)
    known = _Known(iri_triples(asserted))
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


def iri_triples(triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[Triple]:
    """Yield the triples whose three terms are IRIs."""
    for s, p, o in triples:
        if isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef):
            yield (s, p, o)
