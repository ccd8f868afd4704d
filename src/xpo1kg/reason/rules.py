"""A forward-chaining engine for the entailments this ontology needs, at a million triples.

HermiT decides all of OWL 2 DL but grows much faster than the data; a generic OWL 2 RL engine
materialises far more than is kept. This engine compiles the ontology's TBox (read as
:mod:`.provenance` reads it) into a fixed set of rules, whose tables :mod:`.rule_tbox` holds,
and runs them semi-naively to a fixpoint over the data, held as Python sets of strings:

- sub-properties and equivalent properties, inverses, symmetric and transitive properties, the
  property chains;
- domains and ranges of object and datatype properties;
- the class tree (``rdfs:subClassOf``, named ``owl:equivalentClass``, the members of an
  ``owl:unionOf``), ``owl:hasValue`` restrictions on superclasses, and the defined classes
  (``owl:intersectionOf`` of named classes, ``owl:hasValue`` and ``owl:someValuesFrom``);
- disjointness (``owl:disjointWith``, ``owl:AllDisjointClasses``): a clash makes the graph
  inconsistent, reported as the HermiT path reports it.

What is kept is what :func:`xpo1kg.reason.reasoner.reason` keeps from HermiT: class memberships of
individuals in ``xo:`` classes that their told classes do not already give, and ``xo:`` object
property values between individuals that are not asserted. Tests check that the two are equal on
the bundled graph and on synthetic graphs.

Every new fact is joined once with what is known (semi-naive evaluation), so :meth:`Closure.add`
on a closed state derives only what follows from the addition: an ``ingest`` reasons over the new
rows, not over the whole graph again. Axioms outside these patterns (for example functional
properties, cardinalities, ``owl:oneOf``) are not used: HermiT stays available for them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import RDF
from rdflib.term import Node

from xpo1kg.rdf.namespaces import XO, XR, compress
from xpo1kg.reason.rule_tbox import RuleDefinition, RuleTbox

__all__ = [
    "Closure",
    "RulesOutcome",
    "closure_of",
    "engine_term",
    "fact_of",
    "oxigraph_term",
    "oxigraph_triples",
    "rdflib_triples",
]

#: A term as the engine holds it: an IRI's text, ``_:id`` for a blank node, None for a literal.
Term = str | None
#: A triple as the engine reads it.
Fact = tuple[str, str, Term]
Triple = tuple[URIRef, URIRef, URIRef]

_TYPE = str(RDF.type)
_XO = str(XO)
_XR = str(XR)


def _iri(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


@dataclass
class Closure:
    """The data closed under the rules; :meth:`add` extends it with new triples (semi-naive)."""

    tbox: RuleTbox
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    told: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    out: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    into: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    derived_edges: set[tuple[str, str, str]] = field(default_factory=set)
    _queue: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    _new: tuple[set[tuple[str, str]], set[tuple[str, str, str]]] = field(
        default_factory=lambda: (set(), set())
    )

    def add(self, facts: Iterable[Fact]) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
        """Add asserted triples and close; return the new (individual, class) and new edges."""
        new_types: set[tuple[str, str]] = set()
        new_edges: set[tuple[str, str, str]] = set()
        self._new = (new_types, new_edges)
        for s, p, o in facts:
            if p == _TYPE:
                if o is not None:
                    self.told[s].add(o)
                    self._type(s, o)
            elif o is None:
                self._queue.append(("L", s, p, None))
            elif p in self.tbox.relevant:
                self.derived_edges.discard((s, p, o))
                self._edge(s, p, o, asserted=True)
            self._run()
        self._run()
        return new_types, new_edges

    # -- insertion ---------------------------------------------------------------------------

    def _type(self, s: str, c: str) -> None:
        known = self.types[s]
        for sup in self.tbox.class_supers(c):
            if sup not in known:
                known.add(sup)
                self._new[0].add((s, sup))
                self._queue.append(("T", s, sup, None))

    def _edge(self, s: str, p: str, o: str, *, asserted: bool = False) -> None:
        objects = self.out[p][s]
        if o in objects:
            return
        objects.add(o)
        self.into[p][o].add(s)
        if not asserted:
            self.derived_edges.add((s, p, o))
            self._new[1].add((s, p, o))
        self._queue.append(("E", s, p, o))

    # -- rules -------------------------------------------------------------------------------

    def _run(self) -> None:
        tbox = self.tbox
        queue = self._queue
        while queue:
            kind, s, x, o = queue.pop()
            if kind == "T":
                self._on_type(s, x)
            elif kind == "E":
                self._on_edge(s, x, o)  # type: ignore[arg-type]
            else:  # a literal value: only the domains of the property and those above it
                for q in (x, *tbox.supers_p.get(x, ())):
                    for cls in tbox.domains.get(q, ()):
                        self._type(s, cls)

    def _on_type(self, s: str, c: str) -> None:
        tbox = self.tbox
        for p, v in tbox.values_of.get(c, ()):
            self._edge(s, p, v)
        for d in tbox.defs_by_class.get(c, ()):
            self._check(s, d)
        for p, d in tbox.somes_by_filler.get(c, ()):
            for subject in list(self.into[p].get(s, ())):
                self._check(subject, d)

    def _on_edge(self, s: str, p: str, o: str) -> None:
        tbox = self.tbox
        for q in tbox.supers_p.get(p, ()):
            self._edge(s, q, o)
        for q in tbox.inverses.get(p, ()):
            self._edge(o, q, s)
        if p in tbox.symmetric:
            self._edge(o, p, s)
        if p in tbox.transitive:
            for after in list(self.out[p].get(o, ())):
                self._edge(s, p, after)
            for before in list(self.into[p].get(s, ())):
                self._edge(before, p, o)
        for prop, links, i in tbox.chains_at.get(p, ()):
            starts = {s}
            for link in reversed(links[:i]):
                starts = {b for node in starts for b in self.into[link].get(node, ())}
            ends = {o}
            for link in links[i + 1 :]:
                ends = {a for node in ends for a in self.out[link].get(node, ())}
            for start in starts:
                for end in ends:
                    self._edge(start, prop, end)
        for cls in tbox.domains.get(p, ()):
            self._type(s, cls)
        for cls in tbox.ranges.get(p, ()):
            self._type(o, cls)
        for d in tbox.defs_by_property.get(p, ()):
            self._check(s, d)

    def _check(self, s: str, d: RuleDefinition) -> None:
        types = self.types.get(s, set())
        if d.cls in types or not all(c in types for c in d.classes):
            return
        if not all(v in self.out[p].get(s, ()) for p, v in d.values):
            return
        for p, filler in d.somes:
            objects = self.out[p].get(s, ())
            if filler is None:
                if not objects:
                    return
            elif not any(filler in self.types.get(o, ()) for o in objects):
                return
        self._type(s, d.cls)

    # -- results -----------------------------------------------------------------------------

    def kept_types(self, s: str, types: set[str], told: Iterable[str]) -> set[str]:
        """Return the ``xo:`` classes of ``s`` that its told ``xo:`` classes do not give."""
        if not s.startswith(_XR):
            return set()
        implied: set[str] = set()
        for c in told:
            if c.startswith(_XO):
                implied |= self.tbox.class_supers(c)
        return {c for c in types if c.startswith(_XO) and c not in implied}

    def kept_edge(self, edge: tuple[str, str, str]) -> bool:
        """Whether a derived edge is kept: an ``xo:`` object property between individuals."""
        s, p, o = edge
        return (
            p.startswith(_XO)
            and p in self.tbox.object_properties
            and s.startswith(_XR)
            and o.startswith(_XR)
        )

    def new_facts(self) -> list[tuple[URIRef, URIRef, URIRef]]:
        """Return what the HermiT path keeps (see the module docstring), sorted."""
        facts = [
            (URIRef(s), RDF.type, URIRef(c))
            for s in sorted(self.types)
            for c in sorted(self.kept_types(s, self.types[s], self.told.get(s, ())))
        ]
        facts += [
            (URIRef(s), URIRef(p), URIRef(o))
            for s, p, o in sorted(self.derived_edges)
            if self.kept_edge((s, p, o))
        ]
        return facts

    def increment(self, facts: Iterable[Fact]) -> tuple[set[Triple], set[Triple]]:
        """Add triples to a closed state; return the kept facts this adds and removes.

        Only what follows from ``facts`` is derived. A kept fact can disappear: a class that a
        new told class now implies, or a derived edge that is now asserted.
        """
        facts = list(facts)
        told_before = {
            s: set(self.told.get(s, ())) for s, p, o in facts if p == _TYPE and o is not None
        }
        derived_before = {
            (s, p, o) for s, p, o in facts if o is not None and (s, p, o) in self.derived_edges
        }
        new_types, new_edges = self.add(facts)
        gained: dict[str, set[str]] = defaultdict(set)
        for s, c in new_types:
            gained[s].add(c)
        added: set[Triple] = set()
        removed: set[Triple] = set()
        for s in set(gained) | set(told_before):
            after = self.kept_types(s, self.types[s], self.told.get(s, ()))
            before = self.kept_types(
                s, self.types[s] - gained[s], told_before.get(s, self.told.get(s, set()))
            )
            added |= {(URIRef(s), RDF.type, URIRef(c)) for c in after - before}
            removed |= {(URIRef(s), RDF.type, URIRef(c)) for c in before - after}
        added |= {tuple(map(URIRef, e)) for e in new_edges if self.kept_edge(e)}  # type: ignore[misc]
        removed |= {tuple(map(URIRef, e)) for e in derived_before if self.kept_edge(e)}  # type: ignore[misc]
        return added, removed

    def clashes(
        self, label: Callable[[str], str | None], subjects: Iterable[str] | None = None
    ) -> list[str]:
        """Return one problem per individual and pair of disjoint classes it belongs to."""
        problems = []
        for s in sorted(self.types if subjects is None else set(subjects)):
            types = self.types.get(s, set())
            if not s.startswith(_XR):
                continue
            for first, second in sorted(self.tbox.disjoint):
                if first in types and second in types:
                    name = compress(s)
                    problems.append(
                        f"{label(s) or name} ({name}) is both {compress(first)} and "
                        f"{compress(second)}, which are disjoint"
                    )
        return problems


@dataclass(frozen=True)
class RulesOutcome:
    """What the rules engine found: consistency, problems, and the new facts."""

    consistent: bool
    problems: tuple[str, ...]
    facts: tuple[tuple[URIRef, URIRef, URIRef], ...]
    closure: Closure


def closure_of(
    facts: Iterable[Fact], tbox: RuleTbox, label: Callable[[str], str | None]
) -> RulesOutcome:
    """Close ``facts`` under the rules; return the outcome (no facts when inconsistent)."""
    closure = Closure(tbox)
    closure.add(facts)
    problems = closure.clashes(label)
    facts_out = () if problems else tuple(closure.new_facts())
    return RulesOutcome(not problems, tuple(problems), facts_out, closure)


def rdflib_triples(graph: Graph) -> Iterator[Fact]:
    """Read an rdflib graph as the engine's triples (literals become None)."""
    for s, p, o in graph:
        yield _iri(s), str(p), None if isinstance(o, RDFLiteral) else _iri(o)


def oxigraph_triples(store: ox.Store, graphs: Iterable[str] | None = None) -> Iterator[Fact]:
    """Read a pyoxigraph store (the given named graphs, by default all) as the engine's triples."""
    names: list[ox.NamedNode | None] = (
        [ox.NamedNode(g) for g in graphs] if graphs is not None else [None]
    )
    for name in names:
        for quad in store.quads_for_pattern(None, None, None, name):
            fact = fact_of(quad)
            if fact is not None:
                yield fact


def fact_of(quad: ox.Quad | ox.Triple) -> Fact | None:
    """Read one Oxigraph quad as the engine's triple (None for RDF-star: no OWL meaning)."""
    s, o = quad.subject, quad.object
    if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
        return None
    if isinstance(o, ox.Literal):
        return engine_term(s), quad.predicate.value, None
    return engine_term(s), quad.predicate.value, engine_term(o)


def engine_term(node: ox.NamedNode | ox.BlankNode) -> str:
    """Return an Oxigraph node as the engine holds it (``_:id`` for a blank node)."""
    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else node.value


def oxigraph_term(term: str) -> ox.NamedNode | ox.BlankNode:
    """Return the Oxigraph term of an engine's term (``_:id`` is a blank node)."""
    return ox.BlankNode(term[2:]) if term.startswith("_:") else ox.NamedNode(term)
