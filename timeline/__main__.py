"""`python -m timeline`: the command line (timeline.cli)."""

from .cli import entry

entry()
