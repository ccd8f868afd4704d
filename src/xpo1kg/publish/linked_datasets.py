"""The external datasets the graph can link to, recognised from the IRIs it uses.

The datasets are the databases of the registry (:mod:`xpo1kg.rdf.registry`, generated from the
Bioregistry). Each is recognised in all its IRI forms: the namespace the data uses, OBO PURLs and
identifiers.org. OBO PURLs and identifiers.org IRIs of prefixes the registry does not list are
still recognised, as datasets named after their prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xpo1kg.rdf.registry import Database, database, parse_iri

__all__ = ["LinkedDataset", "linked_dataset"]


@dataclass(frozen=True)
class LinkedDataset:
    """An external dataset, as a VoID description names it."""

    key: str
    title: str
    homepage: str
    uri_space: str


_OBO = "http://purl.obolibrary.org/obo/"
_OBO_TERM = re.compile(re.escape(_OBO) + r"([A-Za-z][A-Za-z0-9]*)_\w")
_IDENTIFIERS_ORG = re.compile(r"^https?://identifiers\.org/([A-Za-z][\w.]*)[:/]\S")


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
    parsed = parse_iri(iri)
    if parsed is not None:
        return _dataset(parsed[0])
    if obo := _OBO_TERM.match(iri):
        prefix = obo.group(1)
        known = database(prefix)
        if known is not None:
            return _dataset(known)
        return LinkedDataset(
            prefix.lower(),
            prefix,
            f"https://obofoundry.org/ontology/{prefix.lower()}.html",
            f"{_OBO}{prefix}_",
        )
    if identifiers := _IDENTIFIERS_ORG.match(iri):
        prefix = identifiers.group(1)
        known = database(prefix)
        if known is not None:
            return _dataset(known)
        return LinkedDataset(
            f"identifiers-{prefix.lower()}",
            prefix,
            f"https://registry.identifiers.org/registry/{prefix.lower()}",
            f"https://identifiers.org/{prefix}:",
        )
    return None


def _dataset(db: Database) -> LinkedDataset:
    return LinkedDataset(db.prefix, db.name, db.homepage, db.uri_prefix)
