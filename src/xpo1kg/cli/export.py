"""The export command: the graph in every RDF format, deterministic bytes, written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import click

from xpo1kg.api import serialize_knowledge_graph
from xpo1kg.cli.options import (
    DATA_OPTION,
    INFERRED_OPTION,
    STORE_OPTION,
    reports_errors,
)
from xpo1kg.errors import InputError
from xpo1kg.rdf.safefile import atomic_write
from xpo1kg.rdf.serialize import EXPORT_FORMATS, FORMAT_ALIASES, ExportFormat, serialize
from xpo1kg.rdf.serialize import export_format as resolve_export_format
from xpo1kg.store.knowledge_graph import load_graph

__all__ = ["export"]


#: Exports that are not a serialisation of the graph: the KGX pair and the SPARQL examples.
OTHER_EXPORTS = ("kgx", "sparql-examples")


def _export_format(_context: object, _option: object, value: str) -> str:
    return value.lower() if value.lower() in OTHER_EXPORTS else resolve_export_format(value)


@click.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(
        sorted([*EXPORT_FORMATS, *FORMAT_ALIASES, *OTHER_EXPORTS]), case_sensitive=False
    ),
    default="ttl",
    show_default=True,
    callback=_export_format,
    help="Serialisation: Turtle, N-Triples, JSON-LD, RDF/XML (xml, rdf or rdfxml), or (with "
    "named graphs: one per source file, one for inferred facts) N-Quads and TriG. Any case. "
    "Also kgx (nodes.tsv and edges.tsv, into the --output directory) and sparql-examples (the "
    "competency queries as SHACL SPARQL executables, Turtle).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    default="-",
    show_default=True,
    help="File to write (atomically), or - for standard output; a directory for kgx.",
)
@DATA_OPTION
@STORE_OPTION
@INFERRED_OPTION
@reports_errors
def export(
    export_format: str,
    output: Path,
    data: Sequence[Path],
    store: Path | None,
    inferred: bool | None,
) -> None:
    """Export the ontology and the data together, deterministically.

    Inferred facts are included unless --no-inferred (not in kgx: asserted statements only):
    N-Quads and TriG keep them in their own named graph; the single-graph formats add them with their provenance nodes (knowledge level
    "logical_entailment", rule, premises), so each inferred triple stays marked as inferred.
    """
    if export_format == "kgx":
        _export_kgx(data, store, inferred, output)
        return
    if output.is_dir():
        raise InputError(f"{output}: is a directory (give a file name, or - for standard output)")
    if export_format == "sparql-examples":
        from xpo1kg.publish.sparql_examples import EXAMPLE_PREFIXES, sparql_examples

        _write(serialize(sparql_examples(), "ttl", EXAMPLE_PREFIXES), output)
        return
    rdf_format = cast(ExportFormat, export_format)
    kg = load_graph(data, inferred=inferred, store=store)
    content = serialize_knowledge_graph(kg, rdf_format)
    _write(content, output)


def _write(content: bytes, output: Path) -> None:
    if str(output) == "-":
        click.echo(content.decode("utf-8"), nl=False)
        return
    atomic_write(output, content)  # a failure: `cannot write OUTPUT: reason`, exit 2
    click.echo(f"wrote {output} ({len(content):,} bytes)", err=True)


def _export_kgx(
    data: Sequence[Path], store: Path | None, inferred: bool | None, output: Path
) -> None:
    """Write nodes.tsv and edges.tsv into the directory ``output`` (both or neither)."""
    if str(output) == "-":
        raise InputError("--format kgx writes two files: give --output DIRECTORY")
    if inferred:
        raise InputError(
            "--format kgx exports the asserted statements with their evidence: drop --inferred"
        )
    if output.exists() and not output.is_dir():
        raise InputError(f"{output}: exists and is not a directory")
    from xpo1kg.publish.kgx import kgx_tables
    from xpo1kg.publish.release import write_release

    tables = kgx_tables(load_graph(data, store=store, inferred=False))
    write_release(tables, output)
    for name, content in sorted(tables.items()):
        click.echo(f"wrote {output / name} ({len(content):,} bytes)", err=True)
