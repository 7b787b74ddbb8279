"""The same print page gives a PDF of the same bytes whenever it is written: no part of it is dated
by the clock (pdfparts._pdf_date dates the document; the fonts WeasyPrint subsets are dated by
fontTools, which reads the clock unless SOURCE_DATE_EPOCH is set)."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from support import ROOT
from timeline.build import build_site

GOOD = ROOT / "tests" / "fixtures" / "good" / "site_src"


def test_a_pdf_written_an_hour_later_has_the_same_bytes(tmp_path, monkeypatch):
    pytest.importorskip("weasyprint")
    time_tools = pytest.importorskip("fontTools.misc.timeTools")
    from timeline import pdf
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_site(GOOD, tmp_path / "out").ok
    written = []
    for hours in (0, 1):   # the clock fontTools would read, an hour on for the second PDF
        clock = time.time() + 3600 * hours
        monkeypatch.setattr(time_tools, "time", SimpleNamespace(time=lambda clock=clock: clock))
        path = tmp_path / f"early-{hours}.pdf"
        pdf.write_pdf(tmp_path / "out", path, page="print/eras/early/index.html")
        written.append(Path(path).read_bytes())
    assert written[0] == written[1]
