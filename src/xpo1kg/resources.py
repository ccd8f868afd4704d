"""The files shipped inside the package: ontology, shapes, instance data and queries."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["context_file", "data_files", "ontology_file", "query_files", "shapes_file"]

_PACKAGE = files("xpo1kg")


def ontology_file() -> Traversable:
    """Return the OWL ontology in Turtle."""
    return _PACKAGE / "ontology" / "xpo1kg.ttl"


def shapes_file() -> Traversable:
    """Return the SHACL shapes in Turtle."""
    return _PACKAGE / "ontology" / "shapes.ttl"


def context_file() -> Traversable:
    """Return the compact JSON-LD context (embedded by exports, served by the server)."""
    return _PACKAGE / "context.jsonld"


def data_files() -> list[Traversable]:
    """Return the instance data files, sorted by name."""
    folder = _PACKAGE / "data"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)


def query_files() -> list[Traversable]:
    """Return the competency query files, sorted by name."""
    folder = _PACKAGE / "queries"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
