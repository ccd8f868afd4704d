"""Reading RDF files, with errors that name the file and the line: the one place that checks them.

:func:`check_rdf` is what every reader of a user's file runs first (``query --data``, ``load
--store``, ``validate``, ``ingest --into``), so a bad file is refused the same way everywhere, with
the same ``file:line: reason``: a file cut short (in any of Turtle, N-Triples, N-Quads, TriG,
JSON-LD, RDF/XML), bytes that are not UTF-8, a token over the parser's 16 MB limit, DTDs.
"""

from __future__ import annotations

import functools
import io
import re
import xml.sax
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, TypeVar
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from xpo1kg.errors import InputError, ParseError
from xpo1kg.rdf.graphs import bundled_graph, file_base, user_graph
from xpo1kg.rdf.indexed_store import IndexedGraph
from xpo1kg.rdf.namespaces import bind_prefixes
from xpo1kg.resources import curated_roots

__all__ = [
    "OXIGRAPH_FORMATS",
    "RDFSource",
    "check_rdf",
    "check_xml",
    "decode_text",
    "display_name",
    "format_for",
    "graph_name",
    "is_shipped",
    "parse_into",
    "read_graph",
    "reporting_read_errors",
    "skip_bom",
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
#: Extension -> Oxigraph's format, for every RDF syntax a user's file may be in.
OXIGRAPH_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
_BOM = b"\xef\xbb\xbf"
#: Oxigraph's largest token (a literal or an IRI), in bytes.
_TOKEN_LIMIT = 16 * 1024 * 1024
_CHUNK = 1 << 20
_OXIGRAPH_WHERE = re.compile(
    r"^Parser error (?:at line (\d+) (?:column \d+|between columns \d+ and \d+)"
    r"|between line (\d+) column \d+ and line \d+ column \d+): "
)
_OXIGRAPH_LINE_SUFFIX = re.compile(r" \(line \d+\)$")


def is_shipped(source: RDFSource) -> bool:
    """Whether a file is one of the package's own (importlib.resources gives Paths for those too)."""
    return not isinstance(source, Path) or str(source).startswith(tuple(curated_roots()))


def display_name(source: RDFSource) -> str:
    """Name a file for messages: its path, or its place in the package for shipped files."""
    if not is_shipped(source):
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
def reporting_read_errors(name: str, kind: str = "an RDF file") -> Iterator[None]:
    """Turn a failure to open or read file ``name`` (``kind`` of file) into one :class:`InputError`."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not {kind}") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror})") from None


def skip_bom(stream: IO[bytes]) -> int:
    """Move past a UTF-8 byte-order mark at the start of ``stream``; return its length (or 0)."""
    if stream.read(len(_BOM)) == _BOM:
        return len(_BOM)
    stream.seek(0)
    return 0


def syntax_error(name: str, error: SyntaxError | ValueError) -> ParseError:
    """Word an Oxigraph parser error as ``name:line: reason`` (the same for every reader)."""
    text = " ".join(str(getattr(error, "msg", None) or error).split())
    found = _OXIGRAPH_WHERE.match(text)
    line = getattr(error, "lineno", None) or None
    if found:
        line = line or int(found.group(1) or found.group(2))
        text = text[found.end() :]
    text = _OXIGRAPH_LINE_SUFFIX.sub("", text) or "cannot parse"
    return ParseError(name, line, text)


class _Counting:
    """A binary reader that remembers how many bytes were read (to place an error)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self.offset += len(chunk)
        return chunk


def _line_at(path: Path, offset: int) -> int:
    """Return the line of byte ``offset`` in a file."""
    lines, done = 1, 0
    with path.open("rb") as stream:
        while done < offset and (chunk := stream.read(min(_CHUNK, offset - done))):
            lines += chunk.count(b"\n")
            done += len(chunk)
    return lines


def check_xml(stream: IO[bytes], name: str) -> None:
    """Refuse RDF/XML that is not well-formed XML (a file cut short) or that declares a DTD.

    The one DTD check: entity declarations are the door to billion-laughs expansion and to
    external entities; curated RDF never needs them. Every RDF/XML text passes here before a
    parser sees it (:func:`check_rdf` for a user's file, :func:`parse_into` and
    :meth:`~xpo1kg.store.embedded.Store.add_rdf` for the rest).
    """

    def refuse(*_: object) -> None:
        raise ParseError(
            name, parser.CurrentLineNumber, "DOCTYPE and ENTITY declarations are not accepted"
        )

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        if reason == "no element found":
            reason = "unexpected end of file (an element is not closed)"
        raise ParseError(name, error.lineno, f"not well-formed XML: {reason}") from None


def check_rdf(path: Path, name: str | None = None) -> None:
    """Parse a user's RDF file without keeping it; raise :class:`ParseError` if it is not valid.

    The format comes from the extension (:data:`OXIGRAPH_FORMATS`). The file is read in chunks,
    so a large file is never held in memory whole.
    """
    name = name or display_name(path)
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not an RDF file")
    rdf_format = format_for(name, OXIGRAPH_FORMATS)
    with reporting_read_errors(name):
        if rdf_format == ox.RdfFormat.RDF_XML:
            with path.open("rb") as stream:
                check_xml(stream, name)
        with path.open("rb") as stream:
            skip_bom(stream)
            reader = _Counting(stream)
            try:
                for _ in ox.parse(reader, rdf_format, base_iri=file_base(path.name)):  # type: ignore[arg-type]
                    pass
            except (SyntaxError, ValueError) as error:
                raise syntax_error(name, error) from None
            except MemoryError:
                line = _line_at(path, max(reader.offset - _TOKEN_LIMIT, 0))
                raise ParseError(
                    name,
                    line,
                    "a single literal or IRI is longer than the 16 MB the parser accepts",
                ) from None


def _read_text(source: RDFSource, name: str) -> str:
    with reporting_read_errors(name):
        raw = source.read_bytes()
    return decode_text(raw, name)


def decode_text(raw: bytes, name: str) -> str:
    """Decode a text file that must be UTF-8 (a byte-order mark is skipped), or say why not.

    >>> decode_text("\ufeffSELECT".encode(), "q.rq")
    'SELECT'
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise ParseError(name, 1, "looks like UTF-16 text: save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ParseError(
            name, line, "not valid UTF-8 (Latin-1 or another encoding?): save it as UTF-8"
        ) from None


def parse_into(graph: Graph, source: RDFSource) -> Graph:
    """Parse one RDF file into ``graph``; raise :class:`ParseError` naming the file and line.

    A shipped file is parsed once per process and version of the file (its size and time stamp,
    so an edit in an editable install is seen): rdflib's Turtle parser takes four times as long
    as adding the triples it found, and the bundled files are read by every command.
    """
    name = display_name(source)
    if isinstance(source, Path) and source.is_dir():
        raise InputError(f"{name}: is a directory, not an RDF file")
    rdf_format = format_for(name, _FORMATS)
    if is_shipped(source) and isinstance(source, Path) and type(graph) in (Graph, IndexedGraph):
        with reporting_read_errors(name):
            found = source.stat()
        triples, bindings = _shipped_file(source, found.st_mtime_ns, found.st_size)
        if isinstance(graph, IndexedGraph):
            graph.add_all(triples)
        else:
            add = graph.add
            for triple in triples:
                add(triple)
        for prefix, namespace in bindings:
            graph.bind(prefix, namespace)
        return graph
    return _parse(graph, source, name, rdf_format)


@functools.lru_cache(maxsize=64)
def _shipped_file(
    source: Path, mtime_ns: int, size: int
) -> tuple[tuple[tuple[Node, Node, Node], ...], tuple[tuple[str, URIRef], ...]]:
    """Parse a shipped file: its triples and the prefixes it declares, in the order rdflib binds them."""
    del mtime_ns, size  # part of the cache key only
    name = display_name(source)
    graph = _parse(Graph(bind_namespaces="none"), source, name, format_for(name, _FORMATS))
    return tuple(graph), tuple((prefix, URIRef(ns)) for prefix, ns in graph.namespaces())


def _parse(graph: Graph, source: RDFSource, name: str, rdf_format: str) -> Graph:
    shipped = is_shipped(source)
    if not shipped:
        check_rdf(Path(str(source)), name)  # the same message as every other reader (DTDs too)
    text = _read_text(source, name)
    if shipped and rdf_format == "xml":
        check_xml(io.BytesIO(text.encode()), name)
    try:
        graph.parse(data=text, format=rdf_format, publicID=file_base(source.name))
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
    """Parse several RDF files into one new graph with the project prefixes bound.

    The graph is an :class:`~xpo1kg.rdf.indexed_store.IndexedGraph`: an rdflib graph that is
    faster to fill and to read than one on rdflib's default store.
    """
    graph = bind_prefixes(IndexedGraph())
    for source in sources:
        parse_into(graph, source)
    return graph


def graph_name(source: RDFSource) -> URIRef:
    """Return the IRI of the named graph that holds one source file in quad exports.

    Shipped files become ``…/graph/ontology/xpo1kg`` or ``…/graph/data/proteins``; a user's file
    becomes ``…/graph/user/<file name>``.
    """
    if not is_shipped(source):
        return URIRef(user_graph(source.name))
    return URIRef(bundled_graph(Path(str(source)).parent.name, Path(source.name).stem))


def _why(error: BadSyntax) -> str:
    return str(getattr(error, "_why", error)).strip() or "bad syntax"


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "cannot parse"


def _line_in(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
