"""The query runner the HTML pages use (real worker processes), and the server's doctests."""

from __future__ import annotations

import asyncio
import doctest
import importlib
import logging
import pkgutil
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

import xpo1kg.server
from xpo1kg.errors import QuerySyntaxError
from xpo1kg.server import runner as runner_module
from xpo1kg.server.runner import QueryRunner, QueryTimeout, SelectAnswer
from xpo1kg.server.settings import GraphSpec
from xpo1kg.server.worker import Ready

T = TypeVar("T")
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def with_runner(use: Callable[[QueryRunner], Awaitable[T]], **options: float) -> T:
    async def main() -> T:
        runner = QueryRunner(GraphSpec(), workers=1, **options)  # type: ignore[arg-type]
        await runner.start()
        try:
            await runner.wait_ready()
            return await use(runner)
        finally:
            await runner.close()

    return asyncio.run(main())


def test_select_returns_json_bindings() -> None:
    query = (
        "SELECT ?s ?label ?missing WHERE { ?s xo:uniprotAccession 'P04637' ; rdfs:label ?label "
        "OPTIONAL { ?s xo:noSuchProperty ?missing } }"
    )
    answer = with_runner(lambda runner: runner.select(query))
    assert answer == SelectAnswer(
        variables=("s", "label", "missing"),
        rows=[
            {
                "s": {"type": "uri", "value": "https://w3id.org/xpo1kg/resource/TP53"},
                "label": {"type": "literal", "value": "TP53"},
            }
        ],
        truncated=False,
    )


def test_select_caps_rows() -> None:
    query = "SELECT ?s WHERE { ?s a xo:TumorSuppressor } ORDER BY ?s"
    answer = with_runner(lambda runner: runner.select(query, max_rows=3))
    assert len(answer.rows) == 3
    assert answer.truncated is True


def test_select_refuses_bad_queries() -> None:
    async def attempts(runner: QueryRunner) -> list[str]:
        messages = []
        for text in ("SELECT * WHERE {", "ASK {}", "DROP ALL", "SELECT * { SERVICE <urn:x> {} }"):
            with pytest.raises(QuerySyntaxError) as caught:
                await runner.select(text)
            messages.append(str(caught.value))
        return messages

    messages = with_runner(attempts)
    assert messages[0].startswith("invalid SPARQL at line 1")
    assert messages[1] == "expected a SELECT query, got ASK"
    assert messages[2] == "SPARQL Update (DROP) is not allowed: this endpoint is read-only"
    assert messages[3] == "SERVICE is not allowed: queries never contact other servers"


def test_select_times_out_then_recovers() -> None:
    async def attempt(runner: QueryRunner) -> SelectAnswer:
        with pytest.raises(QueryTimeout):
            await runner.select(ENDLESS)
        return await runner.select("SELECT ?x WHERE { VALUES ?x { 1 } }")

    answer = with_runner(attempt, timeout=1.0)
    assert answer.rows == [
        {
            "x": {
                "type": "literal",
                "value": "1",
                "datatype": "http://www.w3.org/2001/XMLSchema#integer",
            }
        }
    ]


def server_modules() -> list[str]:
    return sorted(f"xpo1kg.server.{m.name}" for m in pkgutil.iter_modules(xpo1kg.server.__path__))


@pytest.mark.parametrize("name", [*server_modules(), "xpo1kg.cli.serve"])
def test_server_doctests(name: str) -> None:
    results = doctest.testmod(importlib.import_module(name), verbose=False, report=True)
    assert results.failed == 0, f"{results.failed} doctest(s) failed in {name}"


def test_startup_says_once_when_workers_are_not_isolated(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The documented fallback: one log line when the network namespace is not available."""
    reason = "unshare(CLONE_NEWNET) failed: Operation not permitted"

    class UnisolatedWorker:
        pid = 1

        def __init__(self, spec: GraphSpec, max_memory: int) -> None:
            pass

        async def receive(self, timeout: float) -> Ready:
            return Ready(network_isolated=False, note=reason)

        def kill(self) -> None:
            pass

    monkeypatch.setattr(runner_module, "_Worker", UnisolatedWorker)

    async def main() -> QueryRunner:
        runner = QueryRunner(GraphSpec(), workers=2)
        await runner.start()
        await runner.wait_ready()
        await runner.close()
        return runner

    with caplog.at_level(logging.WARNING, logger="xpo1kg.server"):
        runner = asyncio.run(main())
    assert runner.network_isolated is False
    assert [r.getMessage() for r in caplog.records] == [
        (
            f"xpo1kg: query workers are NOT isolated from the network ({reason}); "
            "SERVICE is still refused by the query text check"
        )
    ]
