"""The provenance of inferred facts in the inferred graph: one ``owl:Axiom`` node per triple.

:mod:`.provenance` finds the derivations; this module writes them (see ``evidence-vocabulary``)::

    [] a owl:Axiom ; owl:annotatedSource s ; owl:annotatedProperty p ; owl:annotatedTarget o ;
       biolink:knowledge_level "logical_entailment" ; biolink:agent_type "automated_agent" ;
       xo:evidenceType obo:ECO_0000501 ; xo:inferredBy R ; xo:inferenceRule "..." ;
       xo:premise [ owl:annotatedSource s1 ; owl:annotatedProperty p1 ; owl:annotatedTarget o1 ] .

and reads them back (:func:`derivations`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from xpo1kg.rdf.namespaces import BIOLINK, OBO, XO
from xpo1kg.reason.provenance import Derivation, Triple, iri_triples, justify
from xpo1kg.reason.reasoner import INFERRED_GRAPH

__all__ = [
    "AUTOMATED_AGENT",
    "INFERRED_EVIDENCE",
    "LOGICAL_ENTAILMENT",
    "add_provenance",
    "derivations",
    "describe_derivations",
    "inferred_triples",
    "read_derivation",
]

#: biolink:knowledge_level of every inferred statement.
LOGICAL_ENTAILMENT = "logical_entailment"
#: biolink:agent_type of every inferred statement.
AUTOMATED_AGENT = "automated_agent"
#: xo:evidenceType of every inferred statement: evidence used in automatic assertion (IEA).
INFERRED_EVIDENCE = OBO.ECO_0000501


def inferred_triples(inferred: Graph) -> list[Triple]:
    """Return the inferred facts of an inferred graph (not its provenance nodes or description)."""
    return sorted(t for t in iri_triples(inferred) if t[0] != INFERRED_GRAPH)


def _node(triple: Triple) -> str:
    return "inf" + hashlib.sha256(" ".join(triple).encode()).hexdigest()[:24]


def _annotate(graph: Graph, node: BNode, triple: Triple) -> None:
    graph.add((node, OWL.annotatedSource, triple[0]))
    graph.add((node, OWL.annotatedProperty, triple[1]))
    graph.add((node, OWL.annotatedTarget, triple[2]))


def add_provenance(
    inferred: Graph, asserted: Iterable[tuple[Node, Node, Node]], ontology: Graph
) -> Graph:
    """Add one provenance node per inferred triple of ``inferred`` (in place) and return it."""
    return describe_derivations(inferred, justify(inferred_triples(inferred), asserted, ontology))


def describe_derivations(inferred: Graph, found: Mapping[Triple, Derivation]) -> Graph:
    """Add a provenance node for each derivation to ``inferred`` (in place) and return it."""
    for triple, derivation in sorted(found.items()):
        name = _node(triple)
        node = BNode(name)
        inferred.add((node, RDF.type, OWL.Axiom))
        _annotate(inferred, node, triple)
        inferred.add((node, BIOLINK.knowledge_level, Literal(LOGICAL_ENTAILMENT)))
        inferred.add((node, BIOLINK.agent_type, Literal(AUTOMATED_AGENT)))
        inferred.add((node, XO.evidenceType, INFERRED_EVIDENCE))
        if derivation.inferred_by is not None:
            inferred.add((node, XO.inferredBy, derivation.inferred_by))
        inferred.add((node, XO.inferenceRule, Literal(derivation.rule)))
        for index, premise in enumerate(derivation.premises):
            premise_node = BNode(f"{name}p{index}")
            inferred.add((node, XO.premise, premise_node))
            _annotate(inferred, premise_node, premise)
    return inferred


def derivations(inferred: Graph) -> dict[Triple, Derivation]:
    """Read the provenance nodes of an inferred graph back into derivations, by triple."""
    found: dict[Triple, Derivation] = {}
    for node in inferred.subjects(XO.inferenceRule, None):
        derivation = read_derivation(inferred, node)
        if derivation is not None:
            found[derivation.triple] = derivation
    return found


def read_derivation(inferred: Graph, node: Node) -> Derivation | None:
    """Read one provenance node (None if it does not name a triple)."""
    triple = _triple_of(inferred, node)
    if triple is None:
        return None
    premises = (_triple_of(inferred, n) for n in inferred.objects(node, XO.premise))
    home = inferred.value(node, XO.inferredBy)
    return Derivation(
        triple,
        home if isinstance(home, URIRef) else None,
        str(inferred.value(node, XO.inferenceRule)),
        # RDF keeps no order: those about the statement's subject first (a chain's first link).
        tuple(sorted((t for t in premises if t is not None), key=lambda t: (t[0] != triple[0], t))),
    )


def _triple_of(graph: Graph, node: Node) -> Triple | None:
    s = graph.value(node, OWL.annotatedSource)
    p = graph.value(node, OWL.annotatedProperty)
    o = graph.value(node, OWL.annotatedTarget)
    if isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef):
        return (s, p, o)
    return None
