"""The text forms tolerant search compares: folding, Greek and accent spellings, words and typos.

:mod:`xpo1kg.store.search` indexes each name in these forms and looks a query up in the same
ones: :func:`fold` for exact, prefix and word matches, :func:`normalise` and
:func:`normal_tokens` for the normalised ones (Greek letters as Latin, accents and punctuation
dropped), :func:`edit_distance`, :func:`allowed_edits` and :func:`deletions` for typos.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = [
    "SEPARATORS",
    "allowed_edits",
    "deletions",
    "edit_distance",
    "fold",
    "normal_tokens",
    "normalise",
    "to_latin",
    "tokens",
]

_GREEK: Final = {
    "α": "a", "β": "b", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "h", "θ": "q", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "u", "φ": "f", "χ": "c", "ψ": "y", "ω": "w",
}  # fmt: skip
#: Spelled-out Greek letters of four letters or more (shorter ones, like "mu" or "tau", are words).
_SPELLED: Final = re.compile(
    "alpha|beta|gamma|delta|epsilon|zeta|theta|iota|kappa|lambda|omicron|sigma|upsilon|omega"
)
_SPELLED_LETTER: Final = {"theta": "q", "upsilon": "u", "omicron": "o", "omega": "w"}
#: What separates words: runs of punctuation, white space and underscores.
SEPARATORS: Final = re.compile(r"[\W_]+")
_TO_LATIN: Final = str.maketrans(_GREEK)


def fold(text: str) -> str:
    """Case-fold, NFKC and collapse white space: the form exact, prefix and token matching use."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def to_latin(text: str) -> str:
    """Drop accents and write Greek letters (and their spelled names) as Latin ones."""
    plain = text.casefold()
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_TO_LATIN)
    return _SPELLED.sub(_spelled_letter, plain)


def _spelled_letter(match: re.Match[str]) -> str:
    return _SPELLED_LETTER.get(match.group(), match.group()[0])


def normalise(text: str) -> str:
    """Return the normalised form: Latin letters and digits only, lower case.

    >>> {normalise(t) for t in ("IκBα", "IkB-alpha", "IkappaBalpha", "ikba")}
    {'ikba'}
    >>> normalise("NF-κB") == normalise("nfkb") == normalise("NF kappa B")
    True
    """
    return SEPARATORS.sub("", to_latin(text))


def tokens(folded: str) -> list[str]:
    """Return the words of a folded text (see :func:`fold`), split at any punctuation."""
    return [t for t in SEPARATORS.split(folded) if t]


def normal_tokens(text: str, latin: str | None = None) -> set[str]:
    """Words normalised two ways: split at any punctuation, and split at white space only."""
    latin = to_latin(text) if latin is None else latin
    words = {t for t in SEPARATORS.split(latin) if t}
    chunks = {c for c in (SEPARATORS.sub("", w) for w in latin.split()) if c}
    return words | chunks


def allowed_edits(word: str) -> int:
    """Return how many typos a word may have: 0 up to 3 characters, 1 up to 7, else 2."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Return the optimal-string-alignment Damerau–Levenshtein distance, or limit + 1 beyond it.

    >>> edit_distance("selinexr", "selinexor", 2), edit_distance("ovarain", "ovarian", 1)
    (1, 1)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def deletions(word: str, depth: int) -> set[str]:
    """Return the word with up to ``depth`` characters deleted (the word itself included)."""
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found
