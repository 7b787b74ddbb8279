"""The site's data, validated: what every later stage reads. Nothing here knows YAML or HTML."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from .dates import HistDate

SIGNIFICANCE = ("major", "notable", "minor")
SOURCE_TYPES = ("book", "chapter", "article-journal", "article-newspaper", "article-magazine", "webpage",
                "treaty", "report", "speech", "document", "entry-encyclopedia", "thesis")
PRIMARY_TYPES = ("treaty", "speech", "document")


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    colour: str
    description: str = ""
    colour_dark: str = ""     # for the dark scheme; empty: the same as colour
    english: frozenset = frozenset()   # in a translated edition, its texts still in English (localize)
    stale: frozenset = frozenset()     # and those translated from an English that has changed since (transsite)


@dataclass(frozen=True)
class Era:
    id: str
    label: str
    start: int
    end: int
    intro: str = ""
    english: frozenset = frozenset()   # in a translated edition, its texts still in English (localize)
    stale: frozenset = frozenset()     # and those translated from an English that has changed since (transsite)


@dataclass(frozen=True)
class Place:
    """A place events name by id (site_src/places.yaml): its names, kind and, where a gazetteer gives
    them, its coordinates with their source."""
    id: str
    kind: str
    names: tuple[tuple[str, str], ...]   # ((language, name), ...), English first
    lat: float | None = None
    lon: float | None = None
    source: str = ""
    url: str = ""
    area: str = ""    # a Natural Earth unit whose outline the map draws (timeline/areas.json)

    @property
    def name(self) -> str:
        return self.name_in("en")

    def name_in(self, language: str) -> str:
        """The name in a language ("zh-Hans" finds "zh"), else the English one."""
        names = dict(self.names)
        return names.get(language) or names.get(language.split("-")[0]) or names.get("en") or self.id


@dataclass(frozen=True)
class Editor:
    name: str
    role: str = ""


@dataclass(frozen=True)
class Licence:
    """The licence of the site's text: its name, and the address of its terms if it has one."""
    name: str
    url: str = ""


@dataclass(frozen=True)
class Site:
    title: str
    subtitle: str
    language: str
    author: str
    base_url: str | None
    span_start: int
    span_end: int
    themes: tuple[Theme, ...]
    eras: tuple[Era, ...]
    edition: str | None = None
    places: tuple[Place, ...] = ()       # from places.yaml (timeline.places)
    licence: Licence | None = None
    editors: tuple[Editor, ...] = ()
    english: frozenset = frozenset()     # in a translated edition, its title, subtitle or author still in English
    stale: frozenset = frozenset()       # and its title or subtitle translated from an English changed since


@dataclass(frozen=True)
class Name:
    """A person's name as CSL-JSON gives it: family and given parts, or one literal string."""
    family: str = ""
    given: str = ""
    literal: str = ""


@dataclass(frozen=True)
class Source:
    key: str
    type: str
    title: str
    fields: dict          # the remaining CSL-JSON fields, as strings
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    issued: HistDate | None = None
    accessed: HistDate | None = None
    primary: bool = False
    path: str = ""
    line: int = 0
    lines: dict = field(default_factory=dict, repr=False)   # {"URL": line, "archived": line}

    @cached_property
    def digest(self) -> str:
        """Of everything above but where it is written (which only messages show), for the keys of
        cached pages and pieces that show this source: a line added above it changes nothing."""
        return hashlib.sha1(repr((self.key, self.type, self.title, self.fields, self.authors, self.editors,
                                  self.issued, self.accessed, self.primary)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Citation:
    key: str
    locator: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: HistDate
    end: HistDate | None
    themes: tuple[str, ...]
    significance: str
    summary: str                      # Markdown
    body: str = ""                    # Markdown
    names: dict = field(default_factory=dict)   # {"zh": ..., "ru": ...}
    place: tuple[str, ...] = ()      # ids of places.yaml
    sources: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    path: str = ""
    # Where each field starts in the file, and where a block scalar's text starts, for messages.
    lines: dict = field(default_factory=dict, compare=False, repr=False)
    aliases: tuple[str, ...] = ()    # its former ids: their addresses send the reader to its page

    @cached_property
    def digest(self) -> str:
        """Of everything above (what derived values made from this event depend on)."""
        return hashlib.sha1(repr(self).encode("utf-8")).hexdigest()

    @cached_property
    def where(self) -> str:
        """Of where its fields are written (lines), which messages name and digest leaves out."""
        return hashlib.sha1(repr(self.lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body: str                          # Markdown
    description: str = ""
    order: int = 100
    path: str = ""
    body_line: int = 1                 # line of the file where the Markdown body starts


@dataclass(frozen=True)
class Content:
    """Everything the editors wrote, validated."""
    site: Site
    events: tuple[Event, ...]
    sources: dict                       # key -> Source
    pages: tuple[Page, ...]
    cites: dict                         # event id -> the source keys it cites or lists, each once, in order
