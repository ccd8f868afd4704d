"""External identifiers as the data stores them, turned into links to the databases' own pages.

The data holds identifiers in three forms: literal accessions on dedicated properties
(``xo:uniprotAccession``, ``xo:cellosaurusId``), ``skos:exactMatch`` IRIs (UniProt, ChEMBL, PubChem,
DrugBank, Cellosaurus, Reactome and OBO PURLs for ChEBI, MONDO, NCIT, DOID, GO, BTO) and
``oboInOwl:hasDbXref`` CURIE strings (HGNC, NCBIGene, CAS...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xpo1kg.rdf.namespaces import OBO, PREFIXES, XO

__all__ = [
    "IDENTIFIER_PROPERTIES",
    "Xref",
    "xref_from_curie",
    "xref_from_iri",
    "xref_from_property",
]


@dataclass(frozen=True, order=True)
class Xref:
    """An identifier in an external database, with the page to read about it (if known)."""

    database: str
    accession: str
    href: str | None


# IRI namespace -> (database name, URL of the human-readable page for an accession).
_IRI_FORMS: tuple[tuple[str, str, str], ...] = (
    (PREFIXES["uniprot"], "UniProt", "https://www.uniprot.org/uniprotkb/{}/entry"),
    (PREFIXES["chembl"], "ChEMBL", "https://www.ebi.ac.uk/chembl/explore/compound/{}"),
    (PREFIXES["drugbank"], "DrugBank", "https://go.drugbank.com/drugs/{}"),
    (PREFIXES["cellosaurus"], "Cellosaurus", "https://www.cellosaurus.org/{}"),
    (PREFIXES["reactome"], "Reactome", "https://reactome.org/content/detail/{}"),
)
_PUBCHEM = re.compile(re.escape(PREFIXES["pubchem"]) + r"CID(\d+)$")
_OBO = re.compile(re.escape(str(OBO)) + r"([A-Za-z]+)_(\w+)$")
_OBO_NAMES = {"CHEBI": "ChEBI", "NCIT": "NCIT", "MONDO": "MONDO", "DOID": "DOID", "GO": "GO"}

# CURIE prefix of an oboInOwl:hasDbXref value -> (database name, page URL or None).
_CURIE_FORMS: dict[str, tuple[str, str | None]] = {
    "HGNC": ("HGNC", "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:{}"),
    "NCBIGENE": ("NCBI Gene", "https://www.ncbi.nlm.nih.gov/gene/{}"),
    "CAS": ("CAS", "https://commonchemistry.cas.org/detail?cas_rn={}"),
    "UNII": ("UNII", "https://precision.fda.gov/uniisearch/srs/unii/{}"),
    "KEGG.DRUG": ("KEGG DRUG", "https://www.kegg.jp/entry/{}"),
    "DEPMAP": ("DepMap", "https://depmap.org/portal/cell_line/{}"),
    "CHEBI": ("ChEBI", "http://purl.obolibrary.org/obo/CHEBI_{}"),
    "PMID": ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/{}/"),
}

# Literal-valued identifier properties of the ontology.
_PROPERTY_FORMS: dict[str, tuple[str, str | None]] = {
    str(XO.uniprotAccession): ("UniProt", "https://www.uniprot.org/uniprotkb/{}/entry"),
    str(XO.cellosaurusId): ("Cellosaurus", "https://www.cellosaurus.org/{}"),
    str(XO.inchiKey): ("InChIKey", None),
}

#: The properties whose values :func:`xref_from_property` understands.
IDENTIFIER_PROPERTIES = frozenset(_PROPERTY_FORMS)


def xref_from_iri(iri: str) -> Xref:
    """Describe a ``skos:exactMatch`` IRI as a database accession with a readable page.

    >>> xref_from_iri("http://purl.uniprot.org/uniprot/P04637")
    Xref(database='UniProt', accession='P04637', href='https://www.uniprot.org/uniprotkb/P04637/entry')
    >>> xref_from_iri("http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID71481097").href
    'https://pubchem.ncbi.nlm.nih.gov/compound/71481097'
    >>> xref_from_iri("http://purl.obolibrary.org/obo/MONDO_0009693")
    Xref(database='MONDO', accession='MONDO:0009693', href='http://purl.obolibrary.org/obo/MONDO_0009693')
    """
    for namespace, database, page in _IRI_FORMS:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return Xref(database, iri[len(namespace) :], page.format(iri[len(namespace) :]))
    if match := _PUBCHEM.match(iri):
        cid = match.group(1)
        return Xref("PubChem", f"CID {cid}", f"https://pubchem.ncbi.nlm.nih.gov/compound/{cid}")
    if match := _OBO.match(iri):
        prefix, local = match.groups()
        return Xref(_OBO_NAMES.get(prefix, prefix), f"{prefix}:{local}", iri)
    return Xref("other", iri, iri if iri.startswith(("http://", "https://")) else None)


def xref_from_curie(curie: str) -> Xref:
    """Describe an ``oboInOwl:hasDbXref`` value such as ``HGNC:11998``.

    >>> xref_from_curie("NCBIGene:7157").href
    'https://www.ncbi.nlm.nih.gov/gene/7157'
    >>> xref_from_curie("BRD:BRD-K21361524")
    Xref(database='BRD', accession='BRD-K21361524', href=None)
    """
    prefix, sep, local = curie.partition(":")
    if not sep:
        return Xref("other", curie, None)
    database, page = _CURIE_FORMS.get(prefix.upper(), (prefix, None))
    return Xref(database, local, page.format(local) if page else None)


def xref_from_property(property_iri: str, value: str) -> Xref:
    """Describe the value of an identifier property such as ``xo:uniprotAccession``.

    >>> xref_from_property(str(XO.cellosaurusId), "CVCL_0134").href
    'https://www.cellosaurus.org/CVCL_0134'
    """
    database, page = _PROPERTY_FORMS[property_iri]
    return Xref(database, value, page.format(value) if page else None)
