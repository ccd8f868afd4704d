"""SHACL validation of instance data with pyshacl (no inference, no imports, no remote fetches)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from rdflib import Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from xpo1kg.errors import InputError, XPO1KGError
from xpo1kg.rdf.indexed_store import IndexedGraph
from xpo1kg.rdf.loading import RDFSource, read_graph
from xpo1kg.rdf.namespaces import XO, compress
from xpo1kg.resources import data_files, ontology_file, shapes_file
from xpo1kg.validate.paths import path_text, show_path

__all__ = [
    "ENGINES",
    "Engine",
    "UnusableShapesError",
    "ValidationReport",
    "ValidationResult",
    "validate",
    "validate_graph",
]

#: The SHACL engines: ``pyshacl`` (the reference) and ``fast`` (the shapes compiled to SPARQL
#: and run on Oxigraph; the same results, much faster on big data).
Engine = Literal["pyshacl", "fast"]
ENGINES: tuple[Engine, ...] = get_args(Engine)


class UnusableShapesError(InputError):
    """Shapes that SHACL cannot use (pyshacl refuses to load them)."""


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL violation, flattened from the report graph."""

    focus_node: str
    focus_label: str
    path: str | None
    value: str | None
    message: str
    severity: str
    constraint_component: str
    source_shape: str
    #: Where in the input the problem is written, when a check knows it (the closed vocabulary).
    source_file: str | None = None
    source_line: int | None = None

    def line(self) -> str:
        """Render as one line: [file:line:] focus node, property, message, and the value found.

        >>> ValidationResult("https://w3id.org/xpo1kg/resource/M", "M", XO_VALUE, "12 nM",
        ...     "A measurement has one xo:value", "sh:Violation", "sh:DatatypeConstraintComponent",
        ...     "_:s").line()
        'M (xr:M) xo:value: A measurement has one xo:value (found "12 nM")'
        """
        node = compress(self.focus_node)
        name = node if self.focus_label == node else f"{self.focus_label} ({node})"
        where = f"{name} {show_path(self.path)}" if self.path else name
        shown = _shown(self.value) if self.value not in (None, self.focus_node) else None
        found = f" (found {shown})" if shown is not None else ""
        place = ""
        if self.source_file is not None:
            place = (
                f"{self.source_file}:{self.source_line}: "
                if self.source_line
                else f"{self.source_file}: "
            )
        return f"{place}{where}: {self.message}{found}"


XO_VALUE = str(XO.value)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>]+$")


def _shown(value: str | None) -> str | None:
    """Show a value as found: an IRI as a CURIE (or itself), anything else quoted."""
    if value is None:
        return None
    curie = compress(value)
    if curie != value or (_SCHEME.match(value) and "://" in value):
        return curie
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class ValidationReport:
    """Whether the data conforms, and every violation sorted by focus node and path."""

    conforms: bool
    results: tuple[ValidationResult, ...]
    #: The shapes the fast engine could not compile and pyshacl validated instead, each with why
    #: (``"ex:S: sh:closed is not supported"``); empty for pyshacl and for fully compiled shapes.
    fallback: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """Return True when the data conforms."""
        return self.conforms

    def lines(self) -> list[str]:
        """Return one readable line per violation, each once.

        Two constraints of one shape may reject the same value with the same message
        (``sh:datatype`` and ``sh:minExclusive`` for ``xo:value "12 nM"``): one line says it.
        """
        return list(dict.fromkeys(result.line() for result in self.results))


@cache
def _shapes() -> Graph:
    return read_graph([shapes_file()])


@cache
def _ontology() -> Graph:
    return read_graph([ontology_file()])


def validate_graph(
    data: Graph,
    ontology: Graph | None = None,
    *,
    shapes: Graph | None = None,
    focus_nodes: Sequence[str] | None = None,
) -> ValidationReport:
    """Validate a data graph against ``shapes`` (the shipped ones by default), with the ontology.

    >>> from xpo1kg import load_graph
    >>> validate_graph(load_graph().graph).conforms
    True
    """
    from pyshacl import validate as pyshacl_validate  # imported here: it is slow to import
    from pyshacl.errors import ReportableRuntimeError

    if ontology is None:
        ontology = _ontology()
    target = _prepared_copy(data)
    try:
        conforms, report, _ = pyshacl_validate(
            target,
            shacl_graph=_indexed(_shapes() if shapes is None else shapes),
            ont_graph=ontology,
            # pyshacl would copy the data to add the ontology's axioms to it; target is that copy.
            inplace=target is not data,
            inference="none",
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
            advanced=False,
            js=False,
            do_owl_imports=False,
            # Only these focus nodes (IRIs), against the shapes that target them.
            focus_nodes=None if focus_nodes is None else [URIRef(n) for n in focus_nodes],
        )
    except ReportableRuntimeError as error:
        # A user's shapes that SHACL cannot use (a property shape without sh:path...).
        reason = " ".join(str(getattr(error, "message", error)).split())
        raise UnusableShapesError(f"the SHACL shapes cannot be used: {reason}") from None
    if not isinstance(report, Graph):
        # pyshacl returns a failure object, not a report, when the shapes themselves are broken.
        raise XPO1KGError(f"validation could not run: {report}")
    # Both graphs read in place: a union would copy every triple to look up a few labels.
    labels = ReadOnlyGraphAggregate([data, ontology])
    results = sorted(_flatten(report, labels), key=_order)
    return ValidationReport(conforms=bool(conforms), results=tuple(results))


def _prepared_copy(data: Graph) -> Graph:
    """Copy the data into a graph that prepares each SHACL-SPARQL query once (see the module)."""
    if data.context_aware:  # a dataset: pyshacl validates the union of its graphs itself
        return data
    # Imported here: it loads rdflib's SPARQL engine, which a command that does not validate
    # (``xpo1kg query`` runs on Oxigraph) should not pay for at start-up.
    from xpo1kg.validate.prepared_graph import PreparedQueryGraph

    return PreparedQueryGraph.copy_of(data)


def _indexed(shapes: Graph) -> Graph:
    """Return the shapes on an indexed store, which pyshacl reads faster (a copy if need be)."""
    if isinstance(shapes, IndexedGraph) or shapes.context_aware:  # a dataset stays as it is
        return shapes
    return IndexedGraph.copy_of(shapes)


def _order(result: ValidationResult) -> tuple[str, ...]:
    # Node-level results have no path: sort them as an empty path, not as None.
    return (
        result.focus_node,
        result.path or "",
        result.value or "",
        result.message,
        result.constraint_component,
        result.severity,
        result.source_shape,
    )


def validate(
    files: Iterable[str | Path] = (),
    *,
    with_bundled: bool = False,
    engine: Engine = "pyshacl",
    store: str | Path | None = None,
    shapes: Iterable[str | Path] = (),
    with_bundled_shapes: bool = False,
) -> ValidationReport:
    """Validate RDF files, a persistent store, or (when neither is given) the bundled data.

    Besides the SHACL shapes, the closed vocabulary is checked (:mod:`xpo1kg.validate.vocabulary`):
    an ``xo:`` property or class that the ontology does not define is a violation naming the file,
    the line and the closest defined terms.

    ``with_bundled`` adds the bundled data as context, so that a file of new measurements may refer
    to the inhibitors and cell lines already in the graph. ``engine`` picks pyshacl (the reference)
    or the fast engine of :mod:`xpo1kg.validate.fast_engine`; both give the same report. ``store`` validates
    the contents of a store directory made by ``xpo1kg load`` instead of files.

    ``shapes`` (files) replaces the bundled shapes, and ``with_bundled_shapes`` adds the bundled
    ones to them (see :mod:`xpo1kg.validate.user_shapes`). The fast engine validates the shapes it
    cannot compile with pyshacl; the report's ``fallback`` names them (and a
    :class:`~xpo1kg.validate.fast_engine.FallbackWarning` says so). A data file that declares
    shapes, and is not also given in ``shapes``, is refused (:class:`~xpo1kg.errors.InputError`).

    >>> validate().conforms
    True
    >>> validate(engine="fast").conforms
    True
    """
    if engine not in ENGINES:
        raise InputError(
            f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}"
        )
    from xpo1kg.validate.user_shapes import read_shapes

    shape_files = [Path(f) for f in shapes]
    sources: list[RDFSource] = [Path(f) for f in files]
    if store is not None and sources:
        raise InputError("give FILES or --store, not both")
    shapes_graph = read_shapes(shape_files, with_bundled=with_bundled_shapes)
    try:
        return _validate(sources, with_bundled, engine, store, shapes_graph, shape_files)
    except UnusableShapesError as error:
        if not shape_files:
            raise
        raise UnusableShapesError(f"{', '.join(map(str, shape_files))}: {error}") from None


def _validate(
    sources: list[RDFSource],
    with_bundled: bool,
    engine: Engine,
    store: str | Path | None,
    shapes_graph: Graph | None,
    shape_files: list[Path],
) -> ValidationReport:
    from xpo1kg.validate.user_shapes import refuse_shapes_as_data
    from xpo1kg.validate.vocabulary import check_vocabulary, merge, store_vocabulary_results

    if store is not None:
        from xpo1kg.store.knowledge_graph import (
            ONTOLOGY_GRAPH,
            load_graph,  # imported here: graph imports this module's users
        )

        kg = load_graph(store=Path(store), inferred=False)
        if engine == "fast":
            from xpo1kg.validate.fast_engine import validate_fast  # it imports this module

            report = validate_fast(
                kg.store.oxigraph, shapes=shapes_graph, rdflib_data=lambda: kg.graph
            )
        else:
            report = validate_graph(kg.graph, shapes=shapes_graph)
        found = store_vocabulary_results(kg.store.oxigraph, skip_graphs=[ONTOLOGY_GRAPH])
        return merge(report, found)
    if not sources or with_bundled:
        sources = [*data_files(), *sources]
    data = read_graph(sources)
    refuse_shapes_as_data(data, sources, shape_files)
    if engine == "fast":
        from xpo1kg.validate.fast_engine import validate_fast

        return check_vocabulary(validate_fast(data, shapes=shapes_graph), data, sources)
    return check_vocabulary(validate_graph(data, shapes=shapes_graph), data, sources)


def _flatten(report: Graph, labels: Graph) -> Iterable[ValidationResult]:
    def text(node: Node | None) -> str | None:
        return None if node is None else str(node)

    # Only the report's own results: those that pyshacl nests under sh:detail (why a value does not
    # conform to the shape of its sh:node) are explanations, not results of their own.
    tops = report.subjects(RDF.type, SH.ValidationReport)
    for result in {r for top in tops for r in report.objects(top, SH.result)}:
        focus = report.value(result, SH.focusNode)
        label = labels.value(focus, RDFS.label) if focus is not None else None
        yield ValidationResult(
            focus_node=str(focus),
            focus_label=str(label) if label is not None else compress(str(focus)),
            path=path_text(report, report.value(result, SH.resultPath)),
            value=text(report.value(result, SH.value)),
            message=str(report.value(result, SH.resultMessage) or "constraint violated"),
            severity=compress(str(report.value(result, SH.resultSeverity))),
            constraint_component=compress(str(report.value(result, SH.sourceConstraintComponent))),
            source_shape=str(report.value(result, SH.sourceShape)),
        )
