"""The validate command: SHACL shapes and the closed vocabulary, with either engine."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xpo1kg.cli.options import (
    STORE_OPTION,
    reports_errors,
)
from xpo1kg.errors import InputError

if TYPE_CHECKING:
    from xpo1kg.validate.crosscheck import Finding

__all__ = ["validate_command"]


@click.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--with-bundled",
    is_flag=True,
    help="Validate the files together with the bundled data they may refer to.",
)
@click.option(
    "--shapes",
    "shapes",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Validate against the SHACL shapes in FILE instead of the bundled ones (repeatable).",
)
@click.option(
    "--with-bundled-shapes",
    is_flag=True,
    help="With --shapes: the bundled shapes too.",
)
@STORE_OPTION
@click.option(
    "--engine",
    type=click.Choice(["auto", "fast", "pyshacl"]),
    default="auto",
    show_default=True,
    help="fast: the shapes compiled to SPARQL on Oxigraph (same results, much faster on big "
    "data; shapes it cannot compile go to pyshacl, with a note); pyshacl: the reference; "
    "auto: fast for --store, pyshacl for files.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="With --with-bundled: the checks of the files against the graph (IC50 outliers, "
    "duplicate measurements, identifiers of existing things) are errors (exit 1), not warnings.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
    show_default=True,
    help="Lines for people, or one JSON object (conforms, violations, new-data findings).",
)
@reports_errors
def validate_command(
    files: Sequence[Path],
    with_bundled: bool,
    shapes: Sequence[Path],
    with_bundled_shapes: bool,
    store: Path | None,
    engine: str,
    strict: bool,
    output_format: str,
) -> None:
    """Validate FILES (or the bundled data) with the SHACL shapes: exit 0 conforms, 1 violations.

    With --with-bundled, FILES are also checked against what the graph already knows: a new
    IC50 more than 10x from an existing one (same inhibitor and cell line), a measurement that
    repeats an existing one from another source, a new thing with the identifier of an existing
    one. These are warnings (exit 0) unless --strict.
    """
    if store is not None and files:
        raise InputError("give FILES or --store, not both")
    if strict and not (files and with_bundled):
        raise InputError("--strict checks FILES against the graph: give FILES and --with-bundled")
    if with_bundled_shapes and not shapes:
        raise InputError("--with-bundled-shapes adds the bundled shapes to --shapes FILE: give one")
    # Imported here: the engines are slow to import, and other commands do not need them.
    from xpo1kg.validate.crosscheck import check_files
    from xpo1kg.validate.fast_engine import FallbackWarning, fallback_note
    from xpo1kg.validate.pyshacl_engine import validate

    fast = engine == "fast" or (engine == "auto" and store is not None)
    target = str(store) if store is not None else ", ".join(str(f) for f in files)
    with warnings.catch_warnings():
        # The report says which shapes pyshacl validated: printed once below, not twice.
        warnings.simplefilter("ignore", FallbackWarning)
        report = validate(
            files,
            with_bundled=with_bundled,
            engine="fast" if fast else "pyshacl",
            store=store,
            shapes=shapes,
            with_bundled_shapes=with_bundled_shapes,
        )
    if report.fallback:
        click.echo(f"note: {fallback_note(report.fallback)}", err=True)
    target = target or "bundled data"
    findings = check_files(files) if files and with_bundled else []
    failed = not report.conforms or (strict and bool(findings))
    if output_format.lower() == "json":
        document = {
            "target": target,
            "conforms": report.conforms,
            "violations": report.lines(),
            "new_data": {
                "strict": strict,
                "findings": [finding.to_dict() for finding in findings],
            },
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        if failed:
            sys.exit(1)
        return
    lines = report.lines()
    for line in lines:
        click.echo(line)
    _new_data_section(findings, strict)
    if report.conforms:
        click.echo(f"{target}: conforms" + _findings_note(findings, strict))
        if failed:
            sys.exit(1)
        return
    count = len(lines)
    click.echo(
        f"{target}: {count} violation{'s' if count != 1 else ''}"
        + _findings_note(findings, strict),
        err=True,
    )
    dangling = any(r.constraint_component == "sh:ClassConstraintComponent" for r in report.results)
    if files and not with_bundled and dangling:
        click.echo("hint: links to things the file does not describe; try --with-bundled", err=True)
    sys.exit(1)


def _new_data_section(findings: Sequence[Finding], strict: bool) -> None:
    """Print the findings of the new-data checks under a heading of their own."""
    if not findings:
        return
    level = "error" if strict else "warning"
    click.echo(f"new data against the graph ({len(findings)}):")
    for finding in findings:
        click.echo(f"  {level}: {finding.line()}")


def _findings_note(findings: Sequence[Finding], strict: bool) -> str:
    if not findings:
        return ""
    count = len(findings)
    what = "errors (--strict)" if strict else "warnings"
    return f"; {count} finding{'s' if count != 1 else ''} against the graph, as {what}"
