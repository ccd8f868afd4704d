"""Run the command line with ``python -m xpo1kg``."""

from xpo1kg.cli import main

main(prog_name="xpo1kg")
