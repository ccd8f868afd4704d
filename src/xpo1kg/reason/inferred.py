"""Inferred facts for queries and exports: reasoning results cached per input, in their own graph."""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from xpo1kg.errors import XPO1KGError
from xpo1kg.rdf.namespaces import bind_prefixes
from xpo1kg.rdf.safefile import atomic_write
from xpo1kg.reason.provenance import add_provenance
from xpo1kg.reason.reasoner import INFERRED_GRAPH, Mode, ReasonerName, ReasoningReport, reason

__all__ = ["cache_directory", "inferred_graph", "mark_inferred"]


def cache_directory() -> Path:
    """Return where inferred graphs are cached (``$XDG_CACHE_HOME/xpo1kg`` or ``~/.cache/xpo1kg``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xpo1kg"


#: The layout of the cached graph; bump it when what the inferred graph holds changes.
#: 2: every inferred triple carries its provenance node (rule, premises; :mod:`.provenance`).
CACHE_FORMAT = 2


def _cache_key(content_key: str, reasoner: ReasonerName, mode: Mode) -> str:
    text = f"{version('xpo1kg')}|{CACHE_FORMAT}|{reasoner}|{mode}|{content_key}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


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
    :class:`~xpo1kg.errors.XPO1KGError` naming the problem.
    """
    path = None
    if content_key is not None:
        path = cache_directory() / f"inferred-{_cache_key(content_key, reasoner, mode)}.nt"
        if path.exists():
            return bind_prefixes(Graph()).parse(path, format="nt"), None
    report = reason(graph, ontology, reasoner=reasoner, mode=mode)
    if not report.consistent:
        raise XPO1KGError("; ".join(report.problems) or "the graph is inconsistent")
    inferred = bind_prefixes(Graph())
    for triple in report.inferred:
        inferred.add(triple)
    add_provenance(inferred, graph, ontology)
    mark_inferred(inferred, report.engine)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, inferred.serialize(format="nt", encoding="utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs time
    return inferred, report
