"""Server benchmark: start-up time of ``xpo1kg serve`` and 50 concurrent clients on loopback.

    python benchmarks/serve_load.py [--clients 50] [--requests 20] [--limit 120] [--starts 3]

* **start-up**: ``python -m xpo1kg serve`` on the bundled graph is started ``--starts`` times; the
  median time until the port accepts connections ("listening") and until a first query is answered
  by a worker ("ready") is reported.
* **load**: ``--clients`` threads each send ``--requests`` requests (competency queries that need no
  inference, as SPARQL JSON over GET and POST, and entity dereferences as Turtle), in turn. Every
  query answer is compared with the embedded ``run_query``; any difference, HTTP error or exception
  counts as an error. The whole run stops after ``--limit`` seconds (what has not run by then is
  reported as not run).

Markdown is printed on stdout; the figures are written to benchmarks/results/serve.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from xpo1kg import run_query
from xpo1kg.query.catalog import list_queries

RESULTS = Path(__file__).parent / "results" / "serve.json"
ENTITIES = ["TP53", "selinexor", "XPO1", "A2780", "eltanexor"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], str, float, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    command = [sys.executable, "-m", "xpo1kg", "serve", "--port", str(port)]
    process = subprocess.Popen([*command, "--workers", str(workers)], stderr=subprocess.DEVNULL)
    listening = ready = 0.0
    ask = base + "/sparql?query=" + urllib.parse.quote("ASK {}")
    deadline = started + 120
    while not listening and time.perf_counter() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                listening = time.perf_counter() - started
        except OSError:
            time.sleep(0.01)
    while not ready and time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(ask, timeout=10) as answer:
                answer.read()
                ready = time.perf_counter() - started
        except OSError:
            time.sleep(0.01)
    return process, base, listening, ready


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(15)


def expected_answers() -> list[tuple[str, list[list[str | None]]]]:
    cases = []
    for query in list_queries():
        if query.requires_inference:
            continue
        result = run_query(query.name)
        rows = [[None if n is None else str(n) for n in row] for row in result.rows]
        cases.append((query.sparql, rows))
    return cases


def one_request(base: str, number: int, cases: list[Any]) -> bool:
    """Send request ``number`` of a client's sequence; True if the answer is right."""
    if number % 4 == 3:
        name = ENTITIES[number % len(ENTITIES)]
        request = urllib.request.Request(
            f"{base}/resource/{name}", headers={"Accept": "text/turtle"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status == 200 and b"rdfs:label" in answer.read()
    sparql, rows = cases[number % len(cases)]
    headers = {"Accept": "application/sparql-results+json"}
    if number % 2:
        data = urllib.parse.urlencode({"query": sparql}).encode()
        request = urllib.request.Request(base + "/sparql", data=data, headers=headers)
    else:
        url = base + "/sparql?" + urllib.parse.urlencode({"query": sparql})
        request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as answer:
        document = json.loads(answer.read())
    columns = document["head"]["vars"]
    got = [
        [b[c]["value"] if c in b else None for c in columns]
        for b in document["results"]["bindings"]
    ]
    return got == rows


def load_test(base: str, clients: int, requests: int, limit: float) -> dict[str, Any]:
    cases = expected_answers()
    latencies: list[float] = []
    errors: list[str] = []
    not_run = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + limit
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        nonlocal not_run
        barrier.wait()
        for step in range(requests):
            if time.perf_counter() > deadline:
                with lock:
                    not_run += requests - step
                return
            began = time.perf_counter()
            try:
                right = one_request(base, index * requests + step, cases)
                problem = None if right else "wrong answer"
            except (OSError, ValueError, KeyError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error}"
            with lock:
                latencies.append(time.perf_counter() - began)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "not_run": not_run,
        "errors": len(errors),
        "first_errors": errors[:5],
        "wall_seconds": round(wall, 2),
        "requests_per_second": round(len(latencies) / wall, 1),
        "latency_median_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "latency_max_ms": round(latencies[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="per client")
    parser.add_argument("--limit", type=float, default=120, help="seconds for the load run")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    listening, ready = [], []
    for _ in range(options.starts):
        process, _, up, answered = start_server(options.workers)
        stop(process)
        listening.append(up)
        ready.append(answered)
    process, base, _, _ = start_server(options.workers)
    try:
        load = load_test(base, options.clients, options.requests, options.limit)
    finally:
        stop(process)
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "workers": options.workers,
        "startup": {
            "runs": options.starts,
            "listening_median_s": round(statistics.median(listening), 2),
            "ready_median_s": round(statistics.median(ready), 2),
        },
        "load": load,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    start = results["startup"]
    print("| measure | value |\n|---|---|")
    print(
        f"| start-up, port listening (median of {options.starts}) | {start['listening_median_s']} s |"
    )
    print(f"| start-up, first query answered by a worker | {start['ready_median_s']} s |")
    print(f"| concurrent clients × requests | {load['clients']} × {options.requests} |")
    print(f"| requests done / not run (time limit) | {load['requests']} / {load['not_run']} |")
    print(f"| errors (HTTP, exceptions, wrong answers) | {load['errors']} |")
    print(
        f"| wall time; throughput | {load['wall_seconds']} s; {load['requests_per_second']} req/s |"
    )
    print(
        f"| latency median / p95 / max | {load['latency_median_ms']} / "
        f"{load['latency_p95_ms']} / {load['latency_max_ms']} ms |"
    )


if __name__ == "__main__":
    main()
