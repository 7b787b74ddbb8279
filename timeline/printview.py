"""The print views and their template filters: the whole timeline on one page, notes as footnotes,
and one such page for each era and each theme (a teacher wants the unequal treaties, not 100 pages).

The event pages number notes from 1 and use ids like "note-1"; on the print page every event sits
beside every other, so notes are numbered through the whole document, as a printed book's footnotes
are, and the markers' and notes' ids take that number ("ref-12", "note-12"), unique on the page and
short: a page of 800 notes carried their event ids some 4,000 times (100 KB). Each note is in the
page once, in the list after its event; the PDF's footnotes are made from it (see pdfnotes).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import attrgetter

from markupsafe import Markup, escape

from . import sources as fmt
from . import urls
from .catalogs import N_, engine
from .cite import EDITION
from .dateforms import declared
from .dates import display_in, parse as parse_date
from .index import noteref
from .intervals import bare_years

# Punctuation is the language's: Chinese writes 分裂，1960–1981 and 领土、外交.
ERA_HEADING = N_("{label}, {span}")   # an era and its years: its print heading, contents line and PDF title
LISTED = N_("{first}, {second}")      # two items of a list (an event's themes), or a list and its next item
SERIES = N_("{first}; {second}")      # the same for items that may hold commas (the events citing a source)
_JOINS = {"comma": LISTED, "series": SERIES}


def print_notes(text, offset: int = 0, code: str = "en") -> Markup:
    """An event's text (an index.Marked) with its note markers numbered from offset + 1, named in the
    language of code.

    The notes are in the list after the event, which browsers show; the PDF step copies each beside
    its first marker as a footnote for WeasyPrint to float to the foot of the page (pdfnotes).
    """
    def marker(ref) -> str:
        again = ref.ref[len(f"ref-{ref.note}"):]  # "-2" for a second marker of the note
        shown = offset + ref.note
        return noteref(ref, shown, f"ref-{shown}{again}", f"#note-{shown}", code)

    return text.render(marker)


@dataclass(frozen=True)
class PrintDoc:
    """One printed document: its title page, and its events grouped by era (each part an era's events
    in timeline order). kind and ident name its page and PDF in urls (kind "print": the whole)."""
    kind: str
    ident: str
    heading: str                # the title page's heading and the PDF's title
    subtitle: str
    parts: tuple                # ((era, [entries]), ...), eras in order, none empty
    language: str = ""          # the folder of its language ("" the default), for its PDF's name
    every_source: tuple | None = None   # the whole's bibliography (every source); None: those cited
    english: frozenset = frozenset()    # in a translated edition, its heading or subtitle still in English
    stale: bool = False         # whether its title page shows a text translated from an English changed since

    @cached_property
    def sources(self) -> tuple:
        """The bibliography: every source for the whole, else those its events cite (made when a
        template asks: a save in the preview plans every document and renders none)."""
        if self.every_source is not None:
            return self.every_source
        found = {}
        for _, entries in self.parts:
            for e in entries:
                found.update(e.cited)
        return tuple(found.values())

    @property
    def events(self) -> int:
        return sum(len(entries) for _, entries in self.parts)

    @property
    def page(self) -> str:
        return urls.path(self.kind, self.ident)

    @property
    def pdf(self) -> str:
        return urls.pdf(self.kind, self.ident, self.language)


def printed(entries) -> bool:
    """Whether an era or a theme with these events has a print view (and a PDF): not when it has
    none, as there would be nothing to print but a title page (its page then offers no link)."""
    return bool(entries)


def documents(tl, language: str = "") -> list[PrintDoc]:
    """The whole timeline, then each era, then each theme that has events (printed), as print
    documents (language: the folder of the timeline's language, "" for the default)."""
    site = tl.site

    def by_era(entries) -> tuple:
        """Entries (in timeline order, so each era's together) grouped by era, eras in order, none empty."""
        groups = (list(group) for _, group in groupby(entries, key=attrgetter("era.id")))
        return tuple((group[0].era, group) for group in groups)

    # The timeline's own grouping (each event once, in order) is the whole's.
    whole = tuple((era, list(tl.by_era[era.id])) for era in site.eras if tl.by_era[era.id])
    docs = [PrintDoc("print", "", site.title, site.subtitle, whole, language, tuple(tl.content.sources.values()),
                     _english(site, "title", "subtitle"), bool(site.stale))]
    part_of_stale = "title" in site.stale   # an era's or a theme's title page names the timeline it is part of
    for era in site.eras:
        if printed(tl.by_era[era.id]):
            docs.append(PrintDoc("print-era", era.id, era_heading(era, site.language), era.intro or "",
                                 ((era, list(tl.by_era[era.id])),), language, english=_english(era, "label", "intro"),
                                 stale=bool(era.stale) or part_of_stale))
    for theme in site.themes:
        entries = tl.by_theme[theme.id]
        if printed(entries):
            docs.append(PrintDoc("print-theme", theme.id, theme.label, theme.description or "",
                                 by_era(entries), language, english=_english(theme, "label", "description"),
                                 stale=bool(theme.stale) or part_of_stale))
    return docs


def _english(item, heading: str, subtitle: str) -> frozenset:
    """Which of a document's heading and subtitle, made of item's texts of these names, are still the English."""
    return frozenset(name for name, text in (("heading", heading), ("subtitle", subtitle)) if text in item.english)


def short_source(source, code: str = "en") -> Markup:
    """A source as an event's print entry names it among its further sources: a note's short form
    (Family, Short Title.) in the language of code; the document's bibliography gives it in full."""
    return fmt.short_note(source, w=fmt.words(code))


def era_heading(era, code: str = "en") -> str:
    """'The split, 1960–1981' as the language of code punctuates it ('分裂，1960—1981')."""
    return engine(code).gettext(ERA_HEADING).format(label=era.label, span=bare_years(era.start, era.end, code))


def listed(items, code: str = "en", text: str | None = None, by: str = "comma") -> Markup:
    """Items as one list in the language of code: 'Territory, Diplomacy', '领土、外交'. With text, each
    item's text of that name (a theme's label), in a <span lang="en"> where it is still the English.
    by="series" joins them as 'A; B', 'A；B'."""
    pattern, out = Markup(engine(code).gettext(_JOINS[by])), Markup("")
    for i, item in enumerate(items):
        if text is not None:
            shown = getattr(item, text)
            item = Markup('<span lang="en">{}</span>').format(shown) if text in item.english else shown
        out = pattern.format(first=out, second=item) if i else escape(item)
    return out


def joined(texts, code: str = "en", by: str = "comma") -> str:
    """Plain texts as one list in the language of code, for text escaped where it is placed (a chart's
    names for screen readers): 'Territory 1, Diplomacy 1', '领土 1、外交 1'."""
    pattern, out = engine(code).gettext(_JOINS[by]), ""
    for i, text in enumerate(texts):
        out = pattern.format(first=out, second=text) if i else text
    return out


def bibliography_order(sources) -> list:
    """Sources in the order of the bibliography: author (or title), then date."""
    return sorted(sources, key=fmt.sort_key)


# The engine's phrases a template may write a date within, the same words as the template's own:
# "Издание от {date:format}" asks for "ноября 2026 г." in "издание от <time>…</time>" too.
_WITHIN = {"edition": EDITION}


def long_date(iso: str, code: str = "en", within: str = "") -> str:
    """'2026-11-28' as a reader of the language writes it, '28 November 2026', '2026年11月28日';
    anything else unchanged. Within a phrase of _WITHIN, in the form the phrase's translation asks for."""
    form = declared(engine(code).gettext(_WITHIN[within])) if within else ""
    try:
        return display_in(parse_date(iso), code, form)
    except (ValueError, TypeError):
        return iso


def register(env, code: str = "en") -> None:
    """The print views' filters, for an environment of the language of code."""
    env.filters["era_heading"] = lambda era: era_heading(era, code)
    env.filters["years"] = lambda start, end: bare_years(start, end, code)   # 1960–1981, 1960—1981 in Chinese
    env.filters["listed"] = lambda items, text=None, by="comma": listed(items, code, text, by)
    env.filters["long_date"] = long_date
    env.filters["print_notes"] = print_notes
    env.filters["bibliography_order"] = bibliography_order
    env.filters["short_source"] = short_source
