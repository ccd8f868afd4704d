"""The knowledge graph: ontology, curated data and user files in an Oxigraph store, queried with SPARQL.

Queries run on the embedded Oxigraph engine. An rdflib view (:attr:`KnowledgeGraph.graph`) is built
on demand for interoperability: pyshacl validation, exports, reasoning. :func:`load_graph` (from
:mod:`xpo1kg.store.graph_loading`, imported here too) makes one from files or a store directory.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDFS
from rdflib.term import Literal, Node, URIRef

from xpo1kg.errors import QuerySyntaxError, XPO1KGError
from xpo1kg.query.catalog import CompetencyQuery, get_query
from xpo1kg.query.checks import CheckMode, QueryProblem, Vocabulary, check_query, enforce
from xpo1kg.query.inference import InferenceWarning, missing_inference_message, needs_inference
from xpo1kg.query.results import QueryResult
from xpo1kg.rdf.graphs import INFERRED_GRAPH_IRI, asserted_graphs
from xpo1kg.rdf.indexed_store import IndexedGraph
from xpo1kg.rdf.loading import RDFSource, graph_name, parse_into
from xpo1kg.rdf.namespaces import XO, bind_prefixes
from xpo1kg.rdf.terms import Binding, to_oxigraph, to_rdflib
from xpo1kg.reason.reasoning_report import Mode, ReasonerName
from xpo1kg.resources import ontology_file
from xpo1kg.store.embedded import Store

# Not a cycle: graph_loading imports this module inside its functions, when they run.
from xpo1kg.store.graph_loading import load_graph

if TYPE_CHECKING:
    from xpo1kg.reason.explain import Explanation
    from xpo1kg.store.search import Hit, SearchIndex

__all__ = ["Binding", "Entity", "KnowledgeGraph", "Reasoning", "load_graph"]

ONTOLOGY_GRAPH = str(graph_name(ontology_file()))


@dataclass(frozen=True)
class Reasoning:
    """How to compute a graph's inferred facts: the cache key of its input, reasoner and mode."""

    key: str | None
    reasoner: ReasonerName = "hermit"
    mode: Mode = "auto"


@dataclass(frozen=True)
class Entity:
    """A thing in the graph, as found by :meth:`KnowledgeGraph.find`."""

    iri: str
    label: str
    types: tuple[str, ...]


def _value(term: object) -> str:
    """Return the lexical value of a pyoxigraph term (IRIs, blank nodes and literals alike)."""
    return str(getattr(term, "value", term))


class KnowledgeGraph:
    """The ontology and instance data, ready for SPARQL.

    >>> kg = load_graph()
    >>> kg.find("KPT-330")[0].label
    'selinexor'
    """

    def __init__(
        self,
        store: Store,
        *,
        inferred: bool = False,
        sources: Mapping[str, RDFSource] | None = None,
        reasoning: Reasoning | None = None,
    ) -> None:
        """Wrap a store; queries see every asserted named graph, plus the inferred one if asked.

        ``sources`` maps named graphs to the files they were loaded from: the rdflib views are
        then parsed from those files, keeping literals exactly as written (Oxigraph stores
        numbers by value, so "100.0" comes back from the store as "100").

        ``reasoning`` says how to compute the inferred graph when ``inferred`` is asked for and
        the store does not hold it yet: it is then computed on first need (a query, an export,
        :attr:`inferred`, :attr:`has_inferred`), from the cache when the input is unchanged. If it
        cannot be computed (an inconsistent graph, no Java), queries see the asserted facts and
        an :class:`~xpo1kg.query.inference.InferenceWarning` says why.
        """
        self._store = store
        self._sources = dict(sources or {})
        names = store.graph_names()
        self._asserted = asserted_graphs(names)
        self._want_inferred = inferred
        self._reasoning = reasoning
        self._reasoning_lock = threading.Lock()
        #: Why the inferred facts are not included (None when they are, or were not asked for).
        self.inference_problem: str | None = None
        #: Why they were not asked for, in a few words (for the warning of a query that needs them).
        self.left_out_because = "inferred=False or --no-inferred left them out"
        self._graph: Graph | None = None
        self._index: SearchIndex | None = None
        self._vocabulary: Vocabulary | None = None

    def _ensure_inferred(self) -> bool:
        """Compute the inferred graph if it is wanted and missing; True if queries include it."""
        if not self._want_inferred or self.inference_problem is not None:
            return False
        with self._reasoning_lock:  # one computation, even when threads query at once
            if self._store.has_graph(INFERRED_GRAPH_IRI):
                return True
            if self._reasoning is None:
                self.inference_problem = "none were computed for this store"
            else:
                try:
                    self._store.add_rdf(
                        self._inferred_ntriples(), "inferred.nt", INFERRED_GRAPH_IRI
                    )
                except (XPO1KGError, OSError, RuntimeError) as error:
                    self.inference_problem = f"they could not be computed: {error}"
                else:
                    return True
        warnings.warn(
            InferenceWarning(f"inferred facts left out: {self.inference_problem}"), stacklevel=3
        )
        return False

    def _inferred_ntriples(self) -> bytes:
        """Return the inferred graph as N-Triples: the cached file as it is, else reasoned now."""
        from xpo1kg.reason.inferred import cached_inferred_file, inferred_graph

        plan = self._reasoning
        assert plan is not None
        if plan.key is not None:
            cached = cached_inferred_file(plan.key, reasoner=plan.reasoner, mode=plan.mode)
            if cached is not None:  # no rdflib view of the input needed
                return cached.read_bytes()
        graph, _ = inferred_graph(
            self.graph, self.ontology, plan.key, reasoner=plan.reasoner, mode=plan.mode
        )
        return graph.serialize(format="nt", encoding="utf-8")

    @property
    def _query_graphs(self) -> list[str] | None:
        """The graphs queries see; None for the union of all (faster than an explicit list)."""
        if self._ensure_inferred() or not self._store.has_graph(INFERRED_GRAPH_IRI):
            # The only graph the union adds beyond these is the one-triple meta graph.
            return None
        return self._asserted

    @property
    def store(self) -> Store:
        """The Oxigraph store behind the graph."""
        return self._store

    @property
    def graph(self) -> Graph:
        """The asserted triples as an :class:`rdflib.Graph` (built on first use, then kept)."""
        if self._graph is None:
            self._graph = self._rdflib(self._asserted)
        return self._graph

    @property
    def ontology(self) -> Graph:
        """The ontology alone, as an :class:`rdflib.Graph`."""
        return self._rdflib([ONTOLOGY_GRAPH])

    @property
    def parts(self) -> tuple[tuple[URIRef, Graph], ...]:
        """The asserted triples split by named graph (one per source file)."""
        return tuple((URIRef(g), self._rdflib([g])) for g in self._asserted)

    @property
    def asserted_graph_names(self) -> list[str]:
        """The named graphs of asserted triples (every graph but the inferred and meta ones)."""
        return self._asserted

    @property
    def has_inferred(self) -> bool:
        """Whether queries see the inferred graph (computed now if it is wanted and missing)."""
        return self._ensure_inferred()

    @property
    def inferred(self) -> Graph | None:
        """The inferred triples, when queries include them (see :attr:`has_inferred`)."""
        if not self._ensure_inferred():
            return None
        return self._rdflib([INFERRED_GRAPH_IRI])

    def _rdflib(self, graphs: Iterable[str]) -> Graph:
        graph = bind_prefixes(IndexedGraph())
        for name in graphs:
            if name in self._sources:
                parse_into(graph, self._sources[name])
            else:
                graph.parse(data=self._store.dump(name), format="nt")
        return graph

    def __len__(self) -> int:
        """Return the number of asserted triples."""
        return self._store.count(self._asserted)

    @property
    def vocabulary(self) -> Vocabulary:
        """The terms the graph knows, for :mod:`xpo1kg.query.checks` (looked up lazily)."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(self._mentions, self._terms_of)
        return self._vocabulary

    def _mentions(self, iri: str) -> bool:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return True  # not an IRI Oxigraph accepts: the query itself will say so
        find = self._store.oxigraph.quads_for_pattern
        return any(
            next(quads, None) is not None
            for quads in (
                find(node, None, None, None),
                find(None, node, None, None),
                find(None, None, node, None),
            )
        )

    def _terms_of(self, namespace: str) -> set[str]:
        """Return the namespace's IRIs: from the ontology for xo:, else every subject of the store."""
        oxigraph = self._store.oxigraph
        if namespace == str(XO) and self._store.has_graph(ONTOLOGY_GRAPH):
            quads = oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))
            nodes = [term for q in quads for term in (q.subject, q.predicate, q.object)]
        else:  # every subject: DISTINCT in the engine, not a Python loop over every quad
            solutions = oxigraph.query(
                "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{namespace}")) }}'
            )
            nodes = [solution[0] for solution in solutions]  # type: ignore[union-attr]
        return {
            n.value for n in nodes if isinstance(n, ox.NamedNode) and n.value.startswith(namespace)
        }

    def check(
        self, query: str | CompetencyQuery, bindings: Iterable[str] = ()
    ) -> list[QueryProblem]:
        """Return what is wrong with a query before it runs (see :mod:`xpo1kg.query.checks`).

        >>> [p.message for p in load_graph().check("SELECT ?p WHERE { ?p xo:exportedby xr:XPO1 }")]
        ['unknown term xo:exportedby (the ontology does not define it); did you mean xo:exportedBy?']
        """
        return check_query(query, self.vocabulary, bindings)

    def query(
        self,
        query: str | CompetencyQuery,
        bindings: Mapping[str, Binding] | None = None,
        *,
        check: CheckMode = "error",
    ) -> QueryResult:
        """Run SPARQL text or a competency query, with optional variable bindings.

        Before it runs, the query is checked (:meth:`check`): terms of the project's namespaces
        that the graph does not know, bindings of variables the query does not have, projected
        variables that nothing binds. ``check="error"`` (the default) raises
        :class:`~xpo1kg.query.checks.QueryCheckError`, ``"warn"`` issues a
        :class:`~xpo1kg.query.checks.QueryCheckWarning` per problem, ``"ignore"`` skips the check.

        >>> kg = load_graph()
        >>> kg.query("SELECT ?s WHERE { ?s xo:uniprotAccession ?acc }", {"acc": "P04637"}).column("s")
        ['https://w3id.org/xpo1kg/resource/TP53']
        """
        if check != "ignore":
            enforce(self.check(query, bindings or ()), check)
        graphs = self._query_graphs
        if needs_inference(query) and not self.has_inferred:
            warnings.warn(
                InferenceWarning(missing_inference_message(query, self.missing_inference_reason)),
                stacklevel=2,
            )
        text = query.sparql if isinstance(query, CompetencyQuery) else query
        substitutions = None
        if bindings:
            # One meaning of a binding on every engine: a VALUES block joined at the start of the
            # WHERE clause (Oxigraph's own substitution leaves a variable inside OPTIONAL unbound
            # instead of filtering on it, so `--bind inhibitor_label=selinexor` kept every row).
            from xpo1kg.store.remote import place_bindings

            try:
                text = place_bindings(text, bindings)
            except QuerySyntaxError:  # CONSTRUCT/DESCRIBE, or text the engine will explain
                substitutions = {k.lstrip("?$"): to_oxigraph(v) for k, v in bindings.items()}
        return self._answer(text, graphs, substitutions)

    def _answer(
        self,
        text: str,
        graphs: list[str] | None,
        substitutions: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal] | None,
    ) -> QueryResult:
        # A frame of its own: the query checks above parse with pyparsing, whose exceptions form
        # reference cycles that keep the caller's frame alive. Holding Oxigraph's answer there
        # would leave it to a later collection, maybe on another thread, which Oxigraph refuses.
        answer = self._store.query(text, graphs=graphs, substitutions=substitutions)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(["ask"], [(Literal(bool(answer)),)])
        if isinstance(answer, ox.QueryTriples):
            triples = [tuple(map(to_rdflib, (t.subject, t.predicate, t.object))) for t in answer]
            triples.sort(key=lambda t: tuple(n.n3() if n is not None else "" for n in t))
            return QueryResult(["subject", "predicate", "object"], triples)
        columns = [v.value for v in answer.variables]
        return QueryResult.from_oxigraph(columns, [tuple(solution) for solution in answer])

    @property
    def missing_inference_reason(self) -> str:
        """Why queries do not see inferred facts, in a few words."""
        return self.inference_problem or self.left_out_because

    def run(
        self,
        name: str,
        bindings: Mapping[str, Binding] | None = None,
        *,
        check: CheckMode = "error",
    ) -> QueryResult:
        """Run a shipped competency query by name."""
        return self.query(get_query(name), bindings, check=check)

    def label(self, node: Node) -> str:
        """Return the label of a node, or its IRI when it has none."""
        if isinstance(node, URIRef):
            for quad in self._store.oxigraph.quads_for_pattern(
                ox.NamedNode(str(node)), ox.NamedNode(str(RDFS.label)), None, None
            ):
                return str(_value(quad.object))
        return str(node)

    def find(self, text: str, limit: int | None = 20) -> list[Hit]:
        """Find entities by label, synonym, identifier, CURIE or IRI, tolerating typos; best first.

        See :mod:`xpo1kg.store.search` for how names match and rank.

        >>> [(e.label, e.why) for e in load_graph().find("SKOV3")]
        [('SK-OV-3', 'exact synonym'), ('IC50 of KPT-185 on SK-OV-3', 'normalised label')]
        >>> [e.label for e in load_graph().find("uniprot:P04637")]
        ['TP53']
        """
        return self.search_index.search(text, limit)

    @property
    def search_index(self) -> SearchIndex:
        """The names of the graph's entities, indexed for :meth:`find` (built on first use)."""
        if self._index is None:
            from xpo1kg.store.search import SearchIndex

            self._index = SearchIndex.from_graph(self)
        return self._index

    def explain(self, subject: str, predicate: str, obj: str) -> Explanation:
        """Explain how the graph knows a statement: evidence if asserted, premises if inferred.

        >>> kg = load_graph()
        >>> kg.explain("selinexor", "inhibits", "XPO1").status
        'asserted'
        """
        from xpo1kg.reason.explain import explain

        return explain(self, subject, predicate, obj)

    def stats(self) -> QueryResult:
        """Count the instances of every class of the ontology (subclasses included).

        >>> counts = {r["class"]: r["instances"] for r in load_graph().stats().records()}
        >>> counts["IC50 measurement"]
        6
        """
        return self.query(_STATS_QUERY)


_STATS_QUERY = """
SELECT ?class (COUNT(DISTINCT ?instance) AS ?instances) WHERE {
  ?class_iri a owl:Class ; rdfs:label ?class .
  FILTER(STRSTARTS(STR(?class_iri), STR(xo:)))
  OPTIONAL { ?instance a/rdfs:subClassOf* ?class_iri . }
}
GROUP BY ?class
ORDER BY DESC(?instances) ?class
"""
