"""The pieces the three diagrams share: role colours, heading, footer, legend and small shapes.

The shapes are the inhibitor's diamond, a compartment of the cell, and arrowheads spread along a
box's edge. Coordinates are tenths of an inch from the bottom left corner (see
:func:`drawing.canvas`).
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle

from xpo1kg.figures.drawing import GREY, OKABE_ITO, wrap

__all__ = [
    "CYTOPLASM",
    "DECREASED",
    "NUCLEUS",
    "RETAINED",
    "ROLE_COLOURS",
    "LegendEntry",
    "draw_compartment",
    "draw_footer",
    "draw_heading",
    "draw_inhibitor",
    "draw_legend",
    "footer_height",
    "spread_arrowheads",
    "wrap_legend",
]

#: Colour of each role, the same in every figure (Okabe–Ito).
ROLE_COLOURS: dict[str, str] = {
    "Inhibitor": OKABE_ITO["vermillion"],
    "NuclearExportReceptor": OKABE_ITO["blue"],
    "TumorSuppressor": OKABE_ITO["bluish green"],
    "NFkBInhibitor": OKABE_ITO["bluish green"],
    "ProApoptoticProtein": OKABE_ITO["orange"],
    "Caspase": OKABE_ITO["reddish purple"],
    "ExecutionerCaspase": OKABE_ITO["reddish purple"],
    "AntiApoptoticProtein": OKABE_ITO["sky blue"],
    "Oncoprotein": OKABE_ITO["yellow"],
    "BiologicalProcess": OKABE_ITO["black"],
}
#: Fill of a protein that XPO1 inhibition holds in the nucleus, and of one whose level it lowers.
RETAINED = OKABE_ITO["bluish green"]
DECREASED = OKABE_ITO["sky blue"]
#: Fills of the two compartments the diagrams draw: pale, so that the boxes on them stand out.
CYTOPLASM = "#FBFAF3"
NUCLEUS = "#E9E9E9"


def draw_heading(axes: Axes, height: float, title: str, width: float) -> None:
    """Write the figure's title at its top left, wrapped to the figure's width."""
    axes.text(
        2,
        height - 2.5,
        wrap(title, int(width / 1.2)),
        ha="left",
        va="top",
        fontsize=13,
        fontweight="bold",
    )


def draw_footer(axes: Axes, width: float, sources: Sequence[str], note: str = "") -> None:
    """Write the note, if any, and the sources at the figure's bottom left."""
    axes.text(
        2,
        1.2,
        _footer_text(width, sources, note),
        ha="left",
        va="bottom",
        fontsize=10,
        color=GREY,
        linespacing=1.3,
    )


def _footer_text(width: float, sources: Sequence[str], note: str = "") -> str:
    text = f"Source{'s' if len(sources) != 1 else ''}: {'; '.join(sources)}." if sources else ""
    return wrap(f"{note} {text}".strip(), int((width - 4) / 0.85))


def footer_height(width: float, sources: Sequence[str], note: str = "") -> float:
    """Return the height of the footer, so that the drawing starts above it."""
    return 2.0 + 1.7 * (_footer_text(width, sources, note).count("\n") + 1)


#: A legend entry: fill, edge, label, and the swatch's shape.
LegendEntry = tuple[str, str, str, str]


def _entry_cost(entry: LegendEntry) -> float:
    return 8.2 + 0.8 * len(entry[2])


def _draw_legend_row(axes: Axes, y: float, entries: Sequence[LegendEntry]) -> None:
    """Draw a row of legend swatches: (fill, edge, label, shape)."""
    x = 2.0
    for fill, edge, label, shape in entries:
        if shape == "diamond":
            draw_inhibitor(axes, (x + 1.6, y), 1.4)
        else:
            axes.add_patch(
                Rectangle((x, y - 1.1), 3.2, 2.2, facecolor=fill, edgecolor=edge, lw=1.2)
            )
        axes.text(x + 4.2, y, label, ha="left", va="center", fontsize=10)
        x += _entry_cost((fill, edge, label, shape))


def wrap_legend(entries: Sequence[LegendEntry], width: float) -> list[list[LegendEntry]]:
    """Break legend entries into rows no wider than ``width``."""
    lines: list[list[LegendEntry]] = []
    used = 0.0
    for entry in entries:
        if lines and used + _entry_cost(entry) <= width:
            lines[-1].append(entry)
            used += _entry_cost(entry)
        else:
            lines.append([entry])
            used = _entry_cost(entry)
    return lines


def draw_legend(axes: Axes, y: float, entries: Sequence[LegendEntry], width: float) -> float:
    """Draw legend entries on as many rows as they need, downwards from ``y``; return the last y."""
    for line in wrap_legend(entries, width):
        _draw_legend_row(axes, y, line)
        y -= 3.2
    return y + 3.2


def draw_inhibitor(axes: Axes, centre: tuple[float, float], size: float = 2.6) -> None:
    """Draw the inhibitor as a vermillion diamond."""
    x, y = centre
    corners = [(x, y + size), (x + size, y), (x, y - size), (x - size, y)]
    axes.add_patch(Polygon(corners, closed=True, facecolor=ROLE_COLOURS["Inhibitor"], zorder=5))


def draw_compartment(
    axes: Axes,
    x: tuple[float, float],
    y: tuple[float, float],
    label: str,
    fill: str,
    edge: str,
    at_top: bool = True,
) -> None:
    """Draw a compartment of the cell (a rounded rectangle), labelled at its top right."""
    (x1, x2), (y1, y2) = x, y
    patch = FancyBboxPatch(
        (x1, y1),
        x2 - x1,
        y2 - y1,
        boxstyle="round,pad=0,rounding_size=2.5",
        facecolor=fill,
        edgecolor=edge,
        lw=1.6,
        zorder=0.5,
        label=label,
    )
    axes.add_patch(patch)
    axes.text(
        x2 - 1.2,
        y2 - 1.0 if at_top else y1 + 1.0,
        label,
        ha="right",
        va="top" if at_top else "bottom",
        fontsize=10,
        style="italic",
        color=GREY,
        zorder=0.6,
    )


def spread_arrowheads(starts: Sequence[float], end: float, half: float) -> list[float]:
    """Spread arrowheads along a box's edge so that no two meet at one point."""
    if len(starts) < 2:
        return [end for _ in starts]
    low, high = min(starts), max(starts)
    return [end + (s - (low + high) / 2) / max(high - low, 1e-9) * 2 * half for s in starts]
