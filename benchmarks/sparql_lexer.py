"""Time the SPARQL tokenizer (src/xpo1kg/sparql_lexer.py) on megabyte-long hostile texts.

    python benchmarks/sparql_lexer.py [--size 1000000] [--runs 3]

Each text is scanned ``--runs`` times and the median time printed as a Markdown table; the
result (refused or the query's shape) shows the scan reached the end. Results are also written
to benchmarks/results/sparql_lexer.json. The old regex filter took 9 s on 24 KB of ``\\'``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from xpo1kg.errors import QuerySyntaxError
from xpo1kg.query.sparql_lexer import scan


def texts(n: int) -> dict[str, str]:
    """The hostile texts, about ``n`` characters each."""
    return {
        "open string of \\'": "SELECT * { ?s ?p '" + "\\'" * (n // 2),
        "long string of ''\\'": "SELECT * { ?s ?p '''" + "''\\'" * (n // 4) + "''' }",
        "variables": "SELECT * { " + "?a " * (n // 3) + "}",
        "braces {}": "SELECT * " + "{}" * (n // 2),
        "comparisons ?a<": "SELECT * { FILTER(" + "?a<" * (n // 3) + "1) }",
        "escaped local names": "SELECT * { " + "xo:b\\#c " * (n // 8) + "}",
        "comment lines": "SELECT * { " + "#'\n" * (n // 3) + "}",
        "dots after a name": "SELECT * { ?s ?p xo:a" + "." * n + "}",
    }


def main() -> None:
    """Scan each text, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    rows = []
    print("| text | characters | median seconds | result |\n|---|---:|---:|---|")
    for name, text in texts(options.size).items():
        times = []
        for _ in range(options.runs):
            started = time.perf_counter()
            try:
                outcome = f"form {scan(text).form}"
            except QuerySyntaxError as refusal:
                outcome = str(refusal).split(": ", 1)[1]
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        rows.append({"text": name, "chars": len(text), "seconds": median, "result": outcome})
        print(f"| {name} | {len(text):,} | {median:.2f} | {outcome} |")
    out = Path(__file__).parent / "results" / "sparql_lexer.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
