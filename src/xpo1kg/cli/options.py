"""Option objects and error handling shared by every ``xpo1kg`` command."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from xpo1kg.errors import InputError, XPO1KGError
from xpo1kg.query.catalog import CompetencyQuery

__all__ = [
    "DATA_OPTION",
    "ENDPOINT_OPTION",
    "FORMAT_OPTION",
    "INFERRED_OPTION",
    "MODE_OPTION",
    "PUBLISH_INFERRED_OPTION",
    "REASONER_OPTION",
    "SHEET_OPTION",
    "STORE_OPTION",
    "USER_OPTION",
    "reports_errors",
    "warn_inference",
]

F = TypeVar("F", bound=Callable[..., Any])

DATA_OPTION = click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra RDF file (Turtle, N-Triples, RDF/XML) to load with the bundled graph; repeatable.",
)

STORE_OPTION = click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    help="A persistent store directory (see `xpo1kg load`), opened without re-parsing.",
)
INFERRED_OPTION = click.option(
    "--inferred/--no-inferred",
    default=None,
    help="Include the reasoner's inferred facts (the default; computed once per input, then "
    "cached; with --store, those the store keeps), or leave them out. --inferred requires them "
    "(and computes and keeps them in a --store).",
)
#: The ``--inferred`` of the commands that publish or push data (release, describe): off unless
#: asked, so that a published file holds what the sources assert.
PUBLISH_INFERRED_OPTION = click.option(
    "--inferred",
    is_flag=True,
    help="Also include the reasoner's inferred facts (computed once per input, then cached).",
)


def warn_inference(kg: object, query: object = None) -> None:
    """Print a ``warning:`` line when inferred facts were wanted but are missing, or needed.

    ``kg`` is a :class:`~xpo1kg.store.knowledge_graph.KnowledgeGraph`; ``query`` a query that
    runs on it (a :class:`~xpo1kg.query.catalog.CompetencyQuery` or SPARQL text), if any.
    """
    from xpo1kg.query.inference import missing_inference_message, needs_inference
    from xpo1kg.store.knowledge_graph import KnowledgeGraph

    assert isinstance(kg, KnowledgeGraph)
    if kg.has_inferred:
        return
    if kg.inference_problem is not None:
        click.echo(f"warning: inferred facts left out: {kg.inference_problem}", err=True)
    if isinstance(query, str | CompetencyQuery) and needs_inference(query):
        message = missing_inference_message(query, kg.missing_inference_reason)
        click.echo(f"warning: {message}", err=True)


def reports_errors(command: F) -> F:
    """Turn xpo1kg errors into one line on stderr and an exit code (2 for bad input, else 1)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
        except XPO1KGError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)

    return cast(F, wrapper)


ENDPOINT_OPTION = click.option(
    "--endpoint",
    metavar="URL",
    help="The SPARQL query URL of a SPARQL 1.1 server to use instead of the embedded store.",
)
USER_OPTION = click.option(
    "--user",
    metavar="NAME",
    help="User name for the --endpoint server (Basic or Digest, as it asks); the password is "
    "read from $XPO1KG_PASSWORD or a netrc file.",
)
TIMEOUT_OPTION = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="How long to wait for each answer of the --endpoint server.  [default: 60]",
)
REASONER_OPTION = click.option(
    "--reasoner",
    type=click.Choice(["hermit", "pellet", "rules"]),
    default="hermit",
    show_default=True,
    help="OWL 2 DL reasoner (run through owlready2 on Java), or rules: the built-in forward "
    "chaining over this ontology's axioms (no Java; the same facts as HermiT, for big graphs).",
)
MODE_OPTION = click.option(
    "--mode",
    type=click.Choice(["auto", "dl", "rl"]),
    default="auto",
    show_default=True,
    help="dl: the DL reasoner on everything; rl: the DL reasoner on the ontology and OWL 2 RL on "
    "the data; auto: above 50,000 triples, the DL reasoner on the ontology and the rules engine "
    "on the data.",
)
FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "tsv", "json"], case_sensitive=False),
    default="table",
    show_default=True,
    help="How to print results: an aligned table for people, CSV/TSV/JSON for programs.",
)
SHEET_OPTION = click.option(
    "--sheet",
    metavar="NAME",
    help="The worksheet of an .xlsx workbook to read (default: the first).",
)

#: The table that ingest, curate and import read.
TABLE_ARGUMENT = click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
#: The source of the rows of ingest and curate whose source cell is empty.
SOURCE_OPTION = click.option(
    "--source",
    metavar="PMID:…|DOI|URL|NAME",
    help="Source of the rows whose source cell is empty: a PubMed id, a DOI, a web address, or "
    "a source of the graph by CURIE or name ('guide' is the BenchChem guide).",
)
#: Where ingest, curate and import add their triples: a Turtle file, or a store.
INTO_OPTION = click.option(
    "--into",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Turtle file to add to (default: FILE with .ttl). Provenance goes to INTO.prov.trig.",
)
STORE_INTO_OPTION = click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    help="Add to a persistent store instead (see `xpo1kg load`), in one transaction.",
)
DRY_RUN_OPTION = click.option(
    "--dry-run", is_flag=True, help="Show what would be added; change nothing."
)
