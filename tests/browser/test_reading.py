"""The reader on a phone, with a keyboard and with a year in mind (issue 19, items 1-5), in headless
Chromium: no page scrolls sideways, the chart is one Tab stop and names the mark in hand, a year is
two actions away with or without JavaScript, and the home and event pages put first things first.

The fixture site has six events (see test_reader.py); the no-sideways-scrolling checks also run on
the bundled site, whose bibliography has the long web addresses that once made pages 1,032 px wide.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitehelp import ROOT, SCREENSHOTS, served_build

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "index.html",
    "event": "events/1950-treaty-of-alliance/index.html",
    "era": "eras/early/index.html",
    "eras": "eras/index.html",
    "theme": "themes/territory/index.html",
    "themes": "themes/index.html",
    "sources": "sources/index.html",
    "page": "about/index.html",
    "404": "404.html",
    "print": "print/index.html",
}
# The bundled site's pages most at risk: long addresses, long names, the longest era menu.
REAL_PAGES = ["index.html", "sources/index.html", "events/1689-treaty-of-nerchinsk/index.html",
              "eras/strategic-partnership/index.html", "about/index.html", "print/index.html"]
WIDTHS = [320, 360, 1280]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("reading")) as url:
        yield url


@pytest.fixture(scope="module")
def real_url(tmp_path_factory):
    """The bundled site, built and served like the fixture (it takes a few seconds)."""
    import functools
    import http.server
    import threading

    from timeline.build import build_site

    folder = tmp_path_factory.mktemp("real")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = build_site(Path("site_src"), folder / "site", templates=ROOT / "templates")
    finally:
        os.chdir(cwd)
    assert result.ok, [str(d) for d in result.diagnostics]

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/site/"
    server.shutdown()
    server.server_close()
    thread.join(5)


def new_page(browser, width=1280, height=800, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def overflow(page) -> tuple[int, int, list[str]]:
    """The page's width, the screen's, and what sticks out past the right edge (for the message)."""
    return page.evaluate("""() => {
        const w = innerWidth, wide = [];
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > w + 0.5 && !el.closest('.chart-scroll, .table-scroll') && wide.length < 5)
                wide.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(r.right));
        }
        return [document.scrollingElement.scrollWidth, w, wide];
    }""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_of_any_type_is_wider_than_the_screen(chromium_browser, site_url, width, scheme):
    context, page, errors = new_page(chromium_browser, width, color_scheme=scheme)
    for name, path in PAGE_TYPES.items():
        page.goto(site_url + path)
        scroll, screen, wide = overflow(page)
        assert scroll <= screen, f"{name} at {width} px ({scheme}) is {scroll} px wide: {wide}"
    context.close()
    assert errors == []


@pytest.mark.parametrize("width", [320, 360])
def test_no_page_of_the_bundled_site_is_wider_than_a_phone(chromium_browser, real_url, width):
    context, page, errors = new_page(chromium_browser, width, color_scheme="dark")
    for path in REAL_PAGES:
        page.goto(real_url + path)
        scroll, screen, wide = overflow(page)
        assert scroll <= screen, f"{path} at {width} px is {scroll} px wide: {wide}"
    # the filter form with its era menu, opened by a search, stays inside the screen too
    page.goto(real_url + "index.html?q=treaty")
    assert page.locator("#filter-era").is_visible()
    box = page.locator("#filter-era").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert overflow(page)[0] <= width
    context.close()
    assert errors == []


def tab_to(page, test: str, limit: int = 40) -> int:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(test):
            return presses
    return limit + 1


def test_the_search_box_is_at_most_five_tab_presses_from_the_top(chromium_browser, site_url):
    for width in (360, 1280):
        context, page, errors = new_page(chromium_browser, width)
        page.goto(site_url + "index.html")
        presses = tab_to(page, "document.activeElement.id === 'filter-q'")
        assert presses <= 5, f"{presses} Tab presses to the search box at {width} px"
        assert page.locator("#filter-q").is_visible()
        page.keyboard.type("kyakhta")
        assert page.locator("#timeline li.event:visible .event-title").all_inner_texts() == ["Treaty of Kyakhta"]
        assert page.locator("#search-count").inner_text() == "1 found"
        context.close()
        assert errors == []


def test_skip_links_reach_the_search_and_the_timeline(chromium_browser, site_url):
    context, page, errors = new_page(chromium_browser)
    page.goto(site_url + "index.html")
    assert tab_to(page, "document.activeElement.textContent === 'Skip to search'", 3) <= 3
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "filter-q"
    page.goto(site_url + "index.html")
    assert tab_to(page, "document.activeElement.textContent === 'Skip to the timeline'", 3) <= 3
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#timeline"
    # the next Tab goes into the list of events, past the header, the charts and the filters
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#timeline') !== null")
    # from the filters, far down the page, a link leads back up to the search box
    page.locator("#filter-q-hint a").click()
    assert page.evaluate("document.activeElement.id") == "filter-q"
    assert in_view(page, "#filter-q")
    context.close()
    assert errors == []


def chart_state(page):
    return page.evaluate("""() => [document.activeElement.getAttribute('data-event'),
        document.getElementById('overview-label').innerText]""")


def test_the_chart_is_one_tab_stop_and_the_arrow_keys_move_through_it_in_time_order(chromium_browser, site_url):
    context, page, errors = new_page(chromium_browser)
    page.goto(site_url + "index.html")
    assert tab_to(page, "document.activeElement.matches('.overview-chart a.mark')") <= 20
    assert chart_state(page) == ["1689-treaty-of-nerchinsk", "Treaty of Nerchinsk, 27 August (6 September N.S.) 1689"
                                 " (Territory, Diplomacy; major)"]
    assert page.locator("#overview-label").is_visible()
    page.keyboard.press("ArrowRight")
    assert chart_state(page)[0] == "1727-treaty-of-kyakhta"
    assert chart_state(page)[1].startswith("Treaty of Kyakhta, 1727")
    page.keyboard.press("ArrowDown")
    assert chart_state(page)[0] == "1864-year-only"
    page.keyboard.press("End")
    assert chart_state(page)[0] == "1969-zhenbao-island"
    page.keyboard.press("ArrowRight")                    # stays on the last
    assert chart_state(page)[0] == "1969-zhenbao-island"
    page.keyboard.press("ArrowLeft")
    assert chart_state(page)[0] == "1950-treaty-of-alliance"
    page.keyboard.press("Home")
    assert chart_state(page)[0] == "1689-treaty-of-nerchinsk"
    page.keyboard.press("ArrowRight")
    # one Tab leaves the chart: no other mark is a tab stop ...
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.overview-chart')") is None
    # ... and Shift+Tab comes back to the mark last in hand, which Enter opens
    page.keyboard.press("Shift+Tab")
    assert chart_state(page)[0] == "1727-treaty-of-kyakhta"
    page.keyboard.press("Enter")
    page.wait_for_url("**/events/1727-treaty-of-kyakhta/index.html")
    context.close()
    assert errors == []


def test_a_tapped_mark_shows_its_label_and_a_second_tap_opens_it(chromium_browser, site_url):
    context, page, errors = new_page(chromium_browser, 360, has_touch=True, is_mobile=True)
    page.goto(site_url + "index.html")
    mark = page.locator('.overview-chart a.mark[data-event="1950-treaty-of-alliance"]')
    box = mark.locator("circle.hit").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, "a tap target under 24 px"
    mark.scroll_into_view_if_needed()
    mark.locator("circle.hit").tap()
    label = page.locator("#overview-label")
    assert label.is_visible()
    assert label.inner_text().startswith("Treaty of Friendship, Alliance and Mutual Assistance, 14 February 1950")
    assert page.url.endswith("/index.html"), "the first tap opened the event instead of naming it"
    # tapping another mark names that one instead
    page.locator('.overview-chart a.mark[data-event="1969-zhenbao-island"] circle.hit').tap()
    assert label.inner_text().startswith("Clashes on Zhenbao Island")
    assert page.url.endswith("/index.html")
    page.locator('.overview-chart a.mark[data-event="1969-zhenbao-island"] circle.hit').tap()
    page.wait_for_url("**/events/1969-zhenbao-island/index.html")
    page.go_back()
    # the label's own link opens the event too
    page.locator('.overview-chart a.mark[data-event="1727-treaty-of-kyakhta"] circle.hit').tap()
    page.locator("#overview-label a").tap()
    page.wait_for_url("**/events/1727-treaty-of-kyakhta/index.html")
    context.close()
    assert errors == []


def in_view(page, selector: str) -> bool:
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight; }""", selector)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_year_is_two_actions_from_the_first_screen_with_javascript(chromium_browser, site_url, width):
    context, page, errors = new_page(chromium_browser, width)
    page.goto(site_url + "index.html")
    year = page.get_by_label("Go to a year")
    assert in_view(page, "#year-input"), "the year box is not on the first screen"
    year.fill("1969")                                                  # action 1
    year.press("Enter")                                                # action 2
    assert in_view(page, "#e-1969-zhenbao-island")
    assert page.evaluate("document.activeElement.closest('li').id") == "e-1969-zhenbao-island"
    assert page.locator("#year-result").inner_text() == "1969: 1 event."
    # a year with no event lands on the nearest one that has (1860 -> the two events of 1864)
    page.evaluate("scrollTo(0, 0)")
    year.fill("1860")
    year.press("Enter")
    assert page.evaluate("document.activeElement.closest('li').id") == "e-1864-year-only"
    assert in_view(page, "#e-1864-year-only")
    assert page.locator("#year-result").inner_text() == "Nothing listed in 1860; the nearest is 1864: 2 events."
    # nonsense is answered, not obeyed
    year.fill("")
    year.press("Enter")
    assert page.locator("#year-result").inner_text().startswith("Type a year")
    context.close()
    assert errors == []


def test_a_year_jump_never_lands_on_an_event_the_filters_hide(chromium_browser, site_url):
    # With a search that finds nothing, the jump said "1864: 2 events." of two hidden events and
    # focused neither: it now says what the filters say, and the focus stays in the year box.
    context, page, errors = new_page(chromium_browser, 320, 640)
    page.goto(site_url + "index.html?q=nosuchword")
    year = page.get_by_label("Go to a year")
    year.fill("1864")
    year.press("Enter")
    assert page.locator("#year-result").inner_text() == page.locator("#filter-empty").inner_text()
    assert page.evaluate("document.activeElement.id") == "year-input"
    # a filter that leaves some events: the jump goes among those only (1864 -> the one of 1950)
    page.goto(site_url + "index.html?q=alliance")
    year.fill("1864")
    year.press("Enter")
    assert page.evaluate("document.activeElement.closest('li').id") == "e-1950-treaty-of-alliance"
    assert page.locator("#year-result").inner_text() == "Nothing listed in 1864; the nearest is 1950: 1 event."
    context.close()
    assert errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_a_decade_is_two_actions_from_the_first_screen_without_javascript(chromium_browser, site_url, width):
    context, page, _ = new_page(chromium_browser, width, java_script_enabled=False)
    page.goto(site_url + "index.html")
    assert page.locator("#year-jump").is_hidden()       # the year box needs the script
    summary = page.get_by_text("Events by decade")
    assert in_view(page, ".decade-list summary"), "the decade list is not on the first screen"
    summary.click()                                              # action 1
    links = page.locator(".decade-list a")
    assert links.all_inner_texts() == ["1680s (1)", "1720s (1)", "1860s (2)", "1950s (1)", "1960s (1)"]
    links.nth(2).click()                                         # action 2
    assert page.evaluate("location.hash") == "#e-1864-year-only"
    assert in_view(page, "#e-1864-year-only")
    context.close()


def test_a_decade_bar_takes_the_reader_to_that_decade(chromium_browser, site_url):
    context, page, errors = new_page(chromium_browser)
    page.goto(site_url + "index.html")
    page.locator('.decades-chart a.mark[href="#e-1950-treaty-of-alliance"] rect.hit').click()
    assert page.evaluate("location.hash") == "#e-1950-treaty-of-alliance"
    assert in_view(page, "#e-1950-treaty-of-alliance")
    context.close()
    assert errors == []


def test_a_marker_names_the_era_and_year_while_the_list_scrolls(chromium_browser, real_url):
    context, page, errors = new_page(chromium_browser, 360, 640)
    page.goto(real_url + "index.html")
    where = page.locator("#where")
    assert where.is_hidden()                         # not over the header and charts
    page.evaluate("document.getElementById('e-1860-convention-of-peking').scrollIntoView()")
    page.wait_for_function("document.getElementById('where').textContent === 'New borders and railways · 1860'")
    assert where.is_visible() and where.bounding_box()["y"] == 0          # pinned to the top of the screen
    page.evaluate("document.getElementById('e-1969-zhenbao-island-clash').scrollIntoView()")
    page.wait_for_function("document.getElementById('where').textContent === 'The split · 1969'")
    page.evaluate("scrollTo(0, 0)")
    page.wait_for_function("document.getElementById('where').hidden")
    context.close()
    assert errors == []


def test_the_home_page_shows_major_events_in_full_and_the_others_by_title(chromium_browser, site_url):
    context, page, errors = new_page(chromium_browser)
    page.goto(site_url + "index.html")
    shown = page.locator("#timeline li.event .event-summary:visible")
    assert [s.evaluate("e => e.closest('li').id") for s in shown.all()] == [
        "e-1689-treaty-of-nerchinsk", "e-1950-treaty-of-alliance"]
    # every other event is one click from its page, and all six are in the list
    titles = page.locator("#timeline li.event .event-title a:visible")
    assert titles.count() == 6
    # a search shows the summaries of what it finds
    page.get_by_label("Search", exact=True).fill("kyakhta")
    assert page.locator("#e-1727-treaty-of-kyakhta .event-summary").is_visible()
    # and each era links to its own page, where every event has its summary
    page.get_by_label("Search", exact=True).fill("")
    assert page.locator(".era-all a").all_inner_texts() == [
        "All 4 events of Early, with their summaries", "All 2 events of Late, with their summaries"]
    page.locator("#era-late .era-all a").click()
    page.wait_for_url("**/eras/late/index.html")
    assert page.locator("li.event .event-summary:visible").count() == 2
    context.close()
    assert errors == []


def characters_per_line(page, selector: str) -> int:
    """The most characters on one rendered line of the element's text."""
    return page.evaluate("""s => {
        const el = document.querySelector(s), range = document.createRange(), lines = new Map();
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.length; i++) {
                range.setStart(node, i); range.setEnd(node, i + 1);
                const r = range.getClientRects()[0];
                if (r) { const top = Math.round(r.top); lines.set(top, (lines.get(top) || 0) + 1); }
            }
        }
        return Math.max(...lines.values());
    }""", selector)


def test_lines_of_text_on_the_home_page_keep_to_about_seventy_characters(chromium_browser, real_url):
    context, page, errors = new_page(chromium_browser, 1280)
    page.goto(real_url + "index.html")
    for selector in ("#e-1858-treaty-of-aigun .event-summary", ".era-intro", ".lede"):
        assert characters_per_line(page, selector) <= 80, selector
    context.close()
    assert errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_an_event_page_shows_its_summary_in_the_first_screen(chromium_browser, real_url, width):
    context, page, errors = new_page(chromium_browser, width, 640)
    # the event with the longest fact table: Julian date, place, Chinese and Russian names, three themes
    page.goto(real_url + "events/1689-treaty-of-nerchinsk/index.html")
    summary = page.locator(".event-page .summary")
    assert summary.bounding_box()["y"] + 40 < 640, "the summary starts below the first screen"
    assert page.evaluate("""() => document.querySelector('.event-page .summary')
        .compareDocumentPosition(document.querySelector('dl.facts')) & Node.DOCUMENT_POSITION_FOLLOWING""")
    context.close()
    assert errors == []


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_bundled_site_for_a_person_to_look_at(chromium_browser, real_url, width, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page, errors = new_page(chromium_browser, width, color_scheme=scheme)
    for name, path in [("real-home", "index.html"), ("real-event", "events/1858-treaty-of-aigun/index.html"),
                       ("real-sources", "sources/index.html")]:
        page.goto(real_url + path)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"))
    page.goto(real_url + "index.html")
    page.locator(".overview-chart").scroll_into_view_if_needed()
    page.locator(".overview-chart a.mark").first.focus()
    page.keyboard.press("End")
    page.locator(".overview").screenshot(path=str(SCREENSHOTS / f"real-chart-{width}-{scheme}.png"))
    context.close()
    assert errors == []


@pytest.mark.parametrize("edition", ["", "ru/"])
def test_a_link_focused_going_up_the_list_is_never_under_the_era_marker(chromium_browser, real_url, edition):
    # WCAG 2.4.11: Shift+Tab scrolls each link in the list to the top of the screen, where the marker
    # pinned there (two lines of Russian on a phone) once hid it whole
    context, page, errors = new_page(chromium_browser, 360, 740)
    page.goto(real_url + edition + "index.html")
    page.evaluate("document.querySelectorAll('#timeline .event-title a')[60].focus()")
    hidden = []
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        focus, marker = page.evaluate("""() => [document.activeElement.getBoundingClientRect().toJSON(),
            document.getElementById('where').hidden ? null : document.getElementById('where').getBoundingClientRect().toJSON()]""")
        if marker and focus["bottom"] <= marker["bottom"] + 1:
            hidden.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert hidden == [], f"focused links wholly under the marker: {hidden}"
    context.close()
    assert errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_enter_in_the_search_box_takes_the_keyboard_to_the_first_event_found(chromium_browser, site_url, width):
    context, page, errors = new_page(chromium_browser, width)
    page.goto(site_url + "index.html")
    page.locator("#filter-q").fill("treaty")
    page.locator("#filter-q").press("Enter")
    first = page.locator("#timeline li.event:visible .event-title a").first
    assert page.evaluate("document.activeElement.textContent.trim()") == first.inner_text()
    assert in_view(page, "#timeline li.event:not([hidden]) .event-title a")
    # the next Tab goes on through what was found, not back up to the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#timeline li.event:not([hidden])') !== null")
    # a search that finds nothing leaves the keyboard in the box, to change it
    page.locator("#filter-q").fill("zzzz")
    page.locator("#filter-q").press("Enter")
    assert page.evaluate("document.activeElement.id") == "filter-q"
    context.close()
    assert errors == []
