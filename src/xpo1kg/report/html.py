"""One self-contained HTML page about the graph: summary, figures, competency questions, validation.

The page works offline: the figures are inline SVG, the style sheet is inline, there is no script,
and nothing is fetched. The only links are to anchors in the page and to the cited sources.

>>> page = build_report(inferred=False)
>>> page.startswith("<!DOCTYPE html>") and "<script" not in page
True
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from functools import cache
from html import escape
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from string import Template

from jinja2 import Environment, StrictUndefined
from jinja2 import Template as JinjaTemplate

from xpo1kg.errors import InputError, XPO1KGError
from xpo1kg.figures.charts import Drawing, draw_figures
from xpo1kg.query.catalog import CompetencyQuery, list_queries
from xpo1kg.query.inference import InferenceWarning
from xpo1kg.query.results import QueryResult
from xpo1kg.query.table_model import Table, build_table
from xpo1kg.rdf.namespaces import XR
from xpo1kg.rdf.safefile import atomic_write
from xpo1kg.store.knowledge_graph import KnowledgeGraph, load_graph
from xpo1kg.validate.pyshacl_engine import ValidationReport, validate

__all__ = ["REPORT_NAME", "build_report", "report_table", "write_report"]

REPORT_NAME = "report.html"
TITLE = "XPO1 inhibition and apoptosis in cancer cells: the xpo1kg knowledge graph"
#: Tables longer than this are folded (a click shows them).
FOLD_ROWS = 15
#: Classes counted on the summary cards, in order (labels as in the ontology).
CARDS = ("protein", "inhibitor", "cell line", "cancer type", "IC50 measurement", "source")

_SOURCES = """
SELECT ?label ?title ?publisher ?issued ?citation ?page WHERE {
  ?source a xo:Source ; rdfs:label ?label .
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source dcterms:issued ?issued }
  OPTIONAL { ?source dcterms:bibliographicCitation ?citation }
  OPTIONAL { ?source foaf:page ?page }
} ORDER BY LCASE(?label)
"""


# Said wherever an answer rests on inferred facts, so that they never read as a source's words.
_INFERRED_NOTE = (
    '<p class="note inferred"><b>Inferred</b>: these answers rest on facts an OWL reasoner '
    "deduced from the ontology and the asserted statements (knowledge level: logical "
    "entailment), not on statements of a source. <code>xpo1kg explain SUBJECT PREDICATE "
    "OBJECT</code> shows the rule and the premises of each, down to the sources' quotes.</p>"
)


def report_table(result: QueryResult, caption: str | None = None) -> Table:
    """Return a query result as the report shows it, without the graph's own IRIs.

    The table is :func:`~xpo1kg.query.table_model.build_table`'s, as on the server's pages, with
    IRIs shown by label or CURIE (the page is offline: no entity pages to link to). A column
    that holds only IRIs of the graph's resources (``xr:``) and has no ``_label`` companion is
    left out.
    """
    bindings = result.bindings()

    def resources_only(column: str) -> bool:
        terms = [row[column] for row in bindings if column in row]
        return bool(terms) and all(
            t["type"] == "uri" and t["value"].startswith(str(XR)) for t in terms
        )

    hide = {c for c in result.columns if f"{c}_label" not in result.columns and resources_only(c)}
    return build_table(result.columns, bindings, hide=hide, caption=caption)


def _table(result: QueryResult, *, fold: bool = True, caption: str | None = None) -> str:
    """Render a query result as an HTML table (``table.html``; folded when long)."""
    table = report_table(result, caption)
    return _table_template().render(table=table, fold=fold, fold_rows=FOLD_ROWS)


@cache
def _table_template() -> JinjaTemplate:
    source = files("xpo1kg.report").joinpath("table.html").read_text("utf-8")
    return Environment(autoescape=True, undefined=StrictUndefined).from_string(source)


def inline_svg(svg: bytes, prefix: str) -> str:
    r"""Return SVG markup fit to sit inside HTML: no XML prolog, ids made unique with ``prefix``.

    >>> inline_svg(b'<?xml version="1.0"?>\n<svg><g id="a"/><use xlink:href="#a"/></svg>', "f1")
    '<svg><g id="f1-a"/><use xlink:href="#f1-a"/></svg>'
    """
    text = svg.decode("utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    return text.strip()


def _summary(kg: KnowledgeGraph, data: Sequence[Path]) -> str:
    counts = {str(r["class"]): r["instances"] for r in kg.stats().records()}
    cards = [f'<div class="card"><b>{len(kg):,}</b><span>triples</span></div>']
    for name in CARDS:
        count = counts.get(name, 0)
        label = name if count == 1 else (name + "s" if not name.endswith("s") else name)
        cards.append(f'<div class="card"><b>{count}</b><span>{escape(label)}</span></div>')
    inputs = "the bundled ontology and data"
    if data:
        inputs += " plus " + ", ".join(f"<code>{escape(str(f))}</code>" for f in data)
    classes = QueryResult(
        ["class", "instances"],
        [row for row in kg.stats().rows if int(str(row[1])) > 0],
    )
    return (
        '<h2 id="summary">Dataset summary</h2>'
        f"<p>Built from {inputs}.</p>"
        f'<div class="cards">{"".join(cards)}</div>'
        f"<details><summary>Instances of every class</summary>{_table(classes, fold=False)}</details>"
    )


def _figures(drawings: Sequence[Drawing]) -> str:
    parts = ['<h2 id="figures">Figures</h2>']
    for index, drawing in enumerate(drawings, start=1):
        svg = inline_svg(drawing.render("svg"), f"fig{index}")
        parts.append(
            f'<figure id="{drawing.name}">{svg}<figcaption><b>{escape(drawing.title)}.</b> '
            f"{escape(drawing.caption)}</figcaption></figure>"
        )
    return "\n".join(parts)


def _questions(kg: KnowledgeGraph, inferred: KnowledgeGraph | None, reason_error: str) -> str:
    parts = [
        '<h2 id="questions">Competency questions</h2>',
        (
            "<p>The questions the graph was built to answer, each with its answer as computed "
            "now. Run any of them with <code>xpo1kg query NAME</code>.</p>"
        ),
    ]
    for query in list_queries():
        parts.append(_question(query, kg, inferred, reason_error))
    return "\n".join(parts)


def _question(
    query: CompetencyQuery, kg: KnowledgeGraph, inferred: KnowledgeGraph | None, reason_error: str
) -> str:
    head = (
        f'<h3 id="q-{escape(query.name)}">{escape(query.title)}</h3>'
        f'<p class="question">{escape(query.question)}</p>'
        f'<p class="answer">{escape(query.answer)} (<code>{escape(query.name)}</code>)</p>'
    )
    graph = kg
    if query.requires_inference:
        if inferred is None:
            why = f": {reason_error}" if reason_error else ""
            return (
                head
                + f'<p class="note">Not answered: this question needs OWL reasoning{escape(why)}.</p>'
            )
        graph = inferred
    result = graph.query(query)
    if not result.rows:
        return head + '<p class="note">No answer in the current data.</p>'
    if not query.requires_inference:
        return head + _table(result)
    return head + _INFERRED_NOTE + _table(result, caption="Inferred by the OWL reasoner")


def _validation(report: ValidationReport, target: str) -> str:
    if report.conforms:
        status = '<span class="status ok">✓ conforms to the SHACL shapes</span>'
        return (
            f'<h2 id="validation">Validation</h2><p>{status}</p><p>Checked: {escape(target)}.</p>'
        )
    count = len(report.results)
    status = f'<span class="status bad">✗ {count} violation{"s" if count != 1 else ""}</span>'
    lines = "".join(f"<li><code>{escape(line)}</code></li>" for line in report.lines())
    return (
        f'<h2 id="validation">Validation</h2><p>{status}</p><p>Checked: {escape(target)}.</p>'
        f"<ul>{lines}</ul>"
    )


def _sources(kg: KnowledgeGraph) -> str:
    items = []
    for row in kg.query(_SOURCES).records():
        label = escape(str(row["label"]))
        page = str(row["page"] or "")
        head = f'<a href="{escape(page)}">{label}</a>' if re.match(r"^https?://", page) else label
        details = [str(row[k]) for k in ("title", "publisher", "issued") if row[k] is not None]
        text = f"{head}" + (f". {escape(', '.join(details))}" if details else "")
        if row["citation"] is not None:
            text += f'<br><span class="note">{escape(str(row["citation"]))}</span>'
        items.append(f"<li>{text}</li>")
    return f'<h2 id="sources">Sources</h2><ol class="sources">{"".join(items)}</ol>'


def build_report(data: Iterable[str | Path] = (), *, inferred: bool | None = None) -> str:
    """Build the HTML page for the bundled graph plus ``data`` files.

    Inferred facts are included by default, as everywhere (Java, a few seconds the first time,
    then cached): every answer, figure and count sees them, and the questions that need them
    are marked as inferred. With ``inferred=False``, or if reasoning fails, those questions are
    listed with a note saying why they are not answered.
    """
    files_ = [Path(f) for f in data]
    try:
        kg = load_graph(files_, inferred=inferred)
    except (XPO1KGError, OSError, RuntimeError) as error:  # inferred=True and reasoning failed
        kg = load_graph(files_, inferred=False)
        kg.inference_problem = f"reasoning failed ({error})"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InferenceWarning)  # said on the page instead
        reasoned = kg if kg.has_inferred else None
    if reasoned is not None:
        reason_error = ""
    elif kg.inference_problem is not None:
        reason_error = kg.inference_problem
    else:
        reason_error = "skipped (run without --no-inferred to answer it)"
    checked = "bundled data" + "".join(f", {f}" for f in files_)
    report = validate(files_, with_bundled=True) if files_ else validate()
    generator = f"xpo1kg {version('xpo1kg')}"
    nav = "".join(
        f'<a href="#{anchor}">{text}</a>'
        for anchor, text in (
            ("summary", "Summary"),
            ("figures", "Figures"),
            ("questions", "Questions"),
            ("validation", "Validation"),
            ("sources", "Sources"),
        )
    )
    body = "\n".join(
        [
            f"<h1>{escape(TITLE)}</h1>",
            (
                '<p class="lead">How XPO1 (exportin-1, CRM1) inhibitors kill cancer cells: what '
                "the graph records, drawn and tabulated from its own data with SPARQL. Every "
                "figure and table below changes when the data does.</p>"
            ),
            f"<nav>{nav}</nav>",
            _summary(kg, files_),
            _figures(draw_figures(kg)),
            _questions(kg, reasoned, reason_error),
            _validation(report, checked),
            _sources(kg),
            (
                f"<footer>Generated by {escape(generator)} (<code>xpo1kg report</code>). "
                "Ontology, data and queries: CC BY 4.0. Facts are quoted from the sources listed "
                "above; check them there before relying on them.</footer>"
            ),
        ]
    )
    template = Template(files("xpo1kg.report").joinpath("template.html").read_text("utf-8"))
    return template.substitute(title=escape(TITLE), generator=escape(generator), body=body)


def write_report(
    directory: str | Path, data: Iterable[str | Path] = (), *, inferred: bool | None = None
) -> Path:
    """Build the page and write it to ``directory/report.html`` (the directory is created)."""
    target = Path(directory)
    page = build_report(data, inferred=inferred).encode("utf-8")
    try:
        target.mkdir(parents=True, exist_ok=True)
        path = target / REPORT_NAME
        atomic_write(path, page)
    except OSError as error:
        raise InputError(f"{target}: cannot write ({error.strerror})") from None
    return path
