"""The ``xpo1kg serve`` command (registered on the main group in cli.py)."""

from __future__ import annotations

import socket
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
from xpo1kg.errors import InputError

__all__ = ["serve_command"]


def _listening_socket(host: str, port: int) -> socket.socket:
    """Bind the port now, so that a port in use is one clear error line, not a traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port} ({error.strerror})") from None
    sock.set_inheritable(True)
    return sock


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@DATA_OPTION
@STORE_OPTION
@INFERRED_OPTION
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Time limit per query; the worker running a longer query is killed.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Most results per query; more are cut and the answer says it was truncated.",
)
@click.option(
    "--max-request-bytes",
    default=1_000_000,
    show_default=True,
    type=click.IntRange(min=1024),
    metavar="N",
    help="Largest accepted query string or request body (413 beyond).",
)
@click.option(
    "--max-response-bytes",
    default=32_000_000,
    show_default=True,
    type=click.IntRange(min=1024),
    metavar="N",
    help="Largest answer; rows past it are cut and the answer says it was truncated.",
)
@click.option(
    "--max-worker-memory",
    default=2 * 2**30,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="BYTES",
    help="Address-space limit of each query worker (0: none); a query past it gets 503.",
)
@click.option(
    "--read-timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Time a client has to send a whole request (head and body); slower ones get 408.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1, max=64),
    help="Query worker processes (each holds a copy of the graph).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Allow browser pages from ORIGIN (or *) to query; repeatable. Off by default.",
)
@reports_errors
def serve_command(
    host: str,
    port: int,
    data: Sequence[Path],
    store: Path | None,
    inferred: bool | None,
    timeout: float,
    max_rows: int,
    max_request_bytes: int,
    max_response_bytes: int,
    max_worker_memory: int,
    read_timeout: float,
    workers: int,
    cors_origins: Sequence[str],
) -> None:
    """Serve a read-only SPARQL endpoint (/sparql) and the entity pages (/resource/...).

    Queries and pages include the reasoner's inferred facts unless --no-inferred.

    Ctrl-C (or SIGTERM) stops it cleanly: requests under way get a few seconds, the query
    workers are stopped, and the command exits 0.
    """
    from xpo1kg.server.app import create_app
    from xpo1kg.server.http_server import serve
    from xpo1kg.server.settings import ServerSettings
    from xpo1kg.store.knowledge_graph import load_graph

    kg = load_graph(data, store=store, inferred=inferred)
    warn_inference(kg)
    settings = ServerSettings(
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        max_request_bytes=max_request_bytes,
        max_response_bytes=max_response_bytes,
        max_worker_memory=max_worker_memory,
        workers=workers,
        cors_origins=tuple(cors_origins),
        data=tuple(data),
        store=store,
        inferred=kg.has_inferred,  # what the graph holds now: the workers load the same
    )
    sock = _listening_socket(host, port)
    app = create_app(kg, settings)
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{sock.getsockname()[1]}"
    click.echo(f"serving {base}/ (SPARQL endpoint: {base}/sparql)", err=True)
    started = serve(app, sock, max_request_bytes=max_request_bytes, read_timeout=read_timeout)
    if not started:
        raise InputError("the server could not start (see the messages above)")
    click.echo("stopped", err=True)
