"""timelinejs.json opens in TimelineJS3 itself (npm @knight-lab/timelinejs) in headless Chromium.

The page, the data and the library are served from loopback; every other request is refused so the
test cannot pass or hang on the network.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest

from timeline.build import render_site

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DIST = HERE / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
GOOD = ROOT / "tests" / "fixtures" / "good" / "site_src"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="tljs/css/timeline.css">
<script src="tljs/js/timeline.js"></script>
</head><body>
<div id="timeline" style="width: 1100px; height: 650px"></div>
<script>
fetch("timelinejs.json").then(r => r.json()).then(data => {
  window.tl = new TL.Timeline("timeline", data, {script_path: new URL("tljs/js/", location.href).href, language: "en"});
  window.tl.on("loaded", () => { window.tlLoaded = true; });
}).catch(e => { window.tlError = String(e); });
</script>
</body></html>
"""

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory, unavailable):
    if not (DIST / "js" / "timeline.js").is_file():
        unavailable(f"{DIST} missing: (cd tests/browser && npm install --no-audit --no-fund)")
    result = render_site(GOOD, base_url="https://example.org/sub/")
    assert result.ok, result.diagnostics
    root = tmp_path_factory.mktemp("tljs")
    (root / "timelinejs.json").write_bytes(result.files["timelinejs.json"])
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    shutil.copytree(DIST, root / "tljs")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", json.loads(result.files["timelinejs.json"])
    server.shutdown()
    server.server_close()


def _loaded(browser, url: str):
    """A page with TimelineJS loaded from url (nothing fetched from elsewhere), and the list its script
    errors go to."""
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
    page.goto(url)
    page.wait_for_function("window.tlLoaded === true || window.tlError !== undefined", timeout=20000)
    assert page.evaluate("window.tlError") is None
    return page, errors


def test_timelinejs_renders_a_slide_and_a_marker_for_every_event(chromium_browser, served):
    url, data = served
    page, errors = _loaded(chromium_browser, url)
    try:
        ids = [e["unique_id"] for e in data["events"]]
        assert len(ids) >= 3
        page.wait_for_function(f"document.querySelectorAll('.tl-timemarker').length >= {len(ids)}", timeout=10000)
        assert page.locator(".tl-timemarker").count() == len(ids)
        # the title slide comes first, then one slide per event
        assert page.locator(".tl-slide").count() == len(ids) + 1
        for ident in ids:
            assert page.locator(f"[id='{ident}']").count() == 1, ident
            assert page.locator(f"[id='{ident}-marker']").count() == 1, ident
        headlines = page.eval_on_selector_all(".tl-timemarker .tl-headline", "els => els.map(e => e.textContent)")
        assert sorted(headlines) == sorted(e["text"]["headline"] for e in data["events"])
        nerchinsk = page.locator("[id='1689-treaty-of-nerchinsk'] .tl-headline-date").first.text_content()
        assert "6 September N.S." in nerchinsk
        assert page.locator(".tl-timeera").count() == len(data["eras"])
        assert page.locator(".tl-message-full").count() == 0 or not page.locator(".tl-message-full").is_visible()
        assert errors == []
    finally:
        page.close()


def test_timelinejs_shows_the_note_of_a_stale_title_slide_and_era_band_in_a_translated_edition(
        chromium_browser, unavailable, tmp_path):
    """The note is HTML in fields TimelineJS puts into the page as HTML: shown as text, no markup."""
    import sys
    sys.path.insert(0, str(ROOT / "tests"))
    import test_stale_marks as marks
    if not (DIST / "js" / "timeline.js").is_file():
        unavailable(f"{DIST} missing: (cd tests/browser && npm install --no-audit --no-fund)")
    out = marks._build(tmp_path, stale=True)
    (out / "ru" / "index.html").write_text(PAGE.replace('language: "en"', 'language: "ru"'), encoding="utf-8")
    shutil.copytree(DIST, out / "ru" / "tljs")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out / "ru")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    page, errors = _loaded(chromium_browser, url)
    try:
        eras = page.eval_on_selector_all(".tl-timeera .tl-headline", "els => els.map(e => e.textContent)")
        assert sorted(eras) == ["Поздний период " + marks.NOTE["ru"], "Ранний период"]
        assert page.locator(".tl-timeera .tl-headline em.stale").count() == 1
        title = page.locator(".tl-slide-titleslide .tl-text-content").first.text_content()
        assert title.strip() == "Небольшой сайт для тестов " + marks.NOTE["ru"]
        assert errors == []
    finally:
        page.close()
        server.shutdown()
        server.server_close()
