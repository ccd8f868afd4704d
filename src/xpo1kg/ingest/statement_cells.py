"""The cells of a statement table that name things, read against the graph.

A :class:`CellResolver` reads once what the graph has: its object and datatype properties with
their domains and ranges, the classes of each thing, the ontology's terms and the sources. It
then resolves a row's relation among the properties, its subject and object among the graph's
individuals (whole names only, through the graph's :class:`~xpo1kg.store.search.SearchIndex`,
preferring the relation's domain or range), its source (:mod:`xpo1kg.ingest.sources`), and the
object of a datatype property as a literal of its range. A cell it cannot use raises
:class:`~xpo1kg.ingest.values.RefusedCellError`; the evidence cells are read by
:mod:`xpo1kg.ingest.evidence_cells`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from xpo1kg.ingest.sources import CitedSources
from xpo1kg.ingest.values import RefusedCellError
from xpo1kg.rdf.namespaces import PREFIXES, compress
from xpo1kg.rdf.text import quote as _quote
from xpo1kg.rdf.text import typed as _typed
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["CellResolver"]

XO = PREFIXES["xo"]
_XSD = PREFIXES["xsd"]


class CellResolver:
    """What a statement table's cells name, resolved with what is read once from the graph.

    Read once: the graph's properties (object or datatype) with their domains and ranges, the
    classes of each thing, the ontology's terms and the sources.
    """

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.properties: dict[str, str] = dict(
            self.kg.store.asserted_rows(
                "SELECT ?p ?k { VALUES (?c ?k) { (owl:ObjectProperty 'object') "
                "(owl:DatatypeProperty 'datatype') } ?p a ?c FILTER isIRI(?p) }"
            )
        )
        self.ranges: dict[str, set[str]] = {}
        self.domains: dict[str, set[str]] = {}
        for p, kind, c in self.kg.store.asserted_rows(
            "SELECT ?p ?k ?c { VALUES (?r ?k) { (rdfs:domain 'd') (rdfs:range 'r') } "
            "?p rdfs:subPropertyOf* ?q . ?q ?r ?c FILTER isIRI(?c) }"
        ):
            (self.domains if kind == "d" else self.ranges).setdefault(p, set()).add(c)
        self.types: dict[str, set[str]] = {}
        for s, c in self.kg.store.asserted_rows(
            "SELECT ?s ?c { ?s a ?t . ?t rdfs:subClassOf* ?c FILTER isIRI(?c) }"
        ):
            self.types.setdefault(s, set()).add(c)
        self.terms = {
            s
            for (s,) in self.kg.store.asserted_rows(
                "SELECT ?s { VALUES ?c { owl:Class owl:ObjectProperty owl:DatatypeProperty "
                "owl:AnnotationProperty } ?s a ?c }"
            )
        }
        self.sources = {s for s, c in self._typed() if c == XO + "Source"}
        self.cited = CitedSources(
            self.sources, self.kg.store.asserted_rows("SELECT ?s ?p { ?s foaf:page ?p }")
        )

    def _typed(self) -> Iterable[tuple[str, str]]:
        for s, classes in self.types.items():
            for c in classes:
                yield s, c

    def relation(self, text: str) -> str:
        """Return the object or datatype property a relation cell names."""
        if not text:
            raise RefusedCellError("no relation")
        among = set(self.properties)
        hits = list(self.kg.search_index.named(text, among=among))
        if not hits and text.startswith(("http://", "https://")) and text in among:
            return text
        if len({h.iri for h in hits}) == 1:
            return hits[0].iri
        if hits:
            raise RefusedCellError(
                f"{text!r} names several relations: {', '.join(h.curie for h in hits)}"
            )
        close = self.kg.search_index.suggest(text, 3, among=among)
        hint = ", ".join(f"{h.curie} ({h.label})" for h in close)
        raise RefusedCellError(f"unknown relation {text!r}; closest: {hint}")

    def entity(self, text: str, wanted: set[str], column: str) -> str:
        """Return the individual a whole name stands for, preferring the classes ``wanted``."""
        if not text:
            raise RefusedCellError(f"no {column}")
        hits = [h for h in self.kg.search_index.named(text) if h.iri not in self.terms]
        iris = sorted({h.iri for h in hits})
        if len(iris) > 1 and wanted:
            fitting = [i for i in iris if self.types.get(i, set()) & wanted]
            iris = fitting or iris
        if len(iris) == 1:
            return iris[0]
        if iris:
            names = ", ".join(compress(i) for i in iris)
            raise RefusedCellError(f"{text!r} names several things: {names}; write a CURIE")
        individuals = [s for s in self.types if s not in self.terms]
        close = self.kg.search_index.suggest(text, 3, among=individuals)
        hint = f"; closest: {', '.join(repr(h.matched) for h in close)}" if close else ""
        raise RefusedCellError(f"unknown {column} {text!r}{hint}")

    def source(self, text: str, row: int, origin: dict[str, tuple[int, str]]) -> str:
        """Return the source a cell names; a new one's ``row`` goes to ``origin`` the first time."""
        if not text:
            raise RefusedCellError("no source: fill the column or give --source")

        def first_cited(source: str) -> None:
            origin[source] = (row, "source")

        cited = self.cited.resolve(text, first_cited)
        if cited is not None:
            return cited
        hits = list(self.kg.search_index.named(text, among=self.sources))
        by_name = [s for s in self.sources if s.rsplit("/", 1)[-1].casefold() == text.casefold()]
        found = sorted({h.iri for h in hits} | set(by_name))
        if len(found) == 1:
            return found[0]
        close = self.kg.search_index.suggest(text, 3, among=self.sources)
        known = ", ".join(h.curie for h in close)
        raise RefusedCellError(
            f"unknown source {text!r}: give PMID:…, a DOI, a URL or one of {known}"
        )

    def literal(self, prop: str, text: str) -> str:
        """Return an N-Triples literal of a datatype property's range."""
        ranges = {r.removeprefix(_XSD) for r in self.ranges.get(prop, set()) if r.startswith(_XSD)}
        if not text:
            raise RefusedCellError("no object")
        if "integer" in ranges or "nonNegativeInteger" in ranges or "positiveInteger" in ranges:
            if not re.fullmatch(r"[+-]?\d{1,18}", text):
                raise RefusedCellError(f"{compress(prop)} takes an integer, not {text!r}")
            kind = next(
                r for r in ("integer", "nonNegativeInteger", "positiveInteger") if r in ranges
            )
            return _typed(str(int(text)), kind)
        if "decimal" in ranges:
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise RefusedCellError(f"{compress(prop)} takes a number, not {text!r}") from None
            return _typed(format(number, "f"), "decimal")
        if "boolean" in ranges:
            if text.casefold() not in ("true", "false"):
                raise RefusedCellError(f"{compress(prop)} takes true or false, not {text!r}")
            return _typed(text.casefold(), "boolean")
        if len(ranges) == 1 and "string" not in ranges:
            return _typed(text, next(iter(ranges)))
        return _quote(text)
