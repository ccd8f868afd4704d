"""Start the real ``xpo1kg serve`` in a subprocess for the server tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

#: The RDF media types the server offers for graphs, with the parser that reads each back.
GRAPH_FORMATS = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
]


#: One client for the tests' requests to local servers: a new client reads the CA bundle (about
#: 30 ms of CPU each time), as ``httpx.get`` does for every request. No connection is kept open
#: between requests, as with ``httpx.get``: a server may be stopped and its port reused.
HTTP = httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    base: str
    process: subprocess.Popen[bytes]

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    def workers(self) -> set[int]:
        """The pids of the server's query workers (spawned children; not the resource tracker)."""
        pids: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            pids |= {int(p) for p in (task / "children").read_text().split()}
        return {pid for pid in pids if _is_worker(pid)}


def _is_worker(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"spawn_main" in command


def _ready(client: httpx.Client, url: str) -> bool:
    try:
        answer = client.get(url, params={"query": "ASK {}"}, timeout=5)
    except httpx.TransportError:
        return False
    return answer.status_code == 200


@contextmanager
def running_server(*options: str, startup: float = 90) -> Iterator[RunningServer]:
    """Run ``python -m xpo1kg serve`` on a free loopback port until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "xpo1kg", "serve", "--port", str(port), *options]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    server = RunningServer(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + startup
        # One client for the whole wait: each new one reads the CA bundle (about 30 ms of CPU,
        # taken from the server that is starting), and the server is polled ten times a second.
        with httpx.Client() as client:
            while not _ready(client, server.sparql):
                if process.poll() is not None:
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"server exited with {process.returncode}: {error}")
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start in time")
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
