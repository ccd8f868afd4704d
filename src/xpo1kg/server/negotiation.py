"""Content negotiation: parse an ``Accept`` header and pick the best of the offered media types."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BOOLEAN_TYPES",
    "GRAPH_TYPES",
    "SOLUTION_TYPES",
    "choose",
    "parse_accept",
]

#: Media types for SELECT results, the first being the default (aliases map to the canonical one).
SOLUTION_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
BOOLEAN_TYPES = SOLUTION_TYPES
#: Media types for RDF graphs (CONSTRUCT, DESCRIBE, entity descriptions), Turtle by default.
GRAPH_TYPES = (
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
)
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
    "application/json+ld": "application/ld+json",
    "text/plain": "application/n-triples",
}
_GRAPH_ALIASES = {
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Return the media ranges of an Accept header with their quality, best first.

    >>> parse_accept("text/html;q=0.9, text/turtle")
    [('text/turtle', 1.0), ('text/html', 0.9)]
    >>> parse_accept(None)
    [('*/*', 1.0)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality, position))
    # More specific ranges win ties (text/turtle over text/* over */*), then header order.
    ranges.sort(key=lambda r: (-r[1], r[0].count("*"), r[2]))
    return [(media, quality) for media, quality, _ in ranges]


def _matches(media_range: str, offer: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return offer.startswith(media_range[:-1])
    return media_range == offer


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """Return the offer that the client prefers most (the first offer for ``*/*``), or None.

    >>> choose("application/json", SOLUTION_TYPES)
    'application/sparql-results+json'
    >>> choose("application/json", GRAPH_TYPES)
    'application/ld+json'
    >>> choose("text/html,*/*;q=0.8", GRAPH_TYPES)
    'text/turtle'
    >>> choose("image/png", GRAPH_TYPES) is None
    True
    """
    aliases = {**ALIASES, **_GRAPH_ALIASES} if offers == GRAPH_TYPES else ALIASES
    refused = {m for m, q in parse_accept(header) if q == 0.0}
    for media_range, quality in parse_accept(header):
        if quality == 0.0:
            continue
        media_range = aliases.get(media_range, media_range)
        for offer in offers:
            if _matches(media_range, offer) and offer not in refused:
                return offer
    return None
