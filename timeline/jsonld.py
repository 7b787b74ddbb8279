"""The schema.org JSON-LD a page carries in its head, as plain data (meta.html writes it with |tojson).

Built here rather than in the template: an event page's list of the works it cites took a fifth of
that page's rendering when assembled with Jinja's namespaces, and is clearer as a function.
"""

from __future__ import annotations

WORK_TYPES = {"book": "Book", "chapter": "Chapter", "article-journal": "ScholarlyArticle",
              "article-newspaper": "NewsArticle", "article-magazine": "Article", "webpage": "WebPage",
              "report": "Report", "thesis": "Thesis"}


def _day(date) -> str:
    """schema.org's date: the ISO form without the marks of an approximate or uncertain date."""
    return date.iso().replace("~", "").replace("?", "")


def place(p) -> dict:
    """schema.org's Place, with its coordinates when known."""
    ld = {"@type": "Place", "name": p.name}
    if p.lat is not None:
        ld["geo"] = {"@type": "GeoCoordinates", "latitude": p.lat, "longitude": p.lon}
    return ld


def work(source) -> dict:
    """A cited source as a schema.org CreativeWork (Book, ScholarlyArticle...)."""
    ld = {"@type": WORK_TYPES.get(source.type, "CreativeWork"), "name": source.title}
    people = [{"@type": "Organization" if n.literal else "Person", "name": n.literal or f"{n.given} {n.family}".strip()}
              for n in source.authors]
    if people:
        ld["author"] = people
    if source.issued:
        ld["datePublished"] = _day(source.issued)
    if source.fields.get("publisher"):
        ld["publisher"] = {"@type": "Organization", "name": source.fields["publisher"]}
    if source.fields.get("URL"):
        ld["url"] = source.fields["URL"]
    return ld


def website(site, canonical: str | None) -> dict:
    """The home page's: the site as a schema.org WebSite."""
    ld = {"@context": "https://schema.org", "@type": "WebSite", "name": site.title,
          "description": site.subtitle, "inLanguage": site.language}
    if canonical:
        ld["url"] = canonical
    if site.author:
        ld["author"] = {"@type": "Organization", "name": site.author}
    return ld


def event(entry, site, canonical: str | None) -> dict:
    """An event page's: the event, with the works it cites (in its notes, then its further
    sources, each once) and its places."""
    ev = entry.event
    keys = dict.fromkeys([c.key for note in entry.notes for c in note.citations] + [s.key for s in entry.further])
    ld = {"@context": "https://schema.org", "@type": "Event", "name": ev.title, "startDate": _day(ev.date),
          "description": entry.summary_text, "citation": [work(entry.cited[key]) for key in keys],
          "isPartOf": {"@type": "WebSite", "name": site.title}}
    if ev.end:
        ld["endDate"] = _day(ev.end)
    if entry.places:
        ld["location"] = [place(p) for p in entry.places] if len(entry.places) > 1 else place(entry.places[0])
    if ev.names:
        ld["alternateName"] = [name for _, name in sorted(ev.names.items(), key=lambda item: item[0].lower())]
    if canonical:
        ld["url"] = canonical
    return ld
