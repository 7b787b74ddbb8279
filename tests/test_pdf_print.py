"""Print by section, and a PDF that is accessible and archival (issue 17), read back as a reader, a
screen reader and a library would: poppler's text and info, and the structure tree and metadata
through pikepdf.

Needs poppler, WeasyPrint and pikepdf (the 'pdf' extra): skipped on a developer's machine without
them, failed under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import GOOD, ROOT, require_tool
from timeline import urls
from timeline.cli import main

TEMPLATES = ROOT / "templates"


def _need_tools():
    missing = [tool for tool in ("pdftotext", "pdfinfo", "pdffonts", "fc-list", "fc-match") if shutil.which(tool) is None]
    require_tool(not missing, f"missing: {', '.join(missing)} (apt-get install poppler-utils fontconfig)")
    for module in ("weasyprint", "pikepdf"):
        try:
            __import__(module)
        except (ImportError, OSError):
            require_tool(False, f"{module} not installed: pip install -e '.[pdf]'")


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _info(path: Path) -> dict:
    lines = _run("pdfinfo", str(path)).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture site built once with --pdf: the whole PDF and one per era and per theme, each
    cut into parts as a large one is (front matter, one part per event, bibliography) and joined."""
    _need_tools()
    from timeline import pdf, pdfparts

    out = tmp_path_factory.mktemp("print") / "build"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "WHOLE_CHARS", 0)
        patch.setattr(pdfparts, "PART_CHARS", 1)
        assert main(["build", "--src", str(GOOD), "--templates", str(TEMPLATES), "--out", str(out), "--pdf"]) == 0
    from timeline.build import render_site

    return out, render_site(GOOD, templates=TEMPLATES).timeline


def _sections(tl):
    """(kind, id, the events it holds in timeline order) for each era and theme."""
    for era in tl.site.eras:
        yield "era", era.id, list(tl.by_era[era.id])
    for theme in tl.site.themes:
        yield "theme", theme.id, [e for e in tl.entries if e in tl.by_theme[theme.id]]


def test_each_era_and_theme_page_links_to_its_own_print_view(built):
    out, tl = built
    for kind, ident, entries in _sections(tl):
        page = (out / urls.path(kind, ident)).read_text(encoding="utf-8")
        link = urls.root_of(urls.path(kind, ident)) + urls.path(f"print-{kind}", ident)
        assert f'href="{link}">Print this {kind}</a>' in page
        view = (out / urls.path(f"print-{kind}", ident)).read_text(encoding="utf-8")
        assert [m for m in re.findall(r'<h3 class="event-heading" id="event-([^"]+)"', view)] == [e.id for e in entries]
        # The built page links its PDF, which the build wrote.
        pdf = urls.pdf(f"print-{kind}", ident)
        assert f'href="../../../{pdf}"' in view and (out / pdf).is_file()


def test_each_era_and_theme_pdf_holds_exactly_its_events_in_order_with_their_notes_numbered_from_one(built):
    out, tl = built
    checked = 0
    for kind, ident, entries in _sections(tl):
        path = out / urls.pdf(f"print-{kind}", ident)
        pages = _run("pdftotext", "-layout", str(path), "-").split("\f")
        body = _squash(" ".join(pages[2:]))  # after the title page and the contents
        position = 0
        for entry in entries:
            found = body.find(_squash(entry.event.title), position)
            assert found >= 0, f"{path.name}: {entry.event.title!r} missing or out of order"
            position = found + 1
        for other in tl.entries:
            if other not in entries:
                assert _squash(other.event.title) not in body, f"{path.name} holds {other.event.title!r}"
        expected = 1
        for page in pages:
            for number in re.findall(r"^\s*(\d+)\. \S", page, re.MULTILINE):
                expected += int(number) == expected
        notes = sum(len(e.notes) for e in entries)
        assert expected - 1 == notes, f"{path.name}: footnotes 1..{expected - 1} of {notes}"
        title = _info(path)["Title"]
        assert title.startswith(f"{tl.site.title}: ") and title != tl.site.title
        checked += 1
    assert checked == len(tl.site.eras) + len(tl.site.themes)


def _tree(path: Path):
    """The structure tree as (tag, element) in reading order (depth first)."""
    import pikepdf

    found = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append((str(node.S)[1:], node))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
                walk(kid)

    pdf = pikepdf.open(path)
    for kid in pdf.Root.StructTreeRoot.K:
        walk(kid)
    return pdf, found


def test_every_pdf_is_tagged_with_its_language_and_declares_pdf_ua(built):
    import pikepdf

    out, _ = built
    from timeline import pdf as pdfmod

    for _, name in pdfmod.documents(out):
        assert _info(out / name)["Tagged"] == "yes", name
        with pikepdf.open(out / name) as doc:
            assert str(doc.Root.Lang) == "en"
            assert doc.Root.MarkInfo.Marked
            with doc.open_metadata() as meta:
                assert meta.get("pdfuaid:part") == "1"


def test_the_structure_tree_has_headings_lists_and_notes_in_reading_order(built):
    out, tl = built
    era = tl.site.eras[0]
    entries = list(tl.by_era[era.id])
    _, tree = _tree(out / urls.pdf("print-era", era.id))
    tags = [tag for tag, _ in tree]
    assert tags.count("H1") == 1 and tags.index("H1") < tags.index("H2")
    # Contents (a list), then the era's heading, then one H3 per event.
    assert tags.index("L") < [i for i, t in enumerate(tags) if t == "H2"][1]
    assert tags.count("H3") >= len(entries)  # the events, and the bibliography's subheadings
    # Every note is a Note with an ID, each once, in the order of the text.
    notes = [str(node.ID) for tag, node in tree if tag == "Note"]
    assert notes == [f"fn-{e.id}-{n.number}" for e in entries for n in e.notes]


def test_chinese_and_russian_names_carry_their_language_in_the_tree(built):
    out, tl = built
    era = tl.site.eras[0]
    _, tree = _tree(out / urls.pdf("print-era", era.id))
    langs = [str(node.Lang) for _, node in tree if "/Lang" in node]
    names = [lang for e in tl.by_era[era.id] for lang in sorted(e.event.names)]
    assert names and sorted(langs) == sorted(names)


def test_the_archival_variant_declares_pdf_a_and_embeds_every_font(built, tmp_path):
    import pikepdf

    from timeline import pdf as pdfmod

    out, _ = built
    era = urls.path("print-era", "early")
    made = pdfmod.write_pdf(out, tmp_path / "a.pdf", variant="pdf/a-3u", page=era)
    with pikepdf.open(made.path) as doc, doc.open_metadata() as meta:
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "U"
        assert "/OutputIntents" in doc.Root  # PDF/A needs its colour space said
    assert _info(made.path)["Tagged"] == "yes"
    fonts = _run("pdffonts", str(made.path)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)
    with pikepdf.open(out / urls.pdf("print-era", "early")) as doc, doc.open_metadata() as meta:
        assert meta.get("pdfaid:part") is None, "the default PDF is the reader's, not the archival one"


def test_an_unknown_variant_is_refused(built, capsys):
    from timeline import pdf as pdfmod

    out, _ = built
    with pytest.raises(ValueError, match="pdf/ua-1, pdf/a-3u"):
        pdfmod.write_pdf(out, out / "x.pdf", variant="pdf/x-1")
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--src", str(GOOD), "--out", str(out), "--pdf", "--pdf-variant", "pdf/x-1"])
    assert exit_.value.code == 2
    assert "--pdf-variant" in capsys.readouterr().err
    assert not (out / "x.pdf").exists()


# ---- Fonts: a PDF remade when its fonts change; one warning when a CJK font is missing ----------

def _hiding_cjk(tmp_path: Path) -> Path:
    """A fontconfig file that is the system's own less every font that has Chinese."""
    cjk = [line for line in _run("fc-list", ":lang=zh", "file").splitlines() if line.strip()]
    assert cjk, "this machine has no CJK font to hide"
    rejects = "".join(f"<glob>{line.strip().rstrip(':')}</glob>" for line in cjk)
    conf = tmp_path / "no-cjk.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f"<selectfont><rejectfont>{rejects}</rejectfont></selectfont>"
                    f"<cachedir>{tmp_path}/fc-cache</cachedir></fontconfig>", encoding="utf-8")
    return conf


def _build(out: Path, *extra: str, fontconfig: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if fontconfig is not None:
        env["FONTCONFIG_FILE"] = str(fontconfig)
    return subprocess.run([sys.executable, "-m", "timeline", "build", "--src", str(GOOD), "--templates",
                           str(TEMPLATES), "--out", str(out), "--pdf", *extra],
                          capture_output=True, text=True, env=env, timeout=600)


def test_the_fonts_found_follow_fontconfig(tmp_path, monkeypatch):
    _need_tools()
    from timeline import pdf as pdfmod

    here = pdfmod.font_inputs()
    assert any("CJK" in line for line in here)
    monkeypatch.setenv("FONTCONFIG_FILE", str(_hiding_cjk(tmp_path)))
    hidden = pdfmod.font_inputs()
    assert hidden != here and not any("CJK" in line for line in hidden)


def test_without_a_cjk_font_one_warning_then_the_pdf_is_remade_when_the_font_comes(tmp_path):
    """Issue 17 items 5 and 6: the build's own warning, not two thousand of WeasyPrint's; and after
    the font is installed (here: the config that hid it is gone) the PDF is made again, not kept."""
    _need_tools()
    conf, out = _hiding_cjk(tmp_path), tmp_path / "out"
    first = _build(out, fontconfig=conf)
    assert first.returncode == 0, first.stderr
    warnings = [line for line in first.stderr.splitlines() if "warning" in line]
    assert 1 <= len(warnings) < 10, first.stderr
    assert "fonts-noto-cjk" in first.stderr and "--verbose" in first.stderr
    assert "CJK" not in _run("pdffonts", str(out / urls.PDF))

    again = _build(out, fontconfig=conf)
    assert "timeline.pdf is up to date" in again.stdout, again.stdout

    fixed = _build(out)
    assert "up to date" not in fixed.stdout, fixed.stdout
    assert "CJK" in _run("pdffonts", str(out / urls.PDF))
    assert "CJK" in _run("pdffonts", str(out / urls.pdf("print-era", "early")))


def test_verbose_shows_every_warning_weasyprint_gave(tmp_path):
    _need_tools()
    run = _build(tmp_path / "out", "--verbose", fontconfig=_hiding_cjk(tmp_path))
    assert run.returncode == 0, run.stderr
    assert len(re.findall(r"\.notdef glyph rendered", run.stderr)) >= 8  # the fixture's Chinese names


def _ink(path: Path, page: int) -> float:
    """The share of a page's pixels that are dark, rendered by poppler at 40 dpi in grey."""
    data = subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", str(page), "-l", str(page), str(path)],
                          capture_output=True, check=True).stdout
    magic, width, height, _, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    pixels = pixels[:int(width) * int(height)]
    return sum(1 for value in pixels if value < 128) / len(pixels)


def test_the_page_numbers_laid_over_the_joined_pages_hide_nothing(built):
    """The parts are joined and numbered afterwards: a stamp that painted the page white would
    leave the text in the file (pdftotext finds it) but show a blank page."""
    out, _ = built
    path = out / urls.pdf("print-era", "early")
    assert _ink(path, 3) > 0.004  # the era's first event (a page blanked by its stamp shows only the number and header)
    assert _ink(path, 1) > 0.002  # the title page
    text = _run("pdftotext", "-layout", "-f", "3", "-l", "3", str(path), "-")
    assert re.search(r"^\s+3\s*$", text, re.MULTILINE), "page 3 carries its number"


def test_a_joined_pdf_numbers_its_pages_and_contents_and_bookmarks_as_one_document(built):
    """Parts typeset apart (here: every event) make one document: the contents give the page where
    each event begins, the bookmarks go there, the page numbers run on and each page of an era
    continued from another part still carries the era's name at its head."""
    import pikepdf

    out, tl = built
    era = tl.site.eras[0]
    path = out / urls.pdf("print-era", era.id)
    pages = _run("pdftotext", "-layout", str(path), "-").split("\f")
    contents = [int(n) for n in re.findall(r"\.{4,}\s*(\d+)\s*$", pages[1], re.MULTILINE)]
    with pikepdf.open(path) as doc, doc.open_outline() as outline:
        marks = []

        def walk(items):
            for item in items:
                marks.append((item.title, doc.pages.index(pikepdf.Page(item.destination[0])) + 1))
                walk(item.children)

        walk(outline.root)
    assert [page for _, page in marks] == contents
    for title, page in marks:
        assert _squash(title) in _squash(pages[page - 1]), f"{title!r} is not on page {page}"
    assert len(marks) == 2 + len(tl.by_era[era.id])  # the era, its events, the bibliography
    heading = f"{era.label}, {era.start}–{era.end}"
    for number, text in enumerate(pages[2:-1], start=3):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            continue
        assert lines[-1] == str(number), f"page {number} is numbered {lines[-1]!r}"
        if number < len(pages) - 1 and "Bibliography" not in text:
            assert lines[0] == heading, f"page {number} is headed {lines[0]!r}"


def test_each_part_is_typeset_once_the_contents_twice_and_the_page_numbers_once(tmp_path, monkeypatch):
    """Issue 17 item 4 (speed): the front matter is typeset once with placeholder numbers (beside the
    other parts) and once numbered, and the page numbers are made once, for the pages after it: not
    the front matter again and again until it holds still, nor a stamp for every page."""
    from timeline import parallel, pdf as pdfmod, pdfparts

    _need_tools()
    out = tmp_path / "build"
    assert main(["build", "--src", str(GOOD), "--templates", str(TEMPLATES), "--out", str(out)]) == 0
    calls, stamped = [], []
    typeset, stamps = pdfmod._typeset, pdfmod._stamps

    def counting(split, index, *args, **kwargs):
        calls.append(index)
        return typeset(split, index, *args, **kwargs)

    def counting_stamps(split, page, paper, first, count):
        stamped.append((first, count))
        return stamps(split, page, paper, first, count)

    monkeypatch.setattr(parallel, "can_fork", lambda: False)  # every call in this process, counted
    monkeypatch.setattr(pdfmod, "WHOLE_CHARS", 0)
    monkeypatch.setattr(pdfparts, "PART_CHARS", 1)
    monkeypatch.setattr(pdfmod, "_typeset", counting)
    monkeypatch.setattr(pdfmod, "_stamps", counting_stamps)
    made = pdfmod.write_pdf(out, tmp_path / "whole.pdf")
    parts = max(calls) + 1
    assert parts > 3 and sorted(calls) == [0, 0] + list(range(1, parts))
    front = made.pages - stamped[0][1]
    assert stamped == [(front + 1, made.pages - front)] and front >= 2
    text = _run("pdftotext", "-layout", "-f", str(front + 1), "-l", str(front + 1), str(made.path), "-")
    assert re.search(rf"^\s+{front + 1}\s*$", text, re.MULTILINE), "the first stamped page carries its number"
