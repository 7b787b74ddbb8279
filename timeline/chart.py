"""The home page's charts as inline SVG, drawn at build time: the site needs no script to show them.

Pure functions of the Timeline returning markup strings. Every piece of text from the content is
escaped here; colours are the validated '#rrggbb' of site.yaml. Numbers are rounded to one decimal
place so that the same input always gives the same bytes.

Colours of axes, labels and bands are `currentColor` (and CSS classes that style.css may refine), so
the charts follow the page's light or dark scheme and print in black on paper; only the marks carry
their theme colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from . import urls
from .index import Entry, Timeline

# Sizes in viewBox units. The overview is drawn 1000 units wide and shown at 800-1000 px, so a unit is
# about a pixel: text stays readable because narrow screens scroll the chart rather than shrink it.
OVERVIEW_WIDTH = 1000
DECADES_WIDTH = 700
PAD_X = 12
RADIUS = {"major": 7.0, "notable": 5.0, "minor": 3.5}
HIT = 2.0                  # transparent ring around a mark that widens its target and spaces its row
ROW = 2 * (RADIUS["major"] + HIT) + 2
MAX_ROWS = 16              # beyond this, marks overlap in the emptiest row rather than grow the chart
LABEL_ROW = 18
FONT = 13
CHAR = 0.58 * FONT         # a generous average advance for the sans fonts the page uses


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _year_position(date, end: bool = False) -> float:
    """A date as a fractional Gregorian year: the middle of its period, or the end of it for `end`."""
    y, m, d = date.gregorian
    if d:
        return y + (m - 1) / 12 + (d - (0 if end else 0.5)) / 365
    if m:
        return y + (m - (0 if end else 0.5)) / 12
    return y + (1 if end else 0.5)


class _Scale:
    def __init__(self, start: int, end: int, width: float):
        self.start, self.span, self.width = start, (end + 1) - start, width - 2 * PAD_X

    def __call__(self, year: float) -> float:
        year = min(max(year, self.start), self.start + self.span)
        return PAD_X + (year - self.start) / self.span * self.width


def _pack(items: list[tuple[float, float]], max_rows: int, gap: float = 0.0) -> list[int]:
    """Greedy rows for intervals (left, right) in order: each goes in the first row where it fits."""
    ends: list[float] = []
    rows = []
    for left, right in items:
        for i, last in enumerate(ends):
            if last + gap <= left:
                break
        else:
            if len(ends) < max_rows:
                ends.append(float("-inf"))
                i = len(ends) - 1
            else:
                i = min(range(len(ends)), key=ends.__getitem__)
        ends[i] = max(ends[i], right)
        rows.append(i)
    return rows


def mark_label(entry: Entry) -> str:
    themes = ", ".join(t.label for t in entry.themes)
    return f"{entry.event.title}, {entry.date_display} ({themes}; {entry.event.significance})"


def overview(tl: Timeline, root: str = "", entries: list | None = None) -> str:
    """The 1689-2025 overview: era bands, labelled ticks, one linked mark per event."""
    site = tl.site
    x = _Scale(site.span_start, site.span_end, OVERVIEW_WIDTH)
    right_edge = OVERVIEW_WIDTH - PAD_X

    # Era labels sit above the bands, in as many rows as needed so that none overlaps another.
    spans = []
    for era in site.eras:
        width = len(era.label) * CHAR
        left = min(x(era.start), right_edge - width)
        spans.append((left, left + width))
    label_rows = _pack(spans, len(site.eras), gap=CHAR)
    n_label_rows = max(label_rows, default=-1) + 1
    band_top = n_label_rows * LABEL_ROW + 4

    marks = []
    entries = tl.entries if entries is None else entries
    for entry in entries:
        r = RADIUS.get(entry.event.significance, RADIUS["minor"])
        cx = x(_year_position(entry.event.date))
        far = x(_year_position(entry.event.end, end=True)) if entry.event.end else cx
        marks.append((entry, r, cx, max(far, cx)))
    rows = _pack([(cx - r - HIT, max(far, cx + r + HIT)) for _, r, cx, far in marks], MAX_ROWS, gap=1.0)
    n_rows = max(rows, default=0) + 1
    marks_top = band_top + 6
    axis_y = marks_top + n_rows * ROW + 6
    height = axis_y + 8 + FONT + 6

    out = [f'<svg class="chart overview-chart" viewBox="0 0 {OVERVIEW_WIDTH} {_n(height)}" '
           f'width="{OVERVIEW_WIDTH}" height="{_n(height)}" aria-labelledby="overview-title" '
           f'font-size="{FONT}">',
           f'<title id="overview-title">Overview of {len(entries)} events, {site.span_start}–{site.span_end}, '
           f'in {len(site.eras)} eras</title>']

    out.append('<g class="eras">')
    for i, (era, row, (left, _)) in enumerate(zip(site.eras, label_rows, spans)):
        x0, x1 = x(era.start), x(era.end + 1)
        label_y = row * LABEL_ROW + FONT
        out.append(
            f'<g class="era-band"><title>{escape(era.label)}, {era.start}–{era.end}</title>'
            f'<rect class="band band-{i % 2}" x="{_n(x0)}" y="{_n(band_top)}" width="{_n(x1 - x0)}" '
            f'height="{_n(axis_y - band_top)}" fill="currentColor" fill-opacity="{0.04 if i % 2 else 0.1}"/>'
            f'<line class="era-tick" x1="{_n(x0)}" x2="{_n(x0)}" y1="{_n(label_y + 3)}" y2="{_n(axis_y)}" '
            f'stroke="currentColor" stroke-opacity="0.35" stroke-width="1"/>'
            f'<text class="era-label" x="{_n(left)}" y="{_n(label_y)}" fill="currentColor">{escape(era.label)}</text>'
            f'</g>')
    out.append('</g>')

    out.append(f'<g class="axis" aria-hidden="true"><line x1="{PAD_X}" x2="{_n(right_edge)}" y1="{_n(axis_y)}" '
               f'y2="{_n(axis_y)}" stroke="currentColor" stroke-width="1"/>')
    first = -(-site.span_start // 10) * 10
    years = range(first, site.span_end + 1, 10)
    ticks = " ".join(f"M{_n(x(year))} {_n(axis_y)}v{6 if year % 50 == 0 else 3}" for year in years)
    out.append(f'<path d="{ticks}" stroke="currentColor" stroke-width="1"/>')
    for year in years:
        if year % 50 == 0:
            out.append(f'<text x="{_n(x(year))}" y="{_n(axis_y + 8 + FONT)}" text-anchor="middle" '
                       f'fill="currentColor">{year}</text>')
    out.append('</g>')

    out.append('<g class="marks">')
    for (entry, r, cx, far), row in zip(marks, rows):
        cy = marks_top + row * ROW + ROW / 2
        colour = entry.themes[0].colour if entry.themes else "#777777"
        label = escape(mark_label(entry))
        span = (f'<rect class="span" x="{_n(cx)}" y="{_n(cy - 1.5)}" width="{_n(far - cx)}" height="3" '
                f'fill="{escape(colour)}"/>' if far - cx > r else "")
        out.append(
            f'<a class="mark sig-{escape(entry.event.significance)}" href="{escape(root + urls.path("event", entry.id))}" '
            f'data-event="{escape(entry.id)}" aria-label="{label}"><title>{label}</title>{span}'
            f'<circle class="hit" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r + HIT)}" fill="transparent"/>'
            f'<circle class="dot" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{escape(colour)}" '
            f'stroke="#ffffff" stroke-width="1"/></a>')
    out.append('</g></svg>')
    return "\n".join(out)


@dataclass(frozen=True)
class DecadeRow:
    decade: int
    counts: tuple[int, ...]      # per theme, in site order, each event under its first theme

    @property
    def total(self) -> int:
        return sum(self.counts)


def decade_counts(tl: Timeline) -> list[DecadeRow]:
    site = tl.site
    order = {t.id: i for i, t in enumerate(site.themes)}
    first, last = site.span_start // 10 * 10, site.span_end // 10 * 10
    table = {d: [0] * len(site.themes) for d in range(first, last + 1, 10)}
    for entry in tl.entries:
        decade = entry.event.date.gregorian[0] // 10 * 10
        if decade in table and entry.themes:
            table[decade][order[entry.themes[0].id]] += 1
    return [DecadeRow(d, tuple(c)) for d, c in sorted(table.items())]


def _nice_max(value: int) -> tuple[int, int]:
    """An axis top at or above value, and a step that gives 2-5 gridlines."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value <= step * 5:
            return max(step, -(-value // step) * step), step
    step = 10 ** len(str(value))
    return -(-value // step) * step, step


def decades(tl: Timeline, rows: list[DecadeRow] | None = None) -> str:
    """Events per decade, stacked by each event's first theme (rows: decade_counts(tl), if known)."""
    site = tl.site
    rows = decade_counts(tl) if rows is None else rows
    top, step = _nice_max(max((r.total for r in rows), default=0) or 1)
    left, right, chart_top, plot_h = 34, DECADES_WIDTH - 8, 8, 150
    base = chart_top + plot_h
    height = base + 8 + FONT + 4
    slot = (right - left) / max(len(rows), 1)
    bar = slot * 0.78

    out = [f'<svg class="chart decades-chart" viewBox="0 0 {DECADES_WIDTH} {_n(height)}" width="{DECADES_WIDTH}" '
           f'height="{_n(height)}" role="img" aria-labelledby="decades-title decades-desc" font-size="{FONT}">',
           '<title id="decades-title">Events per decade, stacked by theme</title>',
           f'<desc id="decades-desc">{len(rows)} decades from {rows[0].decade}s to {rows[-1].decade}s; '
           f'the busiest has {max(r.total for r in rows)} events. The table below gives every count.</desc>'
           if rows else '<desc id="decades-desc">No events.</desc>',
           '<g class="grid">']
    for value in range(0, top + 1, step):
        y = base - value / top * plot_h
        out.append(f'<line x1="{left}" x2="{right}" y1="{_n(y)}" y2="{_n(y)}" stroke="currentColor" '
                   f'stroke-opacity="{1 if value == 0 else 0.2}" stroke-width="1"/>'
                   f'<text x="{left - 6}" y="{_n(y + FONT * 0.35)}" text-anchor="end" fill="currentColor">{value}</text>')
    out.append('</g><g class="bars">')
    for i, row in enumerate(rows):
        bx = left + i * slot + (slot - bar) / 2
        y = base
        parts = []
        for theme, count in zip(site.themes, row.counts):
            if not count:
                continue
            h = count / top * plot_h
            y -= h
            parts.append(f'<rect x="{_n(bx)}" y="{_n(y)}" width="{_n(bar)}" height="{_n(h)}" '
                         f'fill="{escape(theme.colour)}" stroke="#ffffff" stroke-width="0.5"/>')
        if parts:
            detail = ", ".join(f"{t.label} {c}" for t, c in zip(site.themes, row.counts) if c)
            out.append(f'<g><title>{row.decade}s: {row.total} event{"s" if row.total != 1 else ""} '
                       f'({escape(detail)})</title>{"".join(parts)}</g>')
        if row.decade % 50 == 0:
            out.append(f'<text x="{_n(bx + bar / 2)}" y="{_n(base + 8 + FONT)}" text-anchor="middle" '
                       f'fill="currentColor">{row.decade}s</text>')
    out.append('</g></svg>')
    return "\n".join(out)


@dataclass(frozen=True)
class Charts:
    overview: Markup
    decades: Markup
    counts: list


def home(tl: Timeline, root: str = "", entries: list | None = None, memo: dict | None = None) -> Charts:
    """Everything the home page's overview partial shows (marks for `entries`, counts for all).

    memo: a dict kept by a long-lived caller; each chart is drawn again only when what it shows
    changed (the same site, and for the overview the very same entry objects, keep it)."""
    memo = {} if memo is None else memo
    entries = list(tl.entries if entries is None else entries)
    rows = decade_counts(tl)
    hit = memo.get("overview")
    # (A list compares its items by identity first: the same entries cost little.)
    if hit is not None and hit[0] == (tl.site, root) and hit[1] == entries:
        marks = hit[2]
    else:
        marks = Markup(overview(tl, root, entries))
        memo["overview"] = ((tl.site, root), entries, marks)
    hit = memo.get("decades")
    if hit is not None and hit[0] == (tl.site, rows):
        bars = hit[1]
    else:
        bars = Markup(decades(tl, rows))
        memo["decades"] = ((tl.site, rows), bars)
    return Charts(marks, bars, rows)
