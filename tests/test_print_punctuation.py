"""The print views punctuate in their language: an era's heading (the title page, the PDF's title,
the contents, the era's own heading), a name's language label, the list of an event's themes and the
document's title are messages of the catalogs, so Chinese takes its full-width comma, colon and
enumeration comma (分裂，1960—1981) where English and Russian keep theirs."""

from __future__ import annotations

import pytest


# prefix -> (early era heading, Nerchinsk's themes line, its Russian name with its label, the era
# document's title); no space after a full-width colon.
EXPECTED = {
    "": ("Early, 1689–1916", "Themes: Territory, Diplomacy",
         '<span class="lang-label">Russian:</span> <span lang="ru">', "Fixture timeline: Early, 1689–1916"),
    "zh/": ("早期，1689—1916", "主题：领土、外交",
            '<span class="lang-label">俄文：</span><span lang="ru">', "测试年表：早期，1689—1916"),
    "ru/": ("Ранний период, 1689—1916", "Темы: Территория, Дипломатия",
            '<span class="lang-label">Русский:</span> <span lang="ru">', "Тестовая хронология: Ранний период, 1689—1916"),
}


@pytest.fixture(scope="module")
def built(multilingual_out):
    return multilingual_out


@pytest.mark.parametrize("prefix", EXPECTED)
def test_era_headings_are_punctuated_in_the_language(built, prefix):
    heading = EXPECTED[prefix][0]
    era = (built / prefix / "print/eras/early/index.html").read_text(encoding="utf-8")
    assert f'<h1 id="print-title">{heading}</h1>' in era
    for page in (era, (built / prefix / "print/index.html").read_text(encoding="utf-8")):
        assert f'<h2 class="era-heading" id="era-early">{heading}</h2>' in page
        assert f'<li><a href="#era-early">{heading}</a>' in page


@pytest.mark.parametrize("prefix", EXPECTED)
def test_an_events_themes_and_name_labels_and_the_documents_title_are_punctuated_in_the_language(built, prefix):
    _, themes, label, title = EXPECTED[prefix]
    whole = (built / prefix / "print/index.html").read_text(encoding="utf-8")
    start = whole.index('aria-labelledby="event-1689-treaty-of-nerchinsk"')
    article = whole[start:whole.index("</article>", start)]
    assert f'<p class="event-themes">{themes}</p>' in article
    assert label in article
    era = (built / prefix / "print/eras/early/index.html").read_text(encoding="utf-8")
    assert f'<meta name="dcterms.title" content="{title}">' in era
