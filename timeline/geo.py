"""Where a latitude and longitude fall on the base map: the projection, the frame and the areas drawn.

The base map (timeline/basemap.svg, made once by scripts/make_basemap.py from Natural Earth) is
already projected; its root element names the projection (PROJ's lcc on a sphere) and the frame it
shows, in metres. Places are projected here with the same formula in plain Python, so a build needs
neither pyproj nor the network (tests/test_maps.py checks the formula against pyproj). The outlines
of today's provinces that the map draws (timeline/areas.json, made by scripts/make_areas.py) are
projected the same way.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BASEMAP = Path(__file__).with_name("basemap.svg")
AREAS_FILE = Path(__file__).with_name("areas.json")


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
    """Where a place (anything with lat and lon) falls on the base map in SVG units, or None: no
    coordinates, or outside the frame."""
    if place.lat is None or place.lon is None:
        return None
    base = base or basemap()
    # The projection is cut at the meridian opposite its centre; nothing that far is on this map.
    if abs((place.lon - base.proj["lon_0"] + 180) % 360 - 180) > 150:
        return None
    if place.lat <= -90:  # the conic's other pole: no point of the plane, and far off this map
        return None
    x, y = lambert(place.lat, place.lon, base.proj)
    xmin, ymin, xmax, ymax = base.frame
    if not (xmin <= x <= xmax and ymin <= y <= ymax):
        return None
    k = base.scale
    return round((x - xmin) * k, 1), round((ymax - y) * k, 1)


@dataclass(frozen=True)
class Area:
    """An outline of today's boundary from Natural Earth, already projected onto the base map."""
    code: str            # Natural Earth's adm1_code (CHN-1150), or a country's code (MNG)
    name: str            # Natural Earth's name of the unit
    d: str               # the SVG path
    label: tuple         # (x, y): Natural Earth's label point of the unit, projected
    lat: float | None = None   # that label point in degrees (admin-1 units only)
    lon: float | None = None


@lru_cache(maxsize=1)
def areas() -> dict[str, Area]:
    """The areas of timeline/areas.json by code; the build reads it, never Natural Earth itself."""
    data = json.loads(AREAS_FILE.read_text(encoding="utf-8"))
    return {code: Area(code, a["name"], a["d"], tuple(a["label"]), a.get("lat"), a.get("lon"))
            for code, a in data["areas"].items()}


def areas_source() -> str:
    return json.loads(AREAS_FILE.read_text(encoding="utf-8"))["source"]
