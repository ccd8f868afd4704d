"""What the table commands (``ingest``, ``curate``, ``import nesdb``) share on the command line.

The clock of their provenance records, their problems and warnings on stderr (one line each,
``FILE:ROW:COLUMN: message``), and what they wrote.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from typing import NoReturn

import click

from xpo1kg.ingest.values import IngestError, Problem

__all__ = ["clock", "echo_problems", "echo_warnings", "echo_written"]


def clock() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when it is set (for reproducible provenance records)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


def echo_problems(error: IngestError) -> NoReturn:
    """Print each problem (FILE:ROW:COLUMN: message), then the summary, and exit with its code."""
    for line in error.lines():
        click.echo(line, err=True)
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


def echo_warnings(name: str, warnings: list[Problem]) -> None:
    """Print each warning as ``FILE:ROW:COLUMN: warning: message`` on stderr."""
    for warning in warnings:
        where = Problem(warning.row, warning.column, f"warning: {warning.message}")
        click.echo(where.line(name), err=True)


def echo_written(written: tuple[str, ...], record: str | None, dry_run: bool) -> None:
    """Say what ingest, curate or import wrote (or that nothing was written)."""
    if dry_run:
        click.echo("dry run: nothing written")
    elif not written:
        click.echo("nothing to add: nothing written")
    else:
        click.echo(f"wrote {' and '.join(written)} (provenance: <{record}>)")
