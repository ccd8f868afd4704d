r"""The one SPARQL tokenizer: what a query text does, decided before the engine sees it.

A single left-to-right pass over the text follows the terminals of the SPARQL 1.1 grammar
(section 19.8) as Oxigraph reads them: IRIREF with ``\u`` escapes, PNAME_NS / PNAME_LN with the
``\#``-style and ``%hh`` escapes of local names, the four string forms with ECHAR and UCHAR
escapes, comments, variables, blank node labels, language tags, numbers, punctuation and
keywords (ASCII case-insensitive). It reports the query form, whether ``SERVICE`` occurs in code,
the FROM clause and the deepest nesting; it refuses, with one line naming the line and column,
anything it cannot read exactly as the engine would:

* an unterminated or malformed string or IRI, a character that cannot start a token;
* nesting of ``{`` ``(`` ``[`` ``<<`` deeper than :data:`MAX_NESTING` (the engine's parser is
  recursive: thousands of levels overflow its stack);
* a ``<`` right after a value inside parentheses whose text up to the next ``>`` could be an IRI
  or a comparison followed by a string, a comment or brackets (Oxigraph may read either, so the
  two readings could disagree about what is code). Writing ``#`` as ``\u0023`` or using a
  prefixed name avoids it.

Oxigraph matches keywords without looking at word boundaries (``?o trueSERVICE <x> {}`` is
``true`` then ``SERVICE``), so ``SERVICE`` anywhere inside a bare word, a prefix or a language tag
counts. Time is linear in the text: every regular expression below is anchored at the current
position and is a single character class or a loop over alternatives that start differently, with
nothing that can fail after the loop; names give back a trailing run of dots once, at their end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from xpo1kg.errors import QuerySyntaxError

__all__ = ["MAX_NESTING", "QueryShape", "Token", "masked", "scan", "tokens"]

#: Deepest accepted nesting of braces, parentheses, brackets and ``<<`` (documented in README).
MAX_NESTING = 64

_UPDATE_KEYWORDS = (
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "INSERT",
    "DELETE",
    "WITH",
)

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"

_IRI_BODY = re.compile(r'(?:[^<>"{}|^`\\\x00-\x20]|' + _UCHAR + ")*")
_SHORT_BODY = {q: re.compile(rf"(?:[^{q}\\\n\r]|{_ECHAR}|{_UCHAR})*") for q in ("'", '"')}
_LONG_BODY = {
    q: re.compile(rf"(?:(?:{q}{q}|{q})?(?:[^{q}\\]|{_ECHAR}|{_UCHAR}))*") for q in ("'", '"')
}
_PREFIX = re.compile(rf"[{_BASE}](?:\.*[{_CHARS}])*")
_LOCAL = re.compile(rf"(?:[{_CHARS_U}:0-9]|{_PLX})(?:\.*(?:[{_CHARS}:]|{_PLX}))*")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_VARNAME = re.compile(rf"[{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
_BLANK = re.compile(rf"[{_CHARS_U}0-9](?:\.*[{_CHARS}])*")
_LANGTAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?")
_SKIP = re.compile(r"(?:[ \t\r\n]|#[^\r\n]*)*")
# Operators and separators: a run of them is one token (nothing in it opens or closes).
_RUN_CHARS = ".,;*/+-!=|^&"
_RUN = re.compile(r"[.,;*/+\-!=|^&]+")
_BRACKET_KINDS = frozenset("{}()[]")
_PAIRS = frozenset({"!=", "&&", "||", "^^"})
_CLOSERS = {"}": "{", ")": "(", "]": "["}
# Tokens after which a '<' in an expression cannot be a comparison: it starts an IRI.
_BEFORE_OPERAND = frozenset(
    {"", "(", ",", "=", "!=", "<=", ">=", "&&", "||", "!", "+", "-", "/", "^^"}
)
# Characters that change what is code (string, comment, nesting) if an IRI is read as code.
_SIGNIFICANT = re.compile(r"['#()\[\]]")


class Token(NamedTuple):
    """One lexeme: its kind (``iri``, ``pname``, ``string``, ``var``, ``word:SELECT``...) and text."""

    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class QueryShape:
    """What a query text asks for, as far as the guards need to know."""

    #: The first keyword after the prologue, upper-cased (``SELECT``, ``ASK``, ``INSERT``...).
    form: str
    #: ``SERVICE`` occurs in code (outside strings, IRIs and comments).
    service: bool
    #: The query names its own dataset (FROM or FROM NAMED).
    dataset: bool
    #: The deepest nesting of ``{`` ``(`` ``[`` ``<<`` (at most :data:`MAX_NESTING`).
    depth: int

    @property
    def update_keyword(self) -> str | None:
        """The SPARQL Update operation keyword when the text is an update, else None.

        >>> scan("PREFIX ex: <urn:x:> INSERT DATA { ex:a ex:b ex:c }").update_keyword
        'INSERT'
        >>> scan("SELECT * WHERE { ?s ?p ?o }").update_keyword is None
        True
        """
        return next((k for k in _UPDATE_KEYWORDS if self.form.startswith(k)), None)


def _ascii_upper(text: str) -> str:
    """Upper-case ASCII letters only, as Oxigraph compares keywords."""
    return text.encode("utf-8", "surrogatepass").upper().decode("utf-8", "surrogatepass")


class _Scanner:
    """The state of one pass: position, bracket stack, and what was seen."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        # Open brackets, innermost last: "{", "{data" (VALUES block), "(", "(data", "[", "<<".
        self.stack: list[str] = []
        self.depth = 0
        self.start = 0  # where the last token starts
        self.previous = ""  # kind or punctuation of the previous token ("" at the start)
        self.values_state = 0  # 1: after VALUES, 2: after its variable(s): a data block follows
        self.form: str | None = None
        self.prologue_skip = 0
        self.service = False
        self.dataset = False

    def fail(self, position: int, reason: str) -> QuerySyntaxError:
        """Return the refusal: where and why, then the query line with a caret (as syntax.py)."""
        text = self.text
        line = text.count("\n", 0, position) + 1
        line_start = text.rfind("\n", 0, position) + 1
        column = position - line_start + 1
        line_end = text.find("\n", position)
        source = text[line_start : len(text) if line_end == -1 else line_end]
        lines = [f"invalid SPARQL at line {line}, column {column}: {reason}"]
        if source.strip():
            skip = max(0, column - 60)  # a long line is shown around the column
            shown = source[skip : skip + 120].expandtabs(1)
            lines += [f"  {shown}", "  " + " " * (min(column - skip, len(shown) + 1) - 1) + "^"]
        return QuerySyntaxError("\n".join(lines))

    def in_expression(self) -> bool:
        """Whether a '<' here could be a comparison (inside parentheses, but not VALUES data)."""
        return bool(self.stack) and self.stack[-1] == "("

    def push(self, kind: str, position: int) -> None:
        self.stack.append(kind)
        self.depth = max(self.depth, len(self.stack))
        if len(self.stack) > MAX_NESTING:
            raise self.fail(
                position,
                f"nesting deeper than {MAX_NESTING} levels of brackets, braces or parentheses",
            )

    def close(self, kind: str) -> None:
        # A closer that does not match is left to the engine's parser (which rejects it); the
        # stack is not popped, so the nesting is never under-counted.
        if self.stack and self.stack[-1].startswith(kind):
            self.stack.pop()

    def emit(self, kind: str, start: int) -> str:
        self.previous = kind
        self.start = start
        return kind

    def next_token(self) -> str | None:
        """Read the next token: return its kind (its text is ``text[start:pos]``), None at the end."""
        text = self.text
        start = self.pos = _SKIP.match(text, self.pos).end()  # type: ignore[union-attr]
        if start >= len(text):
            return None
        c = text[start]
        if c in "{}()[]":
            return self.brackets(start)
        if c in "?$":
            found = _VARNAME.match(text, start + 1)
            if found:
                self.pos = found.end()
                return self.emit("var", start)
            if c == "$":
                raise self.fail(start, "'$' must start a variable name")
            self.pos += 1
            return self.emit("?", start)
        if c == "<":
            return self.angle(start)
        if "0" <= c <= "9" or (c == "." and "0" <= text[start + 1 : start + 2] <= "9"):
            found = _NUMBER.match(text, start)
            assert found is not None
            self.pos = found.end()
            return self.emit("number", start)
        if c in _RUN_CHARS:
            run = _RUN.match(text, start).group()  # type: ignore[union-attr]
            self.pos = start + len(run)
            if c == "&" and len(run) == 1:
                raise self.fail(start, "unexpected character '&'")
            # Only the last operator matters (see angle()): keep it as the previous token.
            last = run[-2:] if run[-2:] in _PAIRS else run[-1]
            return self.emit(last, start)
        if c in "'\"":
            return self.string(start, c)
        if c == ">":
            self.pos = start + 1
            if text.startswith(">", self.pos) and self.stack[-1:] == ["<<"]:
                self.pos += 1
                self.stack.pop()
                return self.emit(">>", start)
            if text.startswith("=", self.pos):
                self.pos += 1
                return self.emit(">=", start)
            return self.emit(">", start)
        if c == "_":
            found = _BLANK.match(text, start + 2) if text.startswith("_:", start) else None
            if found is None:
                raise self.fail(start, "unexpected character '_' (a blank node is _:name)")
            self.pos = found.end()
            return self.emit("bnode", start)
        if c == "@":
            found = _LANGTAG.match(text, start + 1)
            if found is None:
                raise self.fail(start, "'@' must start a language tag")
            self.pos = found.end()
            if "SERVICE" in _ascii_upper(found.group()):
                self.service = True
            return self.emit("langtag", start)
        if c == ":" or _PREFIX.match(text, start):
            return self.name(start)
        raise self.fail(start, f"unexpected character {c!r}")

    def brackets(self, start: int) -> str:
        """Read a run of brackets (white space between them allowed) in one go."""
        text, n, position, mark = self.text, len(self.text), start, ""
        while position < n:
            mark = text[position]
            if mark in " \t\r\n":
                position += 1
                continue
            if mark in "{([":
                self.push(self.opening_kind(mark), position)
            elif mark in "})]":
                self.close(_CLOSERS[mark])
            else:
                break
            self.previous = mark
            self.track_values(mark)
            position += 1
        self.pos = position
        self.start = start
        return self.previous

    def opening_kind(self, mark: str) -> str:
        """Which bracket opens: VALUES data (never an expression) or an ordinary one."""
        innermost = self.stack[-1] if self.stack else ""
        if mark == "(":
            if self.previous == "word:VALUES" or innermost == "{data":
                return "(data"
            if self.previous == "<<":
                return "(data"  # a triple term <<( s p o )>>: no comparison inside
            return "("
        if mark == "{" and self.values_state == 2:
            self.values_state = 0
            return "{data"
        return mark

    def angle(self, start: int) -> str:
        """At '<': an IRI, ``<<``, or a comparison (only inside an expression)."""
        text = self.text
        body = _IRI_BODY.match(text, start + 1)
        assert body is not None
        end = body.end()
        is_iri = text.startswith(">", end)
        expression = self.in_expression()
        ambiguous = expression and is_iri and self.previous not in _BEFORE_OPERAND
        if ambiguous and _SIGNIFICANT.search(text, start + 1, end):
            raise self.fail(
                start,
                "'<' after a value inside parentheses could start an IRI or compare; "
                "write a space after a comparison's '<', or '#' in an IRI as \\u0023",
            )
        if is_iri:
            self.pos = end + 1
            return self.emit("iri", start)
        if expression:
            mark = "<=" if text.startswith("<=", start) else "<"
            self.pos = start + len(mark)
            return self.emit(mark, start)
        if text.startswith("<<", start):
            self.pos = start + 2
            self.push("<<", start)
            return self.emit("<<", start)
        raise self.fail(start, "unterminated or malformed IRI")

    def string(self, start: int, quote: str) -> str:
        text = self.text
        if text.startswith(quote * 3, start):
            body = _LONG_BODY[quote].match(text, start + 3)
            closing = quote * 3
        else:
            body = _SHORT_BODY[quote].match(text, start + 1)
            closing = quote
        assert body is not None
        end = body.end()
        if not text.startswith(closing, end):
            if text.startswith("\\", end):
                raise self.fail(end, "invalid escape sequence in a string")
            raise self.fail(start, "the string that starts here is never closed")
        self.pos = end + len(closing)
        return self.emit("string", start)

    def name(self, start: int) -> str:
        """Read a prefixed name (``xo:Protein``, ``:x``, ``xo:``) or a bare keyword."""
        text = self.text
        prefix = _PREFIX.match(text, start)
        colon = prefix.end() if prefix else start
        if text.startswith(":", colon):
            local = _LOCAL.match(text, colon + 1)
            self.pos = local.end() if local else colon + 1
            if "SERVICE" in _ascii_upper(text[start:colon]):
                self.service = True
            return self.emit("pname", start)
        word = _WORD.match(text, start)
        if word is None:
            raise self.fail(start, f"unexpected character {text[start]!r}")
        self.pos = word.end()
        upper = _ascii_upper(word.group())
        if "SERVICE" in upper:
            self.service = True
        if upper.startswith("FROM"):
            self.dataset = True
        return self.emit(f"word:{upper}", start)

    def note(self, kind: str) -> None:
        """Track the prologue (to find the query form) and VALUES (to find its data block)."""
        if self.form is not None and not self.values_state and kind != "word:VALUES":
            return
        if self.form is None:
            if self.prologue_skip:
                self.prologue_skip -= 1
            elif kind in ("word:BASE", "word:VERSION"):
                self.prologue_skip = 1
            elif kind == "word:PREFIX":
                self.prologue_skip = 2
            else:
                self.form = kind.removeprefix("word:") if kind.startswith("word:") else ""
        if kind not in _BRACKET_KINDS:  # brackets were tracked one by one in brackets()
            self.track_values(kind)

    def track_values(self, kind: str) -> None:
        """Follow ``VALUES ?x {`` and ``VALUES (?x ?y) {``: that block holds data, no expressions."""
        state = self.values_state
        if kind == "word:VALUES":
            self.values_state = 1
        elif (state == 1 and kind == "var") or (state == 3 and kind == ")"):
            self.values_state = 2
        elif state == 1 and kind == "(":
            self.values_state = 3
        elif not (state == 3 and kind == "var"):
            self.values_state = 0


def tokens(sparql: str) -> list[Token]:
    r"""Return the tokens of a SPARQL text (comments and white space dropped).

    >>> [t.text for t in tokens("SELECT ?x { ?x xo:b\\#c 'it''s' } # done")]
    ['SELECT', '?x', '{', '?x', 'xo:b\\#c', "'it'", "'s'", '}']
    """
    scanner = _Scanner(sparql)
    found: list[Token] = []
    while (kind := scanner.next_token()) is not None:
        scanner.note(kind)
        text = sparql[scanner.start : scanner.pos].rstrip(" \t\r\n")
        found.append(Token(kind, text, scanner.start))
    return found


def _scan(sparql: str) -> QueryShape:
    scanner = _Scanner(sparql)
    next_token, note = scanner.next_token, scanner.note
    while (kind := next_token()) is not None:
        note(kind)
    return QueryShape(scanner.form or "", scanner.service, scanner.dataset, scanner.depth)


_scan_cached = lru_cache(maxsize=256)(_scan)


def scan(sparql: str) -> QueryShape:
    r"""Tokenize a SPARQL text and report its shape; raise QuerySyntaxError when it cannot.

    >>> scan(r"PREFIX xo: <urn:x#> SELECT ?x { OPTIONAL { ?a xo:b\#c ?d } SERVICE <urn:s> {} }")
    QueryShape(form='SELECT', service=True, dataset=False, depth=2)
    >>> scan("SELECT * { ?s ?p 'SERVICE' } # SERVICE").service
    False
    """
    # Only short texts are cached: a cache of megabyte-long texts would be a memory leak.
    return _scan_cached(sparql) if len(sparql) <= 8192 else _scan(sparql)


def masked(sparql: str) -> str:
    """Blank out strings, IRIs and comments, keeping every offset and line break.

    Text after a point the tokenizer cannot read is left as it is.

    >>> masked("SELECT ?x { ?x ?p 'a b' } # c")
    'SELECT ?x { ?x ?p       }    '
    """
    chars = list(sparql)
    scanner = _Scanner(sparql)
    end = 0

    def blank(start: int, stop: int) -> None:
        for i in range(start, stop):
            if chars[i] != "\n":
                chars[i] = " "

    try:
        while (kind := scanner.next_token()) is not None:
            scanner.note(kind)
            gap = sparql.find("#", end, scanner.start)
            while gap != -1:  # comments between two tokens
                stop = _SKIP.match(sparql, gap).end()  # type: ignore[union-attr]
                stop = min(stop, scanner.start)
                line_end = min(x for x in (sparql.find("\n", gap, stop), stop) if x != -1)
                blank(gap, line_end)
                gap = sparql.find("#", line_end, scanner.start)
            if kind in ("iri", "string"):
                blank(scanner.start, scanner.pos)
            end = scanner.pos
        gap = sparql.find("#", end)
        while gap != -1:
            line_end = sparql.find("\n", gap)
            line_end = len(sparql) if line_end == -1 else line_end
            blank(gap, line_end)
            gap = sparql.find("#", line_end)
    except QuerySyntaxError:
        pass
    return "".join(chars)
