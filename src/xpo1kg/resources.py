"""The files shipped inside the package: ontology, shapes, instance data and queries.

A wheel carries the curated folders (``ontology/``, ``data/``, ``queries/``) inside the package.
A source checkout or an editable install keeps them at the top of the repository, where curators
edit them; the package then reads them there, so an edit is seen without reinstalling.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from xpo1kg.errors import XPO1KGError

__all__ = [
    "context_file",
    "curated_folder",
    "curated_roots",
    "data_files",
    "ontology_file",
    "query_files",
    "shapes_file",
]

_PACKAGE = files("xpo1kg")
_CHECKOUT = Path(__file__).resolve().parents[2]


def curated_folder(name: str) -> Traversable:
    """Return a curated folder: inside the package (wheel) or at the top of a source checkout.

    >>> curated_folder("queries").name
    'queries'
    """
    shipped = _PACKAGE / name
    if shipped.is_dir():
        return shipped
    checkout = _CHECKOUT / name
    if checkout.is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return checkout
    raise XPO1KGError(f"the package has no {name}/ folder: reinstall xpo1kg")


def curated_roots() -> list[str]:
    """Return the folders whose files count as the package's own (for messages and trust)."""
    roots = [str(_PACKAGE)]
    if (_CHECKOUT / "pyproject.toml").is_file():
        roots.extend(str(_CHECKOUT / name) for name in ("ontology", "data", "queries"))
    return roots


def ontology_file() -> Traversable:
    """Return the OWL ontology in Turtle."""
    return curated_folder("ontology") / "xpo1kg.ttl"


def shapes_file() -> Traversable:
    """Return the SHACL shapes in Turtle."""
    return curated_folder("ontology") / "shapes.ttl"


def context_file() -> Traversable:
    """Return the compact JSON-LD context (embedded by exports, served by the server)."""
    return _PACKAGE / "rdf" / "context.jsonld"


def data_files() -> list[Traversable]:
    """Return the instance data files, sorted by name."""
    folder = curated_folder("data")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)


def query_files() -> list[Traversable]:
    """Return the competency query files, sorted by name."""
    folder = curated_folder("queries")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
