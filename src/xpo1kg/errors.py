"""Exceptions with one-line messages that the CLI prints as they are."""

from __future__ import annotations

__all__ = ["InputError", "ParseError", "QuerySyntaxError", "UnknownQueryError", "XPO1KGError"]


class XPO1KGError(Exception):
    """Base class of every error raised by xpo1kg."""


class InputError(XPO1KGError):
    """Input that cannot be read: a missing file, malformed RDF, an unknown name (exit code 2)."""


class ParseError(InputError):
    """A file that is not valid Turtle (or another RDF syntax)."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class UnknownQueryError(InputError):
    """A competency query name that does not exist."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown query {name!r}{hint} (run `xpo1kg queries` for the list)")


class QuerySyntaxError(InputError):
    """SPARQL text that the parser rejects, or that asks for something refused (SERVICE, LOAD)."""
