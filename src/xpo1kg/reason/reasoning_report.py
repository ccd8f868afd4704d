"""What reasoning hands back: a run's report, one engine's raw outcome, and their vocabulary.

:class:`ReasoningReport` is what :func:`xpo1kg.reason.reasoner.reason` returns; an
:class:`EngineOutcome` is what one engine run gives (:mod:`.java_reasoners`, :mod:`.owl_rl`)
before it is reduced to new facts about individuals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from xpo1kg.rdf.namespaces import XO, XR

__all__ = [
    "REASONER_NAMES",
    "EngineOutcome",
    "Mode",
    "ReasonerName",
    "ReasoningReport",
    "Triple",
    "is_individual",
    "is_named_class",
]

ReasonerName = Literal["hermit", "pellet", "rules"]
Mode = Literal["auto", "dl", "rl"]
Triple = tuple[URIRef, URIRef, URIRef]


#: How each reasoner is named in reports and messages.
REASONER_NAMES = {"hermit": "HermiT", "pellet": "Pellet", "rules": "rules"}


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


@dataclass
class EngineOutcome:
    """One engine run: consistency, entailments, class tree, unsatisfiable classes, problems."""

    consistent: bool
    entailed: set[Triple]
    hierarchy: dict[URIRef, set[URIRef]]
    unsatisfiable: set[str]
    problems: list[str]


def is_individual(node: Any) -> bool:
    """Whether ``node`` is an individual of the graph (an ``xr:`` IRI)."""
    return isinstance(node, URIRef) and str(node).startswith(str(XR))


def is_named_class(node: Any) -> bool:
    """Whether ``node`` is a named class of the ontology (an ``xo:`` IRI)."""
    return isinstance(node, URIRef) and str(node).startswith(str(XO))
