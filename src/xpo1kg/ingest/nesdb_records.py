"""NESdb records as read from a table: the cells of one cargo, checked, before the graph is asked.

:func:`read_records` finds the columns by their header (case, spaces and underscores aside);
:func:`read_record` turns one row's cells into a :class:`NesdbRecord`, or raises
:class:`RecordError` naming the column: an ``ID`` without an NES ID, a FASTA header without a
UniProt accession, a range list that is not one (read with :func:`ast.literal_eval`, never
evaluated) or a range beyond the sequence.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from xpo1kg.ingest.sheets import Sheet, clean_cell
from xpo1kg.ingest.values import IngestError, Problem, normalise_header

__all__ = [
    "NesdbRecord",
    "RecordError",
    "organism_matches",
    "parse_accession",
    "parse_nes_id",
    "parse_ranges",
    "read_record",
    "read_records",
]

#: The columns read, by their folded header, and the names used in messages.
_COLUMNS = {
    "id": "ID",
    "fullname": "Full Name",
    "alternativenames": "Alternative Names",
    "organism": "Organism",
    "experimentalevidenceforcrm1-mediatedexport": "Experimental Evidence for CRM1-mediated Export",
    "functionalexportsignals": "Functional Export Signals",
    "fastaheader": "Fasta Header",
    "sequence": "Sequence",
}
_REQUIRED = ("id", "organism", "functionalexportsignals", "fastaheader")
_NES_ID = re.compile(r"(?P<name>.*?)\s*\(\s*NES\s*ID\s*:\s*(?P<id>\d{1,9})\s*\)", re.IGNORECASE)
# UniProt accession (the pattern of xsh:ProteinShape), after sp| or tr|, with an optional version.
_ACCESSION = r"[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9](?:[A-Z][A-Z0-9]{2}[0-9]){1,2}"
_FASTA = re.compile(rf"(?:^|[|>\s])(?:sp|tr)\|(?P<acc>{_ACCESSION})(?:\.\d+)?\|")
_RANGE = re.compile(r"\s*(\d{1,6})\s*-\s*(\d{1,6})\s*")


class RecordError(ValueError):
    """A cell of a record that cannot be read; ``column`` names it."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def parse_nes_id(text: str) -> tuple[str, str]:
    """Return the name and the NES ID of an ``ID`` cell.

    >>> parse_nes_id("TFIIA  (NES ID: 323)")
    ('TFIIA', '323')
    """
    match = _NES_ID.fullmatch(" ".join(text.split()))
    if match is None or not match["name"]:
        raise RecordError("ID", f"cannot read {text!r}: expected a name and (NES ID: number)")
    return match["name"], str(int(match["id"]))


def parse_accession(text: str) -> str:
    """Return the UniProt accession in a FASTA header (without its version).

    >>> parse_accession(">gi|126682|sp|P25963.1|IKBA_HUMAN RecName: Full=NF-kappa-B inhibitor")
    'P25963'
    >>> parse_accession("sp|P52655|TF2AA_HUMAN Transcription initiation factor IIA subunit 1")
    'P52655'
    """
    match = _FASTA.search(text.strip())
    if match is None:
        where = f"in {text.strip()[:60]!r}" if text.strip() else "(the cell is empty)"
        raise RecordError("Fasta Header", f"no UniProt accession (sp|…| or tr|…|) {where}")
    return match["acc"]


def parse_ranges(text: str) -> list[tuple[int, int]]:
    """Read a list of residue ranges written as a Python list: ``['339-352']``, ``[]``.

    The cell is parsed with :func:`ast.literal_eval` (literals only, never code).

    >>> parse_ranges(" ['138-155', '1 - 40'] ")
    [(1, 40), (138, 155)]
    >>> parse_ranges("[]")
    []
    """
    column = "Functional Export Signals"
    written = text.strip()
    if not written:
        return []
    if len(written) > 10_000:
        raise RecordError(column, "too long for a list of ranges")
    try:
        value = ast.literal_eval(written)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise RecordError(
            column, f"cannot read {written[:60]!r}: expected ['start-end', …]"
        ) from None
    if not isinstance(value, list | tuple):
        raise RecordError(column, f"{written[:60]!r} is not a list of ranges")
    ranges = set()
    for item in value:
        match = _RANGE.fullmatch(item) if isinstance(item, str) else None
        if match is None:
            raise RecordError(column, f"{item!r} is not a residue range such as '339-352'")
        start, end = int(match[1]), int(match[2])
        if start < 1 or start > end:
            raise RecordError(column, f"{item!r}: a range runs from residue 1 up, start ≤ end")
        ranges.add((start, end))
    return sorted(ranges)


def _names(text: str) -> list[str]:
    """Split alternative names (commas, line breaks or runs of spaces); 'None' is none."""
    parts = re.split(r"\s*,\s*|\s*\n\s*|\s{2,}", text.strip())
    return [p for p in (" ".join(p.split()) for p in parts) if p and p.casefold() != "none"]


def organism_matches(organism: str, wanted: str) -> bool:
    """Whether ``Homo sapiens (Human)`` is the organism asked for (by either name, any case)."""
    match = re.fullmatch(r"(.*?)\s*(?:\((.*)\))?", " ".join(organism.split()))
    names = {organism.casefold().strip()}
    if match:
        names |= {(match[1] or "").casefold(), (match[2] or "").casefold()}
    return " ".join(wanted.split()).casefold() in names - {""}


@dataclass(frozen=True)
class NesdbRecord:
    """One cargo record as read: its row, name, NES ID, accession, names, evidence, ranges."""

    row: int
    name: str
    nes_id: str
    accession: str
    full_name: str
    synonyms: tuple[str, ...]
    organism: str
    evidence: tuple[str, ...]
    ranges: tuple[tuple[int, int], ...]


def read_records(sheet: Sheet) -> list[tuple[int, dict[str, str]]]:
    """Return each record's row and cells by column key; IngestError (exit 2) if one is missing."""
    (line, header), body = sheet.records[0], sheet.records[1:]
    positions: dict[str, int] = {}
    for index, written in enumerate(header):
        key = normalise_header(clean_cell(written))
        if key in _COLUMNS and key not in positions:
            positions[key] = index
    missing = [_COLUMNS[k] for k in _REQUIRED if k not in positions]
    if missing:
        problems = [Problem(line, "", f"missing column {column!r}") for column in missing]
        raise IngestError(sheet.name, problems, exit_code=2)
    return [
        (row, {k: (cells[i] if i < len(cells) else "") for k, i in positions.items()})
        for row, cells in body
    ]


def read_record(row: int, cells: dict[str, str]) -> NesdbRecord:
    """Read one record's cells; raise RecordError naming the column that cannot be read."""
    name, nes_id = parse_nes_id(cells["id"])
    organism = " ".join(cells["organism"].split())
    if not organism:
        raise RecordError("Organism", "no organism")
    evidence_text = cells.get("experimentalevidenceforcrm1-mediatedexport", "")
    evidence = tuple(dict.fromkeys(_names(evidence_text)))
    ranges = tuple(parse_ranges(cells["functionalexportsignals"]))
    sequence = "".join(cells.get("sequence", "").split())
    for start, end in ranges:
        if sequence and end > len(sequence):
            message = f"the range {start}-{end} ends after the sequence ({len(sequence)} residues)"
            raise RecordError("Functional Export Signals", message)
    full_name = " ".join(cells.get("fullname", "").split())
    synonyms = tuple(dict.fromkeys(_names(cells.get("alternativenames", ""))))
    return NesdbRecord(
        row,
        name,
        nes_id,
        parse_accession(cells["fastaheader"]),
        "" if full_name.casefold() == "none" else full_name,
        synonyms,
        organism,
        evidence,
        ranges,
    )
