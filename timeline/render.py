"""Rendering: every page of the site through its template ({path: bytes}), on two cores when many
pages are to be rendered. Writes nothing."""

from __future__ import annotations

import hashlib
import os
from typing import Callable, NamedTuple

import jinja2

from . import cite, parallel, templating, urls
from .incremental import Memo, Stage, digest
from .index import Timeline
from .pages import Limits, PageSpec, Planner, edition  # noqa: F401 - edition: the exports' date too
from .templating import TemplateProblem, static_files  # noqa: F401 - what build uses of the theme

PAGES = Stage("render.page", saved=False)   # page path -> its bytes (kept in memory by the preview)

# Below this many pages to render, a second process costs more (fork, pipes) than it saves.
PARALLEL_MIN_PAGES = 600


class Rendered(NamedTuple):
    files: dict            # path -> bytes; None for a page handed to the sink or kept in the output
    inputs: dict           # page path -> the digest of its inputs


class _PageRenderer:
    """Renders one PageSpec; holds what every page shares (a forked process inherits it)."""

    def __init__(self, tl: Timeline, env: jinja2.Environment, versions: dict, planner: Planner):
        self.site, self.env, self.versions = tl.site, env, versions
        self.common = {
            "site": tl.site, "timeline": tl, "entries": tl.entries, "themes": tl.site.themes,
            "eras": tl.site.eras, "pages": tl.content.pages, "sources": tl.content.sources,
            "edition": edition(tl), "bibliography": planner.frag.bibliography, "cite": cite.citation,
        }

    def __call__(self, spec: PageSpec) -> bytes:
        site, versions = self.site, self.versions
        root = urls.root_of(spec.path)
        if spec.path == "404.html":
            # Served for any missing URL at any depth: only absolute links can work there.
            root = site.base_url or ""

        def asset(name: str) -> str:
            key = "static/" + name
            return f"{root}{key}?v={versions[key]}" if key in versions else f"{root}{key}"

        context = dict(self.common, **spec.context, root=root, url=urls.Linker(root), path=spec.path, asset=asset,
                       canonical=(site.base_url + urls.folder_url(spec.path)) if site.base_url else None)
        context.setdefault("description", site.subtitle)
        return templating.render(self.env, spec.template, context).encode("utf-8")


def render_pages(tl: Timeline, env: jinja2.Environment, static: dict[str, bytes], memo: Memo, theme: str = "",
                 *, pdf_url: str | None = None, limits: Limits = Limits(), workers: int | None = None,
                 parallel_min: int = PARALLEL_MIN_PAGES, sink=None,
                 kept: Callable[[str, str], bool] | None = None) -> Rendered:
    """Every page of the site and the static files, path -> bytes. A page whose inputs are those of
    a page in the memo is not rendered again.

    theme: the digest of the templates; pdf_url (site-relative) when the build also writes the PDF.
    sink: a writer.Output; each page is put to it as soon as it is rendered, by whichever process
    renders it, and is not kept (its value in the result is None).
    kept(path, inputs): True when the output already holds that page as made from those inputs.
    """
    # A content hash in asset URLs lets browsers cache them for ever and still see a new version.
    versions = {path: hashlib.sha256(data).hexdigest()[:10] for path, data in static.items()}
    planner = Planner(tl, env, memo, digest(theme, sorted(versions.items())), limits, pdf_url)
    specs = planner.all()
    renderer = _PageRenderer(tl, env, versions, planner)
    files: dict = {}
    todo = []
    for spec in specs:
        page = memo.peek(PAGES, spec.path, spec.inputs)
        if page is None and not (kept is not None and kept(spec.path, spec.inputs)):
            todo.append(spec)
        files[spec.path] = page
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(todo) >= parallel_min and parallel.can_fork():
        fresh = _render_parallel(renderer, todo, env, memo, len(tl.entries), sink)
    else:
        fresh = [_deliver(renderer, spec, memo, sink) for spec in todo]
    for spec, page in zip(todo, fresh):
        files[spec.path] = page
    files.update(static)
    return Rendered(files, {spec.path: spec.inputs for spec in specs})


def _deliver(renderer: _PageRenderer, spec: PageSpec, memo: Memo, sink):
    page = renderer(spec)
    memo.put(PAGES, spec.path, spec.inputs, page)
    if sink is None:
        return page
    sink.put(spec.path, page)
    return None


def _cost(spec: PageSpec, n_events: int) -> float:
    """Rough rendering cost in event-page units (measured at 10,000 events: a list page costs about
    0.2 an event listed, the print page 0.6 an event)."""
    if spec.template == "print.html":
        return 0.6 * n_events
    entries = spec.context.get("entries")
    return 1 + (0.2 * len(entries) if isinstance(entries, list) else 0)


def _render_parallel(renderer: _PageRenderer, specs: list[PageSpec], env, memo: Memo, n_events: int,
                     sink=None) -> list:
    """Render on two cores: one forked child and this process, each taking half the estimated work.

    The child inherits the timeline and the compiled templates through fork (see timeline.parallel)
    and sends back its pages (with a sink, it puts them there itself) and what it added to the memo.
    """
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        try:
            env.get_template(name)  # compile once, before the fork, so the child does not compile again
        except jinja2.TemplateError:
            pass  # reported, with its line, when a page uses it
    shares: list[list[int]] = [[], []]
    loads = [0.0, 0.0]
    for cost, i in sorted(((_cost(spec, n_events), i) for i, spec in enumerate(specs)), reverse=True):
        side = 0 if loads[0] <= loads[1] else 1  # largest first, each to the less loaded side
        shares[side].append(i)
        loads[side] += cost

    def here() -> list:
        pages: list = [None] * len(specs)
        for i in shares[0]:
            pages[i] = _deliver(renderer, specs[i], memo, sink)
        return pages

    def there():
        memo.note()
        return [_deliver(renderer, specs[i], memo, sink) for i in shares[1]], memo.delta()

    pages, (payload, delta) = parallel.in_two(here, there)
    memo.merge(delta)
    for i, page in zip(shares[1], payload):
        pages[i] = page
    return pages
