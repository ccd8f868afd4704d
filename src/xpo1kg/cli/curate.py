"""The ``xpo1kg curate`` command: statements with their evidence from a table (docs/curate.md)."""

from __future__ import annotations

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
from xpo1kg.cli.tables import clock, echo_problems, echo_warnings, echo_written
from xpo1kg.ingest.values import IngestError

if TYPE_CHECKING:
    from xpo1kg.ingest.statements import CurateResult

__all__ = ["curate_command"]


def _report(result: CurateResult, dry_run: bool) -> None:
    plan = result.plan
    verbs = {"add": "would add" if dry_run else "added", "present": "already present:"}
    for outcome in plan.outcomes:
        verb = verbs.get(outcome.status, "repeats an earlier row:")
        click.echo(f"{plan.name}:{outcome.row}: {verb} {outcome.summary}")
    counts = (
        f"{plan.count('add')} {'would be added' if dry_run else 'added'}, "
        f"{plan.count('present')} already present, {plan.count('repeat')} repeated"
    )
    new = sum("/resource/source/" in iri for iri in plan.generated)
    extra = f"; new: {new} source{'' if new == 1 else 's'}" if new else ""
    click.echo(f"{plan.name}: {plan.rows} row{'' if plan.rows == 1 else 's'}: {counts}{extra}")
    if plan.warnings:
        click.echo(f"{len(plan.warnings)} warning(s): see above (--strict refuses them)")
    echo_written(result.written, result.record, dry_run)


@click.command(name="curate")
@TABLE_ARGUMENT
@SOURCE_OPTION
@INTO_OPTION
@STORE_INTO_OPTION
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse statements that contradict the graph (by default they are warnings).",
)
@DRY_RUN_OPTION
@SHEET_OPTION
@reports_errors
def curate_command(
    file: Path,
    source: str | None,
    into: Path | None,
    store: Path | None,
    strict: bool,
    dry_run: bool,
    sheet: str | None,
) -> None:
    """Add statements with their evidence from a CSV, TSV or Excel (.xlsx) FILE.

    Columns (any case; spaces and underscores ignored): subject, relation, object,
    evidence_type, and optionally source (else --source), quote, hedge, modality, comment.
    Any problem: one line per problem (FILE:ROW:COLUMN: message), nothing written, exit 1
    (2 for a file or header that cannot be read).
    """
    try:
        from xpo1kg.ingest.statements import curate  # imported here: slow to import

        result = curate(
            file,
            into=into,
            store=store,
            source=source,
            sheet=sheet,
            strict=strict,
            dry_run=dry_run,
            clock=clock,
        )
    except IngestError as problems:
        echo_problems(problems)
    echo_warnings(result.plan.name, result.plan.warnings)
    _report(result, dry_run)
