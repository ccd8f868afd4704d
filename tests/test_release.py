"""`xpo1kg release`: every format plus void.ttl and SHA256SUMS, checked with the real
`sha256sum -c`, byte-identical across runs, and all-or-nothing on failure."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from xpo1kg import KnowledgeGraph
from xpo1kg.cli import main
from xpo1kg.publish.release import build_release, write_release
from xpo1kg.reason.reasoner import INFERRED_GRAPH

FILES = [
    "SHA256SUMS",
    "sparql-examples.ttl",
    "void.ttl",
    "xpo1kg.jsonld",
    "xpo1kg.nq",
    "xpo1kg.nt",
    "xpo1kg.rdf",
    "xpo1kg.trig",
    "xpo1kg.ttl",
    "xpo1kg_edges.tsv",
    "xpo1kg_nodes.tsv",
]
#: The files void.ttl lists as distributions: the RDF ones (the KGX tables are in SHA256SUMS).
DESCRIBED = [n for n in FILES if n.endswith((".ttl", ".jsonld", ".nq", ".nt", ".rdf", ".trig"))
             and n != "void.ttl"]  # fmt: skip
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"


def release(*args: str) -> Result:
    return CliRunner().invoke(main, ["release", *args])


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def released_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """One ``xpo1kg release`` for the tests that only read what it wrote and printed."""
    output = tmp_path_factory.mktemp("release") / "out"
    result = release("--output", str(output))
    assert result.exit_code == 0, result.output
    return output, result


@pytest.fixture(scope="module")
def released(released_run: tuple[Path, Result]) -> Path:
    return released_run[0]


@pytest.fixture(scope="module")
def release_files(released: Path) -> dict[str, bytes]:
    """The files of the release of the bundled graph (tests copy before changing)."""
    return snapshot(released)


def test_release_writes_every_file(released: Path) -> None:
    assert sorted(p.name for p in released.iterdir()) == FILES


def test_checksums_pass_sha256sum(released: Path) -> None:
    completed = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"],
        cwd=released,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert sorted(completed.stdout.splitlines()) == [f"{name}: OK" for name in FILES[1:]]


def test_sha256sum_notices_a_changed_file(released: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(released, copy)
    with (copy / "xpo1kg.nt").open("ab") as stream:
        stream.write(b"\n")
    completed = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=copy, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1
    assert "xpo1kg.nt: FAILED" in completed.stdout


def test_progress_goes_to_stderr(released_run: tuple[Path, Result]) -> None:
    result = released_run[1]
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "serialising xpo1kg.trig" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("wrote 11 files")


@pytest.mark.slow  # end to end: fresh Python processes
def test_same_input_same_bytes_in_another_process(released: Path, tmp_path: Path) -> None:
    """A second run, in a fresh process with another hash seed, writes identical files."""
    output = tmp_path / "again"
    completed = subprocess.run(
        [sys.executable, "-m", "xpo1kg", "release", "--output", str(output)],
        env={**os.environ, "PYTHONHASHSEED": "4242"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert (output / "SHA256SUMS").read_bytes() == (released / "SHA256SUMS").read_bytes()
    assert snapshot(output) == snapshot(released)


def test_description_lists_each_file_with_its_size_and_checksum(released: Path) -> None:
    store = ox.Store()
    base = "https://example.org/releases/0.1.0/"
    store.load((released / "void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=base)
    rows = store.query(
        f"""SELECT ?url ?size ?sum ?type WHERE {{
            ?d <{DCAT}downloadURL> ?url ; <{DCAT}byteSize> ?size ; <{DCAT}mediaType> ?type ;
               <{SPDX}checksum> [ <{SPDX}algorithm> <{SPDX}checksumAlgorithm_sha256> ;
                                  <{SPDX}checksumValue> ?sum ] }}"""
    )
    listed = {
        row["url"].value: (int(row["size"].value), row["sum"].value, row["type"].value)
        for row in rows  # type: ignore[union-attr]
    }
    expected = {}
    for name in DESCRIBED:
        content = (released / name).read_bytes()
        media = listed[base + name][2]
        expected[base + name] = (len(content), hashlib.sha256(content).hexdigest(), media)
    assert listed == expected  # relative download URLs resolve beside void.ttl
    assert (
        listed[base + "xpo1kg.ttl"][2] == "https://www.iana.org/assignments/media-types/text/turtle"
    )
    assert listed[base + "xpo1kg.nq"][2].endswith("/application/n-quads")
    endpoint = store.query("SELECT ?e WHERE { ?d <http://rdfs.org/ns/void#sparqlEndpoint> ?e }")
    assert [row["e"].value for row in endpoint] == ["https://example.org/sparql"]  # type: ignore[union-attr]


# --- --data and --inferred ---------------------------------------------------------------------


def test_extra_data_is_released(tmp_path: Path) -> None:
    extra = tmp_path / "mine.ttl"
    extra.write_text(
        "<https://w3id.org/xpo1kg/resource/TP53> <http://www.w3.org/2004/02/skos/core#altLabel> "
        '"released label" .\n',
        encoding="utf-8",
    )
    output = tmp_path / "out"
    assert release("--output", str(output), "--data", str(extra)).exit_code == 0
    assert b'"released label"' in (output / "xpo1kg.nt").read_bytes()
    quads = (output / "xpo1kg.nq").read_text(encoding="utf-8").splitlines()
    assert len([q for q in quads if '"released label"' in q]) == 1


def test_inferred_facts_go_only_into_their_named_graph(inferred_kg: KnowledgeGraph) -> None:
    files = build_release(inferred_kg)
    graph = f"<{INFERRED_GRAPH}>".encode()
    assert graph in files["xpo1kg.nq"]
    assert graph in files["xpo1kg.trig"]
    assert graph not in files["xpo1kg.nt"]  # the one-graph formats hold the asserted triples
    inferred = [line for line in files["xpo1kg.nq"].splitlines() if line.endswith(graph + b" .")]
    assert inferred_kg.inferred is not None and len(inferred) == len(inferred_kg.inferred)
    assert b"xdesc:inferred" in files["void.ttl"]


# --- failures leave the target as it was --------------------------------------------------------


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "release.txt"
    target.write_bytes(b"keep me\n")
    result = release("--output", str(target))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"error: {target}: exists and is not a directory"
    assert len([line for line in result.stderr.splitlines() if line.startswith("error")]) == 1
    assert target.read_bytes() == b"keep me\n"
    assert [p.name for p in tmp_path.iterdir()] == ["release.txt"]
    assert "serialising" not in result.stderr  # refused before the release was built


def test_output_under_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    result = release("--output", str(tmp_path / "file" / "out"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith("exists and is not a directory")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]
    assert "serialising" not in result.stderr  # refused before the release was built


@pytest.mark.parametrize("fresh", [True, False])
def test_a_failed_write_leaves_the_directory_unchanged(
    release_files: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: bool
) -> None:
    files = dict(release_files)
    target = tmp_path / "out"
    if not fresh:
        target.mkdir()
        (target / "xpo1kg.ttl").write_bytes(b"old release\n")
        (target / "notes.txt").write_bytes(b"mine\n")
    before = snapshot(target) if not fresh else None
    calls = []
    real_fsync = os.fsync

    def fail_on_the_fourth(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fail_on_the_fourth)
    with pytest.raises(Exception, match="No space left on device"):
        write_release(files, target)
    monkeypatch.undo()
    if fresh:
        assert not target.exists()
    else:
        assert snapshot(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ([] if fresh else ["out"])


def test_release_into_an_existing_directory_replaces_only_its_files(
    release_files: dict[str, bytes], tmp_path: Path
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "xpo1kg.ttl").write_bytes(b"old release\n")
    (target / "notes.txt").write_bytes(b"mine\n")
    files = dict(release_files)
    write_release(files, target)
    assert snapshot(target) == {**files, "notes.txt": b"mine\n"}
