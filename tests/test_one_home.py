"""One home per helper: graph IRIs, the DTD check and atomic writes each live in one module.

The source checks read the package's code (as ``test_layout.py`` does); the behaviour checks
show that every reader and store agrees with that one home.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runs import run

import xpo1kg
from xpo1kg.errors import ParseError
from xpo1kg.publish.linked_datasets import LinkedDataset, linked_dataset
from xpo1kg.rdf.graphs import (
    INFERRED_GRAPH_IRI,
    META_GRAPH_IRI,
    bundled_graph,
    file_base,
    user_graph,
)
from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.registry import databases, obo_term
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.server.xrefs import Xref, xref_from_iri
from xpo1kg.store.embedded import Store
from xpo1kg.store.knowledge_graph import load_graph
from xpo1kg.store.persistent import load_files

PACKAGE = Path(xpo1kg.__file__).parent


def _module(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@functools.cache
def _strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module (f-string parts included), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def _spelled(needle: str, home: str) -> list[str]:
    """Where a module other than ``home`` has a string containing ``needle``."""
    return [
        f"{_module(path)}:{line}: {text[:60]!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if _module(path) != home
        for line, text in _strings(path)
        if needle in text
    ]


# --- graph IRIs -----------------------------------------------------------------------------------


def test_only_rdf_graphs_spells_a_graph_iri() -> None:
    """Named graphs (inferred, meta, user, ingest, bundled) and file bases: import rdf.graphs."""
    assert _spelled("graph/", "rdf/graphs.py") == []
    assert _spelled("#bundle", "rdf/graphs.py") == []
    assert _spelled("#snapshot", "rdf/graphs.py") == []


def test_only_rdf_namespaces_spells_the_uri_space() -> None:
    """xo:, xr:, graph names, the VoID description: all built from namespaces.URI_SPACE."""
    assert _spelled("w3id.org/xpo1kg", "rdf/namespaces.py") == []


def test_every_store_names_its_graphs_from_rdf_graphs(tmp_path: Path) -> None:
    extra = tmp_path / "my extra.ttl"
    extra.write_text('<thing> <http://example.org/p> "x" .\n', encoding="utf-8")
    bundled = {bundled_graph(Path(str(f)).parent.name, Path(f.name).stem) for f in data_files()}
    bundled.add(bundled_graph("ontology", Path(ontology_file().name).stem))

    memory = load_graph([extra]).store.graph_names()
    assert memory == bundled | {user_graph("my extra.ttl")}

    store = Store(tmp_path / "store")
    assert load_files(store, [extra]) == [user_graph("my extra.ttl")]
    assert store.graph_names() - {META_GRAPH_IRI} == {user_graph("my extra.ttl")}
    assert user_graph("my extra.ttl").endswith("/graph/user/my%20extra.ttl")
    assert INFERRED_GRAPH_IRI not in memory


def test_a_relative_iri_resolves_alike_in_every_reader(tmp_path: Path) -> None:
    extra = tmp_path / "relative.ttl"
    extra.write_text('<thing> <http://example.org/p> "x" .\n', encoding="utf-8")
    expected = file_base("relative.ttl").rsplit("/", 1)[0] + "/thing"
    sparql = "SELECT ?s WHERE { ?s <http://example.org/p> ?o }"

    assert [str(s) for s in read_graph([extra]).subjects()] == [expected]  # rdflib (validate)
    assert [str(s) for s in load_graph([extra]).query(sparql).column("s")] == [expected]
    store = Store(tmp_path / "store")
    load_files(store, [extra])  # the bulk loader of `xpo1kg load`
    graph = ox.NamedNode(user_graph("relative.ttl"))
    found = [q.subject.value for q in store.oxigraph.quads_for_pattern(None, None, None, graph)]
    assert found == [expected]


# --- the DTD check --------------------------------------------------------------------------------

_DTD_WORDS = re.compile(r"DOCTYPE|ENTITY|EntityDeclHandler|StartDoctypeDeclHandler")


def test_only_rdf_loading_refuses_dtds() -> None:
    """One DTD check (rdf.loading.check_xml): no other module looks for DOCTYPE or ENTITY."""
    offenders = [
        f"{_module(path)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if _module(path) != "rdf/loading.py"
        for line, text in _strings(path)
        if _DTD_WORDS.search(text)
    ]
    assert offenders == []


ENTITIES = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
)
REFUSAL = "entities.rdf:2: DOCTYPE and ENTITY declarations are not accepted"


@pytest.fixture
def entities(tmp_path: Path) -> Path:
    path = tmp_path / "entities.rdf"
    path.write_text(ENTITIES, encoding="utf-8")
    return path


def test_every_python_reader_refuses_a_dtd_alike(entities: Path) -> None:
    messages = []
    for read in (
        lambda: load_graph([entities]),
        lambda: read_graph([entities]),
        lambda: Store().add_rdf(entities.read_bytes(), "entities.rdf", "urn:g"),
    ):
        with pytest.raises(ParseError) as info:
            read()
        messages.append(str(info.value).removeprefix(f"{entities.parent}/"))
    assert messages == [REFUSAL] * 3


@pytest.mark.parametrize(
    "command",
    [
        ("query", "ic50_table", "--data", "{file}"),
        ("load", "{file}", "--store", "{store}"),
        ("validate", "{file}"),
        ("find", "TP53", "--data", "{file}"),
    ],
)
def test_every_command_refuses_a_dtd_alike(
    entities: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    store = tmp_path / "store"
    args = [a.format(file=entities, store=store) for a in command]
    outcome = run(*args)
    assert outcome.exit_code == 2, outcome.stderr
    assert outcome.stderr.strip().splitlines()[-1] == f"error: {entities.parent}/{REFUSAL}"
    assert not store.exists()


# --- atomic writes --------------------------------------------------------------------------------

#: What may write or rename outside rdf/safefile.py, and why.
_ALLOWED_WRITES = {
    ("publish/release.py", "os.rename"),  # the fully written staging *directory* into place
    ("cli/figures.py", "write_bytes"),  # an empty probe that the output directory is writable
}
_WRITE_CALLS = {"os.replace", "os.rename", "mkstemp", "write_text", "write_bytes", "umask"}


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            prefix = f"{owner.id}." if isinstance(owner, ast.Name) and owner.id == "os" else ""
            names.add(prefix + node.func.attr)
    return names


def test_only_rdf_safefile_writes_files_in_place() -> None:
    """Atomic writes (mode kept, symlinks followed) have one home: rdf.safefile."""
    offenders = sorted(
        (_module(path), call)
        for path in PACKAGE.rglob("*.py")
        if _module(path) != "rdf/safefile.py"
        for call in _calls(path) & _WRITE_CALLS
        if (_module(path), call) not in _ALLOWED_WRITES
    )
    assert offenders == []


# --- the databases: one registry ------------------------------------------------------------------


def test_only_rdf_registry_spells_a_database_url() -> None:
    """Namespaces, pages and homepages of databases come from registry.json, through rdf.registry.

    ``namespaces.PREFIXES``, ``publish.linked_datasets`` and ``server.xrefs`` derive from it; so do
    the resolvers' forms (OBO PURLs, identifiers.org) of databases it does not list.
    """
    urls = {"identifiers.org", "obofoundry.org", "purl.obolibrary.org"}
    for db in databases():
        urls |= {db.uri_prefix, db.homepage, *db.uri_prefix_synonyms}
        if db.page:
            urls.add(db.page.split("$1")[0])
    offenders = [hit for url in sorted(urls) for hit in _spelled(url, "rdf/registry.py")]
    assert offenders == []


def test_the_three_database_tables_agree_with_the_registry() -> None:
    for db in databases():
        if db.curie:
            assert PREFIXES[db.prefix] == db.uri_prefix
        example = db.uri_prefix + "X1"
        assert linked_dataset(example) == LinkedDataset(
            db.prefix, db.name, db.homepage, db.uri_prefix
        )
        if obo_term(example) is None and db.prefix != "pubchem":
            assert xref_from_iri(example) == Xref(db.name, "X1", db.page_for("X1"))
