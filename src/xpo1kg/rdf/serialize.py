"""Serialising the graph deterministically: same input, same bytes, small diffs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from rdflib import Graph, URIRef

from xpo1kg.rdf.canonical import canonical_triples
from xpo1kg.rdf.indexed_store import IndexedGraph
from xpo1kg.rdf.jsonld_context import jsonld_context
from xpo1kg.rdf.namespaces import bind_prefixes
from xpo1kg.rdf.safefile import atomic_write

__all__ = [
    "EXPORT_FORMATS",
    "FORMAT_ALIASES",
    "QUAD_FORMATS",
    "ExportFormat",
    "atomic_write",
    "export_format",
    "serialize",
    "serialize_dataset",
]

ExportFormat = Literal["ttl", "nt", "jsonld", "xml", "nq", "trig"]

#: Export format name -> (rdflib serializer, usual file extension).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", ".ttl"),
    "nt": ("nt", ".nt"),
    "jsonld": ("json-ld", ".jsonld"),
    "xml": ("xml", ".rdf"),
    "nq": ("nquads", ".nq"),
    "trig": ("trig", ".trig"),
}
#: Formats that keep named graphs (one per source file, one for inferred facts).
QUAD_FORMATS = ("nq", "trig")
#: Other names of the formats. Names are case-insensitive: ``RDF``, ``rdfxml`` and ``xml`` all name
#: RDF/XML (``release`` writes it as ``xpo1kg.rdf``).
FORMAT_ALIASES: dict[str, ExportFormat] = {
    "rdf": "xml",
    "rdfxml": "xml",
    "rdf/xml": "xml",
    "turtle": "ttl",
    "json-ld": "jsonld",
    "ntriples": "nt",
    "n-triples": "nt",
    "nquads": "nq",
    "n-quads": "nq",
}


def export_format(name: str) -> ExportFormat:
    """Return the export format a name means (any case, aliases allowed), or raise ValueError.

    >>> export_format("RDF"), export_format("rdfxml"), export_format("TTL")
    ('xml', 'xml', 'ttl')
    """
    folded = name.strip().lower()
    if folded in EXPORT_FORMATS:
        return folded  # type: ignore[return-value]
    if folded in FORMAT_ALIASES:
        return FORMAT_ALIASES[folded]
    known = ", ".join(sorted([*EXPORT_FORMATS, *FORMAT_ALIASES]))
    raise ValueError(f"unknown export format {name!r} (expected one of {known})")


def _named(name: str) -> ExportFormat:
    """Resolve a format name, leaving an unknown one for the caller's message."""
    try:
        return export_format(name)
    except ValueError:
        return name  # type: ignore[return-value]


def _sort_key(node: Any) -> tuple[str, str]:
    return (type(node).__name__, node.n3())


class _SortedGraph(IndexedGraph):
    """A graph that hands subjects and their properties to serialisers in sorted order."""

    def subjects(self, predicate: Any = None, object: Any = None, unique: bool = False) -> Any:
        return iter(sorted(set(super().subjects(predicate, object)), key=_sort_key))

    def predicate_objects(self, subject: Any = None, unique: bool = False) -> Any:
        return iter(
            sorted(super().predicate_objects(subject), key=lambda po: tuple(map(_sort_key, po)))
        )


def canonical(graph: Graph, prefixes: Mapping[str, str] | None = None) -> Graph:
    """Return a copy whose blank nodes carry content-derived labels, with triples added in order."""
    ordered = bind_prefixes(_SortedGraph())
    for prefix, namespace in (prefixes or {}).items():
        ordered.bind(prefix, namespace, override=True, replace=True)
    ordered.addN((s, p, o, ordered) for s, p, o in _canonical_triples(frozenset(graph)))
    return ordered


Triple = tuple[Any, Any, Any]


@lru_cache(maxsize=16)  # a release: the graph, then each named graph for N-Quads and TriG
def _canonical_triples(triples: frozenset[Triple]) -> tuple[Triple, ...]:
    """Return the triples with canonical blank-node labels, sorted (once per content).

    Canonical labelling is most of the cost of serialising; a release writes one graph in
    four formats, and the cache (keyed by the triples themselves, so an edit is a new key)
    labels it once.
    """
    return tuple(sorted(canonical_triples(triples), key=lambda t: tuple(map(_sort_key, t))))


def serialize(
    graph: Graph, export_format: ExportFormat, prefixes: Mapping[str, str] | None = None
) -> bytes:
    """Serialise a graph deterministically in one of :data:`EXPORT_FORMATS`.

    ``prefixes`` adds prefixes to the project's (for vocabularies such as VoID and SPDX).

    >>> g = Graph().parse(data="<urn:a> <urn:b> [ <urn:c> 1 ] .", format="turtle")
    >>> serialize(g, "nt") == serialize(g, "nt")
    True
    """
    export_format = _named(export_format)
    if export_format not in EXPORT_FORMATS or export_format in QUAD_FORMATS:
        raise ValueError(f"unknown export format {export_format!r} for one graph")
    ordered = canonical(graph, prefixes)
    if export_format == "nt":
        # N-Triples is line-based: sorted lines make the output a pure function of the graph.
        lines = sorted(line for line in ordered.serialize(format="nt").splitlines() if line)
        return ("\n".join(lines) + "\n").encode("utf-8")
    if export_format == "jsonld":
        # The shipped context is embedded, never referenced, so readers need no network.
        context = {**jsonld_context(), **(prefixes or {})}
        document = json.loads(ordered.serialize(format="json-ld", context=context))
        return (json.dumps(_sorted_jsonld(document), indent=2, ensure_ascii=False) + "\n").encode()
    return ordered.serialize(format=EXPORT_FORMATS[export_format][0], encoding="utf-8")


def serialize_dataset(parts: Sequence[tuple[URIRef, Graph]], export_format: ExportFormat) -> bytes:
    r"""Serialise named graphs as N-Quads or TriG, deterministically (graphs sorted by IRI).

    >>> g = Graph().parse(data="<urn:a> <urn:b> <urn:c> .", format="turtle")
    >>> serialize_dataset([(URIRef("urn:g"), g)], "nq")
    b'<urn:a> <urn:b> <urn:c> <urn:g> .\n'
    """
    export_format = _named(export_format)
    if export_format not in QUAD_FORMATS:
        raise ValueError(f"unknown export format {export_format!r} for named graphs")
    ordered = sorted(parts, key=lambda part: str(part[0]))
    if export_format == "nq":
        lines: list[str] = []
        for name, graph in ordered:
            for line in serialize(graph, "nt").decode("utf-8").splitlines():
                lines.append(f"{line[: -len(' .')]} {name.n3()} .")
        return ("\n".join(sorted(lines)) + "\n").encode("utf-8")
    prefixes: set[str] = set()
    blocks: list[str] = []
    for name, graph in ordered:
        turtle = serialize(graph, "ttl").decode("utf-8").splitlines()
        prefixes |= {line for line in turtle if line.startswith("@prefix")}
        body = [line for line in turtle if not line.startswith("@prefix")]
        indented = "\n".join(
            f"    {line}" if line else "" for line in "\n".join(body).strip().splitlines()
        )
        blocks.append(f"{name.n3()} {{\n{indented}\n}}\n")
    return "\n".join(["\n".join(sorted(prefixes)) + "\n", *blocks]).encode("utf-8")


def _sorted_jsonld(document: object, *, ordered: bool = False) -> object:
    """Sort node objects by @id and value arrays by their JSON text; keep ``@list`` order."""
    if isinstance(document, dict):
        return {k: _sorted_jsonld(v, ordered=k == "@list") for k, v in sorted(document.items())}
    if isinstance(document, list):
        items = [_sorted_jsonld(item) for item in document]
        if ordered:
            return items
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return document
