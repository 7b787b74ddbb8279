"""The print view in headless Chromium: a browser's own "Print / Save as PDF" (page.pdf()), and the
same page read on screen, where notes follow each event and every in-page link lands somewhere.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess

import pytest
from sitehelp import served_build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def print_url(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("print")) as url:
        yield url + "print/index.html"


@pytest.fixture
def page(chromium_browser, print_url):
    context = chromium_browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(print_url)
    yield page
    context.close()


def _titles(page) -> list[str]:
    return [t.strip() for t in page.locator("article.print-event h3").all_inner_texts()]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_browser_print_has_no_navigation_and_every_event_in_order(page, tmp_path, unavailable):
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext not found: apt-get install poppler-utils")
    titles = _titles(page)
    assert len(titles) == 6, titles          # the fixture site's six events
    page.emulate_media(media="print")
    for chrome in (".site-header", ".skip-link", ".site-footer"):
        assert page.locator(chrome).is_hidden(), f"{chrome} shows in print"
    path = tmp_path / "browser.pdf"
    path.write_bytes(page.pdf(prefer_css_page_size=True, print_background=False))
    text = _squash(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    assert "Skip to content" not in text
    assert "Timeline Eras Themes Sources" not in text      # the site navigation, in its order
    body = text[text.find(titles[0], text.find("Contents") + len("Contents") + 1):]
    position = 0
    for title in titles:
        found = body.find(title, position)
        assert found >= 0, f"{title!r} missing from the browser's PDF, or out of order"
        position = found + 1
    # Browsers have no footnotes: the notes print after each event instead, so none is lost.
    assert "Mark Mancall, Russia and China" in text


def test_notes_follow_each_event_on_screen_and_each_is_in_the_page_once(page):
    assert page.locator(".print-notes").first.is_visible()
    assert page.locator(".footnote").count() == 0   # the PDF's footnotes are made from the lists
    notes = page.locator(".print-notes li").count()
    markers = page.evaluate("() => [...document.querySelectorAll('sup.noteref a')]"
                            ".filter(a => /^ref-\\d+$/.test(a.id)).length")
    assert notes == markers > 0
    for marker in page.locator("sup.noteref").all()[:3]:
        assert marker.is_visible()


def test_ids_are_unique_and_every_in_page_link_lands(page):
    problems = page.evaluate("""() => {
        const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
        const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
        const dangling = [...document.querySelectorAll('a[href^="#"]')]
            .map(a => a.getAttribute('href').slice(1))
            .filter(id => !document.getElementById(decodeURIComponent(id)));
        return {dupes, dangling};
    }""")
    assert problems == {"dupes": [], "dangling": []}


def test_a_note_marker_and_its_back_link_take_the_reader_there_and_back(page):
    marker = page.locator("sup.noteref a").nth(1)
    target = marker.get_attribute("href")
    marker.click()
    assert page.evaluate("location.hash") == target
    note = page.locator(target)
    assert note.is_visible() and note.evaluate("el => el.matches(':target')")
    back = note.locator("a.backref").first
    home = back.get_attribute("href")
    back.click()
    assert page.evaluate("location.hash") == home and page.locator(home).is_visible()
    assert page.evaluate("document.querySelector(location.hash).closest('sup.noteref') !== null")


def test_one_h1_and_headings_do_not_skip_levels(page):
    levels = page.evaluate("() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
