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
@INFERRED_OPTION
@reports_errors
def figures_command(
    output: Path, data: Sequence[Path], formats: str, inferred: bool | None
) -> None:
    """Draw the figures from the graph: mechanism, p53 pathway, p53-independent mechanisms, IC50."""
    from xpo1kg.figures.charts import write_figures
    from xpo1kg.store.knowledge_graph import load_graph

    image_formats = _formats(formats)
    directory = _output_directory(output)
    kg = load_graph(data, inferred=inferred)
    warn_inference(kg)
    for path in write_figures(kg, directory, image_formats):
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
