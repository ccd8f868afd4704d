"""The public Python API: loading, queries, errors, entity lookup, export, validation, results.

Also runs the doctests of every module, so that the examples in the docstrings stay true.
"""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
import socket
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import BNode, Literal, URIRef

import xpo1kg
from xpo1kg import (
    CompetencyQuery,
    Entity,
    InputError,
    KnowledgeGraph,
    ParseError,
    QueryResult,
    QuerySyntaxError,
    UnknownQueryError,
    XPO1KGError,
    export,
    find_entity,
    get_query,
    list_queries,
    load_graph,
    run_query,
    validate,
)
from xpo1kg.rdf.serialize import serialize
from xpo1kg.resources import query_files

ROOT = Path(__file__).resolve().parents[1]
CARGO = "cargo_triggering_apoptosis"
XR = "https://w3id.org/xpo1kg/resource/"
XO = "https://w3id.org/xpo1kg/ontology/"
TP53 = f"{XR}TP53"
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

MEASUREMENT_TTL = """\
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .

xr:IC50_selinexor_A2780_api a xo:IC50Measurement ;
    xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:selinexor ;
    xo:hasCellLine xr:A2780 ;
    xo:hasCancerType xr:OvarianCancer ;
    xo:value 42.0 ;
    xo:publishedValue "42" ;
    xo:hasUnit obo:UO_0000065 ;
    xo:evidenceType obo:ECO_0000303 ;
    xo:modality xo:Established ;
    <https://w3id.org/biolink/vocab/knowledge_level> "knowledge_assertion" ;
    <https://w3id.org/biolink/vocab/agent_type> "manual_agent" ;
    dcterms:source xr:BenchChemGuide2025 .
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- load_graph ------------------------------------------------------------------------------


def test_load_graph(kg: KnowledgeGraph) -> None:
    assert isinstance(kg, KnowledgeGraph)
    assert len(kg) == len(kg.graph) > 1000
    assert kg.label(URIRef(TP53)) == "TP53"
    assert kg.label(URIRef(f"{XR}NoSuchThing")) == f"{XR}NoSuchThing"


def test_load_graph_without_bundled_data(kg: KnowledgeGraph) -> None:
    ontology_only = load_graph(bundled_data=False)
    assert 0 < len(ontology_only) < len(kg)
    assert (URIRef(TP53), None, None) not in ontology_only.graph
    assert (URIRef(f"{XO}IC50Measurement"), None, None) in ontology_only.graph


def test_load_graph_with_extra_files(tmp_path: Path, kg: KnowledgeGraph) -> None:
    path = write(tmp_path / "mine.ttl", MEASUREMENT_TTL)
    extended = load_graph([path])
    assert len(extended) == len(kg) + 13  # 9 triples of the measurement, 4 of its evidence
    assert len(load_graph([str(path)])) == len(extended)
    ic50 = extended.run("ic50_table")
    assert len(ic50) == 8
    assert f"{XR}IC50_selinexor_A2780_api" in ic50.column("measurement")


def test_missing_extra_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.ttl"
    with pytest.raises(InputError, match="no such file") as info:
        load_graph([path])
    assert not isinstance(info.value, ParseError)


def test_unknown_file_type_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path / "data.json", "{}")
    with pytest.raises(InputError, match=r"unknown RDF file type '\.json'"):
        load_graph([path])


def test_parse_error_carries_source_and_line(tmp_path: Path) -> None:
    text = "@prefix xr: <https://w3id.org/xpo1kg/resource/> .\n\nxr:a xr:b xr:c .\nxr:a xr:b .\n"
    path = write(tmp_path / "broken.ttl", text)
    with pytest.raises(ParseError) as info:
        load_graph([path])
    error = info.value
    assert isinstance(error, InputError)
    assert error.source == str(path)
    assert error.line == 4
    assert error.message
    assert str(error) == f"{path}:4: {error.message}"
    assert "\n" not in str(error)


def test_parse_error_for_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes(b'@prefix xr: <https://w3id.org/xpo1kg/resource/> .\nxr:a xr:b "caf\xe9" .\n')
    with pytest.raises(ParseError) as info:
        load_graph([path])
    assert (info.value.source, info.value.line) == (str(path), 2)


def test_rdfxml_with_entity_declarations_is_refused(tmp_path: Path) -> None:
    text = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE rdf:RDF [ <!ENTITY lol "lol"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    path = write(tmp_path / "entities.rdf", text)
    with pytest.raises(ParseError) as info:
        load_graph([path])
    assert info.value.line == 2


# --- run_query --------------------------------------------------------------------------------


def test_run_query_by_name() -> None:
    result = run_query(CARGO)
    assert len(result) == 7  # six proteins and the guide's "FOXO proteins" family
    labels = result.column("cargo_label")
    assert labels[0] == "TP53"  # the p53-dependent route sorts first
    assert {"TP53", "CDKN1A", "NFKBIA"} <= set(labels)
    record = result.records()[0]
    assert record["cargo"] == TP53
    assert record["uniprot"] == "P04637"
    assert record["p53"] == "p53-dependent"


def test_run_query_by_competency_query_object() -> None:
    assert run_query(get_query(CARGO)).rows == run_query(CARGO).rows


def test_run_query_by_rq_path(tmp_path: Path) -> None:
    path = write(tmp_path / "copy.rq", get_query(CARGO).sparql)
    assert run_query(str(path)).rows == run_query(CARGO).rows


def test_run_query_by_rq_path_with_a_space(tmp_path: Path) -> None:
    folder = tmp_path / "my queries"
    folder.mkdir()
    path = write(folder / "copy.rq", get_query(CARGO).sparql)
    assert run_query(str(path)).rows == run_query(CARGO).rows


def test_run_query_by_sparql_text() -> None:
    result = run_query("SELECT ?p WHERE { ?p xo:exportedBy xr:XPO1 }")
    assert result.columns == ["p"]
    assert TP53 in result.column("p")
    assert run_query("ASK { xr:selinexor xo:inhibits xr:XPO1 }").column("ask") == [True]
    assert run_query("ASK { xr:XPO1 xo:inhibits xr:selinexor }").column("ask") == [False]


def test_run_query_construct() -> None:
    result = run_query("CONSTRUCT { xr:TP53 rdfs:label ?l } WHERE { xr:TP53 rdfs:label ?l }")
    assert result.columns == ["subject", "predicate", "object"]
    assert result.records() == [
        {
            "subject": TP53,
            "predicate": "http://www.w3.org/2000/01/rdf-schema#label",
            "object": "TP53",
        }
    ]


def test_run_query_with_bindings() -> None:
    sparql = "SELECT ?s WHERE { ?s xo:uniprotAccession ?acc }"
    assert len(run_query(sparql)) > 10
    assert run_query(sparql, {"acc": "P04637"}).column("s") == [TP53]
    assert run_query(sparql, {"?acc": Literal("P04637")}).column("s") == [TP53]
    by_curie = run_query("SELECT ?acc WHERE { ?p xo:uniprotAccession ?acc }", {"p": "xr:TP53"})
    assert by_curie.column("acc") == ["P04637"]
    by_iri = run_query("SELECT ?acc WHERE { ?p xo:uniprotAccession ?acc }", {"p": TP53})
    assert by_iri.column("acc") == ["P04637"]


def test_run_query_on_extra_files(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.ttl", MEASUREMENT_TTL)
    assert len(run_query("ic50_table")) == 7
    assert len(run_query("ic50_table", extra_files=[path])) == 8


# --- the query catalogue ----------------------------------------------------------------------


def test_list_queries_matches_the_query_files() -> None:
    names = [q.name for q in list_queries()]
    assert names == sorted(names)
    assert names == [f.name.removesuffix(".rq") for f in query_files()]
    repository_queries = ROOT / "queries"
    if repository_queries.is_dir():  # the installed package ships every query of the repository
        assert names == sorted(p.stem for p in repository_queries.glob("*.rq"))
    assert CARGO in names


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_query_is_documented_and_runs(
    kg: KnowledgeGraph, inferred_kg: KnowledgeGraph, name: str
) -> None:
    query = get_query(name)
    if query.requires_inference:
        kg = inferred_kg
    assert isinstance(query, CompetencyQuery)
    assert query.name == name
    assert query.title
    assert query.title != name  # the header has a title line
    assert query.question.endswith("?")
    assert query.answer
    assert query.sparql.lstrip().startswith("#")
    result = kg.query(query)
    assert result.columns
    assert len(result) > 0
    assert kg.run(name).rows == result.rows


def test_unknown_query_has_suggestions() -> None:
    with pytest.raises(UnknownQueryError) as info:
        get_query("cargo_triggering")
    error = info.value
    assert isinstance(error, InputError)
    assert error.name == "cargo_triggering"
    assert error.suggestions[0] == CARGO
    assert CARGO in str(error)
    with pytest.raises(UnknownQueryError) as typo:
        run_query("ic50_tabel")
    assert "ic50_table" in typo.value.suggestions
    with pytest.raises(UnknownQueryError) as nothing:
        get_query("zzzzzzzzzzzzzzzzzzzz")
    assert nothing.value.suggestions == []
    assert "did you mean" not in str(nothing.value)


def test_bad_sparql_is_a_query_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError, match="line 1, column"):
        run_query("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QuerySyntaxError, match="nope"):
        run_query("SELECT ?s WHERE { ?s nope:x ?o }")
    with pytest.raises(QuerySyntaxError):
        run_query("LOAD <http://example.org/data.ttl>")
    assert issubclass(QuerySyntaxError, InputError)


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?q ?x } } }",
    "ASK { { ?s ?p ?o } UNION { SERVICE <http://example.org/sparql> { ?s ?q ?x } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?q ?x } } }",
]


@pytest.mark.parametrize("sparql", SERVICE_QUERIES)
def test_service_is_refused_without_a_connection(
    monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph, sparql: str
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with pytest.raises(QuerySyntaxError, match="SERVICE"):
        kg.query(sparql)
    assert attempts == []


def test_from_clause_fetches_nothing(monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    kg.query("SELECT * FROM <http://example.org/graph.ttl> WHERE { ?s ?p ?o } LIMIT 1")
    assert attempts == []


# --- find_entity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("xr:TP53", "TP53"),
        (TP53, "TP53"),
        ("TP53", "TP53"),
        ("selinexor", "selinexor"),
        ("CRM1", "XPO1"),
        ("exportin-1", "XPO1"),
        ("KPT-330", "selinexor"),
        ("p53", "TP53"),
        ("SK-OV-3", "SK-OV-3"),
        ("skov3", "SK-OV-3"),
        ("SKOV 3", "SK-OV-3"),
        ("CHEMBL3545185", "selinexor"),
        ("P04637", "TP53"),
        ("uniprot:P04637", "TP53"),
        ("CVCL_0532", "SK-OV-3"),
        ("HGNC:11998", "TP53"),
    ],
)
def test_find_entity(text: str, label: str) -> None:
    """A full name, synonym, identifier, CURIE or IRI finds its entity first, as a whole-name match.

    Other entities may follow (names that start with the text, or contain it as a word).
    """
    found = find_entity(text)
    entity = found[0]
    assert isinstance(entity, Entity)
    assert (entity.label, entity.iri) == (label, f"{XR}{label}")
    assert entity.identical
    assert entity.types
    assert [e.label for e in found if e.identical] == [label]


def test_find_entity_types_are_labels() -> None:
    cell_line = find_entity("SK-OV-3")[0]
    assert cell_line.types == ("cell line",)
    assert cell_line.type == "cell line"


def test_find_entity_tolerates_typos_and_limits() -> None:
    found = find_entity("selinexr")
    assert found[0].label == "selinexor"
    assert (found[0].match, found[0].identical) == ("fuzzy", False)
    assert len(find_entity("caspase", limit=2)) == 2
    assert len(find_entity("caspase", limit=None)) > 2


@pytest.mark.parametrize("text", ["nothing-like-this", "xr:NoSuchThing", "", "nope:TP53"])
def test_find_entity_unknown(text: str) -> None:
    assert find_entity(text) == []


def test_find_entity_in_extra_files(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.ttl", MEASUREMENT_TTL)
    assert find_entity("xr:IC50_selinexor_A2780_api") == []
    [found] = find_entity("xr:IC50_selinexor_A2780_api", extra_files=[path])
    assert found.types == ("IC50 measurement",)


# --- export and validate ----------------------------------------------------------------------


def test_export_returns_bytes(kg: KnowledgeGraph) -> None:
    content = export(inferred=False)  # the asserted triples (by default, inferred ones too)
    assert isinstance(content, bytes)
    assert content == serialize(kg.graph, "ttl")
    nt = export("nt", inferred=False)
    assert nt.endswith(b"\n")
    assert nt.count(b"\n") == len(kg)


def test_export_writes_a_file(tmp_path: Path) -> None:
    path = tmp_path / "graph.jsonld"
    content = export("jsonld", path)
    assert path.read_bytes() == content
    assert json.loads(content)["@context"]["xr"] == XR
    assert export("jsonld", str(path)) == content
    assert [p.name for p in tmp_path.iterdir()] == ["graph.jsonld"]


def test_export_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export("yaml")  # type: ignore[arg-type]


def test_validate_bundled_data_conforms() -> None:
    report = validate()
    assert report.conforms
    assert bool(report)
    assert report.results == ()
    assert report.lines() == []


def test_validate_reports_a_missing_unit(tmp_path: Path) -> None:
    unitless = MEASUREMENT_TTL.replace("    xo:hasUnit obo:UO_0000065 ;\n", "")
    path = write(tmp_path / "unitless.ttl", unitless)
    report = validate([path], with_bundled=True)
    assert not report.conforms
    assert not bool(report)
    [result] = report.results
    assert result.focus_node == f"{XR}IC50_selinexor_A2780_api"
    assert result.path == f"{XO}hasUnit"
    assert result.severity == "sh:Violation"
    assert result.message
    assert report.lines() == [result.line()]
    assert "xr:IC50_selinexor_A2780_api" in result.line()
    assert validate([path, path], with_bundled=True).results == report.results


def test_validation_errors_are_xpo1kg_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.ttl", "not turtle at all")
    with pytest.raises(XPO1KGError):
        validate([path])


# --- QueryResult ------------------------------------------------------------------------------


@pytest.fixture
def small_result() -> QueryResult:
    return QueryResult(
        ["protein", "label", "ic50", "note"],
        [
            (URIRef(TP53), Literal("TP53"), Literal("32.0", datatype=DECIMAL), None),
            (
                URIRef("https://example.org/x"),
                Literal("a, b"),
                Literal("2.5", datatype=DECIMAL),
                BNode("b1"),
            ),
        ],
    )


def test_result_records_and_columns(small_result: QueryResult) -> None:
    assert len(small_result) == 2
    assert list(small_result) == small_result.rows
    assert small_result.records()[0] == {
        "protein": TP53,
        "label": "TP53",
        "ic50": Decimal("32.0"),
        "note": None,
    }
    assert small_result.column("label") == ["TP53", "a, b"]
    assert small_result.column("note") == [None, "_:b1"]
    with pytest.raises(ValueError):
        small_result.column("nope")


def test_result_table(small_result: QueryResult) -> None:
    lines = small_result.render("table").splitlines()
    assert lines[0].split() == ["protein", "label", "ic50", "note"]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].split() == ["xr:TP53", "TP53", "32.0"]  # IRIs as CURIEs, None as blank
    assert lines[3].startswith("https://example.org/x  a, b")
    assert lines[-1] == "(2 rows)"
    # Columns line up: every cell starts where its header starts.
    start = lines[0].index("ic50")
    assert lines[2][start:].startswith("32.0")
    assert lines[3][start:].startswith("2.5")
    one = QueryResult(["x"], [(Literal(1),)])
    assert one.render().splitlines()[-1] == "(1 row)"
    assert QueryResult(["x"]).render().splitlines()[-1] == "(0 rows)"


def test_result_csv_and_tsv(small_result: QueryResult) -> None:
    assert small_result.render("csv").splitlines(keepends=True) == [
        "protein,label,ic50,note\n",
        f"{TP53},TP53,32.0,\n",
        'https://example.org/x,"a, b",2.5,_:b1\n',
    ]
    assert small_result.render("tsv").splitlines(keepends=True) == [
        "protein\tlabel\tic50\tnote\n",
        f"{TP53}\tTP53\t32.0\t\n",
        "https://example.org/x\ta, b\t2.5\t_:b1\n",
    ]


def test_result_json(small_result: QueryResult) -> None:
    assert json.loads(small_result.render("json")) == [
        {"protein": TP53, "label": "TP53", "ic50": 32, "note": None},
        {"protein": "https://example.org/x", "label": "a, b", "ic50": 2.5, "note": "_:b1"},
    ]
    ask = QueryResult(["ask"], [(Literal(True),)])
    assert json.loads(ask.render("json")) == [{"ask": True}]


def test_result_unknown_format(small_result: QueryResult) -> None:
    with pytest.raises(ValueError, match="unknown output format"):
        small_result.render("yaml")  # type: ignore[arg-type]


def test_result_json_of_a_real_query() -> None:
    records = json.loads(run_query("ic50_table").render("json"))
    assert len(records) == 7
    values = [r["ic50_nM"] for r in records if r["ic50_nM"] is not None]
    assert values
    assert all(isinstance(v, (int, float)) for v in values)


# --- doctests ---------------------------------------------------------------------------------


def package_modules() -> list[str]:
    names = ["xpo1kg"]
    for module in pkgutil.walk_packages(xpo1kg.__path__, prefix="xpo1kg."):
        if not module.name.endswith(".__main__"):  # importing it would run the command line
            names.append(module.name)
    return sorted(names)


@pytest.mark.parametrize("name", package_modules())
def test_doctests(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    results = doctest.testmod(module, verbose=False, report=True)
    assert results.failed == 0, f"{results.failed} doctest(s) failed in {name}"


def test_doctests_exist() -> None:
    """The public entry points keep their examples (so the doctest run is not empty)."""
    for name in (
        "xpo1kg",
        "xpo1kg.api",
        "xpo1kg.store.knowledge_graph",
        "xpo1kg.store.search",
        "xpo1kg.rdf.serialize",
        "xpo1kg.validate.pyshacl_engine",
    ):
        finder = doctest.DocTestFinder()
        examples = sum(len(t.examples) for t in finder.find(importlib.import_module(name)))
        assert examples > 0, name


def test_every_public_name_resolves_and_validate_stays_the_function() -> None:
    """The package imports its names on first use; `validate` is also a subpackage's name."""
    import xpo1kg
    import xpo1kg.validate.fast_engine  # a later import of the subpackage

    for name in xpo1kg.__all__:
        assert getattr(xpo1kg, name).__name__ == name
    assert callable(xpo1kg.validate)
    assert set(xpo1kg.__all__) <= set(dir(xpo1kg))
    assert dir(xpo1kg) == sorted(set(dir(xpo1kg)))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        xpo1kg.nope  # noqa: B018
