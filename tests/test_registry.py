"""The registry of external databases: current with the Bioregistry, and true to the data's IRIs."""

from __future__ import annotations

from importlib.resources import files

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from xpo1kg import KnowledgeGraph
from xpo1kg.publish.linked_datasets import linked_dataset
from xpo1kg.rdf.namespaces import PREFIXES, compress, expand
from xpo1kg.rdf.registry import build_registry, database, databases, parse_iri, render_registry
from xpo1kg.server.xrefs import xref_from_curie, xref_from_iri, xref_from_property

HAS_DB_XREF = URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref")


def test_shipped_registry_is_generated_from_the_bioregistry() -> None:
    """Regenerate with `python scripts/make_registry.py`."""
    shipped = (files("xpo1kg") / "rdf" / "registry.json").read_bytes()
    assert shipped == render_registry(build_registry())


def test_prefixes_are_the_namespaces_the_data_uses() -> None:
    """The CURIE map, in order: the graph's IRIs and the serialisations' prefix blocks."""
    assert PREFIXES == {
        "xo": "https://w3id.org/xpo1kg/ontology/",
        "xr": "https://w3id.org/xpo1kg/resource/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dcterms": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "sh": "http://www.w3.org/ns/shacl#",
        "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
        "obo": "http://purl.obolibrary.org/obo/",
        "bao": "http://www.bioassayontology.org/bao#",
        "uniprot": "http://purl.uniprot.org/uniprot/",
        "chembl": "http://rdf.ebi.ac.uk/resource/chembl/molecule/",
        "pubchem": "http://rdf.ncbi.nlm.nih.gov/pubchem/compound/",
        "drugbank": "https://go.drugbank.com/drugs/",
        "cellosaurus": "https://www.cellosaurus.org/",
        "reactome": "https://reactome.org/content/detail/",
    }
    assert list(PREFIXES)[-7:] == [db.prefix for db in databases() if db.curie]


@pytest.mark.parametrize(
    ("iri", "curie"),
    [
        ("http://purl.uniprot.org/uniprot/P04637", "uniprot:P04637"),
        ("http://purl.obolibrary.org/obo/MONDO_0004992", "obo:MONDO_0004992"),
        ("http://www.bioassayontology.org/bao#BAO_0000190", "bao:BAO_0000190"),
        ("https://www.cellosaurus.org/CVCL_0134", "cellosaurus:CVCL_0134"),
        ("http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID71481097", "pubchem:CID71481097"),
        ("https://w3id.org/xpo1kg/resource/TP53", "xr:TP53"),
    ],
)
def test_curies_keep_the_projects_forms(iri: str, curie: str) -> None:
    assert compress(iri) == curie
    assert expand(curie) == iri


@pytest.mark.parametrize("prefix", list(PREFIXES))
def test_expand_is_what_the_curies_converter_expands(prefix: str) -> None:
    from curies import Converter

    converter = Converter.from_prefix_map(PREFIXES)
    for local in ("P04637", "CID71481097", "MONDO_0004992", "", "a/b#c"):
        assert expand(f"{prefix}:{local}") == converter.expand(f"{prefix}:{local}")


def test_a_bare_namespace_is_not_compressed() -> None:
    assert compress("http://purl.uniprot.org/uniprot/") == "http://purl.uniprot.org/uniprot/"
    assert expand("nope:x") is None


@pytest.mark.parametrize(
    ("iri", "key", "local"),
    [
        ("https://identifiers.org/uniprot:P04637", "uniprot", "P04637"),
        ("http://identifiers.org/uniprot/P04637", "uniprot", "P04637"),
        ("https://identifiers.org/CHEBI:15422", "chebi", "15422"),
        ("https://identifiers.org/GO:0006915", "go", "0006915"),
        ("https://purl.obolibrary.org/obo/GO_0006915", "go", "0006915"),
        ("https://identifiers.org/chembl.compound:CHEMBL3545185", "chembl", "CHEMBL3545185"),
        ("https://identifiers.org/pubchem.compound:71481097", "pubchem", "71481097"),
    ],
)
def test_identifiers_org_and_obo_forms_are_recognised(iri: str, key: str, local: str) -> None:
    parsed = parse_iri(iri)
    assert parsed is not None
    assert (parsed[0].prefix, parsed[1]) == (key, local)
    assert linked_dataset(iri).key == key  # type: ignore[union-attr]


def test_every_registry_entry_is_complete() -> None:
    for db in databases():
        assert db.name and db.homepage.startswith(("http://", "https://")), db
        assert db.uri_prefix.startswith(("http://", "https://")), db
        assert db.page is None or "$1" in db.page, db
    assert len({db.prefix for db in databases()}) == len(databases())
    assert database("PMID").prefix == "pubmed"  # type: ignore[union-attr]
    assert database("ncbigene") is database("NCBIGene")


def test_every_external_link_of_the_data_names_a_registry_database(kg: KnowledgeGraph) -> None:
    keys = {db.prefix for db in databases()}
    for obj in kg.graph.objects(None, SKOS.exactMatch):
        dataset = linked_dataset(str(obj))
        assert dataset is not None and dataset.key in keys, obj
        assert xref_from_iri(str(obj)).href is not None, obj
    for obj in kg.graph.objects(None, HAS_DB_XREF):
        prefix = str(obj).partition(":")[0]
        if prefix != "BRD":  # Broad Institute compound ids: no public page, not in the registry
            assert database(prefix) is not None, obj


def test_xrefs_link_to_the_databases_pages() -> None:
    assert xref_from_iri("http://purl.uniprot.org/uniprot/P04637").href == (
        "https://www.uniprot.org/uniprotkb/P04637/entry"
    )
    assert xref_from_iri("http://rdf.ebi.ac.uk/resource/chembl/molecule/CHEMBL3545185").href == (
        "https://www.ebi.ac.uk/chembl/explore/compound/CHEMBL3545185"
    )
    pubchem = xref_from_iri("http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID71481097")
    assert (pubchem.accession, pubchem.href) == (
        "CID 71481097",
        "https://pubchem.ncbi.nlm.nih.gov/compound/71481097",
    )
    assert xref_from_curie("HGNC:11998").href == (
        "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:11998"
    )
    assert xref_from_curie("KEGG.DRUG:D11342").href == "https://www.kegg.jp/entry/D11342"
    inchikey = "DEVSOMFAQLZNKR-RJRFIUFISA-N"
    assert xref_from_property("https://w3id.org/xpo1kg/ontology/inchiKey", inchikey).href is None


def test_unknown_identifiers_org_and_obo_prefixes_are_datasets_of_their_own() -> None:
    other = linked_dataset("https://identifiers.org/wikipathways:WP254")
    assert other is not None
    assert (other.key, other.uri_space) == (
        "identifiers-wikipathways",
        "https://identifiers.org/wikipathways:",
    )
    obo = linked_dataset("http://purl.obolibrary.org/obo/ZFA_0000001")
    assert obo is not None
    assert (obo.key, obo.title, obo.uri_space) == (
        "zfa",
        "ZFA",
        "http://purl.obolibrary.org/obo/ZFA_",
    )
