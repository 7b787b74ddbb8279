"""The charts' words for screen readers (titles, descriptions, each mark's and bar's name) in the page's
language, from the engine's catalog (timeline/locale/<locale>/LC_MESSAGES/timeline.po). A name that
shows a translated title or label whose English changed since is followed by the lists' note (plain
text: it is an aria-label and a tooltip)."""

from __future__ import annotations

from .catalogs import N_, NP_, engine
from .dateforms import Forms
from .dates import decade_label
from .printview import era_heading, joined
from .transstamp import STALE, noted

OVERVIEW_TITLE = N_("Overview of {events}, {start}–{end}, in {eras}")
EVENTS, ERAS, DECADE_COUNT = NP_("{count} event", "{count} events"), NP_("{count} era", "{count} eras"), \
    NP_("{count} decade", "{count} decades")
MARK = N_("{title}, {date} ({themes}; {significance})")
SIGNIFICANCE = {"major": N_("major"), "notable": N_("notable"), "minor": N_("minor")}
DECADES_TITLE = N_("Events per decade, stacked by theme")
DECADES_DESC = N_("{decades} from {first} to {last}; the busiest has {busiest}. Select a decade to go to its "
                  "events; the table below gives every count.")
NO_EVENTS = N_("No events.")
DECADE_BAR = N_("{decade}: {events} ({detail})")


def texts(code: str):
    return engine(code or "en")


def count(code: str, forms: tuple[str, str], n: int) -> str:
    return texts(code).ngettext(*forms, n).format(count=n)


def mark_label(entry, code: str = "en") -> str:
    """An event's name for screen readers: title, date, themes and significance, in the language."""
    _ = texts(code).gettext
    significance = entry.event.significance
    # The date is written as the list writes it, in one form: a translation's {date:format} gets it too.
    name = _(MARK).format(title=entry.event.title, date=Forms(entry.date_display, entry.date_display),
                          themes=joined([t.label for t in entry.themes], code),
                          significance=_(SIGNIFICANCE[significance]) if significance in SIGNIFICANCE else significance)
    # A stale title is noted as the lists note it; its themes' labels are not, as no list notes them.
    return noted(name, "title" in entry.stale, _(STALE))


def era_band(era, code: str = "en") -> str:
    """An era's band's tooltip: its heading (label and years), noted where the label is stale."""
    return noted(era_heading(era, code), "label" in era.stale, texts(code).gettext(STALE))


def decades_desc(rows, code: str) -> str:
    """The decades chart's description: how many decades, from which to which, the busiest's count."""
    if not rows:
        return texts(code).gettext(NO_EVENTS)
    return texts(code).gettext(DECADES_DESC).format(
        decades=count(code, DECADE_COUNT, len(rows)), first=decade_label(rows[0].decade, code),
        last=decade_label(rows[-1].decade, code), busiest=count(code, EVENTS, max(r.total for r in rows)))


def decade_bar(row, themes, code: str) -> str:
    """A decade's bar: its events, and how many under each theme ("1850s: 3 events (Trade 2, Diplomacy 1)")."""
    named = [(t, c) for t, c in zip(themes, row.counts) if c]
    detail = joined([f"{t.label} {c}" for t, c in named], code)
    return noted(texts(code).gettext(DECADE_BAR).format(decade=decade_label(row.decade, code),
                                                        events=count(code, EVENTS, row.total), detail=detail),
                 any("label" in t.stale for t, _ in named), texts(code).gettext(STALE))
