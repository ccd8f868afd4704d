"""IC50 values for the pages: every measurement (or those of one entity) in nM, and their chart.

The chart is an SVG drawn here, on the server, as text (no JavaScript, no plotting library): one
row per measurement on a logarithmic nM axis, a dot for a single value and a bar for a range.
Every label and number is XML-escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from rdflib.term import Literal, Node, URIRef

from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = ["Ic50", "chart_svg", "measurements"]

# As queries/ic50_table.rq: values converted to nM from the unit of each measurement.
_SELECT = """
SELECT DISTINCT ?measurement ?inhibitor ?cell_line ?cells ?cancer ?qualifier ?value ?lower ?upper
       ?published ?source WHERE {{
  {pattern}
  ?measurement xo:hasEndpoint bao:BAO_0000190 ;
               xo:hasInhibitor ?inhibitor ;
               xo:hasUnit ?unit .
  BIND(IF(?unit = obo:UO_0000065, 1, IF(?unit = obo:UO_0000064, 1000, IF(?unit = obo:UO_0000066,
       0.001, IF(?unit = obo:UO_0000063, 1000000, IF(?unit = obo:UO_0000062, 1000000000,
       ?no_unit))))) AS ?to_nM)
  OPTIONAL {{ ?measurement xo:hasCellLine ?cell_line }}
  OPTIONAL {{ ?measurement xo:cellLineDescription ?cells }}
  OPTIONAL {{ ?measurement xo:hasCancerType ?cancer }}
  OPTIONAL {{ ?measurement xo:qualifier ?qualifier }}
  OPTIONAL {{ ?measurement xo:value ?raw }}
  OPTIONAL {{ ?measurement xo:lowerBound ?low ; xo:upperBound ?high }}
  OPTIONAL {{ ?measurement xo:publishedValue ?published }}
  OPTIONAL {{ ?measurement dcterms:source ?source }}
  BIND(?raw * ?to_nM AS ?value)
  BIND(?low * ?to_nM AS ?lower)
  BIND(?high * ?to_nM AS ?upper)
}}
"""
_OF_ENTITY = "?measurement xo:hasInhibitor|xo:hasCellLine|xo:hasCancerType ?entity ."


@dataclass(frozen=True)
class Ic50:
    """One IC50 measurement, its value (or range) in nM."""

    measurement: str
    inhibitor: str
    cell_line: str | None
    cells: str
    cancer: str | None
    qualifier: str
    value: float | None
    lower: float | None
    upper: float | None
    published: str
    source: str | None

    @property
    def shown(self) -> str:
        """Return the value as the tables show it: ``~32``, ``100–500``."""
        if self.value is not None:
            return self.qualifier + _number(self.value)
        if self.lower is not None and self.upper is not None:
            return f"{_number(self.lower)}–{_number(self.upper)}"
        return ""

    @property
    def sort_value(self) -> float | None:
        """Return the value, or the geometric middle of the range (for sorting and filtering)."""
        if self.value is not None:
            return self.value
        if self.lower and self.upper:
            return math.sqrt(self.lower * self.upper)
        return None


def _number(value: float) -> str:
    """Return a number without trailing zeros.

    >>> _number(100.0), _number(0.5), _number(32)
    ('100', '0.5', '32')
    """
    text = f"{Decimal(repr(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _float(node: Node | None) -> float | None:
    if not isinstance(node, Literal):
        return None
    try:
        return float(node.toPython())
    except (TypeError, ValueError):
        return None


def _iri(node: Node | None) -> str | None:
    return str(node) if isinstance(node, URIRef) else None


def measurements(kg: KnowledgeGraph, entity: str | None = None) -> list[Ic50]:
    """Return the IC50 measurements (of an inhibitor, cell line or cancer type, if given).

    >>> from xpo1kg import load_graph
    >>> [m.shown for m in measurements(load_graph(), "https://w3id.org/xpo1kg/resource/A2780")]
    ['~100']
    """
    text = _SELECT.format(pattern=_OF_ENTITY if entity else "")
    result = kg.query(text, {"entity": URIRef(entity)} if entity else None)
    found: dict[str, Ic50] = {}
    for row in result.rows:
        r = dict(zip(result.columns, row, strict=True))
        iri = str(r["measurement"])
        if iri in found:
            continue  # a second source or label: one row per measurement
        found[iri] = Ic50(
            measurement=iri,
            inhibitor=str(r["inhibitor"]),
            cell_line=_iri(r["cell_line"]),
            cells=str(r["cells"]) if r["cells"] is not None else "",
            cancer=_iri(r["cancer"]),
            qualifier=str(r["qualifier"]) if r["qualifier"] is not None else "",
            value=_float(r["value"]),
            lower=_float(r["lower"]),
            upper=_float(r["upper"]),
            published=str(r["published"]) if r["published"] is not None else "",
            source=_iri(r["source"]),
        )
    return [found[k] for k in sorted(found)]


# Chart geometry (px in the SVG's own coordinates; the SVG scales to its container).
_LABEL_WIDTH = 260
_PLOT_WIDTH = 420
_ROW = 26
_TOP = 30
_BOTTOM = 40


@dataclass(frozen=True)
class ChartRow:
    """One row of the chart: its label, its link, and the measurement."""

    label: str
    href: str | None
    ic50: Ic50


def _decades(rows: list[ChartRow]) -> tuple[int, int]:
    values = [
        v
        for r in rows
        for v in (r.ic50.value, r.ic50.lower, r.ic50.upper)
        if v is not None and v > 0
    ]
    low = math.floor(math.log10(min(values))) if values else 0
    high = math.ceil(math.log10(max(values))) if values else 3
    return low, max(high, low + 1)


def chart_svg(rows: list[ChartRow], title: str) -> str:
    """Return an SVG chart of the rows' IC50 values on a log axis (nM); '' when none has a value.

    >>> from xpo1kg.server.ic50 import Ic50
    >>> m = Ic50("m", "i", None, "", None, "~", 32.0, None, None, "~32", None)
    >>> svg = chart_svg([ChartRow("MDA-MB-468 <b>", "/resource/MDA-MB-468", m)], "IC50")
    >>> "MDA-MB-468 &lt;b&gt;" in svg and svg.startswith("<svg")
    True
    """
    drawn = [r for r in rows if r.ic50.sort_value is not None]
    if not drawn:
        return ""
    low, high = _decades(drawn)
    span = high - low
    # Room for the longest label (about 7.5 px a character at the chart's 13 px text).
    label_width = min(_LABEL_WIDTH, max(80, round(7.5 * max(len(r.label) for r in drawn)) + 16))

    def x(value: float) -> float:
        return label_width + (math.log10(value) - low) / span * _PLOT_WIDTH

    height = _TOP + _ROW * len(drawn) + _BOTTOM
    width = label_width + _PLOT_WIDTH + 60
    parts = [
        (
            f'<svg class="ic50-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
            f'{height}" width="{width}" height="{height}" role="img" '
            'aria-labelledby="ic50-chart-title">'
        ),
        f'<title id="ic50-chart-title">{escape(title)}</title>',
    ]
    bottom = _TOP + _ROW * len(drawn)
    for decade in range(low, high + 1):
        gx = label_width + (decade - low) / span * _PLOT_WIDTH
        parts.append(
            f'<line class="grid" x1="{gx:.1f}" y1="{_TOP - 6}" x2="{gx:.1f}" y2="{bottom}"/>'
            f'<text class="tick" x="{gx:.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{escape(_number(10.0**decade))}</text>"
        )
    parts.append(
        f'<text class="axis" x="{label_width + _PLOT_WIDTH / 2:.1f}" y="{bottom + 34}" '
        'text-anchor="middle">IC50 (nM, log scale)</text>'
    )
    for i, row in enumerate(drawn):
        y = _TOP + _ROW * i + _ROW / 2
        label = escape(row.label)
        text = f'<text class="label" x="{label_width - 8}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
        if row.href:
            text = f'<a href="{escape(row.href)}">{text}</a>'
        parts.append(text)
        m = row.ic50
        shown = escape(m.shown)
        if m.value is not None:
            cx = x(m.value)
            parts.append(
                f'<circle class="value" cx="{cx:.1f}" cy="{y:.1f}" r="5"><title>{label}: '
                f"{shown} nM</title></circle>"
                f'<text class="value-label" x="{cx + 9:.1f}" y="{y + 4:.1f}">{shown}</text>'
            )
        elif m.lower is not None and m.upper is not None:
            x1, x2 = x(m.lower), x(m.upper)
            parts.append(
                f'<rect class="range" x="{x1:.1f}" y="{y - 4:.1f}" width="{max(x2 - x1, 2):.1f}" '
                f'height="8" rx="3"><title>{label}: {shown} nM</title></rect>'
                f'<text class="value-label" x="{x2 + 6:.1f}" y="{y + 4:.1f}">{shown}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
