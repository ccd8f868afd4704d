"""Persistent-store benchmark: ``xpo1kg load --store`` and ``query --store`` against memory and rdflib.

    python benchmarks/persistent.py [--measurements 90000] [--runs 3] [--load-runs 3]

On one synthetic file (benchmarks/generate.py, seed 1; 90,000 measurements give about 1M triples
with the bundled graph), in one run, so that every ratio compares figures taken under the same
machine load:

* **load**: ``xpo1kg load FILE --store DIR`` (the whole command: wall time and peak RSS from
  wait4) against rdflib's ``Graph.parse`` of the same files (benchmarks/run.py's child, its VmHWM),
  alternating the two, ``--load-runs`` times each; medians of time, maxima of peak memory;
* **queries**: every competency query that needs no inference, once to warm up then ``--runs``
  times (31 if under 10 ms), median, in a child holding: ``memory`` (``load_graph([FILE])``),
  ``store`` (``load_graph(store=DIR)``: the snapshot loaded into memory), ``store on disk``
  (the same with ``XPO1KG_STORE_IN_MEMORY=0``: RocksDB, union default graph); each child also
  reports how long opening took;
* **alternatives**, for ``--alternative-queries`` only (slow on disk, one timed run): RocksDB
  opened read-only with the union default graph (what ``serve --store`` workers did), the data
  merged into the default graph of a RocksDB store, and copying the store into memory at open
  through ``Store.dump`` (the cost of opening is reported);
* **cold**: the command ``xpo1kg query QUERY --store DIR`` (process start included, median of
  ``--cold-runs``) against rdflib parsing the files and running the same query (one run);
* **the loader's floor** (``--floor``): Oxigraph's own bulk loader given the file in 8 MB chunks
  (benchmarks/bulk_floor.py), in the same turns as the two loads, for how near 8x any loader on
  Oxigraph's storage can come on the machine;
* **reasoning** (``--inferred-query``): ``xpo1kg query QUERY --store DIR --inferred`` once at the
  end, which computes the inferred graph of the whole store (HermiT on the ontology, the rules
  engine on the data), keeps it in the store and answers (wall time, the largest process's peak).

Results go to benchmarks/results/persistent.json and a summary to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bulk_floor  # benchmarks/bulk_floor.py: Oxigraph's own loader, the floor under ours
import run as storage  # benchmarks/run.py: helpers shared with the storage benchmark

RESULTS = HERE / "results" / "persistent.json"
ENGINES = ("memory", "store", "store on disk")
ALTERNATIVES = ("disk read-only, union", "disk, merged default graph", "dump into memory")


def _cli() -> list[str]:
    return [sys.executable, "-m", "xpo1kg"]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- children -----------------------------------------------------------------------------------


def _timed(run: Any, runs: int) -> dict[str, Any]:
    start = time.perf_counter()
    rows = run()
    warm = time.perf_counter() - start
    samples = []
    for _ in range(runs if warm >= 0.01 else max(runs, 31)):
        start = time.perf_counter()
        run()
        samples.append(1000 * (time.perf_counter() - start))
    return {"rows": rows, "median_ms": statistics.median(samples), "runs_ms": samples}


def child_queries(engine: str, file: str, store: str, names: list[str], runs: int) -> None:
    """Open the graph as ``engine`` says, then time every query; print one JSON line."""
    import pyoxigraph as ox

    from xpo1kg import get_query, load_graph
    from xpo1kg.rdf.namespaces import PREFIXES

    start = time.perf_counter()
    options: dict[str, Any] = {"prefixes": PREFIXES, "use_default_graph_as_union": True}
    raw: Any = None
    if engine == "memory":
        kg = load_graph([file])
    elif engine in ("store", "store on disk"):
        kg = load_graph(store=store)
    elif engine == "disk read-only, union":
        raw = ox.Store.read_only(store)
    elif engine == "disk, merged default graph":
        raw = ox.Store.read_only(store + "-merged")
        options = {"prefixes": PREFIXES}
    else:  # dump into memory
        disk = ox.Store.read_only(store)
        raw = ox.Store()
        raw.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
        del disk
    opened = time.perf_counter() - start
    results: dict[str, Any] = {"open_seconds": opened, "queries": {}}
    for name in names:
        query = get_query(name)
        if raw is None:
            run = lambda query=query: len(kg.query(query))
        else:
            run = lambda query=query: len([tuple(s) for s in raw.query(query.sparql, **options)])
        results["queries"][name] = _timed(run, runs)
    print(json.dumps(results), flush=True)


def child_rdflib_cold(file: str, name: str) -> None:
    """Parse the files with rdflib and run one query (the cold baseline)."""
    from xpo1kg import get_query

    start = time.perf_counter()
    graph = storage._rdflib_graph(file)
    rows = len(list(graph.query(get_query(name).sparql)))
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}), flush=True)


# --- the parent ---------------------------------------------------------------------------------


def _child(*args: str, env: dict[str, str] | None = None, timeout: float) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    if done.returncode != 0:
        return {"status": f"exit {done.returncode}", "stderr": done.stderr[-1000:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure_loads(file: Path, store: Path, args: argparse.Namespace) -> dict[str, Any]:
    samples: dict[str, list[dict[str, Any]]] = {"xpo1kg load --store": [], "rdflib": []}
    floor = "oxigraph bulk_load, 8 MB chunks"
    for run in range(args.load_runs):
        if args.floor:
            _progress(f"load, run {run + 1}/{args.load_runs}: {floor}")
            shutil.rmtree(store, ignore_errors=True)
            outcome = storage._run_with_rusage(
                bulk_floor.commands(file, store)[floor], args.timeout
            )
            if outcome["status"] == "ok":
                samples.setdefault(floor, []).append(
                    {"seconds": outcome["wall_seconds"], "peak_rss_kib": outcome["peak_rss_kib"]}
                )
        _progress(f"load, run {run + 1}/{args.load_runs}: rdflib")
        outcome = storage._run_measured(
            storage._child_command("load", "rdflib", str(file)), args.timeout
        )
        if outcome["status"] == "ok":
            line = json.loads(outcome["stdout"].strip().splitlines()[-1])
            samples["rdflib"].append(
                {"seconds": line["seconds"], "peak_rss_kib": line["peak_rss_kib"]}
            )
        _progress(f"load, run {run + 1}/{args.load_runs}: xpo1kg load --store")
        shutil.rmtree(store, ignore_errors=True)
        outcome = storage._run_with_rusage(
            [*_cli(), "load", str(file), "--store", str(store)], args.timeout
        )
        if outcome["status"] == "ok":
            samples["xpo1kg load --store"].append(
                {"seconds": outcome["wall_seconds"], "peak_rss_kib": outcome["peak_rss_kib"]}
            )
        else:
            _progress(f"  {outcome['status']}: {outcome.get('stderr', '')[-300:]}")
    result: dict[str, Any] = {}
    for tool, runs in samples.items():
        if runs:
            result[tool] = {
                "seconds": statistics.median(r["seconds"] for r in runs),
                "peak_rss_mib": max(r["peak_rss_kib"] for r in runs) / 1024,
                "runs": runs,
            }
            _progress(
                f"  {tool}: {result[tool]['seconds']:.2f} s, {result[tool]['peak_rss_mib']:.0f} MiB"
            )
    ours, theirs = result.get("xpo1kg load --store"), result.get("rdflib")
    if ours and theirs:
        result["rdflib/xpo1kg time"] = theirs["seconds"] / ours["seconds"]
        result["xpo1kg/rdflib peak memory"] = ours["peak_rss_mib"] / theirs["peak_rss_mib"]
    if theirs and floor in result:
        result["rdflib/floor time"] = theirs["seconds"] / result[floor]["seconds"]
    snapshot = store / "xpo1kg-snapshot"
    result["store_mib"] = sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) / 2**20
    result["snapshot_mib"] = (
        sum(f.stat().st_size for f in snapshot.rglob("*") if f.is_file()) / 2**20
    )
    return result


def measure_reasoning(store: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Time the first ``--inferred`` query of the store, which reasons over all of it."""
    _progress(f"reasoning: xpo1kg query {args.inferred_query} --store --inferred")
    outcome = storage._run_with_rusage(
        [*_cli(), "query", args.inferred_query, "--store", str(store), "--inferred"], args.timeout
    )
    if outcome["status"] != "ok":
        return {"status": outcome["status"], "stderr": outcome.get("stderr", "")[-1000:]}
    reasoning = {
        "query": args.inferred_query,
        "seconds": outcome["wall_seconds"],
        "peak_rss_mib": outcome["peak_rss_kib"] / 1024,
    }
    _progress(f"  {reasoning['seconds']:.1f} s, {reasoning['peak_rss_mib']:.0f} MiB")
    return reasoning


def _merged_store(file: Path, store: Path) -> None:
    """A store with the bundled files and FILE all in the default graph (alternative b)."""
    import pyoxigraph as ox

    from xpo1kg.store.embedded import rdf_format_of

    target = Path(str(store) + "-merged")
    shutil.rmtree(target, ignore_errors=True)
    merged = ox.Store(str(target))
    for path, _ in storage._sources(str(file)):
        merged.bulk_load(path=str(path), format=rdf_format_of(path.name))
    merged.flush()
    del merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measurements", type=int, default=90000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--cold-query", default="ic50_by_cancer_type")
    parser.add_argument("--alternative-queries", nargs="*", default=["ic50_by_cancer_type"])
    parser.add_argument("--no-floor", dest="floor", action="store_false")
    parser.add_argument("--inferred-query", default="nuclear_retention_by_inhibitor")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "rdflib-cold":
            child_rdflib_cold(args.child[1], args.child[2])
        else:
            engine, file, store, runs, *names = args.child
            child_queries(engine, file, store, names, int(runs))
        return

    from xpo1kg import list_queries

    names = [q.name for q in list_queries() if not q.requires_inference]
    temporary = tempfile.TemporaryDirectory(prefix="xpo1kg-persist-")
    folder = args.data_dir or Path(temporary.name)
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"synthetic-{args.measurements}-seed{args.seed}.nt"
    if not file.is_file():
        _progress(f"generating {args.measurements:,} measurements")
        storage._generator().write(file, args.measurements, args.seed, "nt")
    store = Path(temporary.name) / "store"
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": storage.machine(),
        "load_average_start": os.getloadavg(),
        "measurements": args.measurements,
        "file_mib": file.stat().st_size / 2**20,
        "settings": vars(args) | {"data_dir": str(args.data_dir), "output": str(args.output)},
    }
    try:
        result["load"] = measure_loads(file, store, args)
        if not store.is_dir():
            assert_ok = subprocess.run(
                [*_cli(), "load", str(file), "--store", str(store)], check=True
            )
            del assert_ok
        queries: dict[str, Any] = {}
        for engine in ENGINES:
            _progress(f"queries: {engine}")
            env = dict(os.environ)
            if engine == "store on disk":
                env["XPO1KG_STORE_IN_MEMORY"] = "0"
            queries[engine] = _child(
                engine, str(file), str(store), str(args.runs), *names, env=env, timeout=args.timeout
            )
            _progress(f"  opened in {queries[engine].get('open_seconds', float('nan')):.2f} s")
        if args.alternative_queries:
            _merged_store(file, store)
            for engine in ALTERNATIVES:
                _progress(f"alternative: {engine}")
                queries[engine] = _child(
                    engine,
                    str(file),
                    str(store),
                    "1",
                    *args.alternative_queries,
                    timeout=args.timeout,
                )
        result["queries"] = queries
        memory = queries["memory"].get("queries", {})
        result["ratios to memory"] = {
            engine: {
                name: entry["median_ms"] / memory[name]["median_ms"]
                for name, entry in queries[engine].get("queries", {}).items()
                if name in memory
            }
            for engine in queries
            if engine != "memory"
        }
        result["same row counts"] = {
            engine: all(
                entry["rows"] == memory[name]["rows"]
                for name, entry in queries[engine].get("queries", {}).items()
            )
            for engine in queries
        }
        _progress("cold: xpo1kg query --store")
        cold = []
        for _ in range(args.cold_runs):
            outcome = storage._run_with_rusage(
                [*_cli(), "query", args.cold_query, "--store", str(store)], args.timeout
            )
            if outcome["status"] != "ok":
                sys.exit(f"xpo1kg query --store: {outcome['status']} {outcome.get('stderr', '')}")
            cold.append(outcome["wall_seconds"])
        _progress("cold: rdflib parse and query")
        rdflib_cold = _child("rdflib-cold", str(file), args.cold_query, timeout=args.timeout)
        result["cold"] = {
            "query": args.cold_query,
            "xpo1kg query --store seconds": statistics.median(cold),
            "runs": cold,
            "rdflib parse and query seconds": rdflib_cold.get("seconds"),
            "rdflib/xpo1kg": (rdflib_cold.get("seconds") or 0) / statistics.median(cold),
        }
        if args.inferred_query:
            result["reasoning"] = measure_reasoning(store, args)
    finally:
        result["load_average_end"] = os.getloadavg()
        temporary.cleanup()
        shutil.rmtree(str(store) + "-merged", ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    summary = {
        k: result[k]
        for k in ("load", "ratios to memory", "same row counts", "cold", "reasoning")
        if k in result
    }
    for engine, entry in result.get("queries", {}).items():
        summary.setdefault("open seconds", {})[engine] = entry.get("open_seconds")
    for tool in ("xpo1kg load --store", "rdflib", "oxigraph bulk_load, 8 MB chunks"):
        summary.get("load", {}).get(tool, {}).pop("runs", None)
    print(json.dumps(summary, indent=1))
    _progress(f"wrote {args.output}")


if __name__ == "__main__":
    main()
