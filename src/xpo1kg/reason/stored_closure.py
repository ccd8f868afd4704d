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

import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF

from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, META_GRAPH_IRI
from xpo1kg.reason.rules import Closure, Fact, RuleTbox, Triple, fact_of, oxigraph_term
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
    ox.NamedNode("https://w3id.org/xpo1kg/closure"),
    ox.NamedNode("http://purl.org/dc/terms/conformsTo"),
    ox.Literal("complete"),
    ox.NamedNode(META_GRAPH_IRI),
)
_TYPE = str(RDF.type)
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
    batch: list[ox.Quad] = []
    for s, types in closure.types.items():
        told = closure.told.get(s, ())
        batch += (closure_quad(s, _TYPE, c) for c in types if c not in told)
        if len(batch) >= _BATCH:
            side.bulk_extend(batch)
            batch = []
    for s, p, o in closure.derived_edges:
        batch.append(closure_quad(s, p, o))
        if len(batch) >= _BATCH:
            side.bulk_extend(batch)
            batch = []
    side.bulk_extend([*batch, COMPLETE])
    side.flush()


class _LazyNodes(dict[str, set[str]]):
    """Node -> values, each node read from the stores the first time it is asked for."""

    def __init__(self, load: Callable[[str], None]) -> None:
        super().__init__()
        self._load = load

    def __missing__(self, node: str) -> set[str]:
        self._load(node)
        return self.setdefault(node, set())

    def get(self, node: str, default: object = None) -> set[str] | None:  # type: ignore[override]
        self._load(node)
        return super().get(node, default)  # type: ignore[arg-type]


class _LazyIndex(dict[str, _LazyNodes]):
    """Property -> node -> values, the nodes read lazily (see :class:`_LazyNodes`)."""

    def __init__(self, load: Callable[[str], None]) -> None:
        super().__init__()
        self._load = load

    def __missing__(self, prop: str) -> _LazyNodes:
        return self.setdefault(prop, _LazyNodes(self._load))


class StoredClosure(Closure):
    """A saved closure, read node by node from the store and the closure store as rules need it.

    A node is read whole the first time a rule looks at it: its told classes, its derived classes,
    and its property values both ways (asserted and derived). What the rules then add is exactly
    what :meth:`Closure.increment` adds to the closure held in memory.
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
        #: Quads already in ``store`` that the closure does not hold yet: read as not there.
        self._added = set(added)
        self._asserted = {ox.NamedNode(g) for g in asserted}
        self._loaded: set[str] = set()
        self.types = _LazyNodes(self._load)
        self.told = _LazyNodes(self._load)
        self.out = _LazyIndex(self._load)  # type: ignore[assignment]
        self.into = _LazyIndex(self._load)  # type: ignore[assignment]
        #: The IRI triples read about the loaded nodes, asserted (the addition's included) and
        #: inferred before: what the provenance of the facts near the addition is found from.
        self.asserted_near: set[Triple] = set()
        self.inferred_near: set[Triple] = set()
        #: What the last :meth:`add` derived: new (individual, class) pairs and new edges.
        self.gained: tuple[set[tuple[str, str]], set[tuple[str, str, str]]] = (set(), set())

    def add(self, facts: Iterable[Fact]) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
        """Add asserted triples (see :meth:`Closure.add`), keeping what they derived."""
        self.gained = super().add(facts)
        return self.gained

    def preload(self, facts: Sequence[Fact]) -> None:
        """Read the nodes of ``facts`` (class IRIs aside) before the rules run."""
        for s, p, o in facts:
            self._load(s)
            if o is not None and p != _TYPE:
                self._load(o)

    def _load(self, node: str) -> None:
        if node in self._loaded:
            return
        self._loaded.add(node)
        term = oxigraph_term(node)
        relevant = self.tbox.relevant
        types, told = (
            dict.setdefault(self.types, node, set()),
            dict.setdefault(self.told, node, set()),
        )
        for quad in self._store.quads_for_pattern(term, None, None, None):
            fact = self._read(quad)
            if fact is None:
                continue
            _, p, o = fact
            if p == _TYPE and o is not None:
                told.add(o)
                types.add(o)
            elif o is not None and p in relevant:
                dict.setdefault(self.out[p], node, set()).add(o)
        for quad in self._store.quads_for_pattern(None, None, term, None):
            fact = self._read(quad)
            if fact is not None and fact[1] != _TYPE and fact[1] in relevant:
                dict.setdefault(self.into[fact[1]], node, set()).add(fact[0])
        for quad in self._side.quads_for_pattern(term, None, None, ox.DefaultGraph()):
            _, p, o = _derived(quad)
            if p == _TYPE:
                types.add(o)
            else:
                dict.setdefault(self.out[p], node, set()).add(o)
                self.derived_edges.add((node, p, o))
        for quad in self._side.quads_for_pattern(None, None, term, ox.DefaultGraph()):
            s, p, _ = _derived(quad)
            if p != _TYPE:
                dict.setdefault(self.into[p], node, set()).add(s)

    def is_asserted(self, triple: Triple) -> bool:
        """Whether an IRI triple is in an asserted graph of the store (the addition's included)."""
        s, p, o = (ox.NamedNode(str(t)) for t in triple)
        return any(
            quad.graph_name in self._asserted
            for quad in self._store.quads_for_pattern(s, p, o, None)
        )

    def _read(self, quad: ox.Quad) -> Fact | None:
        """Read a quad of an asserted graph that the closure holds; else None.

        IRI triples of the asserted and inferred graphs, the addition's included, are noted for
        the provenance of the new facts.
        """
        inferred = quad.graph_name == _INFERRED
        if not inferred and quad.graph_name not in self._asserted:
            return None
        s, o = quad.subject, quad.object
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and s != _INFERRED:
            triple = (URIRef(s.value), URIRef(quad.predicate.value), URIRef(o.value))
            (self.inferred_near if inferred else self.asserted_near).add(triple)
        return None if inferred or quad in self._added else fact_of(quad)


def _derived(quad: ox.Quad) -> tuple[str, str, str]:
    """Read a quad of the closure store (never a literal: derived values are nodes)."""
    return cast(tuple[str, str, str], fact_of(quad))


def open_saved_closure(store: Store) -> ox.Store | None:
    """Open the closure saved beside ``store``, or None if there is none or it is not whole."""
    folder = _folder(store)
    if folder is None or not folder.is_dir():
        return None
    side = ox.Store(str(folder))
    return side if COMPLETE in side else None
