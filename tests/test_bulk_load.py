"""N-Triples are loaded into a store in chunks that Oxigraph parses itself, blank nodes kept whole."""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from script_modules import load_generator

from xpo1kg.rdf.canonical import isomorphic
from xpo1kg.rdf.graphs import user_graph
from xpo1kg.store import persistent
from xpo1kg.store.embedded import Store
from xpo1kg.store.persistent import load_files


def stored_graph(store: Store, graph: str) -> Graph:
    return Graph().parse(data=store.dump(graph), format="nt")


@pytest.mark.parametrize("chunk", [4096, 1 << 20])
def test_chunks_give_the_file_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Small chunks cut the file between the lines that name one blank node (the evidence
    annotations): the store still holds the file's graph, each blank node once."""
    path = tmp_path / "synthetic.nt"
    load_generator().write(path, 60, 3, "nt")
    text = path.read_bytes()
    assert text.count(b"_:") >= 40 and (len(text) > 40 * chunk or chunk > len(text))
    # A literal that spells "_:" and a last line without its newline take the other path.
    path.write_bytes(text + b'<urn:x> <urn:note> "a_:b" .\n<urn:x> <urn:p> <urn:y> .')
    monkeypatch.setattr(persistent, "_CHUNK_BYTES", chunk)
    store = Store(tmp_path / "store", create=True)
    load_files(store, [path])
    loaded = stored_graph(store, user_graph("synthetic.nt"))
    # Read by Oxigraph in one piece (it writes numbers in their canonical form, as the store does).
    whole = ox.Store()
    whole.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    dumped = whole.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    expected = Graph().parse(data=dumped, format="nt")
    assert len(loaded) == len(expected)
    assert isomorphic(loaded, expected)
    assert len({s for s in loaded.subjects() if isinstance(s, BNode)}) == 5  # the annotations
    del store
    gc.collect()


def test_a_chunked_load_reports_progress_by_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "small.nt"
    path.write_bytes(b"".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n".encode() for i in range(500)))
    monkeypatch.setattr(persistent, "_CHUNK_BYTES", 1000)
    seen: list[int] = []
    store = Store(tmp_path / "store", create=True)
    load_files(store, [path], advance=seen.append)
    assert sum(seen) == path.stat().st_size and len(seen) > 5
    assert store.count([user_graph("small.nt")]) == 500
    assert ox.Quad(ox.NamedNode("urn:s7"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o7"),
                   ox.NamedNode(user_graph("small.nt"))) in store.oxigraph  # fmt: skip
    del store
    gc.collect()
