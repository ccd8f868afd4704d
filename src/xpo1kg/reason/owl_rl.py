"""The OWL 2 RL path: the data materialised by ``reasonable``, with the TBox view it needs.

:class:`ReductionTbox` is also what :mod:`.reasoner` reduces any engine's entailments with.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from xpo1kg.rdf.namespaces import compress
from xpo1kg.reason.reasoning_report import EngineOutcome, Triple, is_individual

__all__ = ["ReductionTbox", "run_owl_rl"]

_ANY_LITERAL = RDFLiteral("")


class ReductionTbox:
    """What the reductions need from the ontology: inverses, chains, disjointness, properties."""

    def __init__(self, ontology: Graph) -> None:
        self.inverses: dict[URIRef, set[URIRef]] = defaultdict(set)
        for a, b in ontology.subject_objects(OWL.inverseOf):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                self.inverses[a].add(b)
                self.inverses[b].add(a)
        self.chains: list[tuple[URIRef, list[URIRef]]] = []
        for prop, head in ontology.subject_objects(OWL.propertyChainAxiom):
            links = [p for p in Collection(ontology, head) if isinstance(p, URIRef)]
            self.chains.append((prop, links))  # type: ignore[arg-type]
        self.object_properties = {
            p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)
        }
        self.disjoint: set[frozenset[URIRef]] = set()
        for a, b in ontology.subject_objects(OWL.disjointWith):
            self.disjoint.add(frozenset((a, b)))  # type: ignore[arg-type]
        for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
            members = list(Collection(ontology, ontology.value(group, OWL.members)))  # type: ignore[arg-type]
            self.disjoint |= {frozenset((a, b)) for a in members for b in members if a != b}  # type: ignore[arg-type]


def run_owl_rl(
    graph: Graph, tbox: ReductionTbox, *, hierarchy: dict[URIRef, set[URIRef]], unsat: set[str]
) -> EngineOutcome:
    """Materialise ``graph`` by OWL 2 RL; ``hierarchy``, ``unsat`` come from the DL reasoner."""
    import reasonable

    # Literal values cannot create class memberships or links between individuals here, but their
    # predicates' domains can: keep every (subject, predicate) with one stand-in literal, which
    # keeps the domain rules and shrinks the input (labels, values, quotes) to a fraction.
    base = list({(s, p, _ANY_LITERAL if isinstance(o, RDFLiteral) else o) for s, p, o in graph})
    engine = reasonable.PyReasoner()
    engine.from_graph(base)
    while True:
        entailed: set[Triple] = {
            t for t in engine.reason() if all(isinstance(x, URIRef) for x in t)
        }
        # reasonable does not apply owl:propertyChainAxiom (prp-spo2): add those links and repeat
        # (update_graph with only additions makes the next round incremental).
        added = [t for t in _chain_links(entailed, tbox) if t not in entailed]
        if not added:
            break
        base.extend(added)
        engine.update_graph(base)
    problems = _disjointness_clashes(entailed, tbox, graph)
    return EngineOutcome(not problems, entailed, hierarchy, unsat, problems)


def _chain_links(entailed: set[Triple], tbox: ReductionTbox) -> set[Triple]:
    by_property: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
    for s, p, o in entailed:
        by_property[p].append((s, o))
    links: set[Triple] = set()
    for prop, chain in tbox.chains:
        frontier = {(s, o) for s, o in by_property.get(chain[0], [])}
        for step in chain[1:]:
            nexts: dict[URIRef, list[URIRef]] = defaultdict(list)
            for s, o in by_property.get(step, []):
                nexts[s].append(o)
            frontier = {(s, o2) for s, o in frontier for o2 in nexts.get(o, [])}
        links |= {(s, prop, o) for s, o in frontier}
    return links


def _disjointness_clashes(entailed: set[Triple], tbox: ReductionTbox, graph: Graph) -> list[str]:
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, p, o in entailed:
        if p == RDF.type and is_individual(s):
            types[s].add(o)
    problems = []
    for individual in sorted(types):
        clashing = sorted(
            tuple(sorted(pair))
            for pair in tbox.disjoint
            if pair <= types[individual] and len(pair) == 2
        )
        for first, second in clashing:
            label = graph.value(individual, RDFS.label) or compress(str(individual))
            problems.append(
                f"{label} ({compress(str(individual))}) is both {compress(str(first))} and "
                f"{compress(str(second))}, which are disjoint"
            )
    return problems
