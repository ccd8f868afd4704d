"""Every external identifier in the ontology and the data is one that was verified in a source.

The fixture ``resources/verified_identifiers.tsv`` (columns id_type, id, label, status) holds the
rows of the project's reference identifiers (sections 1-6) whose status is VERIFIED, one row per
identifier, in canonical form: UniProt ``O14980``, HGNC ``HGNC:12825``, NCBI Gene ``7514``, ChEMBL
``CHEMBL3545185``, ChEBI ``CHEBI:229764``, PubChem ``71481097`` (CID number), DrugBank ``DB11942``,
Cellosaurus ``CVCL_0134``, OBO terms as ``PREFIX:LOCAL`` (BTO, MONDO, NCIT, DOID, GO, UO, IAO, RO,
OBI), BAO and SIO as ``BAO:0000190`` / ``SIO:000300``, Reactome ``R-HSA-109581``, and the
allowlists KEGG (``D11222``), BRD (``BRD-K21361524``) and DepMap (``ACH-000657``). For genes and
proteins the label column is the HGNC symbol. The evidence codes (``ECO:0000303``...) come from the
project's reference on evidence (evidence.md), with the labels UniProt and GO use.

Each check returns a list of problems that names the offending identifiers; the tests assert that
list is empty. The ``*_reports_*`` tests run the checks on small broken graphs.

A few fixture rows are verified *records* that must not be used (their status ends "do not use": the
eltanexor Z-isomer sample, A2780cis, the merged GO:0007050). They stay in the fixture so it mirrors
the reference, but they do not count as verified: an identifier check reports them, and
``test_known_traps_are_absent`` forbids them (and the superseded BBC3 entry Q96PG8) anywhere.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import XO, XR
from xpo1kg.resources import data_files, ontology_file

FIXTURE = Path(__file__).parent / "resources" / "verified_identifiers.tsv"
OBO_IN_OWL_XREF = URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref")
SKOS_MAPPINGS = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
)

UNIPROT = "http://purl.uniprot.org/uniprot/"
OBO = "http://purl.obolibrary.org/obo/"
BAO = "http://www.bioassayontology.org/bao#"
SIO = "http://semanticscience.org/resource/"
#: IRI namespace -> fixture id_type, for namespaces whose local part is the id itself.
PLAIN_NAMESPACES = {
    UNIPROT: "UniProt",
    "http://rdf.ebi.ac.uk/resource/chembl/molecule/": "ChEMBL",
    "https://go.drugbank.com/drugs/": "DrugBank",
    "https://www.cellosaurus.org/": "Cellosaurus",
    "https://reactome.org/content/detail/": "Reactome",
}
PUBCHEM_COMPOUND = "http://rdf.ncbi.nlm.nih.gov/pubchem/compound/"
#: OBO prefix -> fixture id_type, where they differ.
OBO_ID_TYPES = {"CHEBI": "ChEBI"}
#: xref prefix -> fixture id_type. HGNC ids keep their prefix in the fixture; the others do not.
XREF_ID_TYPES = {
    "HGNC": "HGNC",
    "NCBIGene": "NCBIGene",
    "CAS": "CAS",
    "UNII": "UNII",
    "KEGG.DRUG": "KEGG",
    "BRD": "BRD",
    "DepMap": "DepMap",
}
#: Literal-valued identifier properties -> fixture id_type.
LITERAL_ID_PROPERTIES = {
    XO.uniprotAccession: "UniProt",
    XO.cellosaurusId: "Cellosaurus",
    XO.inchiKey: "InChIKey",
}
#: Reference-ontology IRIs used as modelling vocabulary rather than as data identifiers, verified
#: outside identifiers.md. IAO:0000115 "definition" is the OBO definition annotation property
#: (conventions.md section 1.5: ROBOT missing_definition, OBO standardization guidelines).
VOCABULARY_EXCEPTIONS = {("IAO", "IAO:0000115")}

#: Canonical form of each id_type in the fixture.
ID_PATTERNS = {
    "UniProt": r"[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9](?:[A-Z][A-Z0-9]{2}[0-9]){1,2}",
    "HGNC": r"HGNC:\d+",
    "NCBIGene": r"[1-9]\d*",
    "ChEMBL": r"CHEMBL\d+",
    "ChEBI": r"CHEBI:\d+",
    "PubChem": r"[1-9]\d*",
    "DrugBank": r"DB\d{5}",
    "CAS": r"\d{2,7}-\d{2}-\d",
    "UNII": r"[A-Z0-9]{10}",
    "InChIKey": r"[A-Z]{14}-[A-Z]{10}-[A-Z]",
    "KEGG": r"D\d{5}",
    "BRD": r"BRD-[A-Z]\d{8}",
    "DepMap": r"ACH-\d{6}",
    "Cellosaurus": r"CVCL_[A-Z0-9]{4}",
    "BTO": r"BTO:\d{7}",
    "MONDO": r"MONDO:\d{7}",
    "NCIT": r"NCIT:C\d+",
    "DOID": r"DOID:\d+",
    "GO": r"GO:\d{7}",
    "Reactome": r"R-HSA-\d+",
    "BAO": r"BAO:\d{7}",
    "UO": r"UO:\d{7}",
    "IAO": r"IAO:\d{7}",
    "RO": r"RO:\d{7}",
    "OBI": r"OBI:\d{7}",
    "SIO": r"SIO:\d{6}",
    "ECO": r"ECO:\d{7}",
}

#: Known traps of the reference identifiers: none of these may appear anywhere (IRI or literal).
TRAPS = [
    pytest.param(r"(?<!\d)117763569(?!\d)", id="PubChem-CID-117763569-eltanexor-Z-isomer"),
    pytest.param(r"JFBAVWVBLRIWHM-MLPAPPSSSA-N", id="InChIKey-eltanexor-Z-isomer"),
    pytest.param(r"BRD-K00003369", id="BRD-eltanexor-Z-isomer"),
    pytest.param(r"CVCL[_:]1942(?!\d)", id="CVCL_1942-A2780cis-is-not-CP70"),
    pytest.param(r"GO[_:]0007050(?!\d)", id="GO_0007050-merged-into-GO_0051726"),
    pytest.param(r"(?<![A-Z0-9])Q96PG8(?![A-Z0-9])", id="Q96PG8-not-the-preferred-BBC3-entry"),
]


@dataclass(frozen=True)
class Row:
    id_type: str
    id: str
    label: str
    status: str


Verified = dict[str, dict[str, Row]]


def load_rows(path: Path = FIXTURE) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        assert reader.fieldnames == ["id_type", "id", "label", "status"], reader.fieldnames
        return [Row(r["id_type"], r["id"], r["label"], r["status"]) for r in reader]


DO_NOT_USE = "do not use"


def index(rows: list[Row]) -> Verified:
    """The usable verified identifiers, by id_type and id (rows marked "do not use" left out)."""
    verified: Verified = defaultdict(dict)
    for row in rows:
        if DO_NOT_USE not in row.status:
            verified[row.id_type][row.id] = row
    return verified


# ---------------------------------------------------------------------------------------------
# Reading identifiers out of IRIs and literals
# ---------------------------------------------------------------------------------------------


def identifier_of_iri(iri: str) -> tuple[str, str] | None:
    """The (id_type, id) an IRI stands for in fixture form, or None if its namespace is unknown."""
    for namespace, id_type in PLAIN_NAMESPACES.items():
        if iri.startswith(namespace):
            return id_type, iri[len(namespace) :]
    if iri.startswith(PUBCHEM_COMPOUND):
        local = iri[len(PUBCHEM_COMPOUND) :]
        return "PubChem", local.removeprefix("CID") if re.fullmatch(r"CID\d+", local) else local
    for namespace in (OBO, BAO, SIO):
        if iri.startswith(namespace):
            prefix, sep, local = iri[len(namespace) :].partition("_")
            if not sep:
                return "OBO", iri[len(namespace) :]
            return OBO_ID_TYPES.get(prefix, prefix), f"{prefix}:{local}"
    return None


def identifier_of_xref(xref: str) -> tuple[str, str] | None:
    """The (id_type, id) of an oboInOwl:hasDbXref CURIE, or None if its prefix is not covered."""
    prefix, _, local = xref.partition(":")
    id_type = XREF_ID_TYPES.get(prefix)
    if id_type is None:
        return None
    return id_type, xref if id_type == "HGNC" else local


def show(node: Node) -> str:
    text = str(node)
    if isinstance(node, URIRef) and text.startswith(str(XR)):
        return "xr:" + text[len(str(XR)) :]
    return node.n3()


def unverified(verified: Verified, id_type: str, ident: str) -> bool:
    return ident not in verified.get(id_type, {})


def instances_of(onto: Graph, data: Graph, cls: URIRef) -> list[Node]:
    """Resources of ``data`` typed with ``cls`` or one of its subclasses in ``onto``."""
    classes = set(onto.transitive_subjects(RDFS.subClassOf, cls))
    return sorted({s for c in classes for s in data.subjects(RDF.type, c)}, key=str)


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def check_fixture(rows: list[Row]) -> list[str]:
    problems = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.id_type, row.id)
        if key in seen:
            problems.append(f"duplicate fixture row {key}")
        seen.add(key)
        pattern = ID_PATTERNS.get(row.id_type)
        if pattern is None:
            problems.append(f"unknown id_type {row.id_type!r} for {row.id}")
        elif not re.fullmatch(pattern, row.id):
            problems.append(f"{row.id_type} id {row.id!r} is not in canonical form")
        if not row.status.startswith("VERIFIED"):
            problems.append(f"{row.id_type} {row.id} has status {row.status!r}")
        if re.search(r"UNVERIFIED|none found", row.id + " " + row.status, re.IGNORECASE):
            problems.append(f"{row.id_type} {row.id}: unverified row in the fixture")
        if not row.label.strip():
            problems.append(f"{row.id_type} {row.id} has no label")
    return problems


def check_external_iris(graph: Graph, verified: Verified) -> list[str]:
    """Every IRI in a known external namespace, used anywhere, is verified (UniProt, ChEMBL, OBO...)."""
    problems = set()
    for triple in graph:
        for node in triple:
            if not isinstance(node, URIRef):
                continue
            found = identifier_of_iri(str(node))
            if found is None or found in VOCABULARY_EXCEPTIONS:
                continue
            if unverified(verified, *found):
                problems.add(f"{found[0]} {found[1]} ({node.n3()}) is not a verified identifier")
    return sorted(problems)


def check_mapping_targets(graph: Graph) -> list[str]:
    """Every SKOS mapping points to an IRI in a namespace the identifier checks understand."""
    return sorted(
        f"{show(s)} {p.n3()} {o.n3()}: not an IRI of a known identifier namespace"
        for p in SKOS_MAPPINGS
        for s, o in graph.subject_objects(p)
        if not isinstance(o, URIRef) or identifier_of_iri(str(o)) is None
    )


def check_xrefs(graph: Graph, verified: Verified) -> list[str]:
    """Every oboInOwl:hasDbXref is a CURIE with a covered prefix and a verified id."""
    problems = []
    for s, xref in graph.subject_objects(OBO_IN_OWL_XREF):
        text = str(xref)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9.]*:\S+", text):
            problems.append(f"invalid_xref: {show(s)} {text!r} is not a CURIE")
            continue
        found = identifier_of_xref(text)
        if found is None:
            problems.append(
                f"{show(s)} xref {text!r}: prefix not covered by the verified identifiers"
            )
        elif unverified(verified, *found):
            problems.append(f"{show(s)} xref {text!r} is not a verified identifier")
    return sorted(problems)


def check_literal_identifiers(graph: Graph, verified: Verified) -> list[str]:
    """xo:uniprotAccession, xo:cellosaurusId and xo:inchiKey values are verified."""
    return sorted(
        f"{show(s)} {prop.n3()} {value.n3()} is not a verified {id_type} identifier"
        for prop, id_type in LITERAL_ID_PROPERTIES.items()
        for s, value in graph.subject_objects(prop)
        if unverified(verified, id_type, str(value))
    )


def uniprot_matches(graph: Graph, subject: Node) -> list[str]:
    return sorted(
        str(o)[len(UNIPROT) :]
        for o in graph.objects(subject, SKOS.exactMatch)
        if isinstance(o, URIRef) and str(o).startswith(UNIPROT)
    )


def check_protein_accessions(onto: Graph, data: Graph, verified: Verified) -> list[str]:
    """Each protein: one accession, equal to its one UniProt exactMatch and to the fixture's for its symbol."""
    by_symbol = defaultdict(set)
    for row in verified.get("UniProt", {}).values():
        by_symbol[row.label].add(row.id)
    problems = []
    for protein in instances_of(onto, data, XO.Protein):
        name = show(protein)
        accessions = sorted(str(a) for a in data.objects(protein, XO.uniprotAccession))
        matches = uniprot_matches(data, protein)
        symbols = sorted(str(s) for s in data.objects(protein, XO.geneSymbol))
        if len(accessions) != 1:
            problems.append(f"{name} has xo:uniprotAccession {accessions}, expected exactly one")
        if len(matches) != 1:
            problems.append(f"{name} has UniProt skos:exactMatch {matches}, expected exactly one")
        if accessions != matches:
            problems.append(
                f"{name}: xo:uniprotAccession {accessions} != UniProt exactMatch {matches}"
            )
        if len(symbols) != 1:
            problems.append(f"{name} has xo:geneSymbol {symbols}, expected exactly one")
            continue
        expected = sorted(by_symbol.get(symbols[0], ()))
        if not expected:
            problems.append(f"{name}: no verified UniProt accession for gene symbol {symbols[0]}")
        elif any(a not in expected for a in accessions + matches):
            problems.append(
                f"{name} ({symbols[0]}) uses {sorted(set(accessions + matches))}, verified: {expected}"
            )
    return problems


def check_protein_gene_xrefs(onto: Graph, data: Graph, verified: Verified) -> list[str]:
    """The HGNC and NCBI Gene xrefs of a protein are the ones the fixture gives for its symbol."""
    problems = []
    for protein in instances_of(onto, data, XO.Protein):
        symbols = [str(s) for s in data.objects(protein, XO.geneSymbol)]
        for xref in sorted(str(x) for x in data.objects(protein, OBO_IN_OWL_XREF)):
            found = identifier_of_xref(xref)
            if found is None or found[0] not in {"HGNC", "NCBIGene"}:
                continue
            row = verified.get(found[0], {}).get(found[1])
            if row is not None and row.label not in symbols:
                problems.append(
                    f"{show(protein)} ({symbols}) has xref {xref}, which the fixture gives to {row.label}"
                )
    return problems


def check_cell_line_ids(onto: Graph, data: Graph) -> list[str]:
    """A cell line's xo:cellosaurusId values equal the accessions of its Cellosaurus exactMatch IRIs."""
    namespace = next(ns for ns, t in PLAIN_NAMESPACES.items() if t == "Cellosaurus")
    problems = []
    for line in instances_of(onto, data, XO.CellLine):
        ids = sorted(str(v) for v in data.objects(line, XO.cellosaurusId))
        matches = sorted(
            str(o)[len(namespace) :]
            for o in data.objects(line, SKOS.exactMatch)
            if str(o).startswith(namespace)
        )
        if ids != matches or len(ids) > 1:
            problems.append(
                f"{show(line)}: xo:cellosaurusId {ids} vs Cellosaurus exactMatch {matches}"
            )
    return problems


def check_inhibitor_ids_agree(onto: Graph, data: Graph, verified: Verified) -> list[str]:
    """Every verified id on an inhibitor belongs, in the fixture, to a compound of the same name."""
    problems = []
    for inhibitor in instances_of(onto, data, XO.Inhibitor):
        names = {str(label).casefold() for label in data.objects(inhibitor, RDFS.label)}
        found = [
            identifier_of_iri(str(o)) for p in SKOS_MAPPINGS for o in data.objects(inhibitor, p)
        ]
        found += [identifier_of_xref(str(x)) for x in data.objects(inhibitor, OBO_IN_OWL_XREF)]
        found += [("InChIKey", str(k)) for k in data.objects(inhibitor, XO.inchiKey)]
        for id_type, ident in sorted(f for f in found if f is not None):
            row = verified.get(id_type, {}).get(ident)
            if row is not None and row.label.casefold() not in names:
                problems.append(
                    f"{show(inhibitor)} {sorted(names)} has {id_type} {ident}, which is {row.label!r}"
                )
    return problems


def find_mentions(graph: Graph, pattern: str) -> list[str]:
    """Every IRI or literal of ``graph`` that matches ``pattern``."""
    regex = re.compile(pattern)
    return sorted(
        {
            f"{node.n3()} (in {show(s)} {p.n3()} {o.n3()})"
            for s, p, o in graph
            for node in (s, p, o)
            if regex.search(str(node))
        }
    )


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return load_rows()


@pytest.fixture(scope="module")
def verified(rows: list[Row]) -> Verified:
    return index(rows)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return read_graph([ontology_file()])


@pytest.fixture(scope="module")
def data() -> Graph:
    return read_graph(data_files())


@pytest.fixture(scope="module")
def everything(ontology: Graph, data: Graph) -> Graph:
    return ontology + data


# ---------------------------------------------------------------------------------------------
# The fixture itself
# ---------------------------------------------------------------------------------------------


def test_fixture_rows_are_canonical_and_verified(rows: list[Row]) -> None:
    assert len(rows) > 150
    assert check_fixture(rows) == []


def test_fixture_covers_every_id_type(verified: Verified) -> None:
    assert set(verified) == set(ID_PATTERNS)


def test_fixture_marks_the_traps(rows: list[Row]) -> None:
    marked = sorted(row.id for row in rows if DO_NOT_USE in row.status)
    assert marked == [
        "117763569",
        "BRD-K00003369",
        "CVCL_1942",
        "GO:0007050",
        "JFBAVWVBLRIWHM-MLPAPPSSSA-N",
    ]
    assert "Q96PG8" not in {row.id for row in rows}


def test_fixture_gives_one_accession_per_gene_symbol(verified: Verified) -> None:
    symbols = [row.label for row in verified["UniProt"].values()]
    assert len(symbols) == 20
    assert sorted(s for s in set(symbols) if symbols.count(s) > 1) == []
    assert verified["UniProt"]["Q9BXH1"].label == "BBC3"
    assert verified["UniProt"]["O14980"].label == "XPO1"


# ---------------------------------------------------------------------------------------------
# Identifiers in the ontology and the data
# ---------------------------------------------------------------------------------------------


def test_external_iris_are_verified(everything: Graph, verified: Verified) -> None:
    """UniProt, ChEMBL, PubChem, DrugBank, Cellosaurus, Reactome, OBO (CHEBI, MONDO, NCIT, DOID, GO,
    BTO, UO, IAO, RO) and BAO IRIs, in any position of the ontology or the data."""
    assert check_external_iris(everything, verified) == []


def test_mapping_targets_are_in_known_namespaces(everything: Graph) -> None:
    assert check_mapping_targets(everything) == []


def test_xrefs_are_verified(everything: Graph, verified: Verified) -> None:
    assert check_xrefs(everything, verified) == []


def test_identifier_literals_are_verified(everything: Graph, verified: Verified) -> None:
    assert check_literal_identifiers(everything, verified) == []


def test_protein_accessions_agree(ontology: Graph, data: Graph, verified: Verified) -> None:
    assert len(instances_of(ontology, data, XO.Protein)) >= 15
    assert check_protein_accessions(ontology, data, verified) == []


def test_protein_gene_xrefs_agree(ontology: Graph, data: Graph, verified: Verified) -> None:
    assert check_protein_gene_xrefs(ontology, data, verified) == []


def test_cell_line_ids_agree(ontology: Graph, data: Graph) -> None:
    assert len(instances_of(ontology, data, XO.CellLine)) >= 6
    assert check_cell_line_ids(ontology, data) == []


def test_inhibitor_ids_belong_to_the_inhibitor(
    ontology: Graph, data: Graph, verified: Verified
) -> None:
    assert len(instances_of(ontology, data, XO.Inhibitor)) >= 5
    assert check_inhibitor_ids_agree(ontology, data, verified) == []


@pytest.mark.parametrize("pattern", TRAPS)
def test_known_traps_are_absent(everything: Graph, pattern: str) -> None:
    assert find_mentions(everything, pattern) == []


def test_bbc3_is_q9bxh1(data: Graph) -> None:
    proteins = sorted(data.subjects(XO.geneSymbol, Literal("BBC3")), key=str)
    assert len(proteins) == 1, proteins
    assert [str(a) for a in data.objects(proteins[0], XO.uniprotAccession)] == ["Q9BXH1"]
    assert uniprot_matches(data, proteins[0]) == ["Q9BXH1"]


# ---------------------------------------------------------------------------------------------
# The same checks on deliberately broken graphs
# ---------------------------------------------------------------------------------------------

BROKEN_TTL = """
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .

xr:BBC3 a xo:ProApoptoticProtein ; rdfs:label "BBC3" ; xo:geneSymbol "BBC3" ;
    xo:uniprotAccession "Q96PG8" ;
    skos:exactMatch <http://purl.uniprot.org/uniprot/Q96PG8> ;
    oboInOwl:hasDbXref "HGNC:17868", "NCBIGene:7157", "HGNC:99999", "FOO:1", "no curie" .
xr:TP53 a xo:Protein ; xo:geneSymbol "TP53" ; xo:uniprotAccession "P04637" ;
    skos:exactMatch <http://purl.uniprot.org/uniprot/O14980> .
xr:eltanexor a xo:Inhibitor ; rdfs:label "eltanexor" ;
    skos:exactMatch <http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID117763569> ,
        <http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID71481097> , <https://example.org/eltanexor> ;
    oboInOwl:hasDbXref "BRD:BRD-K00003369" ;
    xo:inchiKey "JFBAVWVBLRIWHM-MLPAPPSSSA-N" .
xr:A2780-CP70 a xo:CellLine ; xo:cellosaurusId "CVCL_1942" ;
    skos:exactMatch <https://www.cellosaurus.org/CVCL_0134> .
xr:CellCycleArrest skos:exactMatch obo:GO_0007050 ; skos:closeMatch obo:GO_9999999 .
"""

MINI_ONTOLOGY = """
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
xo:ProApoptoticProtein rdfs:subClassOf xo:Protein .
"""


@pytest.fixture()
def broken() -> Graph:
    return Graph().parse(data=BROKEN_TTL, format="turtle")


@pytest.fixture()
def mini_ontology() -> Graph:
    return Graph().parse(data=MINI_ONTOLOGY, format="turtle")


def test_iri_check_reports_unverified_iris(broken: Graph, verified: Verified) -> None:
    problems = " | ".join(check_external_iris(broken, verified))
    assert "UniProt Q96PG8" in problems
    assert "PubChem 117763569" in problems  # a "do not use" row of the fixture
    assert "GO GO:0007050" in problems  # likewise
    assert "GO GO:9999999" in problems
    # 71481097 is verified (selinexor's CID): the agreement check reports it on eltanexor instead.
    assert "PubChem 71481097" not in problems
    assert len(check_mapping_targets(broken)) == 1  # the example.org IRI


def test_xref_check_reports_bad_xrefs(broken: Graph, verified: Verified) -> None:
    problems = check_xrefs(broken, verified)
    assert problems == [
        "invalid_xref: xr:BBC3 'no curie' is not a CURIE",
        "xr:BBC3 xref 'FOO:1': prefix not covered by the verified identifiers",
        "xr:BBC3 xref 'HGNC:99999' is not a verified identifier",
        "xr:eltanexor xref 'BRD:BRD-K00003369' is not a verified identifier",
    ]


def test_literal_check_reports_unverified_literals(broken: Graph, verified: Verified) -> None:
    problems = check_literal_identifiers(broken, verified)
    assert len(problems) == 3
    joined = " | ".join(problems)
    for ident in ("Q96PG8", "CVCL_1942", "JFBAVWVBLRIWHM-MLPAPPSSSA-N"):
        assert f'"{ident}"' in joined


def test_consistency_checks_report_disagreements(
    broken: Graph, mini_ontology: Graph, verified: Verified
) -> None:
    accessions = " | ".join(check_protein_accessions(mini_ontology, broken, verified))
    assert "xr:BBC3 (BBC3) uses ['Q96PG8']" in accessions
    assert "xr:TP53: xo:uniprotAccession ['P04637'] != UniProt exactMatch ['O14980']" in accessions
    assert check_protein_gene_xrefs(mini_ontology, broken, verified) == [
        "xr:BBC3 (['BBC3']) has xref NCBIGene:7157, which the fixture gives to TP53"
    ]
    assert check_cell_line_ids(mini_ontology, broken) == [
        "xr:A2780-CP70: xo:cellosaurusId ['CVCL_1942'] vs Cellosaurus exactMatch ['CVCL_0134']"
    ]
    assert check_inhibitor_ids_agree(mini_ontology, broken, verified) == [
        "xr:eltanexor ['eltanexor'] has PubChem 71481097, which is 'selinexor'"
    ]


@pytest.mark.parametrize("pattern", TRAPS)
def test_trap_check_finds_each_trap(broken: Graph, pattern: str) -> None:
    assert find_mentions(broken, pattern) != []
