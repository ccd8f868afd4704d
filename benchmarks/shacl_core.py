"""Conformance on the SHACL core tests that pySHACL's source distribution ships (not a pytest test).

    python benchmarks/shacl_core.py [--cache DIR]

Downloads the source distribution of the installed pyshacl version with pip (``pip download
--no-binary :all: --no-deps pyshacl==VERSION``) into ``--cache`` (default
``benchmarks/.cache/``; kept, so a second run needs no network), and runs every test of
``test/resources/dash_tests/core/`` through both engines of the internal API:

* pyshacl: ``validate_graph(graph, Graph(), shapes=graph)``;
* the fast engine: ``validate_fast(graph, Graph(), shapes=graph)``, which validates the shapes it
  cannot compile with pyshacl (its report's ``fallback`` names them);
* the compiler alone: ``split_shapes(graph, messages_required=False)`` run by ``validate_store``,
  on the tests whose shapes all compile (a shape without sh:message falls back to pyshacl in the
  fast engine, which does not word pyshacl's default messages; here it is compiled anyway).

Each test file is at once the data graph, the shapes graph and the expected report
(``dash:expectedResult``). A test agrees when ``sh:conforms`` is the same and the results match one
to one on focus node, path (as SPARQL), severity, constraint component, source shape, and the value
when the expected result gives one (messages are not compared: the tests give none). Results are
printed as Markdown and written to benchmarks/results/shacl_core.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import warnings
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import rdflib
from rdflib import Graph, Namespace
from rdflib.namespace import SH

from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.compiled import UnsupportedShapeError
from xpo1kg.validate.compiler import split_shapes
from xpo1kg.validate.fast_engine import FallbackWarning, validate_fast
from xpo1kg.validate.lossless_loading import to_store
from xpo1kg.validate.paths import path_text
from xpo1kg.validate.pyshacl_engine import ValidationReport, validate_graph
from xpo1kg.validate.store_validation import validate_store

HERE = Path(__file__).resolve().parent
DASH = Namespace("http://datashapes.org/dash#")
CORE = "test/resources/dash_tests/core/"
Key = tuple[str, str | None, str | None, str, str, str]


def suite(cache: Path) -> Path:
    """Return the core tests folder of the installed pyshacl's sdist, downloading it if needed."""
    release = version("pyshacl")
    folder = cache / f"pyshacl-{release}"
    if not (folder / CORE).is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        archive = cache / f"pyshacl-{release}.tar.gz"
        if not archive.exists():
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                 f"pyshacl=={release}", "--dest", str(cache)],
                check=True,
            )  # fmt: skip
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if f"/{CORE}" in m.name and m.isfile()]
            tar.extractall(cache, members=members, filter="data")
    return folder / CORE


def expected(graph: Graph) -> tuple[bool, list[Key]]:
    """Return the expected conformance and results (value None: any value) of a test file."""
    report = next(graph.objects(None, DASH.expectedResult))
    conforms = bool(graph.value(report, SH.conforms).toPython())  # type: ignore[union-attr]
    keys = []
    for result in graph.objects(report, SH.result):
        value = graph.value(result, SH.value)
        keys.append(
            (
                str(graph.value(result, SH.focusNode)),
                path_text(graph, graph.value(result, SH.resultPath)),
                None if value is None else str(value),
                compress(str(graph.value(result, SH.resultSeverity))),
                compress(str(graph.value(result, SH.sourceConstraintComponent))),
                str(graph.value(result, SH.sourceShape)),
            )
        )
    return conforms, keys


def agrees(report: ValidationReport, conforms: bool, keys: list[Key]) -> tuple[bool, str]:
    """Whether a report is the expected one; if not, what differs."""
    # A list, not a set: two results may differ only in what the key leaves out (the language of
    # the value, the message), and then both must be expected.
    found = sorted(
        [
            (r.focus_node, r.path, r.value, r.severity, r.constraint_component, r.source_shape)
            for r in report.results
        ],
        key=str,
    )
    missing = []
    for key in keys:
        match = next(
            (f for f in found if f[:2] == key[:2] and f[3:] == key[3:] and key[2] in (None, f[2])),
            None,
        )
        if match is None:
            missing.append(key)
        else:
            found.remove(match)
    if report.conforms != conforms:
        return False, f"conforms {report.conforms}, expected {conforms}"
    if missing or found:
        return False, f"missing {missing[:2]}, unexpected {found[:2]}"
    return True, ""


def run(
    engine: Callable[[Graph], ValidationReport], graph: Graph
) -> tuple[ValidationReport | None, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FallbackWarning)
            return engine(graph), ""
    except Exception as error:  # noqa: BLE001 - a benchmark records every failure and goes on
        return None, f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"


def compiled_only(graph: Graph) -> ValidationReport:
    """Validate with the compiled queries only; refuse (raise) if any shape does not compile."""
    compiled = split_shapes(graph, messages_required=False)
    if compiled.refused:
        raise UnsupportedShapeError("; ".join(reason for _, reason in compiled.refused))
    return validate_store(
        to_store(graph, Graph()), labels_from=(graph, Graph()), constraints=compiled.constraints
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    args = parser.parse_args()
    folder = suite(args.cache)
    # As pyshacl's own test runner: literals are compared as written.
    rdflib.NORMALIZE_LITERALS = False
    engines: dict[str, Callable[[Graph], ValidationReport]] = {
        "pyshacl": lambda g: validate_graph(g, Graph(), shapes=g),
        "fast": lambda g: validate_fast(g, Graph(), shapes=g),
        "compiler": compiled_only,
    }
    tests: list[dict[str, Any]] = []
    for path in sorted(folder.rglob("*.test.ttl")):
        graph = Graph().parse(path, format="turtle")
        conforms, keys = expected(graph)
        row: dict[str, Any] = {"test": str(path.relative_to(folder))}
        for name, engine in engines.items():
            report, error = run(engine, graph)
            ok, why = (False, error) if report is None else agrees(report, conforms, keys)
            row[name] = ok
            row[f"{name}_why"] = why
            if name == "fast":
                row["fallback"] = list(report.fallback) if report is not None else []
        tests.append(row)
    total = len(tests)
    accepted = [t for t in tests if not t["compiler_why"].startswith("UnsupportedShapeError")]
    summary = {
        "pyshacl": version("pyshacl"),
        "tests": total,
        "pyshacl_agree": sum(t["pyshacl"] for t in tests),
        "fast_agree": sum(t["fast"] for t in tests),
        "fast_without_fallback": sum(not t["fallback"] for t in tests),
        "fast_without_fallback_agree": sum(t["fast"] for t in tests if not t["fallback"]),
        "compiler_accepts": len(accepted),
        "compiler_agree": sum(t["compiler"] for t in accepted),
    }
    reasons = Counter(reason.split(": ")[-1] for t in tests for reason in t["fallback"])
    refusals = Counter(
        reason.split(": ")[-1]
        for t in tests
        if t["compiler_why"].startswith("UnsupportedShapeError")
        for reason in t["compiler_why"].removeprefix("UnsupportedShapeError: ").split("; ")
    )
    print(f"SHACL core tests of pyshacl {summary['pyshacl']}: {total}\n")
    print("| engine | tests it runs | agree with the expected report |")
    print("|---|---:|---:|")
    print(f"| pyshacl | {total} | {summary['pyshacl_agree']} |")
    print(
        f"| fast engine (pyshacl for the shapes it cannot compile) | {total} | {summary['fast_agree']} |"
    )
    print(
        f"| fast engine, tests without fallback | {summary['fast_without_fallback']} | "
        f"{summary['fast_without_fallback_agree']} |"
    )
    print(
        f"| the compiled queries alone (sh:message not required) | {summary['compiler_accepts']} | "
        f"{summary['compiler_agree']} |"
    )
    print("\nDisagreements:")
    for t in tests:
        for name in engines:
            if not t[name] and not (name == "compiler" and t not in accepted):
                print(f"- {name} {t['test']}: {t[f'{name}_why']}")
    print("\nWhy the fast engine left shapes to pyshacl (per shape):")
    for reason, count in reasons.most_common():
        print(f"- {count} × {reason}")
    print("\nWhat the compiler refuses when sh:message is not required (per shape):")
    for reason, count in refusals.most_common():
        print(f"- {count} × {reason}")
    out = HERE / "results" / "shacl_core.json"
    out.write_text(
        json.dumps(
            {
                "summary": summary,
                "fallback_reasons": dict(reasons.most_common()),
                "compiler_refusals": dict(refusals.most_common()),
                "tests": tests,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
