"""Contradictions between new statements and the graph, found without a reasoner.

:func:`find_contradictions` asks the store (SPARQL, told axioms only) whether a new statement
types its subject or object into a class disjoint with one it is in, or gives a functional
property a second value, in the graph or in an earlier statement of the same batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from xpo1kg.ingest.values import Problem
from xpo1kg.rdf.namespaces import PREFIXES, compress
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["Contradiction", "Statement", "find_contradictions", "show_term"]


@dataclass(frozen=True)
class Statement:
    """One row's statement: subject, property and object as N-Triples terms, and its source."""

    row: int
    subject: str
    relation: str
    object: str
    source: str


@dataclass(frozen=True)
class Contradiction:
    """A new statement that the graph contradicts: the row, the column, why."""

    row: int
    column: str
    message: str

    def problem(self) -> Problem:
        """Return the same finding as a :class:`~xpo1kg.ingest.values.Problem`."""
        return Problem(self.row, self.column, self.message)


def show_term(term: str) -> str:
    """Show a term briefly: a CURIE, a number as written, or a quoted string."""
    if term.startswith("<"):
        return compress(term[1:-1])
    match = re.fullmatch(r'(".*")\^\^<[^>]*#(integer|decimal|boolean|\w*Integer)>', term)
    return match.group(1)[1:-1] if match else term


_DISJOINT = """
    { ?a owl:disjointWith ?b } UNION { ?b owl:disjointWith ?a }
    UNION { ?all a owl:AllDisjointClasses ; owl:members ?list .
            ?list rdf:rest*/rdf:first ?a . ?list rdf:rest*/rdf:first ?b FILTER (?a != ?b) }"""


def find_contradictions(kg: KnowledgeGraph, statements: Iterable[Statement]) -> list[Contradiction]:
    """Find new statements that contradict the graph, without a reasoner (SPARQL on the store).

    * the subject is of a class disjoint with the property's domain (the statement would type it
      into a class it cannot be in), or the object of a class disjoint with the range;
    * the property is functional and the subject already has another value, in the graph or in
      an earlier statement of the same batch.

    Classes count with their super-classes (``rdfs:subClassOf*``) and properties with their
    super-properties, as far as the told axioms go.
    """
    batch = list(statements)
    if not batch:
        return []
    graphs = kg.store.asserted_for_query()
    values = " ".join(f"({i} {s.subject} {s.relation} {s.object})" for i, s in enumerate(batch))
    found: set[tuple[int, str, str]] = set()

    def select(sparql: str) -> list[dict[str, str]]:
        solutions = kg.store.query(sparql, graphs=graphs)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [
            {n: (t.value if t is not None else "") for n, t in zip(names, s, strict=True)}
            for s in solutions
        ]

    for end, node, axiom in (("subject", "?s", "rdfs:domain"), ("object", "?o", "rdfs:range")):
        query = f"""SELECT DISTINCT ?i ?node ?a ?c ?b {{
            VALUES (?i ?s ?p ?o) {{ {values} }}
            BIND ({node} AS ?node) FILTER isIRI(?node)
            ?p rdfs:subPropertyOf* ?q . ?q {axiom} ?c . FILTER isIRI(?c)
            ?node a ?t . ?t rdfs:subClassOf* ?a . ?c rdfs:subClassOf* ?b .
            {_DISJOINT} }}"""
        for hit in select(query):
            statement = batch[int(hit["i"])]
            what = "domain" if end == "subject" else "range"
            message = (
                f"contradicts the graph: {compress(hit['node'])} is {_a(_label(kg, hit['a']))}, "
                f"which is disjoint with {_label(kg, hit['b'])}, and the {what} of "
                f"{compress(statement.relation[1:-1])} would make it {_a(_label(kg, hit['c']))}"
            )
            found.add((statement.row, end, message))
    query = f"""SELECT DISTINCT ?i ?old {{
        VALUES (?i ?s ?p ?o) {{ {values} }}
        ?p a owl:FunctionalProperty . ?s ?p ?old FILTER (?old != ?o) }}"""
    for hit in select(query):
        statement = batch[int(hit["i"])]
        message = (
            f"contradicts the graph: {compress(statement.relation[1:-1])} is functional, and "
            f"{compress(statement.subject[1:-1])} already has {compress(hit['old'])}"
        )
        found.add((statement.row, "object", message))
    functional = {r for r in {s.relation for s in batch} if _functional(kg, r[1:-1], graphs)}
    first: dict[tuple[str, str], Statement] = {}
    for statement in batch:
        if statement.relation not in functional:
            continue
        key = (statement.subject, statement.relation)
        earlier = first.setdefault(key, statement)
        if earlier.object != statement.object:
            message = (
                f"contradicts row {earlier.row}: {compress(statement.relation[1:-1])} is "
                f"functional, and row {earlier.row} gives {compress(statement.subject[1:-1])} "
                f"the value {show_term(earlier.object)}"
            )
            found.add((statement.row, "object", message))
    return [Contradiction(row, column, message) for row, column, message in sorted(found)]


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _functional(kg: KnowledgeGraph, prop: str, graphs: list[str] | None) -> bool:
    answer = kg.store.query(f"ASK {{ <{prop}> a owl:FunctionalProperty }}", graphs=graphs)
    return bool(answer)


def _label(kg: KnowledgeGraph, iri: str) -> str:
    labels = kg.store.oxigraph.quads_for_pattern(
        ox.NamedNode(iri), ox.NamedNode(PREFIXES["rdfs"] + "label"), None, None
    )
    return next((str(getattr(q.object, "value", "")) for q in labels), compress(iri))
