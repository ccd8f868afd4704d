"""The export command: the graph in every RDF format, deterministic bytes, written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from xpo1kg.api import serialize_knowledge_graph
from xpo1kg.cli.options import (
    DATA_OPTION,
    INFERRED_OPTION,
    STORE_OPTION,
    reports_errors,
)
from xpo1kg.rdf.serialize import EXPORT_FORMATS, FORMAT_ALIASES, ExportFormat, atomic_write
from xpo1kg.rdf.serialize import export_format as resolve_export_format
from xpo1kg.store.knowledge_graph import load_graph

__all__ = ["export"]


@click.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(sorted([*EXPORT_FORMATS, *FORMAT_ALIASES]), case_sensitive=False),
    default="ttl",
    show_default=True,
    callback=lambda _context, _option, value: resolve_export_format(value),
    help="Serialisation: Turtle, N-Triples, JSON-LD, RDF/XML (xml, rdf or rdfxml), or (with "
    "named graphs: one per source file, one for inferred facts) N-Quads and TriG. Any case.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="File to write (atomically), or - for standard output.",
)
@DATA_OPTION
@STORE_OPTION
@INFERRED_OPTION
@reports_errors
def export(
    export_format: ExportFormat,
    output: Path,
    data: Sequence[Path],
    store: Path | None,
    inferred: bool | None,
) -> None:
    """Export the ontology and the data together, deterministically.

    Inferred facts are included unless --no-inferred: N-Quads and TriG keep the inferred facts in their own named graph; the
    single-graph formats add them with their provenance nodes (knowledge level
    "logical_entailment", rule, premises), so each inferred triple stays marked as inferred.
    """
    kg = load_graph(data, inferred=inferred, store=store)
    content = serialize_knowledge_graph(kg, export_format)
    if str(output) == "-":
        click.echo(content.decode("utf-8"), nl=False)
        return
    atomic_write(output, content)  # a failure: `cannot write OUTPUT: reason`, exit 2
    click.echo(f"wrote {output} ({len(content):,} bytes)", err=True)
