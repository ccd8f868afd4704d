"""The query commands: list and run the competency queries, find entities, count instances."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import click
from rdflib import Literal

from xpo1kg.cli.options import (
    DATA_OPTION,
    ENDPOINT_OPTION,
    FORMAT_OPTION,
    INFERRED_OPTION,
    STORE_OPTION,
    TIMEOUT_OPTION,
    USER_OPTION,
    reports_errors,
    warn_inference,
)
from xpo1kg.errors import InputError
from xpo1kg.query.catalog import CompetencyQuery, list_queries, resolve_query
from xpo1kg.query.checks import QueryCheckError, check_query
from xpo1kg.query.inference import needs_inference
from xpo1kg.query.results import OutputFormat, QueryResult
from xpo1kg.rdf.namespaces import compress
from xpo1kg.store.knowledge_graph import KnowledgeGraph, load_graph

__all__ = ["find", "queries", "query", "stats"]


@click.command()
@FORMAT_OPTION
@reports_errors
def queries(output_format: OutputFormat) -> None:
    """List the competency queries."""
    rows = [(Literal(q.name), Literal(q.title), Literal(q.question)) for q in list_queries()]
    result = QueryResult(["name", "title", "question"], rows)
    if output_format == "table":
        for query in list_queries():
            click.echo(f"{query.name}\n    {query.title}\n    {query.question}")
            for p in query.parameters:
                kind = f"entity({compress(p.entity_class)})" if p.entity_class else p.type
                example = f", e.g. {p.example}" if p.example else ""
                click.echo(f"    --{p.name.replace('_', '-')} ({kind}{example})")
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


def _parse_parameters(
    query: CompetencyQuery | str, options: Sequence[str], extra: Sequence[str]
) -> dict[str, str]:
    """Read ``--param NAME=VALUE`` options and the named form ``--NAME VALUE`` (or ``--NAME=VALUE``).

    The named form is what is left after click's own options: each name must be a parameter the
    query's header declares (``-`` and ``_`` alike, so ``--cell-line`` is ``cell_line``).
    """
    pairs: list[tuple[str, str, str]] = []  # (name, value, as written)
    for option in options:
        name, sep, value = _utf8(option, "--param").partition("=")
        if not sep or not name:
            raise InputError(
                f"--param {option!r}: expected NAME=VALUE (--param inhibitor=selinexor)"
            )
        pairs.append((name, value, f"--param {option}"))
    args = list(extra)
    while args:
        word = _utf8(args.pop(0), "option")
        if not word.startswith("--") or word == "--":
            raise InputError(f"unexpected argument {word!r}")
        name, sep, value = word[2:].partition("=")
        if not sep:
            if not args:
                raise InputError(f"{word} needs a value ({word} VALUE)")
            value = _utf8(args.pop(0), word)
        pairs.append((name, value, word))
    if pairs and isinstance(query, str):
        raise InputError(
            "query parameters are for a named query or .rq file; use --bind with --sparql"
        )
    values: dict[str, str] = {}
    for name, value, written in pairs:
        assert isinstance(query, CompetencyQuery)
        key = name.replace("-", "_")
        if key in values:
            raise InputError(f"{written}: parameter {key} is given twice")
        if key not in {p.name for p in query.parameters}:
            known = ", ".join("--" + p.name.replace("_", "-") for p in query.parameters)
            raise InputError(
                f"{written}: {query.name} has no parameter {key!r} "
                f"({'its parameters: ' + known if known else 'it has no parameters'})"
            )
        values[key] = value
    return values


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
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
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter the query declares (`xpo1kg queries`); also --NAME VALUE after the query.",
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
@TIMEOUT_OPTION
@INFERRED_OPTION
@FORMAT_OPTION
@click.pass_context
@reports_errors
def query(
    ctx: click.Context,
    name: str | None,
    sparql: str | None,
    binds: Sequence[str],
    params: Sequence[str],
    allow_unknown_terms: bool,
    data: Sequence[Path],
    store: Path | None,
    endpoint: str | None,
    user: str | None,
    timeout: float | None,
    inferred: bool | None,
    output_format: OutputFormat,
) -> None:
    """Run a competency query by NAME, a .rq file, or --sparql TEXT.

    Inferred facts are included unless --no-inferred; a query that needs them (its header says
    `# requires: inference`) and runs without them gets a warning on stderr.

    The query is checked first: an xo:/xr: term the graph does not know is an error (with the
    closest known terms) unless --allow-unknown-terms; so are a --bind of a variable the query
    does not have and a selected variable that nothing binds.

    A query's declared parameters (listed by `xpo1kg queries`) are given after NAME as
    --NAME VALUE (`xpo1kg query ic50_table --inhibitor selinexor`) or --param NAME=VALUE;
    an entity takes a name, synonym, identifier or CURIE.
    """
    bindings = _parse_bindings(binds)  # first: `--bind acc P04637` makes P04637 the NAME
    if (name is None) == (sparql is None):
        raise InputError("give a query NAME (or FILE.rq) or --sparql TEXT, not both or neither")
    text = _utf8(sparql, "--sparql") if sparql is not None else resolve_query(cast(str, name))
    parameters = _parse_parameters(text, params, ctx.args)
    if endpoint is None and (user is not None or timeout is not None):
        raise InputError("--user and --timeout are for an --endpoint server")
    with_inferred = False
    if endpoint is not None:
        if data or store or inferred is not None:
            raise InputError(
                "--endpoint queries the server's data: drop --data, --store, --(no-)inferred"
            )
        if needs_inference(text):
            click.echo(
                "note: this query needs inferred facts: the server must hold them "
                "(`xpo1kg load --endpoint URL --inferred`)",
                err=True,
            )
        from xpo1kg.store.remote import RemoteEndpoint, credentials

        if parameters:
            raise InputError("query parameters need the graph to read names: drop --endpoint")
        _check(None, text, list(bindings), allow_unknown_terms)
        sparql_text = text if isinstance(text, str) else text.sparql
        server = RemoteEndpoint(endpoint, auth=credentials(endpoint, user), timeout=timeout)
        result = server.query(sparql_text, bindings)
    else:
        kg = load_graph(data, inferred=inferred, store=store)
        if parameters:
            from xpo1kg.query.parameters import apply_parameters

            assert isinstance(text, CompetencyQuery)
            text = apply_parameters(kg, text, parameters)
        _check(kg, text, list(bindings), allow_unknown_terms)
        warn_inference(kg, text)
        result = kg.query(text, bindings, check="ignore")
        with_inferred = kg.has_inferred
    if output_format == "table" and not isinstance(text, str):
        click.echo(f"{text.title}\n{text.question}\n")
        if text.requires_inference and with_inferred:
            click.echo(
                "Inferred: these answers rest on facts the OWL reasoner deduced; see why "
                "with `xpo1kg explain SUBJECT PREDICATE OBJECT`.\n"
            )
    click.echo(result.render(output_format), nl=False)


@click.command()
@DATA_OPTION
@STORE_OPTION
@INFERRED_OPTION
@FORMAT_OPTION
@reports_errors
def stats(
    data: Sequence[Path], store: Path | None, inferred: bool | None, output_format: OutputFormat
) -> None:
    """Count the instances of every class (subclasses included; inferred types unless --no-inferred)."""
    kg = load_graph(data, store=store, inferred=inferred)
    warn_inference(kg)
    result = kg.stats()
    click.echo(result.render(output_format), nl=False)
    if output_format == "table":
        inferred_graph = kg.inferred
        extra = f" (+{len(inferred_graph):,} inferred)" if inferred_graph is not None else ""
        click.echo(f"{len(kg):,} triples{extra}")


@click.command()
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
