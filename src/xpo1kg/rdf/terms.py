"""Converting RDF terms between pyoxigraph (the query engine) and rdflib (interoperability)."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from xpo1kg.rdf.namespaces import expand

__all__ = ["Binding", "to_oxigraph", "to_rdflib"]

#: Values accepted for query bindings: RDF terms as they are; strings that are IRIs or known
#: CURIEs become IRIs, other Python values become literals.
Binding = Node | str | int | float | bool

_XSD = "http://www.w3.org/2001/XMLSchema#"


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
