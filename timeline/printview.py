"""Template filters for the print view: the whole timeline on one page, notes as footnotes.

The event pages number notes from 1 and use ids like "note-1"; on the print page every event sits
beside every other, so ids carry the event id ("note-<event>-1", still starting with a letter, so
also a plain CSS selector) and notes are numbered through the whole document, as a printed book's
footnotes are.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from . import sources as fmt
from .dates import parse as parse_date
from .index import noteref


def print_notes(text, entry, offset: int = 0) -> Markup:
    """An event's text (an index.Marked) with its note markers numbered from offset + 1, each note's
    text carried at its first marker.

    The text goes in a `span.footnote` beside the marker: WeasyPrint floats it to the foot of the page
    (`float: footnote`), and browsers, which cannot, hide it and show the list after the event.
    """
    notes = {note.number: note for note in entry.notes}
    prefix = escape(entry.id)

    def marker(ref) -> str:
        n, again = ref.note, ref.ref[len(f"ref-{ref.note}"):]  # "-2" for a second marker of the note
        shown = offset + n
        mark = noteref(ref, shown, f"ref-{prefix}-{n}{again}", f"#note-{prefix}-{n}")
        if again or n not in notes:
            return mark
        return (f'<span class="fn-call">{mark}<span class="footnote" id="fn-{prefix}-{n}" '
                f'data-n="{shown}">{notes[n].html}</span></span>')

    return text.render(marker)


def bibliography_order(sources) -> list:
    """Sources in the order of the bibliography: author (or title), then date."""
    return sorted(sources, key=fmt.sort_key)


def long_date(iso: str) -> str:
    """'2026-11-28' as a reader writes it, '28 November 2026'; anything else unchanged."""
    try:
        return parse_date(iso).display()
    except (ValueError, TypeError):
        return iso


def register(env) -> None:
    env.filters["long_date"] = long_date
    env.filters["print_notes"] = print_notes
    env.filters["bibliography_order"] = bibliography_order
