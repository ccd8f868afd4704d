"""Content-derived blank-node labels, computed by colour refinement in linear passes.

rdflib's :func:`rdflib.compare.to_canonical_graph` is exact but costly on graphs with many blank
nodes that look alike at first sight (the axiom annotations of every inferred fact: 6.7 s for an
export's 6,169 triples, against 0.05 s here; docs/benchmarks.md). Here each blank node is
coloured by hashing its own edges, then its neighbours' colours, round after round, until every
blank node has a colour of its own. The labels depend only on the graph's content, never on the
parser's blank-node identifiers. When two blank nodes cannot be told apart (an automorphism,
such as two identical ``[ ]`` objects), rdflib's exact algorithm takes over.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable

from rdflib import BNode
from rdflib.compare import to_canonical_graph
from rdflib.graph import Graph
from rdflib.term import Node

__all__ = ["canonical_triples", "isomorphic"]

Triple = tuple[Node, Node, Node]


def canonical_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Return the triples with content-derived blank-node labels (unsorted).

    >>> from rdflib import URIRef
    >>> a, b = URIRef("urn:a"), URIRef("urn:b")
    >>> one = canonical_triples([(a, b, BNode("x")), (BNode("x"), b, a)])
    >>> two = canonical_triples([(a, b, BNode("y")), (BNode("y"), b, a)])
    >>> sorted(one) == sorted(two)
    True
    """
    triples = list(triples)
    labels = _refined_labels(triples)
    if labels is None:
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in triples)
        return list(to_canonical_graph(graph))
    return [(labels.get(s, s), p, labels.get(o, o)) for s, p, o in triples]


def isomorphic(first: Iterable[Triple], second: Iterable[Triple]) -> bool:
    """Whether two graphs are the same up to blank-node names (as :func:`rdflib.compare.isomorphic`).

    Both are labelled by :func:`canonical_triples`, whose labels depend only on content, so equal
    labelled sets mean an isomorphism; much faster than rdflib's check on graphs with many blank
    nodes.

    >>> from rdflib import URIRef
    >>> a, b = URIRef("urn:a"), URIRef("urn:b")
    >>> isomorphic([(a, b, BNode("x"))], [(a, b, BNode("y"))])
    True
    >>> isomorphic([(a, b, BNode("x"))], [(BNode("y"), b, a)])
    False
    """
    one, two = set(first), set(second)
    return len(one) == len(two) and set(canonical_triples(one)) == set(canonical_triples(two))


def _refined_labels(triples: list[Triple]) -> dict[Node, BNode] | None:
    """Label every blank node by colour refinement, or None when two stay alike."""
    edges: defaultdict[Node, list[tuple[str, Node]]] = defaultdict(list)
    for s, p, o in triples:
        if isinstance(s, BNode):
            edges[s].append(("out " + p.n3(), o))
        if isinstance(o, BNode):
            edges[o].append(("in " + p.n3(), s))
    if not edges:
        return {}
    colour = dict.fromkeys(edges, "")
    labels: dict[Node, BNode] = {}
    classes = 1
    while True:
        colour = {
            node: _hash(colour[node], node_edges, colour) for node, node_edges in edges.items()
        }
        sizes = Counter(colour.values())
        for node, value in colour.items():
            # A node keeps the colour of the round it became unique: later rounds only repeat
            # what the colour already tells apart, and an edit far away leaves its label alone.
            if sizes[value] == 1 and node not in labels:
                labels[node] = BNode("c" + value[:32])
        if len(labels) == len(edges):
            return labels
        if len(sizes) == classes:
            return None
        classes = len(sizes)


def _hash(own: str, node_edges: list[tuple[str, Node]], colour: dict[Node, str]) -> str:
    parts = sorted(
        relation + " " + (colour[other] if isinstance(other, BNode) else other.n3())
        for relation, other in node_edges
    )
    return hashlib.sha256("\n".join([own, *parts]).encode("utf-8")).hexdigest()
