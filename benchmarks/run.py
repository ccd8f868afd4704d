"""Storage and query benchmarks: xpo1kg (embedded Oxigraph) vs plain rdflib vs raw pyoxigraph.

    python benchmarks/run.py [--measurements 1000 10000 90000] [--runs 5] [--timeout 120]

For each size, synthetic IC50 measurements are generated with benchmarks/generate.py (seed 1, about
11 triples each: 1,000 / 10,000 / 90,000 measurements give about 10k / 100k / 1M triples) and:

* **loading** is timed, and its peak memory (VmHWM, the resident-set high-water mark) taken, in a
  fresh interpreter per tool and run:
  - ``xpo1kg``: ``xpo1kg.load_graph([file])`` (the ontology, the bundled data and the file, into an
    in-memory Oxigraph store);
  - ``xpo1kg load --store``: the command ``xpo1kg load FILE --store DIR`` (bulk loader, on disk);
    wall time and peak RSS of the whole command, interpreter start-up included;
  - ``rdflib``: what one would write by hand, ``rdflib.Graph().parse(...)`` of the ontology, the
    bundled data and the file;
  - ``pyoxigraph``: ``pyoxigraph.Store().load(path=...)`` of the same files into the same named
    graphs (the floor);
* every **competency query** that needs no inference is run once to warm up, then ``--runs`` times
  (``--quick-runs`` times if the warm-up took under 10 ms; rdflib: at most ``--rdflib-large-runs``
  from ``--large-triples`` triples on), and the median latency reported, on: ``kg.query(query)``
  (xpo1kg; every solution read into the result as pyoxigraph terms, which the result converts to
  rdflib terms only if ``.rows`` is asked for),
  ``graph.query(text)`` (rdflib) and ``store.query(text, use_default_graph_as_union=True)``
  (pyoxigraph, every solution read). Each
  engine serves its queries from a child process that loads the graph once; a query that takes
  longer than ``--timeout`` seconds is reported as a timeout and the child restarted;
* once, a **cold** ``xpo1kg query cargo_triggering_apoptosis`` on the bundled graph (the median
  wall time of ``--cold-runs`` runs of the installed command).

Markdown tables are printed on stdout (progress goes to stderr) and everything is written to
benchmarks/results/storage.json. The package is used as installed: reinstall it (``pip install .``)
after editing queries/ or src/. SHACL validation is timed by benchmarks/validation.py, not here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
RESULTS = HERE / "results" / "storage.json"

LOAD_TOOLS = ("xpo1kg", "xpo1kg load --store", "rdflib", "pyoxigraph")
ENGINES = ("xpo1kg", "rdflib", "pyoxigraph", "pyoxigraph-graphs")
COLD_QUERY = "cargo_triggering_apoptosis"

#: The targets, checked at the largest size.
TARGET_QUERY_SPEEDUP = 20.0  # rdflib latency / xpo1kg latency, at least
TARGET_QUERY_OVERHEAD = 1.3  # xpo1kg latency / raw pyoxigraph latency, at most
TARGET_LOAD_SPEEDUP = 8.0  # rdflib load time / xpo1kg load time, at least
TARGET_LOAD_MEMORY = 1 / 3  # xpo1kg peak RSS / rdflib peak RSS, at most
TARGET_COLD_SECONDS = 1.5


# --- helpers shared by the parent and the children ---------------------------------------------


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _status_kib(field: str) -> int:
    """Read one memory figure (in KiB) of this process from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _bundled_sources() -> list[tuple[Path, str]]:
    """The ontology and the bundled data files with the named graphs xpo1kg loads them into."""
    from xpo1kg.rdf.loading import graph_name
    from xpo1kg.resources import data_files, ontology_file

    return [(Path(str(f)), str(graph_name(f))) for f in [ontology_file(), *data_files()]]


def _sources(file: str) -> list[tuple[Path, str]]:
    from xpo1kg.rdf.loading import graph_name

    return [*_bundled_sources(), (Path(file), str(graph_name(Path(file))))]


def _rdflib_graph(file: str) -> Any:
    import rdflib

    graph = rdflib.Graph()
    for path, _ in _sources(file):
        graph.parse(str(path))
    return graph


def _oxigraph_store(file: str) -> Any:
    import pyoxigraph as ox

    from xpo1kg.store.embedded import rdf_format_of

    store = ox.Store()
    for path, graph in _sources(file):
        store.load(path=str(path), format=rdf_format_of(path.name), to_graph=ox.NamedNode(graph))
    return store


def _bundled_triples() -> int:
    import pyoxigraph as ox

    from xpo1kg.store.embedded import rdf_format_of

    store = ox.Store()
    for path, graph in _bundled_sources():
        store.load(path=str(path), format=rdf_format_of(path.name), to_graph=ox.NamedNode(graph))
    return len(store)


def _open(engine: str, file: str) -> Any:
    """Load the graph (the ontology, the bundled data and ``file``) for one engine."""
    if engine == "xpo1kg":
        from xpo1kg import load_graph

        return load_graph([file])
    if engine == "rdflib":
        return _rdflib_graph(file)
    return _oxigraph_store(file)  # pyoxigraph and pyoxigraph-graphs


# --- children -----------------------------------------------------------------------------------


def child_load(tool: str, file: str) -> None:
    """Time one load in this (fresh) process; print a JSON line with the time and memory."""
    # Import first, so that the time is the load's; the peak memory includes the interpreter.
    import pyoxigraph  # noqa: F401
    import rdflib  # noqa: F401

    import xpo1kg  # noqa: F401

    _bundled_sources()
    after_import = _status_kib("VmRSS")
    start = time.perf_counter()
    graph = _open(tool, file)
    seconds = time.perf_counter() - start
    triples = len(graph)  # not timed: counting is O(n) in Oxigraph
    print(
        json.dumps(
            {
                "seconds": seconds,
                "triples": triples,
                "peak_rss_kib": _status_kib("VmHWM"),
                "rss_after_import_kib": after_import,
            }
        ),
        flush=True,
    )


def child_serve(engine: str, file: str) -> None:
    """Load the graph once, then run queries named on stdin, one JSON line in and out each."""
    from xpo1kg import get_query

    start = time.perf_counter()
    graph = _open(engine, file)
    load_seconds = time.perf_counter() - start
    triples = len(graph)
    if engine == "pyoxigraph-graphs":
        import pyoxigraph as ox

        default_graph = [ox.NamedNode(g) for _, g in _sources(file)]
    print(
        json.dumps({"ready": True, "seconds": load_seconds, "triples": triples}),
        flush=True,
    )
    for line in sys.stdin:
        name = json.loads(line)["query"]
        query = get_query(name)  # looked up outside the timing: the engines get it ready-made
        try:
            start = time.perf_counter()
            if engine == "xpo1kg":
                rows = len(graph.query(query))  # rows read as engine terms, as for raw
            elif engine == "rdflib":
                rows = len(list(graph.query(query.sparql)))
            elif engine == "pyoxigraph":
                solutions = graph.query(query.sparql, use_default_graph_as_union=True)
                rows = len([tuple(solution) for solution in solutions])
            else:  # the default graph as xpo1kg sets it: an explicit list of the named graphs
                solutions = graph.query(query.sparql, default_graph=default_graph)
                rows = len([tuple(solution) for solution in solutions])
            answer: dict[str, Any] = {"seconds": time.perf_counter() - start, "rows": rows}
        except Exception as error:  # noqa: BLE001 - reported in the table, not fatal
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)


# --- the parent: processes ----------------------------------------------------------------------


def _child_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", *args]


def _kill(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _run_measured(command: list[str], timeout: float) -> dict[str, Any]:
    """Run a command in its own process group; return its wall time, peak RSS, output, status."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return {"status": "timeout", "wall_seconds": time.perf_counter() - start}
    wall = time.perf_counter() - start
    # The child reports its own peak (VmHWM): RUSAGE_CHILDREN would be a maximum over all children.
    return {
        "status": "ok" if process.returncode == 0 else f"exit {process.returncode}",
        "wall_seconds": wall,
        "stdout": stdout,
        "stderr": stderr[-2000:],
    }


def _run_with_rusage(command: list[str], timeout: float) -> dict[str, Any]:
    """Run a command; return its wall time and its own peak RSS (from wait4), or a timeout."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            wall = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            if process.stderr:
                process.stderr.close()
            return {
                "status": "ok" if process.returncode == 0 else f"exit {process.returncode}",
                "wall_seconds": wall,
                "peak_rss_kib": usage.ru_maxrss,  # KiB on Linux
                "stderr": stderr[-2000:],
            }
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            os.wait4(process.pid, 0)
            return {"status": "timeout", "wall_seconds": time.perf_counter() - start}
        time.sleep(0.005)


class Server:
    """A child process holding one engine's graph, running queries with a per-query timeout."""

    def __init__(self, engine: str, file: str, timeout: float) -> None:
        self.engine, self.file, self.timeout = engine, file, timeout
        self.process: subprocess.Popen[str] | None = None
        self.load_seconds: float | None = None
        self.triples: int | None = None

    def _start(self) -> None:
        self.process = subprocess.Popen(
            _child_command("serve", self.engine, self.file),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,
            text=True,
            start_new_session=True,
        )
        ready = self._read(max(self.timeout, 1800))
        if ready is None or not ready.get("ready"):
            self.close()
            raise RuntimeError(f"{self.engine}: the query child could not load {self.file}")
        self.load_seconds, self.triples = ready["seconds"], ready["triples"]

    def _read(self, timeout: float) -> dict[str, Any] | None:
        assert self.process and self.process.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return None
        line = self.process.stdout.readline()
        return json.loads(line) if line else None

    def run(self, name: str) -> dict[str, Any]:
        """Run one query once: {"seconds", "rows"}, {"error"} or {"timeout": True}."""
        if self.process is None:
            self._start()
        assert self.process and self.process.stdin
        self.process.stdin.write(json.dumps({"query": name}) + "\n")
        self.process.stdin.flush()
        answer = self._read(self.timeout)
        if answer is None:
            self.close()  # the next query gets a fresh child
            return {"timeout": True}
        return answer

    def close(self) -> None:
        if self.process is not None:
            _kill(self.process)
            self.process = None


# --- the parent: measurements -------------------------------------------------------------------


def _progress(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


def measure_loads(file: Path, triples: int, args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    runs_for = {
        tool: args.load_runs
        if tool != "rdflib" or triples < args.large_triples
        else min(args.load_runs, args.rdflib_large_runs)
        for tool in LOAD_TOOLS
    }
    for tool in LOAD_TOOLS:
        samples = []
        status = "ok"
        for run in range(runs_for[tool]):
            _progress(f"load {tool}, run {run + 1}/{runs_for[tool]}")
            if tool == "xpo1kg load --store":
                with tempfile.TemporaryDirectory(prefix="xpo1kg-store-") as folder:
                    store = Path(folder) / "store"
                    command = [*_cli(), "load", str(file), "--store", str(store)]
                    outcome = _run_with_rusage(command, args.load_timeout)
                    if outcome["status"] == "ok":
                        outcome["store_bytes"] = sum(
                            f.stat().st_size for f in store.rglob("*") if f.is_file()
                        )
                if outcome["status"] != "ok":
                    status = outcome["status"]
                    _progress(f"  {status}: {outcome.get('stderr', '')[-300:]}")
                    break
                samples.append(
                    {
                        "seconds": outcome["wall_seconds"],
                        "peak_rss_kib": outcome["peak_rss_kib"],
                        "store_bytes": outcome.get("store_bytes"),
                    }
                )
            else:
                outcome = _run_measured(_child_command("load", tool, str(file)), args.load_timeout)
                if outcome["status"] != "ok":
                    status = outcome["status"]
                    _progress(f"  {status}: {outcome.get('stderr', '')[-300:]}")
                    break
                samples.append(json.loads(outcome["stdout"].strip().splitlines()[-1]))
        entry: dict[str, Any] = {"status": status, "runs": samples}
        if samples:
            entry["seconds"] = statistics.median(s["seconds"] for s in samples)
            entry["peak_rss_mib"] = max(s["peak_rss_kib"] for s in samples) / 1024
            if "rss_after_import_kib" in samples[0]:
                entry["rss_after_import_mib"] = samples[0]["rss_after_import_kib"] / 1024
            if "triples" in samples[0]:
                entry["triples"] = samples[0]["triples"]
            if samples[0].get("store_bytes"):
                entry["store_mib"] = samples[0]["store_bytes"] / 2**20
            _progress(f"  {entry['seconds']:.2f} s, peak {entry['peak_rss_mib']:.0f} MiB")
        results[tool] = entry
    return results


def measure_queries(
    file: Path, triples: int, names: list[str], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {name: {} for name in names}
    for engine in args.engines:
        runs = args.runs
        if engine == "rdflib" and triples >= args.large_triples:
            runs = min(runs, args.rdflib_large_runs)
        server = Server(engine, str(file), args.timeout)
        try:
            for name in names:
                _progress(f"query {engine}: {name}")
                warm = server.run(name)  # the warm-up, also the first check of the answer
                entry: dict[str, Any]
                if warm.get("timeout"):
                    entry = {"status": "timeout", "timeout_seconds": args.timeout}
                elif "error" in warm:
                    entry = {"status": "error", "error": warm["error"]}
                else:
                    samples = []
                    entry = {
                        "status": "ok",
                        "rows": warm["rows"],
                        "warmup_ms": 1000 * warm["seconds"],
                    }
                    # Sub-10-ms queries are at the mercy of the scheduler: give them more runs.
                    repeats = max(runs, args.quick_runs) if warm["seconds"] < 0.01 else runs
                    for _ in range(repeats):
                        answer = server.run(name)
                        if answer.get("timeout") or "error" in answer:
                            entry["status"] = "timeout" if answer.get("timeout") else "error"
                            break
                        samples.append(1000 * answer["seconds"])
                    if samples:
                        entry["median_ms"] = statistics.median(samples)
                        entry["min_ms"] = min(samples)
                        entry["runs_ms"] = samples
                results[name][engine] = entry
                shown = (
                    f"{entry['median_ms']:.2f} ms, {entry['rows']} rows"
                    if "median_ms" in entry
                    else entry["status"]
                )
                _progress(f"  {shown}")
        finally:
            server.close()
    return results


def _cli() -> list[str]:
    """The installed ``xpo1kg`` command next to this interpreter (else ``python -m xpo1kg``)."""
    cli = Path(sys.executable).with_name("xpo1kg")
    return [str(cli)] if cli.is_file() else [sys.executable, "-m", "xpo1kg"]


def measure_cold(args: argparse.Namespace) -> dict[str, Any]:
    command = [*_cli(), "query", COLD_QUERY]
    samples = []
    for run in range(args.cold_runs):
        _progress(f"cold `xpo1kg query {COLD_QUERY}`, run {run + 1}/{args.cold_runs}")
        outcome = _run_with_rusage(command, 120)
        if outcome["status"] != "ok":
            return {"status": outcome["status"], "stderr": outcome.get("stderr")}
        samples.append(outcome)
    return {
        "status": "ok",
        "command": f"xpo1kg query {COLD_QUERY}",
        "median_seconds": statistics.median(s["wall_seconds"] for s in samples),
        "runs_seconds": [s["wall_seconds"] for s in samples],
        "peak_rss_mib": max(s["peak_rss_kib"] for s in samples) / 1024,
    }


# --- ratios, targets, tables --------------------------------------------------------------------


def _ratio(numerator: dict[str, Any] | None, denominator: dict[str, Any] | None) -> dict[str, Any]:
    """The ratio of two query latencies; a timed-out numerator gives a lower bound."""
    if not numerator or not denominator or "median_ms" not in denominator:
        return {"value": None}
    if numerator.get("status") == "timeout" and "median_ms" not in numerator:
        bound = 1000 * numerator["timeout_seconds"] / denominator["median_ms"]
        return {"value": bound, "lower_bound": True}
    if "median_ms" not in numerator:
        return {"value": None}
    return {"value": numerator["median_ms"] / denominator["median_ms"], "lower_bound": False}


def add_ratios(size: dict[str, Any]) -> None:
    for entries in size["queries"].values():
        entries["rdflib/xpo1kg"] = _ratio(entries.get("rdflib"), entries.get("xpo1kg"))
        entries["xpo1kg/pyoxigraph"] = _ratio(entries.get("xpo1kg"), entries.get("pyoxigraph"))
        entries["graph list/union"] = _ratio(
            entries.get("pyoxigraph-graphs"), entries.get("pyoxigraph")
        )
        rows = {e["rows"] for k, e in entries.items() if k in ENGINES and "rows" in e}
        entries["same_row_counts"] = len(rows) <= 1
    load = size["load"]
    ours, theirs = load.get("xpo1kg", {}), load.get("rdflib", {})
    if "seconds" in ours and "seconds" in theirs:
        size["load_ratios"] = {
            "rdflib/xpo1kg time": theirs["seconds"] / ours["seconds"],
            "xpo1kg/rdflib peak memory": ours["peak_rss_mib"] / theirs["peak_rss_mib"],
        }


def check_targets(size: dict[str, Any], cold: dict[str, Any] | None) -> list[dict[str, Any]]:
    targets = []
    for name, entries in size["queries"].items():
        speedup = entries["rdflib/xpo1kg"]
        if speedup.get("value") is not None:
            met = speedup["value"] >= TARGET_QUERY_SPEEDUP
            targets.append(
                {
                    "target": f"{name}: rdflib / xpo1kg ≥ {TARGET_QUERY_SPEEDUP:g}×",
                    "value": speedup["value"],
                    "lower_bound": speedup.get("lower_bound", False),
                    "met": met,
                }
            )
        overhead = entries["xpo1kg/pyoxigraph"]
        if overhead.get("value") is not None:
            targets.append(
                {
                    "target": f"{name}: xpo1kg / pyoxigraph ≤ {TARGET_QUERY_OVERHEAD:g}×",
                    "value": overhead["value"],
                    "lower_bound": overhead.get("lower_bound", False),
                    "met": overhead["value"] <= TARGET_QUERY_OVERHEAD
                    and not overhead.get("lower_bound"),
                }
            )
    if ratios := size.get("load_ratios"):
        value = ratios["rdflib/xpo1kg time"]
        targets.append(
            {
                "target": f"load: rdflib / xpo1kg time ≥ {TARGET_LOAD_SPEEDUP:g}×",
                "value": value,
                "met": value >= TARGET_LOAD_SPEEDUP,
            }
        )
        value = ratios["xpo1kg/rdflib peak memory"]
        targets.append(
            {
                "target": "load: xpo1kg / rdflib peak memory ≤ 1/3",
                "value": value,
                "met": value <= TARGET_LOAD_MEMORY,
            }
        )
    if cold and cold.get("status") == "ok":
        targets.append(
            {
                "target": f"cold `xpo1kg query {COLD_QUERY}` < {TARGET_COLD_SECONDS:g} s",
                "value": cold["median_seconds"],
                "met": cold["median_seconds"] < TARGET_COLD_SECONDS,
            }
        )
    return targets


def _ms(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "–"
    if "median_ms" in entry:
        value = entry["median_ms"]
        return f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
    if entry.get("status") == "timeout":
        return f"timeout (> {entry['timeout_seconds']:g} s)"
    return entry.get("status", "–")


def _times(ratio: dict[str, Any]) -> str:
    if ratio.get("value") is None:
        return "–"
    text = f"{ratio['value']:,.1f}×" if ratio["value"] < 100 else f"{ratio['value']:,.0f}×"
    return ("> " + text) if ratio.get("lower_bound") else text


def markdown(result: dict[str, Any]) -> str:
    out = []
    machine = result["machine"]
    out.append("# xpo1kg storage and query benchmarks\n")
    out.append(
        f"{result['date']} · {machine['cpu']} ({machine['cores']} cores, "
        f"{machine['memory_gib']:.0f} GiB RAM) · {machine['platform']} · Python "
        f"{result['python']} · "
        + ", ".join(f"{name} {v}" for name, v in result["versions"].items())
        + "\n"
    )
    settings = result["settings"]
    large = f"{settings['large_triples']:,}"
    rdflib_runs = min(settings["runs"], settings["rdflib_large_runs"])
    rdflib_loads = min(settings["load_runs"], settings["rdflib_large_runs"])
    out.append(
        f"Queries: median of {settings['runs']} runs after one warm-up (rdflib: {rdflib_runs} from "
        f"{large} triples on), {settings['timeout']:g} s timeout per run; `pyoxigraph` queries "
        "with `use_default_graph_as_union=True`, `pyoxigraph, graph list` with the explicit "
        "`default_graph=[…]` list of named graphs that xpo1kg passes. Loads: median of "
        f"{settings['load_runs']} runs (rdflib: {rdflib_loads} from {large} triples on), each in a "
        "fresh process; peak RSS includes the interpreter and its imports (shown as RSS before "
        "loading). `xpo1kg load --store` is the whole command's wall time (start-up, the bundled "
        "graph and the file, bulk-loaded into an on-disk store).\n"
    )
    for size in result["sizes"]:
        out.append(
            f"## {size['triples']:,} triples ({size['measurements']:,} synthetic measurements "
            f"+ the bundled graph)\n"
        )
        out.append(
            "| loading | time (s) | peak RSS (MiB) | RSS before loading (MiB) | vs rdflib: time "
            "| vs rdflib: peak memory |"
        )
        out.append("|---|---:|---:|---:|---:|---:|")
        rdflib_load = size["load"].get("rdflib", {})
        for tool, entry in size["load"].items():
            if "seconds" not in entry:
                out.append(f"| {tool} | {entry['status']} | | | | |")
                continue
            speed = memory = "–"
            if "seconds" in rdflib_load and tool != "rdflib":
                speed = f"{rdflib_load['seconds'] / entry['seconds']:.1f}× faster"
                memory = f"{entry['peak_rss_mib'] / rdflib_load['peak_rss_mib']:.2f}×"
            extra = f" (store {entry['store_mib']:.0f} MiB on disk)" if "store_mib" in entry else ""
            before = entry.get("rss_after_import_mib")
            before_text = f"{before:,.0f}" if before else "–"
            out.append(
                f"| {tool}{extra} | {entry['seconds']:.2f} | {entry['peak_rss_mib']:,.0f} | "
                f"{before_text} | {speed} | {memory} |"
            )
        out.append("")
        out.append(
            "| query (median ms) | rows | xpo1kg | rdflib | pyoxigraph | pyoxigraph, graph list "
            "| rdflib / xpo1kg | xpo1kg / pyoxigraph | graph list / union |"
        )
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, entries in size["queries"].items():
            rows = next((e["rows"] for k, e in entries.items() if k in ENGINES and "rows" in e), "")
            if not entries["same_row_counts"]:
                rows = f"{rows} (engines disagree!)"
            out.append(
                f"| {name} | {rows} | {_ms(entries.get('xpo1kg'))} | {_ms(entries.get('rdflib'))}"
                f" | {_ms(entries.get('pyoxigraph'))} | {_ms(entries.get('pyoxigraph-graphs'))} | "
                f"{_times(entries['rdflib/xpo1kg'])} | {_times(entries['xpo1kg/pyoxigraph'])} | "
                f"{_times(entries['graph list/union'])} |"
            )
        out.append("")
    cold = result.get("cold_query")
    if cold:
        out.append("## Cold start\n")
        if cold["status"] == "ok":
            runs = ", ".join(f"{s:.2f}" for s in cold["runs_seconds"])
            out.append(
                f"`{cold['command']}` on the bundled graph: median {cold['median_seconds']:.2f} s "
                f"wall time (runs: {runs} s), peak RSS {cold['peak_rss_mib']:.0f} MiB.\n"
            )
        else:
            out.append(f"`xpo1kg query {COLD_QUERY}` failed: {cold['status']}\n")
    if result.get("targets"):
        largest = result["targets"]["triples"]
        out.append(f"## Targets (at {largest:,} triples)\n")
        out.append("| target | measured | |")
        out.append("|---|---:|---|")
        for target in result["targets"]["checks"]:
            value = target["value"]
            shown = f"{value:.2f} s" if "cold" in target["target"] else f"{value:,.2f}×"
            if target.get("lower_bound"):
                shown = "> " + shown
            out.append(f"| {target['target']} | {shown} | {'met' if target['met'] else 'MISSED'} |")
        out.append("")
    return "\n".join(out)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) / 2**20
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    except (OSError, StopIteration):
        memory = 0.0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "platform": platform.platform(),
    }


def _check_installed_queries() -> None:
    """Warn when the installed queries differ from queries/ (the package is not editable)."""
    from xpo1kg import list_queries

    for query in list_queries():
        source = REPOSITORY / "queries" / f"{query.name}.rq"
        if source.is_file() and source.read_text(encoding="utf-8").strip() != query.sparql:
            _progress(f"warning: {source} differs from the installed query: run `pip install .`")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measurements", type=int, nargs="+", default=[1000, 10000, 90000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("nt", "ttl"), default="nt", help="synthetic file")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--rdflib-large-runs", type=int, default=3)
    parser.add_argument(
        "--quick-runs", type=int, default=31, help="timed runs of queries under 10 ms (default 31)"
    )
    parser.add_argument("--large-triples", type=int, default=500_000)
    parser.add_argument("--timeout", type=float, default=120, help="per query run, in seconds")
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--load-timeout", type=float, default=1800)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--queries", nargs="+", help="only these competency queries")
    parser.add_argument(
        "--engines", nargs="+", choices=ENGINES, default=["xpo1kg", "rdflib", "pyoxigraph"]
    )
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--data-dir", type=Path, help="keep the generated files here")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "TOOL", "FILE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()

    if args.child:
        kind, tool, file = args.child
        (child_load if kind == "load" else child_serve)(tool, file)
        return

    from xpo1kg import list_queries

    _check_installed_queries()
    names = [q.name for q in list_queries() if not q.requires_inference]
    skipped = [q.name for q in list_queries() if q.requires_inference]
    if args.queries:
        unknown = set(args.queries) - set(names)
        if unknown:
            parser.error(f"unknown or inference-only queries: {', '.join(sorted(unknown))}")
        names = [n for n in names if n in args.queries]

    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("xpo1kg", "pyoxigraph", "rdflib")},
        "settings": {
            "seed": args.seed,
            "format": args.format,
            "runs": args.runs,
            "rdflib_large_runs": args.rdflib_large_runs,
            "large_triples": args.large_triples,
            "timeout": args.timeout,
            "load_runs": args.load_runs,
            "skipped_queries_requiring_inference": skipped,
        },
        "sizes": [],
    }
    generate = _generator()
    bundled = _bundled_triples()
    temporary = None
    folder = args.data_dir
    if folder is None:
        temporary = tempfile.TemporaryDirectory(prefix="xpo1kg-bench-")
        folder = Path(temporary.name)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for measurements in args.measurements:
            file = folder / f"synthetic-{measurements}-seed{args.seed}.{args.format}"
            if file.is_file() and file.with_suffix(".count").is_file():
                file_triples = int(file.with_suffix(".count").read_text())
            else:
                _progress(f"generating {measurements:,} measurements")
                file_triples = generate.write(file, measurements, args.seed, args.format)
                file.with_suffix(".count").write_text(str(file_triples))
            triples = bundled + file_triples
            _progress(f"{measurements:,} measurements: {triples:,} triples ({file.name})")
            size: dict[str, Any] = {
                "measurements": measurements,
                "triples": triples,
                "file_triples": file_triples,
                "file": file.name,
                "file_mib": file.stat().st_size / 2**20,
                "load": {} if args.skip_load else measure_loads(file, triples, args),
                "queries": measure_queries(file, triples, names, args),
            }
            add_ratios(size)
            result["sizes"].append(size)
        cold = None if args.skip_cold else measure_cold(args)
        if cold:
            result["cold_query"] = cold
        if result["sizes"]:
            largest = max(result["sizes"], key=lambda s: s["triples"])
            result["targets"] = {
                "triples": largest["triples"],
                "checks": check_targets(largest, cold),
            }
    finally:
        if temporary is not None:
            temporary.cleanup()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(markdown(result))
    _progress(f"wrote {args.output}")


if __name__ == "__main__":
    main()
