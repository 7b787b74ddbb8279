"""The map page, the locator maps and the places exports: marks where the places are, links that lead
somewhere, a projection that agrees with PROJ, GeoJSON as RFC 7946 has it."""

from __future__ import annotations

import json
import math
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
    assert "Natural Earth" in text and "No treaty line is drawn." in text   # what from where (none here)
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


# Treaty lines (timeline/borders.yaml): drawn only as far as a source gives them.


@pytest.fixture(scope="module")
def bundled():
    from support import ROOT
    result = render_site(ROOT / "site_src", templates=ROOT / "templates")
    assert result.ok, result.diagnostics
    return result


def drawn_segments():
    return [(line, seg) for line in maps.treaty_lines() for seg in line.drawn]


def test_each_treaty_line_names_a_source_of_the_bibliography_that_an_event_cites(bundled):
    tl = bundled.timeline
    for line in maps.treaty_lines():
        assert line.event in tl.by_id, line.id
        for seg in line.segments:
            assert seg.source in tl.content.sources, (line.id, seg.source)
            assert tl.cited_by[seg.source], f"{seg.source} is in the bibliography but no event cites it"
            assert seg.words and (seg.d or seg.why), (line.id, seg.words)


def test_the_treaty_lines_drawn_are_the_rivers_their_sources_name():
    drawn = {(line.id, seg.follows) for line, seg in drawn_segments()}
    assert drawn == {("aigun-1858", "Amur"), ("peking-1860", "Ussuri"), ("peking-1860", "Sungacha")}
    for line, seg in drawn_segments():
        assert seg.follows in seg.words, "a stretch is drawn only along a river its source names"


def test_every_drawn_treaty_point_is_inside_the_frame_and_its_ends_where_its_points_project():
    base = maps.basemap()
    heixiazi = maps.position(next(s.start for _, s in drawn_segments() if s.start.id == "heixiazi"), base)
    gap = 40 * 1000 * base.scale
    for line, seg in drawn_segments():
        assert len(seg.points) >= 2
        for x, y in seg.points:
            assert 0 <= x <= base.width and 0 <= y <= base.height, (line.id, x, y)
        for end, point in ((seg.points[0], seg.start), (seg.points[-1], seg.end)):
            where = maps.position(point, base)
            if point.id == "heixiazi":      # stops at the gap's edge, short of the island
                assert math.dist(end, where) == pytest.approx(gap, abs=0.2), (line.id, point.id)
            else:
                assert math.dist(end, where) <= maps.ON_BORDER, (line.id, point.id)
        # Nothing drawn near Heixiazi, where no treaty says which channel the line takes.
        assert min(math.dist(p, heixiazi) for p in seg.points) >= gap - 0.2, line.id


def test_the_treaty_points_project_where_proj_puts_them():
    pyproj = pyproj_or_skip()
    base = maps.basemap()
    proj = re.search(rb'data-proj="([^"]+)"', base.data).group(1).decode()
    to_map = pyproj.Transformer.from_proj("EPSG:4326", proj, always_xy=True).transform
    xmin, ymin, xmax, ymax = base.frame
    for _, seg in drawn_segments():
        for point in (seg.start, seg.end):
            x, y = to_map(point.lon, point.lat)
            assert maps.position(point, base) == pytest.approx(((x - xmin) * base.scale, (ymax - y) * base.scale),
                                                               abs=0.11), point.id


def test_the_map_page_lists_every_treaty_line_with_its_sources_drawn_or_not(bundled):
    text = bundled.files["map/index.html"].decode()
    sources = bundled.timeline.content.sources
    for line in maps.treaty_lines():
        start = text.index(f'<section id="treaty-{line.id}"')
        section = text[start:text.index("</section>", start)]
        for seg in line.segments:
            assert f'href="../sources/index.html#src-{seg.source}"' in section, (line.id, seg.source)
        assert section.count("<strong>Drawn</strong>") == len(line.drawn), line.id
        assert section.count("<strong>Not drawn:</strong>") == len(line.segments) - len(line.drawn), line.id
    for line, seg in drawn_segments():
        path = text[text.index(f'd="{seg.d}"'):]
        title = path[path.index("<title>") + 7:path.index("</title>")]
        assert title.startswith(line.treaty) and sources[seg.source].title in title
        assert f'href="#treaty-{line.id}"' in text       # the legend leads to its sources
    assert "line is drawn only where its source" in text and "Heixiazi" in text and "no treaty line is drawn" in text


def test_a_timeline_without_the_treaties_sources_shows_none_of_their_lines(built):
    # The fixture has the treaties of 1689 and 1727 among its events but none of the works that give
    # their lines: nothing may be listed or drawn without its source.
    assert {"1689-treaty-of-nerchinsk", "1727-treaty-of-kyakhta"} <= set(built.timeline.by_id)
    text = built.files["map/index.html"].decode()
    assert "treaty-line" not in text
    assert 'id="treaty-lines"' not in text


def test_a_treaty_stretch_is_listed_only_with_a_source_in_the_bibliography(built, monkeypatch):
    key = next(iter(built.timeline.content.sources))
    line = maps.TreatyLine("t", "A treaty", "1689-treaty-of-nerchinsk", (
        maps.Segment(key, "Along a ridge.", why="Not placed."),
        maps.Segment("no-such-source", "Along a river.", why="Not placed.")))
    monkeypatch.setattr(maps, "treaty_lines", lambda: (line,))
    context = maps.map_page(built.timeline)[2]
    assert [s.source for l in context["treaty_lines"] for s in l.segments] == [key]


def test_a_treaty_stretch_whose_points_are_off_todays_border_is_refused(tmp_path):
    from timeline import treaties
    data = (treaties.BORDERS.read_text(encoding="utf-8")
            .replace("coordinates: [45.5751, 133.4152]", "coordinates: [55.7558, 37.6172]"))   # Moscow
    bad = tmp_path / "borders.yaml"
    bad.write_text(data, encoding="utf-8")
    lines, problems = treaties.load(bad)
    assert lines == ()
    # Both stretches that end at the mouth of the Sungacha are refused, each at its own line.
    assert [re.sub(r"is [\d.]+ units", "is N units", str(p).replace(str(bad), "F")) for p in problems] == [
        "F:87: lines[3].segments[0].from: heixiazi or sungacha-mouth is N units from today's border: not a stretch of it",
        "F:92: lines[3].segments[1].from: sungacha-mouth or sungacha-source is N units from today's border: "
        "not a stretch of it"]


def dense(points, step):
    """A polyline as points at most step apart."""
    out = []
    for a, b in zip(points, points[1:]):
        n = max(1, math.ceil(math.dist(a, b) / step))
        out += [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(n + 1)]
    return out


def circle_under_line(circle, points) -> bool:
    """Whether a polyline passes through a circle (cx, cy, r): a point of it, densified, inside."""
    cx, cy, r = circle
    return any(math.dist(p, (cx, cy)) < r for p in dense(points, 0.5))


def test_the_treaty_lines_are_drawn_above_the_marks_they_cross(bundled):
    text = bundled.files["map/index.html"].decode()
    page = parse(bundled, "map/index.html")
    marks = {href[len("#place-"):]: (cx, cy, r) for href, cx, cy, r in page.marks}
    ussuri = next(seg for line, seg in drawn_segments() if seg.follows == "Ussuri")
    # Hulin and Zhenbao island lie on the Ussuri: their circles and the treaty band overlap.
    crossed = [ident for ident, circle in marks.items() if circle_under_line(circle, ussuri.points)]
    assert {"hulin", "zhenbao"} <= set(crossed)
    lines_at = text.index('<g class="treaty-lines"')
    for ident in crossed:     # so each circle comes before the lines in the drawing: the line shows
        assert text.index(f'<a class="map-mark" href="#place-{ident}"') < lines_at, ident


def test_no_name_on_the_map_is_written_over_a_treaty_line(bundled):
    context = maps.map_page(bundled.timeline)[2]
    along = [p for line in context["treaty_lines"] for seg in line.drawn for p in dense(seg.points, 1.0)]
    named = [m for m in context["map"].marks if m.label]
    assert len(named) > 20
    for m in named:   # the label's box: 13-unit type, about 0.56 em a letter, lines 14 apart, from its anchor
        lines = getattr(m, "lines", ()) or (m.place.name,)
        w, y = 0.56 * 13 * max(map(len, lines)), getattr(m, "label_y", m.y + 4)
        x0 = m.label_x - {"start": 0, "end": w, "middle": w / 2}[m.anchor]
        bottom = y + 3.25 + 14 * (len(lines) - 1)
        assert not any(x0 <= x <= x0 + w and y - 9.75 <= y2 <= bottom for x, y2 in along), m.place.id
        assert 0 <= x0 and x0 + w <= context["map"].width, m.place.id      # and none runs off the map


def test_no_name_on_the_map_covers_another_name_or_another_places_circle(bundled):
    marks = maps.map_page(bundled.timeline)[2]["map"].marks
    boxes = []
    for m in marks:
        if m.label:
            w = 0.56 * maps.FONT * max(map(len, m.lines))
            boxes.append((m, maps._box((m.label_x, m.label_y, m.anchor), w, maps.LEADING * (len(m.lines) - 1))))

    def overlap(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for i, (m, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1:]:
            assert not overlap(box, other_box), (m.place.id, other.place.id)
        for c in marks:
            if c.how == "point" and c is not m:
                assert not overlap(box, (c.x - c.r, c.y - c.r, c.x + c.r, c.y + c.r)), (m.place.id, c.place.id)
