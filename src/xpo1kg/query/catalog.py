"""The competency queries shipped in ``queries/``: one ``.rq`` file each, with a header comment.

Each file starts with ``# title:``, ``# question:`` and ``# answer:`` lines (which may run on over
further ``#`` lines) and, for queries whose answer only a reasoner can give, ``# requires:
inference`` (``# needs: inference`` is read the same way); then the SPARQL text. That header line is
how every interface knows that a query needs the inferred facts, and warns when it runs without
them (:mod:`xpo1kg.query.inference`); SPARQL text pasted with its header counts too.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from importlib.resources.abc import Traversable
from pathlib import Path

from xpo1kg.errors import UnknownQueryError
from xpo1kg.resources import query_files

__all__ = ["CompetencyQuery", "get_query", "list_queries", "parse_query_file", "resolve_query"]

_FIELDS = ("title", "question", "answer", "requires", "needs")


@dataclass(frozen=True)
class CompetencyQuery:
    """A named SPARQL query with the question it answers."""

    name: str
    title: str
    question: str
    answer: str
    sparql: str
    requires_inference: bool = False
    #: Shipped in ``queries/`` (the test-suite checks these; see :mod:`xpo1kg.query.checks`).
    shipped: bool = False


def parse_query_file(name: str, text: str) -> CompetencyQuery:
    r"""Read a query file's header and body.

    >>> q = parse_query_file("demo", "# title: Demo\n# question: What?\n# answer: Rows.\nASK {}")
    >>> q.title, q.sparql.endswith("ASK {}")
    ('Demo', True)
    """
    header: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        content = stripped.lstrip("#").strip()
        key, sep, value = content.partition(":")
        if sep and key.strip().lower() in _FIELDS:
            current = key.strip().lower()
            header[current] = value.strip()
        elif current and content:
            header[current] = f"{header[current]} {content}"
    return CompetencyQuery(
        name=name,
        title=header.get("title", name),
        question=header.get("question", ""),
        answer=header.get("answer", ""),
        sparql=text.strip(),
        requires_inference=any(
            "inference" in header.get(key, "").lower() for key in ("requires", "needs")
        ),
    )


def _load(file: Traversable) -> CompetencyQuery:
    query = parse_query_file(file.name.removesuffix(".rq"), file.read_text(encoding="utf-8"))
    return replace(query, shipped=True)


def list_queries() -> list[CompetencyQuery]:
    """Return the shipped competency queries, sorted by name.

    >>> "cargo_triggering_apoptosis" in [q.name for q in list_queries()]
    True
    """
    return [_load(file) for file in query_files()]


def get_query(name: str) -> CompetencyQuery:
    """Return a shipped query by name; suggest the closest names when it does not exist."""
    queries = {query.name: query for query in list_queries()}
    try:
        return queries[name]
    except KeyError:
        suggestions = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
        suggestions += [q for q in queries if name and name in q and q not in suggestions]
        raise UnknownQueryError(name, suggestions[:3]) from None


def resolve_query(name_or_path: str) -> CompetencyQuery:
    """Return a shipped query by name, or read a ``.rq`` file from disk."""
    if name_or_path.endswith((".rq", ".sparql")):
        path = Path(name_or_path)
        from xpo1kg.rdf.loading import decode_text, reporting_read_errors

        with reporting_read_errors(str(path)):
            raw = path.read_bytes()
        return parse_query_file(path.stem, decode_text(raw, str(path)))
    return get_query(name_or_path)
