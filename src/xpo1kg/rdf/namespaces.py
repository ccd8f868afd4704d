"""Namespaces and prefixes used across the project, and CURIE helpers."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from rdflib import Graph, Namespace

from xpo1kg.rdf.registry import OBO_PURL, databases

if TYPE_CHECKING:
    from curies import Converter

__all__ = [
    "BAO",
    "BIOLINK",
    "OBO",
    "PREFIXES",
    "URI_SPACE",
    "XO",
    "XR",
    "bind_prefixes",
    "compress",
    "expand",
]

#: Every IRI the project mints starts with this (the VoID ``void:uriSpace``).
URI_SPACE = "https://w3id.org/xpo1kg/"
XO = Namespace(URI_SPACE + "ontology/")
XR = Namespace(URI_SPACE + "resource/")
OBO = Namespace(OBO_PURL)
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")

#: The project's own vocabularies and the W3C ones it uses (not databases: they stay here).
_VOCABULARIES: dict[str, str] = {
    "xo": str(XO),
    "xr": str(XR),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "obo": str(OBO),
}

#: Prefix map for CURIEs, Turtle/SPARQL prefix blocks and the JSON-LD context: the vocabularies,
#: then the databases of the registry (:mod:`xpo1kg.rdf.registry`) that the data writes as CURIEs.
#: Order matters only for readability of serialisations; lookups use the longest match.
PREFIXES: dict[str, str] = {
    **_VOCABULARIES,
    **{db.prefix: db.uri_prefix for db in databases() if db.curie},
}
BAO = Namespace(PREFIXES["bao"])


@cache
def _converter() -> Converter:
    from curies import Converter  # imported here: it is slow to import

    return Converter.from_prefix_map(PREFIXES)


def expand(curie: str) -> str | None:
    """Expand a CURIE with a known prefix, or return None.

    >>> expand("xr:TP53")
    'https://w3id.org/xpo1kg/resource/TP53'
    >>> expand("nope:TP53") is None
    True
    """
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        return None
    # What the Converter of a plain prefix map does, without importing curies (0.2 s) for it:
    # a command that only expands CURIEs (a query's parameters) starts that much sooner.
    return PREFIXES[prefix] + local


def compress(iri: str) -> str:
    """Compress an IRI to a CURIE when a prefix matches, else return it unchanged.

    >>> compress("http://purl.uniprot.org/uniprot/P04637")
    'uniprot:P04637'
    >>> compress("https://example.org/x")
    'https://example.org/x'
    """
    parsed = _converter().parse_uri(iri)
    if parsed is None or not parsed.identifier:
        return iri
    return f"{parsed.prefix}:{parsed.identifier}"


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project prefixes to a graph (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
