"""The PDFs of the editions in other languages print what their print views show, in the language:
an era's heading with its own punctuation (早期，1689—1916), an event's further sources under the
page's label, and the bibliography's running head in the language, not "Bibliography"."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from support import multilingual, require_tool
from timeline.cli import main


def _text(path, first: int | None = None, last: int | None = None) -> str:
    pages = [f"-f{first}", f"-l{last}"] if first else []
    run = subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True)
    return run.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    require_tool(shutil.which("pdftotext") is not None, "poppler-utils (pdftotext) is not installed")
    pytest.importorskip("weasyprint")
    root = tmp_path_factory.mktemp("pdf-languages")
    src = multilingual(root / "site_src")
    assert main(["build", "--src", str(src), "--out", str(root / "out"), "--pdf"]) == 0
    return root / "out"


# PDF -> (early era heading, the year-only event's label for its listed sources, bibliography heading)
EXPECTED = {"timeline.pdf": ("Early, 1689–1916", "Sources", "Bibliography"),
            "timeline-zh.pdf": ("早期，1689—1916", "来源", "参考文献"),
            "timeline-ru.pdf": ("Ранний период, 1689—1916", "Источники", "Библиография")}


@pytest.mark.parametrize("name", EXPECTED)
def test_headings_and_further_sources_are_printed_in_the_language(built, name):
    heading, label, _ = EXPECTED[name]
    text = re.sub(r"\s+", " ", _text(built / name))
    assert text.count(heading) >= 2   # the contents and the era's own heading
    assert f"{label} Mancall, Russia and China." in text


@pytest.mark.parametrize("name", EXPECTED)
def test_the_bibliographys_running_head_is_in_the_language(built, name):
    pages = _text(built / name).split("\f")
    last = [page for page in pages if page.strip()][-1]
    head = next(line.strip() for line in last.splitlines() if line.strip())
    assert head == EXPECTED[name][2]
