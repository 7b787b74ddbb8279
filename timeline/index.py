"""The derived views of the content: order, eras, themes, numbered notes, links between events.

Pure: takes the validated model and a Markdown renderer, returns a Timeline. Nothing here reads
files or knows about templates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property

from markupsafe import Markup

from . import sources as fmt
from .dates import display_span
from .citations import PLACEHOLDER
from .markup import Renderer, fill, plain_text
from .model import Citation, Content, Era, Event, Source, Theme

LANGUAGE_NAMES = {"zh": "Chinese", "ru": "Russian", "mn": "Mongolian", "la": "Latin", "ja": "Japanese",
                  "fr": "French", "en": "English", "kk": "Kazakh", "ug": "Uyghur", "mnc": "Manchu"}


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

    def html(self) -> Markup:
        return self.render(noteref)


def noteref(ref: NoteRef, number: int | None = None, ident: str | None = None, href: str | None = None) -> str:
    """The one form of a note marker: a superscript link to the note (number, ids and link may be
    given for documents that number notes their own way, as the print view does)."""
    number = ref.note if number is None else number
    return (f'<sup class="noteref"><a id="{ident or ref.ref}" href="{href or f"#note-{ref.note}"}" '
            f'role="doc-noteref" aria-label="Note {number}">{number}</a></sup>')


@dataclass
class Entry:
    """One event with everything a page needs about it."""
    event: Event
    era: Era
    themes: list[Theme]
    date_display: str
    summary: Marked             # with its note markers as data
    summary_list_html: Markup   # without markers (lists)
    summary_text: str
    body: Marked
    notes: list[Note]
    further: list[Source]       # sources: entries not already cited in a note
    related: list[str] = field(default_factory=list)
    prev: str | None = None
    next: str | None = None
    digest: str = ""            # of everything above that comes from the event and the sources it
                                # cites (for page caching)
    cited: dict = field(default_factory=dict)  # key -> Source: every source the event cites or lists
    places: list = field(default_factory=list)  # model.Place for each id of event.place
    # What exports made of this entry (kind -> bytes); not copied by dataclasses.replace, so an
    # entry with new links starts empty.
    exported: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.event.id

    @cached_property
    def summary_html(self) -> Markup:
        """With note markers (the event page)."""
        return self.summary.html()

    @cached_property
    def body_html(self) -> Markup:
        return self.body.html()

    @cached_property
    def key(self) -> str:
        """What pages show of this entry, for their fingerprints: its digest and its links."""
        return f"{self.digest}{self.related}{self.prev}{self.next}"


@dataclass
class Timeline:
    content: Content
    entries: list[Entry]
    by_id: dict
    by_era: dict                # era id -> [Entry]
    by_theme: dict              # theme id -> [Entry]
    cited_by: dict              # source key -> [event ids], in timeline order
    pages_html: dict            # page slug -> (Markup, notes)
    # With a cache: ids of the entries that are new objects this build and of the entries they link
    # to; every other entry and its neighbours are the objects of the last build.
    # None: unknown (everything is new).
    affected: set | None = None

    @property
    def site(self):
        return self.content.site


class _Notes:
    """Formats notes, formatting each source's fixed parts only once however often it is cited."""

    def __init__(self, sources: dict):
        self.sources, self.parts = sources, {}

    def __call__(self, group: tuple[Citation, ...], earlier=()) -> Markup:
        """The note for a group; a source already cited in the notes before it (earlier) or in the
        group itself takes the short form."""
        seen = {c.key for note in earlier for c in note.citations}
        texts = []
        for c in group:
            if c.key in seen:
                texts.append(fmt.short_note(self.sources[c.key], c.locator, c.prefix))
                continue
            seen.add(c.key)
            parts = self.parts.get(c.key)
            if parts is None:
                parts = self.parts[c.key] = fmt.note_parts(self.sources[c.key])
            texts.append(fmt.note_from_parts(parts, c.locator, c.prefix))
        return fmt.join_notes(texts)


def _with_notes(html: str, groups, notes: list[Note], by_group: dict, note_html) -> Marked:
    """Number each citation group (re-using the number of an identical one) and note its markers."""
    numbers = []
    for group in groups:
        if group not in by_group:
            note = Note(len(notes) + 1, group, note_html(group, notes))
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


def _parts(event: Event, sources: dict, renderer: Renderer, note_html) -> tuple:
    """An event's own rendered text and notes: everything of an Entry that depends on it alone."""
    notes: list[Note] = []
    by_group: dict = {}
    s_html, s_groups = renderer.render_inline(event.summary)
    b_html, b_groups = renderer.render(event.body) if event.body else ("", [])
    summary = _with_notes(s_html, s_groups, notes, by_group, note_html)
    body = _with_notes(b_html, b_groups, notes, by_group, note_html)
    cited = [c.key for note in notes for c in note.citations]
    further = [sources[k] for k in dict.fromkeys(event.sources) if k not in cited]
    used = {k: sources[k] for k in dict.fromkeys(cited + list(event.sources))}
    digest = hashlib.sha1("\0".join(
        [repr(event), repr(summary), repr(body), *(n.html for n in notes), *(s.digest for s in used.values())]
    ).encode("utf-8")).hexdigest()
    return (summary, Markup(fill(s_html, lambda i: "")), plain_text(s_html), body, notes, further,
            used, digest)


def _same(source: Source | None, before: Source) -> bool:
    return source is before or (source is not None and source.digest == before.digest)


def build(content: Content, renderer: Renderer, cache=None) -> Timeline:
    """cache: a timeline.cache.BuildCache; an unchanged event (the same object, with the same
    sources and site) keeps its rendered text and notes from the previous build, and when its
    links (previous, next, related) are unchanged too, its very Entry object: later stages then
    know an entry is unchanged by its identity."""
    site, sources = content.site, content.sources
    themes = {t.id: t for t in site.themes}
    places = {p.id: p for p in site.places}
    events = content.events
    ids = [event.id for event in events]
    # A link is shown from both ends: "related" is symmetric for a reader.
    related = {eid: list(event.related) for eid, event in zip(ids, events)}
    for eid, event in zip(ids, events):
        for rid in event.related:
            if eid not in related[rid]:
                related[rid].append(eid)
    order = {eid: i for i, eid in enumerate(ids)}
    for links in related.values():
        if len(links) > 1:
            links.sort(key=order.__getitem__)
    entries, cited_by = [], {key: [] for key in sources}
    note_html = _Notes(sources)
    if cache is None or not cache.entries:  # a first build: every text is new
        renderer.prefill([t for event in events for t in (event.summary, event.body) if t])
    kept = {}
    affected = set() if cache is not None else None
    last = len(ids) - 1
    # The site is read afresh each build; an equal one keeps the entries' eras and themes valid.
    same_site = cache is not None and cache.index_site == site
    # The very same sources (an unchanged sources file gives the same dict): no source to compare.
    same_sources = cache is not None and cache.index_sources is sources
    if cache is not None:
        cache.index_site, cache.index_sources = site, sources
    for i, event in enumerate(events):
        eid = ids[i]
        prev, next_ = ids[i - 1] if i else None, ids[i + 1] if i < last else None
        links = related[eid]
        hit = cache.entries.get(eid) if cache is not None else None
        # Reused while the event is the very object of the last build and every source it cites is
        # too, or reads the same (Source.digest: an edit elsewhere in the sources file leaves it so).
        if hit is not None and hit[0] is event and (same_sources or all(
                _same(sources.get(k), v) for k, v in hit[1][6].items())):
            parts, entry = hit[1], hit[2] if same_site else None
        else:
            parts, entry = _parts(event, sources, renderer, note_html), None
        before = entry
        if entry is None:
            summary, list_html, text, body, notes, further, used, digest = parts
            entry = Entry(event, era_for(event.date.gregorian[0], site.eras), [themes[t] for t in event.themes],
                          display_span(event.date, event.end), summary, list_html, text, body, notes,
                          further, links, prev, next_, digest, used, [places[p] for p in event.place])
        elif entry.prev != prev or entry.next != next_ or entry.related != links:
            entry = replace(entry, prev=prev, next=next_, related=links)
        if cache is not None:
            kept[eid] = (event, parts, entry)
            if entry is not before:
                # Links go both ways, so an entry that gains or loses one is new itself: the new
                # entry's neighbours are all that can be showing it.
                affected.add(eid)
                affected.update(links)
                affected.update((prev, next_))
        for key in parts[6]:
            cited_by[key].append(eid)
        entries.append(entry)
    if cache is not None:
        cache.entries = kept
    by_id = dict(zip(ids, entries))
    by_era = {era.id: [] for era in site.eras}
    by_theme = {t.id: [] for t in site.themes}
    for entry in entries:
        by_era[entry.era.id].append(entry)
        for t in entry.event.themes:
            by_theme[t].append(entry)
    pages_html = {}
    for page in content.pages:
        html, groups = renderer.render(page.body)
        notes, by_group = [], {}
        pages_html[page.slug] = (_with_notes(html, groups, notes, by_group, note_html).html(), notes)
    if affected is not None:
        affected.discard(None)
    return Timeline(content, entries, by_id, by_era, by_theme, cited_by, pages_html, affected)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
