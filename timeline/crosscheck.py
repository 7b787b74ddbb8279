"""Checks across files: every theme, source and related event an event names exists, and so on."""

from __future__ import annotations

from typing import NamedTuple

from .citations import iter_citations
from .diagnostics import Report, excerpt
from .fields import raw_html, suggest
from .incremental import Memo, Stage, digest
from .markup import RAW_HTML, SHOWS_NO_TEXT, relative_link, shows_no_text, unshowable
from .model import Event, Page, Site
from .parallel import map_in_halves

CHECKS = Stage("content.check")      # an event id -> Checked (its cross-checks)


class Checked(NamedTuple):
    diagnostics: tuple
    keys: tuple                # the source keys the event cites or lists, each once, in order


def _citations_in(event: Event):
    """(field, line, Citation) for every citation in the event's Markdown."""
    for field in ("summary", "body"):
        text = getattr(event, field)
        block = event.lines.get(f"{field}:text")
        for offset, citation in iter_citations(text):
            line = block + text.count("\n", 0, offset) if block else event.lines.get(field)
            yield field, line, citation


def cross_check(site: Site, events: list[Event], pages: list[Page], sources: dict, report: Report,
                 memo: Memo, unread: frozenset = frozenset()) -> dict:
    """Report what names something the content does not have; return event id -> the source keys
    it cites or lists (each once, in order: the index numbers notes and lists sources from them).
    unread: ids of event files that could not be read (their errors reported): naming one is no
    second error, and which sources they cite is not known."""
    theme_ids = {t.id for t in site.themes}
    event_ids = {e.id for e in events} | unread
    renamed = _former_ids(events, event_ids, report)
    cited: set[str] = set()
    # An event's checks depend on itself (and where its fields are written) and on these names only.
    context = digest(sorted(theme_ids), [e.id for e in events], sorted(unread), sources and sorted(sources),
                     site.span_start, site.span_end, [(r.start, r.end) for r in site.eras], sorted(renamed.items()))

    def check(e: Event) -> Checked:
        own = Report()
        keys = _check_event(e, site, theme_ids, (event_ids, renamed), sources, own)
        return Checked(tuple(own.items), tuple(dict.fromkeys(keys)))

    inputs = [f"{e.digest} {e.where} {context}" for e in events]
    hits = [memo.peek(CHECKS, e.id, made_from) for e, made_from in zip(events, inputs)]
    todo = [i for i, hit in enumerate(hits) if hit is None]
    # Many events (a first build) are checked on two cores.
    for i, hit in zip(todo, map_in_halves(lambda i: check(events[i]), todo)):
        memo.put(CHECKS, events[i].id, inputs[i], hit)
        hits[i] = hit
    keys = {}
    for e, hit in zip(events, hits):
        report.items.extend(hit.diagnostics)
        cited.update(hit.keys)
        keys[e.id] = hit.keys
    for page in pages:
        for offset, citation in iter_citations(page.body):
            cited.add(citation.key)
            if sources is not None and citation.key not in sources:
                line = page.body_line + page.body.count("\n", 0, offset)
                report.error(page.path, line, None,
                             f"no source '{citation.key}' in sources.yaml{suggest(citation.key, sources)}")
    for key in sorted(set(sources or ()) - cited) if not unread else ():
        s = sources[key]
        report.warning(s.path, s.line, key, "source is not cited by any event")
    return keys


def _former_ids(events: list[Event], event_ids: set, report: Report) -> dict:
    """Former id -> the event that lists it under aliases (the first, in file order), each former id
    that is an event's id now or another event's former id reported: its address would be two pages."""
    renamed: dict = {}
    for e in events:
        for alias in dict.fromkeys(e.aliases):
            if alias == e.id:
                continue   # reported where the file is read
            if alias in event_ids:
                report.error(e.path, _line(e, "aliases"), "aliases",
                             f"'{excerpt(alias)}' is the id of an event (events/{excerpt(alias)}.yaml), not a former one")
            elif alias in renamed:
                report.error(e.path, _line(e, "aliases"), "aliases",
                             f"'{excerpt(alias)}' is a former id of '{renamed[alias]}' already")
            else:
                renamed[alias] = e.id
    return renamed


def _check_event(e: Event, site: Site, theme_ids: set, ids: tuple, sources: dict | None,
                 report: Report) -> list[str]:
    """Check one event against the rest of the content; return the source keys it cites.
    ids: the events' ids, and former id -> the event's id now. sources None: a sources file could
    not be used, so citations are not looked up."""
    for i, theme in enumerate(e.themes):
        if theme not in theme_ids:
            report.error(e.path, _line(e, "themes"), "themes",
                         f"unknown theme '{excerpt(theme)}'{suggest(theme, theme_ids)}")
    if len(set(e.themes)) != len(e.themes):
        report.error(e.path, _line(e, "themes"), "themes", "a theme is listed twice")
    _check_related(e, *ids, report)
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
        bad = unshowable(text)
        if bad is not None:
            report.error(e.path, block + text.count("\n", 0, bad[0]) if block else _line(e, field), field, bad[1])
        raw = RAW_HTML.search(text)
        if raw:
            line = block + text.count("\n", 0, raw.start()) if block else _line(e, field)
            report.warning(e.path, line, field, raw_html(raw))
        relative = relative_link(text)
        if relative is not None:
            report.warning(e.path, block + text.count("\n", 0, relative[0]) if block else _line(e, field), field,
                           relative[1])
    if e.summary and shows_no_text(e.summary):
        report.error(e.path, _line(e, "summary"), "summary", SHOWS_NO_TEXT)
    if not keys:
        report.error(e.path, _line(e, "summary"), "sources",
                     "the event cites no source: add [@key] to the text or a 'sources:' list")
    year = e.date.gregorian[0]
    if site.span_start <= year <= site.span_end and site.eras and not any(era.start <= year <= era.end for era in site.eras):
        report.error(e.path, _line(e, "date"), "date", f"no era in site.yaml covers {year}")
    return keys


def _check_related(e: Event, event_ids: set, renamed: dict, report: Report) -> None:
    for rid in e.related:
        if rid in renamed:
            report.error(e.path, _line(e, "related"), "related",
                         f"no event '{excerpt(rid)}': it is '{renamed[rid]}' now (a former id, under its aliases)")
        elif rid not in event_ids:
            report.error(e.path, _line(e, "related"), "related",
                         f"no event '{excerpt(rid)}'{suggest(rid, event_ids)}")
        elif rid == e.id:
            report.error(e.path, _line(e, "related"), "related", "an event cannot be related to itself")


def _line(event: Event, field: str) -> int | None:
    return event.lines.get(field)
