"""Paths and helpers shared by the tests (a plain module: importing from conftest is fragile)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "good" / "site_src"
LANGUAGES = FIXTURES / "languages"
# The good fixture's languages: English at the root, Chinese under zh/, Russian under ru/.
LANGUAGES_YAML = """languages:
  - {code: en, name: English, timelinejs: en}
  - {code: zh-Hans, path: zh, name: 中文, timelinejs: zh-cn, csl: china-national-standard-gb-t-7714-2015-note}
  - {code: ru, path: ru, name: Русский, timelinejs: ru, csl: gost-r-7-0-5-2008}
"""


def multilingual(dest: Path) -> Path:
    """The good fixture in three languages (tests/fixtures/languages/README.md), written to dest."""
    import shutil
    shutil.copytree(GOOD, dest)
    site = dest / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("language: en\n", "language: en\n" + LANGUAGES_YAML),
                    encoding="utf-8")
    shutil.copytree(LANGUAGES / "translations", dest / "translations")
    return dest


def require_tool(condition: bool, reason: str) -> None:
    """Skip when a tool is missing on a developer's machine; in CI a missing tool is a failure."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@dataclass
class FakeResult:
    """What a builder hands the preview server, for tests that inject their own builder."""
    ok: bool = True
    diagnostics: list = field(default_factory=list)
    written: int = 0
    removed: int = 0
    pages: int = 0


def cited_keys(entry) -> set[str]:
    """Every source an event names: the keys cited in its notes and its `sources:` list."""
    return {c.key for n in entry.notes for c in n.citations} | set(entry.event.sources)


def growth(run, n: int, factor: int = 4) -> float:
    """How many times longer run(n * factor) takes than run(n), each the best of two runs: about `factor` for
    work linear in n, its square for work quadratic in n. A guard against blow-ups that a loaded machine
    does not fail, as it slows both alike (a limit in seconds failed on a busy CI machine): not a speed figure,
    which is scripts/bench.py's."""
    import time

    def best(size: int) -> float:
        times = []
        for _ in range(2):
            started = time.perf_counter()
            run(size)
            times.append(time.perf_counter() - started)
        return min(times)
    return best(n * factor) / max(best(n), 1e-4)
