"""Load site_src/ and validate it, reporting every problem with its file and line.

This is the only module that reads the content files. It returns the model (timeline.model) or
None when there were errors; the Report holds all of them.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import replace
from pathlib import Path

from . import dates, places, yamlfile
from .diagnostics import Report, excerpt, suggest
from .citations import iter_citations
from .markup import MAX_NESTING, RAW_HTML, too_deep
from .model import (PRIMARY_TYPES, SIGNIFICANCE, SOURCE_TYPES, Content, Editor, Era, Event, Licence, Name, Page, Site,
                    Source, Theme)
from .parallel import map_in_halves
from .typography import quotes

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EVENT_ID = re.compile(r"^[0-9]{4}(?:-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# A copy that names its capture: the Wayback Machine's /web/<timestamp>/<address> (a timestamp of 4 to
# 14 digits, optionally with a mode such as id_), or archive.today's short id or dated form.
ARCHIVED = re.compile(r"^https?://(?:web\.archive\.org/web/\d{4,14}(?:[a-z]{2}_)?/(?:https?://)?[^\s/]+\.\S+"
                      r"|archive\.(?:today|ph|is)/(?:[A-Za-z0-9]{4,12}/?|\d{4}\.\d\d\.\d\d-\d{6}/\S+))$")
RESERVED_PAGES = {"events", "themes", "eras", "sources", "print", "static", "schema", "index", "404", "search",
                  "map", "data"}

SITE_FIELDS = {"title", "subtitle", "language", "author", "base_url", "span", "themes", "eras", "edition",
               "languages", "licence", "editors"}  # languages: read and checked by timeline.i18n
THEME_FIELDS = {"id", "label", "colour", "colour_dark", "description"}
ERA_FIELDS = {"id", "label", "start", "end", "intro"}
EVENT_FIELDS = {"title", "date", "calendar", "end", "names", "place", "themes", "significance", "summary",
                "body", "sources", "related"}
EVENT_REQUIRED = ("title", "date", "themes", "significance", "summary")
SOURCE_FIELDS = {"type", "title", "author", "editor", "container-title", "publisher", "publisher-place",
                 "issued", "URL", "accessed", "archived", "note", "volume", "issue", "page", "language",
                 "original-title", "primary", "genre", "title-short", "descriptive-title"}
PAGE_FIELDS = {"title", "description", "order"}


def _parse_cached(path: str | Path, cache: dict | None):
    """The parsed file, or the error that stops it; with a cache (the preview keeps one between
    builds, keyed by path strings) a file whose size and modification time are unchanged is not
    read or parsed again."""
    key = None
    if cache is not None:
        path = os.fspath(path)
        try:
            st = os.stat(path)
            key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        except OSError:
            key = None  # read_text says why; nothing to key a cache entry on
        hit = cache.get(path)
        if key is not None and hit is not None and hit[0] == key:
            return hit[1]
    try:
        parsed = yamlfile.parse(yamlfile.read_text(path))
    except yamlfile.YamlSyntaxError as exc:  # InputError included: not a file, unreadable, not UTF-8
        parsed = exc
    if cache is not None:
        cache[path] = (key, parsed)
    return parsed


class _File:
    """One YAML file being validated: parsed data plus helpers that report with the right line."""

    def __init__(self, path: Path | None, rel: str, report: Report, cache: dict | None = None, *,
                 parsed=None, offset: int = 0):
        """parsed: the document or error when the caller has it (a page's front matter); offset:
        lines before the YAML in its file."""
        self.rel, self.report, self.doc, self.offset = rel, report, None, offset
        if parsed is None:
            parsed = _parse_cached(path, cache.parse if cache is not None else None)
        if isinstance(parsed, yamlfile.YamlSyntaxError):
            line = parsed.line + offset if parsed.line is not None else None
            report.error(rel, line, None, parsed.message, column=parsed.column)
            return
        self.doc = parsed
        for key, line in self.doc.duplicate_keys():
            report.error(rel, line + offset, key, "key given twice (the second would silently win)")

    def line(self, path: tuple) -> int | None:
        line = self.doc.line(*path)
        return line + self.offset if line is not None else None

    def error(self, path: tuple, message: str, field: str | None = None) -> None:
        self.report.error(self.rel, self.line(path), field or _dotted(path), message)

    def warning(self, path: tuple, message: str, field: str | None = None) -> None:
        self.report.warning(self.rel, self.line(path), field or _dotted(path), message)

    def mapping(self, value, path: tuple, allowed: set, required=(), what="entry") -> dict | None:
        if not isinstance(value, dict):
            got = "an empty file" if value is None and path == () else _kind(value)
            self.error(path, f"expected a mapping of fields, got {got}", field=_dotted(path) or what)
            return None
        for key in value:
            if key not in allowed:
                self.error(path + (key,), f"unknown field{suggest(key, allowed)}")
        for key in required:
            if value.get(key) in (None, "", []):
                self.error(path, f"missing required field '{key}'", field=_dotted(path + (key,)))
        return value

    def text(self, value, path: tuple, required=False) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            self.error(path, f"expected text, got {_kind(value)}")
            return ""
        return str(value).strip()

    def str_list(self, value, path: tuple) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(path, f"expected a list, got {_kind(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)) or item is None or isinstance(item, bool):
                self.error(path + (i,), f"expected an id, got {_kind(item)}", field=_dotted(path))
            else:
                out.append(str(item))
        return out

    def date(self, value, path: tuple, calendar="gregorian"):
        try:
            return dates.parse(value, calendar)
        except ValueError as exc:
            self.error(path, str(exc))
            return None


def _dotted(path: tuple) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path).replace(".[", "[")


def _kind(value) -> str:
    """What a value is, quoting at most a short excerpt of it (never the whole of a large one)."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"text '{excerpt(value)}'" if isinstance(value, str) else f"'{excerpt(value)}'"


def load(src: Path, report: Report, base_url: str | None = None, cache=None) -> Content | None:
    """The validated content, or None when there are errors (all of them in report).

    cache: a timeline.cache.BuildCache kept between builds, or None."""
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
        report.error(_rel(src / "events", src), None, None, f"{what}: the event files go in a folder of this name")
    site = load_site(src, report, base_url)
    known = load_places(src, report) if site is not None else None   # None: places.yaml unusable
    if site is not None:
        site = replace(site, places=known or ())
    sources, whole = _load_sources(src, report, cache)
    events = _load_events(src, report, site, cache)
    pages = _load_pages(src, report)
    if site is not None:
        # With a sources file unusable, every citation of it would be "no source": one error is enough.
        _cross_check(site, events, pages, sources if whole else None, report, cache)
        if known is not None:
            places.check_events(site.places, events, report)
    if report.errors or site is None:
        return None
    events.sort(key=lambda e: (e.date.sort_key, e.end.sort_key if e.end else (0, 0, 0), e.id))
    return Content(site, tuple(events), sources, tuple(sorted(pages, key=lambda p: (p.order, p.slug))))


def load_places(src: Path, report: Report) -> tuple:
    """site_src/places.yaml, optional (timeline.places checks it); None if it cannot be used."""
    path = src / "places.yaml"
    return places.read(_File(path, _rel(path, src), report)) if os.path.lexists(path) else ()


def _rel(path: str | Path, src: Path) -> str:
    """The path as the editor would type it: relative to the working folder when inside it."""
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def _unique_id(f: _File, value, path: tuple, seen: set, kind: str) -> str:
    ident = f.text(value, path)
    if ident and not SLUG.match(ident):
        f.error(path, f"'{excerpt(ident)}' is not a valid id (lower-case letters, digits, hyphens)")
    if ident in seen:
        f.error(path, f"{kind} '{excerpt(ident)}' defined twice")
    seen.add(ident)
    return ident


def load_site(src: Path, report: Report, base_url: str | None) -> Site | None:
    f = _File(src / "site.yaml", _rel(src / "site.yaml", src), report)
    if f.doc is None:
        return None
    data = f.mapping(f.doc.data, (), SITE_FIELDS, ("title", "themes", "eras"), what="site")
    if data is None:
        return None
    span = data.get("span") or {"start": 1689, "end": 2025}
    start, end = 1689, 2025
    if isinstance(span, dict) and all(type(span.get(k)) is int and 1 <= span[k] <= 9999 for k in ("start", "end")) \
            and span["start"] <= span["end"]:
        start, end = span["start"], span["end"]
    else:
        f.error(("span",), "expected {start: YEAR, end: YEAR}, four-digit years with start before end")
    themes, seen = [], set()
    for i, raw in enumerate(_list(f, data, "themes")):
        t = f.mapping(raw, ("themes", i), THEME_FIELDS, ("id", "label", "colour"), what="theme")
        if t is None:
            continue
        tid = _unique_id(f, t.get("id"), ("themes", i, "id"), seen, "theme")
        colour, dark = (f.text(t.get(k), ("themes", i, k)) for k in ("colour", "colour_dark"))
        for name, value in (("colour", colour), ("colour_dark", dark)):
            if value and not COLOUR.match(value):
                f.error(("themes", i, name), f"'{excerpt(value)}' is not a colour like '#2166ac'")
        themes.append(Theme(tid, quotes(f.text(t.get("label"), ())), colour, quotes(f.text(t.get("description"), ())),
                            dark))
    eras, seen = [], set()
    for i, raw in enumerate(_list(f, data, "eras")):
        e = f.mapping(raw, ("eras", i), ERA_FIELDS, ("id", "label", "start", "end"), what="era")
        if e is None:
            continue
        eid = _unique_id(f, e.get("id"), ("eras", i, "id"), seen, "era")
        bounds = [e.get("start"), e.get("end")]
        if not all(type(b) is int and 1 <= b <= 9999 for b in bounds):
            f.error(("eras", i), "start and end must be years", field=f"eras[{i}]")
            continue
        era = Era(eid, quotes(f.text(e.get("label"), ())), bounds[0], bounds[1], quotes(f.text(e.get("intro"), ())))
        if era.start > era.end:
            f.error(("eras", i, "end"), f"ends ({era.end}) before it starts ({era.start})")
        if eras and era.start != eras[-1].end + 1:
            f.error(("eras", i, "start"), f"should start in {eras[-1].end + 1}, the year after "
                                          f"'{eras[-1].id}' ends (eras run in order without gaps or overlaps)")
        eras.append(era)
    base = base_url if base_url is not None else data.get("base_url")
    if base is not None:
        base = str(base).strip()
        if base and not URL.match(base):
            f.error(("base_url",), f"'{excerpt(base)}' is not an http(s) URL")
        base = (base.rstrip("/") + "/") if base else None
    language = f.text(data.get("language"), ("language",)) or "en"
    edition = None
    if data.get("edition") is not None:
        parsed = f.date(data["edition"], ("edition",))
        edition = parsed.iso() if parsed else None
    licence, editors = _credits(f, data)
    if report.errors:
        return None if not themes or not eras else Site(
            f.text(data.get("title"), ("title",)), "", language, "", base, start, end, tuple(themes), tuple(eras))
    return Site(quotes(f.text(data.get("title"), ("title",))), quotes(f.text(data.get("subtitle"), ("subtitle",))),
                language,
                f.text(data.get("author"), ("author",)), base, start, end, tuple(themes), tuple(eras), edition,
                licence=licence, editors=editors)


def _credits(f: _File, data: dict) -> tuple[Licence | None, tuple[Editor, ...]]:
    """licence: {name, url} (the text's licence, shown on every page) and editors: [{name, role}]."""
    licence = None
    raw = data.get("licence")
    if raw is not None and f.mapping(raw, ("licence",), {"name", "url"}, ("name",), what="licence") is not None:
        url = f.text(raw.get("url"), ("licence", "url"))
        if url and not URL.match(url):
            f.error(("licence", "url"), f"'{excerpt(url)}' is not an http(s) URL")
        licence = Licence(quotes(f.text(raw.get("name"), ("licence", "name"))), url)
    editors = []
    for i, raw in enumerate(_list(f, data, "editors")):
        if f.mapping(raw, ("editors", i), {"name", "role"}, ("name",), what="editor") is not None:
            editors.append(Editor(quotes(f.text(raw.get("name"), ("editors", i, "name"))),
                                  quotes(f.text(raw.get("role"), ("editors", i, "role")))))
    return licence, tuple(editors)


def _list(f: _File, data: dict, key: str) -> list:
    value = data.get(key)
    if value is None or isinstance(value, list):
        return value or []
    f.error((key,), f"expected a list, got {_kind(value)}")
    return []


def _names(f: _File, raw, path: tuple, key: str) -> tuple[Name, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    names = []
    for i, item in enumerate(items):
        p = path + (i,) if isinstance(raw, list) else path
        if isinstance(item, str):
            family, _, given = item.partition(",")
            names.append(Name(family.strip(), given.strip()) if given else Name(literal=item.strip()))
        elif isinstance(item, dict):
            unknown = set(item) - {"family", "given", "literal"}
            if unknown:
                f.error(p, f"unknown name part '{sorted(unknown)[0]}' (use family, given or literal)", field=key)
            if not (item.get("family") or item.get("literal")):
                f.error(p, "a name needs 'family' (with 'given') or 'literal'", field=key)
            names.append(Name(*(f.text(item.get(part), p) for part in ("family", "given", "literal"))))
        else:
            f.error(p, f"expected a name, got {_kind(item)}", field=key)
    return tuple(names)


def _load_sources(src: Path, report: Report, cache=None) -> tuple[dict, bool]:
    """The sources, and whether every sources file could be used."""
    files = [src / "sources.yaml"] if os.path.lexists(src / "sources.yaml") else []
    files += _listed(src / "sources", ".yaml", src, report)
    unusable: list = []
    if cache is None:
        return _read_sources(src, files, report, None, unusable), not unusable
    documents = tuple((path, _parse_cached(path, cache.parse)) for path in files)
    if cache.sources is not None and len(cache.sources[0]) == len(documents) and all(
            a[0] == b[0] and a[1] is b[1] for a, b in zip(cache.sources[0], documents)):
        report.items.extend(cache.sources[2])
        return cache.sources[1], cache.sources[3]  # the same object as last time: later caches key on it
    own = Report()
    sources = _read_sources(src, files, own, cache, unusable)
    whole = not unusable
    if cache.sources is not None:
        # A source unchanged even in where it is written keeps its object (and cached digest).
        old = cache.sources[1]
        sources = {key: old[key] if old.get(key) == source else source for key, source in sources.items()}
    cache.sources = (documents, sources, own.items, whole)
    report.items.extend(own.items)
    return sources, whole


def _read_sources(src: Path, files: list[Path], report: Report, cache, unusable: list) -> dict:
    """The sources; files that cannot be used at all are added to unusable."""
    sources: dict[str, Source] = {}
    for path in files:
        f = _File(path, _rel(path, src), report, cache)
        if f.doc is None:
            unusable.append(path)
            continue
        if f.doc.data is None:
            continue
        if not isinstance(f.doc.data, dict):
            f.error((), "expected a mapping of citation keys to sources", field="sources")
            unusable.append(path)
            continue
        key_lines = f.doc.top_lines()
        for key_node, _ in f.doc.node.value:
            if key_node.tag != "tag:yaml.org,2002:str":  # ~, 12, true, [a]: not text, so no key
                written = excerpt(key_node.value) if isinstance(key_node.value, str) else "[...]"
                f.report.error(f.rel, key_node.start_mark.line + 1, written,
                               f"'{written}' is not a valid citation key (lower-case letters, digits, hyphens)")
        for key, raw in f.doc.data.items():
            if not isinstance(key, str):
                continue
            if not SLUG.match(key):
                f.error((key,), f"'{excerpt(key)}' is not a valid citation key (lower-case letters, digits, "
                                "hyphens)", field=excerpt(key))
            if key in sources:
                other = sources[key]
                f.error((key,), f"source '{key}' already defined at {other.path}:{other.line}", field=key)
                continue
            entry = f.mapping(raw, (key,), SOURCE_FIELDS, ("type", "title"), what=key)
            if entry is None:
                continue
            kind = f.text(entry.get("type"), (key, "type"))
            if kind and kind not in SOURCE_TYPES:
                f.error((key, "type"), f"unknown source type '{excerpt(kind)}'{suggest(kind, SOURCE_TYPES)}")
            fields = {}
            for name in ("container-title", "publisher", "publisher-place", "note", "volume", "issue", "page",
                         "language", "original-title", "genre", "URL", "archived", "title-short"):
                if entry.get(name) is not None:
                    fields[name] = f.text(entry[name], (key, name))
            if fields.get("URL") and not URL.match(fields["URL"]):
                f.error((key, "URL"), f"'{fields['URL']}' is not an http(s) URL")
            if fields.get("archived") and not ARCHIVED.match(fields["archived"]):
                f.error((key, "archived"), f"'{fields['archived']}' is not an archived copy: give a Wayback "
                        "Machine capture (https://web.archive.org/web/<timestamp>/<address>) or an "
                        "archive.today one (https://archive.ph/<id>)")
            issued = f.date(entry["issued"], (key, "issued")) if entry.get("issued") is not None else None
            accessed = f.date(entry["accessed"], (key, "accessed")) if entry.get("accessed") is not None else None
            if fields.get("URL") and accessed is None:
                f.error((key, "URL"), "a web source needs the date it was checked ('accessed')")
            primary = entry.get("primary")
            if primary is not None and not isinstance(primary, bool):
                f.error((key, "primary"), "expected true or false")
                primary = None
            if entry.get("descriptive-title") is not None and not isinstance(entry["descriptive-title"], bool):
                f.error((key, "descriptive-title"), "expected true or false")
            elif entry.get("descriptive-title"):
                fields["descriptive-title"] = "true"  # the title describes the work: shown plain
            sources[key] = Source(
                key, kind, f.text(entry.get("title"), (key, "title")), fields,
                _names(f, entry.get("author"), (key, "author"), "author"),
                _names(f, entry.get("editor"), (key, "editor"), "editor"),
                issued, accessed, kind in PRIMARY_TYPES if primary is None else primary,
                f.rel, key_lines.get(key) or 0,
                # The lines of the addresses themselves, for `timeline links`.
                {name: f.doc.line(key, name) for name in ("URL", "archived") if fields.get(name)})
    return sources


def _load_events(src: Path, report: Report, site: Site | None, cache=None) -> list[Event]:
    folder = src / "events"
    events = []
    # Sorted by name as strings: comparing 10,000 Path objects costs more than reading the folder.
    try:
        listed = [e.name for e in os.scandir(folder)] if folder.is_dir() else []
    except OSError as exc:
        report.error(_rel(folder, src), None, None, f"cannot read the folder: {exc.strerror}")
        listed = []
    names = sorted(name for name in listed if name.endswith(".yaml"))
    # Paths as strings: at 2,000 events pathlib's joins and hashing cost more than the stat calls.
    prefix = os.path.join(folder, "")
    paths = [prefix + name for name in names]
    for odd in sorted(name for name in listed if name.endswith(".yml")):
        report.error(_rel(folder / odd, src), None, None, "event files end in .yaml (this one is ignored)")
    span = (site.span_start, site.span_end) if site is not None else None
    if cache is None:
        # Each file is read and checked on its own: a large site does it on two cores.
        for event, items in map_in_halves(lambda path: _read_event(path, src, site), paths):
            if event is not None:
                events.append(event)
            report.items.extend(items)
        return events
    seen = set()
    for path in paths:
        if cache is not None:
            # The same parsed document and the same span give the same event and the same messages.
            document = _parse_cached(path, cache.parse)
            hit = cache.events.get(path)
            if hit is not None and hit[0] is document and hit[1] == span:
                report.items.extend(hit[3])
                if hit[2] is not None:
                    events.append(hit[2])
                seen.add(path)
                continue
        event, items = _read_event(path, src, site, cache)
        if event is not None:
            events.append(event)
        cache.events[path] = (document, span, event, items)
        report.items.extend(items)
        seen.add(path)
    for stale in set(cache.events) - seen:
        del cache.events[stale]
        cache.parse.pop(stale, None)
    return events


def _read_event(path: str, src: Path, site: Site | None, cache=None) -> tuple[Event | None, list]:
    """One event file, read and checked on its own: the event (None if unusable) and its messages."""
    own = Report()
    f = _File(path, _rel(path, src), own, cache)
    event = _event(f, os.path.basename(path)[:-len(".yaml")], site) if f.doc is not None else None
    return event, own.items


def _event(f: _File, eid: str, site: Site | None) -> Event | None:
    if not SLUG.match(eid):
        f.report.error(f.rel, None, "id", f"file name '{excerpt(eid)}' is not a valid id: use lower-case letters, "
                                         "digits and hyphens, e.g. 1689-treaty-of-nerchinsk.yaml")
    elif not EVENT_ID.match(eid):
        f.report.error(f.rel, None, "id", f"file name '{excerpt(eid)}' does not start with the event's year, "
                                         "e.g. 1689-treaty-of-nerchinsk.yaml")
    data = f.mapping(f.doc.data, (), EVENT_FIELDS, EVENT_REQUIRED, what="event")
    if data is None:
        return None
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
    if calendar == "julian" and start is not None and start.gregorian[0] >= 1918 and start.sort_key >= (1918, 2, 14):
        f.error(("calendar",), "Russia adopted the Gregorian calendar in February 1918; later dates are New Style")
    if start and end and end.sort_key < start.sort_key:
        f.error(("end",), f"ends ({end.display()}) before it starts ({start.display()})")
    themes = f.str_list(data.get("themes"), ("themes",))
    significance = f.text(data.get("significance"), ("significance",))
    if significance and significance not in SIGNIFICANCE:
        f.error(("significance",), f"'{excerpt(significance)}' is not one of {', '.join(SIGNIFICANCE)}"
                                   f"{suggest(significance, SIGNIFICANCE)}")
    names = {}
    raw_names = data.get("names")
    if raw_names is not None:
        if not isinstance(raw_names, dict):
            f.error(("names",), "expected a mapping of language codes to names, e.g. {zh: 尼布楚条约, ru: ...}")
        else:
            for lang, value in raw_names.items():
                if not LANG.match(str(lang)):
                    f.error(("names", lang), f"'{excerpt(lang)}' is not a language code such as zh or ru")
                names[str(lang)] = f.text(value, ("names", lang))
    if start is None:
        # Keep going with a stand-in date so the cross-checks (themes, citations, related) still run.
        start = dates.HistDate(0)
    lines = f.doc.top_lines()
    for key in ("summary", "body"):
        node = f.doc.value_node(key)
        if node is not None and getattr(node, "style", None) == "|":
            lines[f"{key}:text"] = node.start_mark.line + 2
    # Titles are plain text, shown everywhere: typographic quotes here, as Markdown gets them from cmark.
    return Event(eid, quotes(f.text(data.get("title"), ("title",))), start, end, tuple(themes), significance,
                 f.text(data.get("summary"), ("summary",)), f.text(data.get("body"), ("body",)), names,
                 tuple(f.str_list(data.get("place"), ("place",))), tuple(f.str_list(data.get("sources"), ("sources",))),
                 tuple(f.str_list(data.get("related"), ("related",))), f.rel, lines)


def _listed(folder: Path, suffix: str, src: Path, report: Report) -> list[Path]:
    """The files named *suffix in an optional folder; one that cannot be read is an error, not an empty
    folder (else its pages would be pruned from the output without a word)."""
    try:
        names = os.listdir(folder) if folder.is_dir() else []
    except OSError as exc:
        report.error(_rel(folder, src), None, None, f"cannot read the folder: {exc.strerror}")
        return []
    return sorted(folder / name for name in names if name.endswith(suffix))


def _load_pages(src: Path, report: Report) -> list[Page]:
    folder = src / "pages"
    pages = []
    for path in _listed(folder, ".md", src, report):
        rel = _rel(path, src)
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
        f = _File(None, rel, report, parsed=parsed, offset=1)
        if f.doc is None:
            continue
        meta = f.mapping(f.doc.data or {}, (), PAGE_FIELDS, ("title",), what="front matter") or {}
        order = meta.get("order", 100)
        if type(order) is not int:
            f.error(("order",), "expected a whole number")
            order = 100
        body_line = head.count("\n") + 4
        deep = too_deep(body)
        if deep is not None:
            report.error(rel, body_line + body.count("\n", 0, deep), None, _TOO_DEEP)
            continue
        raw = RAW_HTML.search(body)
        if raw:
            report.warning(rel, body_line + body.count("\n", 0, raw.start()), None, _raw_html(raw))
        pages.append(Page(slug, quotes(f.text(meta.get("title"), ("title",))), body,
                          f.text(meta.get("description"), ("description",)), order, rel, body_line))
    return pages


_TOO_DEEP = f"Markdown nested more than {MAX_NESTING} levels deep (block quotes or lists)"


def _raw_html(match) -> str:
    return f"raw HTML ('{excerpt(match.group(0), 40)}') is not allowed in Markdown and is left out of the page"


def _citations_in(event: Event):
    """(field, line, Citation) for every citation in the event's Markdown."""
    for field in ("summary", "body"):
        text = getattr(event, field)
        block = event.lines.get(f"{field}:text")
        for offset, citation in iter_citations(text):
            line = block + text.count("\n", 0, offset) if block else event.lines.get(field)
            yield field, line, citation


def _cross_check(site: Site, events: list[Event], pages: list[Page], sources: dict, report: Report,
                 cache=None) -> None:
    theme_ids = {t.id for t in site.themes}
    event_ids = {e.id for e in events}
    cited: set[str] = set()
    # An event's checks depend on itself and on these sets of names only.
    context = hashlib.sha1(repr((sorted(theme_ids), [e.id for e in events], sources and sorted(sources),
                                 site.span_start, site.span_end, [(r.start, r.end) for r in site.eras])
                                ).encode()).hexdigest()
    for e in events:
        if cache is not None:
            hit = cache.checks.get(e.id)
            if hit is not None and hit[0] is e and hit[1] == context:
                report.items.extend(hit[2])
                cited.update(hit[3])
                continue
            own = Report()
            keys = _check_event(e, site, theme_ids, event_ids, sources, own)
            cache.checks[e.id] = (e, context, own.items, keys)
            report.items.extend(own.items)
        else:
            keys = _check_event(e, site, theme_ids, event_ids, sources, report)
        cited.update(keys)
    for page in pages:
        for offset, citation in iter_citations(page.body):
            cited.add(citation.key)
            if sources is not None and citation.key not in sources:
                line = page.body_line + page.body.count("\n", 0, offset)
                report.error(page.path, line, None,
                             f"no source '{citation.key}' in sources.yaml{suggest(citation.key, sources)}")
    for key in sorted(set(sources or ()) - cited):
        s = sources[key]
        report.warning(s.path, s.line, key, "source is not cited by any event")


def _check_event(e: Event, site: Site, theme_ids: set, event_ids: set, sources: dict | None,
                 report: Report) -> list[str]:
    """Check one event against the rest of the content; return the source keys it cites.
    sources None: a sources file could not be used, so citations are not looked up."""
    for i, theme in enumerate(e.themes):
        if theme not in theme_ids:
            report.error(e.path, _line(e, "themes"), "themes",
                         f"unknown theme '{excerpt(theme)}'{suggest(theme, theme_ids)}")
    if len(set(e.themes)) != len(e.themes):
        report.error(e.path, _line(e, "themes"), "themes", "a theme is listed twice")
    for rid in e.related:
        if rid not in event_ids:
            report.error(e.path, _line(e, "related"), "related",
                         f"no event '{excerpt(rid)}'{suggest(rid, event_ids)}")
        elif rid == e.id:
            report.error(e.path, _line(e, "related"), "related", "an event cannot be related to itself")
    keys = []
    for field, line, citation in _citations_in(e):
        keys.append(citation.key)
        if sources is not None and citation.key not in sources:
            report.error(e.path, line, field,
                         f"no source '{citation.key}' in sources.yaml{suggest(citation.key, sources)}")
    for key in e.sources:
        keys.append(key)
        if sources is not None and key not in sources:
            report.error(e.path, _line(e, "sources"), "sources",
                         f"no source '{key}' in sources.yaml{suggest(key, sources)}")
    for field in ("summary", "body"):
        text = getattr(e, field)
        block = e.lines.get(f"{field}:text")
        deep = too_deep(text)
        if deep is not None:
            report.error(e.path, block + text.count("\n", 0, deep) if block else _line(e, field), field, _TOO_DEEP)
        raw = RAW_HTML.search(text)
        if raw:
            line = block + text.count("\n", 0, raw.start()) if block else _line(e, field)
            report.warning(e.path, line, field, _raw_html(raw))
    if not keys:
        report.error(e.path, _line(e, "summary"), "sources",
                     "the event cites no source: add [@key] to the text or a 'sources:' list")
    year = e.date.gregorian[0]
    if site.span_start <= year <= site.span_end and site.eras and not any(era.start <= year <= era.end for era in site.eras):
        report.error(e.path, _line(e, "date"), "date", f"no era in site.yaml covers {year}")
    return keys


def _line(event: Event, field: str) -> int | None:
    return event.lines.get(field)
