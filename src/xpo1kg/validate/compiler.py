"""Compile SHACL shapes into SPARQL SELECT queries that give pyshacl's results.

Each :class:`CompiledConstraint` is one SELECT query with one row per validation result: ``?this``
(the focus node), ``?value`` when the constraint reports one, and ``?path`` for SHACL-SPARQL.
The queries expect data loaded by :func:`xpo1kg.validate.lossless_loading.add_graph`, which keeps what Oxigraph
would normalise away: blank nodes become ``urn:x-fastshacl:bnode:`` IRIs (keeping their rdflib
identifiers) and typed literals keep their lexical form under a ``urn:x-fastshacl:typed:`` (or
``ill-typed:``) datatype. Literals loaded natively are understood too.

Supported: sh:targetClass, sh:targetSubjectsOf, sh:targetObjectsOf, sh:targetNode (IRIs and
literals) and implicit class targets; property shapes with any SHACL property path (predicate,
sequence, inverse, alternative, zero-or-more, one-or-more, zero-or-one: run as a SPARQL property
path); min/max count, class, datatype (of XSD types), node kind, in, has value, pattern (and
flags), min/max length, the four range parameters with numeric bounds, lessThan(OrEquals), sh:or, sh:xone, sh:and, sh:not and sh:node over shapes built
from these, and sh:sparql SELECT constraints. Every constraint needs exactly one sh:message, or
none (see :func:`split_shapes`: pyshacl then words the messages). Anything else raises
:class:`UnsupportedShapeError`: never a partial result. :func:`split_shapes` compiles what it can,
shape by shape, and names the shapes (with why) left to pyshacl. Comparisons follow rdflib's
literal ordering, as pyshacl does (see :func:`~xpo1kg.validate.sparql_terms.in_range`).

This module walks the shapes from their targets and writes one query per constraint;
:mod:`.shape_reading` reads a shape's parameters, and :mod:`.constraint_expressions` writes the
FILTER expression of each constraint component.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.compiled import (
    ALL_TARGET_PARAMETERS,
    CHECK,
    FOCUS,
    TARGET,
    CompiledConstraint,
    CompiledShapes,
    UnsupportedShapeError,
)
from xpo1kg.validate.constraint_expressions import same_term, violates
from xpo1kg.validate.paths import path_text
from xpo1kg.validate.shape_reading import (
    COUNT_PARAMS,
    PAIR_PARAMS,
    VALUE_PARAMS,
    check_parameters,
    count_value,
    is_active,
    one_value,
    parameter_values,
    shape_name,
    shape_path,
    sparql_path,
)
from xpo1kg.validate.sparql_constraint import select_template
from xpo1kg.validate.sparql_terms import bad_pair, iri, stored_term

__all__ = ["compile_shapes", "split_shapes"]


def compile_shapes(shapes: Graph) -> list[CompiledConstraint]:
    """Compile every targeted shape of ``shapes``; raise UnsupportedShapeError on unknown SHACL."""
    compiled = split_shapes(shapes)
    if compiled.refused:
        raise UnsupportedShapeError(compiled.refused[0][1])
    return list(compiled.constraints)


def split_shapes(shapes: Graph, *, messages_required: bool = True) -> CompiledShapes:
    """Compile each targeted shape of ``shapes`` that the compiler supports, whole or not at all.

    ``messages_required=False`` also compiles the constraints of a shape without sh:message (an
    IRI: pyshacl's own default messages are then asked of pyshacl, for the focus nodes that the
    queries find in violation, see :func:`xpo1kg.validate.fast_engine.validate_fast`); their
    results have an empty message and ``worded`` false.
    """
    return _Compiler(shapes, messages_required=messages_required).split()


class _Compiler:
    def __init__(self, shapes: Graph, *, messages_required: bool = True) -> None:
        self.g = shapes
        self.counter = itertools.count()
        self.messages_required = messages_required

    def fresh(self) -> str:
        return f"?fs{next(self.counter)}"

    def result(
        self,
        shape: Node,
        component: str,
        path: Node | None,
        targets: str,
        query: str,
        *,
        value_is_focus: bool = False,
        message_from: Node | None = None,
        scan: URIRef | None = None,
        scan_sparql: str | None = None,
    ) -> CompiledConstraint:
        messages = {
            str(m)
            for n in (message_from, shape)
            if n is not None
            for m in self.g.objects(n, SH.message)
        }
        worded = bool(messages)
        if not messages and not self.messages_required:
            messages = {""}
        if len(messages) != 1:
            why = "no sh:message" if not messages else "several sh:message values"
            raise UnsupportedShapeError(
                f"{shape_name(self.g, shape)}: {why}; the fast engine reports exactly one"
            )
        return CompiledConstraint(
            sparql=query,
            targets=targets,
            source_shape=str(shape),
            path=path_text(self.g, path),
            component=f"sh:{component}ConstraintComponent",
            severity=compress(str(one_value(self.g, shape, SH.severity) or SH.Violation)),
            message=messages.pop(),
            value_is_focus=value_is_focus,
            scan=None if scan is None else str(scan),
            scan_sparql=scan_sparql,
            worded=worded,
        )

    # --- shapes ----------------------------------------------------------------------------

    def roots(self) -> list[Node]:
        """Return the shapes with targets (a superset of those pyshacl validates), sorted."""
        roots = {s for t in ALL_TARGET_PARAMETERS for s in self.g.subjects(t, None)}
        # Implicit class targets: a shape that is also a class (or an instance of a subclass of
        # rdfs:Class that the shapes graph declares, as pyshacl reads it).
        metaclasses = {RDFS.Class, *self.g.transitive_subjects(RDFS.subClassOf, RDFS.Class)}
        for metaclass in metaclasses:
            for s in self.g.subjects(RDF.type, metaclass):
                if any(str(p).startswith(str(SH)) for p in self.g.predicates(s)) or any(
                    (s, RDF.type, t) in self.g for t in (SH.NodeShape, SH.PropertyShape)
                ):
                    roots.add(s)
        return sorted(roots, key=str)

    def split(self) -> CompiledShapes:
        constraints: list[CompiledConstraint] = []
        refused: list[tuple[Node, str]] = []
        compiled: set[Node] = set()
        for root in self.roots():
            if not is_active(self.g, root):
                continue
            try:
                found = [replace(c, root=str(root)) for c in self.shape(root, self.targets(root))]
                if not isinstance(root, URIRef) and not all(c.worded for c in found):
                    # pyshacl can word the messages of a shape it is given by IRI only.
                    raise UnsupportedShapeError("no sh:message, and a blank node shape")
                constraints += found
            except UnsupportedShapeError as error:
                reason, name = str(error), shape_name(self.g, root)
                refused.append((root, reason if reason.startswith(name) else f"{name}: {reason}"))
            else:
                compiled.add(root)
        return CompiledShapes(tuple(constraints), tuple(refused), frozenset(compiled))

    def targets(self, shape: Node) -> str:
        check_parameters(self.g, shape)
        parts: list[str] = []
        for metaclass in self.g.objects(shape, RDF.type):
            if metaclass == RDFS.Class:
                parts.append(f"%%INSTANCE ?this {iri(shape)}%%")
            elif (metaclass, RDFS.subClassOf, None) in self.g and RDFS.Class in set(
                self.g.transitive_objects(metaclass, RDFS.subClassOf)
            ):
                raise UnsupportedShapeError(
                    f"{shape_name(self.g, shape)}: implicit class target through {compress(str(metaclass))}"
                )
        parts += [f"%%INSTANCE ?this {iri(c)}%%" for c in self.g.objects(shape, SH.targetClass)]
        parts += [f"?this {iri(p)} [] ." for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"[] {iri(p)} ?this ." for p in self.g.objects(shape, SH.targetObjectsOf)]
        nodes = list(self.g.objects(shape, SH.targetNode))
        if nodes:
            if not all(isinstance(n, (URIRef, Literal)) for n in nodes):
                raise UnsupportedShapeError(
                    f"{shape_name(self.g, shape)}: sh:targetNode a blank node"
                )
            terms = sorted(stored_term(n) for n in nodes)
            parts.append("VALUES ?this { " + " ".join(terms) + " }")
        if not parts:
            raise UnsupportedShapeError(
                f"{shape_name(self.g, shape)}: sh:target (SHACL-AF targets)"
            )
        return parts[0] if len(parts) == 1 else " UNION ".join(f"{{ {p} }}" for p in sorted(parts))

    def shape(self, shape: Node, targets: str) -> Iterator[CompiledConstraint]:
        check_parameters(self.g, shape)
        path = shape_path(self.g, shape)
        if path is not None:
            yield from self.property(shape, targets, path)
            return
        for param in sorted({*COUNT_PARAMS, *PAIR_PARAMS}):
            if (shape, param, None) in self.g:
                raise UnsupportedShapeError(
                    f"{shape_name(self.g, shape)}: {compress(str(param))} needs sh:path"
                )
        for param, value in parameter_values(self.g, shape, VALUE_PARAMS):
            bad = violates(self.g, shape, param, value, "?this", fresh=self.fresh)
            query = f"SELECT DISTINCT ?this WHERE {{ {FOCUS} {TARGET} FILTER({bad}) {CHECK} }}"
            yield self.result(shape, VALUE_PARAMS[param], None, targets, query, value_is_focus=True)
        for value in sorted(self.g.objects(shape, SH.hasValue), key=str):
            # pyshacl reports no value for sh:hasValue.
            query = f"SELECT DISTINCT ?this WHERE {{ {FOCUS} {TARGET} FILTER(!{same_term(value, '?this')}) {CHECK} }}"
            yield self.result(shape, "HasValue", None, targets, query)
        for child in sorted(self.g.objects(shape, SH.property), key=str):
            if is_active(self.g, child):
                yield from self.shape(child, targets)
        for constraint in sorted(self.g.objects(shape, SH.sparql), key=str):
            if is_active(self.g, constraint):
                yield self.sparql(shape, constraint, targets, None)

    def property(self, shape: Node, targets: str, path: Node) -> Iterator[CompiledConstraint]:
        if (shape, SH.property, None) in self.g:
            raise UnsupportedShapeError(
                f"{shape_name(self.g, shape)}: sh:property on a property shape"
            )
        p = sparql_path(self.g, shape, path)
        # Planning by the triples of a predicate (see CompiledConstraint.scan) needs an IRI path.
        predicate = path if isinstance(path, URIRef) else None
        for param, value in parameter_values(self.g, shape, COUNT_PARAMS):
            n = count_value(self.g, shape, param, value)
            scan_sparql = None
            if param == SH.minCount and n == 0:
                continue
            if param == SH.minCount and n == 1:
                where = f"{TARGET} FILTER NOT EXISTS {{ ?this {p} ?v }}"
                query = f"SELECT DISTINCT ?this WHERE {{ {FOCUS} {where} {CHECK} }}"
            elif param == SH.maxCount and n <= 1:
                pair = " FILTER(!sameTerm(?v, ?w))" if n else ""
                query = f"SELECT DISTINCT ?this WHERE {{ {FOCUS} {TARGET} ?this {p} ?v, ?w{pair} {CHECK} }}"
                # From the triples: one pass grouped by subject (at 100,000 measurements 0.17 s,
                # against 1.4 s for two lookups per target).
                many = f"SELECT ?this WHERE {{ ?this {p} ?v }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})"
                scan_sparql = f"SELECT ?this WHERE {{ {{ {many} }} {CHECK} }}"
            else:
                test, where = (
                    (">", f"?this {p} ?v")
                    if param == SH.maxCount
                    else ("<", f"OPTIONAL {{ ?this {p} ?v }}")
                )
                query = (
                    f"SELECT ?this WHERE {{ {FOCUS} {TARGET} {where} {CHECK} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {test} {n})"
                )
            scan = predicate if param == SH.maxCount else None
            yield self.result(
                shape,
                COUNT_PARAMS[param],
                path,
                targets,
                query,
                scan=scan,
                scan_sparql=scan_sparql if scan is not None else None,
            )
        for value in sorted(self.g.objects(shape, SH.hasValue), key=str):
            has = f"?this {p} ?v FILTER({same_term(value, '?v')})"
            query = f"SELECT DISTINCT ?this WHERE {{ {FOCUS} {TARGET} FILTER NOT EXISTS {{ {has} }} {CHECK} }}"
            yield self.result(shape, "HasValue", path, targets, query)
        for param, value in parameter_values(self.g, shape, VALUE_PARAMS):
            bad = violates(self.g, shape, param, value, "?value", fresh=self.fresh)
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} {TARGET} ?this {p} ?value FILTER({bad}) {CHECK} }}"
            # From the triples: test each distinct value once (values repeat: units, inhibitors...).
            values = f"{{ SELECT ?value WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ [] {p} ?value }} }} FILTER({bad}) }} }}"
            by_values = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {values} ?this {p} ?value {CHECK} }}"
            )
            yield self.result(
                shape,
                VALUE_PARAMS[param],
                path,
                targets,
                query,
                scan=predicate,
                scan_sparql=by_values if predicate is not None else None,
            )
        for param, other in parameter_values(self.g, shape, PAIR_PARAMS):
            bad = bad_pair(param, "?value", "?other")
            query = (
                f"SELECT DISTINCT ?this ?value ?other WHERE {{ {FOCUS} {TARGET} ?this {p} ?value . "
                f"?this {iri(other)} ?other FILTER({bad}) {CHECK} }}"
            )
            yield self.result(shape, PAIR_PARAMS[param], path, targets, query, scan=predicate)
        for constraint in sorted(self.g.objects(shape, SH.sparql), key=str):
            if is_active(self.g, constraint):
                yield self.sparql(shape, constraint, targets, path)

    def sparql(
        self, shape: Node, constraint: Node, targets: str, path: Node | None
    ) -> CompiledConstraint:
        """Rewrite a SHACL-SPARQL SELECT: ``$this`` bound by the targets, first in its WHERE."""
        select = one_value(self.g, constraint, SH.select)
        if select is None or (constraint, SH.ask, None) in self.g:
            raise UnsupportedShapeError(
                f"{shape_name(self.g, shape)}: only sh:select SPARQL constraints"
            )
        # Sorted: the graph gives the declarations in no fixed order; the same shapes, the same text.
        prefixes = "".join(
            sorted(
                f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>\n"
                for p in self.g.objects(constraint, SH.prefixes)
                for d in self.g.objects(p, SH.declare)
            )
        )
        predicate = iri(path) if isinstance(path, URIRef) else None
        try:
            query = select_template(str(select), predicate, prefixes)
        except UnsupportedShapeError as error:
            raise UnsupportedShapeError(f"{shape_name(self.g, shape)}: {error}") from None
        return self.result(
            shape,
            "SPARQL",
            path,
            targets,
            query,
            value_is_focus=path is None,
            message_from=constraint,
        )
