"""The treaty lines of borders.yaml, each stretch drawn only as far as its source gives it: laid
along today's border (as the base map draws it) between points with checked coordinates."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .projection import Basemap, basemap, position

BORDERS = Path(__file__).with_name("borders.yaml")
# How far (SVG units, about 8.7 km each) a treaty line's end point may lie from today's border as the
# simplified base map draws it: a point farther off is not on that border, and the stretch is refused.
ON_BORDER = 3.0


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
