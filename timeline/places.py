"""site_src/places.yaml: the places events name by id, checked with file and line like the rest.

    nerchinsk:
      names: {en: Nerchinsk, zh: 尼布楚, ru: Нерчинск}
      kind: town
      coordinates: [51.9833, 116.5833]      # latitude, longitude in degrees (WGS 84)
      source: 'Wikipedia, "Nerchinsk": 51°59′N 116°35′E'
      url: https://...                      # optional: the gazetteer entry, once checked
      area: CHN-1150                        # optional: the Natural Earth unit drawn (timeline/areas.json)

A place without coordinates is listed but not drawn; coordinates without a source are an error.
The content loader hands this module its file (content._File) and the events; nothing here reads
files itself, so the messages and limits are those of every other content file. The treaty lines
that ship with the package (timeline/borders.yaml) are checked with every places.yaml, since only a
site with places draws them.
"""

from __future__ import annotations

import re

from . import geo, treaties
from .catalogs import N_
from .diagnostics import Report, excerpt, suggest
from .model import Event, Place

# The kinds, as written in places.yaml; pages name them in their language (the engine's catalog).
KINDS = (N_("town"), N_("site"), N_("river"), N_("estuary"), N_("lake"), N_("bay"), N_("sea"), N_("island"),
         N_("peninsula"), N_("region"), N_("mountain range"))
FIELDS = {"names", "kind", "coordinates", "source", "url", "area"}
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
WEB = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def read(f) -> tuple[Place, ...] | None:
    """The places of one parsed places.yaml (a content._File), every problem reported on its line;
    None when the file cannot be used at all (then events' ids are not looked up: one error is enough)."""
    if f.doc is None:
        return None
    treaties.check(f.report)
    data = f.doc.data
    if data is None:
        return ()
    if not isinstance(data, dict):
        f.error((), "expected a mapping of place ids to places", field="places")
        return None
    places = []
    for ident, raw in data.items():
        ident = str(ident)
        if not ID.match(ident):
            f.error((ident,), f"'{excerpt(ident)}' is not a valid id (lower-case letters, digits, hyphens)",
                    field=ident)
        entry = f.mapping(raw, (ident,), FIELDS, ("names", "kind"), what=ident)
        if entry is None:
            continue
        place = _place(f, ident, entry)
        if place is not None:
            places.append(place)
    return tuple(places)


def _place(f, ident: str, entry: dict) -> Place | None:
    names = []
    raw = entry.get("names")
    if isinstance(raw, dict):
        for language, name in raw.items():
            if not LANGUAGE.match(str(language)):
                f.error((ident, "names", language),
                        f"'{excerpt(language)}' is not a language code such as en, zh or ru")
            text = f.text(name, (ident, "names", language))
            if text:
                names.append((str(language), text))
        if "en" not in dict(names):
            f.error((ident, "names"), "needs an English name (en)", field=f"{ident}.names.en")
        names.sort(key=lambda pair: pair[0] != "en")   # English first, then as written
    elif raw is not None:
        f.error((ident, "names"), "expected a mapping of language codes to names, e.g. {en: Aigun, zh: 瑷珲}")
    kind = f.text(entry.get("kind"), (ident, "kind"))
    if kind and kind not in KINDS:
        f.error((ident, "kind"), f"unknown kind '{excerpt(kind)}'{suggest(kind, KINDS)}; "
                                 f"one of {', '.join(KINDS)}")
    lat = lon = None
    where = entry.get("coordinates")
    if where is not None:
        lat, lon = _coordinates(f, ident, where)
    source = f.text(entry.get("source"), (ident, "source"))
    url = f.text(entry.get("url"), (ident, "url"))
    if where is not None and not source:
        f.error((ident, "coordinates"), "coordinates need the gazetteer entry they were taken from ('source')",
                field=f"{ident}.source")
    if url and not WEB.match(url):
        f.error((ident, "url"), f"'{excerpt(url)}' is not a web address (http:// or https://)")
    area = f.text(entry.get("area"), (ident, "area"))
    if area and area not in geo.areas():
        f.error((ident, "area"), f"no area '{excerpt(area)}' in timeline/areas.json{suggest(area, geo.areas())}; "
                                 "scripts/make_areas.py lists the Natural Earth units it draws")
        area = ""
    return Place(ident, kind, tuple(names), lat, lon, source, url, area)


def _coordinates(f, ident: str, where) -> tuple[float | None, float | None]:
    path = (ident, "coordinates")
    numbers = isinstance(where, list) and len(where) == 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in where)
    if not numbers:
        f.error(path, "expected [latitude, longitude] in degrees, e.g. [51.9833, 116.5833]")
        return None, None
    lat, lon = float(where[0]), float(where[1])
    ok = True
    if not -90 <= lat <= 90:
        f.error(path, f"latitude {where[0]} is outside -90..90 (latitude comes first)")
        ok = False
    if not -180 <= lon <= 180:
        f.error(path, f"longitude {where[1]} is outside -180..180")
        ok = False
    return (lat, lon) if ok else (None, None)


def check_events(places: tuple[Place, ...], events: list[Event], report: Report) -> None:
    """Every place an event names is in places.yaml, once."""
    known = {p.id for p in places}
    for e in events:
        line = e.lines.get("place")
        for ident in e.place:
            if ident not in known:
                hint = (suggest(ident, known) if known
                        else " (none is defined: places go in places.yaml beside site.yaml)")
                report.error(e.path, line, "place", f"no place '{excerpt(ident)}' in places.yaml{hint}")
        if len(set(e.place)) != len(e.place):
            report.error(e.path, line, "place", "a place is listed twice")


def parts(places, language: str = "en") -> list[tuple[str, str, bool]]:
    """(what goes before it, its name, shown in English) for each place: the name in the language, else
    the English one, which a page marks lang="en"; joined as names() joins them."""
    base = language.split("-")[0]
    comma, conjunction = {"zh": ("、", "和"), "ru": (", ", " и ")}.get(base, (", ", " and "))
    places, found = list(places), []   # a template may give a generator (|map)
    for i, place in enumerate(places):
        before = "" if i == 0 else conjunction if i == len(places) - 1 else comma
        found.append((before, place.name_in(language), not own_name(place, language)))
    return found


def own_name(place: Place, language: str) -> str:
    """The place's name in the language ("zh-Hans" finds "zh"), or "" where pages show the English."""
    names = dict(place.names)
    return names.get(language) or names.get(language.split("-")[0]) or ""


def names(places, language: str = "en") -> str:
    """"Kyakhta and Maimaicheng", "Xinjiang, Gansu and Beijing"; in Chinese 、 and 和, in Russian и."""
    return "".join(before + name for before, name, _ in parts(places, language))
