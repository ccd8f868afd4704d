"""OWL reasoning: HermiT or Pellet through owlready2 (Java), or OWL 2 RL for large graphs.

The reasoners see the ontology and the asserted data. What comes back is reduced to *new* facts
about individuals: class memberships that the told class tree does not already give, and
object-property values (from inverses, sub-properties and property chains). These go into their
own named graph (:data:`INFERRED_GRAPH`) and never into the source files.

This module chooses the engines and reduces what they entail; the engines themselves are in
:mod:`.java_reasoners` (HermiT, Pellet) and :mod:`.owl_rl`, the report in :mod:`.reasoning_report`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI
from xpo1kg.rdf.namespaces import XO, bind_prefixes
from xpo1kg.reason.java_reasoners import run_dl
from xpo1kg.reason.owl_rl import ReductionTbox, run_owl_rl
from xpo1kg.reason.reasoning_report import (
    REASONER_NAMES,
    Mode,
    ReasonerName,
    ReasoningReport,
    Triple,
    is_individual,
    is_named_class,
)

__all__ = [
    "AUTO_DL_LIMIT",
    "INFERRED_GRAPH",
    "RULES_ENGINE",
    "reason",
    "reason_at_scale",
    "reason_with_rules",
    "reasons_at_scale",
]

#: The named graph that holds inferred triples.
INFERRED_GRAPH = URIRef(INFERRED_GRAPH_IRI)
#: In ``auto`` mode, graphs larger than this (in triples) have their data reasoned over by the
#: rules engine (:mod:`xpo1kg.reason.rules`); the DL reasoner still classifies the ontology.
AUTO_DL_LIMIT = 50_000


def reasons_at_scale(size: int, reasoner: ReasonerName, mode: Mode) -> bool:
    """Whether :func:`reason` gives a graph of ``size`` triples to :func:`reason_at_scale`.

    >>> reasons_at_scale(AUTO_DL_LIMIT + 1, "hermit", "auto"), reasons_at_scale(10, "hermit", "auto")
    (True, False)
    """
    return reasoner != "rules" and mode == "auto" and size > AUTO_DL_LIMIT


def reason(
    graph: Graph,
    ontology: Graph,
    *,
    reasoner: ReasonerName = "hermit",
    mode: Mode = "auto",
) -> ReasoningReport:
    """Check consistency and infer new facts about the individuals of ``graph``.

    ``graph`` holds the ontology and the data; ``ontology`` the ontology alone. ``mode`` ``dl``
    runs the OWL 2 DL reasoner on everything; ``rl`` runs it on the ontology only (class tree,
    unsatisfiable classes) and materialises the data with an OWL 2 RL engine (``reasonable``);
    ``auto`` runs it on everything up to :data:`AUTO_DL_LIMIT` triples, and above that on the
    ontology only, with the rules engine (:mod:`xpo1kg.reason.rules`) for the data. The
    ``rules`` reasoner is the rules engine alone (no Java; ``mode`` is ignored).
    """
    start = time.perf_counter()
    # The rules engine's closure is not handed on: a report can outlive it by far.
    if reasoner == "rules":
        return replace(_run_rules(graph, ontology, start), closure=None)
    if reasons_at_scale(len(graph), reasoner, mode):
        from xpo1kg.reason.rules import rdflib_triples

        report = reason_at_scale(
            rdflib_triples(graph), ontology, _rdflib_label(graph), reasoner=reasoner, start=start
        )
        return replace(report, closure=None)
    if mode == "auto":
        mode = "dl"
    tbox = ReductionTbox(ontology)
    if mode == "dl":
        outcome = run_dl(graph, reasoner)
        engine = f"{REASONER_NAMES[reasoner]} (OWL 2 DL)"
    else:
        outcome = run_dl(ontology, reasoner)
        if outcome.consistent:
            outcome = run_owl_rl(
                graph, tbox, hierarchy=outcome.hierarchy, unsat=outcome.unsatisfiable
            )
        engine = f"OWL 2 RL (reasonable) for the data, {REASONER_NAMES[reasoner]} for the ontology"
    inferred = bind_prefixes(Graph())
    if outcome.consistent:
        for triple in _new_facts(graph, outcome.entailed, outcome.hierarchy, tbox):
            inferred.add(triple)
    return ReasoningReport(
        consistent=outcome.consistent,
        engine=engine,
        inferred=inferred,
        problems=tuple(outcome.problems),
        unsatisfiable_classes=tuple(sorted(outcome.unsatisfiable)),
        seconds=time.perf_counter() - start,
    )


#: How the rules engine names itself in reports and in the inferred graph's description.
RULES_ENGINE = "the xpo1kg rules engine (forward chaining over the ontology's axioms)"


def _rdflib_label(graph: Graph) -> Callable[[str], str | None]:
    def label(iri: str) -> str | None:
        value = graph.value(URIRef(iri), RDFS.label)
        return None if value is None else str(value)

    return label


def _run_rules(graph: Graph, ontology: Graph, start: float) -> ReasoningReport:
    from xpo1kg.reason.rules import rdflib_triples

    return reason_with_rules(rdflib_triples(graph), ontology, _rdflib_label(graph), start=start)


def reason_at_scale(
    facts: Iterable[tuple[str, str, str | None]],
    ontology: Graph,
    label: Callable[[str], str | None],
    *,
    reasoner: ReasonerName = "hermit",
    start: float | None = None,
) -> ReasoningReport:
    """Reason as ``auto`` mode does above :data:`AUTO_DL_LIMIT` triples.

    The DL reasoner classifies the ontology; the rules engine (exact on this ontology's data,
    and linear in it) materialises the data.

    ``facts`` are triples as :mod:`xpo1kg.reason.rules` reads them, from rdflib or straight from
    Oxigraph (:func:`~xpo1kg.reason.rules.oxigraph_triples`, no rdflib graph of the data).
    """
    start = time.perf_counter() if start is None else start
    consistent, problems, unsatisfiable = _classified(ontology, reasoner)
    if not consistent:
        return ReasoningReport(
            False, REASONER_NAMES[reasoner], bind_prefixes(Graph()), problems, (), 0.0
        )
    report = reason_with_rules(facts, ontology, label, start=start)
    return ReasoningReport(
        consistent=report.consistent,
        engine=f"rules for the data, {REASONER_NAMES[reasoner]} for the ontology",
        inferred=report.inferred,
        problems=report.problems,
        unsatisfiable_classes=unsatisfiable,
        seconds=time.perf_counter() - start,
        closure=report.closure,
    )


def _classified(
    ontology: Graph, reasoner: ReasonerName
) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """Classify an ontology: consistent, problems, unsatisfiable classes.

    The same ontology is classified once per process
    (:func:`~xpo1kg.reason.java_reasoners.run_dl` keeps the outcome): every store's big-store
    reasoning and every addition to it would otherwise start Java again for the same answer.
    """
    outcome = run_dl(ontology, reasoner)
    return outcome.consistent, tuple(outcome.problems), tuple(sorted(outcome.unsatisfiable))


def reason_with_rules(
    facts: Iterable[tuple[str, str, str | None]],
    ontology: Graph,
    label: Callable[[str], str | None],
    *,
    start: float | None = None,
) -> ReasoningReport:
    """Reason with the rules engine over triples as :mod:`xpo1kg.reason.rules` reads them.

    For big graphs: read them from Oxigraph (:func:`~xpo1kg.reason.rules.oxigraph_triples`)
    without building an rdflib graph. ``label`` names an individual in a problem.
    """
    from xpo1kg.reason.rule_tbox import RuleTbox
    from xpo1kg.reason.rules import closure_of

    start = time.perf_counter() if start is None else start
    outcome = closure_of(facts, RuleTbox(ontology), label)
    inferred = bind_prefixes(Graph())
    for triple in outcome.facts:
        inferred.add(triple)
    return ReasoningReport(
        consistent=outcome.consistent,
        engine=RULES_ENGINE,
        inferred=inferred,
        problems=outcome.problems,
        unsatisfiable_classes=(),
        seconds=time.perf_counter() - start,
        closure=outcome.closure,
    )


def _new_facts(
    asserted: Graph,
    entailed: set[Triple],
    hierarchy: dict[URIRef, set[URIRef]],
    tbox: ReductionTbox,
) -> Iterable[Triple]:
    told_types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in asserted.subject_objects(RDF.type):
        if is_individual(s) and is_named_class(o):
            told_types[s].add(o)  # type: ignore[index, arg-type]
    entailed_types: dict[URIRef, set[URIRef]] = defaultdict(set)
    values: set[Triple] = set()
    for s, p, o in entailed:
        if not is_individual(s):
            continue
        if p == RDF.type and is_named_class(o):
            entailed_types[s].add(o)
        elif p in tbox.object_properties and str(p).startswith(str(XO)) and is_individual(o):
            values.add((s, p, o))
    for s, classes in entailed_types.items():
        implied = (
            set().union(*(hierarchy.get(c, {c}) for c in told_types[s])) if told_types[s] else set()
        )
        everything = set().union(*(hierarchy.get(c, {c}) for c in classes | told_types[s]))
        for cls in sorted(everything - implied):
            yield (s, RDF.type, cls)
    for triple in sorted(_with_inverses(values, tbox)):
        if triple not in asserted:
            yield triple


def _with_inverses(values: set[Triple], tbox: ReductionTbox) -> set[Triple]:
    closed = set(values)
    for s, p, o in values:
        for inverse in tbox.inverses.get(p, ()):
            closed.add((o, inverse, s))
    return closed
