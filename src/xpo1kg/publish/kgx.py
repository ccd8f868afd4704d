"""The graph as a KGX TSV pair (``nodes.tsv``, ``edges.tsv``) for KG-Hub-style users.

**Edges** are the statements the graph gives evidence for: one row per ``owl:Axiom`` annotating
an object-property statement between two IRIs (so one row per statement and source). Columns:

- ``subject``, ``predicate``, ``object``: CURIEs; the predicate is the Biolink predicate of the
  property (:data:`PREDICATES`: from the RO property it specialises, as Biolink maps RO), else
  ``biolink:related_to``; ``original_predicate`` is the graph's own property (``xo:…``);
- ``primary_knowledge_source``: the statement's ``dcterms:source`` as a CURIE of this graph (no
  Information Resource Registry id exists for these sources); ``publications``: that source's
  identifiers (PMID, DOI, PMCID) and those of its verified primary source, ``|``-separated;
- ``knowledge_level``, ``agent_type`` (Biolink enums, as asserted), ``has_evidence`` (the ECO
  class), ``supporting_text`` (the quote), and the graph's ``modality`` and ``hedge``;
- ``object_direction_qualifier`` / ``causal_mechanism_qualifier`` for an inhibition
  (``decreased`` / ``inhibition``: the Biolink qualified form of "affects").

**Nodes** are every subject and object of an edge: ``id`` (CURIE), ``category`` (Biolink, from
the most specific of the graph's classes that :data:`CATEGORIES` maps, else
``biolink:NamedThing``), ``name`` (the label), ``xref`` (UniProt and Cellosaurus accessions and
``skos:exactMatch`` IRIs, as CURIEs, ``|``-separated) and ``iri``. Rows are sorted; the bytes depend only on the graph.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from rdflib import URIRef

from xpo1kg.rdf.namespaces import compress
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "CATEGORIES",
    "EDGE_COLUMNS",
    "KGX_FILES",
    "NODE_COLUMNS",
    "PREDICATES",
    "kgx_tables",
]

#: The file names of the pair (``xpo1kg export --format kgx --output DIR`` and the release).
KGX_FILES = ("nodes.tsv", "edges.tsv")
NODE_COLUMNS = ("id", "category", "name", "xref", "iri")
EDGE_COLUMNS = (
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "primary_knowledge_source",
    "publications",
    "knowledge_level",
    "agent_type",
    "has_evidence",
    "supporting_text",
    "modality",
    "hedge",
    "object_direction_qualifier",
    "causal_mechanism_qualifier",
)
#: RO property → Biolink predicate, where Biolink maps that RO term (exact or narrow mapping),
#: or (RO_0002449) as Biolink's qualified "affects" form describes an inhibitor's effect.
PREDICATES = {
    "obo:RO_0000056": "biolink:participates_in",  # exact mapping
    "obo:RO_0000057": "biolink:has_participant",  # exact mapping
    "obo:RO_0002411": "biolink:precedes",  # narrow mapping (causally upstream of)
    "obo:RO_0002212": "biolink:regulates",  # negatively regulates ⊂ regulates (direction lost)
    "obo:RO_0002449": "biolink:affects",  # + object_direction_qualifier, causal_mechanism
}
_QUALIFIED = {"obo:RO_0002449": ("decreased", "inhibition")}
#: The graph's classes → Biolink categories (a node takes its most specific mapped class).
CATEGORIES = {
    "xo:Protein": "biolink:Protein",
    "xo:ProteinFamily": "biolink:ProteinFamily",
    "xo:Inhibitor": "biolink:SmallMolecule",
    "xo:CellLine": "biolink:CellLine",
    "xo:CancerType": "biolink:Disease",
    "xo:Pathway": "biolink:Pathway",
    "xo:BiologicalProcess": "biolink:BiologicalProcess",
    "xo:CellularComponent": "biolink:CellularComponent",
    "xo:Source": "biolink:InformationContentEntity",
    "xo:PrimaryResearchArticle": "biolink:Article",
}
_NAMED_THING = "biolink:NamedThing"
_RELATED_TO = "biolink:related_to"

_EDGES = """
PREFIX biolink: <https://w3id.org/biolink/vocab/>
SELECT ?s ?p ?o ?source ?level ?agent ?evidence ?quote ?modality ?hedge ?ro WHERE {
  ?axiom a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ;
         owl:annotatedTarget ?o ; dcterms:source ?source .
  ?p a owl:ObjectProperty .
  FILTER(isIRI(?s) && isIRI(?o))
  OPTIONAL { ?axiom biolink:knowledge_level ?level }
  OPTIONAL { ?axiom biolink:agent_type ?agent }
  OPTIONAL { ?axiom xo:evidenceType ?evidence }
  OPTIONAL { ?axiom xo:supportingText ?quote }
  OPTIONAL { ?axiom xo:modality/rdfs:label ?modality }
  OPTIONAL { ?axiom xo:hedge ?hedge }
  OPTIONAL { ?p rdfs:subPropertyOf* ?ro FILTER(STRSTARTS(STR(?ro), STR(obo:RO_))) }
}
"""
_IDENTIFIERS = """
SELECT ?source ?id WHERE {
  { ?source dcterms:identifier ?id } UNION { ?source xo:primarySource/dcterms:identifier ?id }
}
"""
_TYPES = "SELECT ?x ?class WHERE { ?x a ?class FILTER(isIRI(?class)) }"
_PARENTS = "SELECT ?c ?d WHERE { ?c rdfs:subClassOf ?d FILTER(isIRI(?d)) }"
_XREFS = """
SELECT ?x ?ref WHERE {
  { ?x skos:exactMatch ?ref FILTER(isIRI(?ref)) }
  UNION { ?x xo:uniprotAccession ?acc BIND(IRI(CONCAT(STR(uniprot:), ?acc)) AS ?ref) }
  UNION { ?x xo:cellosaurusId ?acc BIND(IRI(CONCAT(STR(cellosaurus:), ?acc)) AS ?ref) }
}
"""


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _tsv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _records(kg: KnowledgeGraph, sparql: str) -> list[dict[str, object]]:
    return [dict(r) for r in kg.query(sparql, check="ignore").records()]


def _category(iri: str, types: Mapping[str, set[str]], parents: Mapping[str, set[str]]) -> str:
    """Return the Biolink category of the most specific mapped class of ``iri``."""
    best: tuple[int, str] | None = None
    for cls in types.get(iri, ()):
        depth, frontier, seen = 0, {cls}, set()
        while frontier:
            for found in sorted(frontier):
                mapped = CATEGORIES.get(compress(found))
                if mapped and (best is None or depth < best[0]):
                    best = (depth, mapped)
            seen |= frontier
            frontier = {p for c in frontier for p in parents.get(c, ())} - seen
            depth += 1
    return best[1] if best else _NAMED_THING


def kgx_tables(kg: KnowledgeGraph) -> dict[str, bytes]:
    """Return ``{"nodes.tsv": …, "edges.tsv": …}`` for the asserted graph."""
    identifiers: dict[str, set[str]] = {}
    for r in _records(kg, _IDENTIFIERS):
        identifiers.setdefault(str(r["source"]), set()).add(str(r["id"]))
    edges: set[tuple[str, ...]] = set()
    endpoints: set[str] = set()
    for r in _records(kg, _EDGES):
        subject, obj, prop = str(r["s"]), str(r["o"]), compress(str(r["p"]))
        ro = compress(str(r["ro"])) if r["ro"] is not None else ""
        predicate = PREDICATES.get(ro, _RELATED_TO)
        direction, mechanism = _QUALIFIED.get(ro, ("", ""))
        source = str(r["source"])
        evidence = compress(str(r["evidence"])) if r["evidence"] is not None else ""
        endpoints |= {subject, obj}
        edges.add(
            (compress(subject), predicate, compress(obj), prop, compress(source),
             "|".join(sorted(identifiers.get(source, ()))), _text(r["level"]), _text(r["agent"]),
             evidence, _text(r["quote"]), _text(r["modality"]), _text(r["hedge"]), direction,
             mechanism)
        )  # fmt: skip
    # A property under several RO terms gives one row per term: keep the mapped one.
    by_statement: dict[tuple[str, ...], tuple[str, ...]] = {}
    for edge in sorted(edges, key=lambda e: (e[1] == _RELATED_TO, e)):
        key = (edge[0], edge[2], edge[3], *edge[4:12])
        by_statement.setdefault(key, edge)
    types: dict[str, set[str]] = {}
    for r in _records(kg, _TYPES):
        types.setdefault(str(r["x"]), set()).add(str(r["class"]))
    parents: dict[str, set[str]] = {}
    for r in _records(kg, _PARENTS):
        parents.setdefault(str(r["c"]), set()).add(str(r["d"]))
    xrefs: dict[str, set[str]] = {}
    for r in _records(kg, _XREFS):
        xrefs.setdefault(str(r["x"]), set()).add(compress(str(r["ref"])))
    nodes = []
    for iri in sorted(endpoints):
        label = kg.label(URIRef(iri))
        nodes.append(
            (compress(iri), _category(iri, types, parents), _text(label) if label != iri else "",
             "|".join(sorted(xrefs.get(iri, ()))), iri)
        )  # fmt: skip
    return {
        "nodes.tsv": _tsv(NODE_COLUMNS, sorted(nodes)),
        "edges.tsv": _tsv(EDGE_COLUMNS, sorted(by_statement.values())),
    }
