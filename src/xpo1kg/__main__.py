"""Run the command line with ``python -m xpo1kg``."""

from .cli import main

main(prog_name="xpo1kg")
