"""`python -m timeline`: the command line (timeline.cli)."""

import gc
import sys

from .cli import main

status = main()
# The process ends here: Python's last collection would walk every object the command left alive
# (0.7 s after a first build of 10,000 events), to free what the system frees anyway.
gc.freeze()
sys.exit(status)
