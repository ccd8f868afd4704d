"""Benchmark tolerant search (xpo1kg.store.search) on a graph of about 10,000 named entities.

Generates N synthetic measurements (benchmarks/generate.py, seed 1; each measurement is a labelled
entity, plus about N/200 inhibitors and N/50 cell lines) next to the bundled graph, builds the
search index once, then times ``index.search(text, limit=20)`` for queries of every kind of match
(the median of several runs each) and ``index.suggest`` for a text that matches nothing.

Usage::

    python benchmarks/search.py --measurements 10000 --runs 15
    python benchmarks/search.py --output benchmarks/results/search.json

Prints a Markdown table; with --output also writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from xpo1kg.store.knowledge_graph import load_graph

#: (query, what it exercises)
QUERIES = [
    ("selinexor", "exact label"),
    ("P04637", "exact identifier"),
    ("xr:TP53", "exact CURIE"),
    ("selin", "prefix"),
    ("SYN-CL-0001", "prefix of 100 cell lines, word of ~5,000 labels"),
    ("SYN-INH-000027", "exact + the word in ~200 measurement labels"),
    ("breast carcinoma", "words"),
    ("ovarian", "prefix + word"),
    ("IC50", "prefix of ~10,000 labels (worst case)"),
    ("IkB", "normalised"),
    ("NF-κB", "normalised, Greek"),
    ("selinexr", "typo"),
    ("synthetc folicular lymphoma", "typos in two words"),
    ("zzzzqqq", "nothing"),
]


def _generator() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate

    return generate


def _median_ms(action: Any, runs: int) -> tuple[float, float, Any]:
    """Return the median wall-clock and CPU milliseconds of ``runs`` calls, and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measurements", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.nt"
        triples = _generator().write(path, args.measurements, 1, "nt")
        kg = load_graph([path])
        start, start_cpu = time.perf_counter(), time.process_time()
        index = kg.search_index
        build, build_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    rows = []
    for text, kind in QUERIES:
        index.search(text, limit=20)  # warm up
        ms, cpu, hits = _median_ms(lambda text=text: index.search(text, limit=20), args.runs)
        total = len(index.search(text, limit=None))
        first = f"{hits[0].label} ({hits[0].match})" if hits else "—"
        rows.append({"query": text, "kind": kind, "median_ms": round(ms, 2),
                     "median_cpu_ms": round(cpu, 2), "matches": total, "first": first})  # fmt: skip
    suggest_ms, suggest_cpu, suggested = _median_ms(
        lambda: index.suggest("zzzzqqq selinexr"), args.runs
    )

    print(f"{len(index):,} entities, {triples:,} synthetic triples + the bundled graph; "
          f"index built in {build:.2f} s ({build_cpu:.2f} s CPU); median of {args.runs} runs, limit=20\n")  # fmt: skip
    print("| query | kind | median wall (ms) | median CPU (ms) | matches | first |")
    print("|---|---|---:|---:|---:|---|")
    for row in rows:
        print(f"| `{row['query']}` | {row['kind']} | {row['median_ms']:.2f} | "
              f"{row['median_cpu_ms']:.2f} | {row['matches']:,} | {row['first']} |")  # fmt: skip
    print(f"\nsuggest (nothing matches): {suggest_ms:.1f} ms wall, {suggest_cpu:.1f} ms CPU, "
          f"{len(suggested)} suggestions")  # fmt: skip
    slowest = max(row["median_ms"] for row in rows)
    print(f"slowest search: {slowest:.2f} ms; load average {os.getloadavg()[0]:.1f}")

    if args.output:
        report = {
            "entities": len(index),
            "synthetic_triples": triples,
            "measurements": args.measurements,
            "build_seconds": round(build, 3),
            "build_cpu_seconds": round(build_cpu, 3),
            "runs": args.runs,
            "queries": rows,
            "suggest_ms": round(suggest_ms, 2),
            "suggest_cpu_ms": round(suggest_cpu, 2),
            "load_average": os.getloadavg()[0],
            "slowest_search_ms": slowest,
            "python": platform.python_version(),
            "pyoxigraph": version("pyoxigraph"),
        }
        args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
