"""The text of a measurement table's cells, as people write it, and the problems of a table.

Nothing here knows the graph. :func:`parse_quantity` turns a value such as ``~100``, ``100–500``,
``<10``, ``0.2 µM`` or ``1.5e-7 M`` into a :class:`Quantity` in nanomolar, keeping approximate,
censored and range values apart; :func:`parse_endpoint` reads the endpoint cell. The table itself
(header and rows) is read by :mod:`xpo1kg.ingest.measurement_table`, the source cell by
:mod:`xpo1kg.ingest.sources`; :mod:`xpo1kg.ingest.plan` resolves names against the graph. Every
importer reports what is wrong as a :class:`Problem` (row and column) in an :class:`IngestError`.

>>> q = parse_quantity("0.2 µM")
>>> (q.qualifier, q.value)
('=', Decimal('200'))
>>> str(parse_quantity("100 – 500", "nM"))
'100–500 nM'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from xpo1kg.errors import XPO1KGError
from xpo1kg.ingest.sheets import clean_cell
from xpo1kg.rdf.namespaces import BAO

__all__ = [
    "ENDPOINTS",
    "IngestError",
    "Problem",
    "Quantity",
    "QuantityError",
    "RefusedCellError",
    "decimal_lexical",
    "fold_name",
    "normal_text",
    "normalise_header",
    "parse_endpoint",
    "parse_quantity",
    "parse_unit",
    "read_header",
]

#: Endpoint name -> BioAssay Ontology term.
ENDPOINTS = {
    "IC50": str(BAO.BAO_0000190),
    "EC50": str(BAO.BAO_0000188),
    "AC50": str(BAO.BAO_0000186),
    "Ki": str(BAO.BAO_0000192),
}


# --- problems ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong with the input: the file line (0: none), the column ('' : none), why."""

    row: int
    column: str
    message: str

    def line(self, name: str) -> str:
        """Render as ``FILE:ROW:COLUMN: message`` (leaving out what is unknown)."""
        where = (
            [name] + ([str(self.row)] if self.row else []) + ([self.column] if self.column else [])
        )
        return f"{':'.join(where)}: {self.message}"


class IngestError(XPO1KGError):
    """Problems that stop an ingest; ``exit_code`` 2 for an unreadable table, 1 for bad rows."""

    def __init__(self, name: str, problems: list[Problem], exit_code: int = 1) -> None:
        self.name = name
        self.problems = sorted(problems)
        self.exit_code = exit_code
        count = len(problems)
        super().__init__(f"{name}: {count} problem{'s' if count != 1 else ''}; nothing was written")

    def lines(self) -> list[str]:
        """Return one line per problem."""
        return [problem.line(self.name) for problem in self.problems]


# --- values --------------------------------------------------------------------------------------


class RefusedCellError(Exception):
    """A cell that cannot be used; the message says why."""


class QuantityError(ValueError):
    """A value (or unit) that cannot be read; ``column`` says which cell is wrong."""

    def __init__(self, message: str, column: str = "value") -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Quantity:
    """A concentration in nM: one value with its qualifier, or a range (qualifier None or '~').

    ``text`` is what the table says (the value cell, plus the unit cell when the unit came from it).
    """

    text: str
    qualifier: str | None
    value: Decimal | None
    lower: Decimal | None = None
    upper: Decimal | None = None

    @property
    def key(self) -> tuple[str, Decimal | None, Decimal | None, Decimal | None]:
        """What identifies the quantity: decimals compare (and hash) by value."""
        return (self.qualifier or "", self.value, self.lower, self.upper)

    def __str__(self) -> str:
        if self.value is not None:
            qualifier = "" if self.qualifier == "=" else self.qualifier
            return f"{qualifier}{_plain(self.value)} nM"
        return f"{self.qualifier or ''}{_plain(self.lower)}–{_plain(self.upper)} nM"


_QUALIFIERS = {
    "~": "~", "≈": "~", "∼": "~", "≃": "~", "〜": "~", "ca.": "~", "ca": "~", "circa": "~",
    "approx.": "~", "approx": "~", "approximately": "~", "about": "~",
    "=": "=", "<": "<", ">": ">", "<=": "<=", "=<": "<=", "≤": "<=", ">=": ">=", "=>": ">=", "≥": ">=",
}  # fmt: skip
_UNITS = {"M": 9, "mM": 6, "μM": 3, "uM": 3, "nM": 0, "pM": -3}
_UNIT_NAMES = {
    "molar": "M", "mol/l": "M", "millimolar": "mM", "mmol/l": "mM",
    "micromolar": "μM", "μmol/l": "μM", "umol/l": "μM", "μm": "μM", "um": "μM",
    "nanomolar": "nM", "nmol/l": "nM", "nm": "nM", "picomolar": "pM", "pmol/l": "pM", "pm": "pM",
}  # fmt: skip
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(?:\s*[x×*]\s*10\^?[+-]?\d+)?"
_UNIT = r"[a-zμ]+(?:/[a-z]+)?"
_QUALIFIER = "|".join(re.escape(q) for q in sorted(_QUALIFIERS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?P<q>{_QUALIFIER})?\s*(?P<a>{_NUMBER})\s*(?P<ua>{_UNIT})?"
    rf"(?:\s*(?:-|to|\.\.\.?)\s*(?P<b>{_NUMBER})\s*(?P<ub>{_UNIT})?)?",
    re.IGNORECASE,
)
_POWER = re.compile(r"(.*?)\s*[x×*]\s*10\^?([+-]?\d+)", re.IGNORECASE)
_SMALLEST, _LARGEST = Decimal("1e-9"), Decimal("1e12")  # nM: 1 zeptomolar to 1000 molar
_HELP = "expected a number with an optional ~ < > ≤ ≥ and unit, or a range such as 100-500 nM"


def normal_text(text: str) -> str:
    """Read a cell as people mean it: NFKC (width, µ), every dash a hyphen-minus, single spaces."""
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return " ".join(folded.split())


def _plain(number: Decimal | None) -> str:
    return format(number.normalize(), "f") if number is not None else ""


def decimal_lexical(number: Decimal) -> str:
    """Write a decimal in xsd:decimal form, without exponent, with a fraction part: 150 -> '150.0'.

    >>> decimal_lexical(Decimal("1.5E+2")), decimal_lexical(Decimal("0.00020"))
    ('150.0', '0.0002')
    """
    text = _plain(number)
    return text if "." in text else f"{text}.0"


def parse_unit(text: str) -> tuple[str, int]:
    """Return a unit's symbol and its power of ten relative to nM: 'uM' -> ('µM', 3).

    Case does not matter except between milli and molar: 'mm' and 'm' are refused as ambiguous.
    """
    unit = normal_text(text).replace(" ", "")
    symbol = unit if unit in _UNITS else _UNIT_NAMES.get(unit.casefold())
    if symbol is None:
        if unit.casefold() in ("mm", "m"):
            raise QuantityError(f"ambiguous unit {text!r}: write mM (millimolar) or M (molar)")
        raise QuantityError(f"unknown unit {text!r} (known: pM, nM, µM or uM, mM, M)")
    return symbol.replace("μ", "µ").replace("uM", "µM"), _UNITS[symbol]


def _number(text: str, exponent: int) -> Decimal:
    """Read a number (plain, 1.5e-7 or 1.5x10^-7) and scale it to nM; refuse implausible ones."""
    power = _POWER.fullmatch(text)
    mantissa, shift = (power.group(1), power.group(2)) if power else (text, "0")
    if len(shift.lstrip("+-")) > 3:
        raise QuantityError(f"{text!r} is out of range")
    try:
        number = Decimal(mantissa.replace("E", "e"))
    except InvalidOperation:
        raise QuantityError(f"cannot read {text!r} as a number") from None
    if len(number.as_tuple().digits) > 30 or abs(number.adjusted()) > 60:
        raise QuantityError(f"{text!r} has more digits or a larger exponent than any measurement")
    with localcontext() as context:
        context.prec = 80
        scaled = number.scaleb(int(shift) + exponent)
    if scaled == 0:
        raise QuantityError(f"{text!r}: a concentration must be greater than 0")
    if not _SMALLEST <= scaled <= _LARGEST:
        raise QuantityError(f"{text!r} is {_plain(scaled)} nM, not a plausible concentration")
    return Decimal(_plain(scaled))


def parse_quantity(text: str, unit: str | None = None) -> Quantity:
    """Read a value as people write it, in the unit it carries or else ``unit``; normalise to nM.

    Single values keep their qualifier ('=' when none is written; '~' for ~, ≈ and "approx.";
    '<', '>', '<=', '>=' for censored values). Ranges (``100-500``, ``100–500``, ``100 to 500``)
    keep both bounds; only '~' may qualify a range. Raises :class:`QuantityError`.

    >>> parse_quantity("<10 uM").key
    ('<', Decimal('10000'), None, None)
    """
    written = text.strip()
    normal = normal_text(written)
    if not normal:
        raise QuantityError("empty value")
    if len(normal) > 100:
        raise QuantityError("too long for a value")
    if "±" in normal or "+/-" in normal or "+-" in normal:
        raise QuantityError(f"{written!r}: a ± spread cannot be stored; give the value alone")
    if "," in normal:
        raise QuantityError(f"{written!r}: a comma is ambiguous (1,000 or 1,5?); write 1000 or 1.5")
    if re.match(r"(?:[<>=≤≥~≈]*\s*)-\s*[\d.]", normal):
        raise QuantityError(f"{written!r}: a concentration must be greater than 0")
    match = _QUANTITY.fullmatch(normal)
    if match is None:
        raise QuantityError(f"cannot read {written!r}: {_HELP}")
    qualifier = _QUALIFIERS[match["q"].casefold()] if match["q"] else None
    # Each bound may carry its own unit (100 nM - 1 µM); one unit applies to both (100-500 nM).
    units = [parse_unit(u) if u else None for u in (match["ua"], match["ub"])]
    stated = {u for u in units if u is not None}
    try:
        column = parse_unit(unit) if unit and unit.strip() else None
    except QuantityError as error:
        raise QuantityError(str(error), column="unit") from None
    if column is not None and stated and stated != {column}:
        says = "/".join(sorted(symbol for symbol, _ in stated))
        raise QuantityError(f"the value says {says}, the unit column {column[0]}", "unit")
    default = units[0] or units[1] or column
    if default is None:
        raise QuantityError(f"{written!r} has no unit: write it in the value or a unit column")
    if not stated and unit:
        written = f"{written} {unit.strip()}"
    first = _number(match["a"], (units[0] or default)[1])
    if match["b"] is None:
        return Quantity(written, qualifier or "=", first)
    if qualifier not in (None, "~"):
        raise QuantityError(f"{written!r}: a range can be approximate (~) but not {qualifier}")
    second = _number(match["b"], (units[1] or default)[1])
    if first > second:
        message = f"{written!r}: the lower bound {_plain(first)} nM exceeds the upper bound {_plain(second)} nM"
        raise QuantityError(message)
    return Quantity(written, qualifier, None, first, second)


def normalise_header(name: str) -> str:
    """Fold a column name: case, spaces and underscores do not count.

    >>> normalise_header(" Cell Line ") == normalise_header("CELL_LINE")
    True
    """
    return re.sub(r"[\s_]+", "", unicodedata.normalize("NFKC", name).casefold())


def read_header(
    line: int, header: Sequence[str], by_key: Mapping[str, str], known: Sequence[str]
) -> tuple[dict[str, int], list[int], list[Problem]]:
    """Read a table's header row: where each column is, which columns have no name, what is wrong.

    ``by_key`` maps each folded name (:func:`normalise_header`) to its column; ``known`` lists the
    columns for the message about an unknown one. Missing columns are the caller's to judge.

    >>> read_header(1, ["Value", "", "colour", "VALUE"], {"value": "value"}, ["value"])[1:]
    ([1], [Problem(row=1, column='colour', message='unknown column (known: value)'), \
Problem(row=1, column='VALUE', message='column value appears twice (columns 1 and 4)')])
    """
    positions: dict[str, int] = {}
    unnamed: list[int] = []
    problems: list[Problem] = []
    for index, written in enumerate(header):
        label = clean_cell(written)
        if not label:
            unnamed.append(index)
            continue
        key = normalise_header(label)
        column = by_key.get(key)
        if column is None:
            close = difflib.get_close_matches(key, list(by_key), n=1)
            hint = f"did you mean {by_key[close[0]]}? " if close else ""
            message = f"unknown column ({hint}known: {', '.join(known)})"
            problems.append(Problem(line, label, message))
        elif column in positions:
            message = (
                f"column {column} appears twice (columns {positions[column] + 1} and {index + 1})"
            )
            problems.append(Problem(line, label, message))
        else:
            positions[column] = index
    return positions, unnamed, problems


def fold_name(text: str) -> str:
    """Fold a fixed name of a cell: case, width, punctuation, spaces and underscores do not count.

    >>> fold_name("The Guide") == fold_name("the_guide.") == "theguide"
    True
    """
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def parse_endpoint(text: str) -> tuple[str, str]:
    """Return an endpoint's name and BAO IRI, from 'IC50', 'ic 50', 'IC₅₀' or 'BAO:0000190'."""
    key = fold_name(text)
    for name, iri in ENDPOINTS.items():
        digits = iri.rsplit("_", 1)[1]
        if key in (name.casefold(), f"bao{digits}", f"baobao{digits}"):
            return name, iri
    raise QuantityError(f"unknown endpoint {text!r} (known: {', '.join(ENDPOINTS)})", "endpoint")
