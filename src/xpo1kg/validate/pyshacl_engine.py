"""SHACL validation of instance data with pyshacl (no inference, no imports, no remote fetches)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from xpo1kg.errors import InputError, XPO1KGError
from xpo1kg.rdf.loading import RDFSource, read_graph
from xpo1kg.rdf.namespaces import compress
from xpo1kg.resources import data_files, ontology_file, shapes_file

__all__ = [
    "ENGINES",
    "Engine",
    "ValidationReport",
    "ValidationResult",
    "validate",
    "validate_graph",
]

#: The SHACL engines: ``pyshacl`` (the reference) and ``fast`` (the shapes compiled to SPARQL
#: and run on Oxigraph; the same results, much faster on big data).
Engine = Literal["pyshacl", "fast"]
ENGINES: tuple[Engine, ...] = get_args(Engine)


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

    def line(self) -> str:
        """Render as one line: focus node label, property, message."""
        where = compress(self.path) if self.path else "-"
        node = compress(self.focus_node)
        name = node if self.focus_label == node else f"{self.focus_label} ({node})"
        return f"{name} {where}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """Whether the data conforms, and every violation sorted by focus node and path."""

    conforms: bool
    results: tuple[ValidationResult, ...]

    def __bool__(self) -> bool:
        """Return True when the data conforms."""
        return self.conforms

    def lines(self) -> list[str]:
        """Return one readable line per violation."""
        return [result.line() for result in self.results]


@cache
def _shapes() -> Graph:
    return read_graph([shapes_file()])


@cache
def _ontology() -> Graph:
    return read_graph([ontology_file()])


def validate_graph(data: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Validate a data graph against the shipped shapes, with the ontology for class information.

    >>> from xpo1kg import load_graph
    >>> validate_graph(load_graph().graph).conforms
    True
    """
    from pyshacl import validate as pyshacl_validate  # imported here: it is slow to import

    if ontology is None:
        ontology = _ontology()
    conforms, report, _ = pyshacl_validate(
        data,
        shacl_graph=_shapes(),
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=False,
        js=False,
        do_owl_imports=False,
    )
    if not isinstance(report, Graph):
        # pyshacl returns a failure object, not a report, when the shapes themselves are broken.
        raise XPO1KGError(f"validation could not run: {report}")
    labels = data + ontology
    results = sorted(_flatten(report, labels), key=_order)
    return ValidationReport(conforms=bool(conforms), results=tuple(results))


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
) -> ValidationReport:
    """Validate RDF files, a persistent store, or (when neither is given) the bundled data.

    ``with_bundled`` adds the bundled data as context, so that a file of new measurements may refer
    to the inhibitors and cell lines already in the graph. ``engine`` picks pyshacl (the reference)
    or the fast engine of :mod:`xpo1kg.validate.fast_engine`; both give the same report. ``store`` validates
    the contents of a store directory made by ``xpo1kg load`` instead of files.

    >>> validate().conforms
    True
    >>> validate(engine="fast").conforms
    True
    """
    if engine not in ENGINES:
        raise InputError(
            f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}"
        )
    sources: list[RDFSource] = [Path(f) for f in files]
    if store is not None:
        if sources:
            raise InputError("give FILES or --store, not both")
        from xpo1kg.store.knowledge_graph import (
            load_graph,  # imported here: graph imports this module's users
        )

        kg = load_graph(store=Path(store))
        if engine == "fast":
            from xpo1kg.validate.fast_engine import validate_store  # fastshacl imports this module

            return validate_store(kg.store.oxigraph)
        return validate_graph(kg.graph)
    if not sources or with_bundled:
        sources = [*data_files(), *sources]
    if engine == "fast":
        from xpo1kg.validate.fast_engine import validate_fast

        return validate_fast(read_graph(sources))
    return validate_graph(read_graph(sources))


def _flatten(report: Graph, labels: Graph) -> Iterable[ValidationResult]:
    def text(node: Node | None) -> str | None:
        return None if node is None else str(node)

    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        label = labels.value(focus, RDFS.label) if focus is not None else None
        yield ValidationResult(
            focus_node=str(focus),
            focus_label=str(label) if label is not None else compress(str(focus)),
            path=text(report.value(result, SH.resultPath)),
            value=text(report.value(result, SH.value)),
            message=str(report.value(result, SH.resultMessage) or "constraint violated"),
            severity=compress(str(report.value(result, SH.resultSeverity))),
            constraint_component=compress(str(report.value(result, SH.sourceConstraintComponent))),
            source_shape=str(report.value(result, SH.sourceShape)),
        )
