"""Query parameters: the '# param:' header, and the same parameters in Python and the CLI."""

from __future__ import annotations

import pytest
from cli_runs import assert_ok, run

from xpo1kg import run_query
from xpo1kg.errors import InputError
from xpo1kg.query.catalog import QueryParameter, list_queries, parse_query_file
from xpo1kg.query.parse_tree import analyse


def test_header_declares_typed_parameters() -> None:
    text = (
        "# title: T\n# param: n | type: integer | values: 1, 2\n"
        "#   | description: A number. | example: 2\n"
        "# param: who | type: entity(xo:Inhibitor)\nSELECT ?n ?who WHERE { ?who ?p ?n }"
    )
    query = parse_query_file("demo", text)
    assert query.parameters == (
        QueryParameter("n", "integer", "A number.", "2", ("1", "2")),
        QueryParameter("who", "entity", entity_class="https://w3id.org/xpo1kg/ontology/Inhibitor"),
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("# param: x | type: float", "demo.rq:2: param x: unknown type 'float'"),
        ("# param: x | colour: red", "demo.rq:2: param x: expected 'FIELD: value'"),
        ("# param: check", "demo.rq:2: param: 'check' is reserved"),
        ("# param: x | type: entity(nope:X)", "demo.rq:2: param x: unknown prefix in class"),
    ],
)
def test_bad_headers_name_the_file_and_line(line: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_query_file("demo", f"# title: T\n{line}\nSELECT ?x WHERE {{ ?x ?p ?o }}")


def test_every_declared_parameter_is_a_variable_of_its_query() -> None:
    for query in list_queries():
        shape = analyse(query.sparql)
        assert shape is not None
        for parameter in query.parameters:
            assert parameter.name in shape.variables, (query.name, parameter.name)


def test_python_parameters_filter_and_need_the_whole_name() -> None:
    lines = run_query("ic50_table", cancer="ovarian cancer").column("cell_line_label")
    assert sorted(lines) == ["A2780", "A2780-CP70", "NIH:OVCAR-3", "SK-OV-3"]  # type: ignore[type-var]
    # A cell line drops the range summary, which has none (a VALUES join alone would keep it).
    assert run_query("ic50_table", cell_line="CVCL_0532").column("measurement") == [
        "https://w3id.org/xpo1kg/resource/IC50_KPT-185_SK-OV-3"
    ]
    assert len(run_query("ic50_table")) == 7
    with pytest.raises(InputError, match=r"did you mean: selinexor \(xr:selinexor\)"):
        run_query("ic50_table", inhibitor="selinexr")
    with pytest.raises(InputError, match="its parameters: inhibitor, cancer, cell_line"):
        run_query("ic50_table", drug="selinexor")


def test_cli_named_options_and_param_give_the_same_rows() -> None:
    named = run("query", "ic50_table", "--cell-line", "SK-OV-3", "--format", "csv")
    assert_ok(named)
    generic = run("query", "ic50_table", "--param", "cell_line=SK-OV-3", "--format", "csv")
    assert_ok(generic)
    assert named.stdout == generic.stdout
    assert named.stdout.splitlines()[1].startswith(
        "https://w3id.org/xpo1kg/resource/IC50_KPT-185_SK-OV-3,KPT-185,ovarian cancer"
    )
    unknown = run("query", "ic50_table", "--colour", "red")
    assert unknown.exit_code == 2
    assert "its parameters: --inhibitor, --cancer, --cell-line" in unknown.stderr
    listed = run("queries")
    assert "    --cell-line (entity(xo:CellLine), e.g. SK-OV-3)" in listed.stdout
