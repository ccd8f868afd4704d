"""Ingesting measurements from spreadsheets: plan, validate with the graph, then write atomically.

:func:`ingest` reads a table (:mod:`xpo1kg.ingest.values`) and plans what it adds
(:mod:`xpo1kg.ingest.plan`): rows whose measurement the graph already has add nothing. The new
triples are validated with the SHACL shapes together with the graph and only then written, all or
nothing: to a Turtle file, rewritten whole in a fixed order (:mod:`xpo1kg.rdf.text`), with one
PROV-O record per ingest in a TriG side file; or to a persistent store, in one transaction. Any
problem raises :class:`~xpo1kg.ingest.values.IngestError` (one :class:`~xpo1kg.ingest.values.Problem` per row
and column) or :class:`~xpo1kg.errors.InputError`, and nothing is written. See docs/ingest.md.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox

from xpo1kg.errors import InputError
from xpo1kg.ingest.plan import (
    COMMENT,
    LABEL,
    UNICODE_SLUG,
    UNVERIFIED,
    A,
    Outcome,
    Plan,
    plan_ingest,
    slug,
)
from xpo1kg.ingest.values import IngestError, Problem, Table, read_table
from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, INGEST_GRAPH_PREFIX, NOT_ASSERTED, user_graph
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.safefile import exclusive_lock
from xpo1kg.rdf.text import (
    Triple,
    commit,
    read_rdf,
    render_trig,
    render_turtle,
    timestamp,
)
from xpo1kg.rdf.text import iri as _iri
from xpo1kg.rdf.text import quote as _quote
from xpo1kg.rdf.text import term as _term
from xpo1kg.rdf.text import (
    typed as _typed,
)
from xpo1kg.store.embedded import writing_store
from xpo1kg.store.knowledge_graph import KnowledgeGraph, load_graph
from xpo1kg.store.snapshot import invalidate
from xpo1kg.validate.crosscheck import Finding, check_new_data
from xpo1kg.validate.pyshacl_engine import ValidationReport

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
]

XR = PREFIXES["xr"]
#: The user graph that ingests into a store add their measurements to.
STORE_GRAPH = user_graph("ingested")
#: The first line of every Turtle file that ingest writes (it refuses to rewrite other files).
HEADER = "# Measurements added by `xpo1kg ingest`."
_COLUMN_OF_PATH = {
    **dict.fromkeys(("hasInhibitor", "inhibits"), "inhibitor"),
    **dict.fromkeys(("hasCellLine", "cellLineDescription"), "cell_line"),
    **dict.fromkeys(("hasCancerType", "derivedFromCancer"), "cancer_type"),
    **dict.fromkeys(("value", "lowerBound", "upperBound", "qualifier", "publishedValue"), "value"),
    "hasUnit": "unit", "hasEndpoint": "endpoint", "source": "source", "description": "assay",
    "comment": "notes",
}  # fmt: skip


def check(plan: Plan, kg: KnowledgeGraph) -> None:
    """Validate the new triples with the SHACL shapes, together with the graph; raise if not valid."""
    if not plan.triples:
        return
    report = _validate(kg, plan.triples)
    if report.conforms:
        return
    problems = set()
    for result in report.results:
        if result.severity in ("sh:Warning", "sh:Info"):
            continue
        row, column = plan.origin.get(result.focus_node, (0, ""))
        column = column or _COLUMN_OF_PATH.get(re.split(r"[/#]", result.path or "")[-1], "")
        problems.add(
            Problem(row, column, result.message if row else f"in the graph: {result.line()}")
        )
    raise IngestError(plan.table.name, sorted(problems))


def _validate(kg: KnowledgeGraph, triples: list[Triple]) -> ValidationReport:
    """Validate the graph with the new triples: the compiled shapes on Oxigraph, else pyshacl."""
    try:
        from xpo1kg.validate.compiler import SKOLEM
        from xpo1kg.validate.fast_engine import validate_store
    except ImportError:  # pragma: no cover - the fast validator ships with xpo1kg
        from rdflib import Graph

        from xpo1kg.validate.pyshacl_engine import validate_graph

        new = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
        return validate_graph(kg.graph + Graph().parse(data=new, format="nt"))

    def named(term: str) -> str:  # blank nodes as fastshacl's skolem IRIs, so results name them
        return f"<{SKOLEM}{term[2:]}>" if term.startswith("_:") else term

    store = ox.Store()
    store.load(kg.store.oxigraph.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    for graph in NOT_ASSERTED:
        store.remove_graph(ox.NamedNode(graph))
    text = "".join(f"{named(s)} {p} {named(o)} .\n" for s, p, o in triples)
    store.load(text.encode(), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x-xpo1kg:ingest"))
    return validate_store(store)


def provenance(plan: Plan, name: str, started: datetime, ended: datetime) -> list[Triple]:
    """Return the PROV-O record of one ingest: the activity, the file it used, what it generated."""
    table, release = plan.table, version("xpo1kg")
    activity, file = _iri(f"{XR}ingest/{name}"), _iri(f"{XR}file/sha256-{table.sha256}")
    agent = _iri(f"{XR}software/xpo1kg-{slug(release, UNICODE_SLUG)}")
    checksum, extent = f"_:checksum-{name}", f"_:extent-{name}"  # unique: stores keep labels
    rows, file_name = len(table.rows), Path(table.name).name
    counts = f"{plan.count('add')} added, {plan.count('present')} already present"
    repeated = f"{plan.count('repeat')} repeated"
    return [
        (activity, A, _term("prov:Activity")),
        (activity, LABEL, _quote(f"xpo1kg ingest of {file_name}")),
        (activity, COMMENT, _quote(f"{rows} row{'' if rows == 1 else 's'}: {counts}, {repeated}")),
        (activity, _term("prov:startedAtTime"), timestamp(started)),
        (activity, _term("prov:endedAtTime"), timestamp(ended)),
        (activity, _term("prov:used"), file),
        (activity, _term("prov:wasAssociatedWith"), agent),
        *((activity, _term("prov:generated"), _iri(iri)) for iri in plan.generated),
        (file, A, _term("prov:Entity")),
        (file, LABEL, _quote(file_name)),
        (file, _term("spdx:checksum"), checksum),
        (checksum, A, _term("spdx:Checksum")),
        (checksum, _term("spdx:algorithm"), _term("spdx:checksumAlgorithm_sha256")),
        (checksum, _term("spdx:checksumValue"), _quote(table.sha256)),
        (file, _term("dcterms:extent"), extent),
        (extent, A, _term("dcterms:SizeOrDuration")),
        (extent, _term("rdf:value"), _typed(str(rows), "integer")),
        (extent, LABEL, _quote(f"{rows} data rows")),
        *((file, _term("prov:wasDerivedFrom"), _iri(s)) for s in sorted(plan.sources)),
        (agent, A, _term("prov:SoftwareAgent")),
        (agent, LABEL, _quote(f"xpo1kg {release}")),
    ]


def _record_name(sha256: str, taken: Iterable[str]) -> str:
    """Name an ingest by its file's SHA-256 prefix (with a suffix when the same bytes came before)."""
    used = set(taken)
    names = itertools.chain([sha256[:16]], (f"{sha256[:16]}-{i}" for i in itertools.count(2)))
    return next(name for name in names if name not in used)


def provenance_file(into: Path) -> Path:
    """Return the TriG file that holds the provenance records of the ingests into a Turtle file."""
    return into.with_name(into.name + ".prov.trig")


def _check_into(into: Path) -> None:
    if into.suffix.lower() != ".ttl":
        raise InputError(f"{into}: --into must name a Turtle (.ttl) file")
    if into.is_dir() or not into.parent.is_dir():
        raise InputError(f"{into}: not a file in an existing directory")
    if into.exists():
        with into.open("rb") as stream:
            first = stream.readline().strip()
        if first and first != HEADER.encode():
            raise InputError(
                f"{into}: not written by `xpo1kg ingest`, and rewriting it would lose its comments "
                "and layout: choose another --into"
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


def crosscheck(plan: Plan, kg: KnowledgeGraph) -> list[Finding]:
    """Check the plan's new triples against the graph; each finding names its table row."""
    if not plan.triples:
        return []
    new = "".join(f"{s} {p} {o} .\n" for s, p, o in plan.triples)  # no rdflib terms: fast
    origins = {iri: (plan.table.name, row) for iri, (row, _) in plan.origin.items()}
    return check_new_data(kg, new, origins=origins)


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
) -> IngestResult:
    """Add a table's new measurements to ``into`` (default: the table with ``.ttl``) or a store.

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
    table = table if isinstance(table, Table) else read_table(Path(table))
    if store is not None or dry_run:
        lock: AbstractContextManager[None] = nullcontext()
    else:
        into = into or Path(table.name).with_suffix(".ttl")
        _check_into(into)
        lock = exclusive_lock(into, waiting=note)
    with lock:
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
    started: datetime,
    strict: bool = False,
) -> IngestResult:
    """:func:`ingest` itself, once the ``into`` file is locked."""
    table = table if isinstance(table, Table) else read_table(Path(table))
    if store is not None and into is not None:
        raise InputError("give --into FILE or --store DIR, not both")
    if store is None:
        into = into or Path(table.name).with_suffix(".ttl")
        _check_into(into)
    elif not store.is_dir():
        raise InputError(f"{store}: no such store (create one with `xpo1kg load --store DIR`)")
    kg = (
        load_graph(store=store, writable=True, inferred=False)
        if into is None  # names and shapes need no inferred facts
        else load_graph([into] if into.exists() else [], inferred=False)
    )
    plan = plan_ingest(
        table, kg, source=source, allow_new=allow_new, inhibits=inhibits, progress=progress
    )
    if plan.triples:
        note(f"validating {plan.count('add'):,} new measurements with the graph…")
    check(plan, kg)
    findings = tuple(crosscheck(plan, kg))
    if strict and findings:
        problems = [Problem(f.row or 0, "", f"{f.kind}: {f.message} (--strict)") for f in findings]
        raise IngestError(plan.table.name, problems)
    if dry_run or not plan.triples:
        return IngestResult(plan, (), None, findings)
    note("writing…")
    if into is None:
        name = _record_name(
            table.sha256, (g.removeprefix(INGEST_GRAPH_PREFIX) for g in kg.store.graphs())
        )
        record = INGEST_GRAPH_PREFIX + name
        quads = [(STORE_GRAPH, t) for t in plan.triples]
        quads += [(record, t) for t in provenance(plan, name, started, clock())]
        text = "".join(f"{s} {p} {o} <{g}> .\n" for g, (s, p, o) in quads)
        with writing_store(str(store)):  # a full disk: one line naming the store
            invalidate(kg.store)  # the snapshot no longer matches: readers use the disk
            kg.store.oxigraph.load(text.encode(), ox.RdfFormat.N_QUADS)  # one transaction
            if kg.store.has_graph(INFERRED_GRAPH_IRI):
                kg.store.drop(INFERRED_GRAPH_IRI)  # it no longer matches the data
            kg.store.flush()
        return IngestResult(plan, (f"{store} (graph <{STORE_GRAPH}>)",), record, findings)
    prov_path = provenance_file(into)
    existing = [t for _, t in read_rdf(into, ox.RdfFormat.TURTLE)] if into.exists() else []
    records: dict[str, list[Triple]] = {}
    for graph, triple in read_rdf(prov_path, ox.RdfFormat.TRIG) if prov_path.exists() else []:
        records.setdefault(graph, []).append(triple)
    if "" in records:
        raise InputError(f"{prov_path}: triples outside the named graphs of ingests")
    name = _record_name(table.sha256, (g.removeprefix(INGEST_GRAPH_PREFIX) for g in records))
    records[INGEST_GRAPH_PREFIX + name] = provenance(plan, name, started, clock())
    prov_header = f"# Provenance of `xpo1kg ingest` into {into.name}: one named graph per ingest."
    data = render_turtle([*existing, *plan.triples], HEADER)
    commit([(prov_path, render_trig(records, prov_header)), (into, data)])
    return IngestResult(plan, (str(into), str(prov_path)), INGEST_GRAPH_PREFIX + name, findings)
