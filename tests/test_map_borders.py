"""timeline/borders.yaml, the treaty lines that ship with the package: a mistake in it is a diagnostic
like any in the content (file:line: field: message), every one in one run, exit status 1, no traceback."""

from __future__ import annotations

from timeline import treaties
from timeline.cli import main

BAD = """\
points:
  argun-mouth:
    name: the mouth of the Argun
    coordinates: [153.3, 121.48]
    source: a gazetteer
  heixiazi:
    name: Heixiazi
    coordinates: [48.3614, 134.8139]
  sungacha-mouth:
    name: the mouth of the Sungacha
    coordinates: [45.5751, 133.4152]
    source: a gazetteer
heixiazi-gap-km: 40
lines:
  - id: peking-1860
    treaty: Convention of Peking (1860)
    event: 1860-convention-of-peking
    segments:
      - words: Along the Ussuri.
        follows: Ussuri
        from: heixiazi
        to: sungacha-mout
      - source: gse-peking-treaty-1860
        words: Across the lake.
      - source: gse-peking-treaty-1860
        words: Along the Ussuri.
        follows: Ussuri
        from: sungacha-mouth
  - id: kyakhta-1727
    treaty: Treaty of Kyakhta
    event: 1727-treaty-of-kyakhta
    colour: red
    segments: []
"""

EXPECTED = [
    "F:4: points.argun-mouth.coordinates: [153.3, 121.48] is not a latitude (-90..90) and a longitude (-180..180)",
    "F:6: points.heixiazi.source: missing required field 'source'",
    "F:19: lines[0].segments[0].source: missing required field 'source'",
    "F:22: lines[0].segments[0].to: no point 'sungacha-mout' under points (did you mean 'sungacha-mouth'?)",
    "F:23: lines[0].segments[1].why: a stretch not drawn says why ('why'), or gives follows, from and to",
    "F:25: lines[0].segments[2].to: missing required field 'to' (a drawn stretch gives follows, from and to)",
    "F:32: lines[1].colour: unknown field",
    "F:33: lines[1].segments: required field 'segments' is empty",   # segments: [] (was 'missing')
]


def shown(problems, path) -> list[str]:
    return [str(p).replace(str(path), "F") for p in problems]


def test_the_bundled_borders_file_has_no_problem():
    lines, problems = treaties.load(treaties.BORDERS)
    assert problems == () and len(lines) == 7


def test_every_problem_of_a_bad_borders_file_is_named_at_its_line(tmp_path):
    bad = tmp_path / "borders.yaml"
    bad.write_text(BAD, encoding="utf-8")
    lines, problems = treaties.load(bad)
    assert lines == ()           # nothing is drawn from a file with a mistake in it
    assert shown(problems, bad) == EXPECTED


def test_a_point_outside_the_map_and_a_yaml_error_are_diagnostics_too(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(BAD.replace("[153.3, 121.48]", "[-33.9, 151.2]"), encoding="utf-8")   # Sydney
    assert shown(treaties.load(outside)[1], outside)[0] == (
        "F:4: points.argun-mouth.coordinates: [-33.9, 151.2] lies outside the map (latitude comes first)")
    broken = tmp_path / "broken.yaml"
    broken.write_text("points:\n  a: [1, 2\n", encoding="utf-8")
    [problem] = shown(treaties.load(broken)[1], broken)
    assert problem.startswith("F:") and "Traceback" not in problem


def test_check_reports_a_bad_borders_file_with_the_content_and_exits_1(site_dir, capsys, tmp_path, monkeypatch):
    site_dir()
    bad = tmp_path / "borders.yaml"
    bad.write_text(BAD, encoding="utf-8")
    monkeypatch.setattr(treaties, "BORDERS", bad)
    status = main(["check"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert [line for line in shown(err.splitlines(), bad) if line.startswith("F:")] == EXPECTED


def test_the_bundled_file_is_named_as_the_package_holds_it(tmp_path, monkeypatch):
    text = treaties.BORDERS.read_text(encoding="utf-8").replace("heixiazi-gap-km: 40", "heixiazi-gap-km: many")
    monkeypatch.setattr(treaties.yamlfile, "read_text", lambda path: text)
    treaties.load.cache_clear()
    try:
        [problem] = treaties.load(treaties.BORDERS)[1]
    finally:
        treaties.load.cache_clear()
    assert str(problem).startswith("timeline/borders.yaml:") and "heixiazi-gap-km: expected a distance" in str(problem)
