"""Two dates of one precision as one span, by CLDR's interval patterns: `1650—1660 гг.`, `январь — март 1968 г.`.

CLDR writes a span once, the parts the two dates share (the year, the month) once: `15—18 мая 1989 г.`,
`1958年7月31日 – 8月3日`. Each pattern is CLDR's own; what is chosen here is which skeleton's:
- a year span is written as years stand in a date: the era-year skeleton's interval with the era left out
  (`y—`, `y гг. G` -> `1650—1660 гг.`, the one plural "гг." after the pair), unless the language writes a bare
  year as it writes it in a date already (`1650年`), where the plain year's interval is that same thing
  without an era to drop (`1650–1660年`, in CLDR's dash);
- months and days are spelt out as single dates spell them (CLDR's intervals abbreviate: `31 июл. — 3 авг.`);
- a month span has both forms of dateforms: stand-alone (`январь — март`) and in the format context
  (`января — марта`, after a word that governs it: "ок.", "от").
Simplified Chinese keeps CLDR's order of the parts but not its dash (`–`, spaced for months): its national
standard, GB/T 15834—2011 《标点符号用法》 (连接号), joins the start and end of a time span with one 一字线
(U+2014), closed up, and the unit of a lone number that differs is said once, after the second: `1650—1660年`,
`1967年1—3月`, `1989年5月15—18日`, `1958年7月31日—8月3日`, `1967年—1968年3月`.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

from .dateforms import Forms, era_dropped, format_context, locale, own_forms, pattern_of

_SKELETONS = {"day": "yMMMd", "month": "yMMMM"}
_ABBREVIATED_MONTH = re.compile(r"(?<![ML])([ML])\1\1(?![ML])")
# A national standard's dash for a time span where it departs from CLDR's, by (language, script): GB/T
# 15834—2011 for Simplified Chinese ("zh" alone is Babel's zh_Hans). Its examples: 2016—2020年, 1—3月, 鲁迅（1881—1936）.
_STANDARD_DASH = {("zh", "Hans"): "\u2014", ("zh", None): "\u2014"}
# What ends the first half of a CLDR interval pattern and joins it to the second: 'y年M月 – ' ends in ' – '.
_SEPARATOR = re.compile(r"[\s\u2010-\u2015~\uff5e至]+$")
_BETWEEN = re.compile(r"(?<=\})[^{}]*(?=\{)")   # the text between {0} and {1} in CLDR's fallback


def interval(precision: str, start: tuple, end: tuple, code: str) -> Forms | None:
    """The span from start to end ((year, month, day) as written, both of this precision) as CLDR writes it in
    the language; a span of one date is that date; None where CLDR has no interval for them (the caller then
    writes the two dates whole)."""
    s, e = (_dt.date(y, m or 1, d or 1) for y, m, d in (start, end))
    if s == e:
        return own_forms(precision, *start, code)
    field = "y" if s.year != e.year else "M" if s.month != e.month else "d"
    patterns = _patterns(precision, field, code)
    if not patterns:
        return None
    from babel.dates import parse_pattern

    loc = locale(code)

    def written(pair: tuple[str, str]) -> str:
        return "".join(parse_pattern(pattern).apply(instant, loc) for pattern, instant in zip(pair, (s, e)))
    alone = written(patterns)
    return Forms(alone, written(tuple(map(format_context, patterns))) if precision == "month" else alone)


def alike(start, end) -> bool:
    """Whether a span's two dates (dates.HistDate) can share one interval, their qualifier and calendar said once:
    the same precision, qualifier and shown calendar (a year is the same year in either, and says neither), and
    not Old Style days, each of which is written as two dates already (its New Style one)."""
    def shown(date) -> tuple:
        return date.precision, date.qualifier, "" if date.precision == "year" else date.calendar
    return shown(start) == shown(end) and not (start.calendar == "julian" and start.precision == "day")


def joined(start: Forms, end: Forms, code: str) -> Forms:
    """Two whole dates as one span, by CLDR's pattern for dates it has no interval for: `{0} — {1}`; in the
    standard's dash where the language has one (`{0}—{1}`: 1967年—1968年3月)."""
    fallback, dash = locale(code).interval_formats[None], standard_dash(code)
    fallback = _BETWEEN.sub(lambda _: dash, fallback) if dash else fallback
    return Forms(fallback.format(start.alone, end.alone), fallback.format(start.within, end.within))


@lru_cache(maxsize=None)
def _patterns(precision: str, field: str, code: str) -> tuple[str, str] | None:
    formats = locale(code).interval_formats
    if precision == "year":
        plain = own_forms("year", 1650, None, None, code)
        if plain.alone == plain.within:
            return _pair(formats.get("y", {}).get(field), code)
        return _pair([era_dropped(pattern) for pattern in formats.get("Gy", {}).get(field) or ()], code)
    patterns = formats.get(_SKELETONS[precision], {}).get(field)
    if patterns and "MMMM" in locale(code).date_formats["long"].pattern:   # where dates spell months out (not 8月)
        patterns = [_ABBREVIATED_MONTH.sub(r"\1\1\1\1", pattern) for pattern in patterns]
    return _pair(patterns, code)


def _pair(patterns, code: str) -> tuple[str, str] | None:
    pair = tuple(patterns) if patterns and len(patterns) == 2 else None
    dash = pair and standard_dash(code)
    return _closed_up(pair, dash) if dash else pair


def bare_years(start: int, end: int, code: str) -> str:
    """Two years bare, as an era's heading has them: in the standard's dash where the language has one
    (分裂，1960—1981), else in the dash of the language's own interval of years, closed up as a range of
    numbers is: Russian's em dash (Раскол, 1960—1981, as its spans: 1650—1660 гг.), English's en dash
    (1960–1981: CLDR sets it off with thin spaces, which English headings have never had)."""
    return f"{start}{standard_dash(code) or year_dash(code)}{end}"


@lru_cache(maxsize=None)
def year_dash(code: str) -> str:
    """The dash of CLDR's interval of two years in the language, without its spaces ('y—' -> '—',
    'y\u2009–\u2009' -> '–'); the en dash where CLDR gives none."""
    first = (locale(code).interval_formats.get("y", {}).get("y") or ("",))[0]
    match = _SEPARATOR.search(first)
    return "".join(match.group().split()) if match and match.group().strip() else "\u2013"


def standard_dash(code: str) -> str | None:
    """The dash the language's national standard writes a time span with, closed up; None where CLDR's is kept."""
    loc = locale(code)
    return _STANDARD_DASH.get((loc.language, loc.script))


def _closed_up(pair: tuple[str, str], dash: str) -> tuple[str, str]:
    """An interval's two halves joined by the dash alone; where the second half is one number and its unit
    (`M月`), the first drops that unit, said once after the second: `y年M月 – `, `M月` -> `y年M—`, `M月`
    (1967年1—3月); where more differs each half keeps its own (`y年MMMd日—`, `MMMd日`: 1958年7月31日—8月3日)."""
    from babel.dates import tokenize_pattern

    first, second = (tokenize_pattern(pattern) for pattern in pair)
    tail = first[-1][1] if first[-1][0] == "chars" else ""
    unit = _SEPARATOR.sub("", tail)
    lone = [kind for kind, _value in second] == ["field", "chars"] and second[-1][1] == unit
    head = first[:-1] if tail else first
    return pattern_of(head + [("chars", ("" if lone else unit) + dash)]), pair[1]
