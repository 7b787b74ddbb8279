"""A link to a renamed event's former address, with a note's #fragment, leads in a real browser to that
note on the event's page, in every language, from disk and from a server; without JavaScript the
refresh still leads to the page."""

from __future__ import annotations

import pytest

from sitehelp import TEMPLATES, served_build
from support import multilingual

pytestmark = pytest.mark.browser

MOVED = "1689-treaty-of-nerchinsk"
FORMER = "1688-treaty-of-nertchinsk"


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    src = multilingual(tmp_path_factory.mktemp("moved") / "site_src")
    path = src / "events" / f"{MOVED}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"aliases: [{FORMER}]\n", encoding="utf-8")
    return src


@pytest.fixture(scope="module", params=["disk", "server"])
def site_url(request, src, tmp_path_factory):
    from timeline.build import build_site

    out = tmp_path_factory.mktemp("moved-out") / "build"
    if request.param == "disk":
        result = build_site(src, out, templates=TEMPLATES)
        assert result.ok, [str(d) for d in result.diagnostics]
        yield out.as_uri() + "/"
        return
    with served_build(out, src=src) as url:
        yield url


@pytest.mark.parametrize("folder", ["", "zh/", "ru/"])
def test_the_former_address_with_a_fragment_leads_to_that_note(page, site_url, folder):
    page.goto(f"{site_url}{folder}events/{FORMER}/index.html#note-1")
    page.wait_for_url(f"**/{folder}events/{MOVED}/**")
    assert page.url.endswith("#note-1"), page.url
    assert page.locator("#note-1").count() == 1
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == "note-1"


def test_without_javascript_the_refresh_still_leads_to_the_page(chromium_browser, site_url):
    context = chromium_browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}events/{FORMER}/index.html#note-1")
        page.wait_for_url(f"**/events/{MOVED}/**")
        assert page.locator("h1").text_content() == "Treaty of Nerchinsk"
    finally:
        context.close()
