"""The built-in citation style's own words in the edition's language (issue 14): "accessed" and its
date, "archived copy", "n.d.", "ed.", "no.", "in", "and", "et al." come from the engine's catalog on
Chinese and Russian pages; the sources' own fields stay as written; English is unchanged."""

from __future__ import annotations

from timeline import dates
from timeline.index import _Notes
from timeline.model import Citation, Name, Source
from timeline.sources import bibliography, note, short_note, words


def src(**kw):
    base = dict(key="k", type="book", title="Russia and China", fields={}, authors=(), issued=None)
    base.update(kw)
    return Source(**base)


WEB = src(key="web", type="webpage", title="An example page", accessed=dates.parse("2026-11-28"),
          fields={"URL": "https://example.org/page", "container-title": "Example Site",
                  "archived": "https://web.archive.org/web/2024/https://example.org/page"})
CHAPTER = src(key="ch", type="chapter", title="The Amur", issued=dates.parse(1999),
              authors=tuple(Name(f, "A") for f in ("Ivanov", "Petrov", "Li", "Wang")),
              editors=(Name("Smith", "J."), Name("Jones", "K.")),
              fields={"container-title": "Borders", "publisher": "Routledge", "publisher-place": "London"})
ARTICLE = src(key="art", type="article-journal", title="On Kyakhta", authors=(Name("Ivanov", "A"), Name("Li", "B")),
              fields={"container-title": "Journal", "volume": "3", "issue": "2"})


def test_english_notes_keep_the_chicago_words():
    assert note(WEB) == ("“An example page,” <cite>Example Site</cite>, <a href=\"https://example.org/page\">"
                         "https://example.org/page</a> (accessed 28 November 2026; <a href=\"https://web.archive.org/"
                         "web/2024/https://example.org/page\">archived copy</a>).")
    assert note(CHAPTER, "p. 3") == ("A Ivanov et al., “The Amur,” in <cite>Borders</cite>, ed. J. Smith and K. Jones, "
                                     "London: Routledge, 1999, p. 3.")
    assert note(ARTICLE) == "A Ivanov and B Li, “On Kyakhta,” <cite>Journal</cite> 3, no. 2 (n.d.)."
    assert str(short_note(CHAPTER)).startswith("Ivanov et al., ")


def test_chinese_and_russian_notes_say_the_styles_words_in_the_language():
    zh, ru = note(WEB, code="zh-Hans"), note(WEB, code="ru").replace("\u202f", " ")
    assert "(访问日期：2026年11月28日; " in zh and ">存档副本</a>)" in zh
    assert "(дата обращения: 28 ноября 2026 г.; " in ru and ">архивная копия</a>)" in ru
    assert note(CHAPTER, "p. 3", code="zh-Hans") == ("A Ivanov等, “The Amur,” 载<cite>Borders</cite>, J. Smith、K. Jones编, "
                                                    "London: Routledge, 1999年, 第3页.")
    assert note(CHAPTER, code="ru").replace("\u202f", " ").startswith("A Ivanov и др., “The Amur,” в кн.: <cite>Borders</cite>, под ред. "
                                               "J. Smith и K. Jones, London: Routledge, 1999.")
    assert note(ARTICLE, code="ru").replace("\xa0", " ") == "A Ivanov и B Li, “On Kyakhta,” <cite>Journal</cite> 3, № 2 (б. г.)."
    assert "第2期 (出版年不详)" in note(ARTICLE, code="zh-Hans")
    for code in ("zh-Hans", "ru"):
        text = str(note(WEB, code=code)) + str(bibliography(CHAPTER, code)) + str(note(ARTICLE, code=code))
        for english in ("accessed", "archived copy", "n.d.", " ed. ", "et al.", " and ", ", no. ", " in <cite>"):
            assert english not in text, (code, english)
        assert "Example Site" in text and "Routledge" in text   # the sources' own words stay


def test_an_editions_notes_use_its_language_and_its_short_forms_too():
    sources = {"ch": CHAPTER}
    group = (Citation("ch", "p. 3"),)
    first = _Notes(sources, "ru")(group, set())
    later = _Notes(sources, "ru")(group, {c.key for c in group})
    assert first.startswith("A Ivanov и др.,") and later.startswith("Ivanov и др., ")
    assert _Notes(sources)(group, set()).startswith("A Ivanov et al.,")


def test_a_citations_locator_is_written_in_the_language_and_an_unknown_form_as_written():
    """The texts write locators in Latin letters in every language ("p. 12", "pp. 3–5", "ch. 2"): the
    notes give them as each language writes them."""
    book = src(title="Russia and China", authors=(Name("Mancall", "Mark"),), issued=dates.parse(1971))
    assert note(book, "pp. 265–266") == "Mark Mancall, <cite>Russia and China</cite> (1971), pp. 265–266."
    assert note(book, "p. 12", code="zh-Hans").endswith("(1971年), 第12页.")
    assert note(book, "pp. 265–266", code="ru").endswith("(1971), с. 265–266.")
    assert note(book, "ch. 2", code="ru").endswith(", гл. 2.") and note(book, "ch. 2", code="zh-Hans").endswith(", 第2章.")
    assert note(book, "fol. 3", code="ru").endswith(", fol. 3.") and note(book, "p.12", code="ru").endswith(", p.12.")
    assert str(short_note(book, "p. 7", w=words("ru"))).endswith(", с. 7.")
    later = _Notes({"k": book}, "zh-Hans")((Citation("k", "pp. 3–5"),), set())
    assert later.endswith("第3–5页.")


def test_dates_written_in_a_language_are_kept_per_language_and_date():
    """dates.display_in keeps each answer (Babel takes ~150 µs a date, asked thousands of times a build):
    the same date in another language, or another date, is not given a kept answer that is not its own."""
    day, other = dates.parse("2026-11-28"), dates.parse("2026-11-29")
    assert dates.display_in(day, "zh-Hans") == "2026年11月28日" == dates.display_in.__wrapped__(day, "zh-Hans")
    assert dates.display_in(day, "ru").replace("\u202f", " ") == "28 ноября 2026 г."
    assert dates.display_in(other, "zh-Hans") == "2026年11月29日" and dates.display_in(day, "en") == "28 November 2026"
    assert dates.display_in(dates.parse("1689-08-27", "julian"), "ru") != dates.display_in(dates.parse("1689-08-27"), "ru")
