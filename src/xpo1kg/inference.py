"""Inferred facts for queries and exports: reasoning results cached per input, in their own graph."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from .errors import XPO1KGError
from .export import atomic_write
from .loading import RDFSource
from .namespaces import bind_prefixes
from .reasoning import INFERRED_GRAPH, Mode, ReasonerName, ReasoningReport, reason

__all__ = ["cache_directory", "inferred_graph", "mark_inferred"]


def cache_directory() -> Path:
    """Return where inferred graphs are cached (``$XDG_CACHE_HOME/xpo1kg`` or ``~/.cache/xpo1kg``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xpo1kg"


def _cache_key(sources: Sequence[RDFSource], reasoner: ReasonerName, mode: Mode) -> str:
    digest = hashlib.sha256(f"{version('xpo1kg')}|{reasoner}|{mode}".encode())
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


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
    sources: Sequence[RDFSource],
    *,
    reasoner: ReasonerName = "hermit",
    mode: Mode = "auto",
) -> tuple[Graph, ReasoningReport | None]:
    """Return the inferred graph for these sources, from the cache when the inputs are unchanged.

    The report is None when the graph came from the cache. Inconsistent input raises
    :class:`~xpo1kg.errors.XPO1KGError` naming the problem.
    """
    path = cache_directory() / f"inferred-{_cache_key(sources, reasoner, mode)}.nt"
    if path.exists():
        return bind_prefixes(Graph()).parse(path, format="nt"), None
    report = reason(graph, ontology, reasoner=reasoner, mode=mode)
    if not report.consistent:
        raise XPO1KGError("; ".join(report.problems) or "the graph is inconsistent")
    inferred = mark_inferred(report.inferred, report.engine)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, inferred.serialize(format="nt", encoding="utf-8"))
    except OSError:
        pass  # a cache that cannot be written only costs time
    return inferred, report
