#!/usr/bin/env python3
"""The project's build script: builds site_src/ into build/ (add --pdf for the PDF). It only calls the engine."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timeline.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
