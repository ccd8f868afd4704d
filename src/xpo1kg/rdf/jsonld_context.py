"""The compact JSON-LD ``@context`` shipped in the package, and how it is derived from the ontology.

The context lives in ``xpo1kg/rdf/context.jsonld``. Exports embed it (it is never fetched), and the
server serves the same file. :func:`build_context` derives it from the ontology, so that a test
can check the shipped file is current; regenerate it with ``python -m xpo1kg.rdf.jsonld_context``.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from xpo1kg.rdf.namespaces import PREFIXES, XO
from xpo1kg.resources import context_file

__all__ = ["build_context", "context_bytes", "jsonld_context"]

#: Terms outside xo: that nearly every node uses; short names make documents readable.
_COMMON_TERMS: dict[str, dict[str, str] | str] = {
    "label": "rdfs:label",
    "comment": "rdfs:comment",
    "altLabel": "skos:altLabel",
    "definition": "obo:IAO_0000115",
    "exactMatch": {"@id": "skos:exactMatch", "@type": "@id"},
    "closeMatch": {"@id": "skos:closeMatch", "@type": "@id"},
    "source": {"@id": "dcterms:source", "@type": "@id"},
}

#: Datatypes worth coercing. Strings are left alone: RDF 1.1 plain literals are xsd:string, but
#: rdflib keeps the two apart, and a coerced plain literal would not round-trip.
_COERCED_DATATYPES = (XSD.integer, XSD.decimal, XSD.boolean, XSD.double, XSD.date, XSD.dateTime)


def build_context(ontology: Graph) -> dict[str, Any]:
    """Return the ``@context`` for the project: its prefixes plus one term per xo: name.

    Object properties are coerced to IRIs and numeric or boolean datatype properties to their
    datatype, so that values print as plain strings.

    >>> g = Graph().parse(data='@prefix owl: <http://www.w3.org/2002/07/owl#> . '
    ...     '<https://w3id.org/xpo1kg/ontology/inhibits> a owl:ObjectProperty .', format="turtle")
    >>> build_context(g)["@context"]["inhibits"]
    {'@id': 'xo:inhibits', '@type': '@id'}
    """
    terms: dict[str, Any] = dict(PREFIXES)
    terms.update(_COMMON_TERMS)
    for name in sorted(_xo_names(ontology)):
        iri = XO[name]
        curie = f"xo:{name}"
        if (iri, RDF.type, OWL.ObjectProperty) in ontology:
            terms[name] = {"@id": curie, "@type": "@id"}
            continue
        ranges = set(ontology.objects(iri, RDFS.range))
        datatype = next(iter(ranges)) if len(ranges) == 1 else None
        if (iri, RDF.type, OWL.DatatypeProperty) in ontology and datatype in _COERCED_DATATYPES:
            terms[name] = {"@id": curie, "@type": f"xsd:{str(datatype)[len(str(XSD)) :]}"}
        else:
            terms[name] = curie
    return {"@context": terms}


def _xo_names(ontology: Graph) -> set[str]:
    """Return the local names of the classes and properties the ontology declares under xo:."""
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    names: set[str] = set()
    for kind in kinds:
        for subject in ontology.subjects(RDF.type, kind):
            if isinstance(subject, URIRef) and str(subject).startswith(str(XO)):
                local = str(subject)[len(str(XO)) :]
                if local and local not in PREFIXES and local not in _COMMON_TERMS:
                    names.add(local)
    return names


def render_context(context: dict[str, Any]) -> bytes:
    """Return the bytes of a context document exactly as the shipped file holds them."""
    return (json.dumps(context, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@cache
def context_bytes() -> bytes:
    """Return the shipped context file, byte for byte (what the server sends)."""
    return context_file().read_bytes()


def jsonld_context() -> dict[str, Any]:
    """Return the term definitions of the shipped context (the value of its ``@context``).

    >>> jsonld_context()["xr"]
    'https://w3id.org/xpo1kg/resource/'
    >>> jsonld_context()["inhibits"]
    {'@id': 'xo:inhibits', '@type': '@id'}
    """
    document = json.loads(context_bytes())
    terms: dict[str, Any] = document["@context"]
    return terms


if (
    __name__ == "__main__"
):  # regenerate: python -m xpo1kg.rdf.jsonld_context > src/xpo1kg/rdf/context.jsonld
    from xpo1kg.rdf.loading import read_graph
    from xpo1kg.resources import ontology_file

    sys.stdout.buffer.write(render_context(build_context(read_graph([ontology_file()]))))
