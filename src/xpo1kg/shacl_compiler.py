"""Compile SHACL shapes into SPARQL SELECT queries with pyshacl's result semantics.

Each :class:`CompiledConstraint` is one SELECT query that returns one row per validation result:
``?this`` (the focus node) and, when the constraint reports one, ``?value`` (and ``?path`` for
SHACL-SPARQL constraints). The queries assume the data were loaded with
:func:`xpo1kg.fastshacl.add_graph`, which keeps what Oxigraph would otherwise normalise away:
blank nodes become ``urn:x-fastshacl:bnode:`` IRIs (so they keep their rdflib identifiers and can
be named in ``VALUES``) and typed literals keep their lexical form and datatype under a
``urn:x-fastshacl:typed:`` (or ``ill-typed:``) datatype. Natively loaded literals are understood too.

Anything outside the supported subset raises :class:`UnsupportedShapeError` instead of being
skipped, so that a validation is never silently partial.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .errors import XPO1KGError
from .namespaces import compress

__all__ = [
    "ILL_TYPED",
    "SKOLEM",
    "TYPED",
    "CompiledConstraint",
    "UnsupportedShapeError",
    "compile_shapes",
]

SKOLEM = "urn:x-fastshacl:bnode:"
TYPED = "urn:x-fastshacl:typed:"
ILL_TYPED = "urn:x-fastshacl:ill-typed:"
#: Where a ``VALUES ?this { ... }`` restriction goes: first in the target pattern.
FOCUS = "#FOCUS#"

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_VALUE_PARAMS = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH["in"]: "In",
    SH.pattern: "Pattern", SH.minExclusive: "MinExclusive", SH.minInclusive: "MinInclusive",
    SH.maxExclusive: "MaxExclusive", SH.maxInclusive: "MaxInclusive", SH["or"]: "Or",
    SH.xone: "Xone", SH["and"]: "And", SH["not"]: "Not", SH.node: "Node",
}  # fmt: skip
_PAIR_PARAMS = {SH.lessThan: ("LessThan", "<"), SH.lessThanOrEquals: ("LessThanOrEquals", "<=")}
_COUNT_PARAMS = {SH.minCount: "MinCount", SH.maxCount: "MaxCount"}
_SINGLE = (SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.path, SH.flags, SH.severity)
_IGNORED = {SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
            SH.defaultValue, SH.flags, SH.path, SH.property, SH.sparql, *_TARGETS}  # fmt: skip
_RANGES = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<", SH.maxInclusive: "<="}
_KINDS = {
    SH.IRI: "{iri}", SH.BlankNode: "{bnode}", SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "({iri} || {bnode})", SH.BlankNodeOrLiteral: "({bnode} || isLiteral({x}))",
    SH.IRIOrLiteral: "({iri} || isLiteral({x}))",
}  # fmt: skip
#: Datatypes that Oxigraph can cast to, to tell ill-typed natively stored literals apart.
_CASTABLE = {XSD[n] for n in ("integer", "decimal", "float", "double", "boolean", "dateTime",
                              "date", "time")}  # fmt: skip
_NUMERIC = [str(XSD[n]) for n in ("integer", "decimal", "double", "float", "byte", "int", "long",
    "negativeInteger", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "short",
    "unsignedByte", "unsignedInt", "unsignedLong", "unsignedShort")]  # fmt: skip
_STRING_VALUED = [str(RDF.langString), *(str(XSD[n]) for n in ("string", "normalizedString",
    "token", "language", "anyURI"))]  # fmt: skip
_TIMES = [str(XSD.dateTime), str(XSD.time)]


class UnsupportedShapeError(XPO1KGError):
    """A shapes graph uses SHACL that fastshacl does not compile; use pyshacl for it."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint of one shape, as a SPARQL SELECT query over its focus nodes."""

    sparql: str
    source_shape: str
    path: str | None
    component: str
    severity: str
    message: str
    value_is_focus: bool = False

    def query(self, focus_values: str = "") -> str:
        """Return the query text, with ``focus_values`` (a VALUES clause) first in the target."""
        return self.sparql.replace(FOCUS, focus_values)


def compile_shapes(shapes: Graph) -> list[CompiledConstraint]:
    """Compile every targeted shape of ``shapes``; raise UnsupportedShapeError on unknown SHACL."""
    return list(_Compiler(shapes).compile())


def iri(node: Node) -> str:
    """Return a SPARQL IRI reference; blank nodes cannot be named in a query."""
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"expected an IRI in the shapes graph, found {node!r}")
    return f"<{node}>"


def literal(node: Literal, *, encoded: bool = False) -> str:
    """Return a SPARQL literal; ``encoded`` uses the lossless datatype of add_graph."""
    text = encode_basestring(str(node))
    if node.language:
        return f"{text}@{node.language}"
    if node.datatype is None:
        return text
    return f"{text}^^<{TYPED if encoded else ''}{node.datatype}>"


def _is_iri(x: str) -> str:
    return f"(isIRI({x}) && !STRSTARTS(STR({x}), {encode_basestring(SKOLEM)}))"


def _is_bnode(x: str) -> str:
    return f"(isBlank({x}) || (isIRI({x}) && STRSTARTS(STR({x}), {encode_basestring(SKOLEM)})))"


def _original(x: str) -> str:
    """The literal as rdflib had it: the lossless datatype turned back into the real one."""
    dt, prefix = f"STR(DATATYPE({x}))", encode_basestring(TYPED)
    return f"IF(STRSTARTS({dt}, {prefix}), STRDT(STR({x}), IRI(STRAFTER({dt}, {prefix}))), {x})"


def _datatype(x: str) -> str:
    """The rdflib datatype of literal ``x`` as a string (xsd:string for plain literals)."""
    dt = f"STR(DATATYPE({x}))"
    typed, ill = encode_basestring(TYPED), encode_basestring(ILL_TYPED)
    return f"IF(STRSTARTS({dt}, {typed}), STRAFTER({dt}, {typed}), IF(STRSTARTS({dt}, {ill}), STRAFTER({dt}, {ill}), {dt}))"


def _among(expression: str, iris: Iterable[str]) -> str:
    return f"({expression} IN ({', '.join(encode_basestring(i) for i in iris)}))"


def _number(x: str) -> str:
    """A well-typed numeric literal: rdflib compares those by value."""
    return f"(!STRSTARTS(STR(DATATYPE({x})), {encode_basestring(ILL_TYPED)}) && {_among(_datatype(x), _NUMERIC)})"


def _string_valued(x: str) -> str:
    """Terms that pyshacl compares as Python strings: IRIs and literals whose value is a str."""
    return f"(isIRI({x}) || (isLiteral({x}) && {_among(_datatype(x), _STRING_VALUED)}))"


def _order(x: str, op: str, bound: Literal) -> str:
    """True when ``x op bound`` passes pyshacl's range check (rdflib's literal ordering).

    Numbers compare by value; strings by lexical form; other literals compared with a number
    order by datatype IRI (rdflib's total order), except date-times and times (a TypeError, so a
    violation), and ill-typed literals of the bound's own datatype (a TypeError too).
    """
    if isinstance(bound.value, str):
        return f"({_string_valued(x)} && isLiteral({x}) && COALESCE(STR({x}) {op} {literal(bound)}, false))"
    if str(bound.datatype) not in _NUMERIC:
        return f"COALESCE({_original(x)} {op} {literal(bound)}, false)"
    dt, bound_dt = _datatype(x), encode_basestring(str(bound.datatype))
    well_typed = f"!STRSTARTS(STR(DATATYPE({x})), {encode_basestring(ILL_TYPED)})"
    by_type = f"IF({dt} = {bound_dt}, false, IF({dt} > {bound_dt}, 1, -1) {op} 0)"
    others = f"IF({well_typed} && {_among(dt, _TIMES)}, false, {by_type})"
    numbers = f"COALESCE({_original(x)} {op} {literal(bound)}, false)"
    return f"(isLiteral({x}) && !{_string_valued(x)} && IF({_number(x)}, {numbers}, {others}))"


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.counter = itertools.count()

    # --- shape graph access ----------------------------------------------------------------

    def fresh(self) -> str:
        return f"?fs{next(self.counter)}"

    def one(self, shape: Node, param: URIRef) -> Node | None:
        values = list(self.g.objects(shape, param))
        if len(values) > 1 and param in _SINGLE:
            raise UnsupportedShapeError(f"{self.name(shape)}: more than one {compress(str(param))}")
        return values[0] if values else None

    def name(self, shape: Node) -> str:
        return compress(str(shape)) if isinstance(shape, URIRef) else f"blank node shape {shape}"

    def path(self, shape: Node) -> URIRef | None:
        path = self.one(shape, SH.path)
        if path is not None and not isinstance(path, URIRef):
            raise UnsupportedShapeError(f"{self.name(shape)}: only IRI paths are supported")
        return path

    def active(self, shape: Node) -> bool:
        flag = self.one(shape, SH.deactivated)
        return not (isinstance(flag, Literal) and flag.toPython() is True)

    def check(self, shape: Node) -> None:
        """Refuse SHACL parameters that are not compiled."""
        known = {*_VALUE_PARAMS, *_PAIR_PARAMS, *_COUNT_PARAMS, *_IGNORED}
        for param in set(self.g.predicates(shape)):
            if str(param).startswith(str(SH)) and param not in known:
                raise UnsupportedShapeError(
                    f"{self.name(shape)}: {compress(str(param))} is not supported by fastshacl "
                    "(validate with xpo1kg.validation.validate_graph instead)"
                )
        for param in _SINGLE:
            self.one(shape, param)

    def members(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))  # type: ignore[arg-type]

    def severity(self, shape: Node) -> str:
        return compress(str(self.one(shape, SH.severity) or SH.Violation))

    def message(self, *nodes: Node) -> str:
        messages = {str(m) for n in nodes for m in self.g.objects(n, SH.message)}
        if len(messages) != 1:
            why = "no sh:message" if not messages else "several sh:message values"
            raise UnsupportedShapeError(
                f"{self.name(nodes[0])}: {why}; fastshacl reports exactly one message per result"
            )
        return messages.pop()

    # --- top level -------------------------------------------------------------------------

    def compile(self) -> Iterator[CompiledConstraint]:
        roots = {s for t in (*_TARGETS, SH.target) for s in self.g.subjects(t, None)}
        roots |= {
            s
            for s in self.g.subjects(RDF.type, SH.NodeShape)
            if (s, RDF.type, RDFS.Class) in self.g
        }
        for root in sorted(roots, key=str):
            if self.active(root):
                yield from self.shape(root, self.targets(root))

    def targets(self, shape: Node) -> str:
        parts = [f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {iri(c)} }}"
                 for c in self.g.objects(shape, SH.targetClass)]  # fmt: skip
        if (shape, RDF.type, RDFS.Class) in self.g:
            parts.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {iri(shape)} }}")
        parts += [f"{{ VALUES ?this {{ {self.term(n, encoded=True)} }} }}"
                  for n in self.g.objects(shape, SH.targetNode)]  # fmt: skip
        parts += [f"{{ ?this {iri(p)} [] }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {iri(p)} ?this }}" for p in self.g.objects(shape, SH.targetObjectsOf)]
        return f"{{ SELECT DISTINCT ?this WHERE {{ {FOCUS}\n {' UNION '.join(parts)} }} }}"

    def shape(self, shape: Node, focus: str) -> Iterator[CompiledConstraint]:
        self.check(shape)
        path = self.path(shape)
        if path is not None:
            if (shape, SH.property, None) in self.g:
                raise UnsupportedShapeError(f"{self.name(shape)}: sh:property on a property shape")
            yield from self.property(shape, focus)
            return
        for param in _COUNT_PARAMS.keys() & set(self.g.predicates(shape)):
            raise UnsupportedShapeError(f"{self.name(shape)}: {compress(str(param))} needs sh:path")
        for param, value in self.params(shape, _VALUE_PARAMS):
            bad = self.bad(shape, param, value, "?this")
            yield self.result(shape, _VALUE_PARAMS[param], None, True,
                              f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER({bad}) }}")  # fmt: skip
        for param, _ in self.params(shape, _PAIR_PARAMS):
            raise UnsupportedShapeError(f"{self.name(shape)}: {compress(str(param))} needs sh:path")
        for child in self.g.objects(shape, SH.property):
            if self.active(child):
                yield from self.shape(child, focus)
        for constraint in self.g.objects(shape, SH.sparql):
            if self.active(constraint):
                yield self.sparql(shape, constraint, focus, None)

    def property(self, shape: Node, focus: str) -> Iterator[CompiledConstraint]:
        path = self.path(shape)
        assert path is not None
        p = iri(path)
        for param, value in self.params(shape, _COUNT_PARAMS):
            n = int(value.toPython()) if isinstance(value, Literal) else -1
            if n < 0:
                raise UnsupportedShapeError(f"{self.name(shape)}: {compress(str(param))} {value}")
            if param == SH.minCount and n == 0:
                continue
            if param == SH.minCount and n == 1:
                query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?v }} }}"
            else:
                test, pattern = ("<", f"OPTIONAL {{ ?this {p} ?v }}") if param == SH.minCount else (
                    ">", f"?this {p} ?v")  # fmt: skip
                query = (f"SELECT ?this WHERE {{ {focus} {pattern} }} GROUP BY ?this "
                         f"HAVING (COUNT(DISTINCT ?v) {test} {n})")  # fmt: skip
            yield self.result(shape, _COUNT_PARAMS[param], path, False, query)
        for param, value in self.params(shape, _VALUE_PARAMS):
            bad = self.bad(shape, param, value, "?value")
            query = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {p} ?value FILTER({bad}) }}"
            )
            yield self.result(shape, _VALUE_PARAMS[param], path, False, query)
        for param, other in self.params(shape, _PAIR_PARAMS):
            bad = self.bad_pair(param, "?value", "?other")
            query = (f"SELECT DISTINCT ?this ?value ?other WHERE {{ {focus} ?this {p} ?value . "
                     f"?this {iri(other)} ?other FILTER({bad}) }}")  # fmt: skip
            yield self.result(shape, _PAIR_PARAMS[param][0], path, False, query)
        for constraint in self.g.objects(shape, SH.sparql):
            if self.active(constraint):
                yield self.sparql(shape, constraint, focus, path)

    def params(self, shape: Node, table: dict[URIRef, object]) -> list[tuple[URIRef, Node]]:
        pairs = [(p, v) for p in table for v in self.g.objects(shape, p)]
        return sorted(pairs, key=lambda pair: (str(pair[0]), str(pair[1])))

    def result(self, shape: Node, component: str, path: URIRef | None, value_is_focus: bool,
               query: str) -> CompiledConstraint:  # fmt: skip
        return CompiledConstraint(
            sparql=query, source_shape=str(shape), path=None if path is None else str(path),
            component=f"sh:{component}ConstraintComponent", severity=self.severity(shape),
            message=self.message(shape), value_is_focus=value_is_focus,
        )  # fmt: skip

    # --- SHACL-SPARQL ----------------------------------------------------------------------

    def sparql(
        self, shape: Node, constraint: Node, focus: str, path: URIRef | None
    ) -> CompiledConstraint:
        select = self.one(constraint, SH.select)
        if select is None:
            raise UnsupportedShapeError(f"{self.name(shape)}: only sh:select SPARQL constraints")
        text = str(select)
        for variable in ("currentShape", "shapesGraph", "failure"):
            if re.search(rf"[?$]{variable}\b", text):
                raise UnsupportedShapeError(f"{self.name(shape)}: ${variable} in sh:select")
        if "$PATH" in text:
            if path is None:
                raise UnsupportedShapeError(f"{self.name(shape)}: $PATH without sh:path")
            text = text.replace("$PATH", iri(path))
        text = re.sub(r"[?$]this\b", "?this", text)
        select_kw = re.search(r"\bSELECT\b", text, re.IGNORECASE)
        if select_kw is None or "{" not in text[select_kw.end() :]:
            raise UnsupportedShapeError(f"{self.name(shape)}: cannot read the sh:select query")
        brace = text.index("{", select_kw.end())
        projection = text[select_kw.end() : brace]
        head = projection
        if not re.match(r"\s*(DISTINCT|REDUCED)\b", projection, re.IGNORECASE):
            head = " DISTINCT" + head
        if "?this" not in projection and "*" not in projection:
            head = head.replace("DISTINCT", "DISTINCT ?this", 1)
        prefixes = "".join(
            f"PREFIX {d.value(SH.prefix)}: <{d.value(SH.namespace)}>\n"
            for p in self.g.objects(constraint, SH.prefixes)
            for d in (self.g.resource(n) for n in self.g.objects(p, SH.declare))
        )
        query = f"{prefixes}{text[: select_kw.end()]}{head}{{ {focus}\n{text[brace + 1 :]}"
        return CompiledConstraint(
            sparql=query, source_shape=str(shape), path=None if path is None else str(path),
            component="sh:SPARQLConstraintComponent", severity=self.severity(shape),
            message=self.message(constraint, shape), value_is_focus=path is None,
        )  # fmt: skip

    # --- boolean expressions ---------------------------------------------------------------

    def term(self, node: Node, *, encoded: bool) -> str:
        return literal(node, encoded=encoded) if isinstance(node, Literal) else iri(node)

    def bad(self, shape: Node, param: URIRef, value: Node, x: str, depth: int = 0) -> str:
        """A SPARQL expression that is true when value node ``x`` violates ``param value``."""
        if param == SH["class"]:
            return f"(isLiteral({x}) || NOT EXISTS {{ {x} <{RDF.type}>/<{RDFS.subClassOf}>* {iri(value)} }})"
        if param == SH.datatype:
            return f"!{self.datatype(value, x)}"
        if param == SH.nodeKind:
            if value not in _KINDS:
                raise UnsupportedShapeError(f"unknown sh:nodeKind {value}")
            return "!" + _KINDS[value].format(x=x, iri=_is_iri(x), bnode=_is_bnode(x))
        if param == SH["in"]:
            options = {self.term(m, encoded=e) for m in self.members(value) for e in (False, True)}
            tests = " || ".join(f"sameTerm({x}, {t})" for t in sorted(options)) or "false"
            return f"!({tests})"
        if param == SH.pattern:
            return self.pattern(value, x, self.one(shape, SH.flags))
        if param in _RANGES:
            if not isinstance(value, Literal):
                raise UnsupportedShapeError(f"{compress(str(param))} {value}: not a literal")
            return f"!{_order(x, _RANGES[param], value)}"
        if param in (SH["or"], SH.xone, SH["and"]):
            tests = [self.conforms(member, x, depth + 1) for member in self.members(value)]
            if param == SH.xone:
                return "(" + " + ".join(f"IF({t}, 1, 0)" for t in tests) + ") != 1"
            joiner = " || " if param == SH["or"] else " && "
            return f"!({joiner.join(tests) or ('false' if param == SH['or'] else 'true')})"
        if param == SH["not"]:
            return self.conforms(value, x, depth + 1)
        return f"!{self.conforms(value, x, depth + 1)}"  # sh:node

    def pattern(self, value: Node, x: str, flags: Node | None) -> str:
        text = str(value)
        if re.search(r"\(\?[=!<]|\\[1-9]", text):
            raise UnsupportedShapeError(f"sh:pattern {text!r}: lookaround and backreferences")
        regex = f"REGEX(STR({x}), {encode_basestring(text)}, {encode_basestring(str(flags or ''))})"
        return f"({_is_bnode(x)} || !{regex})"

    def datatype(self, value: Node, x: str) -> str:
        """True when ``x`` matches ``sh:datatype value`` the way pyshacl decides it."""
        if value == RDFS.Literal:
            return f"isLiteral({x})"
        if value == RDF.langString:
            return f'(isLiteral({x}) && LANG({x}) != "")'
        if value == RDFS.Datatype:
            return (f"(isLiteral({x}) && (STRSTARTS(STR(DATATYPE({x})), \"urn:x-fastshacl:\") || "
                    f"(LANG({x}) = \"\" && DATATYPE({x}) != <{XSD.string}>)))")  # fmt: skip
        typed = f"DATATYPE({x}) = <{TYPED}{iri(value)[1:]}"
        native = f"DATATYPE({x}) = {iri(value)}"
        if value == XSD.string:
            native = f'({native} && LANG({x}) = "")'
        elif value in _CASTABLE:
            native = f"({native} && COALESCE(isLiteral({iri(value)}(STR({x}))), false))"
        return f"(isLiteral({x}) && ({typed} || {native}))"

    def bad_pair(self, param: URIRef, a: str, b: str) -> str:
        op = _PAIR_PARAMS[param][1]
        a_str, b_str, a_dt, b_dt = _string_valued(a), _string_valued(b), _datatype(a), _datatype(b)
        values = f"!COALESCE({_original(a)} {op} {_original(b)}, false)"
        # rdflib orders literals of different datatypes (unless both numbers) by datatype IRI.
        literals = (
            f"IF(({_number(a)} && {_number(b)}) || {a_dt} = {b_dt}, {values}, !({a_dt} < {b_dt}))"
        )
        return f"IF({a_str} != {b_str}, true, IF({a_str}, !(STR({a}) {op} STR({b})), {literals}))"

    def conforms(self, shape: Node, x: str, depth: int = 0) -> str:
        """A SPARQL expression that is true when node ``x`` conforms to ``shape``."""
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
        )
        for child in [shape] if path is not None else list(self.g.objects(shape, SH.property)):
            tests += self.property_tests(child, x, depth)
        return "(" + (" && ".join(tests) or "true") + ")"

    def property_tests(self, shape: Node, x: str, depth: int) -> list[str]:
        self.check(shape)
        if not self.active(shape):
            return []
        path = self.path(shape)
        if path is None or (shape, SH.property, None) in self.g:
            raise UnsupportedShapeError(f"{self.name(shape)}: expected a property shape")
        p, tests = iri(path), []
        for param, value in self.params(shape, _COUNT_PARAMS):
            n = int(value.toPython()) + (param == SH.maxCount)  # type: ignore[union-attr]
            if n > 6:
                raise UnsupportedShapeError(
                    f"{self.name(shape)}: counts above 5 in logical constraints"
                )
            names = [self.fresh() for _ in range(n)]
            distinct = " && ".join(
                f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)
            )
            pattern = " ".join(f"{x} {p} {v} ." for v in names) + (
                f" FILTER({distinct})" if distinct else ""
            )
            if n:
                tests.append(
                    ("EXISTS" if param == SH.minCount else "NOT EXISTS") + f" {{ {pattern} }}"
                )
        for param, value in self.params(shape, _VALUE_PARAMS):
            v = self.fresh()
            tests.append(
                f"NOT EXISTS {{ {x} {p} {v} FILTER({self.bad(shape, param, value, v, depth)}) }}"
            )
        for param, other in self.params(shape, _PAIR_PARAMS):
            a, b = self.fresh(), self.fresh()
            tests.append(
                f"NOT EXISTS {{ {x} {p} {a} . {x} {iri(other)} {b} FILTER({self.bad_pair(param, a, b)}) }}"
            )
        return tests
