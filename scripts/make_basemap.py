"""Make timeline/basemap.svg, the base map of the map pages, from Natural Earth.

Run once by hand (never by a build); needs the `map` extra (shapely, pyproj) and npm:

    .venv/bin/pip install -e '.[map]'
    .venv/bin/python scripts/make_basemap.py            # fetches world-atlas with `npm pack`
    .venv/bin/python scripts/make_basemap.py --atlas /path/to/unpacked/world-atlas/package

Source: Natural Earth 1:50m admin-0 countries (public domain), as TopoJSON in the npm package
world-atlas 2.0.2 (ISC licence, by Mike Bostock). The land, the coastlines and today's borders of
northern and central Asia are projected (Lambert conformal conic on a sphere, PROJ below), clipped
to the map's frame and simplified. The build reads the file (timeline/maps.py) and projects place
coordinates with the same formula in plain Python; it never needs shapely, pyproj or the network.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ATLAS = "world-atlas@2.0.2"
# Standard parallels chosen for a band from 35° to 65° N; the central meridian runs through Mongolia.
PROJ = "+proj=lcc +lat_1=35 +lat_2=65 +lat_0=50 +lon_0=95 +R=6371000 +units=m +no_defs"
# The frame holds these points (lon, lat) with a margin: St Petersburg and Yalta in the west, the
# Pacific coast and Japan in the east, Canton in the south, the Arctic coast in the north.
ANCHORS = [(28.0, 61.0), (32.0, 44.0), (60.0, 36.0), (113.0, 21.0), (142.0, 34.0), (143.0, 53.0),
           (95.0, 72.0)]
MARGIN = 150_000            # metres around the anchors
WIDTH = 1000                # SVG units across the frame
SIMPLIFY = 4_000            # metres: about 4 SVG units in 1000 over the 7,000 km frame would be too coarse
MIN_AREA = 2e8              # square metres: islands smaller than this are left out
OUT = Path(__file__).resolve().parent.parent / "timeline" / "basemap.svg"


def npm_package(spec: str, tmp: Path) -> Path:
    """The npm package spec (name@version) unpacked into tmp; returns its folder."""
    subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(next(tmp.glob(spec.split("@")[0] + "-*.tgz"))) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "package"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indices) -> list[tuple[float, float]]:
    points: list = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(arcs, geometry) -> list[list[list]]:
    if geometry["type"] == "Polygon":
        return [[unwrap(ring(arcs, r)) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[unwrap(ring(arcs, r)) for r in p] for p in geometry["arcs"]]
    return []


def unwrap(points):
    """A ring that crosses the antimeridian (Russia's do) continued east of 180° instead of jumping."""
    if any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:])):
        return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]
    return points


def arc_ids(geometry) -> set[int]:
    nested = geometry.get("arcs", [])
    out: set[int] = set()
    stack = [nested]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            out.add(item if item >= 0 else ~item)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atlas", type=Path, help="an unpacked world-atlas package folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.atlas or npm_package(ATLAS, Path(tmp))
        topo = json.loads((folder / "countries-50m.json").read_text(encoding="utf-8"))
    drawing = Drawing(topo)
    svg = drawing.svg()
    args.out.write_text(svg, encoding="utf-8")
    print(f"{args.out}: {len(svg.encode()) // 1024} KB, {WIDTH}x{drawing.height}")
    return 0


class Drawing:
    """The countries of one TopoJSON, projected into the map's frame and written as SVG paths."""

    def __init__(self, topo: dict):
        from pyproj import Transformer
        from shapely.geometry import box
        self.topo, self.arcs = topo, decode_arcs(topo)
        self.project = Transformer.from_proj("EPSG:4326", PROJ, always_xy=True).transform
        xs, ys = zip(*(self.project(lon, lat) for lon, lat in ANCHORS))
        self.frame = (min(xs) - MARGIN, min(ys) - MARGIN, max(xs) + MARGIN, max(ys) + MARGIN)
        self.window = box(*self.frame)
        # Cut in degrees first, well outside the frame, so that nothing near the projection's cut meridian
        # (the antimeridian of lon_0) is projected.
        self.degrees = box(0, 0, 200, 89)
        self.k = WIDTH / (self.frame[2] - self.frame[0])
        self.height = round((self.frame[3] - self.frame[1]) * self.k)

    def apply(self, geom):
        import shapely
        return shapely.make_valid(shapely.transform(geom, lambda xy: _stack(self.project(xy[:, 0], xy[:, 1]))))

    def path_of(self, geom) -> str:
        parts = []
        for line in _lines(geom):
            pts = [(round((x - self.frame[0]) * self.k, 1), round((self.frame[3] - y) * self.k, 1))
                   for x, y in line.coords]
            if len(pts) >= 2:
                parts.append("M" + " ".join(f"{_n(x)},{_n(y)}" for x, y in pts))
        return "".join(parts)

    def land(self):
        """The countries, not the land object: Natural Earth cuts each country at the antimeridian, while
        Eurasia's land polygon wraps around it."""
        import shapely
        from shapely.geometry import Polygon
        from shapely.ops import unary_union
        land = []
        for g in self.topo["objects"]["countries"]["geometries"]:
            for poly in polygons(self.arcs, g):
                shape = shapely.make_valid(Polygon(poly[0], poly[1:])).intersection(self.degrees)
                if not shape.is_empty:
                    land.append(self.apply(shape))
        land = shapely.union_all(land, grid_size=10).intersection(self.window).simplify(SIMPLIFY)
        return unary_union([p for p in getattr(land, "geoms", [land])
                            if p.geom_type == "Polygon" and p.area >= MIN_AREA])

    def borders(self, pick):
        """A border is an arc that two countries share: the arcs whose users' names pick chooses."""
        from shapely.geometry import LineString, MultiLineString
        users: dict[int, set[str]] = {}
        for g in self.topo["objects"]["countries"]["geometries"]:
            for i in arc_ids(g):
                users.setdefault(i, set()).add(g["properties"]["name"])
        chosen = [LineString(self.arcs[i]) for i, names in sorted(users.items()) if pick(names)]
        merged = MultiLineString(chosen).intersection(self.degrees)
        return self.apply(merged).intersection(self.window).simplify(SIMPLIFY)

    def svg(self) -> str:
        borders = self.borders(lambda names: len(names) == 2 and names != {"Russia", "China"})
        ru_cn = self.borders(lambda names: names == {"Russia", "China"})   # drawn apart: today's line
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {self.height}" '
            f'data-proj="{PROJ}" data-frame="{" ".join(str(round(v)) for v in self.frame)}">\n'
            "<!-- Natural Earth 1:50m admin-0 countries (public domain, naturalearthdata.com), from the npm "
            f"package {ATLAS} (ISC licence); made by scripts/make_basemap.py: projected ({PROJ}), clipped "
            "to this frame and simplified. Borders are today's. -->\n"
            # Translucent greys and one red that read on a light or a dark page and on paper: the page
            # behind the drawing (its background) sets the scheme, which an image cannot learn when printed.
            "<style>.land{fill:#8c8578;fill-opacity:.22;stroke:#8c8578;stroke-width:.6}.border{fill:none;"
            "stroke:#8c8578;stroke-width:.6;stroke-dasharray:3 2}.ru-cn{fill:none;stroke:#c0392b;stroke-width:1.4}"
            "</style>\n"
            f'<path class="land" d="{self.path_of(self.land())}"/>\n'
            f'<path class="border" d="{self.path_of(borders)}"/>\n'
            f'<path class="ru-cn" d="{self.path_of(ru_cn)}"/>\n'
            "</svg>\n")


def _lines(geom):
    if geom.is_empty:
        return []
    if geom.geom_type in ("Polygon",):
        return [geom.exterior, *geom.interiors]
    if geom.geom_type == "LineString":
        return [geom]
    return [g for part in geom.geoms for g in _lines(part)]


def _stack(xy):
    import numpy
    return numpy.column_stack(xy)


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


if __name__ == "__main__":
    sys.exit(main())
