"""The competency queries shipped in ``queries/``: one ``.rq`` file each, with a header comment.

Each file starts with ``# title:``, ``# question:`` and ``# answer:`` lines (which may run on over
further ``#`` lines) and, for queries whose answer only a reasoner can give, ``# requires:
inference`` (``# needs: inference`` is read the same way); then the SPARQL text. That header line is
how every interface knows that a query needs the inferred facts, and warns when it runs without
them (:mod:`xpo1kg.query.inference`); SPARQL text pasted with its header counts too.

A query may declare parameters, one ``# param:`` line each (see ``docs/queries.md``)::

    # param: inhibitor | type: entity(xo:Inhibitor) | example: selinexor
    #   | description: The inhibitor: a name, synonym, identifier or CURIE.

The first field is the parameter's name, which is the name of a variable of the query; the others
are ``type`` (``entity(CLASS)``, ``iri``, ``string``, ``integer``, ``decimal``, ``boolean`` or
``date``; default ``string``), ``description``, ``example`` and ``values`` (the allowed values,
separated by commas). A given parameter is bound with a VALUES join (see
:mod:`xpo1kg.query.parameters`); a parameter left out does not filter.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from importlib.resources.abc import Traversable
from pathlib import Path

from xpo1kg.errors import InputError, UnknownQueryError
from xpo1kg.rdf.namespaces import expand
from xpo1kg.resources import query_files

__all__ = [
    "PARAMETER_TYPES",
    "CompetencyQuery",
    "QueryParameter",
    "get_query",
    "list_queries",
    "parse_query_file",
    "resolve_query",
]

_FIELDS = ("title", "question", "answer", "requires", "needs", "param")
#: The types a parameter may declare (``entity`` is written ``entity(CLASS)``).
PARAMETER_TYPES = ("entity", "iri", "string", "integer", "decimal", "boolean", "date")
_PARAMETER_FIELDS = ("type", "description", "example", "values")
#: Names a parameter may not take: they are keyword arguments of ``run_query`` or CLI options.
_RESERVED = frozenset(
    {"query", "bindings", "extra_files", "check", "format", "sparql", "bind", "data", "store",
     "endpoint", "user", "inferred", "param", "name", "allow_unknown_terms", "output_format"}
)  # fmt: skip
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ENTITY = re.compile(r"entity\(\s*([^()\s]+)\s*\)\Z")


@dataclass(frozen=True)
class QueryParameter:
    """A parameter a competency query declares: the variable it binds and how to read a value.

    ``type`` is one of :data:`PARAMETER_TYPES`; for ``entity``, ``entity_class`` is the IRI of the
    class whose members (subclasses included) the value must name.
    """

    name: str
    type: str = "string"
    description: str = ""
    example: str = ""
    values: tuple[str, ...] = ()
    entity_class: str | None = None

    def __repr__(self) -> str:
        kind = f"entity({self.entity_class})" if self.entity_class else self.type
        return f"<QueryParameter {self.name}: {kind}>"


def parse_parameter(text: str, where: str = "") -> QueryParameter:
    """Read a ``# param:`` line's text (after ``param:``); ``where`` prefixes error messages.

    >>> parse_parameter("inhibitor | type: entity(xo:Inhibitor) | example: selinexor")
    <QueryParameter inhibitor: entity(https://w3id.org/xpo1kg/ontology/Inhibitor)>
    >>> parse_parameter("n | type: integer").type
    'integer'
    """
    prefix = f"{where}: " if where else ""
    name, *fields = (part.strip() for part in text.split("|"))
    name = name.lstrip("?$")
    if not _NAME.match(name):
        raise InputError(f"{prefix}param: {name!r} is not a variable name (letters, digits, _)")
    if name in _RESERVED:
        raise InputError(f"{prefix}param: {name!r} is reserved (an option of run_query or the CLI)")
    found: dict[str, str] = {}
    for item in fields:
        key, sep, value = item.partition(":")
        key = key.strip().lower()
        if not sep or key not in _PARAMETER_FIELDS:
            known = ", ".join(_PARAMETER_FIELDS)
            raise InputError(
                f"{prefix}param {name}: expected 'FIELD: value' ({known}), got {item!r}"
            )
        if key in found:
            raise InputError(f"{prefix}param {name}: {key} is given twice")
        found[key] = value.strip()
    kind = found.get("type", "string") or "string"
    entity_class = None
    if entity := _ENTITY.match(kind):
        written = entity.group(1).strip("<>")
        entity_class = expand(written) or (written if "://" in written else None)
        if entity_class is None:
            raise InputError(f"{prefix}param {name}: unknown prefix in class {written!r}")
        kind = "entity"
    elif kind == "entity" or kind not in PARAMETER_TYPES:
        raise InputError(
            f"{prefix}param {name}: unknown type {kind!r} (expected entity(CLASS), "
            + ", ".join(PARAMETER_TYPES[1:])
            + ")"
        )
    values = tuple(v.strip() for v in found.get("values", "").split(",") if v.strip())
    return QueryParameter(
        name=name,
        type=kind,
        description=found.get("description", ""),
        example=found.get("example", ""),
        values=values,
        entity_class=entity_class,
    )


@dataclass(frozen=True)
class CompetencyQuery:
    """A named SPARQL query with the question it answers."""

    name: str
    title: str
    question: str
    answer: str
    sparql: str
    requires_inference: bool = False
    #: Shipped in ``queries/`` (the test-suite checks these; see :mod:`xpo1kg.query.checks`).
    shipped: bool = False
    #: The parameters its header declares, in header order.
    parameters: tuple[QueryParameter, ...] = field(default=())

    def __repr__(self) -> str:
        params = ", ".join(p.name for p in self.parameters)
        return f"<CompetencyQuery {self.name}({params}): {self.title!r}>"

    def parameter(self, name: str) -> QueryParameter:
        """Return the parameter called ``name``; an unknown name is an :class:`InputError`."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise InputError(f"{self.name} has no parameter {name!r} (its parameters: {known})")


def parse_query_file(name: str, text: str) -> CompetencyQuery:
    r"""Read a query file's header and body.

    >>> q = parse_query_file("demo", "# title: Demo\n# question: What?\n# answer: Rows.\nASK {}")
    >>> q.title, q.sparql.endswith("ASK {}")
    ('Demo', True)
    """
    header: dict[str, str] = {}
    params: list[tuple[int, str]] = []  # (line number, text)
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        content = stripped.lstrip("#").strip()
        key, sep, value = content.partition(":")
        if sep and key.strip().lower() in _FIELDS:
            current = key.strip().lower()
            if current == "param":
                params.append((number, value.strip()))
            else:
                header[current] = value.strip()
        elif current == "param" and content:
            params[-1] = (params[-1][0], f"{params[-1][1]} {content}")
        elif current and content:
            header[current] = f"{header[current]} {content}"
    parameters = tuple(parse_parameter(t, f"{name}.rq:{number}") for number, t in params)
    seen: set[str] = set()
    for (number, _), parameter in zip(params, parameters, strict=True):
        if parameter.name in seen:
            raise InputError(f"{name}.rq:{number}: param {parameter.name} is declared twice")
        seen.add(parameter.name)
    return CompetencyQuery(
        name=name,
        title=header.get("title", name),
        question=header.get("question", ""),
        answer=header.get("answer", ""),
        sparql=text.strip(),
        requires_inference=any(
            "inference" in header.get(key, "").lower() for key in ("requires", "needs")
        ),
        parameters=parameters,
    )


def _load(file: Traversable) -> CompetencyQuery:
    query = parse_query_file(file.name.removesuffix(".rq"), file.read_text(encoding="utf-8"))
    return replace(query, shipped=True)


def list_queries() -> list[CompetencyQuery]:
    """Return the shipped competency queries, sorted by name.

    >>> "cargo_triggering_apoptosis" in [q.name for q in list_queries()]
    True
    """
    return [_load(file) for file in query_files()]


def get_query(name: str) -> CompetencyQuery:
    """Return a shipped query by name; suggest the closest names when it does not exist."""
    queries = {query.name: query for query in list_queries()}
    try:
        return queries[name]
    except KeyError:
        suggestions = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
        suggestions += [q for q in queries if name and name in q and q not in suggestions]
        raise UnknownQueryError(name, suggestions[:3]) from None


def resolve_query(name_or_path: str) -> CompetencyQuery:
    """Return a shipped query by name, or read a ``.rq`` file from disk."""
    if name_or_path.endswith((".rq", ".sparql")):
        path = Path(name_or_path)
        from xpo1kg.rdf.loading import decode_text, reporting_read_errors

        with reporting_read_errors(str(path)):
            raw = path.read_bytes()
        return parse_query_file(path.stem, decode_text(raw, str(path)))
    return get_query(name_or_path)
