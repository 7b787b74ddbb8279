"""The note of a stale translation (transstamp) where tests/test_stale_marks.py does not look: the
bibliography's "Cited for" links, the home page's charts (tooltips and legend) and filters, the Atom
feed's categories and TimelineJS's groups. In a page's HTML it is the map list's
<small class="event-stale-inline"> after the text; where only plain text can go (an SVG <title>, an
aria-label, an <option>, an Atom category's label, a TimelineJS group, which TimelineJS strips of
markup) the sentence follows the text after a space, as in the feed's subtitle. Only for a stale
text that the place shows: a theme's stale description does not mark its label, nor an event's
stale body its title. Never for a current translation, nor in the English edition.

A PDF's bookmarks note what its printed contents note; its metadata title is the title page's
heading as it is (test_the_pdfs_bookmarks_note_what_its_contents_note_and_its_title_is_the_title_pages)."""

from __future__ import annotations

import json
import re

import feedparser
import pytest

import test_translation_stamps as stamps
from support import multilingual
from timeline.build import build_site

NOTE = {"ru": "Английский текст изменился после перевода.", "zh": "翻译之后，英文原文已有改动。"}
INLINE = '<small class="event-stale-inline">{}</small>'
NERCHINSK, KYAKHTA = "1689-treaty-of-nerchinsk", "1727-treaty-of-kyakhta"
TERRITORY, DIPLOMACY, EARLY, LATE = "Территория", "Дипломатия", "Ранний период", "Поздний период"


def _edit(src) -> None:
    """The English changes under the Russian: the Treaty of Nerchinsk's title, the territory theme's
    label, the late era's label; the diplomacy theme's description and the early era's intro alone
    (their labels are current). The Chinese event catches up with all of it."""
    stamps._retitle(src, "Treaty of Nerchinsk signed")
    stamps._edit_site(src, "label: Territory,", "label: Territories,")
    stamps._edit_site(src, "label: Late,", "label: Later,")
    stamps._edit_site(src, "description: Treaties.}", "description: Treaties and embassies.}")
    stamps._edit_site(src, "intro: The early period.}", "intro: The earliest period.}")
    new, _ = stamps._english(src)
    stamps._stamp(src, stamps.ZH, new)


def _source(root, *, stale: bool):
    src = multilingual(root / "site_src")
    event, _ = stamps._english(src)
    for rel in (stamps.RU, stamps.ZH):
        stamps._stamp(src, rel, event)
    stamps._write_ru_site(src, stamps._site_stamps(src))
    if stale:
        _edit(src)
    return src


def _build(root, *, stale: bool):
    result = build_site(_source(root, stale=stale), root / "out", base_url="https://example.org/tl/")
    assert result.ok, [str(d) for d in result.diagnostics]
    return root / "out"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("stale"), stale=True)


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("current"), stale=False)


UNMARKED = (("out", "zh/"), ("out", ""), ("current", "ru/"), ("current", "zh/"))


def _others(out, current):
    return [({"out": out, "current": current}[which], folder) for which, folder in UNMARKED]


def _read(out, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def _notes(text: str) -> int:
    return sum(text.count(note) for note in NOTE.values()) + text.count("The English has changed since")


# ----------------------------------------------------------------------------------------------------

def _cited_for(out, folder: str, key: str) -> str:
    page = _read(out, f"{folder}sources/index.html")
    return re.search(rf'<li id="src-{key}">.*?<span class="cited-by">(.*?)</span></li>', page, re.S).group(1)


def test_the_bibliographys_cited_for_marks_an_event_whose_translated_title_is_stale(out, current):
    cited = _cited_for(out, "ru/", "mancall-1971")
    link = re.search(rf'<a href="[^"]*/{NERCHINSK}/index.html">[^<]*</a>( {INLINE.format("[^<]*")})?', cited)
    assert link and link.group(1) == " " + INLINE.format(NOTE["ru"]), cited
    assert _notes(cited) == 1   # the Treaty of Kyakhta and the 1864 event are current
    assert _notes(_cited_for(out, "ru/", "nerchinsk-treaty")) == 1
    for built, folder in _others(out, current):
        assert _notes(_read(built, f"{folder}sources/index.html")) == 0, (built, folder)


def _overview(out, folder: str) -> str:
    return re.search(r'<svg class="chart overview-chart".*?</svg>', _read(out, f"{folder}index.html"), re.S).group(0)


def _mark_names(out, folder: str, event: str) -> tuple[str, str]:
    """An event's mark: its aria-label and its tooltip (<title>)."""
    found = re.search(rf'<a class="mark [^>]*data-event="{event}"[^>]*aria-label="([^"]*)"><title>([^<]*)</title>',
                      _overview(out, folder))
    return found.group(1), found.group(2)


def _era_tooltips(out, folder: str) -> list[str]:
    return re.findall(r'<g class="era-band"[^>]*><title>([^<]*)</title>', _overview(out, folder))


def test_the_overviews_mark_and_era_band_name_a_stale_title_or_label_in_plain_text(out, current):
    label, tooltip = _mark_names(out, "ru/", NERCHINSK)
    assert label == tooltip and label.endswith(") " + NOTE["ru"]) and label.count(NOTE["ru"]) == 1, label
    assert _notes("".join(_mark_names(out, "ru/", KYAKHTA))) == 0   # its themes' labels are not what is noted
    early, late = _era_tooltips(out, "ru/")
    assert late == f"{LATE}, 1917—2025 {NOTE['ru']}", late
    assert _notes(early) == 0, early   # only its intro is stale, which the chart does not show
    for built, folder in _others(out, current):
        assert _notes(_overview(built, folder)) == 0, (built, folder)


def _decade_bars(out, folder: str) -> dict:
    chart = re.search(r'<svg class="chart decades-chart".*?</svg>', _read(out, f"{folder}index.html"), re.S).group(0)
    return dict(re.findall(r'<a class="mark decade" href="#e-([^"]+)"[^>]*><title>([^<]*)</title>', chart))


def _legend(out, folder: str) -> str:
    return re.search(r'<ul class="legend-themes".*?</ul>', _read(out, f"{folder}index.html"), re.S).group(0)


def test_the_decades_bars_and_the_legend_mark_a_stale_theme_label(out, current):
    bars = _decade_bars(out, "ru/")
    assert bars[NERCHINSK].endswith(f"{TERRITORY} 1) {NOTE['ru']}"), bars   # its first theme
    assert _notes(bars[KYAKHTA]) == 0, bars   # trade: current
    legend = _legend(out, "ru/")
    assert f">{TERRITORY}</a> {INLINE.format(NOTE['ru'])}</li>" in legend, legend
    assert _notes(legend) == 1   # diplomacy's description alone is stale
    for built, folder in _others(out, current):
        assert _notes("".join(_decade_bars(built, folder).values()) + _legend(built, folder)) == 0, (built, folder)


def _filters(out, folder: str) -> str:
    return re.search(r'<form id="filters".*?</form>', _read(out, f"{folder}index.html"), re.S).group(0)


def test_the_filters_mark_a_stale_theme_label_and_a_stale_era_label(out, current):
    form = _filters(out, "ru/")
    themes = dict(re.findall(r'<input type="checkbox" name="theme" value="(\w+)">(.*?)</label>', form))
    assert themes["territory"].endswith(f"{TERRITORY} {INLINE.format(NOTE['ru'])}"), themes
    assert _notes(themes["diplomacy"] + themes["trade"]) == 0, themes
    eras = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', form))
    assert eras["late"].startswith(LATE) and eras["late"].endswith(") " + NOTE["ru"]), eras
    assert _notes(eras["early"]) == 0, eras
    for built, folder in _others(out, current):
        assert _notes(_filters(built, folder)) == 0, (built, folder)


def _categories(out, folder: str) -> dict:
    parsed = feedparser.parse((out / folder / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return {e.id.rstrip("/").rsplit("/", 1)[-1]: [(t.term, t.label) for t in e.tags] for e in parsed.entries}


def test_a_feeds_category_labels_a_stale_theme_label_in_plain_text_and_stays_valid_atom(out, current):
    ru = _categories(out, "ru/")
    assert ru[NERCHINSK] == [("territory", f"{TERRITORY} {NOTE['ru']}"), ("diplomacy", DIPLOMACY)]
    assert all(term != "territory" or label.endswith(NOTE["ru"]) for cats in ru.values() for term, label in cats)
    # The term stays the theme's id: a reader that groups entries by it groups them as before.
    for built, folder in _others(out, current):
        labels = [label for cats in _categories(built, folder).values() for _, label in cats]
        assert sum(_notes(label) for label in labels) == 0, (built, folder)


def _groups(out, folder: str) -> dict:
    data = json.loads(_read(out, f"{folder}timelinejs.json"))
    return {e["unique_id"]: e["group"] for e in data["events"]}


def test_a_timelinejs_group_names_a_stale_theme_label_in_plain_text(out, current):
    ru = _groups(out, "ru/")
    assert ru[NERCHINSK] == f"{TERRITORY} {NOTE['ru']}"   # TimelineJS strips a group of markup
    # Every event of the theme is in the one group, as before.
    assert {g for g in ru.values() if g.startswith(TERRITORY)} == {ru[NERCHINSK]}
    assert _notes(ru[KYAKHTA]) == 0
    for built, folder in _others(out, current):
        assert sum(_notes(g) for g in _groups(built, folder).values()) == 0, (built, folder)


def test_a_label_falling_behind_between_two_builds_marks_the_charts_and_filters_as_a_fresh_build_does(tmp_path):
    """The preview keeps the charts between builds (chart.OVERVIEW, chart.DECADES): the translated
    labels are the same before and after, only the English they were made from has changed."""
    from timeline.incremental import Memo
    src = _source(tmp_path, stale=False)
    memo, kept, fresh = Memo(), tmp_path / "kept", tmp_path / "fresh"
    assert build_site(src, kept, memo=memo).ok
    assert _notes(_read(kept, "ru/index.html")) == 0
    stamps._retitle(src, "Treaty of Nerchinsk signed")   # an event's title alone: the eras and themes are as they were
    assert build_site(src, kept, memo=memo).ok and build_site(src, fresh, use_cache=False).ok
    assert _notes(_overview(kept, "ru/")) == 2   # the mark's name and tooltip
    assert (kept / "ru/index.html").read_bytes() == (fresh / "ru/index.html").read_bytes()
    kyakhta = f"ru/events/{KYAKHTA}/index.html"   # its previous event's title fell behind: its link says so
    assert NOTE["ru"] in _read(kept, kyakhta) and (kept / kyakhta).read_bytes() == (fresh / kyakhta).read_bytes()
    _edit(src)
    assert build_site(src, kept, memo=memo).ok and build_site(src, fresh, use_cache=False).ok
    assert _notes(_overview(kept, "ru/")) == 3 and _notes(_legend(kept, "ru/") + _filters(kept, "ru/")) == 3
    for path in ("ru/index.html", "ru/sources/index.html", "ru/feed.xml", "ru/timelinejs.json"):
        assert (kept / path).read_bytes() == (fresh / path).read_bytes(), path


def _outline(path) -> list[str]:
    import pikepdf
    titles = []
    with pikepdf.open(path) as doc, doc.open_outline() as outline:
        def walk(items):
            for item in items:
                titles.append(item.title)
                walk(item.children)
        walk(outline.root)
    return titles


@pytest.mark.parametrize("cut", [False, True], ids=["whole", "in-parts"])
def test_the_pdfs_bookmarks_note_what_its_contents_note_and_its_title_is_the_title_pages(tmp_path, monkeypatch, cut):
    """A bookmark is a contents line in the viewer's panel: a stale era label or event title is noted
    there too, in plain text. The document's title (the viewer's title bar, a library's catalogue)
    is the title page's heading as it is: the note is printed under it, and a title is a name."""
    pikepdf = pytest.importorskip("pikepdf")
    pytest.importorskip("weasyprint")
    from timeline import pdf, pdfparts
    src = _source(tmp_path, stale=True)
    stamps._edit_site(src, "title: Fixture timeline", "title: The fixture timeline")
    assert build_site(src, tmp_path / "out").ok
    if cut:   # as a long document is: typeset in parts (front matter, each event, bibliography) and joined
        monkeypatch.setattr(pdf, "WHOLE_CHARS", 0)
        monkeypatch.setattr(pdfparts, "PART_CHARS", 1)
    docs = [("ru/print/index.html", tmp_path / "ru.pdf"), ("zh/print/index.html", tmp_path / "zh.pdf")]
    pdf.write_pdfs(tmp_path / "out", docs=docs)
    ru = _outline(tmp_path / "ru.pdf")
    assert [t for t in ru if _notes(t)] == [f"Нерчинский договор {NOTE['ru']}", f"{LATE}, 1917—2025 {NOTE['ru']}"]
    assert f"{EARLY}, 1689—1916" in ru   # only its intro is stale
    assert _notes("".join(_outline(tmp_path / "zh.pdf"))) == 0
    with pikepdf.open(tmp_path / "ru.pdf") as doc:
        assert str(doc.open_metadata()["dc:title"]) == "Тестовая хронология"


def _neighbours(out, folder: str, event: str) -> tuple[str, str]:
    page = _read(out, f"{folder}events/{event}/index.html")
    related = re.search(r'<section class="related".*?</section>', page, re.S)
    return re.search(r'<nav class="prev-next".*?</nav>', page, re.S).group(0), related.group(0) if related else ""


def test_an_event_pages_previous_next_and_related_links_mark_a_stale_title(tmp_path):
    """Kyakhta's page links back to Nerchinsk (previous, and related here), whose Russian title is stale:
    its list entries were marked, its links on other event pages were not."""
    src = _source(tmp_path, stale=True)
    kyakhta = src / "events" / f"{KYAKHTA}.yaml"
    kyakhta.write_text(kyakhta.read_text(encoding="utf-8") + f"related: [{NERCHINSK}]\n", encoding="utf-8")
    assert build_site(src, tmp_path / "out").ok
    nav, related = _neighbours(tmp_path / "out", "ru/", KYAKHTA)
    assert INLINE.format(NOTE["ru"]) + "</a>" in nav and nav.count(NOTE["ru"]) == 1
    assert related.count(INLINE.format(NOTE["ru"])) == 1
    for folder in ("zh/", ""):   # the Chinese caught up; English has nothing to be behind
        nav, related = _neighbours(tmp_path / "out", folder, KYAKHTA)
        assert _notes(nav + related) == 0


def test_current_translations_put_no_note_by_previous_and_next_links(out, current):
    for root, folder in _others(out, current):
        nav, related = _neighbours(root, folder, KYAKHTA)
        assert _notes(nav + related) == 0
