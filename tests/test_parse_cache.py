"""A shipped file is parsed once per version: the copy a command gets is rdflib's parse of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from xpo1kg.errors import ParseError
from xpo1kg.rdf import loading
from xpo1kg.rdf.loading import parse_into
from xpo1kg.rdf.namespaces import bind_prefixes
from xpo1kg.resources import data_files, ontology_file


def rdflib_parse(source: object) -> Graph:
    graph = bind_prefixes(Graph())
    graph.parse(
        data=Path(str(source)).read_text(encoding="utf-8"),
        format="turtle",
        publicID=loading.file_base(Path(str(source)).name),
    )
    return graph


@pytest.mark.parametrize("source", [ontology_file(), *data_files()], ids=lambda s: s.name)
def test_every_shipped_file_gives_rdflibs_own_parse(source: object) -> None:
    first = parse_into(bind_prefixes(Graph()), source)  # type: ignore[arg-type]
    again = parse_into(bind_prefixes(Graph()), source)  # type: ignore[arg-type]
    reference = rdflib_parse(source)
    assert isomorphic(first, reference) and isomorphic(again, reference)
    assert sorted(first.namespaces()) == sorted(reference.namespaces())
    assert sorted(again.namespaces()) == sorted(reference.namespaces())


def test_changing_one_copy_leaves_the_next_one_whole() -> None:
    source = ontology_file()
    first = parse_into(Graph(), source)
    size = len(first)
    first.remove((None, None, None))
    assert len(parse_into(Graph(), source)) == size


@pytest.fixture
def shipped_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder whose files count as shipped, as a source checkout's data/ does."""
    monkeypatch.setattr(loading, "curated_roots", lambda: [str(tmp_path)])
    return tmp_path


def test_an_edited_shipped_file_is_read_again(shipped_folder: Path) -> None:
    path = shipped_folder / "extra.ttl"
    path.write_text('<urn:a> <urn:b> "one" .\n', encoding="utf-8")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert set(parse_into(Graph(), path).objects()) == {Literal("one")}
    path.write_text('<urn:a> <urn:b> "two" .\n', encoding="utf-8")  # same size
    os.utime(path, ns=(2_000_000_000, 2_000_000_000))
    assert set(parse_into(Graph(), path).objects()) == {Literal("two")}
    path.write_text("<urn:a> <urn:b> <urn:c>\n", encoding="utf-8")  # cut short
    with pytest.raises(ParseError, match=r"extra\.ttl"):
        parse_into(Graph(), path)
