"""Entity IRIs dereference on the real server, with content negotiation."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
import pytest
from serving import GRAPH_FORMATS, HTTP, RunningServer

# One server per xdist worker for every module of the group (pytest runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("one_worker_server")

TP53 = "https://w3id.org/xpo1kg/resource/TP53"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ACCESSION = ox.NamedNode("https://w3id.org/xpo1kg/ontology/uniprotAccession")


@pytest.fixture(scope="module")
def server(one_worker_server: RunningServer) -> RunningServer:
    """The test run's shared server (tests/conftest.py): these tests only read from it."""
    return one_worker_server


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    GRAPH_FORMATS,
)
def test_entity_as_rdf(server: RunningServer, accept: str, rdf_format: ox.RdfFormat) -> None:
    answer = HTTP.get(server.base + "/resource/TP53", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == accept
    assert answer.headers["vary"] == "Accept"
    triples = {q.triple for q in ox.parse(answer.content, format=rdf_format)}
    node = ox.NamedNode(TP53)
    assert ox.Triple(node, LABEL, ox.Literal("TP53")) in triples
    assert ox.Triple(node, ACCESSION, ox.Literal("P04637")) in triples
    # Incoming links: selinexor's effects and the measurements pointing at p53 are included.
    assert any(t.object == node for t in triples)


def test_entity_description_includes_provenance_axioms(server: RunningServer) -> None:
    answer = HTTP.get(server.base + "/resource/selinexor", headers={"Accept": "text/turtle"})
    triples = [q.triple for q in ox.parse(answer.content, format=ox.RdfFormat.TURTLE)]
    source = ox.NamedNode("http://www.w3.org/2002/07/owl#annotatedSource")
    axioms = {t.subject for t in triples if t.predicate == source}
    assert axioms
    provenance = ox.NamedNode("http://purl.org/dc/terms/source")
    rule = ox.NamedNode("https://w3id.org/xpo1kg/ontology/inferenceRule")
    axiom = ox.NamedNode("http://www.w3.org/2002/07/owl#Axiom")
    typed = {t.subject for t in triples if t.object == axiom}

    def has(node: object, predicate: ox.NamedNode) -> bool:
        return any(t.subject == node and t.predicate == predicate for t in triples)

    # An asserted statement's axiom names its source; an inferred one's (the server includes
    # inferred facts by default) names its rule. (An untyped node is an inferred fact's premise:
    # it only points at another statement.)
    assert all(has(a, provenance) or has(a, rule) for a in axioms & typed)
    assert any(has(a, provenance) for a in axioms) and any(has(a, rule) for a in axioms)


def test_entity_as_html(server: RunningServer) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = HTTP.get(server.base + "/resource/TP53", headers={"Accept": browser})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["vary"] == "Accept"
    assert "TP53" in answer.text


def test_entity_default_is_turtle(server: RunningServer) -> None:
    answer = HTTP.get(server.base + "/resource/TP53", headers={"Accept": "*/*"})
    assert answer.headers["content-type"] == "text/turtle; charset=utf-8"


def test_entity_format_parameter(server: RunningServer) -> None:
    answer = HTTP.get(server.base + "/resource/TP53", params={"format": "jsonld"})
    assert answer.headers["content-type"] == "application/ld+json"
    assert HTTP.get(server.base + "/resource/TP53", params={"format": "x"}).status_code == 400


def test_entity_by_iri_parameter(server: RunningServer) -> None:
    by_path = HTTP.get(server.base + "/resource/TP53", headers={"Accept": "text/turtle"})
    by_query = HTTP.get(
        server.base + "/resource?iri=" + quote(TP53, safe=""), headers={"Accept": "text/turtle"}
    )
    assert by_query.status_code == 200
    assert by_query.content == by_path.content


def test_ontology_term(server: RunningServer) -> None:
    answer = HTTP.get(server.base + "/ontology/inhibits", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    triples = [q.triple for q in ox.parse(answer.content, format=ox.RdfFormat.TURTLE)]
    inhibits = ox.NamedNode("https://w3id.org/xpo1kg/ontology/inhibits")
    assert any(t.subject == inhibits and t.predicate == LABEL for t in triples)


@pytest.mark.parametrize("path", ["/resource/NoSuchThing", "/ontology/NoSuchTerm"])
def test_unknown_entity_is_404(server: RunningServer, path: str) -> None:
    answer = HTTP.get(server.base + path, headers={"Accept": "text/turtle"})
    assert answer.status_code == 404
    assert answer.text.startswith("unknown entity: https://w3id.org/xpo1kg/")
    assert answer.text.count("\n") == 1
    # A browser gets the same reason on the HTML error page.
    page = HTTP.get(server.base + path, headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<p class="error" role="alert">unknown entity: https://w3id.org/xpo1kg/' in page.text


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/resource/%3Cx%3E", "entity 'https://w3id.org/xpo1kg/resource/<x>' is not a valid IRI"),
        ("/resource/a%20b", "entity 'https://w3id.org/xpo1kg/resource/a b' is not a valid IRI"),
        ("/resource/%25", "entity 'https://w3id.org/xpo1kg/resource/%' is not a valid IRI"),
        ("/ontology/%7Bx%7D", "entity 'https://w3id.org/xpo1kg/ontology/{x}' is not a valid IRI"),
        ("/resource?iri=not%20an%20iri", "entity 'not an iri' is not a valid IRI"),
    ],
)
def test_invalid_iri_is_400_with_one_line(server: RunningServer, path: str, reason: str) -> None:
    answer = HTTP.get(server.base + path, headers={"Accept": "text/turtle"})
    assert answer.status_code == 400
    assert answer.text.startswith(reason)
    assert answer.text.count("\n") == 1


def test_unacceptable_entity_format(server: RunningServer) -> None:
    answer = HTTP.get(server.base + "/resource/TP53", headers={"Accept": "image/png"})
    assert answer.status_code == 406
