"""Ingesting measurements from spreadsheets: plan, validate with the graph, then write atomically.

:func:`ingest` reads a table (:mod:`xpo1kg.ingest.measurement_table`) and plans what it adds
(:mod:`xpo1kg.ingest.plan`): rows whose measurement the graph already has add nothing. The new
triples are validated with the SHACL shapes together with the graph and only then written, all or
nothing: to a Turtle file, rewritten whole in a fixed order (:mod:`xpo1kg.rdf.text`), with one
PROV-O record per ingest in a TriG side file; or to a persistent store, in one transaction. Any
problem raises :class:`~xpo1kg.ingest.values.IngestError` (one :class:`~xpo1kg.ingest.values.Problem` per row
and column) or :class:`~xpo1kg.errors.InputError`, and nothing is written. See docs/ingest.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from xpo1kg.errors import InputError
from xpo1kg.ingest.measurement_table import Table, read_table
from xpo1kg.ingest.measurement_triples import UNVERIFIED
from xpo1kg.ingest.output import INGEST, check_into, provenance_file, provenance_record, write
from xpo1kg.ingest.plan import Outcome, Plan, plan_ingest
from xpo1kg.ingest.table_import import into_lock
from xpo1kg.ingest.values import IngestError, Problem
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.text import Triple
from xpo1kg.store.graph_loading import in_memory_view
from xpo1kg.store.knowledge_graph import KnowledgeGraph, load_graph
from xpo1kg.validate.crosscheck import Finding, check_new_data, with_new_data
from xpo1kg.validate.pyshacl_engine import ValidationReport, ValidationResult

__all__ = [
    "HEADER",
    "INGEST_GRAPH_PREFIX",
    "STORE_GRAPH",
    "UNVERIFIED",
    "IngestResult",
    "Outcome",
    "Plan",
    "crosscheck",
    "ingest",
    "plan_ingest",
    "provenance_file",
    "raise_shape_problems",
    "validate_with_graph",
]

XR = PREFIXES["xr"]
_SUBCLASS_OF = f"<{PREFIXES['rdfs']}subClassOf>"
#: Named graph of each ingest's provenance record (then the first 16 hex digits of its SHA-256).
INGEST_GRAPH_PREFIX = INGEST.record_prefix
#: The user graph that ingests into a store add their measurements to.
STORE_GRAPH = INGEST.store_graph
#: The first line of every Turtle file that ingest writes (it refuses to rewrite other files).
HEADER = INGEST.header
_COLUMN_OF_PATH = {
    **dict.fromkeys(("hasInhibitor", "inhibits"), "inhibitor"),
    **dict.fromkeys(("hasCellLine", "cellLineDescription"), "cell_line"),
    **dict.fromkeys(("hasCancerType", "derivedFromCancer"), "cancer_type"),
    **dict.fromkeys(("value", "lowerBound", "upperBound", "qualifier", "publishedValue"), "value"),
    "hasUnit": "unit", "hasEndpoint": "endpoint", "source": "source", "description": "assay",
    "comment": "notes",
}  # fmt: skip


def check(plan: Plan, kg: KnowledgeGraph, *, in_place: bool = False) -> None:
    """Validate the new triples with the SHACL shapes, together with the graph; raise if not valid.

    ``in_place``: see :func:`validate_with_graph`.
    """

    def locate(result: ValidationResult) -> tuple[int, str]:
        row, column = plan.origin.get(result.focus_node, (0, ""))
        return row, column or _COLUMN_OF_PATH.get(re.split(r"[/#]", result.path or "")[-1], "")

    raise_shape_problems(kg, plan.table.name, plan.triples, locate, in_place=in_place)


def raise_shape_problems(
    kg: KnowledgeGraph,
    name: str,
    triples: list[Triple],
    locate: Callable[[ValidationResult], tuple[int, str]],
    generated: Collection[str] | None = None,
    *,
    in_place: bool = False,
) -> None:
    """Validate new triples with the graph; raise one :class:`Problem` per violation, if any.

    ``locate`` gives the row and column a violation's focus node came from (row 0: none). A
    violation from no row is reported about the graph; with ``generated``, only when its focus
    node is one the tool made (the others were there before). ``in_place``: see
    :func:`validate_with_graph`.
    """
    if not triples:
        return
    problems = set()
    for result in validate_with_graph(kg, triples, in_place=in_place).results:
        if result.severity in ("sh:Warning", "sh:Info"):
            continue
        row, column = locate(result)
        if row:
            problems.add(Problem(row, column, result.message))
        elif generated is None:
            problems.add(Problem(0, column, f"in the graph: {result.line()}"))
        elif result.focus_node in generated:
            problems.add(Problem(0, "", result.line()))
    if problems:
        raise IngestError(name, sorted(problems))


def validate_with_graph(
    kg: KnowledgeGraph, triples: list[Triple], *, in_place: bool = False
) -> ValidationReport:
    """Validate the new triples together with the graph: the nodes whose results they can change.

    Those are the new triples' subjects and their neighbours
    (:func:`~xpo1kg.validate.store_validation.neighbourhood`), validated with the compiled shapes
    on Oxigraph, so the time follows the addition, not the graph; a violation elsewhere, which the
    new triples do not touch, is left to ``xpo1kg validate``. An addition to the class hierarchy
    is validated in full. ``in_place`` adds the triples to ``kg``'s own in-memory store instead of
    a copy (:func:`~xpo1kg.validate.crosscheck.with_new_data`): for a graph thrown away afterwards.
    """
    try:
        from xpo1kg.validate.sparql_terms import SKOLEM
        from xpo1kg.validate.store_validation import neighbourhood, validate_store
    except ImportError:  # pragma: no cover - the fast validator ships with xpo1kg
        from rdflib import Graph

        from xpo1kg.validate.pyshacl_engine import validate_graph

        new = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
        return validate_graph(kg.graph + Graph().parse(data=new, format="nt"))

    def named(term: str) -> str:  # blank nodes as fastshacl's skolem IRIs, so results name them
        return f"<{SKOLEM}{term[2:]}>" if term.startswith("_:") else term

    text = "".join(f"{named(s)} {p} {named(o)} .\n" for s, p, o in triples)
    store = with_new_data(kg, text, in_place=in_place)
    if any(p == _SUBCLASS_OF for _, p, _ in triples):
        return validate_store(store)
    subjects = {s[2:] if s.startswith("_:") else s[1:-1] for s, _, _ in triples}
    return validate_store(store, focus=neighbourhood(store, subjects))


def provenance(plan: Plan, name: str, started: datetime, ended: datetime) -> list[Triple]:
    """Return the PROV-O record of one ingest: the activity, the file it used, what it generated."""
    table = plan.table
    rows = len(table.rows)
    counts = f"{plan.count('add')} added, {plan.count('present')} already present"
    return provenance_record(
        INGEST,
        name,
        file_name=Path(table.name).name,
        sha256=table.sha256,
        rows=rows,
        comment=f"{rows} row{'' if rows == 1 else 's'}: {counts}, {plan.count('repeat')} repeated",
        generated=plan.generated,
        sources=plan.sources,
        started=started,
        ended=ended,
    )


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did: its plan, where it wrote (nothing for a dry run) and its record.

    ``findings`` are the checks of the new measurements against the graph (IC50 outliers,
    duplicates from another source, identifiers of existing things; :mod:`xpo1kg.validate.crosscheck`):
    warnings, reported without refusing (``strict=True`` refuses instead).
    """

    plan: Plan
    written: tuple[str, ...]
    record: str | None
    findings: tuple[Finding, ...] = ()


def crosscheck(plan: Plan, kg: KnowledgeGraph, *, in_place: bool = False) -> list[Finding]:
    """Check the plan's new triples against the graph; each finding names its table row.

    ``in_place`` checks in ``kg``'s own in-memory store, which it changes (for a graph thrown
    away afterwards).
    """
    if not plan.triples:
        return []
    new = "".join(f"{s} {p} {o} .\n" for s, p, o in plan.triples)  # no rdflib terms: fast
    origins = {iri: (plan.table.name, row) for iri, (row, _) in plan.origin.items()}
    return check_new_data(kg, new, origins=origins, in_place=in_place)


def ingest(
    table: Path | Table,
    *,
    into: Path | None = None,
    store: Path | None = None,
    source: str | None = None,
    allow_new: bool = False,
    inhibits: str | None = None,
    dry_run: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[int], None] = lambda _: None,
    note: Callable[[str], None] = lambda _: None,
    strict: bool = False,
    sheet: str | None = None,
) -> IngestResult:
    """Add a table's new measurements to ``into`` (default: the table with ``.ttl``) or a store.

    ``sheet`` chooses the worksheet of an ``.xlsx`` workbook (default: the first).
    The new measurements are checked against the graph (:func:`crosscheck`); the findings come
    back in :attr:`IngestResult.findings`. ``strict=True`` makes them problems: IngestError (exit
    code 1), nothing written.

    Raises IngestError (exit code 1 for bad rows, 2 for a bad header) or InputError; either way
    nothing is written. Rows whose measurement is already present, or that repeat an earlier row,
    add nothing, so ingesting the same table again writes nothing at all. Ingests into the same
    Turtle file take turns (an exclusive lock from reading the file to writing it), so two that
    run at once both land.
    """
    started = clock()
    table = table if isinstance(table, Table) else read_table(Path(table), sheet)
    if store is None and not dry_run:
        into = into or Path(table.path or table.name).with_suffix(".ttl")
    with into_lock(into, store, dry_run, INGEST, waiting=note):
        return _ingest(
            table,
            into=into,
            store=store,
            source=source,
            allow_new=allow_new,
            inhibits=inhibits,
            dry_run=dry_run,
            clock=clock,
            progress=progress,
            note=note,
            started=started,
            strict=strict,
        )


def _ingest(
    table: Table,
    *,
    into: Path | None = None,
    store: Path | None = None,
    source: str | None = None,
    allow_new: bool = False,
    inhibits: str | None = None,
    dry_run: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[int], None] = lambda _: None,
    note: Callable[[str], None] = lambda _: None,
    started: datetime,
    strict: bool = False,
) -> IngestResult:
    """:func:`ingest` itself, once the ``into`` file is locked."""
    assert isinstance(table, Table)
    if store is not None and into is not None:
        raise InputError("give --into FILE or --store DIR, not both")
    if store is None:
        into = into or Path(table.path or table.name).with_suffix(".ttl")
        check_into(into, INGEST)
    elif not store.is_dir():
        raise InputError(f"{store}: no such store (create one with `xpo1kg load --store DIR`)")
    # Names and shapes need no inferred facts. The graph the rows are planned and checked on is
    # this ingest's own, in memory (a store's snapshot when it is current): the checks add the
    # new triples to it.
    if into is None:
        kg = load_graph(store=store, writable=True, inferred=False)  # the lock: one writer
        view = in_memory_view(kg) or kg
    else:
        kg = view = load_graph([into] if into.exists() else [], inferred=False)
    plan = plan_ingest(
        table, view, source=source, allow_new=allow_new, inhibits=inhibits, progress=progress
    )
    if plan.triples:
        note(f"validating {plan.count('add'):,} new measurements with the graph…")
    check(plan, view, in_place=True)
    findings = tuple(crosscheck(plan, view, in_place=True))
    if strict and findings:
        problems = [Problem(f.row or 0, "", f"{f.kind}: {f.message} (--strict)") for f in findings]
        raise IngestError(plan.table.name, problems)
    if dry_run or not plan.triples:
        return IngestResult(plan, (), None, findings)
    note("writing…")
    written, record = write(
        INGEST,
        kg,
        plan.triples,
        into=into,
        store=store,
        sha256=table.sha256,
        record=lambda name: provenance(plan, name, started, clock()),
    )
    return IngestResult(plan, written, record, findings)
