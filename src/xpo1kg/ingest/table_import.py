"""One run of a table importer (``curate``, ``import nesdb``): read, plan, check, then write.

Both commands take a table and write to a Turtle file (``--into``, by default the table with
``.ttl``) with its PROV-O side file, or to a store. :func:`import_table` is their common run: it
holds the lock on the file while it reads and rewrites it, plans on the graph the file or store
holds, checks the plan (which raises before anything is written), and writes the plan's triples
with a provenance record, unless it is a dry run or there is nothing to add.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from xpo1kg.errors import InputError
from xpo1kg.ingest.output import Tool, check_into, provenance_record, write
from xpo1kg.ingest.sheets import Sheet, read_sheet
from xpo1kg.rdf.safefile import exclusive_lock
from xpo1kg.rdf.text import Triple
from xpo1kg.store.graph_loading import in_memory_view, load_graph
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["TablePlan", "import_table", "into_lock", "open_target"]


class TablePlan(Protocol):
    """What an importer plans from a table: the triples to add and what the record says."""

    @property
    def name(self) -> str:
        """The table's file name."""

    @property
    def sha256(self) -> str:
        """The checksum of the table's file."""

    @property
    def rows(self) -> int:
        """How many rows (or records) the table has."""

    @property
    def triples(self) -> list[Triple]:
        """The N-Triples terms of each new triple."""

    @property
    def generated(self) -> list[str]:
        """The IRIs of the nodes the import makes."""


P = TypeVar("P", bound=TablePlan)


def into_lock(
    into: Path | None,
    store: Path | None,
    dry_run: bool,
    tool: Tool,
    waiting: Callable[[str], None] = lambda _: None,
) -> AbstractContextManager[None]:
    """Check ``into`` and hold the lock on it while a tool reads and rewrites it (else nothing).

    ``waiting`` is told when another writer holds the lock (see :func:`exclusive_lock`).
    """
    if store is not None or dry_run or into is None:
        return nullcontext()
    check_into(into, tool)
    return exclusive_lock(into, waiting)


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


def import_table(
    tool: Tool,
    path: str | Path,
    *,
    into: str | Path | None,
    store: str | Path | None,
    sheet: str | None,
    dry_run: bool,
    clock: Callable[[], datetime],
    plan: Callable[[Sheet, KnowledgeGraph], P],
    check: Callable[[P, KnowledgeGraph], None],
    comment: Callable[[P], str],
    sources: Callable[[P], Iterable[str]],
) -> tuple[P, tuple[str, ...], str | None]:
    """Plan a table on the graph it goes to, check the plan, and write it with its record.

    ``plan`` reads the table; ``check`` raises when the plan may not be written (it may add the
    new triples to the graph it is given: the one planned on, thrown away afterwards);
    ``comment`` and ``sources`` fill the provenance record. Returns the plan, the files or store
    written (none for a dry run or when nothing is new) and the record's name.
    """
    started = clock()
    table = read_sheet(Path(path), sheet)
    into_path = Path(into) if into is not None else None
    store_path = Path(store) if store is not None else None
    if store_path is None and not dry_run:
        into_path = into_path or Path(path).with_suffix(".ttl")
    with into_lock(into_path, store_path, dry_run, tool):
        target, kg, view = open_target(Path(path), into_path, store_path, tool)
        planned = plan(table, view)
        check(planned, view)
        if dry_run or not planned.triples:
            return planned, (), None
        said = comment(planned)
        written, record = write(
            tool,
            kg,
            planned.triples,
            into=target,
            store=store_path,
            sha256=planned.sha256,
            record=lambda name: provenance_record(
                tool,
                name,
                file_name=Path(planned.name).name,
                sha256=planned.sha256,
                rows=planned.rows,
                comment=said,
                generated=planned.generated,
                sources=sources(planned),
                started=started,
                ended=clock(),
            ),
        )
        return planned, written, record
