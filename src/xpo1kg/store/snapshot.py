"""The snapshot of a persistent store: its user graphs as files, loaded into memory to be queried.

Oxigraph answers the competency queries 3–20× slower from RocksDB than from memory (the union
default graph is evaluated by scanning every named graph's quad indexes, and every term is
decoded through a RocksDB lookup). So ``load`` and ``drop`` keep, inside the store directory, a
folder ``xpo1kg-snapshot/`` with a copy of every user file (and the inferred graph as N-Triples)
and a manifest naming the graph of each file. A command that reads the store bulk-loads the
bundled files and the snapshot into an in-memory store, which costs what ``load_graph([files])``
costs, and then queries at in-memory speed.

The manifest and the store share a random token (a quad in the meta graph). A writer removes the
token before it changes the store and writes a new one, then the manifest, after: a reader that
finds the two different (a write under way or interrupted, or a store written by an older
version) falls back to querying the store on disk. Readers never write into the directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, META_GRAPH_IRI, SNAPSHOT_MARKER_IRI, file_base
from xpo1kg.rdf.loading import skip_bom
from xpo1kg.rdf.safefile import atomic_write
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.store.embedded import Store, rdf_format_of, reading_handle

__all__ = [
    "IN_MEMORY_VARIABLE",
    "SNAPSHOT_FOLDER",
    "invalidate",
    "open_in_memory",
    "previous_files",
    "write_snapshot",
]

SNAPSHOT_FOLDER = "xpo1kg-snapshot"
IN_MEMORY_VARIABLE = "XPO1KG_STORE_IN_MEMORY"  # "0": always query the store on disk
_MANIFEST = "manifest.json"
_META = ox.NamedNode(META_GRAPH_IRI)
_TOKEN = ox.NamedNode(SNAPSHOT_MARKER_IRI)
_VERSION = ox.NamedNode("http://purl.org/dc/terms/hasVersion")
#: In-memory bytes per byte of N-Triples or Turtle, measured at 1M triples (381 MiB / 158 MB
#: gives 2.5); rounded up, and at most half of the available memory is used.
_MEMORY_PER_BYTE = 3


def _folder(store: Store) -> Path:
    assert store.path is not None, "an on-disk store"
    return Path(store.path) / SNAPSHOT_FOLDER


def _read_manifest(folder: Path) -> dict[str, object] | None:
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("graphs"), dict):
        return None
    return manifest


def _value(term: object) -> str:
    return str(getattr(term, "value", term))


def _token(store: ox.Store) -> str | None:
    found = [_value(q.object) for q in store.quads_for_pattern(_TOKEN, _VERSION, None, _META)]
    return found[0] if len(found) == 1 else None


def invalidate(store: Store) -> None:
    """Remove the store's snapshot token, before the store is changed (readers then use the disk)."""
    token = _token(store.oxigraph)
    if token is not None:
        store.oxigraph.remove(ox.Quad(_TOKEN, _VERSION, ox.Literal(token), _META))
        store.flush()


def previous_files(store: Store) -> dict[str, Path]:
    """Return the snapshot's file per graph if the snapshot matches the store (else nothing)."""
    folder = _folder(store)
    manifest = _read_manifest(folder)
    if manifest is None or manifest.get("token") != _token(store.oxigraph):
        return {}
    graphs = manifest["graphs"]
    assert isinstance(graphs, dict)
    return {str(g): folder / str(f) for g, f in graphs.items() if (folder / str(f)).is_file()}


def write_snapshot(
    store: Store, previous: Mapping[str, Path], added: Mapping[str, Path] | None = None
) -> None:
    """Make the snapshot match the store after a change, then mark both with a new token.

    ``previous`` is what :func:`previous_files` returned before the change; ``added`` maps the
    graphs just loaded to their files. A graph found in neither is written from the store.
    """
    added = added or {}
    folder = _folder(store)
    folder.mkdir(exist_ok=True)
    bundled = _bundled_graphs()
    graphs = sorted(store.graph_names() - bundled - {META_GRAPH_IRI})
    token = uuid.uuid4().hex
    files: dict[str, str] = {}
    for graph in graphs:
        key = hashlib.sha256(graph.encode()).hexdigest()[:16]
        if graph in added:
            target = folder / f"{key}-{token}" / added[graph].name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(added[graph], target)
        elif graph in previous:
            target = previous[graph]
        else:
            name = "inferred.nt" if graph == INFERRED_GRAPH_IRI else "graph.nt"
            target = folder / f"{key}-{token}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            store.oxigraph.dump(
                output=str(target), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)
            )
        files[graph] = str(target.relative_to(folder))
    invalidate(store)
    store.oxigraph.add(ox.Quad(_TOKEN, _VERSION, ox.Literal(token), _META))
    store.flush()
    manifest = folder / _MANIFEST
    atomic_write(
        manifest, json.dumps({"token": token, "graphs": files}, indent=1, sort_keys=True).encode()
    )
    kept = {Path(f).parts[0] for f in files.values()} | {_MANIFEST}
    for entry in folder.iterdir():
        if entry.name not in kept:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _bundled_graphs() -> set[str]:
    from xpo1kg.rdf.loading import graph_name

    return {str(graph_name(source)) for source in [ontology_file(), *data_files()]}


def _available_bytes() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 2**63


def open_in_memory(path: Path, *, inferred: bool | None = False) -> Store | None:
    """Load a store's bundled graph and snapshot into memory; None when it cannot or should not.

    None means: not a store, no snapshot or a stale one, a bundled graph out of date, the
    inferred graph asked for but not computed yet, too big for the memory available, or
    ``XPO1KG_STORE_IN_MEMORY=0``. The caller then opens the store on disk. ``inferred=None`` loads
    the inferred graph when the store keeps one.
    """
    if os.environ.get(IN_MEMORY_VARIABLE, "1") == "0":
        return None
    folder = path / SNAPSHOT_FOLDER
    manifest = _read_manifest(folder)
    if manifest is None or not (path / "CURRENT").is_file():
        return None
    from xpo1kg.store.bundled_graph import bundle_digest, bundle_marker

    try:
        disk = reading_handle(path)
    except OSError:
        return None
    try:
        if manifest.get("token") != _token(disk):
            return None
        marker, version = bundle_marker()
        current = [_value(q.object) for q in disk.quads_for_pattern(marker, version, None, _META)]
        if current != [bundle_digest()]:
            return None
        meta = list(disk.quads_for_pattern(None, None, None, _META))
    finally:
        del disk
    graphs = manifest["graphs"]
    assert isinstance(graphs, dict)
    files = {str(g): folder / str(f) for g, f in graphs.items()}
    if inferred and INFERRED_GRAPH_IRI not in files:
        return None
    if inferred is False:  # as in memory: no inferred graph, and the fast union default graph
        files.pop(INFERRED_GRAPH_IRI, None)
    try:
        size = sum(f.stat().st_size for f in files.values())  # the bundled files are small
    except OSError:
        return None
    if size * _MEMORY_PER_BYTE > _available_bytes() // 2:
        return None
    memory = Store()
    for source in [ontology_file(), *data_files()]:
        memory.add_source(source)
    for graph, file in sorted(files.items()):
        # Checked when it was loaded: parsed leniently (IRIs not validated again). `load`, not
        # `bulk_load`: small queries run 2× slower on a memory store filled by the bulk loader.
        # Oxigraph reads the file itself unless it starts with a byte-order mark: a quarter
        # faster than through a Python stream (3.4 s against 4.4 s for 1.4M triples).
        with file.open("rb") as stream:
            has_bom = skip_bom(stream) > 0
            memory.oxigraph.load(
                stream if has_bom else None,
                rdf_format_of(file.name),
                path=None if has_bom else str(file),
                base_iri=file_base(file.name),
                to_graph=ox.NamedNode(graph),
                lenient=True,
            )
    memory.oxigraph.extend(meta)
    return memory
