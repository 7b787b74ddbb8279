"""The site's URL scheme, in one place: where each page lives, and links to it from another page.

Paths are relative to the site's root and name index.html explicitly, so that the site also works
opened from disk; a link from a page prefixes the page's way back to the root ("../../").
"""

from __future__ import annotations

PDF = "timeline.pdf"                 # the whole timeline as a PDF, beside the home page
PRINTED = ("era", "theme")           # kinds with a print view (and a PDF) of their own
LISTS = ("events", "themes", "eras")  # kinds with a page per item under their own folder
FILES = {"basemap": "map/basemap.svg", "geojson": "places.geojson"}


def path(kind: str, ident: str = "", number: int = 1) -> str:
    """Where a page lives: path("event", "1689-treaty-of-nerchinsk") -> "events/1689-.../index.html".

    kind: home, event, theme, era, themes, eras, sources, print, print-era, print-theme (one era or
    theme on one page, for printing), map, data, page (a Markdown page), or 404; also basemap (the
    map's drawing) and geojson (the places export);
    number: the page of a paginated theme or era list."""
    if kind == "home":
        return "index.html"
    if kind in FILES:
        return FILES[kind]
    if kind == "404":
        return "404.html"
    if kind == "page":
        return f"{ident}/index.html"
    if kind in ("event", "theme", "era"):
        folder = f"{kind}s/{ident}"
        return f"{folder}/index.html" if number == 1 else f"{folder}/page/{number}/index.html"
    if kind in ("print-era", "print-theme"):
        return f"print/{kind[6:]}s/{ident}/index.html"
    if kind in ("themes", "eras", "sources", "print", "map", "data"):
        return f"{kind}/index.html"
    raise ValueError(f"no page of kind {kind!r}")


def pdf(kind: str = "print", ident: str = "", language: str = "") -> str:
    """Where the PDF of a print view lives, beside the whole one at the site's root: pdf() ->
    "timeline.pdf", pdf("print-era", "qing") -> "timeline-era-qing.pdf" (an era and a theme may share
    an id); language: the folder of a language other than the default, pdf(language="zh") ->
    "timeline-zh.pdf"."""
    lang = f"-{language}" if language else ""
    if kind == "print":
        return f"timeline{lang}.pdf"
    if kind in ("print-era", "print-theme"):
        return f"timeline{lang}-{kind[6:]}-{ident}.pdf"
    raise ValueError(f"no PDF of kind {kind!r}")


def root_of(page_path: str) -> str:
    """The relative way from a page back to the site's root: "" for index.html, "../../" for events/x/index.html."""
    return "../" * page_path.count("/")


def folder_url(page_path: str) -> str:
    """The address a server gives a page: its folder, without index.html (for canonical links, feeds, sitemaps)."""
    return page_path.removesuffix("index.html")


def linker(root: str):
    """Links from the pages at root to others, for templates: url("event", id), url("home"). A function
    (a template calls it at once, where it asks an object with __call__ what the call wants first)."""
    def url(kind: str, ident: str = "", number: int = 1) -> str:
        return root + path(kind, ident, number)
    return url
