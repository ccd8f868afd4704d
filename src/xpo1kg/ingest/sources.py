"""The sources that a spreadsheet's cells name: the guide, a citation, or a source of the graph.

Both table importers (measurements, :mod:`xpo1kg.ingest.plan`; statements,
:mod:`xpo1kg.ingest.statements`) read a source cell the same way: a name of the BenchChem guide
is the guide; a PubMed id, a DOI or a web address (:func:`parse_source_id`) is the graph's source
with that page when there is one, else a new source, written once with its label and page.
Anything else is a name, which each importer looks up its own way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from xpo1kg.ingest.values import RefusedCellError, fold_name, normal_text
from xpo1kg.rdf.namespaces import PREFIXES, XR
from xpo1kg.rdf.registry import page_of
from xpo1kg.rdf.text import Triple
from xpo1kg.rdf.text import iri as _iri
from xpo1kg.rdf.text import quote as _quote
from xpo1kg.rdf.text import term as _term

__all__ = ["GUIDE", "GUIDE_NAMES", "CitedSources", "SourceId", "page_key", "parse_source_id"]

GUIDE = PREFIXES["xr"] + "BenchChemGuide2025"
#: Names of the BenchChem guide in a source cell (folded: case and punctuation aside).
GUIDE_NAMES = frozenset({"guide", "theguide", "benchchem", "benchchemguide"})


def page_key(url: str) -> str:
    """Compare web pages without their scheme, ``www.``, case or final slash.

    >>> page_key("https://www.Example.org/paper/") == page_key("http://example.org/paper")
    True
    """
    return re.sub(r"^https?://(www\.)?", "", url.casefold()).rstrip("/")


@dataclass(frozen=True)
class SourceId:
    """A source named by identifier: the IRI to use for it, its label and its page."""

    iri: str
    label: str
    page: str


_PMID = re.compile(
    r"(?:pmid|pubmed)\s*:?\s*(\d{1,9})|https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?",
    re.IGNORECASE,
)
_DOI = re.compile(r"(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)", re.IGNORECASE)


def parse_source_id(text: str) -> SourceId | None:
    """Read a PubMed id, a DOI or a web address; None for anything else (a name, say).

    >>> parse_source_id("PMID: 28810913").page
    'https://pubmed.ncbi.nlm.nih.gov/28810913/'
    >>> parse_source_id("https://doi.org/10.1038/LEU.2012.219").label
    'doi:10.1038/leu.2012.219'
    """
    text = normal_text(text)
    if pmid := _PMID.fullmatch(text):
        number = str(int(pmid.group(1) or pmid.group(2)))
        page = page_of("pubmed", number)
        return SourceId(f"{XR}source/pmid-{number}", f"PMID:{number}", page)
    if doi := _DOI.fullmatch(text):
        name = doi.group(1).casefold()  # DOIs are case-insensitive
        iri = f"{XR}source/doi-{quote(name, safe='._-')}"
        return SourceId(iri, f"doi:{name}", "https://doi.org/" + quote(name, safe="/:;()._-"))
    parts = urlsplit(text)
    if (
        parts.scheme in ("http", "https")
        and parts.netloc
        and not re.search(r'[\s<>"{}|\\^`]', text)
    ):
        digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]
        return SourceId(f"{XR}source/url-{digest}", text, text)
    return None


class CitedSources:
    """The graph's sources by page, and the new ones that cells cite, each made once."""

    def __init__(self, known: set[str], pages: Iterable[Sequence[str]]) -> None:
        """``known`` are the graph's sources; ``pages`` their (source, foaf:page) pairs."""
        self.known = known
        self.pages = {page_key(page): s for s, page in pages if s in known}
        #: New source IRI -> (label, page), in the order the cells cite them.
        self.new: dict[str, tuple[str, str]] = {}

    def resolve(self, text: str, first_cited: Callable[[str], None]) -> str | None:
        """Return the source a citation or a name of the guide means; None for any other name.

        ``first_cited`` is called with the IRI of a new source the first time a cell cites it.
        Raises :class:`~xpo1kg.ingest.values.RefusedCellError` for a web address that is not an IRI.
        """
        if fold_name(text) in GUIDE_NAMES:
            return GUIDE
        cited = parse_source_id(text)
        if cited is None:
            return None
        if known_page := self.pages.get(page_key(cited.page)):
            return known_page
        if cited.iri not in self.known and cited.iri not in self.new:
            try:
                ox.NamedNode(cited.page)
            except ValueError:
                raise RefusedCellError(f"{text!r} is not a valid web address") from None
            self.new[cited.iri] = (cited.label, cited.page)
            first_cited(cited.iri)
        return cited.iri

    def triples(self, used: set[str]) -> Iterable[tuple[str, list[Triple]]]:
        """Yield each new source that some statement ``used``, with its type, label and page."""
        for source, (label, page) in self.new.items():
            if source in used:
                node = _iri(source)
                yield (
                    source,
                    [
                        (node, _term("rdf:type"), _term("xo:Source")),
                        (node, _term("rdfs:label"), _quote(label)),
                        (node, _term("foaf:page"), _iri(page)),
                    ],
                )
