"""Tolerant search over the names of a knowledge graph: the one place names are looked up.

:class:`SearchIndex` is built once per :class:`~xpo1kg.store.knowledge_graph.KnowledgeGraph` from
SPARQL on its store. It indexes every entity's labels (``rdfs:label``), synonyms
(``skos:altLabel``), identifiers (``xo:uniprotAccession``, ``xo:geneSymbol``, ``xo:cellosaurusId``,
``xo:inchiKey``, ``oboInOwl:hasDbXref`` CURIEs, ``skos:exactMatch``/``skos:closeMatch`` IRIs as
CURIEs) and the entity's own CURIE and IRI. A query matches a name, from best to worst:

``exact``
    the same text, case ignored;
``prefix``
    the start of the name (``selin`` → selinexor);
``token``
    every word of the query starts a word of the name (``breast cancer`` → triple-negative
    breast cancer);
``normalised``
    the same once Greek letters become Latin ones (κ, kappa → k; α, alpha → a; β, beta → b...),
    accents, case, spaces and punctuation are dropped: equal, a prefix, or word by word
    (``IkB``, ``IκB``, ``NF-kB``, ``NF-κB``, ``nfkb``);
``fuzzy``
    a typo: at most 1 edit (Damerau–Levenshtein, adjacent transpositions count once) in words of
    4–7 characters, 2 in longer ones; words of 3 characters or fewer must match exactly.

Identifiers and CURIEs match exactly, by prefix or normalised, never by words or typos (a
neighbouring accession is another protein). Each entity appears once, with its best match.
Individuals come before classes and properties among the non-fuzzy matches (``caspase`` gives
CASP3 and CASP9, then the class); typos come last, and only when no name equals the text (exactly
or normalised). Ties go to the shorter matched name, then labels before synonyms before
identifiers, then the label and the IRI.

The API: ``SearchIndex.from_graph(kg)`` (or ``kg.search_index``, built once and kept),
``index.search(text, limit=20) -> list[Hit]``, ``index.named(text)`` (whole names only: what a
resolver may accept) and ``index.suggest(text)`` (the closest names, for "did you mean").

>>> from xpo1kg.store.knowledge_graph import load_graph
>>> index = SearchIndex.from_graph(load_graph())
>>> hit = index.search("selinexr", limit=1)[0]
>>> hit.curie, hit.label, hit.type, hit.matched, hit.why
('xr:selinexor', 'selinexor', 'selective inhibitor of nuclear export', 'selinexor', 'fuzzy label (1 edit)')
>>> [(h.label, h.why) for h in index.search("caspase", limit=2)]
[('CASP3', 'prefix of synonym'), ('CASP9', 'prefix of synonym')]
>>> [h.label for h in index.named("skov 3")], index.named("selin")
(['SK-OV-3'], [])
>>> index.search("selinx"), [h.label for h in index.suggest("selinx", 1)]
([], ['selinexor'])
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox

from xpo1kg.rdf.namespaces import PREFIXES, compress
from xpo1kg.store.knowledge_graph import Entity

if TYPE_CHECKING:
    from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["MATCHES", "Hit", "SearchIndex", "edit_distance", "normalise"]

#: The kinds of match, best first.
MATCHES: Final = ("exact", "prefix", "token", "normalised", "fuzzy")

_RDF, _RDFS, _OWL, _SKOS = (PREFIXES[p] for p in ("rdf", "rdfs", "owl", "skos"))
_XO, _OBO_IN_OWL = PREFIXES["xo"], PREFIXES["oboInOwl"]
#: Name properties and the field each fills: text names are matched every way, identifiers not
#: by words or typos.
_TEXT_FIELDS: Final = {_RDFS + "label": "label", _SKOS + "altLabel": "synonym"}
_ID_FIELDS: Final = {
    _XO + "uniprotAccession": "UniProt accession",
    _XO + "geneSymbol": "gene symbol",
    _XO + "cellosaurusId": "Cellosaurus ID",
    _XO + "inchiKey": "InChIKey",
    _OBO_IN_OWL + "hasDbXref": "cross-reference",
}
#: Mappings to other databases: the field is named after the CURIE prefix ("chembl ID").
_MAPPINGS: Final = {_SKOS + "exactMatch": "exact match", _SKOS + "closeMatch": "close match"}
_FIELD_ORDER: Final = {"label": 0, "synonym": 1, "cross-reference": 3, "CURIE": 5, "IRI": 6}
_CLASS_TYPES: Final = {_OWL + "Class", _RDFS + "Class"}
_PROPERTY_TYPES: Final = {
    _RDF + "Property",
    *(
        _OWL + p
        for p in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty", "OntologyProperty")
    ),
}
_BUILTIN_TYPES: Final = {_OWL + "Ontology": "ontology", _OWL + "Thing": "thing",
                         _RDFS + "Datatype": "datatype"}  # fmt: skip
_SKIPPED_TYPES: Final = {_OWL + "NamedIndividual"}

_GREEK: Final = {
    "α": "a", "β": "b", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "h", "θ": "q", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "u", "φ": "f", "χ": "c", "ψ": "y", "ω": "w",
}  # fmt: skip
#: Spelled-out Greek letters of four letters or more (shorter ones, like "mu" or "tau", are words).
_SPELLED: Final = re.compile(
    "alpha|beta|gamma|delta|epsilon|zeta|theta|iota|kappa|lambda|omicron|sigma|upsilon|omega"
)
_SPELLED_LETTER: Final = {"theta": "q", "upsilon": "u", "omicron": "o", "omega": "w"}
_SPLIT: Final = re.compile(r"[\W_]+")
_TO_LATIN: Final = str.maketrans(_GREEK)
#: Whole names longer than this are matched for typos word by word only (it bounds the index).
_WHOLE_FUZZY_MAX: Final = 16


def _fold(text: str) -> str:
    """Case-fold, NFKC and collapse white space: the form exact, prefix and token matching use."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _latin(text: str) -> str:
    """Drop accents and write Greek letters (and their spelled names) as Latin ones."""
    plain = text.casefold()
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_TO_LATIN)
    return _SPELLED.sub(_spelled_letter, plain)


def _spelled_letter(match: re.Match[str]) -> str:
    return _SPELLED_LETTER.get(match.group(), match.group()[0])


def normalise(text: str) -> str:
    """Return the normalised form: Latin letters and digits only, lower case.

    >>> {normalise(t) for t in ("IκBα", "IkB-alpha", "IkappaBalpha", "ikba")}
    {'ikba'}
    >>> normalise("NF-κB") == normalise("nfkb") == normalise("NF kappa B")
    True
    """
    return _SPLIT.sub("", _latin(text))


def _tokens(folded: str) -> list[str]:
    return [t for t in _SPLIT.split(folded) if t]


def _normal_tokens(text: str, latin: str | None = None) -> set[str]:
    """Words normalised two ways: split at any punctuation, and split at white space only."""
    latin = _latin(text) if latin is None else latin
    words = {t for t in _SPLIT.split(latin) if t}
    chunks = {c for c in (_SPLIT.sub("", w) for w in latin.split()) if c}
    return words | chunks


def allowed_edits(word: str) -> int:
    """Return how many typos a word may have: 0 up to 3 characters, 1 up to 7, else 2."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Return the optimal-string-alignment Damerau–Levenshtein distance, or limit + 1 beyond it.

    >>> edit_distance("selinexr", "selinexor", 2), edit_distance("ovarain", "ovarian", 1)
    (1, 1)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def _deletions(word: str, depth: int) -> set[str]:
    """Return the word with up to ``depth`` characters deleted (the word itself included)."""
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


@dataclass(frozen=True)
class Hit(Entity):
    """One search result: the entity (IRI, label, type labels) and how it matched.

    ``type`` is the label of the most specific class of an individual ("executioner caspase"),
    or "class" / "property" for terms of the ontology. ``match`` is one of :data:`MATCHES`,
    ``field`` the kind of name that matched ("label", "synonym", "UniProt accession", "CURIE"...)
    and ``matched`` its text (the best match). ``identical`` is true when one of the entity's
    names equals the text, exactly or normalised: the only matches a resolver may accept
    without asking.
    """

    curie: str
    type: str
    kind: str
    matched: str
    match: str
    field: str
    identical: bool
    distance: int = 0

    @property
    def why(self) -> str:
        """Say in a few words how and where the entity matched.

        "exact label", "prefix of synonym", "token in label", "normalised synonym" or
        "fuzzy label (1 edit)".
        """
        if self.match == "fuzzy":
            return f"fuzzy {self.field} ({self.distance} edit{'s' if self.distance > 1 else ''})"
        preposition = {"prefix": " of", "token": " in"}.get(self.match, "")
        return f"{self.match}{preposition} {self.field}"


@dataclass(frozen=True)
class _Name:
    entity: int
    text: str
    field: str
    is_text: bool  # a label or synonym (else an identifier, CURIE or IRI)
    exact_only: bool = False  # an IRI or a bare number: matched only whole


class _Sorted:
    """Sorted strings, each with the names it stands for: prefix look-ups by bisection."""

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        grouped: dict[str, list[int]] = {}
        for key, name in pairs:
            grouped.setdefault(key, []).append(name)
        self.keys = sorted(grouped)
        self.names = [grouped[k] for k in self.keys]
        self.by_key = grouped

    def starting(self, prefix: str) -> list[list[int]]:
        """Return the names of the keys that start with ``prefix`` (one list per key)."""
        low = bisect_left(self.keys, prefix)
        return self.names[low : bisect_left(self.keys, prefix + "\U0010ffff", low)]

    def names_starting(self, prefix: str) -> set[int]:
        return {n for names in self.starting(prefix) for n in names}


class SearchIndex:
    """Labels, synonyms and identifiers of a graph's entities, searchable with typos."""

    def __init__(self, entities: list[Entity], kinds: list[str], types: list[str],
                 names: list[_Name]) -> None:  # fmt: skip
        """Index ``names`` of ``entities`` (use :meth:`from_graph` to build from a graph)."""
        self._entities, self._kinds, self._types, self._names = entities, kinds, types, names
        self._similar: dict[str, list[int]] | None = None
        self._by_iri = {e.iri: i for i, e in enumerate(entities)}
        self._entity_of = [n.entity for n in names]
        self._individual = [kind == "individual" for kind in kinds]
        order = [(e.label.casefold(), e.iri) for e in entities]
        # How names rank within one kind of match: individuals first, shorter names, labels
        # before synonyms before identifiers, then by label and IRI. Sorted once, here.
        static = sorted(
            range(len(names)),
            key=lambda i: (not self._individual[names[i].entity], len(names[i].text),
                           _FIELD_ORDER.get(names[i].field, 2 if names[i].field in _ID_NAMES else 4),
                           *order[names[i].entity], i),
        )  # fmt: skip
        self._position = [0] * len(names)
        for position, name_id in enumerate(static):
            self._position[name_id] = position
        folded = [_fold(n.text) for n in names]
        latin = [_latin(n.text) for n in names]
        normal = [_SPLIT.sub("", text) for text in latin]
        searchable = [i for i, n in enumerate(names) if not n.exact_only]
        self._exact = _Sorted((f, i) for i, f in enumerate(folded))
        self._prefix = _Sorted((folded[i], i) for i in searchable)
        self._normal = _Sorted((normal[i], i) for i in searchable)
        texts = [i for i in searchable if names[i].is_text]
        self._words = _Sorted((w, i) for i in texts for w in set(_tokens(folded[i])))
        normal_words = {i: _normal_tokens(names[i].text, latin[i]) for i in texts}
        self._normal_words = _Sorted((w, i) for i, words in normal_words.items() for w in words)
        # Typos: every normalised word (and short whole name), reached through its deletions.
        fuzzy: dict[str, set[int]] = {}
        for i, words in normal_words.items():
            keys = words | {normal[i]} if len(normal[i]) <= _WHOLE_FUZZY_MAX else words
            for key in keys:
                if len(key) >= 3:
                    fuzzy.setdefault(key, set()).add(i)
        self._fuzzy_keys = fuzzy
        self._deleted: dict[str, list[str]] = {}
        for key in sorted(fuzzy):
            for variant in _deletions(key, 1 if len(key) < 6 else 2):
                self._deleted.setdefault(variant, []).append(key)

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph, *, skipping: str | None = None) -> SearchIndex:
        """Build the index from the asserted graphs of ``kg`` (inferred facts are not names).

        ``skipping`` leaves out the instances of a class (and of its subclasses): an ingest
        resolves names of inhibitors and cell lines, not of the measurements that make up most
        of a big store.
        """
        graphs = kg.store.asserted_for_query()

        def select(sparql: str) -> Iterator[list[ox.NamedNode | ox.Literal]]:
            answer = kg.store.query(sparql, graphs=graphs)
            assert isinstance(answer, ox.QuerySolutions)
            for solution in answer:
                yield list(solution)

        fields = " ".join(f"<{p}>" for p in (*_TEXT_FIELDS, *_ID_FIELDS, *_MAPPINGS))
        named: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in select(
            f"SELECT ?s ?p ?o {{ VALUES ?p {{ {fields} }} ?s ?p ?o FILTER(isIRI(?s)) }}"
        ):
            named.setdefault(s.value, []).append((p.value, _literal_or_iri(o)))
        types: dict[str, set[str]] = {}
        for s, t in select("SELECT ?s ?t { ?s a ?t FILTER(isIRI(?s) && isIRI(?t)) }"):
            if t.value not in _SKIPPED_TYPES:
                types.setdefault(s.value, set()).add(t.value)
        parents: dict[str, set[str]] = {}
        for c, d in select("SELECT ?c ?d { ?c rdfs:subClassOf ?d FILTER(isIRI(?d)) }"):
            parents.setdefault(c.value, set()).add(d.value)
        if skipping is not None:
            typer = _Typer(parents, {})
            skipped = {t for t in set().union(*types.values()) if skipping in typer.ancestors(t)}
            left_out = {s for s, kinds in types.items() if kinds & (skipped | {skipping})}
            named = {s: pairs for s, pairs in named.items() if s not in left_out}
            types = {s: kinds for s, kinds in types.items() if s not in left_out}
        labels = {iri: _best_label(pairs) for iri, pairs in named.items()}
        typer = _Typer(parents, labels)
        entities: list[Entity] = []
        kinds: list[str] = []
        type_names: list[str] = []
        names: list[_Name] = []
        for iri in sorted(named.keys() | types.keys()):
            number = len(entities)
            curie = compress(iri)
            label = labels.get(iri) or curie
            kind, type_name, type_labels = typer.describe(types.get(iri, set()))
            entities.append(Entity(iri=iri, label=label, types=type_labels))
            kinds.append(kind)
            type_names.append(type_name)
            for prop, value in sorted(named.get(iri, [])):
                if prop in _TEXT_FIELDS:
                    names.append(_Name(number, value, _TEXT_FIELDS[prop], True))
                    continue
                for text, exact_only in _identifier_forms(value):
                    field = _ID_FIELDS.get(prop) or _mapping_field(value, _MAPPINGS[prop])
                    names.append(_Name(number, text, field, False, exact_only))
            if curie != iri:
                names.append(_Name(number, curie, "CURIE", False))
            names.append(_Name(number, iri, "IRI", False, True))
        return cls(entities, kinds, type_names, names)

    def __len__(self) -> int:
        """Return the number of entities indexed."""
        return len(self._entities)

    def search(
        self, text: str, limit: int | None = 20, *, among: Collection[str] | None = None
    ) -> list[Hit]:
        """Return the entities that match ``text``, best first (at most ``limit``; None: all).

        ``among`` restricts the results to these IRIs.
        """
        entity_of, individual, pos = self._entity_of, self._individual, self._position
        allowed = None if among is None else {self._by_iri[i] for i in among if i in self._by_iri}
        whole = self._whole(text)
        seen: set[int] = set()
        found: list[tuple[int, list[tuple[int, int, int]]]] = []  # (rank, [(entity, name, edits)])
        individuals = 0
        for rank, names, distances in self._levels(text, lambda: bool(whole & seen)):
            new = [n for n in names if entity_of[n] not in seen]
            if allowed is not None:
                new = [n for n in new if entity_of[n] in allowed]
            if distances:  # typos: individuals first, then the fewest edits
                new.sort(key=lambda n: (not individual[entity_of[n]], distances[n], pos[n]))
            else:
                new.sort(key=pos.__getitem__)
            chosen = []
            for name_id in new:  # the best name of each entity, best entity first
                entity = entity_of[name_id]
                if entity not in seen:
                    seen.add(entity)
                    chosen.append((entity, name_id, distances.get(name_id, 0)))
                    individuals += individual[entity]
                    if limit is not None and individuals >= limit:
                        break  # the rest of this kind of match ranks after these
            found.append((rank, chosen))
            # Later kinds of match rank after this one's individuals: stop once they are enough.
            if limit is not None and individuals >= limit:
                break
        fuzzy = len(MATCHES) - 1
        ranked = [
            (rank, *item)
            for group in (True, False)
            for rank, chosen in found
            if rank != fuzzy
            for item in chosen
            if individual[item[0]] == group
        ] + [(rank, *item) for rank, chosen in found if rank == fuzzy for item in chosen]
        return [
            self._hit(name_id, MATCHES[rank], distance, entity in whole)
            for rank, entity, name_id, distance in ranked[:limit]
        ]

    def named(self, text: str, *, among: Collection[str] | None = None) -> list[Hit]:
        """Return the entities one of whose names is ``text``: what a resolver may accept.

        Case, accents, punctuation and the spelling of Greek letters aside; no prefixes, words or
        typos. Exact names come first.
        """
        candidates = [(0, n) for n in self._exact.by_key.get(_fold(text), [])]
        if normal := normalise(text):
            candidates += [(3, n) for n in self._normal.by_key.get(normal, [])]
        candidates.sort(key=lambda pair: (pair[0], self._position[pair[1]]))
        hits: dict[int, Hit] = {}
        for rank, name_id in candidates:
            entity = self._entity_of[name_id]
            if entity not in hits and (among is None or self._entities[entity].iri in among):
                hits[entity] = self._hit(name_id, MATCHES[rank], 0, True)
        return list(hits.values())

    def _whole(self, text: str) -> set[int]:
        """Return the entities one of whose names is ``text``, exactly or once normalised."""
        named = self._exact.by_key.get(_fold(text), [])
        if normal := normalise(text):
            named = named + self._normal.by_key.get(normal, [])
        return {self._names[n].entity for n in named}

    def _hit(self, name_id: int, match: str, distance: int, identical: bool) -> Hit:
        name = self._names[name_id]
        entity = self._entities[name.entity]
        return Hit(
            iri=entity.iri,
            label=entity.label,
            types=entity.types,
            curie=compress(entity.iri),
            type=self._types[name.entity],
            kind=self._kinds[name.entity],
            matched=name.text,
            match=match,
            field=name.field,
            identical=identical,
            distance=distance,
        )

    def _levels(
        self, text: str, skip_typos: Callable[[], bool]
    ) -> Iterator[tuple[int, list[int], dict[int, int]]]:
        """Yield, for each kind of match in rank order, the names it finds (and typos' edits).

        Typos are looked for only if ``skip_typos()`` is false once the others are known.
        """
        folded = _fold(text)
        if not folded:
            return
        yield 0, self._exact.by_key.get(folded, []), {}
        yield 1, list(chain.from_iterable(self._prefix.starting(folded))), {}
        words = _tokens(folded)
        yield 2, list(self._all_words(words, self._words)) if words else [], {}
        normal = normalise(text)
        latin = _latin(text)
        splits = [
            [t for t in _SPLIT.split(latin) if t],
            [c for c in (_SPLIT.sub("", w) for w in latin.split()) if c],
        ]
        normalised: set[int] = set()
        if normal:  # else the text is only punctuation: every name would start with it
            normalised = {n for names in self._normal.starting(normal) for n in names}
        for split in splits:
            if split:
                normalised |= self._all_words(split, self._normal_words)
        yield 3, list(normalised), {}
        if not skip_typos():
            typos = self._typos(normal, splits[0])
            yield 4, list(typos), typos

    @staticmethod
    def _all_words(words: list[str], index: _Sorted) -> set[int]:
        """Return the names in which every word starts a word."""
        found: set[int] | None = None
        for word in sorted(set(words), key=len, reverse=True):
            names = index.names_starting(word)
            found = names if found is None else found & names
            if not found:
                return set()
        return found or set()

    def _close(self, word: str) -> dict[str, int]:
        """Return the indexed words within the allowed edits of ``word``, with their distance."""
        limit = allowed_edits(word)
        if limit == 0:
            return {}
        found: dict[str, int] = {}
        for variant in _deletions(word, limit):
            for key in self._deleted.get(variant, ()):
                if key not in found:
                    distance = edit_distance(word, key, limit)
                    if distance <= limit:
                        found[key] = distance
        return found

    def _typos(self, normal: str, words: list[str]) -> dict[int, int]:
        """Return the names within a few typos (the whole text, or word by word) and their edits."""
        typos: dict[int, int] = {}
        for key, distance in self._close(normal).items():
            if distance:
                for n in self._fuzzy_keys[key]:
                    typos[n] = min(typos.get(n, distance), distance)
        if len(words) < 2:
            return typos
        found: dict[int, int] | None = None
        for word in set(words):
            reach: dict[int, int] = dict.fromkeys(self._normal_words.names_starting(word), 0)
            for key, distance in self._close(word).items():
                for n in self._fuzzy_keys[key]:
                    reach[n] = min(reach.get(n, distance), distance)
            found = (
                reach
                if found is None
                else {n: found[n] + d for n, d in reach.items() if n in found}
            )
            if not found:
                return typos
        for name_id, distance in (found or {}).items():
            if distance:
                typos[name_id] = min(typos.get(name_id, distance), distance)
        return typos

    def suggest(
        self, text: str, limit: int = 5, *, among: Collection[str] | None = None
    ) -> list[Hit]:
        """Return the entities whose labels or synonyms look most like ``text``: "did you mean".

        Similarity is :mod:`difflib`'s ratio on normalised names; with ``among`` (IRIs) the
        closest of those are returned however far, else only fairly close ones.
        """
        if self._similar is None:
            self._similar = {}
            for i, name in enumerate(self._names):
                if name.is_text:
                    self._similar.setdefault(normalise(name.text), []).append(i)
        keys = sorted(
            key for key, names in self._similar.items()
            if among is None or any(self._entities[self._names[n].entity].iri in among for n in names)
        )  # fmt: skip
        wanted = normalise(text) or _fold(text)
        cutoff = 0.0 if among is not None else 0.6
        hits: list[Hit] = []
        seen: set[int] = set()
        for key in difflib.get_close_matches(wanted, keys, n=max(limit * 4, 20), cutoff=cutoff):
            for name_id in self._similar[key]:
                entity = self._names[name_id].entity
                if entity in seen or (
                    among is not None and self._entities[entity].iri not in among
                ):
                    continue
                seen.add(entity)
                hits.append(self._hit(name_id, "fuzzy", edit_distance(wanted, key, 99), False))
                break
        return hits[:limit]


def _literal_or_iri(term: ox.NamedNode | ox.Literal) -> str:
    return str(term.value)


_ID_NAMES: Final = frozenset(_ID_FIELDS.values())


def _mapping_field(iri: str, otherwise: str) -> str:
    """Name a mapping after its namespace: "uniprot ID" for a UniProt IRI."""
    curie = compress(iri)
    return f"{curie.split(':', 1)[0]} ID" if curie != iri else otherwise


def _best_label(pairs: list[tuple[str, str]]) -> str:
    """Return the entity's label (the first in sort order when there are several), or ''."""
    labels = sorted(v for p, v in pairs if p == _RDFS + "label")
    return labels[0] if labels else ""


def _identifier_forms(value: str) -> list[tuple[str, bool]]:
    """Return how an identifier can be written, each with True when it names only exactly.

    An IRI becomes its CURIE and its local part (obo:CHEBI_229764 also gives CHEBI:229764 and
    229764); a CURIE (HGNC:11998) also gives its local part.
    """
    forms: list[tuple[str, bool]] = []
    if value.startswith(("http://", "https://")):
        forms.append((value, True))
        curie = compress(value)
        local = re.split(r"[/#]", value.rstrip("/"))[-1]
        if curie != value:
            forms.append((curie, False))
            local = curie.split(":", 1)[1]
        forms.append((local, False))
        if re.fullmatch(r"[A-Za-z]+_\w+", local):
            prefix, number = local.split("_", 1)
            forms += [(f"{prefix}:{number}", False), (number, True)]
        return forms
    forms.append((value, False))
    if re.fullmatch(r"[\w.-]+:\S+", value):
        forms.append((value.split(":", 1)[1], True))
    return forms


class _Typer:
    """Human-readable types: the most specific class's label, or "class" / "property"."""

    def __init__(self, parents: dict[str, set[str]], labels: dict[str, str]) -> None:
        self.parents, self.labels = parents, labels
        self.ancestors_of: dict[str, set[str]] = {}

    def ancestors(self, iri: str) -> set[str]:
        if iri not in self.ancestors_of:
            self.ancestors_of[iri] = set()  # breaks cycles
            found: set[str] = set()
            for parent in self.parents.get(iri, ()):
                found |= {parent, *self.ancestors(parent)}
            self.ancestors_of[iri] = found - {iri}
        return self.ancestors_of[iri]

    def name(self, iri: str) -> str:
        if iri in _CLASS_TYPES:
            return "class"
        if iri in _PROPERTY_TYPES:
            return "property"
        return self.labels.get(iri) or _BUILTIN_TYPES.get(iri) or compress(iri)

    def describe(self, types: set[str]) -> tuple[str, str, tuple[str, ...]]:
        """Return the kind ('individual', 'class', 'property'), the type shown and all type names."""
        everything = tuple(sorted({self.name(t) for t in types}))
        if types & _CLASS_TYPES:
            return "class", "class", everything
        if types & _PROPERTY_TYPES:
            return "property", "property", everything
        if _OWL + "Ontology" in types:
            return "ontology", "ontology", everything
        inherited = {a for t in types for a in self.ancestors(t)}
        specific = sorted({self.name(t) for t in types if t not in inherited})
        return "individual", ", ".join(specific), everything
