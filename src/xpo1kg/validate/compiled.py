"""What the SHACL compiler makes: each constraint as a SPARQL SELECT query template.

A :class:`CompiledConstraint` is one SELECT query with one row per validation result: ``?this``
(the focus node), ``?value`` when the constraint reports one, and ``?path`` for SHACL-SPARQL. Its
template has three places (``#FOCUS#``, ``#TARGET#``, ``#CHECK#``) that :meth:`~CompiledConstraint.query`
fills depending on where the query starts (given focus nodes, every target, or the triples of a
predicate), and class tests (``%%INSTANCE ?x <C>%%``) that :func:`expand` writes out.
:class:`CompiledShapes` is what :func:`xpo1kg.validate.compiler.split_shapes` returns: the
constraints, and the shapes left to pyshacl.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from xpo1kg.errors import XPO1KGError

__all__ = [
    "ALL_TARGET_PARAMETERS",
    "CHECK",
    "FOCUS",
    "TARGET",
    "TARGET_PARAMETERS",
    "CompiledConstraint",
    "CompiledShapes",
    "UnsupportedShapeError",
    "expand",
]

# Query templates: ``#FOCUS#`` (first) takes ``VALUES ?this { ... }`` when validating some focus
# nodes; ``#TARGET#`` takes the target pattern when the query starts from every target node, and
# ``#CHECK#`` (last) ``FILTER EXISTS { targets }`` when the query starts from somewhere else: the
# focus nodes, or the triples of ``scan`` (cheaper when targets are many and violations few).
FOCUS, TARGET, CHECK = "#FOCUS#", "#TARGET#", "#CHECK#"
_INSTANCE = re.compile(r"%%INSTANCE (\?\w+) <([^>]*)>%%")  # "x is a SHACL instance of C"

TARGET_PARAMETERS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
#: Every way a shape gets focus nodes (sh:target, SHACL-AF, is never compiled).
ALL_TARGET_PARAMETERS = (*TARGET_PARAMETERS, SH.target)


class UnsupportedShapeError(XPO1KGError):
    """A shapes graph uses SHACL that fastshacl does not compile; use pyshacl for it."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint of one shape, as a SPARQL SELECT query over its focus nodes."""

    sparql: str
    targets: str
    source_shape: str
    path: str | None
    component: str
    severity: str
    message: str
    value_is_focus: bool = False
    scan: str | None = None
    scan_sparql: str | None = None
    #: The targeted shape this constraint belongs to (the shape itself, or an ancestor).
    root: str = ""
    #: False when the shape has no sh:message (the message is then empty: pyshacl words it).
    worded: bool = True

    def query(
        self,
        focus_values: str = "",
        subclasses: Mapping[str, Iterable[str]] | None = None,
        *,
        by_targets: bool = True,
        known_targets: bool = False,
    ) -> str:
        """Return the query text.

        With ``focus_values`` (``VALUES ?this { ... }``) the query starts from those nodes and
        checks that they are targets, unless ``known_targets``: its cost follows the number of
        focus nodes. Without, it starts from every target, or (``by_targets`` false, for queries
        with a ``scan`` predicate) from the triples of that predicate. ``subclasses`` maps classes
        to their rdfs:subClassOf* closure, for class tests faster than the property path.
        """
        check = f"FILTER EXISTS {{ {self.targets} }}"
        if focus_values:
            check = "" if known_targets else check
            text = (
                self.sparql.replace(FOCUS, focus_values).replace(TARGET, "").replace(CHECK, check)
            )
        elif self.scan_sparql is not None and not by_targets:
            text = self.scan_sparql.replace(CHECK, check)
        else:
            text = self.sparql.replace(FOCUS, "").replace(TARGET, self.targets).replace(CHECK, "")
        return expand(text, subclasses)

    def classes(self) -> set[str]:
        """Return the classes whose subclass closure the query needs."""
        return {match.group(2) for match in _INSTANCE.finditer(self.sparql + self.targets)}


def expand(text: str, subclasses: Mapping[str, Iterable[str]] | None = None) -> str:
    """Write out the class tests of a query: a property path, or VALUES of known subclasses."""
    counter = itertools.count()

    def instance(match: re.Match[str]) -> str:
        node, cls = match.groups()
        if subclasses is None:
            return f"{node} <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> ."
        classes = " ".join(f"<{c}>" for c in sorted({cls, *subclasses.get(cls, ())}))
        variable = f"?fsc{next(counter)}"
        return f"VALUES {variable} {{ {classes} }} {node} <{RDF.type}> {variable} ."

    return _INSTANCE.sub(instance, text)


@dataclass(frozen=True)
class CompiledShapes:
    """The constraints of the shapes that compile, and the shapes that do not (with why)."""

    constraints: tuple[CompiledConstraint, ...]
    #: (shape, reason) for each targeted shape left to pyshacl, sorted by shape.
    refused: tuple[tuple[Node, str], ...]
    #: Each compiled targeted shape (its targets are what the constraints check).
    compiled: frozenset[Node] = field(default_factory=frozenset)

    def fallback_graph(self, shapes: Graph) -> Graph:
        """Return a copy of ``shapes`` in which only the refused shapes have targets.

        Every shape stays (a refused shape may refer to a compiled one through sh:node...), but
        pyshacl then validates exactly the refused shapes.
        """
        return self.targeting(shapes, {shape for shape, _ in self.refused})

    def targeting(self, shapes: Graph, keep: set[Node]) -> Graph:
        """Return a copy of ``shapes`` in which only the shapes ``keep`` (of these) have targets."""
        drop = (self.compiled | {shape for shape, _ in self.refused}) - keep
        graph = Graph()
        for prefix, namespace in shapes.namespaces():
            graph.bind(prefix, namespace, override=True)
        for triple in shapes:
            subject, predicate, _ = triple
            if subject in drop and (
                predicate in ALL_TARGET_PARAMETERS
                or (predicate == RDF.type and triple[2] == RDFS.Class)
            ):
                continue
            graph.add(triple)
        return graph
