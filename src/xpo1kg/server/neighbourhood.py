"""An entity's neighbourhood: the resources linked to it by one statement, either way.

Read from the in-process graph (:func:`neighbourhood`), drawn as an SVG of links for the entity
page (:func:`neighbourhood_svg`) and given as Cytoscape JSON (:meth:`Neighbourhood.cytoscape`,
served by :mod:`xpo1kg.server.entity_extras` at ``/resource/{X}/neighbourhood.cyjs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from rdflib.term import URIRef

from xpo1kg.rdf.namespaces import PREFIXES, compress
from xpo1kg.server.tables import local_href
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["Edge", "Neighbourhood", "Node", "neighbourhood", "neighbourhood_svg"]

#: Nodes shown around an entity at most (a hub such as XPO1 stays readable).
MAX_NEIGHBOURS = 36
_SKIPPED = {
    PREFIXES["rdf"] + "type",
    PREFIXES["dcterms"] + "source",
    PREFIXES["owl"] + "annotatedSource",
    PREFIXES["owl"] + "annotatedTarget",
}


@dataclass(frozen=True)
class Node:
    """A node of the neighbourhood: the entity or one linked to it."""

    iri: str
    label: str
    href: str | None
    centre: bool = False


@dataclass(frozen=True)
class Edge:
    """A statement between two nodes."""

    source: str
    target: str
    predicate: str
    label: str


@dataclass(frozen=True)
class Neighbourhood:
    """An entity and the resources it is linked to by one statement, either way."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    truncated: bool

    def cytoscape(self) -> dict[str, Any]:
        """Return the neighbourhood as Cytoscape JSON (``.cyjs``, as Cytoscape desktop reads)."""
        centre = next(n for n in self.nodes if n.centre)
        return {
            "format_version": "1.0",
            "generated_by": "xpo1kg",
            "target_cytoscapejs_version": "~2.1",
            "data": {"name": f"neighbourhood of {centre.label}", "shared_name": centre.iri},
            "elements": {
                "nodes": [
                    {
                        "data": {
                            "id": n.iri,
                            "name": n.label,
                            "href": n.href or n.iri,
                            "centre": n.centre,
                        }
                    }
                    for n in self.nodes
                ],
                "edges": [
                    {
                        "data": {
                            "id": f"e{i}",
                            "source": e.source,
                            "target": e.target,
                            "interaction": e.label,
                            "predicate": e.predicate,
                        }
                    }
                    for i, e in enumerate(self.edges)
                ],
            },
        }


_LINKS = """
SELECT DISTINCT ?s ?p ?o WHERE {
  { ?entity ?p ?o . BIND(?entity AS ?s) FILTER(isIRI(?o) && STRSTARTS(STR(?o), STR(xr:))) }
  UNION
  { ?s ?p ?entity . BIND(?entity AS ?o) FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(xr:))) }
} ORDER BY ?p ?s ?o
"""


def neighbourhood(kg: KnowledgeGraph, iri: str) -> Neighbourhood | None:
    """Return the entity and the resources linked to it; None when it links to none.

    >>> from xpo1kg import load_graph
    >>> near = neighbourhood(load_graph(), "https://w3id.org/xpo1kg/resource/BBC3")
    >>> "https://w3id.org/xpo1kg/resource/TP53" in {n.iri for n in near.nodes}
    True
    """
    result = kg.query(_LINKS, {"entity": URIRef(iri)})
    edges: list[Edge] = []
    others: list[str] = []
    truncated = False
    property_labels: dict[str, str] = {}
    for s, p, o in result.rows:
        predicate = str(p)
        if predicate in _SKIPPED or s == o:
            continue
        other = str(o) if str(s) == iri else str(s)
        if other not in others:
            if len(others) >= MAX_NEIGHBOURS:
                truncated = True
                continue
            others.append(other)
        if predicate not in property_labels:
            label = kg.label(URIRef(predicate))
            property_labels[predicate] = compress(predicate) if label == predicate else label
        edges.append(Edge(str(s), str(o), predicate, property_labels[predicate]))
    if not others:
        return None

    def node(target: str, centre: bool = False) -> Node:
        label = kg.label(URIRef(target))
        return Node(target, compress(target) if label == target else label,
                    local_href(target), centre)  # fmt: skip

    nodes = [node(iri, True), *sorted((node(o) for o in others), key=lambda n: n.label.casefold())]
    return Neighbourhood(tuple(nodes), tuple(edges), truncated)


_WIDTH = 560
_SPREAD = 220  # horizontal distance of the two columns of neighbours from the entity
_ROW = 26
#: Longest node label drawn (longer ones are cut with "…"; the full label is the tooltip).
_LABEL_CHARS = 30


def neighbourhood_svg(near: Neighbourhood) -> str:
    """Draw the neighbourhood: the entity in the middle, linked nodes in two columns (links).

    Labels face outwards, one row each, so that none overlaps another whatever the count.
    """
    centre = next(n for n in near.nodes if n.centre)
    around = [n for n in near.nodes if not n.centre]
    left = around[: (len(around) + 1) // 2]
    right = around[len(left) :]
    height = max(160, _ROW * len(left) + 40)
    middle = _WIDTH / 2
    places = {centre.iri: (middle, height / 2)}
    for column, side in ((left, -1), (right, 1)):
        top = (height - _ROW * (len(column) - 1)) / 2
        for i, n in enumerate(column):
            places[n.iri] = (middle + side * _SPREAD, top + _ROW * i)
    parts = [
        (
            f'<svg class="neighbourhood" xmlns="http://www.w3.org/2000/svg" viewBox="-180 0 '
            f'{_WIDTH + 360} {height}" role="img" aria-labelledby="neighbourhood-title">'
        ),
        (
            f'<title id="neighbourhood-title">{escape(centre.label)} and the '
            f"{len(around)} entities linked to it</title>"
        ),
    ]
    by_pair: dict[tuple[str, str], list[str]] = {}
    for e in near.edges:
        by_pair.setdefault((e.source, e.target), []).append(e.label)
    for (source, target), labels in sorted(by_pair.items()):
        (x1, y1), (x2, y2) = places[source], places[target]
        words = escape("; ".join(sorted(set(labels))))
        other = target if source == centre.iri else source
        parts.append(
            f'<line class="edge" data-node="{escape(other)}" x1="{x1:.1f}" y1="{y1:.1f}" '
            f'x2="{x2:.1f}" y2="{y2:.1f}"><title>{escape(_label(near, source))} {words} '
            f"{escape(_label(near, target))}</title></line>"
        )
    for n in near.nodes:
        x, y = places[n.iri]
        anchor = "middle" if n.centre else "start" if x > middle else "end"
        dx = 0 if anchor == "middle" else 12 if anchor == "start" else -12
        dy = -16 if n.centre else 4
        body = (
            f'<circle class="node{" centre" if n.centre else ""}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{11 if n.centre else 7}"/>'
            f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">'
            f"<title>{escape(n.label)}</title>{escape(_short(n.label))}</text>"
        )
        if n.href and not n.centre:
            body = f'<a class="node-link" href="{escape(n.href)}" data-node="{escape(n.iri)}">{body}</a>'
        parts.append(body)
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str) -> str:
    """Cut a long label for drawing.

    >>> _short("IC50 range of selinexor over bladder cancer cell lines (various)")
    'IC50 range of selinexor over …'
    """
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1].rstrip() + " …"


def _label(near: Neighbourhood, iri: str) -> str:
    return next((n.label for n in near.nodes if n.iri == iri), iri)
