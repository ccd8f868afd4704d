"""Namespaces and prefixes used across the project, and CURIE helpers."""

from __future__ import annotations

from rdflib import Graph, Namespace

__all__ = ["BAO", "BIOLINK", "OBO", "PREFIXES", "XO", "XR", "bind_prefixes", "compress", "expand"]

XO = Namespace("https://w3id.org/xpo1kg/ontology/")
XR = Namespace("https://w3id.org/xpo1kg/resource/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
BAO = Namespace("http://www.bioassayontology.org/bao#")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")

#: Prefix map for CURIEs, Turtle/SPARQL prefix blocks and the JSON-LD context.
#: Order matters only for readability of serialisations; lookups use the longest match.
PREFIXES: dict[str, str] = {
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
    "bao": str(BAO),
    "uniprot": "http://purl.uniprot.org/uniprot/",
    "chembl": "http://rdf.ebi.ac.uk/resource/chembl/molecule/",
    "pubchem": "http://rdf.ncbi.nlm.nih.gov/pubchem/compound/",
    "drugbank": "https://go.drugbank.com/drugs/",
    "cellosaurus": "https://www.cellosaurus.org/",
    "reactome": "https://reactome.org/content/detail/",
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)


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
    return PREFIXES[prefix] + local


def compress(iri: str) -> str:
    """Compress an IRI to a CURIE when a prefix matches, else return it unchanged.

    >>> compress("http://purl.uniprot.org/uniprot/P04637")
    'uniprot:P04637'
    >>> compress("https://example.org/x")
    'https://example.org/x'
    """
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project prefixes to a graph (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
