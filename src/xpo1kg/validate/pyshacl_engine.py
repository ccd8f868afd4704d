"""SHACL validation of instance data with pyshacl (no inference, no imports, no remote fetches)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from xpo1kg.errors import XPO1KGError
from xpo1kg.rdf.loading import RDFSource, read_graph
from xpo1kg.rdf.namespaces import compress
from xpo1kg.resources import data_files, ontology_file, shapes_file

__all__ = ["ValidationReport", "ValidationResult", "validate", "validate_graph"]


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


def validate(files: Iterable[str | Path] = (), *, with_bundled: bool = False) -> ValidationReport:
    """Validate RDF files (or, when none are given, the bundled data).

    ``with_bundled`` adds the bundled data as context, so that a file of new measurements may refer
    to the inhibitors and cell lines already in the graph.

    >>> validate().conforms
    True
    """
    sources: list[RDFSource] = [Path(f) for f in files]
    if not sources or with_bundled:
        sources = [*data_files(), *sources]
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
