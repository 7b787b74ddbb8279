"""One build: load -> validate -> index -> render -> write. The preview server and the PDF sit on top."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import (aliases, catalogs, content, exports, i18n, index, localize, memofile, memofolders, outlist,
               parallel, render, templatecheck, templating, urls, writer)
from .diagnostics import Diagnostic, Report
from .incremental import Memo, Stage
from .inputsdigest import inputs_digest
from .markup import Renderer
from .pages import Limits

WRITTEN = Stage("build.written")                 # page path -> its file's stamp in the output
PREVIEW_WRITES = Stage("build.preview", saved=False)  # output folder -> what the preview wrote there
TRANSLATIONS = Stage("build.translations", saved=False)  # "parsed" -> i18n's parsed translation files


@dataclass
class BuildResult:
    ok: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: int = 0
    removed: int = 0
    pages: int = 0
    files: dict = field(default_factory=dict, repr=False)   # path -> bytes (None: streamed to the output)
    timeline: object = field(default=None, repr=False)
    events: int = 0
    reused: bool = False        # nothing had changed: the previous output was kept as it was
    pdf_kept: bool = False      # ... and that output includes the PDF
    incomplete: bool = False    # writing failed part-way: the output mixes the old and new site
    inputs: dict = field(default_factory=dict, repr=False)  # page path -> digest of its inputs
    languages: object = field(default=None, repr=False)   # i18n.Languages: the translations, checked
    deferred: dict = field(default_factory=dict, repr=False)  # path -> makes that file when asked (on_demand)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def default_templates(src: Path) -> Path:
    """templates/ beside the content folder, as the project layout has it; else the bundled theme."""
    beside = Path(src).resolve().parent / "templates"
    return beside if beside.is_dir() else BUNDLED_TEMPLATES


def render_site(src: Path, *, templates: Path | None = None, base_url: str | None = None,
                strict: bool = False, memo: Memo | None = None, pdf: bool = False, sink=None,
                limits: Limits = Limits(), parallel_min: int = render.PARALLEL_MIN_PAGES,
                kept=None, on_demand: bool = False, earlier=None, served_at: str | None = None,
                stats: dict | None = None) -> BuildResult:
    """Everything but the write: the whole site in memory, or the diagnostics that prevent it.
    memo: an incremental.Memo (the preview's, or one saved by the last build); none: an empty one.
    With a sink (a writer.Output), pages are put to it as they are rendered instead (files then maps
    each page's path to None); kept, earlier: see render.render_pages. on_demand: the print views and the
    exports are not made but left in result.deferred, to make when asked for (the preview); served_at:
    the path the output is served from when no base URL says (the preview's "/"), for the 404 pages.
    stats: what the build's inputs digest found of the content's files (see inputsdigest)."""
    src = Path(src)
    templates = Path(templates) if templates else default_templates(src)
    memo = Memo(in_memory=False) if memo is None else memo  # as a command-line build: pages are not kept
    report = Report()
    # As far as it can be read, errors and all: its translations and templates are checked in this run too.
    loaded = content.load(src, report, base_url, memo, partial=True, stats=stats)
    languages = None if loaded is None else \
        i18n.load(src, loaded, report, memo.get(TRANSLATIONS, "parsed", "", dict))
    # `check` writes nothing anywhere, not even compiled templates (a build keeps them).
    theme = _templates(templates, languages, memo, not isinstance(sink, writer.Discard), report)
    static = templating.static_files(templates, report)
    if loaded is None or report.errors:
        return BuildResult(False, report.sorted())
    timeline = index.build(loaded, Renderer(), memo)
    try:
        editions = localize.editions(timeline, languages, memo, theme.translations)
        moved = aliases.makers(editions)
        made = {**exports.export_makers(editions, memo, limits.export_stretch), **moved}
        rendered = render.render_pages(editions, theme.envs, static, memo, theme.digest,
                                       pdf_url=urls.PDF if pdf else None, limits=limits,
                                       parallel_min=parallel_min, sink=sink, kept=kept, earlier=earlier,
                                       defer=on_demand, made=None if on_demand else made, served_at=served_at)
        files, deferred = rendered.files, dict(rendered.deferred)
        late = exports.sitemap_maker(editions, [p for p in [*files, *deferred] if p not in moved])
        if on_demand:   # the preview makes its exports when asked for, as its print views: rarely while editing
            deferred.update(made, **late)
        else:
            files.update({name: make() for name, make in late.items()})
    except (catalogs.CatalogError, templating.TemplateProblem, jinja2.TemplateError, render.TemplateProblems) as exc:
        for problem in getattr(exc, "problems", [exc]):
            report.error(*templatecheck.where(problem, templates))
        return BuildResult(False, report.sorted())
    pages = sum(1 for p in files if p.endswith(".html") and p not in moved) + len(rendered.deferred)
    return BuildResult(not (strict and report.warnings), report.sorted(), pages=pages, files=files, timeline=timeline,
                       events=len(timeline.entries), inputs=rendered.inputs, languages=languages,
                       deferred=deferred)


def check_site(src: Path, use_cache: bool = True, **options) -> BuildResult:
    """render_site, writing nothing anywhere. The memo a build saved beside the content is read (never
    written): a page that build wrote from the same inputs rendered without an error then, and is not
    rendered again (its inputs cover the theme, the engine is that build's, and rendering reports
    no warnings)."""
    memo = memofile.load(memofolders.newest(src) if use_cache else None, read_only=True)
    memo.begin()
    return render_site(src, memo=memo, sink=writer.Discard(), **options,
                       kept=lambda path, inputs: memo.peek(WRITTEN, path, inputs) is not None)


def _templates(templates: Path, languages, memo: Memo, keep_compiled: bool, report: Report):
    """templatecheck.load for the site's languages (English alone if site.yaml cannot say), every
    problem found in report; None if there are no templates."""
    problem = templatecheck.not_a_theme(templates, writer.MARKER)
    if problem:
        report.error(str(templates), None, None, problem)
        return None
    codes = [lang.code for lang in languages.languages] if languages else ["en"]
    loaded, problems = templatecheck.load(templates, codes, memo, keep_compiled)
    for problem in problems:
        report.error(*templatecheck.where(problem, templates))
    return loaded


def build_site(src: Path, out: Path, *, templates: Path | None = None, base_url: str | None = None,
               strict: bool = False, use_cache: bool = True, memo: Memo | None = None,
               pdf: bool = False, paper: str = "a4", pdf_inputs: dict | None = None, after=None,
               limits: Limits = Limits(), parallel_min: int = render.PARALLEL_MIN_PAGES,
               on_demand: bool = False, served_at: str | None = None) -> BuildResult:
    """Build into out. On any error before writing, out is left exactly as it was; an error while
    writing says so (result.incomplete).

    When nothing the output depends on has changed since the last build into out (and out itself is
    as that build left it), the output is kept and nothing is rendered; use_cache=False always renders.
    Otherwise what the last build derived (incremental.Memo, saved beside the content folder) is
    reused where its inputs are unchanged; use_cache=False starts from an empty memo.
    memo: a Memo kept in memory by a long-lived caller (the preview), instead of the saved one;
    with on_demand, the print views and exports are then not written but made when asked for (result.deferred).
    served_at: see render_site.
    after: called with the result after a successful build, while this build still holds out (the PDF).
    pdf_inputs: what the PDFs depend on besides the site (the variant, the font files): part of the
    inputs, so that a new font is a reason to build again.
    One build at a time writes to out (see writer.locked); another is refused with a message.
    """
    out = Path(out)
    templates = Path(templates) if templates else default_templates(src)
    options = dict(templates=templates, base_url=base_url, strict=strict, pdf=pdf, limits=limits,
                   parallel_min=parallel_min, served_at=served_at)
    try:
        writer.check_apart(out, {"--src": Path(src), "--templates": templates,
                                 "memo": memofolders.folder_for(src, out).parent})
        writer.check_target(out)
    except writer.OutputRefused as exc:
        return _failed(BuildResult(False), out, exc)
    if memo is not None:
        # The preview (writing to a folder of its own) keeps every page in memory anyway, to reuse
        # unchanged ones, so it writes them at the end; a one-off build streams each page to a
        # staging folder as it is rendered.
        return _build_in_memory(src, out, memo, dict(options, on_demand=on_demand))
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(writer.locked(out))
        except (writer.OutputRefused, OSError) as exc:
            return _failed(BuildResult(False), out, exc)
        with parallel.collector_paused():   # a one-off build's heap lives until it ends (see there)
            result = _build_locked(src, out, use_cache, paper, options, pdf_inputs)
        if result.ok and after is not None:
            after(result)
        return result


def _build_in_memory(src, out: Path, memo: Memo, options: dict) -> BuildResult:
    memo.begin()
    result = render_site(src, memo=memo, **options)
    if not result.ok:
        return result
    try:
        stats = writer.write_files(writer.Writer(out, memo.get(PREVIEW_WRITES, str(out), "", dict)), result.files)
    except writer.WriteIncomplete as exc:
        result.incomplete = True
        return _failed(result, out, exc)
    except (writer.OutputRefused, OSError) as exc:
        return _failed(result, out, exc)
    memo.end(_subjects(result.timeline))
    result.written, result.removed = stats.written, stats.removed
    return result


def _build_locked(src, out: Path, use_cache: bool, paper: str, options: dict,
                  pdf_inputs: dict | None = None) -> BuildResult:
    digest, stats = None, {}
    templates = options["templates"]
    if os.path.isfile(Path(src, "site.yaml")) and templates.is_dir():  # isfile: False, never raises
        given = {**{name: options[name] for name in ("base_url", "strict", "parallel_min", "served_at")},
                 "pdf": options["pdf"] and paper, "pdf_inputs": pdf_inputs, "limits": list(options["limits"])}
        digest = inputs_digest(src, templates, given, stats)
        if use_cache:
            record = writer.unchanged(out, digest)
            if record is not None:
                return BuildResult(True, [Diagnostic(**d) for d in record.get("diagnostics", [])],
                                   pages=record.get("pages", 0), events=record.get("events", 0), reused=True,
                                   pdf_kept=urls.PDF in record["files"])
    result = BuildResult(False)
    try:
        # Made first: it lists what out holds in a forked process while the memo is read.
        output = writer.Writer(out, list_apart=outlist.LIST_APART)
    except (writer.OutputRefused, OSError) as exc:
        return _failed(result, out, exc)
    memo_folder = memofolders.folder_for(src, out)
    try:
        memo = memofile.load(memo_folder) if use_cache else Memo(in_memory=False)
        memo.begin()
        result = render_site(src, memo=memo, sink=output, kept=_kept(memo, output), earlier=_earlier(memo, output),
                             stats=stats, **options)
        if not result.ok:
            output.abort()
            return result
        for path, data in result.files.items():
            if data is not None:  # static files and exports; pages went to the output already
                output.put(path, data)
        manifest = None if digest is None else {
            "inputs": digest, "pages": result.pages, "events": result.events,
            "diagnostics": [vars(d) for d in result.diagnostics]}
        stats = output.commit(manifest)
    except writer.WriteIncomplete as exc:
        result.incomplete = True
        return _failed(result, out, exc)
    except (writer.OutputRefused, OSError) as exc:
        output.abort()
        return _failed(result, out, exc)
    except BaseException:
        output.abort()
        raise
    result.written, result.removed = stats.written, stats.removed
    _note_written(memo, result.inputs, output.stamps)
    memo.end(_subjects(result.timeline))
    memofile.save(memo, memo_folder)
    return result


def _subjects(tl) -> frozenset:
    """What the memo's records can be about that the site still has: its events and sources."""
    return frozenset([*(e.id for e in tl.entries), *tl.content.sources])


def _note_written(memo: Memo, inputs: dict, stamps: dict) -> None:
    """Remember each page's file as this build left it (stamps: the writer's, taken as it committed),
    with the inputs it was made from."""
    for path, made_from in inputs.items():
        stamp = stamps.get(path)
        if stamp is not None and memo.peek(WRITTEN, path, made_from) != stamp:
            memo.put(WRITTEN, path, made_from, stamp)


def _earlier(memo: Memo, output: writer.Writer):
    """earlier(path, inputs, start, end): those bytes of the page the output holds as a build from
    those inputs left it (each such file read once); None if it is not that page."""
    read: dict = {}

    def earlier(path: str, inputs: str, start: int, end: int) -> memoryview | None:
        if (path, inputs) not in read:
            data = output.earlier(path, memo.peek(WRITTEN, path, inputs))
            read[path, inputs] = None if data is None else memoryview(data)   # sliced without a copy
        data = read[path, inputs]
        return None if data is None or not 0 <= start <= end <= len(data) else data[start:end]
    return earlier


def _kept(memo: Memo, output: writer.Writer):
    """kept(path, inputs): the output holds that page exactly as a build from those inputs left it,
    reached through real folders only (never through a link); such a page is kept by output as it is."""
    def kept(path: str, inputs: str) -> bool:
        stamp = memo.peek(WRITTEN, path, inputs)
        return stamp is not None and output.keep(path, stamp)
    return kept


def _failed(result: BuildResult, out, exc: Exception) -> BuildResult:
    result.ok = False
    filename = getattr(exc, "filename", None)
    if filename is not None:  # names its own file: the diagnostic is that file's, without out before it
        path, message = str(filename), (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
    else:
        path, message = str(out), str(exc)
    result.diagnostics.append(Diagnostic(path, None, None, None, message))
    return result

