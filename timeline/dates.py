"""Historical dates: precision, qualifiers, and the Julian calendar.

Pure functions only; parsing reports problems as ValueError messages that the loader turns into
diagnostics with file and line.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .calendars import days_in_month as _days_in_month, julian_to_gregorian, new_style_in_range
from .dateforms import Forms, own_forms, skeleton as _skeleton
from .diagnostics import excerpt
from .intervals import alike, interval, joined

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

# ASCII digits only: \d would also take '１７００' and '١٧٠٠', which no reader of the file would call a year.
# (The flag, not [0-9]: the pattern is copied into the editors' schema, where \d is ASCII already.)
DATE_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<q>[~?])?$", re.ASCII)


@dataclass(frozen=True)
class HistDate:
    """A date as a historian writes it: to the year, month or day, perhaps approximate."""

    year: int
    month: int | None = None
    day: int | None = None
    qualifier: str = ""          # "" | "~" (approximate) | "?" (uncertain)
    calendar: str = "gregorian"  # the calendar the date was written in

    def __post_init__(self):
        if self.calendar == "julian" and self.day:   # its New Style day must be a date too (display_in, datetime)
            new_style_in_range(self.year, self.month, self.day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    # Cached (in the instance's __dict__, which a frozen dataclass allows): sorting thousands of
    # events asks for these many times each.
    @cached_property
    def gregorian(self) -> tuple[int, int | None, int | None]:
        """(year, month, day) in the Gregorian calendar; month-precise Old Style dates keep their month."""
        if self.calendar == "julian" and self.day:
            return julian_to_gregorian(self.year, self.month, self.day)
        return self.year, self.month, self.day

    @cached_property
    def sort_key(self) -> tuple[int, int, int]:
        # Missing parts count as 0 so that "1864" sorts before any dated event of 1864.
        y, m, d = self.gregorian
        return y, m or 0, d or 0

    def iso(self) -> str:
        """Gregorian ISO 8601 form at the date's own precision (EDTF qualifier appended)."""
        return self.datetime + self.qualifier

    @property
    def known(self) -> tuple[int, ...]:
        """(year[, month[, day]]) as far as the Gregorian calendar knows the date: an Old Style month is
        its year, no Gregorian month being it (January 1725 O.S. is 12 January - 11 February N.S.)."""
        y, m, d = self.gregorian
        return (y,) if self.calendar == "julian" and not d else tuple(p for p in (y, m, d) if p)

    @cached_property
    def datetime(self) -> str:
        """The Gregorian ISO 8601 form without the qualifier, as HTML's <time datetime> takes it (see known)."""
        # Cached: an event's page and its list items and print part read it half a dozen times.
        known = self.known
        return f"{known[0]:04d}" + "".join(f"-{p:02d}" for p in known[1:]) if known else ""

    def span_ends(self, end: HistDate | None, code: str) -> tuple[str, str, str] | None:
        """For a template: this date's span to end, cut into (start, dash, end) where it writes each end whole."""
        return span_ends(self, end, code) if end is not None else None

    def source_text(self) -> str:
        """The date as the editor wrote it."""
        text = f"{self.year:04d}" + (f"-{self.month:02d}" if self.month else "")
        return text + (f"-{self.day:02d}" if self.day else "") + self.qualifier

    def display(self) -> str:
        return _qualify(self._plain(), self.qualifier)

    def _plain(self) -> str:
        if self.precision == "year":
            return str(self.year)
        if self.precision == "month":
            text = f"{MONTHS[self.month - 1]} {self.year}"
            return text + " (O.S.)" if self.calendar == "julian" else text
        text = f"{self.day} {MONTHS[self.month - 1]}"
        if self.calendar != "julian":
            return f"{text} {self.year}"
        gy, gm, gd = self.gregorian
        if gy == self.year:
            return f"{text} ({gd} {MONTHS[gm - 1]} N.S.) {self.year}"
        return f"{text} {self.year} ({gd} {MONTHS[gm - 1]} {gy} N.S.)"


def _qualify(text: str, qualifier: str) -> str:
    if qualifier == "~":
        return f"c. {text}"
    if qualifier == "?":
        return f"{text}?"
    return text


def parse(value, calendar: str = "gregorian") -> HistDate:
    """Read a date from YAML: a date object, an integer year, or a 'YYYY[-MM[-DD]][~|?]' string."""
    if isinstance(value, _dt.datetime):
        raise ValueError("expected a date, not a date and time")
    if isinstance(value, _dt.date):
        y, m, d, q = value.year, value.month, value.day, ""
    elif isinstance(value, bool):
        raise ValueError(f"expected a date like 1689, 1689-08 or 1689-08-27, got {value!r}")
    elif isinstance(value, int):
        y, m, d, q = value, None, None, ""
        if not 1 <= y <= 9999:
            raise ValueError(f"'{excerpt(value)}' is not a four-digit year")
    elif isinstance(value, str):
        match = DATE_PATTERN.match(value.strip())
        if not match:
            raise ValueError(f"'{excerpt(value)}' is not a date like 1689, 1689-08, 1689-08-27 or 1650~")
        y = int(match["y"])
        m = int(match["m"]) if match["m"] else None
        d = int(match["d"]) if match["d"] else None
        q = match["q"] or ""
    else:
        raise ValueError(f"expected a date like 1689, 1689-08 or 1689-08-27, got {type(value).__name__}")
    if m is not None and not 1 <= m <= 12:
        raise ValueError(f"month {m} does not exist")
    if d is not None:
        last = _days_in_month(y, m, calendar)
        if not 1 <= d <= last:
            name = "Julian" if calendar == "julian" else "Gregorian"
            raise ValueError(f"{MONTHS[m - 1]} {y} has {last} days in the {name} calendar, not {d}")
    return HistDate(y, m, d, q, calendar)


def display_span(start: HistDate, end: HistDate | None) -> str:
    """'15–18 May 1989', '31 July – 3 August 1958', '1685–1687', or the start date alone."""
    if end is None or end.display() == start.display():   # a span of one date: that date ('1700–1700')
        return start.display()
    same_cal = start.calendar == end.calendar == "gregorian" and not start.qualifier and not end.qualifier
    if same_cal and start.precision == end.precision == "day" and start.year == end.year:
        if start.month == end.month:
            return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"
        return f"{start.day} {MONTHS[start.month - 1]} – {end.day} {MONTHS[end.month - 1]} {end.year}"
    if same_cal and start.precision == end.precision == "year":
        return f"{start.year}–{end.year}"
    return f"{start.display()} – {end.display()}"



# ----------------------------------------------------------------------------------------------------
# Dates in other languages, with Babel (CLDR's month names and patterns) and the engine's catalog
# (timeline/locale/) for the phrases CLDR lacks. English keeps the functions above, byte for byte.

def N_(message: str) -> str:  # marks a message for Babel's extraction (timeline.catalogs)
    return message


# Formatted with str.format; the placeholders are dates already written in the language. A translation
# writes "{date:format}" where its words govern the date's case ("ок. {date:format}"): timeline/dateforms.py.
APPROXIMATE = N_("c. {date}")
UNCERTAIN = N_("{date}?")
OLD_STYLE_MONTH = N_("{date} (O.S.)")
# day and month Old Style, then New Style, then the year: "27 August (6 September N.S.) 1689"
OLD_STYLE_SAME_YEAR = N_("{old} ({new} N.S.) {year}")
# two whole dates when the New Style one falls in the next year
OLD_STYLE_OTHER_YEAR = N_("{old} ({new} N.S.)")
DECADE = N_("{year}s")
CENTURY = N_("{ordinal} century")


def _english(code: str) -> bool:
    return code == "en" or code.startswith("en-")


def _translated(message: str, code: str) -> str:
    from .catalogs import engine
    return engine(code).gettext(message)


@lru_cache(maxsize=8192)   # Babel takes ~150 µs a date; notes and lists ask for the same ones again
def display_in(date: HistDate, code: str, form: str = "") -> str:
    """A date as a reader of the language writes it, with its qualifier and the Old Style note: `约1650年`,
    stand-alone, or in the form a phrase asks for ("format": `ок. января 1967 г.`). English is display()."""
    if _english(code):
        return date.display()
    return format(forms_in(date, code), form)


def phrase_in(message: str, date: HistDate, code: str) -> str:
    """An engine phrase around a date ("Edition of {date}"), the date in the form its translation asks for."""
    if _english(code):
        return message.format(date=date.display())
    return _translated(message, code).format(date=forms_in(date, code))


@lru_cache(maxsize=8192)
def forms_in(date: HistDate, code: str) -> Forms:
    """A date's two forms in the language, for a phrase whose translation may ask for either; English's one."""
    english = _english(code) and Forms(date.display(), date.display())
    return english or _qualify_in(_plain_in(date, code), date.qualifier, code)


def _plain_in(date: HistDate, code: str) -> Forms:
    own = own_forms(date.precision, date.year, date.month, date.day, code)
    if date.calendar != "julian" or date.precision == "year":
        return own
    if date.precision == "month":
        return own.through(_translated(OLD_STYLE_MONTH, code))
    gy, gm, gd = date.gregorian
    if gy == date.year:
        text = _translated(OLD_STYLE_SAME_YEAR, code).format(
            old=_skeleton("MMMMd", date.year, date.month, date.day, code), new=_skeleton("MMMMd", gy, gm, gd, code),
            year=_skeleton("y", date.year, None, None, code))
    else:
        text = _translated(OLD_STYLE_OTHER_YEAR, code).format(old=own.alone, new=_skeleton("yMMMMd", gy, gm, gd, code))
    return Forms(text, text)


def _qualify_in(forms: Forms, qualifier: str, code: str) -> Forms:
    phrase = {"~": APPROXIMATE, "?": UNCERTAIN}.get(qualifier)
    return forms.through(_translated(phrase, code)) if phrase else forms


@lru_cache(maxsize=4096)
def span_forms_in(start: HistDate, end: HistDate, code: str) -> Forms:
    """A span's two forms in the language (for a phrase that governs it, as forms_in). Ends alike in precision,
    qualifier and the calendar they show are one CLDR interval, the qualifier and the Old Style note said once
    (`ок. 1650—1660 гг.`, `январь — март 1725 г. (ст. ст.)`); others are two whole dates (`1967 г. — март
    1968 г.`, `ок. 1650 г. — 1660 г.`: "ок. 1650—1660 гг." would make the end approximate too)."""
    if _english(code):
        return Forms(display_span(start, end), display_span(start, end))
    written = (start.year, start.month, start.day), (end.year, end.month, end.day)
    forms = alike(start, end) and interval(start.precision, *written, code)
    if not forms:
        return joined(_whole(start, code), _whole(end, code), code)
    if start.calendar == "julian" and start.precision == "month":
        forms = forms.through(_translated(OLD_STYLE_MONTH, code))
    return _qualify_in(forms, start.qualifier, code)


def _whole(date: HistDate, code: str) -> Forms:
    """One end of a span as a whole date: a year as it stands in a date (`1967 г.`, as CLDR writes each end of
    `январь 1967 г. — март 1968 г.`), not bare as a heading writes it."""
    plain = _plain_in(date, code)
    plain = Forms(plain.within, plain.within) if date.precision == "year" else plain
    return _qualify_in(plain, date.qualifier, code)


def display_span_in(start: HistDate, end: HistDate | None, code: str) -> str:
    """A span in the language: `15—18 мая 1989 г.`, `1650—1660 гг.`, `1650—1660年`; English is display_span()."""
    if _english(code):
        return display_span(start, end)
    return display_in(start, code) if end is None else span_forms_in(start, end, code).alone


# What joins a span's two whole dates: a dash, spaced or not ("1685–1687", "1967 г. — март 1968 г.").
_JOIN = re.compile(r"\s*[\u2010-\u2015]\s*")


@lru_cache(maxsize=4096)
def span_ends(start: HistDate, end: HistDate, code: str) -> tuple[str, str, str] | None:
    """A span's text (display_span_in) as (start, dash, end) where it is each date written whole and the dash between
    (`1685`, `–`, `1687`; `1967 г.`, ` — `, `март 1968 г.`), so that each end can be a <time> of its own; None where
    the two share what they have in common (`15—18 мая 1989 г.`, `1650—1660 гг.`: no part of it is the start)."""
    text = display_span_in(start, end, code)
    first, last = (date.display() if _english(code) else _whole(date, code).alone for date in (start, end))
    between = text[len(first):len(text) - len(last)]
    whole = len(first) + len(last) < len(text) and text.startswith(first) and text.endswith(last)
    return (first, between, last) if whole and _JOIN.fullmatch(between) else None


def decade_label(year: int, code: str = "en") -> str:
    """The decade a year falls in: 1860s, 1860年代, 1860-е годы."""
    return (DECADE if _english(code) else _translated(DECADE, code)).format(year=year // 10 * 10)


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out += letters * count
    return out


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def century_label(year: int, code: str = "en") -> str:
    """The century of a year as charts count them (1800-1899 is the 19th): 19th century, 19世纪, XIX век. The
    catalog's phrase may use {ordinal} (19th), {number} (19) or {roman} (XIX)."""
    number = year // 100 + 1
    parts = {"ordinal": _ordinal(number), "number": number, "roman": _roman(number)}
    return (CENTURY if _english(code) else _translated(CENTURY, code)).format(**parts)


# Russia's first New Style day: 1 February 1918 (O.S.) was followed by 14 February.
NEW_STYLE_FROM = (1918, 2, 14)
JULIAN_ENDED = "Russia adopted the Gregorian calendar in February 1918; later dates are New Style"


def julian_too_late(date: HistDate) -> bool:
    """An Old Style date on or after Russia's change of calendar, which no source writes: one whose first day
    is (February 1918 O.S. began on 14 February N.S.; its sort key, (1918, 2, 0), passed it)."""
    return date.calendar == "julian" and julian_to_gregorian(date.year, date.month or 1, date.day or 1) >= NEW_STYLE_FROM


def ends_before(end: HistDate, start: HistDate) -> bool:
    """Whether a span ends before it starts. Each date is a period as long as its precision (1689-09 is all of
    September: sort_key would put it before the 6th), so the end's last day is compared with the start's
    first, each converted from its own calendar (an Old Style month is not the New Style one)."""
    def day(date: HistDate, last: bool) -> tuple[int, int, int]:
        m = date.month or (12 if last else 1)
        d = date.day or (_days_in_month(date.year, m, date.calendar) if last else 1)
        return julian_to_gregorian(date.year, m, d) if date.calendar == "julian" else (date.year, m, d)
    return day(end, True) < day(start, False)


def epoch_moment(text: str | None) -> _dt.datetime | None:
    """SOURCE_DATE_EPOCH's value (seconds since 1970, the reproducible-builds convention) as a UTC
    moment; None unless it is whole seconds within the years a datetime holds."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:   # 12 digits: past year 9999 already
        return None
    try:
        return _dt.datetime.fromtimestamp(int(text), tz=_dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
