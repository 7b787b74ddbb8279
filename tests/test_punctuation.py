"""Pages punctuate what they put together in their language: a related event's date and an era's
years in the home page's filter are in parentheses, which Chinese writes full-width (（1864年）), and so
are the positions of a treaty line drawn on the map page. Years from one to another are joined by the
dash of the edition's spans: in Chinese GB/T 15834—2011's 一字线 closed up (早期（1689—1916）), in Russian
the em dash closed up (Ранний период (1689—1916)), as its spans (1650—1660 гг.); English keeps its en dash."""

from __future__ import annotations

import re

import pytest


# prefix -> (Nerchinsk's related event with its date, the early era's filter option)
EXPECTED = {
    "": ('<a href="../../events/1864-year-only/index.html">A year-only event</a> (1864)</li>',
         '<option value="early">Early (1689–1916)</option>'),
    "zh/": ('<a href="../../events/1864-year-only/index.html">A year-only event</a>（1864年）</li>',
            '<option value="early">早期（1689—1916）</option>'),
    "ru/": ('<a href="../../events/1864-year-only/index.html">Событие, известное по году</a> (1864)</li>',
            '<option value="early">Ранний период (1689—1916)</option>'),
}


@pytest.fixture(scope="module")
def built(multilingual_out):
    return multilingual_out


@pytest.mark.parametrize("prefix", EXPECTED)
def test_a_related_events_date_is_in_the_languages_parentheses(built, prefix):
    page = (built / prefix / "events/1689-treaty-of-nerchinsk/index.html").read_text(encoding="utf-8")
    assert EXPECTED[prefix][0] in page


@pytest.mark.parametrize("prefix", EXPECTED)
def test_an_eras_years_in_the_filter_are_in_the_languages_parentheses(built, prefix):
    page = (built / prefix / "index.html").read_text(encoding="utf-8")
    assert EXPECTED[prefix][1] in page


# prefix -> the overview chart's title, from the site's first year to its last (the era bands' years are
# tests/test_page_punctuation.py's)
OVERVIEW = {
    "": "Overview of 6 events, 1689–2025, in ",
    "zh/": "1689—2025年概览：",
    "ru/": "Обзор за 1689—2025 гг.: ",
}


@pytest.mark.parametrize("prefix", OVERVIEW)
def test_the_overview_charts_years_are_joined_by_the_languages_dash(built, prefix):
    page = (built / prefix / "index.html").read_text(encoding="utf-8")
    assert f'<title id="overview-title">{OVERVIEW[prefix]}' in page


# A gazetteer entry as the map page writes it: a link, English marked as such, or plain text.
_ENTRY = r'(?:<a [^>]*>[^<]*</a>|<span lang="en">[^<]*</span>|(?:[^<&;；]|&#\d+;)+)'
# prefix -> a drawn treaty stretch's two positions, in the language's parentheses, separator and stop
MAP_POSITIONS = {
    "": rf" \(positions: {_ENTRY}; {_ENTRY}\)\.",
    "zh/": rf"（位置：{_ENTRY}；{_ENTRY}）。",
    "ru/": rf" \(положение точек: {_ENTRY}; {_ENTRY}\)\.",
}


@pytest.mark.parametrize("prefix", MAP_POSITIONS)
def test_a_drawn_treaty_stretchs_positions_are_in_the_languages_parentheses(site, prefix):
    # The fixture draws no treaty line: the bundled map page draws three stretches.
    page = site.files[prefix + "map/index.html"]
    page = page.decode("utf-8") if isinstance(page, bytes) else page
    found = re.findall(MAP_POSITIONS[prefix], page)
    assert len(found) == page.count("<br><strong>" + {"": "Drawn", "zh/": "已绘出", "ru/": "Нарисована"}[prefix]), found
    assert len(found) >= 3


# prefix -> the legend's first drawn treaty line, and how a drawn or undrawn stretch's label meets its text
MAP_LABELS = {
    "": ('<a href="#treaty-peking-1860">Convention of Peking (1860)</a>: the Ussuri, the Sungacha</li>',
         "<strong>Drawn</strong> along", "<strong>Not drawn:</strong> "),
    "zh/": ('<a href="#treaty-peking-1860">北京条约（1860年）</a>：乌苏里江、松阿察河</li>',
            "<strong>已绘出</strong>沿", "<strong>未绘出：</strong>"),
    "ru/": ('<a href="#treaty-peking-1860">', "<strong>Нарисована</strong> ", "<strong>Не нарисована:</strong> "),
}


@pytest.mark.parametrize("prefix", MAP_LABELS)
def test_the_maps_treaty_legend_and_labels_are_punctuated_in_the_language(site, prefix):
    # The Chinese legend read "北京条约（1860年）: 乌苏里江, 松阿察河" and put a space after "未绘出：".
    page = site.files[prefix + "map/index.html"]
    page = page.decode("utf-8") if isinstance(page, bytes) else page
    legend, drawn, undrawn = MAP_LABELS[prefix]
    assert legend in page and drawn in page and undrawn in page
    if prefix == "zh/":
        assert "</strong> " not in page and "</a>: " not in page
