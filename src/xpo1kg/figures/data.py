"""What the figures show, read from the graph with SPARQL: one function per figure.

Nothing here is drawn and nothing is hard-coded about the biology beyond the two entities every
figure is about (XPO1 and apoptosis): add a cargo protein, a pathway step, a mechanism or an IC50
measurement to the graph, and the functions below return it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from xpo1kg.query.results import Value
from xpo1kg.rdf import namespaces
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "IC50Point",
    "Mechanism",
    "MechanismData",
    "Named",
    "P53IndependentData",
    "PathwayData",
    "PathwayStep",
    "ProteinEffect",
    "ic50_data",
    "mechanism_data",
    "names",
    "p53_independent_data",
    "pathway_data",
    "role_labels",
]

XR = str(namespaces.XR)
XPO1 = XR + "XPO1"
APOPTOSIS = XR + "Apoptosis"

#: Roles that give a protein its colour, most specific first (ontology local names).
ROLES = (
    "Inhibitor",
    "NuclearExportReceptor",
    "ExecutionerCaspase",
    "Caspase",
    "ProApoptoticProtein",
    "AntiApoptoticProtein",
    "Oncoprotein",
    "NFkBInhibitor",
    "TumorSuppressor",
    "BiologicalProcess",
)


@dataclass(frozen=True)
class Named:
    """An entity as a figure shows it: its label, and the name its sources use (p53 for TP53)."""

    iri: str
    label: str
    alias: str = ""
    role: str = ""

    def text(self, separator: str = " ") -> str:
        """Return the label with the alias, for example ``TP53 (p53)``."""
        return f"{self.label}{separator}({self.alias})" if self.alias else self.label


def _text(value: Value) -> str:
    return "" if value is None else str(value)


_NAMES = """
SELECT ?entity ?label ?alt ?quote ?role WHERE {
  ?entity rdfs:label ?label .
  OPTIONAL { ?entity skos:altLabel ?alt .
             ?axiom owl:annotatedSource|owl:annotatedTarget ?entity ; xo:supportingText ?quote }
  OPTIONAL { ?entity a/rdfs:subClassOf* ?role . FILTER(STRSTARTS(STR(?role), STR(xo:))) }
  FILTER(STRSTARTS(STR(?entity), STR(xr:)))
}
"""


def names(kg: KnowledgeGraph) -> dict[str, Named]:
    """Return every resource with its label, role and the synonym its supporting quotes use.

    The alias is the synonym (``skos:altLabel``) that occurs most often, as a whole word, in the
    verbatim quotes (``xo:supportingText``) of statements about the entity: TP53 is called p53,
    CASP9 caspase-9 and BBC3 PUMA because that is how the guide writes them.
    """
    labels: dict[str, str] = {}
    alts: dict[str, set[str]] = defaultdict(set)
    quotes: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(_NAMES).records():
        entity = _text(row["entity"])
        labels[entity] = _text(row["label"])
        if row["alt"] is not None:
            alts[entity].add(_text(row["alt"]))
            quotes[entity].add(_text(row["quote"]))
        if row["role"] is not None:
            roles[entity].add(_text(row["role"]).rsplit("/", 1)[-1])
    result: dict[str, Named] = {}
    for entity, label in labels.items():
        role = next((r for r in ROLES if r in roles[entity]), "")
        result[entity] = Named(entity, label, _alias(label, alts[entity], quotes[entity]), role)
    return result


_ROLE_LABELS = """
SELECT ?role ?label WHERE {
  ?role a owl:Class ; rdfs:label ?label . FILTER(STRSTARTS(STR(?role), STR(xo:)))
}
"""


def role_labels(kg: KnowledgeGraph) -> dict[str, str]:
    """Return the ontology's label of each role in :data:`ROLES` (``TumorSuppressor``: ...)."""
    rows = kg.query(_ROLE_LABELS).records()
    labels = {_text(r["role"]).rsplit("/", 1)[-1]: _text(r["label"]) for r in rows}
    return {role: labels.get(role, role) for role in ROLES}


def _alias(label: str, alternatives: set[str], quotes: set[str]) -> str:
    scored = []
    for alt in alternatives:
        if label.casefold().startswith(alt.casefold()):
            continue  # FOXO for FOXO1 says less than the label does
        pattern = re.compile(rf"(?<!\w){re.escape(alt)}(?!\w)")
        count = sum(len(pattern.findall(quote)) for quote in quotes)
        if count:
            scored.append((-count, len(alt), alt))
    return min(scored)[2] if scored else ""


@dataclass(frozen=True)
class MechanismData:
    """Figure 1: XPO1, where it carries its cargo, the signal it reads, and what blocks it."""

    exporter: Named
    origin: str
    destination: str
    motif: Named
    minimum_cargo: int | None
    cargo: list[Named]
    apoptotic_cargo: list[Named]
    site: str
    site_within: str
    bond: str
    inhibitors: list[str]
    outcome: str
    sources: list[str]


_MECHANISM = """
SELECT ?from_label ?to_label ?motif ?count WHERE {
  xr:XPO1 xo:exportsFrom/rdfs:label ?from_label ; xo:exportsTo/rdfs:label ?to_label .
  OPTIONAL { xr:XPO1 xo:recognizesMotif ?motif }
  OPTIONAL { xr:XPO1 xo:minimumCargoCount ?count }
}
"""
_CARGO = "SELECT ?cargo WHERE { ?cargo xo:exportedBy xr:XPO1 } ORDER BY ?cargo"
_SOURCES = """
SELECT DISTINCT ?source_label WHERE {
  ?axiom owl:annotatedSource|owl:annotatedTarget xr:XPO1 ; dcterms:source/rdfs:label ?source_label .
} ORDER BY ?source_label
"""


def mechanism_data(kg: KnowledgeGraph) -> MechanismData:
    """Read what Figure 1 shows: compartments, motif, cargo, binding site and inhibitors."""
    known = names(kg)
    rows = kg.query(_MECHANISM).records()
    first = rows[0] if rows else {}
    cargo = sorted((known[_text(c)] for c in kg.query(_CARGO).column("cargo")), key=_order)
    apoptotic = [_text(c) for c in kg.run("cargo_triggering_apoptosis").column("cargo")]
    binding = kg.run("inhibitor_binding_site").records()
    by_site: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in binding:
        residue = f"{_text(row['residue'])}{_text(row['position'])}" or _text(row["site_label"])
        key = (residue, _text(row["within_label"]), _text(row["mode"]))
        by_site[key].add(_text(row["inhibitor_label"]))
    site, within, bond = (
        max(by_site, key=lambda k: (len(by_site[k]), k)) if by_site else ("", "", "")
    )
    count = first.get("count")
    return MechanismData(
        exporter=known.get(XPO1, Named(XPO1, "XPO1")),
        origin=_text(first.get("from_label")) or "nucleus",
        destination=_text(first.get("to_label")) or "cytoplasm",
        motif=known.get(_text(first.get("motif")), Named("", "nuclear export signal")),
        minimum_cargo=int(count) if isinstance(count, int | Decimal) else None,
        cargo=cargo,
        apoptotic_cargo=[known[c] for c in dict.fromkeys(apoptotic) if c in known],
        site=site,
        site_within=within,
        bond=bond,
        inhibitors=sorted(by_site.get((site, within, bond), set()), key=str.casefold),
        outcome=known.get(APOPTOSIS, Named(APOPTOSIS, "apoptosis")).label,
        sources=kg.query(_SOURCES).column("source_label"),  # type: ignore[arg-type]
    )


def _order(named: Named) -> tuple[str, str]:
    return (named.label.casefold(), named.iri)


@dataclass(frozen=True)
class PathwayStep:
    """One step of the p53-dependent route: its number, what happens, and who acts."""

    number: int
    event: str
    actors: list[Named]


@dataclass(frozen=True)
class PathwayData:
    """Figure 2: the inhibitors, the numbered steps, and which links are inhibitions."""

    route: str
    inhibitors: list[str]
    target: Named
    steps: list[PathwayStep]
    exports: set[tuple[str, str]] = field(default_factory=set)
    sources: list[str] = field(default_factory=list)
    #: The pathway between a step and the next: one its actors activate, the next's take part in
    #: (BAX, PUMA and NOXA activate the intrinsic mitochondrial pathway; caspase-9 is part of it).
    pathway_after: dict[int, Named] = field(default_factory=dict)
    origin: str = "nucleus"
    destination: str = "cytoplasm"


_STEPS = """
SELECT ?route_label ?step ?event ?actor ?source_label WHERE {
  ?route a/rdfs:subClassOf* xo:P53DependentRoute ; rdfs:label ?route_label .
  ?node xo:stepOf ?route ; xo:stepNumber ?step ; rdfs:label ?event ; xo:stepInvolves ?actor .
  OPTIONAL { ?node dcterms:source/rdfs:label ?source_label }
} ORDER BY ?step ?actor
"""
_INHIBITORS = """
SELECT DISTINCT ?label WHERE { ?inhibitor xo:inhibits xr:XPO1 ; rdfs:label ?label }
ORDER BY LCASE(?label)
"""
_EXPORTS = "SELECT ?cargo ?exporter WHERE { ?cargo xo:exportedBy ?exporter }"
_BETWEEN = """
SELECT DISTINCT ?step ?pathway WHERE {
  ?route a/rdfs:subClassOf* xo:P53DependentRoute .
  ?node xo:stepOf ?route ; xo:stepNumber ?step ; xo:stepInvolves ?actor .
  ?next xo:stepOf ?route ; xo:stepNumber ?following ; xo:stepInvolves ?participant .
  FILTER(?following = ?step + 1)
  ?actor xo:activatesPathway ?pathway .
  ?participant xo:participatesIn ?pathway .
} ORDER BY ?step ?pathway
"""


def pathway_data(kg: KnowledgeGraph) -> PathwayData:
    """Read what Figure 2 shows: the p53-dependent route, step by step."""
    known = names(kg)
    steps: dict[int, PathwayStep] = {}
    route, sources = "", set()
    for row in kg.query(_STEPS).records():
        number = int(row["step"])  # type: ignore[arg-type]
        route = _text(row["route_label"])
        step = steps.setdefault(number, PathwayStep(number, _text(row["event"]), []))
        actor = _text(row["actor"])
        step.actors.append(known.get(actor, Named(actor, actor)))
        if row["source_label"] is not None:
            sources.add(_text(row["source_label"]))
    exports = {(_text(r["exporter"]), _text(r["cargo"])) for r in kg.query(_EXPORTS).records()}
    between: dict[int, Named] = {}
    for row in kg.query(_BETWEEN).records():
        pathway = _text(row["pathway"])
        between.setdefault(int(row["step"]), known.get(pathway, Named(pathway, pathway)))  # type: ignore[arg-type]
    compartments = kg.query(_MECHANISM).records()
    first = compartments[0] if compartments else {}
    return PathwayData(
        route=route,
        inhibitors=kg.query(_INHIBITORS).column("label"),  # type: ignore[arg-type]
        target=known.get(XPO1, Named(XPO1, "XPO1")),
        steps=[steps[n] for n in sorted(steps)],
        exports=exports,
        sources=sorted(sources),
        pathway_after=between,
        origin=_text(first.get("from_label")) or "nucleus",
        destination=_text(first.get("to_label")) or "cytoplasm",
    )


@dataclass(frozen=True)
class ProteinEffect:
    """A protein in a p53-independent mechanism, and what XPO1 inhibition does to it."""

    protein: Named
    effect: str


@dataclass(frozen=True)
class Mechanism:
    """One p53-independent mechanism: its proteins, the pathway it suppresses, its outcomes."""

    number: int
    label: str
    proteins: list[ProteinEffect]
    suppressed: list[str]
    outcomes: list[str]


@dataclass(frozen=True)
class P53IndependentData:
    """Figure 3: the p53-independent mechanisms of apoptosis."""

    mechanisms: list[Mechanism]
    sources: list[str]


_MECHANISMS = """
SELECT ?mechanism ?outcome_label WHERE {
  ?mechanism a/rdfs:subClassOf* xo:P53IndependentMechanism .
  OPTIONAL { ?mechanism xo:leadsTo/rdfs:label ?outcome_label }
}
"""


def p53_independent_data(kg: KnowledgeGraph) -> P53IndependentData:
    """Read what Figure 3 shows, from the ``p53_independent_mechanisms`` competency query."""
    labels = names(kg)
    known = {n.label: n for n in labels.values() if n.role not in ("", "Inhibitor")}
    grouped: dict[tuple[int, str], list[ProteinEffect]] = defaultdict(list)
    suppressed: dict[tuple[int, str], set[str]] = defaultdict(set)
    sources: set[str] = set()
    for row in kg.run("p53_independent_mechanisms").records():
        key = (int(row["mechanism"]), _text(row["mechanism_label"]))  # type: ignore[arg-type]
        label = _text(row["protein_label"])
        effect = ProteinEffect(known.get(label, Named("", label)), _text(row["effect"]))
        if effect not in grouped[key]:
            grouped[key].append(effect)
        if row["suppressed_pathway"] is not None:
            suppressed[key].add(_text(row["suppressed_pathway"]))
        sources.add(_text(row["source_label"]))
    outcomes: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(_MECHANISMS).records():
        mechanism = labels.get(_text(row["mechanism"]))
        if mechanism is not None and row["outcome_label"] is not None:
            outcomes[mechanism.label].add(_text(row["outcome_label"]))
    mechanisms = [
        Mechanism(
            number=number,
            label=label,
            proteins=grouped[(number, label)],
            suppressed=sorted(suppressed[(number, label)]),
            outcomes=sorted(outcomes[label], key=lambda o: (o != "apoptosis", o)),
        )
        for number, label in sorted(grouped)
    ]
    return P53IndependentData(mechanisms, sorted(sources))


@dataclass(frozen=True)
class IC50Point:
    """One IC50 measurement as the chart draws it (values in nM)."""

    inhibitor: str
    cancer: str
    cell_line: str
    value: float | None
    lower: float | None
    upper: float | None
    approximate: bool
    qualifier: str
    published: str
    source: str


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float | Decimal) else None


def ic50_data(kg: KnowledgeGraph) -> tuple[list[IC50Point], list[str]]:
    """Read the IC50 measurements (the ``ic50_table`` query) and every inhibitor of XPO1.

    Inhibitors are returned in a stable order so that each keeps its colour when data is added.
    """
    points = []
    for row in kg.run("ic50_table").records():
        cells = _text(row["cell_line_label"])
        if not cells:
            description = _text(row["cells"]) or "unnamed"
            cells = f"{description[:1].lower()}{description[1:]} cell lines"
        points.append(
            IC50Point(
                inhibitor=_text(row["inhibitor_label"]),
                cancer=_text(row["cancer_label"]),
                cell_line=cells,
                value=_number(row["ic50_nM"]),
                lower=_number(row["lower_nM"]),
                upper=_number(row["upper_nM"]),
                approximate=_text(row["qualifier"]) == "~",
                qualifier=_text(row["qualifier"]),
                published=_text(row["published"]),
                source=_text(row["source_label"]),
            )
        )
    measured = {p.inhibitor for p in points}
    every = [_text(v) for v in kg.query(_INHIBITORS).column("label")]
    return points, every + sorted(measured - set(every), key=str.casefold)
