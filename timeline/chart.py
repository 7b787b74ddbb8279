"""The home page's charts as inline SVG, drawn at build time: the site needs no script to show them.

Pure functions of the Timeline returning markup strings. Every piece of text from the content is
escaped here; colours are the validated '#rrggbb' of site.yaml. Numbers are rounded to one decimal
place so that the same input always gives the same bytes.

Colours of axes, labels and bands are `currentColor` (and CSS classes that style.css may refine), so
the charts follow the page's light or dark scheme and print in black on paper; only the marks carry
their theme colour.
"""

from __future__ import annotations

import unicodedata

from dataclasses import dataclass

from markupsafe import Markup, escape

from . import urls
from .chartwords import (DECADES_TITLE, EVENTS, ERAS, OVERVIEW_TITLE, count as _count, decade_bar, decades_desc,
                         era_band, mark_label, texts as _texts)
from .chartlayout import PAD_X, Rows, Scale, pack, short_title, year_position
from .dates import decade_label
from .incremental import Memo, Stage, digest
from .index import Timeline

# Sizes in viewBox units. The overview is drawn 1000 units wide and never shown narrower than 1000 px
# (narrow screens scroll it sideways), so a unit is at least a pixel: text stays readable and every
# mark keeps a target of at least 24 x 24 px (WCAG 2.5.8).
OVERVIEW_WIDTH = 1000
DECADES_WIDTH = 700
RADIUS = {"major": 7.0, "notable": 5.0, "minor": 3.5}
TARGET = 12.0              # radius of the transparent circle that takes a tap: 24 units across
ROW = 2 * TARGET + 2
MAX_ROWS = 24              # beyond this, marks overlap in the least crowded row rather than grow the chart
LABEL_ROWS = 8             # names of major events go in the first rows only, to keep the chart short
LABEL_ROW = 18
FONT = 13
MARK_FONT = 12             # the names beside major events
CHAR = 0.58 * FONT         # a generous average advance for the sans fonts the page uses
MARK_CHAR = 0.58 * MARK_FONT


def text_units(text: str) -> int:
    """A label's width in Latin letters: a Chinese character (East Asian wide) takes about two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def overview(tl: Timeline, root: str = "", entries: list | None = None) -> str:
    """The overview: era bands, labelled years, one linked mark per event, names beside major events.

    The marks form one stop for the keyboard: the first is in the tab order, the others are reached
    with the arrow keys (timeline.js); without the script every event is still in the list below."""
    site, code = tl.site, tl.site.language
    entries = tl.entries if entries is None else entries
    x = Scale(site.span_start, site.span_end, OVERVIEW_WIDTH, site.eras,
              [year_position(e.event.date) for e in entries])
    right_edge = OVERVIEW_WIDTH - PAD_X

    spans, label_rows = _era_labels(site.eras, x, right_edge)
    n_label_rows = max(label_rows, default=-1) + 1
    band_top = n_label_rows * LABEL_ROW + 4

    marks, rows = _place_marks(entries, x)
    n_rows = max(len(rows.rows), 1)
    marks_top = band_top + 6
    axis_y = marks_top + n_rows * ROW + 6
    height = axis_y + 8 + FONT + 6

    title = _texts(code).gettext(OVERVIEW_TITLE).format(
        events=_count(code, EVENTS, len(entries)), start=site.span_start, end=site.span_end,
        eras=_count(code, ERAS, len(site.eras)))
    out = [f'<svg class="chart overview-chart" viewBox="0 0 {OVERVIEW_WIDTH} {_n(height)}" '
           f'width="{OVERVIEW_WIDTH}" height="{_n(height)}" aria-labelledby="overview-title" '
           f'font-size="{FONT}">',
           f'<title id="overview-title">{escape(title)}</title>']

    out.append('<g class="eras">')
    out += [_era_band(i, era, row * LABEL_ROW + FONT, left, x, band_top, axis_y, code)
            for i, (era, row, (left, _)) in enumerate(zip(site.eras, label_rows, spans))]
    out.append('</g>')

    out += _axis(x, site.span_start, site.span_end, axis_y, right_edge)

    out.append('<g class="marks">')
    out += [_mark(i, mark, marks_top, root, code) for i, mark in enumerate(marks)]
    out.append('</g></svg>')
    return "\n".join(out)


def _era_band(i: int, era, label_y: float, left: float, x, band_top: float, axis_y: float, code: str) -> str:
    """One era's band, with its label at label_y (marked lang="en" where it is not yet translated) and
    its heading as its tooltip (chartwords.era_band)."""
    x0, x1 = x(era.start), x(era.end + 1)
    lang = ' lang="en"' if "label" in era.english else ""
    return (f'<g class="era-band"{lang}><title>{escape(era_band(era, code))}</title>'
            f'<rect class="band band-{i % 2}" x="{_n(x0)}" y="{_n(band_top)}" width="{_n(x1 - x0)}" '
            f'height="{_n(axis_y - band_top)}" fill="currentColor" fill-opacity="{0.04 if i % 2 else 0.1}"/>'
            f'<line class="era-tick" x1="{_n(x0)}" x2="{_n(x0)}" y1="{_n(label_y + 3)}" y2="{_n(axis_y)}" '
            f'stroke="currentColor" stroke-opacity="0.35" stroke-width="1"/>'
            f'<text class="era-label" x="{_n(left)}" y="{_n(label_y)}" fill="currentColor">{escape(era.label)}</text>'
            f'</g>')


def _era_labels(eras, x, right_edge: float) -> tuple[list, list[int]]:
    """Era labels sit above the bands, in as many rows as needed so that none overlaps another:
    each label's (left, right), and its row."""
    spans = []
    for era in eras:
        width = text_units(era.label) * CHAR
        left = max(PAD_X, min(x(era.start), right_edge - width))
        spans.append((left, left + width))
    return spans, pack(spans, len(eras), gap=CHAR)


def _place_marks(entries, x) -> tuple[list, Rows]:
    """[entry, radius, x, x of its end, row, label side] for each entry, and the rows they fill."""
    # Major events are placed first, each with its name beside it if a row has room (to the right,
    # else to the left); then every other mark goes in the first row where its target is free.
    marks = []
    for entry in entries:
        r = RADIUS.get(entry.event.significance, RADIUS["minor"])
        cx = x(year_position(entry.event.date))
        far = x(year_position(entry.event.end, end=True)) if entry.event.end else cx
        marks.append([entry, r, cx, max(far, cx), None, None])   # ..., row, label side
    rows = Rows(MAX_ROWS, gap=1.0)
    for mark in marks:
        entry, r, cx, far, _, _ = mark
        name = short_title(entry.event.title)
        if entry.event.significance != "major" or name is None:
            continue
        width = text_units(name) * MARK_CHAR + 4
        for side, left, right in (("right", cx - TARGET, max(far, cx + TARGET) + width),
                                  ("left", cx - TARGET - width, max(far, cx + TARGET))):
            if left >= 0 and right <= OVERVIEW_WIDTH:
                row = rows.place(left, right, forced=False, within=LABEL_ROWS)
                if row is not None:
                    mark[4:] = [row, side]
                    break
    for mark in marks:
        entry, r, cx, far, row, _ = mark
        if row is None:
            mark[4] = rows.place(cx - TARGET, max(far, cx + TARGET))
    return marks, rows


def _axis(x, start: int, end: int, axis_y: float, right_edge: float) -> list[str]:
    out = []
    out.append(f'<g class="axis" aria-hidden="true"><line x1="{PAD_X}" x2="{_n(right_edge)}" y1="{_n(axis_y)}" '
               f'y2="{_n(axis_y)}" stroke="currentColor" stroke-width="1"/>')
    years = axis_years(x, start, end)
    ticks = " ".join(f"M{_n(x(year))} {_n(axis_y)}v6" for year in years)
    out.append(f'<path d="{ticks}" stroke="currentColor" stroke-width="1"/>')
    for year in years:
        out.append(f'<text x="{_n(x(year))}" y="{_n(axis_y + 8 + FONT)}" text-anchor="middle" '
                   f'fill="currentColor">{year}</text>')
    out.append('</g>')
    return out


def _mark(i: int, mark: list, marks_top: float, root: str, code: str = "en") -> str:
    """One event's mark: linked, named for screen readers, the first one in the tab order."""
    entry, r, cx, far, row, side = mark
    cy = marks_top + row * ROW + ROW / 2
    colour = entry.themes[0].colour if entry.themes else "#777777"
    label = escape(mark_label(entry, code))
    span = (f'<rect class="span" x="{_n(cx)}" y="{_n(cy - 1.5)}" width="{_n(far - cx)}" height="3" '
            f'fill="{escape(colour)}"/>' if far - cx > r else "")
    name = ""
    if side:
        tx = max(far, cx + TARGET) + 2 if side == "right" else cx - TARGET - 2
        anchor = "start" if side == "right" else "end"
        name = (f'<text class="mark-name" x="{_n(tx)}" y="{_n(cy + MARK_FONT * 0.35)}" text-anchor="{anchor}" '
                f'font-size="{MARK_FONT}" fill="currentColor" aria-hidden="true">'
                f'{escape(short_title(entry.event.title))}</text>')
    return (
        f'<a class="mark sig-{escape(entry.event.significance)}" href="{escape(root + urls.path("event", entry.id))}" '
        f'data-event="{escape(entry.id)}" tabindex="{0 if i == 0 else -1}" aria-label="{label}">'
        f'<title>{label}</title>{span}'
        f'<circle class="hit" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(TARGET)}" fill="transparent"/>'
        f'<circle class="dot" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{escape(colour)}" '
        f'stroke="#ffffff" stroke-width="1"/>{name}</a>')


def axis_years(x, start: int, end: int, room: float = 4 * CHAR + 10) -> list[int]:
    """Years to label on the axis, in order: the round ones first (50, then 10, 5 and single years),
    each only where it keeps `room` from the labels already chosen, so crowded eras get finer years."""
    chosen: list[int] = []
    for step in (50, 10, 5, 1):
        for year in range(-(-start // step) * step, end + 1, step):
            if year not in chosen and all(abs(x(year) - x(c)) >= room for c in chosen):
                chosen.append(year)
    return sorted(chosen)


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


def decade_anchors(entries: list) -> dict[int, str]:
    """Decade -> the id of its first event among `entries` (those the page lists, in time order)."""
    anchors: dict[int, str] = {}
    for entry in entries:
        anchors.setdefault(entry.event.date.gregorian[0] // 10 * 10, entry.id)
    return anchors


def _grid_line(y: float, value: int, left: float, right: float) -> str:
    return (f'<line x1="{left}" x2="{_n(right)}" y1="{_n(y)}" y2="{_n(y)}" stroke="currentColor" '
            f'stroke-opacity="{1 if value == 0 else 0.2}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{_n(y + FONT * 0.35)}" text-anchor="end" fill="currentColor">{value}</text>')


def _stack(themes, counts, bx: float, bar: float, base: float, top: int, plot_h: float) -> list[str]:
    """One decade's bar: a rectangle per theme with events, stacked up from base."""
    y, parts = base, []
    for theme, count in zip(themes, counts):
        if not count:
            continue
        h = count / top * plot_h
        y -= h
        parts.append(f'<rect x="{_n(bx)}" y="{_n(y)}" width="{_n(bar)}" height="{_n(h)}" '
                     f'fill="{escape(theme.colour)}" stroke="#ffffff" stroke-width="0.5"/>')
    return parts


def decades(tl: Timeline, rows: list[DecadeRow] | None = None, anchors: dict[int, str] | None = None) -> str:
    """Events per decade, stacked by each event's first theme (rows: decade_counts(tl), if known).

    anchors: decade -> event id; each such decade's bar links to that event in the page's list, and
    the bars, like the overview's marks, are one stop for the keyboard."""
    site, code = tl.site, tl.site.language
    _ = _texts(code).gettext
    rows = decade_counts(tl) if rows is None else rows
    anchors = {} if anchors is None else anchors
    top, step = _nice_max(max((r.total for r in rows), default=0) or 1)
    left, chart_top, plot_h = 34, 8, 150
    # A slot (bar and gap) of at least 2 x TARGET units, so that every bar is a 24 px target.
    width = max(DECADES_WIDTH, round(left + 8 + len(rows) * (2 * TARGET + 2)))
    right = width - 8
    base = chart_top + plot_h
    height = base + 8 + FONT + 4
    slot = (right - left) / max(len(rows), 1)
    bar = slot * 0.78

    out = [f'<svg class="chart decades-chart" viewBox="0 0 {width} {_n(height)}" width="{width}" '
           f'height="{_n(height)}" aria-labelledby="decades-title decades-desc" font-size="{FONT}">',
           f'<title id="decades-title">{escape(_(DECADES_TITLE))}</title>',
           f'<desc id="decades-desc">{escape(decades_desc(rows, code))}</desc>',
           '<g class="grid" aria-hidden="true">']
    out += [_grid_line(base - value / top * plot_h, value, left, right) for value in range(0, top + 1, step)]
    out.append('</g><g class="bars">')
    first_link = True
    for i, row in enumerate(rows):
        bx = left + i * slot + (slot - bar) / 2
        parts = _stack(site.themes, row.counts, bx, bar, base, top, plot_h)
        if parts:
            name = escape(decade_bar(row, site.themes, code))
            target = anchors.get(row.decade)
            if target:
                # The whole column takes the tap, not only the bar, however short the bar is.
                out.append(f'<a class="mark decade" href="#e-{escape(target)}" tabindex="{0 if first_link else -1}" '
                           f'aria-label="{name}"><title>{name}</title>'
                           f'<rect class="hit" x="{_n(left + i * slot)}" y="{chart_top}" width="{_n(slot)}" '
                           f'height="{plot_h}" fill="transparent"/>{"".join(parts)}</a>')
                first_link = False
            else:
                out.append(f'<g><title>{name}</title>{"".join(parts)}</g>')
        if row.decade % 50 == 0:
            out.append(f'<text x="{_n(bx + bar / 2)}" y="{_n(base + 8 + FONT)}" text-anchor="middle" '
                       f'fill="currentColor" aria-hidden="true">{escape(decade_label(row.decade, code))}</text>')
    out.append('</g></svg>')
    return "\n".join(out)


@dataclass(frozen=True)
class Charts:
    overview: Markup
    decades: Markup
    counts: list
    decade_links: list      # (decade, id of its first listed event, events listed), for a jump list


# Each chart is drawn again only when what it shows changed: in the preview, an edit to an event the
# home page does not show (at 10,000 events it shows the major ones) leaves the charts as they were.
OVERVIEW = Stage("chart.overview")     # (language, root) -> the overview's markup
DECADES = Stage("chart.decades")       # language -> the decades chart's markup


def home(tl: Timeline, root: str = "", entries: list | None = None, memo: Memo | None = None) -> Charts:
    """Everything the home page's overview partial shows (marks for `entries`, counts for all)."""
    memo = Memo() if memo is None else memo
    site = tl.site
    entries = list(tl.entries if entries is None else entries)
    rows = decade_counts(tl)
    anchors = decade_anchors(entries)
    # What the overview reads: the span, the eras, and of each mark its event, date and themes (and
    # whether its title is stale: the same words then carry a note).
    shown = digest(site.span_start, site.span_end, site.eras, root, *(
        (e.id, e.event.title, e.event.date, e.event.end, e.event.significance, e.date_display,
         "title" in e.stale, tuple((t.label, t.colour) for t in e.themes)) for e in entries))
    marks = memo.get(OVERVIEW, (site.language, root), shown, lambda: Markup(overview(tl, root, entries)))
    bars = memo.get(DECADES, site.language, digest(site.themes, rows, anchors), lambda: Markup(decades(tl, rows, anchors)))
    listed: dict[int, int] = {}
    for entry in entries:
        decade = entry.event.date.gregorian[0] // 10 * 10
        listed[decade] = listed.get(decade, 0) + 1
    return Charts(marks, bars, rows, [(d, anchors[d], n) for d, n in listed.items()])
