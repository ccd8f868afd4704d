"""SHACL validation of instance data with pyshacl (no inference, no imports, no remote fetches)."""

from __future__ import annotations

import json
import re
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
        where = f"{name} {compress(self.path)}" if self.path else name
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


XO_VALUE = "https://w3id.org/xpo1kg/ontology/value"
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

    Besides the SHACL shapes, the closed vocabulary is checked (:mod:`xpo1kg.validate.vocabulary`):
    an ``xo:`` property or class that the ontology does not define is a violation naming the file,
    the line and the closest defined terms.

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
    from xpo1kg.validate.vocabulary import check_vocabulary, merge, store_vocabulary_results

    sources: list[RDFSource] = [Path(f) for f in files]
    if store is not None:
        if sources:
            raise InputError("give FILES or --store, not both")
        from xpo1kg.store.knowledge_graph import (
            ONTOLOGY_GRAPH,
            load_graph,  # imported here: graph imports this module's users
        )

        kg = load_graph(store=Path(store), inferred=False)
        if engine == "fast":
            from xpo1kg.validate.fast_engine import validate_store  # fastshacl imports this module

            report = validate_store(kg.store.oxigraph)
        else:
            report = validate_graph(kg.graph)
        found = store_vocabulary_results(kg.store.oxigraph, skip_graphs=[ONTOLOGY_GRAPH])
        return merge(report, found)
    if not sources or with_bundled:
        sources = [*data_files(), *sources]
    data = read_graph(sources)
    if engine == "fast":
        from xpo1kg.validate.fast_engine import validate_fast

        return check_vocabulary(validate_fast(data), data, sources)
    return check_vocabulary(validate_graph(data), data, sources)


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
