"""The build-time SVG charts: one linked, named mark per event, escaped text, stable bytes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

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


def bands(root):
    return [(float(r.get("x")), float(r.get("width"))) for r in root.iter(f"{SVG}rect")
            if "band" in (r.get("class") or "")]


def marks_of(root):
    """id -> (cx, cy, target radius, mark element) for every mark of an overview."""
    out = {}
    for a in root.iter(f"{SVG}a"):
        hit = a.find(f"{SVG}circle[@class='hit']")
        out[a.get("data-event")] = (float(hit.get("cx")), float(hit.get("cy")), float(hit.get("r")), a)
    return out


def test_each_era_is_as_wide_as_its_share_of_the_events_and_a_little_of_the_years():
    tl = timeline_of(GOOD)
    (x0, w0), (x1, w1) = bands(parse(chart.overview(tl)))
    inner = chart.OVERVIEW_WIDTH - 2 * chart.PAD_X
    # Early: 4 of the 6 events, 1689-1916 (228 of 337 years); late: 2 events, 1917-2025 (109 years).
    assert x0 == chart.PAD_X and round(x0 + w0, 1) == x1
    assert abs(w0 - inner * (0.85 * 4 / 6 + 0.15 * 228 / 337)) < 0.2
    assert abs(w1 - inner * (0.85 * 2 / 6 + 0.15 * 109 / 337)) < 0.2
    assert round(x1 + w1, 1) == chart.OVERVIEW_WIDTH - chart.PAD_X


def test_within_an_era_time_runs_evenly_and_marks_sit_at_their_dates():
    tl = timeline_of(GOOD)
    root = parse(chart.overview(tl))
    (x0, w0), (x1, w1) = bands(root)
    marks = marks_of(root)
    # Zhenbao, 2 March 1969: 52.2 of the late era's 109 years in
    into = 1969 + 2 / 12 + 1.5 / 365 - 1917
    assert abs(marks["1969-zhenbao-island"][0] - (x1 + w1 * into / 109)) < 0.1
    # the year-only event of 1864 sits at mid-year, before the dated one of October
    assert abs(marks["1864-year-only"][0] - (x0 + w0 * (1864.5 - 1689) / 228)) < 0.1
    assert marks["1864-year-only"][0] < marks["1864-dated"][0]


def test_crowded_recent_years_get_room_in_the_real_timeline(site):
    """The linear scale gave 2022-2025 1.2% of the width; by its share of events it gets several times that."""
    tl = site.timeline
    root = parse(chart.overview(tl))
    widths = dict(zip((e.id for e in tl.site.eras), (w for _, w in bands(root))))
    recent = [e for e in tl.site.eras if e.start >= 2022][0]
    share = widths[recent.id] / (chart.OVERVIEW_WIDTH - 2 * chart.PAD_X)
    assert share > 0.85 * len(tl.by_era[recent.id]) / len(tl.entries) > 0.05
    # and a phone's first view (about 340 px of the chart) shows a good part of the history, not a band
    first_view = [m for m in marks_of(root).values() if m[0] < 340]
    assert len(first_view) >= len(tl.entries) // 4


def test_every_mark_is_a_24_pixel_target_and_no_two_targets_overlap_in_the_real_timeline(site):
    root = parse(chart.overview(site.timeline))
    marks = sorted(marks_of(root).values(), key=lambda m: m[0])
    assert len(marks) == len(site.timeline.entries)
    for i, (x1, y1, r1, _) in enumerate(marks):
        assert r1 >= 12
        for x2, y2, r2, _ in marks[i + 1:]:
            if x2 - x1 >= r1 + r2:
                break
            assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= (r1 + r2) ** 2, "two marks' targets overlap"
    assert float(root.get("width")) == chart.OVERVIEW_WIDTH     # shown at >= 1000 px (style.css)


def test_major_events_are_named_beside_their_marks_without_overlapping_anything(site):
    tl = site.timeline
    root = parse(chart.overview(tl))
    named, boxes = 0, []
    for cx, cy, r, a in marks_of(root).values():
        boxes.append((cx - r, cx + r, cy))
        text = a.find(f"{SVG}text")
        if text is None:
            continue
        named += 1
        entry = tl.by_id[a.get("data-event")]
        assert entry.event.significance == "major"
        assert text.get("aria-hidden") == "true"          # the link's name is its aria-label
        title = text.text.rstrip("…")
        assert entry.event.title.startswith(title) or title in entry.event.title
        width = len(text.text) * chart.MARK_CHAR
        x = float(text.get("x"))
        left, right = (x, x + width) if text.get("text-anchor") == "start" else (x - width, x)
        assert 0 <= left and right <= chart.OVERVIEW_WIDTH
        boxes.append((left, right, cy))
    majors = sum(1 for e in tl.entries if e.event.significance == "major")
    assert named >= majors // 2
    boxes.sort()
    for i, (l1, r1, y1) in enumerate(boxes):
        for l2, r2, y2 in boxes[i + 1:]:
            if l2 >= r1:
                break
            assert y1 != y2, "a name overlaps a mark or another name in its row"


def test_a_short_title_is_cut_at_a_word_or_left_out():
    assert chart.short_title("Treaty of Nerchinsk") == "Treaty of Nerchinsk"
    assert chart.short_title("Protocol of Chuguchak (Tarbagatai)") == "Protocol of Chuguchak"
    assert chart.short_title("Samarkand: Putin acknowledges China's concerns") == "Samarkand"
    assert chart.short_title("Treaty of Friendship, Alliance and Mutual Assistance") == "Treaty of Friendship…"
    assert chart.short_title("Declaration of a constructive partnership") is None     # "Declaration…" says too little
    assert chart.short_title("FT: leaked Russian military files on the threshold") == "FT: leaked Russian military…"


def test_the_chart_is_one_tab_stop_the_first_mark():
    tl = timeline_of(GOOD)
    tabindex = [a.get("tabindex") for a in parse(chart.overview(tl)).iter(f"{SVG}a")]
    assert tabindex == ["0"] + ["-1"] * (len(tl.entries) - 1)


def test_axis_years_are_round_where_sparse_finer_where_crowded_and_never_collide(site):
    for tl in (timeline_of(GOOD), site.timeline):
        root = parse(chart.overview(tl))
        axis = [g for g in root.iter(f"{SVG}g") if g.get("class") == "axis"][0]
        years = [int(t.text) for t in axis.iter(f"{SVG}text")]
        xs = [float(t.get("x")) for t in axis.iter(f"{SVG}text")]
        assert years == sorted(years) and len(years) == len(set(years))
        assert all(b - a >= 4 * chart.CHAR + 10 - 0.1 for a, b in zip(xs, xs[1:]))
        assert years[0] == 1700
    # the real timeline: the sparse eighteenth century by half-centuries, the crowded twentieth by decades
    assert [y for y in years if y < 1850] == [1700, 1750, 1800]
    assert {1920, 1930, 1940, 1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020} <= set(years)


def test_era_labels_and_bands_cover_the_span():
    tl = timeline_of(GOOD)
    root = parse(chart.overview(tl))
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "era-label"] == ["Early", "Late"]
    assert len(bands(root)) == len(tl.site.eras)


def test_decade_counts_stack_each_event_once_under_its_first_theme():
    tl = timeline_of(GOOD)
    rows = chart.decade_counts(tl)
    assert rows[0].decade == 1680 and rows[-1].decade == 2020
    assert sum(r.total for r in rows) == len(tl.entries)
    by_decade = {r.decade: r.counts for r in rows}
    assert by_decade[1860] == (1, 1, 0)          # territory (year-only), diplomacy (dated)
    assert by_decade[1720] == (0, 0, 1)          # Kyakhta: trade first, territory second
    svg = parse(chart.decades(tl))
    assert svg.find(f"{SVG}title").text
    bars = [g for g in svg.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert len(bars) == sum(1 for r in rows if r.total)


def test_each_decade_bar_links_to_the_first_listed_event_of_its_decade_with_a_24_pixel_target():
    tl = timeline_of(GOOD)
    svg = parse(chart.decades(tl, anchors=chart.decade_anchors(tl.entries)))
    links = list(svg.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == [
        "#e-1689-treaty-of-nerchinsk", "#e-1727-treaty-of-kyakhta", "#e-1864-year-only", "#e-1950-treaty-of-alliance", "#e-1969-zhenbao-island"]
    assert links[2].get("aria-label").startswith("1860s: 2 events")
    assert [a.get("tabindex") for a in links] == ["0", "-1", "-1", "-1", "-1"]
    for a in links:
        hit = a.find(f"{SVG}rect[@class='hit']")
        assert float(hit.get("width")) >= 24 and float(hit.get("height")) >= 24
    # a decade with no listed event is drawn but not linked
    only_late = [e for e in tl.entries if e.era.id == "late"]
    svg = parse(chart.decades(tl, anchors=chart.decade_anchors(only_late)))
    assert [a.get("href") for a in svg.iter(f"{SVG}a")] == ["#e-1950-treaty-of-alliance", "#e-1969-zhenbao-island"]
    assert chart.home(tl).decade_links == [(1680, "1689-treaty-of-nerchinsk", 1), (1720, "1727-treaty-of-kyakhta", 1),
                                           (1860, "1864-year-only", 2), (1950, "1950-treaty-of-alliance", 1),
                                           (1960, "1969-zhenbao-island", 1)]


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


def test_a_chinese_label_is_measured_about_twice_as_wide_as_its_character_count():
    """The chart lays labels out by an estimate of their width: a Chinese character takes about two
    Latin letters' room, so that Chinese labels on the zh home page do not run into each other."""
    from timeline.chart import text_units
    assert text_units("Nerchinsk") == 9
    assert text_units("尼布楚条约") == 10
    assert text_units("1689 尼布楚") == 11


class _PlainRows:
    """Rows as first written (every interval of every row looked at), to check the faster one against."""

    def __init__(self, max_rows, gap):
        self.rows, self.max_rows, self.gap = [], max_rows, gap

    def place(self, left, right, forced=True, within=None):
        within = self.max_rows if within is None else min(within, self.max_rows)
        for i, row in enumerate(self.rows[:within]):
            if all(r + self.gap <= left or right + self.gap <= l for l, r in row):
                break
        else:
            if len(self.rows) < within:
                self.rows.append([])
                i = len(self.rows) - 1
            elif not forced:
                return None
            else:
                i = min(range(len(self.rows)), key=lambda k: sum(
                    max(0.0, min(r, right) - max(l, left)) for l, r in self.rows[k]))
        self.rows[i].append((left, right))
        return i


@pytest.mark.parametrize("seed", range(12))
def test_rows_place_every_interval_where_looking_at_every_interval_would(seed):
    import random
    from timeline.chartlayout import Rows
    rng = random.Random(seed)
    fast, plain = Rows(6, gap=1.0), _PlainRows(6, gap=1.0)
    x = 0.0
    for n in range(600):
        # Mostly in order of time, as marks come, with labels and some out of order.
        x = x + rng.uniform(0, 3) if rng.random() < 0.9 else rng.uniform(0, 1000)
        width = rng.choice((7.0, 14.0, rng.uniform(0, 120)))
        forced, within = rng.random() < 0.7, rng.choice((None, 2, 4))
        assert fast.place(x, x + width, forced, within) == plain.place(x, x + width, forced, within), n
    assert fast.rows == plain.rows
