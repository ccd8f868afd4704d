"""Run user queries in a pool of worker processes, killing any that runs past the time limit.

pyoxigraph cannot cancel a query from another thread, so each query runs in a process of its own
(``spawn``: never ``fork`` a process that already has threads). A worker past the deadline is
killed with SIGKILL and a fresh one is started in the background.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from xpo1kg.errors import QuerySyntaxError, XPO1KGError
from xpo1kg.query.sparql_lexer import scan
from xpo1kg.server.serializers import Bindings
from xpo1kg.server.settings import GraphSpec
from xpo1kg.server.worker import (
    Failure,
    Job,
    Payload,
    Ready,
    Solutions,
    memory_refused,
    serve_jobs,
    update_refused,
)
from xpo1kg.store.embedded import check_query_is_safe

__all__ = [
    "NotAcceptableError",
    "QueryRunner",
    "QueryTimeout",
    "SelectAnswer",
    "UpdateRefusedError",
    "WorkerLostError",
    "check_read_only",
]

_log = logging.getLogger("xpo1kg.server")

_STARTUP_SECONDS = 60.0
#: Longer texts are read by the worker, never in the event loop (the scan is linear, but a
#: megabyte of tokens still takes a noticeable time in Python).
_SCAN_INLINE_CHARS = 16_384


@dataclass(frozen=True)
class SelectAnswer:
    """The bindings of a SELECT query, at most ``max_rows`` of them."""

    variables: tuple[str, ...]
    #: SPARQL 1.1 JSON bindings per row: {"type": "uri"|"literal"|"bnode", "value": ...,
    #: optional "datatype"/"xml:lang"}; unbound variables are absent.
    rows: list[Bindings]
    truncated: bool


class QueryTimeout(XPO1KGError):  # noqa: N818 (the name is part of the pages contract)
    """A query stopped at the time limit (its worker process was killed)."""


class UpdateRefusedError(XPO1KGError):
    """A SPARQL Update (INSERT, DELETE, LOAD...) sent to this read-only endpoint."""


class WorkerLostError(XPO1KGError):
    """A query whose worker ran out of memory or died (503; a fresh worker replaces it)."""


class NotAcceptableError(XPO1KGError):
    """The client accepts none of the formats the answer can be written in."""


def check_read_only(sparql: str) -> None:
    """Refuse SPARQL Update and SERVICE before anything is evaluated.

    >>> check_read_only("PREFIX x: <urn:x:> LOAD <http://example.org/data.ttl>")
    Traceback (most recent call last):
    ...
    xpo1kg.server.runner.UpdateRefusedError: SPARQL Update (LOAD) is not allowed: this endpoint is read-only
    """
    keyword = scan(sparql).update_keyword
    if keyword is not None:
        raise UpdateRefusedError(update_refused(keyword))
    check_query_is_safe(sparql)


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, spec: GraphSpec, max_memory: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=serve_jobs,
            args=(child, spec, max_memory),
            name="xpo1kg-query-worker",
            daemon=True,
        )
        self.process.start()
        child.close()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    async def receive(self, timeout: float) -> object:
        """Wait for the next message without blocking the event loop."""
        await _readable(self.connection, timeout)
        return self.connection.recv()

    def kill(self) -> None:
        """Stop the process at once (SIGKILL: a busy Oxigraph query ignores anything gentler)."""
        self.process.kill()
        self.process.join(5)
        self.connection.close()


async def _readable(connection: Connection, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    ready = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(connection.fileno(), wake)
    try:
        await asyncio.wait_for(ready, timeout)
    finally:
        loop.remove_reader(connection.fileno())


class QueryRunner:
    """A pool of worker processes that answer SPARQL queries within a time limit.

    Call :meth:`start` (in the event loop) before the first query and :meth:`close` at the end.
    """

    def __init__(
        self,
        spec: GraphSpec,
        *,
        workers: int = 2,
        timeout: float = 30.0,
        max_rows: int = 10_000,
        max_response_bytes: int = 0,
        max_worker_memory: int = 0,
    ) -> None:
        """Describe the pool; no process starts before :meth:`start`.

        ``max_response_bytes`` cuts answers (0: no cap); ``max_worker_memory`` caps each
        worker's address space (0: no cap).
        """
        self.spec = spec
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_response_bytes = max_response_bytes
        self.max_worker_memory = max_worker_memory
        #: Whether the workers run without network access (None until the first one starts).
        self.network_isolated: bool | None = None
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def pids(self) -> list[int]:
        """The process ids of the live workers (for monitoring)."""
        return sorted(w.pid for w in self._workers if w.pid is not None)

    async def start(self) -> None:
        """Start the workers; each joins the pool once it has loaded the graph."""
        for _ in range(self.size):
            self._spawn()

    async def wait_ready(self) -> None:
        """Wait until every worker has loaded the graph."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    def _spawn(self) -> None:
        task = asyncio.get_running_loop().create_task(self._start_worker())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_worker(self) -> None:
        worker = _Worker(self.spec, self.max_worker_memory)
        self._workers.add(worker)
        try:
            message = await worker.receive(_STARTUP_SECONDS)
        except (TimeoutError, EOFError, OSError):
            message = Failure(500, "worker did not start")
        if not isinstance(message, Ready) or self._closed:
            self._retire(worker)
            return
        if self.network_isolated is None and not message.network_isolated:
            _log.warning(
                "xpo1kg: query workers are NOT isolated from the network (%s); "
                "SERVICE is still refused by the query text check",
                message.note,
            )
        self.network_isolated = message.network_isolated
        self._idle.put_nowait(worker)

    def _retire(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        worker.kill()

    async def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            self._retire(worker)

    async def execute(self, job: Job) -> Payload | Solutions:
        """Evaluate a job in a worker; raise on refusal, bad syntax, timeout or failure."""
        if len(job.sparql) <= _SCAN_INLINE_CHARS:
            check_read_only(job.sparql)  # the worker checks again, and checks longer texts
        if self.max_response_bytes and not 0 < job.max_bytes <= self.max_response_bytes:
            job = replace(job, max_bytes=self.max_response_bytes)
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise QueryTimeout(
                f"server busy: no query worker free within {self.timeout:g} s; try again"
            ) from None
        try:
            worker.connection.send(job)
            reply = await worker.receive(self.timeout)
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeout(
                f"query stopped after {self.timeout:g} s (the time limit of this endpoint)"
            ) from None
        except (EOFError, OSError):
            self._replace(worker)
            # The engine aborts the process (SIGABRT) when an allocation fails at the memory limit.
            if worker.process.exitcode == -signal.SIGABRT:
                reason = memory_refused(self.max_worker_memory)
                raise WorkerLostError(f"the query worker stopped: {reason}") from None
            raise WorkerLostError("the query worker stopped unexpectedly") from None
        except BaseException:
            # Cancelled mid-query: the worker's reply would answer the next job, so replace it.
            self._replace(worker)
            raise
        if isinstance(reply, Failure) and reply.status == 503:
            self._replace(worker)  # it ran out of memory and exits
            raise WorkerLostError(reply.message)
        self._idle.put_nowait(worker)
        if isinstance(reply, Failure):
            if reply.status == 400:
                raise QuerySyntaxError(reply.message)
            if reply.status == 406:
                raise NotAcceptableError(reply.message)
            raise XPO1KGError(reply.message)
        if not isinstance(reply, (Payload, Solutions)):
            raise XPO1KGError("unexpected answer from the query worker")
        return reply

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        if not self._closed:
            self._spawn()

    async def select(self, sparql: str, *, max_rows: int | None = None) -> SelectAnswer:
        """Run a SELECT query and return its bindings (at most ``max_rows``, default the cap).

        Raises :class:`~xpo1kg.errors.QuerySyntaxError` for a bad or refused query and
        :class:`QueryTimeout` when it runs past the time limit.
        """
        limit = self.max_rows if max_rows is None else min(max_rows, self.max_rows)
        try:
            reply = await self.execute(Job(sparql, None, limit, bindings=True))
        except UpdateRefusedError as error:
            raise QuerySyntaxError(str(error)) from None
        if not isinstance(reply, Solutions):
            raise QuerySyntaxError("expected a SELECT query")
        return SelectAnswer(reply.variables, reply.rows, reply.truncated)
