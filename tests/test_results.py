"""Results kept as engine (pyoxigraph) terms read exactly as the same results in rdflib terms."""

from __future__ import annotations

import math

import pyoxigraph as ox
import pytest

from xpo1kg import load_graph
from xpo1kg.query.results import QueryResult, to_value
from xpo1kg.rdf.terms import to_rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"


def literal(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


CELLS = [
    ox.NamedNode("https://w3id.org/xpo1kg/resource/TP53"),
    ox.BlankNode("b0"),
    ox.Literal("p53", language="en"),
    literal("TP53", "string"),
    literal("42", "integer"),
    literal("-7", "integer"),
    literal("32.5", "decimal"),
    literal("1.5E0", "double"),
    literal("INF", "double"),
    literal("2.5", "float"),
    literal("true", "boolean"),
    literal("1", "boolean"),
    literal("false", "boolean"),
    literal("2024-05-01", "date"),
    literal("2024-05-01T10:00:00Z", "dateTime"),
    literal("12", "nonNegativeInteger"),
    literal("abc", "integer"),  # ill-typed
    literal("x", "token"),
    ox.Literal("10", datatype=ox.NamedNode("http://purl.obolibrary.org/obo/UO_0000065")),
    None,
]


@pytest.mark.parametrize("cell", CELLS, ids=repr)
def test_engine_terms_give_the_values_of_their_rdflib_twins(cell: object) -> None:
    fast, reference = to_value(cell), to_value(to_rdflib(cell))  # type: ignore[arg-type]
    assert type(fast) is type(reference)
    assert fast == reference or (isinstance(fast, float) and math.isnan(fast))


def test_lazy_result_renders_like_a_converted_one() -> None:
    columns = [f"c{i}" for i in range(len(CELLS))]
    lazy = QueryResult.from_oxigraph(columns, [tuple(CELLS), tuple(reversed(CELLS))])
    eager = QueryResult(columns, [tuple(map(to_rdflib, row)) for row in lazy._cells])
    for output_format in ("table", "csv", "tsv", "json"):
        assert lazy.render(output_format) == eager.render(output_format)  # type: ignore[arg-type]
    assert lazy.records() == eager.records()
    assert lazy.column("c4") == [42, eager.records()[1]["c4"]]
    assert lazy.rows == eager.rows and lazy == eager and len(lazy) == 2


def test_query_results_convert_on_demand() -> None:
    result = load_graph().run("ic50_table")
    assert result._rows is None  # nothing converted yet
    assert len(result) == 7 and len(result.records()) == 7
    assert result._rows is None
    assert all(isinstance(row, tuple) for row in result.rows)
    assert result._rows is not None
