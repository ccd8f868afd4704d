"""Persistent stores: bulk loading with progress, listing and dropping user graphs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from xpo1kg.errors import InputError, ParseError, XPO1KGError
from xpo1kg.rdf.loading import display_name, graph_name
from xpo1kg.store.embedded import INFERRED_GRAPH_IRI, Store, rdf_format_of
from xpo1kg.store.knowledge_graph import ensure_bundled
from xpo1kg.store.snapshot import invalidate, previous_files, write_snapshot

__all__ = ["USER_GRAPH_PREFIX", "drop_graph", "load_files", "open_store"]

USER_GRAPH_PREFIX = "https://w3id.org/xpo1kg/graph/user/"
_BOM = b"\xef\xbb\xbf"
_BATCH = 100_000
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


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

    Every file is parsed once before the store is touched, so a malformed file leaves the store
    as it was (and a graph is never left half-written). ``advance`` is called with byte counts as
    the parser reads, for a progress bar. The inferred graph is dropped, since it no longer
    matches the data.
    """
    paths = list(files)
    for path in paths:
        if not path.is_file():
            raise InputError(f"{display_name(path)}: no such file")
    for path in paths:
        _check_syntax(path)
    if not paths:
        return []
    previous = previous_files(store) if store.path is not None else {}
    invalidate(store)
    if store.has_graph(INFERRED_GRAPH_IRI):
        store.drop(INFERRED_GRAPH_IRI)
    loaded = []
    for path in paths:
        graph = str(graph_name(path))
        try:
            if store.has_graph(graph):
                store.drop(graph)
            with path.open("rb") as stream:
                reader = _CountingReader(_skip_bom(stream, advance), advance)
                _bulk_load(store, reader, path, graph)
        except XPO1KGError:
            if store.has_graph(graph):
                store.drop(graph)
            raise
        loaded.append(graph)
    store.flush()
    if store.path is not None:
        write_snapshot(store, previous, dict(zip(loaded, paths, strict=True)))
    return loaded


def _bulk_load(store: Store, stream: _CountingReader, path: Path, graph: str) -> None:
    """Load a checked file into ``graph``, in batches of quads given to RocksDB's bulk loader.

    One ``bulk_load`` of a whole file keeps a million quads per thread in memory before writing
    (0.9 GB at 1M triples); batches of 100,000 quads keep the peak near 0.2 GB and load about
    twice as fast (docs/benchmarks.md). The file was parsed strictly by :func:`_check_syntax`.
    """
    target = ox.NamedNode(graph)
    base = f"https://w3id.org/xpo1kg/file/{path.name}"
    try:
        quads = ox.parse(stream, rdf_format_of(path.name), base_iri=base, lenient=True)  # type: ignore[arg-type]
        while batch := [
            ox.Quad(q.subject, q.predicate, q.object, target)
            if isinstance(q.graph_name, ox.DefaultGraph)
            else q
            for q in islice(quads, _BATCH)
        ]:
            store.oxigraph.bulk_extend(batch)
    except (SyntaxError, ValueError) as error:
        raise ParseError(display_name(path), None, str(error)) from None


def _skip_bom(stream: IO[bytes], advance: Callable[[int], None]) -> IO[bytes]:
    """Skip a UTF-8 byte order mark (as :meth:`Store.add_rdf` does for in-memory loads)."""
    if stream.read(len(_BOM)) == _BOM:
        advance(len(_BOM))
    else:
        stream.seek(0)
    return stream


def _check_syntax(path: Path) -> None:
    """Parse a file without storing it; raise :class:`ParseError` (file and line) if it is bad."""
    name = display_name(path)
    rdf_format = rdf_format_of(name)
    try:
        with path.open("rb") as stream:
            if rdf_format == ox.RdfFormat.RDF_XML and _DTD.search(stream.read()):
                raise ValueError("DOCTYPE and ENTITY declarations are not accepted")
            stream.seek(0)
            base = f"https://w3id.org/xpo1kg/file/{path.name}"
            for _ in ox.parse(_skip_bom(stream, lambda _: None), rdf_format, base_iri=base):
                pass
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror})") from None
    except (SyntaxError, ValueError):
        # Let the store's loader word the error (file, line, message), in a scratch store.
        Store().add_rdf(path.read_bytes(), name, "urn:xpo1kg:syntax-check")
        raise ParseError(name, None, "cannot parse") from None


def drop_graph(store: Store, graph: str) -> None:
    """Drop a user graph (bundled graphs stay: they are part of every store)."""
    iri = graph if "://" in graph else USER_GRAPH_PREFIX + graph
    if not iri.startswith(USER_GRAPH_PREFIX) and iri != INFERRED_GRAPH_IRI:
        raise InputError(f"{graph}: only user graphs and the inferred graph can be dropped")
    if not store.has_graph(iri):
        store.drop(iri)  # raises the one-line error
    previous = previous_files(store) if store.path is not None else {}
    invalidate(store)
    store.drop(iri)
    if iri.startswith(USER_GRAPH_PREFIX) and store.has_graph(INFERRED_GRAPH_IRI):
        store.drop(INFERRED_GRAPH_IRI)
    store.flush()
    if store.path is not None:
        write_snapshot(store, previous)
