"""The compiled SHACL constraints run as SPARQL on an Oxigraph store, and the report they make.

:func:`validate_store` validates a store filled by
:func:`~xpo1kg.validate.lossless_loading.add_graph` against the bundled shapes (or given
constraints), in full or on focus nodes only; :func:`neighbourhood` says which focus nodes an
addition of triples can affect. The queries are made by :mod:`xpo1kg.validate.compiler`;
:func:`xpo1kg.validate.fast_engine.validate_fast` is the entry point that also lets pyshacl do
what they cannot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDFS

from xpo1kg.rdf.graphs import NOT_ASSERTED
from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.compiled import CompiledConstraint, expand
from xpo1kg.validate.compiler import compile_shapes
from xpo1kg.validate.pyshacl_engine import ValidationReport, ValidationResult, _shapes
from xpo1kg.validate.sparql_terms import SKOLEM

__all__ = [
    "bundled_constraints",
    "constraint_results",
    "neighbourhood",
    "report_of",
    "validate_store",
]

_PASSING = ("sh:Warning", "sh:Info")  # allow_warnings and allow_infos, as validate_graph asks


@cache
def bundled_constraints() -> tuple[CompiledConstraint, ...]:
    """Return the bundled shapes' constraints, compiled once per process."""
    return tuple(compile_shapes(_shapes()))


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    value = term.value
    if isinstance(term, ox.NamedNode) and value.startswith(SKOLEM):
        return value[len(SKOLEM) :]
    return value


def _sparql_node(node: str) -> str:
    """Name a focus node in a query: an IRI, or (no colon) an rdflib blank node identifier."""
    return f"<{node}>" if ":" in node else f"<{SKOLEM}{node}>"


#: What a query may name as a focus node (an IRI or a blank node identifier, not a literal's text).
_NAMEABLE = re.compile(r"^[^\s<>\"{}|^`\\]+$")


def _values(nodes: Iterable[str]) -> str:
    return "VALUES ?this { " + " ".join(_sparql_node(n) for n in sorted(set(nodes))) + " }\n"


def _rows(store: ox.Store, query: str) -> Iterator[dict[str, str]]:
    # Every graph of the store is validated, except the reasoner's inferred graph and the store's
    # meta graph, which are not data (pyshacl sees only the asserted graphs too).
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += [g for g in store.named_graphs() if g.value not in NOT_ASSERTED]
    solutions = store.query(query, default_graph=graphs)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: _text(solution[name]) for name in names if solution[name] is not None}


def _message(constraint: CompiledConstraint, row: dict[str, str]) -> str:
    message = constraint.message
    if constraint.component == "sh:SPARQLConstraintComponent" and "{" in message:
        for name, value in row.items():
            message = message.replace(f"{{?{name}}}", value).replace(f"{{${name}}}", value)
    return message


def _labels(
    store: ox.Store, nodes: set[str], labels_from: Sequence[Graph] | None
) -> dict[str, str]:
    """Return one rdfs:label per node, as validate_graph finds it (first graph first)."""
    found: dict[str, str] = {}
    if labels_from is not None:
        for node in nodes:
            term = URIRef(node) if ":" in node else BNode(node)
            label = next(
                (g.value(term, RDFS.label) for g in labels_from if (term, RDFS.label, None) in g),
                None,
            )
            if label is not None:
                found[node] = str(label)
    elif nodes := {n for n in nodes if _NAMEABLE.match(n)}:
        query = f"SELECT ?this ?label WHERE {{ {_values(nodes)} ?this <{RDFS.label}> ?label }}"
        for row in _rows(store, query):
            found.setdefault(row["this"], row["label"])
    return found


def _subclasses(store: ox.Store, classes: set[str]) -> dict[str, set[str]]:
    """Return each class's rdfs:subClassOf* closure in the store (the class itself included)."""
    closures: dict[str, set[str]] = {c: {c} for c in classes}
    if classes:
        values = " ".join(f"<{c}>" for c in sorted(classes))
        query = f"SELECT ?this ?value WHERE {{ VALUES ?this {{ {values} }} ?value <{RDFS.subClassOf}>* ?this }}"
        for row in _rows(store, query):
            closures[row["this"]].add(row["value"])
    return closures


def _plan(
    store: ox.Store, constraints: Sequence[CompiledConstraint], closures: dict[str, set[str]]
) -> dict[CompiledConstraint, bool]:
    """Decide, per query with a choice, whether to start from its targets or its predicate's triples.

    Starting from the triples and checking the targets of the (few) violating ones wins when the
    targets are about as many as the triples, as for the measurements; few targets among many
    triples (cell lines among everything with an rdfs:label) are better looked at one by one.
    """
    counts: dict[str, int] = {}

    def count(pattern: str) -> int:
        if pattern not in counts:
            query = f"SELECT (COUNT(*) AS ?value) WHERE {{ {expand(pattern, closures)} }}"
            counts[pattern] = int(next(_rows(store, query))["value"])
        return counts[pattern]

    return {
        c: 4 * count(c.targets) < count(f"?this <{c.scan}> ?value") for c in constraints if c.scan
    }


def _targets_among(
    store: ox.Store,
    constraints: Sequence[CompiledConstraint],
    closures: dict[str, set[str]],
    nodes: set[str],
) -> dict[str, set[str]]:
    """Return, per target pattern, which of ``nodes`` it selects."""
    found: dict[str, set[str]] = {}
    for pattern in {c.targets for c in constraints}:
        # (FILTER EXISTS: joining the VALUES with the pattern makes Oxigraph scan every target.)
        query = f"SELECT ?this WHERE {{ {_values(nodes)} FILTER EXISTS {{ {expand(pattern, closures)} }} }}"
        found[pattern] = {row["this"] for row in _rows(store, query)}
    return found


#: Above one focus node per this many triples of the store, validate_store validates everything
#: and keeps the focus nodes' results (a measurement is about 11 triples).
_TRIPLES_PER_FOCUS_NODE = 20


def validate_store(
    store: ox.Store,
    *,
    focus: Iterable[str] | None = None,
    labels_from: Sequence[Graph] | None = None,
    constraints: Sequence[CompiledConstraint] | None = None,
) -> ValidationReport:
    """Validate a store (every graph in it) against the bundled shapes, or ``constraints``.

    ``focus`` restricts validation to those focus nodes (IRIs, or rdflib blank node identifiers):
    the results are those of a full validation whose focus node is in ``focus``. Labels come from
    ``labels_from`` when given (the rdflib graphs the store was loaded from), else from the store.
    """
    return report_of(
        result for _, result in constraint_results(store, focus, labels_from, constraints)
    )


def constraint_results(
    store: ox.Store,
    focus: Iterable[str] | None,
    labels_from: Sequence[Graph] | None,
    constraints: Sequence[CompiledConstraint] | None,
) -> list[tuple[CompiledConstraint, ValidationResult]]:
    """Return each result of validate_store with the constraint that found it."""
    constraints = bundled_constraints() if constraints is None else constraints
    nodes = None if focus is None else set(focus)
    if nodes is not None and len(nodes) * _TRIPLES_PER_FOCUS_NODE > len(store):
        # Most of the store is in focus (a big first ingest): one pass over everything, then the
        # focus nodes' results, beats naming 100,000 nodes in every query (16.5 s against 80-95 s).
        everything = constraint_results(store, None, labels_from, constraints)
        return [(c, result) for c, result in everything if result.focus_node in nodes]
    closures = _subclasses(store, set().union(*(c.classes() for c in constraints)))
    queries: list[tuple[CompiledConstraint, str]] = []
    if nodes is None:
        by_targets = _plan(store, constraints, closures)
        queries = [
            (c, c.query("", closures, by_targets=by_targets.get(c, True))) for c in constraints
        ]
    elif nodes:
        # Run each constraint on the focus nodes its shape targets, known in advance.
        targeted = _targets_among(store, constraints, closures, nodes)
        for c in constraints:
            if targeted[c.targets]:
                queries.append(
                    (c, c.query(_values(targeted[c.targets]), closures, known_targets=True))
                )
    raw = [(constraint, row) for constraint, query in queries for row in _rows(store, query)]
    # (A literal focus node, from sh:targetObjectsOf, has no label and no place in a query.)
    labels = _labels(store, {row["this"] for _, row in raw}, labels_from)
    results = []
    for constraint, row in raw:
        focus_node = row["this"]
        value = row.get("value", focus_node if constraint.value_is_focus else None)
        results.append(
            (
                constraint,
                ValidationResult(
                    focus_node=focus_node,
                    focus_label=labels.get(focus_node, compress(focus_node)),
                    path=row.get("path", constraint.path),
                    value=value,
                    message=_message(constraint, row),
                    severity=constraint.severity,
                    constraint_component=constraint.component,
                    source_shape=constraint.source_shape,
                ),
            )
        )
    return results


def _order(result: ValidationResult) -> tuple[str, ...]:
    """Sort like validate_graph, where it can: no path or value sorts first instead of failing."""
    return tuple("" if field is None else field for field in astuple(result))


def report_of(results: Iterable[ValidationResult]) -> ValidationReport:
    """Return the report of these results, sorted; conforms if none is a violation."""
    ordered = tuple(sorted(results, key=_order))
    return ValidationReport(conforms=all(r.severity in _PASSING for r in ordered), results=ordered)


def neighbourhood(store: ox.Store, new_subjects: Iterable[str]) -> set[str]:
    """Return the focus nodes whose results can change when triples about ``new_subjects`` are added.

    A node's results depend on (1) the triples it is the subject of (its types, hence its targets,
    and its property values), (2) the types of the nodes it points to (``sh:class``, also inside
    ``sh:or``), and (3), for the SHACL-SPARQL provenance rule, the owl:Axiom nodes annotating its
    statements. So the neighbourhood of the new subjects is: the subjects themselves (1); every
    node with a link to one of them (2), which includes the axioms annotating them (their
    ``owl:annotatedSource`` or ``owl:annotatedTarget`` is a new subject); and, for new subjects that
    are axioms, the ``owl:annotatedSource`` they annotate (3). Additions that change the class
    hierarchy (``rdfs:subClassOf``) can change every result: validate those in full.
    """
    subjects = set(new_subjects)
    if not subjects:
        return set()
    this, s = _values(subjects), _values(subjects).replace("?this", "?s")
    query = (
        f"SELECT DISTINCT ?this WHERE {{ {{ {this} }} UNION {{ {s} ?this ?p ?s }} "
        f"UNION {{ {s} ?s <{OWL.annotatedSource}> ?this }} }}"
    )
    return {row["this"] for row in _rows(store, query)}
