"""The ``xpo1kg figures`` and ``xpo1kg report`` commands (registered on the main group in cli.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from xpo1kg.cli.options import DATA_OPTION, INFERRED_OPTION, reports_errors, warn_inference
from xpo1kg.errors import InputError

if TYPE_CHECKING:  # matplotlib is imported only when a figure is drawn
    from xpo1kg.figures.drawing import ImageFormat

__all__ = ["figures_command", "report_command"]

OUTPUT_OPTION = click.option(
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Directory to write to (created if missing); files are written atomically.",
)


def _formats(text: str) -> list[ImageFormat]:
    """Parse ``svg,png`` into a list of image formats; anything else is bad input."""
    formats = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [f for f in formats if f not in ("svg", "png")]
    if unknown or not formats:
        raise InputError(
            f"--format: unknown image format {', '.join(unknown) or text!r}; use svg, png"
        )
    return cast("list[ImageFormat]", list(dict.fromkeys(formats)))


def _output_directory(output: Path) -> Path:
    """Create the output directory, or fail with one line if it cannot be used."""
    if output.exists() and not output.is_dir():
        raise InputError(f"{output}: not a directory")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{output}: cannot create directory ({error.strerror})") from None
    probe = output / ".xpo1kg-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise InputError(f"{output}: cannot write ({error.strerror})") from None
    return output


@click.command(name="figures")
@OUTPUT_OPTION
@DATA_OPTION
@click.option(
    "--format",
    "formats",
    metavar="svg,png",
    default="svg,png",
    show_default=True,
    help="Comma-separated image formats: svg (text stays text; same data, same bytes), png.",
)
@click.option(
    "--width",
    "width",
    metavar="MM|single|double",
    default="double",
    show_default=True,
    help="Printed width of each figure in mm, or a journal column: single (89 mm), double (183).",
)
@click.option(
    "--font-size",
    "font_size",
    type=float,
    default=7.0,
    show_default=True,
    help="Size of the body text at print size, in points (at least 6).",
)
@INFERRED_OPTION
@reports_errors
def figures_command(
    output: Path,
    data: Sequence[Path],
    formats: str,
    width: str,
    font_size: float,
    inferred: bool | None,
) -> None:
    """Draw the figures from the graph: mechanism, p53 pathway, p53-independent mechanisms, IC50."""
    from xpo1kg.figures.charts import draw_figures, write_drawings
    from xpo1kg.figures.drawing import DOUBLE_COLUMN_MM, SINGLE_COLUMN_MM, PrintSize
    from xpo1kg.store.knowledge_graph import load_graph

    columns = {"single": SINGLE_COLUMN_MM, "double": DOUBLE_COLUMN_MM}
    try:
        width_mm = (
            columns[width.strip().lower()] if width.strip().lower() in columns else float(width)
        )
    except ValueError:
        raise InputError(f"--width: {width!r} is not a width in mm, single or double") from None
    size = PrintSize(width_mm, font_size)
    image_formats = _formats(formats)
    kg = load_graph(data, inferred=inferred)
    warn_inference(kg)
    drawings = draw_figures(kg, size)  # all drawn, or none written
    directory = _output_directory(output)
    for drawing in drawings:
        click.echo(f"{drawing.name}: {drawing.printed()}", err=True)
    for path in write_drawings(drawings, directory, image_formats):
        click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)", err=True)


@click.command(name="report")
@OUTPUT_OPTION
@DATA_OPTION
@INFERRED_OPTION
@reports_errors
def report_command(output: Path, data: Sequence[Path], inferred: bool | None) -> None:
    """Write one self-contained HTML page (report.html): summary, figures, answers, validation."""
    from xpo1kg.report.html import write_report

    directory = _output_directory(output)
    path = write_report(directory, data, inferred=inferred)
    click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)", err=True)
