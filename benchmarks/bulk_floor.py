"""How fast can Oxigraph itself fill a store? The floor under ``xpo1kg load --store``.

    python benchmarks/bulk_floor.py FILE.nt [--runs 3]

On one N-Triples file (benchmarks/persistent.py writes one: 90,000 measurements, 1.42M triples),
each in its own process, in turns, ``--runs`` times (medians of wall time, maxima of peak RSS):

* ``xpo1kg load --store``: the whole command (a checking parse, then the load);
* ``oxigraph bulk_load, whole file``: ``Store.bulk_load(path=..., to_graph=...)``, the file parsed
  and indexed in Rust with no Python object per triple and no checking parse;
* ``oxigraph bulk_load, 8 MB chunks``: the same, fed line-aligned 8 MB chunks, which bounds the
  memory as xpo1kg must (only a floor: each call renames blank nodes, so a blank node named in two
  chunks becomes two nodes; a real loader has to route those lines apart);
* ``oxigraph bulk_load, 8 MB chunks, default graph``: the same into the default graph, for which
  RocksDB keeps three sorted indexes instead of the six of a named graph (the cheapest layout,
  though not one xpo1kg can use: a store keeps each loaded file in a named graph of its own);
* ``rdflib``: ``Graph.parse`` of the file (the baseline of the 8x target).

The Oxigraph rows are what any loader built on Oxigraph's RocksDB storage can reach on the
machine: if they are far from 8x rdflib, no change to xpo1kg's Python side can get there.
Results go to benchmarks/results/bulk-floor.json and a summary to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as storage  # benchmarks/run.py: the rusage runner shared by the storage benchmarks

RESULTS = HERE / "results" / "bulk-floor.json"
CHUNK = 8 << 20
GRAPH = "https://example.org/graph"

_WHOLE = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(sys.argv[3]))
store.flush()
"""

_CHUNKS = f"""
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
graph = ox.NamedNode(sys.argv[3]) if len(sys.argv) > 3 else ox.DefaultGraph()
rest = b""
with open(sys.argv[1], "rb") as stream:
    while data := stream.read({CHUNK}):
        data = rest + data
        cut = data.rfind(b"\\n") + 1
        data, rest = data[:cut], data[cut:]
        store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
if rest:
    store.bulk_load(input=rest, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
store.flush()
"""

_RDFLIB = """
import sys, rdflib
rdflib.Graph().parse(sys.argv[1], format="nt")
"""


def commands(file: Path, store: Path) -> dict[str, list[str]]:
    """The four loaders, each a command line."""
    python = sys.executable
    return {
        "xpo1kg load --store": [python, "-m", "xpo1kg", "load", str(file), "--store", str(store)],
        "oxigraph bulk_load, whole file": [python, "-c", _WHOLE, str(file), str(store), GRAPH],
        "oxigraph bulk_load, 8 MB chunks": [python, "-c", _CHUNKS, str(file), str(store), GRAPH],
        "oxigraph bulk_load, 8 MB chunks, default graph": [
            python,
            "-c",
            _CHUNKS,
            str(file),
            str(store),
        ],
        "rdflib": [python, "-c", _RDFLIB, str(file)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    samples: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        for run in range(args.runs):
            for name, command in commands(args.file, store).items():
                print(f"run {run + 1}/{args.runs}: {name}", file=sys.stderr, flush=True)
                shutil.rmtree(store, ignore_errors=True)
                outcome = storage._run_with_rusage(command, args.timeout)
                if outcome["status"] != "ok":
                    sys.exit(f"{name}: {outcome['status']} {outcome.get('stderr', '')[-300:]}")
                samples.setdefault(name, []).append(outcome)
    rdflib_seconds = statistics.median(r["wall_seconds"] for r in samples["rdflib"])
    summary = {
        name: {
            "seconds": statistics.median(r["wall_seconds"] for r in runs),
            "runs_seconds": [r["wall_seconds"] for r in runs],
            "peak_rss_mib": max(r["peak_rss_kib"] for r in runs) / 1024,
        }
        for name, runs in samples.items()
    }
    for row in summary.values():
        row["rdflib/this time"] = rdflib_seconds / row["seconds"]
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
        "load_average_start": os.getloadavg(),
        "file": args.file.name,
        "file_mib": args.file.stat().st_size / 2**20,
        "runs": args.runs,
        "loaders": summary,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for name, row in summary.items():
        print(
            f"{name:34} {row['seconds']:7.2f} s  {row['peak_rss_mib']:6.0f} MiB  "
            f"rdflib/this {row['rdflib/this time']:.2f}x"
        )


if __name__ == "__main__":
    main()
