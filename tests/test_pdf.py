"""The PDF (issue 5), read back with poppler's tools: what a reader of the file would find.

Poppler (Debian poppler-utils) and WeasyPrint are needed: without them these tests skip on a
developer's machine and fail under CI=true. The bundled content is typeset too when it builds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from timeline.build import build_site, render_site
from timeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "fixtures" / "good" / "site_src"
BUNDLED = ROOT / "site_src"
POPPLER = ("pdftotext", "pdfinfo", "pdffonts", "pdftohtml")


def require_tool(available: bool, reason: str) -> None:
    """Skip on a developer's machine without the tool; under CI=true a missing tool fails."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _need_tools():
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    require_tool(not missing, f"poppler tools missing: {', '.join(missing)} (apt-get install poppler-utils)")
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        require_tool(False, "weasyprint not installed: pip install -e '.[pdf]'")


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _squash(text: str) -> str:
    """Text as a reader sees it: one space between words, whatever the line breaks."""
    return re.sub(r"\s+", " ", text).strip()


class Typeset:
    """A built site and its PDF, with what poppler reads from it."""

    def __init__(self, src: Path, out: Path, paper: str = "a4"):
        from timeline import pdf

        result = build_site(src, out, templates=ROOT / "templates")
        assert result.ok, [str(d) for d in result.errors]
        self.timeline = result.timeline
        self.made = pdf.write_pdf(out, out / pdf.PDF_NAME, paper)
        self.path = self.made.path
        self.pages = [page for page in _run("pdftotext", "-layout", str(self.path), "-").split("\f")]
        self.xml = _run("pdftohtml", "-xml", "-i", "-stdout", "-q", str(self.path))

    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, page) for each bookmark, from pdftohtml's nested <outline> lists."""
        found, level = [], 0
        start = self.xml.find("<outline>")
        assert start >= 0, "the PDF has no outline (bookmarks)"
        for token in re.finditer(r'<outline>|</outline>|<item page="(\d+)">(.*?)</item>', self.xml[start:], re.DOTALL):
            if token[0] == "<outline>":
                level += 1
            elif token[0] == "</outline>":
                level -= 1
            else:
                found.append((level, _unescape(token[2]), int(token[1])))
        return found


def _unescape(text: str) -> str:
    import html

    return _squash(html.unescape(text))


@pytest.fixture(scope="module")
def fixture_pdf(tmp_path_factory):
    _need_tools()
    return Typeset(GOOD, tmp_path_factory.mktemp("pdf") / "build")


def _bundled_builds() -> bool:
    return (BUNDLED / "site.yaml").is_file() and render_site(BUNDLED, templates=ROOT / "templates").ok


@pytest.fixture(scope="module", params=["fixture", "bundled"])
def typeset(request, fixture_pdf, tmp_path_factory):
    if request.param == "fixture":
        return fixture_pdf
    if not _bundled_builds():
        pytest.skip("the bundled content in site_src/ does not build yet")
    return Typeset(BUNDLED, tmp_path_factory.mktemp("bundled") / "build")


def test_every_event_title_is_in_the_text_in_date_order(typeset):
    first_era_page = min(page for level, _, page in typeset.outline() if level == 1)
    text = _squash(" ".join(typeset.pages[first_era_page - 1:]))
    position = 0
    for entry in typeset.timeline.entries:
        found = text.find(_squash(entry.event.title), position)
        assert found >= 0, f"{entry.event.title!r} missing, or out of date order, after character {position}"
        position = found + 1


def test_each_note_is_one_footnote_numbered_through_the_document(typeset):
    """Issue 2502: some @footnote styles make WeasyPrint drop notes silently; every note must print."""
    notes = [note for entry in typeset.timeline.entries for note in entry.notes]
    assert notes, "the fixture must have notes for this test to mean anything"
    expected = 1
    for page in typeset.pages:
        # A footnote starts a line with its number, then ". "; other such lines never hit the sequence.
        for number in re.findall(r"^\s*(\d+)\. \S", page, re.MULTILINE):
            if int(number) == expected:
                expected += 1
    assert expected - 1 == len(notes), f"found footnotes 1..{expected - 1} of {len(notes)} notes"


def test_footnote_text_is_the_note_text(fixture_pdf):
    text = _squash(" ".join(fixture_pdf.pages))
    first = fixture_pdf.timeline.entries[0].notes[0]
    plain = _squash(re.sub(r"<[^>]+>", "", str(first.html)))
    assert f"1. {plain}".replace("&amp;", "&")[:60] in text


def _contents(typeset) -> list[int]:
    """Page numbers in the contents list, in order: the lines that end in leader dots and a number."""
    first_era_page = min(page for level, _, page in typeset.outline() if level == 1)
    numbers = []
    for page in typeset.pages[1:first_era_page - 1]:
        numbers += [int(n) for n in re.findall(r"\.{4,}\s*(\d+)\s*$", page, re.MULTILINE)]
    return numbers


def test_contents_page_numbers_point_at_the_pages_where_events_begin(typeset):
    outline = typeset.outline()
    assert _contents(typeset) == [page for _, _, page in outline]
    titles = {_squash(e.event.title) for e in typeset.timeline.entries}
    for level, title, page in outline:
        on_page = _squash(typeset.pages[page - 1])
        assert title in on_page, f"{title!r} is not on page {page}, where the contents and bookmark send the reader"
        if title in titles:
            assert level == 2


def test_bookmarks_are_eras_then_their_events(typeset):
    tl = typeset.timeline
    expected = []
    for era in tl.site.eras:
        if tl.by_era[era.id]:
            expected.append((1, f"{era.label}, {era.start}–{era.end}"))
            expected += [(2, _squash(e.event.title)) for e in tl.by_era[era.id]]
    expected.append((1, "Bibliography"))
    assert [(level, title) for level, title, _ in typeset.outline()] == expected


def test_chinese_is_printed_with_an_embedded_cjk_font(typeset):
    assert any("zh" in e.event.names for e in typeset.timeline.entries)
    fonts = _run("pdffonts", str(typeset.path)).splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk, "no CJK font in the PDF: Chinese would print as empty boxes"
    # columns: name type encoding emb sub uni object ID; "emb" must be yes
    assert all(line.split()[-5] == "yes" for line in cjk), cjk
    assert all(line.split()[-5] == "yes" for line in fonts), "every font must be embedded"


def test_metadata_comes_from_the_content_not_the_clock(fixture_pdf):
    info = dict(line.split(":", 1) for line in _run("pdfinfo", str(fixture_pdf.path)).splitlines() if ":" in line)
    info = {k.strip(): v.strip() for k, v in info.items()}
    site = fixture_pdf.timeline.site
    assert info["Title"] == site.title
    assert info["Author"] == site.author
    assert info["Page size"].endswith("(A4)")
    assert int(info["Pages"]) == fixture_pdf.made.pages
    from timeline.render import edition

    year, _, day = edition(fixture_pdf.timeline).split("-")
    assert info["CreationDate"].endswith(f"{day} 00:00:00 {year} UTC"), info["CreationDate"]
    assert b"/Lang (en)" in _inflated(fixture_pdf.path)


def _inflated(path: Path) -> bytes:
    """The PDF with its compressed object streams opened, to find dictionary entries."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            parts.append(zlib.decompress(match[1]))
        except zlib.error:
            pass
    return b"\n".join(parts)


def test_links_are_clickable(fixture_pdf):
    # Contents entries jump inside the document; URLs in the notes open the web page.
    assert re.search(r'<a href="[^"#]*#\d+">', fixture_pdf.xml)
    assert re.search(r'<a href="https?://', fixture_pdf.xml)


def test_same_content_gives_the_same_bytes_whatever_source_date_epoch_says(fixture_pdf, tmp_path, monkeypatch):
    # Fourth red team: SOURCE_DATE_EPOCH overrode the content's own date, so the same content made
    # other bytes (and the cache, which does not read the environment, kept whichever came first).
    from timeline import pdf

    build = fixture_pdf.path.parent
    again = pdf.write_pdf(build, tmp_path / "again.pdf")
    assert again.path.read_bytes() == fixture_pdf.path.read_bytes()
    for epoch in ("86400", "99999999999999999"):   # the second is past any year: a traceback before
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        dated = pdf.write_pdf(build, tmp_path / "dated.pdf")
        assert dated.path.read_bytes() == fixture_pdf.path.read_bytes()
    assert "1970" not in _run("pdfinfo", str(dated.path))


def test_source_date_epoch_dates_a_pdf_only_for_content_without_a_date(monkeypatch):
    from timeline.pdfparts import _pdf_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert _pdf_date("2026-11-28") == "2026-11-28"
    assert _pdf_date(None) == "1970-01-02T00:00:00Z"
    for unusable in ("99999999999999999", "-5", "1e9", "", "\uff11\uff12"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", unusable)
        assert _pdf_date(None) is None


def test_letter_paper(fixture_pdf, tmp_path):
    from timeline import pdf

    letter = pdf.write_pdf(fixture_pdf.path.parent, tmp_path / "letter.pdf", "letter")
    assert "612 x 792 pts (letter)" in _run("pdfinfo", str(letter.path))


def test_no_warnings_for_the_fixture(fixture_pdf):
    assert fixture_pdf.made.warnings == []


def test_cli_writes_the_pdf_with_paper_option(tmp_path, capsys):
    _need_tools()
    assert main(["build", "--src", str(GOOD), "--templates", str(ROOT / "templates"),
                 "--out", str(tmp_path / "out"), "--pdf", "--paper", "letter"]) == 0
    assert "letter" in capsys.readouterr().out
    assert "(letter)" in _run("pdfinfo", str(tmp_path / "out" / "timeline.pdf"))


def test_without_weasyprint_the_build_succeeds_and_says_how_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)   # makes `import weasyprint` raise ImportError
    assert main(["build", "--src", str(GOOD), "--templates", str(ROOT / "templates"),
                 "--out", str(tmp_path / "out"), "--pdf"]) == 0
    err = capsys.readouterr().err
    assert "pip install -e '.[pdf]'" in err
    assert (tmp_path / "out" / "print" / "index.html").is_file()
    assert not (tmp_path / "out" / "timeline.pdf").exists()


def test_a_missing_chinese_font_is_reported_with_the_package_to_install(tmp_path, monkeypatch):
    require_tool(shutil.which("fc-list") is not None, "fc-list (fontconfig) not installed")
    from timeline import pdf

    assert pdf.cjk_font_missing() is None, "this machine has a CJK font: the fixture PDF relies on it"
    # fontconfig with no font folders at all: what a machine without fonts-noto-cjk looks like to it
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    message = pdf.cjk_font_missing()
    assert message and "fonts-noto-cjk" in message


def test_a_footnote_that_does_not_print_is_reported(fixture_pdf):
    """WeasyPrint drops footnotes silently (issue 2502): write_pdf must notice and say which."""
    import weasyprint

    from timeline import pdf
    from timeline.pdfnotes import footnotes

    page = fixture_pdf.path.parent / pdf.PRINT_PAGE
    text = footnotes(page.read_text(encoding="utf-8"))
    document = weasyprint.HTML(string=text, base_url=str(page)).render(
        stylesheets=[weasyprint.CSS(string='.footnote[data-n="2"] { display: none !important; }')])
    assert pdf._lost_footnotes(text, document) == ["2"]


def _printed_notes(pdf_path: Path) -> list[int]:
    """The footnote numbers that start a line of the PDF's text, in order."""
    return [int(n) for n in re.findall(r"^\s*(\d+)\. \S", _run("pdftotext", "-layout", str(pdf_path), "-"), re.MULTILINE)]


def test_every_footnote_of_an_era_or_a_theme_prints(typeset, tmp_path):
    """WeasyPrint dropped a note of the bundled era "The split" and one of the theme "Migration"
    (issue 2502): the part is laid out again with a page break before the event, and all print."""
    from timeline import pdf
    from timeline.pdfnotes import footnotes

    out = typeset.path.parent
    pages = [page for page, _ in pdf.documents(out) if page.startswith(("print/eras/", "print/themes/"))]
    if "bundled" in str(out):   # typesetting all 17 takes minutes: the two that dropped a note
        pages = [page for page in pages if page.split("/")[2] in ("the-split", "migration")]
        assert len(pages) == 2, "the bundled era or theme of this test was renamed"
    for page in pages:
        wanted = len(re.findall(r'class="footnote"', footnotes((out / page).read_text(encoding="utf-8"))))
        made = pdf.write_pdf(out, tmp_path / "one.pdf", page=page)
        assert not [w for w in made.warnings if "did not print" in w], (page, made.warnings)
        printed = _printed_notes(made.path)
        assert wanted and set(range(1, wanted + 1)) <= set(printed), (page, wanted, printed)


def test_a_dropped_footnote_is_laid_out_again_after_a_page_break(fixture_pdf, monkeypatch, tmp_path):
    """The second layout breaks the page before the event holding the dropped note, and is kept
    only if it drops fewer; its warnings are its own."""
    from timeline import pdf, pdfparts
    from timeline.pdfnotes import footnotes

    seen, real = [], pdfparts._lost_footnotes

    def lost(html, document):
        seen.append(len(document.pages))
        return ["2"] if len(seen) == 1 else real(html, document)
    monkeypatch.setattr(pdfparts, "_lost_footnotes", lost)
    made = pdf.write_pdf(fixture_pdf.path.parent, tmp_path / "again.pdf")
    assert len(seen) == 2 and made.warnings == fixture_pdf.made.warnings
    first_event = fixture_pdf.timeline.entries[0]   # the fixture's note 2 is its first event's
    assert len(first_event.notes) >= 2, "the fixture must have two notes in its first event"
    page = footnotes((fixture_pdf.path.parent / pdf.PRINT_PAGE).read_text(encoding="utf-8"))
    assert pdfparts._holding(page, ["2", "1", "999"]) == [first_event.event.id]

    seen.clear()
    monkeypatch.setattr(pdfparts, "_lost_footnotes", lambda html, document: seen.append(1) or ["2"])
    made = pdf.write_pdf(fixture_pdf.path.parent, tmp_path / "still.pdf")
    assert len(seen) == 2 and any("1 footnote(s) did not print" in w and w.endswith(": 2") for w in made.warnings)


def test_no_page_break_is_added_before_an_eras_first_event(fixture_pdf, monkeypatch, tmp_path):
    """An era begins a page, its heading and introduction kept with its first event: a break before
    that event, when it holds a dropped note, would leave them alone on a page and print nothing more."""
    from timeline import pdf, pdfparts

    pages = []

    def lost(html, document):
        pages.append(len(document.pages))
        return ["2"] if len(pages) == 1 else []   # note 2 is the fixture's first event's, first of its era
    monkeypatch.setattr(pdfparts, "_lost_footnotes", lost)
    pdf.write_pdf(fixture_pdf.path.parent, tmp_path / "again.pdf")
    assert len(pages) == 2 and pages[1] == pages[0], pages
