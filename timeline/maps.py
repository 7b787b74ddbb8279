"""The map page and the event pages' locator maps: what is drawn for each place, and where.

A place is drawn one of three ways: a town, site, island or other small place as a circle at its
coordinates, sized by its number of events; a place with an `area` (today's province from Natural
Earth, timeline/areas.json) as that outline with its name; a region, river, sea or peninsula without
one as its name alone, written at the point its gazetteer entry gives. Treaty lines
(timeline/treaties.py) are drawn above the marks, and names are placed off them, so that nothing
hides a border line. Projection and base map: timeline/geo.py.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace

from jinja2 import pass_context

from . import urls
from .catalogs import N_, engine, map_words
from .geo import Basemap, areas, areas_source, basemap, lambert, position  # noqa: F401 (exports and tests)
from .index import Timeline
from .places import names as place_names, parts as place_parts
from .treaties import BORDERS, ON_BORDER, Segment, TreatyLine, treaty_lines  # noqa: F401

LOCATOR_WIDTH = 260        # of the base map's 1000 units: about 2,300 km around the place
LOCATOR_RATIO = 0.62       # height / width of a locator map
# Up to this many events the map page lists them all under their places; beyond, each place lists its
# major events, spread over time, so that the page stays small (about 1 kB an event listed).
LIST_LIMIT = 1000
# Kinds too large for a point: without an area they are drawn as their name at the gazetteer's point.
NAMED = ("region", "river", "sea", "peninsula", "mountain range")
FONT = 13.0                # the labels' font size in base-map units (style.css .map-label)
LEADING = 14.0             # from one line of a label to the next


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
    label_y: float = 0.0
    lines: tuple = ()           # the name as written on the map: a long one in two lines, at " ("
    anchor: str = "start"
    how: str = "point"          # point | area | name
    area: object = None         # geo.Area, for an area


@dataclass
class MapPage:
    marks: list = field(default_factory=list)       # drawn, largest first
    elsewhere: list = field(default_factory=list)   # Marks of places not drawn, with their reason
    width: float = 0.0
    height: float = 0.0
    areas_source: str = ""

    @property
    def points(self) -> list:
        return [m for m in self.marks if m.how == "point"]

    @property
    def shapes(self) -> list:
        return [m for m in self.marks if m.how == "area"]

    @property
    def names(self) -> list:
        return [m for m in self.marks if m.how != "point"]


def radius(count: int) -> float:
    """A mark's area grows with its number of events."""
    return round(3 + 2.2 * math.sqrt(count), 1)


def layout(tl: Timeline, lines=()) -> MapPage:
    """Every place that has events: drawn where it can be, else a line in the list. lines: the treaty
    lines drawn, which names keep off."""
    base = basemap()
    by_place: dict[str, list] = {}
    for entry in tl.entries:
        for place in entry.places:
            by_place.setdefault(place.id, []).append(entry)
    page = MapPage(width=base.width, height=base.height, areas_source=areas_source())
    for place in tl.site.places:
        if entries := by_place.get(place.id):
            mark = _mark(place, entries, _colour(tl, entries), base)
            (page.marks if not mark.reason else page.elsewhere).append(mark)
    page.marks.sort(key=lambda m: (m.how != "area", -len(m.entries), m.place.id))
    _labels(page.marks, base.width, [p for line in lines for s in line.drawn for p in _dense(s.points)])
    if len(tl.entries) > LIST_LIMIT:
        share = max(1, LIST_LIMIT // max(1, len(page.marks) + len(page.elsewhere)))
        for m in page.marks + page.elsewhere:
            major = [e for e in m.entries if e.event.significance == "major"] or m.entries
            step = max(1, -(-len(major) // share))
            m.listed = major[::step][:share]
    return page


def _colour(tl: Timeline, entries) -> str:
    """The theme that opens most of the events colours the mark (ties: the site's order of themes)."""
    counts = Counter(e.event.themes[0] for e in entries)
    order = [t.id for t in tl.site.themes]
    main = max(counts, key=lambda t: (counts[t], -order.index(t)))
    return next(t.colour for t in tl.site.themes if t.id == main)


def _mark(place, entries, colour: str, base: Basemap) -> Mark:
    area = areas().get(getattr(place, "area", "") or "")
    if area is not None:
        x, y = area.label
        return Mark(place, x, y, 0, colour, entries, entries, how="area", area=area)
    where = position(place, base)
    if where is None:
        reason = N_("no checked coordinates") if place.lat is None else N_("beyond this map")
        return Mark(place, 0, 0, 0, "", entries, entries, reason=reason)
    how = "name" if place.kind in NAMED else "point"
    return Mark(place, where[0], where[1], radius(len(entries)) if how == "point" else 0, colour, entries, entries,
                how=how)


def _dense(points, step: float = 3.0) -> list[tuple[float, float]]:
    """A polyline as points at most step apart, to test boxes against."""
    out = []
    for a, b in zip(points, points[1:]):
        n = max(1, math.ceil(math.dist(a, b) / step))
        out += [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(n)]
    return out + list(points[-1:])


def _labels(marks: list, width: float, avoid: list) -> None:
    """Names on the map, circles' first, the places with most events first. A circle's name goes right
    of it, else left, above or below, the first place clear of the names placed, the circles and the
    treaty lines; it is left out where none is. An area's or a region's name goes at its point, centred,
    else above, below, right or left of it, likewise; as it is the place's only sign on the map, where
    none is clear it goes where it covers least (never over a treaty line if it can help it), and the
    circles' names it covers give way. Nothing is written beyond the frame."""
    # The circles are taken from the start: no name is written over another place's mark.
    taken = [(m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r) for m in marks if m.how == "point"]
    written: list[tuple[tuple, Mark]] = []
    for m in sorted(marks, key=lambda m: (m.how != "point", -len(m.entries))):
        name = m.place.name
        m.lines = tuple(name.replace(" (", "\n(", 1).split("\n")) if m.how != "point" and len(name) > 16 else (name,)
        w, h = 0.56 * FONT * max(map(len, m.lines)), LEADING * (len(m.lines) - 1)
        options = [o for o in _options(m) if _box(o, w, h)[2] <= width - 2 and _box(o, w, h)[0] >= 2] or _options(m)[-1:]
        clear = [o for o in options if not _hits(_box(o, w, h), taken, avoid)]
        if not clear and m.how == "point":
            continue
        x, y, anchor = clear[0] if clear else min(options, key=lambda o: _cost(_box(o, w, h), taken, avoid))
        box = _box((x, y, anchor), w, h)
        for other_box, other in list(written):
            if m.how != "point" and _cost(box, [other_box], []):    # a circle's name gives way
                other.label = False
                taken.remove(other_box)
                written.remove((other_box, other))
        taken.append(box)
        written.append((box, m))
        m.label, m.label_x, m.label_y, m.anchor = True, round(x, 1), round(y, 1), anchor


def _options(m: Mark) -> list[tuple[float, float, str]]:
    """Where a mark's name may go, in order of preference: (x, y of the baseline, text-anchor)."""
    if m.how == "point":
        return [(m.x + m.r + 3, m.y + 4, "start"), (m.x - m.r - 3, m.y + 4, "end"),
                (m.x, m.y - m.r - 4, "middle"), (m.x, m.y + m.r + 11, "middle")]
    return [(m.x, m.y + 4, "middle"), (m.x, m.y - 8, "middle"), (m.x, m.y + 16, "middle"),
            (m.x + 6, m.y + 4, "start"), (m.x - 6, m.y + 4, "end"), (m.x, m.y - 20, "middle"),
            (m.x, m.y + 28, "middle")]


def _box(option, w: float, h: float = 0.0) -> tuple[float, float, float, float]:
    """The box a label covers: w wide, one line of type plus h for the lines below the first."""
    x, y, anchor = option
    x0 = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
    return x0, y - FONT * 0.75, x0 + w, y + FONT * 0.25 + h


def _cost(box, taken, avoid) -> int:
    overlaps = sum(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken)
    return overlaps + 1000 * _hits(box, [], avoid)


def _hits(box, taken, avoid) -> bool:
    if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
        return True
    return any(box[0] - 2 <= x <= box[2] + 2 and box[1] - 2 <= y <= box[3] + 2 for x, y in avoid)


@dataclass(frozen=True)
class Locator:
    """A small map around an event's places: a window onto the base map."""
    box: tuple[float, float, float, float]     # x, y, width, height in base-map units
    points: tuple                              # (place, x, y)
    r: float
    width: float                               # of the whole base map
    height: float
    areas: tuple = ()                          # geo.Area outlines of the places that have one


def locator(places) -> Locator | None:
    """The window around an event's places; a place with an area is shown by its outline too, and at its
    label point when it has no coordinates of its own."""
    base = basemap()
    outlines = {p.id: areas()[p.area] for p in places if getattr(p, "area", "") in areas()}
    points = [(p, *xy) for p in places
              if (xy := position(p, base) or (outlines[p.id].label if p.id in outlines else None)) is not None]
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
                   base.width, base.height, tuple(outlines.values()))


DESCRIPTION = N_("Where the events happened: every place on a map of northern and central Asia, with its events.")


def _in_language(line: TreatyLine, words: dict) -> TreatyLine:
    """A treaty line with its words in the page's language (words: English -> translation)."""
    def w(text: str) -> str:
        return words.get(text, text)

    def point(p):
        return replace(p, name=w(p.name)) if p else p
    return replace(line, treaty=w(line.treaty), segments=tuple(
        replace(s, words=w(s.words), why=w(s.why), follows=w(s.follows), start=point(s.start), end=point(s.end))
        for s in line.segments))


def map_page(tl: Timeline) -> tuple[str, str, dict]:
    """The map page's path, template and context (render makes a PageSpec of it)."""
    # A treaty's line belongs on the map of a timeline that has the treaty among its events, each stretch
    # only where the timeline's bibliography holds the source that gives it.
    shown, words = [], map_words(tl.site.language)["borders"]
    for line in treaty_lines():
        segments = tuple(s for s in line.segments if s.source in tl.content.sources)
        if line.event in tl.by_id and segments:
            shown.append(replace(line, segments=segments))
    page = layout(tl, shown)
    shown = [_in_language(line, words) for line in shown]   # laid out as in English: the same marks
    # Each event once, in timeline order: the search data and the filters' count read these.
    listed = {e.id for m in page.marks + page.elsewhere for e in m.listed}
    entries = [e for e in tl.entries if e.id in listed]
    return urls.path("map"), "map.html", {"title": "Map", "kind": "map", "map": page, "entries": entries,
                                          "treaty_lines": tuple(shown), "sources": tl.content.sources,
                                          "description": engine(tl.site.language).gettext(DESCRIPTION)}


@pass_context
def area_name(context, name: str) -> str:
    """An area's name (or the areas' source) in the page's language."""
    return map_words(context["site"].language)["areas"].get(name, name)


def register(env) -> None:
    env.filters["area_name"] = area_name
    env.filters["place_names"] = place_names
    env.filters["place_parts"] = place_parts
    env.globals["locator"] = locator
