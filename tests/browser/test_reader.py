"""The reader's home page in headless Chromium: filters, search, URL state, chart links, file:// and a
sub-path, and screenshots for a person to look at (tests/output/screenshots/, git-ignored).

The fixture site (tests/fixtures/good/site_src) has six events:
  1689 Treaty of Nerchinsk [territory, diplomacy]   early   尼布楚条约
  1727 Treaty of Kyakhta [trade, territory]          early
  1864 A year-only event [territory]                 early
  1864 A dated event [diplomacy]                     early
  1950 Treaty of Friendship, Alliance ... [diplomacy] late
  1969 Clashes on Zhenbao Island [territory]         late    Остров Даманский
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from sitehelp import SCREENSHOTS, build, served_build

pytestmark = pytest.mark.browser

NERCHINSK = "Treaty of Nerchinsk"
KYAKHTA = "Treaty of Kyakhta"
YEAR_ONLY = "A year-only event"
DATED = "A dated event"
ALLIANCE = "Treaty of Friendship, Alliance and Mutual Assistance"
ZHENBAO = "Clashes on Zhenbao Island"
ALL = [NERCHINSK, KYAKHTA, YEAR_ONLY, DATED, ALLIANCE, ZHENBAO]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    with served_build(tmp_path_factory.mktemp("served")) as url:
        yield url


def visible_titles(page) -> list[str]:
    # the text in the page, not the rendered text (innerText): far down the list the browser skips
    # rendering (content-visibility) and innerText is empty until the reader gets there
    return [t.strip() for t in page.locator("#timeline li.event:visible .event-title").all_text_contents()]


def theme_box(page, label: str):
    return page.get_by_role("checkbox", name=label, exact=True)


def count_text(page) -> str:
    return page.locator("#filter-count").inner_text()


def test_without_filters_every_event_shows_and_the_form_appears(page, site_url):
    page.goto(site_url + "index.html")
    assert page.locator("#filters").is_visible()
    assert visible_titles(page) == ALL
    assert count_text(page) == "6 of 6 events"


def test_two_themes_then_a_search_show_exactly_the_matching_events(page, site_url):
    page.goto(site_url + "index.html")
    theme_box(page, "Trade").check()
    theme_box(page, "Diplomacy").check()
    assert visible_titles(page) == [NERCHINSK, KYAKHTA, DATED, ALLIANCE]
    assert count_text(page) == "4 of 6 events"
    page.get_by_label("Search", exact=True).fill("treaty")
    assert visible_titles(page) == [NERCHINSK, KYAKHTA, ALLIANCE]
    assert count_text(page) == "3 of 6 events"
    assert page.locator("#filter-count").get_attribute("role") == "status"
    # the overview dims the marks of the events filtered out
    assert page.locator(".overview-chart .mark.dimmed").count() == 3
    assert parse_qs(urlsplit(page.url).query) == {"theme": ["diplomacy", "trade"], "q": ["treaty"]}


def test_the_url_state_survives_a_reload(page, site_url):
    page.goto(site_url + "index.html")
    theme_box(page, "Territory").check()
    page.get_by_label("Era", exact=True).select_option("late")
    assert visible_titles(page) == [ZHENBAO]
    assert urlsplit(page.url).query == "theme=territory&era=late"
    page.reload()
    assert theme_box(page, "Territory").is_checked()
    assert not theme_box(page, "Diplomacy").is_checked()
    assert page.get_by_label("Era", exact=True).input_value() == "late"
    assert visible_titles(page) == [ZHENBAO]
    assert count_text(page) == "1 of 6 events"
    # the era with no match is hidden, not left as an empty heading
    assert page.locator("#era-early").is_hidden()
    assert page.locator("#era-late").is_visible()


def test_a_shared_link_opens_filtered_and_clearing_restores_everything(page, site_url):
    page.goto(site_url + "index.html?theme=diplomacy&q=TREATY&era=no-such-era&theme=bogus")
    assert visible_titles(page) == [NERCHINSK, ALLIANCE]
    assert page.get_by_label("Search", exact=True).input_value() == "TREATY"
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function("document.getElementById('filter-count').textContent === '6 of 6 events'")
    assert visible_titles(page) == ALL
    assert urlsplit(page.url).query == ""


@pytest.mark.parametrize("query, expected", [
    ("尼布楚", [NERCHINSK]),            # Chinese name
    ("даманский", [ZHENBAO]),           # Russian name, any case
    ("kyakhta caravan", [KYAKHTA]),     # every word, title and summary
    ("ussuri", [ZHENBAO]),              # place and summary
    ("no such words", []),
])
def test_search_finds_titles_summaries_places_and_names(page, site_url, query, expected):
    page.goto(site_url + "index.html")
    page.get_by_label("Search", exact=True).fill(query)
    assert visible_titles(page) == expected
    assert count_text(page) == f"{len(expected)} of 6 events"
    assert page.locator("#filter-empty").is_visible() == (not expected)


def test_each_chart_mark_is_a_named_link_to_its_event(page, site_url):
    page.goto(site_url + "index.html")
    marks = page.locator(".overview-chart a.mark")
    assert marks.count() == 6
    for i in range(6):
        name = marks.nth(i).get_attribute("aria-label")
        assert name and name == marks.nth(i).locator("title").text_content()
    mark = page.get_by_role("link", name=KYAKHTA + ", 1727", exact=False)
    mark.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/sub/events/1727-treaty-of-kyakhta/index.html")
    assert page.locator("h1").inner_text() == KYAKHTA
    for i, title in enumerate(ALL):
        page.goto(site_url + "index.html")
        page.locator(".overview-chart a.mark").nth(i).click()
        assert page.locator("h1").inner_text() == title


def test_without_javascript_the_form_is_hidden_and_every_event_is_listed(chromium_browser, site_url):
    context = chromium_browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "index.html?theme=trade")
    assert page.locator("#filters").is_hidden()
    assert visible_titles(page) == ALL
    page.goto(site_url + "themes/territory/index.html")
    assert page.locator("li.event .event-title").all_inner_texts() == [NERCHINSK, KYAKHTA, YEAR_ONLY, ZHENBAO]
    context.close()


def test_the_site_works_opened_from_disk(chromium_browser, tmp_path):
    out = build(tmp_path / "build")
    context = chromium_browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    page.goto((out / "index.html").as_uri())
    # the stylesheet and the script load through their versioned relative URLs
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
    page.get_by_label("Search", exact=True).fill("尼布楚")
    assert visible_titles(page) == [NERCHINSK]
    page.locator(".overview-chart a.mark").nth(1).click()
    assert page.url == (out / "events" / "1727-treaty-of-kyakhta" / "index.html").as_uri()
    page.get_by_role("link", name="Bibliography", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Bibliography"
    context.close()
    assert errors == []


SHOTS = [("home", "index.html"), ("event", "events/1689-treaty-of-nerchinsk/index.html"),
         ("filtered", "index.html?theme=territory&q=treaty")]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_and_no_sideways_scrolling(chromium_browser, site_url, width, scheme):
    """Writes PNGs for a person to look at; asserts the page itself never needs sideways scrolling
    (only the chart's own scroll box may be wider than the screen)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium_browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    for name, path in SHOTS:
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
    context.close()
