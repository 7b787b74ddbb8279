"""The print views' markup and stylesheets are light for a phone that opens them (issue 19's Lighthouse
target: the whole book is one 1.3 MB page) without changing what prints: the paper's stylesheet is
for paper only, and the notes' ids are short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import GOOD, ROOT
from timeline.build import build_site

STATIC = ROOT / "templates" / "static"
PRINT_PAGES = ("print/index.html", "print/eras/early/index.html", "print/themes/diplomacy/index.html")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("print-markup") / "site"
    result = build_site(Path(GOOD), out, templates=ROOT / "templates")
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return out


@pytest.mark.parametrize("path", PRINT_PAGES)
def test_note_markers_and_notes_are_named_by_their_number_in_the_document(built, path):
    page = (built / path).read_text(encoding="utf-8")
    markers = re.findall(r'<sup class="noteref"><a id="([^"]+)" href="#([^"]+)"[^>]*>(\d+)</a>', page)
    assert markers
    for ident, href, number in markers:
        assert re.fullmatch(rf"ref-{number}(-\d+)?", ident) and href == f"note-{number}", (ident, href, number)
    notes = re.findall(r'<li id="note-(\d+)">', page)
    assert notes == sorted(set(notes), key=int) and set(notes) == {n for _, _, n in markers}
    backrefs = re.findall(r'<a class="backref" href="#([^"]+)"', page)
    assert sorted(backrefs) == sorted(ident for ident, _, _ in markers)


def test_a_second_marker_of_a_note_gets_its_own_id_and_the_note_links_back_to_each(built):
    page = (built / "print/index.html").read_text(encoding="utf-8")
    again = re.findall(r'<a id="(ref-(\d+)-2)" href="#note-(\d+)"', page)
    assert again and all(n == m for _, n, m in again)
    ident, number, _ = again[0]
    note = re.search(rf'<li id="note-{number}">(.*?)</li>', page, re.S)[1]
    assert f'href="#ref-{number}"' in note and f'href="#{ident}"' in note


@pytest.mark.parametrize("path", PRINT_PAGES)
def test_a_screen_waits_for_no_stylesheet_of_the_paper(built, path):
    page = (built / path).read_text(encoding="utf-8")
    links = re.findall(r'<link rel="stylesheet" href="[./]*static/([a-z]+\.css)\?v=[0-9a-f]+"([^>]*)>', page)
    assert links == [("style.css", ""), ("print.css", ' media="print"')]


def _top_level_rules(css: str) -> list[str]:
    """The preludes of a stylesheet's top-level rules (selectors and at-rules), comments removed."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    preludes, depth, start = [], 0, 0
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                preludes.append(css[start:i].strip())
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                start = i + 1
    return preludes


def test_the_paper_stylesheet_holds_only_rules_for_paper():
    # A screen never reads print.css: a rule for screens put there would silently not apply.
    rules = _top_level_rules((STATIC / "print.css").read_text(encoding="utf-8"))
    assert rules and all(r.startswith("@page") or r == "@media print" for r in rules), rules


def test_the_screen_rules_of_the_print_views_are_in_the_sitewide_stylesheet():
    rules = _top_level_rules((STATIC / "style.css").read_text(encoding="utf-8"))
    # The footnote copies are hidden and the notes lists shown on a screen before any paint.
    assert ".footnote" in rules and ".fn-call > .noteref, .print-notes" in rules
    assert "@supports not (float: footnote)" in rules
    # They come last, so that on paper they still precede print.css, as they did inside it.
    assert rules.index(".footnote") > rules.index("ol.bibliography, .notes, .further, .prose, .body, "
                                                  ".summary, .event-summary, dl.facts dd")


def test_the_print_views_screen_rules_reach_no_other_page():
    # The home page has era intros and event names too: a print-view rule for them must be scoped.
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    print_part = css[css.index("==== The print views"):]
    others = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.html")
                      if not p.name.startswith("print"))
    shared = {c for c in re.findall(r"\.([a-z][a-z0-9-]*)", print_part) if re.search(rf'class="[^"]*\b{c}\b', others)}
    assert {"era-intro", "event-names"} <= shared
    for rule in _top_level_rules(print_part):
        for selector in rule.split(","):
            if set(re.findall(r"\.([a-z][a-z0-9-]*)", selector)) & shared:
                assert selector.strip().startswith(":where(.page-print) "), selector


def _listed_notes(page: str) -> dict[str, str]:
    """Each note of the lists browsers show (its number -> its text as HTML, without the back links)."""
    notes = re.findall(r'<li id="note-(\d+)">(.*?)</li>\n', page, re.S)
    return {n: re.split(r' <a class="backref"', text)[0] for n, text in notes}


@pytest.mark.parametrize("path", PRINT_PAGES)
def test_each_note_is_in_the_print_page_once(built, path):
    """The notes lists are what browsers show; a second copy of each note for WeasyPrint's footnotes
    (hidden in browsers) would be a third of the whole book's bytes: the PDF step makes those."""
    page = (built / path).read_text(encoding="utf-8")
    notes = _listed_notes(page)
    assert notes and all(len(text) > 20 for text in notes.values())
    texts = list(notes.values())  # two notes may cite the same page in the same words
    assert {n: page.count(text) for n, text in notes.items()} == {n: texts.count(text) for n, text in notes.items()}
    assert 'class="footnote"' not in page and 'class="fn-call"' not in page
