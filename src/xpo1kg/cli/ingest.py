"""The ``xpo1kg ingest`` command: add measurements from a CSV, TSV or .xlsx file (see docs/ingest.md).

Register it on the main group with ``main.add_command(ingest_command, name="ingest")``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xpo1kg.cli.options import (
    DRY_RUN_OPTION,
    INTO_OPTION,
    SHEET_OPTION,
    SOURCE_OPTION,
    STORE_INTO_OPTION,
    TABLE_ARGUMENT,
    reports_errors,
)
from xpo1kg.cli.tables import clock, echo_problems, echo_written
from xpo1kg.ingest.measurement_table import read_table
from xpo1kg.ingest.values import IngestError
from xpo1kg.rdf.namespaces import compress

if TYPE_CHECKING:
    from xpo1kg.ingest.pipeline import IngestResult

__all__ = ["ingest_command"]

#: Tables with at least this many rows get a progress bar and notes on stderr.
PROGRESS_ROWS = 1000


@contextmanager
def _progress(rows: int) -> Iterator[Callable[[int], None]]:
    if rows < PROGRESS_ROWS:
        yield lambda _: None
        return
    with click.progressbar(length=rows, label="reading rows", file=sys.stderr) as bar:
        yield bar.update


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _summary(result: IngestResult, dry_run: bool) -> str:
    """Say what the rows came to: '12 rows: 10 added, 1 already present, 1 repeated; new: 1 source'."""
    plan = result.plan
    added, present, repeat = (plan.count(s) for s in ("add", "present", "repeat"))
    parts = [f"{added} {'would be added' if dry_run else 'added'}", f"{present} already present"]
    parts += [f"{repeat} repeated"] if repeat else []
    measured = {outcome.iri for outcome in plan.outcomes}
    sources = sum("/resource/source/" in iri for iri in plan.generated if iri not in measured)
    new = [_count(sources, "source")] if sources else []
    for kind, word in (
        ("inhibitor", "unverified inhibitor"),
        ("cell-line", "unverified cell line"),
    ):
        if count := sum(f"/resource/new/{kind}/" in iri for iri in plan.generated):
            new.append(_count(count, word))
    checks = (
        [f"{_count(len(result.findings), 'warning')} against the graph (see above)"]
        if result.findings
        else []
    )
    return f"{_count(len(plan.table.rows), 'row')}: {', '.join(parts + checks)}" + (
        f"; new: {', '.join(new)}" if new else ""
    )


def _report(result: IngestResult, dry_run: bool) -> None:
    plan = result.plan
    name = plan.table.name
    verbs = {"add": "would add" if dry_run else "added", "present": "already present"}
    for outcome in plan.outcomes:
        if outcome.status == "add" and not dry_run:
            continue
        verb = verbs.get(outcome.status, "repeats an earlier row:")
        iri = f" as {compress(outcome.iri)}" if outcome.iri else ""
        click.echo(f"{name}:{outcome.row}: {verb} {outcome.summary}{iri}")
    for finding in result.findings:
        click.echo(f"warning: {finding.line()}")
    click.echo(f"{name}: {_summary(result, dry_run)}")
    echo_written(result.written, result.record, dry_run)


@click.command(name="ingest")
@TABLE_ARGUMENT
@SOURCE_OPTION
@INTO_OPTION
@STORE_INTO_OPTION
@click.option(
    "--allow-new",
    is_flag=True,
    help="Create unknown inhibitors and cell lines, marked as not yet verified.",
)
@click.option(
    "--inhibits",
    metavar="PROTEIN",
    help="With --allow-new: the target that new inhibitors inhibit, as the source states it.",
)
@DRY_RUN_OPTION
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse (exit 1, nothing written) when a new value disagrees with or repeats the graph: "
    "an IC50 more than 10x from an existing one, a duplicate from another source, an identifier "
    "of an existing thing. Without it these are warnings.",
)
@SHEET_OPTION
@reports_errors
def ingest_command(
    file: Path,
    source: str | None,
    into: Path | None,
    store: Path | None,
    allow_new: bool,
    inhibits: str | None,
    dry_run: bool,
    strict: bool,
    sheet: str | None,
) -> None:
    """Add measurements from a CSV, TSV or Excel (.xlsx) FILE, validated and normalised to nM.

    Columns (any case; spaces and underscores ignored): inhibitor, value, cell_line and/or
    cancer_type, and optionally unit, endpoint (IC50 by default), source, assay, notes. Any
    problem: one line per problem (FILE:ROW:COLUMN: message), nothing written, exit 1 (2 for a
    file or header that cannot be read). New values are also checked against the graph (IC50
    more than 10x from an existing one, duplicates from another source, identifiers of existing
    things): warnings in the summary, or problems with --strict.
    """
    try:
        table = read_table(file, sheet)
        large = len(table.rows) >= PROGRESS_ROWS
        with _progress(len(table.rows)) as advance:
            from xpo1kg.ingest.pipeline import ingest  # imported here: slow to import

            result = ingest(
                table,
                into=into,
                store=store,
                source=source,
                allow_new=allow_new,
                inhibits=inhibits,
                dry_run=dry_run,
                clock=clock,
                progress=advance,
                note=(lambda text: click.echo(text, err=True)) if large else lambda _: None,
                strict=strict,
            )
    except IngestError as problems:  # every bad row first, then the one-line summary
        echo_problems(problems)
    _report(result, dry_run)
