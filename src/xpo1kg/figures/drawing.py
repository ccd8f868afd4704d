"""Drawing helpers shared by the figures: the palette, boxes, arrows and deterministic rendering.

Figures are plain :class:`matplotlib.figure.Figure` objects (no pyplot, no global state): diagrams
are drawn with patches and arrows on one axes measured in tenths of an inch, so that a box of
height 5 is half an inch tall whatever the size of the figure.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, cast

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.text import Text

from xpo1kg.errors import InputError

__all__ = [
    "DEFAULT_FONT_PT",
    "DESIGN_PT",
    "DOUBLE_COLUMN_MM",
    "MIN_FONT_PT",
    "MM_PER_INCH",
    "OKABE_ITO",
    "SINGLE_COLUMN_MM",
    "Edge",
    "ImageFormat",
    "PrintSize",
    "arrow",
    "box",
    "canvas",
    "print_fonts",
    "render",
    "sentence",
    "style",
    "text_colour",
    "to_print",
    "wrap",
]

ImageFormat = Literal["svg", "png"]

#: The Okabe–Ito palette (Okabe & Ito 2008), distinguishable with every common colour-vision type.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
GREY = "#6E6E6E"
LIGHT = "#F2F2F2"

#: Settings in force while a figure is built and saved. Text stays text in the SVG (searchable,
#: selectable, and shown in the viewer's sans-serif font); ids are salted so output is stable.
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "xpo1kg",
    "font.family": "sans-serif",
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10,
    "figure.dpi": 100,
}
PNG_DPI = 200

#: Journal column widths (Nature, Cell, Science and most others: about 89 and 183 mm).
SINGLE_COLUMN_MM = 89.0
DOUBLE_COLUMN_MM = 183.0
#: The smallest text a journal accepts at print size, and the default size of body text.
MIN_FONT_PT = 6.0
DEFAULT_FONT_PT = 7.0
#: The figures are designed with 10 pt body text; printing scales the whole drawing.
DESIGN_PT = 10.0
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class PrintSize:
    """The printed size of a figure: its width in mm and the size of its body text in points.

    >>> round(PrintSize(89, 7).width_in, 3)
    3.504
    """

    width_mm: float = DOUBLE_COLUMN_MM
    font_size: float = DEFAULT_FONT_PT

    def __post_init__(self) -> None:
        if not math.isfinite(self.width_mm) or not 20 <= self.width_mm <= 1000:
            raise InputError(f"--width: {self.width_mm:g} mm is not a figure width (20 to 1000 mm)")
        if not math.isfinite(self.font_size) or not MIN_FONT_PT <= self.font_size <= 36:
            raise InputError(
                f"--font-size: {self.font_size:g} pt is outside {MIN_FONT_PT:g} to 36 pt "
                "(journals ask for at least 6 pt at print size)"
            )

    @property
    def width_in(self) -> float:
        """The width in inches."""
        return self.width_mm / MM_PER_INCH

    @property
    def design_width_in(self) -> float:
        """The width to lay a figure out at, so that 10 pt design text prints at ``font_size``."""
        return self.width_in * DESIGN_PT / self.font_size


@contextmanager
def style() -> Iterator[None]:
    """Apply the figure settings for the duration of a block (building and saving alike)."""
    with mpl.rc_context(cast(Any, _RC)):
        yield


def render(figure: Figure, image_format: ImageFormat, title: str = "") -> bytes:
    """Serialise a figure to SVG or PNG bytes: no date, no version, so same data gives same bytes."""
    buffer = io.BytesIO()
    if image_format == "svg":
        metadata: dict[str, str | None] = {"Date": None, "Creator": "xpo1kg", "Title": title}
    elif image_format == "png":
        metadata = {"Software": "xpo1kg", "Title": title}
    else:
        raise ValueError(f"unknown image format {image_format!r}")
    with style():
        figure.savefig(buffer, format=image_format, metadata=metadata, dpi=PNG_DPI)
    return buffer.getvalue()


def canvas(width: float, height: float, available: float = 0.0) -> tuple[Figure, Axes]:
    """Return a blank figure of ``width`` x ``height`` inches, drawn in tenths of an inch.

    With ``available`` wider than ``width`` the figure is that wide and the drawing is centred.
    """
    total = max(width, available)
    figure = Figure(figsize=(total, height))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    margin = (total - width) * 5
    axes.set_xlim(-margin, width * 10 + margin)
    axes.set_ylim(0, height * 10)
    axes.set_axis_off()
    return figure, axes


def _texts(figure: Figure) -> list[Text]:
    return [
        t
        for t in figure.findobj(Text)
        if isinstance(t, Text) and t.get_visible() and t.get_text().strip()
    ]


def print_fonts(figure: Figure) -> list[float]:
    """Return the size in points of every visible text of a figure, as printed."""
    return [float(t.get_fontsize()) for t in _texts(figure)]


def to_print(figure: Figure, size: PrintSize, name: str) -> Figure:
    """Scale a figure drawn at design size to ``size.width_mm``: text, lines and markers alike.

    Fails (bad input) if the smallest text would print below :data:`MIN_FONT_PT` points, naming
    the narrowest width at which the figure can be printed.
    """
    factor = size.width_in / figure.get_figwidth()
    smallest = min(print_fonts(figure), default=DESIGN_PT)
    if smallest * factor < MIN_FONT_PT - 1e-9:
        needed = math.ceil(figure.get_figwidth() * MIN_FONT_PT / smallest * MM_PER_INCH)
        raise InputError(
            f"--width: {name} needs at least {needed} mm for text of {MIN_FONT_PT:g} pt "
            f"(asked {size.width_mm:g} mm)"
        )
    for artist in figure.findobj():
        if isinstance(artist, Text):
            artist.set_fontsize(float(artist.get_fontsize()) * factor)
        elif isinstance(artist, FancyArrowPatch):
            artist.set_linewidth(artist.get_linewidth() * factor)
            artist.set_mutation_scale(artist.get_mutation_scale() * factor)
        elif isinstance(artist, Patch):
            artist.set_linewidth(artist.get_linewidth() * factor)
        elif isinstance(artist, Line2D):
            artist.set_linewidth(artist.get_linewidth() * factor)
            artist.set_markersize(artist.get_markersize() * factor)
            artist.set_markeredgewidth(artist.get_markeredgewidth() * factor)
    figure.set_size_inches(size.width_in, figure.get_figheight() * factor)
    return figure


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour(fill: str) -> str:
    """Return black or white, whichever contrasts more with ``fill`` (WCAG contrast ratio).

    >>> text_colour("#0072B2"), text_colour("#F0E442")
    ('white', 'black')
    """
    light = _luminance(fill)
    return "white" if (1.05 / (light + 0.05)) > ((light + 0.05) / 0.05) else "black"


def wrap(text: str, width: int) -> str:
    """Wrap text to lines of at most ``width`` characters (long words are not broken)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def sentence(items: Sequence[str]) -> str:
    """Join names as in prose: a, b and c.

    >>> sentence(["selinexor", "KPT-185", "eltanexor"])
    'selinexor, KPT-185 and eltanexor'
    """
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def box(
    axes: Axes,
    centre: tuple[float, float],
    size: tuple[float, float],
    label: str,
    fill: str = "white",
    *,
    edge: str = "black",
    fontsize: float = 11,
    weight: str = "normal",
    linestyle: str = "-",
    rounding: float = 0.8,
    zorder: float = 3,
) -> FancyBboxPatch:
    """Draw a rounded box centred on ``centre`` with a centred label (black or white text)."""
    (x, y), (width, height) = centre, size
    patch = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle=f"round,pad=0,rounding_size={min(rounding, height / 2)}",
        facecolor=fill,
        edgecolor=edge,
        linewidth=1.2,
        linestyle=linestyle,
        zorder=zorder,
        label=label,
    )
    axes.add_patch(patch)
    if label:
        colour = text_colour(fill) if fill.startswith("#") else "black"
        axes.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight=weight,
            color=colour,
            zorder=zorder + 1,
            linespacing=1.15,
        )
    return patch


class Edge(FancyArrowPatch):
    """An arrow between two points, remembering them and whether it is an inhibition (⊣)."""

    def __init__(
        self, start: tuple[float, float], end: tuple[float, float], inhibits: bool, **kw: Any
    ) -> None:
        super().__init__(start, end, **kw)
        self.start, self.end, self.inhibits = start, end, inhibits


def arrow(
    axes: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    inhibits: bool = False,
    colour: str = "black",
    label: str = "",
    width: float = 1.6,
    label_side: Literal["left", "right"] = "right",
    curve: float = 0.0,
) -> Edge:
    """Draw an activation arrow (→) or, with ``inhibits``, a blunt-ended inhibition edge (⊣)."""
    head = "-[, widthB=1.1, lengthB=0" if inhibits else "-|>, head_length=0.5, head_width=0.25"
    patch = Edge(
        start,
        end,
        inhibits,
        arrowstyle=head,
        connectionstyle=f"arc3,rad={curve}",
        mutation_scale=14,
        linewidth=width,
        color=colour,
        shrinkA=0,
        shrinkB=0,
        zorder=2,
    )
    axes.add_patch(patch)
    if label:
        offset = 1.2 if label_side == "right" else -1.2
        axes.text(
            (start[0] + end[0]) / 2 + offset,
            (start[1] + end[1]) / 2,
            label,
            ha="left" if label_side == "right" else "right",
            va="center",
            fontsize=10,
            fontstyle="italic",
            color=GREY,
            zorder=4,
        )
    return patch
