"""Scale benchmark: how each cost of the persistent store grows from 100k to 1M to 10M triples.

    python benchmarks/scale.py [--measurements 6300 63000 630000] [--runs 3] [--data-dir DIR]
    python benchmarks/scale.py --report benchmarks/results/scale-*.json   # the Markdown table

For each size (benchmarks/generate.py, seed 1; about 15.8 triples per measurement, so 6,300 /
63,000 / 630,000 measurements give about 100k / 1M / 10M triples with the bundled graph), every
measurement runs in its own child process, whose wall time and peak RSS (``wait4``; for
reasoning also the summed RSS of its process group, polled) are recorded with the load average:

* **load**: ``xpo1kg load FILE --store DIR`` against rdflib's ``Graph.parse`` of the same files;
* **queries**: every competency query that needs no inference through ``load_graph(store=DIR)``
  and, up to ``--memory-max-triples``, through the in-memory engine on the same file (medians of
  ``--query-runs`` after a warm-up; benchmarks/persistent.py's child);
* **cold**: the command ``xpo1kg query QUERY --store DIR`` against rdflib's parse-and-query;
* **validation**: ``xpo1kg validate --store DIR`` (the fast engine) against
  ``xpo1kg validate FILE --with-bundled --engine pyshacl``;
* **reasoning**: the store's first ``xpo1kg query QUERY --store DIR --inferred`` (HermiT on the
  ontology, the rules engine on the data, the inferred graph kept in the store, the answer) under
  a time cap and a memory cap (the process group is killed when its summed RSS passes
  ``--reason-max-gib``). Until 2026-12-04 this row was ``reason --data FILE --mode rl``.

rdflib and pyshacl run only up to ``--rdflib-max-triples`` (default 2M: at 10M triples rdflib's
parse alone would need about 13 GB and ten minutes on this machine) and under ``--cap`` seconds.
Sizes with fewer than ``--median-max-triples`` triples repeat each measurement ``--runs`` times
(median time, maximum memory); bigger ones run once. Results go to ``--output`` (JSON).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import contextlib

import run as storage  # benchmarks/run.py: machine(), the generator, bundled triples

RESULTS = HERE / "results" / "scale.json"
PERSISTENT = str(HERE / "persistent.py")
RUN = str(HERE / "run.py")


def _progress(message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"[{stamp} load {load}] {message}", file=sys.stderr, flush=True)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "xpo1kg", *args]


def _group_rss_kib(group: int) -> int:
    """The summed resident memory of every process in a process group (from /proc)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != group:
                continue
            with open(f"/proc/{entry.name}/statm", encoding="ascii") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGESIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    return total


def run(command: list[str], *, cap: float, memory_cap_kib: int = 0) -> dict[str, Any]:
    """Run a command in its own process group: wall time, peak RSS, stdout, status, load average.

    The group is killed after ``cap`` seconds, or when its summed RSS passes ``memory_cap_kib``.
    """
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
        group_peak, polled, status = 0, 0.0, ""
        while True:
            pid, code, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(code)
                status = "ok" if process.returncode == 0 else f"exit {process.returncode}"
                break
            now = time.perf_counter()
            if now - start > cap:
                status = f"timeout (> {cap:.0f} s)"
            elif memory_cap_kib and now - polled > 0.5:
                polled = now
                group_peak = max(group_peak, _group_rss_kib(process.pid))
                if group_peak > memory_cap_kib:
                    status = f"killed at the memory cap ({memory_cap_kib / 2**20:.1f} GiB)"
            if status:
                os.killpg(process.pid, signal.SIGKILL)
                _, _, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        result: dict[str, Any] = {
            "status": status,
            "seconds": wall,
            "peak_rss_mib": usage.ru_maxrss / 1024,
            "load_average": [load_before, os.getloadavg()[0]],
            "stdout": out.read().decode(errors="replace")[-20000:],
            "stderr": err.read().decode(errors="replace")[-1500:],
        }
    if memory_cap_kib:
        result["group_peak_rss_mib"] = group_peak / 1024
    return result


def _json_line(outcome: dict[str, Any]) -> dict[str, Any]:
    lines = outcome.get("stdout", "").strip().splitlines()
    try:
        return dict(json.loads(lines[-1])) if outcome["status"] == "ok" and lines else {}
    except ValueError:
        return {}


def _summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Median time and maximum peak memory of the successful runs, or the first failure."""
    good = [s for s in samples if s["status"] == "ok"]
    for sample in samples:
        sample.pop("stdout", None)
        if sample["status"] == "ok":
            sample.pop("stderr", None)
    if not good:
        return {"status": samples[0]["status"] if samples else "skipped", "runs": samples}
    return {
        "status": "ok",
        "seconds": statistics.median(s["seconds"] for s in good),
        "peak_rss_mib": max(s["peak_rss_mib"] for s in good),
        "runs": samples,
    }


def _size_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def measure(
    measurements: int,
    args: argparse.Namespace,
    folder: Path,
    save: Callable[[dict[str, Any]], None] = lambda _: None,
) -> dict[str, Any]:
    """Every measurement at one size; ``save`` is given the partial results after each step."""
    from xpo1kg import list_queries

    file = folder / f"synthetic-{measurements}-seed{args.seed}.nt"
    if not file.is_file():
        _progress(f"generating {measurements:,} measurements")
        storage._generator().write(file, measurements, args.seed, "nt")
    with file.open("rb") as stream:
        triples = sum(1 for _ in stream) + storage._bundled_triples()
    runs = args.runs if triples < args.median_max_triples else 1
    baseline = triples <= args.rdflib_max_triples
    store = folder / f"store-{measurements}"
    size: dict[str, Any] = {
        "measurements": measurements,
        "triples": triples,
        "file_mib": file.stat().st_size / 2**20,
        "runs": runs,
        "rdflib": "measured" if baseline else f"skipped (> {args.rdflib_max_triples:,} triples)",
    }
    label = f"{triples / 1e6:.2f}M triples"

    loads: dict[str, list[dict[str, Any]]] = {"xpo1kg load --store": [], "rdflib parse": []}
    for index in range(runs):
        if baseline:
            _progress(f"{label}: rdflib parse, run {index + 1}/{runs}")
            outcome = run(
                [sys.executable, RUN, "--child", "load", "rdflib", str(file)], cap=args.cap
            )
            line = _json_line(outcome)
            if line:  # the child's own figures: the parse alone, its VmHWM
                outcome["command_seconds"] = outcome["seconds"]
                outcome["seconds"] = line["seconds"]
                outcome["peak_rss_mib"] = line["peak_rss_kib"] / 1024
            loads["rdflib parse"].append(outcome)
        _progress(f"{label}: xpo1kg load --store, run {index + 1}/{runs}")
        shutil.rmtree(store, ignore_errors=True)
        loads["xpo1kg load --store"].append(
            run(_cli("load", str(file), "--store", str(store)), cap=args.cap)
        )
    size["load"] = {tool: _summary(samples) for tool, samples in loads.items()}
    save(size)
    if not store.is_dir():
        size["error"] = "the store could not be loaded"
        return size
    size["store_mib"] = _size_mib(store)
    size["snapshot_mib"] = _size_mib(store / "xpo1kg-snapshot")

    names = [q.name for q in list_queries() if not q.requires_inference]
    engines = ["store"] + (["memory"] if triples <= args.memory_max_triples else [])
    size["queries"] = {}
    for engine in engines:
        _progress(f"{label}: queries through {engine}")
        query_runs = args.query_runs if runs > 1 else 1
        command = [sys.executable, PERSISTENT, "--child", engine, str(file), str(store)]
        outcome = run([*command, str(query_runs), *names], cap=args.cap)
        line = _json_line(outcome)
        outcome.pop("stdout", None)
        size["queries"][engine] = line | {
            k: outcome[k] for k in ("status", "seconds", "peak_rss_mib", "load_average", "stderr")
        }
        save(size)

    cold = []
    for index in range(runs):
        _progress(f"{label}: cold xpo1kg query --store, run {index + 1}/{runs}")
        cold.append(run(_cli("query", args.cold_query, "--store", str(store)), cap=args.cap))
    size["cold"] = {"query": args.cold_query, "xpo1kg query --store": _summary(cold)}
    save(size)
    if baseline:
        _progress(f"{label}: cold rdflib parse and query")
        outcome = run(
            [sys.executable, PERSISTENT, "--child", "rdflib-cold", str(file), args.cold_query],
            cap=args.cap,
        )
        size["cold"]["rdflib parse and query"] = _summary([outcome])
        save(size)

    validations: dict[str, list[dict[str, Any]]] = {"xpo1kg validate --store": []}
    for index in range(runs):
        _progress(f"{label}: xpo1kg validate --store, run {index + 1}/{runs}")
        outcome = run(_cli("validate", "--store", str(store), "--engine", "fast"), cap=args.cap)
        if outcome["status"] == "exit 1":  # violations found: still a completed validation
            outcome["status"], outcome["violations"] = "ok", True
        validations["xpo1kg validate --store"].append(outcome)
    if baseline:
        _progress(f"{label}: pyshacl (xpo1kg validate FILE --engine pyshacl)")
        command = _cli("validate", str(file), "--with-bundled", "--engine", "pyshacl")
        outcome = run(command, cap=args.cap)
        if outcome["status"] == "exit 1":
            outcome["status"], outcome["violations"] = "ok", True
        validations["pyshacl"] = [outcome]
    size["validation"] = {tool: _summary(samples) for tool, samples in validations.items()}
    save(size)

    _progress(
        f"{label}: xpo1kg query {args.inferred_query} --store --inferred "
        f"(caps {args.reason_cap:.0f} s, {args.reason_max_gib} GiB)"
    )
    outcome = run(
        _cli("query", args.inferred_query, "--store", str(store), "--inferred", "--format", "json"),
        cap=args.reason_cap,
        memory_cap_kib=int(args.reason_max_gib * 2**20),
    )
    if outcome["status"] == "ok":
        with contextlib.suppress(ValueError):
            outcome["rows"] = len(json.loads(outcome["stdout"]))
    size["reasoning"] = _summary([outcome])
    if not args.keep_stores:
        shutil.rmtree(store, ignore_errors=True)
    return size


# --- the report ---------------------------------------------------------------------------------


def _cell(entry: dict[str, Any] | None, *, memory: bool = False) -> str:
    if not entry:
        return "–"
    if entry.get("status") != "ok":
        return str(entry.get("status", "–"))
    text = f"{entry['seconds']:,.1f} s" if entry["seconds"] >= 10 else f"{entry['seconds']:.2f} s"
    if memory:
        text += f", {entry['peak_rss_mib']:,.0f} MiB"
    return text


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def report(paths: list[Path]) -> str:
    """The Markdown tables of one or more result files, sizes in increasing order."""
    sizes = sorted(
        (size for path in paths for size in json.loads(path.read_text())["sizes"]),
        key=lambda s: s["triples"],
    )
    head = "| measure | " + " | ".join(f"{s['triples']:,} triples" for s in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)
    lines = [head, rule]

    def row(title: str, cells: list[str]) -> None:
        lines.append(f"| {title} | " + " | ".join(cells) + " |")

    def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str = "seconds") -> str:
        if not a or not b or a.get("status") != "ok" or b.get("status") != "ok":
            return "–"
        return f"{b[key] / a[key]:.1f}×"

    row("runs (median of)", [str(s["runs"]) for s in sizes])
    row(
        "file (MiB) / store (MiB)",
        [f"{s['file_mib']:,.0f} / {s.get('store_mib', 0):,.0f}" for s in sizes],
    )
    loads = [s.get("load", {}) for s in sizes]
    row(
        "`load --store`: time, peak RSS",
        [_cell(x.get("xpo1kg load --store"), memory=True) for x in loads],
    )
    row("rdflib parse: time, peak RSS", [_cell(x.get("rdflib parse"), memory=True) for x in loads])
    row(
        "load: rdflib / xpo1kg time",
        [ratio(x.get("xpo1kg load --store"), x.get("rdflib parse")) for x in loads],
    )
    row(
        "load: xpo1kg / rdflib peak memory",
        [
            f"{1 / float(ratio(x.get('xpo1kg load --store'), x.get('rdflib parse'), 'peak_rss_mib')[:-1]):.2f}"
            if ratio(x.get("xpo1kg load --store"), x.get("rdflib parse"), "peak_rss_mib") != "–"
            else "–"
            for x in loads
        ],
    )
    stores = [s.get("queries", {}).get("store", {}) for s in sizes]
    memories = [s.get("queries", {}).get("memory", {}) for s in sizes]
    row(
        "opening the store (snapshot into memory), s; child peak RSS",
        [
            f"{q['open_seconds']:.1f} s, {q['peak_rss_mib']:,.0f} MiB"
            if "open_seconds" in q
            else "–"
            for q in stores
        ],
    )
    names = sorted({n for q in stores for n in q.get("queries", {})})
    for name in names:
        cells = []
        for store, memory in zip(stores, memories, strict=True):
            entry = store.get("queries", {}).get(name)
            if not entry:
                cells.append("–")
                continue
            text = f"{_ms(entry['median_ms'])} ms ({entry['rows']:,} rows)"
            other = memory.get("queries", {}).get(name)
            if other:
                text += f"; {entry['median_ms'] / other['median_ms']:.2f}× memory"
            cells.append(text)
        row(f"`{name}` (store)", cells)
    colds = [s.get("cold", {}) for s in sizes]
    row(
        "cold `query --store` (whole command)",
        [_cell(c.get("xpo1kg query --store")) for c in colds],
    )
    row("rdflib parse + query", [_cell(c.get("rdflib parse and query")) for c in colds])
    row(
        "cold: rdflib / xpo1kg",
        [ratio(c.get("xpo1kg query --store"), c.get("rdflib parse and query")) for c in colds],
    )
    checks = [s.get("validation", {}) for s in sizes]
    row(
        "`validate --store` (fast)",
        [_cell(v.get("xpo1kg validate --store"), memory=True) for v in checks],
    )
    row(
        "pyshacl (`validate FILE --engine pyshacl`)",
        [_cell(v.get("pyshacl"), memory=True) for v in checks],
    )
    row(
        "validation: pyshacl / fast",
        [ratio(v.get("xpo1kg validate --store"), v.get("pyshacl")) for v in checks],
    )
    reasons = [s.get("reasoning", {}) for s in sizes]
    row(
        "reasoning over the store: the first `query … --store --inferred`",
        [
            _cell(r, memory=True)
            + (
                f", group peak {r['runs'][0]['group_peak_rss_mib']:,.0f} MiB"
                if r.get("runs")
                else ""
            )
            for r in reasons
        ],
    )
    loads_avg = [
        f"{min(x['load_average'][0] for x in _all_runs(s)):.1f}–{max(x['load_average'][1] for x in _all_runs(s)):.1f}"
        for s in sizes
    ]
    row("load average during the size", loads_avg)
    return "\n".join(lines)


def _all_runs(size: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for part in ("load", "cold", "validation"):
        for entry in size.get(part, {}).values():
            if isinstance(entry, dict):
                found += entry.get("runs", [])
    found += size.get("reasoning", {}).get("runs", [])
    found += [q for q in size.get("queries", {}).values() if "load_average" in q]
    return found or [{"load_average": [0.0, 0.0]}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measurements", type=int, nargs="+", default=[6300, 63000, 630000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query-runs", type=int, default=3)
    parser.add_argument("--median-max-triples", type=int, default=2_000_000)
    parser.add_argument("--rdflib-max-triples", type=int, default=2_000_000)
    parser.add_argument("--memory-max-triples", type=int, default=2_000_000)
    parser.add_argument("--cap", type=float, default=1800, help="seconds per child")
    parser.add_argument("--inferred-query", default="nuclear_retention_by_inhibitor")
    parser.add_argument("--reason-cap", type=float, default=1800)
    parser.add_argument("--reason-max-gib", type=float, default=16.0)
    parser.add_argument("--cold-query", default="ic50_by_cancer_type")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--keep-stores", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--report", type=Path, nargs="+")
    args = parser.parse_args()
    if args.report:
        print(report(args.report))
        return
    temporary = tempfile.TemporaryDirectory(prefix="xpo1kg-scale-")
    folder = args.data_dir or Path(temporary.name)
    folder.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": storage.machine(),
        "load_average_start": os.getloadavg(),
        "settings": {k: str(v) for k, v in vars(args).items()},
        "sizes": [],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    try:
        for measurements in args.measurements:
            done = list(result["sizes"])

            def save(size: dict[str, Any], done: list[dict[str, Any]] = done) -> None:
                result["sizes"] = [*done, size]
                result["load_average_end"] = os.getloadavg()
                args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

            save(measure(measurements, args, folder, save))
    finally:
        temporary.cleanup()
    print(report([args.output]))
    _progress(f"wrote {args.output}")


if __name__ == "__main__":
    main()
