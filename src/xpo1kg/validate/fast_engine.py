"""Fast SHACL validation: the shapes compiled to SPARQL and run by Oxigraph, pyshacl's results.

``validate_fast(graph)`` gives the same :class:`~xpo1kg.validate.pyshacl_engine.ValidationReport` as
:func:`xpo1kg.validate.pyshacl_engine.validate_graph` (same focus nodes, paths, values, constraint components,
severities and messages), several times faster on large graphs. For incremental validation keep a
store, add new data with :func:`add_graph`, and validate only the :func:`neighbourhood` of what was
added::

    store = to_store(graph, ontology)
    added = add_graph(store, new_measurements)
    report = validate_store(store, focus=neighbourhood(store, added))

Stores must be filled through :func:`add_graph` (or :func:`to_store`): Oxigraph's own loaders
normalise literals (``"1.50"^^xsd:decimal`` becomes ``"1.5"``, ``xsd:positiveInteger`` becomes
``xsd:integer``) and rename blank nodes, which would change what ``sh:datatype`` sees and what the
results report. The SHACL subset compiled is described in :mod:`xpo1kg.validate.compiler`.

Other shapes (``validate_fast(data, shapes=graph)``) are compiled shape by shape: a targeted shape
that uses SHACL the compiler does not support is validated by pyshacl instead, over the same data
graph, and the two reports are merged (sorted, each result once). The report's ``fallback`` names
those shapes and why, and a :class:`FallbackWarning` says so once per validation: never a partial
result in silence. A shape without sh:message is compiled too: pyshacl words its default messages
for the focus nodes the queries found, and only those (see :func:`validate_fast`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import astuple, replace
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from json.encoder import encode_basestring
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, XSD
from rdflib.plugins.stores.memory import Memory

from xpo1kg.rdf.graphs import NOT_ASSERTED
from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.compiled import (
    CompiledConstraint,
    CompiledShapes,
    UnsupportedShapeError,
    expand,
)
from xpo1kg.validate.compiler import compile_shapes, split_shapes
from xpo1kg.validate.pyshacl_engine import (
    ValidationReport,
    ValidationResult,
    _ontology,
    _shapes,
    validate_graph,
)
from xpo1kg.validate.sparql_terms import ILL_TYPED, SKOLEM, TYPED

__all__ = [
    "CompiledConstraint",
    "FallbackWarning",
    "UnsupportedShapeError",
    "add_graph",
    "compile_shapes",
    "neighbourhood",
    "to_store",
    "validate_fast",
    "validate_store",
]

#: What pyshacl's sh:datatype check also asks of a well-formed literal's Python value.
_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}
_PASSING = ("sh:Warning", "sh:Info")  # allow_warnings and allow_infos, as validate_graph asks


class FallbackWarning(UserWarning):
    """Some shapes use SHACL the fast engine does not compile: pyshacl validated those shapes."""


@cache
def _bundled_constraints() -> tuple[CompiledConstraint, ...]:
    return tuple(compile_shapes(_shapes()))


def fallback_reasons(compiled: CompiledShapes) -> tuple[str, ...]:
    """Say, per refused shape, why the fast engine left it to pyshacl (sorted)."""
    return tuple(sorted(reason for _, reason in compiled.refused))


def fallback_note(reasons: Sequence[str]) -> str:
    """Return the one line that says which shapes pyshacl validated instead, and why."""
    count = len(reasons)
    shapes = f"{count} shape{'s' if count != 1 else ''}"
    return (
        f"the fast engine cannot compile {shapes}; pyshacl validated "
        f"{'it' if count == 1 else 'them'} instead: {'; '.join(reasons)}"
    )


# --- loading -------------------------------------------------------------------------------------


def _term(node: Any) -> str:
    """Encode one rdflib term as N-Triples, losslessly (see the module docstring).

    ``"".join`` rather than f-strings: twice as fast on rdflib's str subclasses.
    """
    kind = type(node)
    if kind is URIRef:
        return "".join(("<", node, ">"))  # noqa: FLY002
    if kind is Literal:
        text = encode_basestring(node)
        if node._language:
            return "".join((text, "@", node._language))  # noqa: FLY002
        datatype = node._datatype
        if datatype is None:
            return text
        expected = _PYTHON_TYPES.get(datatype)
        well_typed = not node._ill_typed and (expected is None or isinstance(node._value, expected))
        return "".join((text, "^^<", TYPED if well_typed else ILL_TYPED, datatype, ">"))
    if isinstance(node, BNode):
        return f"<{SKOLEM}{node}>"
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):  # a subclass: take the slow, general path
        return _term(Literal(str(node), lang=node.language, datatype=node.datatype))
    raise TypeError(f"cannot store {node!r}")


def _n_triples(graph: Graph) -> tuple[str, set[str]]:
    """Return ``graph`` as lossless N-Triples, and its subjects."""
    parts: list[str] = []
    add = parts.append
    store = graph.store
    if type(store) is Memory and len(store) == len(graph):
        # The graph is the whole store: read rdflib's subject index directly, encoding each
        # subject and predicate once instead of once per triple (several times faster).
        index: dict[Any, dict[Any, dict[Any, int]]] = store._Memory__spo  # type: ignore[attr-defined]
        for subject, predicates in index.items():
            encoded = _term(subject)
            for predicate, objects in predicates.items():
                head = "".join((encoded, " ", _term(predicate), " "))
                for obj in objects:
                    add(head)
                    add(_term(obj))
                    add(" .\n")
        return "".join(parts), {str(s) for s in index}
    subjects = set()
    for subject, predicate, obj in graph:
        subjects.add(subject)
        add(" ".join((_term(subject), _term(predicate), _term(obj), ".\n")))
    return "".join(parts), {str(s) for s in subjects}


def add_graph(store: ox.Store, graph: Graph, *, to_graph: ox.NamedNode | None = None) -> set[str]:
    """Add an rdflib graph to an Oxigraph store losslessly; return its subjects (as in results)."""
    text, subjects = _n_triples(graph)
    if to_graph is None:
        store.load(text.encode(), ox.RdfFormat.N_TRIPLES, lenient=True)
    else:
        store.load(text.encode(), ox.RdfFormat.N_TRIPLES, lenient=True, to_graph=to_graph)
    return subjects


def to_store(*graphs: Graph) -> ox.Store:
    """Return a new in-memory Oxigraph store holding ``graphs`` (see add_graph)."""
    store = ox.Store()
    for graph in graphs:
        add_graph(store, graph)
    return store


# --- validation ----------------------------------------------------------------------------------


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    value = term.value
    if isinstance(term, ox.NamedNode) and value.startswith(SKOLEM):
        return value[len(SKOLEM) :]
    return value


def _sparql_node(node: str) -> str:
    """Name a focus node in a query: an IRI, or (no colon) an rdflib blank node identifier."""
    return f"<{node}>" if ":" in node else f"<{SKOLEM}{node}>"


#: What a query may name as a focus node (an IRI or a blank node identifier, not a literal's text).
#: IRIs that pyshacl takes as they are in ``use_shapes`` and ``focus_nodes`` (others are CURIEs).
_PYSHACL_IRI = re.compile(r"^(?:https?|urn|file):", re.IGNORECASE)
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
    return _report(result for _, result in _results(store, focus, labels_from, constraints))


def _results(
    store: ox.Store,
    focus: Iterable[str] | None,
    labels_from: Sequence[Graph] | None,
    constraints: Sequence[CompiledConstraint] | None,
) -> list[tuple[CompiledConstraint, ValidationResult]]:
    """Return each result of validate_store with the constraint that found it."""
    constraints = _bundled_constraints() if constraints is None else constraints
    nodes = None if focus is None else set(focus)
    if nodes is not None and len(nodes) * _TRIPLES_PER_FOCUS_NODE > len(store):
        # Most of the store is in focus (a big first ingest): one pass over everything, then the
        # focus nodes' results, beats naming 100,000 nodes in every query (16.5 s against 80-95 s).
        everything = _results(store, None, labels_from, constraints)
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


def validate_fast(
    data: Graph | ox.Store,
    ontology: Graph | None = None,
    *,
    shapes: Graph | None = None,
    rdflib_data: Callable[[], Graph] | None = None,
) -> ValidationReport:
    """Validate like validate_graph: data plus ontology (the bundled one by default), fast.

    An rdflib graph is copied into a new in-memory store. A store is validated in place; an
    ``ontology`` given with a store is added to it (in the named graph ``urn:x-fastshacl:ontology``).

    ``shapes`` replaces the bundled shapes. pyshacl works on the same data (the rdflib graph, or
    for a store ``rdflib_data()``) in two cases, and the reports are merged:

    * a shape without sh:message: the queries find its violations, and pyshacl validates only the
      focus nodes found against only that shape, to word its default messages (no fallback);
    * a shape the compiler refuses, or one without sh:message whose violations include a blank
      node or literal focus node (pyshacl is given focus nodes by IRI): pyshacl validates it
      whole. The report's ``fallback`` says which shapes and why, as does a
      :class:`FallbackWarning` (once).
    """
    if shapes is None:
        compiled = CompiledShapes(_bundled_constraints(), ())
    else:
        compiled = split_shapes(shapes, messages_required=False)
    if isinstance(data, ox.Store):
        if ontology is not None:
            add_graph(data, ontology, to_graph=ox.NamedNode("urn:x-fastshacl:ontology"))
        pairs = _results(data, None, None, compiled.constraints)
        graph = rdflib_data
    else:
        ontology = _ontology() if ontology is None else ontology
        store = to_store(data, ontology)
        pairs = _results(store, None, (data, ontology), compiled.constraints)
        graph = (lambda: data) if rdflib_data is None else rdflib_data
    # The shapes with a constraint without sh:message, and all their constraints.
    unworded: dict[str, list[CompiledConstraint]] = {}
    for constraint in compiled.constraints:
        if not constraint.worded:
            unworded[constraint.root] = []
    for constraint in compiled.constraints:
        if constraint.root in unworded:
            unworded[constraint.root].append(constraint)
    report = _report([result for c, result in pairs if c.root not in unworded])
    to_word: dict[str, set[str]] = {}
    for constraint, result in pairs:
        if constraint.root in unworded:
            to_word.setdefault(constraint.root, set()).add(result.focus_node)
    whole = {
        root: f"{compress(root)}: {why}"
        for root, nodes in to_word.items()
        if (why := _not_wordable(root, nodes, unworded[root]))
    }
    if whole:
        refused = {URIRef(root) for root in whole}
        compiled = replace(
            compiled,
            refused=(*compiled.refused, *((URIRef(r), why) for r, why in whole.items())),
            compiled=compiled.compiled - refused,
        )
    if not compiled.refused and not to_word:
        return report
    if graph is None:
        raise UnsupportedShapeError("no rdflib graph to give pyshacl, which the shapes need")
    assert shapes is not None  # the bundled shapes always compile, each with its message
    if wording := sorted(set(to_word) - set(whole)):
        # One pyshacl run: only the shapes to word keep their targets, on only the focus nodes
        # found (a node that another of these shapes targets too gets that shape's results, which
        # are then its own results: had it violated that shape, it would be among these nodes).
        only = compiled.targeting(shapes, {URIRef(root) for root in wording})
        nodes = sorted({node for root in wording for node in to_word[root]})
        report = merge_reports(
            report, validate_graph(graph(), ontology, shapes=only, focus_nodes=nodes)
        )
    if not compiled.refused:
        return report
    reasons = fallback_reasons(compiled)
    warnings.warn(fallback_note(reasons), FallbackWarning, stacklevel=2)
    slow = validate_graph(graph(), ontology, shapes=compiled.fallback_graph(shapes))
    return merge_reports(report, slow, fallback=reasons)


_NESTED = {f"sh:{n}ConstraintComponent" for n in ("Node", "Not", "And", "Or", "Xone")}


def _not_wordable(root: str, nodes: set[str], constraints: list[CompiledConstraint]) -> str:
    """Say why pyshacl cannot word a shape's results on its focus nodes alone ("" if it can)."""
    literal_targets = any('"' in c.targets or "[] <" in c.targets for c in constraints)
    if literal_targets or not all(_PYSHACL_IRI.match(n) for n in [root, *nodes]):
        return "no sh:message, and a focus node pyshacl cannot be given by IRI"
    nested = sorted({c.component for c in constraints} & _NESTED)
    if nested:
        # pyshacl's focus_nodes also limit the nodes that nested shapes check: it would miss them.
        return (
            f"no sh:message on {nested[0]}, which pyshacl words only by validating the shape whole"
        )
    return ""


def _report(results: Iterable[ValidationResult]) -> ValidationReport:
    ordered = tuple(sorted(results, key=_order))
    return ValidationReport(conforms=all(r.severity in _PASSING for r in ordered), results=ordered)


def merge_reports(
    first: ValidationReport, second: ValidationReport, *, fallback: tuple[str, ...] = ()
) -> ValidationReport:
    """Merge two reports on the same data, sorted; conforms if no result is a violation.

    A result of ``first`` that ``second`` also has is kept once. Each report keeps its own
    repeated results: pyshacl reports ``"1"`` and ``"1"^^xsd:integer`` as two results whose text
    is the same.
    """
    seen = set(second.results)
    merged = _report([*second.results, *(r for r in first.results if r not in seen)])
    return replace(merged, fallback=fallback or first.fallback or second.fallback)


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
