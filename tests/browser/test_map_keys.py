"""The map page from the keyboard, in headless Chromium: with the script the map is one Tab stop, the
arrow keys move between its places (left and right west to east, up and down north to south, Home and
End), the place in hand is ringed in the focus colour and named under the map, and Enter goes to its
events as before; without the script every place is a stop of its own. On the bundled map (57 places
drawn, 65 links with the areas' outlines) it took 65 Tab presses to get past the map, in each language.

The fixture's places drawn: Moscow (x 153.7, y 107.6), Kyakhta (605.0, 315.3), Nerchinsk (677.0, 278.3).
"""

from __future__ import annotations

import pytest

from sitehelp import ROOT, served_build

pytestmark = pytest.mark.browser
EAST = ["moscow", "kyakhta", "nerchinsk"]       # by x
SOUTH = ["moscow", "nerchinsk", "kyakhta"]      # by y
WHERE = """() => { const a = document.activeElement;
    return a === document.body ? 'body' : a.closest('svg') && !a.closest('svg.map') ? 'other svg'
      : a.matches('svg') ? 'svg' : a.closest('svg.map') ? 'map:' + a.getAttribute('href').slice(7)
      : a.closest('#timeline') ? 'list' : 'other'; }"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("mapkeys")) as url:
        yield url


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled site, built once: its map draws 57 places, areas and named regions among them."""
    from timeline.build import build_site

    out = tmp_path_factory.mktemp("bundled-map") / "out"
    result = build_site(ROOT / "site_src", out, templates=ROOT / "templates")
    assert result.ok, [str(d) for d in result.diagnostics]
    return out


def stops_to_the_list(page, limit: int = 400) -> list[str]:
    """Where each Tab press lands, from the top of the page to the first link of the list of places."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(WHERE))
        if seen[-1] in ("list", "body"):
            break
    return seen


def in_hand(page) -> str:
    return page.evaluate("document.activeElement.getAttribute('href')")[len("#place-"):]


@pytest.mark.parametrize("prefix", ["", "zh/", "ru/"])
def test_the_bundled_map_is_one_tab_stop_with_the_script_and_every_place_one_without(chromium_browser, bundled,
                                                                                        prefix):
    uri = (bundled / prefix / "map" / "index.html").as_uri()
    for script in (True, False):
        context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=script)
        page = context.new_page()
        page.goto(uri)
        places = page.locator("svg.map a.map-mark:not(.map-area)").count()
        seen = stops_to_the_list(page)
        on_map = [s for s in seen if s.startswith("map:")]
        assert seen[-1] == "list" and "svg" not in seen and "other svg" not in seen
        if script:
            assert len(on_map) == 1, f"{len(on_map)} Tab stops on the map"
        else:
            # every place drawn is reached, each once: an area's outline repeats its name's link
            assert places == 57 and len(on_map) == len(set(on_map)) == places
        context.close()


def test_the_arrow_keys_move_west_to_east_and_north_to_south_and_enter_goes_to_the_places_events(page, site_url):
    page.goto(site_url + "map/index.html")
    assert page.locator("#map-keys").is_visible()
    seen = stops_to_the_list(page)
    assert [s for s in seen if s.startswith("map:")] == ["map:moscow"] and seen[-1] == "list"
    page.locator('svg.map a[tabindex="0"]').focus()
    assert in_hand(page) == "moscow"
    # the place in hand: ringed in the focus colour, named under the map, and so for a screen reader
    page.keyboard.press("ArrowRight")
    assert in_hand(page) == "kyakhta"
    focus = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--focus').trim()")
    ring = page.evaluate("(s => s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor)"
                         "(getComputedStyle(document.activeElement))")
    probe = page.evaluate("c => { const d = document.createElement('div'); d.style.color = c; document.body.append(d);"
                          " const v = getComputedStyle(d).color; d.remove(); return v; }", focus)
    assert ring == f"solid 3px {probe}"
    assert page.locator("#map-label").inner_text() == "Kyakhta: 1 event"
    assert page.get_by_role("link", name="Kyakhta: 1 event", exact=True).evaluate("a => a === document.activeElement")
    page.keyboard.press("ArrowRight")
    assert in_hand(page) == "nerchinsk"
    page.keyboard.press("ArrowRight")                       # stays on the easternmost
    assert in_hand(page) == "nerchinsk"
    page.keyboard.press("Home")
    assert in_hand(page) == "moscow"
    page.keyboard.press("ArrowDown")
    assert in_hand(page) == SOUTH[1]
    page.keyboard.press("ArrowDown")
    assert in_hand(page) == SOUTH[2]
    page.keyboard.press("ArrowUp")
    assert in_hand(page) == SOUTH[1]
    page.keyboard.press("End")
    assert in_hand(page) == EAST[-1]
    page.keyboard.press("ArrowLeft")
    assert in_hand(page) == "kyakhta"
    # one Tab leaves the map, Shift+Tab comes back to the place in hand ...
    page.keyboard.press("Tab")
    assert not page.evaluate(WHERE).startswith("map:")
    page.keyboard.press("Shift+Tab")
    assert in_hand(page) == "kyakhta"
    # ... and Enter follows its link: the next Tab is in the place's events
    page.keyboard.press("Enter")
    page.wait_for_url("**/map/index.html#place-kyakhta")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('section.place').id") == "place-kyakhta"


def test_the_maps_stop_moves_to_a_place_the_filters_still_show(page, site_url):
    page.goto(site_url + "map/index.html")
    page.get_by_role("checkbox", name="Trade", exact=True).check()     # Kyakhta only
    page.locator('svg.map a[tabindex="0"]').focus()
    assert in_hand(page) == "kyakhta"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("End")
    assert in_hand(page) == "kyakhta"
    page.get_by_role("checkbox", name="Trade", exact=True).uncheck()
    page.get_by_role("checkbox", name="Diplomacy", exact=True).check()  # Moscow and Nerchinsk
    assert page.locator('svg.map a[tabindex="0"]').get_attribute("href") == "#place-moscow"


def test_without_the_script_tab_reaches_every_place_and_enter_follows(chromium_browser, site_url):
    context = chromium_browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "map/index.html")
    seen = stops_to_the_list(page)
    assert sorted(s[4:] for s in seen if s.startswith("map:")) == sorted(EAST)
    assert not page.locator("#map-keys").is_visible() and not page.locator("#map-label").is_visible()
    page.locator('svg.map a[href="#place-nerchinsk"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/map/index.html#place-nerchinsk")
    context.close()


def test_a_skip_link_leads_past_the_map_to_the_list_of_places(page, site_url):
    page.goto(site_url + "map/index.html")
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Skip to the list of places":
            break
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#places-heading"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(WHERE) == "list"


def test_no_chart_on_the_home_page_is_a_tab_stop_of_its_own(page, site_url):
    # Chromium makes an SVG element with a focus listener a stop: the charts' listeners are on their boxes.
    page.goto(site_url + "index.html")
    for _ in range(60):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") != "svg"
