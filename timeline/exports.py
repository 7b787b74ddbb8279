"""The data exports: events.json (with its JSON Schema), sources.json (CSL-JSON), timelinejs.json,
places.geojson (GeoJSON, RFC 7946), and the map's drawing; and the makers of every export, the XML
ones of feeds.py included. Built from the Timeline; deterministic (sorted keys, no clock).
"""

from __future__ import annotations

import html
import json
import zlib
from typing import Callable

from . import maps, schema, urls
from .places import names as place_text
from .index import Timeline
from .incremental import Memo, Stage, digest
from .catalogs import N_
from .feeds import STALE, feed, robots, sitemap
from .transstamp import noted
from .pages import Limits, edition

RECORDS = Stage("exports.record")   # (export's path, first event id) -> a stretch of records, as JSON
# An event's record alone, kept in memory only (the preview): a stretch made again remakes one record.
EVENT_RECORDS = Stage("exports.event", saved=False)   # (export's path, event id) -> its record
STRETCH = Limits().export_stretch   # events in a stretch of records, on average (_stretches)

MORE = N_("More, with sources")   # a TimelineJS slide's link to the event page
EVENTS_SCHEMA = "schema/events.schema.json"
EVENT_FILE_SCHEMA = "schema/event.schema.json"


def _json(data) -> bytes:
    # Compact separators keep json on its C encoder: about ten times faster than indent= at 10,000 events.
    return (_dumps(data) + "\n").encode("utf-8")


def _date_parts(date) -> list[int]:
    return list(date.known)


def csl_item(source) -> dict:
    # Every type in model.SOURCE_TYPES is a CSL 1.0.2 item type, so it passes through unchanged.
    item = {"id": source.key, "type": source.type, "title": source.title}
    for name in ("container-title", "publisher", "publisher-place", "volume", "issue", "page", "language",
                 "URL", "note", "genre", "original-title"):
        if source.fields.get(name):
            item[name] = source.fields[name]
    if source.fields.get("archived"):
        # CSL has no variable for an archived copy; "custom" is CSL-JSON's place for such extras.
        item["custom"] = {"archived": source.fields["archived"]}
    for field, names in (("author", source.authors), ("editor", source.editors)):
        if names:
            item[field] = [{"literal": n.literal} if n.literal else
                           {k: v for k, v in (("family", n.family), ("given", n.given)) if v} for n in names]
    if source.issued:
        item["issued"] = {"date-parts": [_date_parts(source.issued)]}
        if source.issued.qualifier:
            item["issued"]["circa"] = True
    if source.accessed:
        item["accessed"] = {"date-parts": [_date_parts(source.accessed)]}
    return item


def sources_json(tl: Timeline, memo: Memo | None = None) -> bytes:
    """sources.json: every source's CSL-JSON item in key order, as _json writes a list, each item kept
    while its source is unchanged."""
    def item(s) -> bytes:
        made = lambda: _dumps(csl_item(s)).encode("utf-8")  # noqa: E731
        return made() if memo is None else memo.get(RECORDS, ("sources.json", s.key), s.digest, made)
    return b"[" + b",".join(item(s) for s in sorted(tl.content.sources.values(), key=lambda s: s.key)) + b"]\n"


def _stretches(memo: Memo | None, path: str, entries, inputs, make, stretch: int = STRETCH) -> list[bytes]:
    """The entries' records, make(e) as compact JSON (UTF-8) made from inputs(e), joined by commas in
    stretches, each kept whole in the memo while its records' inputs are unchanged: 10,000 events are
    some 160 values to read and join, not 10,000. A stretch ends after an event whose id's hash says
    so (one in `stretch`): an event added or deleted changes its own stretch only."""
    def one(e, made_from: str) -> bytes:
        made = lambda: _dumps(make(e)).encode("utf-8")  # noqa: E731
        return made() if memo is None else memo.get(EVENT_RECORDS, (path, e.id), made_from, made)

    out, held = [], []
    for i, e in enumerate(entries):
        held.append((e, inputs(e)))
        if zlib.crc32(e.id.encode("utf-8", "surrogateescape")) % stretch and i < len(entries) - 1:
            continue
        made = lambda held=held: b",".join(one(*pair) for pair in held)  # noqa: E731
        out.append(made() if memo is None else
                   memo.get(RECORDS, (path, held[0][0].id), digest(*(made_from for _, made_from in held)), made))
        held = []
    return out


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _json_with_list(data: dict, key: str, items: list[bytes]) -> bytes:
    """data as _json would write it, with data[key] the list of already encoded items (joined once,
    as bytes: at 10,000 events the text is tens of megabytes)."""
    text = _dumps(dict(data, **{key: []}))
    # Keys are sorted and every string value is escaped, so the only unescaped '"key":[]' is ours.
    head, sep, tail = text.partition(f'"{key}":[]')
    return b"".join([head.encode("utf-8"), f'"{key}":['.encode(), b",".join(items), b"]",
                     tail.encode("utf-8"), b"\n"])


def _translation(entry, prefix: str) -> dict:
    return {"title": entry.event.title, "url": prefix + urls.path("event", entry.id), "date_display": entry.date_display,
            "summary_text": entry.summary_text, "summary_html": str(entry.summary_list_html),
            "body_html": str(entry.body_html), "english": sorted(entry.english), "stale": sorted(entry.stale)}


def events_json(tl: Timeline, memo: Memo | None = None, others=(), stretch: int = STRETCH) -> bytes:
    """others: the editions (localize.Edition) of the other languages, whose texts each event carries."""
    def date(d):
        if d is None:
            return None
        return {"iso": d.iso(), "precision": d.precision, "calendar": d.calendar, "as_written": d.source_text(),
                "approximate": d.qualifier == "~", "uncertain": d.qualifier == "?", "display": d.display()}

    def item(e):
        ev = e.event
        return {
            "id": ev.id, "title": ev.title, "url": urls.path("event", ev.id), "date": date(ev.date),
            "end": date(ev.end), "date_display": e.date_display, "names": dict(sorted(ev.names.items())),
            "place": place_text(e.places) or None, "places": [_place(p) for p in e.places],
            "themes": list(ev.themes), "era": e.era.id,
            "significance": ev.significance, "summary_text": e.summary_text,
            "summary_html": str(e.summary_list_html), "body_html": str(e.body_html),
            "notes": [{"number": n.number, "citations": [
                {"source": c.key, "locator": c.locator or None} for c in n.citations]} for n in e.notes],
            "sources": sorted({c.key for n in e.notes for c in n.citations} | set(ev.sources)),
            "related": list(e.related), "aliases": list(ev.aliases)}

    def with_translations(e):
        record = item(e)
        if others:
            record["translations"] = {ed.code: _translation(ed.timeline.by_id[e.id], ed.language.prefix)
                                      for ed in others}
        return record

    # Each language's code and folder: a translation's url is under its folder.
    site = digest(repr(tl.site), *((ed.code, ed.language.prefix) for ed in others))

    def inputs(e) -> str:
        # The record changes with the event's text in any language.
        return site + e.key if not others else digest(site, e.key, *(ed.timeline.by_id[e.id].key for ed in others))
    events = _stretches(memo, "events.json", tl.entries, inputs, with_translations, stretch)
    site = tl.site
    return _json_with_list({"$schema": (site.base_url or "") + EVENTS_SCHEMA,
            "title": site.title, "edition": edition(tl), "span": [site.span_start, site.span_end],
            "themes": [{"id": t.id, "label": t.label, "colour": t.colour, "description": t.description}
                       for t in site.themes],
            "eras": [{"id": r.id, "label": r.label, "start": r.start, "end": r.end, "intro": r.intro}
                     for r in site.eras]}, "events", events)


def _place(place) -> dict:
    return {"id": place.id, "name": place.name, "kind": place.kind, "coordinates": _lon_lat(place)}


def _lon_lat(place) -> list | None:
    # GeoJSON's order, longitude first; six decimals are 0.1 m, more than any gazetteer gives.
    return None if place.lat is None else [round(place.lon, 6), round(place.lat, 6)]


def geojson(tl: Timeline) -> bytes:
    """Every place that has events as a GeoJSON Feature (RFC 7946): a Point where the place has
    checked coordinates, else no geometry (null, as the RFC allows); its events in the properties."""
    events: dict[str, list] = {}
    for e in tl.entries:
        for p in e.places:
            events.setdefault(p.id, []).append(e)
    features = []
    for place in tl.site.places:
        if place.id not in events:
            continue
        where = _lon_lat(place)
        features.append({
            "type": "Feature", "id": place.id,
            "geometry": {"type": "Point", "coordinates": where} if where else None,
            "properties": {"name": place.name, "names": dict(place.names), "kind": place.kind,
                           "source": place.source or None, "url": place.url or None,
                           "events": [{"id": e.id, "title": e.event.title, "date": e.event.date.iso(),
                                       "date_display": e.date_display, "url": urls.path("event", e.id)}
                                      for e in events[place.id]]}})
    return _json({"type": "FeatureCollection", "features": features})


def timelinejs(tl: Timeline, memo: Memo | None = None, prefix: str = "", more: str = MORE,
               stretch: int = STRETCH, stale: str = STALE) -> bytes:
    """TimelineJS3's JSON format. TimelineJS puts headline, display_date and group into the page as
    HTML, so those plain-text fields are escaped here; text.text is the already sanitised summary,
    with stale (the note, translated) after a stale headline or summary, as the title slide's text
    (the subtitle) after a stale site title or subtitle and an era's headline after its stale label;
    a group (plain text) is noted after a stale theme label.
    prefix: the folder of the timeline's language ("" the default); more: its link's text, translated."""
    def parts(d):
        return dict(zip(("year", "month", "day"), d.known))

    base, mark = tl.site.base_url, f' <em class="stale">{html.escape(stale)}</em>'

    def item(e):
        ev = e.event
        text = str(e.summary_list_html) + (mark if {"title", "summary"} & e.stale else "")
        if base:
            link = base + urls.folder_url(prefix + urls.path("event", ev.id))
            text += f' <a href="{html.escape(link)}">{html.escape(more)}</a>'
        # TimelineJS strips a group of markup: a stale theme label is noted in plain text, the same for
        # each of the theme's events, which stay one group.
        group = e.themes[0]
        item = {"unique_id": ev.id, "start_date": parts(ev.date), "display_date": html.escape(e.date_display),
                "text": {"headline": html.escape(ev.title), "text": text},
                "group": html.escape(noted(group.label, "label" in group.stale, stale))}
        if ev.end:
            item["end_date"] = parts(ev.end)
        return item

    site = digest(repr(tl.site), more, stale)
    events = _stretches(memo, prefix + "timelinejs.json", tl.entries, lambda e: site + e.key, item, stretch)
    # An era's band shows its headline alone: the note of a stale label goes there, as a slide's in its text.
    eras = [{"start_date": {"year": r.start}, "end_date": {"year": r.end},
             "text": {"headline": html.escape(r.label) + (mark if "label" in r.stale else "")}} for r in tl.site.eras]
    subtitle = html.escape(tl.site.subtitle)
    if tl.site.stale:   # the title slide shows the title and the subtitle together: the note follows both
        subtitle = subtitle + mark if subtitle else mark.lstrip()
    title = {"text": {"headline": html.escape(tl.site.title), "text": subtitle}}
    return _json_with_list({"title": title, "eras": eras, "scale": "human"}, "events", events)


def export_makers(editions, memo: Memo | None = None, stretch: int = STRETCH) -> dict[str, Callable]:
    """Each export's name and a function that makes it (bytes), but the sitemap's (sitemap_maker: it
    lists the pages); memo (an incremental.Memo) saves redoing unchanged events (by stretches of
    about `stretch` events). editions: a localize.Edition per language, the default's first. Each
    language has its own feed and timelinejs.json in its folder; the rest is shared."""
    tl, others, base = editions[0].timeline, editions[1:], editions[0].timeline.site.base_url
    makers = {
        "events.json": lambda: events_json(tl, memo, others, stretch),
        EVENTS_SCHEMA: lambda: schema.dumps(schema.events_json_schema()),
        EVENT_FILE_SCHEMA: lambda: schema.dumps(schema.event_file_schema([t.id for t in tl.site.themes],
                                                                         [p.id for p in tl.site.places])),
        "sources.json": lambda: sources_json(tl, memo),
        "timelinejs.json": lambda: timelinejs(tl, memo, stretch=stretch),
        "feed.xml": lambda: feed(tl),
        "robots.txt": lambda: robots(base),
    }
    if tl.site.places:
        makers[urls.path("geojson")] = lambda: geojson(tl)
        makers[urls.path("basemap")] = lambda: maps.basemap().data
    for ed in others:
        prefix, stale = ed.language.prefix, ed.gettext.gettext(STALE)
        makers[prefix + "timelinejs.json"] = lambda ed=ed, prefix=prefix, stale=stale: timelinejs(
            ed.timeline, memo, prefix, ed.gettext.gettext(MORE), stretch, stale)
        makers[prefix + "feed.xml"] = lambda ed=ed, prefix=prefix, stale=stale: feed(ed.timeline, None, prefix, stale)
    return makers


def sitemap_maker(editions, paths) -> dict[str, Callable]:
    """{"sitemap.xml": a function that makes it of the pages among paths}; {} without a base URL."""
    base, pages = editions[0].timeline.site.base_url, [*paths, "index.html"]
    return {"sitemap.xml": lambda: sitemap(base, pages, [ed.language for ed in editions])} if base else {}
