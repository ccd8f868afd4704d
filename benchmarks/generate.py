"""Generate synthetic, shape-conformant xpo1kg data for benchmarks.

The data uses the project's own vocabulary and lives entirely under
``https://w3id.org/xpo1kg/resource/synthetic/``: a few sources, 40 cancer types, inhibitors
(about N/200) and cell lines (about N/50) scaled with the number of measurements N, and N IC50
measurements of those inhibitors on those cell lines. Nothing in it is real: cell lines carry no
Cellosaurus accession and cancer types map to synthetic MONDO-like IRIs, never to real ones.

Together with the bundled data the output conforms to ``ontology/shapes.ttl``. The output is a
function of the arguments only: the same measurement count and seed always give the same bytes.

Usage::

    python benchmarks/generate.py --measurements 100000 --seed 1 --output /tmp/syn100k.nt
    python benchmarks/generate.py --measurements 1000 --seed 7 --output - --format ttl

As a module: ``generate(measurements, seed)`` yields N-Triples lines (each ending in a newline)
and ``write(path, measurements, seed, fmt)`` writes a file and returns the number of triples.

Only the standard library is used.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["generate", "write"]

# --- vocabulary ---------------------------------------------------------------------------------

XO = "https://w3id.org/xpo1kg/ontology/"
XR = "https://w3id.org/xpo1kg/resource/"
SYN = XR + "synthetic/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_NS = "http://purl.org/dc/terms/"
OBO_NS = "http://purl.obolibrary.org/obo/"
BAO_NS = "http://www.bioassayontology.org/bao#"


def _iri(iri: str) -> str:
    return f"<{iri}>"


A = _iri(RDF_NS + "type")
LABEL = _iri(RDFS_NS + "label")
SOURCE = _iri(DCTERMS_NS + "source")
CITATION = _iri(DCTERMS_NS + "bibliographicCitation")
EXACT_MATCH = _iri(SKOS_NS + "exactMatch")
OWL_AXIOM = _iri(OWL_NS + "Axiom")
ANNOTATED_SOURCE = _iri(OWL_NS + "annotatedSource")
ANNOTATED_PROPERTY = _iri(OWL_NS + "annotatedProperty")
ANNOTATED_TARGET = _iri(OWL_NS + "annotatedTarget")

XO_SOURCE = _iri(XO + "Source")
XO_INHIBITOR = _iri(XO + "Inhibitor")
XO_SINE = _iri(XO + "SINECompound")
XO_CELL_LINE = _iri(XO + "CellLine")
XO_SOLID = _iri(XO + "SolidTumour")
XO_HAEM = _iri(XO + "HaematologicalMalignancy")
XO_IC50 = _iri(XO + "IC50Measurement")
XO_RANGE_SUMMARY = _iri(XO + "IC50RangeSummary")
PIC50 = _iri(XO + "pIC50")
INHIBITS = _iri(XO + "inhibits")
DERIVED_FROM_CANCER = _iri(XO + "derivedFromCancer")
HAS_ENDPOINT = _iri(XO + "hasEndpoint")
HAS_INHIBITOR = _iri(XO + "hasInhibitor")
HAS_CELL_LINE = _iri(XO + "hasCellLine")
HAS_CANCER_TYPE = _iri(XO + "hasCancerType")
CELL_LINE_DESCRIPTION = _iri(XO + "cellLineDescription")
VALUE = _iri(XO + "value")
LOWER = _iri(XO + "lowerBound")
UPPER = _iri(XO + "upperBound")
QUALIFIER = _iri(XO + "qualifier")
PUBLISHED = _iri(XO + "publishedValue")
HAS_UNIT = _iri(XO + "hasUnit")

XPO1 = _iri(XR + "XPO1")
IC50 = _iri(BAO_NS + "BAO_0000190")
NANOMOLAR = _iri(OBO_NS + "UO_0000065")
MICROMOLAR = _iri(OBO_NS + "UO_0000064")
DECIMAL = XSD_NS + "decimal"

#: The evidence fields of every synthetic statement (docs/evidence.md): made up by a program, so
#: evidence used in automatic assertion (ECO:0000501), an automated agent, and no knowledge level.
EVIDENCE = [
    (_iri(XO + "evidenceType"), _iri(OBO_NS + "ECO_0000501")),
    (_iri(XO + "modality"), _iri(XO + "Established")),
    (_iri("https://w3id.org/biolink/vocab/knowledge_level"), '"not_provided"'),
    (_iri("https://w3id.org/biolink/vocab/agent_type"), '"automated_agent"'),
]

# --- the fixed part: sources and cancer types ---------------------------------------------------

SOURCE_COUNT = 5

SOLID_TUMOURS = (
    "pancreatic adenocarcinoma",
    "non-small cell lung carcinoma",
    "small cell lung carcinoma",
    "ovarian serous carcinoma",
    "triple-negative breast carcinoma",
    "HER2-positive breast carcinoma",
    "luminal breast carcinoma",
    "colorectal adenocarcinoma",
    "gastric adenocarcinoma",
    "oesophageal squamous cell carcinoma",
    "hepatocellular carcinoma",
    "cholangiocarcinoma",
    "glioblastoma",
    "medulloblastoma",
    "neuroblastoma",
    "cutaneous melanoma",
    "uveal melanoma",
    "prostate adenocarcinoma",
    "urothelial bladder carcinoma",
    "clear cell renal cell carcinoma",
    "head and neck squamous cell carcinoma",
    "anaplastic thyroid carcinoma",
    "endometrial carcinoma",
    "cervical squamous cell carcinoma",
    "osteosarcoma",
    "Ewing sarcoma",
    "rhabdomyosarcoma",
    "pleural mesothelioma",
)
HAEMATOLOGICAL_MALIGNANCIES = (
    "acute myeloid leukaemia",
    "acute lymphoblastic leukaemia",
    "chronic lymphocytic leukaemia",
    "chronic myeloid leukaemia",
    "multiple myeloma",
    "diffuse large B-cell lymphoma",
    "mantle cell lymphoma",
    "follicular lymphoma",
    "Hodgkin lymphoma",
    "Burkitt lymphoma",
    "peripheral T-cell lymphoma",
    "myelodysplastic syndrome",
)
CANCER_TYPES = tuple((name, XO_SOLID) for name in SOLID_TUMOURS) + tuple(
    (name, XO_HAEM) for name in HAEMATOLOGICAL_MALIGNANCIES
)

# --- the distributions --------------------------------------------------------------------------

#: Values are drawn in nM and clipped to 1 nM .. 100 µM, i.e. log10 in [0, 5].
LOG10_MIN, LOG10_MAX = 0.0, 5.0
#: Share of measurements on unnamed lines ("Various"), reported as a range, and in µM.
VARIOUS_SHARE = 0.05
RANGE_SHARE = 0.20
MICROMOLAR_SHARE = 0.10
#: Qualifiers of single values with their cumulative weights (= 65 %, ~ 20 %, > 10 %, < 5 %).
QUALIFIERS = (("=", 0.65), ("~", 0.85), (">", 0.95), ("<", 1.0))

#: Blocks of (subject, [(predicate, object), ...]), every term already in N-Triples syntax.
Block = tuple[str, list[tuple[str, str]]]


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _decimal(thousandths: int) -> str:
    return f'"{_decimal_text(thousandths)}"^^<{DECIMAL}>'


def _decimal_text(thousandths: int) -> str:
    """Render a count of thousandths as a canonical-looking xsd:decimal: 1500 -> 1.5, 2000 -> 2.0."""
    whole, fraction = divmod(thousandths, 1000)
    digits = f"{fraction:03d}".rstrip("0") or "0"
    return f"{whole}.{digits}"


def _published_text(thousandths: int) -> str:
    """Render a number as printed in a paper: 1500 -> 1.5, 2000 -> 2."""
    text = _decimal_text(thousandths)
    return text.removesuffix(".0")


def _round_significant(thousandths: int, figures: int) -> int:
    """Round a positive count of thousandths to ``figures`` significant digits (never below 1)."""
    digits = len(str(thousandths))
    if digits > figures:
        step = 10 ** (digits - figures)
        thousandths = (thousandths + step // 2) // step * step
    return max(thousandths, 1)


def _width(count: int, minimum: int) -> int:
    return max(minimum, len(str(count)))


def inhibitor_count(measurements: int) -> int:
    """Return the number of synthetic inhibitors for ``measurements`` measurements."""
    return max(5, round(measurements / 200))


def cell_line_count(measurements: int) -> int:
    """Return the number of synthetic cell lines for ``measurements`` measurements."""
    return max(10, round(measurements / 50))


def _blocks(
    measurements: int, seed: int, progress: Callable[[int], None] | None = None
) -> Iterator[Block]:
    """Yield the synthetic data subject by subject; call ``progress(done)`` every 10 %."""
    rng = random.Random(seed)

    # Sources: a few synthetic "papers", all citing the benchmark and its seed.
    sources = [_iri(f"{SYN}source/{i:03d}") for i in range(1, SOURCE_COUNT + 1)]
    citation = _string(f"synthetic benchmark data, seed {seed}")
    for i, source in enumerate(sources, start=1):
        yield (
            source,
            [
                (A, XO_SOURCE),
                (LABEL, _string(f"synthetic benchmark source {i:03d}")),
                (CITATION, citation),
            ],
        )

    # Cancer types: 40 fixed kinds, each mapped to a synthetic (never a real) MONDO-like IRI.
    cancers = [_iri(f"{SYN}cancer-type/{i:03d}") for i in range(1, len(CANCER_TYPES) + 1)]
    cancer_labels = []
    for i, (cancer_type, (name, kind)) in enumerate(
        zip(cancers, CANCER_TYPES, strict=True), start=1
    ):
        cancer_labels.append(f"synthetic {name}")
        yield (
            cancer_type,
            [
                (A, kind),
                (LABEL, _string(f"synthetic {name}")),
                (EXACT_MATCH, _iri(f"{SYN}mondo/SYNMONDO_{i:07d}")),
                (SOURCE, rng.choice(sources)),
            ],
        )

    # Inhibitors: mostly SINE compounds, each with an intrinsic potency (log10 of its typical IC50
    # in nM) and an owl:Axiom giving the source of its xo:inhibits statement.
    n_inhibitors = inhibitor_count(measurements)
    width = _width(n_inhibitors, 6)
    inhibitors = []
    inhibitor_labels = []
    potencies = []
    for i in range(1, n_inhibitors + 1):
        inhibitor = _iri(f"{SYN}inhibitor/{i:0{width}d}")
        label = f"SYN-INH-{i:0{width}d}"
        source = rng.choice(sources)
        kind = XO_SINE if rng.random() < 0.7 else XO_INHIBITOR
        inhibitors.append(inhibitor)
        inhibitor_labels.append(label)
        potencies.append(rng.gauss(2.3, 0.7))
        yield (
            inhibitor,
            [
                (A, kind),
                (LABEL, _string(label)),
                (INHIBITS, XPO1),
                (SOURCE, source),
            ],
        )
        yield (
            f"_:inhibits{i:0{width}d}",
            [
                (A, OWL_AXIOM),
                (ANNOTATED_SOURCE, inhibitor),
                (ANNOTATED_PROPERTY, INHIBITS),
                (ANNOTATED_TARGET, XPO1),
                (SOURCE, source),
                *EVIDENCE,
            ],
        )

    # Cell lines: no Cellosaurus accession (a synthetic one cannot be told from a real one), a cancer
    # type, and a sensitivity offset that shifts every IC50 measured on the line.
    n_lines = cell_line_count(measurements)
    width = _width(n_lines, 6)
    lines = []
    line_labels = []
    line_cancers = []
    sensitivities = []
    for i in range(1, n_lines + 1):
        line = _iri(f"{SYN}cell-line/{i:0{width}d}")
        label = f"SYN-CL-{i:0{width}d}"
        cancer = rng.randrange(len(cancers))
        lines.append(line)
        line_labels.append(label)
        line_cancers.append(cancer)
        sensitivities.append(rng.gauss(0.0, 0.4))
        yield (
            line,
            [
                (A, XO_CELL_LINE),
                (LABEL, _string(label)),
                (DERIVED_FROM_CANCER, cancers[cancer]),
                (SOURCE, rng.choice(sources)),
            ],
        )

    # Measurements: log10(IC50 / nM) = inhibitor potency + line sensitivity + noise, clipped to
    # 1 nM .. 100 µM. Popular inhibitors and lines are measured more often (a power-law skew).
    width = _width(measurements, 7)
    step = max(1, measurements // 10)
    random_ = rng.random
    gauss = rng.gauss
    for i in range(1, measurements + 1):
        m = rng.randrange(n_inhibitors) if random_() < 0.5 else int(n_inhibitors * random_() ** 2)
        pairs = [
            (A, XO_IC50),
            (LABEL, ""),  # filled in below, once the cell line is known
            (HAS_ENDPOINT, IC50),
            (HAS_INHIBITOR, inhibitors[m]),
        ]
        various = random_() < VARIOUS_SHARE
        if various:
            cancer = rng.randrange(len(cancers))
            pairs[1] = (
                LABEL,
                _string(f"IC50 of {inhibitor_labels[m]} on {cancer_labels[cancer]} cell lines"),
            )
            pairs.append((CELL_LINE_DESCRIPTION, '"Various"'))
            pairs.append((HAS_CANCER_TYPE, cancers[cancer]))
            sensitivity = 0.0
        else:
            c = int(n_lines * random_() ** 1.5)
            pairs[1] = (LABEL, _string(f"IC50 of {inhibitor_labels[m]} on {line_labels[c]}"))
            pairs.append((HAS_CELL_LINE, lines[c]))
            pairs.append((HAS_CANCER_TYPE, cancers[line_cancers[c]]))
            sensitivity = sensitivities[c]

        log10 = potencies[m] + sensitivity + gauss(0.0, 0.35)
        log10 = min(max(log10, LOG10_MIN), LOG10_MAX)
        micromolar = random_() < MICROMOLAR_SHARE
        # Count thousandths of the reporting unit: nM * 1000 in nM, nM itself in µM.
        scale = 1 if micromolar else 1000
        if random_() < RANGE_SHARE:
            half_width = 0.15 + 0.35 * random_()  # the range spans 2x to 10x
            low = _round_significant(round(10 ** max(log10 - half_width, LOG10_MIN) * scale), 2)
            high = _round_significant(round(10 ** min(log10 + half_width, LOG10_MAX) * scale), 2)
            high = max(high, low)
            pairs.append((LOWER, _decimal(low)))
            pairs.append((UPPER, _decimal(high)))
            published = f"{_published_text(low)} - {_published_text(high)}"
            if various:  # a range over unnamed cell lines: a summary, not one measurement
                pairs[0] = (A, XO_RANGE_SUMMARY)
        else:
            u = random_()
            qualifier = next(q for q, cumulative in QUALIFIERS if u < cumulative)
            # Censored values ("> 10000") are round numbers; the others keep 3 significant figures.
            figures = 1 if qualifier in ("<", ">") else 3
            value = _round_significant(round(10**log10 * scale), figures)
            pairs.append((VALUE, _decimal(value)))
            pairs.append((QUALIFIER, _string(qualifier)))
            if qualifier in ("=", "~"):  # pIC50 = -log10(IC50 in mol/L), two decimals
                nanomolar = value if micromolar else value / 1000
                pairs.append((PIC50, f'"{9 - math.log10(nanomolar):.2f}"^^<{DECIMAL}>'))
            text = _published_text(value)
            published = text if qualifier == "=" else qualifier + text
        pairs.append((PUBLISHED, _string(published)))
        pairs.append((HAS_UNIT, MICROMOLAR if micromolar else NANOMOLAR))
        pairs.append((SOURCE, rng.choice(sources)))
        pairs.extend(EVIDENCE)
        yield _iri(f"{SYN}measurement/{i:0{width}d}"), pairs
        if progress is not None and (i % step == 0 or i == measurements):
            progress(i)


def generate(measurements: int, seed: int) -> Iterator[str]:
    """Yield the synthetic data as N-Triples lines, each ending in a newline.

    >>> lines = list(generate(10, seed=1))
    >>> sum(" <https://w3id.org/xpo1kg/ontology/IC50Measurement> ." in line for line in lines)
    10
    """
    _check(measurements)
    return (
        f"{subject} {predicate} {obj} .\n"
        for subject, pairs in _blocks(measurements, seed)
        for predicate, obj in pairs
    )


def _check(measurements: int) -> None:
    if measurements < 0:
        raise ValueError("the number of measurements must not be negative")


# --- Turtle -------------------------------------------------------------------------------------

PREFIXES = (
    ("xo", XO),
    ("rdf", RDF_NS),
    ("rdfs", RDFS_NS),
    ("owl", OWL_NS),
    ("skos", SKOS_NS),
    ("dcterms", DCTERMS_NS),
    ("obo", OBO_NS),
    ("bao", BAO_NS),
    ("xr", XR),
    ("synsrc", SYN + "source/"),
    ("synct", SYN + "cancer-type/"),
    ("synmondo", SYN + "mondo/"),
    ("syninh", SYN + "inhibitor/"),
    ("syncl", SYN + "cell-line/"),
    ("synm", SYN + "measurement/"),
)
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
# Longest namespace first, so that xr: never shadows the synthetic namespaces under it.
_BY_LENGTH = sorted(PREFIXES, key=lambda pair: -len(pair[1]))
_DECIMAL_LITERAL = re.compile(r'"([0-9]+\.[0-9]+)"\^\^<' + re.escape(DECIMAL) + ">")


def _turtle_header() -> str:
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES)


def _turtle_term(term: str, cache: dict[str, str]) -> str:
    short = cache.get(term)
    if short is not None:
        return short
    short = term
    if term == A:
        short = "a"
    elif term.startswith("<"):
        iri = term[1:-1]
        for prefix, namespace in _BY_LENGTH:
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(local):
                short = f"{prefix}:{local}"
                break
    elif match := _DECIMAL_LITERAL.fullmatch(term):
        short = match.group(1)
    # Literals vary too much to be worth caching; IRIs and the fixed strings repeat.
    if len(cache) < 200_000:
        cache[term] = short
    return short


def _turtle(blocks: Iterator[Block]) -> Iterator[str]:
    cache: dict[str, str] = {}
    yield _turtle_header()
    for subject, pairs in blocks:
        body = " ;\n    ".join(
            f"{_turtle_term(p, cache)} {_turtle_term(o, cache)}" for p, o in pairs
        )
        yield f"\n{_turtle_term(subject, cache)} {body} .\n"


# --- writing ------------------------------------------------------------------------------------


def _format_for(path: str, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("nt", "ttl"):
            raise ValueError(f"unknown format {fmt!r} (expected nt or ttl)")
        return fmt
    if path == "-":
        return "nt"
    suffix = Path(path).suffix.lower()
    if suffix in (".nt", ".ttl"):
        return suffix[1:]
    raise ValueError(f"{path}: cannot tell the format from the extension; pass --format nt|ttl")


def _write_to(
    out: TextIO,
    measurements: int,
    seed: int,
    fmt: str,
    progress: Callable[[int], None] | None,
) -> int:
    triples = 0
    chunk: list[str] = []
    blocks = _blocks(measurements, seed, progress)

    def counted() -> Iterator[Block]:
        nonlocal triples
        for block in blocks:
            triples += len(block[1])
            yield block

    if fmt == "ttl":
        pieces: Iterator[str] = _turtle(counted())
    else:
        pieces = (
            f"{subject} {predicate} {obj} .\n"
            for subject, pairs in counted()
            for predicate, obj in pairs
        )
    for piece in pieces:
        chunk.append(piece)
        if len(chunk) >= 20_000:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))
    return triples


def write(
    path: str | Path,
    measurements: int,
    seed: int,
    fmt: str | None = None,
    *,
    progress: TextIO | None = None,
) -> int:
    """Write the synthetic data to ``path`` (``"-"`` for stdout) and return the triple count.

    ``fmt`` is ``"nt"`` or ``"ttl"``; by default it follows the extension (N-Triples on stdout).
    With ``progress`` (a text stream such as ``sys.stderr``), report every 10 % of the measurements.
    """
    _check(measurements)
    path = str(path)
    fmt = _format_for(path, fmt)
    report = None
    if progress is not None and measurements >= 1000:
        started = time.perf_counter()

        def report(done: int) -> None:
            percent = 100 * done // measurements
            elapsed = time.perf_counter() - started
            print(f"{percent:3d}% {done:,} measurements ({elapsed:.1f} s)", file=progress)

    if path == "-":
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        try:
            return _write_to(out, measurements, seed, fmt, report)
        finally:
            out.flush()
            out.detach()
    # Write next to the target and rename, so that an interrupted run leaves no half file behind.
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            triples = _write_to(out, measurements, seed, fmt, report)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return triples


def main(argv: list[str] | None = None) -> int:
    """Run the command line: parse arguments, write the data, summarise on stderr."""
    parser = argparse.ArgumentParser(
        description="Write synthetic, shape-conformant xpo1kg data (N-Triples or Turtle)."
    )
    parser.add_argument(
        "--measurements", "-n", type=int, required=True, help="number of IC50 measurements"
    )
    parser.add_argument("--seed", "-s", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--output", "-o", required=True, help="output file (.nt or .ttl), or - for stdout"
    )
    parser.add_argument(
        "--format", "-f", choices=("nt", "ttl"), help="output format (default: from the extension)"
    )
    args = parser.parse_args(argv)
    if args.measurements < 0:
        parser.error("--measurements must not be negative")
    try:
        fmt = _format_for(args.output, args.format)
    except ValueError as error:
        parser.error(str(error))
    started = time.perf_counter()
    triples = write(args.output, args.measurements, args.seed, fmt, progress=sys.stderr)
    seconds = time.perf_counter() - started
    where = "stdout" if args.output == "-" else args.output
    print(
        f"wrote {triples:,} triples ({args.measurements:,} measurements, "
        f"{inhibitor_count(args.measurements):,} inhibitors, "
        f"{cell_line_count(args.measurements):,} cell lines, {len(CANCER_TYPES)} cancer types, "
        f"{SOURCE_COUNT} sources; seed {args.seed}, {fmt}) to {where} in {seconds:.2f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
