"""`timeline links`: check every web address the content cites, and remember what came back.

Never part of a build (a build must not depend on the network). The addresses are each source's `URL`
and the http(s) links of the Markdown in events and pages, each with the line that holds it. Archived
copies (`archived:`) are not checked: a capture does not move, and the archives throttle robots hard.
Results are kept with their dates in .cache/timeline/links.json beside the content folder (outside the
output; .cache/ is ignored by git); an address found ok within --max-age is not fetched again.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote

from .content import load
from .diagnostics import Diagnostic, Report
from .citations import PLACEHOLDER, extract_citations
from .markup import to_html
from .yamlfile import InputError, read_text

CACHE_VERSION = 1
KINDS = ("ok", "redirected", "broken", "blocked", "unreachable")
_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')
_AGE = re.compile(r"^([0-9]+)\s*([smhdw]?)$")   # ASCII digits: \d takes ١ and ７ too
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks", "": "days"}


@dataclass(frozen=True)
class Place:
    path: str
    line: int | None
    field: str | None      # a source's key, or the event field ("summary", "body") holding the link
    source: bool = False   # the address is a source's URL (else a link in Markdown)
    accessed: str = ""     # the source's access date as YYYYMMDD (or shorter), for the Wayback hint
    archived: bool = False  # the source already names an archived copy


@dataclass(frozen=True)
class Result:
    kind: str
    message: str
    status: int | None
    new_url: str | None
    checked: str           # when, as an ISO date-time in UTC
    cached: bool = False   # taken from the cache, not fetched in this run


def parse_age(text: str) -> timedelta:
    """'30d', '12h', '2w', '90m', '45s' or a bare number of days."""
    match = _AGE.match(str(text).strip())
    if not match:
        raise ValueError(f"'{text}' is not an age such as 30d, 12h or 2w")
    try:
        if len(match[1]) > 20:  # int() of thousands of digits fails with Python's own advice
            raise OverflowError
        return timedelta(**{_UNITS[match[2]]: int(match[1])})
    except OverflowError:
        raise ValueError(f"'{text}' is longer than {timedelta.max.days:,} days") from None


def markdown_links(text: str) -> list[tuple[int | None, str]]:
    """(offset in text or None, address) of every http(s) link the Markdown makes, autolinks included:
    cmark finds them, so only what a reader can click is checked; the offset is where the address is
    written, for the line number."""
    # A citation's placeholder stands apart, so that an address just before it ends where it should.
    stripped = PLACEHOLDER.sub(" ", extract_citations(text)[0])
    found, start = [], {}
    for href in _HREF.findall(to_html(stripped)):
        url = html.unescape(href)
        if not url.lower().startswith(("http://", "https://")):
            continue
        # cmark percent-encodes what is not ASCII; the editor wrote it as it reads.
        at = next((i for i in (text.find(u, start.get(url, 0)) for u in (url, unquote(url))) if i >= 0), -1)
        start[url] = at + 1 if at >= 0 else start.get(url, 0)
        found.append((at if at >= 0 else None, url))
    return found


def gather(content, src=None) -> dict[str, list[Place]]:
    """{address: the places that cite it}, in the order of the files; with src, the translations' too."""
    places: dict[str, list[Place]] = {}
    for s in sorted(content.sources.values(), key=lambda s: (s.path, s.line)):
        if s.fields.get("URL"):
            stamp = "".join(f"{p:02d}" for p in s.accessed.gregorian if p) if s.accessed else ""
            places.setdefault(s.fields["URL"], []).append(Place(
                s.path, s.lines.get("URL", s.line), s.key, True, stamp, bool(s.fields.get("archived"))))
    translated = _translations(src, content)
    texts = [(e.path, e.lines, field, getattr(e, field)) for e in content.events for field in ("summary", "body")]
    for path, lines, field, text in texts + [(t.path, t.lines, field, getattr(t, field)) for language in translated
                                             for t in language.events.values() for field in ("summary", "body")]:
        for offset, url in markdown_links(text):
            block = lines.get(f"{field}:text")
            line = block + text.count("\n", 0, offset) if block and offset is not None else (block or lines.get(field))
            places.setdefault(url, []).append(Place(path, line, field))
    for p in [*content.pages, *(p for language in translated for p in language.pages.values())]:
        for offset, url in markdown_links(p.body):
            line = p.body_line + p.body.count("\n", 0, offset) if offset is not None else p.body_line
            places.setdefault(url, []).append(Place(p.path, line, None))
    return places


def _translations(src, content) -> list:
    """Each language's translated texts (i18n.load; their problems are check's to report, no reason to
    leave their links unasked): a translator's link is published in that edition as an English one is."""
    if src is None:
        return []
    from .i18n import load as load_translations
    return list(load_translations(src, content, Report()).texts.values())


def cache_path(src: Path) -> Path:
    return Path(src).resolve().parent / ".cache" / "timeline" / "links.json"


def _linked(path: Path) -> Path | None:
    """The first of .cache/, .cache/timeline/ and the cache file itself (path) that is a link: the
    cache is neither read nor written through it, as it may lead outside (into a folder of the user's)."""
    for one in (path.parent.parent, path.parent, path):
        if one.is_symlink():
            return one
    return None


def read_cache(path: Path) -> tuple[dict[str, Result], str | None]:
    """The remembered results, and why the file was ignored if it was: a cache that cannot be read
    whole, was written by another version, or is reached through a link is never trusted."""
    if (link := _linked(path)) is not None:
        return {}, f"{link} is a link: the link cache is not read through it"
    if not os.path.lexists(path):
        return {}, None
    try:
        # As a content file is read: a regular file of bounded size (a named pipe in its place waited
        # for ever), and JSON nested past Python's limit is damage as any other.
        data = json.loads(read_text(path))
    except InputError as exc:
        return {}, f"{path}: ignored, {exc.message}"
    except (ValueError, RecursionError) as exc:
        return {}, f"{path}: ignored, not readable ({type(exc).__name__})"
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("links"), dict):
        return {}, f"{path}: ignored, not a version {CACHE_VERSION} link cache"
    results = {}
    for url, entry in data["links"].items():
        try:
            result = Result(**entry)
            datetime.fromisoformat(result.checked)
        except (TypeError, ValueError):
            continue
        if result.kind in KINDS and isinstance(result.message, str) and _typed(result):
            results[url] = Result(**{**asdict(result), "cached": False})
    return results, None


def _typed(result: Result) -> bool:
    """Whether a remembered result's status and new address are what a run writes (an entry damaged
    into '200' or {"a": 1} was kept, and --json passed it on)."""
    status_ok = result.status is None or type(result.status) is int
    return status_ok and (result.new_url is None or isinstance(result.new_url, str))


def write_cache(path: Path, results: dict[str, Result]) -> str | None:
    """Write atomically (a new file renamed over the old); the problem as text if it failed."""
    data = {"version": CACHE_VERSION, "links": {url: {k: v for k, v in asdict(r).items() if k != "cached"}
                                                for url, r in sorted(results.items())}}
    tmp = None
    if (link := _linked(path)) is not None:
        return f"{link} is a link: results not kept"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".links-",
                                         suffix=".tmp", delete=False) as handle:
            tmp = handle.name
            json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, path)
        return None
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        return f"{path}: results not kept ({exc.strerror or exc})"


def is_fresh(result: Result, now: datetime, max_age: timedelta) -> bool:
    checked = datetime.fromisoformat(result.checked)
    if checked.tzinfo is None:
        return False
    return result.kind == "ok" and timedelta(0) <= now - checked < max_age


def wayback(url: str, accessed: str) -> str:
    """The Wayback Machine's address for the capture nearest the access date (or all captures)."""
    return f"https://web.archive.org/web/{accessed or '*'}/{url}"


def diagnostics(places: dict[str, list[Place]], results: dict[str, Result]) -> list[Diagnostic]:
    report = Report()
    for url, where in places.items():
        r = results[url]
        if r.kind == "ok":
            continue
        for p in where:
            text = f"{'URL' if p.source else url}: {r.message} (checked {r.checked[:10]})"
            if r.kind == "broken" and p.source and not p.archived:
                text += (f"; look for a copy at {wayback(url, p.accessed)} and, if it is the page you read, "
                         "name it as archived:")
            (report.error if r.kind == "broken" else report.warning)(p.path, p.line, p.field, text)
    return report.sorted()


def summary(places: dict, results: dict) -> dict:
    counts = {kind: sum(r.kind == kind for r in results.values()) for kind in KINDS}
    return {"addresses": len(places), "places": sum(len(p) for p in places.values()),
            "cached": sum(r.cached for r in results.values()), **counts}


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while addresses were being asked; the results found so far are kept. Its text says so."""


def run(src: Path, max_age: timedelta, check_all: bool, settings=None, transport=None,
        now: datetime | None = None) -> tuple[dict, dict, Report, list[str]]:
    """Load the content, check what needs checking, keep the results: (places, results, content
    problems, notes about the cache). Interrupted (after keeping what was found) on Ctrl-C."""
    from . import linkcheck   # httpx is needed only here
    report, notes = Report(), []
    content = load(Path(src), report)
    if content is None:
        return {}, {}, report, notes
    places = gather(content, src)
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    path = cache_path(src)
    cached, note = read_cache(path)
    notes += [note] if note else []
    results = {} if check_all else {url: Result(**{**asdict(r), "cached": True}) for url, r in cached.items()
                                    if url in places and is_fresh(r, now, max_age)}
    todo = [url for url in places if url not in results]
    stamp, done, stopped = now.isoformat().replace("+00:00", "Z"), {}, False
    try:
        linkcheck.check(todo, settings or linkcheck.Settings(), transport, done)
    except KeyboardInterrupt:
        stopped = True
    for url, o in done.items():
        results[url] = Result(o.kind, o.message, o.status, o.new_url, stamp)
    # As a finished run keeps them; an address not asked before the interruption keeps what it had.
    kept = {url: results.get(url) or cached[url] for url in places if url in results or url in cached}
    note = write_cache(path, kept)
    if stopped:
        raise Interrupted(f"interrupted: {len(done)} of {len(todo)} addresses asked; " +
                          (note or f"their results are kept in {path}"))
    notes += [note] if note else []
    return places, kept, report, notes


def cmd_links(args, settings=None, transport=None, now=None) -> int:
    try:
        max_age = parse_age(args.max_age)
    except ValueError as exc:
        print(f"timeline links: --max-age: {exc}", file=sys.stderr)
        return 2
    try:
        places, results, report, notes = run(args.src, max_age, args.all, settings, transport, now)
    except Interrupted as exc:
        print(f"timeline links: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("timeline links: interrupted", file=sys.stderr)
        return 130
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    if report.errors:
        for d in report.sorted():
            print(d, file=sys.stderr)
        print("links not checked: fix the content first (timeline check lists the same problems)", file=sys.stderr)
        return 1
    counts = summary(places, results)
    if args.json:
        links = [{"url": url, **asdict(r), "wayback": wayback(url, next((p.accessed for p in places[url]
                                                                        if p.source), "")),
                  "places": [{"path": p.path, "line": p.line, "field": p.field} for p in places[url]]}
                 for url, r in sorted(results.items())]
        json.dump({"summary": counts, "links": links}, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
        print()
    else:
        for d in diagnostics(places, results):
            print(d, file=sys.stderr)
        print(f"{counts['addresses']} addresses in {counts['places']} places: {counts['ok']} ok "
              f"({counts['cached']} found ok within {args.max_age}, not fetched again), "
              + ", ".join(f"{counts[k]} {k}" for k in KINDS[1:]))
    return 1 if counts["broken"] and not args.warn_only else 0
