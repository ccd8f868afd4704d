"""Fast SHACL validation: the shapes compiled to SPARQL and run by Oxigraph, pyshacl's results.

``validate_fast(graph)`` gives the same :class:`~xpo1kg.validate.pyshacl_engine.ValidationReport` as
:func:`xpo1kg.validate.pyshacl_engine.validate_graph` (same focus nodes, paths, values, constraint components,
severities and messages), several times faster on large graphs. For incremental validation keep a
store, add new data with :func:`~xpo1kg.validate.lossless_loading.add_graph`, and validate only the
:func:`~xpo1kg.validate.store_validation.neighbourhood` of what was added::

    store = to_store(graph, ontology)
    added = add_graph(store, new_measurements)
    report = validate_store(store, focus=neighbourhood(store, added))

Stores must be filled through :mod:`xpo1kg.validate.lossless_loading` (``add_graph`` or
``to_store``): Oxigraph's own loaders normalise literals and rename blank nodes. The constraints
run in :mod:`xpo1kg.validate.store_validation`; the SHACL subset compiled is described in
:mod:`xpo1kg.validate.compiler`.

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
from collections.abc import Callable, Sequence
from dataclasses import replace

import pyoxigraph as ox
from rdflib import Graph, URIRef

from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.compiled import (
    CompiledConstraint,
    CompiledShapes,
    UnsupportedShapeError,
)
from xpo1kg.validate.compiler import split_shapes
from xpo1kg.validate.lossless_loading import add_graph, to_store
from xpo1kg.validate.pyshacl_engine import ValidationReport, _ontology, validate_graph
from xpo1kg.validate.store_validation import bundled_constraints, constraint_results, report_of

__all__ = [
    "CompiledConstraint",
    "FallbackWarning",
    "UnsupportedShapeError",
    "fallback_note",
    "fallback_reasons",
    "merge_reports",
    "validate_fast",
]


class FallbackWarning(UserWarning):
    """Some shapes use SHACL the fast engine does not compile: pyshacl validated those shapes."""


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


#: IRIs that pyshacl takes as they are in ``use_shapes`` and ``focus_nodes`` (others are CURIEs).
_PYSHACL_IRI = re.compile(r"^(?:https?|urn|file):", re.IGNORECASE)


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
        compiled = CompiledShapes(bundled_constraints(), ())
    else:
        compiled = split_shapes(shapes, messages_required=False)
    if isinstance(data, ox.Store):
        if ontology is not None:
            add_graph(data, ontology, to_graph=ox.NamedNode("urn:x-fastshacl:ontology"))
        pairs = constraint_results(data, None, None, compiled.constraints)
        graph = rdflib_data
    else:
        ontology = _ontology() if ontology is None else ontology
        store = to_store(data, ontology)
        pairs = constraint_results(store, None, (data, ontology), compiled.constraints)
        graph = (lambda: data) if rdflib_data is None else rdflib_data
    # The shapes with a constraint without sh:message, and all their constraints.
    unworded: dict[str, list[CompiledConstraint]] = {}
    for constraint in compiled.constraints:
        if not constraint.worded:
            unworded[constraint.root] = []
    for constraint in compiled.constraints:
        if constraint.root in unworded:
            unworded[constraint.root].append(constraint)
    report = report_of([result for c, result in pairs if c.root not in unworded])
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


def merge_reports(
    first: ValidationReport, second: ValidationReport, *, fallback: tuple[str, ...] = ()
) -> ValidationReport:
    """Merge two reports on the same data, sorted; conforms if no result is a violation.

    A result of ``first`` that ``second`` also has is kept once. Each report keeps its own
    repeated results: pyshacl reports ``"1"`` and ``"1"^^xsd:integer`` as two results whose text
    is the same.
    """
    seen = set(second.results)
    merged = report_of([*second.results, *(r for r in first.results if r not in seen)])
    return replace(merged, fallback=fallback or first.fallback or second.fallback)
