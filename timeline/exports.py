"""Machine-readable outputs: events.json, sources.json (CSL-JSON), timelinejs.json, feed.xml,
sitemap.xml, robots.txt. Built from the Timeline; deterministic (sorted keys, no clock)."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape as xml_escape

from .index import Timeline
from .render import edition, url_of


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _date_parts(date) -> list[int]:
    y, m, d = date.gregorian
    return [p for p in (y, m, d) if p]


def csl_item(source) -> dict:
    item = {"id": source.key, "type": {"treaty": "treaty", "document": "document", "speech": "speech",
                                       "entry-encyclopedia": "entry-encyclopedia"}.get(source.type, source.type),
            "title": source.title}
    for name in ("container-title", "publisher", "publisher-place", "volume", "issue", "page", "language",
                 "URL", "note", "genre"):
        if source.fields.get(name):
            item[name] = source.fields[name]
    if source.fields.get("original-title"):
        item["original-title"] = source.fields["original-title"]
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


def events_json(tl: Timeline) -> dict:
    def date(d):
        if d is None:
            return None
        return {"iso": d.iso(), "precision": d.precision, "calendar": d.calendar, "as_written": d.source_text(),
                "approximate": d.qualifier == "~", "uncertain": d.qualifier == "?", "display": d.display()}

    events = []
    for e in tl.entries:
        ev = e.event
        events.append({
            "id": ev.id, "title": ev.title, "url": url_of("events", ev.id), "date": date(ev.date),
            "end": date(ev.end), "date_display": e.date_display, "names": dict(sorted(ev.names.items())),
            "place": ev.place or None, "themes": list(ev.themes), "era": e.era.id,
            "significance": ev.significance, "summary_text": e.summary_text,
            "summary_html": str(e.summary_list_html), "body_html": str(e.body_html),
            "notes": [{"number": n.number, "citations": [
                {"source": c.key, "locator": c.locator or None} for c in n.citations]} for n in e.notes],
            "sources": sorted({c.key for n in e.notes for c in n.citations} | set(ev.sources)),
            "related": list(e.related)})
    site = tl.site
    return {"title": site.title, "edition": edition(tl), "span": [site.span_start, site.span_end],
            "themes": [{"id": t.id, "label": t.label, "colour": t.colour, "description": t.description}
                       for t in site.themes],
            "eras": [{"id": r.id, "label": r.label, "start": r.start, "end": r.end, "intro": r.intro}
                     for r in site.eras],
            "events": events}


def timelinejs(tl: Timeline) -> dict:
    def parts(d):
        y, m, day = d.gregorian
        out = {"year": y}
        if m:
            out["month"] = m
        if day:
            out["day"] = day
        return out

    events = []
    for e in tl.entries:
        ev = e.event
        item = {"unique_id": ev.id, "start_date": parts(ev.date), "display_date": e.date_display,
                "text": {"headline": ev.title, "text": str(e.summary_list_html)},
                "group": e.themes[0].label}
        if ev.end:
            item["end_date"] = parts(ev.end)
        events.append(item)
    eras = [{"start_date": {"year": r.start}, "end_date": {"year": r.end}, "text": {"headline": r.label}}
            for r in tl.site.eras]
    return {"title": {"text": {"headline": tl.site.title, "text": tl.site.subtitle}}, "events": events, "eras": eras}


def feed(tl: Timeline) -> bytes:
    base = tl.site.base_url or ""
    updated = (edition(tl) or "1970-01-01")[:10]
    # "Newest-added" has no clock to come from: the feed lists the latest events of the timeline first.
    items = []
    for e in reversed(tl.entries[-50:]):
        link = base + url_of("events", e.id).removesuffix("index.html")
        items.append(
            f"<entry><title>{xml_escape(e.event.title)}</title><id>{xml_escape(link or 'urn:timeline:' + e.id)}</id>"
            f"<link href=\"{xml_escape(link)}\"/><updated>{updated}T00:00:00Z</updated>"
            f"<summary>{xml_escape(e.summary_text)}</summary></entry>")
    head = (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
            f"<title>{xml_escape(tl.site.title)}</title><id>{xml_escape(base or 'urn:timeline')}</id>"
            f"<updated>{updated}T00:00:00Z</updated><author><name>{xml_escape(tl.site.author or tl.site.title)}</name></author>")
    if base:
        head += f"<link rel=\"self\" href=\"{xml_escape(base)}feed.xml\"/><link href=\"{xml_escape(base)}\"/>"
    return (head + "".join(items) + "</feed>\n").encode("utf-8")


def sitemap(tl: Timeline, paths) -> bytes:
    base = tl.site.base_url or ""
    urls = [p.removesuffix("index.html") for p in sorted(paths) if p.endswith(".html") and p != "404.html"]
    body = "".join(f"<url><loc>{xml_escape(base + u)}</loc></url>" for u in urls)
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
            + body + "</urlset>\n").encode("utf-8")


def export_files(tl: Timeline, paths=()) -> dict[str, bytes]:
    base = tl.site.base_url
    files = {
        "events.json": _json(events_json(tl)),
        "sources.json": _json([csl_item(s) for s in sorted(tl.content.sources.values(), key=lambda s: s.key)]),
        "timelinejs.json": _json(timelinejs(tl)),
        "feed.xml": feed(tl),
        "robots.txt": ("User-agent: *\nAllow: /\n" + (f"Sitemap: {base}sitemap.xml\n" if base else "")).encode(),
    }
    if base:
        files["sitemap.xml"] = sitemap(tl, list(paths) + ["index.html"])
    return files
