"""The rules engine's closure of a store, saved beside it and read back node by node.

When a big store's inferred graph is computed by the rules engine, :func:`save_closure` keeps the
whole closure in a second Oxigraph store inside the store directory (``xpo1kg-closure/``): every
class membership and property value the rules derived, not only the facts the inferred graph
keeps. :class:`StoredClosure` reads it back lazily, with the store's own triples, for the nodes
the rules reach from an addition (:mod:`xpo1kg.reason.incremental`).

The saved closure is trusted only while it carries its completeness marker
(:func:`open_saved_closure`); a writer removes the marker first and writes it last.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF

from xpo1kg.rdf.graphs import CLOSURE_MARKER_IRI, INFERRED_GRAPH_IRI, META_GRAPH_IRI
from xpo1kg.reason.rule_tbox import RuleTbox
from xpo1kg.reason.rules import Closure, Fact, Triple, engine_term, oxigraph_term
from xpo1kg.store.embedded import Store

__all__ = [
    "CLOSURE_FOLDER",
    "COMPLETE",
    "StoredClosure",
    "closure_quad",
    "forget_closure",
    "open_saved_closure",
    "save_closure",
]

CLOSURE_FOLDER = "xpo1kg-closure"
#: The quad that marks a saved closure as whole.
COMPLETE = ox.Quad(
    ox.NamedNode(CLOSURE_MARKER_IRI),
    ox.NamedNode("http://purl.org/dc/terms/conformsTo"),
    ox.Literal("complete"),
    ox.NamedNode(META_GRAPH_IRI),
)
_TYPE = str(RDF.type)
_RDF_TYPE = ox.NamedNode(_TYPE)
_DEFAULT = ox.DefaultGraph()
_INFERRED = ox.NamedNode(INFERRED_GRAPH_IRI)
_BATCH = 100_000


def _folder(store: Store) -> Path | None:
    return None if store.path is None else Path(store.path) / CLOSURE_FOLDER


def forget_closure(store: Store) -> None:
    """Remove a store's saved closure (its data changed in a way an update does not follow)."""
    folder = _folder(store)
    if folder is not None and folder.exists():
        shutil.rmtree(folder)


def closure_quad(s: str, p: str, o: str) -> ox.Quad:
    """Return the quad of the closure store for a derived triple (in its default graph)."""
    return ox.Quad(oxigraph_term(s), ox.NamedNode(p), oxigraph_term(o))


def save_closure(store: Store, closure: Closure) -> None:
    """Save every derived class membership and property value of ``closure`` beside ``store``."""
    folder = _folder(store)
    if folder is None:
        return
    forget_closure(store)
    side = ox.Store(str(folder))
    # A class or a hub is named in thousands of quads: its Oxigraph term is made (and checked) once.
    term = functools.lru_cache(maxsize=1 << 16)(oxigraph_term)
    predicates = {_TYPE: _RDF_TYPE}
    batch: list[ox.Quad] = []

    def derived(s: str, p: str, o: str) -> None:
        predicate = predicates.get(p) or predicates.setdefault(p, ox.NamedNode(p))
        batch.append(ox.Quad(term(s), predicate, term(o)))
        if len(batch) >= _BATCH:
            side.bulk_extend(batch)
            batch.clear()

    for s, types in closure.types.items():
        told = closure.told.get(s, ())
        for c in types:
            if c not in told:
                derived(s, _TYPE, c)
    for s, p, o in closure.derived_edges:
        derived(s, p, o)
    side.bulk_extend([*batch, COMPLETE])
    side.flush()


class _Lazy(dict[str, set[str]]):
    """Node -> values, each node's values read (by ``read``) the first time they are asked for."""

    def __init__(self, read: Callable[[str], set[str]]) -> None:
        super().__init__()
        self._read = read

    def __missing__(self, node: str) -> set[str]:
        values = self._read(node)
        self[node] = values
        return values

    def get(self, node: str, default: object = None) -> set[str] | None:  # type: ignore[override]
        return self[node]


class _LazyIndex(dict[str, _Lazy]):
    """Property -> node -> values, each (property, node) read the first time it is asked for."""

    def __init__(self, read: Callable[[str, str], set[str]]) -> None:
        super().__init__()
        self._read = read

    def __missing__(self, prop: str) -> _Lazy:
        values = _Lazy(lambda node: self._read(prop, node))
        self[prop] = values
        return values


class StoredClosure(Closure):
    """A saved closure, read from the store and the closure store as the rules ask for it.

    Each (property, node) and each node's classes are read by a lookup in the store and one in
    the closure store the first time a rule looks at them: asserted and derived values alike.
    What the rules then add is exactly what :meth:`Closure.increment` adds to the same closure
    held in memory; the time grows with what the rules look at, not with the store.
    """

    def __init__(
        self,
        tbox: RuleTbox,
        store: ox.Store,
        side: ox.Store,
        asserted: Iterable[str],
        added: Iterable[ox.Quad] = (),
    ):
        super().__init__(tbox)
        self._store, self._side = store, side
        self._asserted = {ox.NamedNode(g) for g in asserted}
        #: Quads already in ``store`` that the closure does not hold yet: read as not there.
        self._added = set(added)
        self.types = _Lazy(self._types)
        self.told = _Lazy(self._told)
        self.out = _LazyIndex(self._out)  # type: ignore[assignment]
        self.into = _LazyIndex(self._into)  # type: ignore[assignment]
        #: What the last :meth:`add` derived: new (individual, class) pairs and new edges.
        self.gained: tuple[set[tuple[str, str]], set[tuple[str, str, str]]] = (set(), set())

    def release(self) -> None:
        """Let go of the two stores (the lazy indexes refer back to this object: a cycle)."""
        self._store = self._side = None  # type: ignore[assignment]

    def add(self, facts: Iterable[Fact]) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
        """Add asserted triples (see :meth:`Closure.add`), keeping what they derived."""
        self.gained = super().add(facts)
        return self.gained

    def preload(self, facts: Sequence[Fact]) -> None:
        """Read what :meth:`Closure.increment` looks up for ``facts`` before adding them."""
        for s, p, o in facts:
            if p == _TYPE:
                self.told[s], self.types[s]
            elif o is not None and p in self.tbox.relevant:
                self.out[p][s]

    def _asserted_quads(self, s: object, p: object, o: object) -> Iterator[ox.Quad]:
        for quad in self._store.quads_for_pattern(s, p, o, None):  # type: ignore[arg-type]
            if quad.graph_name in self._asserted and quad not in self._added:
                yield quad

    def _told(self, node: str) -> set[str]:
        quads = self._asserted_quads(oxigraph_term(node), _RDF_TYPE, None)
        return _nodes(q.object for q in quads)

    def _types(self, node: str) -> set[str]:
        derived = self._side.quads_for_pattern(oxigraph_term(node), _RDF_TYPE, None, _DEFAULT)
        return set(self.told[node]) | _nodes(q.object for q in derived)

    def _out(self, prop: str, node: str) -> set[str]:
        term, predicate = oxigraph_term(node), ox.NamedNode(prop)
        values = _nodes(q.object for q in self._asserted_quads(term, predicate, None))
        derived = self._side.quads_for_pattern(term, predicate, None, _DEFAULT)
        for value in _nodes(q.object for q in derived):
            values.add(value)
            self.derived_edges.add((node, prop, value))
        return values

    def _into(self, prop: str, node: str) -> set[str]:
        term, predicate = oxigraph_term(node), ox.NamedNode(prop)
        asserted = self._asserted_quads(None, predicate, term)
        derived = self._side.quads_for_pattern(None, predicate, term, _DEFAULT)
        return _nodes(q.subject for q in asserted) | _nodes(q.subject for q in derived)

    def is_asserted(self, triple: Triple) -> bool:
        """Whether an IRI triple is in an asserted graph of the store (the addition's included)."""
        s, p, o = (ox.NamedNode(str(t)) for t in triple)
        quads = self._store.quads_for_pattern(s, p, o, None)
        return any(quad.graph_name in self._asserted for quad in quads)

    def inferred_into(self, nodes: Iterable[URIRef]) -> set[Triple]:
        """Return the inferred IRI triples whose object is one of ``nodes``."""
        found: set[Triple] = set()
        for node in nodes:
            for quad in self._store.quads_for_pattern(None, None, ox.NamedNode(node), _INFERRED):
                if isinstance(quad.subject, ox.NamedNode) and quad.subject != _INFERRED:
                    found.add((URIRef(quad.subject.value), URIRef(quad.predicate.value), node))
        return found

    def around(self, nodes: Iterable[URIRef]) -> tuple[set[Triple], set[Triple]]:
        """Return the asserted and the inferred IRI triples from ``nodes`` and from their values.

        What the provenance of facts about ``nodes`` is found from: every premise of a derivation
        handled starts at the fact's subject or object, or at a value of theirs (a chain's middle
        node, the filler of an ``owl:someValuesFrom``).
        """
        asserted: set[Triple] = set()
        inferred: set[Triple] = set()
        seen: set[URIRef] = set()
        frontier = set(nodes)
        for _ in range(2):
            after: set[URIRef] = set()
            for node in frontier - seen:
                seen.add(node)
                for quad in self._store.quads_for_pattern(ox.NamedNode(node), None, None, None):
                    if not isinstance(quad.object, ox.NamedNode):
                        continue
                    triple = (node, URIRef(quad.predicate.value), URIRef(quad.object.value))
                    if quad.graph_name == _INFERRED:
                        inferred.add(triple)
                    elif quad.graph_name in self._asserted:
                        asserted.add(triple)
                    else:
                        continue
                    after.add(triple[2])
            frontier = after
        return asserted, inferred


def _nodes(terms: Iterable[object]) -> set[str]:
    """Return the IRIs and blank nodes among ``terms`` as the engine holds them (no literals)."""
    return {engine_term(t) for t in terms if isinstance(t, ox.NamedNode | ox.BlankNode)}


def open_saved_closure(store: Store) -> ox.Store | None:
    """Open the closure saved beside ``store``, or None if there is none or it is not whole."""
    folder = _folder(store)
    if folder is None or not folder.is_dir():
        return None
    side = ox.Store(str(folder))
    return side if COMPLETE in side else None
