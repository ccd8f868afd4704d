"""The synthetic benchmark data generator: deterministic, parseable, shape-conformant."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from script_modules import GENERATE_SCRIPT, load_generator

from xpo1kg import load_graph
from xpo1kg.validate.pyshacl_engine import validate

SCRIPT = GENERATE_SCRIPT
XO = Namespace("https://w3id.org/xpo1kg/ontology/")
SYNTHETIC = "https://w3id.org/xpo1kg/resource/synthetic/"
BUNDLED_IC50_ROWS = 7


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_generator()


@pytest.fixture(scope="module")
def small_file(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "syn200.nt"
    generator.write(path, 200, 7, "nt")
    return path


def text(generator: ModuleType, measurements: int, seed: int) -> str:
    return "".join(generator.generate(measurements, seed))


def test_same_seed_gives_identical_output(generator: ModuleType) -> None:
    assert text(generator, 150, 3) == text(generator, 150, 3)


def test_different_seed_gives_different_output(generator: ModuleType) -> None:
    assert text(generator, 150, 3) != text(generator, 150, 4)


def test_write_matches_generate_byte_for_byte(generator: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "out.nt"
    triples = generator.write(path, 120, 5)
    content = path.read_bytes()
    assert content == text(generator, 120, 5).encode()
    assert triples == content.count(b"\n")


def test_lines_are_n_triples(generator: ModuleType) -> None:
    lines = list(generator.generate(50, 1))
    assert all(line.endswith(" .\n") and line.count("\n") == 1 for line in lines)
    graph = Graph().parse(data="".join(lines), format="nt")
    assert len(graph) == len(lines)


def test_exact_number_of_measurements(generator: ModuleType) -> None:
    graph = Graph().parse(data=text(generator, 300, 11), format="nt")
    # Ranges over unnamed cell lines ("Various") are IC50 range summaries, the rest measurements.
    measurements = set(graph.subjects(RDF.type, XO.IC50Measurement))
    summaries = set(graph.subjects(RDF.type, XO.IC50RangeSummary))
    assert len(measurements | summaries) == 300 and summaries and not measurements & summaries
    assert all((s, XO.cellLineDescription, None) in graph for s in summaries)
    # Every named subject lives under the synthetic namespace (the axioms are blank nodes).
    named = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert named and all(s.startswith(SYNTHETIC) for s in named)


def test_entities_scale_with_the_measurements(generator: ModuleType) -> None:
    graph = Graph().parse(data=text(generator, 2000, 2), format="nt")
    inhibitors = set(graph.subjects(RDF.type, XO.Inhibitor)) | set(
        graph.subjects(RDF.type, XO.SINECompound)
    )
    assert len(inhibitors) == 10
    assert len(set(graph.subjects(RDF.type, XO.CellLine))) == 40
    # Synthetic cell lines never carry a (necessarily fake) Cellosaurus accession.
    assert not list(graph.triples((None, XO.cellosaurusId, None)))


def test_turtle_and_n_triples_give_the_same_graph(generator: ModuleType, tmp_path: Path) -> None:
    from xpo1kg.rdf.canonical import isomorphic

    generator.write(tmp_path / "a.nt", 80, 9)
    generator.write(tmp_path / "a.ttl", 80, 9)
    nt = Graph().parse(tmp_path / "a.nt", format="nt")
    ttl = Graph().parse(tmp_path / "a.ttl", format="turtle")
    assert isomorphic(nt, ttl)


def test_conforms_to_the_shapes_with_the_bundled_data(small_file: Path) -> None:
    report = validate([small_file], with_bundled=True)
    assert report.conforms, "\n".join(report.lines())


def test_ic50_table_lists_every_measurement(small_file: Path) -> None:
    rows = load_graph([small_file], inferred=False).run("ic50_table")
    assert len(rows) == BUNDLED_IC50_ROWS + 200


def test_command_line_writes_the_file(generator: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "cli.ttl"
    assert generator.main(["--measurements", "40", "--seed", "2", "--output", str(path)]) == 0
    assert path.read_text(encoding="utf-8").startswith("@prefix ")
    with pytest.raises(SystemExit):
        generator.main(["--measurements", "40", "--output", str(tmp_path / "cli.txt")])
