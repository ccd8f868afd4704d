"""How the fast engine stores terms in Oxigraph, and SPARQL tests that read them as pyshacl does.

:func:`xpo1kg.validate.lossless_loading.add_graph` keeps what Oxigraph would normalise away: blank
nodes become :data:`SKOLEM` IRIs (keeping their rdflib identifiers) and typed literals keep their
lexical form under a :data:`TYPED` (or :data:`ILL_TYPED`) datatype. The expressions here take a
SPARQL variable (or any expression) ``x`` and test it the way pyshacl tests the rdflib term:
its node kind, its datatype, its numeric value, and rdflib's ordering of literals. Literals loaded
natively (by Oxigraph's own parser) are understood too.
"""

from __future__ import annotations

from collections.abc import Iterable
from json.encoder import encode_basestring as quote

from rdflib import Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from xpo1kg.validate.compiled import UnsupportedShapeError

__all__ = [
    "ILL_TYPED",
    "KIND_TESTS",
    "RANGE_OPERATORS",
    "SKOLEM",
    "TYPED",
    "bad_pair",
    "has_datatype",
    "in_range",
    "iri",
    "is_blank",
    "is_iri",
    "literal",
    "stored_term",
    "term",
]

SKOLEM = "urn:x-fastshacl:bnode:"
TYPED = "urn:x-fastshacl:typed:"
ILL_TYPED = "urn:x-fastshacl:ill-typed:"

#: sh:nodeKind values as tests of ``{x}``; ``{iri}`` and ``{bnode}`` take :func:`is_iri` and
#: :func:`is_blank` of it.
KIND_TESTS = {
    SH.IRI: "{iri}",
    SH.BlankNode: "{bnode}",
    SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "({iri} || {bnode})",
    SH.BlankNodeOrLiteral: "({bnode} || isLiteral({x}))",
    SH.IRIOrLiteral: "({iri} || isLiteral({x}))",
}
#: The four range parameters, as the comparison a conforming value passes.
RANGE_OPERATORS = {
    SH.minExclusive: ">",
    SH.minInclusive: ">=",
    SH.maxExclusive: "<",
    SH.maxInclusive: "<=",
}
_CASTABLE = {XSD[n] for n in "integer decimal float double boolean dateTime date time".split()}  # noqa: SIM905
# rdflib's numeric datatypes (compared by value), by the SPARQL cast that reads them (last first).
_CASTS = {
    "double": ["double", "float"],
    "integer": "integer byte int long negativeInteger nonNegativeInteger nonPositiveInteger "  # noqa: SIM905
    "positiveInteger short unsignedByte unsignedInt unsignedLong unsignedShort".split(),
    "decimal": ["decimal"],
}
_NUMERIC = [str(XSD[n]) for names in reversed(_CASTS.values()) for n in names]
# Datatypes whose rdflib value is a Python str (pyshacl compares those as strings).
_STRING_VALUED = [str(XSD[n]) for n in "string normalizedString token language anyURI".split()]  # noqa: SIM905
_TIMES = [str(XSD.dateTime), str(XSD.time)]


def iri(node: Node) -> str:
    """Return a SPARQL IRI reference; blank nodes cannot be named in a query."""
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"expected an IRI in the shapes graph, found {node!r}")
    return f"<{node}>"


def literal(node: Literal, *, encoded: bool = False) -> str:
    """Return a SPARQL literal; ``encoded`` uses the lossless datatype of add_graph.

    >>> literal(Literal(5), encoded=True)
    '"5"^^<urn:x-fastshacl:typed:http://www.w3.org/2001/XMLSchema#integer>'
    """
    text = quote(str(node))
    if node.language:
        return f"{text}@{node.language}"
    if node.datatype is None:
        return text
    return f"{text}^^<{TYPED if encoded else ''}{node.datatype}>"


def term(node: Node, *, encoded: bool) -> str:
    """Return an IRI or a literal of the shapes graph as SPARQL."""
    return literal(node, encoded=encoded) if isinstance(node, Literal) else iri(node)


def stored_term(node: Node) -> str:
    """Write a term as lossless_loading.add_graph stores it (typed literals losslessly)."""
    if not isinstance(node, Literal) or node.datatype is None or node.language:
        return term(node, encoded=False)
    prefix = ILL_TYPED if node.ill_typed else TYPED
    return f"{quote(str(node))}^^<{prefix}{node.datatype}>"


def _iris(prefixes: Iterable[str], names: Iterable[str]) -> str:
    return ", ".join(f"<{p}{n}>" for n in names for p in prefixes)


def is_iri(x: str) -> str:
    """Test for an IRI of the data (not a stored blank node)."""
    return f"(isIRI({x}) && !STRSTARTS(STR({x}), {quote(SKOLEM)}))"


def is_blank(x: str) -> str:
    """Test for a blank node, native or stored as a :data:`SKOLEM` IRI."""
    return f"(isBlank({x}) || (isIRI({x}) && STRSTARTS(STR({x}), {quote(SKOLEM)})))"


def _original(x: str) -> str:
    """Return the literal as rdflib had it: the lossless datatype turned back into the real one."""
    dt, prefix = f"STR(DATATYPE({x}))", quote(TYPED)
    return f"IF(STRSTARTS({dt}, {prefix}), STRDT(STR({x}), IRI(STRAFTER({dt}, {prefix}))), {x})"


def _datatype(x: str) -> str:
    """Return the rdflib datatype IRI of literal ``x`` as a string (xsd:string for plain ones)."""
    dt, typed, ill = f"STR(DATATYPE({x}))", quote(TYPED), quote(ILL_TYPED)
    return f"IF(STRSTARTS({dt}, {typed}), STRAFTER({dt}, {typed}), IF(STRSTARTS({dt}, {ill}), STRAFTER({dt}, {ill}), {dt}))"


def _number(x: str) -> str:
    """Test for a well-typed numeric literal (rdflib compares those by value)."""
    return f"(isLiteral({x}) && DATATYPE({x}) IN ({_iris((TYPED, ''), _NUMERIC)}))"


def _value(x: str) -> str:
    """Return the numeric value of a literal that passes ``_number``."""
    expression = x
    for cast, names in _CASTS.items():
        expression = f"IF(DATATYPE({x}) IN ({_iris([TYPED + str(XSD)], names)}), <{XSD[cast]}>(STR({x})), {expression})"
    return expression


def _string_valued(x: str) -> str:
    """Terms that pyshacl compares as Python strings: IRIs and literals with a str value."""
    names = [n.removeprefix(str(XSD)) for n in _STRING_VALUED]
    prefixes = (str(XSD), TYPED + str(XSD), ILL_TYPED + str(XSD))
    return f'(isIRI({x}) || (isLiteral({x}) && (LANG({x}) != "" || DATATYPE({x}) IN ({_iris(prefixes, names)}))))'


def in_range(x: str, op: str, bound: Literal) -> str:
    """Test whether ``x op bound`` passes pyshacl's range check, which uses rdflib's ordering.

    Numbers compare by value, strings by lexical form. Another literal compared with a number
    orders by datatype IRI (rdflib's total order), except for date-times and times and for
    ill-typed literals of the bound's own datatype, which rdflib cannot compare (a violation).
    """
    if str(bound.datatype) not in _NUMERIC or bound.ill_typed:
        raise UnsupportedShapeError(f"range bound {bound!r}: only numeric bounds")
    dt, bound_dt = _datatype(x), quote(str(bound.datatype))
    well_typed = f"!STRSTARTS(STR(DATATYPE({x})), {quote(ILL_TYPED)})"
    by_type = f"IF({dt} = {bound_dt}, false, IF({dt} > {bound_dt}, 1, -1) {op} 0)"
    others = f"IF({well_typed} && {dt} IN ({', '.join(map(quote, _TIMES))}), false, {by_type})"
    numbers = f"COALESCE({_value(x)} {op} {literal(bound)}, false)"
    return f"(isLiteral({x}) && IF({_number(x)}, {numbers}, !{_string_valued(x)} && {others}))"


def has_datatype(value: Node, x: str) -> str:
    """Return a SPARQL expression, true when ``x`` matches ``sh:datatype value`` as in pyshacl."""
    if not str(value).startswith(str(XSD)):
        raise UnsupportedShapeError(f"sh:datatype {value}: only XSD datatypes")
    native = f"DATATYPE({x}) = {iri(value)}"
    if value == XSD.string:
        native = f'({native} && LANG({x}) = "")'
    elif value in _CASTABLE:
        native = f"({native} && COALESCE(isLiteral({iri(value)}(STR({x}))), false))"
    return f"(isLiteral({x}) && (DATATYPE({x}) = <{TYPED}{value}> || {native}))"


def bad_pair(param: URIRef, a: str, b: str) -> str:
    """Pyshacl's lessThan(OrEquals) failing: strings (and IRIs) as strings, other literals as rdflib orders them."""
    op = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}[param]
    a_str, b_str, a_dt, b_dt = _string_valued(a), _string_valued(b), _datatype(a), _datatype(b)
    numbers = f"{_number(a)} && {_number(b)}"
    by_value = f"!COALESCE({_value(a)} {op} {_value(b)}, false)"
    values = f"IF({numbers}, {by_value}, !COALESCE({_original(a)} {op} {_original(b)}, false))"
    literals = f"IF(({numbers}) || {a_dt} = {b_dt}, {values}, !({a_dt} < {b_dt}))"
    general = f"IF({a_str} != {b_str}, true, IF({a_str}, !(STR({a}) {op} STR({b})), {literals}))"
    return f"IF({numbers}, {by_value}, {general})"
