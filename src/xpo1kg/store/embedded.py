"""The triple store: embedded Oxigraph (in memory or on disk), one named graph per source file."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from xpo1kg.errors import InputError, ParseError, QuerySyntaxError
from xpo1kg.query.sparql_lexer import QueryShape, scan
from xpo1kg.rdf.graphs import (
    INFERRED_GRAPH_IRI,
    META_GRAPH_IRI,
    asserted_for_query,
    file_base,
)
from xpo1kg.rdf.loading import (
    OXIGRAPH_FORMATS,
    RDFSource,
    check_rdf,
    check_xml,
    display_name,
    format_for,
    graph_name,
    is_shipped,
    reporting_read_errors,
    skip_bom,
    syntax_error,
)
from xpo1kg.rdf.namespaces import PREFIXES

__all__ = [
    "INFERRED_GRAPH_IRI",
    "META_GRAPH_IRI",
    "SERVICE_REFUSED",
    "Store",
    "check_query_is_safe",
    "rdf_format_of",
    "reading_handle",
    "require_store",
    "writing_store",
]

_OPEN_STORES: dict[Path, ox.Store] = {}


def reading_handle(path: Path) -> ox.Store:
    """Return a handle to read the store at ``path``: this process's writing one, if it has one.

    A new read-only handle is never cached (a later writer in this process opens its own), and
    is not opened beside this process's writer: RocksDB may be compacting files in the
    background that the new handle would then fail to find.
    """
    key = Path(path).resolve()
    if key in _OPEN_STORES:
        return _OPEN_STORES[key]
    return ox.Store.read_only(str(path))


#: What a client or the CLI is told when a query names SERVICE (documented in the README).
SERVICE_REFUSED = "SERVICE is not allowed: queries never contact other servers"


def rdf_format_of(name: str) -> ox.RdfFormat:
    """Return the RDF format of a file name, by its extension."""
    return format_for(name, OXIGRAPH_FORMATS)


def check_query_is_safe(sparql: str) -> QueryShape:
    """Refuse SPARQL that would make the engine contact another server (``SERVICE``).

    The text is read by :func:`~xpo1kg.query.sparql_lexer.scan`, which also refuses (with one line)
    what it cannot read exactly as the engine would and nesting deeper than the engine's parser
    can take; the shape it reports is returned.
    """
    shape = scan(sparql)
    if shape.service:
        raise QuerySyntaxError(SERVICE_REFUSED)
    return shape


@contextmanager
def writing_store(path: Path | str) -> Iterator[None]:
    """Turn a failure to write a store (a full disk) into one line naming the store."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or " ".join(str(error).split())
        raise InputError(f"{path}: cannot write the store ({reason})") from None


def _is_store(path: Path) -> bool:
    """Whether a directory holds a store (RocksDB's CURRENT file names its manifest)."""
    return path.is_dir() and (path / "CURRENT").is_file()


def _holds_other_files(path: Path) -> bool:
    """Whether a path exists and is something else than a store or an empty directory."""
    if not path.exists() or _is_store(path):
        return False
    return not path.is_dir() or any(path.iterdir())


def require_store(path: Path) -> None:
    """Refuse (one line) a path that is not a store directory made by ``xpo1kg load``."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such store (create one with `xpo1kg load FILE --store DIR`)")
    if not _is_store(path):
        raise InputError(f"{path}: not a store (create one with `xpo1kg load FILE --store DIR`)")


class Store:
    """An Oxigraph store holding the graph, one named graph per source file.

    >>> store = Store()
    >>> store.add_rdf(b"<urn:a> <urn:b> <urn:c> .", "x.nt", "urn:g")
    >>> store.graphs()
    {'urn:g': 1}
    """

    def __init__(
        self, path: Path | None = None, *, create: bool = True, read_only: bool = False
    ) -> None:
        """Open a store on disk at ``path``, or an in-memory store when None.

        ``create=False`` refuses a path that is not a store already (one line, exit code 2);
        ``read_only=True`` opens it without writing anything into its directory (and can run
        beside a process that writes).
        """
        self.path = path
        self.read_only = read_only
        if path is None:
            self._store = ox.Store()
            return
        if not create or read_only:
            require_store(path)
        elif _holds_other_files(Path(path)):
            raise InputError(
                f"{path}: not a store, and not an empty directory: choose a new directory"
            )
        key = Path(path).resolve()
        try:
            if read_only:
                self._store = reading_handle(key)
                return
            # RocksDB allows one writing handle per directory and process: share it.
            if key not in _OPEN_STORES:
                _OPEN_STORES[key] = ox.Store(str(path))
            self._store = _OPEN_STORES[key]
        except OSError as error:
            reason = error.strerror or " ".join(str(error).split())
            raise InputError(f"{path}: cannot open the store ({reason})") from None

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
            if rdf_format == ox.RdfFormat.RDF_XML:
                check_xml(io.BytesIO(content), name)
            if content.startswith(b"\xef\xbb\xbf"):
                content = content[3:]
        target = ox.NamedNode(graph)
        base = file_base(name)
        try:
            if bulk:
                self._store.bulk_load(content, rdf_format, base_iri=base, to_graph=target)
            else:
                self._store.load(content, rdf_format, base_iri=base, to_graph=target)
        except (SyntaxError, ValueError) as error:
            raise syntax_error(name, error) from None
        except MemoryError:
            raise ParseError(
                name, None, "a single literal or IRI is longer than the 16 MB the parser accepts"
            ) from None
        except OSError as error:
            raise ParseError(name, None, str(error)) from None

    def add_source(self, source: RDFSource, *, graph: str | None = None, bulk: bool = False) -> str:
        """Load one file into its named graph (see :func:`~xpo1kg.rdf.loading.graph_name`)."""
        name = display_name(source)
        if isinstance(source, Path) and source.is_dir():
            raise InputError(f"{name}: is a directory, not an RDF file")
        rdf_format = rdf_format_of(name)
        target = graph or str(graph_name(source))
        if isinstance(source, Path) and not is_shipped(source):
            check_rdf(source, name)  # a user's file: refused whole, as every reader refuses it
        if isinstance(source, Path) and rdf_format != ox.RdfFormat.RDF_XML:
            # Oxigraph reads the file itself: a large file is never held in memory whole.
            with reporting_read_errors(name):
                stream = source.open("rb")
            with stream:
                skip_bom(stream)
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

    def asserted_for_query(self) -> list[str] | None:
        """Return the asserted graphs, as they are now, for :meth:`query`'s ``graphs``.

        None (the union, faster) unless the store holds an inferred graph: see
        :func:`~xpo1kg.rdf.graphs.asserted_for_query`.
        """
        return asserted_for_query(self.graph_names())

    def asserted_rows(self, sparql: str) -> list[list[str]]:
        """Return the rows of a SELECT on the asserted graphs, each term as its text ("": unbound).

        The graphs are asked for at each query: the store may gain an inferred graph meanwhile.
        """
        solutions = self.query(sparql, graphs=self.asserted_for_query())
        assert isinstance(solutions, ox.QuerySolutions)
        return [[t.value if t is not None else "" for t in solution] for solution in solutions]

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
    """Turn Oxigraph's parser error into plain words, the line with a caret, and its own words."""
    from xpo1kg.query.syntax import explain  # here: that module uses this one's mask

    return explain(sparql, error).text()
