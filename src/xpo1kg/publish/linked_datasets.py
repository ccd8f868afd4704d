"""The external datasets the graph can link to, recognised from the IRIs it uses.

Three IRI forms are recognised: each resource's native RDF namespace (UniProt, ChEMBL, PubChem,
DrugBank, Cellosaurus, Reactome, BAO), OBO PURLs (one dataset per ontology prefix) and
identifiers.org (mapped to the same datasets where the prefix is known).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LinkedDataset", "linked_dataset"]


@dataclass(frozen=True)
class LinkedDataset:
    """An external dataset, as a VoID description names it."""

    key: str
    title: str
    homepage: str
    uri_space: str


_NATIVE = (
    LinkedDataset(
        "uniprot", "UniProt", "https://www.uniprot.org/", "http://purl.uniprot.org/uniprot/"
    ),
    LinkedDataset(
        "chembl", "ChEMBL", "https://www.ebi.ac.uk/chembl/", "http://rdf.ebi.ac.uk/resource/chembl/"
    ),
    LinkedDataset(
        "pubchem",
        "PubChem",
        "https://pubchem.ncbi.nlm.nih.gov/",
        "http://rdf.ncbi.nlm.nih.gov/pubchem/",
    ),
    LinkedDataset(
        "drugbank", "DrugBank", "https://go.drugbank.com/", "https://go.drugbank.com/drugs/"
    ),
    LinkedDataset(
        "cellosaurus", "Cellosaurus", "https://www.cellosaurus.org/", "https://www.cellosaurus.org/"
    ),
    LinkedDataset(
        "reactome", "Reactome", "https://reactome.org/", "https://reactome.org/content/detail/"
    ),
    LinkedDataset(
        "bao",
        "BioAssay Ontology",
        "http://www.bioassayontology.org/",
        "http://www.bioassayontology.org/bao#",
    ),
)
_BY_KEY = {dataset.key: dataset for dataset in _NATIVE}
#: identifiers.org prefixes that name one of the native datasets.
_IDENTIFIERS_ALIASES = {
    "uniprot": "uniprot",
    "chembl": "chembl",
    "chembl.compound": "chembl",
    "chembl.target": "chembl",
    "pubchem.compound": "pubchem",
    "pubchem.substance": "pubchem",
    "drugbank": "drugbank",
    "cellosaurus": "cellosaurus",
    "reactome": "reactome",
    "bao": "bao",
}
_OBO_TITLES = {
    "BTO": "BRENDA Tissue Ontology",
    "CHEBI": "ChEBI",
    "CL": "Cell Ontology",
    "CLO": "Cell Line Ontology",
    "DOID": "Human Disease Ontology",
    "GO": "Gene Ontology",
    "IAO": "Information Artifact Ontology",
    "MONDO": "Mondo Disease Ontology",
    "NCBITaxon": "NCBI organismal classification",
    "NCIT": "NCI Thesaurus OBO Edition",
    "OBI": "Ontology for Biomedical Investigations",
    "PR": "PRotein Ontology",
    "RO": "Relation Ontology",
    "SO": "Sequence Ontology",
    "UO": "Units of measurement ontology",
}
_OBO = "http://purl.obolibrary.org/obo/"
_OBO_TERM = re.compile(re.escape(_OBO) + r"([A-Za-z][A-Za-z0-9]*)_\w")
_IDENTIFIERS_ORG = re.compile(r"^https?://identifiers\.org/([A-Za-z][\w.]*)[:/]\S")


def linked_dataset(iri: str) -> LinkedDataset | None:
    """Return the external dataset an IRI belongs to, or None if it is not a known one.

    >>> linked_dataset("http://purl.uniprot.org/uniprot/P04637").title
    'UniProt'
    >>> linked_dataset("http://purl.obolibrary.org/obo/MONDO_0004992").key
    'mondo'
    >>> linked_dataset("https://identifiers.org/uniprot:P04637").key
    'uniprot'
    >>> linked_dataset("https://en.wikipedia.org/wiki/Selinexor") is None
    True
    """
    for dataset in _NATIVE:
        if iri.startswith(dataset.uri_space) and len(iri) > len(dataset.uri_space):
            return dataset
    obo = _OBO_TERM.match(iri)
    if obo:
        return _obo_dataset(obo.group(1))
    identifiers = _IDENTIFIERS_ORG.match(iri)
    if identifiers:
        prefix = identifiers.group(1)
        if prefix.lower() in _IDENTIFIERS_ALIASES:
            return _BY_KEY[_IDENTIFIERS_ALIASES[prefix.lower()]]
        obo_prefix = next((p for p in _OBO_TITLES if p.lower() == prefix.lower()), None)
        if obo_prefix is not None:
            return _obo_dataset(obo_prefix)
        return LinkedDataset(
            f"identifiers-{prefix.lower()}",
            prefix,
            f"https://registry.identifiers.org/registry/{prefix.lower()}",
            f"https://identifiers.org/{prefix}:",
        )
    return None


def _obo_dataset(prefix: str) -> LinkedDataset:
    return LinkedDataset(
        prefix.lower(),
        _OBO_TITLES.get(prefix, prefix),
        f"https://obofoundry.org/ontology/{prefix.lower()}.html",
        f"{_OBO}{prefix}_",
    )
