"""The treaty lines of timeline/borders.yaml: checked with file and line, and laid along today's border.

A stretch a source gives as a river that today's Russia–China border still follows is drawn along the
base map's red line between two points whose coordinates a gazetteer gives; the rest is kept in words.
The file ships with the package, like the base map; a mistake in it is reported like a mistake in the
content (`timeline/borders.yaml:12: lines.3.segments.0.from: ...`), every one at once, never as a
traceback: places.read replays these diagnostics into the report of every load of a site with places.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import fields, geo, yamlfile
from .diagnostics import Diagnostic, Report, excerpt, suggest

BORDERS = Path(__file__).with_name("borders.yaml")
# How far (SVG units, about 8.7 km each) a treaty line's end point may lie from today's border as the
# simplified base map draws it: a point farther off is not on that border, and the stretch is refused.
ON_BORDER = 3.0
GAP_POINT = "heixiazi"     # the point around which no line is drawn (see heixiazi-gap-km)
TOP = {"points", "heixiazi-gap-km", "lines"}
POINT = {"name", "coordinates", "source", "url"}
LINE = {"id", "treaty", "event", "segments"}
SEGMENT = {"source", "words", "why", "follows", "from", "to"}
WEB = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


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


class BordersError(Exception):
    """borders.yaml could not be used; carries its diagnostics."""

    def __init__(self, problems):
        super().__init__("\n".join(map(str, problems)))
        self.problems = tuple(problems)


def treaty_lines() -> tuple[TreatyLine, ...]:
    """The lines of the bundled borders.yaml (a build with places has already reported its problems)."""
    lines, problems = load(BORDERS)
    if problems:
        raise BordersError(problems)
    return lines


def check(report: Report) -> None:
    """Every problem of the bundled borders.yaml, into a load's report."""
    report.items.extend(load(BORDERS)[1])


@lru_cache(maxsize=4)
def load(path: Path) -> tuple[tuple[TreatyLine, ...], tuple[Diagnostic, ...]]:
    """The treaty lines of a borders file and the problems found in it (no lines if there is any)."""
    rel = _shown(path)
    report = Report()
    try:
        parsed = yamlfile.parse(yamlfile.read_text(path))
    except yamlfile.YamlSyntaxError as exc:
        parsed = exc
    c = _Checker(rel, report, parsed)
    lines = c.lines() if c.doc is not None else ()
    return (() if report.errors else lines), tuple(report.sorted())


def _shown(path: Path) -> str:
    """The file as messages name it: timeline/borders.yaml for the bundled one."""
    path = Path(path)
    return f"timeline/{path.name}" if path.resolve().parent == Path(__file__).resolve().parent else str(path)


class _Checker(fields.YamlFile):
    """One pass over the parsed file: every problem reported at its line, the lines built from the rest."""

    def __init__(self, rel: str, report: Report, parsed):
        super().__init__(rel, report, parsed)
        self.base = geo.basemap()
        self.point_ids: set = set()

    def error(self, path: tuple, message: str, field: str | None = None) -> None:
        super().error(path, message, field or (None if path else "borders"))

    def text_of(self, raw: dict, key: str, path: tuple) -> str:
        value = raw.get(key)
        if value is None:
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(path + (key,), "expected text")
            return ""
        return " ".join(str(value).split())

    def lines(self) -> tuple[TreatyLine, ...]:
        data = self.mapping(self.doc.data, (), TOP, tuple(sorted(TOP)))
        if data is None:
            return ()
        points = self.points(data.get("points"))
        gap = self.gap(data.get("heixiazi-gap-km"), points)
        raw_lines = data.get("lines")
        if not isinstance(raw_lines, list):
            if raw_lines is not None:
                self.error(("lines",), "expected a list of treaty lines")
            return ()
        border = _border(self.base)
        return tuple(line for i, raw in enumerate(raw_lines)
                     if (line := self.treaty_line(raw, ("lines", i), points, gap, border)) is not None)

    def points(self, raw) -> dict[str, Point]:
        if not isinstance(raw, dict):
            if raw is not None:
                self.error(("points",), "expected a mapping of point ids to points")
            return {}
        out, self.point_ids = {}, set(map(str, raw))
        for ident, entry in raw.items():
            path = ("points", ident)
            entry = self.mapping(entry, path, POINT, ("name", "coordinates", "source"))
            if entry is None:
                continue
            where = self.coordinates(entry.get("coordinates"), path + ("coordinates",))
            url = self.text_of(entry, "url", path)
            if url and not WEB.match(url):
                self.error(path + ("url",), f"'{excerpt(url)}' is not a web address (http:// or https://)")
            if where and entry.get("source"):
                out[str(ident)] = Point(str(ident), self.text_of(entry, "name", path), *where,
                                        self.text_of(entry, "source", path), url)
        return out

    def coordinates(self, where, path: tuple) -> tuple[float, float] | None:
        numbers = isinstance(where, list) and len(where) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in where)
        if not numbers:
            if where is not None:
                self.error(path, "expected [latitude, longitude] in degrees, e.g. [53.3328, 121.4803]")
            return None
        lat, lon = float(where[0]), float(where[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.error(path, f"[{where[0]}, {where[1]}] is not a latitude (-90..90) and a longitude (-180..180)")
            return None
        if geo.position(Point("", "", lat, lon, ""), self.base) is None:
            self.error(path, f"[{where[0]}, {where[1]}] lies outside the map (latitude comes first)")
            return None
        return lat, lon

    def gap(self, km, points) -> tuple[float, float, float] | None:
        """Where no line is drawn: (x, y, radius) around the gap point, in SVG units."""
        if not isinstance(km, (int, float)) or isinstance(km, bool) or not 0 <= km < math.inf:  # .nan, .inf too
            if km is not None:
                self.error(("heixiazi-gap-km",), "expected a distance in kilometres (a number, 0 or more)")
            return None
        if GAP_POINT not in points:   # (a point given but broken has its own message)
            if GAP_POINT not in self.point_ids:
                self.error(("points",), f"no point '{GAP_POINT}': heixiazi-gap-km is measured from it")
            return None
        x, y = geo.position(points[GAP_POINT], self.base)
        return x, y, km * 1000 * self.base.scale

    def treaty_line(self, raw, path: tuple, points, gap, border) -> TreatyLine | None:
        raw = self.mapping(raw, path, LINE, tuple(sorted(LINE)))
        if raw is None:
            return None
        segments = raw.get("segments")
        if not isinstance(segments, list):
            if segments is not None:
                self.error(path + ("segments",), "expected a list of stretches")
            return None
        built = [self.segment(seg, path + ("segments", i), points, gap, border) for i, seg in enumerate(segments)]
        return TreatyLine(self.text_of(raw, "id", path), self.text_of(raw, "treaty", path), self.text_of(raw, "event", path),
                          tuple(s for s in built if s is not None))

    def segment(self, raw, path: tuple, points, gap, border) -> Segment | None:
        raw = self.mapping(raw, path, SEGMENT, ("source", "words"))
        if raw is None:
            return None
        source, words = self.text_of(raw, "source", path), self.text_of(raw, "words", path)
        drawn = [k for k in ("follows", "from", "to") if k in raw]
        if not drawn:
            if not raw.get("why"):
                self.error(path + ("why",), "a stretch not drawn says why ('why'), or gives follows, from and to")
            return Segment(source, words, why=self.text_of(raw, "why", path))
        for key in {"follows", "from", "to"} - set(drawn):
            self.error(path + (key,), f"missing required field '{key}' (a drawn stretch gives follows, from and to)")
        ends = []
        for key in ("from", "to"):
            ident = self.text_of(raw, key, path)
            if ident and ident not in self.point_ids:
                self.error(path + (key,), f"no point '{excerpt(ident)}' under points{suggest(ident, points)}")
            ends.append(points.get(ident))
        if len(drawn) < 3 or None in ends or gap is None:
            return None
        return self.lay(Segment(source, words, self.text_of(raw, "follows", path), *ends), path, gap, border)

    def lay(self, seg: Segment, path: tuple, gap, border) -> Segment | None:
        """The stretch laid along today's border between its points, stopping short of the gap."""
        a, b = geo.position(seg.start, self.base), geo.position(seg.end, self.base)
        far, part, sa, sb, fa, fb = min(
            ((max(da, db), part, sa, sb, fa, fb)
             for part in border for (da, sa, fa), (db, sb, fb) in [(_nearest(part, a), _nearest(part, b))]),
            key=lambda o: o[0])
        if far > ON_BORDER:
            self.error(path + ("from",), f"{seg.start.id} or {seg.end.id} is {far:.1f} units from today's border: "
                                         "not a stretch of it")
            return None
        pts = _outside(_stretch(part, sa, sb, fa, fb), gap[:2], gap[2])
        pts = tuple((round(x, 1), round(y, 1)) for x, y in pts)
        short = round(gap[2] / self.base.scale / 1000) if GAP_POINT in (seg.start.id, seg.end.id) else 0
        return Segment(seg.source, seg.words, seg.follows, seg.start, seg.end, d="M" + " ".join(
            f"{x:g},{y:g}" for x, y in pts), points=pts, short_km=short)


def _border(base) -> list[list[tuple[float, float]]]:
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
