"""The knowledge graph: the ontology and the curated data in one rdflib graph, queried with SPARQL."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Literal, Node, URIRef, Variable

from .catalog import CompetencyQuery, get_query
from .errors import QuerySyntaxError
from .loading import RDFSource, graph_name, read_graph
from .namespaces import PREFIXES, XO, bind_prefixes, expand
from .reasoning import Mode, ReasonerName
from .resources import data_files, ontology_file
from .results import QueryResult

__all__ = ["Entity", "KnowledgeGraph", "load_graph"]

# Never let a query or a FROM clause make rdflib fetch documents from the network or disk.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

#: Values accepted for query bindings: RDF terms as they are; strings that are IRIs or known
#: CURIEs become IRIs, other Python values become literals.
Binding = Node | str | int | float | bool

_LOOKUP_PROPERTIES = (
    RDFS.label,
    SKOS.altLabel,
    XO.geneSymbol,
    XO.uniprotAccession,
    XO.cellosaurusId,
    XO.inchiKey,
    URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref"),
)


@dataclass(frozen=True)
class Entity:
    """A thing in the graph, as found by :meth:`KnowledgeGraph.find`."""

    iri: str
    label: str
    types: tuple[str, ...]


def _normalise(text: str) -> str:
    """Fold case, accents and punctuation so that 'SK-OV-3', 'skov3' and 'SKOV 3' meet.

    >>> _normalise("SK-OV-3") == _normalise("skov 3")
    True
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", folded)


def _local_ids(iri: str) -> list[str]:
    """Return the identifier parts of an external IRI: CHEBI_229764 gives CHEBI_229764 and 229764."""
    local = re.split(r"[/#]", iri)[-1]
    parts = [local]
    if "_" in local:
        parts.append(local.split("_", 1)[1])
    return parts


class KnowledgeGraph:
    """The ontology and instance data, ready for SPARQL.

    >>> kg = load_graph()
    >>> kg.find("KPT-330")[0].label
    'selinexor'
    """

    def __init__(
        self,
        graph: Graph,
        *,
        parts: Sequence[tuple[URIRef, Graph]] = (),
        inferred: Graph | None = None,
    ) -> None:
        """Wrap an rdflib graph that holds the ontology and the data.

        ``parts`` are the same triples split by source file (for quad exports); ``inferred`` holds
        reasoner results, which queries see but :attr:`graph` does not contain.
        """
        self._graph = graph
        self._parts = tuple(parts) or ((URIRef("https://w3id.org/xpo1kg/graph/all"), graph),)
        self._inferred = inferred
        self._view = graph if inferred is None else graph + inferred
        self._index: dict[str, set[str]] | None = None

    @property
    def graph(self) -> Graph:
        """The asserted triples as an :class:`rdflib.Graph` (for interoperability, e.g. pyshacl)."""
        return self._graph

    @property
    def parts(self) -> tuple[tuple[URIRef, Graph], ...]:
        """The asserted triples split by source file, each with its named-graph IRI."""
        return self._parts

    @property
    def inferred(self) -> Graph | None:
        """The inferred triples, when the graph was loaded with ``inferred=True``."""
        return self._inferred

    def __len__(self) -> int:
        """Return the number of triples."""
        return len(self._graph)

    def query(
        self,
        query: str | CompetencyQuery,
        bindings: Mapping[str, Binding] | None = None,
    ) -> QueryResult:
        """Run SPARQL text or a competency query, with optional variable bindings.

        >>> kg = load_graph()
        >>> kg.query("SELECT ?s WHERE { ?s xo:uniprotAccession ?acc }", {"acc": "P04637"}).column("s")
        ['https://w3id.org/xpo1kg/resource/TP53']
        """
        text = query.sparql if isinstance(query, CompetencyQuery) else query
        prepared = prepare(text)
        init = {Variable(k.lstrip("?$")): _term(v) for k, v in (bindings or {}).items()}
        try:
            # rdflib's annotation says str keys, but it documents and accepts Variable keys.
            answer = self._view.query(prepared, initBindings=init)  # type: ignore[arg-type]
            return _to_result(answer)
        except Exception as error:  # noqa: BLE001 - the engine raises bare Exceptions
            message = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise QuerySyntaxError(f"cannot evaluate the query: {message}") from None

    def run(self, name: str, bindings: Mapping[str, Binding] | None = None) -> QueryResult:
        """Run a shipped competency query by name."""
        return self.query(get_query(name), bindings)

    def label(self, node: Node) -> str:
        """Return the label of a node, or its IRI when it has none."""
        label = self._graph.value(node, RDFS.label)
        return str(label) if label is not None else str(node)

    def find(self, text: str) -> list[Entity]:
        """Find entities by IRI, CURIE, label, synonym or identifier (case and punctuation ignored).

        >>> [e.label for e in load_graph().find("SKOV3")]
        ['SK-OV-3']
        >>> [e.label for e in load_graph().find("uniprot:P04637")]
        ['TP53']
        """
        iris: set[str] = set()
        candidate = expand(text) or text
        if (URIRef(candidate), None, None) in self._graph:
            iris.add(candidate)
        iris |= {str(s) for s in self._graph.subjects(SKOS.exactMatch, URIRef(candidate))}
        iris |= self._lookup_index().get(_normalise(text), set())
        entities = [self._entity(URIRef(iri)) for iri in iris]
        return sorted(entities, key=lambda e: (e.label.casefold(), e.iri))

    def stats(self) -> QueryResult:
        """Count the instances of every class of the ontology (subclasses included).

        >>> counts = {r["class"]: r["instances"] for r in load_graph().stats().records()}
        >>> counts["IC50 measurement"]
        7
        """
        return self.query(_STATS_QUERY)

    def _entity(self, node: URIRef) -> Entity:
        types = sorted(
            self.label(t) for t in self._graph.objects(node, RDF.type) if t != OWL.NamedIndividual
        )
        return Entity(iri=str(node), label=self.label(node), types=tuple(types))

    def _lookup_index(self) -> dict[str, set[str]]:
        if self._index is None:
            index: dict[str, set[str]] = {}
            for prop in _LOOKUP_PROPERTIES:
                for subject, value in self._graph.subject_objects(prop):
                    keys = [str(value)]
                    if ":" in str(value) and prop not in (RDFS.label, SKOS.altLabel):
                        keys.append(str(value).split(":", 1)[1])
                    for key in keys:
                        index.setdefault(_normalise(key), set()).add(str(subject))
            for subject, match in self._graph.subject_objects(SKOS.exactMatch):
                for key in _local_ids(str(match)):
                    index.setdefault(_normalise(key), set()).add(str(subject))
            self._index = index
        return self._index


_STATS_QUERY = """
SELECT ?class (COUNT(DISTINCT ?instance) AS ?instances) WHERE {
  ?class_iri a owl:Class ; rdfs:label ?class .
  FILTER(STRSTARTS(STR(?class_iri), "https://w3id.org/xpo1kg/ontology/"))
  OPTIONAL { ?instance a/rdfs:subClassOf* ?class_iri . }
}
GROUP BY ?class
ORDER BY DESC(?instances) ?class
"""


def prepare(text: str) -> Query:
    """Parse SPARQL text with the project prefixes; refuse SERVICE (no outgoing requests)."""
    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except ParseException as error:
        raise QuerySyntaxError(
            f"invalid SPARQL at line {error.lineno}, column {error.col}: {error.msg}"
        ) from None
    except Exception as error:  # noqa: BLE001 - e.g. an undefined prefix
        raise QuerySyntaxError(f"invalid SPARQL: {error}") from None
    if _uses_service(prepared.algebra):
        raise QuerySyntaxError("SERVICE is not allowed: queries never contact other servers")
    return prepared


def _uses_service(node: object) -> bool:
    if getattr(node, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(node, dict):
        return any(_uses_service(value) for value in node.values())
    if isinstance(node, (list, tuple)):
        return any(_uses_service(value) for value in node)
    return False


def _term(value: Binding) -> Node:
    if isinstance(value, Identifier):
        return value
    if isinstance(value, str):
        iri = expand(value) if not value.startswith(("http://", "https://")) else value
        if iri is not None and re.match(r"^https?://\S+$", iri):
            return URIRef(iri)
    return Literal(value)


def _to_result(result: Result) -> QueryResult:
    if result.type == "ASK":
        return QueryResult(["ask"], [(Literal(bool(result.askAnswer)),)])
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples = sorted(result.graph or Graph())
        return QueryResult(["subject", "predicate", "object"], [tuple(t) for t in triples])
    columns = [str(v) for v in (result.vars or [])]
    rows = [tuple(row) for row in result]  # type: ignore[arg-type]
    return QueryResult(columns, rows)  # type: ignore[arg-type]


def load_graph(
    extra_files: Iterable[str | Path] = (),
    *,
    bundled_data: bool = True,
    inferred: bool = False,
    reasoner: ReasonerName = "hermit",
    mode: Mode = "auto",
) -> KnowledgeGraph:
    """Load the ontology and the bundled data, plus any extra RDF files.

    With ``inferred=True`` the reasoner's conclusions (see :mod:`xpo1kg.reasoning`) are added for
    queries, in their own graph; they are cached per input, so only the first call pays.

    >>> len(load_graph()) > 1000
    True
    """
    sources: list[RDFSource] = [ontology_file()]
    if bundled_data:
        sources += data_files()
    sources += [Path(f) for f in extra_files]
    parts = [(graph_name(source), read_graph([source])) for source in sources]
    union = bind_prefixes(Graph())
    for _, part in parts:
        union += part
    extra = None
    if inferred:
        from .inference import inferred_graph

        extra, _ = inferred_graph(union, parts[0][1], sources, reasoner=reasoner, mode=mode)
    return KnowledgeGraph(union, parts=parts, inferred=extra)
