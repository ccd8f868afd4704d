"""The shipped JSON-LD context: current with the ontology, used by the export, readable output."""

from __future__ import annotations

import json
import socket
from importlib.resources import files

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from xpo1kg import KnowledgeGraph
from xpo1kg.rdf.canonical import isomorphic
from xpo1kg.rdf.jsonld_context import build_context, context_bytes, jsonld_context, render_context
from xpo1kg.rdf.serialize import serialize

XO = "https://w3id.org/xpo1kg/ontology/"


def test_shipped_context_is_generated_from_the_ontology(kg: KnowledgeGraph) -> None:
    """Regenerate with `python -m xpo1kg.rdf.jsonld_context > src/xpo1kg/rdf/context.jsonld`."""
    assert context_bytes() == render_context(build_context(kg.ontology))
    assert context_bytes() == (files("xpo1kg") / "rdf" / "context.jsonld").read_bytes()


def test_context_defines_every_xo_property(kg: KnowledgeGraph) -> None:
    terms = jsonld_context()
    assert terms["inhibits"] == {"@id": "xo:inhibits", "@type": "@id"}
    assert terms["value"] == {"@id": "xo:value", "@type": "xsd:decimal"}
    assert terms["stepNumber"] == {"@id": "xo:stepNumber", "@type": "xsd:integer"}
    assert terms["geneSymbol"] == "xo:geneSymbol"  # strings are not coerced
    assert terms["Protein"] == "xo:Protein"
    used = {"xo:" + str(p)[len(XO) :] for p in kg.graph.predicates() if str(p).startswith(XO)}
    defined = {term["@id"] if isinstance(term, dict) else term for term in terms.values()}
    assert used <= defined


def test_context_has_no_remote_references() -> None:
    text = context_bytes().decode("utf-8")
    document = json.loads(text)
    assert list(document) == ["@context"]
    assert isinstance(document["@context"], dict)  # not a URL, not a list of URLs
    assert "@import" not in text


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_export_is_compact(kg: KnowledgeGraph) -> None:
    document = json.loads(serialize(kg.graph, "jsonld"))
    tp53 = next(node for node in document["@graph"] if node.get("@id") == "xr:TP53")
    assert tp53["exportedBy"] == "xr:XPO1"
    assert tp53["exactMatch"] == "uniprot:P04637"
    assert tp53["label"] == "TP53"
    assert sorted(tp53["@type"]) == ["TranscriptionFactor", "TumorSuppressor"]
    measurements = [n for n in document["@graph"] if "IC50Measurement" in n.get("@type", [])]
    assert measurements and all(isinstance(n.get("value", ""), str) for n in measurements)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_values_that_do_not_fit_a_term_still_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    """A literal where an object property is expected, or a double where a decimal is, keeps
    its own form instead of being squeezed into the coerced term."""
    graph = Graph()
    subject = URIRef("https://w3id.org/xpo1kg/resource/odd")
    graph.add((subject, URIRef(XO + "inhibits"), Literal("not an IRI")))
    graph.add((subject, URIRef(XO + "value"), Literal("1.5E0", datatype=XSD.double)))
    graph.add((subject, URIRef(XO + "value"), Literal("2.50", datatype=XSD.decimal)))

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("the export must parse without fetching anything")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    content = serialize(graph, "jsonld")
    assert isomorphic(Graph().parse(data=content, format="json-ld"), graph)
