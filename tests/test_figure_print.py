"""Figures for papers: printed width and text size, and what the drawings connect.

The structure is read from the drawing itself: boxes are labelled patches, arrows are
:class:`~xpo1kg.figures.drawing.Edge` patches that remember their ends (in the axes' units).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from xpo1kg import InputError, KnowledgeGraph, load_graph
from xpo1kg.cli.figures import figures_command
from xpo1kg.figures.charts import Drawing, draw_figures
from xpo1kg.figures.drawing import MIN_FONT_PT, Edge, PrintSize, print_fonts

Box = tuple[str, float, float, float, float]  # label, x0, y0, x1, y1


@pytest.fixture(scope="module")
def drawings(kg: KnowledgeGraph) -> dict[str, Drawing]:
    return {d.name: d for d in draw_figures(kg)}


def boxes(figure: Figure) -> list[Box]:
    found = []
    for patch in figure.axes[0].patches:
        if isinstance(patch, FancyBboxPatch) and patch.get_label():
            x, y = patch.get_x(), patch.get_y()
            found.append((patch.get_label(), x, y, x + patch.get_width(), y + patch.get_height()))
    return found


def edges(figure: Figure) -> list[Edge]:
    return [p for p in figure.axes[0].patches if isinstance(p, Edge)]


def on(point: tuple[float, float], box: Box, tolerance: float = 0.7) -> bool:
    """Whether a point lies in or on the edge of a box."""
    _, x0, y0, x1, y1 = box
    x, y = point
    return x0 - tolerance <= x <= x1 + tolerance and y0 - tolerance <= y <= y1 + tolerance


def inside(inner: Box, outer: Box) -> bool:
    return (
        outer[1] <= inner[1]
        and outer[2] <= inner[2]
        and inner[3] <= outer[3]
        and inner[4] <= outer[4]
    )


def named(figure: Figure, text: str) -> Box:
    matches = [b for b in boxes(figure) if b[0] == text or b[0].startswith(text)]
    assert len(matches) == 1, (text, [b[0] for b in boxes(figure)])
    return matches[0]


@pytest.mark.parametrize(
    ("width_mm", "font"), [(89.0, 7.0), (120.0, 6.0), (183.0, 7.0), (183.0, 6.0), (250.0, 8.0)]
)
def test_text_is_at_least_6_pt_at_the_printed_width(
    kg: KnowledgeGraph, width_mm: float, font: float
) -> None:
    for drawing in draw_figures(kg, PrintSize(width_mm, font)):
        FigureCanvasAgg(drawing.figure).draw()  # lay out: ticks and legends as printed
        assert drawing.figure.get_figwidth() == pytest.approx(width_mm / 25.4)
        sizes = print_fonts(drawing.figure)
        assert min(sizes) >= MIN_FONT_PT - 1e-9, drawing.name
        assert min(sizes) <= font + 0.01, drawing.name  # body text as asked, or shrunk to fit


def test_default_is_a_double_column_with_7_pt_text(drawings: dict[str, Drawing]) -> None:
    for drawing in drawings.values():
        assert drawing.figure.get_figwidth() * 25.4 == pytest.approx(183.0)
        assert 6.0 <= min(print_fonts(drawing.figure)) <= 7.0 + 0.01


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--width", "45"], "needs at least"),
        (["--width", "narrow"], "--width"),
        (["--font-size", "5"], "--font-size"),
        (["--width", "nan"], "--width"),
    ],
)
def test_size_options_reject_unprintable_sizes(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(figures_command, ["--output", str(out), *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error:") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not list(out.glob("*.svg")) if out.exists() else True


def test_the_command_says_the_printed_text_size(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        figures_command,
        ["--output", str(tmp_path), "--format", "svg", "--width", "89", "--font-size", "12"],
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("figure")]
    assert len(lines) == 4
    for line in lines:
        smallest = float(line.split("text ")[1].split("–")[0])
        assert line.split(": ")[1].startswith("89 × ") and 6.0 <= smallest <= 12.0


def test_width_option_sets_the_printed_width(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        figures_command, ["--output", str(tmp_path), "--format", "svg", "--width", "200"]
    )
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "figure4_ic50.svg").read_text(encoding="utf-8")
    width = re.search(r'<svg[^>]* width="([0-9.]+)pt"', svg)
    assert width is not None and float(width.group(1)) == pytest.approx(200 / 25.4 * 72)


def test_anti_apoptotic_proteins_are_drawn_inhibited(drawings: dict[str, Drawing]) -> None:
    figure = drawings["figure3_p53_independent"].figure
    apoptosis = named(figure, "apoptosis")
    mechanisms = [b for b in boxes(figure) if b[0][:1].isalpha() and b[0] != "apoptosis"]
    frames = [b for b in mechanisms if any(inside(p, b) for p in boxes(figure) if p is not b)]
    proteins = [b for b in boxes(figure) if any(inside(b, f) for f in frames)]
    into_apoptosis = [e for e in edges(figure) if on(e.end, apoptosis)]
    assert len(into_apoptosis) == 4
    for edge in into_apoptosis:
        start = [f for f in frames if on(edge.start, f, 0.1)]
        assert start, f"an arrow to apoptosis starts at {edge.start}, not at a mechanism"
        assert not any(on(edge.start, p, 0.1) for p in proteins if p not in frames)
        assert not edge.inhibits
    for label in ("BIRC5", "MCL1", "MYC"):
        protein = named(figure, label)
        group = min(
            (b for b in proteins if inside(protein, b) and b != protein),
            key=lambda b: (b[3] - b[1]) * (b[4] - b[2]),
        )
        assert "decrease" in group[0]
        assert any(e.inhibits and on(e.end, group) for e in edges(figure)), label


def test_apoptosis_in_figure_1_comes_from_the_triggering_cargo(
    drawings: dict[str, Drawing], kg: KnowledgeGraph
) -> None:
    figure = drawings["figure1_mechanism"].figure
    apoptosis = named(figure, "apoptosis")
    frame = named(figure, "cargo whose nuclear retention triggers apoptosis")
    (edge,) = [e for e in edges(figure) if on(e.end, apoptosis)]
    assert on(edge.start, frame, 0.1)
    labels = {str(r["cargo_label"]) for r in kg.run("cargo_triggering_apoptosis").records()}
    held = [b for b in boxes(figure) if inside(b, frame) and b != frame]
    assert {b[0].split("\n")[0].split(" (")[0] for b in held} >= {l for l in labels if " " not in l}
    assert len(held) == len(labels)


def test_pathway_has_compartments_and_the_mitochondrial_step(
    drawings: dict[str, Drawing],
) -> None:
    figure = drawings["figure2_p53_pathway"].figure
    nucleus, cytoplasm = named(figure, "nucleus"), named(figure, "cytoplasm")
    assert inside(nucleus, cytoplasm)
    assert inside(named(figure, "TP53"), nucleus)
    for caspase in ("CASP9", "CASP3"):
        assert inside(named(figure, caspase), cytoplasm)
        assert not inside(named(figure, caspase), nucleus)
    mitochondrial = named(figure, "intrinsic mitochondrial")
    for protein in ("BAX", "BBC3", "PMAIP1"):
        source = named(figure, protein)
        assert any(on(e.start, source) and on(e.end, mitochondrial) for e in edges(figure))
    assert any(
        on(e.start, mitochondrial) and on(e.end, named(figure, "CASP9")) for e in edges(figure)
    )


def test_no_two_arrowheads_meet(drawings: dict[str, Drawing]) -> None:
    for drawing in drawings.values():
        if not drawing.figure.axes or not edges(drawing.figure):
            continue
        ends = [e.end for e in edges(drawing.figure)]
        for i, a in enumerate(ends):
            for b in ends[i + 1 :]:
                assert abs(a[0] - b[0]) + abs(a[1] - b[1]) > 2.0, (drawing.name, a, b)


def _legend_markers(figure: Figure) -> set[tuple[str, str]]:
    found = set()
    for legend in figure.axes[0].findobj(Legend):
        for handle in legend.legend_handles:
            if isinstance(handle, Line2D) and handle.get_marker() not in ("None", "", None):
                found.add((str(handle.get_marker()), handle.get_markerfacecolor() == "white"))
    return found


def _data_markers(figure: Figure) -> set[tuple[str, str]]:
    return {
        (str(line.get_marker()), line.get_markerfacecolor() == "white")
        for line in figure.axes[0].get_lines()
        if line.get_marker() not in ("None", "", None)
    }


def test_ic50_legend_shows_the_markers_the_data_use(drawings: dict[str, Drawing]) -> None:
    figure = drawings["figure4_ic50"].figure
    assert _legend_markers(figure) <= _data_markers(figure)
    assert _legend_markers(figure)


def test_ic50_caption_says_only_what_is_drawn(drawings: dict[str, Drawing], tmp_path: Path) -> None:
    from test_figures import MEASUREMENT_TTL

    chart = drawings["figure4_ic50"]
    texts = " ".join(t.get_text() for t in chart.figure.texts) + chart.caption
    assert "arrow" not in texts  # no bound (<, >) in the bundled data, so no arrow is drawn
    path = tmp_path / "mine.ttl"
    path.write_text(MEASUREMENT_TTL, encoding="utf-8")
    extended = {d.name: d for d in draw_figures(load_graph([path]))}["figure4_ic50"]
    assert "arrow" in extended.caption
    assert extended.figure.axes[0].texts or extended.figure.axes[0].patches


def test_python_api_writes_figures_at_a_size(tmp_path: Path) -> None:
    from xpo1kg import write_figures

    written = write_figures(tmp_path / "out", formats=["svg"], width_mm=120, font_size=6)
    assert sorted(p.name for p in written) == sorted(
        f"{n}.svg"
        for n in (
            "figure1_mechanism",
            "figure2_p53_pathway",
            "figure3_p53_independent",
            "figure4_ic50",
        )
    )
    svg = written[0].read_text(encoding="utf-8")
    width = re.search(r'<svg[^>]* width="([0-9.]+)pt"', svg)
    assert width is not None and float(width.group(1)) == pytest.approx(120 / 25.4 * 72)
    with pytest.raises(InputError, match="needs at least"):
        write_figures(tmp_path / "narrow", width_mm=40)
    assert not (tmp_path / "narrow").exists()


def test_captions_say_what_the_diagrams_draw(drawings: dict[str, Drawing]) -> None:
    pathway = drawings["figure2_p53_pathway"].caption
    assert "nucleus" in pathway and "cytoplasm" in pathway
    assert "Between steps 3 and 4: the intrinsic mitochondrial apoptosis pathway" in pathway
    assert "start at the mechanism" in drawings["figure3_p53_independent"].caption
