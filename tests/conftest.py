"""Shared fixtures: the bundled graph is loaded once per test session (per xdist worker)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_setup import CHROMIUM, browser_decision, launched_browser, require_chromium
from fresh_env import build_wheel, make_base_env
from serving import RunningServer, running_server

from xpo1kg import KnowledgeGraph, ValidationReport, load_graph

if TYPE_CHECKING:  # Playwright is imported only by the tests that drive the browser
    from playwright.sync_api import Browser

#: Test modules that share session fixtures, and the group that keeps them on one xdist worker (so
#: that each shared fixture is built once). The modules also carry ``xdist_group`` marks, but
#: pytest-xdist 3.8 cannot apply them under pytest 9 (it rewrites ``Item._nodeid``, which pytest 9
#: no longer reads), so the scheduler below applies this table instead.
XDIST_GROUPS = {
    "tests/test_wheel.py": "fresh_env",
    "tests/test_editable.py": "fresh_env",
    "tests/test_shapes.py": "shapes",
    "tests/test_fastshacl.py": "shapes",
    "tests/server/test_server_protocol.py": "default_server",
    "tests/server/test_server_sparqlwrapper.py": "default_server",
    "tests/server/test_pages.py": "one_worker_server",
    "tests/server/test_server_dereference.py": "one_worker_server",
    "tests/server/test_browser.py": "one_worker_server",
}
#: Units that take longest (installs into fresh environments, the Virtuoso server): handed out
#: first, so that they do not start last and leave one worker running alone at the end.
LONGEST_FIRST = ("group:fresh_env", "module:tests/test_virtuoso.py")


def xdist_scope(nodeid: str) -> str:
    """The unit of work a test belongs to: its group in :data:`XDIST_GROUPS`, else its module.

    A module runs on one worker, so its module-scoped fixtures (servers, stores, releases) are
    built once per run rather than once per worker; a new module needs no entry in the table.
    """
    module = nodeid.split("::", 1)[0]
    group = XDIST_GROUPS.get(module)
    return f"group:{group}" if group else f"module:{module}"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under ``--dist loadgroup``, send each unit of :func:`xdist_scope` to one worker.

    The units of :data:`LONGEST_FIRST` go first; then xdist hands out the units with the most
    tests first, so the small modules fill in at the end.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class TableGroupScheduling(LoadGroupScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

        def _assign_work_unit(self, node: object) -> None:
            for scope in reversed(LONGEST_FIRST):
                if scope in self.workqueue:
                    self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return TableGroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that uses one of its module's ``SLOW_FIXTURES`` (real servers).

    A module lists the fixtures that start something expensive; its tests that need none of
    them stay in the quick run (`pytest -m "not slow"`).
    """
    for item in items:
        slow = getattr(getattr(item, "module", None), "SLOW_FIXTURES", frozenset())
        if slow & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


#: ``gc.set_threshold`` for the test run (see :func:`pytest_collection_finish`).
GC_THRESHOLDS = (2_000, 10, 50)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what importing the modules under test made: it lives as long as the process.

    Tests collect garbage often (a store is closed only when its last reference goes, and
    RocksDB allows one handle per directory); frozen objects are not scanned again, so each
    collection looks at what the tests made, not at every module of rdflib, pyshacl and the rest.
    Automatic collections run less often than by Python's default (a young one per 700 new
    objects, a full one per 70,000): a young one per 2,000, a full one per million. Tests make
    rdflib graphs of thousands of triples; the collector took 86 s of a run, 62 s after this.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a module's last test and its fixtures' teardown, freeze what outlives the module.

    What is left then (session fixtures, the caches of parsed files, reasoner outcomes and query
    shapes) lives until the end of the run; frozen after a collection, it is not scanned again
    by the full collections of the tests that follow.
    """
    yield
    if nextitem is None or getattr(nextitem, "module", None) is not getattr(item, "module", None):
        gc.collect()
        gc.freeze()


def pytest_report_header() -> str:
    """Say in one line whether the browser tests can run (and why not)."""
    return browser_decision(CHROMIUM, os.environ).reason


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the inferred-graph cache of the test run out of the user's home.

    The xdist workers of one run share it (the cache is written atomically), so the reasoner runs
    once per run rather than once per worker.
    """
    previous = os.environ.get("XDG_CACHE_HOME")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent / "cache"  # the run's, not the worker's
        shared.mkdir(exist_ok=True)
        os.environ["XDG_CACHE_HOME"] = str(shared)
    else:
        os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    return load_graph()


@pytest.fixture(scope="session")
def inferred_kg() -> KnowledgeGraph:
    return load_graph(inferred=True)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once per test run (tests/test_wheel.py, tests/test_editable.py)."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def base_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the project's dependencies, built once per test run."""
    return make_base_env(tmp_path_factory.mktemp("venv"), wheel)


@pytest.fixture(scope="session")
def shape_case_reports() -> dict[str, ValidationReport]:
    """pyshacl's reports on the broken copies of tests/test_shapes.py, by case id.

    tests/test_shapes.py and tests/test_fastshacl.py validate the same copies with pyshacl (the
    slowest step of the suite); whichever runs first stores the report, the other reuses it.
    """
    return {}


@pytest.fixture(scope="session")
def default_server() -> Iterator[RunningServer]:
    """One ``xpo1kg serve`` with the default options, for the tests that only read from it."""
    with running_server() as running:
        yield running


@pytest.fixture(scope="session")
def one_worker_server() -> Iterator[RunningServer]:
    """One ``xpo1kg serve --workers 1``, for the page tests that only read from it."""
    with running_server("--workers", "1") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium for one module's browser tests; without it they skip (fail if CI=true)."""
    require_chromium()
    yield from launched_browser()


# A measurement that breaks several shapes (wrong inhibitor type, value 0, no unit, no evidence):
# the validation tests' shared bad file.
BROKEN = """@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
xr:IC50_broken a xo:IC50Measurement ; rdfs:label "broken" ; xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:TP53 ; xo:hasCellLine xr:A2780 ; xo:value 0.0 ;
    dcterms:source xr:BenchChemGuide2025 .
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A Turtle file with one broken IC50 measurement."""
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    return path
