"""A shapes graph as the SHACL compiler reads it: parameters, names, paths, what it compiles.

Each function takes the shapes graph and raises
:class:`~xpo1kg.validate.compiled.UnsupportedShapeError`, naming the shape, on what the compiler
does not take: a SHACL parameter it does not compile, several values where SHACL allows one, a
path with no SPARQL form, a count that is not a non-negative integer.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from xpo1kg.rdf.namespaces import compress
from xpo1kg.validate.compiled import TARGET_PARAMETERS, UnsupportedShapeError
from xpo1kg.validate.paths import BadPathError, path_sparql, path_text, show_path

__all__ = [
    "COUNT_PARAMS",
    "PAIR_PARAMS",
    "VALUE_PARAMS",
    "check_parameters",
    "count_value",
    "is_active",
    "list_members",
    "one_value",
    "parameter_values",
    "shape_name",
    "shape_path",
    "sparql_path",
]


def _components(names: str) -> dict[URIRef, str]:
    """Map parameters to their constraint component names: sh:nodeKind -> "NodeKind"."""
    return {SH[n]: n[0].upper() + n[1:] for n in names.split()}


#: Parameters tested on each value node on its own.
VALUE_PARAMS = _components(
    "class datatype nodeKind in pattern minExclusive minInclusive maxExclusive maxInclusive "
    "or xone and not node minLength maxLength"
)
#: Parameters comparing the values of the path with those of another property.
PAIR_PARAMS = _components("lessThan lessThanOrEquals")
#: Parameters counting the values of the path.
COUNT_PARAMS = _components("minCount maxCount")
_SINGLE = (SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.path, SH.flags, SH.severity,
           SH.minLength, SH.maxLength)  # fmt: skip
_OTHER = {*_components("message severity deactivated name description order group defaultValue"),
          *_components("flags path property sparql"), *TARGET_PARAMETERS}  # fmt: skip


def one_value(shapes: Graph, shape: Node, param: URIRef) -> Node | None:
    """Return the value of ``param`` on ``shape``, if any; refuse several of a single one."""
    values = list(shapes.objects(shape, param))
    if len(values) > 1 and param in _SINGLE:
        raise UnsupportedShapeError(
            f"{shape_name(shapes, shape)}: more than one {compress(str(param))}"
        )
    return values[0] if values else None


def shape_name(shapes: Graph, shape: Node) -> str:
    """Name a shape for messages: its CURIE, or what a blank node shape constrains."""
    if isinstance(shape, URIRef):
        curie = compress(str(shape))
        if curie == str(shape):  # the shapes file's own prefixes
            curie = shapes.namespace_manager.normalizeUri(shape)
        return curie
    path = next(iter(shapes.objects(shape, SH.path)), None)
    if path is not None:
        return f"the property shape of {show_path(path_text(shapes, path) or '')}"
    return "a blank node shape"


def shape_path(shapes: Graph, shape: Node) -> Node | None:
    """Return the sh:path of ``shape`` (None for a node shape), refused when not compiled."""
    path = one_value(shapes, shape, SH.path)
    if path is not None:
        sparql_path(shapes, shape, path)
    return path


def sparql_path(shapes: Graph, shape: Node, path: Node) -> str:
    """Return the SPARQL property path of a shape's sh:path."""
    try:
        return path_sparql(shapes, path)
    except BadPathError as error:
        raise UnsupportedShapeError(f"{shape_name(shapes, shape)}: {error}") from None


def is_active(shapes: Graph, shape: Node) -> bool:
    """Return whether ``shape`` is not sh:deactivated."""
    flag = one_value(shapes, shape, SH.deactivated)
    return not (isinstance(flag, Literal) and flag.toPython() is True)


def check_parameters(shapes: Graph, shape: Node) -> None:
    """Refuse SHACL parameters that are not compiled."""
    known = {*VALUE_PARAMS, *PAIR_PARAMS, *COUNT_PARAMS, *_OTHER, SH.hasValue}
    for param in sorted(set(shapes.predicates(shape)), key=str):
        if str(param).startswith(str(SH)) and param not in known:
            raise UnsupportedShapeError(
                f"{shape_name(shapes, shape)}: {compress(str(param))} is not supported by the "
                "fast engine"
            )
    for param in _SINGLE:
        one_value(shapes, shape, param)


def list_members(shapes: Graph, node: Node) -> list[Node]:
    """Return the members of the RDF list at ``node``."""
    return list(Collection(shapes, node))


def parameter_values(
    shapes: Graph, shape: Node, table: Mapping[URIRef, object]
) -> list[tuple[URIRef, Node]]:
    """Return the (parameter, value) pairs of ``shape`` for the parameters of ``table``, sorted."""
    return sorted(((p, v) for p in table for v in shapes.objects(shape, p)), key=str)


def count_value(shapes: Graph, shape: Node, param: URIRef, value: Node) -> int:
    """Return the value of a count or length parameter, refused unless a non-negative integer."""
    if not isinstance(value, Literal) or not isinstance(value.value, int) or value.value < 0:
        raise UnsupportedShapeError(f"{shape_name(shapes, shape)}: {compress(str(param))} {value}")
    return value.value
