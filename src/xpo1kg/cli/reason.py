"""The reason command: consistency and the inferred facts of an OWL reasoner."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from xpo1kg.cli.options import (
    DATA_OPTION,
    FORMAT_OPTION,
    MODE_OPTION,
    REASONER_OPTION,
    reports_errors,
)
from xpo1kg.query.results import OutputFormat, QueryResult
from xpo1kg.reason.reasoning_report import Mode, ReasonerName
from xpo1kg.store.knowledge_graph import KnowledgeGraph, load_graph

__all__ = ["reason_command"]


@click.command(name="reason")
@DATA_OPTION
@REASONER_OPTION
@MODE_OPTION
@FORMAT_OPTION
@reports_errors
def reason_command(
    data: Sequence[Path], reasoner: ReasonerName, mode: Mode, output_format: OutputFormat
) -> None:
    """Check consistency with an OWL reasoner and list what it infers (exit 1 if inconsistent)."""
    from xpo1kg.reason.reasoner import reason, reason_with_rules
    from xpo1kg.reason.rules import oxigraph_triples
    from xpo1kg.store.embedded import INFERRED_GRAPH_IRI as INFERRED
    from xpo1kg.store.embedded import META_GRAPH_IRI as META

    kg = load_graph(data, inferred=False)  # it reasons itself
    click.echo(f"reasoning over {len(kg):,} triples ({reasoner}, mode {mode})…", err=True)
    if reasoner == "rules":  # straight from the store: no rdflib copy of a big graph
        report = reason_with_rules(
            oxigraph_triples(kg.store.oxigraph, sorted(kg.store.graph_names() - {INFERRED, META})),
            kg.ontology,
            lambda iri: None if kg.label(URIRef(iri)) == iri else kg.label(URIRef(iri)),
        )
    else:
        report = reason(kg.graph, kg.ontology, reasoner=reasoner, mode=mode)
    if not report.consistent:
        for problem in report.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    facts = [(s, kg.label(s), _relation(kg, p), o, kg.label(o)) for s, p, o in report.facts()]
    result = QueryResult(["subject", "subject_label", "inferred", "object", "object_label"], facts)  # type: ignore[arg-type]
    if output_format == "table":
        click.echo(f"consistent ({report.engine}, {report.seconds:.1f} s)")
        for cls in report.unsatisfiable_classes:
            click.echo(f"warning: unsatisfiable class {cls}")
    click.echo(result.render(output_format), nl=False)


def _relation(kg: KnowledgeGraph, predicate: URIRef) -> Literal:
    return Literal("is a" if predicate == RDF.type else kg.label(predicate))
