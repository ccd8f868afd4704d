"""The external datasets the graph can link to, recognised from the IRIs it uses.

The datasets are the databases of the registry (:mod:`xpo1kg.rdf.registry`, generated from the
Bioregistry). Each is recognised in all its IRI forms: the namespace the data uses, OBO PURLs and
identifiers.org. OBO PURLs and identifiers.org IRIs of prefixes the registry does not list are
still recognised, as datasets named after their prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from xpo1kg.rdf.registry import database_of_iri

__all__ = ["LinkedDataset", "linked_dataset"]


@dataclass(frozen=True)
class LinkedDataset:
    """An external dataset, as a VoID description names it."""

    key: str
    title: str
    homepage: str
    uri_space: str


def linked_dataset(iri: str) -> LinkedDataset | None:
    """Return the external dataset an IRI belongs to, or None if it is not a known one.

    >>> linked_dataset("http://purl.uniprot.org/uniprot/P04637").key
    'uniprot'
    >>> linked_dataset("http://purl.obolibrary.org/obo/MONDO_0004992").title
    'Mondo Disease Ontology'
    >>> linked_dataset("https://identifiers.org/uniprot:P04637").key
    'uniprot'
    >>> linked_dataset("https://en.wikipedia.org/wiki/Selinexor") is None
    True
    """
    db = database_of_iri(iri)
    return None if db is None else LinkedDataset(db.prefix, db.name, db.homepage, db.uri_prefix)
