"""Citations that look finished: the Chicago short form for later notes of a source on the same page
(CMOS 14.29-14.36), typographic quotes in every displayed field and title, and descriptive titles
shown as descriptions rather than as quoted headlines."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from timeline import dates
from timeline.build import render_site
from timeline.model import Name, Source
from timeline.sources import bibliography, note, short_note, short_title
from timeline.typography import quotes


def src(**kw):
    base = dict(key="k", type="book", title="Russia and China", fields={}, authors=(), issued=None)
    base.update(kw)
    return Source(**base)


BOOK = src(title="Russia and China: Their Diplomatic Relations to 1728",
           authors=(Name("Mancall", "Mark"),), issued=dates.parse(1971),
           fields={"publisher": "Harvard University Press", "publisher-place": "Cambridge, MA"})


# --- typographic quotes ---------------------------------------------------------------------------

@pytest.mark.parametrize("written, shown", [
    ("Mark O'Neill", "Mark O’Neill"),
    ("People's Daily", "People’s Daily"),
    ("Another 'Yellow Peril': Chinese Migrants", "Another ‘Yellow Peril’: Chinese Migrants"),
    ('the "no limits" statement', "the “no limits” statement"),
    ('"Manza War"', "“Manza War”"),
    ('Clashes ("Manza War")', "Clashes (“Manza War”)"),
    ("the '90s", "the ’90s"),
    ("the Ministers' meeting", "the Ministers’ meeting"),
    ("'The World and Japan' Database", "‘The World and Japan’ Database"),
    ('He said "it\'s over"', "He said “it’s over”"),
    ("already “curly” and ‘curly’", "already “curly” and ‘curly’"),
    ("«Газпром» подписал", "«Газпром» подписал"),
    ("", ""),
])
def test_straight_quotes_become_typographic_ones(written, shown):
    assert quotes(written) == shown


@pytest.mark.parametrize("written, language, shown", [
    ('Договор "О дружбе"', "ru", "Договор «О дружбе»"),
    ('газета"Правда"', "ru", "газета«Правда»"),
    ('他说"你好"', "zh-Hans", "他说“你好”"),          # by the spaces alone: 他说”你好”
    ('"你好。"再见', "zh-Hans", "“你好。”再见"),
    ("O'Neill", "ru", "O’Neill"),
    ('«a» и "b"', "ru", "«a» и “b”"),                  # quotes typed as such: the straight ones as in English
    ('he said "hi" then "bye"', "en", "he said “hi” then “bye”"),
])
def test_straight_double_quotes_in_a_title_take_its_languages_form(written, language, shown):
    assert quotes(written, language) == shown


def test_web_addresses_keep_their_straight_quotes():
    text = "seen at https://example.org/a'b\"c and www.example.org/x'y, not 'elsewhere'"
    assert quotes(text) == "seen at https://example.org/a'b\"c and www.example.org/x'y, not ‘elsewhere’"


def test_a_quoted_title_turns_its_inner_double_quotes_single():
    s = src(type="article-newspaper", title='The "no limits" partnership', fields={"container-title": "The Times"})
    assert note(s).startswith("“The ‘no limits’ partnership,” <cite>The Times</cite>")


def test_every_displayed_field_of_a_source_is_typographic_but_not_its_address():
    s = src(type="article-newspaper", title="Mr. Denby to Mr. Sherman, enclosing 'The convention'",
            authors=(Name(literal="Reporter O'Hara"),), accessed=dates.parse("2026-11-28"),
            fields={"container-title": "People's Daily", "note": "Interview with Mark O'Neill",
                    "URL": "https://example.org/it's"})
    for text in (note(s), bibliography(s)):
        visible = re.sub(r'href="[^"]*"|>https://[^<]*<', "", text)
        assert "'" not in visible and "&#39;" not in visible and '"' not in visible.replace('"', "")
        assert "O’Hara" in text and "‘The convention’" in text and "People’s Daily" in text and "O’Neill" in text
        assert 'href="https://example.org/it&#39;s"' in text


# --- the short form ---------------------------------------------------------------------------------

def test_short_title_is_the_main_title_cut_to_its_key_words():
    assert short_title(BOOK) == "Russia and China"
    assert short_title(src(title="The Treaty of Nerchinsk between Russia and the Qing Empire")) == \
        "Treaty of Nerchinsk"
    assert short_title(src(title="Sino-Soviet Relations")) == "Sino-Soviet Relations"
    assert short_title(src(title="The Sino-Soviet Split")) == "The Sino-Soviet Split"   # four words: kept
    assert short_title(src(title="葛罗米柯致周恩来照会 (Gromyko's note to Zhou Enlai)")) == "葛罗米柯致周恩来照会"
    assert short_title(src(title="A very long title indeed", fields={"title-short": "Long Title"})) == "Long Title"


def test_short_note_is_surname_short_title_and_page():
    assert short_note(BOOK, "p. 12") == "Mancall, <cite>Russia and China</cite>, p. 12."
    assert short_note(BOOK) == "Mancall, <cite>Russia and China</cite>."
    article = src(type="article-journal", title="Another 'Yellow Peril': Chinese Migrants in the Far East",
                  authors=(Name("Siegelbaum", "Lewis"), Name("Other", "Ann")))
    assert short_note(article, "45", "see") == "see Siegelbaum and Other, “Another ‘Yellow Peril’,” 45."
    assert short_note(article) == "Siegelbaum and Other, “Another ‘Yellow Peril’.”"
    anonymous = src(type="treaty", title="Treaty of Nerchinsk")
    assert short_note(anonymous, "art. 1") == "<cite>Treaty of Nerchinsk</cite>, art. 1."


def _site(site_dir, events: dict, sources: str, pages: dict | None = None):
    files = {f"events/{name}.yaml": text for name, text in events.items()}
    files["sources.yaml"] = sources
    files.update(pages or {})
    result = render_site(site_dir(files))
    assert result.ok, [str(d) for d in result.diagnostics]
    return result


SOURCES = """
mancall-1971:
  type: book
  title: "Russia and China: Their Diplomatic Relations to 1728"
  author: [{family: Mancall, given: Mark}]
  publisher: Harvard University Press
  publisher-place: Cambridge, MA
  issued: 1971
nerchinsk-treaty:
  type: treaty
  title: Treaty of Nerchinsk
  issued: 1689-08-27
example-web:
  type: webpage
  title: An example page
  container-title: Example Site
  URL: https://example.org/page
  accessed: 2026-11-28
letter-1901:
  type: document
  title: Letter from the legation on the evacuation of Manchuria
  descriptive-title: true
  issued: 1901
"""

EVENT = """
title: Treaty of Nerchinsk
date: 1689-08-27
themes: [territory]
significance: major
summary: The first treaty [@mancall-1971, p. 150].
body: |
  The border ran along the Argun [@nerchinsk-treaty]. Later [@mancall-1971, p. 152; @mancall-1971, p. 153].
  Again [@nerchinsk-treaty, art. 2] and the letter [@letter-1901] [see @letter-1901, p. 2].
sources: [example-web]
"""


def _notes(page: bytes) -> list[str]:
    html = page.decode()
    return re.findall(r'<li id="note-\d+">(.*?) <a class="backref"', html)


def test_later_notes_of_a_source_on_the_same_page_take_the_short_form(site_dir):
    other = EVENT.replace("Treaty of Nerchinsk\ndate: 1689-08-27", "Another\ndate: 1700")
    result = _site(site_dir, {"1689-treaty-of-nerchinsk": EVENT, "1700-another": other}, SOURCES)
    for page in ("events/1689-treaty-of-nerchinsk/index.html", "events/1700-another/index.html"):
        assert _notes(result.files[page]) == [
            "Mark Mancall, <cite>Russia and China: Their Diplomatic Relations to 1728</cite> (Cambridge, MA: "
            "Harvard University Press, 1971), p. 150.",
            "<cite>Treaty of Nerchinsk</cite>, 27 August 1689.",
            "Mancall, <cite>Russia and China</cite>, p. 152; Mancall, <cite>Russia and China</cite>, p. 153.",
            "<cite>Treaty of Nerchinsk</cite>, art. 2.",
            "Letter from the legation on the evacuation of Manchuria, 1901.",
            "see Letter from the legation, p. 2.",
        ], page   # every page starts afresh: the second event's first note is full again


def test_a_page_of_prose_shortens_its_later_notes_too(site_dir):
    about = "---\ntitle: About\n---\nOne [@mancall-1971, p. 1]. Two [@mancall-1971, p. 2].\n"
    result = _site(site_dir, {"1689-treaty-of-nerchinsk": EVENT}, SOURCES, {"pages/about.md": about})
    notes = _notes(result.files["about/index.html"])
    assert notes[0].startswith("Mark Mancall, ") and notes[1] == "Mancall, <cite>Russia and China</cite>, p. 2."


def test_a_descriptive_title_is_neither_quoted_nor_italic(site_dir):
    result = _site(site_dir, {"1689-treaty-of-nerchinsk": EVENT}, SOURCES)
    page = result.files["sources/index.html"].decode()
    assert "Letter from the legation on the evacuation of Manchuria. 1901." in page
    assert "<cite>Letter" not in page and "“Letter" not in page


def test_descriptive_title_must_be_true_or_false(site_dir, capsys):
    from timeline.cli import main
    site_dir({"sources.yaml": SOURCES.replace("descriptive-title: true", "descriptive-title: maybe")})
    assert main(["check"]) == 1
    assert "sources.yaml:21: letter-1901.descriptive-title: expected true or false" in capsys.readouterr().err


# --- on the bundled site ------------------------------------------------------------------------------

def test_no_bundled_event_page_repeats_a_full_note_for_a_source(site):
    from timeline.sources import note as full
    sources = site.timeline.content.sources
    repeated = []
    for entry in site.timeline.entries:
        seen = set()
        for n in entry.notes:
            for c in n.citations:
                long_form = str(full(sources[c.key], c.locator, c.prefix))[:-1]
                if c.key in seen and long_form != str(short_note(sources[c.key], c.locator, c.prefix))[:-1]:
                    if long_form in n.html:
                        repeated.append((entry.id, n.number, c.key))
                seen.add(c.key)
    assert repeated == []
    shortened = sum(1 for entry in site.timeline.entries for n in entry.notes
                    if any(f"{short_title(sources[c.key])}" in n.html for c in n.citations))
    assert shortened > 20


class _Text(HTMLParser):
    """The text a reader sees, without code and without links that show their own address."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip, self.href = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre", "script", "style"):
            self.skip += 1
        self.href = dict(attrs).get("href") if tag == "a" else None

    def handle_endtag(self, tag):
        if tag in ("code", "pre", "script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and not (self.href and data.strip() == self.href):
            self.parts.append(data)


def _straight(html: str) -> list[str]:
    reader = _Text()
    reader.feed(html)
    text = "".join(reader.parts)
    return [text[max(0, m.start() - 30):m.end() + 30] for m in re.finditer(r"['\"]", text)]


def test_the_bundled_bibliography_lists_and_notes_show_no_straight_quotes(site):
    for path in ("sources/index.html", "index.html", "themes/culture/index.html", "eras/index.html"):
        assert _straight(site.files[path].decode()) == [], path
    found = {}
    for entry in site.timeline.entries:
        page = site.files[f"events/{entry.id}/index.html"].decode()
        # Title, summary, body and notes (the facts table's place names belong to the map's data).
        shown = re.findall(r'<h1 id="event-title">.*?</h1>|<div class="(?:summary|body)">.*?</div>|'
                           r'<section class="(?:notes|further)".*?</section>', page, re.S)
        if _straight("".join(shown)):
            found[entry.id] = _straight("".join(shown))
    assert found == {}
