"""What a spreadsheet adds to the graph: names resolved, rows checked, known measurements left out.

:func:`plan_ingest` turns the rows of a :class:`~xpo1kg.ingest.measurement_table.Table` into the
triples of new measurements (and of new sources, and with ``allow_new`` of new inhibitors and cell
lines), as N-Triples terms (:mod:`xpo1kg.ingest.measurement_triples`). It reads what it needs from
the graph once: the members of each class, the cancer each cell line comes from, the pages of
sources, and, for each inhibitor and cell line (or else cancer type) the table names, the
measurements there by what identifies them (endpoint, qualifier, value or range in nM), so that
the time follows the table, not the graph. Names go through a
:class:`~xpo1kg.store.search.SearchIndex` of the graph's entities (measurements aside), restricted
to the class the column asks for: a name that one thing of that class has (exactly, or up to case,
accents, punctuation and Greek spelling) is accepted; anything closer to a guess (a prefix, a
typo) is only suggested. Nothing is written here: :func:`xpo1kg.ingest.pipeline.ingest` validates
and writes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import pyoxigraph as ox

from xpo1kg.errors import InputError
from xpo1kg.ingest.measurement_table import Row, Table
from xpo1kg.ingest.measurement_triples import (
    inhibits_triples,
    measurement_triples,
    unverified_iri,
    unverified_triples,
)
from xpo1kg.ingest.sources import CitedSources
from xpo1kg.ingest.values import (
    IngestError,
    Problem,
    Quantity,
    QuantityError,
    RefusedCellError,
    fold_name,
    parse_endpoint,
    parse_quantity,
)
from xpo1kg.rdf.namespaces import PREFIXES, compress
from xpo1kg.rdf.text import Triple
from xpo1kg.rdf.text import iri as _iri
from xpo1kg.rdf.text import term as _term
from xpo1kg.store.knowledge_graph import KnowledgeGraph
from xpo1kg.store.search import Hit, SearchIndex

__all__ = ["Outcome", "Plan", "plan_ingest"]

T = TypeVar("T")
Key = tuple[str, str, str, str, str, Decimal | None, Decimal | None, Decimal | None]
_SEVERAL = {"various", "multiple", "several", "mixed"}
_CLASSES = {"inhibitor": "Inhibitor", "cell_line": "CellLine", "cancer_type": "CancerType",
            "source": "Source", "protein": "Protein"}  # fmt: skip
_POWERS = {
    f"{PREFIXES['obo']}UO_00000{n}": p for n, p in ((62, 9), (63, 6), (64, 3), (65, 0), (66, -3))
}


@dataclass(frozen=True)
class Outcome:
    """What became of a row: 'add', 'present' (in the graph) or 'repeat' (an earlier row has it)."""

    row: int
    status: str
    iri: str
    summary: str


@dataclass
class Plan:
    """The triples an ingest adds, what became of each row, and the row behind each new node."""

    table: Table
    outcomes: list[Outcome] = field(default_factory=list)
    triples: list[Triple] = field(default_factory=list)
    origin: dict[str, tuple[int, str]] = field(default_factory=dict)
    generated: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)

    def count(self, status: str) -> int:
        """Count the rows with one outcome ('add', 'present' or 'repeat')."""
        return sum(outcome.status == status for outcome in self.outcomes)


class _Planner:
    """Turns rows into measurement triples, with what it reads once from the graph."""

    def __init__(self, kg: KnowledgeGraph, table: Table, source: str | None, allow_new: bool):
        self.kg, self.table, self.source, self.allow_new = kg, table, source, allow_new
        self.plan = Plan(table)
        self.problems: list[Problem] = []
        self.cache: dict[tuple[str, str], str | RefusedCellError] = {}
        self.labels: dict[str, str] = {}
        self.new: dict[str, tuple[str, str, set[str]]] = {}  # IRI -> kind, label, sources
        self.seen: dict[Key, int] = {}
        self.inhibits: str | None = None
        self.members: dict[str, set[str]] = {kind: set() for kind in _CLASSES}
        kinds = " ".join(f"(xo:{name} '{kind}')" for kind, name in _CLASSES.items())
        query = f"SELECT ?s ?k {{ VALUES (?c ?k) {{ {kinds} }} ?t rdfs:subClassOf* ?c . ?s a ?t }}"
        for s, k in self.kg.store.asserted_rows(query):
            self.members[k].add(s)
        self.cancers: dict[str, set[str]] = {}
        for line, cancer in self.kg.store.asserted_rows(
            "SELECT ?l ?c { ?l xo:derivedFromCancer ?c }"
        ):
            self.cancers.setdefault(line, set()).add(cancer)
        pages = self.kg.store.asserted_rows("SELECT ?s ?p { ?s foaf:page ?p }")
        self.cited = CitedSources(self.members["source"], pages)
        self.existing: dict[tuple[str, str, str], dict[Key, str]] = {}

    def _measurements(self, inhibitor: str, kind: str, context: str) -> dict[Key, str]:
        """Index the measurements of an inhibitor in one context by what identifies them (nM).

        The context is a cell line (``kind`` "line") or a cancer type measured without a cell
        line ("type"). Read once per inhibitor and context a table names: the time follows the
        table, not the graph.
        """
        if (inhibitor, kind, context) in self.existing or not context:
            return self.existing.get((inhibitor, kind, context), {})
        found: dict[Key, str] = self.existing.setdefault((inhibitor, kind, context), {})
        place = (
            "xo:hasCellLine ?context"
            if kind == "line"
            else "xo:hasCancerType ?context FILTER NOT EXISTS { ?m xo:hasCellLine ?line }"
        )
        query = f"""SELECT ?m ?e ?u ?q ?v ?lo ?hi {{
            VALUES (?i ?context) {{ ({ox.NamedNode(inhibitor)} {ox.NamedNode(context)}) }}
            ?m xo:hasInhibitor ?i ; {place} .
            ?m xo:hasEndpoint ?e ; xo:hasUnit ?u .
            OPTIONAL {{ ?m xo:qualifier ?q }} OPTIONAL {{ ?m xo:value ?v }}
            OPTIONAL {{ ?m xo:lowerBound ?lo }} OPTIONAL {{ ?m xo:upperBound ?hi }} }}"""
        for m, e, u, q, *numbers in self.kg.store.asserted_rows(query):
            if (power := _POWERS.get(u)) is None:
                continue
            try:
                v, lo, hi = (Decimal(n).scaleb(power) if n else None for n in numbers)
            except InvalidOperation:
                continue
            found[(inhibitor, kind, context, e, q or ("=" if v is not None else ""), v, lo, hi)] = m
        return found

    def _objects(self, iri: str, curie: str) -> list[str]:
        predicate = ox.NamedNode(_term(curie)[1:-1])
        pattern = self.kg.store.oxigraph.quads_for_pattern(ox.NamedNode(iri), predicate, None, None)
        return [str(getattr(quad.object, "value", quad.object)) for quad in pattern]

    def label(self, iri: str) -> str:
        if iri not in self.labels:
            self.labels[iri] = next(iter(self._objects(iri, "rdfs:label")), compress(iri))
        return self.labels[iri]

    def resolve(self, kind: str, text: str, row: int, source: str | None = None) -> str:
        """Return the IRI a name stands for among things of one kind, or raise RefusedCellError."""
        if not text:
            raise RefusedCellError(f"no {kind.replace('_', ' ')}")
        found = self.cache.get((kind, text))
        if found is None:
            key = (kind, text.strip() if kind == "source" else fold_name(text))  # URLs: case counts
            if key not in self.cache:
                try:
                    self.cache[key] = (
                        self._source(text, row) if kind == "source" else self._find(kind, text, row)
                    )
                except RefusedCellError as error:
                    self.cache[key] = error
            found = self.cache[(kind, text)] = self.cache[key]
        if isinstance(found, RefusedCellError):
            raise found
        if found in self.new and source:
            self.new[found][2].add(source)
        return found

    @functools.cached_property
    def index(self) -> SearchIndex:
        """The names of the graph's entities, measurements aside (most of a big store's names)."""
        return SearchIndex.from_graph(self.kg, skipping=PREFIXES["xo"] + "Measurement")

    def _named(self, text: str) -> list[Hit]:
        """Return the entities one of whose names is ``text`` (exactly or normalised), not fuzzy."""
        return self.index.named(text)

    def _find(self, kind: str, text: str, row: int) -> str:
        word = kind.replace("_", " ")
        entities = self._named(text)
        inside = sorted(
            (e for e in entities if e.iri in self.members[kind]),
            key=lambda e: (e.label.casefold(), e.iri),
        )
        if len(inside) == 1:
            return inside[0].iri
        if inside:
            raise RefusedCellError(
                f"{text!r} names several {word}s: {', '.join(e.label for e in inside)}"
            )
        if entities:
            article = "an" if word[0] in "aeiou" else "a"
            what = entities[0].type or "no class"
            raise RefusedCellError(
                f"{text!r} is {entities[0].label} ({what}), not {article} {word}"
            )
        hint = f"; closest: {self._closest(kind, text)}" if self.members[kind] else ""
        if kind not in ("inhibitor", "cell_line"):
            raise RefusedCellError(f"unknown {word} {text!r}{hint}")
        if not self.allow_new:
            raise RefusedCellError(f"unknown {word} {text!r}{hint} (--allow-new creates it)")
        if kind == "inhibitor" and self.inhibits is None:
            message = "--allow-new creates an inhibitor only with --inhibits PROTEIN, its target"
            raise RefusedCellError(f"unknown inhibitor {text!r}{hint}; {message}")
        iri = unverified_iri(kind, text)
        self.new[iri] = (kind, text, set())
        self.members[kind].add(iri)
        self.labels[iri] = text
        self.plan.origin[iri] = (row, kind)
        self.plan.generated.append(iri)
        return iri

    def _closest(self, kind: str, text: str) -> str:
        """Name the three things of a kind whose labels or synonyms come closest to ``text``."""
        close = self.index.suggest(text, 3, among=self.members[kind])
        return ", ".join(repr(hit.matched) for hit in close)

    def _source(self, text: str, row: int) -> str:
        def first_cited(source: str) -> None:
            self.plan.origin[source] = (row, "source")

        cited = self.cited.resolve(text, first_cited)
        if cited is not None:
            return cited
        inside = [e for e in self._named(text) if e.iri in self.members["source"]]
        if len(inside) == 1:
            return inside[0].iri
        known = self._closest("source", text)
        raise RefusedCellError(
            f"unknown source {text!r}: give PMID:…, a DOI, a URL or one of {known}"
        )

    def row(self, row: Row) -> None:
        """Plan one row: a new measurement, one already present, or problems."""
        bad: list[Problem] = []

        def attempt(column: str, step: Callable[[], T]) -> T | None:
            try:
                return step()
            except RefusedCellError as error:
                bad.append(Problem(row.line, column, str(error)))
            except QuantityError as error:
                bad.append(Problem(row.line, error.column, str(error)))
            return None

        def name(kind: str, text: str, source: str | None = None) -> str | None:
            return attempt(kind, lambda: self.resolve(kind, text, row.line, source))

        source_text = row.get("source") or self.source or ""
        if not source_text:
            bad.append(Problem(row.line, "source", "no source: fill the column or give --source"))
        source = name("source", source_text) if source_text else None
        inhibitor = name("inhibitor", row.get("inhibitor"), source)
        cell_text, type_text = row.get("cell_line"), row.get("cancer_type")
        several = fold_name(cell_text) in _SEVERAL
        cell = name("cell_line", cell_text, source) if cell_text and not several else None
        cancer = name("cancer_type", type_text) if type_text else None
        quantity = attempt("value", lambda: parse_quantity(row.get("value"), row.get("unit")))
        endpoint = attempt("endpoint", lambda: parse_endpoint(row.get("endpoint") or "IC50"))
        known = self.cancers.get(cell or "", set())
        if cell and cancer and known and cancer not in known:
            origin = ", ".join(sorted(self.label(c) for c in known))
            message = f"{self.label(cell)} comes from {origin}, not {self.label(cancer)}"
            bad.append(Problem(row.line, "cancer_type", message))
        elif cell and cancer and cell in self.new:
            self.cancers.setdefault(cell, set()).add(cancer)
        elif cell and not cancer and len(known) == 1:
            cancer = next(iter(known))
        if not (bad or cell or cancer):
            column, what = (
                ("cancer_type", "a cancer type")
                if several
                else ("cell_line", "a cell line or a cancer type")
            )
            bad.append(Problem(row.line, column, f"needs {what}"))
        if bad:
            self.problems += bad
            return
        assert inhibitor and source and quantity and endpoint
        self._measurement(
            row, inhibitor, cell, cell_text if several else "", cancer, quantity, endpoint, source
        )

    def _measurement(
        self,
        row: Row,
        inhibitor: str,
        cell: str | None,
        description: str,
        cancer: str | None,
        quantity: Quantity,
        endpoint: tuple[str, str],
        source: str,
    ) -> None:
        context = cell or cancer or ""
        key: Key = (inhibitor, "line" if cell else "type", context, endpoint[1], *quantity.key)
        where = self.label(context)
        if description and not cell:
            where = f"{where} cell lines ({description.lower()})"
        label = f"{endpoint[0]} of {self.label(inhibitor)} on {where}"
        summary = f"{label}: {quantity}"
        if existing := self._measurements(inhibitor, key[1], context).get(key):
            self.plan.outcomes.append(Outcome(row.line, "present", existing, summary))
            return
        if earlier := self.seen.get(key):
            self.plan.outcomes.append(
                Outcome(row.line, "repeat", "", f"{summary}, as row {earlier}")
            )
            return
        self.seen[key] = row.line
        iri, triples = measurement_triples(
            label,
            inhibitor=inhibitor,
            cell=cell,
            description=description,
            cancer=cancer,
            quantity=quantity,
            endpoint=endpoint,
            source=source,
            assay=row.get("assay"),
            notes=row.get("notes"),
        )
        self.plan.triples += triples
        self.plan.origin[iri] = (row.line, "")
        self.plan.generated.append(iri)
        self.plan.sources.add(source)
        self.plan.outcomes.append(Outcome(row.line, "add", iri, summary))

    def finish(self) -> Plan:
        """Add the new inhibitors, cell lines and sources; raise IngestError for refused rows."""
        if problems := [*self.table.problems, *self.problems]:
            raise IngestError(self.table.name, problems)
        add = self.plan.triples.extend
        for iri, (kind, label, sources) in self.new.items():
            add(unverified_triples(iri, _CLASSES[kind], label, sources))
            if kind == "cell_line":
                cancers = sorted(self.cancers.get(iri, ()))
                add((_iri(iri), _term("xo:derivedFromCancer"), _iri(c)) for c in cancers)
            elif self.inhibits:
                axiom, triples = inhibits_triples(iri, self.inhibits, sources)
                add(triples)
                self.plan.origin[axiom[2:]] = (self.plan.origin[iri][0], "inhibitor")
        # A source named by --source but used by no row is not written.
        for iri, triples in self.cited.triples(self.plan.sources):
            add(triples)
            self.plan.generated.append(iri)
        return self.plan


def plan_ingest(
    table: Table,
    kg: KnowledgeGraph,
    *,
    source: str | None = None,
    allow_new: bool = False,
    inhibits: str | None = None,
    progress: Callable[[int], None] = lambda _: None,
) -> Plan:
    """Work out what a table adds to a graph; raise IngestError (nothing planned) if a row is bad.

    ``source`` applies to rows with an empty source cell. ``allow_new`` creates unknown inhibitors
    and cell lines; new inhibitors need ``inhibits``, the protein the source says they inhibit.
    """
    planner = _Planner(kg, table, source, allow_new)
    for option, kind, value in (
        ("--source", "source", source),
        ("--inhibits", "protein", inhibits),
    ):
        if value is not None:
            try:
                resolved = planner.resolve(kind, value, 0)
            except RefusedCellError as error:
                raise InputError(f"{option}: {error}") from None
            if kind == "protein":
                if not allow_new:
                    raise InputError("--inhibits applies to new inhibitors: add --allow-new")
                planner.inhibits = resolved
    for row in table.rows:
        planner.row(row)
        progress(1)
    return planner.finish()
