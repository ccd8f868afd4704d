"""Figures drawn from the graph: the mechanism, the two routes to apoptosis, and an IC50 chart.

Every figure is built from SPARQL results (see :mod:`xpo1kg.figures.data`), so a change in the data
changes the picture: add a measurement with ``load_graph(["mine.ttl"])`` and the chart shows it.

>>> from xpo1kg import load_graph
>>> [f.name for f in draw_figures(load_graph())]
['figure1_mechanism', 'figure2_p53_pathway', 'figure3_p53_independent', 'figure4_ic50']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from xpo1kg.errors import InputError
from xpo1kg.figures.data import (
    PathwayData,
    ic50_data,
    mechanism_data,
    p53_independent_data,
    pathway_data,
    role_labels,
)
from xpo1kg.figures.drawing import (
    MM_PER_INCH,
    ImageFormat,
    PrintSize,
    print_fonts,
    render,
    sentence,
    style,
    to_print,
)
from xpo1kg.figures.ic50_chart import draw_ic50_chart, marker_note
from xpo1kg.figures.mechanism_diagram import draw_mechanism
from xpo1kg.figures.p53_diagrams import draw_p53_independent, draw_pathway
from xpo1kg.rdf.safefile import atomic_write
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "IMAGE_FORMATS",
    "Drawing",
    "draw_figures",
    "write_drawings",
    "write_figures",
]

IMAGE_FORMATS: tuple[ImageFormat, ...] = ("svg", "png")


@dataclass(frozen=True)
class Drawing:
    """A figure with its file name, title and caption (the caption says what the data shows)."""

    name: str
    title: str
    caption: str
    figure: Figure

    def render(self, image_format: ImageFormat) -> bytes:
        """Return the figure as SVG or PNG bytes (deterministic for SVG)."""
        return render(self.figure, image_format, self.title)

    def printed(self) -> str:
        """Say the printed size and the text sizes, e.g. ``183 × 140 mm, text 6.8–9.2 pt``."""
        width, height = (v * MM_PER_INCH for v in self.figure.get_size_inches())
        fonts = print_fonts(self.figure)
        return f"{width:.0f} × {height:.0f} mm, text {min(fonts):.1f}–{max(fonts):.1f} pt"


def draw_figures(kg: KnowledgeGraph, size: PrintSize | None = None) -> list[Drawing]:
    """Draw the four figures from the graph, ``size.width_mm`` wide with ``size.font_size`` text.

    The default is a double journal column (183 mm) with 7 pt text; a figure that cannot be
    printed at that width with text of at least 6 pt raises :class:`~xpo1kg.errors.InputError`.
    """
    size = size or PrintSize()
    room = size.design_width_in
    with style():
        mechanism = mechanism_data(kg)
        pathway = pathway_data(kg)
        independent = p53_independent_data(kg)
        points, inhibitors = ic50_data(kg)
        held = [c.text() for c in mechanism.cargo]
        drawings = [
            Drawing(
                "figure1_mechanism",
                "Figure 1. Mechanism of XPO1 inhibition",
                f"{mechanism.exporter.text()} binds the {mechanism.motif.label} of its cargo and "
                f"carries it from the {mechanism.origin} to the {mechanism.destination}. "
                f"Inhibitors ({sentence(mechanism.inhibitors)}) bind {mechanism.site} in the "
                f"{mechanism.site_within}, so the cargo ({sentence(held)}) stays in the "
                f"{mechanism.origin}.",
                to_print(draw_mechanism(mechanism, room), size, "figure 1"),
            ),
            Drawing(
                "figure2_p53_pathway",
                "Figure 2. The p53-dependent apoptotic pathway",
                "Step by step from XPO1 inhibition to apoptosis when p53 is intact, as recorded "
                "in the graph (query p53_dependent_apoptosis). Boxes are coloured by the role "
                f"of the protein; the {pathway.origin} and the {pathway.destination} are drawn "
                f"behind them.{_between(pathway)}",
                to_print(draw_pathway(pathway, role_labels(kg), room), size, "figure 2"),
            ),
            Drawing(
                "figure3_p53_independent",
                "Figure 3. p53-independent mechanisms of apoptosis",
                f"The {len(independent.mechanisms)} mechanisms by which XPO1 inhibition kills "
                "cells whose p53 is mutated or deleted, with the proteins in each and what "
                "happens to them (query p53_independent_mechanisms). Each mechanism is a frame: "
                "an arrow (→) into a group of proteins means XPO1 inhibition holds them in the "
                "nucleus, a bar (⊣) that it lowers their level; the arrows to the outcomes start "
                "at the mechanism.",
                to_print(draw_p53_independent(independent, room), size, "figure 3"),
            ),
            Drawing(
                "figure4_ic50",
                "Figure 4. IC50 of XPO1 inhibitors per cell line",
                f"{len(points)} IC50 measurements (query ic50_table), in nM on a log scale, "
                f"grouped by cancer type and coloured by inhibitor. {marker_note(points)}",
                to_print(draw_ic50_chart(points, inhibitors, room), size, "figure 4"),
            ),
        ]
    return drawings


def _between(pathway: PathwayData) -> str:
    """Say which pathway is drawn between two steps, and why (what the graph records)."""
    return "".join(
        f" Between steps {n} and {n + 1}: the {named.label}, which the proteins of step {n} "
        f"activate and those of step {n + 1} take part in."
        for n, named in sorted(pathway.pathway_after.items())
    )


def write_figures(
    kg: KnowledgeGraph,
    directory: str | Path,
    formats: Iterable[ImageFormat] = IMAGE_FORMATS,
    size: PrintSize | None = None,
) -> list[Path]:
    """Draw every figure and write it to ``directory`` (created if missing) in each format."""
    target = Path(directory)
    formats = list(formats)
    for image_format in formats:
        if image_format not in IMAGE_FORMATS:
            raise InputError(f"unknown image format {image_format!r} (use svg, png)")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{target}: cannot create directory ({error.strerror})") from None
    return write_drawings(draw_figures(kg, size), target, formats)


def write_drawings(
    drawings: Iterable[Drawing], directory: Path, formats: Iterable[ImageFormat]
) -> list[Path]:
    """Write drawn figures to an existing ``directory``, each in each format."""
    target, formats = directory, list(formats)
    written = []
    for drawing in drawings:
        for image_format in formats:
            path = target / f"{drawing.name}.{image_format}"
            try:
                atomic_write(path, drawing.render(image_format))
            except OSError as error:
                raise InputError(f"{target}: cannot write ({error.strerror})") from None
            written.append(path)
    return written
