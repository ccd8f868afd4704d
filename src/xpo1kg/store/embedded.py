"""The triple store: embedded Oxigraph (in memory or on disk), one named graph per source file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from xpo1kg.errors import InputError, ParseError, QuerySyntaxError
from xpo1kg.rdf.loading import (
    RDFSource,
    display_name,
    format_for,
    graph_name,
    reporting_read_errors,
)
from xpo1kg.rdf.namespaces import PREFIXES

__all__ = [
    "INFERRED_GRAPH_IRI",
    "META_GRAPH_IRI",
    "Store",
    "check_query_is_safe",
    "rdf_format_of",
]

INFERRED_GRAPH_IRI = "https://w3id.org/xpo1kg/graph/inferred"
META_GRAPH_IRI = "https://w3id.org/xpo1kg/graph/meta"
_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
_LINE = re.compile(r"line (\d+)")
_OPEN_STORES: dict[Path, ox.Store] = {}
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
# Strings, IRIs and comments are blanked out before looking for the SERVICE keyword.
_NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\s]*>|#[^\n]*'
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)


def rdf_format_of(name: str) -> ox.RdfFormat:
    """Return the RDF format of a file name, by its extension."""
    return format_for(name, _FORMATS)


def check_query_is_safe(sparql: str) -> None:
    """Refuse SPARQL that would make the engine contact another server (``SERVICE``)."""
    if _mentions_service(sparql):
        raise QuerySyntaxError("SERVICE is not allowed: queries never contact other servers")


@lru_cache(maxsize=256)  # the same few query texts come back again and again
def _mentions_service(sparql: str) -> bool:
    return _SERVICE.search(_NOT_CODE.sub(" ", sparql)) is not None


class Store:
    """An Oxigraph store holding the graph, one named graph per source file.

    >>> store = Store()
    >>> store.add_rdf(b"<urn:a> <urn:b> <urn:c> .", "x.nt", "urn:g")
    >>> store.graphs()
    {'urn:g': 1}
    """

    def __init__(self, path: Path | None = None) -> None:
        """Open (or create) a store on disk at ``path``, or an in-memory store when None."""
        self.path = path
        if path is None:
            self._store = ox.Store()
            return
        key = Path(path).resolve()
        # RocksDB allows one handle per directory and process: share it.
        if key not in _OPEN_STORES:
            try:
                _OPEN_STORES[key] = ox.Store(str(path))
            except OSError as error:
                raise InputError(f"{path}: cannot open the store ({error})") from None
        self._store = _OPEN_STORES[key]

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`."""
        return self._store

    def add_rdf(
        self, content: bytes | IO[bytes], name: str, graph: str, *, bulk: bool = False
    ) -> None:
        """Parse RDF ``content`` (format from ``name``'s extension) into the named ``graph``."""
        rdf_format = rdf_format_of(name)
        if rdf_format == ox.RdfFormat.RDF_XML and not isinstance(content, bytes):
            content = content.read()
        if isinstance(content, bytes):
            if rdf_format == ox.RdfFormat.RDF_XML and (dtd := _DTD.search(content)):
                line = content[: dtd.start()].count(b"\n") + 1
                raise ParseError(name, line, "DOCTYPE and ENTITY declarations are not accepted")
            if content.startswith(b"\xef\xbb\xbf"):
                content = content[3:]
        target = ox.NamedNode(graph)
        base = f"https://w3id.org/xpo1kg/file/{Path(name).name}"
        try:
            if bulk:
                self._store.bulk_load(content, rdf_format, base_iri=base, to_graph=target)
            else:
                self._store.load(content, rdf_format, base_iri=base, to_graph=target)
        except SyntaxError as error:
            message = str(error.msg if hasattr(error, "msg") else error)
            message = re.sub(
                r"^Parser error (at line \d+ (column \d+|between columns \d+ and \d+)|between line \d+ column \d+ and line \d+ column \d+): ",
                "",
                message,
            )
            found = _LINE.search(str(error))
            where: int | None = error.lineno or (int(found.group(1)) if found else None)
            raise ParseError(name, where, message) from None
        except (ValueError, OSError) as error:
            raise ParseError(name, None, str(error)) from None

    def add_source(self, source: RDFSource, *, graph: str | None = None, bulk: bool = False) -> str:
        """Load one file into its named graph (see :func:`~xpo1kg.rdf.loading.graph_name`)."""
        name = display_name(source)
        if isinstance(source, Path) and source.is_dir():
            raise InputError(f"{name}: is a directory, not an RDF file")
        rdf_format = rdf_format_of(name)
        target = graph or str(graph_name(source))
        if isinstance(source, Path) and rdf_format != ox.RdfFormat.RDF_XML:
            # Oxigraph reads the file itself: a large file is never held in memory whole.
            with reporting_read_errors(name):
                stream = source.open("rb")
            with stream:
                if stream.read(3) != b"\xef\xbb\xbf":  # skip a byte-order mark
                    stream.seek(0)
                self.add_rdf(stream, name, target, bulk=bulk)
            return target
        with reporting_read_errors(name):
            content = source.read_bytes()
        self.add_rdf(content, name, target, bulk=bulk)
        return target

    def graphs(self) -> dict[str, int]:
        """Return the named graphs and their sizes, sorted by IRI."""
        counts = self._store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {row["g"].value: int(row["n"].value) for row in counts}  # type: ignore[union-attr]

    def graph_names(self) -> set[str]:
        """Return the IRIs of the named graphs, without counting their triples."""
        return {str(getattr(g, "value", g)) for g in self._store.named_graphs()}

    def has_graph(self, graph: str) -> bool:
        """Return whether a named graph exists."""
        return bool(self._store.contains_named_graph(ox.NamedNode(graph)))

    def drop(self, graph: str) -> None:
        """Remove a named graph and its triples."""
        if not self.has_graph(graph):
            raise InputError(f"no graph {graph!r} in the store (see `xpo1kg graphs`)")
        self._store.remove_graph(ox.NamedNode(graph))

    def query(
        self,
        sparql: str,
        *,
        graphs: Iterable[str] | None = None,
        substitutions: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL with the default graph made of ``graphs`` (all named graphs when None)."""
        check_query_is_safe(sparql)
        options: dict[str, object] = {"prefixes": PREFIXES}
        if graphs is None:
            options["use_default_graph_as_union"] = True
        else:
            options["default_graph"] = [ox.NamedNode(g) for g in graphs]
        if substitutions:
            options["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            try:
                return self._store.query(sparql, **options)  # type: ignore[arg-type]
            except RuntimeError as error:
                if "projection" not in str(error) or not substitutions:
                    raise
            # Oxigraph substitutes only projected variables; a trailing VALUES binds any other.
            del options["substitutions"]
            names = " ".join(f"?{k}" for k in substitutions)
            terms = " ".join(str(v) for v in substitutions.values())
            return self._store.query(f"{sparql}\nVALUES ({names}) {{ ({terms}) }}", **options)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise QuerySyntaxError(_describe_syntax_error(sparql, str(error))) from None
        except (OSError, RuntimeError) as error:
            raise QuerySyntaxError(f"cannot evaluate the query: {error}") from None

    def quads(self, graphs: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        """Iterate over the quads of some named graphs (all when None)."""
        if graphs is None:
            yield from self._store.quads_for_pattern(None, None, None, None)
            return
        for graph in graphs:
            yield from self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def dump(self, graph: str, rdf_format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> bytes:
        """Serialise one named graph."""
        return self._store.dump(format=rdf_format, from_graph=ox.NamedNode(graph)) or b""

    def count(self, graphs: Iterable[str] | None = None) -> int:
        """Count the triples of some named graphs (all when None)."""
        if graphs is None:
            return len(self._store)
        total = 0
        for graph in set(graphs):  # one graph at a time: never counting the whole store
            # A NamedNode is a checked IRI, written in angle brackets.
            found = self._store.query(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
            )
            for row in found:  # type: ignore[union-attr]
                total += int(row["n"].value)
        return total

    def flush(self) -> None:
        """Make writes durable (on-disk stores)."""
        if self.path is not None:
            self._store.flush()


ProgressCallback = Callable[[str], None]


def _describe_syntax_error(sparql: str, error: str) -> str:
    """Turn Oxigraph's parser error into one line naming the position and the offending token."""
    found = re.match(r"error at (\d+):(\d+): (.*)", error, re.DOTALL)
    if not found:
        return "invalid SPARQL: " + " ".join(error.split())
    line, column, message = int(found.group(1)), int(found.group(2)), found.group(3)
    text = sparql.splitlines()[line - 1] if 0 < line <= len(sparql.splitlines()) else ""
    start = end = min(max(column - 1, 0), len(text))
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    token = text[start:end]
    if "Prefix not found" in message:
        summary = "undefined prefix"
    else:
        summary = " ".join(message.split())
        summary = summary if len(summary) <= 100 else summary[:97] + "..."
    near = f" near {token!r}" if token else ""
    return f"invalid SPARQL at line {line}, column {column}{near}: {summary}"
