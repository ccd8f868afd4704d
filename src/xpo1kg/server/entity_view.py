"""What an entity page shows, gathered from the graph: names, types, identifiers, relations, IC50s.

Everything here is plain data (cells of text and links); the ``entity.html`` template lays it out
and escapes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import BNode, Literal, Node, URIRef

from xpo1kg.query.table_model import Cell, Column, Table, literal_cell
from xpo1kg.rdf.namespaces import OBO, PREFIXES, compress
from xpo1kg.server.ic50 import measurements
from xpo1kg.server.tables import iri_cell
from xpo1kg.server.xrefs import (
    IDENTIFIER_PROPERTIES,
    Xref,
    xref_from_curie,
    xref_from_iri,
    xref_from_property,
)
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["Definition", "EntityView", "Evidence", "Inference", "Statement", "entity_view"]

#: Incoming and outgoing statements shown per direction; a hub such as XPO1 stays readable.
MAX_STATEMENTS = 1000

_DEFINITION = str(OBO.IAO_0000115)
_SOURCE = PREFIXES["dcterms"] + "source"
_XREF = PREFIXES["oboInOwl"] + "hasDbXref"
# Shown in their own sections, not as statements.
_OWN_SECTIONS = {
    str(RDFS.label),
    str(SKOS.altLabel),
    str(RDF.type),
    _DEFINITION,
    str(RDFS.comment),
    _SOURCE,
    str(SKOS.exactMatch),
    _XREF,
    *IDENTIFIER_PROPERTIES,
}
# Wordings for properties that have no label in the graph.
_PROPERTY_NAMES = {
    str(RDF.type): "is a",
    str(RDFS.subClassOf): "subclass of",
    str(RDFS.subPropertyOf): "subproperty of",
    str(RDFS.domain): "domain",
    str(RDFS.range): "range",
    str(OWL.inverseOf): "inverse of",
    str(OWL.equivalentClass): "equivalent to",
    str(OWL.disjointWith): "disjoint with",
    str(RDFS.seeAlso): "see also",
}

_OUTGOING = "SELECT ?p ?o WHERE { ?entity ?p ?o } ORDER BY ?p ?o LIMIT " + str(MAX_STATEMENTS + 1)
_INCOMING = f"""
SELECT ?s ?p WHERE {{
  ?s ?p ?entity .
  FILTER(!isBlank(?s) && ?p NOT IN (owl:annotatedSource, owl:annotatedTarget))
}} ORDER BY ?p ?s LIMIT {MAX_STATEMENTS + 1}
"""
# The annotations of the statements about the entity: the evidence of asserted ones (source,
# evidence type, modality, hedge, quote) and the provenance of inferred ones (rule, premises).
_STATEMENT_EVIDENCE = """
SELECT ?axiom ?subject ?p ?o ?source ?quote ?type ?type_label ?modality ?modality_label ?hedge
       ?primary ?rule WHERE {
  { ?axiom owl:annotatedSource ?entity } UNION { ?axiom owl:annotatedTarget ?entity }
  ?axiom a owl:Axiom ;
         owl:annotatedSource ?subject ;
         owl:annotatedProperty ?p ;
         owl:annotatedTarget ?o .
  OPTIONAL { ?axiom dcterms:source ?source }
  OPTIONAL { ?axiom xo:supportingText ?quote }
  OPTIONAL { ?axiom xo:evidenceType ?type OPTIONAL { ?type rdfs:label ?type_label } }
  OPTIONAL { ?axiom xo:modality ?modality OPTIONAL { ?modality rdfs:label ?modality_label } }
  OPTIONAL { ?axiom xo:hedge ?hedge }
  OPTIONAL { ?axiom xo:primarySource ?primary }
  OPTIONAL { ?axiom xo:inferenceRule ?rule }
} ORDER BY ?axiom
"""
_PREMISES = """
SELECT ?subject ?p ?o ?ps ?pp ?po WHERE {
  { ?axiom owl:annotatedSource ?entity } UNION { ?axiom owl:annotatedTarget ?entity }
  ?axiom xo:inferenceRule ?rule ;
         owl:annotatedSource ?subject ;
         owl:annotatedProperty ?p ;
         owl:annotatedTarget ?o ;
         xo:premise ?premise .
  ?premise owl:annotatedSource ?ps ; owl:annotatedProperty ?pp ; owl:annotatedTarget ?po .
}
"""
IC50_COLUMNS = (
    Column("inhibitor", "inhibitor"),
    Column("cell_line", "cell line"),
    Column("cancer", "cancer type"),
    Column("ic50", "IC50", "nM"),
    Column("published", "as published"),
    Column("source", "source"),
)


@dataclass(frozen=True)
class Evidence:
    """How a source supports a statement, shown inline: evidence type, modality, hedge, quote."""

    source: Cell | None
    primary_sources: tuple[Cell, ...] = ()
    evidence_type: str = ""
    modality: str = ""
    hedge: str = ""
    quote: str = ""


@dataclass(frozen=True)
class Inference:
    """Why an inferred statement holds: the rule, its premises in words, and the explain page."""

    rule: str
    premises: tuple[str, ...]
    href: str


@dataclass(frozen=True)
class Statement:
    """One edge: the property, the thing at the other end, and how the graph knows it."""

    property: Cell
    other: Cell
    sources: tuple[Cell, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    inferred: Inference | None = None


@dataclass(frozen=True)
class Definition:
    """A definition and how the graph knows it (shown inline like a statement's evidence)."""

    text: str
    evidence: tuple[Evidence, ...] = ()
    inferred: Inference | None = None


@dataclass(frozen=True)
class EntityView:
    """Everything the entity page shows about one IRI."""

    iri: str
    curie: str
    label: str
    definitions: tuple[Definition, ...]
    comments: tuple[str, ...]
    synonyms: tuple[str, ...]
    types: tuple[Cell, ...]
    identifiers: tuple[Xref, ...]
    outgoing: tuple[Statement, ...]
    incoming: tuple[Statement, ...]
    sources: tuple[Cell, ...]
    ic50: Table | None
    truncated: bool
    inferred_types: tuple[tuple[Cell, Inference], ...] = ()


class _Reader:
    """Queries about one entity, with label look-ups shared between sections."""

    def __init__(self, kg: KnowledgeGraph, iri: str) -> None:
        self.kg = kg
        self.iri = iri
        self.bindings = {"entity": URIRef(iri)}

    def rows(self, sparql: str) -> list[dict[str, Node | None]]:
        result = self.kg.query(sparql, self.bindings)
        return [dict(zip(result.columns, row, strict=True)) for row in result.rows]

    def link(self, node: Node | None) -> Cell:
        if isinstance(node, URIRef):
            return iri_cell(self.kg, str(node))
        if isinstance(node, Literal):
            return literal_cell(str(node), str(node.datatype) if node.datatype else None)
        return Cell("" if node is None else f"_:{node}")

    def property_cell(self, iri: str) -> Cell:
        cell = iri_cell(self.kg, iri)
        if cell.text == compress(iri) and iri in _PROPERTY_NAMES:
            return Cell(_PROPERTY_NAMES[iri], cell.href, cell.external, hint=iri)
        return cell

    def source_cell(self, source: Node | None, quote: Node | None) -> Cell:
        cell = self.link(source)
        return Cell(cell.text, cell.href, cell.external, hint=str(quote) if quote else cell.hint)


def _sorted_unique(cells: Iterable[Cell]) -> tuple[Cell, ...]:
    return tuple(sorted(set(cells), key=lambda c: (c.text.casefold(), c.href or "")))


Key = tuple[str, str, str]


@dataclass
class _Known:
    """What the annotations say about each statement (by subject, property, object)."""

    sources: dict[Key, list[Cell]]
    evidence: dict[Key, list[Evidence]]
    inferred: dict[Key, Inference]


def _first(rows: list[dict[str, Node | None]], name: str) -> str:
    """Return the first (sorted) value of a column over an axiom's rows, or ''."""
    values = sorted({str(r[name]) for r in rows if r[name] is not None})
    return values[0] if values else ""


def _explain_href(key: Key) -> str:
    return "/explain?" + urlencode({"s": key[0], "p": key[1], "o": key[2]})


def _statement_evidence(reader: _Reader) -> _Known:
    rows: dict[str, list[dict[str, Node | None]]] = defaultdict(list)
    for row in reader.rows(_STATEMENT_EVIDENCE):
        rows[str(row["axiom"])].append(row)
    premises: dict[Key, set[str]] = defaultdict(set)
    for row in reader.rows(_PREMISES):
        key = (str(row["subject"]), str(row["p"]), str(row["o"]))
        words = [reader.link(row[n]).text for n in ("ps", "pp", "po")]
        premises[key].add(" ".join(words))
    known = _Known(defaultdict(list), defaultdict(list), {})
    for axiom_rows in rows.values():
        first = axiom_rows[0]
        key = (str(first["subject"]), str(first["p"]), str(first["o"]))
        one = partial(_first, axiom_rows)

        if first["rule"] is not None:
            known.inferred[key] = Inference(
                one("rule"), tuple(sorted(premises.get(key, ()))), _explain_href(key)
            )
            continue
        source = reader.source_cell(first["source"], first["quote"]) if first["source"] else None
        if source is not None and source not in known.sources[key]:
            known.sources[key].append(source)
        primaries = {r["primary"] for r in axiom_rows if r["primary"] is not None}
        evidence_type = one("type_label") or (compress(one("type")) if one("type") else "")
        evidence = Evidence(
            source=source,
            primary_sources=_sorted_unique(reader.link(p) for p in primaries),
            evidence_type=evidence_type,
            modality=one("modality_label")
            or (compress(one("modality")) if one("modality") else ""),
            hedge=one("hedge"),
            quote=one("quote"),
        )
        if evidence not in known.evidence[key]:
            known.evidence[key].append(evidence)
    return known


def _statements(
    reader: _Reader,
    pairs: list[tuple[str, Node]],
    known: _Known,
    *,
    incoming: bool,
) -> tuple[Statement, ...]:
    statements = []
    for prop, other in pairs:
        key = (str(other), prop, reader.iri) if incoming else (reader.iri, prop, str(other))
        cited = tuple(sorted(known.sources.get(key, []), key=lambda c: c.text.casefold()))
        evidence = sorted(
            known.evidence.get(key, []),
            key=lambda e: (e.source.text.casefold() if e.source else "", e.quote),
        )
        statements.append(
            Statement(
                reader.property_cell(prop),
                reader.link(other),
                cited,
                tuple(evidence),
                known.inferred.get(key),
            )
        )
    statements.sort(key=lambda s: (s.property.text.casefold(), s.other.text.casefold()))
    return tuple(statements)


def _ic50_table(reader: _Reader) -> Table | None:
    """Return the IC50 table of an inhibitor, cell line or cancer type (see :mod:`.ic50`)."""
    found = measurements(reader.kg, reader.iri)
    if not found:
        return None
    body = []
    for m in found:
        body.append(
            (
                reader.link(URIRef(m.inhibitor)),
                reader.link(URIRef(m.cell_line)) if m.cell_line else Cell(m.cells),
                reader.link(URIRef(m.cancer)) if m.cancer else Cell(""),
                Cell(m.shown, numeric=True),
                Cell(m.published),
                reader.link(URIRef(m.source)) if m.source else Cell(""),
            )
        )
    # As in queries/ic50_table.rq: by inhibitor, then cancer type, then cell line.
    body.sort(key=lambda r: tuple(r[i].text.casefold() for i in (0, 2, 1, 3)))
    return Table(IC50_COLUMNS, tuple(body))


def entity_view(kg: KnowledgeGraph, iri: str) -> EntityView | None:
    """Gather what the graph says about ``iri``; None when it says nothing at all.

    >>> from xpo1kg import load_graph
    >>> view = entity_view(load_graph(), "https://w3id.org/xpo1kg/resource/TP53")
    >>> view.label, view.synonyms[0]
    ('TP53', 'LFS1')
    """
    reader = _Reader(kg, iri)
    outgoing = reader.rows(_OUTGOING)
    incoming = reader.rows(_INCOMING)
    if not outgoing and not incoming:
        return None
    values: dict[str, list[Node]] = defaultdict(list)
    relations: list[tuple[str, Node]] = []
    for row in outgoing[:MAX_STATEMENTS]:
        prop, other = str(row["p"]), row["o"]
        if other is None or isinstance(other, BNode):
            continue  # OWL restrictions and axioms: not for reading here
        if prop in _OWN_SECTIONS:
            values[prop].append(other)
        else:
            relations.append((prop, other))
    identifiers = {
        *(xref_from_iri(str(o)) for o in values[str(SKOS.exactMatch)]),
        *(xref_from_curie(str(o)) for o in values[_XREF]),
        *(xref_from_property(p, str(o)) for p in IDENTIFIER_PROPERTIES for o in values[p]),
    }
    # The same page reached twice (an accession and its exactMatch IRI) is listed once.
    by_page = {(x.href or f"{x.database}:{x.accession}"): x for x in sorted(identifiers)}
    known = _statement_evidence(reader)
    types = [o for o in values[str(RDF.type)] if o != OWL.NamedIndividual]
    typed = {o: known.inferred.get((iri, str(RDF.type), str(o))) for o in types}
    inferred_types = sorted(
        ((reader.link(o), why) for o, why in typed.items() if why is not None),
        key=lambda pair: pair[0].text.casefold(),
    )
    types = [o for o in types if typed[o] is None]

    def texts(prop: str) -> tuple[str, ...]:
        return tuple(sorted({str(o) for o in values[prop]}, key=str.casefold))

    label = reader.kg.label(URIRef(iri))
    return EntityView(
        iri=iri,
        curie=compress(iri),
        label=compress(iri) if label == iri else label,
        definitions=tuple(
            Definition(text, tuple(known.evidence.get((iri, _DEFINITION, text), ())))
            for text in texts(_DEFINITION)
        ),
        comments=texts(str(RDFS.comment)),
        synonyms=texts(str(SKOS.altLabel)),
        types=_sorted_unique(reader.link(t) for t in types),
        identifiers=tuple(sorted(by_page.values())),
        outgoing=_statements(reader, relations, known, incoming=False),
        incoming=_statements(
            reader,
            [(str(r["p"]), r["s"]) for r in incoming[:MAX_STATEMENTS] if r["s"] is not None],
            known,
            incoming=True,
        ),
        sources=_sorted_unique(reader.link(s) for s in values[_SOURCE]),
        ic50=_ic50_table(reader),
        truncated=len(outgoing) > MAX_STATEMENTS or len(incoming) > MAX_STATEMENTS,
        inferred_types=tuple(inferred_types),
    )
