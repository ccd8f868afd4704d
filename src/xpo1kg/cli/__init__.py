"""The ``xpo1kg`` command line: a thin face over the Python API, one module per command group."""

from __future__ import annotations

import click

from xpo1kg.cli.explain import explain_command
from xpo1kg.cli.export import export
from xpo1kg.cli.figures import figures_command, report_command
from xpo1kg.cli.ingest import ingest_command
from xpo1kg.cli.query import find, queries, query, stats
from xpo1kg.cli.reason import reason_command
from xpo1kg.cli.release import describe_command, release_command
from xpo1kg.cli.serve import serve_command
from xpo1kg.cli.store import drop, graphs, load_command
from xpo1kg.cli.validate import validate_command

__all__ = ["main"]


@click.group()
@click.version_option(package_name="xpo1kg")
def main() -> None:
    """Query, validate and export the XPO1 inhibition knowledge graph."""
    import warnings

    from xpo1kg.query.inference import InferenceWarning

    # The commands say it in their own `warning:` lines (cli.options.warn_inference).
    warnings.simplefilter("ignore", InferenceWarning)


for _command in (queries, query, find, stats, validate_command, export, reason_command):
    main.add_command(_command)
for _command in (load_command, graphs, drop, explain_command, ingest_command, serve_command):
    main.add_command(_command)
main.add_command(figures_command, name="figures")
main.add_command(report_command, name="report")
main.add_command(release_command, name="release")
main.add_command(describe_command, name="describe")

if __name__ == "__main__":
    main()
