"""A SHACL-SPARQL ``sh:select`` rewritten as a compiled constraint's query template.

The text is read by the project's one SPARQL tokenizer (:mod:`xpo1kg.query.sparql_lexer`), never
by a regular expression over raw text: ``$this`` or ``SELECT`` inside a string, an IRI or a
comment stays as it is. The pre-bound variables are substituted token by token (``$this`` becomes
``?this``, bound by the targets; ``$PATH`` the property shape's predicate), the query selects
``DISTINCT ?this``, and its WHERE clause gets the template's places for focus nodes, targets and
the target check (:mod:`xpo1kg.validate.compiled`).
"""

from __future__ import annotations

import re

from xpo1kg.errors import QuerySyntaxError
from xpo1kg.query.sparql_lexer import Token, masked, tokens
from xpo1kg.validate.compiled import CHECK, FOCUS, TARGET, UnsupportedShapeError

__all__ = ["select_template"]

#: SHACL's pre-bound variables that a compiled query cannot bind.
_UNBOUND = ("currentShape", "shapesGraph", "failure")
_BLOCKERS = re.compile(
    r"\b(OPTIONAL|BIND|VALUES|GRAPH|SERVICE|MINUS|UNION|SELECT|FILTER|EXISTS)\b", re.IGNORECASE
)


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
    body = _minus(text[brace + 1 : end], code[brace + 1 : end])
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


def _minus(body: str, code: str) -> str:
    """Rewrite ``FILTER NOT EXISTS { BGP }`` as ``MINUS { BGP }`` where that is equivalent.

    ``code`` is ``body`` with its strings, IRIs and comments blanked (:func:`masked`). Oxigraph
    re-evaluates a NOT EXISTS pattern for every solution with a plan made for unbound variables,
    which is slow on big stores; MINUS is one anti-join. The two agree when the outer group is a
    basic graph pattern with filters (so its variables are always bound), the inner pattern is a
    basic graph pattern, and they share a variable that the outer pattern binds.
    """
    blocks, depth, skip = [], 0, 0
    for match in re.finditer(r"\bFILTER\s+NOT\s+EXISTS\s*\{|[{}]", code, re.IGNORECASE):
        if match.start() < skip:
            continue
        if match.group() in "{}":
            depth += 1 if match.group() == "{" else -1
        elif depth == 0:
            close = code.find("}", match.end())
            if close < 0:
                return body
            blocks.append((match.start(), match.end(), close))
            skip = close + 1
        else:
            depth += 1
    outer = code
    for start, _, close in reversed(blocks):
        outer = outer[:start] + " " * (close + 1 - start) + outer[close + 1 :]
    filters = r"\bFILTER\b\s*(\w*)\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
    outer = re.sub(filters, lambda m: " " * len(m.group()), outer, flags=re.IGNORECASE)
    if "{" in outer or "}" in outer or _BLOCKERS.search(outer):
        return body
    for start, open_end, close in reversed(blocks):
        inner, bound = (
            code[open_end:close],
            set(re.findall(r"[?$](\w+)", outer[:start])) | {"this"},
        )
        shared = set(re.findall(r"[?$](\w+)", inner)) & set(
            re.findall(r"[?$](\w+)", code[:start] + code[close:])
        )
        # MINUS applies to what precedes it: the shared variables must be bound before the block.
        if "{" not in inner and not _BLOCKERS.search(inner) and shared and shared <= bound:
            # Restricting the MINUS pattern to the focus nodes too keeps incremental runs small.
            body = body[:start] + "MINUS { " + (FOCUS if "this" in shared else "") + body[open_end:]
    return body
