"""The Julian and Gregorian calendars: exact conversion of an Old Style day, month lengths, and the Old Style
days whose New Style day a date can hold. Pure arithmetic on (year, month, day); dates.py reads dates with it."""

from __future__ import annotations


def _julian_to_jdn(y: int, m: int, d: int) -> int:
    a = (14 - m) // 12
    yy = y + 4800 - a
    mm = m + 12 * a - 3
    return d + (153 * mm + 2) // 5 + 365 * yy + yy // 4 - 32083


def _jdn_to_gregorian(jdn: int) -> tuple[int, int, int]:
    a = jdn + 32044
    b = (4 * a + 3) // 146097
    c = a - 146097 * b // 4
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    day = e - (153 * m + 2) // 5 + 1
    month = m + 3 - 12 * (m // 10)
    year = 100 * b + d - 4800 + m // 10
    return year, month, day


def julian_to_gregorian(y: int, m: int, d: int) -> tuple[int, int, int]:
    """Convert a Julian (Old Style) calendar date to the proleptic Gregorian one, exactly."""
    return _jdn_to_gregorian(_julian_to_jdn(y, m, d))


def days_in_month(y: int, m: int, calendar: str) -> int:
    if m == 2:
        leap = y % 4 == 0 if calendar == "julian" else (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0))
        return 29 if leap else 28
    return 30 if m in (4, 6, 9, 11) else 31


# The first and last Old Style days whose New Style day falls in the years 1 to 9999 that a date (and Babel,
# and <time datetime>) can hold: 1 January 1 and 31 December 9999 N.S.
FIRST_OLD_STYLE_DAY, LAST_OLD_STYLE_DAY = (1, 1, 3), (9999, 10, 19)


def new_style_in_range(y: int, m: int, d: int) -> None:
    """Refuse an Old Style day whose New Style day is in year 0 or 10000, which no date can be written in."""
    if FIRST_OLD_STYLE_DAY <= (y, m, d) <= LAST_OLD_STYLE_DAY:
        return
    first, last = ("-".join(f"{p:0{4 if i == 0 else 2}d}" for i, p in enumerate(day))
                   for day in (FIRST_OLD_STYLE_DAY, LAST_OLD_STYLE_DAY))
    raise ValueError(f"{y:04d}-{m:02d}-{d:02d} is an Old Style (Julian) day whose New Style day falls in year "
                     f"{julian_to_gregorian(y, m, d)[0]}, outside the years 1 to 9999 a date can have: Old Style "
                     f"days run from {first} to {last}")
