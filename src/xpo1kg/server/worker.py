"""Query evaluation inside a worker process, so that a query past its time limit can be killed.

The parent (:mod:`.runner`) sends :class:`Job` objects through a pipe; the worker answers each with
a :class:`Payload` (serialised bytes), :class:`Solutions` (bindings for the HTML pages) or
:class:`Failure`. Only what pickles crosses the pipe: no pyoxigraph objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from xpo1kg.errors import QuerySyntaxError, XPO1KGError
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
from xpo1kg.server.sparql_text import has_dataset_clause
from xpo1kg.store.embedded import INFERRED_GRAPH_IRI, META_GRAPH_IRI, check_query_is_safe

__all__ = ["Failure", "Job", "Payload", "QueryEngine", "Solutions", "serve_jobs"]


@dataclass(frozen=True)
class Job:
    """One query to evaluate; ``accept`` is negotiated here, once the query form is known."""

    sparql: str
    accept: str | None
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: bool = False


@dataclass(frozen=True)
class Payload:
    """A serialised answer, ready to send."""

    media_type: str
    body: bytes
    truncated: bool = False


@dataclass(frozen=True)
class Solutions:
    """SELECT bindings in SPARQL 1.1 JSON form (for code that renders them itself)."""

    variables: tuple[str, ...]
    rows: list[Bindings] = field(default_factory=list)
    truncated: bool = False


@dataclass(frozen=True)
class Failure:
    """A refused or failed query, with the HTTP status it deserves and a one-line message."""

    status: int
    message: str


Reply = Payload | Solutions | Failure


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
        return cls(store, sorted(names - {INFERRED_GRAPH_IRI, META_GRAPH_IRI}))

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
        check_query_is_safe(job.sparql)
        options: dict[str, object] = {"prefixes": PREFIXES}
        if job.default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        elif has_dataset_clause(job.sparql):
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
            triples = list(islice(answer, job.max_rows + 1))
            truncated = len(triples) > job.max_rows
            return Payload(
                media_type, serialize_graph(media_type, triples[: job.max_rows]), truncated
            )
        variables = tuple(v.value for v in answer.variables)
        # Stream: at most one solution past the cap is ever computed.
        solutions = list(islice(answer, job.max_rows + 1))
        truncated = len(solutions) > job.max_rows
        rows = [
            {name: term_json(s[name]) for name in variables if s[name] is not None}
            for s in solutions[: job.max_rows]
        ]
        if job.bindings:
            return Solutions(variables, rows, truncated)
        media_type = choose(job.accept, SOLUTION_TYPES)
        if media_type is None:
            return _not_acceptable(job.accept, SOLUTION_TYPES)
        body = serialize_solutions(media_type, variables, rows, truncated=truncated)
        return Payload(media_type, body, truncated)


def _not_acceptable(accept: str | None, offers: tuple[str, ...]) -> Failure:
    return Failure(406, f"cannot answer in {accept}; available: {', '.join(offers)}")


def serve_jobs(connection: Connection, spec: GraphSpec) -> None:
    """Worker process entry point: open the graph, say "ready", then answer jobs until EOF."""
    try:
        engine = QueryEngine.open(spec)
    except (XPO1KGError, OSError) as error:
        connection.send(Failure(500, f"worker cannot open the graph: {error}"))
        return
    connection.send("ready")
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(engine.run(job))
