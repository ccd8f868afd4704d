"""Any SPARQL 1.1 server: named queries over the SPARQL Protocol, data over the Graph Store Protocol."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from rdflib.term import BNode, Literal, Node, URIRef

from xpo1kg.errors import InputError, QuerySyntaxError, XPO1KGError
from xpo1kg.query.results import QueryResult
from xpo1kg.rdf.loading import graph_name
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.terms import Binding, to_oxigraph
from xpo1kg.store.embedded import check_query_is_safe, rdf_format_of

__all__ = ["RemoteEndpoint"]

_CONTENT_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".xml": "application/rdf+xml",
}
_BOM = b"\xef\xbb\xbf"
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_POSITION = re.compile(r"\berror at (\d+):(\d+)")


class RemoteEndpoint:
    """A SPARQL 1.1 server (Oxigraph, Fuseki, QLever, GraphDB, Virtuoso...).

    ``url`` is the SPARQL query URL. ``graph_store`` is the Graph Store Protocol URL used to push
    data; by default, Oxigraph's layout (``…/query`` → ``…/store``).
    """

    def __init__(self, url: str, *, graph_store: str | None = None, timeout: float = 60) -> None:
        """Describe the server; nothing is contacted until a query or a push."""
        if not url.startswith(("http://", "https://")):
            raise InputError(f"{url}: an endpoint is an http(s) URL")
        self.url = url
        self.graph_store = graph_store or _default_graph_store(url)
        self.timeout = timeout

    def query(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> QueryResult:
        """Run a SELECT or ASK query; bindings become a trailing VALUES clause.

        The project prefixes (``xo:``, ``xr:``...) are declared for the server, as the embedded
        store knows them.
        """
        check_query_is_safe(sparql)
        prologue = _missing_prefixes(sparql)
        if prologue:
            sparql = f"{prologue}\n{sparql}"
        if bindings:
            names = " ".join(f"?{k.lstrip('?$')}" for k in bindings)
            terms = " ".join(str(to_oxigraph(v)) for v in bindings.values())
            sparql = f"{sparql}\nVALUES ({names}) {{ ({terms}) }}"
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
            self.url,
            data=sparql.encode("utf-8"),
            headers={
                "Content-Type": "application/sparql-query; charset=utf-8",
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
        url = f"{self.graph_store}?{urllib.parse.urlencode({'graph': target})}"
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror})") from None
        if content_type == "text/turtle":
            # Relative IRIs resolve as in the embedded store, not against the graph store's URL.
            data = f"@base <https://w3id.org/xpo1kg/file/{path.name}> . ".encode() + (
                data.removeprefix(_BOM)
            )
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
            url,
            data=data,
            headers={"Content-Type": content_type},
            method="PUT" if replace else "POST",
        )
        self._send(request, what=f"upload of {path}")
        return target

    def _send(self, request: urllib.request.Request, *, what: str) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            detail = " ".join(error.read().decode("utf-8", "replace").split())[:300]
            if error.code == 400 and what == "query":
                raise QuerySyntaxError(f"the server refused the query: {detail}") from None
            if error.code == 400:
                raise InputError(f"{what}: the server refused it: {detail}") from None
            raise XPO1KGError(
                f"{what} failed: HTTP {error.code} from {request.full_url}: {detail}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise XPO1KGError(f"cannot reach {request.full_url}: {reason}") from None


def _missing_prefixes(sparql: str) -> str:
    """Return PREFIX declarations for the project prefixes a query uses without declaring them."""
    declared = {name or "" for name in _DECLARED.findall(sparql)}
    return " ".join(
        f"PREFIX {name}: <{iri}>"
        for name, iri in PREFIXES.items()
        if name not in declared and re.search(rf"(?<![\w.:/-]){re.escape(name)}:", sparql)
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
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return Literal(value["value"], datatype=URIRef(datatype) if datatype else None)
