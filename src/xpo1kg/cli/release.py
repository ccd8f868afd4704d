"""The ``xpo1kg release`` and ``xpo1kg describe`` commands (registered on the main group in cli.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import click

from xpo1kg.cli.options import DATA_OPTION, PUBLISH_INFERRED_OPTION, STORE_OPTION, reports_errors
from xpo1kg.store.knowledge_graph import load_graph

__all__ = ["describe_command", "release_command"]

DescriptionFormat = Literal["ttl", "jsonld", "xml"]


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.command(name="release")
@click.option(
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Directory to write (created if missing); all files land together or none do.",
)
@DATA_OPTION
@STORE_OPTION
@PUBLISH_INFERRED_OPTION
@reports_errors
def release_command(output: Path, data: Sequence[Path], store: Path | None, inferred: bool) -> None:
    """Write every export format, a VoID description (void.ttl) and SHA256SUMS into DIR."""
    from xpo1kg.publish.release import build_release, check_release_target, write_release

    check_release_target(output)  # a bad --output is refused before the release is built
    _progress("loading the graph" + (" and its inferred facts" if inferred else ""))
    kg = load_graph(data, inferred=inferred, store=store)
    files = build_release(kg, progress=_progress)
    write_release(files, output, progress=_progress)
    total = sum(len(content) for content in files.values())
    click.echo(f"wrote {len(files)} files ({total:,} bytes) to {output}", err=True)


@click.command(name="describe")
@click.option(
    "--format",
    "description_format",
    type=click.Choice(["ttl", "jsonld", "xml", "rdf", "rdfxml"], case_sensitive=False),
    default="ttl",
    show_default=True,
    help="Serialisation of the description: Turtle, JSON-LD or RDF/XML.",
)
@DATA_OPTION
@STORE_OPTION
@PUBLISH_INFERRED_OPTION
@reports_errors
def describe_command(
    description_format: DescriptionFormat,
    data: Sequence[Path],
    store: Path | None,
    inferred: bool,
) -> None:
    """Print the VoID + DCAT description of the graph (`release` adds its files to it)."""
    from xpo1kg.publish.description import DESCRIPTION_PREFIXES, describe_dataset
    from xpo1kg.rdf.serialize import serialize

    description = describe_dataset(load_graph(data, inferred=inferred, store=store))
    content = serialize(description, description_format, DESCRIPTION_PREFIXES)
    click.echo(content.decode("utf-8"), nl=False)
