"""The map page in headless Chromium: the home page's filters hide and show the marks with the list of
places; the base map loads; no script error. The fixture's places: Nerchinsk (1689, territory and
diplomacy), Kyakhta (1727, trade and territory), Moscow (1950, diplomacy) drawn; the Ussuri River (1969,
territory) listed without coordinates."""

from __future__ import annotations

import pytest

from sitehelp import served_build

pytestmark = pytest.mark.browser
DRAWN = ["kyakhta", "moscow", "nerchinsk"]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("map")) as url:
        yield url


def shown_marks(page) -> list[str]:
    return sorted(a.get_attribute("href")[len("#place-"):] for a in page.locator("a.map-mark").all() if a.is_visible())


def shown_places(page) -> list[str]:
    return sorted(s.get_attribute("id")[len("place-"):] for s in page.locator("section.place").all() if s.is_visible())


def test_filters_hide_and_show_the_marks_with_their_places(page, site_url):
    page.goto(site_url + "map/index.html")
    assert page.locator("#filters").is_visible()
    assert shown_marks(page) == DRAWN
    assert page.locator("#filter-count").inner_text() == "4 of 4 events"
    page.get_by_role("checkbox", name="Trade", exact=True).check()
    assert shown_marks(page) == ["kyakhta"] and shown_places(page) == ["kyakhta"]
    assert [t.text_content() for t in page.locator("text.map-label:visible").all()] == ["Kyakhta"]
    page.get_by_role("checkbox", name="Trade", exact=True).uncheck()
    page.get_by_label("Era").select_option("late")
    assert shown_marks(page) == ["moscow"] and shown_places(page) == ["moscow", "ussuri"]
    page.get_by_label("Search", exact=True).fill("nerchinsk")
    assert shown_marks(page) == [] and page.locator("#filter-empty").is_visible()
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function("document.getElementById('filter-count').textContent === '4 of 4 events'")
    assert shown_marks(page) == DRAWN and shown_places(page) == DRAWN + ["ussuri"]


def test_a_shared_filtered_link_opens_with_only_its_marks(page, site_url):
    page.goto(site_url + "map/index.html?theme=diplomacy&era=early")
    assert shown_marks(page) == ["nerchinsk"]


def test_a_mark_leads_to_its_places_events_and_the_base_map_is_drawn(page, site_url):
    page.goto(site_url + "map/index.html")
    loaded = page.evaluate("""() => new Promise(resolve => {
        const img = new Image(); img.onload = () => resolve(img.naturalWidth); img.onerror = () => resolve(0);
        img.src = document.querySelector('svg.map image').href.baseVal; })""")
    assert loaded > 0
    page.locator('a.map-mark[href="#place-kyakhta"]').click()
    assert page.url.endswith("#place-kyakhta")
    assert page.locator("#place-kyakhta li.event a").inner_text() == "Treaty of Kyakhta"


def test_without_javascript_every_mark_and_place_shows(chromium_browser, site_url):
    context = chromium_browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "map/index.html")
    assert shown_marks(page) == DRAWN and shown_places(page) == DRAWN + ["ussuri"]
    assert not page.locator("#filters").is_visible()
    context.close()


@pytest.mark.parametrize("path", ["map/index.html", "events/1689-treaty-of-nerchinsk/index.html"])
def test_a_narrow_screen_scrolls_only_inside_the_maps_frame(chromium_browser, site_url, path):
    context = chromium_browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(site_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_the_bundled_map_with_its_treaty_lines_passes_axe_in_both_schemes(chromium_browser, tmp_path):
    # The fixture draws no treaty line; the bundled timeline does, with a legend and a list of them.
    from sitehelp import AXE, ROOT
    from timeline.build import build_site

    result = build_site(ROOT / "site_src", tmp_path / "out", templates=ROOT / "templates")
    assert result.ok, [str(d) for d in result.diagnostics]
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        for scheme in ("light", "dark"):
            page = context.new_page()
            page.emulate_media(color_scheme=scheme)
            page.goto((tmp_path / "out" / "map" / "index.html").as_uri())
            assert page.locator("path.treaty-line").count() == 3
            assert page.locator("path.treaty-line").first.is_visible()
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            assert [v["id"] for v in found["violations"]] == [], scheme
            page.close()
    finally:
        context.close()
