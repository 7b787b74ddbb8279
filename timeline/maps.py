"""The map page and the event pages' locator maps: the marks of the places with events, sized by
their events, on the base map (see projection), with the treaty lines (see treaties)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace

from . import urls
from .projection import basemap, lambert, position  # noqa: F401 - lambert: tests read the formula here
from .places import names as place_names
from .index import Timeline
from .treaties import treaty_lines

LOCATOR_WIDTH = 260        # of the base map's 1000 units: about 2,300 km around the place
LOCATOR_RATIO = 0.62       # height / width of a locator map
# Up to this many events the map page lists them all under their places; beyond, each place lists its
# major events, spread over time, so that the page stays small (about 1 kB an event listed).
LIST_LIMIT = 1000


@dataclass
class Mark:
    place: object               # model.Place
    x: float
    y: float
    r: float
    colour: str
    entries: list
    listed: list = field(default_factory=list)   # the entries the page lists (see LIST_LIMIT)
    reason: str = ""            # why a place is not drawn
    label: bool = False         # whether its name is written beside it (where there is room)
    label_x: float = 0.0
    anchor: str = "start"


@dataclass
class MapPage:
    marks: list = field(default_factory=list)       # drawn, largest first
    elsewhere: list = field(default_factory=list)   # Marks of places not drawn, with their reason
    width: float = 0.0
    height: float = 0.0


def radius(count: int) -> float:
    """A mark's area grows with its number of events."""
    return round(3 + 2.2 * math.sqrt(count), 1)


def layout(tl: Timeline) -> MapPage:
    """Every place that has events: a mark where it can be drawn, else a line in the list."""
    base = basemap()
    themes = {t.id: t for t in tl.site.themes}
    by_place: dict[str, list] = {}
    for entry in tl.entries:
        for place in entry.places:
            by_place.setdefault(place.id, []).append(entry)
    page = MapPage(width=base.width, height=base.height)
    for place in tl.site.places:
        entries = by_place.get(place.id)
        if not entries:
            continue
        where = position(place, base)
        if where is None:
            reason = "no checked coordinates" if place.lat is None else "beyond this map"
            page.elsewhere.append(Mark(place, 0, 0, 0, "", entries, entries, reason=reason))
            continue
        # The theme that opens most of its events colours the mark (ties: the site's order of themes).
        counts = Counter(e.event.themes[0] for e in entries)
        order = [t.id for t in tl.site.themes]
        main = max(counts, key=lambda t: (counts[t], -order.index(t)))
        page.marks.append(Mark(place, where[0], where[1], radius(len(entries)), themes[main].colour, entries,
                               entries))
    page.marks.sort(key=lambda m: (-len(m.entries), m.place.id))
    _labels(page.marks, base.width)
    if len(tl.entries) > LIST_LIMIT:
        share = max(1, LIST_LIMIT // max(1, len(page.marks) + len(page.elsewhere)))
        for m in page.marks + page.elsewhere:
            major = [e for e in m.entries if e.event.significance == "major"] or m.entries
            step = max(1, -(-len(major) // share))
            m.listed = major[::step][:share]
    return page


def _labels(marks: list, width: float, size: float = 13.0) -> None:
    """Names beside the marks, largest first, skipping any that would overlap a name already placed."""
    taken: list[tuple[float, float, float, float]] = []
    for m in marks:
        text_width = 0.56 * size * len(m.place.name)
        right = m.x + m.r + 3 + text_width <= width - 2
        x0 = m.x + m.r + 3 if right else m.x - m.r - 3 - text_width
        box = (x0, m.y - size * 0.7, x0 + text_width, m.y + size * 0.4)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
            continue
        taken.append(box)
        m.label, m.anchor = True, "start" if right else "end"
        m.label_x = round(m.x + m.r + 3 if right else m.x - m.r - 3, 1)


@dataclass(frozen=True)
class Locator:
    """A small map around an event's places: a window onto the base map."""
    box: tuple[float, float, float, float]     # x, y, width, height in base-map units
    points: tuple                              # (place, x, y)
    r: float
    width: float                               # of the whole base map
    height: float


def locator(places) -> Locator | None:
    base = basemap()
    points = [(p, *xy) for p in places if (xy := position(p, base)) is not None]
    if not points:
        return None
    xs, ys = [p[1] for p in points], [p[2] for p in points]
    w = max(LOCATOR_WIDTH, (max(xs) - min(xs)) * 1.3, (max(ys) - min(ys)) * 1.3 / LOCATOR_RATIO)
    h = w * LOCATOR_RATIO
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    # Kept inside the base map where it can be.
    x = min(max(cx - w / 2, 0), max(base.width - w, 0))
    y = min(max(cy - h / 2, 0), max(base.height - h, 0))
    return Locator((round(x, 1), round(y, 1), round(w, 1), round(h, 1)), tuple(points), round(w / 55, 1),
                   base.width, base.height)


def map_page(tl: Timeline) -> tuple[str, str, dict]:
    """The map page's path, template and context (render makes a PageSpec of it)."""
    page = layout(tl)
    # Each event once, in timeline order: the search data and the filters' count read these.
    listed = {e.id for m in page.marks + page.elsewhere for e in m.listed}
    entries = [e for e in tl.entries if e.id in listed]
    # A treaty's line belongs on the map of a timeline that has the treaty among its events, each stretch
    # only where the timeline's bibliography holds the source that gives it.
    shown = []
    for line in treaty_lines():
        segments = tuple(s for s in line.segments if s.source in tl.content.sources)
        if line.event in tl.by_id and segments:
            shown.append(replace(line, segments=segments))
    return urls.path("map"), "map.html", {"title": "Map", "kind": "map", "map": page, "entries": entries,
                                          "treaty_lines": tuple(shown), "sources": tl.content.sources,
                                          "description": "Where the events happened: every place on a map "
                                                         "of northern and central Asia, with its events."}


def json_ld_place(place) -> dict:
    """schema.org's Place, with its coordinates when known."""
    ld = {"@type": "Place", "name": place.name}
    if place.lat is not None:
        ld["geo"] = {"@type": "GeoCoordinates", "latitude": place.lat, "longitude": place.lon}
    return ld


def register(env) -> None:
    env.filters["place_names"] = place_names
    env.filters["json_ld_place"] = json_ld_place
    env.globals["locator"] = locator
