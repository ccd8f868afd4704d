"""External identifiers as the data stores them, turned into links to the databases' own pages.

The data holds identifiers in three forms: literal accessions on dedicated properties
(``xo:uniprotAccession``, ``xo:cellosaurusId``), ``skos:exactMatch`` IRIs (UniProt, ChEMBL, PubChem,
DrugBank, Cellosaurus, Reactome and OBO PURLs for ChEBI, MONDO, NCIT, DOID, GO, BTO) and
``oboInOwl:hasDbXref`` CURIE strings (HGNC, NCBIGene, CAS...). The databases' names and page
patterns come from the registry (:mod:`xpo1kg.rdf.registry`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xpo1kg.rdf.namespaces import XO
from xpo1kg.rdf.registry import database, obo_term, parse_iri

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


#: PubChem compound IRIs end in ``CID`` and the number; the page takes the number.
_PUBCHEM_CID = re.compile(r"CID(\d+)$")

# Literal-valued identifier properties of the ontology -> registry prefix.
_PROPERTY_DATABASES: dict[str, str] = {
    str(XO.uniprotAccession): "uniprot",
    str(XO.cellosaurusId): "cellosaurus",
    str(XO.inchiKey): "inchikey",
}

#: The properties whose values :func:`xref_from_property` understands.
IDENTIFIER_PROPERTIES = frozenset(_PROPERTY_DATABASES)


def xref_from_iri(iri: str) -> Xref:
    """Describe a ``skos:exactMatch`` IRI as a database accession with a readable page.

    >>> xref_from_iri("http://purl.uniprot.org/uniprot/P04637")
    Xref(database='UniProt Protein', accession='P04637', href='https://www.uniprot.org/uniprotkb/P04637/entry')
    >>> xref_from_iri("http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID71481097").href
    'https://pubchem.ncbi.nlm.nih.gov/compound/71481097'
    >>> xref_from_iri("http://purl.obolibrary.org/obo/MONDO_0009693")
    Xref(database='Mondo Disease Ontology', accession='MONDO:0009693', href='http://purl.obolibrary.org/obo/MONDO_0009693')
    """
    parsed = parse_iri(iri)
    obo = obo_term(iri)
    if parsed is not None and iri.startswith(parsed[0].uri_prefix):
        db, local = parsed
        if obo:
            return Xref(db.name, f"{obo[0]}:{obo[1]}", iri)
        if db.prefix == "pubchem" and (cid := _PUBCHEM_CID.match(local)):
            return Xref(db.name, f"CID {cid.group(1)}", db.page_for(cid.group(1)))
        return Xref(db.name, local, db.page_for(local))
    if obo:
        prefix, local = obo
        return Xref(parsed[0].name if parsed else prefix, f"{prefix}:{local}", iri)
    if parsed is not None:  # another form of a known database's IRI, e.g. identifiers.org
        return Xref(parsed[0].name, parsed[1], iri)
    return Xref("other", iri, iri if iri.startswith(("http://", "https://")) else None)


def xref_from_curie(curie: str) -> Xref:
    """Describe an ``oboInOwl:hasDbXref`` value such as ``HGNC:11998``.

    >>> xref_from_curie("NCBIGene:7157").href
    'https://www.ncbi.nlm.nih.gov/gene/7157'
    >>> xref_from_curie("PMID:28810913").href
    'https://pubmed.ncbi.nlm.nih.gov/28810913/'
    >>> xref_from_curie("BRD:BRD-K21361524")
    Xref(database='BRD', accession='BRD-K21361524', href=None)
    """
    prefix, sep, local = curie.partition(":")
    if not sep:
        return Xref("other", curie, None)
    db = database(prefix)
    if db is None:
        return Xref(prefix, local, None)
    return Xref(db.name, local, db.page_for(local))


def xref_from_property(property_iri: str, value: str) -> Xref:
    """Describe the value of an identifier property such as ``xo:uniprotAccession``.

    >>> xref_from_property(str(XO.cellosaurusId), "CVCL_0134").href
    'https://www.cellosaurus.org/CVCL_0134'
    """
    db = database(_PROPERTY_DATABASES[property_iri])
    assert db is not None, property_iri  # the registry lists every identifier property's database
    return Xref(db.name, value, db.page_for(value))
