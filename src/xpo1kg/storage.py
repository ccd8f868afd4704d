"""Persistent stores: bulk loading with progress, listing and dropping user graphs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from .errors import InputError
from .graph import ensure_bundled
from .loading import display_name, graph_name
from .store import INFERRED_GRAPH_IRI, Store

__all__ = ["USER_GRAPH_PREFIX", "drop_graph", "load_files", "open_store"]

USER_GRAPH_PREFIX = "https://w3id.org/xpo1kg/graph/user/"


def open_store(path: str | Path) -> Store:
    """Open (or create) a store directory, with the bundled graph present and current."""
    store = Store(Path(path))
    ensure_bundled(store)
    return store


class _CountingReader:
    """A binary reader that reports how many bytes the parser has consumed."""

    def __init__(self, stream: IO[bytes], advance: Callable[[int], None]) -> None:
        self._stream = stream
        self._advance = advance

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._advance(len(chunk))
        return chunk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def load_files(
    store: Store,
    files: Iterable[Path],
    *,
    advance: Callable[[int], None] = lambda _: None,
) -> list[str]:
    """Bulk-load files into their user graphs (replacing a graph loaded from the same file name).

    ``advance`` is called with byte counts as the parser reads, for a progress bar. The inferred
    graph is dropped, since it no longer matches the data.
    """
    loaded = []
    for path in files:
        name = display_name(path)
        if not path.is_file():
            raise InputError(f"{name}: no such file")
        graph = str(graph_name(path))
        if store.has_graph(graph):
            store.drop(graph)
        with path.open("rb") as stream:
            reader = _CountingReader(stream, advance)
            store.add_rdf(reader, name, graph, bulk=True)  # type: ignore[arg-type]
        loaded.append(graph)
    if loaded and store.has_graph(INFERRED_GRAPH_IRI):
        store.drop(INFERRED_GRAPH_IRI)
    store.flush()
    return loaded


def drop_graph(store: Store, graph: str) -> None:
    """Drop a user graph (bundled graphs stay: they are part of every store)."""
    iri = graph if "://" in graph else USER_GRAPH_PREFIX + graph
    if not iri.startswith(USER_GRAPH_PREFIX) and iri != INFERRED_GRAPH_IRI:
        raise InputError(f"{graph}: only user graphs and the inferred graph can be dropped")
    store.drop(iri)
    if iri.startswith(USER_GRAPH_PREFIX) and store.has_graph(INFERRED_GRAPH_IRI):
        store.drop(INFERRED_GRAPH_IRI)
    store.flush()
