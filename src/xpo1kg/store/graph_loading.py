"""load_graph(): a knowledge graph of the bundled and a user's files, or of a persistent store.

Files are loaded into a new in-memory Oxigraph store, with the inferred facts computed on first
need (:class:`~xpo1kg.store.knowledge_graph.Reasoning`); a store directory is opened read-only, or
queried from its snapshot in memory when that is current (:mod:`xpo1kg.store.snapshot`), and
keeps its inferred graph once computed. :func:`in_memory_view` copies a store's graphs into
memory for a change to be tried on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from xpo1kg.errors import InputError
from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI
from xpo1kg.rdf.loading import RDFSource
from xpo1kg.rdf.namespaces import XO
from xpo1kg.reason.reasoner import reasons_at_scale
from xpo1kg.reason.reasoning_report import Mode, ReasonerName
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.store.bundled_graph import ensure_bundled
from xpo1kg.store.embedded import Store

if TYPE_CHECKING:
    from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["in_memory_view", "load_graph"]


def load_graph(
    extra_files: Iterable[str | Path] = (),
    *,
    bundled_data: bool = True,
    inferred: bool | None = None,
    reasoner: ReasonerName = "hermit",
    mode: Mode = "auto",
    store: str | Path | None = None,
    writable: bool = False,
) -> KnowledgeGraph:
    """Load the ontology and the bundled data, plus any extra RDF files, into Oxigraph.

    Inferred facts are included by default (``inferred=None``): the reasoner's conclusions are
    added for queries, in their own graph, computed on first need and cached by the content of
    the input, so only the first call on a given input pays. If they cannot be computed (an
    inconsistent graph, no Java), queries see the asserted facts with an
    :class:`~xpo1kg.query.inference.InferenceWarning`. ``inferred=False`` leaves them out;
    ``inferred=True`` requires them (computed now; an inconsistent graph raises
    :class:`~xpo1kg.errors.XPO1KGError`).

    ``store`` opens a persistent store directory instead (made by ``xpo1kg load``; a path that is
    not a store is refused). It is opened read-only, and nothing is written into it, unless
    ``writable=True`` (which also refreshes its bundled graph) or ``inferred=True`` and the
    inferred graph has to be added (it is then kept in the store). By default a store's queries
    include the inferred facts it keeps, if any.

    >>> len(load_graph()) > 1000
    True
    """
    # Imported here: knowledge_graph imports this module, so that load_graph is found there too.
    from xpo1kg.store.knowledge_graph import KnowledgeGraph, Reasoning

    sources: list[RDFSource] = []
    if store is not None:
        if extra_files:
            raise InputError("files cannot be added to a store on the fly: use `xpo1kg load`")
        if not writable:
            from xpo1kg.store.snapshot import open_in_memory

            # Queried from memory when the store's snapshot is current and fits (store.snapshot).
            in_memory = open_in_memory(Path(store), inferred=inferred)
            if in_memory is not None:
                keeps = in_memory.has_graph(INFERRED_GRAPH_IRI)
                kg = KnowledgeGraph(in_memory, inferred=keeps if inferred is None else inferred)
                if inferred is None:
                    kg.left_out_because = _STORE_KEEPS_NONE
                return kg
        backend = Store(Path(store), create=False, read_only=not writable)
        if writable:
            ensure_bundled(backend)
        if inferred is None:  # a store's default: the inferred facts it keeps
            if not backend.has_graph(INFERRED_GRAPH_IRI) or _stale_inferred(backend):
                kg = KnowledgeGraph(backend)
                kg.left_out_because = _STORE_KEEPS_NONE
                return kg
            inferred = True
    else:
        backend = Store()
        sources = [ontology_file(), *(data_files() if bundled_data else [])]
        sources += [Path(f) for f in extra_files]
    loaded = [(backend.add_source(source), source) for source in sources]
    names = [name for name, _ in loaded]
    # Two files with one name share a graph: its rdflib view then comes from the store.
    named = {name: source for name, source in loaded if names.count(name) == 1}
    if inferred is None:  # in memory: computed on first need, from the cache by content
        plan = Reasoning(_sources_key(sources), reasoner, mode)
        return KnowledgeGraph(backend, inferred=True, sources=named, reasoning=plan)
    kg = KnowledgeGraph(backend, sources=named)
    if not inferred:
        return kg
    if _stale_inferred(backend):
        from xpo1kg.reason.incremental import drop_inferred

        drop_inferred(backend)  # made before inferred facts carried their provenance
    if not backend.has_graph(INFERRED_GRAPH_IRI):
        from xpo1kg.reason.inferred import inferred_graph

        if store is not None and backend.read_only:  # the store keeps it: open it for writing
            backend = Store(Path(store), create=False)
            kg = KnowledgeGraph(backend, sources=named)

        # A persistent store keeps its inferred graph; in memory, a cache keyed by the inputs does.
        key = _sources_key(sources) if sources else None
        if store is not None and reasons_at_scale(len(kg), reasoner, mode):
            from xpo1kg.reason.inferred import inferred_graph_of_store

            # Read from Oxigraph: an rdflib graph of a big store costs its parse time and memory.
            graph = inferred_graph_of_store(
                backend.oxigraph,
                kg.asserted_graph_names,
                kg.ontology,
                reasoner=reasoner,
                keep_closure_in=backend,  # an ingest then reasons over its addition alone
            )
        else:
            graph, _ = inferred_graph(kg.graph, kg.ontology, key, reasoner=reasoner, mode=mode)
        if backend.path is not None:
            from xpo1kg.store.snapshot import invalidate, previous_files, write_snapshot

            previous = previous_files(backend)
            invalidate(backend)
        backend.add_rdf(
            graph.serialize(format="nt", encoding="utf-8"), "inferred.nt", INFERRED_GRAPH_IRI
        )
        backend.flush()
        if backend.path is not None:
            write_snapshot(backend, previous)
    return KnowledgeGraph(backend, inferred=True, sources=named)


_STORE_KEEPS_NONE = "the store keeps none: --inferred computes them and keeps them in the store"


def in_memory_view(kg: KnowledgeGraph, *, inferred: bool = False) -> KnowledgeGraph | None:
    """Return a store's graphs loaded into memory from its snapshot, when it is current.

    The asserted graphs, and with ``inferred`` the inferred graph the store keeps, if any. The
    copy is the caller's to change and throw away (``kg`` stays open, for writing); None when
    ``kg`` is in memory already or the snapshot cannot be used (:mod:`xpo1kg.store.snapshot`).
    """
    if kg.store.path is None:
        return None
    from xpo1kg.store.knowledge_graph import KnowledgeGraph  # see load_graph
    from xpo1kg.store.snapshot import open_in_memory

    memory = open_in_memory(Path(kg.store.path), inferred=None if inferred else False)
    if memory is None:
        return None
    view = KnowledgeGraph(memory, inferred=inferred and memory.has_graph(INFERRED_GRAPH_IRI))
    view.left_out_because = kg.left_out_because
    return view


def _stale_inferred(store: Store) -> bool:
    """Whether a stored inferred graph holds facts without provenance nodes (an older format)."""
    if not store.has_graph(INFERRED_GRAPH_IRI):
        return False
    graph = ox.NamedNode(INFERRED_GRAPH_IRI)
    rule = ox.NamedNode(str(XO.inferenceRule))
    if next(store.oxigraph.quads_for_pattern(None, rule, None, graph), None) is not None:
        return False
    # Stale if it holds a fact; the triples describing the graph itself need no provenance.
    return any(
        isinstance(q.subject, ox.NamedNode) and q.subject != graph
        for q in store.oxigraph.quads_for_pattern(None, None, None, graph)
    )


def _sources_key(sources: Iterable[RDFSource]) -> str:
    """Return a digest of the input files (names and bytes)."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()
