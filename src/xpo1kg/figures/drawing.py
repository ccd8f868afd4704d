"""Drawing helpers shared by the figures: the palette, boxes, arrows and deterministic rendering.

Figures are plain :class:`matplotlib.figure.Figure` objects (no pyplot, no global state): diagrams
are drawn with patches and arrows on one axes measured in tenths of an inch, so that a box of
height 5 is half an inch tall whatever the size of the figure.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal, cast

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

__all__ = [
    "OKABE_ITO",
    "ImageFormat",
    "arrow",
    "box",
    "canvas",
    "render",
    "sentence",
    "style",
    "text_colour",
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


def canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """Return a blank figure of ``width`` x ``height`` inches, drawn in tenths of an inch."""
    figure = Figure(figsize=(width, height))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(0, width * 10)
    axes.set_ylim(0, height * 10)
    axes.set_axis_off()
    return figure, axes


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
) -> None:
    """Draw an activation arrow (→) or, with ``inhibits``, a blunt-ended inhibition edge (⊣)."""
    head = "-[, widthB=1.1, lengthB=0" if inhibits else "-|>, head_length=0.5, head_width=0.25"
    patch = FancyArrowPatch(
        start,
        end,
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
