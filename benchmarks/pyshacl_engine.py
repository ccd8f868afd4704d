"""pyshacl through xpo1kg (prepared queries, indexed graphs) against plain rdflib + pyshacl.

    python benchmarks/pyshacl_engine.py [--sizes 0 1000 10000] [--runs 5]

For each size N (synthetic measurements from benchmarks/generate.py, seed 1, added to the bundled
data; 0 is the bundled data alone) it times, in the same process and alternately:

* the baseline: the data parsed into a plain ``rdflib.Graph`` and ``pyshacl.validate`` with the
  shipped shapes and ontology, the options ``validate_graph`` uses (no inference, no imports);
* ``xpo1kg.validate.pyshacl_engine.validate_graph`` on the same graph (its copy into a
  prepared, indexed graph included).

Both must give the same results (checked on every size). Timings are medians of ``--runs`` runs,
wall-clock and CPU; the result is printed as a Markdown table and written to
benchmarks/results/pyshacl_engine.json.
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
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import Graph

from xpo1kg.resources import data_files, ontology_file, shapes_file
from xpo1kg.validate import pyshacl_engine

HERE = Path(__file__).resolve().parent


def _generator() -> Any:
    # Run as a script, this file's folder is on sys.path: the generator imports like a module.
    import generate

    return generate


def plain_graph(files: list[Path]) -> Graph:
    graph = Graph()
    for path in files:
        graph.parse(path)
    return graph


def baseline(data: Graph, shapes: Graph, ontology: Graph) -> Any:
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=False,
        js=False,
        do_owl_imports=False,
    )
    return report


def timed(function: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(size: int, runs: int, folder: Path) -> dict[str, Any]:
    files = [Path(str(f)) for f in data_files()]
    if size:
        generated = folder / f"synthetic-{size}.nt"
        _generator().write(generated, size, 1, "nt")
        files.append(generated)
    data = plain_graph(files)
    shapes, ontology = plain_graph([Path(str(shapes_file()))]), plain_graph([ontology_file()])
    times: dict[str, list[tuple[float, float]]] = {"baseline": [], "xpo1kg": []}
    for _ in range(runs):
        wall, cpu, report = timed(lambda: baseline(data, shapes, ontology))
        times["baseline"].append((wall, cpu))
        wall, cpu, ours = timed(lambda: pyshacl_engine.validate_graph(data, ontology))
        times["xpo1kg"].append((wall, cpu))
    reference = sorted(pyshacl_engine._flatten(report, data + ontology), key=pyshacl_engine._order)
    assert list(ours.results) == reference, "xpo1kg's report differs from plain pyshacl's"
    medians = {
        name: {
            "wall": statistics.median(w for w, _ in pairs),
            "cpu": statistics.median(c for _, c in pairs),
        }
        for name, pairs in times.items()
    }
    return {
        "measurements": size,
        "triples": len(data),
        "results": len(reference),
        **medians,
        "ratio": medians["baseline"]["wall"] / medians["xpo1kg"]["wall"],
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| measurements | triples | plain rdflib + pyshacl | xpo1kg's pyshacl engine | speed-up |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        base, ours = row["baseline"], row["xpo1kg"]
        lines.append(
            f"| {row['measurements']:,} | {row['triples']:,} "
            f"| {base['wall']:.3f} ({base['cpu']:.3f}) | {ours['wall']:.3f} ({ours['cpu']:.3f}) "
            f"| {row['ratio']:.1f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for size in args.sizes:
            rows.append(measure(size, args.runs, Path(tmp)))
            print(f"{size:,} measurements: done", file=sys.stderr, flush=True)
    print(table(rows))
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "versions": {name: version(name) for name in ("rdflib", "pyshacl", "xpo1kg")},
        "runs": args.runs,
        "rows": rows,
    }
    out = HERE / "results" / "pyshacl_engine.json"
    out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
