"""The ``xpo1kg import`` command group: records of other databases (``import nesdb``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from xpo1kg.cli.options import (
    DRY_RUN_OPTION,
    INTO_OPTION,
    SHEET_OPTION,
    STORE_INTO_OPTION,
    TABLE_ARGUMENT,
    reports_errors,
)
from xpo1kg.cli.tables import clock, echo_problems, echo_warnings, echo_written
from xpo1kg.ingest.values import IngestError, Problem

if TYPE_CHECKING:
    from xpo1kg.ingest.nesdb import NesdbResult

__all__ = ["import_group"]


@click.group(name="import")
def import_group() -> None:
    """Import the records of another database (see docs/curate.md)."""


def _report(result: NesdbResult, dry_run: bool) -> None:
    plan = result.plan
    verbs = {"add": "would add" if dry_run else "added", "present": "already present:"}
    for outcome in plan.outcomes:
        verb = verbs.get(outcome.status, "repeats an earlier record:")
        click.echo(f"{plan.name}:{outcome.row}: {verb} {outcome.summary}")
    new = sum("/resource/new/protein/" in iri for iri in plan.generated)
    regions = sum("_NES_" in iri for iri in plan.generated)
    click.echo(
        f"{plan.name}: {plan.rows} records: {plan.count('add')} "
        f"{'would be added' if dry_run else 'added'}, {plan.count('present')} already present, "
        f"{plan.count('repeat')} repeated, {len(plan.skipped)} not {plan.organism}, "
        f"{len(plan.bad)} unreadable (skipped); new: {new} unverified protein"
        f"{'' if new == 1 else 's'}, {regions} NES region{'' if regions == 1 else 's'}"
    )
    echo_written(result.written, result.record, dry_run)


@import_group.command(name="nesdb")
@TABLE_ARGUMENT
@click.option(
    "--organism",
    default="Homo sapiens",
    show_default=True,
    help="Import the records of this organism (scientific or common name: 'Mus musculus', "
    "'Mouse'); others are skipped.",
)
@INTO_OPTION
@STORE_INTO_OPTION
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the readable records even if some cannot be read (they are listed).",
)
@DRY_RUN_OPTION
@SHEET_OPTION
@reports_errors
def nesdb_command(
    file: Path,
    organism: str,
    into: Path | None,
    store: Path | None,
    skip_bad: bool,
    dry_run: bool,
    sheet: str | None,
) -> None:
    """Import the cargo records of a NESdb table (CSV or .xlsx FILE).

    Each record of the organism becomes a protein (matched by UniProt accession, or created
    and marked unverified) exported by XPO1 according to NESdb, with its NESdb ID, its
    experimental evidence and one NES region per functional export signal. A record that cannot
    be read is listed (FILE:ROW:COLUMN: reason); then nothing is written (exit 1) unless
    --skip-bad is given.
    """
    try:
        from xpo1kg.ingest.nesdb import import_nesdb  # imported here: slow to import

        result = import_nesdb(
            file,
            into=into,
            store=store,
            organism=organism,
            sheet=sheet,
            skip_bad=skip_bad,
            dry_run=dry_run,
            clock=clock,
        )
    except IngestError as problems:
        echo_problems(problems)
    echo_warnings(result.plan.name, result.plan.bad)
    for skipped in result.plan.skipped:
        note = Problem(skipped.row, skipped.column, f"skipped: {skipped.message}")
        click.echo(note.line(result.plan.name), err=True)
    _report(result, dry_run)
