"""The pages at events' former addresses, each sending the reader on to the event's page.

An event whose id changed (its year corrected, its name made clearer) lists its former ids under
`aliases`; links to the old address, in print or on other sites, then still lead to it, as Hugo's
aliases do. The page is the engine's, not the theme's: a redirect (meta refresh) that search
engines do not index, with a link for a reader whose browser does not follow it. A script goes first
and keeps the part after `#` (a link to a note), which the refresh drops, as MkDocs' and Sphinx's
redirect pages do.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Callable

from markupsafe import Markup, escape

from . import urls
from .catalogs import N_

MOVED = N_("This page has moved: {title}")


def makers(editions) -> dict[str, Callable[[], bytes]]:
    """Path -> a function that makes the page at that former address, for every event's aliases in
    every language (editions: localize.Edition, the default's first)."""
    pages = {}
    for ed in editions:
        for entry in ed.timeline.entries:
            for alias in entry.event.aliases:
                pages[ed.language.prefix + urls.path("event", alias)] = partial(_page, ed, entry, alias)
    return pages


def _page(ed, entry, alias: str) -> bytes:
    # From events/<alias>/index.html, the event's page is a sibling folder's.
    here, there = urls.path("event", alias), urls.path("event", entry.id)
    href = escape(urls.root_of(here) + there)
    base = ed.timeline.site.base_url
    canonical = f'<link rel="canonical" href="{escape(base + ed.language.prefix + urls.folder_url(there))}">\n' \
        if base else ""
    title = escape(entry.event.title)
    # A title not yet translated is the English one: marked so, as the event's own page marks it.
    lang = ' lang="en"' if "title" in entry.english else ""
    moved = escape(ed.gettext.gettext(MOVED)).format(title=Markup(f'<a href="{href}"{lang}>{title}</a>'))
    return (f'<!DOCTYPE html>\n<html lang="{escape(ed.code)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f'{canonical}<meta name="robots" content="noindex">\n'
            f'<script>location.replace({_script_string(href)} + location.hash)</script>\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n</head>\n<body>\n<main>\n'
            f'<p>{moved}</p>\n'
            f'</main>\n</body>\n</html>\n').encode("utf-8")


def _script_string(href: str) -> str:
    # A JavaScript string of the address as the browser reads it, safe inside <script> (no "<").
    return json.dumps(str(Markup(href).unescape())).replace("<", "\\u003c")
