"""SHACL constraint components as SPARQL boolean expressions on one node, for FILTERs.

:func:`violates` is true when a value node breaks one parameter of a shape (sh:class, sh:in,
sh:pattern, the ranges...); :func:`conforms` when a node conforms to a whole shape, as sh:not,
sh:node, sh:and, sh:or and sh:xone ask of theirs, property shapes of SHACL Core included
(:func:`property_tests`). ``fresh`` names a new SPARQL variable: each nested pattern needs its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from json.encoder import encode_basestring as quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.compiled import UnsupportedShapeError
from xpo1kg.validate.shape_reading import (
    COUNT_PARAMS,
    PAIR_PARAMS,
    VALUE_PARAMS,
    check_parameters,
    count_value,
    is_active,
    list_members,
    one_value,
    parameter_values,
    shape_name,
    shape_path,
    sparql_path,
)
from xpo1kg.validate.sparql_terms import (
    KIND_TESTS,
    RANGE_OPERATORS,
    bad_pair,
    has_datatype,
    in_range,
    iri,
    is_blank,
    is_iri,
    term,
)

__all__ = ["conforms", "property_tests", "same_term", "violates"]

#: Shapes within shapes deeper than this are refused: most likely a recursive shape.
_MAX_DEPTH = 8


def same_term(node: Node, x: str) -> str:
    """Test that ``x`` is the term ``node`` (as loaded natively or losslessly)."""
    if not isinstance(node, (URIRef, Literal)):
        raise UnsupportedShapeError(f"a blank node in sh:hasValue: {node}")
    options = sorted({term(node, encoded=e) for e in (False, True)})
    return "(" + " || ".join(f"sameTerm({x}, {t})" for t in options) + ")"


def violates(
    shapes: Graph,
    shape: Node,
    param: URIRef,
    value: Node,
    x: str,
    *,
    fresh: Callable[[], str],
    depth: int = 0,
) -> str:
    """Return a SPARQL expression, true when value node ``x`` violates ``param value``."""
    if param == SH["class"]:
        return f"(isLiteral({x}) || NOT EXISTS {{ %%INSTANCE {x} {iri(value)}%% }})"
    if param == SH.datatype:
        return f"!{has_datatype(value, x)}"
    if param == SH.nodeKind:
        if value not in KIND_TESTS:
            raise UnsupportedShapeError(f"{shape_name(shapes, shape)}: unknown sh:nodeKind {value}")
        return "!" + KIND_TESTS[value].format(x=x, iri=is_iri(x), bnode=is_blank(x))  # type: ignore[index]
    if param == SH["in"]:
        options = {term(m, encoded=e) for m in list_members(shapes, value) for e in (False, True)}
        return f"!({' || '.join(f'sameTerm({x}, {t})' for t in sorted(options)) or 'false'})"
    if param == SH.pattern:
        text, flags = str(value), str(one_value(shapes, shape, SH.flags) or "")
        if re.search(r"\(\?[=!<]|\\[1-9]", text):
            raise UnsupportedShapeError(
                f"{shape_name(shapes, shape)}: sh:pattern with lookaround or backreferences"
            )
        return f"({is_blank(x)} || !REGEX(STR({x}), {quote(text)}, {quote(flags)}))"
    if param in (SH.minLength, SH.maxLength):
        # pyshacl: a blank node never passes; a length of 0 at least always does.
        n = count_value(shapes, shape, param, value)
        if param == SH.minLength and n == 0:
            return "false"
        op = "<" if param == SH.minLength else ">"
        return f"({is_blank(x)} || STRLEN(STR({x})) {op} {n})"
    if param in RANGE_OPERATORS:
        if not isinstance(value, Literal):
            raise UnsupportedShapeError(
                f"{shape_name(shapes, shape)}: {compress(str(param))} {value}"
            )
        return f"!{in_range(x, RANGE_OPERATORS[param], value)}"
    if param == SH["not"]:
        return conforms(shapes, value, x, fresh=fresh, depth=depth + 1)
    if param == SH.node:
        return f"!{conforms(shapes, value, x, fresh=fresh, depth=depth + 1)}"
    tests = [
        conforms(shapes, member, x, fresh=fresh, depth=depth + 1)
        for member in list_members(shapes, value)
    ]
    if param == SH["and"]:
        return f"!({' && '.join(tests) or 'true'})"
    if param == SH.xone:
        return "((" + " + ".join(f"IF({t}, 1, 0)" for t in tests) + ") != 1)"
    return f"!({' || '.join(tests) or 'false'})"  # sh:or


def conforms(shapes: Graph, shape: Node, x: str, *, fresh: Callable[[], str], depth: int) -> str:
    """Return a SPARQL expression, true when node ``x`` conforms to ``shape``."""
    if depth > _MAX_DEPTH:
        raise UnsupportedShapeError(
            f"{shape_name(shapes, shape)}: shapes nested too deep (recursive?)"
        )
    if not is_active(shapes, shape):
        return "true"
    check_parameters(shapes, shape)
    if (shape, SH.sparql, None) in shapes:
        raise UnsupportedShapeError(
            f"{shape_name(shapes, shape)}: sh:sparql inside a logical constraint"
        )
    path = shape_path(shapes, shape)
    tests = (
        []
        if path is not None
        else [
            f"!{violates(shapes, shape, p, v, x, fresh=fresh, depth=depth)}"
            for p, v in parameter_values(shapes, shape, VALUE_PARAMS)
        ]
        + [same_term(v, x) for v in sorted(shapes.objects(shape, SH.hasValue), key=str)]
    )
    for child in (
        [shape] if path is not None else sorted(shapes.objects(shape, SH.property), key=str)
    ):
        tests += property_tests(shapes, child, x, fresh=fresh, depth=depth)
    return "(" + (" && ".join(tests) or "true") + ")"


def property_tests(
    shapes: Graph, shape: Node, x: str, *, fresh: Callable[[], str], depth: int
) -> list[str]:
    """Return SPARQL expressions, all true when node ``x`` conforms to property shape ``shape``."""
    check_parameters(shapes, shape)
    path = shape_path(shapes, shape)
    if path is None or (shape, SH.property, None) in shapes or (shape, SH.sparql, None) in shapes:
        raise UnsupportedShapeError(
            f"{shape_name(shapes, shape)}: expected a property shape of SHACL Core"
        )
    if not is_active(shapes, shape):
        return []
    p, tests = sparql_path(shapes, shape, path), []
    for param, value in parameter_values(shapes, shape, COUNT_PARAMS):
        n, v, w = count_value(shapes, shape, param, value), fresh(), fresh()
        if n > 1:
            raise UnsupportedShapeError(
                f"{shape_name(shapes, shape)}: counts above 1 in sh:or or sh:xone"
            )
        if param == SH.minCount and n:
            tests.append(f"EXISTS {{ {x} {p} {v} }}")
        elif param == SH.maxCount:
            pair = f"{x} {p} {v}, {w} FILTER(!sameTerm({v}, {w}))" if n else f"{x} {p} {v}"
            tests.append(f"NOT EXISTS {{ {pair} }}")
    for param, value in parameter_values(shapes, shape, VALUE_PARAMS):
        v = fresh()
        bad = violates(shapes, shape, param, value, v, fresh=fresh, depth=depth)
        tests.append(f"NOT EXISTS {{ {x} {p} {v} FILTER({bad}) }}")
    for value in sorted(shapes.objects(shape, SH.hasValue), key=str):
        v = fresh()
        tests.append(f"EXISTS {{ {x} {p} {v} FILTER({same_term(value, v)}) }}")
    for param, other in parameter_values(shapes, shape, PAIR_PARAMS):
        a, b = fresh(), fresh()
        tests.append(
            f"NOT EXISTS {{ {x} {p} {a} . {x} {iri(other)} {b} FILTER({bad_pair(param, a, b)}) }}"
        )
    return tests
