"""`python -m timeline`: the command line (timeline.cli)."""

import sys

from .cli import main

sys.exit(main())
