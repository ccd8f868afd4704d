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
literal ordering, as pyshacl does (see ``_order``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from json.encoder import encode_basestring as quote

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.compiled import (
    ALL_TARGET_PARAMETERS,
    CHECK,
    FOCUS,
    TARGET,
    TARGET_PARAMETERS,
    CompiledConstraint,
    CompiledShapes,
    UnsupportedShapeError,
)
from xpo1kg.validate.paths import BadPathError, path_sparql, path_text, show_path
from xpo1kg.validate.sparql_constraint import select_template
from xpo1kg.validate.sparql_terms import (
    KIND_TESTS,
    RANGE_OPERATORS,
    bad_pair,
    has_datatype,
    in_range,
    iri,
    is_blank,
    is_iri,
    stored_term,
    term,
)

__all__ = ["compile_shapes", "split_shapes"]


def _components(names: str) -> dict[URIRef, str]:
    """Map parameters to their constraint component names: sh:nodeKind -> "NodeKind"."""
    return {SH[n]: n[0].upper() + n[1:] for n in names.split()}


_VALUE_PARAMS = _components(
    "class datatype nodeKind in pattern minExclusive minInclusive maxExclusive maxInclusive "
    "or xone and not node minLength maxLength"
)
_PAIR_PARAMS = _components("lessThan lessThanOrEquals")
_COUNT_PARAMS = _components("minCount maxCount")
_SINGLE = (SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.path, SH.flags, SH.severity,
           SH.minLength, SH.maxLength)  # fmt: skip
_OTHER = {*_components("message severity deactivated name description order group defaultValue"),
          *_components("flags path property sparql"), *TARGET_PARAMETERS}  # fmt: skip


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

    def one(self, shape: Node, param: URIRef) -> Node | None:
        values = list(self.g.objects(shape, param))
        if len(values) > 1 and param in _SINGLE:
            raise UnsupportedShapeError(f"{self.name(shape)}: more than one {compress(str(param))}")
        return values[0] if values else None

    def name(self, shape: Node) -> str:
        """Name a shape for messages: its CURIE, or what a blank node shape constrains."""
        if isinstance(shape, URIRef):
            curie = compress(str(shape))
            if curie == str(shape):  # the shapes file's own prefixes
                curie = self.g.namespace_manager.normalizeUri(shape)
            return curie
        path = next(iter(self.g.objects(shape, SH.path)), None)
        if path is not None:
            return f"the property shape of {show_path(path_text(self.g, path) or '')}"
        return "a blank node shape"

    def path(self, shape: Node) -> Node | None:
        path = self.one(shape, SH.path)
        if path is not None:
            self.sparql_path(shape, path)
        return path

    def sparql_path(self, shape: Node, path: Node) -> str:
        """Return the SPARQL property path of a shape's sh:path."""
        try:
            return path_sparql(self.g, path)
        except BadPathError as error:
            raise UnsupportedShapeError(f"{self.name(shape)}: {error}") from None

    def active(self, shape: Node) -> bool:
        flag = self.one(shape, SH.deactivated)
        return not (isinstance(flag, Literal) and flag.toPython() is True)

    def check(self, shape: Node) -> None:
        """Refuse SHACL parameters that are not compiled."""
        known = {*_VALUE_PARAMS, *_PAIR_PARAMS, *_COUNT_PARAMS, *_OTHER, SH.hasValue}
        for param in sorted(set(self.g.predicates(shape)), key=str):
            if str(param).startswith(str(SH)) and param not in known:
                raise UnsupportedShapeError(
                    f"{self.name(shape)}: {compress(str(param))} is not supported by the fast engine"
                )
        for param in _SINGLE:
            self.one(shape, param)

    def members(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def params(self, shape: Node, table: Mapping[URIRef, object]) -> list[tuple[URIRef, Node]]:
        return sorted(((p, v) for p in table for v in self.g.objects(shape, p)), key=str)

    def count(self, shape: Node, param: URIRef, value: Node) -> int:
        if not isinstance(value, Literal) or not isinstance(value.value, int) or value.value < 0:
            raise UnsupportedShapeError(f"{self.name(shape)}: {compress(str(param))} {value}")
        return value.value

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
                f"{self.name(shape)}: {why}; the fast engine reports exactly one"
            )
        return CompiledConstraint(
            sparql=query,
            targets=targets,
            source_shape=str(shape),
            path=path_text(self.g, path),
            component=f"sh:{component}ConstraintComponent",
            severity=compress(str(self.one(shape, SH.severity) or SH.Violation)),
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
            if not self.active(root):
                continue
            try:
                found = [replace(c, root=str(root)) for c in self.shape(root, self.targets(root))]
                if not isinstance(root, URIRef) and not all(c.worded for c in found):
                    # pyshacl can word the messages of a shape it is given by IRI only.
                    raise UnsupportedShapeError("no sh:message, and a blank node shape")
                constraints += found
            except UnsupportedShapeError as error:
                reason, name = str(error), self.name(root)
                refused.append((root, reason if reason.startswith(name) else f"{name}: {reason}"))
            else:
                compiled.add(root)
        return CompiledShapes(tuple(constraints), tuple(refused), frozenset(compiled))

    def compile(self) -> Iterator[CompiledConstraint]:
        compiled = self.split()
        if compiled.refused:
            raise UnsupportedShapeError(compiled.refused[0][1])
        yield from compiled.constraints

    def targets(self, shape: Node) -> str:
        self.check(shape)
        parts: list[str] = []
        for metaclass in self.g.objects(shape, RDF.type):
            if metaclass == RDFS.Class:
                parts.append(f"%%INSTANCE ?this {iri(shape)}%%")
            elif (metaclass, RDFS.subClassOf, None) in self.g and RDFS.Class in set(
                self.g.transitive_objects(metaclass, RDFS.subClassOf)
            ):
                raise UnsupportedShapeError(
                    f"{self.name(shape)}: implicit class target through {compress(str(metaclass))}"
                )
        parts += [f"%%INSTANCE ?this {iri(c)}%%" for c in self.g.objects(shape, SH.targetClass)]
        parts += [f"?this {iri(p)} [] ." for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"[] {iri(p)} ?this ." for p in self.g.objects(shape, SH.targetObjectsOf)]
        nodes = list(self.g.objects(shape, SH.targetNode))
        if nodes:
            if not all(isinstance(n, (URIRef, Literal)) for n in nodes):
                raise UnsupportedShapeError(f"{self.name(shape)}: sh:targetNode a blank node")
            terms = sorted(stored_term(n) for n in nodes)
            parts.append("VALUES ?this { " + " ".join(terms) + " }")
        if not parts:
            raise UnsupportedShapeError(f"{self.name(shape)}: sh:target (SHACL-AF targets)")
        return parts[0] if len(parts) == 1 else " UNION ".join(f"{{ {p} }}" for p in sorted(parts))

    def shape(self, shape: Node, targets: str) -> Iterator[CompiledConstraint]:
        self.check(shape)
        path = self.path(shape)
        if path is not None:
            yield from self.property(shape, targets, path)
            return
        for param in sorted({*_COUNT_PARAMS, *_PAIR_PARAMS}):
            if (shape, param, None) in self.g:
                raise UnsupportedShapeError(
                    f"{self.name(shape)}: {compress(str(param))} needs sh:path"
                )
        for param, value in self.params(shape, _VALUE_PARAMS):
            bad = self.bad(shape, param, value, "?this")
            query = f"SELECT DISTINCT ?this WHERE {{ {FOCUS} {TARGET} FILTER({bad}) {CHECK} }}"
            yield self.result(
                shape, _VALUE_PARAMS[param], None, targets, query, value_is_focus=True
            )
        for value in sorted(self.g.objects(shape, SH.hasValue), key=str):
            # pyshacl reports no value for sh:hasValue.
            query = f"SELECT DISTINCT ?this WHERE {{ {FOCUS} {TARGET} FILTER(!{self.same(value, '?this')}) {CHECK} }}"
            yield self.result(shape, "HasValue", None, targets, query)
        for child in sorted(self.g.objects(shape, SH.property), key=str):
            if self.active(child):
                yield from self.shape(child, targets)
        for constraint in sorted(self.g.objects(shape, SH.sparql), key=str):
            if self.active(constraint):
                yield self.sparql(shape, constraint, targets, None)

    def property(self, shape: Node, targets: str, path: Node) -> Iterator[CompiledConstraint]:
        if (shape, SH.property, None) in self.g:
            raise UnsupportedShapeError(f"{self.name(shape)}: sh:property on a property shape")
        p = self.sparql_path(shape, path)
        # Planning by the triples of a predicate (see CompiledConstraint.scan) needs an IRI path.
        predicate = path if isinstance(path, URIRef) else None
        for param, value in self.params(shape, _COUNT_PARAMS):
            n = self.count(shape, param, value)
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
                _COUNT_PARAMS[param],
                path,
                targets,
                query,
                scan=scan,
                scan_sparql=scan_sparql if scan is not None else None,
            )
        for value in sorted(self.g.objects(shape, SH.hasValue), key=str):
            has = f"?this {p} ?v FILTER({self.same(value, '?v')})"
            query = f"SELECT DISTINCT ?this WHERE {{ {FOCUS} {TARGET} FILTER NOT EXISTS {{ {has} }} {CHECK} }}"
            yield self.result(shape, "HasValue", path, targets, query)
        for param, value in self.params(shape, _VALUE_PARAMS):
            bad = self.bad(shape, param, value, "?value")
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} {TARGET} ?this {p} ?value FILTER({bad}) {CHECK} }}"
            # From the triples: test each distinct value once (values repeat: units, inhibitors...).
            values = f"{{ SELECT ?value WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ [] {p} ?value }} }} FILTER({bad}) }} }}"
            by_values = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {values} ?this {p} ?value {CHECK} }}"
            )
            yield self.result(
                shape,
                _VALUE_PARAMS[param],
                path,
                targets,
                query,
                scan=predicate,
                scan_sparql=by_values if predicate is not None else None,
            )
        for param, other in self.params(shape, _PAIR_PARAMS):
            bad = bad_pair(param, "?value", "?other")
            query = (
                f"SELECT DISTINCT ?this ?value ?other WHERE {{ {FOCUS} {TARGET} ?this {p} ?value . "
                f"?this {iri(other)} ?other FILTER({bad}) {CHECK} }}"
            )
            yield self.result(shape, _PAIR_PARAMS[param], path, targets, query, scan=predicate)
        for constraint in sorted(self.g.objects(shape, SH.sparql), key=str):
            if self.active(constraint):
                yield self.sparql(shape, constraint, targets, path)

    def sparql(
        self, shape: Node, constraint: Node, targets: str, path: Node | None
    ) -> CompiledConstraint:
        """Rewrite a SHACL-SPARQL SELECT: ``$this`` bound by the targets, first in its WHERE."""
        select = self.one(constraint, SH.select)
        if select is None or (constraint, SH.ask, None) in self.g:
            raise UnsupportedShapeError(f"{self.name(shape)}: only sh:select SPARQL constraints")
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
            raise UnsupportedShapeError(f"{self.name(shape)}: {error}") from None
        return self.result(
            shape,
            "SPARQL",
            path,
            targets,
            query,
            value_is_focus=path is None,
            message_from=constraint,
        )

    # --- boolean expressions ---------------------------------------------------------------

    def same(self, node: Node, x: str) -> str:
        """Test that ``x`` is the term ``node`` (as loaded natively or losslessly)."""
        if not isinstance(node, (URIRef, Literal)):
            raise UnsupportedShapeError(f"a blank node in sh:hasValue: {node}")
        options = sorted({term(node, encoded=e) for e in (False, True)})
        return "(" + " || ".join(f"sameTerm({x}, {t})" for t in options) + ")"

    def bad(self, shape: Node, param: URIRef, value: Node, x: str, depth: int = 0) -> str:
        """Return a SPARQL expression, true when value node ``x`` violates ``param value``."""
        if param == SH["class"]:
            return f"(isLiteral({x}) || NOT EXISTS {{ %%INSTANCE {x} {iri(value)}%% }})"
        if param == SH.datatype:
            return f"!{has_datatype(value, x)}"
        if param == SH.nodeKind:
            if value not in KIND_TESTS:
                raise UnsupportedShapeError(f"{self.name(shape)}: unknown sh:nodeKind {value}")
            return "!" + KIND_TESTS[value].format(x=x, iri=is_iri(x), bnode=is_blank(x))  # type: ignore[index]
        if param == SH["in"]:
            options = {term(m, encoded=e) for m in self.members(value) for e in (False, True)}
            return f"!({' || '.join(f'sameTerm({x}, {t})' for t in sorted(options)) or 'false'})"
        if param == SH.pattern:
            text, flags = str(value), str(self.one(shape, SH.flags) or "")
            if re.search(r"\(\?[=!<]|\\[1-9]", text):
                raise UnsupportedShapeError(
                    f"{self.name(shape)}: sh:pattern with lookaround or backreferences"
                )
            return f"({is_blank(x)} || !REGEX(STR({x}), {quote(text)}, {quote(flags)}))"
        if param in (SH.minLength, SH.maxLength):
            # pyshacl: a blank node never passes; a length of 0 at least always does.
            n = self.count(shape, param, value)
            if param == SH.minLength and n == 0:
                return "false"
            op = "<" if param == SH.minLength else ">"
            return f"({is_blank(x)} || STRLEN(STR({x})) {op} {n})"
        if param in RANGE_OPERATORS:
            if not isinstance(value, Literal):
                raise UnsupportedShapeError(f"{self.name(shape)}: {compress(str(param))} {value}")
            return f"!{in_range(x, RANGE_OPERATORS[param], value)}"
        if param == SH["not"]:
            return self.conforms(value, x, depth + 1)
        if param == SH.node:
            return f"!{self.conforms(value, x, depth + 1)}"
        tests = [self.conforms(member, x, depth + 1) for member in self.members(value)]
        if param == SH["and"]:
            return f"!({' && '.join(tests) or 'true'})"
        if param == SH.xone:
            return "((" + " + ".join(f"IF({t}, 1, 0)" for t in tests) + ") != 1)"
        return f"!({' || '.join(tests) or 'false'})"  # sh:or

    def conforms(self, shape: Node, x: str, depth: int) -> str:
        """Return a SPARQL expression, true when node ``x`` conforms to ``shape``."""
        if depth > 8:
            raise UnsupportedShapeError(f"{self.name(shape)}: shapes nested too deep (recursive?)")
        if not self.active(shape):
            return "true"
        self.check(shape)
        if (shape, SH.sparql, None) in self.g:
            raise UnsupportedShapeError(
                f"{self.name(shape)}: sh:sparql inside a logical constraint"
            )
        path = self.path(shape)
        tests = (
            []
            if path is not None
            else [
                f"!{self.bad(shape, p, v, x, depth)}" for p, v in self.params(shape, _VALUE_PARAMS)
            ]
            + [self.same(v, x) for v in sorted(self.g.objects(shape, SH.hasValue), key=str)]
        )
        for child in (
            [shape] if path is not None else sorted(self.g.objects(shape, SH.property), key=str)
        ):
            tests += self.property_tests(child, x, depth)
        return "(" + (" && ".join(tests) or "true") + ")"

    def property_tests(self, shape: Node, x: str, depth: int) -> list[str]:
        self.check(shape)
        path = self.path(shape)
        if (
            path is None
            or (shape, SH.property, None) in self.g
            or (shape, SH.sparql, None) in self.g
        ):
            raise UnsupportedShapeError(
                f"{self.name(shape)}: expected a property shape of SHACL Core"
            )
        if not self.active(shape):
            return []
        p, tests = self.sparql_path(shape, path), []
        for param, value in self.params(shape, _COUNT_PARAMS):
            n, v, w = self.count(shape, param, value), self.fresh(), self.fresh()
            if n > 1:
                raise UnsupportedShapeError(
                    f"{self.name(shape)}: counts above 1 in sh:or or sh:xone"
                )
            if param == SH.minCount and n:
                tests.append(f"EXISTS {{ {x} {p} {v} }}")
            elif param == SH.maxCount:
                pair = f"{x} {p} {v}, {w} FILTER(!sameTerm({v}, {w}))" if n else f"{x} {p} {v}"
                tests.append(f"NOT EXISTS {{ {pair} }}")
        for param, value in self.params(shape, _VALUE_PARAMS):
            v = self.fresh()
            tests.append(
                f"NOT EXISTS {{ {x} {p} {v} FILTER({self.bad(shape, param, value, v, depth)}) }}"
            )
        for value in sorted(self.g.objects(shape, SH.hasValue), key=str):
            v = self.fresh()
            tests.append(f"EXISTS {{ {x} {p} {v} FILTER({self.same(value, v)}) }}")
        for param, other in self.params(shape, _PAIR_PARAMS):
            a, b = self.fresh(), self.fresh()
            tests.append(
                f"NOT EXISTS {{ {x} {p} {a} . {x} {iri(other)} {b} FILTER({bad_pair(param, a, b)}) }}"
            )
        return tests
