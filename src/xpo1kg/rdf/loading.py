"""Reading RDF files into rdflib graphs, with errors that name the file and the line."""

from __future__ import annotations

import re
import xml.sax
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from xpo1kg.errors import InputError, ParseError
from xpo1kg.rdf.namespaces import bind_prefixes
from xpo1kg.resources import curated_roots

__all__ = [
    "RDFSource",
    "display_name",
    "format_for",
    "graph_name",
    "parse_into",
    "read_graph",
    "reporting_read_errors",
]

#: A file on disk or a file shipped in the package.
RDFSource = Path | Traversable

_Format = TypeVar("_Format")

_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
_DTD = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _shipped(source: RDFSource) -> bool:
    """Whether a file is one of the package's own (importlib.resources gives Paths for those too)."""
    return not isinstance(source, Path) or str(source).startswith(tuple(curated_roots()))


def display_name(source: RDFSource) -> str:
    """Name a file for messages: its path, or its place in the package for shipped files."""
    if not _shipped(source):
        return str(source)
    return f"xpo1kg/{Path(str(source)).parent.name}/{source.name}"


def format_for(name: str, formats: Mapping[str, _Format]) -> _Format:
    """Return the format that ``formats`` gives to the extension of ``name``, or a one-line error.

    >>> format_for("data.TTL", {".ttl": "turtle"})
    'turtle'
    """
    suffix = Path(name).suffix.lower()
    try:
        return formats[suffix]
    except KeyError:
        known = ", ".join(sorted(formats))
        raise InputError(
            f"{name}: unknown RDF file type {suffix!r} (expected one of {known})"
        ) from None


@contextmanager
def reporting_read_errors(name: str) -> Iterator[None]:
    """Turn a failure to open or read file ``name`` into a one-line :class:`InputError`."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not an RDF file") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror})") from None


def _read_text(source: RDFSource, name: str) -> str:
    with reporting_read_errors(name):
        raw = source.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ParseError(name, line, "not valid UTF-8") from None


def parse_into(graph: Graph, source: RDFSource) -> Graph:
    """Parse one RDF file into ``graph``; raise :class:`ParseError` naming the file and line."""
    name = display_name(source)
    if isinstance(source, Path) and source.is_dir():
        raise InputError(f"{name}: is a directory, not an RDF file")
    rdf_format = format_for(name, _FORMATS)
    text = _read_text(source, name)
    if rdf_format == "xml" and _DTD.search(text):
        # Entity declarations are the door to billion-laughs expansion; curated RDF never needs them.
        line = text[: _DTD.search(text).start()].count("\n") + 1  # type: ignore[union-attr]
        raise ParseError(name, line, "DOCTYPE and ENTITY declarations are not accepted")
    try:
        graph.parse(data=text, format=rdf_format, publicID=_base_iri(source))
    except BadSyntax as error:
        raise ParseError(name, error.lines + 1, _why(error)) from None
    except xml.sax.SAXParseException as error:
        raise ParseError(name, error.getLineNumber(), error.getMessage()) from None
    except IndexError:
        # rdflib's Turtle parser runs off the end of a file that stops mid-statement.
        line = text.rstrip().count("\n") + 1
        raise ParseError(name, line, "unexpected end of file (unfinished statement?)") from None
    except Exception as error:  # noqa: BLE001 - every parser failure becomes one readable line
        raise ParseError(name, _line_in(str(error)), _first_line(str(error))) from None
    return graph


def read_graph(sources: Iterable[RDFSource]) -> Graph:
    """Parse several RDF files into one new graph with the project prefixes bound."""
    graph = bind_prefixes(Graph())
    for source in sources:
        parse_into(graph, source)
    return graph


def graph_name(source: RDFSource) -> URIRef:
    """Return the IRI of the named graph that holds one source file in quad exports.

    Shipped files become ``…/graph/ontology/xpo1kg`` or ``…/graph/data/proteins``; a user's file
    becomes ``…/graph/user/<file name>``.
    """
    if not _shipped(source):
        return URIRef(f"https://w3id.org/xpo1kg/graph/user/{quote(source.name)}")
    folder = Path(str(source)).parent.name
    return URIRef(f"https://w3id.org/xpo1kg/graph/{folder}/{Path(source.name).stem}")


def _base_iri(source: RDFSource) -> str:
    # A stable base keeps relative IRIs (rare in curated data) independent of the working directory.
    return f"https://w3id.org/xpo1kg/file/{source.name}"


def _why(error: BadSyntax) -> str:
    return str(getattr(error, "_why", error)).strip() or "bad syntax"


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "cannot parse"


def _line_in(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
