"""Spans of dates in Chinese and Russian, for every pairing of precision (year, month, day), qualifier
(approximate ~, uncertain ?) and calendar (Old Style, New Style) at the two ends, each written out here
from the rules, not copied from the output:

- ends alike (the same precision and qualifier, and the same calendar where it shows: a year says none)
  are one interval by CLDR's pattern: what they share is written once, and so are their qualifier and
  Old Style note: `1650—1660 гг.` (the era-year's interval, one plural "гг." after the pair),
  `ок. 1650—1660 гг.`, `январь — март 1968 г. (ст. ст.)`, `1650—1660年`, `约1967年1—3月`;
- any other pair is two whole dates joined by CLDR's fallback (`{0} — {1}`), a year in each written as
  it stands in a date (`1967 г. — март 1968 г.`), each end with its own qualifier (`ок. 1650 г. — 1660 г.`:
  "ок. 1650—1660 гг." would make 1660 approximate too);
- Old Style days are two whole dates always, each with its New Style date.

The Russian dashes are CLDR's: an em dash, closed up between numbers (`15—18`, `1650—1660`), spaced
between words (`январь — март`). The Chinese are GB/T 15834—2011's (《标点符号用法》, 连接号): one 一字线
(U+2014) and no spaces, whatever the precision (`1967年1月—1968年3月`, `1967年—1968年3月`), and a number's
unit said once when only that number differs, as Chinese writes it: the year once before the months
(`1967年1—3月`), year and month once before the days (`1989年5月15—18日`), but `1958年7月31日—8月3日`.
"""

from __future__ import annotations

import pytest

from timeline import catalogs
from timeline.cite import EDITION
from timeline.dates import display_span, display_span_in, parse, span_ends, span_forms_in
from timeline.intervals import alike, bare_years

G, GG, OK, NB = "\u202fг.", "\u202fгг.", "ок.\u00a0", "\u00a0"
NS, OS = "н.\u00a0ст.", " (ст.\u00a0ст.)"


def d(text: str):
    """'1725-01 OS' is an Old Style date, anything else New Style."""
    value, _, calendar = text.partition(" ")
    return parse(value, "julian" if calendar == "OS" else "gregorian")


SPANS = [
    # precision: year, month and day at each end, no qualifier, New Style
    ("1650", "1660", f"1650—1660{GG}", "1650—1660年"),
    ("1967", "1968-03", f"1967{G} — март 1968{G}", "1967年—1968年3月"),
    ("1967", "1968-03-05", f"1967{G} — 5 марта 1968{G}", "1967年—1968年3月5日"),
    ("1967-01", "1968", f"январь 1967{G} — 1968{G}", "1967年1月—1968年"),
    ("1968-01", "1968-03", f"январь{NB}— март 1968{G}", "1968年1—3月"),
    ("1967-11", "1968-03", f"ноябрь 1967{G} — март 1968{G}", "1967年11月—1968年3月"),
    ("1968-01", "1968-03-05", f"январь 1968{G} — 5 марта 1968{G}", "1968年1月—1968年3月5日"),
    ("1967-01-05", "1968", f"5 января 1967{G} — 1968{G}", "1967年1月5日—1968年"),
    ("1968-01-05", "1968-03", f"5 января 1968{G} — март 1968{G}", "1968年1月5日—1968年3月"),
    ("1989-05-15", "1989-05-18", f"15—18 мая 1989{G}", "1989年5月15—18日"),
    ("1958-07-31", "1958-08-03", f"31 июля — 3 августа 1958{G}", "1958年7月31日—8月3日"),
    ("1958-07-31", "1959-08-03", f"31 июля 1958{G} — 3 августа 1959{G}", "1958年7月31日—1959年8月3日"),
    # qualifiers: none, ~ and ? at each end
    ("1650~", "1660", f"{OK}1650{G} — 1660{G}", "约1650年—1660年"),
    ("1650", "1660~", f"1650{G} — {OK}1660{G}", "1650年—约1660年"),
    ("1650~", "1660~", f"{OK}1650—1660{GG}", "约1650—1660年"),
    ("1650?", "1660", f"1650{G} (?) — 1660{G}", "1650年？—1660年"),
    ("1650", "1660?", f"1650{G} — 1660{G} (?)", "1650年—1660年？"),
    ("1650?", "1660?", f"1650—1660{GG} (?)", "1650—1660年？"),
    ("1650~", "1660?", f"{OK}1650{G} — 1660{G} (?)", "约1650年—1660年？"),
    ("1650?", "1660~", f"1650{G} (?) — {OK}1660{G}", "1650年？—约1660年"),
    ("1967-01~", "1967-03~", f"{OK}января{NB}— марта 1967{G}", "约1967年1—3月"),
    ("1967-01~", "1967-03", f"{OK}января 1967{G} — март 1967{G}", "约1967年1月—1967年3月"),
    ("1967-01", "1967-03?", f"январь 1967{G} — март 1967{G} (?)", "1967年1月—1967年3月？"),
    ("1967-01?", "1967-03?", f"январь{NB}— март 1967{G} (?)", "1967年1—3月？"),
    ("1989-05-15~", "1989-05-18~", f"{OK}15—18 мая 1989{G}", "约1989年5月15—18日"),
    ("1989-05-15", "1989-05-18~", f"15 мая 1989{G} — {OK}18 мая 1989{G}", "1989年5月15日—约1989年5月18日"),
    ("1989-05-15?", "1989-05-18?", f"15—18 мая 1989{G} (?)", "1989年5月15—18日？"),
    ("1967~", "1968-03~", f"{OK}1967{G} — {OK}марта 1968{G}", "约1967年—约1968年3月"),
    # calendars: Old Style and New Style at each end
    ("1689-08-12 OS", "1689-08-27 OS", f"12 августа (22 августа {NS}) 1689{G} — 27 августа (6 сентября {NS}) 1689{G}",
     "儒略历1689年8月12日（公历8月22日）—儒略历1689年8月27日（公历9月6日）"),
    ("1917-10-25 OS", "1918-03-03", f"25 октября (7 ноября {NS}) 1917{G} — 3 марта 1918{G}",
     "儒略历1917年10月25日（公历11月7日）—1918年3月3日"),
    ("1689-08-01", "1689-08-27 OS", f"1 августа 1689{G} — 27 августа (6 сентября {NS}) 1689{G}",
     "1689年8月1日—儒略历1689年8月27日（公历9月6日）"),
    ("1699-12-25 OS", "1700-01-10 OS", f"25 декабря 1699{G} (4 января 1700{G} {NS}) — 10 января (20 января {NS}) 1700{G}",
     "儒略历1699年12月25日（公历1700年1月4日）—儒略历1700年1月10日（公历1月20日）"),
    ("1725-01 OS", "1725-03 OS", f"январь{NB}— март 1725{G}{OS}", "儒略历1725年1—3月"),
    ("1725-01 OS", "1726-03 OS", f"январь 1725{G} — март 1726{G}{OS}", "儒略历1725年1月—1726年3月"),
    ("1725-01 OS", "1725-03", f"январь 1725{G}{OS} — март 1725{G}", "儒略历1725年1月—1725年3月"),
    ("1725-01", "1725-03 OS", f"январь 1725{G} — март 1725{G}{OS}", "1725年1月—儒略历1725年3月"),
    ("1650 OS", "1660 OS", f"1650—1660{GG}", "1650—1660年"),
    ("1650 OS", "1660", f"1650—1660{GG}", "1650—1660年"),
    # the three together
    ("1725-01~ OS", "1725-03~ OS", f"{OK}января{NB}— марта 1725{G}{OS}", "约儒略历1725年1—3月"),
    ("1725-01? OS", "1725-03 OS", f"январь 1725{G}{OS} (?) — март 1725{G}{OS}", "儒略历1725年1月？—儒略历1725年3月"),
    ("1689-08-27~ OS", "1690", f"{OK}27 августа (6 сентября {NS}) 1689{G} — 1690{G}",
     "约儒略历1689年8月27日（公历9月6日）—1690年"),
    ("1650~ OS", "1660~", f"{OK}1650—1660{GG}", "约1650—1660年"),
    ("1689-08-27 OS", "1689-09", f"27 августа (6 сентября {NS}) 1689{G} — сентябрь 1689{G}",
     "儒略历1689年8月27日（公历9月6日）—1689年9月"),
]


@pytest.mark.parametrize("start, end, ru, zh", SPANS)
def test_a_span_is_written_as_russian_and_chinese_write_it(start, end, ru, zh):
    s, e = d(start), d(end)
    assert (display_span_in(s, e, "ru"), display_span_in(s, e, "zh-Hans")) == (ru, zh)


@pytest.mark.parametrize("start, end, ru, zh", SPANS)
def test_english_spans_are_as_they_were(start, end, ru, zh):
    s, e = d(start), d(end)
    assert display_span_in(s, e, "en") == display_span(s, e)
    assert tuple(span_forms_in(s, e, "en")) == (display_span(s, e),) * 2


# A phrase whose words govern its date ("Издание от {date:format}") takes a span in the format context:
# its months in the genitive, its years as they stand in a date; a bare "{date}" the stand-alone form.
@pytest.mark.parametrize("start, end, ru, zh", [
    ("1968-01", "1968-03", f"Издание от января{NB}— марта 1968{G}", "1968年1—3月版"),
    ("1967-11", "1968-03", f"Издание от ноября 1967{G} — марта 1968{G}", "1967年11月—1968年3月版"),
    ("1967", "1968-03", f"Издание от 1967{G} — марта 1968{G}", "1967年—1968年3月版"),
    ("1650", "1660", f"Издание от 1650—1660{GG}", "1650—1660年版"),
    ("1650~", "1660~", f"Издание от {OK}1650—1660{GG}", "约1650—1660年版"),
    ("1725-01 OS", "1725-03 OS", f"Издание от января{NB}— марта 1725{G}{OS}", "儒略历1725年1—3月版"),
    ("1967-01~", "1967-03", f"Издание от {OK}января 1967{G} — марта 1967{G}", "约1967年1月—1967年3月版"),
    ("1989-05-15", "1989-05-18", f"Издание от 15—18 мая 1989{G}", "1989年5月15—18日版"),
])
def test_a_phrase_that_governs_its_date_takes_a_span_in_its_form(start, end, ru, zh):
    s, e = d(start), d(end)
    written = [catalogs.engine(code).gettext(EDITION).format(date=span_forms_in(s, e, code)) for code in ("ru", "zh-Hans")]
    assert written == [ru, zh]


def test_a_bare_date_in_a_phrase_takes_the_span_stand_alone():
    forms = span_forms_in(d("1968-01"), d("1968-03"), "ru")
    assert ("{date} (?)".format(date=forms), "ок. {date:format}".format(date=forms)) == \
        (f"январь{NB}— март 1968{G} (?)", f"ок. января{NB}— марта 1968{G}")


def test_a_span_of_one_date_is_that_date():
    assert display_span_in(d("1968-03"), d("1968-03"), "ru") == f"март 1968{G}"
    assert display_span_in(d("1689"), d("1689"), "ru") == "1689"
    assert display_span_in(d("1689"), d("1689"), "zh-Hans") == "1689年"


# GB/T 15834—2011 is Simplified Chinese's standard, whatever code names it; Traditional Chinese (Taiwan's
# and Hong Kong's conventions) and Japanese keep CLDR's 至 and ～.
@pytest.mark.parametrize("code", ["zh", "zh-CN", "zh-Hans-SG"])
def test_simplified_chinese_by_any_code_takes_the_standards_dash(code):
    spans = [("1968-01", "1968-03"), ("1967", "1968-03")]
    assert [display_span_in(d(s), d(e), code) for s, e in spans] == ["1968年1—3月", "1967年—1968年3月"]


@pytest.mark.parametrize("code, written", [("zh-Hant", "1968年1月至3月"), ("ja", "1968年1月～3月")])
def test_other_languages_keep_cldrs_dash(code, written):
    assert display_span_in(d("1968-01"), d("1968-03"), code) == written


# An era's years, bare as its heading, the chart's band and the filter write them: in the dash of the language's
# spans, closed up as between numbers (Russian's em dash, as in 1650—1660 гг.; GB/T 15834—2011's 一字线), and
# English's en dash without the thin spaces CLDR sets it off with.
@pytest.mark.parametrize("code, written", [("en", "1960–1981"), ("ru", "1960—1981"), ("zh-Hans", "1960—1981")])
def test_an_eras_bare_years_take_the_languages_dash_closed_up(code, written):
    assert bare_years(1960, 1981, code) == written


# A span's <time datetime> (templates/partials/macros.html's date_tag): where its text writes each end whole, each
# end is a <time> of its own; where the ends share a part written once, no part of the text is the end alone,
# and the span stays one <time> of its start. The text is the same either way.
@pytest.mark.parametrize("start, end, ru, zh", SPANS)
@pytest.mark.parametrize("code", ["en", "ru", "zh-Hans"])
def test_a_span_is_cut_into_its_ends_only_where_it_writes_each_whole(start, end, ru, zh, code):
    s, e = d(start), d(end)
    text, ends = display_span_in(s, e, code), span_ends(s, e, code)
    if ends is None:   # one interval: the ends share a year, a month, a qualifier or the Old Style note
        shared = (s.precision, s.qualifier, s.calendar) == (e.precision, e.qualifier, e.calendar) if code == "en" \
            else alike(s, e)
        assert shared and not (code == "en" and s.precision == "month"), text
        return
    assert "".join(ends) == text and ends[1].strip() in ("–", "—")
    assert str(s.year) in ends[0] and str(e.year) in ends[2]


@pytest.mark.parametrize("start, end, code, ends", [
    ("1685", "1687", "en", ("1685", "–", "1687")),
    ("1967", "1968-03", "ru", (f"1967{G}", " — ", f"март 1968{G}")),
    ("1967-01", "1968-03", "zh-Hans", ("1967年1月", "—", "1968年3月")),
    ("1689-08-27 OS", "1689-09", "ru", (f"27 августа (6 сентября {NS}) 1689{G}", " — ", f"сентябрь 1689{G}")),
    ("1989-05-15", "1989-05-18", "en", None), ("1650", "1660", "ru", None), ("1968-01", "1968-03", "zh-Hans", None),
    ("1725-01 OS", "1726-03 OS", "ru", None),   # the Old Style note is said once, after the end
])
def test_a_spans_ends_are_its_two_whole_dates_and_the_dash(start, end, code, ends):
    assert span_ends(d(start), d(end), code) == ends
