"""Figure 1, XPO1 inhibition: XPO1 exporting NES cargo, and the inhibitor holding it in the nucleus.

It takes what :func:`xpo1kg.figures.data.mechanism_data` read from the graph and is drawn with
matplotlib patches and arrows (no Graphviz or other system binary). Coordinates are tenths of an
inch from the bottom left corner (see :func:`drawing.canvas`).
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from xpo1kg.figures.data import MechanismData, Named
from xpo1kg.figures.diagram_parts import (
    CYTOPLASM,
    NUCLEUS,
    RETAINED,
    ROLE_COLOURS,
    LegendEntry,
    draw_footer,
    draw_heading,
    draw_inhibitor,
    draw_legend,
    footer_height,
    wrap_legend,
)
from xpo1kg.figures.drawing import GREY, OKABE_ITO, arrow, box, canvas, wrap

__all__ = ["draw_mechanism"]


def _complex(axes: Axes, data: MechanismData, x: float, y: float, cargo: Named) -> None:
    """Draw XPO1 carrying one cargo protein by its NES."""
    box(axes, (x, y), (12.5, 5.5), data.exporter.text(), ROLE_COLOURS["NuclearExportReceptor"])
    box(axes, (x, y + 4.0), (6, 2.6), data.motif.alias or "NES", OKABE_ITO["yellow"], fontsize=10)
    box(axes, (x, y + 7.8), (11.5, 4.8), cargo.text(), RETAINED, fontsize=10)


#: One panel of figure 1, in units from its bottom left corner: its width, the cell's bottom and
#: top, the nucleus (left, bottom, right, top) and the height of the pore; the heading above.
_PANEL_WIDTH = 50.0
_CELL = (8.0, 63.0)
_NUCLEUS = (1.5, 14.0, 35.0, 58.0)
_PORE_Y = 29.0
_PANEL = 62.0


def _cell(
    axes: Axes, x0: float, y0: float, heading: str, data: MechanismData, trim: float = 0.0
) -> tuple[float, float]:
    """Draw the cell, its nucleus and a nuclear pore; return the pore's position.

    ``trim`` lowers the top of the panel (the cell and the nucleus) by that many units.
    """
    axes.text(x0, y0 + 67 - trim, heading, ha="left", va="center", fontsize=11.5, fontweight="bold")
    bottom, top = _CELL
    top -= trim
    cell = FancyBboxPatch(
        (x0, y0 + bottom),
        _PANEL_WIDTH,
        top - bottom,
        boxstyle="round,pad=0,rounding_size=4",
        facecolor=CYTOPLASM,
        edgecolor=GREY,
        lw=1.2,
        zorder=0.5,
        label=data.destination,
    )
    axes.add_patch(cell)
    axes.text(
        x0 + _PANEL_WIDTH - 1.5,
        y0 + top - 2.5,
        data.destination,
        ha="right",
        va="top",
        fontsize=10.5,
        style="italic",
        color=GREY,
    )
    left, low, right, high = _NUCLEUS
    high -= trim
    nucleus = FancyBboxPatch(
        (x0 + left, y0 + low),
        right - left,
        high - low,
        boxstyle="round,pad=0,rounding_size=7",
        facecolor=NUCLEUS,
        edgecolor="#444444",
        lw=2.4,
        zorder=1,
        label=data.origin,
    )
    axes.add_patch(nucleus)
    axes.text(
        x0 + left + 2.5,
        y0 + low + 1.8,
        data.origin,
        ha="left",
        va="bottom",
        fontsize=10.5,
        style="italic",
        color=GREY,
    )
    pore = (x0 + right, y0 + _PORE_Y)
    gap = Rectangle((pore[0] - 1.6, pore[1] - 2.6), 3.2, 5.2, color=CYTOPLASM, zorder=1.5)
    axes.add_patch(gap)
    for dy in (-3.1, 3.1):
        bar = Rectangle((pore[0] - 1.4, pore[1] + dy - 0.6), 2.8, 1.2, color="#444444", zorder=1.5)
        axes.add_patch(bar)
    axes.text(pore[0] + 1.6, pore[1] - 4.0, "nuclear\npore", fontsize=10, color=GREY, va="top")
    return pore


def draw_mechanism(data: MechanismData, available: float = 0.0) -> Figure:
    """Figure 1: XPO1 exporting NES cargo (A); the inhibitor at Cys528 holding cargo (B).

    The panels stand side by side when ``available`` (design inches) allows, else one above the
    other.
    """
    side_by_side = 2 * _PANEL_WIDTH + 6
    wide = available <= 0 or available * 10 >= 0.9 * side_by_side  # text shrinks 10% at most
    width = side_by_side if wide else _PANEL_WIDTH + 4
    exporter, motif = data.exporter.label, data.motif.alias or "NES"
    entries: list[LegendEntry] = [
        (ROLE_COLOURS["NuclearExportReceptor"], "black", "nuclear export receptor", "box"),
        (OKABE_ITO["yellow"], "black", data.motif.label, "box"),
        (ROLE_COLOURS["Inhibitor"], "black", "inhibitor", "diamond"),
        (RETAINED, "black", "cargo whose nuclear retention triggers apoptosis", "box"),
        ("white", RETAINED, "other cargo", "box"),
    ]
    legend_lines = len(wrap_legend(entries, width - 4))
    footer = footer_height(width, data.sources)
    bottom = footer + 3.2 * legend_lines + 0.5
    trim = 0.0 if wide else 14.0  # stacked, panel A needs no room for cargo above its complex
    panels = (bottom, bottom) if wide else (bottom + _PANEL, bottom)
    heading = wrap(f"How {exporter} inhibitors hold cargo in the {data.origin}", int(width / 1.2))
    height = panels[0] + 65 - trim + 2.2 * (heading.count("\n") + 1)
    figure, axes = canvas(width / 10, height / 10, available)
    draw_heading(axes, height, heading, width)
    example = next(iter(data.apoptotic_cargo or data.cargo), Named("", "cargo"))

    x0, y0 = 2.0, panels[0] - 7
    pore = _cell(axes, x0, y0, f"A  Active {exporter} carries {motif} cargo out", data, trim)
    inside, outside = pore[0] - 14.0, pore[0] + 8.0
    _complex(axes, data, inside, pore[1], example)
    _complex(axes, data, outside, pore[1], example)
    arrow(axes, (inside + 6.25, pore[1]), (outside - 6.25, pore[1]), width=2.4)
    axes.text(
        pore[0] - 3.2, pore[1] - 1.0, "export", ha="center", va="top", fontsize=10, style="italic"
    )
    count = f"over {data.minimum_cargo} proteins" if data.minimum_cargo else "its cargo proteins"
    note = f"{exporter} carries\n{count}\nfrom the {data.origin}\nto the {data.destination}"
    axes.text(inside, pore[1] - 4.5, note, ha="center", va="top", fontsize=10, linespacing=1.3)

    x0, y0 = (_PANEL_WIDTH + 4.0, panels[1] - 7) if wide else (2.0, panels[1] - 7)
    pore = _cell(axes, x0, y0, f"B  Inhibitor at {data.site}: cargo held", data)
    x, y = pore[0] - 10.0, pore[1]
    box(
        axes,
        (x, y),
        (12, 5.5),
        data.exporter.text(),
        ROLE_COLOURS["NuclearExportReceptor"],
        fontsize=10,
    )
    draw_inhibitor(axes, (x - 8.2, y))
    bond = f"{data.bond} bond at {data.site}" if data.bond else f"bound at {data.site}"
    axes.text(x - 1.0, y - 4.0, bond, ha="center", va="top", fontsize=10)
    arrow(axes, (x + 6, y), (pore[0] + 0.6, y), inhibits=True, width=2.4)
    axes.text(pore[0] + 2.4, y + 1.4, "export\nblocked", ha="left", va="bottom", fontsize=10)
    left, _, right, high = _NUCLEUS
    frame = _cargo_grid(axes, data, x0 + (left + right) / 2, y0 + high - 2.0, y0 + _PORE_Y + 4.0)
    if frame is not None:
        fx, fy, fw, fh = frame
        middle = fy + fh / 2
        outcome = (x0 + right + (_PANEL_WIDTH - right) / 2, middle)
        box(axes, outcome, (12.5, 5), data.outcome, OKABE_ITO["black"], weight="bold")
        arrow(axes, (fx + fw, middle), (outcome[0] - 6.25, middle), width=2.0)

    inhibitors = ", ".join(data.inhibitors)
    axes.text(
        x0 + 2,
        y0 + 11.0,
        wrap(f"Inhibitors bound at {data.site}: {inhibitors}", 56),
        fontsize=10,
        va="center",
    )
    draw_legend(axes, bottom - 1.6, entries, width - 4)
    draw_footer(axes, width, data.sources)
    return figure


def _cargo_grid(
    axes: Axes, data: MechanismData, centre: float, top: float, floor: float
) -> tuple[float, float, float, float] | None:
    """Draw the cargo held in the nucleus; return the frame (x, y, width, height), if any.

    The cargo whose retention triggers apoptosis is in a framed grid, the other cargo below it,
    all between ``top`` and ``floor``.
    """
    apoptotic = {c.iri for c in data.apoptotic_cargo}
    triggering = [c for c in data.cargo if c.iri in apoptotic][:9]
    other = [c for c in data.cargo if c.iri not in apoptotic][: 12 - len(triggering)]
    columns, chip = 3, 9.6
    rows = math.ceil(len(triggering) / columns) + math.ceil(len(other) / columns)
    step = min(5.6, (top - floor - 1.5) / max(rows, 1))
    first = top - step / 2
    frame = None

    def chips(group: list[Named], row_y: float, fill: str, edge: str) -> float:
        for index, protein in enumerate(group):
            column, row = index % columns, index // columns
            x = centre + (column - (columns - 1) / 2) * (chip + 0.6)
            label = protein.text("\n") if protein.alias else wrap(protein.label, 9)
            box(
                axes,
                (x, row_y - row * step),
                (chip, step - 0.7),
                label,
                fill,
                edge=edge,
                fontsize=10,
            )
        return row_y - math.ceil(len(group) / columns) * step

    after = first
    if triggering:
        after = chips(triggering, first, RETAINED, "black")
        span = columns * (chip + 0.6) + 0.8
        fy = after + step / 2 - 0.3
        fh = first + step / 2 + 0.3 - fy
        patch = FancyBboxPatch(
            (centre - span / 2, fy),
            span,
            fh,
            boxstyle="round,pad=0,rounding_size=1",
            facecolor="none",
            edgecolor="black",
            linestyle="--",
            lw=1.2,
            zorder=2.5,
            label="cargo whose nuclear retention triggers apoptosis",
        )
        axes.add_patch(patch)
        frame = (centre - span / 2, fy, span, fh)
        after -= 0.8
    after = chips(other, after, "white", RETAINED)
    if len(data.cargo) > len(triggering) + len(other):
        more = f"+ {len(data.cargo) - len(triggering) - len(other)} more"
        axes.text(centre, after + step / 2 - 0.5, more, ha="center", va="top", fontsize=10)
    return frame
