"""What keeps the long pages fast on a slow phone (issue 19, Lighthouse on mobile), checked in a real
browser on the bundled site: nothing moves while the script starts, the long lists are laid out only
near the screen (yet print whole and can be reached by their links), and the search text is built on
the first search rather than at load."""

from __future__ import annotations

import re

import pytest

from sitehelp import AXE
from test_reading import new_page, real_url  # noqa: F401 - real_url is a fixture

PHONE = {"width": 412, "height": 823}   # Lighthouse's mobile screen

# Sums the page's layout shifts not caused by the reader (what Lighthouse counts as CLS).
WATCH_SHIFTS = """
window.__shifts = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts += e.value;
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("path", ["index.html", "map/index.html"])
@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_the_page_does_not_shift_when_its_script_shows_the_search_and_filters(chromium_browser, real_url, path,
                                                                              width):
    context, page, errors = new_page(chromium_browser, width, PHONE["height"])
    page.add_init_script(WATCH_SHIFTS)

    def late_script(route):   # as on a slow phone: the page is painted before its script runs
        page.wait_for_timeout(400)
        route.continue_()

    page.route("**/timeline.js*", late_script)
    page.goto(real_url + path, wait_until="load")
    assert page.locator("#filters").is_visible() and page.locator("#filter-q").is_visible()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__shifts") < 0.01
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def stalling_url(real_url):
    """The bundled site again, through a server that sends a page in two parts with a pause between them
    (`?stall=<byte offset>`), as a slow network does: the browser paints the first part before the rest."""
    import functools
    import http.server
    import threading
    import time
    import urllib.request

    class Stalling(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path, _, stall = self.path.partition("?stall=")
            with urllib.request.urlopen(real_url + path.removeprefix("/")) as answer:
                body, kind = answer.read(), answer.headers["Content-Type"]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            at = int(stall or 0)
            self.wfile.write(body[:at])
            self.wfile.flush()
            time.sleep(0.3 if stall else 0)
            self.wfile.write(body[at:])

        def log_message(self, format, *args):  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def header_stalls(html: bytes) -> list[int]:
    """Where a slow network could pause inside the header: before each of its parts, and after the first
    link of each menu (a menu cut short is narrow enough to fit where the whole one does not)."""
    start, end = html.index(b'<header class="site-header">'), html.index(b"</header>")
    header = html[start:end]
    parts = [m.start() for m in re.finditer(rb"<(?:div|nav)\b", header)]
    second_links = [m.start(1) for m in re.finditer(rb"<nav\b.*?<li\b.*?(<li\b)", header, re.S)]
    return sorted(start + at for at in parts + second_links)


@pytest.mark.parametrize("path", ["index.html", "ru/eras/index.html"])
@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_the_header_does_not_move_while_the_page_arrives(chromium_browser, stalling_url, real_url, path, width):
    import urllib.request

    with urllib.request.urlopen(real_url + path) as answer:
        stalls = header_stalls(answer.read())
    assert len(stalls) >= 4
    moved = {}
    for at in stalls:
        context, page, errors = new_page(chromium_browser, width, PHONE["height"])
        page.add_init_script(WATCH_SHIFTS)
        page.goto(f"{stalling_url}{path}?stall={at}", wait_until="load")
        page.wait_for_timeout(100)
        moved[at] = page.evaluate("window.__shifts")
        context.close()
        assert errors == []
    assert max(moved.values()) < 0.003, moved   # each failed with 0.007 to 0.028 before


def rendered(page, selector: str, index: int) -> bool:
    """Whether the browser lays out and paints that element's content now (content-visibility: auto
    skips what an element holds, not its own box)."""
    return page.locator(selector).nth(index).evaluate(
        "e => e.querySelector('*').checkVisibility({contentVisibilityAuto: true})")


@pytest.mark.parametrize("path, selector", [
    ("index.html", "#timeline li.event"),
    ("sources/index.html", "ol.bibliography > li"),
    ("print/index.html", ".print-event"),
    ("print/index.html", ".print-bibliography li"),
])
def test_a_long_list_is_laid_out_near_the_screen_only_and_whole_on_paper(chromium_browser, real_url, path, selector):
    context, page, errors = new_page(chromium_browser, **PHONE)
    page.goto(real_url + path)
    page.wait_for_timeout(200)
    assert not rendered(page, selector, -1), "the last item, far below the screen, is laid out"
    # skipped, not removed: its text is in the page (innerText, which follows rendering, is empty)
    assert page.locator(selector).nth(-1).text_content().strip()
    page.emulate_media(media="print")
    assert rendered(page, selector, -1), "on paper every item must be laid out"
    context.close()
    assert errors == []


def test_a_link_to_a_far_bibliography_entry_lands_on_it(chromium_browser, real_url):
    context, page, errors = new_page(chromium_browser, **PHONE)
    page.goto(real_url + "sources/index.html")
    entries = page.locator("ol.bibliography > li")
    far = entries.count() * 3 // 4    # (the last one cannot scroll to the top of the screen)
    key = entries.nth(far).get_attribute("id")
    page.goto(real_url + f"sources/index.html#{key}")
    page.wait_for_timeout(300)
    top = page.locator(f"#{key}").evaluate("e => e.getBoundingClientRect().top")
    assert abs(top) < 5 and rendered(page, "ol.bibliography > li", far)
    context.close()
    assert errors == []


# Records the length of every text JSON.parse is given, to see when the search data is read.
WATCH_PARSE = """
window.__parsed = [];
const parse = JSON.parse;
JSON.parse = function (text, reviver) { window.__parsed.push(String(text).length); return parse(text, reviver); };
"""


def test_the_search_text_is_read_on_the_first_search_not_at_load(chromium_browser, real_url):
    context, page, errors = new_page(chromium_browser, **PHONE)
    page.add_init_script(WATCH_PARSE)
    page.goto(real_url + "index.html", wait_until="load")
    size = page.evaluate("document.getElementById('search-data').textContent.length")
    assert size > 10_000 and size not in page.evaluate("window.__parsed")
    page.fill("#filter-q", "договор")   # "treaty" in Russian: the search reads the events' other names
    assert page.locator("#search-count").inner_text() not in ("", "0 found")
    assert page.evaluate("window.__parsed").count(size) == 1
    page.fill("#filter-q", "nerchinsk")
    assert page.evaluate("window.__parsed").count(size) == 1, "the search data is read once"
    context.close()
    assert errors == []


@pytest.mark.parametrize("path", ["index.html", "sources/index.html", "print/index.html"])
def test_skipped_boxes_never_make_links_overlap_for_tools_that_measure_them(chromium_browser, real_url, path):
    # A box skipped by content-visibility stands in with a guessed height; if the guess were short,
    # its links, measured by a tool, would overlap the next box's (Lighthouse's tap-target audit).
    context, page, errors = new_page(chromium_browser, **PHONE)
    page.goto(real_url + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['target-size']})")
    assert [n["target"] for v in result["violations"] for n in v["nodes"]] == []
    assert result["passes"], "axe found no targets to check"
    context.close()
    assert errors == []
