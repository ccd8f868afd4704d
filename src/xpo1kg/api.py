"""Convenience functions over :class:`~xpo1kg.store.knowledge_graph.KnowledgeGraph` for one-off use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from xpo1kg.errors import InputError
from xpo1kg.query.catalog import CompetencyQuery, resolve_query
from xpo1kg.query.checks import CheckMode
from xpo1kg.query.results import QueryResult
from xpo1kg.rdf.safefile import atomic_write
from xpo1kg.rdf.serialize import QUAD_FORMATS, ExportFormat, serialize, serialize_dataset
from xpo1kg.reason.reasoner import INFERRED_GRAPH
from xpo1kg.store.knowledge_graph import Binding, KnowledgeGraph, load_graph
from xpo1kg.store.search import Hit

__all__ = ["export", "find_entity", "run_query", "serialize_knowledge_graph", "write_figures"]


def run_query(
    query: str | CompetencyQuery,
    bindings: Mapping[str, Binding] | None = None,
    *,
    extra_files: Iterable[str | Path] = (),
    check: CheckMode = "error",
    inferred: bool | None = None,
    **parameters: object,
) -> QueryResult:
    """Run a competency query (by name or ``.rq`` path) or SPARQL text on the bundled graph.

    Keyword arguments are the query's declared parameters (its ``# param:`` header lines; see
    :mod:`xpo1kg.query.parameters`): ``run_query("ic50_table", inhibitor="selinexor")``. An
    entity parameter takes a name, synonym, identifier or CURIE.

    The query is checked before it runs (see :meth:`KnowledgeGraph.query`): with ``check="error"``
    (the default) an unknown ``xo:``/``xr:`` term, a binding of a variable the query does not
    have or a projected variable that nothing binds raises
    :class:`~xpo1kg.query.checks.QueryCheckError` (an :class:`~xpo1kg.errors.InputError`) with the
    closest known terms; ``"warn"`` warns (:class:`~xpo1kg.query.checks.QueryCheckWarning`) and
    runs; ``"ignore"`` runs unchecked.

    Inferred facts are included by default (see :func:`load_graph`); ``inferred=False`` leaves
    them out, and a query that needs them (``# requires: inference``) then warns
    (:class:`~xpo1kg.query.inference.InferenceWarning`).

    >>> [r["cargo_label"] for r in run_query("cargo_triggering_apoptosis").records()][:2]
    ['TP53', 'CDKN1A']
    >>> run_query("ASK { xr:selinexor xo:inhibits xr:XPO1 }").column("ask")
    [True]
    >>> sorted({r["cell_line_label"] for r in run_query("ic50_table", cancer="ovarian cancer").records()})
    ['A2780', 'A2780-CP70', 'NIH:OVCAR-3', 'SK-OV-3']
    """
    if isinstance(query, str) and not _looks_like_sparql(query):
        query = resolve_query(query)
    kg = load_graph(extra_files, inferred=inferred)
    if parameters:
        if not isinstance(query, CompetencyQuery):
            raise InputError(
                "parameters are for a competency query; bind SPARQL text with bindings"
            )
        from xpo1kg.query.parameters import apply_parameters

        query = apply_parameters(kg, query, parameters)
    return kg.query(query, bindings, check=check)


def find_entity(
    text: str, *, extra_files: Iterable[str | Path] = (), limit: int | None = 20
) -> list[Hit]:
    """Find entities by CURIE, IRI, label, synonym or external identifier, best match first.

    Prefixes, words, Greek spellings and typos match too (see :mod:`xpo1kg.store.search`); each
    :class:`~xpo1kg.store.search.Hit` is an :class:`~xpo1kg.store.knowledge_graph.Entity` that also says how it matched.
    ``limit=None`` returns every match.

    >>> [e.iri for e in find_entity("CRM1")]
    ['https://w3id.org/xpo1kg/resource/XPO1']
    >>> [(e.label, e.type, e.why) for e in find_entity("selinexr", limit=1)]
    [('selinexor', 'selective inhibitor of nuclear export', 'fuzzy label (1 edit)')]
    """
    return load_graph(extra_files).find(text, limit)


def export(
    export_format: ExportFormat = "ttl",
    output: str | Path | None = None,
    *,
    extra_files: Iterable[str | Path] = (),
    inferred: bool | None = None,
) -> bytes:
    r"""Serialise the ontology and data deterministically; also write it to ``output`` if given.

    Inferred facts are included by default, marked as inferred (see
    :func:`serialize_knowledge_graph`); ``inferred=False`` exports the asserted triples only.

    >>> export("nt", inferred=False).count(b"\n") > 1000
    True
    """
    content = serialize_knowledge_graph(load_graph(extra_files, inferred=inferred), export_format)
    if output is not None:
        atomic_write(Path(output), content)
    return content


def write_figures(
    directory: str | Path,
    *,
    extra_files: Iterable[str | Path] = (),
    formats: Iterable[str] = ("svg", "png"),
    width_mm: float = 183.0,
    font_size: float = 7.0,
) -> list[Path]:
    """Draw the four figures from the graph into ``directory``, sized for a journal.

    ``width_mm`` is the printed width (89 for a single column, 183 for a double one) and
    ``font_size`` the body text in points (at least 6); a figure that cannot be printed that
    narrow with text of 6 pt raises :class:`~xpo1kg.errors.InputError` and nothing is written.
    """
    from xpo1kg.figures.charts import IMAGE_FORMATS, draw_figures, write_drawings
    from xpo1kg.figures.drawing import ImageFormat, PrintSize

    chosen: list[ImageFormat] = []
    for name in formats:
        known = [f for f in IMAGE_FORMATS if f == name]
        if not known:
            raise InputError(f"unknown image format {name!r} (use svg, png)")
        chosen += known
    drawings = draw_figures(load_graph(extra_files), PrintSize(width_mm, font_size))
    target = Path(directory)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{target}: cannot create directory ({error.strerror})") from None
    return write_drawings(drawings, target, chosen)


def serialize_knowledge_graph(kg: KnowledgeGraph, export_format: ExportFormat) -> bytes:
    """Serialise ``kg``: its asserted triples, plus its inferred graph when queries include it.

    N-Quads and TriG keep the inferred facts in their own named graph; the single-graph formats
    add them with their provenance nodes (knowledge level "logical_entailment", rule, premises),
    so each inferred triple stays marked as inferred.
    """
    inferred = kg.inferred
    if export_format in QUAD_FORMATS:
        parts = list(kg.parts) + ([(INFERRED_GRAPH, inferred)] if inferred is not None else [])
        return serialize_dataset(parts, export_format)
    return serialize(kg.graph + inferred if inferred is not None else kg.graph, export_format)


def _looks_like_sparql(text: str) -> bool:
    if text.strip().endswith((".rq", ".sparql")):
        return False
    return any(c.isspace() for c in text.strip()) or "{" in text
