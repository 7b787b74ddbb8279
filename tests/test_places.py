"""site_src/places.yaml and the events' `place:` ids: every problem reported as file:line: field: message."""

from __future__ import annotations

import pytest
import yaml

from support import FIXTURES, ROOT
from timeline.cli import main

GOOD_PLACES = (FIXTURES / "good" / "site_src" / "places.yaml").read_text(encoding="utf-8")


def check(capsys) -> tuple[int, list[str]]:
    status = main(["check"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, [line for line in err.splitlines() if not line.startswith("check failed")]


def test_the_fixture_site_with_its_places_checks_clean(site_dir, capsys):
    site_dir()
    assert check(capsys) == (0, [])


@pytest.mark.parametrize("entry, line, message", [
    ("  kind: town\n  coordinates: [95, 100]\n  source: a gazetteer\n", 3,
     "site_src/places.yaml:{line}: bad.coordinates: latitude 95 is outside -90..90 (latitude comes first)"),
    ("  kind: town\n  coordinates: [50, 200.5]\n  source: a gazetteer\n", 3,
     "site_src/places.yaml:{line}: bad.coordinates: longitude 200.5 is outside -180..180"),
    ("  kind: town\n  coordinates: [50]\n  source: a gazetteer\n", 3,
     "site_src/places.yaml:{line}: bad.coordinates: expected [latitude, longitude] in degrees, e.g. [51.9833, 116.5833]"),
    ("  kind: town\n  coordinates: [50, east]\n  source: a gazetteer\n", 3,
     "site_src/places.yaml:{line}: bad.coordinates: expected [latitude, longitude] in degrees, e.g. [51.9833, 116.5833]"),
    ("  kind: citadel\n", 2,
     "site_src/places.yaml:{line}: bad.kind: unknown kind 'citadel'; one of town, site, river, estuary, lake, bay, "
     "sea, island, peninsula, region, mountain range"),
    ("  kind: rivr\n", 2,
     "site_src/places.yaml:{line}: bad.kind: unknown kind 'rivr' (did you mean 'river'?); one of town, site, river, "
     "estuary, lake, bay, sea, island, peninsula, region, mountain range"),
    ("  kind: town\n  coordinates: [50, 100]\n", 3,
     "site_src/places.yaml:{line}: bad.source: coordinates need the gazetteer entry they were taken from ('source')"),
    ("  kind: town\n  source: a gazetteer\n  url: geonames.org/1\n", 4,
     "site_src/places.yaml:{line}: bad.url: 'geonames.org/1' is not a web address (http:// or https://)"),
    ("  kind: region\n  area: CHN-1151\n", 3,
     "site_src/places.yaml:{line}: bad.area: no area 'CHN-1151' in timeline/areas.json (did you mean 'CHN-1150'?); "
     "scripts/make_areas.py lists the Natural Earth units it draws"),
    ("  kind: town\n  coordiantes: [50, 100]\n", 3,
     "site_src/places.yaml:{line}: bad.coordiantes: unknown field (did you mean 'coordinates'?)"),
])
def test_a_bad_place_is_reported_at_its_line(site_dir, capsys, entry, line, message):
    start = GOOD_PLACES.count("\n") + 1
    site_dir({"places.yaml": GOOD_PLACES + "bad:\n  names: {en: Bad}\n" + entry})
    status, lines = check(capsys)
    assert status == 1
    assert lines == [message.format(line=start + line)]


def test_a_place_needs_an_english_name_and_a_kind(site_dir, capsys):
    start = GOOD_PLACES.count("\n") + 1
    site_dir({"places.yaml": GOOD_PLACES + "bad:\n  names: {zh: 坏}\n"})
    status, lines = check(capsys)
    assert status == 1
    assert lines == [f"site_src/places.yaml:{start}: bad.kind: missing required field 'kind'",
                     f"site_src/places.yaml:{start + 1}: bad.names.en: needs an English name (en)"]


def test_a_place_defined_twice_is_an_error(site_dir, capsys):
    site_dir({"places.yaml": GOOD_PLACES + "moscow:\n  names: {en: Moscow again}\n  kind: town\n"})
    status, lines = check(capsys)
    assert status == 1
    assert any("moscow: key given twice" in line for line in lines), lines


def test_an_unknown_place_id_is_an_error_at_the_events_line_with_a_suggestion(site_dir, capsys):
    site_dir({"events/1700-somewhere.yaml": """
        title: Somewhere
        date: 1700
        themes: [territory]
        place: [kyakhta, nerchinks, atlantis]
        significance: minor
        summary: Text [@mancall-1971].
        """})
    status, lines = check(capsys)
    assert status == 1
    assert lines == [
        "site_src/events/1700-somewhere.yaml:4: place: no place 'atlantis' in places.yaml",
        "site_src/events/1700-somewhere.yaml:4: place: no place 'nerchinks' in places.yaml (did you mean 'nerchinsk'?)"]


def test_a_place_listed_twice_and_a_place_that_is_not_an_id_are_errors(site_dir, capsys):
    site_dir({"events/1700-somewhere.yaml": """
        title: Somewhere
        date: 1700
        themes: [territory]
        place: [kyakhta, kyakhta, {name: x}]
        significance: minor
        summary: Text [@mancall-1971].
        """})
    status, lines = check(capsys)
    assert status == 1
    assert lines == ["site_src/events/1700-somewhere.yaml:4: place: a place is listed twice",
                     "site_src/events/1700-somewhere.yaml:4: place: expected an id, got a mapping"]


def test_without_places_yaml_a_place_id_says_where_places_go(site_dir, capsys):
    site_dir({"places.yaml": None})
    status, lines = check(capsys)
    assert status == 1
    assert "site_src/events/1689-treaty-of-nerchinsk.yaml:5: place: no place 'nerchinsk' in places.yaml " \
           "(none is defined: places go in places.yaml beside site.yaml)" in lines


def test_without_places_the_site_builds_with_no_map(site_dir):
    from timeline.build import render_site
    src = site_dir({"places.yaml": None})
    for path in src.glob("events/*.yaml"):
        path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(True)
                                if not line.startswith("place:")), encoding="utf-8")
    result = render_site(src)
    assert result.ok, result.diagnostics
    assert "map/index.html" not in result.files and "places.geojson" not in result.files
    assert 'href="map/index.html"' not in result.files["index.html"].decode()


def test_places_yaml_that_is_not_a_mapping_is_one_error(site_dir, capsys):
    site_dir({"places.yaml": "- nerchinsk\n- kyakhta\n"})
    status, lines = check(capsys)
    assert status == 1
    assert lines == ["site_src/places.yaml:1: places: expected a mapping of place ids to places"]


# The bundled places.


BUNDLED = yaml.safe_load((ROOT / "site_src" / "places.yaml").read_text(encoding="utf-8"))


def test_every_bundled_place_has_its_name_in_english_chinese_and_russian():
    for ident, place in BUNDLED.items():
        assert {"en", "zh", "ru"} <= set(place["names"]), ident


def test_every_bundled_place_is_named_by_an_event(site):
    used = {p.id for e in site.timeline.entries for p in e.places}
    assert set(BUNDLED) == used


def test_the_frontier_places_of_the_bundled_history_are_drawn(site):
    from timeline import maps
    places = {p.id: p for p in site.timeline.site.places}
    for ident in ("nerchinsk", "kyakhta", "aigun", "blagoveshchensk", "zhenbao", "beijing", "moscow"):
        assert maps.position(places[ident]) is not None, ident
