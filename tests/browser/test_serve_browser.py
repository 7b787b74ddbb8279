"""End to end: the live preview in headless Chromium, built by the real engine."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from timeline.serve import OVERLAY_ID, PreviewServer

pytestmark = pytest.mark.browser

SITE = {
    "site.yaml": """\
title: Preview test timeline
subtitle: A small site for the live preview test
language: en
author: Test editors
span: {start: 1689, end: 2025}
themes:
  - {id: territory, label: Territory, colour: "#8c510a", description: Borders.}
  - {id: diplomacy, label: Diplomacy, colour: "#2166ac", description: Treaties.}
eras:
  - {id: early, label: Early, start: 1689, end: 1916, intro: The early period.}
  - {id: late, label: Late, start: 1917, end: 2025, intro: The late period.}
""",
    "sources.yaml": """\
mancall-1971:
  type: book
  title: "Russia and China: Their Diplomatic Relations to 1728"
  author: [{family: Mancall, given: Mark}]
  publisher: Harvard University Press
  issued: 1971
""",
    "events/1689-treaty-of-nerchinsk.yaml": """\
title: {title}
date: 1689-08-27
themes: [territory, diplomacy]
significance: major
summary: The first treaty between the Qing and Russia [@mancall-1971].
""",
}
EVENT = "events/1689-treaty-of-nerchinsk.yaml"


def write_site(src: Path, title: str) -> Path:
    for name, text in SITE.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text.replace("{title}", title), encoding="utf-8")
    return src


@contextlib.contextmanager
def previewing(src: Path, out: Path, templates: Path | None = None):
    """The preview of src as `timeline serve` runs it (its builder), its log kept as server.log_text."""
    from timeline.build import default_templates
    from timeline.cli import preview_builder

    templates = templates or default_templates(src)
    out.mkdir()
    log = io.StringIO()
    with PreviewServer(preview_builder(src, templates, out), out, watch=[src, templates], log=log) as server:
        server.log_text = log
        yield server


@pytest.fixture
def preview(tmp_path):
    src = write_site(tmp_path / "site_src", "Treaty of Nerchinsk")
    with previewing(src, tmp_path / "preview") as server:
        yield server, src


def test_saves_reload_open_pages_and_errors_show_until_fixed(chromium_browser, preview):
    from playwright.sync_api import expect

    server, src = preview
    assert server.errors == [], server.log_text.getvalue()
    context = chromium_browser.new_context()
    try:
        home = context.new_page()
        home.goto(server.url)
        expect(home.locator("body")).to_contain_text("Treaty of Nerchinsk")
        event_page = context.new_page()
        event_page.goto(server.url + "events/1689-treaty-of-nerchinsk/")
        expect(event_page.locator("h1")).to_contain_text("Treaty of Nerchinsk")

        # the pages are not touched again: the reload script alone must bring each change
        write_site(src, "Treaty of Nerchinsk and the Argun border")
        expect(home.locator("body")).to_contain_text("Treaty of Nerchinsk and the Argun border", timeout=10_000)
        expect(event_page.locator("h1")).to_contain_text("and the Argun border", timeout=10_000)

        (src / EVENT).write_text(SITE[EVENT].replace("{title}", '"Treaty of Nerchinsk'), encoding="utf-8")
        for page in (home, event_page):
            overlay = page.locator(f"#{OVERLAY_ID}")
            expect(overlay).to_be_visible(timeout=10_000)
            expect(overlay).to_contain_text(re.compile(r"1689-treaty-of-nerchinsk\.yaml:\d+"))
            expect(overlay).to_contain_text("YAML")
        # over the last good site
        expect(home.locator("body")).to_contain_text("Treaty of Nerchinsk and the Argun border")
        assert "1689-treaty-of-nerchinsk.yaml:" in server.log_text.getvalue()

        write_site(src, "Treaty of Nerchinsk, fixed")
        for page in (home, event_page):
            expect(page.locator(f"#{OVERLAY_ID}")).to_have_count(0, timeout=10_000)
        expect(home.locator("body")).to_contain_text("Treaty of Nerchinsk, fixed")
        expect(event_page.locator("h1")).to_contain_text("Treaty of Nerchinsk, fixed")
    finally:
        context.close()


def test_the_404_page_at_a_nested_address_is_styled_in_its_language_and_its_links_work(chromium_browser, tmp_path):
    from support import multilingual

    with previewing(multilingual(tmp_path / "site_src"), tmp_path / "preview") as server:
        context = chromium_browser.new_context(viewport={"width": 360, "height": 640})
        failed = []
        try:
            page = context.new_page()
            page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and r.request.resource_type != "document" else None)
            response = page.goto(server.url + "zh/events/nope/")
            assert response.status == 404 and page.locator("html").get_attribute("lang") == "zh-Hans"
            page.wait_for_load_state("load")
            # the theme's stylesheet applies (the skip link is moved out of sight until focused)
            assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
            assert failed == []
            home = page.locator("main a").filter(has_text="完整的时间线")   # "the whole timeline"
            assert home.count() == 1
            home.click()
            page.wait_for_url(server.url + "zh/index.html")
            assert page.locator("html").get_attribute("lang") == "zh-Hans"
        finally:
            context.close()


def test_the_error_overlay_hides_no_focus_stop_on_a_phone_and_closes_from_the_keyboard(chromium_browser, tmp_path):
    """At 360 px the overlay of a failed build covers none of the page's focus stops (each Tab lands
    on something in sight), says its English in English on a Chinese page, is announced as an alert
    once the page has loaded, and closes with its button or Esc."""
    from playwright.sync_api import expect

    from support import multilingual

    src = multilingual(tmp_path / "site_src")
    with previewing(src, tmp_path / "preview") as server:
        context = chromium_browser.new_context(viewport={"width": 360, "height": 640})
        try:
            page = context.new_page()
            page.goto(server.url + "zh/events/1689-treaty-of-nerchinsk/")
            (src / "events" / "1689-treaty-of-nerchinsk.yaml").write_text('title: "unclosed\n', encoding="utf-8")
            overlay = page.locator(f"#{OVERLAY_ID}")
            expect(overlay).to_be_visible(timeout=10_000)
            assert page.locator("html").get_attribute("lang") == "zh-Hans"
            assert overlay.evaluate("e => e.closest('[lang]').getAttribute('lang')") == "en"
            expect(page.get_by_role("alert")).to_contain_text("1689-treaty-of-nerchinsk.yaml", timeout=5_000)
            expect(page.get_by_role("region", name=re.compile("^Build failed"))).to_have_count(1)
            close = overlay.get_by_role("button", name=re.compile("close", re.I))
            expect(close).to_have_count(1)

            covered = []
            for _ in range(60):
                page.keyboard.press("Tab")
                focused = page.evaluate("""() => {
                    const e = document.activeElement, r = e.getBoundingClientRect();
                    const o = document.getElementById('%s').getBoundingClientRect();
                    return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 30), mine: !!e.closest('#%s'),
                            hidden: r.bottom > o.top && r.top < o.bottom || r.top < 0 || r.bottom > innerHeight}; }"""
                                        % (OVERLAY_ID, OVERLAY_ID))
                if focused["mine"]:
                    break
                if focused["hidden"]:
                    covered.append(focused)
            assert covered == [], covered
            assert page.evaluate("document.activeElement.tagName") == "BUTTON"   # the close button, last

            page.keyboard.press("Escape")
            expect(overlay).to_have_count(0)
            assert page.evaluate("document.documentElement.style.scrollPaddingBottom") == ""
            page.evaluate("scrollTo(0, 0)")
            page.locator(".site-title a").focus()   # in sight: closed, the overlay scrolls nothing any more
            assert page.evaluate("scrollY") == 0
            page.reload()
            expect(overlay).to_be_visible()
            close.focus()
            page.keyboard.press("Enter")
            expect(overlay).to_have_count(0)
        finally:
            context.close()
