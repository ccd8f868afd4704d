"""The TBox axioms that derivations use, read once from the ontology (:class:`DerivationTbox`).

Property chains, inverses, sub- and equivalent properties, transitive and symmetric properties,
domains and ranges, the class tree, and defined classes (:class:`ClassDefinition`). The
provenance of inferred facts (:mod:`.provenance`) and the rules engine's tables
(:mod:`.rule_tbox`) read them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from xpo1kg.rdf.namespaces import XO, compress

__all__ = ["ClassDefinition", "DerivationTbox", "reflexive_closure", "term_name"]

T = TypeVar("T")


def term_name(node: Node) -> str:
    """Return an ontology term as it reads in a rule: the local name of xo: terms, else a CURIE."""
    text = str(node)
    return text.removeprefix(str(XO)) if text.startswith(str(XO)) else compress(text)


@dataclass(frozen=True)
class ClassDefinition:
    """A defined class ``C EquivalentTo A and B and (p value v) and (q some F)``."""

    cls: URIRef
    classes: tuple[URIRef, ...]
    values: tuple[tuple[URIRef, URIRef], ...]
    somes: tuple[tuple[URIRef, URIRef | None], ...]
    text: str


class DerivationTbox:
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
        self.definitions: dict[URIRef, list[ClassDefinition]] = defaultdict(list)
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


def _definition(ontology: Graph, cls: URIRef, expression: Node) -> ClassDefinition | None:
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
            words.append(term_name(part))
            continue
        prop = ontology.value(part, OWL.onProperty)
        if not isinstance(prop, URIRef):
            return None
        value = ontology.value(part, OWL.hasValue)
        filler = ontology.value(part, OWL.someValuesFrom)
        if isinstance(value, URIRef):
            values.append((prop, value))
            words.append(f"({term_name(prop)} value {term_name(value)})")
        elif isinstance(filler, URIRef):
            somes.append((prop, None if filler == OWL.Thing else filler))
            words.append(f"({term_name(prop)} some {term_name(filler)})")
        else:
            return None
    text = f"defined class: {term_name(cls)} EquivalentTo " + " and ".join(words)
    return ClassDefinition(cls, tuple(classes), tuple(values), tuple(somes), text)
