"""Rendering: every page of the site through its template ({path: bytes}), on two cores when many
pages are to be rendered. Writes nothing."""

from __future__ import annotations

import hashlib
import os
from typing import Callable, NamedTuple

import jinja2
from markupsafe import escape

from . import cite, citestyles, fragments, parallel, templating, urls
from .incremental import Memo, Stage, digest
from .index import Timeline
from .pages import Limits, PageSpec, Planner, edition  # noqa: F401 - edition: the exports' date too
from .templating import TemplateProblem, static_files  # noqa: F401 - what build uses of the theme
from .titlelang import entry_marked

PAGES = Stage("render.page", saved=False)   # page path -> its bytes (kept in memory by the preview)
STYLED = Stage("render.csl")     # (language, source key) -> its bibliography entry in the language's CSL style
LINKED = 3                       # the version of _linked's rules, among the inputs of STYLED

# Below this many pages to render, a second process costs more (fork, pipes) than it saves.
PARALLEL_MIN_PAGES = 600
PARALLEL_MIN_SOURCES = 40   # ... and below this many bibliography entries to format in a CSL style


class TemplateProblems(Exception):
    """The errors the templates made while rendering the pages (TemplateProblem): the first met at each
    place in the templates, in the order of the pages, all reported at once; the same whatever the
    memo kept (a kept page rendered without an error)."""

    def __init__(self, problems: list):
        super().__init__(problems[0].message)
        self.problems = problems


class Made(NamedTuple):
    """A file made by a function rather than a template (an export), made with the pages."""
    path: str
    make: Callable[[], bytes]


class Rendered(NamedTuple):
    files: dict            # path -> bytes; None for a page or export handed to the sink, or a page kept in the output
    inputs: dict           # page path -> the digest of its inputs
    deferred: dict = {}    # path -> a function that renders that page when it is asked for (see defer)


class _PageRenderer:
    """Renders one language's PageSpecs; holds what its pages share (a forked process inherits it).
    languages: every language of the site, the default first, for each page's alternates; served_at:
    see render_pages."""

    def __init__(self, ed, env: jinja2.Environment, versions: dict, planner: Planner, languages: tuple,
                 served_at: str | None = None):
        tl = ed.timeline
        self.site, self.env, self.versions, self.language, self.languages = tl.site, env, versions, ed.language, languages
        self.served_at = served_at
        self.common = {
            "site": tl.site, "timeline": tl, "entries": tl.entries, "themes": tl.site.themes,
            "eras": tl.site.eras, "pages": tl.content.pages, "sources": tl.content.sources,
            "edition": edition(tl), "bibliography": planner.frag.bibliography, "cite": cite.Citations(),
            # The same on every page of a language, so rendered once (a tenth of an event page's time).
            "theme_colours": fragments.Later(lambda: templating.render(env, "partials/theme_colours.html",
                                                                       {"themes": tl.site.themes})),
        }

    def __call__(self, spec: PageSpec) -> bytes | list:
        """The page's bytes; a page with print parts (see fragments.with_holes) as pieces of bytes."""
        site, versions = self.site, self.versions
        own = spec.path[len(self.language.prefix):]      # the page's path within its language
        site_root, root = urls.root_of(spec.path), urls.root_of(own)  # assets and shared exports: the site's
        if own == "404.html" and (site.base_url or self.served_at):
            # Served for any missing URL at any depth: only links from the root (absolute, or the path
            # the site is served at) work there.
            at = site.base_url or self.served_at
            site_root, root = at, at + self.language.prefix

        def asset(name: str) -> str:
            key = "static/" + name
            return f"{site_root}{key}?v={versions[key]}" if key in versions else f"{site_root}{key}"

        context = dict(self.common, **spec.context, root=root, site_root=site_root, url=urls.linker(root),
                       site_url=urls.linker(site_root),  # files shared by the languages (exports)
                       path=spec.path, asset=asset, language=self.language,
                       alternates=self.alternates(own, site_root),
                       canonical=(site.base_url + urls.folder_url(spec.path)) if site.base_url else None)
        context.setdefault("description", site.subtitle)
        parts = [part for name in spec.parts for part in context[name]]
        if parts and all(templating.shows_items_as_is(self.env, spec.template, name) for name in spec.parts):
            return fragments.with_holes(lambda: templating.render(self.env, spec.template, context), parts,
                                        spec.path, spec.inputs)
        return templating.render(self.env, spec.template, context).encode("utf-8")

    def alternates(self, own: str, site_root: str) -> list:
        """The same page in each language (none for a site in one language): its language, the link
        from this page (the switcher), the address for hreflang (absolute with a base URL), and
        whether it is this page."""
        if len(self.languages) < 2:
            return []
        base = self.site.base_url
        return [Alternate(lang, site_root + lang.prefix + own,
                          base + urls.folder_url(lang.prefix + own) if base else site_root + lang.prefix + own,
                          lang == self.language) for lang in self.languages]


class Alternate(NamedTuple):
    language: object      # languages.Language
    href: str             # from the page, relative (works from disk)
    hreflang_href: str    # for <link rel="alternate" hreflang>: absolute when the site has a base URL
    current: bool


def styled(editions: list, memo: Memo) -> dict:
    """Code -> {source key: its bibliography entry} in the CSL style of each language other than the
    default (GB/T 7714 for Chinese, GOST for Russian) with the `cite` extra; a language without one
    keeps the built-in style. citeproc-py is slow (a second or more for a hundred sources), so only
    sources new or changed since the memo's are formatted, before rendering forks, and two languages'
    on two cores."""
    found, jobs = {}, []
    for ed in editions:
        style = ed.language.csl
        found[ed.code] = {}
        if ed.language.default or not style or not citestyles.available():
            continue
        todo = {}
        for key, source in ed.timeline.content.sources.items():
            entry = memo.peek(STYLED, (ed.code, key), digest(style, source.digest, LINKED))
            if entry is None:
                todo[key] = source
            else:
                found[ed.code][key] = entry
        if todo:
            jobs.append((ed.code, style, todo))

    def run(some) -> list:
        try:
            return [{k: str(v) for k, v in citestyles.bibliography(todo, style, code).items()}
                    for code, style, todo in some]
        except citestyles.CiteUnavailable:
            return [{} for _ in some]
    if len(jobs) > 1 and parallel.can_fork() and sum(len(job[2]) for job in jobs) >= PARALLEL_MIN_SOURCES:
        mine, theirs = parallel.in_two(lambda: run(jobs[:1]), lambda: run(jobs[1:]))
        made = mine + theirs
    else:
        made = run(jobs)
    for (code, style, todo), entries in zip(jobs, made):
        for key, entry in entries.items():
            entry = _shown(todo[key], entry, code)
            memo.put(STYLED, (code, key), digest(style, todo[key].digest, LINKED), entry)
            found[code][key] = entry
    return {code: {key: entry for key, entry in sorted(entries.items()) if entry} for code, entries in found.items()}


def _shown(source, entry: str, code: str) -> str:
    """A CSL entry as the page of language code shows it: linked (_linked), and its runs of another
    script marked with their language (after linking, which finds the address as the style wrote it)."""
    return entry_marked(source, _linked(source, entry), code)


def _linked(source, entry: str) -> str:
    """A CSL entry with the source's address as a link; "" (the built-in style instead) where the
    style left the address or the note out (GOST drops addresses, both drop a treaty's note) or the
    source has an archived copy, which CSL cannot show: a reader must be able to follow every source
    the English edition lets them follow."""
    url, note = source.fields.get("URL"), source.fields.get("note")
    if source.fields.get("archived") or note and str(escape(note)) not in entry:
        return ""
    if not url:
        return entry
    shown = str(escape(url))
    return entry.replace(shown, f'<a href="{shown}">{shown}</a>', 1) if shown in entry else ""


def render_pages(editions: list, envs: dict, static: dict[str, bytes], memo: Memo, theme: str = "",
                 *, pdf_url: str | None = None, limits: Limits = Limits(), workers: int | None = None,
                 parallel_min: int = PARALLEL_MIN_PAGES, sink=None,
                 kept: Callable[[str, str], bool] | None = None,
                 defer: bool = False, earlier=None, made: dict | None = None, served_at: str | None = None) -> Rendered:
    """Every page of the site in every language and the static files, path -> bytes. A page whose
    inputs are those of a page in the memo is not rendered again.

    editions: a localize.Edition per language, the default's first; envs: code -> its Jinja environment.
    theme: the digest of the templates; pdf_url (site-relative) when the build also writes the PDF.
    sink: a writer.Output; each page is put to it as soon as it is rendered, by whichever process
    renders it, and is not kept (its value in the result is None; nor in the memo).
    kept(path, inputs): True when the output already holds that page as made from those inputs.
    earlier(path, inputs, start, end): those bytes of such a page, or None (see fragments.Part).
    defer: the print views (several megabytes each, rarely looked at while editing) are neither
    planned nor rendered now but when asked for (the preview): they are in result.deferred. The
    preview also stops at a page's template error (it shows one over the last good site, and soon);
    a build renders every page, to report each place in the templates that fails.
    made: path -> a function that makes that file (an export), called along with the pages' rendering.
    served_at: the path the site is served from ("/" in the preview) when no base URL gives it, for
    the 404 pages to link from, as from a base URL."""
    # A content hash in asset URLs lets browsers cache them for ever and still see a new version.
    versions = {path: hashlib.sha256(data).hexdigest()[:10] for path, data in static.items()}
    entries = styled(editions, memo)
    editions = [ed._replace(styled=entries[ed.code]) for ed in editions]
    languages = tuple(ed.language for ed in editions)
    base = digest(theme, sorted(versions.items()), repr(languages), *([served_at] if served_at else []))
    specs, renderers, plans = [], {}, {}
    for ed in editions:
        planner = Planner(ed, envs[ed.code], memo, base, limits, pdf_url, earlier)
        specs += planner.all()
        plans.update(planner.print_plans())
        renderers[ed.code] = _PageRenderer(ed, envs[ed.code], versions, planner, languages, served_at)
    renderer, n_events = _Dispatch(renderers), len(editions[0].timeline.entries)
    files, todo = {}, []
    deferred = {path: _later(renderer, plan, memo) for path, plan in plans.items()} if defer else {}
    specs += [] if defer else [plan() for plan in plans.values()]
    for spec in specs:
        page = memo.peek(PAGES, spec.path, spec.inputs)
        if page is None and not (kept is not None and kept(spec.path, spec.inputs) and _parts_kept(spec)):
            todo.append(spec)
        files[spec.path] = page
    todo += [Made(path, make) for path, make in (made or {}).items()]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    two = workers > 1 and len(todo) >= parallel_min and parallel.can_fork()
    for spec, page in zip(todo, _rendered(renderer, todo, memo, sink, n_events if two else None, defer)):
        files[spec.path] = page
    files.update(static)
    return Rendered(files, {spec.path: spec.inputs for spec in specs}, deferred)


def _parts_kept(spec: PageSpec) -> bool:
    """A page kept as it is: where it shows its print parts stays known, however many builds keep it."""
    for name in spec.parts:
        for part in spec.context[name]:
            part.kept()
    return True


def _later(renderer: "_Dispatch", plan: Callable[[], PageSpec], memo: Memo) -> Callable[[], bytes]:
    """A deferred page: planned when asked for, then the memo's, or rendered (and kept in the memo)."""
    def page() -> bytes:
        spec = plan()
        made = memo.peek(PAGES, spec.path, spec.inputs)
        return made if made is not None else _deliver(renderer, spec, memo, None)
    return page


class _Dispatch:
    """Each spec to its language's renderer."""

    def __init__(self, renderers: dict):
        self.renderers = renderers

    def __call__(self, spec: PageSpec | Made) -> bytes:
        return spec.make() if type(spec) is Made else self.renderers[spec.language](spec)


def _rendered(renderer: _Dispatch, todo: list, memo: Memo, sink, n_events: int | None, first: bool) -> list:
    """Each page of todo (None where it went to the sink), on two cores if n_events is given; or
    TemplateProblems: the first error met at each place in the templates (each page's message may
    name its own data), in the order of the pages. first: stop at the first error met."""
    if n_events is not None:
        fresh = _render_parallel(renderer, todo, memo, n_events, sink, first)
    else:
        fresh = []
        for spec in todo:
            fresh.append(_tried(renderer, spec, memo, sink))
            if first and fresh[-1][1] is not None:
                break
    problems: dict = {}
    for _, problem in fresh:
        if problem is not None:
            problems.setdefault((problem.path, problem.line), problem)
    if problems:
        raise TemplateProblems(list(problems.values()))
    return [page for page, _ in fresh]


def _tried(renderer: _Dispatch, spec: PageSpec, memo: Memo, sink) -> tuple:
    """(the page, None), or (None, the TemplateProblem it met): the other pages are rendered still,
    so that a build reports every template error at once."""
    try:
        return _deliver(renderer, spec, memo, sink), None
    except TemplateProblem as exc:   # without its traceback, which holds the page's whole context
        return None, TemplateProblem(exc.path, exc.line, exc.message)


def _deliver(renderer: _Dispatch, spec: PageSpec, memo: Memo, sink):
    """The page's bytes (kept in the memo), or None when it went to the sink (a print view's pieces, unjoined)."""
    page = renderer(spec)
    if sink is not None:
        sink.put(spec.path, page)
        return None
    page = b"".join(page) if type(page) is list else page
    if type(spec) is not Made:
        memo.put(PAGES, spec.path, spec.inputs, page)
    return page


def _cost(spec: PageSpec) -> float:
    """Rough rendering cost in event-page units (measured at 10,000 events: a list page costs about
    0.2 an event listed)."""
    entries = spec.context.get("entries")
    return 1 + (0.2 * len(entries) if isinstance(entries, list) else 0)


def _units(specs: list[PageSpec], n_events: int) -> list[list[int]]:
    """The indexes of specs in groups rendered by one process, the costliest first (so that the last
    ones taken are small and the two processes end together). The print views of a language go
    together, as they share their events' parts: split, both processes would render every part."""
    prints: dict = {}   # language -> the indexes of its print views
    units = []
    for i, spec in enumerate(specs):
        if type(spec) is Made:   # an export: as large as a print view, or tiny; either way taken early
            units.append((1.0 * n_events, [i]))
        elif spec.template == "print.html":
            prints.setdefault(spec.language, []).append(i)
        else:
            units.append((_cost(spec), [i]))
    units += [(1.0 * n_events, indexes) for indexes in prints.values()]
    return [indexes for _, indexes in sorted(units, key=lambda unit: (-unit[0], unit[1][0]))]


def _render_parallel(renderer: _Dispatch, specs: list[PageSpec], memo: Memo, n_events: int, sink=None,
                     first: bool = False) -> list:
    """Render on two cores: one forked child and this process, each taking the next group of pages
    (see _units) when done with the last.

    The child inherits the timeline and the compiled templates through fork (see timeline.parallel;
    templatecheck compiled them all before), and sends back its pages (with a sink, it puts them
    there itself) and what it added to the memo.
    """
    units, take = _units(specs, n_events), parallel.counter()

    def work() -> list:
        done = []
        while (k := take()) < len(units):
            done += [(i, _tried(renderer, specs[i], memo, sink)) for i in units[k]]
            if first and any(problem for _, (_, problem) in done[-len(units[k]):]):
                break
        return done

    def there():
        memo.note()
        return work(), memo.delta()

    mine, (theirs, delta) = parallel.in_two(work, there)
    memo.merge(delta)
    pages: list = [(None, None)] * len(specs)
    for i, page in mine + theirs:
        pages[i] = page
    return pages
