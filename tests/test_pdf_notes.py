"""The PDF's footnotes are made from the print page's notes lists (timeline/pdfnotes.py): each note
is in the page once, for browsers, and WeasyPrint still gets it beside its first marker. The note
text is the content's, so text that looks like the markup searched for must not be taken for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import GOOD, ROOT
from timeline.build import build_site
from timeline.pdfnotes import footnotes

PRINT_PAGES = ("print/index.html", "print/eras/early/index.html", "print/themes/diplomacy/index.html")


def _marker(n: str) -> str:
    return f'<sup class="noteref"><a id="ref-{n}" href="#note-{n.split("-")[0]}" role="doc-noteref">{n.split("-")[0]}</a></sup>'


def _event(ident: str, start: int, text: str, notes: list[str]) -> str:
    items = "".join(f'  <li id="note-{start + i}">{note} <a class="backref" href="#ref-{start + i}">↩︎</a></li>\n'
                    for i, note in enumerate(notes))
    return (f'<article class="print-event" aria-labelledby="event-{ident}">\n<div class="summary"><p>{text}</p></div>\n'
            f'<section class="print-notes" aria-label="Notes">\n<ol start="{start}">\n{items}</ol>\n</section>\n</article>\n')


HOSTILE = [
    # Escaped markup that looks like a back link, the end of a list item, a marker and a footnote.
    'Smith, &lt;a class="backref"&gt; &lt;/li&gt; &lt;sup class="noteref"&gt;&lt;a id="ref-1"&gt;',
    # A real link and a line break inside the note; separators a line counter may count as lines.
    'See <a href="https://example.org/?a=1&amp;b=2">the <em>page</em></a>,<br>\u2028 p.\r 4 ',
]


def test_each_note_goes_beside_its_first_marker_only():
    page = ("<main>\n" + _event("a", 1, f"One{_marker('1')} two{_marker('2')} again{_marker('1-2')}.", HOSTILE)
            + _event("b&amp;c", 3, f"Three{_marker('3')}; none{_marker('9')}.", ["Third."]) + "</main>")
    made = footnotes(page)
    assert made == page.replace(_marker("1"), (
        f'<span class="fn-call">{_marker("1")}<span class="footnote" id="fn-a-1" data-n="1">{HOSTILE[0]}</span></span>'
    )).replace(_marker("2"), (
        f'<span class="fn-call">{_marker("2")}<span class="footnote" id="fn-a-2" data-n="2">{HOSTILE[1]}</span></span>'
    )).replace(_marker("3"), (
        # The event id is escaped as the template escapes it; the note's number is its own event's.
        f'<span class="fn-call">{_marker("3")}<span class="footnote" id="fn-b&amp;c-1" data-n="3">Third.</span></span>'
    ))
    # The second marker of note 1 and the marker of a note not in the page stay as they were.
    assert made.count(_marker("1-2")) == 1 and made.count(_marker("9")) == 1
    assert footnotes(made.replace('class="footnote"', 'class="x"')).count('class="footnote"') == 3


def test_a_page_without_notes_or_with_broken_markup_is_left_as_it_is():
    for page in ("", "<p>no notes</p>", "<main><sup class=noteref><a id=ref-1>1", "<li id=note-1>x <a class=backref",
                 '<section class="print-notes"><ol start="x"><li id="note-1">A</li></ol></section>'):
        assert footnotes(page) == page


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf-notes") / "site"
    result = build_site(Path(GOOD), out, templates=ROOT / "templates")
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return out, result.timeline


@pytest.mark.parametrize("path", PRINT_PAGES)
def test_every_note_of_the_content_becomes_one_footnote_named_by_its_event(built, path):
    """Checked against the content's own notes, not the page's lists: what the PDF gets is each note of
    each event whose text has a marker for it, as WeasyPrint needs it."""
    out, timeline = built
    made = footnotes((out / path).read_text(encoding="utf-8"))
    found = re.findall(r'<span class="footnote" id="fn-([a-z0-9-]+)-(\d+)" data-n="(\d+)">(.*?)</span></span>', made)
    events = {e.id: e for e in timeline.entries}
    assert found and [int(n) for _, _, n, _ in found] == list(range(1, len(found) + 1))
    for event, local, _, text in found:
        assert text == str(events[event].notes[int(local) - 1].html)
    shown = {e for e, _, _, _ in found}
    assert {(e, n.number) for e in shown for n in events[e].notes} == {(e, int(n)) for e, n, _, _ in found}
