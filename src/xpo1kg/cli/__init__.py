"""The ``xpo1kg`` command line: a thin layer over the Python API."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import click
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from xpo1kg.cli.options import DATA_OPTION, INFERRED_OPTION, STORE_OPTION, reports_errors
from xpo1kg.errors import InputError
from xpo1kg.query.catalog import CompetencyQuery, list_queries, resolve_query
from xpo1kg.query.checks import QueryCheckError, check_query
from xpo1kg.query.results import OutputFormat, QueryResult
from xpo1kg.rdf.loading import graph_name
from xpo1kg.rdf.serialize import (
    EXPORT_FORMATS,
    FORMAT_ALIASES,
    QUAD_FORMATS,
    ExportFormat,
    atomic_write,
    serialize,
    serialize_dataset,
)
from xpo1kg.rdf.serialize import export_format as resolve_export_format
from xpo1kg.reason.reasoner import INFERRED_GRAPH, Mode, ReasonerName
from xpo1kg.resources import data_files, ontology_file
from xpo1kg.store.knowledge_graph import KnowledgeGraph, load_graph
from xpo1kg.validate.pyshacl_engine import validate

__all__ = ["main"]

ENDPOINT_OPTION = click.option(
    "--endpoint",
    metavar="URL",
    help="The SPARQL query URL of a SPARQL 1.1 server to use instead of the embedded store.",
)
REASONER_OPTION = click.option(
    "--reasoner",
    type=click.Choice(["hermit", "pellet"]),
    default="hermit",
    show_default=True,
    help="OWL 2 DL reasoner (run through owlready2 on Java).",
)
MODE_OPTION = click.option(
    "--mode",
    type=click.Choice(["auto", "dl", "rl"]),
    default="auto",
    show_default=True,
    help="dl: the DL reasoner on everything; rl: the DL reasoner on the ontology and OWL 2 RL on "
    "the data; auto: rl above 50,000 triples.",
)
FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "tsv", "json"], case_sensitive=False),
    default="table",
    show_default=True,
    help="How to print results: an aligned table for people, CSV/TSV/JSON for programs.",
)


@click.group()
@click.version_option(package_name="xpo1kg")
def main() -> None:
    """Query, validate and export the XPO1 inhibition knowledge graph."""


@main.command()
@FORMAT_OPTION
@reports_errors
def queries(output_format: OutputFormat) -> None:
    """List the competency queries."""
    rows = [(Literal(q.name), Literal(q.title), Literal(q.question)) for q in list_queries()]
    result = QueryResult(["name", "title", "question"], rows)
    if output_format == "table":
        for query in list_queries():
            click.echo(f"{query.name}\n    {query.title}\n    {query.question}")
        return
    click.echo(result.render(output_format), nl=False)


def _parse_bindings(values: Sequence[str]) -> dict[str, str]:
    bindings: dict[str, str] = {}
    for value in values:
        name, sep, term = value.partition("=")
        if not sep or not name:
            raise InputError(
                f"--bind {value!r}: expected NAME=VALUE (for example --bind acc=P04637)"
            )
        bindings[name] = term
    return bindings


def _check(
    kg: KnowledgeGraph | None,
    query: str | CompetencyQuery,
    bindings: Sequence[str],
    allow_unknown_terms: bool,
) -> None:
    """Refuse a query with problems (unknown terms only warned about if allowed)."""
    problems = check_query(query, None if kg is None else kg.vocabulary, bindings)
    allowed = [p for p in problems if p.kind == "unknown-term" and allow_unknown_terms]
    for problem in allowed:
        click.echo(f"warning: {problem.message}", err=True)
    refused = [p for p in problems if p not in allowed]
    if refused:
        error = QueryCheckError(refused)
        if any(p.kind == "unknown-term" for p in refused):
            error.args = (f"{error} (add --allow-unknown-terms to run it anyway)",)
        raise error


@main.command()
@click.argument("name", required=False)
@click.option("--sparql", help="SPARQL text to run instead of a named query or a .rq file.")
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query variable (a CURIE or IRI becomes an IRI, anything else a literal).",
)
@click.option(
    "--allow-unknown-terms",
    is_flag=True,
    help="Run a query that names xo:/xr: terms the graph does not know (a warning, not an error).",
)
@DATA_OPTION
@STORE_OPTION
@ENDPOINT_OPTION
@INFERRED_OPTION
@FORMAT_OPTION
@reports_errors
def query(
    name: str | None,
    sparql: str | None,
    binds: Sequence[str],
    allow_unknown_terms: bool,
    data: Sequence[Path],
    store: Path | None,
    endpoint: str | None,
    inferred: bool,
    output_format: OutputFormat,
) -> None:
    """Run a competency query by NAME, a .rq file, or --sparql TEXT.

    The query is checked first: an xo:/xr: term the graph does not know is an error (with the
    closest known terms) unless --allow-unknown-terms; so are a --bind of a variable the query
    does not have and a selected variable that nothing binds.
    """
    bindings = _parse_bindings(binds)  # first: `--bind acc P04637` makes P04637 the NAME
    if (name is None) == (sparql is None):
        raise InputError("give a query NAME (or FILE.rq) or --sparql TEXT, not both or neither")
    text = sparql if sparql is not None else resolve_query(cast(str, name))
    if not isinstance(text, str) and text.requires_inference and not inferred:
        click.echo(f"note: {text.name} needs inference to be complete; add --inferred", err=True)
    if endpoint is not None:
        if data or store or inferred:
            raise InputError(
                "--endpoint queries the server's data: drop --data, --store, --inferred"
            )
        from xpo1kg.store.remote import RemoteEndpoint

        _check(None, text, list(bindings), allow_unknown_terms)
        sparql_text = text if isinstance(text, str) else text.sparql
        result = RemoteEndpoint(endpoint).query(sparql_text, bindings)
    else:
        kg = load_graph(data, inferred=inferred, store=store)
        _check(kg, text, list(bindings), allow_unknown_terms)
        result = kg.query(text, bindings, check="ignore")
    if output_format == "table" and not isinstance(text, str):
        click.echo(f"{text.title}\n{text.question}\n")
    click.echo(result.render(output_format), nl=False)


@main.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--with-bundled",
    is_flag=True,
    help="Validate the files together with the bundled data they may refer to.",
)
@STORE_OPTION
@click.option(
    "--engine",
    type=click.Choice(["auto", "fast", "pyshacl"]),
    default="auto",
    show_default=True,
    help="fast: the shapes compiled to SPARQL on Oxigraph (same results, much faster on big "
    "data); pyshacl: the reference; auto: fast for --store, pyshacl for files.",
)
@reports_errors
def validate_command(
    files: Sequence[Path], with_bundled: bool, store: Path | None, engine: str
) -> None:
    """Validate FILES (or the bundled data) with the SHACL shapes: exit 0 conforms, 1 violations."""
    if store is not None and files:
        raise InputError("give FILES or --store, not both")
    fast = engine == "fast" or (engine == "auto" and store is not None)
    if store is not None:
        target = str(store)
        kg = load_graph(store=store)
        if fast:
            from xpo1kg.validate.fast_engine import validate_store

            report = validate_store(kg.store.oxigraph)
        else:
            from xpo1kg.validate.pyshacl_engine import validate_graph

            report = validate_graph(kg.graph)
        from xpo1kg.store.knowledge_graph import ONTOLOGY_GRAPH
        from xpo1kg.validate.vocabulary import merge, store_vocabulary_results

        found = store_vocabulary_results(kg.store.oxigraph, skip_graphs=[ONTOLOGY_GRAPH])
        report = merge(report, found)
    else:
        target = ", ".join(str(f) for f in files) or "bundled data"
        if fast:
            from xpo1kg.rdf.loading import RDFSource, read_graph
            from xpo1kg.validate.fast_engine import validate_fast
            from xpo1kg.validate.vocabulary import check_vocabulary

            sources: list[RDFSource] = [Path(f) for f in files]
            if not sources or with_bundled:
                sources = [*data_files(), *sources]
            data = read_graph(sources)
            report = check_vocabulary(validate_fast(data), data, sources)
        else:
            report = validate(files, with_bundled=with_bundled)
    if report.conforms:
        click.echo(f"{target}: conforms")
        return
    lines = report.lines()
    for line in lines:
        click.echo(line)
    count = len(lines)
    click.echo(f"{target}: {count} violation{'s' if count != 1 else ''}", err=True)
    dangling = any(r.constraint_component == "sh:ClassConstraintComponent" for r in report.results)
    if files and not with_bundled and dangling:
        click.echo("hint: links to things the file does not describe; try --with-bundled", err=True)
    sys.exit(1)


@main.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(sorted([*EXPORT_FORMATS, *FORMAT_ALIASES]), case_sensitive=False),
    default="ttl",
    show_default=True,
    callback=lambda _context, _option, value: resolve_export_format(value),
    help="Serialisation: Turtle, N-Triples, JSON-LD, RDF/XML (xml, rdf or rdfxml), or (with "
    "named graphs: one per source file, one for inferred facts) N-Quads and TriG. Any case.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="File to write (atomically), or - for standard output.",
)
@DATA_OPTION
@STORE_OPTION
@INFERRED_OPTION
@reports_errors
def export(
    export_format: ExportFormat,
    output: Path,
    data: Sequence[Path],
    store: Path | None,
    inferred: bool,
) -> None:
    """Export the ontology and the data together, deterministically."""
    if inferred and export_format not in QUAD_FORMATS:
        raise InputError("inferred facts keep their own named graph: use --format nq or trig")
    kg = load_graph(data, inferred=inferred, store=store)
    if export_format in QUAD_FORMATS:
        parts = list(kg.parts) + ([(INFERRED_GRAPH, kg.inferred)] if kg.inferred else [])
        content = serialize_dataset(parts, export_format)
    else:
        content = serialize(kg.graph, export_format)
    if str(output) == "-":
        click.echo(content.decode("utf-8"), nl=False)
        return
    try:
        atomic_write(output, content)
    except OSError as error:
        raise InputError(f"{output}: cannot write ({error.strerror})") from None
    click.echo(f"wrote {output} ({len(content):,} bytes)", err=True)


@main.command()
@DATA_OPTION
@STORE_OPTION
@FORMAT_OPTION
@reports_errors
def stats(data: Sequence[Path], store: Path | None, output_format: OutputFormat) -> None:
    """Count the instances of every class (subclasses included)."""
    kg = load_graph(data, store=store)
    result = kg.stats()
    click.echo(result.render(output_format), nl=False)
    if output_format == "table":
        click.echo(f"{len(kg):,} triples")


@main.command(name="reason")
@DATA_OPTION
@REASONER_OPTION
@MODE_OPTION
@FORMAT_OPTION
@reports_errors
def reason_command(
    data: Sequence[Path], reasoner: ReasonerName, mode: Mode, output_format: OutputFormat
) -> None:
    """Check consistency with an OWL reasoner and list what it infers (exit 1 if inconsistent)."""
    from xpo1kg.reason.reasoner import reason

    kg = load_graph(data)
    click.echo(f"reasoning over {len(kg):,} triples ({reasoner}, mode {mode})…", err=True)
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


@main.command(name="load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@STORE_OPTION
@ENDPOINT_OPTION
@click.option(
    "--graph-store",
    metavar="URL",
    help="Graph Store Protocol URL of the --endpoint server (default: Oxigraph's …/store).",
)
@reports_errors
def load_command(
    files: Sequence[Path], store: Path | None, endpoint: str | None, graph_store: str | None
) -> None:
    """Load FILES into a persistent store (--store DIR) or a SPARQL server (--endpoint URL)."""
    if (store is None) == (endpoint is None):
        raise InputError("give --store DIR or --endpoint URL")
    if endpoint is not None:
        from xpo1kg.store.remote import RemoteEndpoint

        server = RemoteEndpoint(endpoint, graph_store=graph_store)
        bundled = [ontology_file(), *data_files()]
        with click.progressbar(
            [*bundled, *files],
            label="uploading",
            file=sys.stderr,
            item_show_func=_name,
            hidden=not sys.stderr.isatty(),
        ) as bar:
            for source in bar:
                server.push(Path(str(source)), str(graph_name(source)))
        click.echo(f"loaded {len(files)} file(s) and the bundled graph into {endpoint}", err=True)
        return
    from xpo1kg.store.persistent import load_files, open_store

    target = open_store(cast(Path, store))
    total = sum(f.stat().st_size for f in files if f.is_file())
    with click.progressbar(
        length=total, label="loading", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        graphs = load_files(target, files, advance=bar.update)
    for graph in graphs:
        click.echo(f"{graph}\t{target.count([graph]):,} triples")


def _name(source: object) -> str:
    return getattr(source, "name", "") if source is not None else ""


@main.command()
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="A store directory.",
)
@FORMAT_OPTION
@reports_errors
def graphs(store: Path, output_format: OutputFormat) -> None:
    """List the named graphs of a store, with their sizes."""
    from xpo1kg.store.persistent import open_store

    rows = [(URIRef(g), Literal(n)) for g, n in open_store(store).graphs().items()]
    click.echo(QueryResult(["graph", "triples"], rows).render(output_format), nl=False)


@main.command()
@click.argument("graph")
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="A store directory.",
)
@reports_errors
def drop(graph: str, store: Path) -> None:
    """Drop a user GRAPH (IRI, or the file name it was loaded from) from a store."""
    from xpo1kg.store.persistent import drop_graph, open_store

    drop_graph(open_store(store), graph)
    click.echo(f"dropped {graph}", err=True)


@main.command()
@click.argument("text")
@DATA_OPTION
@reports_errors
def find(text: str, data: Sequence[Path]) -> None:
    """Find entities by CURIE, IRI, label, synonym or external identifier."""
    entities = load_graph(data).find(text)
    if not entities:
        raise InputError(f"nothing matches {text!r}")
    for entity in entities:
        click.echo(f"{entity.label}\t{entity.iri}\t{', '.join(entity.types)}")


from xpo1kg.cli.figures import figures_command, report_command
from xpo1kg.cli.ingest import ingest_command
from xpo1kg.cli.release import describe_command, release_command
from xpo1kg.cli.serve import serve_command

main.add_command(figures_command, name="figures")
main.add_command(report_command, name="report")
main.add_command(ingest_command, name="ingest")
main.add_command(release_command, name="release")
main.add_command(describe_command, name="describe")
main.add_command(serve_command, name="serve")

if __name__ == "__main__":
    main()
