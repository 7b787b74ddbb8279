"""Where the charts put things: a scale of years to x (each era as wide as its share of the events),
greedy rows of intervals so that marks and labels do not overlap, and titles cut to fit beside a mark."""

from __future__ import annotations

PAD_X = 12
SHORT = 28                 # at most this many characters of a title beside its mark
# The scale gives each era a share of the width: mostly by its number of events, so that a crowded
# decade gets room, and a little by its length in years, so that a quiet century is not a sliver.
TIME_SHARE = 0.15


def year_position(date, end: bool = False) -> float:
    """A date as a fractional Gregorian year: the middle of its period, or the end of it for `end`."""
    y, m, d = date.gregorian
    if d:
        return y + (m - 1) / 12 + (d - (0 if end else 0.5)) / 365
    if m:
        return y + (m - (0 if end else 0.5)) / 12
    return y + (1 if end else 0.5)


class Scale:
    """Years to x, piecewise linear: one segment per era (and per stretch of the span no era covers),
    each as wide as its share of the events and of the years says."""

    def __init__(self, start: int, end: int, width: float, eras=(), positions=()):
        cuts = sorted({start, end + 1, *(e.start for e in eras if start < e.start <= end),
                       *(e.end + 1 for e in eras if start < e.end + 1 <= end)})
        counts = [0] * (len(cuts) - 1)
        for year in positions:
            counts[self._segment(cuts, year)] += 1
        total, years = sum(counts), (end + 1) - start
        shares = [(1 - TIME_SHARE) * (c / total if total else (b - a) / years) + TIME_SHARE * (b - a) / years
                  for c, a, b in zip(counts, cuts, cuts[1:])]
        self.cuts, self.xs = cuts, [PAD_X]
        for share in shares:
            self.xs.append(self.xs[-1] + share * (width - 2 * PAD_X))

    @staticmethod
    def _segment(cuts: list, year: float) -> int:
        i = 0
        while i < len(cuts) - 2 and year >= cuts[i + 1]:
            i += 1
        return i

    def __call__(self, year: float) -> float:
        year = min(max(year, self.cuts[0]), self.cuts[-1])
        i = self._segment(self.cuts, year)
        a, b = self.cuts[i], self.cuts[i + 1]
        return self.xs[i] + (year - a) / (b - a) * (self.xs[i + 1] - self.xs[i])


class Rows:
    """Rows of occupied intervals; a new interval goes in the first row where it overlaps nothing.

    Marks come mostly in order of time, so each row also keeps its longest interval and whether its
    intervals came in order of their left ends: then a look back from its newest interval can stop
    at the first that ends (with a margin for rounding) before the new one begins, which only
    intervals further back could not either."""

    def __init__(self, max_rows: int, gap: float):
        self.rows: list[list[tuple[float, float]]] = []
        self.max_rows, self.gap = max_rows, gap
        self._longest: list[float] = []
        self._ordered: list[bool] = []

    def _near(self, k: int, left: float):
        """The intervals of row k that may reach left (newest first; others end before it)."""
        row, longest = self.rows[k], self._longest[k] + self.gap + 1.0
        for l, r in reversed(row):
            if self._ordered[k] and l + longest < left:
                return
            yield l, r

    def _fits(self, k: int, left: float, right: float) -> bool:
        return all(r + self.gap <= left or right + self.gap <= l for l, r in self._near(k, left))

    def _overlap(self, k: int, left: float, right: float) -> float:
        # Summed oldest first, as the intervals came: the very same float whatever the look back skipped.
        return sum(reversed([max(0.0, min(r, right) - max(l, left)) for l, r in self._near(k, left)
                             if r > left and l < right]))

    def place(self, left: float, right: float, forced: bool = True, within: int | None = None) -> int | None:
        """The row taken, or None when nothing fits in the first `within` rows and not `forced`."""
        within = self.max_rows if within is None else min(within, self.max_rows)
        for i in range(min(within, len(self.rows))):
            if self._fits(i, left, right):
                break
        else:
            if len(self.rows) < within:
                self.rows.append([])
                self._longest.append(0.0)
                self._ordered.append(True)
                i = len(self.rows) - 1
            elif not forced:
                return None
            else:  # full: the row whose intervals overlap this one least
                i = min(range(len(self.rows)), key=lambda k: self._overlap(k, left, right))
        row = self.rows[i]
        self._ordered[i] = self._ordered[i] and (not row or row[-1][0] <= left)
        self._longest[i] = max(self._longest[i], right - left)
        row.append((left, right))
        return i


def pack(items: list[tuple[float, float]], max_rows: int, gap: float = 0.0) -> list[int]:
    """Greedy rows for intervals (left, right) in order: each goes in the first row where it fits."""
    rows = Rows(max_rows, gap)
    return [rows.place(left, right) for left, right in items]


_LINKING = {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def short_title(title: str, limit: int = SHORT) -> str | None:
    """A title cut for a label beside its mark (before a parenthesis, or a colon after a place name,
    then at a word), or None when what is left would say too little to be worth the room."""
    for stop in (" (", ": "):
        at = title.find(stop, 1)
        if at >= 6:
            title = title[:at]
    if len(title) <= limit:
        return title
    words = title[:limit].split(" ")[:-1]          # whole words only
    while words and (words[-1].lower() in _LINKING or not words[-1].strip(",;:–-")):
        words.pop()
    kept = " ".join(words).rstrip(",;:–- ")
    return kept + "…" if len(words) >= 2 and len(kept) >= 12 else None
