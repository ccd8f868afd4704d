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
The text forms compared (folding, Greek spellings, edit distance) are in
:mod:`xpo1kg.store.search_text`; the names and types read from the store in
:mod:`xpo1kg.store.search_names`.

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
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Final

from xpo1kg.rdf.namespaces import compress
from xpo1kg.store.knowledge_graph import Entity
from xpo1kg.store.search_names import EntityName, field_rank, read_names
from xpo1kg.store.search_text import (
    SEPARATORS,
    allowed_edits,
    deletions,
    edit_distance,
    fold,
    normal_tokens,
    normalise,
    to_latin,
    tokens,
)

if TYPE_CHECKING:
    from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["MATCHES", "Hit", "SearchIndex"]

#: The kinds of match, best first.
MATCHES: Final = ("exact", "prefix", "token", "normalised", "fuzzy")
#: Whole names longer than this are matched for typos word by word only (it bounds the index).
_WHOLE_FUZZY_MAX: Final = 16


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
                 names: list[EntityName]) -> None:  # fmt: skip
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
                           field_rank(names[i].field), *order[names[i].entity], i),
        )  # fmt: skip
        self._position = [0] * len(names)
        for position, name_id in enumerate(static):
            self._position[name_id] = position
        folded = [fold(n.text) for n in names]
        latin = [to_latin(n.text) for n in names]
        normal = [SEPARATORS.sub("", text) for text in latin]
        searchable = [i for i, n in enumerate(names) if not n.exact_only]
        self._exact = _Sorted((f, i) for i, f in enumerate(folded))
        self._prefix = _Sorted((folded[i], i) for i in searchable)
        self._normal = _Sorted((normal[i], i) for i in searchable)
        texts = [i for i in searchable if names[i].is_text]
        self._words = _Sorted((w, i) for i in texts for w in set(tokens(folded[i])))
        normal_words = {i: normal_tokens(names[i].text, latin[i]) for i in texts}
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
            for variant in deletions(key, 1 if len(key) < 6 else 2):
                self._deleted.setdefault(variant, []).append(key)

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph, *, skipping: str | None = None) -> SearchIndex:
        """Build the index from the asserted graphs of ``kg`` (inferred facts are not names).

        ``skipping`` leaves out the instances of a class (and of its subclasses): an ingest
        resolves names of inhibitors and cell lines, not of the measurements that make up most
        of a big store.
        """
        return cls(*read_names(kg, skipping=skipping))

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
        candidates = [(0, n) for n in self._exact.by_key.get(fold(text), [])]
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
        named = self._exact.by_key.get(fold(text), [])
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
        folded = fold(text)
        if not folded:
            return
        yield 0, self._exact.by_key.get(folded, []), {}
        yield 1, list(chain.from_iterable(self._prefix.starting(folded))), {}
        words = tokens(folded)
        yield 2, list(self._all_words(words, self._words)) if words else [], {}
        normal = normalise(text)
        latin = to_latin(text)
        splits = [
            [t for t in SEPARATORS.split(latin) if t],
            [c for c in (SEPARATORS.sub("", w) for w in latin.split()) if c],
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
        for variant in deletions(word, limit):
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
        wanted = normalise(text) or fold(text)
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
