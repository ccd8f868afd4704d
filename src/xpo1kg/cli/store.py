"""The store commands: bulk load into a store or a SPARQL server, list and drop named graphs."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, Self, cast

import click
from rdflib import Literal, URIRef

from xpo1kg.cli.options import (
    ENDPOINT_OPTION,
    FORMAT_OPTION,
    STORE_OPTION,
    TIMEOUT_OPTION,
    USER_OPTION,
    reports_errors,
)
from xpo1kg.errors import InputError
from xpo1kg.query.results import OutputFormat, QueryResult
from xpo1kg.rdf.loading import graph_name
from xpo1kg.reason.reasoner import INFERRED_GRAPH
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.store.knowledge_graph import load_graph

__all__ = ["drop", "graphs", "load_command"]


@click.command(name="load")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@STORE_OPTION
@ENDPOINT_OPTION
@click.option(
    "--graph-store",
    metavar="URL",
    help="Graph Store Protocol URL of the --endpoint server (default: Oxigraph's …/store).",
)
@USER_OPTION
@TIMEOUT_OPTION
@click.option(
    "--inferred",
    is_flag=True,
    help="With --endpoint: also push the reasoner's inferred facts, in their own named graph.",
)
@reports_errors
def load_command(
    files: Sequence[Path],
    store: Path | None,
    endpoint: str | None,
    graph_store: str | None,
    user: str | None,
    timeout: float | None,
    inferred: bool,
) -> None:
    """Load FILES into a persistent store (--store DIR), or into a SPARQL server (--endpoint URL).

    A server receives the bundled graph too (and, with --inferred, the inferred graph).
    """
    if (store is None) == (endpoint is None):
        raise InputError("give --store DIR or --endpoint URL")
    if endpoint is None and (graph_store or user or inferred or timeout is not None):
        raise InputError("--graph-store, --user, --timeout and --inferred are for --endpoint")
    if endpoint is not None:
        _load_into_server(endpoint, graph_store, user, files, inferred=inferred, timeout=timeout)
        return
    if not files:
        raise InputError("give the FILES to load into the store")
    from xpo1kg.store.embedded import writing_store
    from xpo1kg.store.persistent import check_files, load_files, open_store

    try:
        paths = check_files(files)  # a bad file: refused before the store is created or touched
    except KeyboardInterrupt:
        _interrupted("nothing was written")
    existed = cast(Path, store).exists()
    with (
        _DeferredInterrupt() as interrupt,  # Ctrl-C now stops after the file being loaded
        writing_store(cast(Path, store)),  # a full disk: one line naming the store
    ):
        target = open_store(cast(Path, store), create=True)
        total = sum(f.stat().st_size for f in paths)
        with click.progressbar(
            length=total, label="loading", file=sys.stderr, hidden=not sys.stderr.isatty()
        ) as bar:
            graphs = load_files(
                target, paths, advance=bar.update, checked=True, stop=interrupt.requested
            )
    for graph in graphs:
        click.echo(f"{graph}\t{target.count([graph]):,} triples")
    if interrupt.requested():
        left = [p.name for p in paths[len(graphs) :]]
        done = (
            f"the graph{'s' if len(graphs) > 1 else ''} {', '.join(f'<{g}>' for g in graphs)} "
            f"{'were' if len(graphs) > 1 else 'was'} loaded completely"
            if graphs
            else ("the store was created with the bundled graph" if not existed else "")
        )
        not_loaded = f"not loaded: {', '.join(left)}" if left else ""
        _interrupted(
            "; ".join(part for part in (done, not_loaded) if part) or "nothing was written"
        )


class _DeferredInterrupt:
    """Ctrl-C noted, not raised, while the store is written.

    The load in progress finishes (a bulk load cannot be undone halfway), then the command stops
    and says what it did.
    """

    def __init__(self) -> None:
        self._count = 0

    def requested(self) -> bool:
        """Whether Ctrl-C was pressed."""
        return self._count > 0

    def _note(self, signum: int, frame: object) -> None:
        self._count += 1
        if self._count == 1:
            click.echo("\ninterrupt: finishing the file being loaded, then stopping…", err=True)

    def __enter__(self) -> Self:
        self._previous = signal.signal(signal.SIGINT, self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)


def _interrupted(what: str) -> NoReturn:
    """Say what an interrupted command did, and exit with 130 (128 + SIGINT, as shells do)."""
    click.echo(f"interrupted; {what}", err=True)
    sys.exit(130)


def _load_into_server(
    endpoint: str,
    graph_store: str | None,
    user: str | None,
    files: Sequence[Path],
    *,
    inferred: bool,
    timeout: float | None,
) -> None:
    """PUT the bundled graph, FILES and (``inferred``) the inferred graph, one named graph each."""
    from xpo1kg.store.remote import RemoteEndpoint, credentials

    auth = credentials(graph_store or endpoint, user)
    server = RemoteEndpoint(endpoint, graph_store=graph_store, auth=auth, timeout=timeout)
    facts = b""
    if inferred:  # reason before anything is sent: an inconsistent graph changes nothing
        kg = load_graph(files, inferred=True)
        if kg.inferred is not None:
            facts = kg.inferred.serialize(format="nt", encoding="utf-8")
    bundled = [ontology_file(), *data_files()]
    with click.progressbar(
        [*bundled, *files],
        label="uploading",
        file=sys.stderr,
        item_show_func=_name,
        hidden=not sys.stderr.isatty(),
    ) as bar:
        for source in bar:
            server.push(Path(str(source)), str(graph_name(source)))
    if inferred:
        server.push_data(
            facts, "application/n-triples", str(INFERRED_GRAPH), what="upload of the inferred graph"
        )
    extra = ", the bundled graph and the inferred graph" if inferred else " and the bundled graph"
    click.echo(f"loaded {len(files)} file(s){extra} into {endpoint}", err=True)


def _name(source: object) -> str:
    return getattr(source, "name", "") if source is not None else ""


@click.command()
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="A store directory.",
)
@FORMAT_OPTION
@reports_errors
def graphs(store: Path, output_format: OutputFormat) -> None:
    """List the named graphs of a store, with their sizes."""
    from xpo1kg.store.embedded import Store

    opened = Store(store, create=False, read_only=True)  # never created, never written
    rows = [(URIRef(g), Literal(n)) for g, n in opened.graphs().items()]
    click.echo(QueryResult(["graph", "triples"], rows).render(output_format), nl=False)


@click.command()
@click.argument("graph")
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="A store directory.",
)
@reports_errors
def drop(graph: str, store: Path) -> None:
    """Drop a user GRAPH (IRI, or the file name it was loaded from) from a store."""
    from xpo1kg.store.embedded import writing_store
    from xpo1kg.store.persistent import drop_graph, open_store

    with writing_store(store):
        drop_graph(open_store(store), graph)
    click.echo(f"dropped {graph}", err=True)
