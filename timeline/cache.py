"""What a long-lived process (the preview) keeps between builds, so that an edit costs work in
proportion to the edit rather than to the site.

Every entry is keyed by exactly what it was made from: a file's size and modification time, or the
identity of an unchanged object from the previous build (objects are never mutated once made). A
changed input therefore always misses; tests compare cached builds with uncached ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .markup import Renderer


@dataclass
class BuildCache:
    parse: dict = field(default_factory=dict)    # path -> ((size, mtime_ns), parsed document or error)
    events: dict = field(default_factory=dict)   # path -> (document, span, Event | None, diagnostics)
    sources: tuple | None = None                 # (documents, sources dict, diagnostics)
    checks: dict = field(default_factory=dict)   # event id -> (Event, context key, diagnostics, keys)
    entries: dict = field(default_factory=dict)  # event id -> (Event, entry parts, Entry)
    index_site: object = None                    # the Site those entries were made with
    index_sources: object = None                 # ... and the sources dict
    specs: dict = field(default_factory=dict)    # event id -> (Entry, its neighbours' Entries, PageSpec)
    event_prints: tuple = ("", {})               # (site-wide fingerprint, {path: (PageSpec, fingerprint)})
    pages: dict = field(default_factory=dict)    # output path -> (fingerprint, bytes, keys of its pieces)
    charts: dict = field(default_factory=dict)   # the home page's charts (see chart.home)
    fragments: dict = field(default_factory=dict)  # (base, template, key) -> (bytes, keys of its pieces)
    live_pieces: int = 0                         # how many fragments the pages used at the last count
    bibliography: dict = field(default_factory=dict)  # Source.digest -> bibliography entry
    exports: dict = field(default_factory=dict)  # the site and sources.json they were made for (events'
                                                 # records are kept on their entries)
    written: dict = field(default_factory=dict)  # output path -> (bytes, size, mtime_ns) last written
    env: tuple | None = None                     # (templates' sizes and times, jinja2 Environment)
    renderer: Renderer = field(default_factory=Renderer)
