"""The XML exports and the robots file: feed.xml (Atom, one per language), sitemap.xml, robots.txt.
Deterministic (no clock).

Dates: the only date these files need that the content may not give is the Atom `updated`. It is the
edition date (pages.edition: site.yaml's edition, else the latest date in the content); with no date
in the content at all, SOURCE_DATE_EPOCH; else 1970-01-01. The clock is never read.
"""

from __future__ import annotations

import os
import uuid

from . import urls
from .dates import epoch_moment
from .index import Timeline
from .pages import edition
from .transstamp import STALE, noted

FEED_SIZE = 50


# As xml.sax.saxutils has them, which is not imported for two functions: it pulls in urllib and
# http.client, 17 ms of a build's start.
def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    text = xml_escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in text:
        return "'%s'" % text if "'" not in text else '"%s"' % text.replace('"', "&quot;")
    return '"%s"' % text


def updated_date(tl: Timeline, environ=None) -> str:
    """YYYY-MM-DD for Atom's required `updated`: from the content, else SOURCE_DATE_EPOCH, never the clock."""
    text = edition(tl).rstrip("~?")
    if text:
        y, _, rest = text.partition("-")
        m, _, d = rest.partition("-")
        return f"{int(y):04d}-{int(m or 1):02d}-{int(d or 1):02d}"
    moment = epoch_moment((os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH"))
    return moment.date().isoformat() if moment else "1970-01-01"


_DASHES = str.maketrans(dict.fromkeys("\u2012\u2014\u2015\u2e3a\u2e3b", "\u2013"))


def feed(tl: Timeline, environ=None, prefix: str = "", stale: str = STALE) -> bytes:
    """Atom. No build knows when an event was added (git is not part of a build), so "newest first"
    means latest in history first: the FEED_SIZE latest events of the timeline, latest at the top.
    prefix: the folder of the timeline's language, where its feed lives ("" the default); stale: the
    sentence after the summary of an entry whose translated title or summary is stale, translated (and
    after the subtitle when the site's translated title or subtitle is, and after a category's label
    when the theme's translated label is)."""
    site, base = tl.site, tl.site.base_url and tl.site.base_url + prefix
    updated = updated_date(tl, environ) + "T00:00:00Z"
    # Without base_url there is no URL to use as an id; a name-based UUID is stable across builds, and
    # across a title's typography: which dash joins its years (1689–2025, 1689—2025) is not a new title,
    # and a new id would show every entry to feed readers again.
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "timeline:" + site.title.translate(_DASHES))
    # A category's label is plain text (RFC 4287 4.2.2.3): a stale theme label is noted after a space, as
    # the subtitle is; its term, the theme's id, stays as it is, so a reader groups the entries as before.
    labels = {t.id: noted(t.label, "label" in t.stale, stale) for t in site.themes}
    # A reader shows the feed's title and subtitle together: the note of either's stale translation follows both.
    subtitle = noted(site.subtitle, site.stale, stale)
    entries = []
    for e in reversed(tl.entries[-FEED_SIZE:]):
        path = urls.path("event", e.id)
        link = base + urls.folder_url(path) if base else path
        # An entry's id never changes (RFC 4287): that of its first address, the first former id listed.
        first = e.event.aliases[0] if e.event.aliases else e.id
        ident = (base + urls.folder_url(urls.path("event", first)) if base else uuid.uuid5(namespace, first).urn)
        cats = "".join(f"<category term={quoteattr(t)} label={quoteattr(labels[t])}/>" for t in e.event.themes)
        entries.append(
            f"<entry><title>{xml_escape(e.event.title)}</title><id>{xml_escape(ident)}</id>"
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/><updated>{updated}</updated>"
            f"{cats}<summary type=\"text\">{xml_escape(e.date_display + ': ' + e.summary_text)}"
            f"{xml_escape(' ' + stale) if {'title', 'summary'} & e.stale else ''}</summary></entry>\n")
    head = (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            f"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang={quoteattr(site.language)}>\n"
            f"<title>{xml_escape(site.title)}</title>"
            + (f"<subtitle>{xml_escape(subtitle)}</subtitle>" if subtitle else "")
            + f"<id>{xml_escape(base or namespace.urn)}</id><updated>{updated}</updated>"
            f"<author><name>{xml_escape(site.author or site.title)}</name></author>"
            f"<generator>timeline</generator>")
    if base:
        head += f"<link rel=\"self\" href={quoteattr(base + 'feed.xml')}/><link href={quoteattr(base)}/>"
    else:
        head += "<link href=\"index.html\"/>"
    return (head + "\n" + "".join(entries) + "</feed>\n").encode("utf-8")


def sitemap(base: str, paths, languages=()) -> bytes:
    """Every page; with several languages (languages.Language, the default first), each page's
    alternates in every language and x-default, as xhtml:link (Google's form of hreflang)."""
    pages = sorted({p.removesuffix("index.html") for p in paths
                    if p.endswith(".html") and not p.endswith("404.html")})
    if len(languages) < 2:
        body = "".join(f"<url><loc>{xml_escape(base + u)}</loc></url>\n" for u in pages)
        return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n" + body + "</urlset>\n").encode("utf-8")
    folders = tuple(lang.prefix for lang in languages if lang.prefix)
    body = []
    for u in pages:
        own = u[len(u.split("/")[0]) + 1:] if u.startswith(folders) else u
        links = [(lang.code, base + lang.prefix + own) for lang in languages] + [("x-default", base + own)]
        alternates = "".join(f"<xhtml:link rel=\"alternate\" hreflang={quoteattr(code)} href={quoteattr(href)}/>"
                             for code, href in links)
        body.append(f"<url><loc>{xml_escape(base + u)}</loc>{alternates}</url>\n")
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
            "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n" + "".join(body) + "</urlset>\n").encode("utf-8")


def robots(base: str | None) -> bytes:
    return ("User-agent: *\nAllow: /\n" + (f"Sitemap: {base}sitemap.xml\n" if base else "")).encode("utf-8")
