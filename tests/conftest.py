"""Shared helpers: write a small site from a dict, build it, read diagnostics."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from support import GOOD


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


@pytest.fixture(scope="session")
def site():
    """The bundled site, rendered once (strict) for the tests of its content."""
    import os

    from timeline.build import render_site
    from support import ROOT
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = render_site(Path("site_src"), strict=True)
    finally:
        os.chdir(cwd)
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return result


@pytest.fixture(scope="session")
def multilingual_out(tmp_path_factory):
    """The three-language fixture site built once into a folder, for tests that only read it."""
    from timeline.build import build_site
    from support import multilingual
    root = tmp_path_factory.mktemp("multilingual")
    result = build_site(multilingual(root / "site_src"), root / "out")
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return root / "out"
