"""The snapshot of a persistent store: readers query it from memory and get the in-memory answers.

``load`` and ``drop`` keep ``DIR/xpo1kg-snapshot/`` (copies of the user files and a manifest
sharing a token with the store); ``load_graph(store=DIR)`` loads it into memory when it is
current, and falls back to the store on disk otherwise (or with ``XPO1KG_STORE_IN_MEMORY=0``).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runs import assert_ok, load_in_another_process, run
from script_modules import load_generator

from xpo1kg import list_queries, load_graph
from xpo1kg.query.results import Value
from xpo1kg.store.embedded import META_GRAPH_IRI, Store
from xpo1kg.store.knowledge_graph import KnowledgeGraph
from xpo1kg.store.snapshot import IN_MEMORY_VARIABLE, SNAPSHOT_FOLDER

QUERIES = [q.name for q in list_queries() if not q.requires_inference]
USER = "https://w3id.org/xpo1kg/graph/user/"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
BAD_TTL = '@prefix ex: <http://example.org/> .\nex:a ex:b "never closed .\n'

generator = load_generator()


def records(kg: KnowledgeGraph) -> dict[str, list[dict[str, Value]]]:
    return {name: kg.run(name).records() for name in QUERIES}


def opened(store: Path, *, on_disk: bool = False) -> Iterator[KnowledgeGraph]:
    """Open the store (from its snapshot, or on disk), then let the RocksDB handle go."""
    with pytest.MonkeyPatch.context() as patch:
        if on_disk:
            patch.setenv(IN_MEMORY_VARIABLE, "0")
        kg = load_graph(store=store)
    yield kg
    del kg
    gc.collect()


def first(store: Path, *, on_disk: bool = False) -> KnowledgeGraph:
    return next(opened(store, on_disk=on_disk))


def files_of(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under a directory, with its size and modification time."""
    return {
        str(f.relative_to(directory)): (f.stat().st_size, f.stat().st_mtime_ns)
        for f in sorted(directory.rglob("*"))
        if f.is_file()
    }


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("snapshot-data")
    one, two = folder / "one.ttl", folder / "two.nt"
    generator.write(one, 30, 3, "ttl")
    two.write_text(
        '<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n'
        '<http://example.org/a> <http://example.org/n> "100.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
        encoding="utf-8",
    )
    return one, two


@pytest.fixture
def store(tmp_path: Path, files: tuple[Path, Path]) -> Path:
    directory = tmp_path / "kg"
    assert_ok(run("load", *files, "--store", directory))
    return directory


def test_snapshot_answers_every_query_exactly_as_memory_and_as_disk(
    store: Path, files: tuple[Path, Path]
) -> None:
    memory = records(load_graph(list(files), inferred=False))
    snapshot = first(store)
    assert snapshot.store.path is None  # queried from memory
    from_snapshot = records(snapshot)
    del snapshot
    gc.collect()
    disk = first(store, on_disk=True)
    assert disk.store.path is not None
    from_disk = records(disk)
    del disk
    gc.collect()
    assert from_snapshot == memory
    assert any("/synthetic/" in str(r["measurement"]) for r in memory["ic50_table"])
    assert same(from_disk, memory)  # the disk may order ties differently


def same(one: dict[str, list[dict[str, Value]]], other: dict[str, list[dict[str, Value]]]) -> bool:
    """The same rows for every query, ties in any order."""

    def key(row: dict[str, Value]) -> str:
        return json.dumps(row, sort_keys=True, default=str)

    return all(sorted(one[n], key=key) == sorted(other[n], key=key) for n in QUERIES)


def test_graph_specific_queries_see_the_same_named_graphs(store: Path) -> None:
    snapshot = first(store).query(PER_GRAPH).records()
    gc.collect()
    disk = first(store, on_disk=True).query(PER_GRAPH).records()
    gc.collect()
    assert snapshot == disk
    graphs = {str(r["g"]) for r in snapshot}
    assert {f"{USER}one.ttl", f"{USER}two.nt", META_GRAPH_IRI} <= graphs


def test_reading_writes_nothing_into_the_store(tmp_path: Path, files: tuple[Path, Path]) -> None:
    store = tmp_path / "kg"
    load_in_another_process(store, *files)
    before = files_of(store)
    assert_ok(run("query", "ic50_table", "--store", store))
    assert_ok(run("export", "--store", store, "--format", "nt"))
    assert files_of(store) == before


def test_a_stale_snapshot_is_not_used(store: Path, files: tuple[Path, Path]) -> None:
    expected = records(load_graph(list(files), inferred=False))
    # The store changed behind the snapshot's back (an interrupted write, an older version).
    disk = Store(store).oxigraph  # the process's handle on the directory
    token = ox.NamedNode(META_GRAPH_IRI + "#snapshot")
    assert list(disk.quads_for_pattern(token, None, None, None))
    disk.remove_graph(ox.NamedNode(USER + "one.ttl"))
    for quad in list(disk.quads_for_pattern(token, None, None, None)):
        disk.remove(quad)
    disk.flush()
    del disk
    gc.collect()
    kg = first(store)
    assert kg.store.path is not None  # on disk, not the snapshot
    answers = records(kg)
    del kg
    gc.collect()
    assert answers != expected  # the store's own content, without one.ttl
    assert same(answers, records(load_graph([files[1]], inferred=False)))


def test_a_missing_snapshot_falls_back_to_the_disk(store: Path, files: tuple[Path, Path]) -> None:
    expected = len(load_graph(list(files), inferred=False).run("ic50_table"))
    (store / SNAPSHOT_FOLDER / "manifest.json").unlink()
    kg = first(store)
    assert kg.store.path is not None
    assert len(kg.run("ic50_table")) == expected
    del kg
    gc.collect()


def test_a_bad_file_changes_neither_the_store_nor_the_snapshot(
    store: Path, tmp_path: Path, files: tuple[Path, Path]
) -> None:
    before = files_of(store / SNAPSHOT_FOLDER)
    graphs = first(store).query(PER_GRAPH).records()
    gc.collect()
    bad, good = tmp_path / "bad.ttl", tmp_path / "good.ttl"
    bad.write_text(BAD_TTL, encoding="utf-8")
    generator.write(good, 5, 9, "ttl")
    # A bad file alone, a good one with a bad one, a bad one replacing a loaded graph.
    replacement = tmp_path / "again" / "one.ttl"
    replacement.parent.mkdir()
    replacement.write_text(BAD_TTL, encoding="utf-8")
    for arguments in ([bad], [good, bad], [replacement]):
        outcome = run("load", *arguments, "--store", store)
        assert outcome.exit_code == 2, outcome.stderr
        assert files_of(store / SNAPSHOT_FOLDER) == before
        kg = first(store)
        assert kg.store.path is None  # the snapshot is still current
        assert kg.query(PER_GRAPH).records() == graphs
        del kg
        gc.collect()


def test_load_and_drop_keep_the_snapshot_current(
    store: Path, tmp_path: Path, files: tuple[Path, Path]
) -> None:
    extra = tmp_path / "three.ttl"
    extra.write_text("<http://example.org/b> <http://example.org/p> 1.0 .\n", encoding="utf-8")
    assert_ok(run("load", extra, "--store", store))
    kg = first(store)
    assert kg.store.path is None
    assert same(records(kg), records(load_graph([*files, extra], inferred=False)))
    del kg
    gc.collect()
    assert_ok(run("drop", "one.ttl", "--store", store))
    kg = first(store)
    assert kg.store.path is None
    assert same(records(kg), records(load_graph([files[1], extra], inferred=False)))
    del kg
    gc.collect()
    manifest = json.loads((store / SNAPSHOT_FOLDER / "manifest.json").read_text())
    assert sorted(manifest["graphs"]) == [f"{USER}three.ttl", f"{USER}two.nt"]
    # Files of dropped or replaced graphs are removed.
    kept = {Path(f).parts[0] for f in manifest["graphs"].values()} | {"manifest.json"}
    assert {p.name for p in (store / SNAPSHOT_FOLDER).iterdir()} == kept


def test_an_ingest_keeps_the_snapshot_current(store: Path, tmp_path: Path) -> None:
    """The next ingest (and every reader) then plans on the snapshot, in memory."""
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "inhibitor,cell_line,cancer_type,value,endpoint,source\n"
        "selinexor,BT549,,5 nM,,guide\n"
        "leptomycin B,,multiple myeloma,>1 µM,Ki,guide\n",
        encoding="utf-8",
    )
    assert_ok(run("ingest", rows, "--store", store))
    memory = first(store)
    assert memory.store.path is None  # from the snapshot
    disk = first(store, on_disk=True)
    assert disk.store.path is not None
    assert same(records(memory), records(disk))
    assert memory.query(PER_GRAPH).records() == disk.query(PER_GRAPH).records()
    assert f"{USER}ingested" in {str(r["g"]) for r in disk.query(PER_GRAPH).records()}
    del memory, disk
    gc.collect()
    again = run("ingest", rows, "--store", store)  # found in the snapshot: on a cell line, a type
    assert again.exit_code == 0, again.stderr
    assert "2 rows: 0 added, 2 already present" in again.stdout + again.stderr


def test_the_inferred_graph_comes_from_the_snapshot_once_computed(store: Path) -> None:
    with pytest.MonkeyPatch.context():
        kg = load_graph(store=store, inferred=True)  # computed, kept in the store and snapshot
    expected = kg.run("nuclear_retention_by_inhibitor").records()
    del kg
    gc.collect()
    kg = load_graph(store=store, inferred=True)
    assert kg.store.path is None
    assert kg.run("nuclear_retention_by_inhibitor").records() == expected
    assert expected
    del kg
    gc.collect()


def test_a_store_written_in_this_process_is_read_right_after(tmp_path: Path) -> None:
    """The reader shares the process's writing handle: a read-only handle opened beside it
    failed (`Corruption: ... .sst: No such file`) whenever RocksDB was compacting."""
    from xpo1kg.store.persistent import load_files, open_store

    directory = tmp_path / "kg"
    for i in range(4):
        extra = tmp_path / f"extra{i}.nt"
        extra.write_text(
            "".join(
                f'<http://example.org/s{i}-{j}> <http://example.org/p> "{j}" .\n' for j in range(50)
            ),
            encoding="utf-8",
        )
        load_files(open_store(directory, create=True), [extra])
        kg = load_graph(store=directory, inferred=False)
        assert kg.store.path is None  # from the snapshot, in memory
        assert {str(g) for g in kg.store.graphs()} >= {f"{USER}extra{k}.nt" for k in range(i + 1)}
        on_disk = Store(directory, read_only=True)
        assert on_disk.count([f"{USER}extra{i}.nt"]) == 50
