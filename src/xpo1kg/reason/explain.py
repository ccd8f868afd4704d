"""How the graph knows a statement: its evidence if asserted, its derivation if inferred.

:func:`explain` resolves SUBJECT PREDICATE OBJECT (CURIEs, IRIs, labels, synonyms, identifiers,
or the local names of ontology terms) and returns an :class:`Explanation`:

- ``asserted``: the named graphs that hold it and the evidence of each ``owl:Axiom`` annotation
  of it (one per source), or of the node itself for measurements and steps (source, primary
  source, evidence type, knowledge level, agent type, modality and hedge, verbatim quote);
- ``inferred``: the rule and the axiom's home recorded in the inferred graph
  (:mod:`xpo1kg.reason.provenance`), and the explanation of each premise, down to asserted statements;
- ``absent``: the closest statements the graph does hold (same subject and predicate, same
  subject and object, same predicate and object).

The names are resolved by :mod:`.statement_resolution`; :mod:`.explanation_text` renders the
explanation for people.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, NOT_ASSERTED
from xpo1kg.rdf.namespaces import BIOLINK, XO, compress
from xpo1kg.reason.statement_resolution import Node, resolve_statement
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["Evidence", "Explanation", "Term", "explain"]

Status = Literal["asserted", "inferred", "absent"]
#: Closest statements listed per pattern for a statement the graph does not hold.
MAX_CLOSEST = 10

# A node with one of these carries the evidence of its own statements (measurements, steps); the
# dcterms:source of an ordinary entity is where it is described, not evidence for each statement.
_OWN_EVIDENCE = (XO.supportingText, XO.evidenceType, XO.hasEndpoint)


@dataclass(frozen=True)
class Term:
    """An IRI with its label and CURIE, or a literal value (``iri`` is then None)."""

    label: str
    iri: str | None = None
    curie: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: ``iri``, ``curie``, ``label`` (or ``value`` for a literal)."""
        if self.iri is None:
            return {"value": self.label}
        return {"iri": self.iri, "curie": self.curie, "label": self.label}


@dataclass(frozen=True)
class Evidence:
    """What one annotation (or evidence-bearing node) says about how a statement is known."""

    source: Term | None = None
    citation: str | None = None
    primary_sources: tuple[Term, ...] = ()
    evidence_type: Term | None = None
    knowledge_level: str | None = None
    agent_type: str | None = None
    modality: Term | None = None
    hedge: str | None = None
    quote: str | None = None
    comment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (every key present, None where the graph says nothing)."""
        return {
            "source": self.source.to_dict() if self.source else None,
            "citation": self.citation,
            "primary_sources": [p.to_dict() for p in self.primary_sources],
            "evidence_type": self.evidence_type.to_dict() if self.evidence_type else None,
            "knowledge_level": self.knowledge_level,
            "agent_type": self.agent_type,
            "modality": self.modality.to_dict() if self.modality else None,
            "hedge": self.hedge,
            "quote": self.quote,
            "comment": self.comment,
        }


@dataclass(frozen=True)
class Explanation:
    """How the graph knows one statement (see the module docstring)."""

    subject: Term
    predicate: Term
    object: Term
    status: Status
    graphs: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    rule: str | None = None
    inferred_by: Term | None = None
    premises: tuple[Explanation, ...] = ()
    closest: tuple[Explanation, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON form; premises and closest statements nest the same way."""
        return {
            "statement": {
                "subject": self.subject.to_dict(),
                "predicate": self.predicate.to_dict(),
                "object": self.object.to_dict(),
            },
            "status": self.status,
            "graphs": list(self.graphs),
            "evidence": [e.to_dict() for e in self.evidence],
            "rule": self.rule,
            "inferred_by": self.inferred_by.to_dict() if self.inferred_by else None,
            "premises": [p.to_dict() for p in self.premises],
            "closest": [c.to_dict() for c in self.closest],
        }

    def sentence(self) -> str:
        """Return the statement in words: ``selinexor —causes nuclear retention of→ TP53``."""
        return f"{self.subject.label} —{self.predicate.label}→ {self.object.label}"


class _Reader:
    """Look-ups on the store, restricted to the graphs the knowledge graph queries."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.store = kg.store.oxigraph
        names = kg.store.graph_names()
        self.inferred = kg.has_inferred
        self.asserted = set(names - NOT_ASSERTED)
        self.visible = self.asserted | ({INFERRED_GRAPH_IRI} if self.inferred else set())
        self.memo: dict[tuple[str, str, str], Explanation] = {}

    def quads(self, s: Node | None, p: ox.NamedNode | None, o: Node | None) -> Iterator[ox.Quad]:
        for quad in self.store.quads_for_pattern(s, p, o, None):  # type: ignore[arg-type]
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in self.visible:
                yield quad

    def values(self, node: Node, prop: str) -> list[Node]:
        found = {q.object for q in self.quads(node, ox.NamedNode(prop), None)}
        return sorted(found, key=str)  # type: ignore[arg-type]

    def value(self, node: Node, prop: str) -> Node | None:
        found = self.values(node, prop)
        return found[0] if found else None

    def text(self, node: Node, prop: str) -> str | None:
        found = self.value(node, prop)
        return found.value if found is not None else None

    def term(self, node: Node) -> Term:
        if isinstance(node, ox.NamedNode):
            label = self.kg.label(_uri(node))
            curie = compress(node.value)
            if node.value == str(RDF.type):
                label = "is a"
            return Term(curie if label == node.value else label, node.value, curie)
        return Term(node.value)

    def graphs_of(self, s: Node, p: ox.NamedNode, o: Node) -> set[str]:
        return {q.graph_name.value for q in self.quads(s, p, o)}  # type: ignore[union-attr]

    def annotations(self, s: Node, p: ox.NamedNode, o: Node, graphs: set[str]) -> list[Node]:
        """Return the nodes in ``graphs`` that annotate (s, p, o), sorted."""
        found = set()
        for quad in self.quads(None, ox.NamedNode(str(OWL.annotatedSource)), s):
            if quad.graph_name.value not in graphs:  # type: ignore[union-attr]
                continue
            node = cast(Node, quad.subject)
            if p in self.values(node, str(OWL.annotatedProperty)) and o in self.values(
                node, str(OWL.annotatedTarget)
            ):
                found.add(node)
        return sorted(found, key=self._annotation_order)

    def _annotation_order(self, node: Node) -> tuple[tuple[str, ...], ...]:
        """Order annotations by what they say, not by their blank-node labels.

        Blank-node labels differ from one load of the same files to the next; the source, the
        evidence type, the quote and the comment do not.
        """
        fields = (DCTERMS.source, XO.evidenceType, XO.supportingText, RDFS.comment)
        said = tuple(tuple(str(v) for v in self.values(node, str(f))) for f in fields)
        return (*said, (str(node),))

    def evidence(self, node: Node, own: Node | None = None) -> Evidence:
        """Read the evidence fields of an annotation (or of ``own``, a node's own evidence)."""
        source = self.value(node, str(DCTERMS.source))
        return Evidence(
            source=self.term(source) if source is not None else None,
            citation=self.text(source, str(DCTERMS.bibliographicCitation)) if source else None,
            primary_sources=tuple(
                self._primary(p) for p in self.values(node, str(XO.primarySource))
            ),
            evidence_type=self._optional_term(node, str(XO.evidenceType)),
            knowledge_level=self.text(node, str(BIOLINK.knowledge_level)),
            agent_type=self.text(node, str(BIOLINK.agent_type)),
            modality=self._optional_term(node, str(XO.modality)),
            hedge=self.text(node, str(XO.hedge)),
            quote=self.text(node, str(XO.supportingText)),
            comment=self.text(node, str(RDFS.comment)) if node != own else None,
        )

    def _optional_term(self, node: Node, prop: str) -> Term | None:
        found = self.value(node, prop)
        return self.term(found) if found is not None else None

    def _primary(self, node: Node) -> Term:
        term = self.term(node)
        found = self.values(node, str(DCTERMS.identifier)) or self.values(
            node, str(SKOS.exactMatch)
        )
        # PubMed first: the identifier UniProt and GO cite evidence by.
        identifiers = sorted((i.value for i in found), key=lambda i: (not i.startswith("PMID"), i))
        if identifiers and identifiers[0] not in term.label:
            return Term(f"{term.label} ({', '.join(identifiers)})", term.iri, term.curie)
        return term


def _uri(node: ox.NamedNode) -> URIRef:
    return URIRef(node.value)


def _explain(reader: _Reader, s: Node, p: ox.NamedNode, o: Node, *, closest: bool) -> Explanation:
    key = (str(s), str(p), str(o))
    if key in reader.memo:
        return reader.memo[key]
    terms = (reader.term(s), reader.term(p), reader.term(o))
    graphs = reader.graphs_of(s, p, o)
    asserted = graphs & reader.asserted
    if asserted:
        nodes = reader.annotations(s, p, o, reader.asserted)
        evidence = [reader.evidence(n) for n in nodes]
        if not evidence and any(reader.value(s, str(prop)) for prop in _OWN_EVIDENCE):
            evidence = [reader.evidence(s, own=s)]  # a measurement or step carries its own
        result = Explanation(*terms, "asserted", tuple(sorted(asserted)), tuple(evidence))
    elif graphs:
        result = _inferred(reader, s, p, o, terms)
    else:
        near = _closest(reader, s, p, o) if closest else ()
        result = Explanation(*terms, "absent", closest=near)
    reader.memo[key] = result
    return result


def _inferred(
    reader: _Reader, s: Node, p: ox.NamedNode, o: Node, terms: tuple[Term, Term, Term]
) -> Explanation:
    nodes = reader.annotations(s, p, o, {INFERRED_GRAPH_IRI})
    nodes = [n for n in nodes if reader.value(n, str(XO.inferenceRule)) is not None]
    if not nodes:
        return Explanation(*terms, "inferred", (INFERRED_GRAPH_IRI,))
    node = nodes[0]
    home = reader.value(node, str(XO.inferredBy))
    premises = []
    for premise in reader.values(node, str(XO.premise)):
        ps = reader.value(premise, str(OWL.annotatedSource))
        pp = reader.value(premise, str(OWL.annotatedProperty))
        po = reader.value(premise, str(OWL.annotatedTarget))
        if ps is not None and isinstance(pp, ox.NamedNode) and po is not None:
            premises.append(_explain(reader, ps, pp, po, closest=False))
    # RDF keeps no order: premises about the statement's subject first (a chain's first link).
    subject = terms[0].iri
    premises.sort(key=lambda e: (e.subject.iri != subject, e.sentence()))
    return Explanation(
        *terms,
        "inferred",
        (INFERRED_GRAPH_IRI,),
        (reader.evidence(node),),
        rule=reader.text(node, str(XO.inferenceRule)),
        inferred_by=reader.term(home) if home is not None else None,
        premises=tuple(premises),
    )


def _closest(reader: _Reader, s: Node, p: ox.NamedNode, o: Node) -> tuple[Explanation, ...]:
    found: list[Explanation] = []
    patterns: list[tuple[Node | None, ox.NamedNode | None, Node | None]] = [
        (s, p, None),
        (s, None, o),
        (None, p, o),
    ]
    for pattern in patterns:
        quads = sorted(
            {(q.subject, q.predicate, q.object) for q in reader.quads(*pattern)},
            key=lambda t: tuple(str(x) for x in t),
        )
        quads = [
            t
            for t in quads
            if not isinstance(t[0], ox.BlankNode) and not isinstance(t[2], ox.BlankNode)
        ]
        for qs, qp, qo in quads[:MAX_CLOSEST]:
            near = _explain(reader, qs, qp, qo, closest=False)  # type: ignore[arg-type]
            if near not in found:
                found.append(near)
    return tuple(found)


def explain(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> Explanation:
    """Explain how ``kg`` knows SUBJECT PREDICATE OBJECT (see the module docstring)."""
    s, p, o = resolve_statement(kg, subject, predicate, obj)
    return _explain(_Reader(kg), s, p, o, closest=True)
