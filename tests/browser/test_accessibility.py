"""axe-core in headless Chromium: no violations on each kind of page, in light and dark schemes."""

from __future__ import annotations

import pytest

from sitehelp import AXE, served_build

pytestmark = pytest.mark.browser

PAGES = [
    "index.html",
    "index.html?theme=trade&q=treaty",          # the filtered state, with the form shown by the script
    "events/1689-treaty-of-nerchinsk/index.html",
    "themes/index.html",
    "themes/territory/index.html",
    "eras/index.html",
    "eras/early/index.html",
    "sources/index.html",
    "print/index.html",
    "print/eras/early/index.html",              # an era's title page and its one era: two names alike
    "about/index.html",
    "map/index.html",
    "map/index.html?theme=trade",               # marks hidden by the filters
    "data/index.html",
    "404.html",
]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, unavailable):
    if not AXE.is_file():
        unavailable(f"{AXE} missing: (cd tests/browser && npm ci)")
    with served_build(tmp_path_factory.mktemp("a11y")) as url:
        yield url


@pytest.fixture(scope="module")
def context(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def summarise(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in violations]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(context, site_url, path, scheme):
    page = context.new_page()
    try:
        page.emulate_media(color_scheme=scheme)
        page.goto(site_url + path)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert summarise(result["violations"]) == []
        assert result["passes"] or result["incomplete"] or result["inapplicable"], "axe did not run its rules"
    finally:
        page.close()


def test_one_h1_and_no_skipped_heading_levels(context, site_url):
    page = context.new_page()
    for path in PAGES:
        page.goto(site_url + path)
        levels = page.evaluate("""() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
            .filter(h => h.getClientRects().length || h.closest('[hidden]') === null)
            .map(h => Number(h.tagName[1]))""")
        assert levels.count(1) == 1, path
        assert levels[0] == 1, path
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{path}: h{before} followed by h{after}"
    page.close()


def test_keyboard_reaches_a_citation_and_comes_back(context, site_url):
    page = context.new_page()
    page.goto(site_url + "events/1689-treaty-of-nerchinsk/index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    # from the skip target, the first note marker is reached by Tab alone
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('role')") == "doc-noteref":
            break
    else:
        pytest.fail("no note marker reached by keyboard")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is not visible"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#note-1"
    page.locator("#note-1 a.backref").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#ref-1"
    page.close()
