"""Importing NESdb cargo tables: CRM1 (XPO1) cargoes with their nuclear export signals.

:func:`import_nesdb` reads an NESdb-style table (CSV with quoted multi-line fields, or ``.xlsx``):
one record per cargo, with the columns ``ID`` (``P53 (NES ID: 6)``), ``Full Name``,
``Alternative Names``, ``Organism`` (``Homo sapiens (Human)``), ``Experimental Evidence for
CRM1-mediated Export`` (``LMB Sensitive,  Binds CRM1``), ``Functional Export Signals`` (a
Python-style list of residue ranges, ``['339-352']`` or ``[]``, read with
:func:`ast.literal_eval`, never evaluated), ``Fasta Header`` (holding the UniProt accession,
``gi|…|sp|P25963.1|IKBA_HUMAN`` or ``sp|P52655|TF2AA_HUMAN``) and ``Sequence``; other columns (the
mutation columns among them) are ignored.

Records of one organism are imported (human by default). Each cargo is matched to the protein of
the graph with its UniProt accession (``xo:uniprotAccession``), or created with its accession,
name and synonyms (citing ``xr:NESdb``) and marked as not yet verified. It gets the statement
``xo:exportedBy xr:XPO1`` with an ``owl:Axiom`` citing ``xr:NESdb`` (ECO:0000312, imported
information used in manual assertion) that keeps the record's NESdb ID (``xo:nesdbId``) and its
experimental evidence (``xo:nuclearExportEvidence``, one value per item). Each functional export signal becomes an
``xo:NuclearExportSignalRegion`` ``xr:<PROTEIN>_NES_<start>-<end>`` with ``xo:regionOf``,
``xo:regionStart``, ``xo:regionEnd``, the NESdb ID and its own evidence. What the graph has (the
statement from NESdb, a region it describes) is not added again, so a record the bundled data
has already is ``present``.

A record that cannot be read (no NES ID, no accession, an unreadable or impossible range, an NES
ID repeated with other content) is listed with its row, column and reason; with ``skip_bad`` the
other records are imported, otherwise nothing is written. See docs/curate.md.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from xpo1kg.ingest.evidence_cells import MANUAL_ASSERTION
from xpo1kg.ingest.nesdb_records import (
    NesdbRecord,
    RecordError,
    organism_matches,
    read_record,
    read_records,
)
from xpo1kg.ingest.output import NESDB
from xpo1kg.ingest.plan import Outcome
from xpo1kg.ingest.sheets import Sheet
from xpo1kg.ingest.table_import import import_table
from xpo1kg.ingest.values import IngestError, Problem
from xpo1kg.rdf.namespaces import PREFIXES, compress
from xpo1kg.rdf.text import Triple
from xpo1kg.rdf.text import iri as _iri
from xpo1kg.rdf.text import quote as _quote
from xpo1kg.rdf.text import term as _term
from xpo1kg.rdf.text import typed as _typed
from xpo1kg.store.embedded import INFERRED_GRAPH_IRI, META_GRAPH_IRI
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "NESDB_SOURCE",
    "UNVERIFIED_PROTEIN",
    "NesdbPlan",
    "NesdbResult",
    "import_nesdb",
    "plan_nesdb",
]

XR = PREFIXES["xr"]
#: The NESdb source node of data/sources.ttl.
NESDB_SOURCE = XR + "NESdb"
XPO1 = XR + "XPO1"
#: The comment on proteins that an import creates.
UNVERIFIED_PROTEIN = "Not yet verified: created by `xpo1kg import nesdb` from a NESdb record."
A, LABEL, COMMENT, SOURCE = (
    _term(n) for n in ("rdf:type", "rdfs:label", "rdfs:comment", "dcterms:source")
)
_EVIDENCE = (
    (_term("xo:evidenceType"), _term("obo:ECO_0000312")),
    *MANUAL_ASSERTION,
    (_term("xo:modality"), _term("xo:Established")),
    (SOURCE, _iri(NESDB_SOURCE)),
)


@dataclass
class NesdbPlan:
    """What a NESdb table adds: triples, each record's outcome, bad and skipped records."""

    name: str
    sha256: str
    rows: int
    organism: str
    outcomes: list[Outcome] = field(default_factory=list)
    triples: list[Triple] = field(default_factory=list)
    origin: dict[str, tuple[int, str]] = field(default_factory=dict)
    generated: list[str] = field(default_factory=list)
    bad: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)

    def count(self, status: str) -> int:
        """Count the records with one outcome ('add', 'present' or 'repeat')."""
        return sum(outcome.status == status for outcome in self.outcomes)


class _Planner:
    def __init__(self, kg: KnowledgeGraph, plan: NesdbPlan) -> None:
        self.kg, self.plan = kg, plan
        self.graphs = [
            g for g in kg.store.graphs() if g not in (INFERRED_GRAPH_IRI, META_GRAPH_IRI)
        ]
        self.by_accession: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        for protein, accession, label in self._select(
            "SELECT ?p ?a ?l { ?p xo:uniprotAccession ?a OPTIONAL { ?p rdfs:label ?l } }"
        ):
            self.by_accession.setdefault(accession, protein)
            self.labels[protein] = label
        self.axioms = {
            (s, p, o)
            for s, p, o in self._select(
                "SELECT ?s ?p ?o { ?a a owl:Axiom ; owl:annotatedSource ?s ; "
                f"owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; dcterms:source <{NESDB_SOURCE}> }}"
            )
        }
        self.seen_triples: set[Triple] = set()

    def _select(self, sparql: str) -> list[list[str]]:
        solutions = self.kg.store.query(sparql, graphs=self.graphs)
        assert isinstance(solutions, ox.QuerySolutions)
        return [[t.value if t is not None else "" for t in solution] for solution in solutions]

    def _described(self, iri: str) -> bool:
        """Say whether the graph (not this import) already says something about ``iri``."""
        quads = self.kg.store.oxigraph.quads_for_pattern(ox.NamedNode(iri), None, None, None)
        return any(
            q.graph_name.value in self.graphs for q in quads if hasattr(q.graph_name, "value")
        )

    def _has(self, triple: Triple) -> bool:
        if triple in self.seen_triples:
            return True
        s, p, o = triple
        if s.startswith("_:"):
            return False
        obj: ox.NamedNode | ox.Literal
        if o.startswith("<"):
            obj = ox.NamedNode(o[1:-1])
        else:
            match = re.fullmatch(r'"(.*)"(?:\^\^<(.*)>)?', o, re.DOTALL)
            assert match is not None
            value = ast.literal_eval(f'"{match[1]}"') if "\\" in match[1] else match[1]
            obj = (
                ox.Literal(value, datatype=ox.NamedNode(match[2]))
                if match[2]
                else ox.Literal(value)
            )
        quads = self.kg.store.oxigraph.quads_for_pattern(
            ox.NamedNode(s[1:-1]), ox.NamedNode(p[1:-1]), obj, None
        )
        return any(
            q.graph_name.value in self.graphs for q in quads if hasattr(q.graph_name, "value")
        )

    def add(self, record: NesdbRecord) -> None:
        """Plan one record's triples: those the graph or an earlier record has are left out."""
        new: list[Triple] = []

        def put(*triples: Triple) -> None:
            for triple in triples:
                if not self._has(triple):
                    new.append(triple)
                    self.seen_triples.add(triple)

        protein = self.by_accession.get(record.accession)
        created = protein is None
        if protein is None:
            protein = f"{XR}new/protein/{record.accession}"
            self.by_accession[record.accession] = protein
            self.labels[protein] = record.name
        node = _iri(protein)
        comment = _quote(f"NESdb record '{record.name} (NES ID: {record.nes_id})'")
        if created:
            put((node, A, _term("xo:Protein")), (node, LABEL, _quote(record.name)))
            put((node, _term("xo:uniprotAccession"), _quote(record.accession)))
            put((node, _term("skos:exactMatch"), _term(f"uniprot:{record.accession}")))
            for synonym in sorted({record.full_name, *record.synonyms} - {"", record.name}):
                put((node, _term("skos:altLabel"), _quote(synonym)))
            put((node, COMMENT, _quote(UNVERIFIED_PROTEIN)))
            if record.organism.casefold() != "homo sapiens (human)":
                put((node, COMMENT, _quote(f"Organism in NESdb: {record.organism}.")))
            # Only a protein the import creates is described by NESdb; a protein of the graph
            # keeps its own sources, and NESdb is cited by the statement and the regions.
            put((node, SOURCE, _iri(NESDB_SOURCE)))
            self.plan.generated.append(protein)
        nesdb_id = (_term("xo:nesdbId"), _quote(record.nes_id))
        exported = (node, _term("xo:exportedBy"), _iri(XPO1))
        if (protein, PREFIXES["xo"] + "exportedBy", XPO1) not in self.axioms:
            self.axioms.add((protein, PREFIXES["xo"] + "exportedBy", XPO1))
            digest = hashlib.sha1(f"{protein}\n{record.nes_id}".encode(), usedforsecurity=False)
            axiom = f"_:nesdb-{digest.hexdigest()[:24]}"
            put(exported)
            put(
                (axiom, A, _term("owl:Axiom")),
                (axiom, _term("owl:annotatedSource"), node),
                (axiom, _term("owl:annotatedProperty"), _term("xo:exportedBy")),
                (axiom, _term("owl:annotatedTarget"), _iri(XPO1)),
                (axiom, COMMENT, comment),
                (axiom, *nesdb_id),
                *((axiom, p, o) for p, o in _EVIDENCE),
                *((axiom, _term("xo:nuclearExportEvidence"), _quote(e)) for e in record.evidence),
            )
            self.plan.origin[axiom[2:]] = (record.row, "")
        label = self.labels.get(protein) or compress(protein)
        local = re.sub(r"[^\w.-]+", "-", protein.rsplit("/", 1)[-1])
        for start, end in record.ranges:
            region = f"{XR}{local}_NES_{start}-{end}"
            r = _iri(region)
            if self._described(region):
                continue  # the graph has this region already, with its own label and evidence
            before = len(new)
            put(
                (r, A, _term("xo:NuclearExportSignalRegion")),
                (r, LABEL, _quote(f"{label} nuclear export signal {start}-{end}")),
                (r, _term("xo:regionOf"), node),
                (r, _term("xo:regionStart"), _typed(str(start), "integer")),
                (r, _term("xo:regionEnd"), _typed(str(end), "integer")),
                (r, COMMENT, comment),
                (r, *nesdb_id),
                *((r, p, o) for p, o in _EVIDENCE),
            )
            if len(new) > before:
                self.plan.generated.append(region)
                self.plan.origin[region] = (record.row, "Functional Export Signals")
        self.plan.origin.setdefault(protein, (record.row, "Fasta Header"))
        nes = ", ".join(f"{s}-{e}" for s, e in record.ranges) or "no mapped NES"
        summary = f"{record.name} (NES ID {record.nes_id}) = {compress(protein)}: {nes}"
        if new:
            self.plan.triples += new
            self.plan.outcomes.append(Outcome(record.row, "add", protein, summary))
        else:
            self.plan.outcomes.append(Outcome(record.row, "present", protein, summary))


def plan_nesdb(
    sheet: Sheet, kg: KnowledgeGraph, *, organism: str = "Homo sapiens", skip_bad: bool = False
) -> NesdbPlan:
    """Work out what a NESdb table adds; raise IngestError for bad records unless ``skip_bad``."""
    records = read_records(sheet)
    plan = NesdbPlan(sheet.name, sheet.sha256, len(records), organism)
    planner = _Planner(kg, plan)
    first: dict[str, NesdbRecord] = {}
    for row, cells in records:
        try:
            record = read_record(row, cells)
        except RecordError as error:
            plan.bad.append(Problem(row, error.column, str(error)))
            continue
        if not organism_matches(record.organism, organism):
            plan.skipped.append(Problem(row, "Organism", f"{record.organism}, not {organism}"))
            continue
        if earlier := first.get(record.nes_id):
            same = (earlier.accession, earlier.ranges) == (record.accession, record.ranges)
            if same:
                plan.outcomes.append(
                    Outcome(row, "repeat", "", f"NES ID {record.nes_id}, as row {earlier.row}")
                )
            else:
                message = (
                    f"NES ID {record.nes_id} appears again (row {earlier.row}) with another "
                    "accession or other export signals"
                )
                plan.bad.append(Problem(row, "ID", message))
            continue
        first[record.nes_id] = record
    if plan.bad and not skip_bad:
        raise IngestError(sheet.name, plan.bad)
    for record in sorted(first.values(), key=lambda r: r.row):
        planner.add(record)
    plan.outcomes.sort(key=lambda o: o.row)
    return plan


def _check(plan: NesdbPlan, kg: KnowledgeGraph) -> None:
    from xpo1kg.ingest.pipeline import raise_shape_problems

    raise_shape_problems(
        kg,
        plan.name,
        plan.triples,
        lambda result: plan.origin.get(result.focus_node, (0, "")),
        set(plan.generated),
        in_place=True,  # the graph planned on, thrown away afterwards
    )


@dataclass(frozen=True)
class NesdbResult:
    """What an import did: its plan, where it wrote (nothing for a dry run) and its record."""

    plan: NesdbPlan
    written: tuple[str, ...]
    record: str | None


def import_nesdb(
    path: str | Path,
    *,
    into: str | Path | None = None,
    store: str | Path | None = None,
    organism: str = "Homo sapiens",
    sheet: str | None = None,
    skip_bad: bool = False,
    dry_run: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> NesdbResult:
    """Import the cargo records of a NESdb table (CSV or ``.xlsx``) of one organism.

    Writes to ``into`` (default: the table with ``.ttl``) and its ``.prov.trig``, or to a store.
    Records that cannot be read raise IngestError (one problem each) and nothing is written,
    unless ``skip_bad``: then they are ``plan.bad`` and the others are imported. Records of other
    organisms are ``plan.skipped``. Importing the same table again writes nothing.
    """
    planned, written, record = import_table(
        NESDB,
        path,
        into=into,
        store=store,
        sheet=sheet,
        dry_run=dry_run,
        clock=clock,
        plan=lambda table, view: plan_nesdb(table, view, organism=organism, skip_bad=skip_bad),
        check=_check,
        comment=lambda plan: (
            f"{plan.rows} records: {plan.count('add')} added, {plan.count('present')} already "
            f"present, {plan.count('repeat')} repeated, {len(plan.skipped)} of other organisms, "
            f"{len(plan.bad)} unreadable"
        ),
        sources=lambda plan: [NESDB_SOURCE],
    )
    return NesdbResult(planned, written, record)
