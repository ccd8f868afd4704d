"""Any SPARQL 1.1 server: named queries over the SPARQL Protocol, data over the Graph Store Protocol."""

from __future__ import annotations

import itertools
import json
import netrc
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyparsing as pp
from rdflib.plugins.sparql import parser as sparql_grammar
from rdflib.term import BNode, Literal, Node, URIRef

from xpo1kg.errors import InputError, QuerySyntaxError, XPO1KGError
from xpo1kg.query.results import QueryResult
from xpo1kg.query.sparql_lexer import tokens
from xpo1kg.rdf.graphs import file_base
from xpo1kg.rdf.loading import graph_name
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.terms import Binding, canonical_literal, to_oxigraph
from xpo1kg.store.embedded import check_query_is_safe, rdf_format_of

__all__ = [
    "DEFAULT_TIMEOUT",
    "PASSWORD_VARIABLE",
    "RemoteEndpoint",
    "credentials",
    "place_bindings",
]

#: The environment variable holding the password of ``--user``.
PASSWORD_VARIABLE = "XPO1KG_PASSWORD"  # noqa: S105 - a variable's name, not a password
#: Seconds to wait for each answer of a server, unless told otherwise.
DEFAULT_TIMEOUT = 60.0

_CONTENT_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".xml": "application/rdf+xml",
}
_BOM = b"\xef\xbb\xbf"
_POSITION = re.compile(r"\berror at (\d+):(\d+)")


class RemoteEndpoint:
    """A SPARQL 1.1 server (Oxigraph, Fuseki, QLever, GraphDB, Virtuoso...).

    ``url`` is the SPARQL query URL. ``graph_store`` is the Graph Store Protocol URL used to push
    data; by default, Oxigraph's layout (``…/query`` → ``…/store``).
    """

    def __init__(
        self,
        url: str,
        *,
        graph_store: str | None = None,
        timeout: float | None = None,
        auth: tuple[str, str] | None = None,
    ) -> None:
        """Describe the server; nothing is contacted until a query or a push.

        ``timeout`` is how long to wait for each answer (:data:`DEFAULT_TIMEOUT` seconds if not
        given). ``auth`` is a user name and password, sent (Basic or Digest, as the server asks) to the
        query and graph store URLs when they answer 401; see :func:`credentials`.
        """
        for address in (url, graph_store or url):
            if not address.startswith(("http://", "https://")):
                raise InputError(f"{address}: an endpoint is an http(s) URL")
        self.url = url
        self.graph_store = graph_store or _default_graph_store(url)
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self._opener: urllib.request.OpenerDirector | None = None
        if auth is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, [self.url, self.graph_store], *auth)
            self._opener = urllib.request.build_opener(
                urllib.request.HTTPBasicAuthHandler(passwords),
                urllib.request.HTTPDigestAuthHandler(passwords),
            )

    def query(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> QueryResult:
        """Run a SELECT or ASK query, sent form-encoded (``query=``), as every server accepts.

        The project prefixes (``xo:``, ``xr:``...) are declared for the server, as the embedded
        store knows them. Bindings become a VALUES block at the start of the WHERE clause
        (:func:`place_bindings`), and typed numbers and booleans come back in their canonical
        form, as the embedded store writes them.
        """
        check_query_is_safe(sparql)
        prologue = _missing_prefixes(sparql)
        if prologue:
            sparql = f"{prologue}\n{sparql}"
        if bindings:
            sparql = place_bindings(sparql, bindings)
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
            self.url,
            data=urllib.parse.urlencode({"query": sparql}).encode("ascii"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
            method="POST",
        )
        try:
            body = self._send(request, what="query")
        except QuerySyntaxError as error:
            if not prologue:
                raise
            # Give the position in the user's text, not in the text with the added prologue.
            message = _POSITION.sub(lambda m: f"error at {int(m[1]) - 1}:{m[2]}", str(error))
            raise QuerySyntaxError(message) from None
        return _parse_results(body)

    def push(self, path: Path, graph: str | None = None, *, replace: bool = True) -> str:
        """Upload one RDF file into a named graph (PUT replaces it, POST adds to it)."""
        rdf_format_of(str(path))
        content_type = _CONTENT_TYPES.get(path.suffix.lower())
        if content_type is None:
            raise InputError(f"{path}: only Turtle, N-Triples and RDF/XML can be pushed")
        target = graph or str(graph_name(path))
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror})") from None
        if content_type == "text/turtle":
            # Relative IRIs resolve as in the embedded store, not against the graph store's URL.
            data = f"@base <{file_base(path.name)}> . ".encode() + (data.removeprefix(_BOM))
        self.push_data(data, content_type, target, what=f"upload of {path}", replace=replace)
        return target

    def push_data(
        self,
        data: bytes,
        content_type: str,
        graph: str,
        *,
        what: str = "upload",
        replace: bool = True,
    ) -> None:
        """Upload RDF ``data`` (of ``content_type``) into the named graph ``graph``."""
        url = f"{self.graph_store}?{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
            url,
            data=data,
            headers={"Content-Type": content_type},
            method="PUT" if replace else "POST",
        )
        self._send(request, what=what)

    def _send(self, request: urllib.request.Request, *, what: str) -> bytes:
        # urlopen is looked up at each call, so that a test can see that nothing was sent.
        send: Callable[..., Any] = (
            self._opener.open if self._opener is not None else urllib.request.urlopen
        )
        try:
            with send(request, timeout=self.timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            detail = " ".join(error.read().decode("utf-8", "replace").split())[:300]
            if error.code == 400 and what == "query":
                raise QuerySyntaxError(f"the server refused the query: {detail}") from None
            if error.code == 400:
                raise InputError(f"{what}: the server refused it: {detail}") from None
            if error.code in (401, 403):
                hint = "" if self._opener is not None else " (give --user NAME)"
                raise XPO1KGError(
                    f"{what} failed: HTTP {error.code} (not authorised) from "
                    f"{request.full_url}{hint}: {detail}"
                ) from None
            raise XPO1KGError(
                f"{what} failed: HTTP {error.code} from {request.full_url}: {detail}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise XPO1KGError(
                    f"{what}: no answer from {request.full_url} within {self.timeout:g} s "
                    "(a slow query or a busy server: allow longer with --timeout SECONDS)"
                ) from None
            raise XPO1KGError(f"cannot reach {request.full_url}: {reason}") from None


# The start of a SELECT or ASK query up to its WHERE group, located by rdflib's SPARQL grammar.
_UP_TO_WHERE = (
    sparql_grammar.Prologue
    + (sparql_grammar.SelectClause | pp.CaselessKeyword("ASK"))
    + pp.ZeroOrMore(sparql_grammar.DatasetClause)
    + pp.Optional(pp.CaselessKeyword("WHERE"))
    + pp.Located(sparql_grammar.GroupGraphPattern)("where")
)
_UP_TO_WHERE.ignore(sparql_grammar.QueryUnit.ignoreExprs[0])  # comments, as rdflib skips them


def place_bindings(sparql: str, bindings: Mapping[str, Binding], *, required: bool = False) -> str:
    r"""Bind variables with a VALUES block at the start of the query's WHERE clause.

    The WHERE group is found by rdflib's SPARQL grammar and wrapped, so that the block joins it
    before anything else, as every server evaluates it alike (Virtuoso mishandles a VALUES
    block after the query).

    A row that leaves a bound variable unbound (inside an OPTIONAL) is compatible with any value,
    so the join gives it the value. With ``required=True`` such rows are dropped instead (a
    ``FILTER(BOUND(...))`` closes the WHERE group): what a filter on a query parameter means.

    >>> place_bindings("SELECT ?x WHERE { ?x ?p ?o } LIMIT 1", {"p": "xo:value"})
    'SELECT ?x WHERE { VALUES (?p) { (<https://w3id.org/xpo1kg/ontology/value>) } { ?x ?p ?o } } LIMIT 1'
    >>> place_bindings("SELECT ?x { OPTIONAL { ?x ?p ?o } }", {"o": 1}, required=True)[-36:]
    '{ ?x ?p ?o }\n  FILTER(BOUND(?o)) } }'
    """
    start, end = _where_group(sparql)
    variables = [_variable(name) for name in bindings]
    names = " ".join(variables)
    values = " ".join(_data_value(value) for value in bindings.values())
    block = f"{{ VALUES ({names}) {{ ({values}) }} "
    group = sparql[start:end]
    if required and variables:
        bound = " && ".join(f"BOUND({v})" for v in variables)
        group = f"{group[:-1].rstrip()}\n  FILTER({bound}) }}"  # a line of its own: after a comment
    return f"{sparql[:start]}{block}{group} }}{sparql[end:]}"


@lru_cache(maxsize=64)  # parsing with rdflib's grammar takes a fraction of a second
def _where_group(sparql: str) -> tuple[int, int]:
    try:
        start, _, end = _UP_TO_WHERE.parse_string(sparql)["where"]
    except pp.ParseBaseException as error:
        raise QuerySyntaxError(
            f"cannot bind variables: not a SELECT or ASK query (line {error.lineno}, "
            f"column {error.column}: {error.msg})"
        ) from None
    return int(start), int(end)


def _variable(name: str) -> str:
    try:
        return str(ox.Variable(name.removeprefix("?").removeprefix("$")))
    except ValueError:
        raise InputError(f"{name!r} is not a SPARQL variable name") from None


def _data_value(value: Binding) -> str:
    try:
        term = to_oxigraph(value)
    except ValueError as error:
        raise InputError(f"cannot bind {value!r}: {error}") from None
    if isinstance(term, ox.BlankNode):
        raise InputError(f"a blank node ({term}) cannot be bound in a query sent to a server")
    return str(term)


def credentials(url: str, user: str | None) -> tuple[str, str] | None:
    """Find the user name and password to send to ``url`` (None: send none).

    ``user`` comes with the password in ``$XPO1KG_PASSWORD`` or, failing that, the one of the
    netrc file (``$NETRC`` or ``~/.netrc``) for the URL's host; without ``user``, the netrc
    entry of the host is used if there is one.
    """
    password = os.environ.get(PASSWORD_VARIABLE)
    if user is not None and password is not None:
        return user, password
    host = urllib.parse.urlsplit(url).hostname or ""
    entry = _netrc_entry(host)
    if entry is not None and (user is None or entry[0] in (user, "")):
        return user or entry[0], entry[1]
    if user is not None:
        raise InputError(
            f"no password for {user}: set {PASSWORD_VARIABLE} or add {host} to your netrc file"
        )
    return None


def _netrc_entry(host: str) -> tuple[str, str] | None:
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        found = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as error:
        raise InputError(f"{error.filename}:{error.lineno}: {error.msg}") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    if found is None:
        return None
    login, _, password = found
    return login, password


def _missing_prefixes(sparql: str) -> str:
    """Return PREFIX declarations for the project prefixes a query uses without declaring them.

    Read from the query's tokens: a prefixed name in a string or a comment is not a use, and a
    declaration in a comment declares nothing.

    >>> _missing_prefixes('PREFIX xo: <urn:x> SELECT * { ?s xo:p xr:TP53 } # rdfs:label "skos:"')
    'PREFIX xr: <https://w3id.org/xpo1kg/resource/>'
    """
    found = tokens(sparql)
    declared = {
        name.text[:-1]
        for keyword, name in itertools.pairwise(found)
        if keyword.kind == "word:PREFIX" and name.kind == "pname"
    }
    used = {token.text.partition(":")[0] for token in found if token.kind == "pname"}
    return " ".join(
        f"PREFIX {name}: <{iri}>"
        for name, iri in PREFIXES.items()
        if name in used and name not in declared
    )


def _default_graph_store(url: str) -> str:
    base = url.rstrip("/")
    for suffix in ("/query", "/sparql"):
        if base.endswith(suffix):
            return base[: -len(suffix)] + "/store"
    return base + "/store"


def _parse_results(body: bytes) -> QueryResult:
    try:
        document = json.loads(body)
    except ValueError:
        raise XPO1KGError("the server did not answer with SPARQL JSON results") from None
    if "boolean" in document:
        return QueryResult(["ask"], [(Literal(bool(document["boolean"])),)])
    columns = list(document["head"]["vars"])
    rows = [
        tuple(_term(binding.get(column)) for column in columns)
        for binding in document["results"]["bindings"]
    ]
    return QueryResult(columns, rows)


def _term(value: Mapping[str, str] | None) -> Node | None:
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype is None or datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value["value"])
    # Every server writes numbers its own way (Jena: 100.0, Oxigraph: 100): write them as the
    # embedded store does.
    lexical = canonical_literal(value["value"], datatype)
    return Literal(lexical, datatype=URIRef(datatype), normalize=False)
