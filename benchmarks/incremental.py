"""Reasoning after an ingest into a big store: the addition alone against the whole store again.

    python benchmarks/incremental.py FILE.nt [--rows 10 100 1000]

On a store loaded from FILE (benchmarks/persistent.py writes one: 90,000 measurements, 1.42M
triples), each step a fresh process, wall time and peak RSS from wait4:

1. ``xpo1kg load FILE --store DIR``;
2. ``xpo1kg query nuclear_retention_by_inhibitor --store DIR --inferred``: the first inferred graph
   (rules engine) and, now, the closure saved beside the store;
3. for each ``--rows`` N: ``xpo1kg ingest`` of a spreadsheet of N new measurements
   (benchmarks/ingest.py's generator), which reasons over the addition alone: the command's time
   and, apart, the reasoning step's (``reason.incremental.update_inferred``);
4. the same inferred graph reasoned over the whole store again (the closure and the inferred graph
   dropped, then step 2's command): what every ingest cost before, and the check that both give
   the same inferred facts (compared as sets of triples, provenance nodes aside).

Results go to benchmarks/results/incremental.json and a summary to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ingest as spreadsheet  # benchmarks/ingest.py: the spreadsheet generator
import run as storage  # benchmarks/run.py: the rusage runner

RESULTS = HERE / "results" / "incremental.json"
#: ``xpo1kg ingest`` with the reasoning step timed apart (printed last, as JSON, on stderr).
INGEST = """
import json, sys, time
from xpo1kg.reason import incremental
from xpo1kg.cli import main
update = incremental.update_inferred
spent = []
def timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return update(*args, **kwargs)
    finally:
        spent.append(time.perf_counter() - start)
incremental.update_inferred = timed
try:
    main(["ingest", *sys.argv[1:]])
finally:
    print(json.dumps({"reasoning_seconds": sum(spent), "updates": len(spent)}), file=sys.stderr)
"""
QUERY = "nuclear_retention_by_inhibitor"
FACTS = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
graph = ox.NamedNode("https://w3id.org/xpo1kg/graph/inferred")
facts = sorted(
    f"{q.subject} {q.predicate} {q.object}"
    for q in store.quads_for_pattern(None, None, None, graph)
    if isinstance(q.subject, ox.NamedNode) and q.subject != graph
)
nodes = sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(
    "https://w3id.org/xpo1kg/ontology/inferenceRule"), None, graph))
import hashlib
print(len(facts), nodes, int(hashlib.sha256("\\n".join(facts).encode()).hexdigest()[:15], 16))
"""


def timed(command: list[str], timeout: float) -> dict[str, Any]:
    """Run a command; return its wall time and peak RSS, or exit naming what failed."""
    outcome = storage._run_with_rusage(command, timeout)
    if outcome["status"] != "ok":
        sys.exit(f"{' '.join(command[2:])}: {outcome['status']} {outcome.get('stderr', '')[-500:]}")
    return {"seconds": outcome["wall_seconds"], "peak_rss_mib": outcome["peak_rss_kib"] / 1024}


def facts_of(store: Path) -> list[int]:
    """Count the inferred facts and provenance nodes of a store, with a digest of the facts."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", FACTS, str(store)], capture_output=True, text=True, check=True
    )
    return [int(x) for x in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--rows", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "xpo1kg"]
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
        "load_average_start": os.getloadavg(),
        "file": args.file.name,
        "ingests": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        print("load", file=sys.stderr, flush=True)
        result["load"] = timed([*cli, "load", str(args.file), "--store", str(store)], args.timeout)
        print("first inferred graph", file=sys.stderr, flush=True)
        query = [*cli, "query", QUERY, "--store", str(store), "--inferred"]
        result["first inferred graph"] = timed(query, args.timeout)
        for rows in args.rows:
            print(f"ingest {rows} rows", file=sys.stderr, flush=True)
            table = Path(folder) / f"rows-{rows}.csv"
            spreadsheet.write_table(table, rows, args.seed + rows)
            command = [sys.executable, "-c", INGEST, str(table), "--store", str(store)]
            outcome = storage._run_with_rusage(command, args.timeout)
            if outcome["status"] != "ok":
                sys.exit(f"ingest: {outcome['status']} {outcome.get('stderr', '')[-500:]}")
            step = {
                "seconds": outcome["wall_seconds"],
                "peak_rss_mib": outcome["peak_rss_kib"] / 1024,
                **json.loads(outcome["stderr"].strip().splitlines()[-1]),
            }
            step["rows"] = rows
            step["closure kept"] = (store / "xpo1kg-closure").is_dir()
            result["ingests"].append(step)
        result["after the ingests"] = facts_of(store)
        print("the whole store again", file=sys.stderr, flush=True)
        inferred = "https://w3id.org/xpo1kg/graph/inferred"
        timed([*cli, "drop", inferred, "--store", str(store)], args.timeout)  # the closure too
        result["closure kept after drop"] = (store / "xpo1kg-closure").is_dir()
        result["whole store again"] = timed(query, args.timeout)
        result["recomputed"] = facts_of(store)
    result["same facts"] = result["after the ingests"][::2] == result["recomputed"][::2]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
