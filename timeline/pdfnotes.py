"""The print page's notes as WeasyPrint's footnotes: the page carries each note once, in the list
after its event that browsers show; before typesetting, each note is copied beside its first marker
in a `span.footnote`, which the print stylesheet floats to the foot of the page (`float: footnote`).

The page is read with the standard library's HTML tokenizer, not searched as text: a note's text
comes from the content's YAML and may hold anything that looks like markup (it is escaped, so it is
text to a tokenizer). Only the markup the print templates write is recognised:
`<article class="print-event" aria-labelledby="event-ID">`, its `<section class="print-notes">` with
`<ol start="K">` and `<li id="note-N">TEXT <a class="backref" ...>...</a></li>`, and the markers
`<sup class="noteref"><a id="ref-N" ...>N</a></sup>` (a second marker of a note is "ref-N-2").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import escape

_FIRST_MARKER = re.compile(r"ref-(\d+)")
_NOTE = re.compile(r"note-(\d+)")


class _Scan(HTMLParser):
    """Where the notes and the note markers are in a print page (offsets into its text)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]  # the tokenizer counts "\n" only
        self.event = ""             # the event whose article is open
        self.first = 0              # its first note's number in the document
        self.in_notes = False       # inside its notes list
        self.note = None            # [number, event id, number in the event, start, end, depth]
        self.sup = None             # [start, marker id] of the open sup.noteref
        self.notes = {}             # number -> (event id, number in the event, (start, end))
        self.markers = []           # (start, end, number) of each note's first marker

    def _at(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        attrs, at = dict(attrs), self._at()
        classes = (attrs.get("class") or "").split()
        if tag == "article" and "print-event" in classes:
            self.event = (attrs.get("aria-labelledby") or "").removeprefix("event-")
        elif tag == "section" and "print-notes" in classes:
            self.in_notes = True
        elif tag == "ol" and self.in_notes and self.note is None:
            self.first = int(attrs["start"]) if (attrs.get("start") or "").isdigit() else 1
        elif tag == "li" and self.note is not None:
            self.note[5] += 1
        elif tag == "li" and self.in_notes and _NOTE.fullmatch(attrs.get("id") or ""):
            n = int(attrs["id"][5:])
            start = at + len(self.get_starttag_text())
            self.note = [n, self.event, n - self.first + 1, start, None, 0]
        elif tag == "a" and self.note is not None and "backref" in classes and self.note[4] is None:
            # The template writes " " before each back link: the note's text ends before it.
            self.note[4] = at - 1 if self.text[at - 1:at] == " " else at
        elif tag == "sup" and "noteref" in classes:
            self.sup = [at, None]
        elif tag == "a" and self.sup is not None and self.sup[1] is None:
            self.sup[1] = attrs.get("id") or ""

    def handle_endtag(self, tag):
        at = self._at()
        if tag == "section" and self.in_notes and self.note is None:
            self.in_notes = False
        elif tag == "li" and self.note is not None:
            if self.note[5]:
                self.note[5] -= 1
                return
            n, event, local, start, end, _ = self.note
            self.notes.setdefault(n, (event, local, (start, at if end is None else end)))
            self.note = None
        elif tag == "sup" and self.sup is not None:
            first = _FIRST_MARKER.fullmatch(self.sup[1] or "")
            if first:
                self.markers.append((self.sup[0], self.text.index(">", at) + 1, int(first[1])))
            self.sup = None


def footnotes(text: str) -> str:
    """The print page text with each note's first marker followed by the note as a footnote:
    `<span class="fn-call">MARKER<span class="footnote" id="fn-EVENT-n" data-n="N">TEXT</span></span>`
    (n the note's number in its event, which names it in the PDF's structure tree; N its number in
    the document). A marker whose note is not in the page is left as it is."""
    scan = _Scan(text)
    scan.feed(text)
    scan.close()
    out, done = [], 0
    for start, end, n in scan.markers:
        if n not in scan.notes:
            continue
        event, local, (a, b) = scan.notes[n]
        out += [text[done:start], '<span class="fn-call">', text[start:end],
                f'<span class="footnote" id="fn-{escape(event)}-{local}" data-n="{n}">', text[a:b], "</span></span>"]
        done = end
    out.append(text[done:])
    return "".join(out)
