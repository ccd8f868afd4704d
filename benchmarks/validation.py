"""Full and incremental SHACL validation: pyshacl (the reference) vs fastshacl (SPARQL on Oxigraph).

    python benchmarks/validation.py [--sizes 10000 100000] [--runs 3] [--addition 1000]

For each size N it generates N + 1000 synthetic measurements (benchmarks/generate.py, seed 1),
keeps the last 1000 as an addition and the rest, with the bundled data, as the base graph. It times

* pyshacl (``xpo1kg.validate.pyshacl_engine.validate_graph``) on the in-memory rdflib graph: 3 runs below
  1M triples, 1 run at 1M triples and above (it takes about a minute there);
* ``validate_fast`` on the same rdflib graph, including the copy into Oxigraph, and its two parts:
  the copy (``to_store``) and the validation of the store (``validate_store``);
* incremental validation: adding the 1,000 measurements to the store, finding their
  ``neighbourhood`` and validating only that, checked against the full results on those nodes.

Fast timings are medians of ``--runs`` runs. Wall-clock and CPU (process) times are both reported:
CPU time is the fairer comparison on a shared machine. Results are printed as a Markdown table and
written to benchmarks/results/validation.json.
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

from rdflib import Graph

from xpo1kg.rdf.loading import read_graph
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.validate.fast_engine import validate_fast
from xpo1kg.validate.lossless_loading import add_graph, to_store
from xpo1kg.validate.pyshacl_engine import validate_graph
from xpo1kg.validate.store_validation import neighbourhood, validate_store

HERE = Path(__file__).resolve().parent
MEASUREMENT = "<https://w3id.org/xpo1kg/resource/synthetic/measurement/"


def _generator() -> Any:
    # Run as a script, this file's folder is on sys.path: the generator imports like a module.
    import generate

    return generate


def timed(function: Callable[[], Any], runs: int) -> tuple[dict[str, float], Any]:
    """Return the median wall-clock and CPU seconds of ``runs`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "runs": runs}, result


def split(path: Path, addition: int, folder: Path) -> tuple[Path, Path]:
    """Split an N-Triples file: the last ``addition`` measurements (all their triples) go apart."""
    lines = path.read_text().splitlines(keepends=True)
    subjects = list(
        dict.fromkeys(line.split(" ", 1)[0] for line in lines if line.startswith(MEASUREMENT))
    )
    new = set(subjects[-addition:])
    base, extra = folder / "base.nt", folder / "addition.nt"
    base.write_text("".join(line for line in lines if line.split(" ", 1)[0] not in new))
    extra.write_text("".join(line for line in lines if line.split(" ", 1)[0] in new))
    return base, extra


def keys(report: Any) -> set[tuple[Any, ...]]:
    return {
        (r.focus_node, r.path, r.constraint_component, r.value, r.message) for r in report.results
    }


def measure(size: int, addition: int, runs: int, folder: Path) -> dict[str, Any]:
    generated = folder / f"synthetic-{size}.nt"
    _generator().write(generated, size + addition, 1, "nt")
    base_file, addition_file = split(generated, addition, folder)
    ontology = read_graph([ontology_file()])
    parse, base = timed(lambda: read_graph(data_files()).parse(base_file, format="nt"), 1)
    row: dict[str, Any] = {
        "measurements": size,
        "triples": len(base) + len(ontology),
        "rdflib_parse": parse,
    }
    print(
        f"{size:>7} measurements: {row['triples']:,} triples, parsed in {parse['wall']:.1f} s",
        file=sys.stderr,
    )

    reference_runs = 1 if row["triples"] >= 1_000_000 else runs
    row["pyshacl"], reference = timed(lambda: validate_graph(base, ontology), reference_runs)
    row["fast"], fast = timed(lambda: validate_fast(base, ontology), runs)
    row["to_store"], store = timed(lambda: to_store(base, ontology), runs)
    row["validate_store"], _ = timed(lambda: validate_store(store), runs)
    assert reference.conforms and fast.conforms and keys(reference) == keys(fast)
    print(
        f"        pyshacl {row['pyshacl']['wall']:.1f} s, fast {row['fast']['wall']:.1f} s",
        file=sys.stderr,
    )

    new = Graph().parse(addition_file, format="nt")
    row["addition_triples"] = len(new)
    stores = []
    for _ in range(runs):  # a fresh copy of the base per run, not timed
        stores.append(to_store(base, ontology))
    steps: dict[str, list[float]] = {"add": [], "neighbourhood": [], "validate": [], "cpu": []}
    focus: set[str] = set()
    for target in stores:
        cpu = time.process_time()
        start = time.perf_counter()
        added = add_graph(target, new)
        steps["add"].append(time.perf_counter() - start)
        start = time.perf_counter()
        focus = neighbourhood(target, added)
        steps["neighbourhood"].append(time.perf_counter() - start)
        start = time.perf_counter()
        incremental = validate_store(target, focus=focus)
        steps["validate"].append(time.perf_counter() - start)
        steps["cpu"].append(time.process_time() - cpu)
    full = validate_store(stores[-1])
    assert keys(incremental) == {k for k in keys(full) if k[0] in focus} and incremental.conforms
    row["incremental"] = {name: statistics.median(values) for name, values in steps.items()}
    row["incremental"]["wall"] = sum(
        row["incremental"][k] for k in ("add", "neighbourhood", "validate")
    )
    row["incremental"]["focus_nodes"] = len(focus)
    row["incremental"]["runs"] = runs
    print(
        f"        incremental {row['incremental']['wall']:.2f} s ({len(focus)} focus nodes)",
        file=sys.stderr,
    )
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """One line per size; times are wall-clock seconds, CPU seconds in parentheses."""

    def cell(timing: dict[str, float]) -> str:
        return f"{timing['wall']:.2f} ({timing['cpu']:.2f})"

    lines = [
        (
            "| measurements | triples | pyshacl | fastshacl from rdflib | speed-up | copy to Oxigraph "
            "| validate the store | speed-up | +1,000 measurements, incremental |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ref, fast, store = r["pyshacl"], r["fast"], r["validate_store"]
        once = " 1 run" if ref["runs"] == 1 else ""
        lines.append(
            f"| {r['measurements']:,} | {r['triples']:,} | {cell(ref)}{once} | {cell(fast)} "
            f"| {ref['wall'] / fast['wall']:.1f}× ({ref['cpu'] / fast['cpu']:.1f}×) | {cell(r['to_store'])} "
            f"| {cell(store)} | {ref['wall'] / store['wall']:.0f}× ({ref['cpu'] / store['cpu']:.0f}×) "
            f"| {cell(r['incremental'])} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--addition", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(size, args.addition, args.runs, Path(folder)) for size in args.sizes]
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("pyshacl", "rdflib", "pyoxigraph")},
        "load_average_at_end": os.getloadavg(),
        "rows": rows,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "validation.json").write_text(json.dumps(result, indent=2) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
