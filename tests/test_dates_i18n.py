"""Dates in each language (issue 14): Babel's month names and patterns, and the engine's catalog for the
Old Style note, approximate and uncertain dates, decades and centuries. English stays as it was."""

from __future__ import annotations

import pytest

from support import ROOT
from timeline import catalogs, content
from timeline.cite import EDITION
from timeline.dateforms import Forms, declared
from timeline.dates import (century_label, decade_label, display_in, display_span, display_span_in, parse,
                            phrase_in)
from timeline.diagnostics import Report


def d(text, calendar="gregorian"):
    return parse(text, calendar)


@pytest.mark.parametrize("value, calendar, en, zh, ru", [
    ("1689-08-27", "gregorian", "27 August 1689", "1689年8月27日", "27 августа 1689\u202fг."),
    ("1689-08-27", "julian", "27 August (6 September N.S.) 1689", "儒略历1689年8月27日（公历9月6日）",
     "27 августа (6 сентября н.\u00a0ст.) 1689\u202fг."),
    ("1699-12-25", "julian", "25 December 1699 (4 January 1700 N.S.)", "儒略历1699年12月25日（公历1700年1月4日）",
     "25 декабря 1699\u202fг. (4 января 1700\u202fг. н.\u00a0ст.)"),
    ("1725-01", "julian", "January 1725 (O.S.)", "儒略历1725年1月", "январь 1725\u202fг. (ст.\u00a0ст.)"),
    ("1900-07", "gregorian", "July 1900", "1900年7月", "июль 1900\u202fг."),
    ("1727", "gregorian", "1727", "1727年", "1727"),
    ("1650~", "gregorian", "c. 1650", "约1650年", "ок.\u00a01650\u202fг."),
    ("1858-05?", "gregorian", "May 1858?", "1858年5月？", "май 1858\u202fг. (?)"),
    ("1689-08-27~", "julian", "c. 27 August (6 September N.S.) 1689", "约儒略历1689年8月27日（公历9月6日）",
     "ок.\u00a027 августа (6 сентября н.\u00a0ст.) 1689\u202fг."),
])
def test_a_date_is_written_as_each_languages_readers_write_it(value, calendar, en, zh, ru):
    date = d(value, calendar)
    assert (display_in(date, "en"), display_in(date, "zh-Hans"), display_in(date, "ru")) == (en, zh, ru)


@pytest.mark.parametrize("start, end, en, zh, ru", [
    ("1989-05-15", "1989-05-18", "15–18 May 1989", "1989年5月15—18日", "15—18 мая 1989\u202fг."),
    ("1958-07-31", "1958-08-03", "31 July – 3 August 1958", "1958年7月31日—8月3日", "31 июля — 3 августа 1958\u202fг."),
    ("1958-07-31", "1959-08-03", "31 July 1958 – 3 August 1959", "1958年7月31日—1959年8月3日",
     "31 июля 1958\u202fг. — 3 августа 1959\u202fг."),
    ("1685", "1687", "1685–1687", "1685—1687年", "1685—1687\u202fгг."),
    ("1958-07", "1958-09", "July 1958 – September 1958", "1958年7—9月", "июль\u00a0— сентябрь 1958\u202fг."),
    ("1904-02", "1905-09-05", "February 1904 – 5 September 1905", "1904年2月—1905年9月5日",
     "февраль 1904\u202fг. — 5 сентября 1905\u202fг."),
    ("1650~", "1660", "c. 1650 – 1660", "约1650年—1660年", "ок.\u00a01650\u202fг. — 1660\u202fг."),
    # approximate months: "ок." governs the genitive (CLDR's format context), said once for two alike ends
    ("1967-01~", "1967-02~", "c. January 1967 – c. February 1967", "约1967年1—2月",
     "ок.\u00a0января\u00a0— февраля 1967\u202fг."),
    ("1967-01~", "1967-03", "c. January 1967 – March 1967", "约1967年1月—1967年3月",
     "ок.\u00a0января 1967\u202fг. — март 1967\u202fг."),
])
def test_a_span_is_written_in_each_language(start, end, en, zh, ru):
    s, e = d(start), d(end)
    assert (display_span_in(s, e, "en"), display_span_in(s, e, "zh-Hans"), display_span_in(s, e, "ru")) == (en, zh, ru)


def test_a_span_without_an_end_is_its_start_date():
    assert display_span_in(d("1689-08-27", "julian"), None, "ru") == "27 августа (6 сентября н.\u00a0ст.) 1689\u202fг."


@pytest.mark.parametrize("year, en, zh, ru", [
    (1863, "1860s", "1860年代", "1860-е годы"),
    (1689, "1680s", "1680年代", "1680-е годы"),
    (2020, "2020s", "2020年代", "2020-е годы"),
])
def test_decades_in_each_language(year, en, zh, ru):
    assert (decade_label(year), decade_label(year, "zh-Hans"), decade_label(year, "ru")) == (en, zh, ru)


@pytest.mark.parametrize("year, en, zh, ru", [
    (1689, "17th century", "17世纪", "XVII век"),
    (1800, "19th century", "19世纪", "XIX век"),
    (1911, "20th century", "20世纪", "XX век"),
    (2001, "21st century", "21世纪", "XXI век"),
    (1150, "12th century", "12世纪", "XII век"),
    (1250, "13th century", "13世纪", "XIII век"),
])
def test_centuries_in_each_language(year, en, zh, ru):
    assert (century_label(year), century_label(year, "zh-Hans"), century_label(year, "ru")) == (en, zh, ru)


def test_english_dates_are_exactly_what_they_were_for_every_bundled_event():
    """The language-aware functions hand English to the old ones: no page changes by a byte."""
    loaded = content.load(ROOT / "site_src", Report())
    for event in loaded.events:
        assert display_in(event.date, "en") == event.date.display()
        assert display_span_in(event.date, event.end, "en") == display_span(event.date, event.end)


def test_every_bundled_event_date_can_be_written_in_chinese_and_russian():
    loaded = content.load(ROOT / "site_src", Report())
    for event in loaded.events:
        for code in ("zh-Hans", "ru"):
            text = display_span_in(event.date, event.end, code)
            assert str(event.date.year) in text and not any(m in text for m in ("January", "August", "c. ", "N.S."))


def test_a_language_without_an_engine_catalog_gets_its_month_names_and_the_english_phrases():
    """A fourth language works before its catalog exists: CLDR's months, the phrases in English."""
    assert display_in(d("1689-08-27"), "de") == "27. August 1689"
    assert display_in(d("1650~"), "de") == "c. 1650"


def test_every_date_phrase_has_a_translation_in_every_shipped_language():
    messages = catalogs.extract_python(str(ROOT / "timeline" / "dates.py"))
    assert {m for _, _, m in messages} >= {"c. {date}", "{old} ({new} N.S.) {year}", "{year}s", "{ordinal} century"}
    assert catalogs.untranslated(messages, catalogs.ENGINE_LOCALE, ("zh-Hans", "ru"), catalogs.ENGINE_DOMAIN) == []


# Russian: a phrase whose words govern the date ("ок.", "от") takes CLDR's format-context month, the genitive;
# a date standing alone, or heading its phrase ("{date} (?)", "{date} (ст. ст.)"), the stand-alone nominative.
@pytest.mark.parametrize("value, calendar, ru", [
    ("1967-01", "gregorian", "январь 1967\u202fг."),
    ("1967-01~", "gregorian", "ок.\u00a0января 1967\u202fг."),
    ("1967-01?", "gregorian", "январь 1967\u202fг. (?)"),
    ("1725-01", "julian", "январь 1725\u202fг. (ст.\u00a0ст.)"),
    ("1725-01~", "julian", "ок.\u00a0января 1725\u202fг. (ст.\u00a0ст.)"),
    ("1725-01?", "julian", "январь 1725\u202fг. (ст.\u00a0ст.) (?)"),
    ("1650", "gregorian", "1650"),
    ("1650~", "julian", "ок.\u00a01650\u202fг."),
    ("1650?", "gregorian", "1650 (?)"),
    ("1650-11-03~", "gregorian", "ок.\u00a03 ноября 1650\u202fг."),
])
def test_a_russian_month_or_year_takes_the_form_its_phrase_governs(value, calendar, ru):
    assert display_in(d(value, calendar), "ru") == ru


@pytest.mark.parametrize("value, calendar, zh", [
    ("1967-01", "gregorian", "1967年1月"), ("1967-01~", "gregorian", "约1967年1月"),
    ("1967-01?", "gregorian", "1967年1月？"), ("1725-01~", "julian", "约儒略历1725年1月"),
    ("1650~", "gregorian", "约1650年"), ("1650", "julian", "1650年"), ("2026-11-28?", "gregorian", "2026年11月28日？"),
])
def test_chinese_dates_are_as_they_were(value, calendar, zh):
    date = d(value, calendar)
    assert display_in(date, "zh-Hans") == display_in(date, "zh-Hans", "format") == zh


@pytest.mark.parametrize("edition, en, zh, ru", [
    ("2026-11", "Edition of November 2026", "2026年11月版", "Издание от ноября 2026\u202fг."),
    ("2026-11~", "Edition of c. November 2026", "约2026年11月版", "Издание от ок.\u00a0ноября 2026\u202fг."),
    ("2026", "Edition of 2026", "2026年版", "Издание от 2026\u202fг."),
    ("2026-11-28", "Edition of 28 November 2026", "2026年11月28日版", "Издание от 28 ноября 2026\u202fг."),
])
def test_the_edition_phrase_takes_its_date_in_the_form_its_translation_declares(edition, en, zh, ru):
    date = d(edition)
    assert (phrase_in(EDITION, date, "en"), phrase_in(EDITION, date, "zh-Hans"), phrase_in(EDITION, date, "ru")) == \
        (en, zh, ru)


def test_a_phrase_declares_its_dates_form_with_a_format_spec():
    forms = Forms("январь 1967 г.", "января 1967 г.")
    assert ("ок. {date:format}".format(date=forms), "{date} (?)".format(date=forms)) == \
        ("ок. января 1967 г.", "январь 1967 г. (?)")
    # a phrase around a phrase: a date heading the inner one takes the form the outer asks for
    assert "ок. {date:format}".format(date=forms.through("{date} (ст. ст.)")) == "ок. января 1967 г. (ст. ст.)"
    assert (declared("Издание от {date:format}"), declared("{date}版"), declared("no date")) == ("format", "", "")
    with pytest.raises(ValueError, match=r"\{date\} or \{date:format\}, not \{date:genitive\}"):
        "{date:genitive}".format(date=forms)


def test_every_shipped_date_phrase_asks_for_a_form_the_dates_have():
    forms = Forms("alone", "within")
    for code in ("zh-Hans", "ru"):
        for message in ("c. {date}", "{date}?", "{date} (O.S.)", EDITION):
            text = catalogs.engine(code).gettext(message)
            assert text != message and declared(text) in ("", "format"), (code, message)
            assert "alone" in text.format(date=forms) or "within" in text.format(date=forms)
