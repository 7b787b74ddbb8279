"""Parts of pages shown on many pages (an event's list item, its search record, its part of the print
view, a bibliography entry), each rendered once per distinct input and handed to templates as markup."""

from __future__ import annotations

import os
from typing import NamedTuple

from markupsafe import Markup, escape

from . import templating, urls
from . import sources as fmt
from .incremental import Memo, Stage, digest
from .marks import OFFSET, ROOT, Numbered, Root, numbered
from .index import Timeline

# Every key starts with the language's code: the editions' fragments are kept side by side; then the
# event's id or the source's key, what the fragment is about (kept while the site has it, see Stage).
# (language, event id, heading) -> an event's list item in pieces around its root (None: see Root);
# (language, event id, root, heading) -> the item, for a template that cannot be rendered so
ITEMS = Stage("fragments.item", subject=1)
SEARCH = Stage("fragments.search", subject=1)      # (language, event id) -> its line of the search data
# An event's part of the print views: read only when its era's part is made again (lazy, see PRINT_AT).
PRINT_EVENTS = Stage("fragments.print", subject=1, lazy=True)  # (language, event id) -> Numbered
TOC = Stage("fragments.toc", subject=1)            # (language, event id) -> its line of the print view's contents
# A print document's part (an era's events, or the era's lines of the contents), joined from the
# fragments above: kept in memory only (the preview), where a save then joins again one era, not all.
PRINT_PARTS = Stage("fragments.print_part", saved=False)  # (language, document, era id, "toc" or "text") -> markup
# Where the last page of a print document showed a part (page path, the page's inputs, start, end, and
# its chunks' places, see Part.data): a command-line build reads an unchanged part (or chunk) back from
# the file it wrote (Fragments.earlier) instead of joining an era's thousand events again.
PRINT_AT = Stage("fragments.print_at")       # (language, document, era id, "toc" or "text") -> (path, ...)
SOURCE_ITEMS = Stage("fragments.source", subject=1)  # (language, source key, root) -> its entry on the sources page
BIBLIOGRAPHY = Stage("fragments.bibliography", subject=1)  # (language, source key) -> its bibliography entry


class Later:
    """Markup made when a template first shows it (a page served from the memo never needs it).
    __html__ gives the text as a plain str, which escape() marks safe as it is: a print part is
    megabytes, and every Markup made of a Markup is one more copy of them."""

    __slots__ = ("make", "value")

    def __init__(self, make):
        self.make, self.value = make, None

    def __html__(self) -> str:
        if self.value is None:
            self.value = str(self.make())
        return self.value

    def __str__(self) -> Markup:
        return Markup(self.__html__())


class Part(Later):
    """A part of a print document (an era's events, or its lines of the contents), made when first
    shown, or read back from where the page the output holds showed it (see with_holes)."""

    __slots__ = ("memo", "key", "inputs", "earlier", "hole", "chunked", "chunks")

    def __init__(self, make, memo: Memo, key: tuple, inputs: str, earlier, chunked=None):
        super().__init__(make)
        self.memo, self.key, self.inputs, self.earlier, self.hole = memo, key, inputs, earlier, None
        self.chunked, self.chunks = chunked, ()   # see Fragments._chunked

    def __html__(self) -> str:
        return self.hole if self.hole is not None else super().__html__()

    def data(self) -> list:
        """Its text's bytes, in pieces that follow one another: as the output's page held them (not
        decoded and encoded again), or made, by chunks where it can be (those unchanged read back: an
        edit makes a hundred events' text again, not the five thousand of its era). Pieces, as the
        page's are: joined here, a print view's megabytes were copied once more."""
        if self.value is None and self.earlier is not None:
            at = self.memo.peek(PRINT_AT, self.key, self.inputs)
            found = self.earlier(*at[:4]) if at is not None else None
            if found is not None:
                self.chunks = at[4]
                return [found]
            made = self.chunked(self._chunk) if self.chunked is not None else None
            if made is not None:
                pieces, self.chunks = made
                return pieces
        return [super().__html__().encode("utf-8")]

    def _chunk(self, j: int, inputs: str):
        """Chunk j of the part as the page the output holds showed it, if it was made from inputs."""
        at = self.memo.last(PRINT_AT, self.key)
        if at is None or j >= len(at[4]) or at[4][j][0] != inputs:
            return None
        path, page_inputs, start, _, chunks = at
        return self.earlier(path, page_inputs, start + chunks[j][1], start + chunks[j][2])

    def kept(self) -> None:
        """The page that shows the part is kept as it is: where it shows the part stays known."""
        if self.earlier is not None:
            self.memo.last(PRINT_AT, self.key)

    def placed(self, path: str, page_inputs: str, start: int, end: int) -> None:
        """The page at path, made from page_inputs, holds the part's text at those bytes."""
        if self.earlier is not None:
            self.memo.put(PRINT_AT, self.key, self.inputs, (path, page_inputs, start, end, self.chunks))


_PLACE = f"\0{os.urandom(8).hex()}:part:"   # + its index + NUL: where a page shows a part (with_holes)


def with_holes(render, parts: list, path: str, page_inputs: str) -> list:
    """The page render() makes, as pieces of bytes that follow one another, each part's bytes where it
    shows the part: the caller knows that the template shows them only as they are
    (templating.shows_items_as_is). A print view is megabytes: its unchanged parts are copied as
    bytes, never decoded, escaped and encoded again, and written as pieces (writer.Output)."""
    for i, part in enumerate(parts):
        part.hole = f"{_PLACE}{i}\0"
    try:
        text = render()
    finally:
        for part in parts:
            part.hole = None
    pieces = text.split(_PLACE)
    out, shown = [pieces[0].encode("utf-8")], {}
    size = len(out[0])
    for piece in pieces[1:]:
        i, _, rest = piece.partition("\0")
        if i not in shown:    # a part shown twice is read or made once, and placed where first shown
            data = parts[int(i)].data()
            shown[i] = (data, sum(map(len, data)))
            parts[int(i)].placed(path, page_inputs, size, size + shown[i][1])
        out += shown[i][0]
        out.append(rest.encode("utf-8"))
        size += shown[i][1] + len(out[-1])
    return out


_HOLE = f"\0{os.urandom(8).hex()}:hole\0"  # where _render_around puts a template's argument in after


def _marked(render) -> tuple | None:
    """The text render() makes with a mark where the root goes (Root), in pieces around each place (the
    mark is this process's: the memo keeps the pieces); None where the template cannot be rendered so."""
    try:
        pieces = tuple(render().split(ROOT))
    except templating.TemplateProblem:
        return None
    return None if any("\0" in piece for piece in pieces) else pieces   # a mark changed as text (root|upper)


class Fragments:
    """Renders the fragments of one build; `base` is the digest of what every page depends on (the
    theme, the site), to which each fragment adds the digests of its own arguments (an event's
    fragment: base and the entry's key side by side, base being of fixed length, which keeps them
    apart without hashing 10,000 strings again); code: the language of the timeline's edition,
    rendered with its own environment (env)."""

    def __init__(self, tl: Timeline, env, memo: Memo, base: str, code: str = "", styled: dict | None = None,
                 earlier=None, chunk: int = 100):
        self.tl, self.env, self.memo, self.base, self.code = tl, env, memo, base, code
        self.styled = styled or {}   # source key -> its entry in the language's own standard (build.styled)
        self.earlier = earlier  # earlier(path, page inputs, start, end): those bytes of the output's page, or None
        self.chunk = chunk      # events in a chunk of a print part (Part.data)

    def _render(self, name: str, **context) -> str:
        context.setdefault("bibliography", self.bibliography)
        context.setdefault("url", urls.linker(context.get("root", "")))
        return templating.render(self.env, name, context)

    def bibliography(self, source) -> Markup:
        """A source as the bibliography lists it: in the language's own standard where it has one."""
        if source.key in self.styled:
            return Markup(self.styled[source.key])
        return self.memo.get(BIBLIOGRAPHY, (self.code, source.key), source.digest, lambda: fmt.bibliography(source, self.code))

    def event_items(self, entries, root: str, heading: str = "h3") -> Later:
        """The list items of entries (partials/event_item.html), one a line. An event's is rendered once
        for the list pages at every depth (its era's, its themes', their later pages), its root put in
        after: rendered for each root, 10,000 events' items were half as many again."""
        marks = str(escape(root)) == root    # as a template shows it (never otherwise: lists' roots are ../)

        def item(e) -> str:
            made = marks and self.memo.get(ITEMS, (self.code, e.id, heading), self.base + e.key, lambda: _marked(
                lambda: self._render("partials/event_item.html", entry=e, root=Root(ROOT), heading=heading)))
            return root.join(made) if made else self.memo.get(
                ITEMS, (self.code, e.id, root, heading), self.base + e.key,
                lambda: self._render("partials/event_item.html", entry=e, root=root, heading=heading))
        return Later(lambda: "".join(item(e) + "\n" for e in entries))

    def search_data(self, entries) -> Later:
        """The search records of entries (partials/search_item.html), separated by commas."""
        def make() -> str:
            items = [self.memo.get(SEARCH, (self.code, e.id), self.base + e.key,
                                   lambda: self._render("partials/search_item.html", entry=e)) for e in entries]
            return ",\n".join(items) + "\n" if items else ""
        return Later(make)

    def print_toc(self, doc, era, entries, keys: str) -> Later:
        """One era's part of a print document's contents (partials/print_toc_era.html); doc: which
        document (kind, id), as the same era has other events in another; keys: a digest of theirs."""
        def lines(chunk, n: int = 0) -> list[str]:
            return [self.memo.get(TOC, (self.code, e.id), self.base + e.key,
                                  lambda: self._render("partials/print_toc_event.html", entry=e)) + "\n"
                    for e in chunk]

        def inputs(chunk, n: int = 0) -> str:
            return digest(self.base, *(e.key for e in chunk))

        context = dict(era=era, era_entries=entries)
        return self._part((self.code, doc, era.id, "toc"), digest(self.base, keys),
                          lambda: self._render_around("partials/print_toc_era.html", "events", lines(entries), **context),
                          self._chunked("partials/print_toc_era.html", entries, 0, lines, inputs, context))

    def print_era(self, doc, era, entries, offset: int, root: str, keys: str) -> Later:
        """One era of a print document (partials/print_era.html); offset: the notes before it, for
        numbering notes through the document; keys: as print_toc's."""
        def text(e, n: int) -> str:   # an event's part, its notes numbered from n
            part = self.memo.get(PRINT_EVENTS, (self.code, e.id), self.base + e.key, lambda: self._print_event(e))
            return self._render("partials/print_event.html", entry=e, offset=n, root=root) if part is None \
                else part.text(n, root)

        def events(chunk, n: int) -> list[str]:
            parts = []
            for e in chunk:
                parts += (text(e, n), "\n")
                n += e.note_count
            return parts

        def inputs(chunk, n: int) -> str:
            return digest(self.base, n, root, *(e.key for e in chunk))

        context = dict(era=era, era_entries=entries, offset=offset, root=root)
        return self._part((self.code, doc, era.id, "text"), digest(self.base, offset, root, keys),
                          lambda: self._render_around("partials/print_era.html", "events", events(entries, offset),
                                                      **context),
                          self._chunked("partials/print_era.html", entries, offset, events, inputs, context))

    def _chunked(self, name: str, entries: list, offset: int, texts, inputs, context: dict):
        """chunked(read) of a Part (see Part.data): template `name` around its entries' texts, made
        by chunks of self.chunk events, texts(chunk, n) and inputs(chunk, n) with n the notes before
        the chunk, each read(j, its inputs) back where the page has it: the part's bytes (in pieces)
        and each chunk's (inputs, start, end) in them; None if the template shows the events otherwise."""
        def chunked(read):
            around = self._around(name, "events", **context)
            if around is None or len(around) != 2:
                return None
            out, chunks, n = [around[0].encode("utf-8")], [], offset
            size = len(out[0])
            for j, start in enumerate(range(0, len(entries), self.chunk)):
                chunk = entries[start:start + self.chunk]
                made_from = inputs(chunk, n)
                data = read(j, made_from)
                out.append(data if data is not None else "".join(texts(chunk, n)).encode("utf-8"))
                chunks.append((made_from, size, size + len(out[-1])))
                size += len(out[-1])
                n += sum(e.note_count for e in chunk)
            out.append(around[1].encode("utf-8"))
            return out, tuple(chunks)
        return chunked

    def _part(self, key: tuple, inputs: str, make, chunked=None) -> Part:
        """A print part: kept in memory (the preview), or made; see Part for the command line."""
        return Part(lambda: self.memo.get(PRINT_PARTS, key, inputs, make), self.memo, key, inputs, self.earlier,
                    chunked)

    def _around(self, name: str, key: str, **context) -> list[str] | None:
        """The template's text around each place it shows `key`, if it shows it only as it is."""
        if not templating.shows_as_is(self.env, name, key):
            return None
        return self._render(name, **context, **{key: Markup(_HOLE)}).split(_HOLE)

    def _render_around(self, name: str, key: str, pieces: list[str], **context) -> str:
        """The template rendered with `key` the markup joined from pieces. A template that shows it only
        as it is gets a mark in its place, replaced after: an era's part of a print view is megabytes,
        which are then copied once, not four times (joined, marked safe, escaped, joined again)."""
        parts = self._around(name, key, **context)
        if parts is None:
            return self._render(name, **context, **{key: Markup("".join(pieces))})
        joined = [parts[0]]
        for part in parts[1:]:
            joined += pieces
            joined.append(part)
        return "".join(joined)

    def _print_event(self, entry) -> Numbered | None:
        """An event's part of the print views, rendered once for every document it is in (None: its
        template uses the offset in a way that cannot be marked; each document renders it then)."""
        try:
            text = self._render("partials/print_event.html", entry=entry, offset=OFFSET, root=ROOT)
        except templating.TemplateProblem:
            return None
        return numbered(text)

    def source_items(self, root: str) -> dict:
        """Source key -> its entry on the sources page, with the events that cite it."""
        by_id, cited_by = self.tl.by_id, self.tl.cited_by

        def item(s) -> Later:
            cited = cited_by[s.key]
            inputs = digest(self.base, s.digest, *(by_id[eid].key for eid in cited))
            return Later(lambda: self.memo.get(SOURCE_ITEMS, (self.code, s.key, root), inputs, lambda: self._render(
                "partials/source_item.html", s=s, cited=cited, timeline=self.tl, root=root)))
        return {key: item(s) for key, s in self.tl.content.sources.items()}
