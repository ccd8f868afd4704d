"""Converting RDF terms between pyoxigraph (the query engine) and rdflib (interoperability)."""

from __future__ import annotations

import math
import re
import struct
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from xpo1kg.rdf.namespaces import expand

__all__ = ["Binding", "JsonTerm", "canonical_literal", "term_json", "to_oxigraph", "to_rdflib"]

#: Values accepted for query bindings: RDF terms as they are; strings that are IRIs or known
#: CURIEs become IRIs, other Python values become literals.
Binding = Node | str | int | float | bool

#: One bound variable in SPARQL 1.1 JSON results: type, value, optional datatype or xml:lang.
JsonTerm = dict[str, str]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: Any) -> Node | None:
    """Convert a pyoxigraph term (or None) to the equivalent rdflib term.

    >>> to_rdflib(ox.Literal("32", datatype=ox.NamedNode(_XSD + "decimal"))).toPython()
    Decimal('32')
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # normalize=False: keep the engine's lexical form ("1.5E0" stays "1.5E0", not "1.5").
        return Literal(
            term.value,
            datatype=None if datatype == _XSD + "string" else URIRef(datatype),
            normalize=False,
        )
    raise TypeError(f"unsupported RDF term {term!r}")


def term_json(term: object) -> JsonTerm:
    """Return the SPARQL 1.1 JSON form of an RDF term (pyoxigraph or rdflib).

    >>> term_json(ox.Literal("chat", language="fr"))
    {'type': 'literal', 'value': 'chat', 'xml:lang': 'fr'}
    >>> term_json(ox.NamedNode("urn:x"))
    {'type': 'uri', 'value': 'urn:x'}
    >>> term_json(URIRef("urn:x"))
    {'type': 'uri', 'value': 'urn:x'}
    """
    if isinstance(term, Identifier):
        term = to_oxigraph(term)
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        datatype = term.datatype.value
        if datatype in (_XSD + "string", _LANG_STRING):
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    return {"type": "literal", "value": str(term)}


def to_oxigraph(value: Binding) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert a binding value to a pyoxigraph term.

    >>> to_oxigraph("xr:TP53")
    <NamedNode value=https://w3id.org/xpo1kg/resource/TP53>
    >>> to_oxigraph("P04637")
    <Literal value=P04637 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, Identifier):
        raise TypeError(f"unsupported RDF term {value!r}")
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
    if isinstance(value, str):
        iri = value if value.startswith(("http://", "https://")) else expand(value)
        if iri is not None and re.match(r"^https?://\S+$", iri):
            return ox.NamedNode(iri)
    return ox.Literal(str(value))


def canonical_literal(lexical: str, datatype: str) -> str:
    """Write a number or boolean the way the embedded engine (Oxigraph) writes it.

    Servers differ (Jena writes ``100.0`` for the decimal Oxigraph writes ``100``); results from
    a server go through here so that every output is the same whatever answered. Other
    datatypes, and ill-typed values, are returned unchanged.

    >>> canonical_literal("100.0", _XSD + "decimal"), canonical_literal("-0.50", _XSD + "decimal")
    ('100', '-0.5')
    >>> canonical_literal("1.5E2", _XSD + "double"), canonical_literal("1e-06", _XSD + "double")
    ('150', '0.000001')
    >>> canonical_literal("+007", _XSD + "integer"), canonical_literal("1", _XSD + "boolean")
    ('7', 'true')
    """
    local = datatype.removeprefix(_XSD)
    if local == datatype or local not in _CANONICAL:
        return lexical
    try:
        return _CANONICAL[local](lexical.strip())
    except (ValueError, ArithmeticError, LookupError):
        return lexical


def _decimal(text: str) -> str:
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
        raise ValueError(text)
    number = Decimal(text)
    return "0" if number.is_zero() else f"{number.normalize():f}"


def _floating(text: str, *, single: bool) -> str:
    special = {"INF": "INF", "+INF": "INF", "-INF": "-INF", "NaN": "NaN"}
    if text in special:
        return special[text]
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError(text)
    number = float(text)
    if math.isinf(number):
        return "INF" if number > 0 else "-INF"
    shortest = repr(number)
    if single:  # the shortest digits that give back the same 32-bit float
        (number,) = struct.unpack("f", struct.pack("f", number))
        shortest = next(
            candidate
            for digits in range(1, 10)
            if struct.unpack("f", struct.pack("f", float(candidate := f"{number:.{digits}g}")))[0]
            == number
        )
    try:
        return f"{Decimal(shortest).normalize():f}"
    except InvalidOperation:
        return shortest


def _integer(text: str) -> str:
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(text)
    return str(int(text))


def _boolean(text: str) -> str:
    return {"true": "true", "1": "true", "false": "false", "0": "false"}[text]


_CANONICAL = {
    "decimal": _decimal,
    "double": lambda text: _floating(text, single=False),
    "float": lambda text: _floating(text, single=True),
    "integer": _integer,
    "boolean": _boolean,
}
