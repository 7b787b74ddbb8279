"""The site's pages: each page's path, template and view data, and a digest of everything it shows."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

import jinja2

from . import chart, maps, printview, urls
from . import sources as fmt
from .catalogs import N_
from .fragments import Fragments
from .incremental import Memo, Stage, digest, digest_joined
from .index import Timeline

PLANNED = Stage("pages.event", saved=False)   # (language, event id) -> its event page's PageSpec

# The titles the engine gives pages, translated with the language's catalog when a page is planned.
THEMES, ERAS, BIBLIOGRAPHY = N_("Themes"), N_("Eras"), N_("Bibliography")
DATA, NOT_FOUND = N_("Data and citation"), N_("Page not found")
PAGE_OF, PRINTED = N_("{title} (page {number} of {count})"), N_("{title}: print edition")
MAP = N_("Map")   # maps.map_page's title


class Limits(NamedTuple):
    """How long lists get: a list page holds at most list_page_size events (longer lists continue on
    /page/2/ and so on, so no page grows without bound: about 1.3 kB an event); up to home_limit
    events the home page lists them all, beyond it each era shows its major events only."""
    list_page_size: int = 400
    home_limit: int = 1000
    print_chunk: int = 100   # an era of a print view is made again by chunks of this many events
    export_stretch: int = 64   # an export's records are kept by stretches of about this many events


class PageSpec(NamedTuple):
    path: str          # output path, e.g. "events/1689-treaty-of-nerchinsk/index.html"
    template: str
    context: dict
    inputs: str        # digest of everything the page shows (with the theme and the site's base)
    language: str = ""  # the code of the page's language (its edition)
    parts: tuple = ()   # the names of context lists of fragments.Part (see fragments.with_holes)


def home_selection(tl: Timeline, limit: int) -> dict[str, list]:
    """Era id -> the entries the home page lists: all of them for a site of up to `limit` events."""
    if len(tl.entries) <= limit:
        return {era_id: list(entries) for era_id, entries in tl.by_era.items()}
    share = max(1, limit // max(1, len(tl.by_era)))
    chosen = {}
    for era_id, entries in tl.by_era.items():
        major = [e for e in entries if e.event.significance == "major"] or entries
        step = max(1, -(-len(major) // share))  # spread the shown ones over the era, not just its start
        chosen[era_id] = major[::step][:share]
    return chosen


class Neighbours:
    """What an event page may look up besides its own entry: the events it links to."""

    def __init__(self, by_id: dict):
        self.by_id = by_id


class Cited(Mapping):
    """The sources an event page may look up: those its event cites or lists."""

    def __init__(self, cited: dict):
        self.cited = cited

    def __getitem__(self, key):
        try:
            return self.cited[key]
        except KeyError:
            raise KeyError(f"source '{key}' is not cited by this event; an event page sees only the "
                           f"sources its event cites") from None

    def __iter__(self):
        raise TypeError("'sources' on an event page holds only the sources its event cites; "
                        "use entry.notes and entry.further")

    def __len__(self):
        raise TypeError("'sources' on an event page holds only the sources its event cites; "
                        "use entry.notes and entry.further")


@lru_cache(maxsize=None)
def _hidden(name: str, kind: str):
    return jinja2.StrictUndefined(
        hint=f"'{name}' is not available on {kind} pages, which show only their own entries; "
             f"use the page's own entries")


def _untranslated(entries) -> bool:
    """Whether a list of entries shows a text in English in a translated edition (titles, summaries)."""
    return any(e.english and e.english - {"body"} for e in entries)   # most have none: no set made


def edition(tl: Timeline) -> str:
    """The edition date: site.yaml's 'edition', else the latest date in the content (never the clock)."""
    if tl.site.edition:
        return tl.site.edition
    dates = [s.accessed.iso() for s in tl.content.sources.values() if s.accessed]
    dates += [e.event.date.iso().rstrip("~?") for e in tl.entries[-1:]]
    return max(dates) if dates else ""


class Planner:
    """Makes the PageSpecs of one language's pages (one localize.Edition). base: the digest every
    page's inputs start from (theme, static files, options, the site's languages); to it are added
    the site and, per page, what that page shows. Paths are the language's: under its folder."""

    def __init__(self, ed, env, memo: Memo, base: str, limits: Limits, pdf_url: str | None = None, earlier=None):
        tl = ed.timeline
        self.tl, self.memo, self.limits, self.ed = tl, memo, limits, ed
        self.prefix, self.code, self._ = ed.language.prefix, ed.code, ed.gettext.gettext
        # A language's whole print view has its PDF; only the default language's eras and themes do.
        self.pdf_url, self.all_pdfs = pdf_url and urls.pdf("print", "", ed.language.path), ed.language.default
        content = tl.content
        self.base = digest(base, ed.code, sorted(ed.styled.items()), repr((tl.site, content.pages)), *(html for html, _ in tl.pages_html.values()),
                           edition(tl), limits, pdf_url, sorted((k, sorted(v)) for k, v in ed.english_pages.items()),
                           sorted(ed.stale_pages.items()))
        # Not the order of the events: a page or fragment that shows an event adds its key (its place
        # in the order: previous, next, related), a page that shows them all adds every key, in order.
        self.with_sources = digest(self.base, *(s.digest for _, s in sorted(content.sources.items())))
        self.everything = digest(self.with_sources, *(e.key for e in tl.entries))
        self.frag = Fragments(tl, env, memo, self.base, ed.code, ed.styled, earlier, limits.print_chunk)

    def spec(self, path: str, template: str, context: dict, inputs: str | None = None) -> PageSpec:
        """path: the page's path in its language (urls.path); the spec's is under the language's folder."""
        return PageSpec(self.prefix + path, template, context, digest(path, inputs or self.everything), self.code)

    def all(self) -> list[PageSpec]:
        """Every page of the site with what its template sees, but the print views (print_plans)."""
        site, tl = self.tl.site, self.tl
        specs = [self.home()]
        specs += [self.event(entry) for entry in tl.entries]
        specs.append(self.spec(urls.path("themes"), "themes.html", {"title": self._(THEMES), "kind": "themes"}))
        for theme in site.themes:
            specs += self.paginate("themes", theme.id, tl.by_theme[theme.id], {
                "title": theme.label, "theme": theme, "kind": "theme", "description": theme.description,
                "print_view": printview.printed(tl.by_theme[theme.id]),
                "stale": theme.stale})
        specs.append(self.spec(urls.path("eras"), "eras.html", {"title": self._(ERAS), "kind": "eras"}))
        for era in site.eras:
            specs += self.paginate("eras", era.id, tl.by_era[era.id], {
                "title": era.label, "era": era, "kind": "era", "description": era.intro,
                "print_view": printview.printed(tl.by_era[era.id]),
                "stale": era.stale})
        specs.append(self.sources())
        specs.append(self.spec(urls.path("data"), "data.html", {"title": self._(DATA), "kind": "data",
                                                             "pdf_url": self.pdf_url}))
        for page in tl.content.pages:
            html, notes = tl.pages_html[page.slug]
            specs.append(self.spec(urls.path("page", page.slug), "page.html", {
                "title": page.title, "page": page, "html": html, "notes": notes, "kind": "page",
                "description": page.description, "english": self.ed.english_pages.get(page.slug, frozenset()),
                "untranslated": bool(self.ed.english_pages.get(page.slug)),
                "stale": self.ed.stale_pages.get(page.slug, ())}))
        specs += [self.map()] if site.places else []
        specs.append(self.spec(urls.path("404"), "404.html", {"title": self._(NOT_FOUND), "kind": "404"}))
        return specs

    def home(self) -> PageSpec:
        tl = self.tl
        home = home_selection(tl, self.limits.home_limit)
        shown = [entry for era in tl.site.eras for entry in home[era.id]]
        # The home page sits at the root, so its chart links need no prefix.
        charts = chart.home(tl, entries=shown, memo=self.memo)
        return self.spec("index.html", "index.html", {
            "title": tl.site.title, "kind": "home", "charts": charts, "home_by_era": home, "entries": shown,
            "home_items": {era_id: self.frag.event_items(entries, "") for era_id, entries in home.items()},
            "search_data": self.frag.search_data(shown), "untranslated": _untranslated(shown)})

    def event(self, entry) -> PageSpec:
        """An event page sees its own entry, its neighbours and the sources it cites; its inputs
        are those (anything else in a template is an error, not a page that would go stale)."""
        by_id = self.tl.by_id
        near = [by_id[rid] for rid in (*entry.related, entry.prev, entry.next) if rid]
        path = urls.path("event", entry.event.id)
        stale = self.ed.stale_events.get(entry.id, ())
        shown = [path, self.base, entry.key, ",".join(stale)]
        for n in near:   # all of each one (a theme may show any of it: text, links): its key
            shown += (n.id, n.key, n.event.title, n.date_display)
        # Planned again only when what it shows changed (the preview keeps the plan: a save re-plans
        # one page or a few, not 10,000); ids and texts hold no NUL or SOH (YAML refuses them).
        joined = "\0".join(shown)
        return self.memo.get(PLANNED, (self.code, entry.id), joined, lambda: PageSpec(
            self.prefix + path, "event.html", {
                "title": entry.event.title, "entry": entry, "kind": "event", "description": entry.summary_text,
                "untranslated": bool(entry.english),
                "stale": stale,
                "timeline": Neighbours({n.event.id: n for n in near}), "entries": _hidden("entries", "event"),
                "sources": Cited(entry.cited)}, digest_joined(joined, len(shown)), self.code))

    def paginate(self, kind: str, ident: str, entries: list, context: dict) -> list[PageSpec]:
        size = self.limits.list_page_size
        chunks = [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]
        pages = [urls.path(kind[:-1], ident, n) for n in range(1, len(chunks) + 1)]
        root = urls.root_of(pages[0])
        specs = []
        for n, chunk in enumerate(chunks, 1):
            pagination = {"number": n, "count": len(chunks), "urls": pages, "total": len(entries),
                          "first": (n - 1) * size + 1, "last": (n - 1) * size + len(chunk),
                          "prev": pages[n - 2] if n > 1 else None, "next": pages[n] if n < len(chunks) else None}
            title = context["title"] if n == 1 else self._(PAGE_OF).format(title=context["title"], number=n,
                                                                             count=len(chunks))
            inputs = digest(self.with_sources, repr((pagination, context)), *(e.key for e in chunk))
            specs.append(self.spec(pages[n - 1], f"{kind[:-1]}.html", dict(
                context, title=title, entries=chunk, pagination=pagination,
                items=self.frag.event_items(chunk, urls.root_of(pages[n - 1]) if n > 1 else root, "h2"),
                untranslated=_untranslated(chunk),
                timeline=_hidden("timeline", kind[:-1])), inputs))
        return specs

    def sources(self) -> PageSpec:
        sources = self.tl.content.sources.values()
        path = urls.path("sources")
        return self.spec(path, "sources.html", {
            "title": self._(BIBLIOGRAPHY), "kind": "sources", "source_items": self.frag.source_items(urls.root_of(path)),
            # The CSL style some entries are in (GB/T 7714, GOST), where the language has one; the lede says so.
            "csl_styled": len(self.ed.styled), "csl_style": self.ed.language.csl if self.ed.styled else "",
            "primary": sorted((s for s in sources if s.primary), key=fmt.sort_key),
            "secondary": sorted((s for s in sources if not s.primary), key=fmt.sort_key)})

    def map(self) -> PageSpec:
        path, template, context = maps.map_page(self.tl)
        return self.spec(path, template, dict(context, title=self._(context["title"]),
                                              search_data=self.frag.search_data(context["entries"])))

    def print_plans(self) -> dict:
        """Path -> a function that plans that print view: the whole timeline, then each era and theme,
        on one page each (the preview plans one only when it is asked for)."""
        return {self.prefix + doc.page: lambda doc=doc: self.print_view(doc)
                for doc in printview.documents(self.tl, self.ed.language.path)}

    def print_view(self, doc) -> PageSpec:
        """One document for printing; notes are numbered through it (offset: the notes of the parts before)."""
        root, toc, parts, offset = urls.root_of(doc.page), [], [], 0
        keys = [digest(*map(attrgetter("key"), entries)) for _, entries in doc.parts]  # once for all three
        for (era, entries), shows in zip(doc.parts, keys):
            toc.append(self.frag.print_toc((doc.kind, doc.ident), era, entries, shows))
            parts.append(self.frag.print_era((doc.kind, doc.ident), era, entries, offset, root, shows))
            offset += sum(map(attrgetter("note_count"), entries))
        title = self.tl.site.title if doc.kind == "print" else doc.heading
        has_pdf = self.pdf_url and (self.all_pdfs or doc.kind == "print")
        # What the document shows: its own events (an edit elsewhere leaves it as it is), every
        # source (with_sources), the site; not the whole timeline (hidden from its template).
        shown = digest(self.with_sources, repr((doc.kind, doc.ident, doc.heading, doc.subtitle, doc.pdf, has_pdf)),
                       *chain.from_iterable((era.id, shows) for (era, _), shows in zip(doc.parts, keys)))
        return self.spec(doc.page, "print.html", {
            "title": self._(PRINTED).format(title=title), "kind": "print", "doc": doc,
            "pdf_url": has_pdf and doc.pdf, "print_toc": toc, "print_parts": parts,
            "timeline": _hidden("timeline", "print"), "entries": _hidden("entries", "print")}, shown
        )._replace(parts=("print_toc", "print_parts"))
