"""The small macros of the default theme's partials/macros.html, and its long_date filter, as Python.

An event page called them a dozen times, and a list or print view once or more for each event; as
Jinja2 macros each call cost a macro's overhead (its arguments, a context, a Markup of its output)
around a few comparisons. partials/macros.html exports these under the macros' names, so that every
template imports them from there as before; a theme's own macros.html keeps its own macros. Each
gives what the macro gave: the same text, marked safe, each value in it escaped.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from . import places, printview
from .escaping import escaped

_LANG_EN, _NOTHING = Markup(' lang="en"'), Markup("")


def english(item, text: str) -> Markup:
    """' lang="en"' where a translated edition shows that text of the item (an entry, a theme, an era,
    the site) in English, not yet translated."""
    return _LANG_EN if text in item.english else _NOTHING


def date_tag(entry) -> Markup:
    """An event's date in <time>; a span whose text writes each end whole gives each its own."""
    e = entry.event
    ends = e.date.span_ends(e.end, entry.language)
    if ends and "".join(ends) == entry.date_display:
        return Markup(f'<time datetime="{escaped(e.date.datetime)}">{escaped(ends[0])}</time>{escaped(ends[1])}'
                      f'<time datetime="{escaped(e.end.datetime)}">{escaped(ends[2])}</time>')
    return Markup(f'<time datetime="{escaped(e.date.datetime)}">{escaped(entry.date_display)}</time>')


def marked(getitem):
    """marked(item, text): the item's text (item[text], as a template reads it: getitem, the
    environment's), in a <span lang="en"> where it is still the English."""
    def marked(item, text) -> Markup:
        shown = escaped(getitem(item, text))
        return Markup(f'<span lang="en">{shown}</span>' if text in item.english else shown)
    return marked


def placed(code: str):
    """place_names(places): places named in the language, joined as it joins them; a name it lacks
    is the English one, marked."""
    def place_names(found) -> Markup:
        return Markup("".join(escaped(before) + (f'<span lang="en">{escaped(name)}</span>' if english else escaped(name))
                              for before, name, english in places.parts(found, code)))
    return place_names


def theme_list(themes, url) -> Markup:
    """An event's themes as tags, each linked (url: the page's links)."""
    items = "".join(f'<li><a class="theme-tag" style="--theme: var(--t-{escaped(t.id)})" '
                    f'href="{escaped(url("theme", t.id))}"{_LANG_EN if "label" in t.english else ""}>'
                    f'{escaped(t.label)}</a></li>' for t in themes)
    return Markup(f'<ul class="theme-tags">{items}</ul>\n')


def long_date(iso, code: str = "en", within: str = "") -> str:
    """The long_date filter (printview.long_date), kept for each date, language and phrase: every page's
    footer shows the edition's date."""
    if type(iso) is str and type(code) is str and type(within) is str:
        return _long_date(iso, code, within)
    return printview.long_date(iso, code, within)


_long_date = lru_cache(maxsize=256)(printview.long_date)
