"""HTML pages of the server (placeholder: the pages branch replaces this module)."""

from __future__ import annotations

import html

from fastapi import FastAPI

from ..graph import KnowledgeGraph

__all__ = ["entity_html", "install"]


def install(app: FastAPI) -> None:
    """Add the HTML routes (home, query page, static files) to ``app``; none yet."""


def entity_html(kg: KnowledgeGraph, iri: str) -> str | None:
    """Return a minimal HTML page about ``iri``, or None when the graph does not know it."""
    entities = kg.find(iri)
    if not entities:
        return None
    label = html.escape(entities[0].label)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{label}</title></head><body><h1>{label}</h1>"
        f"<p><code>{html.escape(iri)}</code></p></body></html>\n"
    )
