"""What every page of a translated edition shows is written as the language writes it: the footer's
edition date (28 November 2026, 2026年11月28日, 28 ноября 2026 г., in a <time>), and the punctuation the
templates and the engine put between things (the events citing a source, a decade's count, an editor's
role, a list of names, the charts' names for screen readers): Chinese takes its full-width marks
(；，（）、：) with no space after them, Russian its «и». English stays as it was, but for the date."""

from __future__ import annotations

import pytest

from timeline.build import render_site
from timeline.cite import citation
from timeline.model import Editor, Name, Site
from timeline.sources import authors_bibliography, words

NNBSP = "\u202f"   # CLDR's narrow no-break space before Russian г.

FOOTER = {
    "": 'Fixture timeline · edition of <time datetime="2026-11-28">28 November 2026</time> · ',
    "zh/": '测试年表 · <time datetime="2026-11-28">2026年11月28日</time>版 · ',
    "ru/": f'Тестовая хронология · издание от <time datetime="2026-11-28">28 ноября 2026{NNBSP}г.</time> · ',
}

# prefix -> (the start of the events citing Nerchinsk's treaty text, the 1860s in the home page's list)
CITED_BY = {
    "": ('<span class="cited-by">Cited for: <a href="../events/1689-treaty-of-nerchinsk/index.html">Treaty of '
         'Nerchinsk</a>; <a href="../events/1727-treaty-of-kyakhta/index.html">',
         '1860s <span class="count">(2)</span>'),
    "zh/": ('<span class="cited-by">引用于：<a href="../events/1689-treaty-of-nerchinsk/index.html">尼布楚条约</a>；'
            '<a href="../events/1727-treaty-of-kyakhta/index.html">',
            '1860年代<span class="count">（2）</span>'),
    "ru/": ('<span class="cited-by">Цитируется в: <a href="../events/1689-treaty-of-nerchinsk/index.html">'
            'Нерчинский договор</a>; <a href="../events/1727-treaty-of-kyakhta/index.html">',
            '1860-е <span class="count">(2)</span>'),
}


@pytest.fixture(scope="module")
def built(multilingual_out):
    return multilingual_out


def _page(built, prefix: str, path: str) -> str:
    return (built / prefix / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix", FOOTER)
@pytest.mark.parametrize("path", ["index.html", "events/1689-treaty-of-nerchinsk/index.html", "sources/index.html"])
def test_the_footers_edition_date_is_written_in_the_language_inside_a_time(built, prefix, path):
    footer = _page(built, prefix, path).split('<footer class="site-footer">')[1]
    assert FOOTER[prefix] in footer


@pytest.mark.parametrize("prefix", CITED_BY)
def test_the_events_citing_a_source_are_listed_with_the_languages_semicolon(built, prefix):
    assert CITED_BY[prefix][0] in _page(built, prefix, "sources/index.html")


def test_an_event_title_still_in_english_among_those_citing_a_source_is_marked_english(built):
    # A screen reader read "A dated event" with a Chinese voice.
    page = _page(built, "zh/", "sources/index.html")
    assert '<a href="../events/1864-dated/index.html" lang="en">A dated event</a>' in page
    assert '<a href="../events/1689-treaty-of-nerchinsk/index.html">尼布楚条约</a>' in page
    assert ' lang="en">Treaty of Nerchinsk' not in _page(built, "", "sources/index.html")


@pytest.mark.parametrize("prefix", CITED_BY)
def test_a_decades_count_in_the_home_pages_list_is_in_the_languages_parentheses(built, prefix):
    assert CITED_BY[prefix][1] in _page(built, prefix, "index.html")


@pytest.mark.parametrize("prefix, dash", [("", "–"), ("zh/", "—"), ("ru/", "—")])
def test_an_eras_years_on_its_page_the_list_of_eras_and_the_home_page_take_the_languages_dash(built, prefix, dash):
    years = f'<span class="era-years">1689{dash}1916</span>'
    for path in ("index.html", "eras/index.html", "eras/early/index.html"):
        assert years in _page(built, prefix, path), path


def test_the_charts_names_for_screen_readers_take_chinese_punctuation(built):
    page = _page(built, "zh/", "index.html")
    assert "<title>早期，1689—1916</title>" in page                    # an era's band (GB/T 15834—2011's dash)
    assert 'aria-label="尼布楚条约，儒略历1689年8月27日（公历9月6日）（领土、外交；重大）"' in page  # an event's mark
    assert 'aria-label="1860年代：2个事件（领土 1、外交 1）"' in page          # a decade's bar
    english = _page(built, "", "index.html")
    assert "<title>Early, 1689–1916</title>" in english and "(Territory 1, Diplomacy 1)" in english


def test_the_charts_era_bands_take_the_russian_dash_of_its_spans(built):
    # Russian writes a range of years with the em dash closed up, as its spans do (1650—1660 гг.)
    assert "<title>Ранний период, 1689—1916</title>" in _page(built, "ru/", "index.html")


def test_the_author_line_of_the_credits_ends_with_the_languages_full_stop(built):
    assert "<p>Test editors.</p>" in _page(built, "", "data/index.html")
    assert '<p><span lang="en">Test editors</span>。</p>' in _page(built, "zh/", "data/index.html")
    assert '<p><span lang="en">Test editors</span>.</p>' in _page(built, "ru/", "data/index.html")


def test_an_editors_role_follows_the_languages_comma(tmp_path):
    from support import multilingual
    src = multilingual(tmp_path / "site_src")
    (src / "site.yaml").write_text((src / "site.yaml").read_text(encoding="utf-8") +
                                   "editors:\n  - {name: Jane Roe, role: General editor}\n", encoding="utf-8")
    result = render_site(src)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert "<li>Jane Roe, General editor</li>" in result.files["data/index.html"].decode()
    assert "<li>Jane Roe，General editor</li>" in result.files["zh/data/index.html"].decode()
    assert "<li>Jane Roe, General editor</li>" in result.files["ru/data/index.html"].decode()


def _site(language: str, *names: str) -> Site:
    return Site("T", "", language, "", None, 1689, 2025, (), (), editors=tuple(Editor(n) for n in names))


@pytest.mark.parametrize("names, english", [
    (("Anna Li",), "Anna Li, ed."),
    (("Anna Li", "Boris Ivanov"), "Anna Li and Boris Ivanov, eds."),
    (("Anna Li", "Boris Ivanov", "Chen Wei"), "Anna Li, Boris Ivanov, and Chen Wei, eds."),
])
def test_the_english_citation_of_the_site_names_its_editors_as_before(names, english):
    chicago = citation(_site("en", *names), "Page", None, "2026-11-28", "k")["chicago"]
    assert chicago == f"{english} “Page.” <cite>T</cite>. Edition of 28 November 2026."


@pytest.mark.parametrize("code, two, three", [
    ("zh-Hans", "Anna Li、Boris Ivanov,", "Anna Li、Boris Ivanov、Chen Wei,"),
    ("ru", "Anna Li и Boris Ivanov,", "Anna Li, Boris Ivanov и Chen Wei,"),
])
def test_a_translated_citation_of_the_site_joins_its_editors_in_the_language(code, two, three):
    assert citation(_site(code, "Anna Li", "Boris Ivanov"), "P", None, "", "k")["chicago"].startswith(two)
    assert citation(_site(code, "Anna Li", "Boris Ivanov", "Chen Wei"), "P", None, "", "k")["chicago"].startswith(three)


def test_three_authors_in_a_chinese_bibliography_entry_are_all_joined_with_the_enumeration_comma():
    names = (Name("Li", "Anna"), Name("Ivanov", "Boris"), Name("Chen", "Wei"))
    assert authors_bibliography(names) == "Li, Anna, Boris Ivanov, and Wei Chen"
    assert authors_bibliography(names, words("zh-Hans")) == "Li, Anna、Boris Ivanov、Wei Chen"
    assert authors_bibliography(names, words("ru")) == "Li, Anna, Boris Ivanov и Wei Chen"


@pytest.mark.parametrize("prefix", ["zh/", "ru/"])
def test_the_sites_author_no_translation_names_is_marked_english_where_shown(built, prefix):
    # A screen reader read "Test editors" with a Chinese or Russian voice in "Cite this page" and the credits.
    event = _page(built, prefix, "events/1689-treaty-of-nerchinsk/index.html")
    assert '<p class="cite-chicago"><span lang="en">Test editors</span>. “' in event
    credits = _page(built, prefix, "data/index.html")
    assert '<span lang="en">Test editors</span>' + ("。" if prefix == "zh/" else ".") + "</p>" in credits
    assert '<p class="byline" lang="en">Test editors</p>' in _page(built, prefix, "print/index.html")


def test_the_sites_author_is_not_marked_in_the_english_edition(built):
    assert '<p class="cite-chicago">Test editors. “Treaty of Nerchinsk.”' in _page(
        built, "", "events/1689-treaty-of-nerchinsk/index.html")
    assert '<p class="byline">Test editors</p>' in _page(built, "", "print/index.html")


@pytest.mark.parametrize("edition, shown", [("2026-11~", "c. November 2026"), ("2026-11-28?", "28 November 2026?")])
def test_an_approximate_edition_dates_time_holds_a_valid_datetime(tmp_path, edition, shown):
    # Outside tester: datetime="2026-11~" is no date an HTML <time> reads (the feed's date drops the mark too).
    import shutil

    from support import GOOD
    from timeline.cli import main
    src = tmp_path / "site_src"
    shutil.copytree(GOOD, src)
    with open(src / "site.yaml", "a", encoding="utf-8") as f:
        f.write(f'edition: "{edition}"\n')
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert f'edition of <time datetime="{edition.rstrip("~?")}">{shown}</time>' in page
    title_page = (tmp_path / "out" / "print" / "index.html").read_text(encoding="utf-8")
    assert f'Edition of <time datetime="{edition.rstrip("~?")}">{shown}</time>' in title_page
