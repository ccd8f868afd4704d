"""An explanation (:class:`~xpo1kg.reason.explain.Explanation`) as a tree for people to read."""

from __future__ import annotations

from xpo1kg.rdf.graphs import short_graph_name
from xpo1kg.reason.explain import Evidence, Explanation, Term

__all__ = ["render_text"]


def render_text(explanation: Explanation) -> str:
    """Return the explanation as an indented tree for people."""
    lines: list[str] = []
    _render(explanation, lines, "")
    return "\n".join(lines) + "\n"


def _render(e: Explanation, lines: list[str], indent: str) -> None:
    curies = " ".join(t.curie or repr(t.label) for t in (e.subject, e.predicate, e.object))
    if not indent:
        lines.append(e.sentence())
        lines.append(f"  ({curies})")
        indent = "  "
    if e.status == "absent":
        lines.append(f"{indent}not in the graph")
        if e.closest:
            lines.append(f"{indent}closest statements it holds:")
            for near in e.closest:
                lines.append(f"{indent}- {near.sentence()}  [{near.status}]")
        return
    if e.status == "asserted":
        where = ", ".join(short_graph_name(g) for g in e.graphs)
        lines.append(f"{indent}asserted in {where}")
        if not e.evidence:
            lines.append(f"{indent}(no evidence recorded for this statement)")
        for number, evidence in enumerate(e.evidence, 1):
            head = f"{indent}evidence {number}: " if len(e.evidence) > 1 else f"{indent}"
            _render_evidence(evidence, lines, head, indent + ("  " if len(e.evidence) > 1 else ""))
        return
    rule = e.rule or "no recorded rule"
    home = f"  [{e.inferred_by.curie}]" if e.inferred_by and e.inferred_by.curie else ""
    lines.append(f"{indent}inferred: {rule}{home}")
    for evidence in e.evidence:
        parts = [evidence.knowledge_level, evidence.agent_type]
        if evidence.evidence_type:
            parts.append(_evidence_type(evidence.evidence_type))
        lines.append(f"{indent}" + " · ".join(x for x in parts if x))
    if e.premises:
        lines.append(f"{indent}because:")
    for number, premise in enumerate(e.premises, 1):
        lines.append(f"{indent}{number}. {premise.sentence()}")
        _render(premise, lines, indent + "   ")


def _evidence_type(term: Term) -> str:
    """Return an ECO class as "label (ECO:0000304)"."""
    curie = term.curie or ""
    if curie.startswith("obo:") and "_" in curie:
        curie = curie.removeprefix("obo:").replace("_", ":", 1)
    return f"{term.label} ({curie})" if curie and curie != term.label else term.label


def _render_evidence(evidence: Evidence, lines: list[str], head: str, indent: str) -> None:
    rows: list[tuple[str, str]] = []
    if evidence.source is not None:
        source = evidence.source.label
        if evidence.citation:
            source += f" — {evidence.citation}"
        rows.append(("source", source))
    for primary in evidence.primary_sources:
        rows.append(("primary source", primary.label))
    if evidence.evidence_type is not None:
        rows.append(("evidence type", _evidence_type(evidence.evidence_type)))
    level = " · ".join(x for x in (evidence.knowledge_level, evidence.agent_type) if x)
    if level:
        rows.append(("knowledge level", level))
    if evidence.modality is not None:
        hedge = f' ("{evidence.hedge}")' if evidence.hedge else ""
        rows.append(("modality", evidence.modality.label + hedge))
    elif evidence.hedge:
        rows.append(("hedge", f'"{evidence.hedge}"'))
    if evidence.quote:
        rows.append(("quote", f'"{evidence.quote}"'))
    if evidence.comment:
        rows.append(("comment", evidence.comment))
    for index, (name, value) in enumerate(rows):
        prefix = head if index == 0 else indent
        lines.append(f"{prefix}{name}: {value}")
    if not rows:
        lines.append(f"{head}(an annotation without evidence fields)")
