"""The external databases the graph links to: one registry, generated from the Bioregistry.

``xpo1kg/rdf/registry.json`` lists, for each database, its prefix, name, homepage, the IRI namespace
the data uses, the other IRI forms of the same identifiers (identifiers.org, OBO PURLs, the
database's own URLs) and the URL pattern of a readable page. It is generated at development time
from the ``bioregistry`` package (a test dependency, not a runtime one) and read at run time with
``curies``. Regenerate it with::

    python scripts/make_registry.py

(not ``python -m xpo1kg.rdf.registry > ...``: the shell would empty the file the package reads on
import). This module imports nothing from the package, so the script can load it from its file.
A test fails when the shipped file differs from what the installed Bioregistry gives. Where the
data's IRIs differ from the Bioregistry's URI pattern (Cellosaurus, PubChem, BAO), the data's form
is the primary namespace and the Bioregistry's forms are synonyms: the data never changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from curies import Converter

__all__ = [
    "OBO_PURL",
    "Database",
    "build_registry",
    "database",
    "database_of_iri",
    "databases",
    "obo_term",
    "page_of",
    "parse_iri",
    "render_registry",
    "unlisted_database",
]

#: Where the OBO Foundry ontologies' terms live: ``OBO_PURL + "MONDO_0004992"``.
OBO_PURL = "http://purl.obolibrary.org/obo/"
_OBO_TERM = re.compile(re.escape(OBO_PURL) + r"([A-Za-z][A-Za-z0-9]*)_(\w+)$")
_IDENTIFIERS_ORG = re.compile(r"^https?://identifiers\.org/([A-Za-z][\w.]*)[:/]\S")


@dataclass(frozen=True)
class Database:
    """One external database: how its identifiers are written and where to read about them."""

    #: The prefix the project uses (a CURIE prefix for ``curie`` databases, a key otherwise).
    prefix: str
    #: The Bioregistry prefix the record comes from.
    bioregistry: str
    name: str
    homepage: str
    #: The IRI namespace of the identifiers as the data writes them.
    uri_prefix: str
    #: Other IRI namespaces of the same identifiers (identifiers.org, OBO PURLs...).
    uri_prefix_synonyms: tuple[str, ...]
    #: Other names of the prefix (``PMID`` for PubMed, ``CHEBI`` for ChEBI...).
    prefix_synonyms: tuple[str, ...]
    #: URL of a readable page for a local identifier, with ``$1`` in its place; None if none.
    page: str | None
    #: Whether the prefix belongs to the project's CURIE map (:data:`xpo1kg.namespaces.PREFIXES`).
    curie: bool

    def page_for(self, local: str) -> str | None:
        """Return the readable page of a local identifier, if the database has one."""
        return self.page.replace("$1", local) if self.page else None


@cache
def databases() -> tuple[Database, ...]:
    """Return the databases of the shipped registry, in the registry's order."""
    document = json.loads((files("xpo1kg") / "rdf" / "registry.json").read_text(encoding="utf-8"))
    return tuple(
        Database(
            prefix=entry["prefix"],
            bioregistry=entry["bioregistry"],
            name=entry["name"],
            homepage=entry["homepage"],
            uri_prefix=entry["uri_prefix"],
            uri_prefix_synonyms=tuple(entry["uri_prefix_synonyms"]),
            prefix_synonyms=tuple(entry["prefix_synonyms"]),
            page=entry["page"],
            curie=entry["curie"],
        )
        for entry in document["databases"]
    )


@cache
def _by_prefix() -> dict[str, Database]:
    """Every prefix and prefix synonym, lower-cased, to its database."""
    found: dict[str, Database] = {}
    for db in databases():
        for name in (db.prefix, db.bioregistry, *db.prefix_synonyms):
            found.setdefault(name.lower(), db)
    return found


def database(prefix: str) -> Database | None:
    """Return the database a prefix (or any synonym of it, in any case) names.

    >>> database("PMID").name
    'PubMed'
    >>> database("nope") is None
    True
    """
    return _by_prefix().get(prefix.lower())


def page_of(prefix: str, local: str) -> str:
    """Return the readable page of ``prefix:local``; KeyError if the registry knows none.

    >>> page_of("pubmed", "28810913")
    'https://pubmed.ncbi.nlm.nih.gov/28810913/'
    """
    db = database(prefix)
    page = db.page_for(local) if db else None
    if page is None:
        raise KeyError(f"the registry has no page for {prefix}:{local}")
    return page


@cache
def _converter() -> Converter:
    from curies import Converter, Record  # imported here: it is slow to import

    return Converter(
        Record(
            prefix=db.prefix,
            uri_prefix=db.uri_prefix,
            uri_prefix_synonyms=list(db.uri_prefix_synonyms),
        )
        for db in databases()
    )


def parse_iri(iri: str) -> tuple[Database, str] | None:
    """Return the database of an IRI in any of its known forms, and the local identifier.

    >>> db, local = parse_iri("https://identifiers.org/uniprot:P04637")
    >>> db.prefix, local
    ('uniprot', 'P04637')
    >>> parse_iri("http://purl.obolibrary.org/obo/MONDO_0004992")[0].prefix
    'mondo'
    >>> parse_iri("http://purl.obolibrary.org/obo/") is None
    True
    """
    parsed = _converter().parse_uri(iri)
    if parsed is None or not parsed.identifier:
        return None
    return next(db for db in databases() if db.prefix == parsed.prefix), parsed.identifier


def database_of_iri(iri: str) -> Database | None:
    """Return the database of an IRI: listed (any of its forms), else named by a resolver's form.

    >>> database_of_iri("https://identifiers.org/uniprot:P04637").prefix
    'uniprot'
    >>> database_of_iri("http://purl.obolibrary.org/obo/HP_0000118").name
    'HP'
    >>> database_of_iri("https://en.wikipedia.org/wiki/Selinexor") is None
    True
    """
    if (parsed := parse_iri(iri)) is not None:
        return parsed[0]
    unlisted = unlisted_database(iri)
    return None if unlisted is None else database(unlisted.name) or unlisted


def obo_term(iri: str) -> tuple[str, str] | None:
    """Return the ontology prefix (as the PURL writes it) and local id of an OBO PURL, or None.

    >>> obo_term("http://purl.obolibrary.org/obo/MONDO_0009693")
    ('MONDO', '0009693')
    >>> obo_term("http://purl.uniprot.org/uniprot/P04637") is None
    True
    """
    found = _OBO_TERM.match(iri)
    return (found.group(1), found.group(2)) if found else None


def unlisted_database(iri: str) -> Database | None:
    """Describe the database of an IRI the registry does not list, from a resolver's form.

    An OBO PURL names its ontology (homepage at the OBO Foundry); an identifiers.org IRI names
    its prefix (homepage in the identifiers.org registry). Other IRIs give None.

    >>> unlisted_database("http://purl.obolibrary.org/obo/HP_0000118").homepage
    'https://obofoundry.org/ontology/hp.html'
    >>> unlisted_database("https://identifiers.org/foo:123").uri_prefix
    'https://identifiers.org/foo:'
    """
    if term := obo_term(iri):
        prefix = term[0]
        homepage = f"https://obofoundry.org/ontology/{prefix.lower()}.html"
        return _unlisted(prefix.lower(), prefix, homepage, f"{OBO_PURL}{prefix}_", page=True)
    if found := _IDENTIFIERS_ORG.match(iri):
        prefix = found.group(1)
        homepage = f"https://registry.identifiers.org/registry/{prefix.lower()}"
        uri_prefix = f"https://identifiers.org/{prefix}:"
        return _unlisted(f"identifiers-{prefix.lower()}", prefix, homepage, uri_prefix, page=False)
    return None


def _unlisted(key: str, name: str, homepage: str, uri_prefix: str, *, page: bool) -> Database:
    """Describe a database known only by its prefix (``page``: its IRIs are readable pages)."""
    return Database(
        prefix=key,
        bioregistry=name.lower(),
        name=name,
        homepage=homepage,
        uri_prefix=uri_prefix,
        uri_prefix_synonyms=(),
        prefix_synonyms=(),
        page=f"{uri_prefix}$1" if page else None,
        curie=False,
    )


# --- Generation (development time, needs the ``bioregistry`` package) ---------------------------


@dataclass(frozen=True)
class _Wanted:
    """A database the graph links to, and where the data's forms differ from the Bioregistry's."""

    prefix: str
    bioregistry: str
    curie: bool = False
    #: The data's IRI namespace, when it is not the Bioregistry's URI or RDF prefix.
    uri_prefix: str | None = None
    #: The readable page the project links to, when it is not the Bioregistry's URI format.
    page: str | None = None
    no_page: bool = False
    #: Bioregistry prefixes whose identifiers.org forms name the same dataset.
    also: tuple[str, ...] = ()


#: The databases the graph links to. The ``curie`` ones, in this order, complete the project's
#: CURIE map after its own vocabularies.
_WANTED = (
    _Wanted(
        "bao",
        "bao",
        curie=True,
        uri_prefix="http://www.bioassayontology.org/bao#",
        page="http://www.bioassayontology.org/bao#$1",
    ),
    _Wanted("uniprot", "uniprot", curie=True, page="https://www.uniprot.org/uniprotkb/$1/entry"),
    _Wanted(
        "chembl",
        "chembl.compound",
        curie=True,
        page="https://www.ebi.ac.uk/chembl/explore/compound/$1",
        also=("chembl", "chembl.target"),
    ),
    _Wanted(
        "pubchem",
        "pubchem.compound",
        curie=True,
        uri_prefix="http://rdf.ncbi.nlm.nih.gov/pubchem/compound/",
        also=("pubchem.substance",),
    ),
    _Wanted("drugbank", "drugbank", curie=True),
    _Wanted(
        "cellosaurus",
        "cellosaurus",
        curie=True,
        uri_prefix="https://www.cellosaurus.org/",
        page="https://www.cellosaurus.org/$1",
    ),
    _Wanted("reactome", "reactome", curie=True),
    # OBO Foundry ontologies: their PURLs.
    *(
        _Wanted(p, p)
        for p in (
            "bto",
            "chebi",
            "cl",
            "clo",
            "doid",
            "go",
            "iao",
            "mondo",
            "ncbitaxon",
            "ncit",
            "obi",
            "pr",
            "ro",
            "so",
            "uo",
        )
    ),
    # Databases the data cites by CURIE (oboInOwl:hasDbXref) or by literal identifier.
    _Wanted(
        "hgnc", "hgnc", page="https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:$1"
    ),
    _Wanted("ncbigene", "ncbigene"),
    _Wanted("cas", "cas"),
    _Wanted("unii", "unii"),
    _Wanted("kegg.drug", "kegg.drug"),
    _Wanted("depmap", "depmap"),
    _Wanted("pubmed", "pubmed"),
    _Wanted("inchikey", "inchikey", no_page=True),
)

_SYNONYM_HOSTS = ("identifiers.org/", "purl.obolibrary.org/obo/")


def _stem(uri_format: str | None) -> str | None:
    return uri_format[: -len("$1")] if uri_format and uri_format.endswith("$1") else None


def _entry(wanted: _Wanted, taken_uris: set[str], taken_prefixes: set[str]) -> dict[str, Any]:
    import bioregistry

    resource = bioregistry.get_resource(wanted.bioregistry)
    if resource is None:
        raise KeyError(f"bioregistry has no prefix {wanted.bioregistry!r}")
    # The RDF form first: the graph's IRIs are RDF IRIs.
    own = [_stem(resource.get_rdf_uri_format()), _stem(resource.get_uri_format())]
    primary = wanted.uri_prefix or next(uri for uri in own if uri)
    candidates = {uri for uri in own if uri}
    names = {resource.prefix, *resource.get_synonyms()}
    if preferred := resource.get_preferred_prefix():
        names.add(preferred)
    for prefix in (wanted.bioregistry, *wanted.also):
        other = bioregistry.get_resource(prefix)
        assert other is not None, prefix
        candidates |= {
            uri
            for uri in other.get_uri_prefixes()
            # a form under a shared host, not the bare host (OBI lists all of obo/ as its own)
            if any(host in uri and not uri.endswith(host) for host in _SYNONYM_HOSTS)
            and "?" not in uri
        }
        names.add(other.prefix)
    # A synonym that extends the primary namespace would cut the data's local identifiers short.
    synonyms = sorted(
        uri for uri in candidates - taken_uris - {primary} if not uri.startswith(primary)
    )
    taken_uris |= {primary, *synonyms}
    prefix_synonyms = sorted(n for n in names - {wanted.prefix} if n.lower() not in taken_prefixes)
    taken_prefixes |= {wanted.prefix.lower(), *(n.lower() for n in prefix_synonyms)}
    page = None if wanted.no_page else wanted.page or resource.get_uri_format()
    return {
        "prefix": wanted.prefix,
        "bioregistry": resource.prefix,
        "name": resource.get_name(),
        "homepage": resource.get_homepage(),
        "uri_prefix": primary,
        "uri_prefix_synonyms": synonyms,
        "prefix_synonyms": prefix_synonyms,
        "page": page,
        "curie": wanted.curie,
    }


def build_registry(wanted: Iterable[_Wanted] = _WANTED) -> dict[str, Any]:
    """Build the registry document from the installed ``bioregistry`` package."""
    from importlib.metadata import version

    taken_uris: set[str] = set()
    taken_prefixes = {w.prefix.lower() for w in _WANTED}
    entries = [_entry(w, taken_uris, taken_prefixes) for w in wanted]
    return {"bioregistry_version": version("bioregistry"), "databases": entries}


def render_registry(document: dict[str, Any]) -> bytes:
    """Serialise the registry document as the shipped file is written."""
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
