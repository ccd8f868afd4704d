"""A VoID + DCAT description of the dataset: what it holds, what it links to, where to get it.

Everything is computed from the graph and the package metadata, so the same input gives the same
description (no timestamps). Two IRIs are *relative* on purpose: each distribution's download URL
(its file name, resolved against wherever ``void.ttl`` is published beside the files) and the
SPARQL endpoint ``/sparql`` (resolved against the host that serves the description).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import metadata, version

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD

from xpo1kg.publish.linked_datasets import LinkedDataset, linked_dataset
from xpo1kg.rdf.namespaces import PREFIXES, URI_SPACE, XR, compress
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "DATASET",
    "DESCRIPTION_PREFIXES",
    "SPARQL_ENDPOINT",
    "URI_SPACE",
    "Distribution",
    "describe_dataset",
    "distribution",
]

SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3; rdflib's DCAT namespace predates it
#: Where the description's own nodes (dataset, partitions, linksets) are named.
DESCRIPTION = Namespace(URI_SPACE + "void#")
DATASET = DESCRIPTION.xpo1kg
#: Relative: the server that publishes the description answers SPARQL here.
SPARQL_ENDPOINT = URIRef("/sparql")
#: The licence of the data, ontology and queries (see LICENSE and the ontology header).
DATA_LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: Shown to people and crawlers as typical resources, when the graph has them.
EXAMPLE_RESOURCES = (XR.TP53, XR.XPO1, XR.selinexor)
DESCRIPTION_PREFIXES = {
    "void": str(VOID),
    "dcat": str(DCAT),
    "spdx": str(SPDX),
    "xdesc": str(DESCRIPTION),
}

_IANA = "https://www.iana.org/assignments/media-types/"
_FORMATS = "http://www.w3.org/ns/formats/"
#: File extension -> (IANA media type, W3C format IRI name).
_MEDIA_TYPES = {
    ".ttl": ("text/turtle", "Turtle"),
    ".nt": ("application/n-triples", "N-Triples"),
    ".nq": ("application/n-quads", "N-Quads"),
    ".trig": ("application/trig", "TriG"),
    ".jsonld": ("application/ld+json", "JSON-LD"),
    ".rdf": ("application/rdf+xml", "RDF_XML"),
}


@dataclass(frozen=True)
class Distribution:
    """One release file, as the description lists it."""

    file_name: str
    byte_size: int
    sha256: str
    media_type: str
    format_name: str


def distribution(file_name: str, content: bytes) -> Distribution:
    """Describe a release file from its name (for the media type) and its bytes.

    >>> d = distribution("xpo1kg.nt", b"")
    >>> d.media_type, d.byte_size, d.sha256[:8]
    ('application/n-triples', 0, 'e3b0c442')
    """
    extension = "." + file_name.rsplit(".", 1)[-1] if "." in file_name else ""
    if extension not in _MEDIA_TYPES:
        raise ValueError(f"{file_name}: no known RDF media type for {extension or 'no extension'}")
    media_type, format_name = _MEDIA_TYPES[extension]
    digest = hashlib.sha256(content).hexdigest()
    return Distribution(file_name, len(content), digest, media_type, format_name)


def describe_dataset(
    kg: KnowledgeGraph | Graph, distributions: Sequence[Distribution] = ()
) -> Graph:
    """Return the VoID + DCAT description of the asserted graph (and of the files, if given).

    Counts are over the asserted triples. An *entity* is an IRI under :data:`URI_SPACE` that is
    the subject of a triple; class partitions count the entities typed with each class.

    >>> from xpo1kg import load_graph
    >>> description = describe_dataset(load_graph())
    >>> int(description.value(DATASET, VOID.triples)) > 1000
    True
    """
    graph = kg.graph if isinstance(kg, KnowledgeGraph) else kg
    out = Graph()
    for prefix, namespace in {**PREFIXES, **DESCRIPTION_PREFIXES}.items():
        out.bind(prefix, namespace, override=True, replace=True)
    _describe_metadata(out)
    _describe_statistics(out, graph)
    _describe_links(out, graph)
    for resource in EXAMPLE_RESOURCES:
        if (resource, None, None) in graph:
            out.add((DATASET, VOID.exampleResource, resource))
    inferred = kg.inferred if isinstance(kg, KnowledgeGraph) else None
    if inferred is not None:
        subset = DESCRIPTION.inferred
        out.add((DATASET, VOID.subset, subset))
        out.add((subset, RDF.type, VOID.Dataset))
        out.add((subset, DCTERMS.title, Literal("Facts inferred by an OWL reasoner", lang="en")))
        out.add((subset, VOID.triples, _count(len(inferred))))
    for item in distributions:
        _describe_distribution(out, item)
    return out


def _describe_metadata(out: Graph) -> None:
    package = metadata("xpo1kg")
    release = version("xpo1kg")
    title = "xpo1kg: a knowledge graph of XPO1 inhibition and cancer-cell apoptosis"
    for kind in (VOID.Dataset, DCAT.Dataset):
        out.add((DATASET, RDF.type, kind))
    out.add((DATASET, DCTERMS.title, Literal(title, lang="en")))
    out.add((DATASET, DCTERMS.description, Literal(package["Summary"], lang="en")))
    out.add((DATASET, DCTERMS.license, DATA_LICENCE))
    out.add((DATASET, DCTERMS.creator, Literal(package["Author"] or "The xpo1kg developers")))
    out.add((DATASET, OWL.versionInfo, Literal(release)))
    out.add((DATASET, DCAT_VERSION, Literal(release)))
    for keyword in sorted(k.strip() for k in (package["Keywords"] or "").split(",") if k.strip()):
        out.add((DATASET, DCAT.keyword, Literal(keyword)))
    out.add((DATASET, VOID.uriSpace, Literal(URI_SPACE)))
    out.add((DATASET, VOID.sparqlEndpoint, SPARQL_ENDPOINT))


def _describe_statistics(out: Graph, graph: Graph) -> None:
    subjects: set[object] = set()
    objects: set[object] = set()
    predicates: Counter[URIRef] = Counter()
    entities: set[URIRef] = set()
    members: defaultdict[URIRef, set[URIRef]] = defaultdict(set)
    for subject, predicate, obj in graph:
        subjects.add(subject)
        objects.add(obj)
        predicates[predicate] += 1  # type: ignore[index]
        if _is_entity(subject):
            entities.add(subject)  # type: ignore[arg-type]
            if predicate == RDF.type and isinstance(obj, URIRef):
                members[obj].add(subject)  # type: ignore[arg-type]
    classes = set(graph.objects(None, RDF.type))
    figures = {
        VOID.triples: len(graph),
        VOID.entities: len(entities),
        VOID.distinctSubjects: len(subjects),
        VOID.distinctObjects: len(objects),
        VOID.properties: len(predicates),
        VOID.classes: len(classes),
    }
    for prop, value in figures.items():
        out.add((DATASET, prop, _count(value)))
    for vocabulary in _vocabularies([*predicates, *(c for c in classes if isinstance(c, URIRef))]):
        out.add((DATASET, VOID.vocabulary, URIRef(vocabulary)))
    for cls, instances in members.items():
        partition = DESCRIPTION[f"class-{_slug(cls)}"]
        out.add((DATASET, VOID.classPartition, partition))
        out.add((partition, VOID["class"], cls))
        out.add((partition, VOID.entities, _count(len(instances))))
    for predicate, triples in predicates.items():
        partition = DESCRIPTION[f"property-{_slug(predicate)}"]
        out.add((DATASET, VOID.propertyPartition, partition))
        out.add((partition, VOID.property, predicate))
        out.add((partition, VOID.triples, _count(triples)))


def _describe_links(out: Graph, graph: Graph) -> None:
    """Add one void:Linkset per external dataset and link predicate found in the data."""
    links: Counter[tuple[LinkedDataset, URIRef]] = Counter()
    for subject, predicate, obj in graph:
        if predicate == RDF.type or not _is_entity(subject) or not isinstance(obj, URIRef):
            continue
        target = linked_dataset(str(obj))
        if target is not None:
            links[(target, predicate)] += 1  # type: ignore[index]
    for target in sorted({target for target, _ in links}, key=lambda t: t.key):
        node = DESCRIPTION[target.key]
        out.add((node, RDF.type, VOID.Dataset))
        out.add((node, DCTERMS.title, Literal(target.title)))
        out.add((node, FOAF.homepage, URIRef(target.homepage)))
        out.add((node, VOID.uriSpace, Literal(target.uri_space)))
    for (target, predicate), triples in links.items():
        linkset = DESCRIPTION[f"links-{target.key}-{_slug(predicate)}"]
        out.add((DATASET, VOID.subset, linkset))
        out.add((linkset, RDF.type, VOID.Linkset))
        out.add((linkset, VOID.subjectsTarget, DATASET))
        out.add((linkset, VOID.objectsTarget, DESCRIPTION[target.key]))
        out.add((linkset, VOID.linkPredicate, predicate))
        out.add((linkset, VOID.triples, _count(triples)))


def _describe_distribution(out: Graph, item: Distribution) -> None:
    node = DESCRIPTION[f"distribution-{item.file_name}"]
    url = URIRef(item.file_name)  # relative: the files sit beside the description
    checksum = BNode()
    out.add((DATASET, DCAT.distribution, node))
    out.add((DATASET, VOID.dataDump, url))
    out.add((node, RDF.type, DCAT.Distribution))
    out.add((node, DCTERMS.title, Literal(f"{item.file_name} ({item.format_name})")))
    out.add((node, DCAT.downloadURL, url))
    out.add((node, DCAT.accessURL, url))
    out.add((node, DCAT.mediaType, URIRef(_IANA + item.media_type)))
    out.add((node, DCTERMS.format, URIRef(_FORMATS + item.format_name)))
    out.add((node, DCAT.byteSize, Literal(item.byte_size, datatype=XSD.nonNegativeInteger)))
    out.add((node, DCTERMS.license, DATA_LICENCE))
    out.add((node, SPDX.checksum, checksum))
    out.add((checksum, RDF.type, SPDX.Checksum))
    out.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    out.add((checksum, SPDX.checksumValue, Literal(item.sha256, datatype=XSD.hexBinary)))


def _is_entity(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(URI_SPACE)


def _count(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _vocabularies(terms: Iterable[URIRef]) -> set[str]:
    """Return the known namespaces (of :data:`PREFIXES`) that the terms come from."""
    namespaces = set(PREFIXES.values()) - {PREFIXES["xr"]}
    return {ns for term in terms for ns in namespaces if str(term).startswith(ns)}


def _slug(iri: URIRef) -> str:
    """Return a fragment-safe name for an IRI: its CURIE when it has a tidy one, else a digest.

    >>> _slug(URIRef("https://w3id.org/xpo1kg/ontology/Protein"))
    'xo-Protein'
    """
    curie = compress(str(iri))
    if re.fullmatch(r"[A-Za-z][\w.-]*:[\w.-]+", curie):
        return curie.replace(":", "-")
    return "iri-" + hashlib.sha256(str(iri).encode()).hexdigest()[:16]
