"""The ``xpo1kg explain`` command: how the graph knows one statement."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from xpo1kg.cli.options import (
    DATA_OPTION,
    INFERRED_OPTION,
    STORE_OPTION,
    reports_errors,
    warn_inference,
)

__all__ = ["explain_command"]


@click.command(name="explain")
@click.argument("subject")
@click.argument("predicate")
@click.argument("object_", metavar="OBJECT")
@DATA_OPTION
@STORE_OPTION
@INFERRED_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="An indented tree for people, or JSON for programs.",
)
@reports_errors
def explain_command(
    subject: str,
    predicate: str,
    object_: str,
    data: Sequence[Path],
    store: Path | None,
    inferred: bool | None,
    output_format: str,
) -> None:
    """Show how the graph knows SUBJECT PREDICATE OBJECT: evidence, or rule and premises.

    Each part is a CURIE (xr:selinexor), an IRI, a label, a synonym or an identifier; the
    predicate may also be the local name of a property (causesNuclearRetentionOf) or "a". A
    statement the graph does not hold is reported as such (status "absent"), with the closest
    statements it holds; that is an answer, so the exit code is 0.
    """
    from xpo1kg.reason.explanation_text import render_text
    from xpo1kg.store.knowledge_graph import load_graph

    kg = load_graph(data, inferred=inferred, store=store)
    warn_inference(kg)  # an inferred fact reads as absent when they could not be computed
    explanation = kg.explain(subject, predicate, object_)
    if output_format == "json":
        click.echo(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(render_text(explanation), nl=False)
