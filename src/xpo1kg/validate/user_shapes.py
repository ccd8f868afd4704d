"""Users' own SHACL shapes: reading them, and refusing a shapes file given as data.

``xpo1kg validate --shapes FILE`` (``validate(shapes=[...])``) validates against the user's shapes
instead of the bundled ones; ``--with-bundled-shapes`` (``with_bundled_shapes=True``) adds the
bundled ones, all in one shapes graph (a shape with the IRI of a bundled shape adds to it). A
shapes file is read by the project's one checked reader, so a bad file is refused as
``file:line: reason`` (exit 2).

A data file that declares shapes (``a sh:NodeShape``, ``sh:targetClass``, ``sh:property``...) is
an error unless it is also given as shapes: validated as data, shapes conform to nothing and the
answer would be a confident "conforms".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from xpo1kg.errors import InputError, ParseError
from xpo1kg.rdf.loading import RDFSource, display_name, is_shipped, parse_into, read_graph
from xpo1kg.rdf.namespaces import compress
from xpo1kg.resources import shapes_file
from xpo1kg.validate.vocabulary import _first_use, _text

__all__ = ["SHAPE_TERMS", "read_shapes", "refuse_shapes_as_data"]

#: Predicates and classes that only a shapes graph uses (what makes a node a shape).
SHAPE_TERMS: tuple[URIRef, ...] = (
    SH.NodeShape,
    SH.PropertyShape,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.property,
    SH.path,
)
_SHAPE_PREDICATES = SHAPE_TERMS[2:]


def read_shapes(files: Iterable[str | Path], *, with_bundled: bool = False) -> Graph | None:
    """Read the user's shapes files (and the bundled shapes too when ``with_bundled``).

    Return None when no file is given: the bundled shapes, which the engines keep compiled.
    """
    paths = [Path(f) for f in files]
    if not paths:
        return None
    graph = read_graph(paths)
    if not _shape_terms_in(graph):
        names = ", ".join(str(p) for p in paths)
        raise InputError(
            f"{names}: no SHACL shapes in --shapes (no sh:NodeShape, sh:targetClass, sh:property...)"
        )
    if with_bundled:
        parse_into(graph, shapes_file())
    return graph


def _shape_terms_in(graph: Graph) -> list[URIRef]:
    found = [t for t in SHAPE_TERMS[:2] if (None, RDF.type, t) in graph]
    return found + [p for p in _SHAPE_PREDICATES if (None, p, None) in graph]


def refuse_shapes_as_data(
    data: Graph, sources: Sequence[RDFSource], shapes: Iterable[str | Path] = ()
) -> None:
    """Raise if a user's data file declares SHACL shapes and is not also given as shapes.

    Only when the data graph has shapes at all is each file read again, alone, to name it.
    """
    if not _shape_terms_in(data):
        return
    given = {Path(s).resolve() for s in shapes}
    for source in sources:
        if is_shipped(source) or Path(str(source)).resolve() in given:
            continue
        terms = _shape_terms_in(read_graph([source]))
        if not terms:
            continue
        name = display_name(source)
        term, line = terms[0], None
        for candidate in terms:
            _, line = _first_use(str(candidate), [(name, _text(source))])
            if line is not None:
                term = candidate
                break
        raise ParseError(
            name,
            line,
            f"this file contains SHACL shapes ({compress(str(term))}); did you mean "
            f"--shapes {name}? (give it both as FILE and with --shapes to validate it as data too)",
        )
