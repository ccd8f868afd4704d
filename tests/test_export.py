"""Deterministic export: every format round-trips, the bytes do not depend on the process, a small
change in the graph makes a small diff, and files are written atomically.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import json
import os
import socket
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from xpo1kg import KnowledgeGraph, export, load_graph
from xpo1kg.rdf.canonical import isomorphic
from xpo1kg.rdf.serialize import (
    EXPORT_FORMATS,
    QUAD_FORMATS,
    ExportFormat,
    atomic_write,
    serialize,
    serialize_dataset,
)

#: Export format -> rdflib parser name.
PARSERS: dict[ExportFormat, str] = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}
FORMATS: list[ExportFormat] = list(PARSERS)

TP53 = URIRef("https://w3id.org/xpo1kg/resource/TP53")
NOTE = URIRef("https://w3id.org/xpo1kg/ontology/note")


def copy(graph: Graph) -> Graph:
    fresh = Graph()
    for triple in graph:
        fresh.add(triple)
    return fresh


def changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(
        before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0
    )
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_formats_are_the_documented_ones() -> None:
    assert sorted(set(EXPORT_FORMATS) - set(QUAD_FORMATS)) == sorted(FORMATS)
    assert sorted(QUAD_FORMATS) == ["nq", "trig"]


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_named_graph_exports_round_trip(kg: KnowledgeGraph, fmt: ExportFormat) -> None:
    """Each source file comes back as its own named graph, isomorphic to what was loaded."""
    data = serialize_dataset(kg.parts, fmt)
    assert data == serialize_dataset(kg.parts, fmt)
    dataset = Dataset()
    dataset.parse(data=data, format="nquads" if fmt == "nq" else "trig")
    for name, part in kg.parts:
        assert isomorphic(dataset.graph(name), part), name
    assert {str(name) for name, _ in kg.parts} == {
        str(g.identifier) for g in dataset.graphs() if len(g)
    }


JSONLD_PARSER_WARNING = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"


@pytest.mark.filterwarnings(JSONLD_PARSER_WARNING)
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_is_isomorphic(
    monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph, fmt: ExportFormat
) -> None:
    content = serialize(kg.graph, fmt)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("the export must parse without fetching anything")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    reparsed = Graph().parse(data=content, format=PARSERS[fmt])
    assert len(reparsed) == len(kg.graph)
    assert isomorphic(kg.graph, reparsed), f"{fmt} export does not round-trip"


def test_jsonld_context_is_inline(kg: KnowledgeGraph) -> None:
    """The export embeds the shipped context file's terms, never a reference to a URL."""
    document = json.loads(serialize(kg.graph, "jsonld"))
    shipped = json.loads((files("xpo1kg") / "rdf" / "context.jsonld").read_bytes())
    assert document["@context"] == shipped["@context"]
    assert document["@context"]["xr"] == "https://w3id.org/xpo1kg/resource/"


@pytest.mark.filterwarnings(JSONLD_PARSER_WARNING)
def test_jsonld_keeps_the_order_of_rdf_lists(kg: KnowledgeGraph) -> None:
    """owl:members ( ... ) and owl:intersectionOf ( ... ) are RDF lists: their order is data."""
    content = serialize(kg.graph, "jsonld")
    reparsed = Graph().parse(data=content, format="json-ld")
    members = URIRef("http://www.w3.org/2002/07/owl#members")

    def member_lists(graph: Graph) -> set[tuple[str, ...]]:
        return {
            tuple(str(item) for item in graph.items(head)) for head in graph.objects(None, members)
        }

    assert member_lists(kg.graph)  # the ontology declares its disjoint classes this way
    assert member_lists(reparsed) == member_lists(kg.graph)


@pytest.mark.parametrize("fmt", FORMATS)
def test_serialize_is_repeatable_in_process(kg: KnowledgeGraph, fmt: ExportFormat) -> None:
    first = serialize(kg.graph, fmt)
    assert serialize(kg.graph, fmt) == first
    # A graph built from the same triples in another order gives the same bytes.
    reordered = Graph()
    for triple in sorted(kg.graph, reverse=True):
        reordered.add(triple)
    assert serialize(reordered, fmt) == first


HASH_SCRIPT = """
import hashlib
from xpo1kg import load_graph
from xpo1kg.rdf.serialize import serialize
graph = load_graph().graph
for fmt in ("ttl", "nt", "jsonld", "xml"):
    print(fmt, hashlib.sha256(serialize(graph, fmt)).hexdigest())
"""


def export_hashes(seed: str, cwd: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    completed = subprocess.run(
        [sys.executable, "-c", HASH_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return dict(line.split() for line in completed.stdout.splitlines())


@pytest.mark.slow  # end to end: fresh Python processes
def test_export_is_identical_across_processes(tmp_path: Path, kg: KnowledgeGraph) -> None:
    first = export_hashes("0", tmp_path)
    second = export_hashes("2718281", tmp_path)
    assert sorted(first) == sorted(FORMATS)
    assert first == second
    here = {fmt: hashlib.sha256(serialize(kg.graph, fmt)).hexdigest() for fmt in FORMATS}
    assert here == first


def test_adding_a_triple_adds_one_ntriples_line(kg: KnowledgeGraph) -> None:
    graph = copy(kg.graph)
    before = serialize(graph, "nt")
    graph.add((TP53, SKOS.altLabel, Literal("tumour protein p53, test label")))
    after = serialize(graph, "nt")
    added = (
        "+<https://w3id.org/xpo1kg/resource/TP53> <http://www.w3.org/2004/02/skos/core#altLabel> "
        '"tumour protein p53, test label" .'
    )
    assert changed_lines(before, after) == [added]


def test_adding_a_blank_node_keeps_other_blank_node_labels(kg: KnowledgeGraph) -> None:
    graph = copy(kg.graph)
    before = serialize(graph, "nt")
    node = BNode()
    graph.add((TP53, NOTE, node))
    graph.add((node, RDF.value, Literal("a note")))
    diff = changed_lines(before, serialize(graph, "nt"))
    assert len(diff) == 2
    assert all(line.startswith("+") for line in diff)


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "xml"])
def test_adding_a_triple_makes_a_small_diff(kg: KnowledgeGraph, fmt: ExportFormat) -> None:
    graph = copy(kg.graph)
    before = serialize(graph, fmt)
    graph.add((TP53, SKOS.altLabel, Literal("tumour protein p53, test label")))
    diff = changed_lines(before, serialize(graph, fmt))
    assert 1 <= len(diff) <= 3, diff
    assert any("tumour protein p53, test label" in line for line in diff)


def test_serialize_unknown_format(kg: KnowledgeGraph) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        serialize(kg.graph, "yaml")  # type: ignore[arg-type]


def test_serialize_blank_nodes_do_not_depend_on_their_ids() -> None:
    text = "<urn:a> <urn:b> [ <urn:c> 1 ; <urn:d> [ <urn:e> 2 ] ] ."
    first = Graph().parse(data=text, format="turtle")
    second = Graph().parse(data=text, format="turtle")
    assert set(first) != set(second)  # the parser minted different blank node ids
    for fmt in FORMATS:
        assert serialize(first, fmt) == serialize(second, fmt)


# --- atomic_write -----------------------------------------------------------------------------


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "out.ttl"
    atomic_write(path, b"first\n")
    assert path.read_bytes() == b"first\n"
    atomic_write(path, b"second\n")
    assert path.read_bytes() == b"second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_atomic_write_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    atomic_write(Path("out.nt"), b"content\n")
    assert (tmp_path / "out.nt").read_bytes() == b"content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]


def test_atomic_write_onto_a_directory_fails_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "folder"
    target.mkdir()
    (target / "inside.txt").write_bytes(b"keep")
    with pytest.raises(OSError):
        atomic_write(target, b"content")
    assert target.is_dir()
    assert [p.name for p in target.iterdir()] == ["inside.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["folder"]  # no temporary file left


def test_atomic_write_in_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"^cannot write .*out.ttl: No such file") as raised:
        atomic_write(tmp_path / "missing" / "out.ttl", b"content")
    assert raised.value.errno == errno.ENOENT
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_failed_write_keeps_the_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = tmp_path / "out.ttl"
    path.write_bytes(b"old content\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(path, b"new content that never lands\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_interrupted_write_keeps_the_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a KeyboardInterrupt in the middle leaves the old file and no temporary file."""
    path = tmp_path / "out.ttl"
    path.write_bytes(b"old content\n")

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, b"new content\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_export_api_writes_atomically(tmp_path: Path) -> None:
    path = tmp_path / "graph.nt"
    path.write_bytes(b"old\n")
    written = serialize(load_graph().graph, "nt")
    assert export("nt", path, inferred=False) == written  # default: + the inferred facts
    assert path.read_bytes() == written
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_single_graph_export_marks_every_inferred_triple(
    inferred_kg: KnowledgeGraph, fmt: ExportFormat
) -> None:
    from cli_runs import assert_ok, run

    from xpo1kg.rdf.namespaces import BIOLINK
    from xpo1kg.reason.provenance_nodes import inferred_triples

    outcome = run("export", "--format", fmt, "--inferred")
    assert_ok(outcome)
    rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}[fmt]
    exported = Graph().parse(data=outcome.stdout, format=rdflib_format)
    assert inferred_kg.inferred is not None
    facts = inferred_triples(inferred_kg.inferred)
    assert len(facts) > 100
    for s, p, o in facts:
        assert (s, p, o) in exported
        marks = {
            exported.value(node, BIOLINK.knowledge_level)
            for node in exported.subjects(OWL.annotatedSource, s)
            if (node, OWL.annotatedProperty, p) in exported
            and (node, OWL.annotatedTarget, o) in exported
        }
        assert Literal("logical_entailment") in marks, (s, p, o)
    asserted = run("export", "--format", fmt, "--no-inferred")
    assert_ok(asserted)
    plain = Graph().parse(data=asserted.stdout, format=rdflib_format)
    assert not any(plain.subjects(BIOLINK.knowledge_level, Literal("logical_entailment")))
