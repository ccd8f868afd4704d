"""The rules engine against HermiT on synthetic measurements: the same facts, and how long each takes.

    python benchmarks/rules_vs_hermit.py [--measurements 10000]

The comparison of ``tests/test_rules_reasoner.py::test_synthetic_graph_gives_exactly_hermits_facts``
at sizes too slow for the test suite (HermiT needs minutes at 10,000 measurements): the bundled
graph plus ``--measurements`` synthetic IC50 measurements (benchmarks/generate.py, seed 1), reasoned
over by ``reason(..., reasoner="rules")`` and by ``reason(..., reasoner="hermit", mode="dl")``.
Results go to benchmarks/results/rules_vs_hermit-<measurements>.json: both fact counts, whether the
two sets are equal (and the facts only one engine found, if any), and each engine's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--measurements", type=int, default=10_000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import generate

    from xpo1kg import load_graph
    from xpo1kg.rdf.loading import read_graph
    from xpo1kg.reason.reasoner import reason
    from xpo1kg.resources import ontology_file

    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_before": os.getloadavg(),
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("xpo1kg", "pyoxigraph", "rdflib", "owlready2")},
        "measurements": args.measurements,
    }
    ontology = read_graph([ontology_file()])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.nt"
        generate.write(path, args.measurements, 1, "nt")
        graph = load_graph([path]).graph
    result["triples"] = len(graph)
    reports = {}
    for name, options in (
        ("rules", {"reasoner": "rules"}),
        ("hermit", {"reasoner": "hermit", "mode": "dl"}),
    ):
        print(f"{name} …", file=sys.stderr, flush=True)
        began = time.perf_counter()
        reports[name] = reason(graph, ontology, **options)  # type: ignore[arg-type]
        result[f"{name}_seconds"] = round(time.perf_counter() - began, 1)
        result[f"{name}_consistent"] = reports[name].consistent
        result[f"{name}_facts"] = len(reports[name].inferred)
    rules, hermit = set(reports["rules"].inferred), set(reports["hermit"].inferred)
    result["equal"] = rules == hermit
    result["only_rules"] = sorted(" ".join(t.n3() for t in f) for f in rules - hermit)
    result["only_hermit"] = sorted(" ".join(t.n3() for t in f) for f in hermit - rules)
    result["load_average_after"] = os.getloadavg()
    (HERE / "results").mkdir(exist_ok=True)
    out = HERE / "results" / f"rules_vs_hermit-{args.measurements}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{args.measurements:,} measurements, {result['triples']:,} triples: rules "
        f"{result['rules_facts']:,} facts in {result['rules_seconds']} s, HermiT "
        f"{result['hermit_facts']:,} in {result['hermit_seconds']} s; equal: {result['equal']}"
    )


if __name__ == "__main__":
    main()
