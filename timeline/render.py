"""Pages from the Timeline through the Jinja2 theme in templates/: returns {path: bytes}, writes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import jinja2
from markupsafe import Markup

from . import chart, cite, maps, parallel, urls, yamlfile
from . import printview
from . import sources as fmt
from .index import Timeline, language_name


class PageSpec(NamedTuple):  # a tuple: a site has one per event, made afresh each build
    path: str          # output path, e.g. "events/1689-treaty-of-nerchinsk/index.html"
    template: str
    context: dict


class TemplateProblem(Exception):
    """A template failed to load or render; carries file and line for the message."""

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def __reduce__(self):  # so that it travels from the second rendering process intact
        return TemplateProblem, (self.path, self.line, self.message)


class _ReadOnlyBytecode(jinja2.FileSystemBytecodeCache):
    """Compiled templates a build left, read and never written (check writes nothing)."""

    def dump_bytecode(self, bucket) -> None:
        pass


def _compiled_read_only():
    """The per-user folder of compiled templates Jinja2 keeps, if a build made it: compiling the theme
    costs `check` 0.4 s otherwise."""
    import tempfile
    folder = os.path.join(tempfile.gettempdir(), f"_jinja2-cache-{os.getuid()}")
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    return _ReadOnlyBytecode(folder) if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() else None


def make_env(templates: Path, cache=None, keep_compiled: bool = True) -> jinja2.Environment:
    """The theme's Jinja2 environment; with a BuildCache, the same one (templates compiled once)
    for as long as no template file changes. keep_compiled=False: nothing is written to disk."""
    key = templates_key([str(templates)])
    if cache is not None and cache.env is not None and cache.env[0] == key:
        return cache.env[1]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        # Compiled templates are kept between runs (keyed by each template's source checksum, in a
        # per-user folder Jinja2 creates safely): compiling the theme took 0.2 s of a 0.6 s build.
        bytecode_cache=jinja2.FileSystemBytecodeCache() if keep_compiled else _compiled_read_only(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)
    env.filters["language_name"] = language_name
    env.globals["bibliography"] = fmt.bibliography
    # For the keys of pieces: one digest for a list of entries, and how many notes they carry.
    env.filters["digests"] = lambda entries: hashlib.sha1("".join(e.key for e in entries).encode()).hexdigest()
    env.filters["note_count"] = lambda entries: sum(len(e.notes) for e in entries)
    printview.register(env)
    maps.register(env)
    if cache is not None:
        cache.env = (key, env)
        cache.fragments = {}
    return env


def templates_key(folders) -> str:
    """A digest of every file's path, size and modification time under the theme's folders."""
    h = hashlib.sha1()
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                    line = f"{os.path.join(dirpath, name)}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\n"
                except OSError as exc:  # a broken link or a link loop: rendering reports it
                    line = f"{os.path.join(dirpath, name)}\0unreadable {exc.errno}\n"
                h.update(line.encode(errors="surrogateescape"))  # a file name need not be UTF-8
    return h.hexdigest()


MAX_STATIC_BYTES = 100 * 2**20  # a theme's asset larger than this is a mistake (a sparse file, a dump)


def static_files(templates: Path, report=None) -> dict[str, bytes]:
    """The theme's static assets, path -> bytes: regular files only, and a link only to a file inside
    the theme (a link out of it, to /etc/passwd say, must not be published; a pipe would block).
    A file over MAX_STATIC_BYTES is left out, and an error for it added to report."""
    folder = os.path.realpath(templates / "static")
    files = {}
    if not os.path.isdir(folder):
        return files
    theme = os.path.realpath(templates) + os.sep
    for dirpath, dirnames, filenames in os.walk(folder):  # does not enter linked folders
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            real = os.path.realpath(path)
            if name.startswith(".") or not real.startswith(theme) or not os.path.isfile(real):
                continue
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            size = os.stat(real).st_size
            if size > MAX_STATIC_BYTES:
                if report is not None:
                    report.error(str(templates / "static" / rel), None, None, f"cannot read: {size:,} bytes, "
                                 f"more than the {MAX_STATIC_BYTES // 2**20} MB a static file may have")
                continue
            with open(real, "rb") as handle:
                files["static/" + rel] = handle.read(MAX_STATIC_BYTES + 1)
    return dict(sorted(files.items()))


# A list page holds at most this many events; longer lists continue on /page/2/ and so on, so that no
# page grows without bound (measured: about 1.3 kB an event).
LIST_PAGE_SIZE = 400
# Up to this many events the home page lists them all; beyond, each era shows its major events only.
HOME_LIMIT = 1000


def home_selection(tl: Timeline, limit: int | None = None) -> dict[str, list]:
    """Era id -> the entries the home page lists: all of them for a site of up to `limit` events."""
    limit = HOME_LIMIT if limit is None else limit
    if len(tl.entries) <= limit:
        return {era_id: list(entries) for era_id, entries in tl.by_era.items()}
    share = max(1, limit // max(1, len(tl.by_era)))
    chosen = {}
    for era_id, entries in tl.by_era.items():
        major = [e for e in entries if e.event.significance == "major"] or entries
        step = max(1, -(-len(major) // share))  # spread the shown ones over the era, not just its start
        chosen[era_id] = major[::step][:share]
    return chosen


class _Neighbours:
    """What an event page may look up besides its own entry: the events it links to."""

    def __init__(self, by_id: dict):
        self.by_id = by_id


class _Cited(Mapping):
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
        hint=f"'{name}' is not available on {kind} pages, which are rebuilt only when their own events "
             f"change; use the page's own entries")


def paginate(kind: str, ident: str, entries: list, context: dict) -> list[PageSpec]:
    chunks = [entries[i:i + LIST_PAGE_SIZE] for i in range(0, len(entries), LIST_PAGE_SIZE)] or [[]]
    pages = [urls.path(kind[:-1], ident, n) for n in range(1, len(chunks) + 1)]
    specs = []
    for n, chunk in enumerate(chunks, 1):
        pagination = {"number": n, "count": len(chunks), "urls": pages, "total": len(entries),
                      "first": (n - 1) * LIST_PAGE_SIZE + 1, "last": (n - 1) * LIST_PAGE_SIZE + len(chunk),
                      "prev": pages[n - 2] if n > 1 else None, "next": pages[n] if n < len(chunks) else None}
        title = context["title"] if n == 1 else f"{context['title']} (page {n} of {len(chunks)})"
        specs.append(PageSpec(pages[n - 1], f"{kind[:-1]}.html",
                              dict(context, title=title, entries=chunk, pagination=pagination,
                                   timeline=_hidden("timeline", kind[:-1]))))
    return specs


def page_specs(tl: Timeline, pdf_url: str | None = None, cache=None) -> list[PageSpec]:
    """Every page of the site with what its template sees. cache: a BuildCache, from which an event
    page whose entry and neighbours are the very objects of the last build keeps its PageSpec
    (which fingerprints() then recognises)."""
    site = tl.site
    home = home_selection(tl)
    shown = [entry for era in site.eras for entry in home[era.id]]
    # The home page sits at the root, so its chart links need no prefix.
    charts = chart.home(tl, entries=shown, memo=cache.charts if cache is not None else None)
    specs = [PageSpec("index.html", "index.html", {
        "title": site.title, "kind": "home", "charts": charts, "home_by_era": home, "entries": shown})]
    by_id, last = tl.by_id, cache.specs if cache is not None else {}
    kept = {}
    hidden = _hidden("entries", "event")
    affected = tl.affected
    for entry in tl.entries:
        hit = last.get(entry.event.id)
        if hit is not None and affected is not None and hit[0] is entry and entry.event.id not in affected:
            # The same entry with the same neighbours (index.build says which ones may differ).
            kept[entry.event.id] = hit
            specs.append(hit[2])
            continue
        # An event page sees its own entry and its neighbours only, so that a cached page can be
        # trusted when they are unchanged (see fingerprints); anything else is an error in a template.
        near = [by_id[rid] for rid in (*entry.related, entry.prev, entry.next) if rid]
        # (A list compares its items by identity first: unchanged neighbours cost no more.)
        if hit is not None and hit[0] is entry and hit[1] == near:
            spec = hit[2]
        else:
            spec = PageSpec(urls.path("event", entry.event.id), "event.html", {
                "title": entry.event.title, "entry": entry, "kind": "event", "description": entry.summary_text,
                "timeline": _Neighbours({n.event.id: n for n in near}), "entries": hidden,
                "sources": _Cited(entry.cited)})
        kept[entry.event.id] = (entry, near, spec)
        specs.append(spec)
    if cache is not None:
        cache.specs = kept
    specs.append(PageSpec(urls.path("themes"), "themes.html", {"title": "Themes", "kind": "themes"}))
    for theme in site.themes:
        specs += paginate("themes", theme.id, tl.by_theme[theme.id], {
            "title": theme.label, "theme": theme, "kind": "theme", "description": theme.description})
    specs.append(PageSpec(urls.path("eras"), "eras.html", {"title": "Eras", "kind": "eras"}))
    for era in site.eras:
        specs += paginate("eras", era.id, tl.by_era[era.id], {
            "title": era.label, "era": era, "kind": "era", "description": era.intro})
    primary = sorted((s for s in tl.content.sources.values() if s.primary), key=fmt.sort_key)
    secondary = sorted((s for s in tl.content.sources.values() if not s.primary), key=fmt.sort_key)
    specs.append(PageSpec(urls.path("sources"), "sources.html", {
        "title": "Bibliography", "primary": primary, "secondary": secondary, "kind": "sources"}))
    specs.append(PageSpec(urls.path("data"), "data.html", {"title": "Data and citation", "kind": "data",
                                                        "pdf_url": pdf_url}))
    for doc in printview.documents(tl):  # the whole timeline, then each era and theme, for printing
        title = f"{site.title}: print edition" if doc.kind == "print" else f"{doc.heading}: print edition"
        specs.append(PageSpec(doc.page, "print.html", {"title": title, "kind": "print", "doc": doc,
                                                      "pdf_url": pdf_url and doc.pdf}))
    for page in tl.content.pages:
        html, notes = tl.pages_html[page.slug]
        specs.append(PageSpec(urls.path("page", page.slug), "page.html", {
            "title": page.title, "page": page, "html": html, "notes": notes, "kind": "page",
            "description": page.description}))
    specs += [PageSpec(*maps.map_page(tl))] if site.places else []
    specs.append(PageSpec(urls.path("404"), "404.html", {"title": "Page not found", "kind": "404"}))
    return specs


# Below this many pages a second process costs more (fork, pipes) than it saves.
PARALLEL_MIN_PAGES = 600


class _PageRenderer:
    """Renders one PageSpec; holds what every page shares so worker processes inherit it on fork."""

    def __init__(self, tl: Timeline, env: jinja2.Environment, static: dict[str, bytes]):
        self.tl, self.env, self.site = tl, env, tl.site
        # A content hash in asset URLs lets browsers cache them for ever and still see a new version.
        self.versions = {path: hashlib.sha256(data).hexdigest()[:10] for path, data in static.items()}
        self.common = {
            "site": tl.site, "timeline": tl, "entries": tl.entries, "themes": tl.site.themes,
            "eras": tl.site.eras, "pages": tl.content.pages, "sources": tl.content.sources,
            "edition": edition(tl), "piece": self.piece, "pieces": self.pieces_of,
            "bibliography": self.bibliography, "cite": cite.citation,
            "digest_ids": lambda ids: hashlib.sha1("".join(tl.by_id[i].digest for i in ids).encode()).hexdigest(),
        }
        self.base, self.pieces = "", None
        self.keep: set | None = None  # names of pieces worth keeping (None: all)
        # With tracing on (the preview), each page's pieces are noted (and each piece's own), so that
        # the pieces kept between builds can be limited to those the current site still uses.
        self.tracing, self.trace, self.traces, self.made = False, None, {}, {}
        self.bib: dict = {}           # source digest -> its bibliography entry
        # A piece enters a page's text as a marker for its bytes, which are spliced in at the end
        # (see _splice). The random tag keeps content from forging a marker.
        self.tag = secrets.token_hex(8)
        self.marker = re.compile(f"\ue002{self.tag}:(\\d+)\ue003")
        self.chunks: list[bytes] = []

    def bibliography(self, source) -> Markup:
        """fmt.bibliography, once per source as it reads (kept between the preview's builds)."""
        hit = self.bib.get(source.digest)
        if hit is None:
            hit = self.bib[source.digest] = fmt.bibliography(source)
        return hit

    def pieces_of(self, name: str, entries, key: str = "", offset: int | None = None, sep: str = "\n",
                  **context) -> Markup:
        """piece(name) for each entry, joined by `sep` and ended by a line break, here rather than in
        a template loop (several times faster for long lists). The key of each is the entry's digest,
        `key` and, when offset is given, the running count of notes before it, which the piece also
        receives as `offset` (the print view numbers notes through the document)."""
        if not entries:
            return Markup("")
        store, base, trace, chunks = self.pieces, self.base, self.trace, self.chunks
        parts = []
        for entry in entries:
            # The common case, a piece already made, without a call (this loop runs for every
            # event of every list).
            ident = f"{entry.digest}|{key}" if offset is None else f"{entry.digest}|{offset}|{key}"
            full = (base, name, ident)
            hit = store.get(full) if store is not None else None
            if hit is not None:
                if trace is not None:
                    trace.append(full)
                parts.append(hit[0])
            elif offset is None:
                self.piece(name, ident, entry=entry, **context)
                parts.append(chunks.pop())
            else:
                self.piece(name, ident, entry=entry, offset=offset, **context)
                parts.append(chunks.pop())
            if offset is not None:
                offset += len(entry.notes)
        # The whole run enters the page as one piece of bytes.
        chunks.append(sep.encode("utf-8").join(parts) + b"\n")
        return Markup(f"\ue002{self.tag}:{len(chunks) - 1}\ue003")

    def piece(self, name: str, key: str, **context) -> Markup:
        """A part of a page rendered from `name` with only `context`; reused while `key` (which must
        cover everything in the context) and the site-wide fingerprint are unchanged.

        Pieces are kept as encoded bytes: a long page (the print view holds every event) is then
        joined from bytes, and only its new parts are encoded. What a template receives is an opaque
        marker, to be output as it is."""
        store = self.pieces
        full = (self.base, name, key)
        hit = store.get(full) if store is not None else None
        if hit is None:
            outer, self.trace = self.trace, ([] if self.tracing else None)
            context.setdefault("bibliography", self.bibliography)  # the memoised one, as pages have
            context.setdefault("url", urls.Linker(context.get("root", "")))
            try:
                data = self._splice(self.env.get_template(name).render(context))
            finally:
                inner, self.trace = self.trace, outer
            hit = (data, tuple(inner) if inner else ())  # (bytes, the pieces it is made of)
            if store is not None and (self.keep is None or name in self.keep):
                store[full] = hit
                if self.tracing:
                    self.made[full] = hit
        if self.trace is not None:
            self.trace.append(full)
        self.chunks.append(hit[0])
        return Markup(f"\ue002{self.tag}:{len(self.chunks) - 1}\ue003")

    def _splice(self, text: str) -> bytes:
        """The text encoded, with the pieces its markers stand for put in."""
        if "\ue002" not in text:
            return text.encode("utf-8")
        parts = self.marker.split(text)
        chunks = self.chunks
        for part in parts[0::2]:
            if "\ue002" in part and self.tag in part.lower():
                raise ValueError("the output of piece() or pieces() was changed (by a filter?) before it reached "
                                 "the page; output it as it is")
        parts[0::2] = [part.encode("utf-8") for part in parts[0::2]]
        parts[1::2] = [chunks[int(i)] for i in parts[1::2]]
        return b"".join(parts)

    def __call__(self, spec: PageSpec) -> bytes:
        site = self.site
        root = urls.root_of(spec.path)
        if spec.path == "404.html":
            # Served for any missing URL at any depth: only absolute links can work there.
            root = site.base_url or ""
        versions = self.versions

        def asset(name: str) -> str:
            key = "static/" + name
            return f"{root}{key}?v={versions[key]}" if key in versions else f"{root}{key}"

        context = dict(self.common, **spec.context, root=root, url=urls.Linker(root), path=spec.path, asset=asset,
                       canonical=(site.base_url + urls.folder_url(spec.path)) if site.base_url else None)
        context.setdefault("description", site.subtitle)
        env = self.env
        if self.tracing:
            self.trace = []
        try:
            page = self._splice(env.get_template(spec.template).render(context))
            if self.tracing:
                self.traces[spec.path] = tuple(self.trace)
            return page
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(exc.filename or exc.name or spec.template, exc.lineno, exc.message) from None
        except jinja2.TemplateNotFound as exc:
            raise _not_found(env, exc.name, spec.template) from None
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError, KeyError, LookupError) as exc:
            raise TemplateProblem(*_template_location(exc, env, spec.template),
                                  f"{type(exc).__name__}: {exc}") from None
        finally:
            self.chunks, self.trace = [], None


def _cost(spec: PageSpec) -> float:
    """Rough rendering cost in event-page units (measured at 10,000 events: a list page costs about
    0.2 an event listed; the print page is costed by the caller)."""
    entries = spec.context.get("entries")
    return 1 + (0.2 * len(entries) if isinstance(entries, list) else 0)


def render_pages(tl: Timeline, env: jinja2.Environment, static: dict[str, bytes],
                 workers: int | None = None, pdf_url: str | None = None, cache=None,
                 sink=None) -> dict[str, bytes | None]:
    """Every page of the site, path -> bytes; pdf_url (site-relative) when the build also writes the PDF.

    cache: a BuildCache from the previous build; a page whose fingerprint (all it is made from) is
    unchanged is taken from it instead of rendered again.
    sink: a writer.Output; each page is put to it as soon as it is rendered, by whichever process
    renders it, and is not kept (its value in the result is None).
    """
    renderer = _PageRenderer(tl, env, static)
    specs = page_specs(tl, pdf_url, cache)
    prints = None
    # Within one build, a list item shown on several pages is rendered once; pieces used once (the
    # print view's) are not kept, or at 10,000 events they would hold over 100 MB.
    renderer.pieces, renderer.keep = {}, {"partials/event_item.html"}
    if cache is not None:
        renderer.base, prints = fingerprints(tl, specs, env, renderer.versions, pdf_url, cache)
        renderer.pieces, renderer.keep, renderer.bib = cache.fragments, None, cache.bibliography
        renderer.tracing = True
    pages: list = [None] * len(specs)
    traces: list = [None] * len(specs)
    todo = []
    for i, spec in enumerate(specs):
        hit = cache.pages.get(spec.path) if cache is not None else None
        if hit is not None and hit[0] == prints[i]:
            pages[i], traces[i] = hit[1], hit[2]
        else:
            todo.append(i)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(todo) >= PARALLEL_MIN_PAGES and parallel.can_fork():
        fresh = _render_parallel(renderer, [specs[i] for i in todo], env, min(workers, 2), len(tl.entries), sink)
    else:
        fresh = [_deliver(renderer, specs[i], sink) for i in todo]
    for i, page in zip(todo, fresh):
        pages[i] = page
    if cache is not None:
        for i in todo:
            traces[i] = renderer.traces.get(specs[i].path, ())
        cache.pages = {spec.path: (fp, page, trace) for spec, fp, page, trace in zip(specs, prints, pages, traces)}
        # Pieces of edited events pile up; now and then (amortised), keep only those the site's
        # pages are still made of.
        if len(cache.fragments) > 1.5 * cache.live_pieces + 100:
            cache.fragments = _reachable(cache.fragments, traces)
            cache.live_pieces = len(cache.fragments)
        sources = tl.content.sources
        live = {s.digest for s in sources.values()}
        cache.bibliography = {k: v for k, v in renderer.bib.items() if k in live}
    # The renderer sits in a reference cycle: free what it holds now.
    renderer.pieces, renderer.traces, renderer.made = None, {}, {}
    out = {spec.path: page for spec, page in zip(specs, pages)}
    for path, data in static.items():
        out[path] = data
    return out


def _reachable(store: dict, traces) -> dict:
    """The pieces in store that the pages' traces name, and the pieces those are made of."""
    kept: dict = {}
    stack = [key for trace in traces if trace for key in trace]
    while stack:
        key = stack.pop()
        if key not in kept:
            hit = store.get(key)
            if hit is not None:
                kept[key] = hit
                stack.extend(hit[1])
    return kept


def fingerprints(tl: Timeline, specs: list[PageSpec], env: jinja2.Environment, versions: dict,
                 pdf_url: str | None, cache=None) -> tuple[str, list[str]]:
    """For each page, a digest of everything its output depends on.

    Every page depends on the theme (each template file's size and time), the static files, the
    site, the pages, the edition and the order of all events. An event page adds its own entry
    (which covers the sources it cites) and the titles and dates of the events it links to (its
    template sees nothing else); every other page adds all sources, and a list page its listed
    entries, any other all entries. The first value returned, the part all pages share, is the
    base for the keys of pieces, which must cover whatever else they show.
    """
    h = hashlib.sha1(templates_key(getattr(env.loader, "searchpath", [])).encode())
    content = tl.content
    h.update(repr((sorted(versions.items()), tl.site, content.pages,
                   [str(html) for html, _ in tl.pages_html.values()], edition(tl), pdf_url)).encode("utf-8"))
    # The order of the events (each one's era follows from its date and the site).
    h.update("\n".join(tl.by_id).encode("utf-8"))
    base = h.hexdigest()
    with_sources = hashlib.sha1("\0".join(
        [base, *(s.digest for _, s in sorted(content.sources.items()))]).encode()).hexdigest()
    everything = hashlib.sha1("".join(e.key for e in tl.entries).encode()).hexdigest()
    out = []
    # An event page's PageSpec kept by page_specs() has unchanged entry and neighbours.
    last = cache.event_prints if cache is not None and cache.event_prints[0] == base else (base, {})
    kept = {}
    earlier = last[1]
    for spec in specs:
        if spec.template == "event.html":
            hit = earlier.get(spec.path)
            if hit is None or hit[0] is not spec:
                entry = spec.context["entry"]
                near = [(n.id, n.event.title, n.date_display) for n in spec.context["timeline"].by_id.values()]
                hit = (spec, hashlib.sha1(f"{base}\0{spec.path}\0{entry.key}{near}".encode("utf-8")).hexdigest())
            kept[spec.path] = hit
            out.append(hit[1])
            continue
        elif "pagination" in spec.context:
            key = repr((spec.context["pagination"], spec.context.get("theme"), spec.context.get("era"),
                        [e.digest for e in spec.context["entries"]]))
        else:
            key = everything
        out.append(hashlib.sha1(f"{with_sources}\0{spec.path}\0{key}".encode("utf-8")).hexdigest())
    if cache is not None:
        cache.event_prints = (base, kept)
    return base, out


def _deliver(renderer: _PageRenderer, spec: PageSpec, sink):
    page = renderer(spec)
    if sink is None:
        return page
    sink.put(spec.path, page)
    return None


def _render_parallel(renderer: _PageRenderer, specs: list[PageSpec], env, workers: int, n_events: int,
                     sink=None) -> list:
    """Render on two cores: one forked child and this process, each taking half the estimated work.

    The child inherits the timeline and the compiled templates through fork (see timeline.parallel)
    and sends back its pages, or with a sink puts them there itself.
    """
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        try:
            env.get_template(name)  # compile once, before the fork, so the child does not compile again
        except jinja2.TemplateError:
            pass  # reported, with its line, when a page uses it
    costs = [(0.6 * n_events if spec.template == "print.html" else _cost(spec), i) for i, spec in enumerate(specs)]
    shares: list[list[int]] = [[], []]
    loads = [0.0, 0.0]
    for cost, i in sorted(costs, reverse=True):  # largest first, each to the less loaded side
        side = 0 if loads[0] <= loads[1] else 1
        shares[side].append(i)
        loads[side] += cost

    def here() -> list:
        pages: list = [None] * len(specs)
        for i in shares[0]:
            pages[i] = _deliver(renderer, specs[i], sink)
        return pages

    def there():
        renderer.made, renderer.traces = {}, {}
        pages = [_deliver(renderer, specs[i], sink) for i in shares[1]]
        return pages, renderer.made, renderer.traces

    pages, (payload, made, traces) = parallel.in_two(here, there)
    # The pieces the child made and what its pages are made of, for a caller that keeps them
    # between builds (the preview).
    if renderer.pieces is not None:
        renderer.pieces.update(made)
    renderer.traces.update(traces)
    for i, page in zip(shares[1], payload):
        pages[i] = page
    return pages


def _not_found(env, name: str, page: str) -> TemplateProblem:
    """A template Jinja2 did not find: missing, or there but not a file it can read (a named pipe, a
    folder, a broken link), which Jinja2 calls missing too."""
    for folder in getattr(env.loader, "searchpath", []):
        path = os.path.join(folder, name)
        if os.path.lexists(path):
            try:
                yamlfile.read_text(path)
            except yamlfile.InputError as exc:
                return TemplateProblem(name, None, exc.message)
    return TemplateProblem(page, None, f"template not found: {name}")


def _template_location(exc: Exception, env, fallback: str):
    """Find the innermost template frame in the traceback, for a message that names file and line."""
    tb, found = exc.__traceback__, (fallback, None)
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__jinja_template__")
        if name is not None:
            found = (name.filename or fallback, name.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    return found


def edition(tl: Timeline) -> str:
    """The edition date: site.yaml's 'edition', else the latest date in the content (never the clock)."""
    if tl.site.edition:
        return tl.site.edition
    dates = [s.accessed.iso() for s in tl.content.sources.values() if s.accessed]
    dates += [e.event.date.iso().rstrip("~?") for e in tl.entries[-1:]]
    return max(dates) if dates else ""
