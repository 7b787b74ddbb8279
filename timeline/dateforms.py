"""A date's two forms in a language, after CLDR's two contexts for a month, and the form a phrase asks for.

CLDR names a month stand-alone (pattern letter L: the Russian nominative, "январь 1967 г.", as a heading
or a list writes it) or in its format context (M: the Russian genitive, "января 1967 г.", as it stands
inside a date or after a word that governs it: "ок. января 1967 г."). A year in the format context is
written as CLDR writes it inside a date ("ок. 1650 г." where the heading has "1650"). Chinese has one
form for both. A phrase's translation declares the form of the date it holds with str.format's spec,
"ок. {date:format}"; a bare "{date}" takes the form the phrase itself is in (stand-alone at the top).
"""

from __future__ import annotations

import datetime as _dt
import string
from functools import lru_cache
from typing import NamedTuple

FORMAT = "format"   # the spec a translation writes for the format context: "{date:format}"
_SKELETONS = {"day": "yMMMMd", "month": "yMMMM", "year": "y"}


class Forms(NamedTuple):
    """One date written in a language, stand-alone and in the format context."""
    alone: str
    within: str

    def __format__(self, spec: str) -> str:   # str.format's "{date}" and "{date:format}"
        if spec == FORMAT:
            return self.within
        if not spec:
            return self.alone
        raise ValueError(f"a date is written {{date}} or {{date:{FORMAT}}}, not {{date:{spec}}}")

    def through(self, text: str, **parts) -> "Forms":
        """The forms of a phrase around the date (text: its translation): where the phrase stands in the
        format context, so does a date it writes bare ("ок. {date:format}" around "{date} (ст. ст.)")."""
        return Forms(text.format(date=self, **parts), text.format(date=Forms(self.within, self.within), **parts))


def declared(text: str, name: str = "date") -> str:
    """The form a phrase's translation asks for its placeholder `name`: FORMAT, or "" (stand-alone)."""
    return next((spec or "" for _text, field, spec, _conv in string.Formatter().parse(text) if field == name), "")


def locale(code: str):
    from babel import Locale
    return Locale.parse(code, sep="-")


def skeleton(pattern: str, y: int, m: int | None, d: int | None, code: str) -> str:
    """A date by a CLDR skeleton ("yMMMMd", "MMMMd", "y"), in the pattern the language has for it."""
    from babel.dates import format_skeleton
    return _written(lambda day: format_skeleton(pattern, day, locale=locale(code)), y, m, d)


def _written(write, y: int, m: int | None, d: int | None) -> str:
    """write(the date y-m-d), which Babel takes as a Gregorian date: 29 February of an Old Style leap year the
    Gregorian calendar lacks (1700, 1800, 1900) is written as in a year that has it, its own year put back (it
    raised ValueError, a traceback from every build of a site with a Chinese or Russian edition)."""
    try:
        day = _dt.date(y, m or 1, d or 1)
    except ValueError:
        return write(_dt.date(_LEAP_YEAR, m, d)).replace(str(_LEAP_YEAR), str(y))
    return write(day)


_LEAP_YEAR = 2000   # a Gregorian leap year, written with four digits that no day or month has


def own_forms(precision: str, y: int, m: int | None, d: int | None, code: str) -> Forms:
    """A date at its precision in the language, in both forms: ("январь 1689 г.", "января 1689 г.")."""
    alone = skeleton(_SKELETONS[precision], y, m, d, code)
    if precision == "day":   # a day's month is in the format context already: 27 августа 1689 г.
        return Forms(alone, alone)
    from babel.dates import format_date
    return Forms(alone, format_date(_dt.date(y, m or 1, 1), format=within_pattern(precision, code), locale=locale(code)))


@lru_cache(maxsize=None)
def within_pattern(precision: str, code: str) -> str:
    """CLDR's pattern for a month or a year inside a date: its month-and-year pattern with the month in the
    format context (LLLL y 'г'. -> MMMM y 'г'.), or its pattern for a year with an era, the era left out
    (y 'г'. G -> y 'г'.; Gy年 -> y年; y G -> y)."""
    from babel.dates import match_skeleton

    skeletons = locale(code).datetime_skeletons
    wanted = "yMMMM" if precision == "month" else "Gy"
    pattern = skeletons[match_skeleton(wanted, skeletons) or "y"].pattern
    return format_context(pattern) if precision == "month" else era_dropped(pattern)


def format_context(pattern: str) -> str:
    """A pattern with its stand-alone months in the format context: LLLL y 'г'. -> MMMM y 'г'."""
    from babel.dates import tokenize_pattern
    return pattern_of([("field", ("M", value[1])) if kind == "field" and value[0] == "L" else (kind, value)
                     for kind, value in tokenize_pattern(pattern)])


def era_dropped(pattern: str) -> str:
    """A pattern without its era and the spaces that set it off: y 'г'. G -> y 'г'.; y—y гг. G's second half,
    'y гг. G', -> 'y гг.'; Gy年 -> y年."""
    from babel.dates import tokenize_pattern

    tokens, out = tokenize_pattern(pattern), []
    for i, (kind, value) in enumerate(tokens):
        if kind != "field" or value[0] != "G":
            out.append((kind, value))
        elif out and out[-1][0] == "chars":
            out[-1] = ("chars", out[-1][1].rstrip())
        elif i + 1 < len(tokens) and tokens[i + 1][0] == "chars":
            tokens[i + 1] = ("chars", tokens[i + 1][1].lstrip())
    return pattern_of([(kind, value) for kind, value in out if value])


def pattern_of(tokens: list) -> str:
    """Babel's tokens back into a CLDR pattern, each run of text quoted once (untokenize_pattern quotes
    none: a Latin letter in it would be read as a field)."""
    out, text = [], ""
    for kind, value in tokens + [("field", ("", 0))]:
        if kind == "chars":
            text += value
            continue
        if text:
            out.append("'" + text.replace("'", "''") + "'")
        out.append(value[0] * value[1])
        text = ""
    return "".join(out)
