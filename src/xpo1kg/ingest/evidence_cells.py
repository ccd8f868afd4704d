"""The evidence cells of a statement table: its evidence type and its modality.

The evidence type is one of a closed list of ECO classes (``ontology/shapes.ttl``); the modality
is stated, or read from the source's hedge words (docs/evidence.md).
"""

from __future__ import annotations

import re
from functools import cache

import pyoxigraph as ox

from xpo1kg.rdf.namespaces import BIOLINK, PREFIXES, compress
from xpo1kg.rdf.text import iri as term_iri
from xpo1kg.rdf.text import quote
from xpo1kg.resources import shapes_file

__all__ = ["MANUAL_ASSERTION", "evidence_types", "parse_evidence_type", "parse_modality"]

XO, OBO = PREFIXES["xo"], PREFIXES["obo"]
#: The Biolink knowledge level and agent type of every statement the importers write: a person's
#: assertion (docs/evidence.md), as predicate and object in N-Triples.
MANUAL_ASSERTION = (
    (term_iri(str(BIOLINK.knowledge_level)), quote("knowledge_assertion")),
    (term_iri(str(BIOLINK.agent_type)), quote("manual_agent")),
)

#: GO evidence codes (docs/evidence.md) and the ECO classes they stand for.
_GO_CODES = {
    "EXP": "ECO_0000269",
    "NAS": "ECO_0000303",
    "TAS": "ECO_0000304",
    "IC": "ECO_0000305",
    "IEA": "ECO_0000501",
}
_MODALITIES = ("Established", "Reported", "Suggested", "Possible")
#: Words of a hedge and the modality they mean, most tentative first (docs/evidence.md).
_HEDGE_WORDS = (
    ("Possible", r"\b(may|maybe|might|can|could|possibly|potentially|perhaps)\b"),
    ("Suggested", r"\b(appears?|appeared|seems?|suggest\w*|likely|probabl\w*|putative\w*)\b"),
    ("Reported", r"\b(been|reported|shown|observed|described|correlated|found)\b"),
)


@cache
def evidence_types() -> tuple[str, ...]:
    """Return the ECO classes that ``ontology/shapes.ttl`` allows as ``xo:evidenceType`` (IRIs)."""
    store = ox.Store()
    store.load(shapes_file().read_bytes(), ox.RdfFormat.TURTLE)
    query = f"""PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT DISTINCT ?v {{ ?p sh:path <{XO}evidenceType> ; sh:in/<{PREFIXES["rdf"]}rest>*/<{PREFIXES["rdf"]}first> ?v }}"""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return tuple(sorted(str(getattr(s["v"], "value", "")) for s in solutions))


def parse_evidence_type(text: str) -> str:
    """Read an evidence type: ``ECO:0000303``, ``obo:ECO_0000303``, its IRI, or ``NAS``.

    Only the ECO classes of the closed list are accepted. Raises ValueError naming the list.

    >>> parse_evidence_type("eco:0000312").rsplit("/", 1)[1]
    'ECO_0000312'
    """
    known = evidence_types()
    written = text.strip()
    code = written.upper()
    if code in _GO_CODES:
        local = _GO_CODES[code]
    else:
        match = re.fullmatch(
            r"(?:HTTP://PURL\.OBOLIBRARY\.ORG/OBO/|OBO:)?ECO[:_](\d{7})", code.replace(" ", "")
        )
        local = f"ECO_{match.group(1)}" if match else ""
    if OBO + local not in known:
        allowed = ", ".join(compress(k).replace("obo:ECO_", "ECO:") for k in known)
        raise ValueError(
            f"evidence type {written!r} is not one of the allowed ECO classes: {allowed}"
        )
    return OBO + local


def parse_modality(text: str, hedge: str) -> str:
    """Return the modality (``xo:`` IRI) a row states, or the one its hedge words mean.

    Raises ValueError when modality and hedge disagree, or when a hedge names no known modality.

    >>> parse_modality("", "has been correlated").rsplit("/", 1)[1]
    'Reported'
    >>> parse_modality("", "").rsplit("/", 1)[1]
    'Established'
    """
    word = re.sub(r"^xo:", "", text.strip(), flags=re.IGNORECASE).casefold()
    if word:
        names = {m.casefold(): m for m in _MODALITIES}
        if word not in names:
            raise ValueError(f"unknown modality {text!r} (known: {', '.join(_MODALITIES)})")
        modality = names[word]
        if modality == "Established" and hedge:
            raise ValueError(f"an established statement has no hedge, but the row says {hedge!r}")
        if modality != "Established" and not hedge:
            raise ValueError(f"a {modality.lower()} statement needs the source's hedge words")
        return XO + modality
    if not hedge:
        return XO + "Established"
    for modality, pattern in _HEDGE_WORDS:
        if re.search(pattern, hedge, re.IGNORECASE):
            return XO + modality
    raise ValueError(
        f"cannot tell the modality from the hedge {hedge!r}: fill the modality column "
        f"({', '.join(_MODALITIES[1:])})"
    )
