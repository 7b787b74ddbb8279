"""The build-time SVG charts: one linked, named mark per event, escaped text, stable bytes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from support import GOOD, ROOT
from timeline import chart
from timeline.build import render_site

SVG = "{http://www.w3.org/2000/svg}"


def timeline_of(src):
    result = render_site(src, templates=ROOT / "templates")
    assert result.ok, result.diagnostics
    return result.timeline


def parse(svg: str) -> ET.Element:
    # Inline SVG in HTML carries no xmlns; add it so that the markup is checked as well-formed XML.
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_every_event_is_one_named_link_coloured_by_its_first_theme_and_sized_by_significance():
    tl = timeline_of(GOOD)
    root = parse(chart.overview(tl))
    marks = root.findall(f".//{SVG}a")
    assert [m.get("href") for m in marks] == [f"events/{e.id}/index.html" for e in tl.entries]
    radius = {}
    for mark, entry in zip(marks, tl.entries):
        assert mark.find(f"{SVG}title").text == mark.get("aria-label")
        assert mark.get("aria-label").startswith(f"{entry.event.title}, {entry.date_display}")
        dot = mark.find(f"{SVG}circle[@class='dot']")
        assert dot.get("fill") == entry.themes[0].colour
        radius[entry.event.significance] = float(dot.get("r"))
    assert radius["major"] > radius["notable"] > radius["minor"]


def test_marks_close_in_time_stack_in_rows_instead_of_overlapping():
    tl = timeline_of(GOOD)
    dots = [(float(c.get("cx")), float(c.get("cy")), float(c.get("r")))
            for c in parse(chart.overview(tl)).iter(f"{SVG}circle") if c.get("class") == "hit"]
    for i, (x1, y1, r1) in enumerate(dots):
        for x2, y2, r2 in dots[i + 1:]:
            assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= (r1 + r2) ** 2, "two marks' targets overlap"
    # the two events of 1864 sit at nearly the same x, so they must be in different rows
    by_id = dict(zip((e.id for e in tl.entries), dots))
    assert by_id["1864-year-only"][1] != by_id["1864-dated"][1]


def test_axis_ticks_and_era_bands_cover_the_span():
    tl = timeline_of(GOOD)
    root = parse(chart.overview(tl))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels == ["Early", "Late", "1700", "1750", "1800", "1850", "1900", "1950", "2000"]
    bands = [r for r in root.iter(f"{SVG}rect") if "band" in (r.get("class") or "")]
    assert len(bands) == len(tl.site.eras)
    assert float(bands[0].get("x")) + float(bands[0].get("width")) == float(bands[1].get("x"))


def test_decade_counts_stack_each_event_once_under_its_first_theme():
    tl = timeline_of(GOOD)
    rows = chart.decade_counts(tl)
    assert rows[0].decade == 1680 and rows[-1].decade == 2020
    assert sum(r.total for r in rows) == len(tl.entries)
    by_decade = {r.decade: r.counts for r in rows}
    assert by_decade[1860] == (1, 1, 0)          # territory (year-only), diplomacy (dated)
    assert by_decade[1720] == (0, 0, 1)          # Kyakhta: trade first, territory second
    svg = parse(chart.decades(tl))
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text
    bars = [g for g in svg.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert len(bars) == sum(1 for r in rows if r.total)


def test_text_from_the_content_is_escaped(site_dir):
    src = site_dir({"events/1864-dated.yaml": """
        title: 'A <script>alert(1)</script> & "quoted" event'
        date: 1864-10-07
        themes: [diplomacy]
        significance: notable
        summary: Dated [@example-web].
        """})
    svg = chart.overview(timeline_of(src))
    assert "<script>" not in svg
    assert "A &lt;script&gt;alert(1)&lt;/script&gt; &amp; “quoted” event" in svg
    parse(svg)


def test_the_same_timeline_gives_the_same_bytes():
    a, b = chart.home(timeline_of(GOOD)), chart.home(timeline_of(GOOD))
    assert (a.overview, a.decades) == (b.overview, b.decades)
    coordinate = r'\b(?:c?x|c?y|r|width|height|[xy][12])="-?\d+\.\d{2,}"'
    assert not re.search(coordinate, a.overview + a.decades), "coordinates are rounded to one place"
