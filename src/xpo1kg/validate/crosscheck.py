"""Checks of new data against what the graph already knows (warnings, not violations).

When measurements or entities are added (``xpo1kg ingest``, ``xpo1kg validate FILE
--with-bundled``), :func:`check_new_data` reports:

* ``ic50-outlier``: a new IC50 more than 10× away from an existing IC50 of the same inhibitor on
  the same cell line (values compared in nM: molar units of UO are converted; no unit means nM);
* ``duplicate-measurement``: a new measurement with the same inhibitor, cell line, endpoint and
  value as an existing one that cites another source (the same number, reported twice?);
* ``identifier-match``: a new thing (cell line, inhibitor, protein...) whose identifier
  (Cellosaurus, UniProt, InChIKey, a ``skos:exactMatch`` to ChEMBL, PubChem, ChEBI..., a
  database cross-reference) is also the identifier of an existing thing under another IRI.

These are findings, not refusals: ``--strict`` turns them into errors. The checks are SPARQL
queries on an embedded Oxigraph copy of the graph with the new triples in a graph of their own.

>>> from rdflib import Graph
>>> from xpo1kg import load_graph
>>> new = Graph().parse(data='''
...   @prefix xo: <https://w3id.org/xpo1kg/ontology/> . @prefix xr: <https://w3id.org/xpo1kg/resource/> .
...   xr:MyA2780 a xo:CellLine ; xo:cellosaurusId "CVCL_0134" .''', format="turtle")
>>> [f.kind for f in check_new_data(load_graph(inferred=False), new)]
['identifier-match']
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox
from rdflib import Graph, URIRef

from xpo1kg.rdf.graphs import NOT_ASSERTED
from xpo1kg.rdf.loading import RDFSource, display_name, parse_into
from xpo1kg.rdf.namespaces import BAO, PREFIXES, bind_prefixes, compress

if TYPE_CHECKING:
    from xpo1kg.store.embedded import Store
    from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "NEW_GRAPH",
    "OUTLIER_FACTOR",
    "Finding",
    "FindingKind",
    "check_files",
    "check_new_data",
    "with_new_data",
]

FindingKind = Literal["ic50-outlier", "duplicate-measurement", "identifier-match"]
#: A new IC50 further than this factor from an existing one (same inhibitor, cell line) is reported.
OUTLIER_FACTOR = 10
#: The named graph that holds the new triples in the copy the checks query.
NEW_GRAPH = "urn:x-xpo1kg:new-data"
_OBO = PREFIXES["obo"]
#: nM per unit, for the molar units of UO (molar, millimolar, micromolar, nanomolar, picomolar).
_NANOMOLAR_PER_UNIT = {
    f"{_OBO}UO_00000{n}": 10.0**p for n, p in ((62, 9), (63, 6), (64, 3), (65, 0), (66, -3))
}
#: The IC50 endpoint (BAO), from the namespace the registry gives.
_IC50 = str(BAO.BAO_0000190)
_IDENTIFIERS = (
    "xo:cellosaurusId",
    "xo:uniprotAccession",
    "xo:inchiKey",
    "skos:exactMatch",
    "oboInOwl:hasDbXref",
)


@dataclass(frozen=True)
class Finding:
    """One thing the new data says that disagrees with, or repeats, what the graph knows."""

    kind: FindingKind
    message: str
    #: The new measurement or entity (an IRI).
    subject: str
    #: Where the subject came from, when known: a file, and a row (ingest) or line.
    file: str | None = None
    row: int | None = None

    def line(self) -> str:
        """Return the finding as one line: ``FILE:ROW: kind: message``."""
        where = ":".join(str(part) for part in (self.file, self.row) if part is not None)
        return f"{where + ': ' if where else ''}{self.kind}: {self.message}"

    def to_dict(self) -> dict[str, str | int | None]:
        """Return the finding as a JSON-ready dictionary."""
        return {
            "kind": self.kind,
            "message": self.message,
            "subject": self.subject,
            "file": self.file,
            "row": self.row,
        }


def _prologue() -> str:
    names = ("xo", "xr", "rdfs", "skos", "dcterms", "oboInOwl", "obo", "bao")
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in names if n in PREFIXES)


def _nanomolar(variable: str, unit: str) -> str:
    """Return a SPARQL expression: ``variable`` in nM given its ``unit`` (unbound: nM; other: unbound)."""
    expression = "1"  # no unit: the data's convention, nM
    for iri, factor in sorted(_NANOMOLAR_PER_UNIT.items()):
        expression = f"IF({unit} = <{iri}>, {factor!r}, {expression})"
    known = ", ".join(f"<{iri}>" for iri in sorted(_NANOMOLAR_PER_UNIT))
    return f"IF(!BOUND({unit}) || {unit} IN ({known}), {variable} * {expression}, ?unbound_)"


def _pairs(endpoint: str) -> str:
    """Return the graph pattern of a new and an existing measurement of one inhibitor on one cell line.

    The existing side is a subquery, matched in the graph's own graphs before the join. Left to
    Oxigraph's optimiser, it was matched in the new graph too and filtered after the join (100,000
    new IC50s: hours), or started from every IC50 of the graph (1,000 new ones in a 1.4M-triple
    store: 165 s; 0.5 s each now).
    """
    variable = endpoint if endpoint.startswith("?") else ""
    return f"""
  GRAPH <{NEW_GRAPH}> {{
    ?new xo:hasInhibitor ?inhibitor ; xo:hasCellLine ?cell ; xo:hasEndpoint {endpoint} ;
         xo:value ?new_raw .
    OPTIONAL {{ ?new xo:hasUnit ?new_unit }}
  }}
  {{ SELECT ?g ?old ?inhibitor ?cell {variable} ?old_raw ?old_unit WHERE {{
    GRAPH ?g {{
      ?old xo:hasInhibitor ?inhibitor ; xo:hasCellLine ?cell ; xo:hasEndpoint {endpoint} ;
           xo:value ?old_raw .
      OPTIONAL {{ ?old xo:hasUnit ?old_unit }}
    }}
    FILTER(?g != <{NEW_GRAPH}>)
    FILTER NOT EXISTS {{ GRAPH <{NEW_GRAPH}> {{ ?old ?p0 ?o0 }} }}
  }} }}
  FILTER(?old != ?new)
  BIND({_nanomolar("?new_raw", "?new_unit")} AS ?new_nm)
  BIND({_nanomolar("?old_raw", "?old_unit")} AS ?old_nm)
  FILTER(BOUND(?new_nm) && BOUND(?old_nm))
"""


def _outliers_query() -> str:
    return (
        _prologue()
        + "SELECT DISTINCT ?new ?old ?new_nm ?old_nm ?inhibitor ?cell WHERE {"
        + _pairs(f"<{_IC50}>")
        + f"  FILTER(?new_nm > {OUTLIER_FACTOR} * ?old_nm || ?old_nm > {OUTLIER_FACTOR} * ?new_nm)\n"
        + "}"
    )


def _duplicates_query() -> str:
    return (
        _prologue()
        + "SELECT DISTINCT ?new ?old ?new_nm ?inhibitor ?cell ?new_source ?old_source WHERE {"
        + _pairs("?endpoint")
        + "  FILTER(ABS(?new_nm - ?old_nm) <= 1e-9 * ABS(?old_nm))\n"
        + f"  GRAPH <{NEW_GRAPH}> {{ ?new dcterms:source ?new_source }}\n"
        + "  GRAPH ?g { ?old dcterms:source ?old_source }\n"
        + "  FILTER NOT EXISTS { GRAPH ?g2 { ?old dcterms:source ?new_source } "
        + f"FILTER(?g2 != <{NEW_GRAPH}>) }}\n"
        + "}"
    )


def _identifiers_query() -> str:
    values = " ".join(_IDENTIFIERS)
    return (
        _prologue()
        + f"""SELECT DISTINCT ?new ?old ?property ?id WHERE {{
  VALUES ?property {{ {values} }}
  GRAPH <{NEW_GRAPH}> {{ ?new ?property ?id }}
  GRAPH ?g {{ ?old ?property ?id }}
  FILTER(?g != <{NEW_GRAPH}> && ?old != ?new && isIRI(?new) && isIRI(?old))
}}"""
    )


def _text(term: object) -> str:
    return str(getattr(term, "value", term))


def _number(term: object) -> float:
    return float(_text(term))


def _nm(value: float) -> str:
    return f"{value:g} nM"


def with_new_data(kg: KnowledgeGraph, new: Graph | str, *, in_place: bool = False) -> ox.Store:
    """Return an embedded store with the graph's asserted triples and ``new`` in :data:`NEW_GRAPH`.

    The store is a copy, unless ``in_place``: then ``kg``'s own in-memory store is used, and
    changed (its inferred and meta graphs removed, :data:`NEW_GRAPH` replaced), which saves the
    copy's time when ``kg`` is thrown away afterwards (an ingest's view of a big store). Given the
    same ``new`` again, that store keeps what it holds (an ingest's validation and cross-checks
    add the same triples). A store on disk is always copied.
    """
    text = new.serialize(format="nt", encoding="utf-8") if isinstance(new, Graph) else new.encode()
    in_place = in_place and kg.store.path is None
    store = kg.store.oxigraph if in_place else ox.Store()
    if not in_place:
        store.load(kg.store.oxigraph.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    for graph in NOT_ASSERTED:
        store.remove_graph(ox.NamedNode(graph))
    digest = hashlib.sha256(text).hexdigest()
    if in_place and _HOLDS.get(kg.store) == digest:
        return store
    store.remove_graph(ox.NamedNode(NEW_GRAPH))
    store.load(text, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(NEW_GRAPH))
    if in_place:
        _HOLDS[kg.store] = digest
    return store


#: The digest of the new triples that each store changed in place holds in :data:`NEW_GRAPH`.
_HOLDS: weakref.WeakKeyDictionary[Store, str] = weakref.WeakKeyDictionary()


class _Copy:
    """The graph's asserted triples and the new ones, in one embedded store."""

    def __init__(self, kg: KnowledgeGraph, new: Graph | str, in_place: bool) -> None:
        self.store = with_new_data(kg, new, in_place=in_place)

    def select(self, sparql: str) -> list[dict[str, object]]:
        answer = self.store.query(sparql)
        assert isinstance(answer, ox.QuerySolutions)
        names = [v.value for v in answer.variables]
        return [dict(zip(names, solution, strict=True)) for solution in answer]

    def name(self, term: object) -> str:
        """Return the label of an IRI (any graph) with its CURIE, or the CURIE alone."""
        iri = _text(term)
        curie = compress(iri)
        label = ox.NamedNode(f"{PREFIXES['rdfs']}label")
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), label, None, None):
            return f"{_text(quad.object)} ({curie})"
        return curie


def check_new_data(
    kg: KnowledgeGraph,
    new_graph: Graph | str,
    *,
    origins: Mapping[str, tuple[str | None, int | None]] | None = None,
    in_place: bool = False,
) -> list[Finding]:
    """Check ``new_graph`` (the triples being added) against ``kg`` (what the graph knows).

    ``new_graph`` is an rdflib graph, or N-Triples text (no rdflib terms: what ``ingest`` has).
    ``in_place`` checks in ``kg``'s own in-memory store, which it changes (:func:`with_new_data`).

    ``origins`` maps a new subject's IRI to its file and row (or line), when known, so that each
    finding says where it came from. Returns the findings sorted by file, row, kind and subject.
    """
    copy = _Copy(kg, new_graph, in_place)
    found: set[Finding] = set()

    def add(kind: FindingKind, subject: object, message: str) -> None:
        iri = _text(subject)
        file, row = (origins or {}).get(iri, (None, None))
        found.add(Finding(kind, message, iri, file, row))

    for r in copy.select(_outliers_query()):
        new_nm, old_nm = _number(r["new_nm"]), _number(r["old_nm"])
        ratio = max(new_nm, old_nm) / min(new_nm, old_nm) if min(new_nm, old_nm) > 0 else 0.0
        times = f"{ratio:.0f}× {'above' if new_nm > old_nm else 'below'}" if ratio else "far from"
        add(
            "ic50-outlier",
            r["new"],
            # (The new measurement's label often says the inhibitor and cell line already.)
            f"{copy.name(r['new'])} is {_nm(new_nm)}, {times} the existing IC50 of "
            f"{copy.name(r['inhibitor'])} on {copy.name(r['cell'])}, {_nm(old_nm)} "
            f"({compress(_text(r['old']))}): more than {OUTLIER_FACTOR}× apart",
        )
    duplicates: dict[tuple[str, str], tuple[dict[str, object], set[str], set[str]]] = {}
    for r in copy.select(_duplicates_query()):
        key = (_text(r["new"]), _text(r["old"]))
        _, new_sources, old_sources = duplicates.setdefault(key, (r, set(), set()))
        new_sources.add(compress(_text(r["new_source"])))
        old_sources.add(compress(_text(r["old_source"])))
    for (_, old), (r, new_sources, old_sources) in sorted(duplicates.items()):
        add(
            "duplicate-measurement",
            r["new"],
            f"{copy.name(r['new'])} ({_nm(_number(r['new_nm']))} for {copy.name(r['inhibitor'])} "
            f"on {copy.name(r['cell'])}, source {', '.join(sorted(new_sources))}) repeats "
            f"{compress(old)} from another source ({', '.join(sorted(old_sources))}): the same "
            "result reported twice?",
        )
    for r in copy.select(_identifiers_query()):
        identifier = r["id"]
        shown = (
            compress(_text(identifier))
            if isinstance(identifier, ox.NamedNode)
            else (f'"{_text(identifier)}"')
        )
        add(
            "identifier-match",
            r["new"],
            f"{copy.name(r['new'])} has {compress(_text(r['property']))} {shown}, as the existing "
            f"{copy.name(r['old'])} does: the same thing under another name? (use the existing "
            "IRI, or fix the identifier)",
        )
    return sorted(found, key=lambda f: (f.file or "", f.row or 0, f.kind, f.subject, f.message))


def check_files(files: Iterable[RDFSource], kg: KnowledgeGraph | None = None) -> list[Finding]:
    """Check data files against ``kg`` (default: the bundled graph), each finding naming its file.

    This is what ``xpo1kg validate FILE... --with-bundled`` reports in its "new data" section.
    """
    new = bind_prefixes(Graph())
    origins: dict[str, tuple[str | None, int | None]] = {}
    for source in files:
        part = parse_into(bind_prefixes(Graph()), source)
        for subject in sorted({s for s in part.subjects() if isinstance(s, URIRef)}):
            origins.setdefault(str(subject), (display_name(source), None))
        new += part
    if kg is None:
        from xpo1kg.store.knowledge_graph import load_graph

        kg = load_graph(inferred=False)
    return check_new_data(kg, new, origins=origins)
