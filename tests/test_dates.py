import datetime as dt

import pytest

from timeline.dates import HistDate, display_span, ends_before, julian_to_gregorian, parse


@pytest.mark.parametrize("julian, gregorian", [
    ((1689, 8, 27), (1689, 9, 6)),        # Nerchinsk: 10 days in the 17th century
    ((1700, 2, 18), (1700, 2, 28)),       # last day with a 10-day lag
    ((1700, 2, 19), (1700, 3, 1)),
    ((1700, 2, 29), (1700, 3, 11)),       # Julian leap day that the Gregorian calendar lacks: 11 days from here
    ((1727, 10, 21), (1727, 11, 1)),      # Kyakhta: 11 days in the 18th century
    ((1800, 2, 28), (1800, 3, 11)),
    ((1800, 2, 29), (1800, 3, 12)),       # 12 days from here
    ((1858, 5, 16), (1858, 5, 28)),       # Aigun
    ((1900, 2, 28), (1900, 3, 12)),
    ((1900, 2, 29), (1900, 3, 13)),       # 13 days from here
    ((1918, 1, 31), (1918, 2, 13)),       # Russia's last Julian day
    ((1699, 12, 25), (1700, 1, 4)),       # crosses a year
])
def test_julian_conversion_is_exact_at_century_boundaries(julian, gregorian):
    assert julian_to_gregorian(*julian) == gregorian


def test_display_follows_precision_and_calendar():
    assert parse("1689-08-27", "julian").display() == "27 August (6 September N.S.) 1689"
    assert parse("1699-12-25", "julian").display() == "25 December 1699 (4 January 1700 N.S.)"
    assert parse(1864).display() == "1864"
    assert parse("2025-06").display() == "June 2025"
    assert parse("1650~").display() == "c. 1650"
    assert parse("1650?").display() == "1650?"
    assert parse("1727-10", "julian").display() == "October 1727 (O.S.)"
    assert parse(dt.date(2022, 2, 24)).display() == "24 February 2022"


def test_iso_is_gregorian_at_the_given_precision():
    assert parse("1689-08-27", "julian").iso() == "1689-09-06"
    assert parse("1650~").iso() == "1650~"
    assert parse("2025-06").iso() == "2025-06"


def test_the_datetime_attribute_is_the_iso_form_without_its_qualifier():
    assert parse("1689-08-27", "julian").datetime == "1689-09-06"
    assert parse("1650~").datetime == "1650" and parse("1911-10?").datetime == "1911-10"
    assert parse("0988-01-02").datetime == "0988-01-02"


@pytest.mark.parametrize("value, datetime, shown", [
    # January 1725 O.S. is 12 January - 11 February N.S.: "1725-01" named a Gregorian month it is not. Its
    # year is the year as an Old Style year's is (December O.S. runs 11 or 12 days into the next one).
    ("1725-01", "1725", "January 1725 (O.S.)"),
    ("1725-12~", "1725", "c. December 1725 (O.S.)"),
    # A year is numbered alike in both calendars, each beginning on 1 January: no "(O.S.)" to add.
    ("1700", "1700", "1700"),
    ("1689-08-27", "1689-09-06", "27 August (6 September N.S.) 1689"),
])
def test_an_old_style_month_or_year_gives_its_time_the_gregorian_it_is(value, datetime, shown):
    date = parse(value, "julian")
    assert (date.datetime, date.iso(), date.display()) == (datetime, datetime + date.qualifier, shown)
    if not date.day:   # still sorted in its month, as written
        assert date.sort_key == parse(value.rstrip("~")).sort_key


@pytest.mark.parametrize("value, message", [
    ("1858-02-30", "February 1858 has 28 days in the Gregorian calendar, not 30"),
    ("1700-02-29", "February 1700 has 28 days in the Gregorian calendar, not 29"),
    ("1858-13", "month 13 does not exist"),
    ("27 August 1689", "'27 August 1689' is not a date like 1689, 1689-08, 1689-08-27 or 1650~"),
    ("1689-8-27", "is not a date like"),
    (True, "expected a date like"),
    (dt.datetime(2020, 1, 1, 12), "expected a date, not a date and time"),
    ([1689], "expected a date like 1689, 1689-08 or 1689-08-27, got list"),
])
def test_bad_dates_are_explained(value, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(value)


def test_julian_leap_day_in_a_century_year_is_valid_only_in_julian():
    assert parse("1700-02-29", "julian").gregorian == (1700, 3, 11)


def test_sorting_is_chronological_and_year_only_first():
    dates = [parse("1864-10-07"), parse(1864), parse("1864-03"), parse("1689-08-27", "julian"), parse("1689-09-01")]
    ordered = sorted(dates, key=lambda d: d.sort_key)
    assert [d.source_text() for d in ordered] == ["1689-09-01", "1689-08-27", "1864", "1864-03", "1864-10-07"]


def test_spans():
    assert display_span(parse("1989-05-15"), parse("1989-05-18")) == "15–18 May 1989"
    assert display_span(parse("1958-07-31"), parse("1958-08-03")) == "31 July – 3 August 1958"
    assert display_span(parse(1685), parse(1687)) == "1685–1687"
    assert display_span(parse("1949-12-16"), parse("1950-02-17")) == "16 December 1949 – 17 February 1950"
    assert display_span(parse(1685), None) == "1685"


@pytest.mark.parametrize("start, end, calendar, before", [
    ("1689-08-27", "1689-09", "julian", False),     # Nerchinsk: September (O.S.) holds 6 September N.S.
    ("1689-08-27", "1689-08", "julian", False),     # the start's own month, though it is September N.S.
    ("1689-08-27", "1689-08-26", "julian", True),
    ("1699-12-25", "1699", "julian", False),        # 4 January 1700 N.S., still in the Old Style year 1699
    ("1689-09-06", "1689-09", "gregorian", False),  # a month-only end in the start's month
    ("1689-09-06", "1689-09-05", "gregorian", True),  # the same month, a day earlier
    ("1689-09-06", "1689-08", "gregorian", True),   # a month before the start's
    ("1689-09", "1689-09-01", "gregorian", False),  # a month-only start may begin on the 1st
    ("1689-09", "1689-08-31", "gregorian", True),
    ("1689", "1689-03", "gregorian", False),        # a year-only start may begin in January
    ("1689-09-06", "1689", "gregorian", False),     # a year-only end in the start's year
    ("1690-01-01", "1689", "gregorian", True),
    ("1900-05", "1899", "gregorian", True),
])
def test_an_end_is_before_the_start_only_when_all_of_it_is(start, end, calendar, before):
    assert ends_before(parse(end, calendar), parse(start, calendar)) is before


def test_histdate_precision():
    assert HistDate(1689).precision == "year"
    assert HistDate(1689, 8).precision == "month"
    assert HistDate(1689, 8, 27).precision == "day"


# An Old Style day is also shown as its New Style day, which a date (Babel, <time datetime>) can hold only in the
# years 1 to 9999: 1-01-01 O.S. is 30 December of year 0 N.S., 9999-12-31 O.S. is in year 10000. These broke
# dates.display_in in Chinese and Russian (Babel: "year 0 is out of range"), and check said "date: 0 is outside
# the timeline's span" of a date written 0001-01-01.
ALLOWED = "Old Style days run from 0001-01-03 to 9999-10-19"


@pytest.mark.parametrize("text, year", [("0001-01-01", 0), ("0001-01-02", 0), ("9999-10-20", 10000),
                                        ("9999-12-31", 10000)])
def test_an_old_style_day_whose_new_style_day_no_date_can_hold_is_refused_clearly(text, year):
    with pytest.raises(ValueError) as refused:
        parse(text, "julian")
    assert str(refused.value) == (f"{text} is an Old Style (Julian) day whose New Style day falls in year {year}, "
                                  f"outside the years 1 to 9999 a date can have: {ALLOWED}")
    with pytest.raises(ValueError, match=ALLOWED):   # made directly, as a program using the engine may
        HistDate(*map(int, text.split("-")), calendar="julian")


@pytest.mark.parametrize("text, ru, zh, datetime", [
    ("0001-01-03", "3 января (1 января н.\u00a0ст.) 1\u202fг.", "儒略历1年1月3日（公历1月1日）", "0001-01-01"),
    ("9999-10-19", "19 октября (31 декабря н.\u00a0ст.) 9999\u202fг.", "儒略历9999年10月19日（公历12月31日）", "9999-12-31"),
])
def test_the_first_and_last_old_style_days_are_written_in_every_language(text, ru, zh, datetime):
    from timeline.dates import display_in
    date = parse(text, "julian")
    assert (display_in(date, "ru"), display_in(date, "zh-Hans"), date.datetime) == (ru, zh, datetime)
    assert parse(text[:4], "julian").display() == str(int(text[:4]))   # a year alone is the same year in both


def test_check_names_the_old_style_day_it_refuses_at_its_line(tmp_path, capsys):
    import shutil
    from support import multilingual
    from timeline.cli import main
    src = multilingual(tmp_path / "site_src")
    site = src / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("span: {start: 1689, end: 2025}", "span: {start: 1, end: 9999}")
                    .replace("start: 1689, end: 1916", "start: 1, end: 1916").replace("start: 1917, end: 2025", "start: 1917, end: 9999"),
                    encoding="utf-8")
    nerchinsk = (src / "events" / "1689-treaty-of-nerchinsk.yaml").read_text(encoding="utf-8")
    assert "date: 1689-08-27\ncalendar: julian\n" in nerchinsk
    for name, date in (("0001-first", "0001-01-01"), ("9999-last", "9999-12-31")):
        (src / "events" / f"{name}.yaml").write_text(nerchinsk.replace("1689-08-27", date), encoding="utf-8")
        shutil.copy(src / "translations" / "ru" / "events" / "1689-treaty-of-nerchinsk.yaml",
                    src / "translations" / "ru" / "events" / f"{name}.yaml")
    assert main(["check", "--src", str(src)]) == 1
    err = capsys.readouterr().err
    line = nerchinsk.splitlines().index("date: 1689-08-27") + 1
    for name, date, year in (("0001-first", "0001-01-01", 0), ("9999-last", "9999-12-31", 10000)):
        assert (f"events/{name}.yaml:{line}: date: {date} is an Old Style (Julian) day whose New Style day falls in "
                f"year {year}, outside the years 1 to 9999 a date can have: {ALLOWED}") in err
    assert "Traceback" not in err and "is outside the timeline's span" not in err
