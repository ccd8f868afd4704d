"""Query evaluation inside a worker process, so that a query past its time limit can be killed.

The parent (:mod:`.runner`) sends :class:`Job` objects through a pipe; the worker answers each with
a :class:`Payload` (serialised bytes), :class:`Solutions` (bindings for the HTML pages) or
:class:`Failure`. Only what pickles crosses the pipe: no pyoxigraph objects.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import signal
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from xpo1kg.errors import QuerySyntaxError, XPO1KGError
from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, asserted_graphs
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.server.negotiation import BOOLEAN_TYPES, GRAPH_TYPES, SOLUTION_TYPES, choose
from xpo1kg.server.serializers import (
    Bindings,
    serialize_boolean,
    serialize_graph,
    serialize_solutions,
    term_json,
)
from xpo1kg.server.settings import GraphSpec
from xpo1kg.store.embedded import check_query_is_safe

__all__ = [
    "BYTES_LIMIT",
    "ROWS_LIMIT",
    "Failure",
    "Job",
    "Payload",
    "QueryEngine",
    "Ready",
    "Solutions",
    "isolate_network",
    "limit_memory",
    "memory_refused",
    "serve_jobs",
    "update_refused",
]

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
#: The limit a client is told about when its answer is cut at ``max_bytes``.
BYTES_LIMIT = "max-response-bytes"
ROWS_LIMIT = "max-rows"


@dataclass(frozen=True)
class Job:
    """One query to evaluate; ``accept`` is negotiated here, once the query form is known."""

    sparql: str
    accept: str | None
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: bool = False
    #: Largest serialised answer (0: no limit); rows past it are cut, as past ``max_rows``.
    max_bytes: int = 0


@dataclass(frozen=True)
class Payload:
    """A serialised answer, ready to send."""

    media_type: str
    body: bytes
    truncated: bool = False
    #: Which limit cut the answer: ``max-rows`` or ``max-response-bytes``.
    limit: str = ROWS_LIMIT


@dataclass(frozen=True)
class Solutions:
    """SELECT bindings in SPARQL 1.1 JSON form (for code that renders them itself)."""

    variables: tuple[str, ...]
    rows: list[Bindings] = field(default_factory=list)
    truncated: bool = False


@dataclass(frozen=True)
class Ready:
    """A worker's first message: the graph is loaded; whether it can reach the network."""

    network_isolated: bool
    note: str = ""


@dataclass(frozen=True)
class Failure:
    """A refused or failed query, with the HTTP status it deserves and a one-line message."""

    status: int
    message: str


Reply = Payload | Solutions | Failure


def update_refused(keyword: str) -> str:
    """Return the one-line refusal of a SPARQL Update operation."""
    return f"SPARQL Update ({keyword}) is not allowed: this endpoint is read-only"


def _syntax_message(error: SyntaxError) -> str:
    text = " ".join(str(error).split())
    found = re.match(r"error at (\d+):(\d+): (.*)", text)
    if found:
        return f"invalid SPARQL at line {found.group(1)}, column {found.group(2)}: {found.group(3)}"
    return f"invalid SPARQL: {text}"


class QueryEngine:
    """A read-only view of the graph that evaluates :class:`Job` s.

    >>> engine = QueryEngine.open(GraphSpec())
    >>> engine.run(Job("ASK { xr:selinexor xo:inhibits xr:XPO1 }", None, 10)).body
    b'{"head":{},"boolean":true}'
    """

    def __init__(self, store: ox.Store, default_graph: list[str] | None) -> None:
        """Query ``store`` over ``default_graph`` (None: the union of all named graphs)."""
        self._store = store
        self._default_graph = default_graph

    @classmethod
    def open(cls, spec: GraphSpec) -> QueryEngine:
        """Load the bundled graph and data files, or open a persistent store read-only."""
        in_memory = None
        if spec.store is not None:
            from xpo1kg.store.snapshot import open_in_memory

            in_memory = open_in_memory(Path(spec.store), inferred=spec.inferred)
        if in_memory is not None:
            store = in_memory.oxigraph
        elif spec.store is not None:
            store = ox.Store.read_only(spec.store)
        else:
            from xpo1kg.store.knowledge_graph import load_graph

            graph = load_graph([Path(p) for p in spec.data], inferred=spec.inferred)
            store = graph.store.oxigraph
        names = {str(getattr(g, "value", g)) for g in store.named_graphs()}
        if spec.inferred or INFERRED_GRAPH_IRI not in names:
            return cls(store, None)
        # The inferred graph is left out unless asked for; so is the one-triple meta graph.
        return cls(store, asserted_graphs(names))

    def run(self, job: Job) -> Reply:
        """Evaluate a job; every error becomes a :class:`Failure`."""
        try:
            return self._run(job)
        except QuerySyntaxError as error:
            return Failure(400, str(error))
        except SyntaxError as error:
            return Failure(400, _syntax_message(error))
        except (OSError, RuntimeError, ValueError, XPO1KGError) as error:
            return Failure(500, "cannot evaluate the query: " + " ".join(str(error).split()))

    def _run(self, job: Job) -> Reply:
        shape = check_query_is_safe(job.sparql)
        if shape.update_keyword is not None:
            return Failure(400, update_refused(shape.update_keyword))
        options: dict[str, object] = {"prefixes": PREFIXES}
        if job.default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        elif shape.dataset:
            pass  # the query's FROM / FROM NAMED choose the dataset
        elif self._default_graph is None:
            options["use_default_graph_as_union"] = True
        else:
            options["default_graph"] = [ox.NamedNode(g) for g in self._default_graph]
        if job.named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        answer = self._store.query(job.sparql, **options)  # type: ignore[arg-type]
        if isinstance(answer, ox.QueryBoolean):
            if job.bindings:
                return Failure(400, "expected a SELECT query, got ASK")
            media_type = choose(job.accept, BOOLEAN_TYPES)
            if media_type is None:
                return _not_acceptable(job.accept, BOOLEAN_TYPES)
            return Payload(media_type, serialize_boolean(media_type, bool(answer)))
        if isinstance(answer, ox.QueryTriples):
            if job.bindings:
                return Failure(400, "expected a SELECT query, got CONSTRUCT or DESCRIBE")
            media_type = choose(job.accept, GRAPH_TYPES)
            if media_type is None:
                return _not_acceptable(job.accept, GRAPH_TYPES)
            triples: list[ox.Triple] = []
            limit, size = "", 0
            for triple in answer:  # stream: at most one triple past a cap is computed
                size += len(str(triple)) + 8
                if len(triples) == job.max_rows:
                    limit = ROWS_LIMIT
                    break
                if job.max_bytes and size > job.max_bytes:
                    limit = BYTES_LIMIT
                    break
                triples.append(triple)
            body = serialize_graph(media_type, triples)
            while job.max_bytes and len(body) > job.max_bytes and triples:
                triples = triples[: len(triples) * job.max_bytes // len(body) - 1]
                body, limit = serialize_graph(media_type, triples), BYTES_LIMIT
            return Payload(media_type, body, bool(limit), limit or ROWS_LIMIT)
        variables = tuple(v.value for v in answer.variables)
        rows: list[Bindings] = []
        limit, size = "", 0
        for solution in answer:  # stream: at most one solution past a cap is computed
            if len(rows) == job.max_rows:
                limit = ROWS_LIMIT
                break
            row = {
                name: term_json(solution[name]) for name in variables if solution[name] is not None
            }
            size += _estimated_size(row)
            if job.max_bytes and size > job.max_bytes:
                limit = BYTES_LIMIT
                break
            rows.append(row)
        if job.bindings:
            return Solutions(variables, rows, bool(limit))
        media_type = choose(job.accept, SOLUTION_TYPES)
        if media_type is None:
            return _not_acceptable(job.accept, SOLUTION_TYPES)
        body = serialize_solutions(media_type, variables, rows, truncated=bool(limit))
        while job.max_bytes and len(body) > job.max_bytes and rows:
            # Escaping made the answer longer than estimated: keep proportionally fewer rows.
            rows = rows[: len(rows) * job.max_bytes // len(body) - 1]
            body = serialize_solutions(media_type, variables, rows, truncated=True)
            limit = BYTES_LIMIT
        return Payload(media_type, body, bool(limit), limit or ROWS_LIMIT)


def _estimated_size(row: Bindings) -> int:
    """Return about how many bytes a row takes in any results format (escaping aside)."""
    return sum(len(name) + sum(len(v) for v in term.values()) + 40 for name, term in row.items())


def _not_acceptable(accept: str | None, offers: tuple[str, ...]) -> Failure:
    return Failure(406, f"cannot answer in {accept}; available: {', '.join(offers)}")


def isolate_network() -> str | None:
    """Move this process into a new network namespace with no usable interface.

    Nothing the process does afterwards can open a connection, not even to 127.0.0.1 (the new
    namespace's loopback is down). Call it before any thread starts. Returns None on success,
    else why it is not possible here (not Linux, no privilege, user namespaces disabled).
    """
    if not hasattr(os, "sched_getaffinity"):  # Linux only (namespaces are a Linux feature)
        return "network namespaces exist only on Linux"
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError) as error:
        return f"no unshare() in the C library ({error})"
    if unshare(_CLONE_NEWNET) == 0:
        return None
    reason = os.strerror(ctypes.get_errno())
    # Without CAP_SYS_ADMIN, a user namespace of its own gives the worker the right to do it.
    if unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
        return None
    return f"unshare(CLONE_NEWNET) failed: {reason}"


def limit_memory(max_bytes: int) -> None:
    """Cap this process's address space: an allocation past it fails (Python) or aborts (Rust)."""
    if max_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def memory_refused(max_bytes: int) -> str:
    """Return the one-line answer to a query stopped by the worker memory limit."""
    shown = f"{max_bytes / 2**20:,.0f} MiB" if max_bytes else "the memory available"
    return f"the query needed more memory than this endpoint allows ({shown} per query)"


def serve_jobs(connection: Connection, spec: GraphSpec, max_memory: int = 0) -> None:
    """Worker process entry point: isolate, open the graph, say ready, answer jobs until EOF.

    A query that runs out of memory is answered with a 503 :class:`Failure` and the worker
    exits, so that the parent starts a fresh one (an allocation failure inside the engine
    aborts the process instead: the parent answers the same 503).
    """
    # Ctrl-C in a terminal reaches the whole process group: the server shuts its workers down
    # itself, so a worker ignores it instead of printing a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    not_isolated = isolate_network()
    limit_memory(max_memory)
    try:
        engine = QueryEngine.open(spec)
    except (XPO1KGError, OSError, MemoryError) as error:
        connection.send(Failure(500, f"worker cannot open the graph: {error}"))
        return
    connection.send(Ready(not_isolated is None, not_isolated or ""))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            reply = engine.run(job)
        except MemoryError:
            reply = Failure(503, memory_refused(max_memory))
        connection.send(reply)
        if isinstance(reply, Failure) and reply.status == 503:
            return
