"""Reasoning over an addition to a store, not over the whole store again.

After an ``ingest`` (or ``curate``, ``import``) into a store whose inferred graph was computed by
the rules engine, :func:`add_and_reason` reasons over the new triples alone: the saved closure
(:mod:`xpo1kg.reason.stored_closure`) is read for the nodes the rules reach from them, and the
inferred graph gains (or loses) only the facts that follow, each with the provenance reasoning
over everything would give it. The time grows with the addition and the nodes it touches, not
with the store. Where this cannot be done (no saved closure, or the addition makes the data
inconsistent), the inferred graph is dropped and computed again when a command needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, asserted_graphs
from xpo1kg.rdf.namespaces import XO, bind_prefixes
from xpo1kg.reason.inferred import store_label
from xpo1kg.reason.provenance import UNEXPLAINED, justify
from xpo1kg.reason.provenance_nodes import describe_derivations
from xpo1kg.reason.rule_tbox import RuleTbox
from xpo1kg.reason.rules import Triple, fact_of
from xpo1kg.reason.stored_closure import (
    COMPLETE,
    StoredClosure,
    closure_quad,
    forget_closure,
    open_saved_closure,
)
from xpo1kg.store.embedded import Store
from xpo1kg.store.snapshot import invalidate

__all__ = [
    "add_and_reason",
    "drop_inferred",
    "reason_over_addition",
    "update_inferred",
    "with_fresh_blank_nodes",
]

_TYPE = str(RDF.type)
_INFERRED = ox.NamedNode(INFERRED_GRAPH_IRI)
_SOURCE, _PROPERTY, _TARGET = (
    ox.NamedNode(str(t)) for t in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)
)
_PREMISE, _RULE = ox.NamedNode(str(XO.premise)), ox.NamedNode(str(XO.inferenceRule))


def drop_inferred(store: Store) -> None:
    """Drop a store's inferred graph and the closure it was computed with, if they are there."""
    forget_closure(store)
    if store.has_graph(INFERRED_GRAPH_IRI):
        if store.path is not None:
            invalidate(store)  # the snapshot may hold the graph: readers then use the disk
        store.drop(INFERRED_GRAPH_IRI)


def update_inferred(
    store: Store,
    added: Sequence[ox.Quad],
    ontology: Graph,
    label: Callable[[str], str | None],
) -> bool:
    """Reason over quads just added to ``store``; True if its inferred graph now matches the data.

    False when it cannot be done this way (no saved closure, or the addition makes the data
    inconsistent): the caller then drops the inferred graph, which is computed again when needed.
    """
    side = open_saved_closure(store)
    if side is None or not store.has_graph(INFERRED_GRAPH_IRI):
        return False
    side.remove(COMPLETE)  # until the update is whole
    side.flush()
    closure = StoredClosure(
        RuleTbox(ontology), store.oxigraph, side, asserted_graphs(store.graph_names()), added
    )
    try:
        return _update(store, side, closure, added, ontology, label)
    finally:
        # The closure store closes when its last reference goes (before the caller may remove
        # its folder); the closure's lazy indexes refer back to it, so it lets go explicitly.
        closure.release()


def _update(
    store: Store,
    side: ox.Store,
    closure: StoredClosure,
    added: Sequence[ox.Quad],
    ontology: Graph,
    label: Callable[[str], str | None],
) -> bool:
    facts = [fact for fact in map(fact_of, added) if fact is not None]
    closure.preload(facts)
    now_asserted = {
        (s, p, o) for s, p, o in facts if o is not None and (s, p, o) in closure.derived_edges
    }
    gained, lost = closure.increment(facts)
    new_types, new_edges = closure.gained
    if closure.clashes(label, {s for s, _ in new_types}):
        return False
    # Provenance as reasoning over everything finds it, near the addition. The facts about the
    # subjects of the new triples are justified again (an asserted premise may now be preferred);
    # a node that new triples merely point to (an inhibitor, a unit) keeps its facts' derivations.
    subjects = {URIRef(s) for s, _, _ in facts if not s.startswith("_:")}
    nodes = subjects | {t[0] for t in gained} | {t[2] for t in gained}
    asserted, near = closure.around(nodes)
    near = (near | closure.inferred_into(subjects)) - lost
    again = {t for t in near if t[0] in subjects or t[2] in subjects}
    inferred = again | gained
    _add_old_premises(store.oxigraph, again, closure.is_asserted, lost, asserted, inferred)
    found = justify(inferred, asserted, ontology, known_inferred=near - inferred)
    # A fact whose other derivations lie beyond what was read keeps the one it had.
    again = {t for t in again if found[t].rule != UNEXPLAINED}
    _remove_facts(store.oxigraph, lost | again)
    if gained or again:
        graph = bind_prefixes(Graph())
        for triple in gained | again:
            graph.add(triple)
        describe_derivations(graph, {t: found[t] for t in gained | again})
        store.add_rdf(
            graph.serialize(format="nt", encoding="utf-8"), "inferred.nt", INFERRED_GRAPH_IRI
        )
    side.extend(
        [closure_quad(s, _TYPE, c) for s, c in new_types if c not in closure.told.get(s, ())]
        + [closure_quad(s, p, o) for s, p, o in new_edges]
    )
    for s, p, o in now_asserted:
        side.remove(closure_quad(s, p, o))
    side.add(COMPLETE)
    side.flush()
    return True


def _provenance_nodes(store: ox.Store, triple: Triple) -> list[ox.BlankNode | ox.NamedNode]:
    """Return the provenance nodes of an inferred fact (not the premise nodes naming it)."""
    s, p, o = (ox.NamedNode(str(t)) for t in triple)
    return [
        quad.subject  # type: ignore[misc]
        for quad in store.quads_for_pattern(None, _SOURCE, s, _INFERRED)
        if ox.Quad(quad.subject, _PROPERTY, p, _INFERRED) in store
        and ox.Quad(quad.subject, _TARGET, o, _INFERRED) in store
        # A premise node of another fact names the same triple: not this one's.
        and next(store.quads_for_pattern(quad.subject, _RULE, None, _INFERRED), None) is not None
    ]


def _premise_nodes(store: ox.Store, node: ox.BlankNode | ox.NamedNode) -> list[ox.BlankNode]:
    return [q.object for q in store.quads_for_pattern(node, _PREMISE, None, _INFERRED)]  # type: ignore[misc]


def _named_triple(store: ox.Store, node: ox.BlankNode) -> Triple | None:
    found = [
        next(store.quads_for_pattern(node, prop, None, _INFERRED), None)
        for prop in (_SOURCE, _PROPERTY, _TARGET)
    ]
    if any(q is None or not isinstance(q.object, ox.NamedNode) for q in found):
        return None
    return tuple(URIRef(q.object.value) for q in found)  # type: ignore[union-attr,return-value]


def _add_old_premises(
    store: ox.Store,
    facts: Iterable[Triple],
    is_asserted: Callable[[Triple], bool],
    lost: set[Triple],
    asserted: set[Triple],
    inferred: set[Triple],
    depth: int = 5,
) -> None:
    """Add the premises of the facts' present derivations (and theirs) to what is known.

    So that justifying them again can find at least the derivation they have, even where it
    goes through nodes the rules did not reach.
    """
    frontier = set(facts)
    for _ in range(depth):
        after: set[Triple] = set()
        for fact in frontier:
            for node in _provenance_nodes(store, fact):
                for premise_node in _premise_nodes(store, node):
                    premise = _named_triple(store, premise_node)
                    if premise is None or premise in asserted or premise in inferred:
                        continue
                    if is_asserted(premise):
                        asserted.add(premise)
                    elif premise not in lost:
                        inferred.add(premise)
                        after.add(premise)
        frontier = after


def _remove_facts(store: ox.Store, facts: Iterable[Triple]) -> None:
    """Remove inferred facts and their provenance nodes from the inferred graph."""
    for triple in facts:
        s, p, o = (ox.NamedNode(str(t)) for t in triple)
        store.remove(ox.Quad(s, p, o, _INFERRED))
        for node in _provenance_nodes(store, triple):
            for subject in [node, *_premise_nodes(store, node)]:
                for old in list(store.quads_for_pattern(subject, None, None, _INFERRED)):
                    store.remove(old)


def add_and_reason(
    store: Store, quads: Iterable[ox.Quad], ontology: Graph | Callable[[], Graph]
) -> bool:
    """Add quads to a store in one transaction, then reason over those that were new.

    Blank nodes get fresh names (:func:`with_fresh_blank_nodes`). ``ontology`` may be a function
    that returns it, called only when there is an inferred graph to update. Returns what
    :func:`reason_over_addition` returns.
    """
    oxigraph = store.oxigraph
    added = [q for q in with_fresh_blank_nodes(quads) if q not in oxigraph]
    oxigraph.extend(added)
    return reason_over_addition(store, added, ontology)


def reason_over_addition(
    store: Store, added: Sequence[ox.Quad], ontology: Graph | Callable[[], Graph]
) -> bool:
    """Bring a store's inferred graph up to date after ``added`` went in; True if it was updated.

    ``added`` are quads that were not in the store before (:func:`add_and_reason` sees to it).
    When the update cannot be made (no inferred graph, no saved closure, or data made
    inconsistent), the inferred graph is dropped and computed again by the next command that
    wants it.
    """
    if not store.has_graph(INFERRED_GRAPH_IRI):
        forget_closure(store)
        return False
    if not isinstance(ontology, Graph):
        ontology = ontology()
    graphs = asserted_graphs(store.graph_names())
    try:
        updated = update_inferred(store, added, ontology, store_label(store.oxigraph, graphs))
    except BaseException:
        drop_inferred(store)  # half an update is no inferred graph
        raise
    if not updated:
        drop_inferred(store)
    return updated


def with_fresh_blank_nodes(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Give each blank node of ``quads`` a new random name, as a load into a store does.

    A store keeps the names of blank nodes it is given: two additions that both say ``_:b0`` would
    otherwise share a node.
    """
    names: dict[str, ox.BlankNode] = {}

    def fresh(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term.value, ox.BlankNode())
        return term

    return [
        ox.Quad(fresh(q.subject), q.predicate, fresh(q.object), q.graph_name)  # type: ignore[arg-type]
        for q in quads
    ]
