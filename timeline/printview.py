"""Template filters for the print view: the whole timeline on one page, notes as footnotes.

The event pages number notes from 1 and use ids like "note-1"; on the print page every event sits
beside every other, so ids carry the event id ("note-<event>-1", still starting with a letter, so
also a plain CSS selector) and notes are numbered through the whole document, as a printed book's
footnotes are.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from . import sources as fmt
from .dates import parse as parse_date

# The marker index.py writes for a citation (see index._with_notes); the first reference to a note
# has no "-k" suffix and always comes first in reading order.
_MARKER = re.compile(
    r'<sup class="noteref"><a id="ref-(?P<n>\d+)(?P<k>-\d+)?" href="#note-(?P=n)" '
    r'role="doc-noteref" aria-label="Note (?P=n)">(?P=n)</a></sup>')


def print_notes(html: Markup, entry, offset: int = 0) -> Markup:
    """Re-number an event's note markers from offset + 1 and carry each note's text at its first marker.

    The text goes in a `span.footnote` beside the marker: WeasyPrint floats it to the foot of the page
    (`float: footnote`), and browsers, which cannot, hide it and show the list after the event.
    """
    notes = {note.number: note for note in entry.notes}
    prefix = escape(entry.id)

    def marker(match: re.Match) -> str:
        n = int(match["n"])
        shown = offset + n
        ref = (f'<sup class="noteref"><a id="ref-{prefix}-{n}{match["k"] or ""}" href="#note-{prefix}-{n}" '
               f'role="doc-noteref" aria-label="Note {shown}">{shown}</a></sup>')
        if match["k"] or n not in notes:
            return ref
        return (f'<span class="fn-call">{ref}<span class="footnote" id="fn-{prefix}-{n}" '
                f'data-n="{shown}">{notes[n].html}</span></span>')

    return Markup(_MARKER.sub(marker, str(html)))


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
