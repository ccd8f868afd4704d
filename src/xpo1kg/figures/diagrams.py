"""The three diagrams: XPO1 inhibition, the p53-dependent pathway, the p53-independent mechanisms.

Each takes what :mod:`xpo1kg.figures.data` read from the graph. Everything is drawn with matplotlib patches and arrows (no Graphviz or other system binary).
Coordinates are tenths of an inch from the bottom left corner (see :func:`drawing.canvas`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyBboxPatch, Polygon, Rectangle

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


def _heading(axes: Axes, height: float, title: str, width: float) -> None:
    axes.text(
        2,
        height - 2.5,
        wrap(title, int(width / 1.2)),
        ha="left",
        va="top",
        fontsize=13,
        fontweight="bold",
    )


def _footer(axes: Axes, width: float, sources: Sequence[str], note: str = "") -> None:
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


def _footer_height(width: float, sources: Sequence[str], note: str = "") -> float:
    return 2.0 + 1.7 * (_footer_text(width, sources, note).count("\n") + 1)


#: A legend entry: fill, edge, label, and the swatch's shape.
Entry = tuple[str, str, str, str]


def _entry_cost(entry: Entry) -> float:
    return 8.2 + 0.8 * len(entry[2])


def _legend(axes: Axes, y: float, entries: Sequence[Entry]) -> None:
    """Draw a row of legend swatches: (fill, edge, label, shape)."""
    x = 2.0
    for fill, edge, label, shape in entries:
        if shape == "diamond":
            _inhibitor(axes, (x + 1.6, y), 1.4)
        else:
            axes.add_patch(
                Rectangle((x, y - 1.1), 3.2, 2.2, facecolor=fill, edgecolor=edge, lw=1.2)
            )
        axes.text(x + 4.2, y, label, ha="left", va="center", fontsize=10)
        x += _entry_cost((fill, edge, label, shape))


def _legend_lines(entries: Sequence[Entry], width: float) -> list[list[Entry]]:
    lines: list[list[Entry]] = []
    used = 0.0
    for entry in entries:
        if lines and used + _entry_cost(entry) <= width:
            lines[-1].append(entry)
            used += _entry_cost(entry)
        else:
            lines.append([entry])
            used = _entry_cost(entry)
    return lines


def _legend_rows(axes: Axes, y: float, entries: Sequence[Entry], width: float) -> float:
    """Draw legend entries on as many rows as they need, downwards from ``y``; return the last y."""
    for line in _legend_lines(entries, width):
        _legend(axes, y, line)
        y -= 3.2
    return y + 3.2


def _inhibitor(axes: Axes, centre: tuple[float, float], size: float = 2.6) -> None:
    """Draw the inhibitor as a vermillion diamond."""
    x, y = centre
    corners = [(x, y + size), (x + size, y), (x, y - size), (x - size, y)]
    axes.add_patch(Polygon(corners, closed=True, facecolor=ROLE_COLOURS["Inhibitor"], zorder=5))


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
    entries: list[Entry] = [
        (ROLE_COLOURS["NuclearExportReceptor"], "black", "nuclear export receptor", "box"),
        (OKABE_ITO["yellow"], "black", data.motif.label, "box"),
        (ROLE_COLOURS["Inhibitor"], "black", "inhibitor", "diamond"),
        (RETAINED, "black", "cargo whose nuclear retention triggers apoptosis", "box"),
        ("white", RETAINED, "other cargo", "box"),
    ]
    legend_lines = len(_legend_lines(entries, width - 4))
    footer = _footer_height(width, data.sources)
    bottom = footer + 3.2 * legend_lines + 0.5
    trim = 0.0 if wide else 14.0  # stacked, panel A needs no room for cargo above its complex
    panels = (bottom, bottom) if wide else (bottom + _PANEL, bottom)
    heading = wrap(f"How {exporter} inhibitors hold cargo in the {data.origin}", int(width / 1.2))
    height = panels[0] + 65 - trim + 2.2 * (heading.count("\n") + 1)
    figure, axes = canvas(width / 10, height / 10, available)
    _heading(axes, height, heading, width)
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
    _inhibitor(axes, (x - 8.2, y))
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
    _legend_rows(axes, bottom - 1.6, entries, width - 4)
    _footer(axes, width, data.sources)
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


def _compartment(
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


def _spread(starts: Sequence[float], end: float, half: float) -> list[float]:
    """Spread arrowheads along a box's edge so that no two meet at one point."""
    if len(starts) < 2:
        return [end for _ in starts]
    low, high = min(starts), max(starts)
    return [end + (s - (low + high) / 2) / max(high - low, 1e-9) * 2 * half for s in starts]


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
    entries: list[Entry] = []
    seen: set[str] = set()
    for role, colour in ROLE_COLOURS.items():
        if colour not in seen and any(a.role == role for row in rows for a in row[0]):
            seen.add(colour)
            entries.append((colour, "black", roles.get(role, role), "box"))
    note = "→ activates or leads to; ⊣ inhibits."
    legend_top = _footer_height(width, data.sources, note) + 3.2 * len(
        _legend_lines(entries, width - 8)
    )
    bottom = legend_top + listed_height
    height = 10 + row_height * len(rows) + bottom + 2
    figure, axes = canvas(width / 10, (height + 3) / 10, available)
    if listed:
        axes.text(2, bottom - 0.5, listed, ha="left", va="top", fontsize=10, linespacing=1.3)
    _heading(axes, height + 3, f"The {data.route} pathway, step by step", width)
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
        _compartment(
            axes, (1.0, 53.0), (bottom + 1, cell_top), data.destination, CYTOPLASM, GREY, False
        )
        _compartment(
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
            ends = _spread([x for x, _ in sources], 0.0, min(size / 2 - 2, 6.0))
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
    _legend_rows(axes, legend_top - 1.6, entries, width - 8)
    _footer(axes, width, data.sources, note)
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
_P53_ENTRIES: list[Entry] = [
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
    bottom = _footer_height(total, data.sources, _P53_NOTE) + 3.2 * len(
        _legend_lines(_P53_ENTRIES, total - 4)
    )
    outcome_y = bottom + 5.0
    height = outcome_y + 12 + depth + 20 + 4
    figure, axes = canvas(total / 10, height / 10, available)
    _heading(axes, height, _P53_TITLE, total)
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
    _legend_rows(axes, bottom - 1.6, _P53_ENTRIES, total - 4)
    _footer(axes, total, data.sources, _P53_NOTE)
    return figure


def _p53_independent_stacked(data: P53IndependentData, available: float) -> Figure:
    """Figure 3 for a narrow column: the frames one above the other, the outcomes on the right."""
    total, frames, gap = 58.0, 35.0, 3.0
    depths = [_column_depth(m, frames, 2) for m in data.mechanisms]
    bottom = _footer_height(total, data.sources, _P53_NOTE) + 3.2 * len(
        _legend_lines(_P53_ENTRIES, total - 4)
    )
    height = bottom + 2 + sum(depths) + gap * len(depths) + 20
    figure, axes = canvas(total / 10, height / 10, available)
    _heading(axes, height, _P53_TITLE, total)
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
        ends = _spread(starts, y, sizes[outcome][1] / 2 - 1.5)
        for start, end in zip(starts, ends, strict=True):
            arrow(axes, (5.0 + frames - 1.0, start), (43.0, end), width=1.4)
    _legend_rows(axes, bottom - 1.6, _P53_ENTRIES, total - 4)
    _footer(axes, total, data.sources, _P53_NOTE)
    return figure
