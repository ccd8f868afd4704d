"""Figure 4, the IC50 chart: each cell line's IC50 values on a log axis, one colour per inhibitor.

It draws what :func:`xpo1kg.figures.data.ic50_data` read from the graph: exact and approximate
values, published ranges and bounds (<, >), each with the marker and legend entry of its kind.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, LogLocator, NullFormatter

from xpo1kg.figures.data import IC50Point
from xpo1kg.figures.drawing import GREY, OKABE_ITO, wrap

__all__ = ["draw_ic50_chart", "marker_note"]

#: Inhibitor colours and markers, in the order of the graph's inhibitors (Okabe–Ito, no yellow).
INHIBITOR_COLOURS = [
    OKABE_ITO[c]
    for c in ("blue", "vermillion", "bluish green", "reddish purple", "orange", "sky blue", "black")
]
MARKERS = ["o", "s", "D", "^", "v", "P", "X"]


def _kinds(points: Sequence[IC50Point]) -> dict[str, bool]:
    """Which kinds of value the chart draws: exact, approximate, range, bound."""
    values = [p for p in points if p.value is not None and p.lower is None]
    return {
        "exact": any(not p.approximate for p in values),
        "approximate": any(p.approximate for p in values),
        "range": any(p.lower is not None and p.upper is not None for p in points),
        "bound": any(p.qualifier.startswith(("<", ">")) for p in values),
    }


def marker_note(points: Sequence[IC50Point]) -> str:
    """Say what the markers mean, for the kinds of value drawn and no other."""
    kinds = _kinds(points)
    notes = []
    if kinds["exact"]:
        notes.append("filled markers are values as published")
    if kinds["approximate"]:
        notes.append("open markers are approximate values (~)")
    if kinds["range"]:
        notes.append("bars are published ranges")
    if kinds["bound"]:
        notes.append("an arrow marks a bound (<, >), pointing to where the value lies")
    text = "; ".join(notes)
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def draw_ic50_chart(
    points: Sequence[IC50Point], inhibitors: Sequence[str], available: float = 0.0
) -> Figure:
    """Draw IC50 values per cell line on a log axis, grouped by cancer type, one colour per drug.

    The legends stand right of the plot when ``available`` (design inches) allows, else below it.
    """
    style_of = {
        name: (INHIBITOR_COLOURS[i % len(INHIBITOR_COLOURS)], MARKERS[i % len(MARKERS)])
        for i, name in enumerate(inhibitors)
    }
    groups: dict[str, dict[str, list[IC50Point]]] = defaultdict(lambda: defaultdict(list))
    for point in points:
        groups[point.cancer][point.cell_line].append(point)
    labels: list[tuple[str, bool]] = []  # (text, is a group heading), top to bottom
    rows: list[list[IC50Point]] = []
    for cancer in sorted(groups, key=str.casefold):
        labels.append((cancer, True))
        rows.append([])
        for cell_line in sorted(groups[cancer], key=str.casefold):
            labels.append((cell_line, False))
            rows.append(sorted(groups[cancer][cell_line], key=lambda p: p.inhibitor.casefold()))
    width = 11.0 if available <= 0 else max(5.8, available)
    left_in = 0.3 + 0.085 * max((len(text) for text, _ in labels), default=10)
    beside = width - left_in >= 7.0
    sources = sorted({p.source for p in points})
    caption = wrap(
        f"Source{'s' if len(sources) != 1 else ''}: {'; '.join(sources) or 'none'}. "
        + marker_note(points),
        int(width * 11),
    )
    shown = [name for name in style_of if any(p.inhibitor == name for p in points)]
    keys = sum(_kinds(points).values())
    below = 0.0 if beside else 0.45 + 0.2 * max(len(shown), keys)
    caption_in = 0.25 + 0.19 * (caption.count("\n") + 1)
    plot_in = 0.36 * max(len(labels), 2)
    height = 0.5 + plot_in + 0.55 + below + caption_in
    figure = Figure(figsize=(width, height))
    bottom = (caption_in + below + 0.55) / height
    right = (width - 2.3) / width if beside else 1 - 0.95 / width
    axes = figure.add_axes((left_in / width, bottom, right - left_in / width, plot_in / height))
    values = [v for p in points for v in (p.value, p.lower, p.upper) if v is not None and v > 0]
    low, high = min(values, default=10) / 2.5, max(values, default=1000) * 4
    axes.set_xscale("log")
    axes.set_xlim(low, high)
    axes.set_ylim(len(labels) - 0.4, -0.6)
    for y, row in enumerate(rows):
        if not row:
            axes.axhspan(y - 0.5, y + 0.5, color="#EFEFEF", zorder=0, lw=0)
        for k, point in enumerate(row):
            offset = (k - (len(row) - 1) / 2) * min(0.25, 0.7 / len(row))
            _plot_point(axes, point, y + offset, *style_of[point.inhibitor])
    axes.set_yticks(range(len(labels)), [text for text, _ in labels])
    for tick, (_, heading) in zip(axes.get_yticklabels(), labels, strict=True):
        tick.set_fontweight("bold" if heading else "normal")
        tick.set_fontsize(10)
    axes.tick_params(axis="y", length=0)
    exponents = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    ticks = [t for e in exponents for t in (10.0**e, 3 * 10.0**e) if low <= t <= high]
    axes.xaxis.set_major_locator(FixedLocator(ticks))
    axes.set_xticklabels([f"{t:,.0f}" if t >= 1 else f"{t:g}" for t in ticks], fontsize=10)
    axes.xaxis.set_minor_locator(LogLocator(base=10, subs=tuple(range(2, 10))))
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.grid(axis="x", which="major", color="#CCCCCC", lw=0.8)
    axes.grid(axis="x", which="minor", color="#EEEEEE", lw=0.6)
    axes.set_axisbelow(True)
    axes.set_xlabel("IC50 (nM, log scale)", fontsize=10.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.text(
        0.02,
        1 - 0.12 / height,
        "IC50 of XPO1 inhibitors per cell line",
        ha="left",
        va="top",
        fontsize=12,
        fontweight="bold",
    )
    span = (right - left_in / width) * width
    if beside:
        anchors = ((1.03, 1.0), (1.03, 0.0))
    else:  # below the axis label: one legend from the left edge, one from the middle
        drop = -0.6 / plot_in
        anchors = ((0.15 - left_in) / span, drop), ((width / 2 - left_in) / span, drop)
    _ic50_legend(axes, points, style_of, beside, anchors)
    figure.text(0.02, 0.12 / height, caption, ha="left", va="bottom", fontsize=10, color=GREY)
    return figure


def _plot_point(axes: Axes, point: IC50Point, y: float, colour: str, marker: str) -> None:
    if point.lower is not None and point.upper is not None:
        axes.plot([point.lower, point.upper], [y, y], color=colour, lw=3.2, solid_capstyle="butt")
        for end in (point.lower, point.upper):
            axes.plot([end, end], [y - 0.18, y + 0.18], color=colour, lw=2.0)
        text_at, text = point.upper, f"{point.lower:g}–{point.upper:g} nM"
    elif point.value is not None:
        face = "white" if point.approximate else colour
        axes.plot(
            [point.value],
            [y],
            marker=marker,
            markersize=9,
            markeredgewidth=2.0,
            color=colour,
            markerfacecolor=face,
            linestyle="none",
            zorder=3,
        )
        if point.qualifier.startswith(("<", ">")):
            # A censored value: the true IC50 lies beyond it, in the direction of the arrow.
            beyond = point.value / 2.2 if point.qualifier.startswith("<") else point.value * 2.2
            axes.annotate(
                "",
                xy=(beyond, y),
                xytext=(point.value, y),
                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.8, "shrinkA": 6},
            )
        text_at = point.value
        text = f"{point.qualifier if point.qualifier != '=' else ''}{point.value:g} nM"
    else:
        return
    right = not point.qualifier.startswith(">")
    axes.annotate(
        text,
        (text_at, y),
        xytext=(9 if right else -9, 0),
        textcoords="offset points",
        ha="left" if right else "right",
        va="center",
        fontsize=10,
        color="#333333",
    )


def _ic50_legend(
    axes: Axes,
    points: Sequence[IC50Point],
    style_of: dict[str, tuple[str, str]],
    beside: bool,
    anchors: tuple[tuple[float, float], tuple[float, float]],
) -> None:
    """Draw two legends whose markers are the chart's own.

    Each inhibitor's marker is filled if any of its values is exact, open if all are approximate;
    the kinds of value are shown with the markers the data use, and only the kinds drawn.
    """
    shown = [name for name in style_of if any(p.inhibitor == name for p in points)]
    handles = []
    for name in shown:
        colour, marker = style_of[name]
        own = [p for p in points if p.inhibitor == name and p.value is not None]
        exact = any(not p.approximate for p in own) or not own
        handles.append(_marker_key(colour, marker, colour if exact else "white", name))
    kinds = _kinds(points)
    used = [m for n, (_, m) in style_of.items() if any(p.inhibitor == n for p in points)]
    keys: list[Line2D] = []
    for kind, label, face in (
        ("exact", "value as published", "black"),
        ("approximate", "approximate (~)", "white"),
    ):
        if kinds[kind]:
            markers = [
                style_of[p.inhibitor][1]
                for p in points
                if p.value is not None and p.lower is None and p.approximate == (kind != "exact")
            ]
            marker = next((m for m in used if m in markers), "o")
            keys.append(_marker_key("black", marker, face, label))
    if kinds["range"]:
        keys.append(Line2D([], [], color="black", lw=3.2, label="range"))
    first = _legend(axes, handles, "upper left", anchors[0], "inhibitor")
    if keys:
        axes.add_artist(first)
        _legend(axes, keys, "lower left" if beside else "upper left", anchors[1], "value")


def _marker_key(colour: str, marker: str, face: str, label: str) -> Line2D:
    """Return a legend entry showing one marker, as the chart draws it."""
    return Line2D(
        [],
        [],
        color=colour,
        marker=marker,
        markerfacecolor=face,
        markeredgewidth=2.0,
        linestyle="none",
        markersize=9,
        label=label,
    )


def _legend(
    axes: Axes,
    handles: Sequence[Line2D],
    loc: Literal["upper left", "lower left"],
    anchor: tuple[float, float],
    title: str,
) -> Legend:
    """Draw a frameless, left-aligned legend with a bold title."""
    legend = axes.legend(
        handles=handles,
        loc=loc,
        bbox_to_anchor=anchor,
        frameon=False,
        title=title,
        alignment="left",
        borderaxespad=0,
    )
    legend.get_title().set_fontweight("bold")
    return legend
