"""SPARQL results as JSON, XML, CSV and TSV (written here, so a truncated answer can say so)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from itertools import takewhile
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from xpo1kg.rdf.namespaces import PREFIXES, URI_SPACE
from xpo1kg.rdf.terms import JsonTerm, term_json

__all__ = [
    "Bindings",
    "JsonTerm",
    "serialize_boolean",
    "serialize_graph",
    "serialize_solutions",
    "spreadsheet_csv",
    "term_json",
]

Bindings = dict[str, JsonTerm]

_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
#: A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Where a truncated answer is flagged in JSON and XML results (documented in the README).
TRUNCATION_LINK = URI_SPACE + "server#truncated"


def _csv_cell(term: JsonTerm | None) -> str:
    value = "" if term is None else term["value"]
    if term is not None and term["type"] == "bnode":
        value = f"_:{value}"
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _spreadsheet_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def spreadsheet_csv(body: bytes) -> bytes:
    r"""Return SPARQL CSV results rewritten for spreadsheets: formula-looking cells are neutralised.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe, so that a spreadsheet shows it as text instead of evaluating it. This is *not*
    the SPARQL 1.1 CSV format any more (``/sparql?format=csv`` is); it is for people, not programs.

    >>> spreadsheet_csv(b'x,y\r\n=1+2,"a,b"\r\n-3,ok\r\n')
    b'x,y\r\n\'=1+2,"a,b"\r\n\'-3,ok\r\n'
    """
    rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_spreadsheet_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def _tsv_cell(term: JsonTerm | None) -> str:
    if term is None:
        return ""
    value = term["value"]
    if term["type"] == "uri":
        return f"<{value}>"
    if term["type"] == "bnode":
        return f"_:{value}"
    text = value.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if "xml:lang" in term:
        return f'"{text}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{text}"^^<{term["datatype"]}>'
    return f'"{text}"'


def _xml_term(term: JsonTerm) -> str:
    value = escape(term["value"])
    if term["type"] == "uri":
        return f"<uri>{value}</uri>"
    if term["type"] == "bnode":
        return f"<bnode>{value}</bnode>"
    if "xml:lang" in term:
        return f"<literal xml:lang={quoteattr(term['xml:lang'])}>{value}</literal>"
    if "datatype" in term:
        return f"<literal datatype={quoteattr(term['datatype'])}>{value}</literal>"
    return f"<literal>{value}</literal>"


def serialize_solutions(
    media_type: str,
    variables: Sequence[str],
    rows: Sequence[Bindings],
    *,
    truncated: bool = False,
) -> bytes:
    r"""Serialise SELECT results; a truncated answer carries a ``link`` to the truncation note.

    >>> serialize_solutions("text/csv", ["x"], [{"x": {"type": "uri", "value": "urn:a"}}])
    b'x\r\nurn:a\r\n'
    """
    if media_type == "application/sparql-results+json":
        head: dict[str, object] = {"vars": list(variables)}
        if truncated:
            head["link"] = [TRUNCATION_LINK]
        document = {"head": head, "results": {"bindings": list(rows)}}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if media_type == "application/sparql-results+xml":
        lines = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        lines.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        if truncated:
            lines.append(f"<link href={quoteattr(TRUNCATION_LINK)}/>")
        lines.append("</head><results>")
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                for name, term in row.items()
            )
            lines.append(f"<result>{cells}</result>")
        lines.append("</results></sparql>")
        return ("\n".join(lines) + "\n").encode("utf-8")
    if media_type == "text/csv":
        lines = [",".join(_csv_cell({"type": "literal", "value": v}) for v in variables)]
        lines += [",".join(_csv_cell(row.get(v)) for v in variables) for row in rows]
        return "".join(line + "\r\n" for line in lines).encode("utf-8")
    if media_type == "text/tab-separated-values":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_cell(row.get(v)) for v in variables) for row in rows]
        return "".join(line + "\n" for line in lines).encode("utf-8")
    raise ValueError(f"no solution serializer for {media_type}")


def serialize_boolean(media_type: str, answer: bool) -> bytes:
    """Serialise an ASK answer (CSV and TSV as the bare word, as Oxigraph does).

    >>> serialize_boolean("application/sparql-results+json", True)
    b'{"head":{},"boolean":true}'
    """
    word = "true" if answer else "false"
    if media_type == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": answer}, separators=(",", ":")).encode()
    if media_type == "application/sparql-results+xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    if media_type in ("text/csv", "text/tab-separated-values"):
        return f"{word}\n".encode()
    raise ValueError(f"no boolean serializer for {media_type}")


def serialize_graph(media_type: str, triples: Sequence[ox.Triple]) -> bytes:
    """Serialise triples in sorted order (stable bytes) with the project prefixes."""
    ordered = sorted(triples, key=str)
    if media_type != "text/turtle":
        return ox.serialize(ordered, format=_GRAPH_FORMATS[media_type]) or b""
    text = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    # Oxigraph writes the prefix block in hash order: sort it for stable bytes.
    lines = text.split(b"\n")
    head = sum(1 for _ in takewhile(lambda line: line.startswith(b"@prefix"), lines))
    return b"\n".join(sorted(lines[:head]) + lines[head:])
