"""The triples an ingest writes: new measurements with their evidence, and unverified names.

Nothing here reads the graph. :mod:`xpo1kg.ingest.plan` resolves a row's names and leaves out the
measurements the graph has; :func:`measurement_triples` then writes a new measurement as
N-Triples terms (:mod:`xpo1kg.rdf.text`): its IRI (from what identifies it and its source), label,
published text, value or range in nM, pIC50 and evidence (docs/evidence.md). With ``allow_new``,
:func:`unverified_iri` and :func:`unverified_triples` make an inhibitor or cell line, marked as not
yet verified, and :func:`inhibits_triples` states the target given with ``--inhibits``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal

from xpo1kg.ingest.evidence_cells import MANUAL_ASSERTION
from xpo1kg.ingest.values import Quantity, decimal_lexical
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.text import Triple
from xpo1kg.rdf.text import iri as _iri
from xpo1kg.rdf.text import quote as _quote
from xpo1kg.rdf.text import term as _term
from xpo1kg.rdf.text import typed as _typed

__all__ = [
    "UNICODE_SLUG",
    "UNVERIFIED",
    "evidence_type",
    "inhibits_triples",
    "measurement_triples",
    "pic50",
    "slug",
    "unverified_iri",
    "unverified_triples",
]

XR = PREFIXES["xr"]
#: The comment that marks inhibitors and cell lines created with ``allow_new``.
UNVERIFIED = "Not yet verified: created by `xpo1kg ingest` from a spreadsheet row."
UNICODE_SLUG = r"[^\w.-]+"
A, LABEL, COMMENT, SOURCE = (
    _term(n) for n in ("rdf:type", "rdfs:label", "rdfs:comment", "dcterms:source")
)
_MEASUREMENT, _MEASUREMENT_ANY = _term("xo:IC50Measurement"), _term("xo:Measurement")
_HAS_ENDPOINT, _HAS_INHIBITOR = _term("xo:hasEndpoint"), _term("xo:hasInhibitor")
_HAS_CELL_LINE, _HAS_CANCER_TYPE = _term("xo:hasCellLine"), _term("xo:hasCancerType")
_PUBLISHED, _QUALIFIER = _term("xo:publishedValue"), _term("xo:qualifier")
_DESCRIBED, _HAS_UNIT, _NANOMOLAR = (
    _term("xo:cellLineDescription"),
    _term("xo:hasUnit"),
    _term("obo:UO_0000065"),
)
_NUMBERS = (_term("xo:value"), _term("xo:lowerBound"), _term("xo:upperBound"))
_RANGE_SUMMARY, _PIC50 = _term("xo:IC50RangeSummary"), _term("xo:pIC50")
#: Evidence types (docs/evidence.md): the guide's values are author statements without traceable
#: support; a value read from a paper (PMID or DOI) is experimental evidence; any other source
#: (a web page) is an author statement.
_NAS, _EXP = _term("obo:ECO_0000303"), _term("obo:ECO_0000269")
_EVIDENCE_FIELDS = ((_term("xo:modality"), _term("xo:Established")), *MANUAL_ASSERTION)
_PAPER = re.compile(re.escape(XR) + r"source/(?:pmid|doi)-")


def evidence_type(source: str) -> str:
    """Return the ECO class (an N-Triples term) of a measurement read from ``source``."""
    return _EXP if _PAPER.match(source) else _NAS


def pic50(nanomolar: Decimal) -> Decimal | None:
    """Return -log10 of a concentration in mol/L, to two decimals (ChEMBL's pChEMBL), or None.

    None outside 0..15 (above 1 M or below 1 fM), where a pIC50 means nothing.

    >>> pic50(Decimal(32)), pic50(Decimal(100)), pic50(Decimal("1e10"))
    (Decimal('7.49'), Decimal('7.00'), None)
    """
    value = (Decimal(9) - nanomolar.log10()).quantize(Decimal("0.01"))
    return value if Decimal(0) <= value <= Decimal(15) else None


def slug(text: str, pattern: str = r"[^A-Za-z0-9-]+") -> str:
    """Return the last path segment of an IRI (or a name) with other characters as dashes."""
    return re.sub(pattern, "-", re.split(r"[/#]", text)[-1]).strip("-.") or "x"


def measurement_triples(
    label: str,
    *,
    inhibitor: str,
    cell: str | None,
    description: str,
    cancer: str | None,
    quantity: Quantity,
    endpoint: tuple[str, str],
    source: str,
    assay: str,
    notes: str,
) -> tuple[str, list[Triple]]:
    """Return a new measurement's IRI and its triples.

    The IRI follows from what identifies the measurement and from its source, so a row names the
    same node each time. ``description`` is the cell-line cell of a row that names no single
    line (``Various``); ``endpoint`` is the endpoint's name and BAO IRI.
    """
    context = cell or cancer or ""
    numbers = [decimal_lexical(x) if x is not None else "" for x in quantity.key[1:]]
    identity = [inhibitor, cell or "", "" if cell else context, endpoint[1], quantity.key[0]]
    digest = hashlib.sha1("\n".join([*identity, *numbers, source]).encode(), usedforsecurity=False)
    iri = f"{XR}{endpoint[0]}_{slug(inhibitor)}_{slug(context)}_{digest.hexdigest()[:16]}"
    m = f"<{iri}>"
    kind = _MEASUREMENT if endpoint[0] == "IC50" else _MEASUREMENT_ANY
    if kind == _MEASUREMENT and description and quantity.value is None:
        kind = _RANGE_SUMMARY  # a range over cell lines the row does not name
    triples: list[Triple] = [
        (m, A, kind),
        (m, LABEL, _quote(label)),
        (m, _HAS_ENDPOINT, f"<{endpoint[1]}>"),
        (m, _HAS_INHIBITOR, f"<{inhibitor}>"),
        (m, _PUBLISHED, _quote(quantity.text)),
        (m, _HAS_UNIT, _NANOMOLAR),
        (m, SOURCE, f"<{source}>"),
        (m, _term("xo:evidenceType"), evidence_type(source)),
        *((m, p, o) for p, o in _EVIDENCE_FIELDS),
    ]
    add = triples.append
    exact = quantity.value is not None and quantity.qualifier in (None, "=", "~")
    if exact and quantity.value is not None and (value := pic50(quantity.value)) is not None:
        add((m, _PIC50, _typed(decimal_lexical(value), "decimal")))
    if cell:
        add((m, _HAS_CELL_LINE, f"<{cell}>"))
    if description:
        add((m, _DESCRIBED, _quote(description)))
    if cancer:
        add((m, _HAS_CANCER_TYPE, f"<{cancer}>"))
    if quantity.qualifier:
        add((m, _QUALIFIER, _quote(quantity.qualifier)))
    for predicate, number in zip(_NUMBERS, numbers, strict=True):
        if number:
            add((m, predicate, _typed(number, "decimal")))
    if assay:
        add((m, _term("dcterms:description"), _quote(assay)))
    if notes:
        add((m, COMMENT, _quote(notes)))
    return iri, triples


def unverified_iri(kind: str, name: str) -> str:
    """Return the IRI of an inhibitor or cell line (``kind``) that an ingest makes for a name."""
    return f"{XR}new/{kind.replace('_', '-')}/{slug(name, UNICODE_SLUG)}"


def unverified_triples(iri: str, xo_class: str, label: str, sources: Iterable[str]) -> list[Triple]:
    """Return the class, label, not-yet-verified comment and sources of a thing an ingest makes."""
    node = _iri(iri)
    return [
        (node, A, _term(f"xo:{xo_class}")),
        (node, LABEL, _quote(label)),
        (node, COMMENT, _quote(UNVERIFIED)),
        *((node, SOURCE, _iri(s)) for s in sorted(sources)),
    ]


def inhibits_triples(
    inhibitor: str, target: str, sources: Iterable[str]
) -> tuple[str, list[Triple]]:
    """Return the axiom (a blank node) stating a new inhibitor's target, and the triples of both.

    The target is the one given with ``--inhibits``: the axiom cites the inhibitor's sources, as
    a curator's inference (ECO:0000305).
    """
    node = _iri(inhibitor)
    axiom = f"_:{hashlib.sha1(inhibitor.encode(), usedforsecurity=False).hexdigest()}"
    protein, inhibits = _iri(target), _term("xo:inhibits")
    return axiom, [
        (node, inhibits, protein),
        (axiom, A, _term("owl:Axiom")),
        (axiom, _term("owl:annotatedSource"), node),
        (axiom, _term("owl:annotatedProperty"), inhibits),
        (axiom, _term("owl:annotatedTarget"), protein),
        *((axiom, SOURCE, _iri(s)) for s in sorted(sources)),
        (axiom, COMMENT, _quote("Target stated at ingest with --inhibits.")),
        (axiom, _term("xo:evidenceType"), _term("obo:ECO_0000305")),
        *((axiom, p, o) for p, o in _EVIDENCE_FIELDS),
    ]
