"""Spreadsheets as records of text: CSV, TSV and Excel workbooks (``.xlsx``), one reader for all.

:func:`read_sheet` returns the non-empty records of a table, each with its row number (the line
in a CSV file, the row in a worksheet), as stripped text. ``ingest``, ``curate`` and
``import nesdb`` read their files through it, so all three accept the same formats and name the
same places in their errors. A workbook's records are named ``book.xlsx[Sheet]``, so an error
reads ``book.xlsx[Sheet]:7:inhibitor: …``.

Workbooks are read with openpyxl (values, not formulas: a formula gives the value Excel last
computed). A workbook is a zip archive: its members are checked before openpyxl sees them, so an
archive that would unpack to more than :data:`MAX_UNPACKED` bytes is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xpo1kg.errors import InputError
from xpo1kg.rdf.loading import reporting_read_errors

__all__ = ["MAX_UNPACKED", "TABLE_SUFFIXES", "Sheet", "cell_text", "read_sheet"]

#: The file types read, by suffix: a delimiter, or None for a workbook.
TABLE_SUFFIXES: dict[str, str | None] = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".xlsx": None}
#: The most a workbook may unpack to (bytes): more is refused as a likely zip bomb.
MAX_UNPACKED = 512 * 1024 * 1024


@dataclass(frozen=True)
class Sheet:
    """A table read as text: its name for messages, its file, SHA-256 and non-empty records.

    ``records`` are (row number, cells), the header first; ``name`` is the file name, or
    ``book.xlsx[Sheet]`` for a worksheet.
    """

    name: str
    path: Path
    sha256: str
    records: tuple[tuple[int, tuple[str, ...]], ...]


def clean_cell(text: str) -> str:
    """Strip spaces and the zero-width characters that spreadsheet exports leave."""
    return text.strip().strip("\u200b\ufeff").strip()


def cell_text(value: object) -> str:
    """Return a workbook cell's value as the text a CSV export would show.

    >>> cell_text(32.0), cell_text(0.2), cell_text(1.5e-7), cell_text(None), cell_text(True)
    ('32', '0.2', '0.00000015', '', 'TRUE')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def _read_bytes(path: Path) -> bytes:
    with reporting_read_errors(str(path), "a table"):
        return path.read_bytes()


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """Read a CSV (``.csv``), TSV (``.tsv``, ``.tab``) or Excel (``.xlsx``) table as text.

    ``sheet`` chooses a worksheet by name (default: the first); it is refused for CSV and TSV.
    Raises :class:`~xpo1kg.errors.InputError` naming the file (and line) for a table that cannot
    be read: unknown type, not UTF-8, a broken quote, not a workbook, no such sheet, empty.
    """
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        known = ", ".join(TABLE_SUFFIXES)
        raise InputError(f"{name}: unknown table type {path.suffix!r}: use {known}")
    raw = _read_bytes(path)
    delimiter = TABLE_SUFFIXES[suffix]
    if delimiter is None:
        name, records = _read_workbook(path, raw, sheet)
    else:
        if sheet is not None:
            raise InputError(f"{name}: --sheet applies to .xlsx workbooks only")
        records = _read_delimited(name, raw, delimiter)
    if not records:
        raise InputError(f"{name}: empty file, expected a header line")
    return Sheet(name, path, hashlib.sha256(raw).hexdigest(), tuple(records))


def _read_delimited(name: str, raw: bytes, delimiter: str) -> list[tuple[int, tuple[str, ...]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}: not UTF-8 text (save the sheet as CSV UTF-8)") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, tuple[str, ...]]] = []
    try:
        start = 1
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((start, tuple(record)))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(f"{name}:{reader.line_num}: {error}") from None
    return records


def _read_workbook(
    path: Path, raw: bytes, sheet: str | None
) -> tuple[str, list[tuple[int, tuple[str, ...]]]]:
    """Read one worksheet's values; the name is ``book.xlsx[Sheet]``."""
    import openpyxl  # only workbooks need it
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not an Excel workbook (.xlsx is a zip archive)") from None
    if unpacked > MAX_UNPACKED:
        raise InputError(f"{name}: the workbook unpacks to {unpacked:,} bytes, more than allowed")
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise InputError(f"{name}: not a readable Excel workbook ({error})") from None
    try:
        names = book.sheetnames
        if sheet is None:
            if not names:
                raise InputError(f"{name}: the workbook has no sheets")
            sheet = names[0]
        elif sheet not in names:
            known = ", ".join(repr(n) for n in names)
            raise InputError(f"{name}: no sheet {sheet!r} (sheets: {known})")
        worksheet = book[sheet]
        records: list[tuple[int, tuple[str, ...]]] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = tuple(cell_text(value) for value in values)
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
    finally:
        book.close()
    return f"{name}[{sheet}]", records
