r"""Whether a query needs the reasoner's inferred facts, and the warning when it runs without them.

Inferred facts are included by default everywhere (``load_graph``, ``run_query``, ``xpo1kg query``,
``serve``, ``report``, ``figures``, ``stats``, ``export``); ``inferred=False`` / ``--no-inferred``
leaves them out. A query says that it needs them with the header line ``# requires: inference``
(or ``# needs: inference``) of its ``.rq`` file (see :mod:`xpo1kg.query.catalog`). When such a
query runs on a graph without inferred facts, every interface warns: a
:class:`InferenceWarning` in Python, a ``warning:`` line on stderr in the CLI, a note on the
server's pages and the ``X-XPO1KG-Warning`` header.

>>> needs_inference("# requires: inference\nSELECT * WHERE { ?s ?p ?o }")
True
>>> needs_inference("SELECT * WHERE { ?s ?p ?o }")
False
"""

from __future__ import annotations

from xpo1kg.query.catalog import CompetencyQuery, parse_query_file

__all__ = ["InferenceWarning", "missing_inference_message", "needs_inference"]


class InferenceWarning(UserWarning):
    """A query that needs inferred facts ran without them, or they could not be computed."""


def needs_inference(query: str | CompetencyQuery) -> bool:
    """Whether the query's header says that it needs inferred facts (``# requires: inference``)."""
    if isinstance(query, CompetencyQuery):
        return query.requires_inference
    return parse_query_file("query", query).requires_inference


def missing_inference_message(query: str | CompetencyQuery, reason: str = "") -> str:
    """Say that ``query`` needs inferred facts that the graph does not include, and why.

    >>> print(missing_inference_message(parse_query_file("q", "ASK {}"), "left out"))
    q needs inferred facts, and this graph does not include them (left out): its answer is empty or incomplete
    """
    name = query.name if isinstance(query, CompetencyQuery) else "this query"
    why = f" ({reason})" if reason else ""
    return (
        f"{name} needs inferred facts, and this graph does not include them{why}: "
        "its answer is empty or incomplete"
    )
