"""Figures 2 and 3, two routes to apoptosis: the p53-dependent pathway, the p53-independent ones.

Each takes what :mod:`xpo1kg.figures.data` read from the graph and is drawn with matplotlib
patches and arrows (no Graphviz or other system binary). Coordinates are tenths of an inch from
the bottom left corner (see :func:`drawing.canvas`).
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyBboxPatch

from xpo1kg.figures.data import Mechanism, Named, P53IndependentData, PathwayData
from xpo1kg.figures.diagram_parts import (
    CYTOPLASM,
    DECREASED,
    NUCLEUS,
    RETAINED,
    ROLE_COLOURS,
    LegendEntry,
    draw_compartment,
    draw_footer,
    draw_heading,
    draw_legend,
    footer_height,
    spread_arrowheads,
    wrap_legend,
)
from xpo1kg.figures.drawing import GREY, LIGHT, OKABE_ITO, arrow, box, canvas, sentence, wrap

__all__ = ["draw_p53_independent", "draw_pathway"]


def draw_pathway(data: PathwayData, roles: dict[str, str], available: float = 0.0) -> Figure:
    """Figure 2: inhibitor ⊣ XPO1 ⊣ nuclear p53 → BAX/PUMA/NOXA → mitochondria → caspases.

    The pathway between two steps (the intrinsic mitochondrial one) is drawn as a step of its
    own, and the nucleus and the cytoplasm are drawn behind the boxes. Where ``available`` is
    too narrow for the steps beside the boxes, they are listed below the drawing.
    """
    inhibitor = Named("", f"{data.target.label} inhibitor", role="Inhibitor")
    rows: list[tuple[list[Named], str, str]] = [
        ([inhibitor], "", f"{sentence(data.inhibitors)} bind {data.target.label}")
    ]
    for step in data.steps:
        rows.append((step.actors, str(step.number), step.event))
        after = data.pathway_after.get(step.number)
        if after is not None:
            rows.append(([after], "", ""))
    narrow = 0 < available * 10 < 0.9 * 96.0
    width = 120.0 if available <= 0 else max(96.0, min(120.0, available * 10))
    width = 58.0 if narrow else width
    wrap_at = int((width - 64) / 0.85)
    listed = ""
    if narrow:
        items = [(number or "", event) for _, number, event in rows if event]
        listed = "\n".join(
            wrap(f"{n + '. ' if n else ''}{event}", int((width - 4) / 0.85)) for n, event in items
        )
    listed_height = 1.65 * (listed.count("\n") + 1) + 2 if listed else 0.0
    row_height = 10.0
    entries: list[LegendEntry] = []
    seen: set[str] = set()
    for role, colour in ROLE_COLOURS.items():
        if colour not in seen and any(a.role == role for row in rows for a in row[0]):
            seen.add(colour)
            entries.append((colour, "black", roles.get(role, role), "box"))
    note = "→ activates or leads to; ⊣ inhibits."
    legend_top = footer_height(width, data.sources, note) + 3.2 * len(
        wrap_legend(entries, width - 8)
    )
    bottom = legend_top + listed_height
    height = 10 + row_height * len(rows) + bottom + 2
    figure, axes = canvas(width / 10, (height + 3) / 10, available)
    if listed:
        axes.text(2, bottom - 0.5, listed, ha="left", va="top", fontsize=10, linespacing=1.3)
    draw_heading(axes, height + 3, f"The {data.route} pathway, step by step", width)
    height += 3
    centres = [
        height - 10 - row_height * (index + 0.5) + (3 if index == 0 else 0)
        for index in range(len(rows))
    ]
    nuclear = {data.target.iri} | {cargo for _, cargo in data.exports}
    in_nucleus = [
        i for i, (actors, _, _) in enumerate(rows) if i and all(a.iri in nuclear for a in actors)
    ]
    if in_nucleus:
        cell_top = centres[1] + 3.0 + 5.5
        draw_compartment(
            axes, (1.0, 53.0), (bottom + 1, cell_top), data.destination, CYTOPLASM, GREY, False
        )
        draw_compartment(
            axes,
            (3.0, 51.0),
            (centres[max(in_nucleus)] - row_height / 2 + 0.5, centres[min(in_nucleus)] + 5.5),
            data.origin,
            NUCLEUS,
            "#444444",
        )
    circle = 55.6 if narrow else 57.0
    positions: list[list[tuple[float, float]]] = []
    for index, (actors, number, event) in enumerate(rows):
        y = centres[index]
        size = 22.0 if len(actors) == 1 else min(22.0, (42 - 2 * (len(actors) - 1)) / len(actors))
        xs = [27 + (i - (len(actors) - 1) / 2) * (size + 2) for i in range(len(actors))]
        separator = " " if len(actors) == 1 else "\n"
        for x, actor in zip(xs, actors, strict=True):
            fill = ROLE_COLOURS.get(actor.role, LIGHT)
            weight = "bold" if actor.role in ("Inhibitor", "BiologicalProcess") else "normal"
            label = wrap(actor.text(separator), 24)
            box(axes, (x, y), (size, 6.0), label, fill, weight=weight)
        positions.append([(x, y) for x in xs])
        if number:
            axes.add_patch(Ellipse((circle, y), 4.2, 4.2, facecolor="white", edgecolor="black"))
            axes.text(circle, y, number, ha="center", va="center", fontsize=10.5, fontweight="bold")
        if event and not narrow:
            axes.text(
                61, y, wrap(event, wrap_at), ha="left", va="center", fontsize=10, linespacing=1.25
            )
    for index in range(len(rows) - 1):
        sources, targets = positions[index], positions[index + 1]
        for (x1, y1), a in zip(sources, rows[index][0], strict=True):
            size = 22.0 if len(targets) == 1 else 10.0
            ends = spread_arrowheads([x for x, _ in sources], 0.0, min(size / 2 - 2, 6.0))
            for (x2, y2), b in zip(targets, rows[index + 1][0], strict=True):
                export = (a.iri, b.iri) in data.exports
                blocks = index == 0 or export
                label = (
                    "inhibits" if index == 0 else ("exports out of the nucleus" if export else "")
                )
                end_x = x2 + ends[sources.index((x1, y1))] if len(targets) == 1 else x2
                arrow(
                    axes,
                    (x1, y1 - 3.0),
                    (end_x, y2 + 3.0 + (0.4 if blocks else 0)),
                    inhibits=blocks,
                    label=label if len(targets) == 1 and len(sources) == 1 else "",
                )
    draw_legend(axes, legend_top - 1.6, entries, width - 8)
    draw_footer(axes, width, data.sources, note)
    return figure


def _title(mechanism: Mechanism, width: float) -> str:
    return wrap(f"{mechanism.number}. {mechanism.label}", int((width - 4) / 0.9))


def _header(mechanism: Mechanism, width: float) -> float:
    """Return the height of a mechanism's title, with room above and below it."""
    return 2.6 + 2.1 * (_title(mechanism, width).count("\n") + 1)


def _column_depth(mechanism: Mechanism, width: float, columns: int = 1) -> float:
    """Return how far below its top a mechanism's frame reaches (proteins in ``columns``)."""
    effects = {p.effect for p in mechanism.proteins}
    rows = [math.ceil(sum(p.effect == e for p in mechanism.proteins) / columns) for e in effects]
    return (
        _header(mechanism, width)
        + sum(9.2 + 5.2 * n for n in rows)
        + (10.0 * len(mechanism.suppressed))
        + 1.5
    )


def _mechanism(
    axes: Axes,
    mechanism: Mechanism,
    x: float,
    width: float,
    frame_top: float,
    depth: float,
    columns: int = 1,
) -> None:
    """Draw one mechanism as a frame: its title, its proteins by effect, what it suppresses.

    XPO1 inhibition holds proteins in the nucleus (→) or lowers their level (⊣); each effect is
    a group, reached from the title by an arrow of that kind.
    """
    frame = FancyBboxPatch(
        (x - (width - 2) / 2, frame_top - depth),
        width - 2,
        depth,
        boxstyle="round,pad=0,rounding_size=1.5",
        facecolor=LIGHT,
        edgecolor="black",
        lw=1.2,
        zorder=0.5,
        label=mechanism.label,
    )
    axes.add_patch(frame)
    axes.text(
        x,
        frame_top - 1.2,
        _title(mechanism, width),
        ha="center",
        va="top",
        fontsize=10.5,
        fontweight="bold",
        linespacing=1.15,
    )
    header_bottom = frame_top - _header(mechanism, width)
    y = header_bottom
    for number, effect in enumerate(sorted({p.effect for p in mechanism.proteins})):
        members = [p for p in mechanism.proteins if p.effect == effect]
        inhibits = "decrease" in effect
        group_top = y - 3.6
        group_height = 4.0 + 5.2 * math.ceil(len(members) / columns) + 0.6
        group = FancyBboxPatch(
            (x - (width - 6) / 2, group_top - group_height),
            width - 6,
            group_height,
            boxstyle="round,pad=0,rounding_size=1",
            facecolor="white",
            edgecolor=GREY,
            lw=0.9,
            zorder=0.8,
            label=effect,
        )
        axes.add_patch(group)
        lane = x if number == 0 else x - (width - 6) / 2 - 0.9
        arrow(
            axes,
            (lane, header_bottom),
            (lane, group_top + (0.4 if inhibits else 0)),
            inhibits=inhibits,
            width=1.4,
        )
        axes.text(
            x,
            group_top - 1.8,
            wrap(effect, int((width - 6) / 0.85)),
            ha="center",
            va="center",
            fontsize=10,
            style="italic",
            color=GREY,
            zorder=1,
        )
        fill = DECREASED if inhibits else RETAINED
        size = min((width - 9 - 1.0 * (columns - 1)) / columns, 20)
        for index, item in enumerate(members):
            column, row = index % columns, index // columns
            in_row = min(columns, len(members) - row * columns)
            item_x = x + (column - (in_row - 1) / 2) * (size + 1.0)
            item_y = group_top - 4.0 - 2.3 - 5.2 * row
            label = item.protein.text() if columns == 1 else item.protein.text("\n")
            box(axes, (item_x, item_y), (size, 4.4), label, fill, fontsize=10)
        y = group_top - group_height
    for pathway in mechanism.suppressed:
        arrow(axes, (x, y), (x, y - 4.6), inhibits=True, label="suppresses", label_side="right")
        y -= 7.3
        box(
            axes,
            (x, y),
            (width - 6, 5),
            wrap(pathway, int((width - 8) / 0.85)),
            "white",
            linestyle="--",
            fontsize=10,
        )
        y -= 2.5


_P53_NOTE = "→ leads to or holds in the nucleus; ⊣ lowers the level of, or suppresses."
_P53_ENTRIES: list[LegendEntry] = [
    (RETAINED, "black", "held in the nucleus by XPO1 inhibition", "box"),
    (DECREASED, "black", "level decreased by XPO1 inhibition", "box"),
]
_P53_TITLE = "How XPO1 inhibition kills cells without functional p53"


def draw_p53_independent(data: P53IndependentData, available: float = 0.0) -> Figure:
    """Figure 3: the p53-independent mechanisms, the proteins in each, and what they lead to.

    Each mechanism is a frame; XPO1 inhibition holds its proteins in the nucleus (→) or lowers
    their level (⊣), and the arrows to the outcomes start at the frame: it is the mechanism,
    not an anti-apoptotic protein, that leads to apoptosis. The frames stand side by side, or
    one above the other when ``available`` is narrow.
    """
    columns = max(1, len(data.mechanisms))
    if 0 < available * 10 < 0.9 * (26.0 * columns + 6):
        return _p53_independent_stacked(data, available)
    total = 140.0 if available <= 0 else max(26.0 * columns + 6, min(140.0, available * 10))
    width = (total - 6) / columns
    depth = max((_column_depth(m, width) for m in data.mechanisms), default=10.0)
    bottom = footer_height(total, data.sources, _P53_NOTE) + 3.2 * len(
        wrap_legend(_P53_ENTRIES, total - 4)
    )
    outcome_y = bottom + 5.0
    height = outcome_y + 12 + depth + 20 + 4
    figure, axes = canvas(total / 10, height / 10, available)
    draw_heading(axes, height, _P53_TITLE, total)
    centre = total / 2
    top = (centre, height - 13)
    box(axes, top, (26, 5.5), "XPO1 inhibitor", ROLE_COLOURS["Inhibitor"], weight="bold")
    width = (total - 6) / columns
    frame_top = height - 23
    frame_bottom = frame_top - depth
    outcome_x: dict[str, list[float]] = {}
    bottoms: list[tuple[float, list[str]]] = []
    for index, mechanism in enumerate(data.mechanisms):
        x = 3 + width * (index + 0.5)
        _mechanism(axes, mechanism, x, width, frame_top, depth)
        arrow(axes, (top[0], top[1] - 2.75), (x, frame_top), width=1.4)
        bottoms.append((x, mechanism.outcomes))
        for outcome in mechanism.outcomes:
            outcome_x.setdefault(outcome, []).append(x)
    placed: dict[str, float] = {}
    for outcome, xs in sorted(outcome_x.items(), key=lambda item: -len(item[1])):
        x = sum(xs) / len(xs)
        while any(abs(x - other) < 24 for other in placed.values()):
            x = x - 24 if x < centre else x + 24
        placed[outcome] = x
        fill = OKABE_ITO["black"] if outcome == "apoptosis" else "white"
        box(axes, (x, outcome_y), (21, 5.5), outcome, fill, weight="bold")
    for x, outcomes in bottoms:
        for outcome in outcomes:
            end = placed[outcome] + max(-8.0, min(8.0, (x - placed[outcome]) * 0.25))
            arrow(axes, (x, frame_bottom), (end, outcome_y + 2.75), width=1.4)
    draw_legend(axes, bottom - 1.6, _P53_ENTRIES, total - 4)
    draw_footer(axes, total, data.sources, _P53_NOTE)
    return figure


def _p53_independent_stacked(data: P53IndependentData, available: float) -> Figure:
    """Figure 3 for a narrow column: the frames one above the other, the outcomes on the right."""
    total, frames, gap = 58.0, 35.0, 3.0
    depths = [_column_depth(m, frames, 2) for m in data.mechanisms]
    bottom = footer_height(total, data.sources, _P53_NOTE) + 3.2 * len(
        wrap_legend(_P53_ENTRIES, total - 4)
    )
    height = bottom + 2 + sum(depths) + gap * len(depths) + 20
    figure, axes = canvas(total / 10, height / 10, available)
    draw_heading(axes, height, _P53_TITLE, total)
    top = (16.0, height - 12)
    box(axes, top, (26, 5.5), "XPO1 inhibitor", ROLE_COLOURS["Inhibitor"], weight="bold")
    x = 5.0 + frames / 2
    frame_top = height - 19
    middles: list[tuple[float, list[str]]] = []
    for mechanism, depth in zip(data.mechanisms, depths, strict=True):
        _mechanism(axes, mechanism, x, frames, frame_top, depth, columns=2)
        middle = frame_top - depth / 2
        arrow(axes, (3.0, middle), (4.0 + 0.1, middle), width=1.4)
        middles.append((middle, mechanism.outcomes))
        frame_top -= depth + gap
    if middles:
        axes.plot([3.0, 3.0], [top[1] - 2.75, middles[-1][0]], color="black", lw=1.4, zorder=2)
    ys: dict[str, list[float]] = {}
    for middle, outcomes in middles:
        for outcome in outcomes:
            ys.setdefault(outcome, []).append(middle)
    placed: dict[str, float] = {}
    for outcome, found in sorted(ys.items(), key=lambda item: -len(item[1])):
        y = sum(found) / len(found)
        while any(abs(y - other) < 16 for other in placed.values()):
            y += 16
        placed[outcome] = y
    sizes = {o: (13.0, 3.0 * len(ys[o]) + 3) for o in placed}
    for outcome, y in placed.items():
        fill = OKABE_ITO["black"] if outcome == "apoptosis" else "white"
        box(axes, (49.5, y), sizes[outcome], wrap(outcome, 10), fill, weight="bold")
    for outcome, y in placed.items():
        starts = [m for m, outcomes in middles if outcome in outcomes]
        ends = spread_arrowheads(starts, y, sizes[outcome][1] / 2 - 1.5)
        for start, end in zip(starts, ends, strict=True):
            arrow(axes, (5.0 + frames - 1.0, start), (43.0, end), width=1.4)
    draw_legend(axes, bottom - 1.6, _P53_ENTRIES, total - 4)
    draw_footer(axes, total, data.sources, _P53_NOTE)
    return figure
