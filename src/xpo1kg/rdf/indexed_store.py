"""An in-memory graph without named graphs: three dictionary indexes and nothing else.

rdflib's ``Memory`` store records, for every triple, the graphs it belongs to, and works them out
again on every lookup. pyshacl looks up hundreds of thousands of patterns in the data and the
shapes, neither of which has named graphs: on :class:`IndexedGraph` copies, validating the
bundled data takes a third less time (docs/benchmarks.md), and every lookup answers as on
rdflib's own graph (``tests/test_indexed_store.py``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from typing import Any, Literal, Self

from rdflib import BNode, Graph
from rdflib.paths import Path
from rdflib.plugins.stores.memory import Memory

__all__ = ["IndexedGraph", "IndexedStore"]

Triple = tuple[Any, Any, Any]
Index = dict[Any, dict[Any, dict[Any, None]]]
_NO_GRAPHS: tuple[()] = ()
NamespaceSet = Literal["core", "rdflib", "none"]  # rdflib's choices of prefixes to bind


class IndexedStore(Memory):
    """A triple store of one graph, indexed by subject, predicate and object.

    It keeps ``Memory``'s namespace bindings. Lookups copy what they walk, so a caller may add or
    remove triples while it iterates, as with ``Memory``. A triple for another graph (rdflib's
    TriG and JSON-LD parsers send a named graph's triples to the store of the graph they parse
    into) is left out, as a graph on ``Memory`` leaves it out of its own triples.

    >>> from rdflib import URIRef
    >>> store = IndexedStore()
    >>> a, knows, b = URIRef("urn:a"), URIRef("urn:knows"), URIRef("urn:b")
    >>> store.add((a, knows, b), None)
    >>> store.add((a, knows, b), None)
    >>> len(store), list(store.match(None, None, b))
    (1, [(rdflib.term.URIRef('urn:a'), rdflib.term.URIRef('urn:knows'), rdflib.term.URIRef('urn:b'))])
    """

    def __init__(self, owner: Any = None) -> None:
        """Make an empty store for the graph named ``owner`` (None: any graph's triples)."""
        super().__init__()
        self._spo: Index = {}
        self._pos: Index = {}
        self._osp: Index = {}
        self._size = 0
        self._owner = owner

    def _foreign(self, context: Any) -> bool:
        if context is None or self._owner is None:
            return False
        return bool(getattr(context, "identifier", None) != self._owner)

    def add(self, triple: Triple, context: Any, quoted: bool = False) -> None:
        """Add a triple (once), unless ``context`` is another graph."""
        if self._foreign(context):
            return
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            return
        objects[o] = None
        self._pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self._osp.setdefault(o, {}).setdefault(s, {})[p] = None
        self._size += 1

    def addN(self, quads: Iterable[tuple[Any, Any, Any, Any]]) -> None:  # noqa: N802 (rdflib's name)
        """Add triples given as quads; the graph of each is ignored."""
        for s, p, o, _ in quads:
            self.add((s, p, o), None)

    def remove(self, triple: Triple, context: Any = None) -> None:
        """Remove every triple matching the pattern (``None`` matches anything)."""
        if self._foreign(context):
            return
        for s, p, o in list(self.match(*triple)):
            _drop(self._spo, s, p, o)
            _drop(self._pos, p, o, s)
            _drop(self._osp, o, s, p)
            self._size -= 1

    def triples(self, triple_pattern: Triple, context: Any = None) -> Generator[Any, None, None]:
        """Yield each matching triple with an empty iterator of graphs, as rdflib expects."""
        if self._foreign(context):
            return
        for triple in self.match(*triple_pattern):
            yield triple, _NO_GRAPHS

    def __len__(self, context: Any = None) -> int:
        """Return the number of triples."""
        return self._size

    def contexts(self, triple: Triple | None = None) -> Generator[Any, None, None]:
        """Yield nothing: this store has no named graphs."""
        yield from ()

    def match(self, s: Any, p: Any, o: Any) -> Iterator[Triple]:
        """Yield the triples matching ``(s, p, o)``, ``None`` matching anything."""
        if s is not None:
            by_predicate = self._spo.get(s)
            if by_predicate is None:
                return
            if p is not None:
                yield from _pairs_with(s, p, by_predicate.get(p), o)
                return
            for predicate, objects in list(by_predicate.items()):
                yield from _pairs_with(s, predicate, objects, o)
        elif p is not None:
            by_object = self._pos.get(p)
            if by_object is None:
                return
            if o is not None:
                yield from ((subject, p, o) for subject in list(by_object.get(o, ())))
                return
            for obj, subjects in list(by_object.items()):
                yield from ((subject, p, obj) for subject in list(subjects))
        elif o is not None:
            for subject, predicates in list(self._osp.get(o, {}).items()):
                yield from ((subject, predicate, o) for predicate in list(predicates))
        else:
            for subject, by_predicate in list(self._spo.items()):
                for predicate, objects in list(by_predicate.items()):
                    yield from ((subject, predicate, obj) for obj in list(objects))


def _pairs_with(s: Any, p: Any, objects: dict[Any, None] | None, o: Any) -> Iterator[Triple]:
    if not objects:
        return
    if o is None:
        yield from ((s, p, obj) for obj in list(objects))
    elif o in objects:
        yield s, p, o


def _drop(index: Index, first: Any, second: Any, third: Any) -> None:
    seconds = index[first]
    thirds = seconds[second]
    del thirds[third]
    if not thirds:
        del seconds[second]
        if not seconds:
            del index[first]


class IndexedGraph(Graph):
    """An rdflib graph on an :class:`IndexedStore` whose lookups skip rdflib's graph bookkeeping.

    >>> from rdflib import Literal, URIRef
    >>> graph = IndexedGraph()
    >>> graph.add((URIRef("urn:a"), URIRef("urn:n"), Literal(1)))  # doctest: +ELLIPSIS
    <Graph identifier=... (<class 'xpo1kg.rdf.indexed_store.IndexedGraph'>)>
    >>> graph.value(URIRef("urn:a"), URIRef("urn:n"))
    rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """

    def __init__(self, bind_namespaces: NamespaceSet = "rdflib") -> None:
        """Make an empty graph; ``bind_namespaces`` as for :class:`rdflib.Graph`."""
        identifier = BNode()  # what rdflib.Graph names a graph, here known to its store
        self._index = IndexedStore(owner=identifier)
        super().__init__(store=self._index, identifier=identifier, bind_namespaces=bind_namespaces)

    def triples(self, triple: Any) -> Generator[Any, None, None]:
        """Yield the triples matching a pattern; a property path is evaluated by rdflib."""
        s, p, o = triple
        if isinstance(p, Path):
            yield from super().triples(triple)
        else:
            yield from self._index.match(s, p, o)

    @classmethod
    def copy_of(cls, graph: Graph) -> Self:
        """Copy a graph's triples and prefixes into a new graph of this class.

        >>> from rdflib import Graph
        >>> source = Graph().parse(data="@prefix ex: <urn:ex:> . ex:a ex:b ex:c .", format="turtle")
        >>> copy = IndexedGraph.copy_of(source)
        >>> len(copy), dict(copy.namespaces())["ex"]
        (1, rdflib.term.URIRef('urn:ex:'))
        """
        copy = cls()
        for prefix, namespace in graph.namespace_manager.namespaces():
            copy.namespace_manager.bind(prefix, namespace, override=True, replace=True)
        copy.add_all(graph)
        return copy

    def add_all(self, triples: Iterable[Triple]) -> None:
        """Add triples (faster than one :meth:`add` each, which checks every term's type)."""
        add = self._index.add
        for triple in triples:
            add(triple, None)
