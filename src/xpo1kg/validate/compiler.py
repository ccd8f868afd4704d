"""Compile SHACL shapes into SPARQL SELECT queries that give pyshacl's results.

Each :class:`CompiledConstraint` is one SELECT query with one row per validation result: ``?this``
(the focus node), ``?value`` when the constraint reports one, and ``?path`` for SHACL-SPARQL.
The queries expect data loaded by :func:`xpo1kg.validate.fast_engine.add_graph`, which keeps what Oxigraph
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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from json.encoder import encode_basestring as quote

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from xpo1kg.errors import XPO1KGError
from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.paths import BadPathError, path_sparql, path_text, show_path

__all__ = [
    "ILL_TYPED",
    "SKOLEM",
    "TYPED",
    "CompiledConstraint",
    "CompiledShapes",
    "UnsupportedShapeError",
    "compile_shapes",
    "expand",
    "split_shapes",
]

SKOLEM = "urn:x-fastshacl:bnode:"
TYPED = "urn:x-fastshacl:typed:"
ILL_TYPED = "urn:x-fastshacl:ill-typed:"
# Query templates: ``#FOCUS#`` (first) takes ``VALUES ?this { ... }`` when validating some focus
# nodes; ``#TARGET#`` takes the target pattern when the query starts from every target node, and
# ``#CHECK#`` (last) ``FILTER EXISTS { targets }`` when the query starts from somewhere else: the
# focus nodes, or the triples of ``scan`` (cheaper when targets are many and violations few).
FOCUS, TARGET, CHECK = "#FOCUS#", "#TARGET#", "#CHECK#"
_INSTANCE = re.compile(r"%%INSTANCE (\?\w+) <([^>]*)>%%")  # "x is a SHACL instance of C"

_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
#: Every way a shape gets focus nodes (sh:target, SHACL-AF, is never compiled).
_ALL_TARGETS = (*_TARGETS, SH.target)


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
          *_components("flags path property sparql"), *_TARGETS}  # fmt: skip
_RANGES = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<", SH.maxInclusive: "<="}
_KINDS = {
    SH.IRI: "{iri}",
    SH.BlankNode: "{bnode}",
    SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "({iri} || {bnode})",
    SH.BlankNodeOrLiteral: "({bnode} || isLiteral({x}))",
    SH.IRIOrLiteral: "({iri} || isLiteral({x}))",
}
_CASTABLE = {XSD[n] for n in "integer decimal float double boolean dateTime date time".split()}  # noqa: SIM905
# rdflib's numeric datatypes (compared by value), by the SPARQL cast that reads them (last first).
_CASTS = {
    "double": ["double", "float"],
    "integer": "integer byte int long negativeInteger nonNegativeInteger nonPositiveInteger "  # noqa: SIM905
    "positiveInteger short unsignedByte unsignedInt unsignedLong unsignedShort".split(),
    "decimal": ["decimal"],
}
_NUMERIC = [str(XSD[n]) for names in reversed(_CASTS.values()) for n in names]
# Datatypes whose rdflib value is a Python str (pyshacl compares those as strings).
_STRING_VALUED = [str(XSD[n]) for n in "string normalizedString token language anyURI".split()]  # noqa: SIM905
_TIMES = [str(XSD.dateTime), str(XSD.time)]
_MASKED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|'
    r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_BLOCKERS = re.compile(
    r"\b(OPTIONAL|BIND|VALUES|GRAPH|SERVICE|MINUS|UNION|SELECT|FILTER|EXISTS)\b", re.IGNORECASE
)


class UnsupportedShapeError(XPO1KGError):
    """A shapes graph uses SHACL that fastshacl does not compile; use pyshacl for it."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint of one shape, as a SPARQL SELECT query over its focus nodes."""

    sparql: str
    targets: str
    source_shape: str
    path: str | None
    component: str
    severity: str
    message: str
    value_is_focus: bool = False
    scan: str | None = None
    scan_sparql: str | None = None
    #: The targeted shape this constraint belongs to (the shape itself, or an ancestor).
    root: str = ""
    #: False when the shape has no sh:message (the message is then empty: pyshacl words it).
    worded: bool = True

    def query(
        self,
        focus_values: str = "",
        subclasses: Mapping[str, Iterable[str]] | None = None,
        *,
        by_targets: bool = True,
        known_targets: bool = False,
    ) -> str:
        """Return the query text.

        With ``focus_values`` (``VALUES ?this { ... }``) the query starts from those nodes and
        checks that they are targets, unless ``known_targets``: its cost follows the number of
        focus nodes. Without, it starts from every target, or (``by_targets`` false, for queries
        with a ``scan`` predicate) from the triples of that predicate. ``subclasses`` maps classes
        to their rdfs:subClassOf* closure, for class tests faster than the property path.
        """
        check = f"FILTER EXISTS {{ {self.targets} }}"
        if focus_values:
            check = "" if known_targets else check
            text = (
                self.sparql.replace(FOCUS, focus_values).replace(TARGET, "").replace(CHECK, check)
            )
        elif self.scan_sparql is not None and not by_targets:
            text = self.scan_sparql.replace(CHECK, check)
        else:
            text = self.sparql.replace(FOCUS, "").replace(TARGET, self.targets).replace(CHECK, "")
        return expand(text, subclasses)

    def classes(self) -> set[str]:
        """Return the classes whose subclass closure the query needs."""
        return {match.group(2) for match in _INSTANCE.finditer(self.sparql + self.targets)}


def expand(text: str, subclasses: Mapping[str, Iterable[str]] | None = None) -> str:
    """Write out the class tests of a query: a property path, or VALUES of known subclasses."""
    counter = itertools.count()

    def instance(match: re.Match[str]) -> str:
        node, cls = match.groups()
        if subclasses is None:
            return f"{node} <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> ."
        classes = " ".join(f"<{c}>" for c in sorted({cls, *subclasses.get(cls, ())}))
        variable = f"?fsc{next(counter)}"
        return f"VALUES {variable} {{ {classes} }} {node} <{RDF.type}> {variable} ."

    return _INSTANCE.sub(instance, text)


def compile_shapes(shapes: Graph) -> list[CompiledConstraint]:
    """Compile every targeted shape of ``shapes``; raise UnsupportedShapeError on unknown SHACL."""
    compiled = split_shapes(shapes)
    if compiled.refused:
        raise UnsupportedShapeError(compiled.refused[0][1])
    return list(compiled.constraints)


@dataclass(frozen=True)
class CompiledShapes:
    """The constraints of the shapes that compile, and the shapes that do not (with why)."""

    constraints: tuple[CompiledConstraint, ...]
    #: (shape, reason) for each targeted shape left to pyshacl, sorted by shape.
    refused: tuple[tuple[Node, str], ...]
    #: Each compiled targeted shape (its targets are what the constraints check).
    compiled: frozenset[Node] = field(default_factory=frozenset)

    def fallback_graph(self, shapes: Graph) -> Graph:
        """Return a copy of ``shapes`` in which only the refused shapes have targets.

        Every shape stays (a refused shape may refer to a compiled one through sh:node...), but
        pyshacl then validates exactly the refused shapes.
        """
        return self.targeting(shapes, {shape for shape, _ in self.refused})

    def targeting(self, shapes: Graph, keep: set[Node]) -> Graph:
        """Return a copy of ``shapes`` in which only the shapes ``keep`` (of these) have targets."""
        drop = (self.compiled | {shape for shape, _ in self.refused}) - keep
        graph = Graph()
        for prefix, namespace in shapes.namespaces():
            graph.bind(prefix, namespace, override=True)
        for triple in shapes:
            subject, predicate, _ = triple
            if subject in drop and (
                predicate in _ALL_TARGETS or (predicate == RDF.type and triple[2] == RDFS.Class)
            ):
                continue
            graph.add(triple)
        return graph


def split_shapes(shapes: Graph, *, messages_required: bool = True) -> CompiledShapes:
    """Compile each targeted shape of ``shapes`` that the compiler supports, whole or not at all.

    ``messages_required=False`` also compiles the constraints of a shape without sh:message (an
    IRI: pyshacl's own default messages are then asked of pyshacl, for the focus nodes that the
    queries find in violation, see :func:`xpo1kg.validate.fast_engine.validate_fast`); their
    results have an empty message and ``worded`` false.
    """
    return _Compiler(shapes, messages_required=messages_required).split()


# --- SPARQL building blocks ----------------------------------------------------------------------


def iri(node: Node) -> str:
    """Return a SPARQL IRI reference; blank nodes cannot be named in a query."""
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"expected an IRI in the shapes graph, found {node!r}")
    return f"<{node}>"


def literal(node: Literal, *, encoded: bool = False) -> str:
    """Return a SPARQL literal; ``encoded`` uses the lossless datatype of add_graph."""
    text = quote(str(node))
    if node.language:
        return f"{text}@{node.language}"
    if node.datatype is None:
        return text
    return f"{text}^^<{TYPED if encoded else ''}{node.datatype}>"


def _iris(prefixes: Iterable[str], names: Iterable[str]) -> str:
    return ", ".join(f"<{p}{n}>" for n in names for p in prefixes)


def _is_iri(x: str) -> str:
    return f"(isIRI({x}) && !STRSTARTS(STR({x}), {quote(SKOLEM)}))"


def _is_bnode(x: str) -> str:
    return f"(isBlank({x}) || (isIRI({x}) && STRSTARTS(STR({x}), {quote(SKOLEM)})))"


def _original(x: str) -> str:
    """Return the literal as rdflib had it: the lossless datatype turned back into the real one."""
    dt, prefix = f"STR(DATATYPE({x}))", quote(TYPED)
    return f"IF(STRSTARTS({dt}, {prefix}), STRDT(STR({x}), IRI(STRAFTER({dt}, {prefix}))), {x})"


def _datatype(x: str) -> str:
    """Return the rdflib datatype IRI of literal ``x`` as a string (xsd:string for plain ones)."""
    dt, typed, ill = f"STR(DATATYPE({x}))", quote(TYPED), quote(ILL_TYPED)
    return f"IF(STRSTARTS({dt}, {typed}), STRAFTER({dt}, {typed}), IF(STRSTARTS({dt}, {ill}), STRAFTER({dt}, {ill}), {dt}))"


def _number(x: str) -> str:
    """Test for a well-typed numeric literal (rdflib compares those by value)."""
    return f"(isLiteral({x}) && DATATYPE({x}) IN ({_iris((TYPED, ''), _NUMERIC)}))"


def _value(x: str) -> str:
    """Return the numeric value of a literal that passes ``_number``."""
    expression = x
    for cast, names in _CASTS.items():
        expression = f"IF(DATATYPE({x}) IN ({_iris([TYPED + str(XSD)], names)}), <{XSD[cast]}>(STR({x})), {expression})"
    return expression


def _string_valued(x: str) -> str:
    """Terms that pyshacl compares as Python strings: IRIs and literals with a str value."""
    names = [n.removeprefix(str(XSD)) for n in _STRING_VALUED]
    prefixes = (str(XSD), TYPED + str(XSD), ILL_TYPED + str(XSD))
    return f'(isIRI({x}) || (isLiteral({x}) && (LANG({x}) != "" || DATATYPE({x}) IN ({_iris(prefixes, names)}))))'


def _order(x: str, op: str, bound: Literal) -> str:
    """Test whether ``x op bound`` passes pyshacl's range check, which uses rdflib's ordering.

    Numbers compare by value, strings by lexical form. Another literal compared with a number
    orders by datatype IRI (rdflib's total order), except for date-times and times and for
    ill-typed literals of the bound's own datatype, which rdflib cannot compare (a violation).
    """
    if str(bound.datatype) not in _NUMERIC or bound.ill_typed:
        raise UnsupportedShapeError(f"range bound {bound!r}: only numeric bounds")
    dt, bound_dt = _datatype(x), quote(str(bound.datatype))
    well_typed = f"!STRSTARTS(STR(DATATYPE({x})), {quote(ILL_TYPED)})"
    by_type = f"IF({dt} = {bound_dt}, false, IF({dt} > {bound_dt}, 1, -1) {op} 0)"
    others = f"IF({well_typed} && {dt} IN ({', '.join(map(quote, _TIMES))}), false, {by_type})"
    numbers = f"COALESCE({_value(x)} {op} {literal(bound)}, false)"
    return f"(isLiteral({x}) && IF({_number(x)}, {numbers}, !{_string_valued(x)} && {others}))"


def _minus(body: str) -> str:
    """Rewrite ``FILTER NOT EXISTS { BGP }`` as ``MINUS { BGP }`` where that is equivalent.

    Oxigraph re-evaluates a NOT EXISTS pattern for every solution with a plan made for unbound
    variables, which is slow on big stores; MINUS is one anti-join. The two agree when the outer
    group is a basic graph pattern with filters (so its variables are always bound), the inner
    pattern is a basic graph pattern, and they share a variable that the outer pattern binds.
    """
    masked = _MASKED.sub(lambda m: "_" * len(m.group()), body)
    blocks, depth, skip = [], 0, 0
    for match in re.finditer(r"\bFILTER\s+NOT\s+EXISTS\s*\{|[{}]", masked, re.IGNORECASE):
        if match.start() < skip:
            continue
        if match.group() in "{}":
            depth += 1 if match.group() == "{" else -1
        elif depth == 0:
            close = masked.find("}", match.end())
            if close < 0:
                return body
            blocks.append((match.start(), match.end(), close))
            skip = close + 1
        else:
            depth += 1
    outer = masked
    for start, _, close in reversed(blocks):
        outer = outer[:start] + " " * (close + 1 - start) + outer[close + 1 :]
    filters = r"\bFILTER\b\s*(\w*)\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
    outer = re.sub(filters, lambda m: " " * len(m.group()), outer, flags=re.IGNORECASE)
    if "{" in outer or "}" in outer or _BLOCKERS.search(outer):
        return body
    for start, open_end, close in reversed(blocks):
        inner, bound = (
            masked[open_end:close],
            set(re.findall(r"[?$](\w+)", outer[:start])) | {"this"},
        )
        shared = set(re.findall(r"[?$](\w+)", inner)) & set(
            re.findall(r"[?$](\w+)", masked[:start] + masked[close:])
        )
        # MINUS applies to what precedes it: the shared variables must be bound before the block.
        if "{" not in inner and not _BLOCKERS.search(inner) and shared and shared <= bound:
            # Restricting the MINUS pattern to the focus nodes too keeps incremental runs small.
            body = body[:start] + "MINUS { " + (FOCUS if "this" in shared else "") + body[open_end:]
    return body


# --- the compiler --------------------------------------------------------------------------------


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
        roots = {s for t in _ALL_TARGETS for s in self.g.subjects(t, None)}
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
            terms = sorted(self.target_node(n) for n in nodes)
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
            bad = self.bad_pair(param, "?value", "?other")
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
        text = str(select)
        for variable in ("currentShape", "shapesGraph", "failure"):
            if re.search(rf"[?$]{variable}\b", text):
                raise UnsupportedShapeError(f"{self.name(shape)}: ${variable} in sh:select")
        if "$PATH" in text:
            if not isinstance(path, URIRef):
                raise UnsupportedShapeError(f"{self.name(shape)}: $PATH without a predicate path")
            text = text.replace("$PATH", iri(path))
        text = re.sub(r"[?$]this\b", "?this", text)
        keyword = re.search(r"\bSELECT\b", text, re.IGNORECASE)
        if keyword is None or "{" not in text[keyword.end() :] or not text.rstrip().endswith("}"):
            raise UnsupportedShapeError(f"{self.name(shape)}: cannot read the sh:select query")
        brace = text.index("{", keyword.end())
        head = text[keyword.end() : brace]
        if not re.match(r"\s*(DISTINCT|REDUCED)\b", head, re.IGNORECASE):
            head = " DISTINCT" + head
        if "?this" not in head and "*" not in head:
            head = re.sub(r"(DISTINCT|REDUCED)", r"\1 ?this", head, count=1, flags=re.IGNORECASE)
        end = text.rstrip().rindex("}")
        prefixes = "".join(
            f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>\n"
            for p in self.g.objects(constraint, SH.prefixes)
            for d in self.g.objects(p, SH.declare)
        )
        body = _minus(text[brace + 1 : end])
        query = f"{prefixes}{text[: keyword.end()]}{head}{{ {FOCUS} {TARGET}\n{body}\n{CHECK} }}"
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
        options = sorted({self.term(node, encoded=e) for e in (False, True)})
        return "(" + " || ".join(f"sameTerm({x}, {t})" for t in options) + ")"

    def target_node(self, node: Node) -> str:
        """Write a target node as fast_engine.add_graph stores it (typed literals losslessly)."""
        if not isinstance(node, Literal) or node.datatype is None or node.language:
            return self.term(node, encoded=False)
        prefix = ILL_TYPED if node.ill_typed else TYPED
        return f"{quote(str(node))}^^<{prefix}{node.datatype}>"

    def term(self, node: Node, *, encoded: bool) -> str:
        return literal(node, encoded=encoded) if isinstance(node, Literal) else iri(node)

    def bad(self, shape: Node, param: URIRef, value: Node, x: str, depth: int = 0) -> str:
        """Return a SPARQL expression, true when value node ``x`` violates ``param value``."""
        if param == SH["class"]:
            return f"(isLiteral({x}) || NOT EXISTS {{ %%INSTANCE {x} {iri(value)}%% }})"
        if param == SH.datatype:
            return f"!{self.datatype(value, x)}"
        if param == SH.nodeKind:
            if value not in _KINDS:
                raise UnsupportedShapeError(f"{self.name(shape)}: unknown sh:nodeKind {value}")
            return "!" + _KINDS[value].format(x=x, iri=_is_iri(x), bnode=_is_bnode(x))  # type: ignore[index]
        if param == SH["in"]:
            options = {self.term(m, encoded=e) for m in self.members(value) for e in (False, True)}
            return f"!({' || '.join(f'sameTerm({x}, {t})' for t in sorted(options)) or 'false'})"
        if param == SH.pattern:
            text, flags = str(value), str(self.one(shape, SH.flags) or "")
            if re.search(r"\(\?[=!<]|\\[1-9]", text):
                raise UnsupportedShapeError(
                    f"{self.name(shape)}: sh:pattern with lookaround or backreferences"
                )
            return f"({_is_bnode(x)} || !REGEX(STR({x}), {quote(text)}, {quote(flags)}))"
        if param in (SH.minLength, SH.maxLength):
            # pyshacl: a blank node never passes; a length of 0 at least always does.
            n = self.count(shape, param, value)
            if param == SH.minLength and n == 0:
                return "false"
            op = "<" if param == SH.minLength else ">"
            return f"({_is_bnode(x)} || STRLEN(STR({x})) {op} {n})"
        if param in _RANGES:
            if not isinstance(value, Literal):
                raise UnsupportedShapeError(f"{self.name(shape)}: {compress(str(param))} {value}")
            return f"!{_order(x, _RANGES[param], value)}"
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

    def datatype(self, value: Node, x: str) -> str:
        """Return a SPARQL expression, true when ``x`` matches ``sh:datatype value`` as in pyshacl."""
        if not str(value).startswith(str(XSD)):
            raise UnsupportedShapeError(f"sh:datatype {value}: only XSD datatypes")
        native = f"DATATYPE({x}) = {iri(value)}"
        if value == XSD.string:
            native = f'({native} && LANG({x}) = "")'
        elif value in _CASTABLE:
            native = f"({native} && COALESCE(isLiteral({iri(value)}(STR({x}))), false))"
        return f"(isLiteral({x}) && (DATATYPE({x}) = <{TYPED}{value}> || {native}))"

    def bad_pair(self, param: URIRef, a: str, b: str) -> str:
        """Pyshacl's lessThan(OrEquals): strings (and IRIs) as strings, other literals as rdflib orders them."""
        op = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}[param]
        a_str, b_str, a_dt, b_dt = _string_valued(a), _string_valued(b), _datatype(a), _datatype(b)
        values = (
            f"IF({_number(a)} && {_number(b)}, !COALESCE({_value(a)} {op} {_value(b)}, false), "
            f"!COALESCE({_original(a)} {op} {_original(b)}, false))"
        )
        literals = (
            f"IF(({_number(a)} && {_number(b)}) || {a_dt} = {b_dt}, {values}, !({a_dt} < {b_dt}))"
        )
        general = (
            f"IF({a_str} != {b_str}, true, IF({a_str}, !(STR({a}) {op} STR({b})), {literals}))"
        )
        return f"IF({_number(a)} && {_number(b)}, !COALESCE({_value(a)} {op} {_value(b)}, false), {general})"

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
                f"NOT EXISTS {{ {x} {p} {a} . {x} {iri(other)} {b} FILTER({self.bad_pair(param, a, b)}) }}"
            )
        return tests
