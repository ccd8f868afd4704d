"""``/explain?s=&p=&o=``: how the graph knows one statement, as a page (see :mod:`xpo1kg.reason.explain`).

The explanation comes from the in-process graph (fixed look-ups, no user SPARQL): the evidence
of an asserted statement, or the rule and the premises of an inferred one, down to asserted
statements with their quotes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from xpo1kg.errors import InputError
from xpo1kg.reason.explain import Term
from xpo1kg.server.pages import render
from xpo1kg.server.tables import local_href
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["explain_html", "router"]

router = APIRouter(include_in_schema=False)


def _href(term: Term) -> str | None:
    """Return where a term of an explanation links to: its page here, if it has one."""
    return local_href(term.iri) if term.iri else None


def explain_html(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> str:
    """Return the page explaining SUBJECT PREDICATE OBJECT (names, CURIEs or IRIs).

    Raises :class:`~xpo1kg.errors.InputError` for a name that matches nothing.
    """
    explanation = kg.explain(subject, predicate, obj)
    return render("explain.html", e=explanation, href=_href)


@router.get("/explain", response_class=HTMLResponse)
def explain_page(request: Request, s: str = "", p: str = "", o: str = "") -> HTMLResponse:
    """Explain the statement (s, p, o); 400 with a one-line message when it cannot be read."""
    if not (s and p and o):
        message = "give the statement as /explain?s=SUBJECT&p=PREDICATE&o=OBJECT"
        page = render("error.html", title="Explain a statement", message=message, status=400)
        return HTMLResponse(page, status_code=400)
    try:
        return HTMLResponse(explain_html(request.app.state.kg, s, p, o))
    except InputError as error:
        page = render("error.html", title="Explain a statement", message=str(error), status=400)
        return HTMLResponse(page, status_code=400)
