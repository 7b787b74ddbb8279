"""Load site_src/ and validate it, reporting every problem with its file and line.

This is the only module (with fields, sourcefile and crosscheck, which it calls) that reads the
content files. It returns the model (timeline.model) or None when there were errors; the Report
holds all of them.
"""

from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from . import dates, places, yamlfile
from .crosscheck import cross_check
from .diagnostics import Report, excerpt
from .fields import (EVENT_ID, LANG, SLUG, YamlFile, listed,  # noqa: F401
                     parse, raw_html, read, relative, suggest, text_digest)
from .incremental import Memo, Stage, digest
from .markup import RAW_HTML, unshowable
from .model import SIGNIFICANCE, Content, Event, Page, Site
from .parallel import map_in_halves
from .sitefile import load_places, load_site, plain_checks  # noqa: F401 - schema reads the site through content
from .sourcefile import load_sources
from .typography import quotes

EVENTS = Stage("content.event")      # an event file's path -> EventRead
# An event file's path -> the digest of its text, while its stat signature is unchanged, so that a
# save in the preview, or a build after one edit, does not read and hash 10,000 unchanged files again.
# Saved too: the signature holds the change time, which any write sets and no user can set back.
READ = Stage("content.read")
# A signature is trusted only for a file last changed this long before it was taken: a file written
# twice within one tick of a coarse file clock keeps its time (git's "racily clean" entries).
SETTLED_NS = 2_000_000_000
RESERVED_PAGES = {"events", "themes", "eras", "sources", "print", "static", "schema", "index", "404", "search",
                  "map", "data"}
EVENT_FIELDS = {"title", "date", "calendar", "end", "names", "place", "themes", "significance", "summary",
                "body", "sources", "related", "aliases"}
EVENT_REQUIRED = ("title", "date", "themes", "significance", "summary")
PAGE_FIELDS = {"title", "description", "order"}
MAX_ID = 255 - len(".yaml")   # an event's id is its file's name, which a file system allows 255 bytes


def load(src: Path, report: Report, base_url: str | None = None, memo: Memo | None = None,
         partial: bool = False, stats: dict | None = None) -> Content | None:
    """The validated content, or None when there are errors (all of them in report).
    memo: an incremental.Memo; an unchanged file is not parsed or checked again. partial: with
    errors, what could be read all the same (for checking the translations); None only without a site.
    stats: event files' stat results taken earlier in this build, path -> (os.stat_result, the clock
    before it was taken) (the build's inputs digest: see inputsdigest); others are stat'ed here."""
    memo = Memo() if memo is None else memo
    src = Path(src)
    site_yaml = src / "site.yaml"
    try:
        regular = stat.S_ISREG(os.stat(site_yaml).st_mode)
    except OSError:
        regular = False
    if not regular:
        try:
            os.lstat(site_yaml)
            problem = "cannot read: not a regular file"
        except FileNotFoundError:
            problem = "no site.yaml here: is --src the content folder?"
        except OSError:
            problem = None  # --src itself cannot be read: read_text says why
        if problem != "no site.yaml here: is --src the content folder?":
            try:  # there but not a file (a FIFO, a folder, a broken link) or unreadable: say which
                yamlfile.read_text(site_yaml)
            except yamlfile.InputError as exc:
                problem = exc.message
        report.error(str(site_yaml), None, None, problem)
        return None
    if not (src / "events").is_dir():
        # Without this, a moved folder would build an empty site and prune every event page.
        what = "is not a folder" if os.path.lexists(src / "events") else "no events folder"
        report.error(relative(src / "events", src), None, None, f"{what}: the event files go in a folder of this name")
    site = load_site(src, report, base_url)
    known = load_places(src, report) if site is not None else None   # None: places.yaml unusable
    if site is not None:
        site = replace(site, places=known or ())
    sources, whole = load_sources(src, report, memo)
    events, unread = _load_events(src, report, site, memo, stats or {})
    pages = _load_pages(src, report)
    cites = {}
    if site is not None:
        # With a sources file unusable, every citation of it would be "no source": one error is enough.
        cites = cross_check(site, events, pages, sources if whole else None, report, memo, unread)
        if known is not None:
            places.check_events(site.places, events, report)
    if site is None or report.errors and not partial:
        return None
    events.sort(key=lambda e: (e.date.sort_key, e.end.sort_key if e.end else (0, 0, 0), e.id))
    return Content(site, tuple(events), sources, tuple(sorted(pages, key=lambda p: (p.order, p.slug))), cites)


def _near_names(folder: Path, listed: list, src: Path, report: Report) -> list:
    """Files named as events but for their suffix's spelling (x.yml, x.YAML: red team, x.YAML was left out
    without a word), each an error."""
    near = [name for name in listed if not name.endswith(".yaml") and name.lower().endswith((".yml", ".yaml"))]
    for odd in sorted(near):
        report.error(relative(folder / odd, src), None, None, "event files end in .yaml (this one is ignored)")
    return near


def _load_events(src: Path, report: Report, site: Site | None, memo: Memo,
                 stats: dict) -> tuple[list[Event], frozenset]:
    """The events that could be read, and the ids of event files that could not (reported), which
    other files may name without a second error."""
    folder = src / "events"
    events = []
    # Sorted by name as strings: comparing 10,000 Path objects costs more than reading the folder.
    try:
        listed = [e.name for e in os.scandir(folder)] if folder.is_dir() else []
    except OSError as exc:
        report.error(relative(folder, src), None, None, f"cannot read the folder: {exc.strerror}")
        listed = []
    names = sorted(name for name in listed if name.endswith(".yaml"))
    # Paths as strings: at 2,000 events pathlib's joins and hashing cost more than the stat calls.
    prefix = os.path.join(folder, "")
    paths = [prefix + name for name in names]
    near = _near_names(folder, listed, src, report)
    # Messages name files relative to the working folder: it is an input too.
    shared = digest((site.span_start, site.span_end) if site is not None else None, os.getcwd())
    texts = {}

    def text_of(path: str) -> str:
        """The digest of the file's text: known by its signature (the preview), or read now."""
        signature = _signature(path, stats.get(path))
        known = memo.peek(READ, path, signature) if signature else None
        if known is None:
            texts[path] = read(path)
            known = text_digest(path, texts[path])
            if signature:
                memo.put(READ, path, signature, known)
        return known

    inputs = [text_of(path) + shared for path in paths]
    hits = [memo.peek(EVENTS, path, key) for path, key in zip(paths, inputs)]
    todo = [i for i, hit in enumerate(hits) if hit is None]
    for i in todo:
        if paths[i] not in texts:  # known by its signature, but made with other inputs (the span)
            texts[paths[i]] = read(paths[i])
    # Each file is read and checked on its own: many of them (a first build) on two cores.
    for i, hit in zip(todo, map_in_halves(lambda i: _read_event(paths[i], texts[paths[i]], src, site), todo)):
        memo.put(EVENTS, paths[i], inputs[i], hit)
        hits[i] = hit
    unread = {name.rsplit(".", 1)[0] for name in near}
    for path, hit in zip(paths, hits):
        if hit.event is not None:
            events.append(hit.event)
        else:
            unread.add(os.path.basename(path)[:-len(".yaml")])
        report.items.extend(hit.diagnostics)
    return events, frozenset(unread)


def _signature(path: str, taken: tuple | None = None) -> str | None:
    """What stat says of a file, which any write, rename or touch changes; None if the file cannot
    be stat'ed or changed too recently for its time to tell a later change apart. taken: (its
    os.stat_result, the clock before it was taken), if the build has stat'ed it already."""
    if taken is None:
        try:
            taken = os.stat(path), time.time_ns()
        except OSError:
            return None
    st, now = taken
    if max(st.st_mtime_ns, st.st_ctime_ns) >= now - SETTLED_NS:
        return None
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_dev}"


class EventRead(NamedTuple):
    event: Event | None
    diagnostics: tuple


def _read_event(path: str, text, src: Path, site: Site | None) -> EventRead:
    """One event file, read and checked on its own: the event (None if unusable) and its messages."""
    own = Report()
    f = YamlFile(relative(path, src), own, parse(text))
    event = _event(f, os.path.basename(path)[:-len(".yaml")], site) if f.doc is not None else None
    if event is not None:   # its digests worked out here, where many files are read on two cores
        _ = event.digest, event.where
    return EventRead(event, tuple(own.items))


def _event_dates(f: YamlFile, data: dict, site: Site | None) -> tuple:
    """The event's start and end dates (None where missing or wrong, each problem reported)."""
    calendar = f.text(data.get("calendar"), ("calendar",)) or "gregorian"
    if calendar not in ("gregorian", "julian"):
        f.error(("calendar",), f"unknown calendar '{excerpt(calendar)}' (use julian for Old Style dates, "
                               "or leave it out)")
        calendar = "gregorian"
    start = f.date(data["date"], ("date",), calendar) if data.get("date") is not None else None
    end = f.date(data["end"], ("end",), calendar) if data.get("end") is not None else None
    if site is not None:
        for key, d in (("date", start), ("end", end)):
            if d is not None and not site.span_start <= d.gregorian[0] <= site.span_end:
                f.error((key,), f"{d.gregorian[0]} is outside the timeline's span "
                                f"({site.span_start}–{site.span_end})")
    if start is not None and dates.julian_too_late(start):
        f.error(("calendar",), dates.JULIAN_ENDED)
    if start and end and dates.ends_before(end, start):
        f.error(("end",), f"ends ({end.display()}) before it starts ({start.display()})")
    return start, end


def _event_names(f: YamlFile, raw) -> dict:
    names = {}
    if raw is None:
        return names
    if not isinstance(raw, dict):
        f.error(("names",), "expected a mapping of language codes to names, e.g. {zh: 尼布楚条约, ru: ...}")
        return names
    for lang, value in raw.items():
        if not LANG.match(str(lang)):
            f.error(("names", lang), f"'{excerpt(lang)}' is not a language code such as zh or ru")
        names[str(lang)] = f.text(value, ("names", lang))
    return names


def _event(f: YamlFile, eid: str, site: Site | None) -> Event | None:
    if not SLUG.match(eid):
        f.report.error(f.rel, None, "id", f"file name '{excerpt(eid)}' is not a valid id: use lower-case letters, "
                                         "digits and hyphens, e.g. 1689-treaty-of-nerchinsk.yaml")
    elif not EVENT_ID.match(eid):
        f.report.error(f.rel, None, "id", f"file name '{excerpt(eid)}' does not start with the event's year, "
                                         "e.g. 1689-treaty-of-nerchinsk.yaml")
    data = f.mapping(f.doc.data, (), EVENT_FIELDS, EVENT_REQUIRED, what="event")
    if data is None:
        return None
    start, end = _event_dates(f, data, site)
    themes = f.str_list(data.get("themes"), ("themes",))
    significance = f.text(data.get("significance"), ("significance",))
    if significance and significance not in SIGNIFICANCE:
        f.error(("significance",), f"'{excerpt(significance)}' is not one of {', '.join(SIGNIFICANCE)}"
                                   f"{suggest(significance, SIGNIFICANCE)}")
    names = _event_names(f, data.get("names"))
    if start is None:
        # Keep going with a stand-in date so the cross-checks (themes, citations, related) still run.
        start = dates.HistDate(0)
    lines = f.doc.top_lines()
    for key in ("summary", "body"):
        node = f.doc.value_node(key)
        if node is not None and getattr(node, "style", None) == "|":
            lines[f"{key}:text"] = node.start_mark.line + 2
    # Titles are plain text, shown everywhere: typographic quotes here, as Markdown gets them from cmark.
    title = f.text(data.get("title"), ("title",))
    plain_checks(f.report, f.rel, f.line(("title",)), "title", title)
    return Event(eid, quotes(title), start, end, tuple(themes), significance,
                 f.text(data.get("summary"), ("summary",)), f.text(data.get("body"), ("body",)), names,
                 tuple(f.str_list(data.get("place"), ("place",))), tuple(f.str_list(data.get("sources"), ("sources",))),
                 tuple(f.str_list(data.get("related"), ("related",))), f.rel, lines, _aliases(f, eid, data.get("aliases")))


def _aliases(f: YamlFile, eid: str, raw) -> tuple:
    """The event's former ids (file names it had), each of which must look like an event's id."""
    aliases = f.str_list(raw, ("aliases",))
    for alias in aliases:
        if len(alias) > MAX_ID:
            f.error(("aliases",), f"'{excerpt(alias)}' is longer than an event's id can be ({MAX_ID} characters)")
        elif not (SLUG.match(alias) and EVENT_ID.match(alias)):
            f.error(("aliases",), f"'{excerpt(alias)}' is not an event's id: a former file name without .yaml, "
                                  "e.g. 1950-repatriation-of-russians-from-china")
        elif alias == eid:
            f.error(("aliases",), "the event's own id is not a former one")
    if len(set(aliases)) != len(aliases):
        f.error(("aliases",), "an id is listed twice")
    return tuple(aliases)


def _load_pages(src: Path, report: Report) -> list[Page]:
    folder = src / "pages"
    pages = []
    for path in listed(folder, ".md", src, report):
        rel = relative(path, src)
        slug = path.stem
        if not SLUG.match(slug):
            report.error(rel, None, None, f"page file name '{excerpt(slug)}' is not a valid slug")
            continue
        if slug in RESERVED_PAGES:
            report.error(rel, None, None, f"'{slug}' is used by the site itself; rename the page")
            continue
        try:
            text = yamlfile.read_text(path).replace("\r\n", "\n")
        except yamlfile.InputError as exc:
            report.error(rel, exc.line, None, exc.message, column=exc.column)
            continue
        if not text.startswith("---\n"):
            report.error(rel, 1, "title", "a page needs YAML front matter with a title (---\\ntitle: ...\\n---)")
            continue
        head, sep, body = text[4:].partition("\n---\n")
        if not sep:
            report.error(rel, 1, None, "front matter starts with '---' but has no closing '---' line")
            continue
        try:
            parsed = yamlfile.parse(head)
        except yamlfile.YamlSyntaxError as exc:
            parsed = exc
        f = YamlFile(rel, report, parsed, offset=1)
        if f.doc is None:
            continue
        title, description, order = _front_matter(f, rel, report)
        body_line = head.count("\n") + 4
        bad = unshowable(body)
        if bad is not None:
            report.error(rel, body_line + body.count("\n", 0, bad[0]), None, bad[1])
            continue
        raw = RAW_HTML.search(body)
        if raw:
            report.warning(rel, body_line + body.count("\n", 0, raw.start()), None, raw_html(raw))
        pages.append(Page(slug, quotes(title), body, description, order, rel, body_line))
    return pages


def _front_matter(f: YamlFile, rel: str, report: Report) -> tuple[str, str, int]:
    """A page's title, description (plain texts) and order."""
    meta = f.mapping(f.doc.data or {}, (), PAGE_FIELDS, ("title",), what="front matter") or {}
    order = meta.get("order", 100)
    if type(order) is not int:
        odd = isinstance(order, str) and re.fullmatch(r"[-+]?[0-9][0-9_]*", order.strip())
        f.error(("order",), "expected a whole number" + (", written plainly (no leading zero, '+' or '_')"
                                                          if odd else ""))
        order = 100
    title, description = f.text(meta.get("title"), ("title",)), f.text(meta.get("description"), ("description",))
    for name, text in (("title", title), ("description", description)):
        plain_checks(report, rel, f.line((name,)), name, text)
    return title, description, order
