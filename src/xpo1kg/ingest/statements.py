"""Curating statements from spreadsheets: rows of subject, relation, object and their evidence.

:func:`curate` reads a table (CSV, TSV or ``.xlsx``; :mod:`xpo1kg.ingest.sheets`) whose rows each
state one fact with its evidence, and adds each as the triple plus one ``owl:Axiom`` annotation
carrying ``dcterms:source``, ``xo:evidenceType``, the Biolink knowledge level and agent type,
``xo:modality``, the verbatim ``xo:hedge`` and the quote as ``xo:supportingText``: the evidence
model of docs/evidence.md. Names are resolved as ``ingest`` resolves them (the graph's
:class:`~xpo1kg.store.search.SearchIndex`, whole names only), relations among the ontology's
object and datatype properties (:mod:`xpo1kg.ingest.statement_cells`), evidence types against the
closed list of ``ontology/shapes.ttl`` (:mod:`xpo1kg.ingest.evidence_cells`).

Everything is checked before anything is written: the rows, then the new triples with the SHACL
shapes together with the graph, then
:func:`~xpo1kg.ingest.contradictions.find_contradictions` (a reasoner-free check in SPARQL:
disjoint classes through a property's domain or range, a second value of a functional property).
Contradictions are warnings, or problems with ``strict``. A statement the graph already has from
the same source adds nothing, so curating a table twice writes nothing. See docs/curate.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from xpo1kg.ingest.contradictions import Statement, find_contradictions, show_term
from xpo1kg.ingest.evidence_cells import MANUAL_ASSERTION, parse_evidence_type, parse_modality
from xpo1kg.ingest.output import CURATE
from xpo1kg.ingest.plan import Outcome
from xpo1kg.ingest.sheets import Sheet, clean_cell
from xpo1kg.ingest.statement_cells import CellResolver
from xpo1kg.ingest.table_import import import_table
from xpo1kg.ingest.values import (
    IngestError,
    Problem,
    RefusedCellError,
    read_header,
)
from xpo1kg.rdf.namespaces import compress
from xpo1kg.rdf.text import Triple, from_oxigraph
from xpo1kg.rdf.text import iri as _iri
from xpo1kg.rdf.text import quote as _quote
from xpo1kg.rdf.text import term as _term
from xpo1kg.store.knowledge_graph import KnowledgeGraph
from xpo1kg.validate.pyshacl_engine import ValidationResult

__all__ = ["COLUMNS", "CurateResult", "StatementPlan", "curate", "plan_statements"]


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
    positions, _, problems = read_header(line, header, _BY_KEY, COLUMNS)
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


def _present(kg: KnowledgeGraph) -> set[tuple[str, str, str, str]]:
    """Return the statements the graph has with a source: subject, relation, object, source."""
    present: set[tuple[str, str, str, str]] = set()
    query = """SELECT ?s ?p ?o ?src { ?a a owl:Axiom ; owl:annotatedSource ?s ;
        owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; dcterms:source ?src }"""
    solutions = kg.store.query(query, graphs=kg.store.asserted_for_query())
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        s, p, o, src = (solution[v] for v in ("s", "p", "o", "src"))
        present.add((from_oxigraph(s), from_oxigraph(p), from_oxigraph(o), from_oxigraph(src)))
    return present


def plan_statements(
    sheet: Sheet, kg: KnowledgeGraph, *, source: str | None = None, strict: bool = False
) -> StatementPlan:
    """Work out what a statement table adds to a graph; raise IngestError if a row is bad.

    ``source`` applies to rows with an empty source cell. Contradictions with the graph are
    warnings on the plan, or problems (IngestError) when ``strict``.
    """
    rows, problems = _read_rows(sheet)
    plan = StatementPlan(sheet.name, sheet.sha256, len(rows))
    resolver = CellResolver(kg)
    present = _present(kg)
    seen: dict[tuple[str, str, str, str], int] = {}
    for row in rows:
        bad, cells = _resolve_row(resolver, row, source, plan)
        if cells is None:
            problems += bad
            continue
        subject, relation, obj, src, evidence, modality = cells
        s, p, source_iri = _iri(subject), _iri(relation), _iri(src)
        key = (s, p, obj, source_iri)
        summary = f"{compress(subject)} {compress(relation)} {show_term(obj)} ({compress(src)})"
        if key in present:
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
            (axiom, _term("rdf:type"), _term("owl:Axiom")),
            (axiom, _term("owl:annotatedSource"), s),
            (axiom, _term("owl:annotatedProperty"), p),
            (axiom, _term("owl:annotatedTarget"), obj),
            (axiom, _term("dcterms:source"), source_iri),
            (axiom, _term("xo:evidenceType"), _iri(evidence)),
            *((axiom, predicate, value) for predicate, value in MANUAL_ASSERTION),
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
    for iri, triples in sorted(resolver.cited.triples(plan.sources)):
        plan.triples += triples
        plan.generated.append(iri)
    findings = find_contradictions(kg, plan.statements)
    if strict and findings:
        raise IngestError(sheet.name, [f.problem() for f in findings])
    plan.warnings = [f.problem() for f in findings]
    return plan


def _resolve_row(
    resolver: CellResolver, row: _Row, source: str | None, plan: StatementPlan
) -> tuple[list[Problem], tuple[str, str, str, str, str, str] | None]:
    """Resolve one row's cells: its problems, or its statement's parts.

    The parts are the subject, relation, object term, source, evidence type and modality.
    """
    bad: list[Problem] = []

    def attempt(column: str, step: Callable[[], str]) -> str | None:
        try:
            return step()
        except (RefusedCellError, ValueError) as error:
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
    src = attempt("source", lambda: resolver.source(source_text, row.line, plan.origin))
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
    raise RefusedCellError(message)


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
    planned, written, record = import_table(
        CURATE,
        path,
        into=into,
        store=store,
        sheet=sheet,
        dry_run=dry_run,
        clock=clock,
        plan=lambda table, view: plan_statements(table, view, source=source, strict=strict),
        check=_check,
        comment=lambda plan: (
            f"{plan.rows} row{'' if plan.rows == 1 else 's'}: {plan.count('add')} added, "
            f"{plan.count('present')} already present, {plan.count('repeat')} repeated"
        ),
        sources=lambda plan: plan.sources,
    )
    return CurateResult(planned, written, record)
