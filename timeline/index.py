"""The derived views of the content: order, eras, themes, numbered notes, links between events.

Pure: takes the validated model and a Markdown renderer, returns a Timeline. Nothing here reads
files or knows about templates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, NamedTuple

from markupsafe import Markup

from . import sources as fmt
from .catalogs import N_, engine
from .dates import display_span, display_span_in
from .citations import PLACEHOLDER
from .incremental import Memo, Stage, digest
from .markup import Renderer, fill, plain_text
from .parallel import map_in_halves
from .model import Citation, Content, Era, Event, Source, Theme

ENTRY_HEADS = Stage("index.entry-head")   # event id -> EntryHead
# event id -> EntryText: read only for the pages being made (most pages of an edit are kept)
ENTRY_TEXTS = Stage("index.entry-text", lazy=True)
# The preview only (too many objects to be worth saving): event id -> Entry, made again when its text,
# its links or the site's eras, themes and places changed.
ENTRIES = Stage("index.entry", saved=False)

LANGUAGE_NAMES = {"zh": "Chinese", "ru": "Russian", "mn": "Mongolian", "la": "Latin", "ja": "Japanese",
                  "fr": "French", "en": "English", "kk": "Kazakh", "ug": "Uyghur", "mnc": "Manchu"}
NOTE = N_("Note {number}")   # a note marker's accessible name


@dataclass
class Note:
    number: int
    citations: tuple[Citation, ...]
    html: Markup
    refs: list[str] = field(default_factory=list)   # ids of the markers that point here


@dataclass(frozen=True)
class NoteRef:
    """A marker in the text pointing to a note: the note's number and the marker's own id."""
    note: int
    ref: str            # "ref-3", or "ref-3-2" for the second marker of note 3


@dataclass(frozen=True)
class Marked:
    """Rendered text with its note markers as data: HTML with a placeholder where each marker goes,
    and the markers in order. Pages show it with the standard markers (html()); the print view,
    which numbers notes through the whole document, with its own (render())."""
    text: str
    refs: tuple[NoteRef, ...] = ()

    def render(self, marker) -> Markup:
        """The text with marker(ref) in place of each placeholder, in order."""
        refs = iter(self.refs)
        return Markup(PLACEHOLDER.sub(lambda m: marker(next(refs)), self.text))

    def html(self, code: str = "en") -> Markup:
        """With the standard markers, named in the language of code."""
        return self.render(lambda ref: noteref(ref, code=code))


def noteref(ref: NoteRef, number: int | None = None, ident: str | None = None, href: str | None = None,
            code: str = "en") -> str:
    """The one form of a note marker: a superscript link to the note, its accessible name in the
    language of code (number, ids and link may be given for documents that number notes their own
    way, as the print view does)."""
    number = ref.note if number is None else number
    label = engine(code).gettext(NOTE).format(number=number)
    return (f'<sup class="noteref"><a id="{ident or ref.ref}" href="{href or f"#note-{ref.note}"}" '
            f'role="doc-noteref" aria-label="{label}">{number}</a></sup>')


@dataclass
class Entry:
    """One event with everything a page needs about it. Its rendered text (summary, body, notes,
    further) is read when first asked for: a build that keeps most pages never reads most texts."""
    event: Event
    era: Era
    themes: list[Theme]
    date_display: str
    summary_text: str
    note_count: int
    text: Callable[[], EntryText] = field(repr=False, compare=False)
    related: list[str] = field(default_factory=list)
    prev: str | None = None
    next: str | None = None
    digest: str = ""            # of what comes from the event, its sources and (translated) its
                                # dates and what is in English: for page caching
    cited: dict = field(default_factory=dict)  # key -> Source: every source the event cites or lists
    places: list = field(default_factory=list)  # model.Place for each id of event.place
    english: frozenset = frozenset()  # in a translated edition, the texts still in English (localize)
    stale: frozenset = frozenset()    # and those translated from an English that has changed since (transstamp)
    language: str = "en"        # the edition's language: the note markers' names are in it
    # Read for every event by every build (plain attributes: a cached_property's first read costs
    # microseconds, and a command-line build makes 10,000 entries afresh).
    id: str = field(init=False, compare=False, repr=False)
    key: str = field(init=False, compare=False, repr=False)  # what pages show of it: digest and links

    def __post_init__(self):
        self.id = self.event.id
        self.key = f"{self.digest}{self.related}{self.prev}{self.next}"

    @cached_property
    def summary(self) -> Marked:  # with its note markers as data
        return self.text().summary

    @cached_property
    def summary_list_html(self) -> Markup:  # without markers (lists)
        return self.text().summary_list_html

    @cached_property
    def body(self) -> Marked:
        return self.text().body

    @cached_property
    def notes(self) -> list[Note]:
        return self.text().notes

    @cached_property
    def further(self) -> list[Source]:  # sources: entries not already cited in a note
        return self.text().further

    @cached_property
    def summary_html(self) -> Markup:
        """With note markers (the event page)."""
        return self.summary.html(self.language)

    @cached_property
    def body_html(self) -> Markup:
        return self.body.html(self.language)


@dataclass
class Timeline:
    content: Content
    entries: list[Entry]
    by_id: dict
    by_era: dict                # era id -> [Entry]
    by_theme: dict              # theme id -> [Entry]
    cited_by: dict              # source key -> [event ids], in timeline order
    pages_html: dict            # page slug -> (Markup, notes)

    @property
    def site(self):
        return self.content.site


class _Notes:
    """Formats notes, formatting each source's fixed parts only once however often it is cited."""

    def __init__(self, sources: dict, code: str = "en"):
        self.sources, self.parts, self.words = sources, {}, fmt.words(code)   # the style's words in the language
        self.heads: dict = {}   # source key -> its short note's words before the locator

    def __call__(self, group: tuple[Citation, ...], seen: set) -> Markup:
        """The note for a group; a source already cited in the notes before it (seen: their keys, to
        which the group's are added) or in the group itself takes the short form."""
        texts = []
        for c in group:
            if c.key in seen:
                head = self.heads.get(c.key)
                if head is None:
                    head = self.heads[c.key] = fmt.short_head(self.sources[c.key], self.words)
                texts.append(fmt.short_note(self.sources[c.key], c.locator, c.prefix, self.words, head, stop=False))
                continue
            seen.add(c.key)
            parts = self.parts.get(c.key)
            if parts is None:
                parts = self.parts[c.key] = fmt.note_parts(self.sources[c.key], self.words)
            texts.append(fmt.note_from_parts(parts, c.locator, c.prefix, self.words, stop=False))
        return fmt.join_notes(texts)


def _with_notes(html: str, groups, notes: list[Note], by_group: dict, note_html, seen: set) -> Marked:
    """Number each citation group (re-using an identical one's number), note its markers; seen: see _Notes."""
    numbers = []
    for group in groups:
        if group not in by_group:
            note = Note(len(notes) + 1, group, note_html(group, seen))
            notes.append(note)
            by_group[group] = note
        numbers.append(by_group[group])
    refs = []
    for match in PLACEHOLDER.finditer(html):  # in reading order; Markdown may have dropped one
        note = numbers[int(match[1])]
        ref = f"ref-{note.number}" + (f"-{len(note.refs) + 1}" if note.refs else "")
        note.refs.append(ref)
        refs.append(NoteRef(note.number, ref))
    return Marked(html, tuple(refs))


def era_for(year: int, eras) -> Era:
    for era in eras:
        if era.start <= year <= era.end:
            return era
    raise LookupError(year)  # validation guarantees an era covers every event


class EntryText(NamedTuple):
    """An event's own rendered text and notes: what of an Entry depends on the event and the sources
    it cites alone."""
    summary: Marked
    summary_list_html: Markup
    body: Marked
    notes: list
    further: list


class EntryHead(NamedTuple):
    """What every build needs of an event's text, its pages made or kept: small, read for all."""
    summary_text: str
    note_count: int
    cited: tuple                # the key of every source the event cites or lists
    digest: str


def _entry_text(event: Event, sources: dict, renderer: Renderer, note_html, code: str = "en",
                left=()) -> tuple[EntryHead, EntryText]:
    notes, by_group, seen = [], {}, set()
    s_html, s_groups = renderer.render_inline(event.summary, "en" if "summary" in left else code)
    b_html, b_groups = renderer.render(event.body, "en" if "body" in left else code) if event.body else ("", [])
    summary = _with_notes(s_html, s_groups, notes, by_group, note_html, seen)
    body = _with_notes(b_html, b_groups, notes, by_group, note_html, seen)
    cited = [c.key for note in notes for c in note.citations]
    further = [sources[k] for k in dict.fromkeys(event.sources) if k not in cited]
    used = tuple(dict.fromkeys(cited + list(event.sources)))
    digest = hashlib.sha1("\0".join(
        [event.digest, repr(summary), repr(body), *(n.html for n in notes), *(sources[k].digest for k in used)]
    ).encode("utf-8")).hexdigest()
    return (EntryHead(plain_text(s_html), len(notes), used, digest),
            EntryText(summary, Markup(fill(s_html, lambda i: "")), body, notes, further))


def _related(events) -> dict:
    """Event id -> ids of the events it links to, in timeline order: a link is shown from both ends."""
    related = {event.id: list(event.related) for event in events}
    for event in events:
        for rid in event.related:
            if event.id not in related[rid]:
                related[rid].append(event.id)
    order = {event.id: i for i, event in enumerate(events)}
    for links in related.values():
        if len(links) > 1:
            links.sort(key=order.__getitem__)
    return related


def _texts(events, sources: dict, cites: dict, renderer: Renderer, memo: Memo, code="en", english=None) -> list:
    """Each event's (EntryHead, a function giving its EntryText) in the language of code, made again only
    when the event, a source it cites or which of its texts are still in English (english: as build's) changed;
    cites: Content.cites (a translation cites what the English cites, in order: the loader refuses it otherwise)."""
    left = [sorted(english[e.id]) if english else [] for e in events]
    # The event's digest and its sources' side by side ("-": no such source), not hashed again.
    inputs = [" ".join([e.digest, *(sources[k].digest if k in sources else "-" for k in cites[e.id]), *still])
              for e, still in zip(events, left)]
    texts: list = []
    for e, key, still in zip(events, inputs, left):
        head = memo.peek(ENTRY_HEADS, e.id, key)
        text = head and memo.later(ENTRY_TEXTS, e.id, key, lambda e=e, still=still:
                                   _entry_text(e, sources, renderer, _Notes(sources, code), code, still)[1])
        texts.append((head, text) if text else None)
    todo = [i for i, text in enumerate(texts) if text is None]
    note_html = _Notes(sources, code)
    # Markdown and notes cost most of a first build's indexing: many texts are made on two cores.
    for i, (head, text) in zip(todo, map_in_halves(
            lambda i: _entry_text(events[i], sources, renderer, note_html, code, left[i]), todo)):
        # The build's own sources, not the copies a second process sends back.
        text = text._replace(further=[sources[s.key] for s in text.further])
        memo.put(ENTRY_HEADS, events[i].id, inputs[i], head)
        memo.put(ENTRY_TEXTS, events[i].id, inputs[i], text)
        texts[i] = (head, lambda text=text: text)
    return texts


def _entries(events, texts: list[tuple], site, sources: dict, related: dict, memo: Memo,
             english: dict | None = None, stale: dict | None = None) -> list[Entry]:
    """Each event's Entry, made again only when its text, its links, the site's eras, themes and
    places or (a translated edition) which of its texts are still in English, or stale, changed."""
    themes = {t.id: t for t in site.themes}
    places = {p.id: p for p in site.places}
    ids = [event.id for event in events]
    shared = digest(site.eras, site.themes, site.places, site.language)

    def entry(event, head: EntryHead, text, links, prev, next_, left, old) -> Entry:
        shown, key = display_span(event.date, event.end), head.digest
        if left is not None:
            # A translated edition: dates in its language, and pages show what is still in English or stale.
            shown = display_span_in(event.date, event.end, site.language)
            key = digest(head.digest, site.language, shown, sorted(left), sorted(old))
        return Entry(event, era_for(event.date.gregorian[0], site.eras), [themes[t] for t in event.themes], shown,
                     head.summary_text, head.note_count, text, links, prev, next_, key,
                     {k: sources[k] for k in head.cited}, [places[p] for p in event.place],
                     left or frozenset(), old, site.language)

    entries = []
    for i, (event, (head, text)) in enumerate(zip(events, texts)):
        prev, next_ = ids[i - 1] if i else None, ids[i + 1] if i < len(ids) - 1 else None
        links, left, old = related[event.id], english and english[event.id], frozenset((stale or {}).get(event.id, ()))
        inputs = f"{head.digest} {prev} {next_} {' '.join(links)} {shared}"
        inputs += f" {sorted(left)} {sorted(old)}" if left is not None else ""
        entries.append(memo.get(ENTRIES, event.id, inputs,
                                lambda: entry(event, head, text, links, prev, next_, left, old)))
    return entries


def build(content: Content, renderer: Renderer | None = None, memo: Memo | None = None,
          english: dict | None = None, stale: dict | None = None, english_pages: dict | None = None) -> Timeline:
    """The Timeline of the content. memo: an incremental.Memo, from which an unchanged event (with
    unchanged sources) keeps its rendered text and notes. english: for a translated edition (localize), event
    id -> which of its texts are still in English (english_pages: page slug -> the same); stale: -> out of date."""
    site, sources, events = content.site, content.sources, content.events
    renderer = renderer or Renderer()
    memo = Memo() if memo is None else memo
    related = _related(events)
    texts = _texts(events, sources, content.cites, renderer, memo, site.language, english)
    entries = _entries(events, texts, site, sources, related, memo, english, stale)
    ids = [event.id for event in events]
    cited_by = {key: [] for key in sources}
    for event, (head, _) in zip(events, texts):
        for key in head.cited:
            cited_by[key].append(event.id)
    by_id = dict(zip(ids, entries))
    by_era = {era.id: [] for era in site.eras}
    by_theme = {t.id: [] for t in site.themes}
    for entry in entries:
        by_era[entry.era.id].append(entry)
        for t in dict.fromkeys(entry.event.themes):   # a theme listed twice is an error, not two entries
            by_theme[t].append(entry)
    note_html = _Notes(sources, site.language)
    pages_html = {}
    for page in content.pages:
        left = english_pages.get(page.slug, ()) if english_pages else ()
        html, groups = renderer.render(page.body, "en" if "body" in left else site.language)
        notes, by_group = [], {}
        marked = _with_notes(html, groups, notes, by_group, note_html, set())
        pages_html[page.slug] = (marked.html(site.language), notes)
    return Timeline(content, entries, by_id, by_era, by_theme, cited_by, pages_html)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
