"""Curating statements from spreadsheets: rows of subject, relation, object and their evidence.

:func:`curate` reads a table (CSV, TSV or ``.xlsx``; :mod:`xpo1kg.ingest.sheets`) whose rows each
state one fact with its evidence, and adds each as the triple plus one ``owl:Axiom`` annotation
carrying ``dcterms:source``, ``xo:evidenceType``, the Biolink knowledge level and agent type,
``xo:modality``, the verbatim ``xo:hedge`` and the quote as ``xo:supportingText``: the evidence
model of docs/evidence.md. Names are resolved as ``ingest`` resolves them (the graph's
:class:`~xpo1kg.store.search.SearchIndex`, whole names only), relations among the ontology's
object and datatype properties, evidence types against the closed list of ``ontology/shapes.ttl``.

Everything is checked before anything is written: the rows, then the new triples with the SHACL
shapes together with the graph, then :func:`find_contradictions` (a reasoner-free check in SPARQL:
disjoint classes through a property's domain or range, a second value of a functional property).
Contradictions are warnings, or problems with ``strict``. A statement the graph already has from
the same source adds nothing, so curating a table twice writes nothing. See docs/curate.md.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from xpo1kg.errors import InputError
from xpo1kg.ingest.output import CURATE, Tool, check_into, provenance_record, write
from xpo1kg.ingest.plan import GUIDE, GUIDE_NAMES, Outcome
from xpo1kg.ingest.sheets import Sheet, clean_cell, read_sheet
from xpo1kg.ingest.values import IngestError, Problem, normalise_header, parse_source_id
from xpo1kg.rdf.namespaces import PREFIXES, compress
from xpo1kg.rdf.safefile import exclusive_lock
from xpo1kg.rdf.text import Triple
from xpo1kg.rdf.text import iri as _iri
from xpo1kg.rdf.text import quote as _quote
from xpo1kg.rdf.text import term as _term
from xpo1kg.rdf.text import typed as _typed
from xpo1kg.resources import shapes_file
from xpo1kg.store.graph_loading import in_memory_view
from xpo1kg.store.knowledge_graph import KnowledgeGraph, load_graph
from xpo1kg.validate.pyshacl_engine import ValidationResult

__all__ = [
    "COLUMNS",
    "Contradiction",
    "CurateResult",
    "Statement",
    "StatementPlan",
    "curate",
    "evidence_types",
    "find_contradictions",
    "into_lock",
    "open_target",
    "plan_statements",
]

XR, XO, OBO = PREFIXES["xr"], PREFIXES["xo"], PREFIXES["obo"]
_XSD = PREFIXES["xsd"]
_BIOLINK = "https://w3id.org/biolink/vocab/"
A, LABEL, COMMENT, SOURCE = (
    _term(n) for n in ("rdf:type", "rdfs:label", "rdfs:comment", "dcterms:source")
)

#: The columns of a statement table, in their canonical spelling; the first five are required.
COLUMNS = (
    "subject",
    "relation",
    "object",
    "source",
    "evidence_type",
    "quote",
    "hedge",
    "modality",
    "comment",
)
_REQUIRED = ("subject", "relation", "object", "evidence_type")
_ALIASES = {
    "predicate": "relation", "property": "relation", "evidence": "evidence_type",
    "eco": "evidence_type", "supportingtext": "quote", "text": "quote", "notes": "comment",
}  # fmt: skip
_BY_KEY = {column.replace("_", ""): column for column in COLUMNS} | _ALIASES

#: GO evidence codes (docs/evidence.md) and the ECO classes they stand for.
_GO_CODES = {
    "EXP": "ECO_0000269",
    "NAS": "ECO_0000303",
    "TAS": "ECO_0000304",
    "IC": "ECO_0000305",
    "IEA": "ECO_0000501",
}
_MODALITIES = ("Established", "Reported", "Suggested", "Possible")
#: Words of a hedge and the modality they mean, most tentative first (docs/evidence.md).
_HEDGE_WORDS = (
    ("Possible", r"\b(may|maybe|might|can|could|possibly|potentially|perhaps)\b"),
    ("Suggested", r"\b(appears?|appeared|seems?|suggest\w*|likely|probabl\w*|putative\w*)\b"),
    ("Reported", r"\b(been|reported|shown|observed|described|correlated|found)\b"),
)


# --- the closed lists ----------------------------------------------------------------------------


@cache
def evidence_types() -> tuple[str, ...]:
    """Return the ECO classes that ``ontology/shapes.ttl`` allows as ``xo:evidenceType`` (IRIs)."""
    store = ox.Store()
    store.load(shapes_file().read_bytes(), ox.RdfFormat.TURTLE)
    query = f"""PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT DISTINCT ?v {{ ?p sh:path <{XO}evidenceType> ; sh:in/<{PREFIXES["rdf"]}rest>*/<{PREFIXES["rdf"]}first> ?v }}"""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return tuple(sorted(str(getattr(s["v"], "value", "")) for s in solutions))


def parse_evidence_type(text: str) -> str:
    """Read an evidence type: ``ECO:0000303``, ``obo:ECO_0000303``, its IRI, or ``NAS``.

    Only the ECO classes of the closed list are accepted. Raises ValueError naming the list.

    >>> parse_evidence_type("eco:0000312").rsplit("/", 1)[1]
    'ECO_0000312'
    """
    known = evidence_types()
    written = text.strip()
    code = written.upper()
    if code in _GO_CODES:
        local = _GO_CODES[code]
    else:
        match = re.fullmatch(
            r"(?:HTTP://PURL\.OBOLIBRARY\.ORG/OBO/|OBO:)?ECO[:_](\d{7})", code.replace(" ", "")
        )
        local = f"ECO_{match.group(1)}" if match else ""
    if OBO + local not in known:
        allowed = ", ".join(compress(k).replace("obo:ECO_", "ECO:") for k in known)
        raise ValueError(
            f"evidence type {written!r} is not one of the allowed ECO classes: {allowed}"
        )
    return OBO + local


def parse_modality(text: str, hedge: str) -> str:
    """Return the modality (``xo:`` IRI) a row states, or the one its hedge words mean.

    Raises ValueError when modality and hedge disagree, or when a hedge names no known modality.

    >>> parse_modality("", "has been correlated").rsplit("/", 1)[1]
    'Reported'
    >>> parse_modality("", "").rsplit("/", 1)[1]
    'Established'
    """
    word = re.sub(r"^xo:", "", text.strip(), flags=re.IGNORECASE).casefold()
    if word:
        names = {m.casefold(): m for m in _MODALITIES}
        if word not in names:
            raise ValueError(f"unknown modality {text!r} (known: {', '.join(_MODALITIES)})")
        modality = names[word]
        if modality == "Established" and hedge:
            raise ValueError(f"an established statement has no hedge, but the row says {hedge!r}")
        if modality != "Established" and not hedge:
            raise ValueError(f"a {modality.lower()} statement needs the source's hedge words")
        return XO + modality
    if not hedge:
        return XO + "Established"
    for modality, pattern in _HEDGE_WORDS:
        if re.search(pattern, hedge, re.IGNORECASE):
            return XO + modality
    raise ValueError(
        f"cannot tell the modality from the hedge {hedge!r}: fill the modality column "
        f"({', '.join(_MODALITIES[1:])})"
    )


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def _read_rows(sheet: Sheet) -> tuple[list[_Row], list[Problem]]:
    """Read the header (IngestError, exit code 2, if it is wrong) and the rows with their problems."""
    (line, header), body = sheet.records[0], sheet.records[1:]
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, written in enumerate(header):
        label = clean_cell(written)
        if not label:
            continue
        column = _BY_KEY.get(normalise_header(label))
        if column is None:
            close = difflib.get_close_matches(normalise_header(label), list(_BY_KEY), n=1)
            hint = f"did you mean {_BY_KEY[close[0]]}? " if close else ""
            problems.append(
                Problem(line, label, f"unknown column ({hint}known: {', '.join(COLUMNS)})")
            )
        elif column in positions:
            problems.append(Problem(line, label, f"column {column} appears twice"))
        else:
            positions[column] = index
    problems += [Problem(line, "", f"missing column {c}") for c in _REQUIRED if c not in positions]
    if problems:
        raise IngestError(sheet.name, problems, exit_code=2)
    rows = [
        _Row(n, {c: clean_cell(r[i]) if i < len(r) else "" for c, i in positions.items()})
        for n, r in body
    ]
    extra = [
        Problem(n, "", f"{len(r)} cells, but the header has {len(header)} columns")
        for n, r in body
        if any(clean_cell(cell) for cell in r[len(header) :])
    ]
    return rows, extra


# --- the plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One row's statement: subject, property and object as N-Triples terms, and its source."""

    row: int
    subject: str
    relation: str
    object: str
    source: str


@dataclass(frozen=True)
class Contradiction:
    """A new statement that the graph contradicts: the row, the column, why."""

    row: int
    column: str
    message: str

    def problem(self) -> Problem:
        """Return the same finding as a :class:`~xpo1kg.ingest.values.Problem`."""
        return Problem(self.row, self.column, self.message)


@dataclass
class StatementPlan:
    """What a statement table adds: triples, each row's outcome, warnings, new nodes and sources."""

    name: str
    sha256: str
    rows: int
    outcomes: list[Outcome] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    triples: list[Triple] = field(default_factory=list)
    origin: dict[str, tuple[int, str]] = field(default_factory=dict)
    generated: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)

    def count(self, status: str) -> int:
        """Count the rows with one outcome ('add', 'present' or 'repeat')."""
        return sum(outcome.status == status for outcome in self.outcomes)


class _RefusedError(Exception):
    """A cell that cannot be used; the message says why."""


class _Resolver:
    """What the planner reads once from the graph: properties, classes, sources, statements."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.properties: dict[str, str] = dict(
            self.select(
                "SELECT ?p ?k { VALUES (?c ?k) { (owl:ObjectProperty 'object') "
                "(owl:DatatypeProperty 'datatype') } ?p a ?c FILTER isIRI(?p) }"
            )
        )
        self.ranges: dict[str, set[str]] = {}
        self.domains: dict[str, set[str]] = {}
        for p, kind, c in self.select(
            "SELECT ?p ?k ?c { VALUES (?r ?k) { (rdfs:domain 'd') (rdfs:range 'r') } "
            "?p rdfs:subPropertyOf* ?q . ?q ?r ?c FILTER isIRI(?c) }"
        ):
            (self.domains if kind == "d" else self.ranges).setdefault(p, set()).add(c)
        self.types: dict[str, set[str]] = {}
        for s, c in self.select(
            "SELECT ?s ?c { ?s a ?t . ?t rdfs:subClassOf* ?c FILTER isIRI(?c) }"
        ):
            self.types.setdefault(s, set()).add(c)
        self.terms = {
            s
            for (s,) in self.select(
                "SELECT ?s { VALUES ?c { owl:Class owl:ObjectProperty owl:DatatypeProperty "
                "owl:AnnotationProperty } ?s a ?c }"
            )
        }
        self.sources = {s for s, c in self._typed() if c == XO + "Source"}
        pages = self.select("SELECT ?s ?p { ?s foaf:page ?p }")
        self.pages = {_page_key(p): s for s, p in pages if s in self.sources}
        self.present: set[tuple[str, str, str, str]] = set()
        query = """SELECT ?s ?p ?o ?src { ?a a owl:Axiom ; owl:annotatedSource ?s ;
            owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; dcterms:source ?src }"""
        solutions = kg.store.query(query, graphs=kg.store.asserted_for_query())
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            s, p, o, src = (solution[v] for v in ("s", "p", "o", "src"))
            self.present.add((_nt(s), _nt(p), _nt(o), _nt(src)))
        self.new_sources: dict[str, tuple[str, str]] = {}

    def _typed(self) -> Iterable[tuple[str, str]]:
        for s, classes in self.types.items():
            for c in classes:
                yield s, c

    def select(self, sparql: str) -> list[list[str]]:
        # Asked at each query: the store may gain an inferred graph during the run.
        solutions = self.kg.store.query(sparql, graphs=self.kg.store.asserted_for_query())
        assert isinstance(solutions, ox.QuerySolutions)
        return [[t.value if t is not None else "" for t in solution] for solution in solutions]

    def relation(self, text: str) -> str:
        if not text:
            raise _RefusedError("no relation")
        among = set(self.properties)
        hits = list(self.kg.search_index.named(text, among=among))
        if not hits and text.startswith(("http://", "https://")) and text in among:
            return text
        if len({h.iri for h in hits}) == 1:
            return hits[0].iri
        if hits:
            raise _RefusedError(
                f"{text!r} names several relations: {', '.join(h.curie for h in hits)}"
            )
        close = self.kg.search_index.suggest(text, 3, among=among)
        hint = ", ".join(f"{h.curie} ({h.label})" for h in close)
        raise _RefusedError(f"unknown relation {text!r}; closest: {hint}")

    def entity(self, text: str, wanted: set[str], column: str) -> str:
        """Return the individual a whole name stands for, preferring the classes ``wanted``."""
        if not text:
            raise _RefusedError(f"no {column}")
        hits = [h for h in self.kg.search_index.named(text) if h.iri not in self.terms]
        iris = sorted({h.iri for h in hits})
        if len(iris) > 1 and wanted:
            fitting = [i for i in iris if self.types.get(i, set()) & wanted]
            iris = fitting or iris
        if len(iris) == 1:
            return iris[0]
        if iris:
            names = ", ".join(compress(i) for i in iris)
            raise _RefusedError(f"{text!r} names several things: {names}; write a CURIE")
        individuals = [s for s in self.types if s not in self.terms]
        close = self.kg.search_index.suggest(text, 3, among=individuals)
        hint = f"; closest: {', '.join(repr(h.matched) for h in close)}" if close else ""
        raise _RefusedError(f"unknown {column} {text!r}{hint}")

    def source(self, text: str, row: int, plan: StatementPlan) -> str:
        if not text:
            raise _RefusedError("no source: fill the column or give --source")
        if re.sub(r"[\W_]+", "", text.casefold()) in GUIDE_NAMES:
            return GUIDE
        ident = parse_source_id(text)
        if ident is None:
            hits = list(self.kg.search_index.named(text, among=self.sources))
            by_name = [
                s for s in self.sources if s.rsplit("/", 1)[-1].casefold() == text.casefold()
            ]
            found = sorted({h.iri for h in hits} | set(by_name))
            if len(found) == 1:
                return found[0]
            close = self.kg.search_index.suggest(text, 3, among=self.sources)
            known = ", ".join(h.curie for h in close)
            raise _RefusedError(
                f"unknown source {text!r}: give PMID:…, a DOI, a URL or one of {known}"
            )
        if known_page := self.pages.get(_page_key(ident.page)):
            return known_page
        if ident.iri not in self.sources and ident.iri not in self.new_sources:
            try:
                ox.NamedNode(ident.page)
            except ValueError:
                raise _RefusedError(f"{text!r} is not a valid web address") from None
            self.new_sources[ident.iri] = (ident.label, ident.page)
            plan.origin[ident.iri] = (row, "source")
        return ident.iri

    def literal(self, prop: str, text: str) -> str:
        """Return an N-Triples literal of a datatype property's range."""
        ranges = {r.removeprefix(_XSD) for r in self.ranges.get(prop, set()) if r.startswith(_XSD)}
        if not text:
            raise _RefusedError("no object")
        if "integer" in ranges or "nonNegativeInteger" in ranges or "positiveInteger" in ranges:
            if not re.fullmatch(r"[+-]?\d{1,18}", text):
                raise _RefusedError(f"{compress(prop)} takes an integer, not {text!r}")
            kind = next(
                r for r in ("integer", "nonNegativeInteger", "positiveInteger") if r in ranges
            )
            return _typed(str(int(text)), kind)
        if "decimal" in ranges:
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise _RefusedError(f"{compress(prop)} takes a number, not {text!r}") from None
            return _typed(format(number, "f"), "decimal")
        if "boolean" in ranges:
            if text.casefold() not in ("true", "false"):
                raise _RefusedError(f"{compress(prop)} takes true or false, not {text!r}")
            return _typed(text.casefold(), "boolean")
        if len(ranges) == 1 and "string" not in ranges:
            return _typed(text, next(iter(ranges)))
        return _quote(text)


def _nt(term: object) -> str:
    """Return the N-Triples text of an Oxigraph term, as :mod:`xpo1kg.rdf.text` writes it."""
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{_quote(term.value)}@{term.language}"
        datatype = term.datatype.value
        return _quote(term.value) + ("" if datatype == _XSD + "string" else f"^^<{datatype}>")
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term)


def _page_key(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.casefold()).rstrip("/")


def plan_statements(
    sheet: Sheet, kg: KnowledgeGraph, *, source: str | None = None, strict: bool = False
) -> StatementPlan:
    """Work out what a statement table adds to a graph; raise IngestError if a row is bad.

    ``source`` applies to rows with an empty source cell. Contradictions with the graph are
    warnings on the plan, or problems (IngestError) when ``strict``.
    """
    rows, problems = _read_rows(sheet)
    plan = StatementPlan(sheet.name, sheet.sha256, len(rows))
    resolver = _Resolver(kg)
    seen: dict[tuple[str, str, str, str], int] = {}
    for row in rows:
        bad, cells = _resolve_row(resolver, row, source, plan)
        if cells is None:
            problems += bad
            continue
        subject, relation, obj, src, evidence, modality = cells
        s, p, source_iri = _iri(subject), _iri(relation), _iri(src)
        key = (s, p, obj, source_iri)
        summary = f"{compress(subject)} {compress(relation)} {_show(obj)} ({compress(src)})"
        if key in resolver.present:
            plan.outcomes.append(Outcome(row.line, "present", "", summary))
            continue
        if earlier := seen.get(key):
            plan.outcomes.append(Outcome(row.line, "repeat", "", f"{summary}, as row {earlier}"))
            continue
        seen[key] = row.line
        digest = hashlib.sha1("\n".join(key).encode(), usedforsecurity=False).hexdigest()
        axiom = f"_:statement-{digest[:24]}"
        add = plan.triples.append
        add((s, p, obj))
        for triple in (
            (axiom, A, _term("owl:Axiom")),
            (axiom, _term("owl:annotatedSource"), s),
            (axiom, _term("owl:annotatedProperty"), p),
            (axiom, _term("owl:annotatedTarget"), obj),
            (axiom, SOURCE, source_iri),
            (axiom, _term("xo:evidenceType"), _iri(evidence)),
            (axiom, _iri(_BIOLINK + "knowledge_level"), _quote("knowledge_assertion")),
            (axiom, _iri(_BIOLINK + "agent_type"), _quote("manual_agent")),
            (axiom, _term("xo:modality"), _iri(modality)),
        ):
            add(triple)
        for column, predicate in (
            ("hedge", "xo:hedge"),
            ("quote", "xo:supportingText"),
            ("comment", "rdfs:comment"),
        ):
            if text := row.get(column):
                add((axiom, _term(predicate), _quote(text)))
        plan.origin[axiom[2:]] = (row.line, "")
        plan.origin[subject] = plan.origin.get(subject, (row.line, "subject"))
        plan.statements.append(Statement(row.line, s, p, obj, source_iri))
        plan.sources.add(src)
        plan.outcomes.append(Outcome(row.line, "add", "", summary))
    if problems:
        raise IngestError(sheet.name, problems)
    for iri, (label, page) in sorted(resolver.new_sources.items()):
        if iri in plan.sources:
            node = _iri(iri)
            plan.triples += [(node, A, _term("xo:Source")), (node, LABEL, _quote(label))]
            plan.triples.append((node, _term("foaf:page"), _iri(page)))
            plan.generated.append(iri)
    findings = find_contradictions(kg, plan.statements)
    if strict and findings:
        raise IngestError(sheet.name, [f.problem() for f in findings])
    plan.warnings = [f.problem() for f in findings]
    return plan


def _resolve_row(
    resolver: _Resolver, row: _Row, source: str | None, plan: StatementPlan
) -> tuple[list[Problem], tuple[str, str, str, str, str, str] | None]:
    """Resolve one row's cells: its problems, or its statement's parts.

    The parts are the subject, relation, object term, source, evidence type and modality.
    """
    bad: list[Problem] = []

    def attempt(column: str, step: Callable[[], str]) -> str | None:
        try:
            return step()
        except (_RefusedError, ValueError) as error:
            bad.append(Problem(row.line, column, str(error)))
        return None

    relation = attempt("relation", lambda: resolver.relation(row.get("relation")))
    kind = resolver.properties.get(relation or "")
    domain = resolver.domains.get(relation or "", set())
    subject = attempt("subject", lambda: resolver.entity(row.get("subject"), domain, "subject"))
    obj: str | None = None
    if kind == "datatype" and relation:
        obj = attempt("object", lambda: resolver.literal(relation, row.get("object")))
    elif kind == "object":
        wanted = resolver.ranges.get(relation or "", set())
        obj = attempt("object", lambda: _iri(resolver.entity(row.get("object"), wanted, "object")))
    source_text = row.get("source") or source or ""
    src = attempt("source", lambda: resolver.source(source_text, row.line, plan))
    written = row.get("evidence_type")
    evidence = attempt(
        "evidence_type",
        lambda: parse_evidence_type(written) if written else _raise(_NO_EVIDENCE),
    )
    modality = attempt("modality", lambda: parse_modality(row.get("modality"), row.get("hedge")))
    if bad or not (relation and subject and obj and src and evidence and modality):
        return bad, None
    return bad, (subject, relation, obj, src, evidence, modality)


_NO_EVIDENCE = "no evidence type: give an ECO class such as ECO:0000303 (an author statement)"


def _raise(message: str) -> str:
    raise _RefusedError(message)


def _show(term: str) -> str:
    """Show a term briefly: a CURIE, a number as written, or a quoted string."""
    if term.startswith("<"):
        return compress(term[1:-1])
    match = re.fullmatch(r'(".*")\^\^<[^>]*#(integer|decimal|boolean|\w*Integer)>', term)
    return match.group(1)[1:-1] if match else term


# --- contradictions ------------------------------------------------------------------------------

_DISJOINT = """
    { ?a owl:disjointWith ?b } UNION { ?b owl:disjointWith ?a }
    UNION { ?all a owl:AllDisjointClasses ; owl:members ?list .
            ?list rdf:rest*/rdf:first ?a . ?list rdf:rest*/rdf:first ?b FILTER (?a != ?b) }"""


def find_contradictions(kg: KnowledgeGraph, statements: Iterable[Statement]) -> list[Contradiction]:
    """Find new statements that contradict the graph, without a reasoner (SPARQL on the store).

    * the subject is of a class disjoint with the property's domain (the statement would type it
      into a class it cannot be in), or the object of a class disjoint with the range;
    * the property is functional and the subject already has another value, in the graph or in
      an earlier statement of the same batch.

    Classes count with their super-classes (``rdfs:subClassOf*``) and properties with their
    super-properties, as far as the told axioms go.
    """
    batch = list(statements)
    if not batch:
        return []
    graphs = kg.store.asserted_for_query()
    values = " ".join(f"({i} {s.subject} {s.relation} {s.object})" for i, s in enumerate(batch))
    found: set[tuple[int, str, str]] = set()

    def select(sparql: str) -> list[dict[str, str]]:
        solutions = kg.store.query(sparql, graphs=graphs)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [
            {n: (t.value if t is not None else "") for n, t in zip(names, s, strict=True)}
            for s in solutions
        ]

    for end, node, axiom in (("subject", "?s", "rdfs:domain"), ("object", "?o", "rdfs:range")):
        query = f"""SELECT DISTINCT ?i ?node ?a ?c ?b {{
            VALUES (?i ?s ?p ?o) {{ {values} }}
            BIND ({node} AS ?node) FILTER isIRI(?node)
            ?p rdfs:subPropertyOf* ?q . ?q {axiom} ?c . FILTER isIRI(?c)
            ?node a ?t . ?t rdfs:subClassOf* ?a . ?c rdfs:subClassOf* ?b .
            {_DISJOINT} }}"""
        for hit in select(query):
            statement = batch[int(hit["i"])]
            what = "domain" if end == "subject" else "range"
            message = (
                f"contradicts the graph: {compress(hit['node'])} is {_a(_label(kg, hit['a']))}, "
                f"which is disjoint with {_label(kg, hit['b'])}, and the {what} of "
                f"{compress(statement.relation[1:-1])} would make it {_a(_label(kg, hit['c']))}"
            )
            found.add((statement.row, end, message))
    query = f"""SELECT DISTINCT ?i ?old {{
        VALUES (?i ?s ?p ?o) {{ {values} }}
        ?p a owl:FunctionalProperty . ?s ?p ?old FILTER (?old != ?o) }}"""
    for hit in select(query):
        statement = batch[int(hit["i"])]
        message = (
            f"contradicts the graph: {compress(statement.relation[1:-1])} is functional, and "
            f"{compress(statement.subject[1:-1])} already has {compress(hit['old'])}"
        )
        found.add((statement.row, "object", message))
    functional = {r for r in {s.relation for s in batch} if _functional(kg, r[1:-1], graphs)}
    first: dict[tuple[str, str], Statement] = {}
    for statement in batch:
        if statement.relation not in functional:
            continue
        key = (statement.subject, statement.relation)
        earlier = first.setdefault(key, statement)
        if earlier.object != statement.object:
            message = (
                f"contradicts row {earlier.row}: {compress(statement.relation[1:-1])} is "
                f"functional, and row {earlier.row} gives {compress(statement.subject[1:-1])} "
                f"the value {_show(earlier.object)}"
            )
            found.add((statement.row, "object", message))
    return [Contradiction(row, column, message) for row, column, message in sorted(found)]


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _functional(kg: KnowledgeGraph, prop: str, graphs: list[str] | None) -> bool:
    answer = kg.store.query(f"ASK {{ <{prop}> a owl:FunctionalProperty }}", graphs=graphs)
    return bool(answer)


def _label(kg: KnowledgeGraph, iri: str) -> str:
    labels = kg.store.oxigraph.quads_for_pattern(
        ox.NamedNode(iri), ox.NamedNode(PREFIXES["rdfs"] + "label"), None, None
    )
    return next((str(getattr(q.object, "value", "")) for q in labels), compress(iri))


# --- validate and write --------------------------------------------------------------------------


def _check(plan: StatementPlan, kg: KnowledgeGraph) -> None:
    """Validate the new triples with the SHACL shapes together with the graph; raise if not valid.

    The new triples are added to ``kg``'s own in-memory store, if it has one: the graph planned
    on, thrown away afterwards.
    """
    from xpo1kg.ingest.pipeline import raise_shape_problems

    by_subject = {(s.subject[1:-1], s.relation[1:-1]): s.row for s in plan.statements}

    def locate(result: ValidationResult) -> tuple[int, str]:
        row = by_subject.get((result.focus_node, result.path or ""))
        return (row, "object") if row else plan.origin.get(result.focus_node, (0, ""))

    raise_shape_problems(kg, plan.name, plan.triples, locate, set(plan.generated), in_place=True)


@dataclass(frozen=True)
class CurateResult:
    """What a curation did: its plan, where it wrote (nothing for a dry run) and its record."""

    plan: StatementPlan
    written: tuple[str, ...]
    record: str | None


def into_lock(
    into: Path | None, store: Path | None, dry_run: bool, tool: Tool
) -> AbstractContextManager[None]:
    """Check ``into`` and hold the lock on it while a tool reads and rewrites it (else nothing)."""
    if store is not None or dry_run or into is None:
        return nullcontext()
    check_into(into, tool)
    return exclusive_lock(into)


def open_target(
    path: Path, into: Path | None, store: Path | None, tool: Tool
) -> tuple[Path | None, KnowledgeGraph, KnowledgeGraph]:
    """Check where a tool writes; load the graph it writes to and the one it plans on.

    For a file, both are one graph in memory (bundled + ``into``). For a store, the store opened
    for writing, and its snapshot in memory when current (else the store itself). The graph
    planned on is the caller's to change (the checks add the new triples to it).
    """
    if store is not None and into is not None:
        raise InputError("give --into FILE or --store DIR, not both")
    if store is not None:
        if not store.is_dir():
            raise InputError(f"{store}: no such store (create one with `xpo1kg load --store DIR`)")
        kg = load_graph(store=store, writable=True)
        return None, kg, in_memory_view(kg, inferred=kg.has_inferred) or kg
    into = into or path.with_suffix(".ttl")
    check_into(into, tool)
    kg = load_graph([into] if into.exists() else [])
    return into, kg, kg


def curate(
    path: str | Path,
    *,
    into: str | Path | None = None,
    store: str | Path | None = None,
    source: str | None = None,
    sheet: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> CurateResult:
    """Add the statements of a table (CSV, TSV, ``.xlsx``) with their evidence, validated first.

    Writes to ``into`` (default: the table with ``.ttl``) and its ``.prov.trig``, or to a store.
    Raises IngestError (one problem per row and column; exit code 2 for a bad header) or
    InputError; either way nothing is written. Statements already in the graph from the same
    source add nothing. Contradictions with the graph are ``plan.warnings``, or errors if
    ``strict``.
    """
    started = clock()
    table = read_sheet(Path(path), sheet)
    into_path = Path(into) if into is not None else None
    store_path = Path(store) if store is not None else None
    if store_path is None and not dry_run:
        into_path = into_path or Path(path).with_suffix(".ttl")
    with into_lock(into_path, store_path, dry_run, CURATE):
        target, kg, view = open_target(Path(path), into_path, store_path, CURATE)
        plan = plan_statements(table, view, source=source, strict=strict)
        _check(plan, view)
        if dry_run or not plan.triples:
            return CurateResult(plan, (), None)
        rows = plan.rows
        comment = (
            f"{rows} row{'' if rows == 1 else 's'}: {plan.count('add')} added, "
            f"{plan.count('present')} already present, {plan.count('repeat')} repeated"
        )
        written, record = write(
            CURATE,
            kg,
            plan.triples,
            into=target,
            store=store_path,
            sha256=plan.sha256,
            record=lambda name: provenance_record(
                CURATE,
                name,
                file_name=Path(plan.name).name,
                sha256=plan.sha256,
                rows=rows,
                comment=comment,
                generated=plan.generated,
                sources=plan.sources,
                started=started,
                ended=clock(),
            ),
        )
        return CurateResult(plan, written, record)
