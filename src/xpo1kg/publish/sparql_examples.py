"""The competency queries as SHACL SPARQL executables, as UniProt publishes its SPARQL examples.

Each query becomes ``https://w3id.org/xpo1kg/query/NAME``, a ``sh:SPARQLExecutable`` and
``sh:SPARQLSelectExecutable`` with ``rdfs:label`` (its title), ``rdfs:comment`` (the question),
``dcterms:description`` (what a row means), ``sh:select`` (the query text) and
``schema:target`` (the endpoint, relative like ``void:sparqlEndpoint </sparql>`` in the dataset
description), ``dcterms:identifier`` (the name) and ``schema:keywords`` (its parameters, and
"needs inference" for the questions only a reasoner answers). Editors and assistants that read
SPARQL examples (as UniProt's are published) can list and run them.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SH

from xpo1kg.query.catalog import list_queries
from xpo1kg.rdf.namespaces import URI_SPACE

__all__ = ["EXAMPLES", "EXAMPLES_FILE", "EXAMPLE_PREFIXES", "sparql_examples"]

#: The namespace of the examples (one IRI per competency query).
EXAMPLES = Namespace(URI_SPACE + "query/")
SCHEMA = Namespace("https://schema.org/")
EXAMPLES_FILE = "sparql-examples.ttl"
#: The prefixes the Turtle file is written with.
EXAMPLE_PREFIXES = {
    "ex": str(EXAMPLES),
    "sh": str(SH),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "dcterms": str(DCTERMS),
}
#: The endpoint, relative: the server that publishes the file answers these queries.
ENDPOINT = URIRef("/sparql")


def sparql_examples() -> Graph:
    """Return the graph of the shipped competency queries as SPARQL executables.

    >>> graph = sparql_examples()
    >>> str(graph.value(EXAMPLES["ic50_table"], RDFS.label))
    'IC50 values of XPO1 inhibitors'
    """
    graph = Graph()
    for prefix, namespace in EXAMPLE_PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    for query in list_queries():
        node = EXAMPLES[query.name]
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        graph.add((node, RDF.type, SH.SPARQLSelectExecutable))
        graph.add((node, RDFS.label, Literal(query.title, lang="en")))
        graph.add((node, RDFS.comment, Literal(query.question, lang="en")))
        if query.answer:
            graph.add((node, DCTERMS.description, Literal(query.answer, lang="en")))
        graph.add((node, SH.select, Literal(query.sparql)))
        graph.add((node, SCHEMA.target, ENDPOINT))
        graph.add((node, DCTERMS.identifier, Literal(query.name)))
        keywords = ["competency question", *(p.name for p in query.parameters)]
        if query.requires_inference:
            keywords.append("needs inference")
        for keyword in keywords:
            graph.add((node, SCHEMA.keywords, Literal(keyword)))
    return graph
