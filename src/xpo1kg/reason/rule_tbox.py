"""The ontology's TBox compiled into the lookup tables of the rules engine (:class:`RuleTbox`).

The axioms are read as :class:`~xpo1kg.reason.derivation_tbox.DerivationTbox` reads them, and
kept as text, the way :class:`~xpo1kg.reason.rules.Closure` holds the data: for each property,
its super-properties, inverses, chains, domains and ranges; for each class, the classes above
it, its values and the definitions it takes part in; the pairs of disjoint classes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF

from xpo1kg.rdf.namespaces import XO
from xpo1kg.reason.derivation_tbox import DerivationTbox, reflexive_closure

__all__ = ["RuleDefinition", "RuleTbox"]

_XO = str(XO)


@dataclass(frozen=True)
class RuleDefinition:
    """A defined class as the rules read it: a ClassDefinition's terms as text."""

    cls: str
    classes: tuple[str, ...]
    values: tuple[tuple[str, str], ...]
    somes: tuple[tuple[str, str | None], ...]


class RuleTbox:
    """The ontology compiled into lookup tables for the rules (read once; small)."""

    def __init__(self, ontology: Graph) -> None:
        tbox = DerivationTbox(ontology)
        declared = {
            str(p)
            for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
            for p in ontology.subjects(RDF.type, kind)
            if isinstance(p, URIRef)
        }
        self.object_properties = {
            str(p) for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)
        }
        # Axioms on annotation properties carry no meaning in OWL 2 DL: only declared properties.
        self.supers_p: dict[str, set[str]] = {
            str(p): {str(q) for q in tbox.property_supers(p)} - {str(p)}
            for p in tbox.props_up
            if str(p) in declared
        }
        self.inverses: dict[str, set[str]] = defaultdict(set)
        for p, pairs in tbox.inverse_of.items():
            for q, _home in pairs:
                self.inverses[str(q)].add(str(p))
        self.symmetric = {str(p) for p in tbox.symmetric}
        self.transitive = {str(p) for p in tbox.transitive}
        # chains_at[p] = [(property, links, position of p in links)]
        self.chains_at: dict[str, list[tuple[str, tuple[str, ...], int]]] = defaultdict(list)
        for prop, chains in tbox.chains.items():
            for links in chains:
                texts = tuple(str(p) for p in links)
                for i, link in enumerate(texts):
                    self.chains_at[link].append((str(prop), texts, i))
        self.domains = {
            str(p): {str(c) for c in cs} for p, cs in tbox.domains.items() if str(p) in declared
        }
        self.ranges = {
            str(p): {str(c) for c in cs} for p, cs in tbox.ranges.items() if str(p) in declared
        }
        direct: dict[str, set[str]] = defaultdict(set)
        for cls, supers in tbox.supers_c.items():
            direct[str(cls)] |= {str(c) for c in supers}
        for named, expression in ontology.subject_objects(OWL.equivalentClass):
            head = ontology.value(expression, OWL.unionOf)
            if isinstance(named, URIRef) and head is not None:
                for part in Collection(ontology, head):
                    if isinstance(part, URIRef):
                        direct[str(part)].add(str(named))
        self.supers_c = reflexive_closure(direct)
        # values_of[C] = [(p, v)]: every member of C has p value v.
        self.values_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for p, pairs in tbox.value_of.items():
            for cls, value in pairs:
                self.values_of[str(cls)].append((str(p), str(value)))
        self.definitions: list[RuleDefinition] = []
        for defined, read in tbox.definitions.items():
            for one in read:
                self.definitions.append(
                    RuleDefinition(
                        str(defined),
                        tuple(str(c) for c in one.classes),
                        tuple((str(p), str(v)) for p, v in one.values),
                        tuple((str(p), None if f is None else str(f)) for p, f in one.somes),
                    )
                )
        self.defs_by_class: dict[str, list[RuleDefinition]] = defaultdict(list)
        self.defs_by_property: dict[str, list[RuleDefinition]] = defaultdict(list)
        self.somes_by_filler: dict[str, list[tuple[str, RuleDefinition]]] = defaultdict(list)
        for d in self.definitions:
            for c in d.classes:
                self.defs_by_class[c].append(d)
            for used in {p for p, _ in d.values} | {p for p, _ in d.somes}:
                self.defs_by_property[used].append(d)
            for used, filler in d.somes:
                if filler is not None:
                    self.somes_by_filler[filler].append((used, d))
        self.disjoint: set[tuple[str, str]] = set()
        for a, b in ontology.subject_objects(OWL.disjointWith):
            self.disjoint.add(tuple(sorted((str(a), str(b)))))  # type: ignore[arg-type]
        for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
            members = [str(m) for m in Collection(ontology, ontology.value(group, OWL.members))]  # type: ignore[arg-type]
            self.disjoint |= {(a, b) for a in members for b in members if a < b}
        # Every property a rule reads or writes: edges of other properties are not kept.
        self.relevant = (
            set(self.supers_p)
            | {q for qs in self.supers_p.values() for q in qs}
            | set(self.inverses)
            | {q for qs in self.inverses.values() for q in qs}
            | self.symmetric
            | self.transitive
            | set(self.chains_at)
            | {p for p, _, _ in (c for cs in self.chains_at.values() for c in cs)}
            | set(self.domains)
            | set(self.ranges)
            | set(self.defs_by_property)
            | {p for vs in self.values_of.values() for p, _ in vs}
            | {p for p in self.object_properties if p.startswith(_XO)}
        )

    def class_supers(self, cls: str) -> set[str]:
        """Return ``cls`` and every named class above it."""
        return self.supers_c.get(cls, {cls})
