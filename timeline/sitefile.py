"""site.yaml (the site: title, themes, eras, licence, editors) and places.yaml, read and checked."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from . import places
from .citations import iter_citations
from .diagnostics import Report, excerpt
from .fields import COLOUR, LANG, URL, YamlFile, list_field, parse, read, relative, unique_id
from .model import Editor, Era, Licence, Site, Theme
from .typography import quotes

SITE_FIELDS = {"title", "subtitle", "language", "author", "base_url", "span", "themes", "eras", "edition",
               "languages", "licence", "editors"}  # languages: read and checked by timeline.i18n
THEME_FIELDS = {"id", "label", "colour", "colour_dark", "description"}
ERA_FIELDS = {"id", "label", "start", "end", "intro"}


def _themes(f: YamlFile, data: dict) -> list[Theme]:
    themes, seen = [], set()
    for i, raw in enumerate(list_field(f, data, "themes")):
        t = f.mapping(raw, ("themes", i), THEME_FIELDS, ("id", "label", "colour"), what="theme")
        if t is None:
            continue
        tid = unique_id(f, t.get("id"), ("themes", i, "id"), seen, "theme")
        colour, dark = (f.text(t.get(k), ("themes", i, k)) for k in ("colour", "colour_dark"))
        for name, value in (("colour", colour), ("colour_dark", dark)):
            if value and not COLOUR.match(value):
                f.error(("themes", i, name), f"'{excerpt(value)}' is not a colour like '#2166ac'")
        label, description = (_plain(f, t.get(k), ("themes", i, k)) for k in ("label", "description"))
        themes.append(Theme(tid, label, colour, description, dark))
    return themes


def _eras(f: YamlFile, data: dict) -> list[Era]:
    eras, seen = [], set()
    for i, raw in enumerate(list_field(f, data, "eras")):
        e = f.mapping(raw, ("eras", i), ERA_FIELDS, ("id", "label", "start", "end"), what="era")
        if e is None:
            continue
        eid = unique_id(f, e.get("id"), ("eras", i, "id"), seen, "era")
        bounds = [e.get("start"), e.get("end")]
        if not all(type(b) is int and 1 <= b <= 9999 for b in bounds):
            f.error(("eras", i), "start and end must be years", field=f"eras[{i}]")
            continue
        era = Era(eid, _plain(f, e.get("label"), ("eras", i, "label")), bounds[0], bounds[1],
                  _plain(f, e.get("intro"), ("eras", i, "intro")))
        if era.start > era.end:
            f.error(("eras", i, "end"), f"ends ({era.end}) before it starts ({era.start})")
        if eras and era.start != eras[-1].end + 1:
            f.error(("eras", i, "start"), f"should start in {eras[-1].end + 1}, the year after "
                                          f"'{eras[-1].id}' ends (eras run in order without gaps or overlaps)")
        eras.append(era)
    return eras


def _plain(f: YamlFile, value, path: tuple) -> str:
    """A text of site.yaml, shown as plain text wherever it appears (labels, lists, feeds): a citation
    or a Markdown link in it would be published as typed, so it is a warning at its line."""
    text = f.text(value, path)
    citation = next(iter_citations(text), None)
    if citation is not None:
        f.warning(path, f"site.yaml's texts are plain text: the citation of '{excerpt(citation[1].key)}' "
                        "would be shown as typed; cite sources in an event's text or a page")
    elif MARKDOWN_LINK.search(text):
        f.warning(path, "site.yaml's texts are plain text: a Markdown link would be shown as typed; give the "
                        "address alone, or put the link in a page")
    return quotes(text)


MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")


def plain_checks(report: Report, rel: str, line, name: str, text: str) -> None:
    """A title (an event's, a page's, their translations'), a description or a label of a translated
    site.yaml is plain text, shown as typed everywhere (lists, feeds, the tab): a citation or a Markdown
    link in it is a warning at its line, as in the English site.yaml (_plain)."""
    citation = next(iter_citations(text), None)
    if citation is not None:
        report.warning(rel, line, name, f"plain text: the citation of '{excerpt(citation[1].key)}' would be shown "
                                        "as typed; cite sources in an event's summary or body, or in a page")
    elif MARKDOWN_LINK.search(text):
        report.warning(rel, line, name, "plain text: a Markdown link would be shown as typed; give the address "
                                        "alone, or put the link in a summary, body or page")


def load_site(src: Path, report: Report, base_url: str | None) -> Site | None:
    """base_url: --base-url's value, over site.yaml's (None: site.yaml's); a bad one is named as given."""
    given = base_url is not None  # checked before site.yaml, which may not be read to the end
    base = _base_url(base_url, lambda message: report.error("--base-url", None, None, message)) if given else None
    f = YamlFile(relative(src / "site.yaml", src), report, parse(read(src / "site.yaml")))
    if f.doc is None:
        return None
    data = f.mapping(f.doc.data, (), SITE_FIELDS, ("title", "themes", "eras"), what="site")
    if data is None:
        return None
    span = data.get("span") or {"start": 1689, "end": 2025}
    start, end = 1689, 2025
    if isinstance(span, dict) and all(type(span.get(k)) is int and 1 <= span[k] <= 9999 for k in ("start", "end")) \
            and span["start"] <= span["end"]:
        start, end = span["start"], span["end"]
    else:
        f.error(("span",), "expected {start: YEAR, end: YEAR}, four-digit years with start before end")
    themes, eras = _themes(f, data), _eras(f, data)
    if not given and data.get("base_url") is not None:
        base = _base_url(data["base_url"], lambda message: f.error(("base_url",), message))
    language = f.text(data.get("language"), ("language",)) or "en"
    if not LANG.match(language):  # <html lang>, Babel's dates and the default of `languages:`
        f.error(("language",), f"'{excerpt(language)}' is not a language code such as en, zh-Hans or ru")
        language = "en"
    edition = None
    if data.get("edition") is not None:
        parsed = f.date(data["edition"], ("edition",))
        edition = parsed.iso() if parsed else None
    licence, editors = _credits(f, data)
    # Read whatever else is wrong: the translations compare their title and subtitle with these, and
    # an empty subtitle told each of them its English had changed.
    title, subtitle = quotes(f.text(data.get("title"), ("title",))), _plain(f, data.get("subtitle"), ("subtitle",))
    if report.errors:
        return None if not themes or not eras else Site(
            title, subtitle, language, "", base, start, end, tuple(themes), tuple(eras))
    return Site(title, subtitle, language,
                f.text(data.get("author"), ("author",)), base, start, end, tuple(themes), tuple(eras), edition,
                licence=licence, editors=editors)


_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://).*@")   # to the last '@': a password may hold '/


# What RFC 3986 allows in no part of an address's host or path (pages escape it, but robots.txt and a
# reader's copy do not): a % that begins no %XX among them.
_NOT_IN_PATH = re.compile(r'["<>\\^`{|}\[\]]|%(?![0-9A-Fa-f]{2})')


def _unencoded(host: str, path: str) -> str:
    """The first character of the host and path that an address must write percent-encoded, or "" (an
    IPv6 address in brackets is the host's own form)."""
    found = _NOT_IN_PATH.search(re.sub(r"^\[[0-9A-Fa-f:.]*\]", "", host) + "/" + path)
    return found[0][0] if found else ""


def _base_url(value, error) -> str | None:
    """The address page paths are appended to (ending in '/'; None: none given); error(message) is
    called for a value that cannot be one."""
    base = str(value).strip()
    if not base:
        return None
    try:
        parts = urlsplit(base)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one (99999, 'x')
    except ValueError:  # also a host in unclosed brackets ('https://[::1/')
        parts = None
    odd = next((c for c in base if not c.isprintable()), None)  # a control character, invisible in the message
    # Quoted without a user's password (messages end up in build logs) and with control characters
    # escaped (ESC ] would retitle the terminal).
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in _CREDENTIALS.sub(r"\1…@", base))
    if parts is None or not URL.match(base) or odd or not parts.hostname:
        error(f"'{excerpt(shown)}' is not an http(s) URL" + (f" (it holds U+{ord(odd):04X})" if odd else ""))
    elif "@" in parts.netloc:
        error(f"'{excerpt(shown)}' names a user (and password) before '@': every page would publish it; give the "
              "address without it")
    elif "?" in base or "#" in base:
        cut = min(i for i in (shown.find("?"), shown.find("#")) if i >= 0)
        error(f"'{excerpt(shown)}' has a query or fragment ('{excerpt(shown[cut:])}'): page paths are appended "
              "to the base URL and cannot follow one; give the site's folder, e.g. https://example.org/sub/")
    elif bad := _unencoded(parts.netloc, parts.path):
        error(f"'{excerpt(shown)}' holds '{bad}', which an address cannot hold as it is: write it %{ord(bad):02X}")
    return base.rstrip("/") + "/"


def _credits(f: YamlFile, data: dict) -> tuple[Licence | None, tuple[Editor, ...]]:
    """licence: {name, url} (the text's licence, shown on every page) and editors: [{name, role}]."""
    licence = None
    raw = data.get("licence")
    if raw is not None and f.mapping(raw, ("licence",), {"name", "url"}, ("name",), what="licence") is not None:
        url = f.text(raw.get("url"), ("licence", "url"))
        if url and not URL.match(url):
            f.error(("licence", "url"), f"'{excerpt(url)}' is not an http(s) URL")
        licence = Licence(quotes(f.text(raw.get("name"), ("licence", "name"))), url)
    editors = []
    for i, raw in enumerate(list_field(f, data, "editors")):
        if f.mapping(raw, ("editors", i), {"name", "role"}, ("name",), what="editor") is not None:
            editors.append(Editor(quotes(f.text(raw.get("name"), ("editors", i, "name"))),
                                  quotes(f.text(raw.get("role"), ("editors", i, "role")))))
    return licence, tuple(editors)


def load_places(src: Path, report: Report) -> tuple | None:
    """site_src/places.yaml, optional (timeline.places checks it); None if it cannot be used."""
    path = src / "places.yaml"
    if not os.path.lexists(path):
        return ()
    return places.read(YamlFile(relative(path, src), report, parse(read(path))))
