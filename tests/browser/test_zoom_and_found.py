"""The bundled site in its three editions at 200 % text on a phone (WCAG 1.4.4 and 1.4.10), and the
header's "N found" link, in headless Chromium.

Text-only zoom is emulated as the root font size at 200 % on a 320 px screen, and as a 160 px screen at
the default size (the same reflow at a 200 % page zoom of a 320 px one): neither may make a page of any
type wider than the screen, nor a skip link stick out past it or show under the header unfocused.
"""

from __future__ import annotations

import os

import pytest

from sitehelp import ROOT, served_build

pytestmark = pytest.mark.browser

EDITIONS = ["", "zh/", "ru/"]
PAGE_TYPES = ["index.html", "events/1689-treaty-of-nerchinsk/index.html", "eras/index.html",
              "eras/strategic-partnership/index.html", "themes/index.html", "themes/diplomacy/index.html",
              "sources/index.html", "map/index.html", "data/index.html", "method/index.html", "404.html"]
# (screen width, root font size): 200 % text on a phone, and the same reflow at the default size
ZOOMS = [(320, "200%"), (160, "100%")]


@pytest.fixture(scope="module")
def real_url(tmp_path_factory):
    """The bundled site, served under a sub-path (it takes a few seconds to build)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with served_build(tmp_path_factory.mktemp("zoom"), src=ROOT / "site_src") as url:
            os.chdir(cwd)
            yield url
    finally:
        os.chdir(cwd)


def new_page(browser, width, height=640):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


WIDE = """() => {
    const w = document.documentElement.clientWidth, wide = [];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width && r.right > w + 0.5 && !el.closest('.chart-scroll, .map-scroll, .table-scroll, svg'))
            wide.push(el.tagName.toLowerCase() + '.' + el.className + '#' + el.id + ' ' + Math.round(r.right));
    }
    return [document.documentElement.scrollWidth, w, wide.slice(0, 5)];
}"""

SKIP_LINKS = """() => [...document.querySelectorAll('.skip-link:not([hidden])')].map(a => {
    const before = a.getBoundingClientRect().bottom;
    a.focus();
    const r = a.getBoundingClientRect();
    a.blur();
    return [a.textContent, Math.round(before), Math.round(r.left), Math.round(r.right), Math.round(r.top)];
})"""


@pytest.mark.parametrize("width, size", ZOOMS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_no_page_is_wider_than_the_screen_at_200_percent_text(chromium_browser, real_url, edition, width, size):
    context, page, errors = new_page(chromium_browser, width)
    for path in PAGE_TYPES:
        page.goto(real_url + edition + path)
        page.add_style_tag(content=f"html {{ font-size: {size} !important; }}")
        scroll, screen, wide = page.evaluate(WIDE)
        assert scroll <= screen, f"{edition}{path} at {width} px, {size} text, is {scroll} px wide: {wide}"
        for text, unfocused_bottom, left, right, top in page.evaluate(SKIP_LINKS):
            # hidden whole until focused (at 200 % it takes two lines: a fixed offset left one showing)
            assert unfocused_bottom <= 0, f"{edition}{path}: {text!r} shows unfocused"
            # focused, inside the screen with room for its focus ring (3 px, 2 px from it)
            assert left >= 5 and right <= screen - 5 and top >= 5, f"{edition}{path}: {text!r} at {left}-{right}"
    context.close()
    assert errors == []


def active(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


@pytest.mark.parametrize("path, query", [("index.html", "treaty"), ("map/index.html", "treaty"),
                                         ("zh/index.html", "条约"), ("ru/index.html", "договор"),
                                         ("ru/map/index.html", "договор")])
def test_the_found_count_takes_the_keyboard_to_the_first_event_found(chromium_browser, real_url, path, query):
    context, page, errors = new_page(chromium_browser, 360, 740)
    page.goto(real_url + path)
    page.locator("#filter-q").fill(query)
    count = page.locator("#search-count")
    assert count.is_visible() and count.get_attribute("href") == "#timeline"
    count.focus()
    page.keyboard.press("Enter")
    first = page.locator("#timeline li.event:not([hidden]) a").first
    assert active(page) == first.inner_text().strip()
    box = first.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 740, "the first event found is not in view"
    # the next Tab goes on through what was found, not back to the filters above the list
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#timeline li.event:not([hidden])') !== null")
    # with nothing found it leads to the filters, which say so and are what to change
    page.locator("#filter-q").fill("zzzzqqq")
    assert count.get_attribute("href") == "#filters"
    context.close()
    assert errors == []


def zoomed(browser, url, width, size, height=700):
    context, page, errors = new_page(browser, width, height)
    page.goto(url)
    page.add_style_tag(content=f"html {{ font-size: {size} !important; }}")
    return context, page, errors


MARKER_BOTTOM = "document.getElementById('where').hidden ? 0 : document.getElementById('where').getBoundingClientRect().bottom"


def clear_of_marker(page, top: str, slack: float = 0) -> bool:
    """Whether the element whose top the expression gives is below the marker once the scroll and the marker have
    settled: a loaded machine may take longer than a frame to scroll and place it (up to 2 s)."""
    for _ in range(20):
        page.wait_for_timeout(100)
        if page.evaluate(top) >= page.evaluate(MARKER_BOTTOM) - slack:
            return True
    return False


@pytest.mark.parametrize("edition, query", [("", "treaty"), ("ru/", "договор")])
def test_at_200_percent_text_the_event_found_is_in_view_and_clear_of_the_marker(chromium_browser, real_url, edition, query):
    # the first era's heading and introduction fill a phone's screen at 200 %: the event found, focused
    # below them, was out of sight
    for go in ("Enter", "count"):
        context, page, errors = zoomed(chromium_browser, real_url + edition + "index.html", 320, "200%")
        page.locator("#filter-q").fill(query)
        page.locator("#filter-q").press("Enter") if go == "Enter" else page.locator("#search-count").click()
        page.wait_for_timeout(100)   # the marker is placed at the next frame
        box = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
        assert page.evaluate("document.activeElement.closest('#timeline li.event') !== null"), go
        assert page.evaluate(MARKER_BOTTOM) <= box["top"] and box["bottom"] <= 700, f"{go}: focused at {box}"
        context.close()
        assert errors == []


@pytest.mark.parametrize("width, size", [(320, "100%"), (320, "200%")])
def test_a_decade_link_lands_on_its_event_clear_of_the_marker(chromium_browser, real_url, width, size):
    # two lines of Russian in the marker (more at 200 %) covered the date of the event landed on
    for edition in EDITIONS:
        context, page, errors = zoomed(chromium_browser, real_url + edition + "index.html", width, size)
        page.locator(".decade-list summary").click()
        link = page.locator(".decade-list a").nth(20)
        target = link.get_attribute("href")
        link.click()
        date_top = f"document.querySelector('{target} .event-date').getBoundingClientRect().top"
        assert clear_of_marker(page, date_top), f"{edition}{target} at {width} px, {size} text"
        context.close()
        assert errors == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_at_200_percent_text_no_link_focused_going_up_the_list_is_under_the_marker(chromium_browser, real_url, edition):
    # WCAG 2.4.11 (test_reading.py checks the default text size): not even in part
    context, page, errors = zoomed(chromium_browser, real_url + edition + "index.html", 320, "200%")
    page.evaluate("document.querySelectorAll('#timeline .event-title a')[60].focus()")
    hidden = []
    for _ in range(25):
        page.keyboard.press("Shift+Tab")
        if not clear_of_marker(page, "document.activeElement.getBoundingClientRect().top", 0.5):
            hidden.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert hidden == [], f"focused links partly under the marker: {hidden}"
    context.close()
    assert errors == []
