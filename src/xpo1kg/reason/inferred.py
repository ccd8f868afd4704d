"""Inferred facts for queries and exports: reasoning results cached per input, in their own graph."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.term import Node

from xpo1kg.errors import XPO1KGError
from xpo1kg.rdf.namespaces import bind_prefixes
from xpo1kg.rdf.safefile import atomic_write
from xpo1kg.reason.provenance_nodes import add_provenance
from xpo1kg.reason.reasoner import INFERRED_GRAPH, reason, reason_at_scale
from xpo1kg.reason.reasoning_report import Mode, ReasonerName, ReasoningReport
from xpo1kg.store.embedded import Store

__all__ = [
    "cache_directory",
    "cached_inferred_file",
    "inferred_graph",
    "inferred_graph_of_store",
    "mark_inferred",
    "store_label",
]


def cache_directory() -> Path:
    """Return where inferred graphs are cached (``$XDG_CACHE_HOME/xpo1kg`` or ``~/.cache/xpo1kg``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xpo1kg"


_LABEL = ox.NamedNode(str(RDFS.label))

#: The layout of the cached graph; bump it when what the inferred graph holds changes.
#: 2: every inferred triple carries its provenance node (rule, premises; :mod:`.provenance`).
CACHE_FORMAT = 2


def _cache_key(content_key: str, reasoner: ReasonerName, mode: Mode) -> str:
    text = f"{version('xpo1kg')}|{CACHE_FORMAT}|{reasoner}|{mode}|{content_key}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cache_paths(content_key: str, reasoner: ReasonerName, mode: Mode) -> tuple[Path, Path]:
    """Return the cache file of an input's inferred graph, and the one of its inconsistency."""
    path = cache_directory() / f"inferred-{_cache_key(content_key, reasoner, mode)}.nt"
    return path, path.with_suffix(".inconsistent")


def cached_inferred_file(
    content_key: str, *, reasoner: ReasonerName = "hermit", mode: Mode = "auto"
) -> Path | None:
    """Return the cached N-Triples of an input's inferred graph, or None when it is not cached.

    Raises :class:`~xpo1kg.errors.XPO1KGError` when the same input was found inconsistent.
    Reading the file straight into a store costs no rdflib parse of the input.
    """
    path, failure = _cache_paths(content_key, reasoner, mode)
    if path.exists():
        return path
    if failure.exists():  # the same input was found inconsistent before: say so again
        raise XPO1KGError(failure.read_text(encoding="utf-8"))
    return None


def mark_inferred(inferred: Graph, engine: str) -> Graph:
    """Add the triples that describe the inferred graph itself (what it is, who made it)."""
    inferred.add((INFERRED_GRAPH, RDF.type, PROV.Entity))
    inferred.add((INFERRED_GRAPH, RDFS.label, Literal("inferred facts")))
    description = (
        "Facts entailed by the xpo1kg ontology and data but asserted in no source file, "
        f"computed by {engine}."
    )
    inferred.add((INFERRED_GRAPH, DCTERMS.description, Literal(description)))
    return inferred


def inferred_graph(
    graph: Graph,
    ontology: Graph,
    content_key: str | None,
    *,
    reasoner: ReasonerName = "hermit",
    mode: Mode = "auto",
) -> tuple[Graph, ReasoningReport | None]:
    """Return the inferred graph, from the cache when the input (``content_key``) is unchanged.

    Each inferred triple comes with its provenance node (the rule that produced it and its
    premises, see :mod:`xpo1kg.reason.provenance`). The report is None when the graph came from the
    cache. Inconsistent input raises
    :class:`~xpo1kg.errors.XPO1KGError` naming the problem (also cached: the same input is not
    reasoned on again to fail again).
    """
    path = failure = None
    if content_key is not None:
        path, failure = _cache_paths(content_key, reasoner, mode)
        cached = cached_inferred_file(content_key, reasoner=reasoner, mode=mode)
        if cached is not None:
            return bind_prefixes(Graph()).parse(cached, format="nt"), None
    report = reason(graph, ontology, reasoner=reasoner, mode=mode)
    inferred = _described(report, graph, ontology, failure)
    if path is not None:
        _write_cache(path, inferred.serialize(format="nt", encoding="utf-8"))
    return inferred, report


def inferred_graph_of_store(
    store: ox.Store,
    graphs: Sequence[str],
    ontology: Graph,
    *,
    reasoner: ReasonerName = "hermit",
    keep_closure_in: Store | None = None,
) -> Graph:
    """Return the inferred graph of a big store's ``graphs``, read from Oxigraph as they are.

    What :func:`inferred_graph` gives in ``auto`` mode above
    :data:`~xpo1kg.reason.reasoner.AUTO_DL_LIMIT` triples, without an rdflib graph of the data
    (at 1.42M triples, `query --store --inferred` took 59 s and 1.6 GB this way, 117 s and 3.0 GB
    through rdflib). Inconsistent data raises :class:`~xpo1kg.errors.XPO1KGError`.
    ``keep_closure_in``: the persistent store whose closure is saved for later additions
    (:mod:`xpo1kg.reason.incremental`).
    """
    from xpo1kg.reason.rules import Closure, oxigraph_triples

    report = reason_at_scale(
        oxigraph_triples(store, graphs), ontology, store_label(store, graphs), reasoner=reasoner
    )
    closure, report = report.closure, replace(report, closure=None)
    if keep_closure_in is not None and report.consistent and isinstance(closure, Closure):
        from xpo1kg.reason.stored_closure import save_closure

        save_closure(keep_closure_in, closure)
    del closure  # freed before provenance, which needs as much memory again
    return _described(report, _asserted_iri_triples(store, graphs), ontology, None)


def store_label(store: ox.Store, graphs: Sequence[str]) -> Callable[[str], str | None]:
    """Return a function naming an individual by its ``rdfs:label`` in ``graphs`` (for problems)."""

    def label(iri: str) -> str | None:
        for graph in graphs:
            for quad in store.quads_for_pattern(
                ox.NamedNode(iri), _LABEL, None, ox.NamedNode(graph)
            ):
                return str(getattr(quad.object, "value", quad.object))
        return None

    return label


def _asserted_iri_triples(
    store: ox.Store, graphs: Sequence[str]
) -> Iterator[tuple[URIRef, URIRef, URIRef]]:
    for graph in graphs:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            s, o = quad.subject, quad.object
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
                yield URIRef(s.value), URIRef(quad.predicate.value), URIRef(o.value)


def _described(
    report: ReasoningReport,
    asserted: Iterable[tuple[Node, Node, Node]],
    ontology: Graph,
    failure: Path | None,
) -> Graph:
    """Return the report's facts with their provenance and description; raise if inconsistent."""
    if not report.consistent:
        message = "; ".join(report.problems) or "the graph is inconsistent"
        if failure is not None:
            _write_cache(failure, message.encode("utf-8"))
        raise XPO1KGError(message)
    inferred = bind_prefixes(Graph())
    for triple in report.inferred:
        inferred.add(triple)
    add_provenance(inferred, asserted, ontology)
    return mark_inferred(inferred, report.engine)


def _write_cache(path: Path, content: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, content)
    except OSError:
        pass
