"""Resolving the three parts of a statement, as people write them, to store terms.

CURIEs, IRIs, labels, synonyms, identifiers or the local names of ontology terms; a name that
matches nothing or several things is refused. :mod:`.explain` resolves with
:func:`resolve_statement`.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF

from xpo1kg.errors import InputError
from xpo1kg.rdf.namespaces import XO, XR, compress, expand
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["Node", "resolve_statement"]

#: A term of the store: what a statement's subject, predicate or object resolves to.
Node = ox.NamedNode | ox.BlankNode | ox.Literal
_PREDICATE_WORDS = {"a": str(RDF.type), "type": str(RDF.type), "is a": str(RDF.type)}


def _named(iri: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def _iri_of(text: str, role: str) -> ox.NamedNode | None:
    """Return the IRI written as a CURIE or an absolute IRI, or None for a name."""
    iri = expand(text) or (text if text.startswith(("http://", "https://")) else None)
    if iri is None:
        return None
    node = _named(iri)
    if node is None:
        raise InputError(f"{role} {text!r}: not a valid IRI")
    return node


def _held(kg: KnowledgeGraph, node: ox.NamedNode | None) -> bool:
    return node is not None and bool(
        next(kg.store.oxigraph.quads_for_pattern(node, None, None, None), None)
    )


def _resolve_entity(kg: KnowledgeGraph, text: str, role: str) -> ox.NamedNode:
    named = _iri_of(text, role)
    iri = named.value if named is not None else None
    entities = kg.search_index.named(text)  # whole names only: a resolver never guesses
    if named is not None and not any(e.iri == iri for e in entities):
        return named  # an IRI the graph may not hold: the statement is then absent
    if not entities:
        for namespace in (str(XO), str(XR)):
            node = _named(namespace + text)
            if node is not None and _held(kg, node):
                return node
        raise InputError(f"{role} {text!r}: nothing in the graph has this name")
    exact = [e for e in entities if e.iri == iri] if iri else []
    if len(entities) > 1 and not exact:
        names = ", ".join(f"{e.label} ({compress(e.iri)})" for e in entities[:5])
        raise InputError(f"{role} {text!r} is ambiguous: {names}; give a CURIE")
    return ox.NamedNode((exact or entities)[0].iri)


def _resolve_predicate(kg: KnowledgeGraph, text: str) -> ox.NamedNode:
    if text.strip().casefold() in _PREDICATE_WORDS:
        return ox.NamedNode(_PREDICATE_WORDS[text.strip().casefold()])
    named = _iri_of(text, "predicate")
    if named is not None:
        return named
    local = _named(str(XO) + text)
    if local is not None and _held(kg, local):
        return local
    properties = [
        e
        for e in kg.search_index.named(text)
        if any(t.endswith(("property", "Property")) for t in e.types)
    ]
    if len(properties) == 1:
        return ox.NamedNode(properties[0].iri)
    if properties:
        names = ", ".join(compress(e.iri) for e in properties)
        raise InputError(f"predicate {text!r} is ambiguous: {names}")
    raise InputError(f"predicate {text!r}: no property has this name, label or CURIE")


def resolve_statement(
    kg: KnowledgeGraph, subject: str, predicate: str, obj: str
) -> tuple[ox.NamedNode, ox.NamedNode, Node]:
    """Resolve the three parts of a statement to store terms (a literal object by its text).

    Raises :class:`~xpo1kg.errors.InputError` for a name that matches nothing or several things.
    """
    s = _resolve_entity(kg, subject, "subject")
    p = _resolve_predicate(kg, predicate)
    values = [q.object for q in kg.store.oxigraph.quads_for_pattern(s, p, None, None)]
    literals = [v for v in values if isinstance(v, ox.Literal)]
    matching = [v for v in literals if v.value == obj]
    if matching:
        return s, p, matching[0]
    datatype = ox.NamedNode(str(OWL.DatatypeProperty))
    declared = any(True for _ in kg.store.oxigraph.quads_for_pattern(p, None, datatype, None))
    if literals or declared:
        return s, p, ox.Literal(obj)  # a value the graph does not hold: absent, with the closest
    return s, p, _resolve_entity(kg, obj, "object")
