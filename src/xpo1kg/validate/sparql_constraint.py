"""A SHACL-SPARQL ``sh:select`` rewritten as a compiled constraint's query template.

The text is read by the project's one SPARQL tokenizer (:mod:`xpo1kg.query.sparql_lexer`), never
by a regular expression over raw text: ``$this`` or ``SELECT`` inside a string, an IRI or a
comment stays as it is. The pre-bound variables are substituted token by token (``$this`` becomes
``?this``, bound by the targets; ``$PATH`` the property shape's predicate), the query selects
``DISTINCT ?this``, and its WHERE clause gets the template's places for focus nodes, targets and
the target check (:mod:`xpo1kg.validate.compiled`).
"""

from __future__ import annotations

from collections.abc import Iterable

from xpo1kg.errors import QuerySyntaxError
from xpo1kg.query.sparql_lexer import Token, masked, tokens
from xpo1kg.validate.compiled import CHECK, FOCUS, TARGET, UnsupportedShapeError

__all__ = ["select_template"]

#: SHACL's pre-bound variables that a compiled query cannot bind.
_UNBOUND = ("currentShape", "shapesGraph", "failure")
#: Keywords that make a group more than a basic graph pattern with filters.
_BLOCKERS = frozenset(
    f"word:{word}"
    for word in (
        "OPTIONAL", "BIND", "VALUES", "GRAPH", "SERVICE", "MINUS", "UNION", "SELECT", "FILTER",
        "EXISTS",
    )
)  # fmt: skip
_OPENING, _CLOSING = frozenset("{(["), frozenset("})]")
_BRACKETS = _OPENING | _CLOSING


def select_template(select: str, path: str | None, prefixes: str = "") -> str:
    """Return the query template of an ``sh:select`` text, or raise UnsupportedShapeError.

    ``path`` is the SPARQL IRI that replaces ``$PATH`` (None when the shape has no predicate
    path); ``prefixes`` are the PREFIX lines of the constraint's ``sh:prefixes``.

    >>> select_template("SELECT $this WHERE { $this <urn:p> 'is $this' }", None).split()
    ['SELECT', 'DISTINCT', '?this', 'WHERE', '{', '#FOCUS#', '#TARGET#', '?this', '<urn:p>', "'is", "$this'", '#CHECK#', '}']
    """
    found = _tokens(select)
    names = {token.text[1:] for token in found if token.kind == "var"}
    for name in _UNBOUND:
        if name in names:
            raise UnsupportedShapeError(f"${name} in sh:select")
    if any(token.text == "$PATH" for token in found) and path is None:
        raise UnsupportedShapeError("$PATH without a predicate path")
    text = _substitute(select, found, {"$this": "?this", "?this": "?this", "$PATH": path or ""})
    found = _tokens(text)
    code = masked(text)
    keyword = next((t for t in found if t.kind == "word:SELECT"), None)
    if keyword is None or "{" not in code[keyword.start :] or not code.rstrip().endswith("}"):
        raise UnsupportedShapeError("cannot read the sh:select query")
    keyword_end = keyword.start + len(keyword.text)
    brace = code.index("{", keyword_end)
    head = [t for t in found if keyword_end <= t.start < brace]
    modifier = head[0] if head and head[0].kind in ("word:DISTINCT", "word:REDUCED") else None
    projected = head[1:] if modifier else head
    after = keyword_end if modifier is None else modifier.start + len(modifier.text)
    selects_this = any(t.text == "?this" for t in projected) or (
        bool(projected) and projected[0].text == "*"
    )
    added = ("" if modifier else " DISTINCT") + ("" if selects_this else " ?this")
    end = code.rstrip().rindex("}")
    body = _minus(text[brace + 1 : end])
    return (
        f"{prefixes}{text[:after]}{added}{text[after:brace]}{{ {FOCUS} {TARGET}\n{body}\n{CHECK} }}"
    )


def _tokens(text: str) -> list[Token]:
    try:
        return tokens(text)
    except QuerySyntaxError as error:
        raise UnsupportedShapeError(f"cannot read the sh:select query: {error}") from None


def _substitute(text: str, found: list[Token], replacements: dict[str, str]) -> str:
    """Replace the variable tokens named in ``replacements``, from the end (offsets stay true)."""
    for token in reversed(found):
        if token.kind == "var" and token.text in replacements:
            stop = token.start + len(token.text)
            text = text[: token.start] + replacements[token.text] + text[stop:]
    return text


def _minus(body: str) -> str:
    """Rewrite ``FILTER NOT EXISTS { BGP }`` as ``MINUS { BGP }`` where that is equivalent.

    Oxigraph re-evaluates a NOT EXISTS pattern for every solution with a plan made for unbound
    variables, which is slow on big stores; MINUS is one anti-join. The two agree when the outer
    group is a basic graph pattern with filters (so its variables are always bound), the inner
    pattern is a basic graph pattern, and they share a variable that the outer pattern binds.
    The text is read as tokens, so variables are compared by their whole SPARQL names.
    """
    found = _lexemes(body)
    blocks: list[tuple[int, int, int]] = []  # FILTER, "{" and "}" of each NOT EXISTS
    outer: list[Token] = []  # the outer group, without its filters and NOT EXISTS blocks
    position = 0
    while position < len(found):
        token = found[position]
        if token.kind == "word:FILTER":
            following = [t.kind for t in found[position + 1 : position + 4]]
            if following == ["word:NOT", "word:EXISTS", "{"]:
                close = _closing(found, position + 3)
                blocks.append((position, position + 3, close))
                position = close + 1
                continue
            # FILTER (...) or FILTER REGEX(...), BOUND(...)...; others (FILTER EXISTS) stay below
            call = 1 if following[:1] == ["("] else 2 if _is_call(following[:2]) else 0
            if call:
                position = _closing(found, position + call) + 1
                continue
        if token.kind in ("{", "}") or token.kind in _BLOCKERS:
            return body  # not a basic graph pattern with filters
        outer.append(token)
        position += 1
    for first, opening, close in reversed(blocks):
        inner = found[opening + 1 : close]
        if any(t.kind in ("{", "}") or t.kind in _BLOCKERS for t in inner):
            continue
        start = found[first].start
        bound = _names(t for t in outer if t.start < start) | {"this"}
        shared = _names(inner) & _names(found[:first] + found[close + 1 :])
        # MINUS applies to what precedes it: the shared variables must be bound before the block.
        if shared and shared <= bound:
            # Restricting the MINUS pattern to the focus nodes too keeps incremental runs small.
            opened = found[opening].start + 1
            body = body[:start] + "MINUS { " + (FOCUS if "this" in shared else "") + body[opened:]
    return body


def _lexemes(text: str) -> list[Token]:
    """Return the tokens of ``text``, each bracket of a run of brackets a token of its own."""
    lexemes: list[Token] = []
    for token in _tokens(text):
        if token.text[0] in _BRACKETS:
            lexemes.extend(
                Token(mark, mark, token.start + offset)
                for offset, mark in enumerate(token.text)
                if mark in _BRACKETS
            )
        else:
            lexemes.append(token)
    return lexemes


def _closing(found: list[Token], opening: int) -> int:
    """Return the index of the bracket that closes the one at ``opening`` (the lexer checked)."""
    depth = 0
    for position in range(opening, len(found)):
        if found[position].kind in _OPENING:
            depth += 1
        elif found[position].kind in _CLOSING:
            depth -= 1
            if depth == 0:
                return position
    raise UnsupportedShapeError("cannot read the sh:select query")


def _is_call(kinds: list[str]) -> bool:
    """Say whether ``kinds`` open a built-in call: a keyword, then a parenthesis."""
    return len(kinds) == 2 and kinds[0].startswith("word:") and kinds[1] == "("


def _names(found: Iterable[Token]) -> set[str]:
    """Return the names of the variables among ``found`` (``?x`` and ``$x`` are one)."""
    return {token.text[1:] for token in found if token.kind == "var"}
