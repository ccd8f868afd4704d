"""Reasoning at a million triples: the rules engine against OWL 2 RL (reasonable) and HermiT.

    python benchmarks/reasoning_rules.py [--measurements 100000] [--hermit-timeout 600]
        [--memory-gb 8] [--engines rules rl dl]

Generates the synthetic measurements (benchmarks/generate.py, seed 1), then runs each engine in a
child process of its own, which loads the bundled graph plus the synthetic file into Oxigraph and
reasons: ``rules`` reads the triples straight from the store (what ``xpo1kg reason --reasoner
rules`` does), ``rl`` and ``dl`` need the rdflib graph that ``reason`` takes. Each row gives the
wall time of the reasoning step, of the whole child (load included), and its peak RSS (Java's
included, from ``getrusage``). HermiT is stopped at its timeout, and any engine whose process group
passes ``--memory-gb`` resident is stopped, so that it fails instead of filling a shared machine.

For the rules engine it also times increments: a closure of the graph without a random 0.1% or
1% of its triples, then :meth:`~xpo1kg.reason.rules.Closure.increment` with those triples.
Results go to benchmarks/results/reasoning_rules.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import resource
import signal
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _run(path: str, engine: str, queue: Any) -> None:
    os.setsid()  # its own process group, so that a timeout also stops the reasoner's Java
    start = time.perf_counter()
    from xpo1kg import load_graph
    from xpo1kg.store.embedded import INFERRED_GRAPH_IRI, META_GRAPH_IRI

    kg = load_graph([path])
    loaded = time.perf_counter()
    row: dict[str, Any] = {"triples": len(kg), "load_seconds": loaded - start}
    if engine == "rules":
        from xpo1kg.reason.reasoner import reason_with_rules
        from xpo1kg.reason.rule_tbox import RuleTbox
        from xpo1kg.reason.rules import Closure, oxigraph_triples

        graphs = sorted(kg.store.graph_names() - {INFERRED_GRAPH_IRI, META_GRAPH_IRI})
        ontology = kg.ontology
        began = time.perf_counter()
        report = reason_with_rules(oxigraph_triples(kg.store.oxigraph, graphs), ontology, str)
        row |= {"seconds": time.perf_counter() - began, "consistent": report.consistent}
        row |= {"inferred": len(report.inferred), "total_seconds": time.perf_counter() - start}
        row["peak_mib"] = _peak_mib()
        del report
        facts = list(oxigraph_triples(kg.store.oxigraph, graphs))
        tbox = RuleTbox(ontology)
        increments = []
        for share in (0.001, 0.01):
            random.Random(1).shuffle(facts)
            held = int(len(facts) * share)
            closure = Closure(tbox)
            closure.add(facts[held:])
            began = time.perf_counter()
            added, removed = closure.increment(facts[:held])
            increments.append(
                {
                    "added_triples": held,
                    "seconds": time.perf_counter() - began,
                    "facts_added": len(added),
                    "facts_removed": len(removed),
                }
            )
            del closure
        row["increments"] = increments
    else:
        from xpo1kg.reason.reasoner import reason

        graph = kg.graph
        began = time.perf_counter()
        report = reason(graph, kg.ontology, mode=engine)  # type: ignore[arg-type]
        row |= {"seconds": time.perf_counter() - began, "consistent": report.consistent}
        row |= {"inferred": len(report.inferred), "total_seconds": time.perf_counter() - start}
        row["peak_mib"] = _peak_mib()
    queue.put(row)


def _group_rss_gb(group: int) -> float:
    """Return the resident memory of a process group (the child and its Java), in GB."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total / 1024**3


def measure(path: Path, engine: str, timeout: float, memory_gb: float) -> dict[str, Any]:
    """Run one engine in a child process; report its numbers, or how it failed."""
    context = multiprocessing.get_context("spawn")
    queue: Any = context.Queue()
    process = context.Process(target=_run, args=(str(path), engine, queue))
    process.start()
    deadline = time.monotonic() + timeout
    high = 0.0
    while process.is_alive() and time.monotonic() < deadline and queue.empty():
        process.join(1)
        high = max(high, _group_rss_gb(process.pid))
        if high > memory_gb:
            os.killpg(process.pid, signal.SIGKILL)
            process.join()
            return {"seconds": None, "note": f"stopped when it passed {memory_gb:g} GB resident"}
    if not queue.empty():
        row = dict(queue.get())
        process.join()
        row["sampled_peak_gib"] = high
        return row
    if process.is_alive():
        os.killpg(process.pid, signal.SIGKILL)
        process.join()
        return {"seconds": None, "note": f"did not finish in {timeout:.0f} s"}
    return {"seconds": None, "note": f"failed (exit code {process.exitcode})"}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--measurements", type=int, default=100_000)
    parser.add_argument("--engines", nargs="+", default=["rules", "rl", "dl"])
    parser.add_argument("--hermit-timeout", type=float, default=600)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--memory-gb", type=float, default=8, help="stop an engine above this")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import generate

    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_before": os.getloadavg(),
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("pyoxigraph", "rdflib", "owlready2", "reasonable")},
        "measurements": args.measurements,
        "engines": {},
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.nt"
        generate.write(path, args.measurements, 1, "nt")
        for engine in args.engines:
            print(f"{engine} …", file=sys.stderr, flush=True)
            timeout = args.hermit_timeout if engine == "dl" else args.timeout
            row = measure(path, engine, timeout, args.memory_gb)
            row["load_average_after"] = os.getloadavg()
            result["engines"][engine] = row
            print(json.dumps(row), file=sys.stderr, flush=True)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "reasoning_rules.json").write_text(json.dumps(result, indent=2) + "\n")
    names = {"rules": "rules engine", "rl": "OWL 2 RL (reasonable)", "dl": "HermiT (OWL 2 DL)"}
    print("| engine | reasoning (s) | with load (s) | peak RSS (MiB) | inferred facts |")
    print("|---|---:|---:|---:|---:|")
    for engine, row in result["engines"].items():
        if row.get("seconds") is None:
            print(f"| {names[engine]} | {row['note']} | | | |")
        else:
            print(
                f"| {names[engine]} | {row['seconds']:.1f} | {row['total_seconds']:.1f} | "
                f"{row['peak_mib']:,.0f} | {row['inferred']:,} |"
            )


if __name__ == "__main__":
    main()
