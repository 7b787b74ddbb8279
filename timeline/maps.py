"""The map page and the event pages' locator maps: where each place falls on the base map.

The base map (timeline/basemap.svg, made once by scripts/make_basemap.py from Natural Earth) is
already projected; its root element names the projection (PROJ's lcc on a sphere) and the frame it
shows, in metres. Places are projected here with the same formula in plain Python, so a build needs
neither pyproj nor the network (tests/test_maps.py checks the formula against pyproj).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from . import urls
from .places import names as place_names
from .index import Timeline

BASEMAP = Path(__file__).with_name("basemap.svg")
BORDERS = Path(__file__).with_name("borders.yaml")
# How far (SVG units, about 8.7 km each) a treaty line's end point may lie from today's border as the
# simplified base map draws it: a point farther off is not on that border, and the stretch is refused.
ON_BORDER = 3.0
LOCATOR_WIDTH = 260        # of the base map's 1000 units: about 2,300 km around the place
LOCATOR_RATIO = 0.62       # height / width of a locator map
# Up to this many events the map page lists them all under their places; beyond, each place lists its
# major events, spread over time, so that the page stays small (about 1 kB an event listed).
LIST_LIMIT = 1000


@dataclass(frozen=True)
class Basemap:
    data: bytes
    width: float
    height: float
    frame: tuple[float, float, float, float]   # xmin, ymin, xmax, ymax in projected metres
    proj: dict                                   # PROJ parameters: lat_1, lat_2, lat_0, lon_0, R

    @property
    def scale(self) -> float:
        """SVG units per metre."""
        return self.width / (self.frame[2] - self.frame[0])


@lru_cache(maxsize=1)
def basemap() -> Basemap:
    data = BASEMAP.read_bytes()
    head = data[:data.index(b">") + 1].decode("utf-8")
    view = [float(v) for v in re.search(r'viewBox="([^"]+)"', head).group(1).split()]
    frame = tuple(float(v) for v in re.search(r'data-frame="([^"]+)"', head).group(1).split())
    proj = {}
    for key, value in re.findall(r"\+(\w+)=([-\d.]+)", re.search(r'data-proj="([^"]+)"', head).group(1)):
        proj[key] = float(value)
    return Basemap(data, view[2], view[3], frame, proj)


def lambert(lat: float, lon: float, proj: dict) -> tuple[float, float]:
    """Lambert conformal conic on a sphere of radius R, two standard parallels (Snyder, Map
    Projections: A Working Manual, eqs. 15-1 to 15-3); what PROJ computes for +proj=lcc +R=..."""
    rad = math.radians
    phi1, phi2, phi0 = rad(proj["lat_1"]), rad(proj["lat_2"]), rad(proj["lat_0"])
    r = proj["R"]

    def t(phi):
        return math.tan(math.pi / 4 + phi / 2)

    n = math.log(math.cos(phi1) / math.cos(phi2)) / math.log(t(phi2) / t(phi1)) if phi1 != phi2 else math.sin(phi1)
    f = math.cos(phi1) * t(phi1) ** n / n
    rho, rho0 = r * f / t(rad(lat)) ** n, r * f / t(phi0) ** n
    theta = n * rad(lon - proj["lon_0"])
    return rho * math.sin(theta), rho0 - rho * math.cos(theta)


def position(place, base: Basemap | None = None) -> tuple[float, float] | None:
    """Where a place falls on the base map (SVG units), or None: no coordinates, or outside the frame."""
    if place.lat is None or place.lon is None:
        return None
    base = base or basemap()
    # The projection is cut at the meridian opposite its centre; nothing that far is on this map.
    if abs((place.lon - base.proj["lon_0"] + 180) % 360 - 180) > 150:
        return None
    x, y = lambert(place.lat, place.lon, base.proj)
    xmin, ymin, xmax, ymax = base.frame
    if not (xmin <= x <= xmax and ymin <= y <= ymax):
        return None
    k = base.scale
    return round((x - xmin) * k, 1), round((ymax - y) * k, 1)


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


@dataclass(frozen=True)
class Point:
    id: str
    name: str
    lat: float
    lon: float
    source: str
    url: str = ""


@dataclass(frozen=True)
class Segment:
    source: str                  # a key of the bibliography
    words: str                   # what the source says of the line, in our words
    follows: str = ""            # the river, where the stretch is drawn along today's border
    start: Point | None = None
    end: Point | None = None
    why: str = ""                # why a stretch given only in words is not drawn
    d: str = ""                  # the SVG path, where drawn
    short_km: int = 0            # how far short of an end point it stops (the gap at Heixiazi)
    points: tuple = ()           # its (x, y), where drawn


@dataclass(frozen=True)
class TreatyLine:
    id: str
    treaty: str
    event: str
    segments: tuple

    @property
    def drawn(self) -> tuple:
        return tuple(s for s in self.segments if s.d)


def _border(base: Basemap) -> list[list[tuple[float, float]]]:
    """Today's Russia–China border as the base map draws it: its polylines in SVG units."""
    d = re.search(rb'class="ru-cn" d="([^"]+)"', base.data).group(1).decode("ascii")
    return [[tuple(float(v) for v in xy.split(",")) for xy in part.split()] for part in d.split("M")[1:]]


def _nearest(line, p) -> tuple[float, float, tuple[float, float]]:
    """Where on a polyline a point falls: (distance, position along it as vertex index + fraction, foot)."""
    best = (math.inf, 0.0, line[0])
    for i, (a, b) in enumerate(zip(line, line[1:])):
        dx, dy = b[0] - a[0], b[1] - a[1]
        seg = dx * dx + dy * dy
        t = 0.0 if seg == 0 else min(1.0, max(0.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / seg))
        foot = (a[0] + t * dx, a[1] + t * dy)
        dist = math.dist(p, foot)
        if dist < best[0]:
            best = (dist, i + t, foot)
    return best


def _stretch(line, s: float, e: float, a, b) -> list[tuple[float, float]]:
    """The polyline between positions s and e (from _nearest), from foot a to foot b."""
    if s > e:
        return _stretch(line, e, s, b, a)[::-1]
    return [a, *line[math.floor(s) + 1:math.ceil(e)], b] if math.floor(s) + 1 <= math.ceil(e) else [a, b]


def _outside(points, centre, r: float) -> list[tuple[float, float]]:
    """A stretch cut where it comes within r of centre, keeping the part that lies outside: the stretches
    here each touch the gap at one end only, so one run of points is kept."""
    def inside(p):
        return math.dist(p, centre) < r

    def cross(a, b):   # where the edge from a (outside) to b (inside) meets the circle
        lo, hi = 0.0, 1.0
        for _ in range(40):
            mid = (lo + hi) / 2
            if inside((a[0] + mid * (b[0] - a[0]), a[1] + mid * (b[1] - a[1]))):
                hi = mid
            else:
                lo = mid
        return a[0] + lo * (b[0] - a[0]), a[1] + lo * (b[1] - a[1])

    if inside(points[0]):
        return _outside(points[::-1], centre, r)[::-1]
    kept = [points[0]]
    for a, b in zip(points, points[1:]):
        if inside(b):
            kept.append(cross(a, b))
            break
        kept.append(b)
    return kept


def _xy(point: Point, base: Basemap) -> tuple[float, float]:
    where = position(point, base)
    if where is None:
        raise ValueError(f"{BORDERS.name}: point {point.id} lies outside the map")
    return where


@lru_cache(maxsize=1)
def treaty_lines() -> tuple[TreatyLine, ...]:
    """The treaty lines of borders.yaml, each drawn stretch laid along today's border between its points.
    The file ships with the package, like the base map; a stretch that cannot be laid is an error."""
    base = basemap()
    data = yaml.safe_load(BORDERS.read_text(encoding="utf-8"))
    points = {k: Point(k, v["name"], *v["coordinates"], v["source"], v.get("url", ""))
              for k, v in data["points"].items()}
    gap_centre = _xy(points["heixiazi"], base)
    gap = data["heixiazi-gap-km"] * 1000 * base.scale
    border = _border(base)
    lines = []
    for raw in data["lines"]:
        segments = []
        for seg in raw["segments"]:
            if "follows" not in seg:
                segments.append(Segment(seg["source"], " ".join(seg["words"].split()), why=" ".join(seg["why"].split())))
                continue
            start, end = points[seg["from"]], points[seg["to"]]
            a, b = _xy(start, base), _xy(end, base)
            on = []
            for part in border:
                (da, sa, fa), (db, sb, fb) = _nearest(part, a), _nearest(part, b)
                on.append((max(da, db), part, sa, sb, fa, fb))
            far, part, sa, sb, fa, fb = min(on, key=lambda o: o[0])
            if far > ON_BORDER:
                raise ValueError(f"{BORDERS.name}: {raw['id']}: {seg['from']} or {seg['to']} is {far:.1f} units "
                                 "from today's border: not a stretch of it")
            whole = _stretch(part, sa, sb, fa, fb)
            pts = _outside(whole, gap_centre, gap)
            short = data["heixiazi-gap-km"] if "heixiazi" in (seg["from"], seg["to"]) else 0
            pts = tuple((round(x, 1), round(y, 1)) for x, y in pts)
            d = "M" + " ".join(f"{x:g},{y:g}" for x, y in pts)
            segments.append(Segment(seg["source"], " ".join(seg["words"].split()), seg["follows"], start, end,
                                    d=d, points=pts, short_km=short))
        lines.append(TreatyLine(raw["id"], raw["treaty"], raw["event"], tuple(segments)))
    return tuple(lines)


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
