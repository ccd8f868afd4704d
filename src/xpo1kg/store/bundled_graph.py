"""The bundled ontology and data in a persistent store, kept current with the installed package.

A store records the digest of the package version and the bundled files in its meta graph
(:func:`bundle_digest`, on the quad of :func:`bundle_marker`); :func:`ensure_bundled` reloads the
bundled graphs when it differs. The store's snapshot (:mod:`xpo1kg.store.snapshot`) checks the
same digest before it stands in for the store.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version

import pyoxigraph as ox

from xpo1kg.rdf.graphs import (
    BUNDLE_MARKER_IRI,
    BUNDLED_GRAPH_PREFIXES,
    INFERRED_GRAPH_IRI,
    META_GRAPH_IRI,
)
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.store.embedded import Store

__all__ = ["bundle_digest", "bundle_marker", "ensure_bundled"]


def bundle_digest() -> str:
    """Return the digest of the package version and the bundled files (kept in the meta graph)."""
    digest = hashlib.sha256(version("xpo1kg").encode())
    for source in [ontology_file(), *data_files()]:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


_BUNDLE = ox.NamedNode(BUNDLE_MARKER_IRI)
_DIGEST = ox.NamedNode("http://purl.org/dc/terms/hasVersion")


def bundle_marker() -> tuple[ox.NamedNode, ox.NamedNode]:
    """Return the subject and predicate of the bundle digest's quad in the meta graph."""
    return _BUNDLE, _DIGEST


def ensure_bundled(store: Store) -> bool:
    """Load (or refresh) the bundled ontology and data in a persistent store; True if it changed."""
    from xpo1kg.reason.incremental import drop_inferred
    from xpo1kg.store.snapshot import invalidate, previous_files, write_snapshot

    wanted = bundle_digest()
    meta = ox.NamedNode(META_GRAPH_IRI)
    current = [
        str(getattr(q.object, "value", q.object))
        for q in store.oxigraph.quads_for_pattern(_BUNDLE, _DIGEST, None, meta)
    ]
    if current == [wanted]:
        return False
    previous = previous_files(store)
    invalidate(store)
    drop_inferred(store)
    for graph in store.graph_names():
        if graph.startswith(BUNDLED_GRAPH_PREFIXES):
            store.drop(graph)
    for source in [ontology_file(), *data_files()]:
        store.add_source(source)
    store.oxigraph.remove_graph(meta) if store.has_graph(META_GRAPH_IRI) else None
    store.oxigraph.add(ox.Quad(_BUNDLE, _DIGEST, ox.Literal(wanted), meta))
    store.flush()
    write_snapshot(store, {g: f for g, f in previous.items() if g != INFERRED_GRAPH_IRI})
    return True
