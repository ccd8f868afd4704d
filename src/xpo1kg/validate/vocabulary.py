"""The closed vocabulary: data may use only the ``xo:`` properties and classes the ontology defines.

SHACL sees a misspelt property (``xo:hasCelLine``) as just another property, and a misspelt class
(``a xo:IC50Measurment``) as a node no shape targets: the data conforms and the fact is lost. This
check reports, as violations merged into the :class:`ValidationReport` of either engine:

* a property in the ``xo:`` namespace that the ontology does not define as a property;
* a term of the ``xr:`` namespace (individuals) used as a property, or as a class;
* a class (object of ``rdf:type``) in the ``xo:`` namespace that the ontology does not define;
* any other ``xo:`` IRI that the ontology does not define.

Each names the term, the file and the line of its first use (found in the file's text), and the
closest defined terms (``xo:hasCelLine`` → ``xo:hasCellLine``; ``xr:hasCellLine`` as a property →
``xo:hasCellLine``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from xpo1kg.query.checks import closest
from xpo1kg.rdf.loading import RDFSource, display_name
from xpo1kg.rdf.namespaces import PREFIXES, XO, XR, compress
from xpo1kg.validate.pyshacl_engine import ValidationReport, ValidationResult, _ontology

__all__ = [
    "CLOSED_VOCABULARY",
    "DefinedTerms",
    "check_vocabulary",
    "merge",
    "store_vocabulary_results",
    "vocabulary_results",
]

#: The constraint component named in the results of this check.
CLOSED_VOCABULARY = "xpo1kg:ClosedVocabulary"
_CLASS_TYPES = {OWL.Class, RDFS.Class, RDFS.Datatype}


@dataclass(frozen=True)
class DefinedTerms:
    """The ``xo:`` terms an ontology defines, by kind."""

    properties: frozenset[str]
    classes: frozenset[str]
    everything: frozenset[str]

    @classmethod
    def of(cls, ontology: Graph) -> DefinedTerms:
        """Collect the definitions (``rdf:type`` statements about ``xo:`` IRIs) of an ontology."""
        properties: set[str] = set()
        classes: set[str] = set()
        everything: set[str] = set()
        for subject, kind in ontology.subject_objects(RDF.type):
            iri = str(subject)
            if not iri.startswith(str(XO)):
                continue
            everything.add(iri)
            if kind in _CLASS_TYPES:
                classes.add(iri)
            elif str(kind).endswith("Property"):
                properties.add(iri)
        return cls(frozenset(properties), frozenset(classes), frozenset(everything))


@cache
def _bundled_terms() -> DefinedTerms:
    return DefinedTerms.of(_ontology())


@dataclass(frozen=True, order=True)
class _Misuse:
    term: str
    role: str  # "property", "class" or "term"
    subject: str


def _distinct(data: Graph) -> tuple[set[Node], set[Node], set[Node]]:
    """Return the distinct subjects, predicates and objects of a graph."""
    store = data.store
    if type(store) is Memory and len(store) == len(data):
        # The graph is the whole store: its indexes are keyed by each position (no triple scan).
        return (
            set(store._Memory__spo),  # type: ignore[attr-defined]
            set(store._Memory__pos),  # type: ignore[attr-defined]
            set(store._Memory__osp),  # type: ignore[attr-defined]
        )
    subjects: set[Node] = set()
    predicates: set[Node] = set()
    objects: set[Node] = set()
    for subject, predicate, value in data:
        subjects.add(subject)
        predicates.add(predicate)
        objects.add(value)
    return subjects, predicates, objects


def _misuses(data: Graph, defined: DefinedTerms) -> Iterator[_Misuse]:
    """Yield each misused term once per role, with one (the first, sorted) subject using it."""
    xo, xr = str(XO), str(XR)
    subjects, predicates, objects = _distinct(data)

    def first_subject(predicate: Node | None, value: Node | None) -> str:
        return min(str(s) for s in data.subjects(predicate, value))

    for predicate in sorted(str(p) for p in predicates if isinstance(p, URIRef)):
        if (predicate.startswith(xo) and predicate not in defined.properties) or (
            predicate.startswith(xr)
        ):
            yield _Misuse(predicate, "property", first_subject(URIRef(predicate), None))
    classes = sorted(
        str(c)
        for c in set(data.objects(None, RDF.type))
        if isinstance(c, URIRef)
        and ((str(c).startswith(xo) and str(c) not in defined.classes) or str(c).startswith(xr))
    )
    for iri in classes:
        yield _Misuse(iri, "class", first_subject(RDF.type, URIRef(iri)))
    for node in sorted(subjects | objects, key=str):
        iri = str(node)
        if (
            isinstance(node, URIRef)
            and iri.startswith(xo)
            and iri not in defined.everything
            and iri not in classes
        ):
            subject = iri if node in subjects else first_subject(None, node)
            yield _Misuse(iri, "term", subject)


def _message(misuse: _Misuse, defined: DefinedTerms) -> str:
    term, namespace = misuse.term, str(XO) if misuse.term.startswith(str(XO)) else str(XR)
    local = term[len(namespace) :]
    pool = {
        "property": defined.properties,
        "class": defined.classes,
        "term": defined.everything,
    }[misuse.role]
    names = {iri[len(str(XO)) :]: iri for iri in pool}
    suggestions = [compress(names[n]) for n in closest(local, names)]
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
    if namespace == str(XR):
        why = f"{compress(term)} names a resource (xr:), not a {misuse.role}"
    else:
        what = {"property": "property", "class": "class", "term": "term"}[misuse.role]
        why = f"unknown {what} {compress(term)} (the ontology does not define it)"
    return why + hint


def vocabulary_results(
    data: Graph, sources: Sequence[RDFSource] = (), defined: DefinedTerms | None = None
) -> list[ValidationResult]:
    """Return a violation per term of the data outside the ontology's vocabulary.

    ``sources`` are the files ``data`` was read from: each violation names the first file and
    line where the term is written (its CURIE with the file's prefix, or its full IRI).
    """
    defined = _bundled_terms() if defined is None else defined
    texts = [(display_name(s), _text(s)) for s in sources]
    results = []
    for misuse in _misuses(data, defined):
        file, line = _first_use(misuse.term, texts)
        results.append(
            ValidationResult(
                focus_node=misuse.subject,
                focus_label=compress(misuse.subject),
                path=misuse.term if misuse.role == "property" else None,
                value=None,
                message=_message(misuse, defined),
                severity="sh:Violation",
                constraint_component=CLOSED_VOCABULARY,
                source_shape=str(XO)[:-1],  # the ontology defines the vocabulary
                source_file=file,
                source_line=line,
            )
        )
    return results


def _text(source: RDFSource) -> str:
    try:
        return source.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


_PREFIX = re.compile(
    r"""(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>|xmlns:([\w.-]+)=["']([^"']*)["']"""
)


def _spellings(iri: str, text: str) -> list[str]:
    """Return how ``iri`` may be written in a file: full, and with each prefix the file declares."""
    spellings = [f"<{iri}>", f'"{iri}"']
    for found in _PREFIX.finditer(text):
        prefix, namespace = (
            (found.group(1), found.group(2))
            if found.group(2) is not None
            else (
                found.group(3),
                found.group(4),
            )
        )
        if namespace and iri.startswith(namespace) and len(iri) > len(namespace):
            spellings.append(f"{prefix}:{iri[len(namespace) :]}")
    return spellings


def _first_use(iri: str, texts: Iterable[tuple[str, str]]) -> tuple[str | None, int | None]:
    """Return the file and line where ``iri`` is first written (outside comments), if found.

    This only points at the place to fix: what the term is was decided on the parsed graph.
    """
    for name, text in texts:
        patterns = [
            re.compile(r"(?<![\w:.-])" + re.escape(s) + r"(?![\w-]|\.[\w-])")
            for s in _spellings(iri, text)
        ]
        for number, line in enumerate(text.splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue
            if any(p.search(line) for p in patterns):
                return name, number
    return None, None


def merge(report: ValidationReport, results: Iterable[ValidationResult]) -> ValidationReport:
    """Return ``report`` with more violations (sorted in with the others)."""
    extra = list(results)
    if not extra:
        return report
    ordered = sorted([*report.results, *extra], key=_order)
    return replace(report, conforms=False, results=tuple(ordered))


def _order(result: ValidationResult) -> tuple[str, ...]:
    return (
        result.focus_node,
        result.path or "",
        result.value or "",
        result.message,
        result.constraint_component,
    )


def check_vocabulary(
    report: ValidationReport, data: Graph, sources: Sequence[RDFSource]
) -> ValidationReport:
    """Add the closed-vocabulary violations of ``data`` (read from ``sources``) to a report."""
    return merge(report, vocabulary_results(data, sources))


_STORE_QUERY = """
SELECT ?g ?role ?term (MIN(STR(?s)) AS ?subject) WHERE {
  GRAPH ?g { ?s ?p ?o }
  BIND(IF(?p = rdf:type, "class", "property") AS ?role)
  BIND(IF(?p = rdf:type, ?o, ?p) AS ?term)
  FILTER(isIRI(?term) && (STRSTARTS(STR(?term), STR(xo:)) || STRSTARTS(STR(?term), STR(xr:))))
}
GROUP BY ?g ?role ?term
ORDER BY ?g ?role ?term
"""


def store_vocabulary_results(
    store: ox.Store, skip_graphs: Iterable[str] = (), defined: DefinedTerms | None = None
) -> list[ValidationResult]:
    """Return the closed-vocabulary violations of a store's named graphs (properties and classes).

    A store keeps no file text, so each violation names the graph (the file it was loaded from,
    see ``xpo1kg graphs``) instead of a file and line. ``skip_graphs`` (the ontology's) are not read.
    """
    defined = _bundled_terms() if defined is None else defined
    skipped = set(skip_graphs)
    solutions = store.query(_STORE_QUERY, prefixes=PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    results = []
    for row in solutions:
        graph, role, term, subject = (
            str(getattr(row[n], "value", "")) for n in ("g", "role", "term", "subject")
        )
        if graph in skipped:
            continue
        pool = defined.properties if role == "property" else defined.classes
        if term.startswith(str(XO)) and term in pool:
            continue
        misuse = _Misuse(term, role, subject)
        results.append(
            ValidationResult(
                focus_node=subject,
                focus_label=compress(subject),
                path=term if role == "property" else None,
                value=None,
                message=_message(misuse, defined),
                severity="sh:Violation",
                constraint_component=CLOSED_VOCABULARY,
                source_shape=str(XO)[:-1],
                source_file=graph,
            )
        )
    return results
