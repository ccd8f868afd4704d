"""The ``xpo1kg`` command line: a thin layer over the Python API."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, Self, cast

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
USER_OPTION = click.option(
    "--user",
    metavar="NAME",
    help="User name for the --endpoint server (Basic or Digest, as it asks); the password is "
    "read from $XPO1KG_PASSWORD or a netrc file.",
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
    """Split ``NAME=VALUE`` options; refuse a name that is not a SPARQL variable name."""
    import pyoxigraph as ox

    bindings: dict[str, str] = {}
    for value in values:
        name, sep, term = _utf8(value, "--bind").partition("=")
        if not sep or not name:
            raise InputError(
                f"--bind {value!r}: expected NAME=VALUE (for example --bind acc=P04637)"
            )
        try:
            ox.Variable(name.lstrip("?$"))
        except ValueError:
            raise InputError(
                f"--bind {value!r}: {name!r} is not a SPARQL variable name (letters, digits, _)"
            ) from None
        bindings[name] = term
    return bindings


def _utf8(text: str, option: str) -> str:
    """Refuse text that came from bytes which are not UTF-8 (Python keeps them as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InputError(
            f"{option}: not valid UTF-8 at character {error.start + 1}: give UTF-8 text"
        ) from None
    return text


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
@USER_OPTION
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
    user: str | None,
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
    text = _utf8(sparql, "--sparql") if sparql is not None else resolve_query(cast(str, name))
    if not isinstance(text, str) and text.requires_inference and not inferred:
        click.echo(f"note: {text.name} needs inference to be complete; add --inferred", err=True)
    if endpoint is None and user is not None:
        raise InputError("--user is for an --endpoint server")
    if endpoint is not None:
        if data or store or inferred:
            raise InputError(
                "--endpoint queries the server's data: drop --data, --store, --inferred"
            )
        from xpo1kg.store.remote import RemoteEndpoint, credentials

        _check(None, text, list(bindings), allow_unknown_terms)
        sparql_text = text if isinstance(text, str) else text.sparql
        server = RemoteEndpoint(endpoint, auth=credentials(endpoint, user))
        result = server.query(sparql_text, bindings)
    else:
        kg = load_graph(data, inferred=inferred, store=store)
        _check(kg, text, list(bindings), allow_unknown_terms)
        result = kg.query(text, bindings, check="ignore")
    if output_format == "table" and not isinstance(text, str):
        click.echo(f"{text.title}\n{text.question}\n")
        if text.requires_inference and inferred:
            click.echo(
                "Inferred: these answers rest on facts the OWL reasoner deduced; see why "
                "with `xpo1kg explain SUBJECT PREDICATE OBJECT`.\n"
            )
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
    target = str(store) if store is not None else ", ".join(str(f) for f in files)
    report = validate(
        files, with_bundled=with_bundled, engine="fast" if fast else "pyshacl", store=store
    )
    target = target or "bundled data"
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
    """Export the ontology and the data together, deterministically.

    With --inferred, N-Quads and TriG keep the inferred facts in their own named graph; the
    single-graph formats add them with their provenance nodes (knowledge level
    "logical_entailment", rule, premises), so each inferred triple stays marked as inferred.
    """
    kg = load_graph(data, inferred=inferred, store=store)
    if export_format in QUAD_FORMATS:
        parts = list(kg.parts) + ([(INFERRED_GRAPH, kg.inferred)] if kg.inferred else [])
        content = serialize_dataset(parts, export_format)
    else:
        content = serialize(kg.graph + kg.inferred if kg.inferred else kg.graph, export_format)
    if str(output) == "-":
        click.echo(content.decode("utf-8"), nl=False)
        return
    atomic_write(output, content)  # a failure: `cannot write OUTPUT: reason`, exit 2
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
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@STORE_OPTION
@ENDPOINT_OPTION
@click.option(
    "--graph-store",
    metavar="URL",
    help="Graph Store Protocol URL of the --endpoint server (default: Oxigraph's …/store).",
)
@USER_OPTION
@click.option(
    "--inferred",
    is_flag=True,
    help="With --endpoint: also push the reasoner's inferred facts, in their own named graph.",
)
@reports_errors
def load_command(
    files: Sequence[Path],
    store: Path | None,
    endpoint: str | None,
    graph_store: str | None,
    user: str | None,
    inferred: bool,
) -> None:
    """Load FILES into a persistent store (--store DIR), or into a SPARQL server (--endpoint URL).

    A server receives the bundled graph too (and, with --inferred, the inferred graph).
    """
    if (store is None) == (endpoint is None):
        raise InputError("give --store DIR or --endpoint URL")
    if endpoint is None and (graph_store or user or inferred):
        raise InputError("--graph-store, --user and --inferred are for --endpoint")
    if endpoint is not None:
        _load_into_server(endpoint, graph_store, user, files, inferred=inferred)
        return
    if not files:
        raise InputError("give the FILES to load into the store")
    from xpo1kg.store.embedded import writing_store
    from xpo1kg.store.persistent import check_files, load_files, open_store

    try:
        paths = check_files(files)  # a bad file: refused before the store is created or touched
    except KeyboardInterrupt:
        _interrupted("nothing was written")
    existed = cast(Path, store).exists()
    with (
        _DeferredInterrupt() as interrupt,  # Ctrl-C now stops after the file being loaded
        writing_store(cast(Path, store)),  # a full disk: one line naming the store
    ):
        target = open_store(cast(Path, store), create=True)
        total = sum(f.stat().st_size for f in paths)
        with click.progressbar(
            length=total, label="loading", file=sys.stderr, hidden=not sys.stderr.isatty()
        ) as bar:
            graphs = load_files(
                target, paths, advance=bar.update, checked=True, stop=interrupt.requested
            )
    for graph in graphs:
        click.echo(f"{graph}\t{target.count([graph]):,} triples")
    if interrupt.requested():
        left = [p.name for p in paths[len(graphs) :]]
        done = (
            f"the graph{'s' if len(graphs) > 1 else ''} {', '.join(f'<{g}>' for g in graphs)} "
            f"{'were' if len(graphs) > 1 else 'was'} loaded completely"
            if graphs
            else ("the store was created with the bundled graph" if not existed else "")
        )
        not_loaded = f"not loaded: {', '.join(left)}" if left else ""
        _interrupted(
            "; ".join(part for part in (done, not_loaded) if part) or "nothing was written"
        )


class _DeferredInterrupt:
    """Ctrl-C noted, not raised, while the store is written.

    The load in progress finishes (a bulk load cannot be undone halfway), then the command stops
    and says what it did.
    """

    def __init__(self) -> None:
        self._count = 0

    def requested(self) -> bool:
        """Whether Ctrl-C was pressed."""
        return self._count > 0

    def _note(self, signum: int, frame: object) -> None:
        self._count += 1
        if self._count == 1:
            click.echo("\ninterrupt: finishing the file being loaded, then stopping…", err=True)

    def __enter__(self) -> Self:
        self._previous = signal.signal(signal.SIGINT, self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)


def _interrupted(what: str) -> NoReturn:
    """Say what an interrupted command did, and exit with 130 (128 + SIGINT, as shells do)."""
    click.echo(f"interrupted; {what}", err=True)
    sys.exit(130)


def _load_into_server(
    endpoint: str,
    graph_store: str | None,
    user: str | None,
    files: Sequence[Path],
    *,
    inferred: bool,
) -> None:
    """PUT the bundled graph, FILES and (``inferred``) the inferred graph, one named graph each."""
    from xpo1kg.store.remote import RemoteEndpoint, credentials

    auth = credentials(graph_store or endpoint, user)
    server = RemoteEndpoint(endpoint, graph_store=graph_store, auth=auth)
    facts = b""
    if inferred:  # reason before anything is sent: an inconsistent graph changes nothing
        kg = load_graph(files, inferred=True)
        if kg.inferred is not None:
            facts = kg.inferred.serialize(format="nt", encoding="utf-8")
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
    if inferred:
        server.push_data(
            facts, "application/n-triples", str(INFERRED_GRAPH), what="upload of the inferred graph"
        )
    extra = ", the bundled graph and the inferred graph" if inferred else " and the bundled graph"
    click.echo(f"loaded {len(files)} file(s){extra} into {endpoint}", err=True)


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
    from xpo1kg.store.embedded import Store

    opened = Store(store, create=False, read_only=True)  # never created, never written
    rows = [(URIRef(g), Literal(n)) for g, n in opened.graphs().items()]
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
    from xpo1kg.store.embedded import writing_store
    from xpo1kg.store.persistent import drop_graph, open_store

    with writing_store(store):
        drop_graph(open_store(store), graph)
    click.echo(f"dropped {graph}", err=True)


@main.command()
@click.argument("text")
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(min=1), help="At most this many."
)
@DATA_OPTION
@STORE_OPTION
@FORMAT_OPTION
@reports_errors
def find(
    text: str, limit: int, data: Sequence[Path], store: Path | None, output_format: OutputFormat
) -> None:
    """Find entities by name, synonym, identifier, CURIE or IRI; prefixes, words and typos match.

    Prints CURIE, label, type, the name that matched and why, best match first. When nothing
    matches, the closest names are suggested and the exit code is 2 (as for an unknown query).
    """
    index = load_graph(data, store=store).search_index
    hits = index.search(text, limit)
    if not hits:
        close = ", ".join(f"{h.matched} ({h.curie})" for h in index.suggest(text, 5))
        hint = f"; did you mean: {close}?" if close else ""
        raise InputError(f"nothing matches {text!r}{hint}")
    columns = ["CURIE", "label", "type", "matched", "why"]
    rows = [tuple(Literal(v) for v in (h.curie, h.label, h.type, h.matched, h.why)) for h in hits]
    click.echo(QueryResult(columns, rows).render(output_format), nl=False)


from xpo1kg.cli.explain import explain_command
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
main.add_command(explain_command, name="explain")

if __name__ == "__main__":
    main()
