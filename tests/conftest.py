"""Shared helpers: write a small site from a dict, build it, read diagnostics."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "good" / "site_src"


def require_tool(condition: bool, reason: str) -> None:
    """Skip when a tool is missing on a developer's machine; in CI a missing tool is a failure."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def site_dir(tmp_path, monkeypatch):
    """A copy of the good fixture site in tmp_path, with the working folder set there.

    Returns a writer: site_dir({"events/x.yaml": "..."}) adds or replaces files (None deletes).
    """
    src = tmp_path / "site_src"
    shutil.copytree(GOOD, src)
    monkeypatch.chdir(tmp_path)

    def write(files: dict | None = None) -> Path:
        for rel, text in (files or {}).items():
            path = src / rel
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return src

    return write
