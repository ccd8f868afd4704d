"""Search on every page: the results page, completion, and "did you mean" for unknown entities.

``/search?q=`` is the results page, ``/search/complete?q=`` the JSON for the header box's
completion, and :func:`unknown_entity_page` the answer to an unknown entity path.

All three use the graph's tolerant search (:class:`~xpo1kg.store.search.SearchIndex`), built once
per served graph (``kg.search_index``) and reused by every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from xpo1kg.rdf.namespaces import XO, XR, compress
from xpo1kg.server.pages import render
from xpo1kg.server.tables import local_href
from xpo1kg.store.knowledge_graph import KnowledgeGraph
from xpo1kg.store.search import Hit

__all__ = [
    "COMPLETIONS",
    "Found",
    "closest",
    "completions",
    "entity_url",
    "router",
    "unknown_entity_message",
    "unknown_entity_page",
]

router = APIRouter(include_in_schema=False)

#: Suggestions the header box shows as the user types.
COMPLETIONS = 10
#: Results on the search page.
RESULTS = 50
#: Longest search text looked at (longer text is cut: no name is that long).
MAX_TEXT = 200


@dataclass(frozen=True)
class Found:
    """One search result as the pages show it."""

    label: str
    type: str
    iri: str
    url: str
    curie: str
    matched: str
    why: str


def entity_url(iri: str) -> str:
    """Return the page of an entity on this server.

    >>> entity_url("https://w3id.org/xpo1kg/resource/TP53")
    '/resource/TP53'
    >>> entity_url("http://purl.obolibrary.org/obo/GO_0006915")
    '/resource?iri=http%3A%2F%2Fpurl.obolibrary.org%2Fobo%2FGO_0006915'
    """
    return local_href(iri) or "/resource?" + urlencode({"iri": iri})


def _found(hit: Hit) -> Found:
    return Found(
        hit.label or hit.curie,
        hit.type,
        hit.iri,
        entity_url(hit.iri),
        hit.curie,
        hit.matched,
        hit.why,
    )


def _search(kg: KnowledgeGraph, text: str, limit: int) -> list[Found]:
    text = text.strip()[:MAX_TEXT]
    if not text:
        return []
    return [_found(hit) for hit in kg.search_index.search(text, limit)]


def completions(kg: KnowledgeGraph, text: str, limit: int = COMPLETIONS) -> list[dict[str, str]]:
    """Return what the header box offers for ``text``: label, type, IRI, page and what matched.

    >>> from xpo1kg import load_graph
    >>> completions(load_graph(), "selin")[0]["url"]
    '/resource/selinexor'
    """
    return [
        {"label": f.label, "type": f.type, "iri": f.iri, "url": f.url, "matched": f.matched}
        for f in _search(kg, text, limit)
    ]


def closest(kg: KnowledgeGraph, iri: str, limit: int = 5) -> list[Found]:
    """Return the entities closest to an unknown IRI's local name ("did you mean").

    Those in the same namespace (resources for ``/resource/``, terms for ``/ontology/``) come first.

    >>> from xpo1kg import load_graph
    >>> [f.label for f in closest(load_graph(), "https://w3id.org/xpo1kg/resource/p53")][:1]
    ['TP53']
    """
    local = iri
    for namespace in (str(XR), str(XO)):
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
    local = local.replace("_", " ").strip()[:MAX_TEXT]
    if not local:
        return []
    index = kg.search_index
    hits = index.search(local, limit * 4) or index.suggest(local, limit * 4)
    namespace = str(XO) if iri.startswith(str(XO)) else str(XR) if iri.startswith(str(XR)) else ""
    ranked = sorted(
        enumerate(hits), key=lambda pair: (not pair[1].iri.startswith(namespace), pair[0])
    )
    return [_found(hit) for _, hit in ranked[:limit]]


def unknown_entity_message(kg: KnowledgeGraph, iri: str) -> str:
    """Return the one-line 404 reason for programs: the IRI, and the closest entities."""
    near = closest(kg, iri, 3)
    message = f"unknown entity: {iri}"
    if near:
        message += "; did you mean " + ", ".join(f"{f.curie} ({f.label})" for f in near) + "?"
    return message


def unknown_entity_page(kg: KnowledgeGraph, iri: str) -> HTMLResponse:
    """Return the HTML 404 of an unknown entity, with the closest entities as links."""
    local = compress(iri)
    page = render(
        "not_found.html",
        iri=iri,
        name=local.split(":", 1)[1] if local != iri else iri,
        suggestions=closest(kg, iri),
    )
    return HTMLResponse(page, status_code=404, headers={"Vary": "Accept"})


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, q: str = "") -> HTMLResponse:
    """Show the entities whose names match ``q`` (labels, synonyms, identifiers; typos allowed)."""
    kg: KnowledgeGraph = request.app.state.kg
    results = _search(kg, q, RESULTS)
    suggestions: list[Found] = []
    if q.strip() and not results:
        suggestions = [_found(hit) for hit in kg.search_index.suggest(q.strip()[:MAX_TEXT], 5)]
    page = render("search.html", q=q, results=results, suggestions=suggestions)
    return HTMLResponse(page)


@router.get("/search/complete")
async def complete(request: Request, q: str = "") -> JSONResponse:
    """Completion for the header's search box: up to 10 entities as JSON."""
    return JSONResponse(completions(request.app.state.kg, q))
