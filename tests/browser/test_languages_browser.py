"""The site in three languages in a real browser: the switcher keeps the reader on the same event,
Chinese and Russian searches find their events, and every language works from disk and under a
sub-path (no script error, no failed request), with axe finding no violation on its pages."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

import pytest

from sitehelp import AXE, ROOT, TEMPLATES, _QuietHandler
from support import multilingual

pytestmark = pytest.mark.browser

NERCHINSK = "events/1689-treaty-of-nerchinsk/index.html"
FOLDERS = ("", "zh/", "ru/")


def _build(src: Path, out: Path, base_url=None) -> Path:
    from timeline.build import build_site

    result = build_site(src, out, templates=TEMPLATES, base_url=base_url)
    assert result.ok, [str(d) for d in result.diagnostics]
    return out


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    return multilingual(tmp_path_factory.mktemp("ml") / "site_src")


@pytest.fixture(scope="module")
def on_disk(src, tmp_path_factory):
    return _build(src, tmp_path_factory.mktemp("disk") / "build").as_uri() + "/"


@pytest.fixture(scope="module")
def served(src, tmp_path_factory):
    """The site built for and served under http://127.0.0.1:<port>/sub/."""
    folder = tmp_path_factory.mktemp("served")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    url = f"http://127.0.0.1:{server.server_address[1]}/sub/"
    _build(src, folder / "sub", url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(params=["on_disk", "served"])
def site_url(request):
    return request.getfixturevalue(request.param)


def test_the_switcher_keeps_the_reader_on_the_same_event(page, site_url):
    page.goto(site_url + "zh/" + NERCHINSK)
    assert page.locator("h1").text_content() == "尼布楚条约"
    page.locator("nav.languages a", has_text="Русский").click()
    page.wait_for_url("**/ru/" + NERCHINSK)
    assert page.locator("h1").text_content() == "Нерчинский договор"
    assert page.locator("html").get_attribute("lang") == "ru"
    page.locator("nav.languages a", has_text="English").click()
    page.wait_for_url("**/sub/" + NERCHINSK if site_url.startswith("http") else "**/build/" + NERCHINSK)
    assert page.locator("h1").text_content() == "Treaty of Nerchinsk"


def _search(page, text: str) -> list[str]:
    page.fill("#filter-q", text)
    page.wait_for_function("document.querySelector('#e-1727-treaty-of-kyakhta').hidden")
    return page.eval_on_selector_all("li.event:not([hidden])", "items => items.map(li => li.id)")


@pytest.mark.parametrize("folder, text", [("zh/", "尼布楚"), ("ru/", "нерчинск"), ("ru/", "НЕРЧИНСК")])
def test_a_chinese_or_russian_search_finds_the_treaty_of_nerchinsk(page, site_url, folder, text):
    page.goto(site_url + folder + "index.html")
    assert _search(page, text) == ["e-1689-treaty-of-nerchinsk"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_language_works_from_disk_and_under_a_sub_path(page, site_url, folder):
    """No script error and no failed request (the page fixture fails on either), in every page kind
    that loads scripts or styles, reached by following the site's own links."""
    page.goto(site_url + folder + "index.html")
    assert page.locator("html").get_attribute("lang") == {"": "en", "zh/": "zh-Hans", "ru/": "ru"}[folder]
    page.locator(f"#e-1689-treaty-of-nerchinsk a[href$='{NERCHINSK}']").first.click()
    page.wait_for_url("**/" + folder + NERCHINSK)
    for link in ("Eras", "Themes", "Map", "Print"):
        page.goto(site_url + folder + NERCHINSK)
        page.locator(".site-header nav:not(.languages) a").nth(["Timeline", "Eras", "Themes", "Bibliography", "Map"].index(link)
                                                     if link != "Print" else -1).click()
        page.wait_for_load_state()
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""  # the stylesheet loaded
        assert page.url.startswith(site_url + folder)


@pytest.mark.parametrize("path", ["zh/index.html", "zh/" + NERCHINSK, "ru/index.html", "ru/" + NERCHINSK,
                                  "zh/events/1969-zhenbao-island/index.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_in_chinese_and_russian_pages(chromium_browser, served, path, scheme, unavailable):
    if not AXE.is_file():
        unavailable(f"{AXE} missing: (cd tests/browser && npm ci)")
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)
        page.goto(served + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]] == []
        assert result["passes"], "axe did not run its rules"
    finally:
        context.close()
