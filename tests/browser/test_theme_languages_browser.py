"""timeline.js in headless Chromium writes its words in the page's language: the fixture site built with
the theme's Russian catalog (and <html lang="ru">, which the per-language build sets) answers a year
and counts found events in Russian, with Russian plural forms chosen by Intl.PluralRules."""

from __future__ import annotations

import pytest

from sitehelp import GOOD_SRC, TEMPLATES
from timeline import templating
from timeline.build import build_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def russian_home(tmp_path_factory):
    out = tmp_path_factory.mktemp("ru") / "site"
    make = templating._make

    def with_catalog(templates, keep_compiled, language, plain):   # the fixture site is English only
        return make(templates, keep_compiled, "ru", plain)   # its strings are compiled in: made for the language

    templating._make = with_catalog
    try:
        result = build_site(GOOD_SRC, out, templates=TEMPLATES)
    finally:
        templating._make = make
    assert result.ok, [str(d) for d in result.diagnostics]
    home = out / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace('<html lang="en">', '<html lang="ru">', 1),
                    encoding="utf-8")
    return home.as_uri()


def test_the_year_box_and_the_search_count_answer_in_russian(page, russian_home):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(russian_home)
    year = page.get_by_label("Перейти к году")
    year.fill("1969")
    year.press("Enter")
    assert page.locator("#year-result").inner_text() == "1969: 1 событие."
    year.fill("1860")
    year.press("Enter")
    assert page.locator("#year-result").inner_text() == \
        "За 1860 год ничего не указано; ближайший год — 1864: 2 события."
    year.fill("")
    year.press("Enter")
    assert page.locator("#year-result").inner_text().startswith("Введите год, например ")
    page.get_by_label("Поиск", exact=True).fill("nerchinsk")
    assert page.locator("#search-count").inner_text() == "Найдено: 1"
    assert page.locator("#filter-count").inner_text() == "1 из 6 событий"
    assert errors == []
