"""The names tolerant search indexes, read from a knowledge graph's store, and the entities' types.

:func:`read_names` asks the store (SPARQL on its asserted graphs) for every entity's labels,
synonyms, identifiers and mappings, writes identifiers the ways people do (an IRI also as its
CURIE and local part) and gives each entity the type shown beside it ("executioner caspase",
"class", "property"). :class:`~xpo1kg.store.search.SearchIndex` indexes what it returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, NamedTuple

import pyoxigraph as ox

from xpo1kg.rdf.namespaces import PREFIXES, compress
from xpo1kg.store.knowledge_graph import Entity

if TYPE_CHECKING:
    from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["EntityName", "GraphNames", "field_rank", "read_names"]

_RDF, _RDFS, _OWL, _SKOS = (PREFIXES[p] for p in ("rdf", "rdfs", "owl", "skos"))
_XO, _OBO_IN_OWL = PREFIXES["xo"], PREFIXES["oboInOwl"]
#: Name properties and the field each fills: text names are matched every way, identifiers not
#: by words or typos.
_TEXT_FIELDS: Final = {_RDFS + "label": "label", _SKOS + "altLabel": "synonym"}
_ID_FIELDS: Final = {
    _XO + "uniprotAccession": "UniProt accession",
    _XO + "geneSymbol": "gene symbol",
    _XO + "cellosaurusId": "Cellosaurus ID",
    _XO + "inchiKey": "InChIKey",
    _OBO_IN_OWL + "hasDbXref": "cross-reference",
}
#: Mappings to other databases: the field is named after the CURIE prefix ("chembl ID").
_MAPPINGS: Final = {_SKOS + "exactMatch": "exact match", _SKOS + "closeMatch": "close match"}
_FIELD_ORDER: Final = {"label": 0, "synonym": 1, "cross-reference": 3, "CURIE": 5, "IRI": 6}
_ID_NAMES: Final = frozenset(_ID_FIELDS.values())
_CLASS_TYPES: Final = {_OWL + "Class", _RDFS + "Class"}
_PROPERTY_TYPES: Final = {
    _RDF + "Property",
    *(
        _OWL + p
        for p in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty", "OntologyProperty")
    ),
}
_BUILTIN_TYPES: Final = {_OWL + "Ontology": "ontology", _OWL + "Thing": "thing",
                         _RDFS + "Datatype": "datatype"}  # fmt: skip
_SKIPPED_TYPES: Final = {_OWL + "NamedIndividual"}


@dataclass(frozen=True)
class EntityName:
    """One name of an entity (its number in the index), with the field it comes from."""

    entity: int
    text: str
    field: str
    is_text: bool  # a label or synonym (else an identifier, CURIE or IRI)
    exact_only: bool = False  # an IRI or a bare number: matched only whole


class GraphNames(NamedTuple):
    """A graph's entities and their names: what :class:`~xpo1kg.store.search.SearchIndex` takes."""

    entities: list[Entity]
    kinds: list[str]  # "individual", "class", "property" or "ontology"
    types: list[str]  # the type shown beside the entity
    names: list[EntityName]


def field_rank(field: str) -> int:
    """Rank a field among equal matches: labels, synonyms, identifiers, mappings, CURIE, IRI."""
    return _FIELD_ORDER.get(field, 2 if field in _ID_NAMES else 4)


def read_names(kg: KnowledgeGraph, *, skipping: str | None = None) -> GraphNames:
    """Read the entities and their names from the asserted graphs of ``kg``.

    Inferred facts are not names. ``skipping`` leaves out the instances of a class (and of its
    subclasses).
    """
    graphs = kg.store.asserted_for_query()

    def select(sparql: str) -> Iterator[list[ox.NamedNode | ox.Literal]]:
        answer = kg.store.query(sparql, graphs=graphs)
        assert isinstance(answer, ox.QuerySolutions)
        for solution in answer:
            yield list(solution)

    fields = " ".join(f"<{p}>" for p in (*_TEXT_FIELDS, *_ID_FIELDS, *_MAPPINGS))
    named: dict[str, list[tuple[str, str]]] = {}
    for s, p, o in select(
        f"SELECT ?s ?p ?o {{ VALUES ?p {{ {fields} }} ?s ?p ?o FILTER(isIRI(?s)) }}"
    ):
        named.setdefault(s.value, []).append((p.value, _literal_or_iri(o)))
    types: dict[str, set[str]] = {}
    for s, t in select("SELECT ?s ?t { ?s a ?t FILTER(isIRI(?s) && isIRI(?t)) }"):
        if t.value not in _SKIPPED_TYPES:
            types.setdefault(s.value, set()).add(t.value)
    parents: dict[str, set[str]] = {}
    for c, d in select("SELECT ?c ?d { ?c rdfs:subClassOf ?d FILTER(isIRI(?d)) }"):
        parents.setdefault(c.value, set()).add(d.value)
    if skipping is not None:
        typer = _Typer(parents, {})
        skipped = {t for t in set().union(*types.values()) if skipping in typer.ancestors(t)}
        left_out = {s for s, kinds in types.items() if kinds & (skipped | {skipping})}
        named = {s: pairs for s, pairs in named.items() if s not in left_out}
        types = {s: kinds for s, kinds in types.items() if s not in left_out}
    labels = {iri: _best_label(pairs) for iri, pairs in named.items()}
    typer = _Typer(parents, labels)
    entities: list[Entity] = []
    kinds: list[str] = []
    type_names: list[str] = []
    names: list[EntityName] = []
    for iri in sorted(named.keys() | types.keys()):
        number = len(entities)
        curie = compress(iri)
        label = labels.get(iri) or curie
        kind, type_name, type_labels = typer.describe(types.get(iri, set()))
        entities.append(Entity(iri=iri, label=label, types=type_labels))
        kinds.append(kind)
        type_names.append(type_name)
        for prop, value in sorted(named.get(iri, [])):
            if prop in _TEXT_FIELDS:
                names.append(EntityName(number, value, _TEXT_FIELDS[prop], True))
                continue
            for text, exact_only in _identifier_forms(value):
                field = _ID_FIELDS.get(prop) or _mapping_field(value, _MAPPINGS[prop])
                names.append(EntityName(number, text, field, False, exact_only))
        if curie != iri:
            names.append(EntityName(number, curie, "CURIE", False))
        names.append(EntityName(number, iri, "IRI", False, True))
    return GraphNames(entities, kinds, type_names, names)


def _literal_or_iri(term: ox.NamedNode | ox.Literal) -> str:
    return str(term.value)


def _mapping_field(iri: str, otherwise: str) -> str:
    """Name a mapping after its namespace: "uniprot ID" for a UniProt IRI."""
    curie = compress(iri)
    return f"{curie.split(':', 1)[0]} ID" if curie != iri else otherwise


def _best_label(pairs: list[tuple[str, str]]) -> str:
    """Return the entity's label (the first in sort order when there are several), or ''."""
    labels = sorted(v for p, v in pairs if p == _RDFS + "label")
    return labels[0] if labels else ""


def _identifier_forms(value: str) -> list[tuple[str, bool]]:
    """Return how an identifier can be written, each with True when it names only exactly.

    An IRI becomes its CURIE and its local part (obo:CHEBI_229764 also gives CHEBI:229764 and
    229764); a CURIE (HGNC:11998) also gives its local part.
    """
    forms: list[tuple[str, bool]] = []
    if value.startswith(("http://", "https://")):
        forms.append((value, True))
        curie = compress(value)
        local = re.split(r"[/#]", value.rstrip("/"))[-1]
        if curie != value:
            forms.append((curie, False))
            local = curie.split(":", 1)[1]
        forms.append((local, False))
        if re.fullmatch(r"[A-Za-z]+_\w+", local):
            prefix, number = local.split("_", 1)
            forms += [(f"{prefix}:{number}", False), (number, True)]
        return forms
    forms.append((value, False))
    if re.fullmatch(r"[\w.-]+:\S+", value):
        forms.append((value.split(":", 1)[1], True))
    return forms


class _Typer:
    """Human-readable types: the most specific class's label, or "class" / "property"."""

    def __init__(self, parents: dict[str, set[str]], labels: dict[str, str]) -> None:
        self.parents, self.labels = parents, labels
        self.ancestors_of: dict[str, set[str]] = {}

    def ancestors(self, iri: str) -> set[str]:
        if iri not in self.ancestors_of:
            self.ancestors_of[iri] = set()  # breaks cycles
            found: set[str] = set()
            for parent in self.parents.get(iri, ()):
                found |= {parent, *self.ancestors(parent)}
            self.ancestors_of[iri] = found - {iri}
        return self.ancestors_of[iri]

    def name(self, iri: str) -> str:
        if iri in _CLASS_TYPES:
            return "class"
        if iri in _PROPERTY_TYPES:
            return "property"
        return self.labels.get(iri) or _BUILTIN_TYPES.get(iri) or compress(iri)

    def describe(self, types: set[str]) -> tuple[str, str, tuple[str, ...]]:
        """Return the kind ('individual', 'class', 'property'), the type shown and all type names."""
        everything = tuple(sorted({self.name(t) for t in types}))
        if types & _CLASS_TYPES:
            return "class", "class", everything
        if types & _PROPERTY_TYPES:
            return "property", "property", everything
        if _OWL + "Ontology" in types:
            return "ontology", "ontology", everything
        inherited = {a for t in types for a in self.ancestors(t)}
        specific = sorted({self.name(t) for t in types if t not in inherited})
        return "individual", ", ".join(specific), everything
