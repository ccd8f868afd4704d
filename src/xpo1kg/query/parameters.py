"""Read the values of a competency query's declared parameters and turn them into bindings.

One reading for every face: ``run_query(NAME, inhibitor="selinexor")``, ``xpo1kg query NAME
--inhibitor selinexor`` and ``GET /api/questions/NAME?inhibitor=selinexor``. A value is text (or,
from Python, a value of the parameter's type); it is read by the type its header declares:

- ``entity(CLASS)``: a name, synonym, identifier, CURIE or IRI of one member of CLASS (subclasses
  included), matched whole as :meth:`~xpo1kg.store.search.SearchIndex.named` does (case, accents,
  punctuation and Greek spellings aside; never a prefix or a typo: those are suggested instead);
- ``iri``: a CURIE with a known prefix or an absolute IRI;
- ``string``, ``integer``, ``decimal``, ``boolean`` (true/false, 1/0), ``date`` (YYYY-MM-DD).

A parameter with ``values`` accepts only those. The bindings are rdflib terms, joined to the
query's WHERE clause as a VALUES block (:func:`xpo1kg.store.remote.place_bindings`) that also
requires the variable to be bound: ``ic50_table`` with a cell line drops the range summaries,
which have none, instead of giving them the cell line.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.term import Node

from xpo1kg.errors import InputError
from xpo1kg.query.catalog import CompetencyQuery, QueryParameter
from xpo1kg.rdf.namespaces import compress, expand

if TYPE_CHECKING:
    from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["apply_parameters", "bind_parameters", "class_members", "read_value"]

_TRUE = ("true", "1")
_FALSE = ("false", "0")
_MAX_TEXT = 1000
_MEMBERS: weakref.WeakKeyDictionary[KnowledgeGraph, dict[str, frozenset[str]]] = (
    weakref.WeakKeyDictionary()
)


def read_value(parameter: QueryParameter, value: object) -> Node:
    """Read a value of a parameter that is not an entity as an RDF term; refuse a bad one.

    >>> from xpo1kg.query.catalog import QueryParameter
    >>> read_value(QueryParameter("n", "integer"), "12")
    rdflib.term.Literal('12', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    >>> read_value(QueryParameter("b", "boolean"), "TRUE").toPython()
    True
    """
    name = parameter.name
    text = _text(parameter, value)
    if parameter.values and text not in parameter.values:
        allowed = ", ".join(parameter.values)
        raise InputError(f"parameter {name}: {text!r} is not one of the allowed values ({allowed})")
    kind = parameter.type
    if kind == "iri":
        iri = expand(text) if ":" in text and "://" not in text else text
        if not iri or "://" not in iri or any(c in iri for c in ' <>"{}|\\^`'):
            raise InputError(
                f"parameter {name}: {text!r} is not an IRI or a CURIE with a known prefix"
            )
        return URIRef(iri)
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return Literal(value)
        try:
            return Literal(int(text.strip(), 10))
        except ValueError:
            raise InputError(f"parameter {name}: {text!r} is not an integer") from None
    if kind == "decimal":
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            raise InputError(f"parameter {name}: {text!r} is not a number") from None
        if not number.is_finite():
            raise InputError(f"parameter {name}: {text!r} is not a finite number")
        return Literal(number)
    if kind == "boolean":
        if isinstance(value, bool):
            return Literal(value)
        folded = text.strip().lower()
        if folded not in _TRUE + _FALSE:
            raise InputError(f"parameter {name}: {text!r} is not a boolean (true or false)")
        return Literal(folded in _TRUE)
    if kind == "date":
        if isinstance(value, date):
            return Literal(value)
        try:
            return Literal(date.fromisoformat(text.strip()))
        except ValueError:
            raise InputError(f"parameter {name}: {text!r} is not a date (YYYY-MM-DD)") from None
    return Literal(text)


def _text(parameter: QueryParameter, value: object) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (str, int, float, Decimal, date)):
        text = value if isinstance(value, str) else str(value)
    else:
        raise InputError(f"parameter {parameter.name}: cannot use a {type(value).__name__} value")
    if not text.strip():
        raise InputError(f"parameter {parameter.name}: the value is empty")
    if len(text) > _MAX_TEXT:
        raise InputError(
            f"parameter {parameter.name}: the value is longer than {_MAX_TEXT} characters"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"parameter {parameter.name}: the value is not valid UTF-8") from None
    if any(ord(c) < 32 for c in text):
        raise InputError(f"parameter {parameter.name}: the value has a control character")
    return text


def class_members(kg: KnowledgeGraph, class_iri: str) -> frozenset[str]:
    """Return the IRIs typed with ``class_iri`` or one of its subclasses (cached per graph)."""
    cache = _MEMBERS.setdefault(kg, {})
    if class_iri not in cache:
        sparql = f"SELECT DISTINCT ?x WHERE {{ ?x a/rdfs:subClassOf* <{class_iri}> }}"
        cache[class_iri] = frozenset(str(x) for x in kg.query(sparql, check="ignore").column("x"))
    return cache[class_iri]


def _entity(kg: KnowledgeGraph, parameter: QueryParameter, value: object) -> URIRef:
    text = _text(parameter, value)
    assert parameter.entity_class is not None
    members = class_members(kg, parameter.entity_class)
    what = f"{compress(parameter.entity_class)} (parameter {parameter.name})"
    hits = kg.search_index.named(text, among=members)
    if len(hits) == 1:
        return URIRef(hits[0].iri)
    if hits:
        named = ", ".join(f"{h.label} ({h.curie})" for h in hits[:5])
        raise InputError(f"{text!r} names more than one {what}: {named}; give a CURIE")
    close = kg.search_index.suggest(text, 3, among=members)
    hint = "; did you mean: " + ", ".join(f"{h.label} ({h.curie})" for h in close) + "?"
    raise InputError(f"no {what} is named {text!r}{hint if close else ''}")


def bind_parameters(
    kg: KnowledgeGraph, query: CompetencyQuery, values: Mapping[str, object]
) -> dict[str, Node]:
    """Return the bindings (variable name → RDF term) of the given parameter values.

    A name the query does not declare, or a value its type refuses, is an
    :class:`~xpo1kg.errors.InputError` naming the parameter; an entity name that matches no member
    of the class names the closest members.
    """
    bindings: dict[str, Node] = {}
    for name in sorted(values):
        parameter = query.parameter(name)
        value = values[name]
        if parameter.type == "entity":
            bindings[name] = _entity(kg, parameter, value)
        else:
            bindings[name] = read_value(parameter, value)
    return bindings


def apply_parameters(
    kg: KnowledgeGraph, query: CompetencyQuery, values: Mapping[str, object]
) -> CompetencyQuery:
    """Return the query with the parameter values bound in its text (the query itself if none)."""
    if not values:
        return query
    from xpo1kg.store.remote import place_bindings

    bindings = bind_parameters(kg, query, values)
    return replace(query, sparql=place_bindings(query.sparql, bindings, required=True))
