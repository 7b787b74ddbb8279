#!/usr/bin/env python3
"""Regenerate tests/fixtures/good/expected/ from the good fixture site, on purpose only.

Run after an intended change to templates or the engine, then review `git diff` of the expected
output before committing: that diff is exactly what the change does to a real site.
"""

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timeline.build import build_site  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "good"

if __name__ == "__main__":
    os.chdir(FIXTURE)
    expected = FIXTURE / "expected"
    if expected.exists():
        shutil.rmtree(expected)
    result = build_site(Path("site_src"), expected, templates=ROOT / "templates")
    for d in result.diagnostics:
        print(d, file=sys.stderr)
    if not result.ok:
        sys.exit(1)
    (expected / ".timeline-build").unlink()
    print(f"wrote {sum(1 for p in expected.rglob('*') if p.is_file())} files to {expected.relative_to(ROOT)}")
