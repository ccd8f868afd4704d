"""SPARQL syntax errors in plain words: what was expected where, with the line and a caret.

The engine (Oxigraph) decides whether a query is valid; this module only phrases its refusal.
Oxigraph reports the farthest point its parser reached and every token it would have accepted
there (``expected one of ".", ":", ['-' | '0' ..= '9' …``), which says little to a person. So the
message names the common mistakes itself, looking at the text with strings, IRIs and comments
blanked out (the same mask as the SERVICE guard):

* an unknown first keyword (``SELEC``), or an update (``INSERT``...) where a query was expected;
* a string that is never closed;
* a bracket that is never closed (``the query ends before '}' closes the group opened at line 2``),
  or one that closes nothing or the wrong thing;
* a prefix that is not declared, an ``ORDER``/``GROUP`` without ``BY``, a bad IRI, a SELECT
  clause with commas or bare names;
* anything else: where rdflib's parser (whose position is the start of the construct that failed)
  or else Oxigraph stopped, and the token found there.

The first line is the plain message; then the query line with a caret under the column; then the
engine's own message for experts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xpo1kg.query.checks import closest
from xpo1kg.query.sparql_lexer import masked
from xpo1kg.rdf.namespaces import PREFIXES

__all__ = ["SyntaxExplanation", "explain"]

_QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_CLOSER = {"{": "}", "(": ")", "[": "]"}
_WHAT = {"{": "the group", "(": "the parenthesis", "[": "the blank node"}
_ENGINE = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_ENGINE_CHARS = 300


@dataclass(frozen=True)
class SyntaxExplanation:
    """A syntax error explained: a position (1-based; None when unknown) and plain words."""

    summary: str
    line: int | None
    column: int | None
    source_line: str
    engine: str

    def headline(self) -> str:
        """Return the first line: where, then what."""
        if self.line is None:
            return f"invalid SPARQL: {self.summary}"
        if self.column is None:
            return f"invalid SPARQL at line {self.line}: {self.summary}"
        return f"invalid SPARQL at line {self.line}, column {self.column}: {self.summary}"

    def text(self) -> str:
        """Return the whole message: headline, the query line with a caret, the engine's words."""
        lines = [self.headline()]
        if self.line is not None and self.source_line.strip():
            shown = self.source_line.expandtabs(1)
            lines.append(f"  {shown}")
            if self.column is not None:
                lines.append("  " + " " * (min(self.column, len(shown) + 1) - 1) + "^")
        engine = " ".join(self.engine.split())
        if engine:
            if len(engine) > _ENGINE_CHARS:
                engine = engine[: _ENGINE_CHARS - 3] + "..."
            lines.append(f"  (parser: {engine})")
        return "\n".join(lines)


def _masked(sparql: str) -> str:
    """Blank out strings, IRIs and comments, keeping every offset and line break."""
    return masked(sparql)


def _position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of an offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Explainer:
    def __init__(self, sparql: str, engine: str) -> None:
        self.sparql = sparql
        self.code = _masked(sparql)
        self.engine = engine
        self.lines = sparql.splitlines()

    def at(self, offset: int, summary: str) -> SyntaxExplanation:
        line, column = _position(self.sparql, offset)
        return self.where(line, column, summary)

    def where(self, line: int | None, column: int | None, summary: str) -> SyntaxExplanation:
        source = self.lines[line - 1] if line is not None and 0 < line <= len(self.lines) else ""
        return SyntaxExplanation(summary, line, column, source, self.engine)

    def explain(self) -> SyntaxExplanation:
        if not self.sparql.strip():
            return self.where(None, None, "the query is empty")
        for check in (self.first_keyword, self.open_string, self.brackets):
            found = check()
            if found is not None:
                return found
        if "Prefix not found" in self.engine:
            found = self.prefixes()
            if found is not None:
                return found
        return self.engine_words()

    def first_keyword(self) -> SyntaxExplanation | None:
        words = iter(re.finditer(r"[A-Za-z_][\w-]*:?|\S", self.code))
        for word in words:
            keyword = word.group(0).upper()
            if keyword == "PREFIX":
                next(words, None)  # the prefix name; its IRI is masked
                continue
            if keyword == "BASE":
                continue
            if keyword in _QUERY_FORMS:
                return self.select_clause(word.end()) if keyword == "SELECT" else None
            if keyword in _UPDATES:
                return self.at(
                    word.start(),
                    f"{keyword} is SPARQL Update, which is not accepted: queries only read",
                )
            hint = closest(keyword, _QUERY_FORMS, n=1)
            mean = f" (did you mean {hint[0]}?)" if hint else ""
            return self.at(
                word.start(),
                f"unknown keyword {word.group(0)}{mean}; a query starts with SELECT, ASK, "
                "CONSTRUCT or DESCRIBE (after PREFIX/BASE)",
            )
        return None

    def select_clause(self, start: int) -> SyntaxExplanation | None:
        """Bare names or commas between SELECT and WHERE / '{'."""
        depth = 0
        for token in re.finditer(r"[?$][\w]+|[A-Za-z_][\w-]*|\S", self.code[start:]):
            text, offset = token.group(0), start + token.start()
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
            elif depth == 0:
                if text == "{" or text.upper() in ("WHERE", "FROM"):
                    return None
                if text == ",":
                    return self.at(
                        offset, "variables after SELECT are separated by spaces, not commas"
                    )
                if text[0].isalpha() and text.upper() not in ("DISTINCT", "REDUCED", "AS"):
                    return self.at(
                        offset,
                        f"{text} is not a variable: write ?{text} (or (expression AS ?{text}))",
                    )
        return None

    def open_string(self) -> SyntaxExplanation | None:
        found = re.search(r"\"|'", self.code)
        if found is None:
            return None
        return self.at(
            found.start(),
            f"the string that starts here is never closed (a {found.group(0)} is missing)",
        )

    def brackets(self) -> SyntaxExplanation | None:
        stack: list[tuple[str, int]] = []
        for found in re.finditer(r"[{}()\[\]]", self.code):
            char, offset = found.group(0), found.start()
            if char in _CLOSER:
                stack.append((char, offset))
                continue
            if not stack:
                return self.at(
                    offset,
                    f"this '{char}' closes nothing (one too many, or an opening one is missing)",
                )
            opener, opened = stack.pop()
            if _CLOSER[opener] != char:
                line, column = _position(self.sparql, opened)
                return self.at(
                    offset,
                    f"'{char}' found where '{_CLOSER[opener]}' should close {_WHAT[opener]} "
                    f"opened at line {line}, column {column}",
                )
        if not stack:
            return None
        opener, opened = stack[-1]
        line, _ = _position(self.sparql, opened)
        end = len(self.sparql.rstrip())
        last_line, last_column = _position(self.sparql, end)
        return self.where(
            last_line,
            last_column,
            f"the query ends before '{_CLOSER[opener]}' closes {_WHAT[opener]} opened at line {line}",
        )

    def prefixes(self) -> SyntaxExplanation | None:
        declared = {
            m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*|):", self.code)
        } | set(PREFIXES)
        for found in re.finditer(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?=[\w\d%\\]|\s|$)", self.code):
            prefix = found.group(1) or ""
            before = self.code[max(0, found.start() - 8) : found.start()]
            if prefix in declared or re.search(r"(?i)PREFIX\s*$", before):
                continue
            return self.at(
                found.start(),
                f"undefined prefix {prefix}: (declare it: PREFIX {prefix}: <...>; known without "
                f"a declaration: {', '.join(sorted(PREFIXES))})",
            )
        return None

    def engine_words(self) -> SyntaxExplanation:
        found = _ENGINE.match(self.engine)
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        expected = found.group(3) if found else self.engine
        if "expected BY" in expected:
            keyword = self._word_before(line, column, ("ORDER", "GROUP"))
            return self.where(line, column, f"{keyword or 'ORDER or GROUP'} must be followed by BY")
        if "IRI parsing failed" in expected:
            return self.where(
                line, column, "this IRI is not valid (no spaces, quotes or braces inside <...>)"
            )
        rdflib_at = _rdflib_position(self.sparql)
        if rdflib_at is not None:
            line, column = rdflib_at
        token = self._token(line, column)
        if token[:1] in ("?", "$", "<", '"', "'") and self._in_group(line, column):
            return self.where(
                line,
                column,
                "cannot read the triple pattern that starts here: each needs a subject, a "
                "predicate and an object, and ends with '.' before the next one",
            )
        if token[:1] in (",", ";") and self._in_group(line, column):
            what = "object" if token[0] == "," else "predicate and object"
            return self.where(line, column, f"'{token[0]}' must be followed by another {what}")
        near = f" near {token!r}" if token else ""
        return self.where(line, column, f"the query cannot be read{near}: {_plain(expected)}")

    def _in_group(self, line: int | None, column: int | None) -> bool:
        """Whether a position is inside braces (a graph pattern)."""
        if line is None or column is None:
            return False
        offset = sum(len(x) + 1 for x in self.sparql.split("\n")[: line - 1]) + column - 1
        before = self.code[:offset]
        return before.count("{") > before.count("}")

    def _token(self, line: int | None, column: int | None) -> str:
        if line is None or column is None or not 0 < line <= len(self.lines):
            return ""
        text = self.lines[line - 1]
        found = re.match(r"\S+", text[column - 1 :]) if column - 1 < len(text) else None
        return found.group(0)[:30] if found else ""

    def _word_before(self, line: int | None, column: int | None, words: tuple[str, ...]) -> str:
        if line is None or column is None or not 0 < line <= len(self.lines):
            return ""
        found = re.findall(r"[A-Za-z]+", self.lines[line - 1][: column - 1])
        return next((w.upper() for w in reversed(found) if w.upper() in words), "")


def _rdflib_position(sparql: str) -> tuple[int, int] | None:
    """Return where rdflib's parser fails (the start of the construct it could not read)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(sparql)
    except ParseException as error:
        return error.lineno, error.col
    except Exception:  # noqa: BLE001 - rdflib failed later than parsing: no position
        return None
    return None


_PUNCTUATION = (".", ",", ";", "{", "}", "(", ")", "*", "=", "|", "/", "^")
_QUOTES = ("'", "'''", '"', '"""', '\\"', '\\"\\"\\"')
_INTERNAL = ("LATERAL", "SERVICE", "PREDICATE")  # Oxigraph extensions, not worth suggesting
_CHARACTER_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)+)"')


def _plain(expected: str) -> str:
    r"""Say what the engine expected in words: a variable, an IRI, punctuation, keywords.

    >>> _plain('error at 1:5: expected one of "$", "(", "?", "<", ABS, [_], [\'0\'..=\'9\']')
    "expected a variable, an IRI, '(' or ABS"
    """
    text = expected.split("expected", 1)[-1]
    text = _CHARACTER_CLASS.sub("", text).split("[", 1)[0]  # character classes say nothing here
    quoted = _QUOTED.findall(text)
    keywords = [
        word
        for word in re.findall(r"\b[A-Z][A-Za-z0-9]*[A-Z]\b", _QUOTED.sub(" ", text))
        if word not in _INTERNAL
    ]
    things = []
    if "?" in quoted or "$" in quoted:
        things.append("a variable")
    if "<" in quoted:
        things.append("an IRI")
    if any(q in _QUOTES for q in quoted):
        things.append("a literal")
    things += [f"'{q}'" for q in dict.fromkeys(quoted) if q in _PUNCTUATION]
    things += list(dict.fromkeys(keywords))[:6]
    if not things:
        return "this is not valid SPARQL here"
    if len(things) == 1:
        return f"expected {things[0]}"
    return f"expected {', '.join(things[:-1])} or {things[-1]}"


def explain(sparql: str, engine_message: str) -> SyntaxExplanation:
    """Explain why the engine refused ``sparql`` (its message is ``engine_message``).

    >>> print(explain("SELEC ?x WHERE {}", "error at 1:10: expected CONSTRUCT").text())
    invalid SPARQL at line 1, column 1: unknown keyword SELEC (did you mean SELECT?); a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after PREFIX/BASE)
      SELEC ?x WHERE {}
      ^
      (parser: error at 1:10: expected CONSTRUCT)
    """
    return _Explainer(sparql, engine_message).explain()
