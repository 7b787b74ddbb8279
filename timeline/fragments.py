"""Parts of pages shown on many pages (an event's list item, its search record, its part of the print
view, a bibliography entry), each rendered once per distinct input and handed to templates as markup."""

from __future__ import annotations

from markupsafe import Markup

from . import templating, urls
from . import sources as fmt
from .incremental import Memo, Stage, digest
from .index import Timeline

# Every key starts with the language's code: the editions' fragments are kept side by side.
ITEMS = Stage("fragments.item")              # (language, event id, root, heading) -> an event's list item
SEARCH = Stage("fragments.search")           # (language, event id) -> its line of the search data
PRINT_EVENTS = Stage("fragments.print")      # (language, event id, root, first note number) -> its part of a print view
TOC = Stage("fragments.toc")                 # (language, event id) -> its line of the print view's contents
# A print document's part (an era's events, or the era's lines of the contents), joined from the
# fragments above: kept in memory only (the preview), where a save then joins again one era, not all.
PRINT_PARTS = Stage("fragments.print_part", saved=False)  # (language, document, era id, "toc" or "text") -> markup
SOURCE_ITEMS = Stage("fragments.source")     # (language, source key, root) -> its entry on the sources page
BIBLIOGRAPHY = Stage("fragments.bibliography")  # (language, source key) -> its bibliography entry


class Later:
    """Markup made when a template first shows it (a page served from the memo never needs it)."""

    __slots__ = ("make", "value")

    def __init__(self, make):
        self.make, self.value = make, None

    def __html__(self) -> Markup:
        if self.value is None:
            self.value = Markup(self.make())
        return self.value

    __str__ = __html__


class Fragments:
    """Renders the fragments of one build; `base` is the digest of what every page depends on (the
    theme, the site), to which each fragment adds the digests of its own arguments; code: the
    language of the timeline's edition, rendered with its own environment (env)."""

    def __init__(self, tl: Timeline, env, memo: Memo, base: str, code: str = "", styled: dict | None = None):
        self.tl, self.env, self.memo, self.base, self.code = tl, env, memo, base, code
        self.styled = styled or {}   # source key -> its entry in the language's own standard (build.styled)

    def _render(self, name: str, **context) -> str:
        context.setdefault("bibliography", self.bibliography)
        context.setdefault("url", urls.Linker(context.get("root", "")))
        return templating.render(self.env, name, context)

    def bibliography(self, source) -> Markup:
        """A source as the bibliography lists it: in the language's own standard where it has one."""
        if source.key in self.styled:
            return Markup(self.styled[source.key])
        return self.memo.get(BIBLIOGRAPHY, (self.code, source.key), source.digest, lambda: fmt.bibliography(source))

    def event_items(self, entries, root: str, heading: str = "h3") -> Later:
        """The list items of entries (partials/event_item.html), one a line."""
        def make() -> str:
            return "".join(self.memo.get(
                ITEMS, (self.code, e.id, root, heading), digest(self.base, e.digest),
                lambda: self._render("partials/event_item.html", entry=e, root=root, heading=heading)) + "\n"
                for e in entries)
        return Later(make)

    def search_data(self, entries) -> Later:
        """The search records of entries (partials/search_item.html), separated by commas."""
        def make() -> str:
            items = [self.memo.get(SEARCH, (self.code, e.id), digest(self.base, e.digest),
                                   lambda: self._render("partials/search_item.html", entry=e)) for e in entries]
            return ",\n".join(items) + "\n" if items else ""
        return Later(make)

    def print_toc(self, doc, era, entries) -> Later:
        """One era's part of a print document's contents (partials/print_toc_era.html); doc: which
        document (its kind and id), as the same era has other events in another."""
        def lines() -> str:
            return "".join(self.memo.get(
                TOC, (self.code, e.id), digest(self.base, e.digest),
                lambda: self._render("partials/print_toc_event.html", entry=e)) + "\n" for e in entries)

        inputs = digest(self.base, *(e.digest for e in entries))
        return Later(lambda: self.memo.get(PRINT_PARTS, (self.code, doc, era.id, "toc"), inputs, lambda: self._render(
            "partials/print_toc_era.html", era=era, era_entries=entries, events=Markup(lines()))))

    def print_era(self, doc, era, entries, offset: int, root: str) -> Later:
        """One era of a print document (partials/print_era.html); offset: the notes before it, for
        numbering notes through the document."""
        def events() -> str:
            parts, n = [], offset
            for e in entries:
                parts.append(self.memo.get(
                    PRINT_EVENTS, (self.code, e.id, root, n), digest(self.base, e.digest),
                    lambda: self._render("partials/print_event.html", entry=e, offset=n, root=root)) + "\n")
                n += len(e.notes)
            return "".join(parts)

        inputs = digest(self.base, offset, root, *(e.digest for e in entries))
        return Later(lambda: self.memo.get(PRINT_PARTS, (self.code, doc, era.id, "text"), inputs, lambda: self._render(
            "partials/print_era.html", era=era, era_entries=entries, offset=offset, root=root,
            events=Markup(events()))))

    def source_items(self, root: str) -> dict:
        """Source key -> its entry on the sources page, with the events that cite it."""
        by_id, cited_by = self.tl.by_id, self.tl.cited_by

        def item(s) -> Later:
            cited = cited_by[s.key]
            inputs = digest(self.base, s.digest, *(by_id[eid].digest for eid in cited))
            return Later(lambda: self.memo.get(SOURCE_ITEMS, (self.code, s.key, root), inputs, lambda: self._render(
                "partials/source_item.html", s=s, cited=cited, timeline=self.tl, root=root)))
        return {key: item(s) for key, s in self.tl.content.sources.items()}
