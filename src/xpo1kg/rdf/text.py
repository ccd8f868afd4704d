"""RDF as N-Triples text: terms, deterministic Turtle and TriG, reading files, atomic writes.

Terms are strings in N-Triples syntax (``<iri>``, ``"text"``, ``"1.0"^^<…#decimal>``, ``_:b``)
and triples are tuples of three. At a hundred thousand spreadsheet rows this is several times
faster than making rdflib or Oxigraph term objects, and it keeps writing simple:

* :func:`render_turtle` and :func:`render_trig` write bytes that depend only on the set of triples
  (subjects sorted, ``a`` then ``rdfs:label`` then the other predicates sorted, objects sorted,
  blank nodes nested or written as ``[] …``), with the project's prefixes;
* :func:`read_rdf` reads Turtle or TriG back into the same terms (literals escaped the same way);
* :func:`commit` (from :mod:`xpo1kg.rdf.safefile`) writes several files all or nothing.

>>> triples = [(term("xr:a"), term("rdfs:label"), quote("A")), (term("xr:a"), term("xo:value"), typed("2.0", "decimal"))]
>>> print(render_turtle(triples, "# demo").decode(), end="")
# demo
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<BLANKLINE>
xr:a rdfs:label "A" ;
    xo:value 2.0 .
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from json.encoder import encode_basestring as quote
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from xpo1kg.errors import InputError
from xpo1kg.rdf.loading import check_rdf

if TYPE_CHECKING:
    from rdflib import Graph
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.safefile import commit

__all__ = [
    "PREFIXES_PLUS",
    "Triple",
    "commit",
    "from_oxigraph",
    "iri",
    "quote",
    "read_rdf",
    "render_trig",
    "render_turtle",
    "term",
    "timestamp",
    "typed",
]

Triple = tuple[str, str, str]
#: The project prefixes, plus PROV-O and SPDX for provenance records.
PREFIXES_PLUS = dict(PREFIXES, prov="http://www.w3.org/ns/prov#", spdx="http://spdx.org/rdf/terms#")
_XSD = PREFIXES["xsd"]


def iri(value: str) -> str:
    """Return the N-Triples term of an IRI."""
    return f"<{value}>"


def term(curie: str) -> str:
    """Return the N-Triples term of a CURIE with a known prefix: ``term("xo:value")``."""
    prefix, local = curie.split(":", 1)
    return f"<{PREFIXES_PLUS[prefix]}{local}>"


def typed(lexical: str, datatype: str) -> str:
    """Return a literal of an XSD datatype: ``typed("1.0", "decimal")``."""
    return f'"{lexical}"^^<{_XSD}{datatype}>'


def timestamp(moment: datetime) -> str:
    """Return an xsd:dateTime literal in UTC, to the second."""
    text = moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return typed(text, "dateTime")


_A, _LABEL = term("rdf:type"), term("rdfs:label")


def from_oxigraph(node: object) -> str:
    """Return the N-Triples text of an Oxigraph term, as this module writes terms."""
    if isinstance(node, ox.Literal):
        if node.language:
            return f"{quote(node.value)}@{node.language}"
        datatype = node.datatype.value
        return quote(node.value) + ("" if datatype == _XSD + "string" else f"^^<{datatype}>")
    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else str(node)


_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_BY_LENGTH = sorted(PREFIXES_PLUS.items(), key=lambda item: len(item[1]), reverse=True)
_BARE = {
    f"^^<{_XSD}decimal>": re.compile(r"[+-]?\d*\.\d+"),
    f"^^<{_XSD}integer>": re.compile(r"[+-]?\d+"),
}


class _NotATreeError(Exception):
    """Blank nodes that are shared or in a cycle: this writer cannot nest them."""


class _Writer:
    """Turtle text for N-Triples terms; remembers the prefixes it used."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._cache: dict[str, str] = {}

    def text(self, node: str) -> str:
        """Return the Turtle text of a term (a CURIE where a prefix fits)."""
        if (text := self._cache.get(node)) is None:
            text = self._cache[node] = self._render(node)
        return text

    def _render(self, node: str) -> str:
        if node.startswith("<"):
            value = node[1:-1]
            for prefix, namespace in _BY_LENGTH:
                if value.startswith(namespace) and _LOCAL.fullmatch(value[len(namespace) :]):
                    self.used.add(prefix)
                    return f"{prefix}:{value[len(namespace) :]}"
            return node
        end = node.rfind('"') + 1  # a literal: its quoted text, then a datatype or language tag
        text, suffix = node[:end], node[end:]
        if not suffix.startswith("^^"):
            return node
        if (bare := _BARE.get(suffix)) and bare.fullmatch(text[1:-1]):
            return text[1:-1]
        return f"{text}^^{self.text(suffix[2:])}"

    def blocks(self, triples: Iterable[Triple]) -> list[str]:
        """One statement per subject, IRIs sorted, then anonymous nodes; blank objects nested."""
        subjects: dict[str, dict[str, set[str]]] = {}
        for s, p, o in triples:
            subjects.setdefault(s, {}).setdefault(p, set()).add(o)
        nested = Counter(
            o for ps in subjects.values() for os_ in ps.values() for o in os_ if o.startswith("_:")
        )
        if any(count > 1 for count in nested.values()):
            raise _NotATreeError
        done: set[str] = set()

        def body(subject: str, separator: str, depth: int = 0) -> str:
            if depth > 20:
                raise _NotATreeError
            properties = subjects.get(subject, {})
            order = sorted(properties, key=lambda p: (p != _A, p != _LABEL, p))
            return separator.join(
                f"{'a' if p == _A else self.text(p)} {', '.join(sorted(obj(o, depth) for o in properties[p]))}"
                for p in order
            )

        def obj(node: str, depth: int) -> str:
            if not node.startswith("_:"):
                return self.text(node)
            done.add(node)
            return f"[ {body(node, ' ; ', depth + 1)} ]" if node in subjects else "[]"

        lines = " ;\n    "
        statements = [f"{self.text(s)} {body(s, lines)} ." for s in sorted(subjects) if s[0] == "<"]
        anonymous = [s for s in subjects if s.startswith("_:") and s not in nested]
        statements += sorted(f"[] {body(s, lines)} ." for s in anonymous)
        if any(s.startswith("_:") and s in nested and s not in done for s in subjects):
            raise _NotATreeError
        return statements

    def prefixes(self) -> str:
        return "".join(
            f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES_PLUS.items() if p in self.used
        )


def _rdflib(graph: Graph, triples: Iterable[Triple]) -> Graph:
    return graph.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in triples), format="nt")


def render_turtle(triples: Iterable[Triple], header: str) -> bytes:
    """Write triples as Turtle whose bytes depend only on the set of triples (and the header)."""
    triples = list(triples)
    writer = _Writer()
    try:
        blocks = writer.blocks(triples)
    except _NotATreeError:  # shared blank nodes (never written by ingest): the slow general writer
        from rdflib import Graph

        from xpo1kg.rdf.serialize import serialize

        return f"{header}\n{serialize(_rdflib(Graph(), triples), 'ttl').decode()}".encode()
    return (f"{header}\n{writer.prefixes()}\n" + "\n".join(f"{b}\n" for b in blocks)).encode()


def render_trig(graphs: dict[str, list[Triple]], header: str) -> bytes:
    """Write named graphs as TriG, sorted by name, each written as :func:`render_turtle` does."""
    writer = _Writer()
    parts = []
    try:
        for name in sorted(graphs):
            body = "\n\n".join(writer.blocks(graphs[name])).replace("\n", "\n    ")
            body = body.replace("\n    \n", "\n\n")
            parts.append(f"<{name}> {{\n    {body}\n}}\n")
    except _NotATreeError:
        from rdflib import Graph, URIRef

        from xpo1kg.rdf.serialize import serialize_dataset

        rdflib_graphs = [
            (URIRef(name), _rdflib(Graph(), triples)) for name, triples in graphs.items()
        ]
        return f"{header}\n{serialize_dataset(rdflib_graphs, 'trig').decode()}".encode()
    return (f"{header}\n{writer.prefixes()}\n" + "\n".join(parts)).encode()


def read_rdf(path: Path, rdf_format: ox.RdfFormat) -> list[tuple[str, Triple]]:
    """Read a Turtle or TriG file as (graph name, triple) pairs of N-Triples terms."""
    check_rdf(path)  # a file cut short or damaged: `file:line: reason`, as every reader says
    try:
        quads = list(ox.parse(path=path, format=rdf_format, rename_blank_nodes=True))
    except (SyntaxError, ValueError, OSError) as error:
        raise InputError(f"{path}: cannot read ({error})") from None
    return [
        (
            getattr(q.graph_name, "value", ""),
            (from_oxigraph(q.subject), str(q.predicate), from_oxigraph(q.object)),
        )
        for q in quads
    ]
