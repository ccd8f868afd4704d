"""Light lexical checks on SPARQL text, made before it reaches the engine."""

from __future__ import annotations

import re

__all__ = ["code_only", "has_dataset_clause", "update_keyword"]

# Strings, IRIs and comments: their content must not be mistaken for keywords.
_NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\s]*>|#[^\n]*'
)
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*\S*\s*)*", re.IGNORECASE)
_UPDATE = re.compile(r"(LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|INSERT|DELETE|WITH)\b", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$])FROM(?![\w:])", re.IGNORECASE)


def code_only(sparql: str) -> str:
    """Blank out strings and IRIs (as ``<>``) and comments.

    >>> code_only('SELECT * { ?s ?p "FROM" } # FROM')
    'SELECT * { ?s ?p <> }  '
    """
    return _NOT_CODE.sub(lambda m: " " if m.group(0).startswith("#") else "<>", sparql)


def update_keyword(sparql: str) -> str | None:
    """Return the operation keyword if the text is a SPARQL Update, else None.

    >>> update_keyword("PREFIX ex: <urn:x:> INSERT DATA { ex:a ex:b ex:c }")
    'INSERT'
    >>> update_keyword("SELECT * WHERE { ?s ?p ?o }") is None
    True
    """
    code = code_only(sparql)
    prologue = _PROLOGUE.match(code)
    found = _UPDATE.match(code, prologue.end() if prologue else 0)
    return found.group(1).upper() if found else None


def has_dataset_clause(sparql: str) -> bool:
    """Return whether the query names its own dataset (FROM or FROM NAMED).

    >>> has_dataset_clause("SELECT * FROM <urn:g> { ?s ?p ?o }")
    True
    >>> has_dataset_clause("SELECT * { ?s ?p 'from' }")
    False
    """
    return bool(_FROM.search(code_only(sparql)))
