"""The map page, the locator maps and the places exports: marks where the places are, links that lead
somewhere, a projection that agrees with PROJ, GeoJSON as RFC 7946 has it."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

import jsonschema
import pytest

from support import GOOD
from timeline import maps
from timeline.build import render_site


@pytest.fixture(scope="module")
def built():
    result = render_site(GOOD)
    assert result.ok, result.diagnostics
    return result


def pyproj_or_skip():
    try:
        import pyproj
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pyproj is not installed (the test extra has it); CI may not skip", pytrace=False)
        pytest.skip("pyproj not installed: pip install -e '.[map]'")
    return pyproj


class Marks(HTMLParser):
    """The map page's marks (href, cx, cy, r), labels, and every id and link of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.marks, self.ids, self.links, self.images, self.viewboxes = [], set(), [], [], []
        self._href = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            self._href = a["href"] if "map-mark" in (a.get("class") or "") else None
        if tag == "circle" and self._href:
            self.marks.append((self._href, float(a["cx"]), float(a["cy"]), float(a["r"])))
        if tag == "image":
            self.images.append(a["href"])
        if tag == "svg":
            self.viewboxes.append([float(v) for v in a["viewbox"].split()])

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def parse(built, path) -> Marks:
    page = Marks()
    page.feed(built.files[path].decode("utf-8"))
    return page


# The projection.

KNOWN = [(39.9059, 116.3912), (55.7558, 37.6172), (51.9833, 116.5833), (46.4856, 133.8444), (31.2286, 121.4747),
         (0.0, 95.0), (70.0, 30.0), (-10.0, 150.0)]


@pytest.mark.parametrize("lat, lon", KNOWN)
def test_the_builds_projection_is_the_one_proj_computes_for_the_basemap(lat, lon):
    pyproj = pyproj_or_skip()
    base = maps.basemap()
    proj = re.search(rb'data-proj="([^"]+)"', base.data).group(1).decode()
    x, y = pyproj.Transformer.from_proj("EPSG:4326", proj, always_xy=True).transform(lon, lat)
    mine = maps.lambert(lat, lon, base.proj)
    assert mine == pytest.approx((x, y), abs=0.01)   # metres


def test_the_basemap_is_small_and_says_where_it_comes_from():
    base = maps.basemap()
    assert len(base.data) < 80_000
    head = base.data[:1500].decode()
    assert "Natural Earth" in head and "public domain" in head and "world-atlas" in head
    assert base.width == 1000 and 0 < base.height < 1000


# The map page.


def test_every_place_with_coordinates_in_the_frame_has_a_mark_at_its_projected_position(built):
    pyproj = pyproj_or_skip()
    base = maps.basemap()
    proj = re.search(rb'data-proj="([^"]+)"', base.data).group(1).decode()
    to_map = pyproj.Transformer.from_proj("EPSG:4326", proj, always_xy=True).transform
    xmin, ymin, xmax, ymax = base.frame
    k = base.width / (xmax - xmin)
    marks = {href: (cx, cy) for href, cx, cy, _ in parse(built, "map/index.html").marks}
    places = {p.id: p for p in built.timeline.site.places}
    for ident in ("nerchinsk", "kyakhta", "moscow"):
        x, y = to_map(places[ident].lon, places[ident].lat)
        assert marks[f"#place-{ident}"] == pytest.approx(((x - xmin) * k, (ymax - y) * k), abs=0.11), ident
    assert "#place-ussuri" not in marks          # no coordinates: listed, not drawn


def test_the_marks_fall_where_the_places_are_on_the_globe(built):
    marks = {href[len("#place-"):]: (cx, cy) for href, cx, cy, _ in parse(built, "map/index.html").marks}
    moscow, kyakhta, nerchinsk = marks["moscow"], marks["kyakhta"], marks["nerchinsk"]
    assert moscow[0] < kyakhta[0] < nerchinsk[0]          # west to east
    assert moscow[1] < kyakhta[1]                         # Moscow lies north of Kyakhta
    assert nerchinsk[1] < kyakhta[1]                      # and Nerchinsk too (51.98°N against 50.35°N)


def test_every_mark_is_inside_the_frame_and_links_to_its_places_events(built):
    page = parse(built, "map/index.html")
    base = maps.basemap()
    assert len(page.marks) == 3
    for href, cx, cy, r in page.marks:
        assert 0 <= cx <= base.width and 0 <= cy <= base.height, href
        assert r > 0
        assert href.startswith("#") and href[1:] in page.ids, href


def test_marks_are_sized_by_their_number_of_events():
    assert maps.radius(1) < maps.radius(2) < maps.radius(30)
    # The area, not the radius, follows the count (roughly: a small floor keeps one event visible).
    assert 2 < (maps.radius(30) / maps.radius(4)) ** 2 < 7.5


def test_every_link_on_the_map_page_leads_to_a_file_of_the_build(built):
    page = parse(built, "map/index.html")
    for link in page.links + page.images:
        target = link.split("#")[0]
        if not target or re.match(r"https?://", target):
            continue
        path = str(PurePosixPath(os.path.normpath(os.path.join("map", target))))
        assert path in built.files, link


def test_the_map_page_lists_every_place_with_its_events_and_names_its_sources(built):
    text = built.files["map/index.html"].decode()
    for place in built.timeline.site.places:
        assert f'id="place-{place.id}"' in text, place.id
    assert "not on the map: no checked coordinates" in text       # the Ussuri River
    assert "Natural Earth" in text and "are not drawn" in text      # what is drawn from where
    assert text.count('class="event" data-event=') == 4
    assert "Wikipedia, &#34;Kyakhta&#34;: 50°21′N 106°27′E" in text


def test_the_home_page_menu_links_to_the_map(built):
    assert '<a href="map/index.html">Map</a>' in built.files["index.html"].decode()


def test_a_place_outside_the_frame_is_listed_but_not_drawn(site_dir):
    src = site_dir()
    with open(src / "places.yaml", "a", encoding="utf-8") as f:
        f.write('washington:\n  names: {en: Washington}\n  kind: town\n  coordinates: [38.9, -77.0]\n'
                '  source: a gazetteer\n')
    (src / "events" / "1950-treaty-of-alliance.yaml").write_text(
        (src / "events" / "1950-treaty-of-alliance.yaml").read_text(encoding="utf-8")
        .replace("place: moscow", "place: [moscow, washington]"), encoding="utf-8")
    result = render_site(src)
    assert result.ok, result.diagnostics
    page = parse(result, "map/index.html")
    assert "#place-washington" not in [m[0] for m in page.marks]
    assert "not on the map: beyond this map" in result.files["map/index.html"].decode()
    event = result.files["events/1950-treaty-of-alliance/index.html"].decode()
    assert "<dd>Moscow and Washington</dd>" in event


# Locator maps on event pages.


def test_an_event_page_shows_its_place_on_a_small_map(built):
    page = parse(built, "events/1689-treaty-of-nerchinsk/index.html")
    [box] = page.viewboxes
    [image] = page.images
    assert image == "../../map/basemap.svg" and "map/basemap.svg" in built.files
    html = built.files["events/1689-treaty-of-nerchinsk/index.html"].decode()
    cx, cy = (float(v) for v in re.search(r'class="locator-point" cx="([\d.]+)" cy="([\d.]+)"', html).groups())
    x, y, w, h = box
    assert x < cx < x + w and y < cy < y + h
    nerchinsk = next(p for p in built.timeline.site.places if p.id == "nerchinsk")
    assert (cx, cy) == maps.position(nerchinsk)
    assert "<dt>Place</dt><dd>Nerchinsk</dd>" in html


def test_an_event_whose_place_has_no_coordinates_has_no_locator_map(built):
    html = built.files["events/1969-zhenbao-island/index.html"].decode()
    assert "<dd>Ussuri River</dd>" in html and 'class="locator"' not in html


def test_place_names_join_as_each_language_writes_a_list():
    from timeline.model import Place
    from timeline.places import names
    a, b, c = (Place(i, "town", (("en", e), ("zh", z), ("ru", r)))
               for i, e, z, r in (("a", "Kyakhta", "恰克图", "Кяхта"), ("b", "Maimaicheng", "买卖城", "Маймачен"),
                                  ("c", "Urga", "库伦", "Урга")))
    assert names([a]) == "Kyakhta"
    assert names([a, b]) == "Kyakhta and Maimaicheng"
    assert names([a, b, c]) == "Kyakhta, Maimaicheng and Urga"
    assert names([a, b, c], "zh-Hans") == "恰克图、买卖城和库伦"
    assert names([a, b], "ru") == "Кяхта и Маймачен"
    assert names([]) == ""


# Exports.

# RFC 7946 sections 3.1.2 (Point: [longitude, latitude]), 3.2 (Feature, geometry may be null) and 3.3
# (FeatureCollection), as a JSON Schema.
POINT = {"type": "object", "required": ["type", "coordinates"],
         "properties": {"type": {"const": "Point"},
                        "coordinates": {"type": "array", "minItems": 2, "maxItems": 3,
                                        "prefixItems": [{"type": "number", "minimum": -180, "maximum": 180},
                                                        {"type": "number", "minimum": -90, "maximum": 90}],
                                        "items": {"type": "number"}}}}
GEOJSON = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": {"type": {"const": "Feature"},
                           "id": {"type": ["string", "number"]},
                           "geometry": {"oneOf": [{"type": "null"}, POINT]},
                           "properties": {"type": ["object", "null"]}}}}},
    # RFC 7946 section 7.1: members that change the meaning of GeoJSON types must not appear.
    "not": {"anyOf": [{"required": ["crs"]}, {"required": ["geometries"]}, {"required": ["coordinates"]}]},
}


def test_the_geojson_export_is_rfc_7946_with_longitude_first(built):
    data = json.loads(built.files["places.geojson"])
    jsonschema.Draft202012Validator.check_schema(GEOJSON)
    errors = [e.message for e in jsonschema.Draft202012Validator(GEOJSON).iter_errors(data)]
    assert errors == []
    features = {f["id"]: f for f in data["features"]}
    assert set(features) == {"nerchinsk", "kyakhta", "moscow", "ussuri"}
    assert features["nerchinsk"]["geometry"] == {"type": "Point", "coordinates": [116.5833, 51.9833]}
    assert features["ussuri"]["geometry"] is None
    props = features["kyakhta"]["properties"]
    assert props["name"] == "Kyakhta" and props["names"]["zh"] == "恰克图" and props["kind"] == "town"
    assert [e["id"] for e in props["events"]] == ["1727-treaty-of-kyakhta"]
    assert props["events"][0]["url"] in built.files


def test_the_geojson_schema_does_catch_latitude_first():
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [51.98, 116.58]}, "properties": {}}]}
    assert list(jsonschema.Draft202012Validator(GEOJSON).iter_errors(bad))


def test_events_json_gives_each_events_places_with_coordinates(built):
    data = json.loads(built.files["events.json"])
    events = {e["id"]: e for e in data["events"]}
    assert events["1689-treaty-of-nerchinsk"]["place"] == "Nerchinsk"
    assert events["1689-treaty-of-nerchinsk"]["places"] == [
        {"id": "nerchinsk", "name": "Nerchinsk", "kind": "town", "coordinates": [116.5833, 51.9833]}]
    assert events["1969-zhenbao-island"]["places"][0]["coordinates"] is None
    assert events["1864-year-only"]["place"] is None and events["1864-year-only"]["places"] == []


def test_timelinejs_slides_carry_no_map_location(built):
    # TimelineJS draws no maps (StoryMapJS does): its slides keep their place in the text only.
    data = json.loads(built.files["timelinejs.json"])
    assert all("location" not in slide for slide in data["events"])


def test_a_large_site_lists_each_places_major_events_and_says_so(site_dir, monkeypatch):
    monkeypatch.setattr(maps, "LIST_LIMIT", 2)
    src = site_dir()
    kyakhta = src / "events" / "1727-treaty-of-kyakhta.yaml"
    kyakhta.write_text(kyakhta.read_text(encoding="utf-8").replace("place: kyakhta", "place: [kyakhta, nerchinsk]"),
                       encoding="utf-8")
    result = render_site(src)
    assert result.ok, result.diagnostics
    page = result.files["map/index.html"].decode()
    # Four places share a limit of two events: one each, its major event where it has one.
    nerchinsk = page[page.index('id="place-nerchinsk"'):]
    nerchinsk = nerchinsk[:nerchinsk.index("</section>")]
    assert 'data-event="1689-treaty-of-nerchinsk"' in nerchinsk
    assert 'data-event="1727-treaty-of-kyakhta"' not in nerchinsk
    assert "1 of the 2 events at this place are listed here (major events)" in nerchinsk
    assert page.count('class="event" data-event=') == 4
    marks = {href: r for href, _, _, r in parse(result, "map/index.html").marks}
    assert marks["#place-nerchinsk"] == maps.radius(2)   # a mark still counts every event
