"""Persistent stores: bulk loading with progress, listing and dropping user graphs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from xpo1kg.errors import InputError, ParseError, XPO1KGError
from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, USER_GRAPH_PREFIX, file_base
from xpo1kg.rdf.loading import check_rdf, display_name, graph_name, skip_bom
from xpo1kg.reason.incremental import drop_inferred
from xpo1kg.store.bundled_graph import ensure_bundled
from xpo1kg.store.embedded import Store, rdf_format_of
from xpo1kg.store.snapshot import invalidate, previous_files, write_snapshot

__all__ = ["USER_GRAPH_PREFIX", "check_files", "drop_graph", "load_files", "open_store"]

_BATCH = 100_000
#: N-Triples are given to Oxigraph's parser in chunks of this size (cut at a line's end).
_CHUNK_BYTES = 8 << 20


def open_store(path: str | Path, *, create: bool = False) -> Store:
    """Open a store directory for writing, with the bundled graph present and current.

    Only ``create=True`` (``xpo1kg load``) makes a new store; otherwise a path that is not a
    store is refused. Commands that only read open ``Store(path, read_only=True)`` instead.
    """
    store = Store(Path(path), create=create)
    ensure_bundled(store)
    return store


def check_files(files: Iterable[Path]) -> list[Path]:
    """Check that every file exists and parses (:func:`~xpo1kg.loading.check_rdf`); return them."""
    paths = list(files)
    for path in paths:
        if not path.is_file():
            raise InputError(f"{display_name(path)}: no such file")
    for path in paths:
        check_rdf(path)
    return paths


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
    checked: bool = False,
    stop: Callable[[], bool] = lambda: False,
) -> list[str]:
    """Bulk-load files into their user graphs (replacing a graph loaded from the same file name).

    Every file is parsed once before the store is touched, so a malformed file leaves the store
    as it was (and a graph is never left half-written). ``advance`` is called with byte counts as
    the parser reads, for a progress bar. The inferred graph is dropped, since it no longer
    matches the data. ``checked=True`` skips the check when :func:`check_files` already ran.
    ``stop`` is asked before each file: when it says True, the files left are not loaded (a
    file being loaded is always finished: a bulk load cannot be undone halfway).
    """
    paths = list(files) if checked else check_files(files)
    if not paths:
        return []
    previous = previous_files(store) if store.path is not None else {}
    invalidate(store)
    drop_inferred(store)
    loaded = []
    for path in paths:
        if stop():
            break
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
        write_snapshot(store, previous, dict(zip(loaded, paths[: len(loaded)], strict=True)))
    return loaded


def _bulk_load(store: Store, stream: _CountingReader, path: Path, graph: str) -> None:
    """Load a checked file into ``graph``, in batches given to RocksDB's bulk loader.

    One ``bulk_load`` of a whole file keeps a million quads per thread in memory before writing
    (0.9 GB at 1M triples); batches of 100,000 quads keep the peak near 0.2 GB and load about
    twice as fast (docs/benchmarks.md). The file was checked by :func:`check_files`.
    """
    target, base = ox.NamedNode(graph), file_base(path.name)
    rdf_format = rdf_format_of(path.name)
    try:
        if rdf_format == ox.RdfFormat.N_TRIPLES:
            _bulk_load_lines(store, stream, target, base)
        else:
            quads = ox.parse(stream, rdf_format, base_iri=base, lenient=True)  # type: ignore[arg-type]
            _extend(store, quads, target)
    except (SyntaxError, ValueError) as error:
        raise ParseError(display_name(path), None, str(error)) from None


def _extend(store: Store, quads: Iterable[ox.Quad], target: ox.NamedNode) -> None:
    """Give parsed quads to the bulk loader in batches, the default graph's into ``target``."""
    quads = iter(quads)
    while batch := [
        ox.Quad(q.subject, q.predicate, q.object, target)
        if isinstance(q.graph_name, ox.DefaultGraph)
        else q
        for q in islice(quads, _BATCH)
    ]:
        store.oxigraph.bulk_extend(batch)


def _bulk_load_lines(
    store: Store, stream: _CountingReader, target: ox.NamedNode, base: str | None
) -> None:
    """Load N-Triples in line-aligned chunks that Oxigraph parses and indexes itself.

    No Python object is made per triple (at 1.42M triples the command went from 2.7x to 4.0x
    rdflib's parse, docs/benchmarks.md). Each ``bulk_load`` call would rename blank nodes, so a
    blank node named in two chunks would become two: lines that name one go through the parsed
    path instead, which keeps their labels (as every other load does).
    """
    labelled: list[bytes] = []
    rest = b""
    while chunk := stream.read(_CHUNK_BYTES):
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        data, rest = data[:cut], data[cut:]
        _load_plain_lines(store, data, target, base, labelled)
        if sum(map(len, labelled)) > _CHUNK_BYTES:
            _extend(store, ox.parse(b"\n".join(labelled), ox.RdfFormat.N_TRIPLES), target)
            labelled.clear()
    _load_plain_lines(store, rest, target, base, labelled)
    if labelled:
        _extend(store, ox.parse(b"\n".join(labelled), ox.RdfFormat.N_TRIPLES), target)


def _load_plain_lines(
    store: Store, data: bytes, target: ox.NamedNode, base: str | None, labelled: list[bytes]
) -> None:
    """Bulk-load the lines of ``data`` that name no blank node; keep the others in ``labelled``."""
    if b"_:" in data:  # a blank node, or these two characters in a literal or an IRI
        lines = data.split(b"\n")
        labelled.extend(line for line in lines if b"_:" in line)
        data = b"\n".join(line for line in lines if b"_:" not in line)
    if data.strip():
        store.oxigraph.bulk_load(
            data, ox.RdfFormat.N_TRIPLES, base_iri=base, to_graph=target, lenient=True
        )


def _skip_bom(stream: IO[bytes], advance: Callable[[int], None]) -> IO[bytes]:
    """Skip a UTF-8 byte order mark (as :meth:`Store.add_rdf` does for in-memory loads)."""
    advance(skip_bom(stream))
    return stream


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
    drop_inferred(store)  # the inferred graph, and the closure it came from, no longer match
    store.flush()
    if store.path is not None:
        write_snapshot(store, previous)
