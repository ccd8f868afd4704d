"""The three diagrams: XPO1 inhibition, the p53-dependent pathway, the p53-independent mechanisms.

Each takes what :mod:`xpo1kg.figures.data` read from the graph. Everything is drawn with matplotlib patches and arrows (no Graphviz or other system binary).
Coordinates are tenths of an inch from the bottom left corner (see :func:`drawing.canvas`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, Polygon, Rectangle

from xpo1kg.figures.data import (
    Mechanism,
    MechanismData,
    Named,
    P53IndependentData,
    PathwayData,
)
from xpo1kg.figures.drawing import GREY, LIGHT, OKABE_ITO, arrow, box, canvas, sentence, wrap

__all__ = ["ROLE_COLOURS", "draw_mechanism", "draw_p53_independent", "draw_pathway"]

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
RETAINED = OKABE_ITO["bluish green"]
DECREASED = OKABE_ITO["sky blue"]
CYTOPLASM = "#FBFAF3"
NUCLEUS = "#E9E9E9"


def _heading(axes: Axes, width: float, height: float, title: str) -> None:
    axes.text(2, height - 2.5, title, ha="left", va="top", fontsize=15, fontweight="bold")


def _footer(axes: Axes, width: float, sources: Sequence[str], note: str = "") -> None:
    text = f"Source{'s' if len(sources) != 1 else ''}: {'; '.join(sources)}." if sources else ""
    text = wrap(f"{note} {text}".strip(), int(width * 1.7))
    axes.text(2, 1.2, text, ha="left", va="bottom", fontsize=9, color=GREY, linespacing=1.3)


def _legend(axes: Axes, y: float, entries: Sequence[tuple[str, str, str]]) -> None:
    """Draw a row of legend swatches: (fill, edge, label)."""
    x = 2.0
    for fill, edge, label in entries:
        axes.add_patch(Rectangle((x, y - 1.1), 3.2, 2.2, facecolor=fill, edgecolor=edge, lw=1.2))
        axes.text(x + 4.2, y, label, ha="left", va="center", fontsize=10)
        x += 4.2 + 0.75 * len(label) + 4


def _inhibitor(axes: Axes, centre: tuple[float, float], size: float = 2.6) -> None:
    """Draw the inhibitor as a vermillion diamond."""
    x, y = centre
    corners = [(x, y + size), (x + size, y), (x, y - size), (x - size, y)]
    axes.add_patch(Polygon(corners, closed=True, facecolor=ROLE_COLOURS["Inhibitor"], zorder=5))


def _complex(axes: Axes, data: MechanismData, x: float, y: float, cargo: Named) -> None:
    """Draw XPO1 carrying one cargo protein by its NES."""
    box(axes, (x, y), (14, 5.5), data.exporter.text(), ROLE_COLOURS["NuclearExportReceptor"])
    box(
        axes, (x, y + 4.0), (5.2, 2.4), data.motif.alias or "NES", OKABE_ITO["yellow"], fontsize=8.5
    )
    box(axes, (x, y + 7.6), (12, 4.6), cargo.text(), RETAINED, fontsize=10)


#: The nucleus in each panel: centre relative to the panel, half-axes; the pore sits below centre.
_NUCLEUS = ((23.0, 36.0), 21.0, 23.0)
_PORE_DY = -7.0


def _cell(axes: Axes, x0: float, heading: str, data: MechanismData) -> tuple[float, float]:
    """Draw the cell, its nucleus and a nuclear pore; return the pore's position."""
    axes.text(x0, 67, heading, ha="left", va="center", fontsize=12.5, fontweight="bold")
    box(axes, (x0 + 33.5, 36), (67, 54), "", CYTOPLASM, edge=GREY, rounding=4, zorder=0.5)
    axes.text(x0 + 65, 60.5, data.destination, ha="right", fontsize=11, style="italic", color=GREY)
    (dx, cy), a, b = _NUCLEUS
    cx = x0 + dx
    axes.add_patch(
        Ellipse((cx, cy), 2 * a, 2 * b, facecolor=NUCLEUS, edgecolor="#444444", lw=2.4, zorder=1)
    )
    axes.text(cx, cy + b - 4.5, data.origin, ha="center", fontsize=11, style="italic", color=GREY)
    pore = (cx + a * math.sqrt(1 - (_PORE_DY / b) ** 2), cy + _PORE_DY)
    gap = Rectangle((pore[0] - 1.6, pore[1] - 2.6), 3.2, 5.2, color=CYTOPLASM, zorder=1.5)
    axes.add_patch(gap)
    for dy in (-3.1, 3.1):
        bar = Rectangle((pore[0] - 1.4, pore[1] + dy - 0.6), 2.8, 1.2, color="#444444", zorder=1.5)
        axes.add_patch(bar)
    axes.text(pore[0] + 1, pore[1] - 3.9, "nuclear\npore", fontsize=9, color=GREY, va="top")
    return pore


def draw_mechanism(data: MechanismData) -> Figure:
    """Figure 1: XPO1 exporting NES cargo (left); the inhibitor at Cys528 holding cargo (right)."""
    figure, axes = canvas(14, 7.6)
    exporter, motif = data.exporter.label, data.motif.alias or "NES"
    _heading(axes, 140, 76, f"How {exporter} inhibitors hold cargo in the {data.origin}")
    example = next(iter(data.apoptotic_cargo or data.cargo), Named("", "cargo"))

    pore = _cell(axes, 2, f"A  Active {exporter} carries {motif} cargo out", data)
    _complex(axes, data, pore[0] - 13.5, pore[1], example)
    _complex(axes, data, pore[0] + 13.5, pore[1], example)
    arrow(axes, (pore[0] - 6.5, pore[1]), (pore[0] + 6.3, pore[1]), width=2.4)
    axes.text(pore[0] - 3.6, pore[1] + 1.2, "export", ha="center", fontsize=10, style="italic")
    count = f"over {data.minimum_cargo} proteins" if data.minimum_cargo else "its cargo proteins"
    note = f"{exporter} carries\n{count}\nfrom the {data.origin}\nto the {data.destination}"
    axes.text(
        pore[0] + 13.5, pore[1] - 6, note, ha="center", va="top", fontsize=10, linespacing=1.3
    )

    pore = _cell(axes, 72, f"B  Inhibitor at {data.site}: cargo held in the {data.origin}", data)
    x, y = pore[0] - 10.5, pore[1]
    box(
        axes,
        (x, y),
        (12, 5.5),
        data.exporter.text(),
        ROLE_COLOURS["NuclearExportReceptor"],
        fontsize=10.5,
    )
    _inhibitor(axes, (x - 8.2, y))
    bond = f"{data.bond} bond at {data.site}" if data.bond else f"bound at {data.site}"
    axes.text(x - 10.6, y - 4.0, bond, ha="left", va="top", fontsize=9.5)
    arrow(axes, (x + 6, y), (pore[0] + 0.6, y), inhibits=True, width=2.4)
    axes.text(pore[0] + 2.8, y + 1.2, "export blocked", ha="left", va="bottom", fontsize=10)
    (dx, cy), _, _ = _NUCLEUS
    top, right = _cargo_grid(axes, data, (72 + dx - 1, cy + 8))
    outcome = (pore[0] + 12, top)
    box(axes, outcome, (13, 5), data.outcome, OKABE_ITO["black"], weight="bold")
    arrow(axes, (right + 0.6, top), (outcome[0] - 6.6, top), width=2.0)

    inhibitors = ", ".join(data.inhibitors)
    axes.text(
        74,
        11.2,
        wrap(f"Inhibitors bound at {data.site}: {inhibitors}", 95),
        fontsize=9.5,
        va="center",
    )
    _legend(
        axes,
        5.6,
        [
            (ROLE_COLOURS["NuclearExportReceptor"], "black", "nuclear export receptor"),
            (OKABE_ITO["yellow"], "black", data.motif.label),
        ],
    )
    _legend_inhibitor(axes, data.motif.label)
    _legend(
        axes,
        2.4,
        [
            (RETAINED, "black", "cargo whose nuclear retention triggers apoptosis"),
            ("white", RETAINED, "other cargo"),
        ],
    )
    sources = wrap("Sources: " + "; ".join(data.sources), 100)
    axes.text(138, 0.8, sources, ha="right", va="bottom", fontsize=8, color=GREY)
    return figure


def _legend_inhibitor(axes: Axes, motif: str) -> None:
    x = 2.0 + 4.2 + 0.75 * len("nuclear export receptor") + 4
    x += 4.2 + 0.75 * len(motif) + 4
    _inhibitor(axes, (x + 1.6, 5.6), 1.4)
    axes.text(x + 4.2, 5.6, "inhibitor", ha="left", va="center", fontsize=10)


def _cargo_grid(
    axes: Axes, data: MechanismData, centre: tuple[float, float]
) -> tuple[float, float]:
    """Draw the cargo held in the nucleus as a grid of chips; return the top row's y and right x."""
    apoptotic = [c.iri for c in data.apoptotic_cargo]
    cargo = sorted(
        data.cargo,
        key=lambda c: (apoptotic.index(c.iri) if c.iri in apoptotic else len(apoptotic), c.label),
    )[:12]
    columns = 3
    rows = max(1, math.ceil(len(cargo) / columns))
    step = min(6.0, 20 / rows)
    top = centre[1] + (rows - 1) * step / 2
    for index, protein in enumerate(cargo):
        column, row = index % columns, index // columns
        fill = RETAINED if protein.iri in apoptotic else "white"
        edge = "black" if protein.iri in apoptotic else RETAINED
        x = centre[0] + (column - (columns - 1) / 2) * 9
        box(
            axes,
            (x, top - row * step),
            (8.4, step - 0.8),
            protein.text("\n"),
            fill,
            edge=edge,
            fontsize=9.5 if step >= 5.6 else 8.5,
        )
    if len(data.cargo) > len(cargo):
        more = f"+ {len(data.cargo) - len(cargo)} more"
        axes.text(centre[0], top - rows * step, more, ha="center", fontsize=9.5)
    return top, centre[0] + (columns - 1) / 2 * 9 + 4.2


def draw_pathway(data: PathwayData, roles: dict[str, str]) -> Figure:
    """Figure 2: inhibitor ⊣ XPO1 ⊣ nuclear p53 → BAX/PUMA/NOXA → caspase-9 → caspase-3 → apoptosis."""
    inhibitor = Named("", f"{data.target.label} inhibitor", role="Inhibitor")
    rows: list[tuple[list[Named], str, str]] = [
        ([inhibitor], "", f"{sentence(data.inhibitors)} bind {data.target.label}")
    ]
    rows += [(step.actors, str(step.number), step.event) for step in data.steps]
    row_height = 10.0
    height = 8 + row_height * len(rows) + 11
    figure, axes = canvas(12, height / 10)
    _heading(axes, 120, height, f"The {data.route} pathway, step by step")
    positions: list[list[tuple[float, float]]] = []
    for index, (actors, number, event) in enumerate(rows):
        y = height - 8 - row_height * (index + 0.5)
        width = 22.0 if len(actors) == 1 else min(22.0, (46 - 2 * (len(actors) - 1)) / len(actors))
        xs = [27 + (i - (len(actors) - 1) / 2) * (width + 2) for i in range(len(actors))]
        separator = " " if len(actors) == 1 else "\n"
        for x, actor in zip(xs, actors, strict=True):
            fill = ROLE_COLOURS.get(actor.role, "white")
            weight = "bold" if actor.role in ("Inhibitor", "BiologicalProcess") else "normal"
            box(axes, (x, y), (width, 6.0), actor.text(separator), fill, weight=weight)
        positions.append([(x, y) for x in xs])
        if number:
            axes.add_patch(Ellipse((60, y), 4.2, 4.2, facecolor="white", edgecolor="black"))
            axes.text(60, y, number, ha="center", va="center", fontsize=11, fontweight="bold")
        axes.text(64, y, wrap(event, 52), ha="left", va="center", fontsize=11, linespacing=1.25)
    for index in range(len(rows) - 1):
        for (x1, y1), a in zip(positions[index], rows[index][0], strict=True):
            for (x2, y2), b in zip(positions[index + 1], rows[index + 1][0], strict=True):
                export = (a.iri, b.iri) in data.exports
                blocks = index == 0 or export
                label = (
                    "inhibits" if index == 0 else ("exports out of the nucleus" if export else "")
                )
                arrow(
                    axes,
                    (x1, y1 - 3.0),
                    (x2, y2 + 3.0 + (0.4 if blocks else 0)),
                    inhibits=blocks,
                    label=label if len(rows[index + 1][0]) == 1 else "",
                )
    shown = [r for r in ROLE_COLOURS if any(a.role == r for row in rows for a in row[0])]
    seen: set[str] = set()
    entries = []
    for role in shown:
        if ROLE_COLOURS[role] not in seen:
            seen.add(ROLE_COLOURS[role])
            entries.append((ROLE_COLOURS[role], "black", roles.get(role, role)))
    _legend_rows(axes, 8.6, entries, 112)
    _footer(axes, 120, data.sources, "→ activates or leads to; ⊣ inhibits.")
    return figure


def _legend_rows(
    axes: Axes, y: float, entries: Sequence[tuple[str, str, str]], width: float
) -> None:
    """Draw legend entries on as many rows as they need."""
    line: list[tuple[str, str, str]] = []
    used = 0.0
    for entry in entries:
        cost = 8.2 + 0.75 * len(entry[2])
        if line and used + cost > width:
            _legend(axes, y, line)
            y, line, used = y - 3, [], 0.0
        line.append(entry)
        used += cost
    if line:
        _legend(axes, y, line)


def _column_depth(mechanism: Mechanism) -> float:
    """Return how far below its header centre a mechanism's column reaches."""
    effects = {p.effect for p in mechanism.proteins}
    return (
        7.5
        + sum(4.0 + 5.2 * sum(p.effect == e for p in mechanism.proteins) for e in effects)
        + (10.0 * len(mechanism.suppressed))
    )


def draw_p53_independent(data: P53IndependentData) -> Figure:
    """Figure 3: the p53-independent mechanisms, the proteins in each, and what they lead to."""
    columns = max(1, len(data.mechanisms))
    depth = max((_column_depth(m) for m in data.mechanisms), default=10.0)
    height = 29 + depth + 10 + 17 + 4
    figure, axes = canvas(14, height / 10)
    _heading(axes, 140, height, "How XPO1 inhibition kills cells without functional p53")
    top = (70.0, height - 13)
    box(axes, top, (26, 5.5), "XPO1 inhibitor", ROLE_COLOURS["Inhibitor"], weight="bold")
    width = 134 / columns
    outcome_y = 14.0
    outcome_x: dict[str, list[float]] = {}
    bottoms: list[tuple[float, float, list[str]]] = []
    for index, mechanism in enumerate(data.mechanisms):
        x = 3 + width * (index + 0.5)
        y = height - 29
        box(
            axes,
            (x, y),
            (width - 3, 9),
            wrap(f"{mechanism.number}. {mechanism.label}", 24),
            LIGHT,
            weight="bold",
            fontsize=11,
        )
        arrow(axes, (top[0], top[1] - 2.75), (x, y + 4.5), width=1.4)
        y -= 7.5
        for effect in sorted({p.effect for p in mechanism.proteins}):
            axes.text(
                x, y, effect, ha="center", va="center", fontsize=10, style="italic", color=GREY
            )
            y -= 4.6
            fill = DECREASED if "decrease" in effect else RETAINED
            for item in (p for p in mechanism.proteins if p.effect == effect):
                box(
                    axes,
                    (x, y),
                    (min(width - 8, 20), 4.4),
                    item.protein.text(),
                    fill,
                    fontsize=10.5,
                )
                y -= 5.2
            y += 0.6
        for pathway in mechanism.suppressed:
            arrow(axes, (x, y), (x, y - 5), inhibits=True, label="suppresses", label_side="right")
            y -= 7.5
            box(
                axes,
                (x, y),
                (width - 5, 5),
                wrap(pathway, 26),
                "white",
                linestyle="--",
                fontsize=10,
            )
            y -= 2.5
        bottoms.append((x, y, mechanism.outcomes))
        for outcome in mechanism.outcomes:
            outcome_x.setdefault(outcome, []).append(x)
    placed: dict[str, float] = {}
    for outcome, xs in sorted(outcome_x.items(), key=lambda item: -len(item[1])):
        x = sum(xs) / len(xs)
        while any(abs(x - other) < 26 for other in placed.values()):
            x = x - 26 if x < 70 else x + 26
        placed[outcome] = x
        fill = OKABE_ITO["black"] if outcome == "apoptosis" else "white"
        box(axes, (x, outcome_y), (22, 5.5), outcome, fill, weight="bold")
    for x, y, outcomes in bottoms:
        for outcome in outcomes:
            end = placed[outcome] + max(-8.0, min(8.0, (x - placed[outcome]) * 0.25))
            arrow(axes, (x, y), (end, outcome_y + 2.75), width=1.4)
    _legend(
        axes,
        6.8,
        [
            (RETAINED, "black", "held in the nucleus by XPO1 inhibition"),
            (DECREASED, "black", "level decreased by XPO1 inhibition"),
        ],
    )
    _footer(axes, 140, data.sources, "→ leads to; ⊣ suppresses.")
    return figure
