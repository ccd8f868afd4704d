"""Benchmark `xpo1kg ingest` on a large, messy spreadsheet (the issue asks: 100,000 rows in < 60 s).

Writes a CSV of N rows that uses the names of the bundled graph the way people write them
(labels, synonyms, identifiers, odd case and punctuation), values in every supported notation and
unit (approximate, censored, ranges, µ/u, en dashes, non-breaking spaces), a few sources, assay
and notes columns; then runs the ingest command in a fresh process into a new Turtle file, then
again (which must add nothing), and reports the wall-clock times.

Usage::

    python benchmarks/ingest.py --rows 100000 --seed 1
    python benchmarks/ingest.py --rows 100000 --output benchmarks/results/ingest.json

Every row is a distinct measurement (values are unique), so all N are validated and written.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INHIBITORS = ["selinexor", "KPT-330", "Selinexor", "CHEMBL3545185", "KPT 185", "kpt-185",
              "eltanexor", "KPT-8602", "verdinexor", "KPT 335", "leptomycin B", "LMB"]  # fmt: skip
CELL_LINES = ["SKOV3", "SK-OV-3", "sk ov 3", "A2780", "a-2780", "A2780/CP70", "OVCAR3",
              "NIH:OVCAR-3", "MDA-MB-468", "mda mb 468", "BT549", "BT-549", "CVCL_0532"]  # fmt: skip
CANCERS = ["bladder cancer", "Multiple Myeloma", "AML", "TNBC", "lung cancer"]
SOURCES = ["PMID:28810913", "guide", "10.1038/leu.2012.219", "https://example.org/xpo1-screen"]
HEADER = ["Inhibitor", "Cell Line", "cancer_type", "VALUE", "unit", "Endpoint", "source", "assay",
          "notes"]  # fmt: skip
COMMAND = "from xpo1kg.cli.ingest import ingest_command; ingest_command()"


def value(rng: random.Random, i: int) -> tuple[str, str]:
    """A unique concentration for row i, written one of many ways: (value cell, unit cell)."""
    nm = 1 + i / 1000  # unique, 1 nM to ~100 µM
    style = rng.randrange(8)
    if style == 0:
        return f"~{nm:g}", "nM"
    if style == 1:
        return f"≈\u00a0{nm / 1000:g} µM", ""
    if style == 2:
        return f"{nm:g}nM", ""
    if style == 3:
        return f"{nm * 1e-9:.6e} M", ""
    if style == 4:
        return f"<{nm:g}", "nM"
    if style == 5:
        return f"{nm:g} – {nm * 2:g}", "nM"
    if style == 6:
        return f"{nm / 1000:g} uM", ""
    return f">{nm * 1000:g} pM", ""


def write_table(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as stream:
        out = csv.writer(stream)
        out.writerow(HEADER)
        for i in range(rows):
            amount, unit = value(rng, i)
            several = rng.random() < 0.05
            cell = "Various" if several else rng.choice(CELL_LINES)
            cancer = rng.choice(CANCERS) if several else ""
            endpoint = rng.choice(["IC50", "ic50", "IC 50", "EC50", ""])
            assay = rng.choice(["", "CellTiter-Glo, 72 h", "MTT"])
            out.writerow([rng.choice(INHIBITORS), cell, cancer, amount, unit, endpoint,
                          rng.choice(SOURCES), assay, ""])  # fmt: skip


def run(table: Path, into: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", COMMAND, str(table), "--into", str(into)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done.stdout.strip().splitlines()[-2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        table, into = Path(folder) / "measurements.csv", Path(folder) / "measurements.ttl"
        write_table(table, args.rows, args.seed)
        first, summary = run(table, into)
        size = into.stat().st_size
        second, again = run(table, into)
    results = {
        "rows": args.rows,
        "seed": args.seed,
        "first_ingest_seconds": round(first, 1),
        "second_ingest_seconds": round(second, 1),
        "turtle_bytes": size,
        "first": summary,
        "second": again,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(results, indent=2))
    if args.output:
        args.output.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
