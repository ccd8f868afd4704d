"""After an addition to a big store, only the addition is reasoned over: the same inferred graph
as reasoning over the whole store again, provenance included."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runs import run
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from script_modules import load_generator

from xpo1kg import load_graph
from xpo1kg.rdf.canonical import isomorphic
from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, user_graph
from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import XO, XR
from xpo1kg.reason import incremental
from xpo1kg.reason import reasoner as reasoner_module
from xpo1kg.reason.incremental import add_and_reason
from xpo1kg.reason.provenance_nodes import inferred_triples
from xpo1kg.reason.rule_tbox import RuleTbox
from xpo1kg.reason.stored_closure import CLOSURE_FOLDER, StoredClosure, open_saved_closure
from xpo1kg.resources import ontology_file
from xpo1kg.store.embedded import Store
from xpo1kg.store.persistent import drop_graph, load_files, open_store
from xpo1kg.store.snapshot import invalidate

ADDED_GRAPH = user_graph("added.nt")


@pytest.fixture(autouse=True)
def rules_for_every_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """A limit below the bundled graph: every store here takes the big-store route."""
    monkeypatch.setattr(reasoner_module, "AUTO_DL_LIMIT", 1_000)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return read_graph([ontology_file()])


def synthetic_lines(folder: Path, measurements: int, seed: int) -> list[bytes]:
    path = folder / f"synthetic-{measurements}-{seed}.nt"
    load_generator().write(path, measurements, seed, "nt")
    return path.read_bytes().splitlines(keepends=True)


def reasoned_store(folder: Path, base: bytes) -> Path:
    """A store with ``base`` loaded and its inferred graph computed (the closure kept)."""
    path = folder / "store"
    base_file = folder / "base.nt"
    base_file.write_bytes(base)
    store = open_store(path, create=True)
    load_files(store, [base_file])
    del store
    gc.collect()
    load_graph(store=path, inferred=True)
    gc.collect()
    assert (path / CLOSURE_FOLDER).is_dir()
    return path


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One reasoned store (10 synthetic measurements), copied by the tests that change it."""
    folder = tmp_path_factory.mktemp("shared")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reasoner_module, "AUTO_DL_LIMIT", 1_000)
        return reasoned_store(folder, b"".join(synthetic_lines(folder, 10, 5)))


@pytest.fixture
def store_copy(shared_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(shared_store, path)
    return path


def inferred_of(path: Path) -> Graph:
    kg = load_graph(store=path, inferred=None, writable=True)  # from disk, as an ingest left it
    graph = kg.inferred
    assert graph is not None, kg.left_out_because
    del kg
    gc.collect()
    return graph


def recomputed(path: Path) -> Graph:
    """The inferred graph reasoned over the whole store again."""
    store = Store(path)
    incremental.drop_inferred(store)
    store.flush()
    del store
    gc.collect()
    load_graph(store=path, inferred=True)
    gc.collect()
    return inferred_of(path)


def add(path: Path, text: bytes) -> bool:
    """Add N-Triples to the store as an ingest does, then reason over them; True if updated."""
    store = Store(path)
    invalidate(store)  # as an ingest does: readers go to the disk
    quads = [
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ADDED_GRAPH))
        for q in ox.parse(text, ox.RdfFormat.N_TRIPLES)
    ]
    updated = add_and_reason(store, quads, read_graph([ontology_file()]))
    store.flush()
    del store
    gc.collect()
    return updated


@pytest.mark.parametrize("seed", [1, 2])
def test_an_addition_gives_what_reasoning_over_everything_gives(tmp_path: Path, seed: int) -> None:
    lines = synthetic_lines(tmp_path, 40, seed)
    # Every third line is added later: inhibitors, cell lines and measurements alike.
    path = reasoned_store(tmp_path, b"".join(line for i, line in enumerate(lines) if i % 3))
    before = set(inferred_triples(inferred_of(path)))
    assert add(path, b"".join(lines[::3]))
    updated = inferred_of(path)
    gained = set(inferred_triples(updated)) - before
    assert gained  # the addition has consequences: new inhibitors, their cargo...
    assert any(p == XO.causesNuclearRetentionOf for _, p, _ in gained)
    assert isomorphic(updated, recomputed(path))


def test_two_additions_in_a_row(tmp_path: Path) -> None:
    lines = synthetic_lines(tmp_path, 30, 3)
    path = reasoned_store(tmp_path, b"".join(line for i, line in enumerate(lines) if i % 4 > 1))
    assert add(path, b"".join(lines[::4]))
    assert add(path, b"".join(lines[1::4]))
    assert isomorphic(inferred_of(path), recomputed(path))


def test_only_the_nodes_the_rules_reach_are_read(store_copy: Path) -> None:
    store = Store(store_copy)
    side = open_saved_closure(store)
    assert side is not None
    tbox = RuleTbox(read_graph([ontology_file()]))
    from xpo1kg.rdf.graphs import asserted_graphs

    closure = StoredClosure(tbox, store.oxigraph, side, asserted_graphs(store.graph_names()))
    new = str(XR) + "aNewInhibitor"
    gained, lost = closure.increment([(new, str(XO.inhibits), str(XR.XPO1))])
    assert (URIRef(new), RDF.type, XO.XPO1Inhibitor) in gained and not lost
    assert (URIRef(new), XO.causesNuclearRetentionOf, XR.TP53) in gained
    subjects = {q.subject for q in store.oxigraph.quads_for_pattern(None, None, None, None)}
    read = set(closure.types).union(
        *(by_node.keys() for index in (closure.out, closure.into) for by_node in index.values())
    )
    assert len(read) < len(subjects) // 10  # a neighbourhood, not the store
    del store, side, closure
    gc.collect()


def test_an_addition_that_makes_the_data_inconsistent_drops_the_inferred_graph(
    store_copy: Path,
) -> None:
    path = store_copy
    clash = f"<{XR.TP53}> <{RDF.type}> <{XO.Inhibitor}> .\n".encode()
    assert not add(path, clash)
    store = Store(path)
    assert not store.has_graph(INFERRED_GRAPH_IRI)
    assert not (path / CLOSURE_FOLDER).exists()
    del store
    gc.collect()
    asked = run("query", "approved_indications", "--store", path, "--inferred")
    assert asked.exit_code != 0 and "TP53 (xr:TP53) is both xo:" in asked.stderr


def test_other_changes_to_a_store_forget_the_closure(store_copy: Path, tmp_path: Path) -> None:
    path = store_copy
    extra = tmp_path / "extra.nt"
    extra.write_bytes(f"<{XR}extra> <{XO.inhibits}> <{XR.XPO1}> .\n".encode())
    store = Store(path)
    load_files(store, [extra])
    assert not (path / CLOSURE_FOLDER).exists()
    assert not store.has_graph(INFERRED_GRAPH_IRI)
    del store
    gc.collect()
    assert not add(path, b"")  # nothing kept to update: nothing to reason over
    load_graph(store=path, inferred=True)
    gc.collect()
    assert (path / CLOSURE_FOLDER).is_dir()
    store = Store(path)
    drop_graph(store, "extra.nt")
    assert not (path / CLOSURE_FOLDER).exists()
    del store
    gc.collect()


def test_an_ingest_into_a_store_keeps_its_inferred_graph_current(
    store_copy: Path, tmp_path: Path
) -> None:
    path = store_copy
    table = tmp_path / "table.csv"
    table.write_text(
        "inhibitor,cell_line,value,source,assay,notes\n"
        'KPT-330,SKOV3,0.2 µM,PMID:28810913,"CellTiter-Glo, 72 h",mean of 3\n',
        encoding="utf-8",
    )
    ingested = run("ingest", table, "--store", path)
    assert ingested.exit_code == 0, ingested.stderr
    gc.collect()
    assert (path / CLOSURE_FOLDER).is_dir()  # updated, not dropped
    assert isomorphic(inferred_of(path), recomputed(path))


def test_an_update_lets_go_of_the_closure_store(store_copy: Path, ontology: Graph) -> None:
    """The closure store is closed when an update returns: its folder can be opened (or removed)
    at once. The lazy indexes refer back to the closure, a cycle that would keep it open until the
    next garbage collection (and removing the folder then raced RocksDB's own threads)."""
    store = Store(store_copy)
    new = ox.Quad(ox.NamedNode(f"{XR}another"), ox.NamedNode(str(XO.inhibits)),
                  ox.NamedNode(str(XR.XPO1)), ox.NamedNode(ADDED_GRAPH))  # fmt: skip
    gc.disable()
    try:
        assert add_and_reason(store, [new], ontology)
        side = ox.Store(str(store_copy / CLOSURE_FOLDER))  # refused while another handle is open
        assert len(side) > 0
        del side
    finally:
        gc.enable()
        del store
        gc.collect()
