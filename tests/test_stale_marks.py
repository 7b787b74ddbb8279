"""A translated edition says "the English has changed since this was translated" wherever it shows a
translated text whose English changed since (transstamp): besides an event's own page and the lists
(tests/test_translation_stamps.py), the home page's title and era intros, the lists of themes and
eras, the map's list, the Atom feed, timelinejs.json and the print views (so the PDFs): their events,
title pages and era intros, their contents lists; the title slide and era bands of timelinejs.json,
and the feed's subtitle. Never for a current translation, nor in the English edition."""

from __future__ import annotations

import json
import re

import feedparser
import pytest

import test_translation_stamps as stamps
from support import multilingual
from timeline.build import build_site

NOTE = {"ru": "Английский текст изменился после перевода.", "zh": "翻译之后，英文原文已有改动。"}
NERCHINSK, KYAKHTA = "1689-treaty-of-nerchinsk", "1727-treaty-of-kyakhta"


def _build(root, *, stale: bool):
    """The three-language fixture with every translation of the Treaty of Nerchinsk and the Russian
    site.yaml recording its English. stale: then the English title, the subtitle, the late era's
    intro and the diplomacy theme's description change; the Russian is left behind, the Chinese catches up with the title and summary but
    not with the body (its record's last four digits, the body's, are not the body's digest)."""
    src = multilingual(root / "site_src")
    event, _ = stamps._english(src)
    for rel in (stamps.RU, stamps.ZH):
        stamps._stamp(src, rel, event)
    stamps._write_ru_site(src, stamps._site_stamps(src))
    if stale:
        stamps._retitle(src, "Treaty of Nerchinsk signed")
        stamps._edit_site(src, "subtitle: A small site for the tests", "subtitle: A small site for tests")
        stamps._edit_site(src, "intro: The late period.}", "intro: The later period.}")
        stamps._edit_site(src, "label: Late,", "label: Later,")
        stamps._edit_site(src, "description: Treaties.}", "description: Treaties and embassies.}")
        new, _ = stamps._english(src)
        stamps._stamp(src, stamps.ZH, new[:8] + ("0000" if new[8:] != "0000" else "ffff"))
    result = build_site(src, root / "out", base_url="https://example.org/tl/")
    assert result.ok, [str(d) for d in result.diagnostics]
    return root / "out"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("stale"), stale=True)


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("current"), stale=False)


def _read(out, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def _notes(text: str) -> int:
    return sum(text.count(note) for note in NOTE.values()) + text.count("The English has changed since")


# What each place shows, the mark or not, read from the page as a reader meets it.

def _home(out, folder: str) -> dict:
    """On the home page in folder: whether the title and subtitle, and each era's intro, are marked."""
    page = _read(out, f"{folder}index.html")
    marks = {"title": bool(re.search(r'<p class="lede"[^>]*>[^<]*</p>\n<p class="event-stale">', page))}
    for era in ("early", "late"):
        section = re.search(rf'<section class="era" id="era-{era}".*?<ol class="events">', page, re.S).group(0)
        marks[era] = bool(re.search(r'<p class="era-intro"[^>]*>[^<]*</p>\s*<p class="event-stale">', section))
    return marks


def _map_item(out, folder: str, event: str) -> str:
    page = _read(out, f"{folder}map/index.html")
    return re.search(rf'<li class="event" data-event="{event}".*?</li>', page).group(0)


def _feed_summaries(out, folder: str) -> dict:
    parsed = feedparser.parse((out / folder / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return {e.id.rstrip("/").rsplit("/", 1)[-1]: e.summary for e in parsed.entries}


def _slides(out, folder: str) -> dict:
    data = json.loads(_read(out, f"{folder}timelinejs.json"))
    return {e["unique_id"]: e["text"]["text"] for e in data["events"]}


def _print_event(out, path: str, event: str) -> str | None:
    page = _read(out, path)
    found = re.search(rf'<article class="print-event" aria-labelledby="event-{event}">.*?</article>', page, re.S)
    return found and found.group(0)


# ----------------------------------------------------------------------------------------------------

def test_the_home_page_marks_a_stale_title_and_subtitle_and_a_stale_era_intro_in_that_language_only(out, current):
    assert _home(out, "ru/") == {"title": True, "early": False, "late": True}
    assert '<p class="event-stale">Английский текст изменился после перевода.</p>' in _read(out, "ru/index.html")
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/"), (current, "zh/"), (current, "")):
        assert _home(built, folder) == {"title": False, "early": False, "late": False}, (built, folder)


def test_the_map_list_marks_an_event_whose_translated_title_is_stale(out, current):
    item = _map_item(out, "ru/", NERCHINSK)
    assert item.endswith(f'</span> <small class="event-stale-inline">{NOTE["ru"]}</small></li>'), item
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/"), (current, "zh/")):
        assert _notes(_map_item(built, folder, NERCHINSK)) == 0, (built, folder)   # zh: only its body is stale
    assert _notes(_read(out, "map/index.html")) == 0


def test_a_feed_entry_whose_translated_title_is_stale_says_so_after_its_summary_and_stays_valid_atom(out, current):
    ru = _feed_summaries(out, "ru/")
    assert ru[NERCHINSK].endswith(": Первый договор между Цин и Россией. " + NOTE["ru"]), ru[NERCHINSK]
    assert sum(_notes(s) for s in ru.values()) == 1
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/"), (current, "zh/"), (current, "")):
        assert sum(_notes(s) for s in _feed_summaries(built, folder).values()) == 0, (built, folder)


def test_a_timelinejs_slide_whose_translated_title_is_stale_carries_the_note_before_its_link(out, current):
    ru = _slides(out, "ru/")
    assert ru[NERCHINSK].startswith(f'Первый договор между Цин и Россией. <em class="stale">{NOTE["ru"]}</em> <a ')
    assert _notes(ru[KYAKHTA]) == 0
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/"), (current, "zh/"), (current, "")):
        assert sum(_notes(t) for t in _slides(built, folder).values()) == 0, (built, folder)


def test_a_print_entry_of_a_stale_translation_carries_the_lists_line_its_body_too(out, current):
    line = '<p class="event-stale">{}</p>\n</header>'
    for path in ("ru/print/index.html", "ru/print/eras/early/index.html", "ru/print/themes/territory/index.html"):
        assert line.format(NOTE["ru"]) in _print_event(out, path, NERCHINSK), path
        assert _notes(_print_event(out, path, KYAKHTA) or "") == 0, path
    # The Chinese has a stale body alone: the lists show no body, the print view does.
    assert line.format(NOTE["zh"]) in _print_event(out, "zh/print/index.html", NERCHINSK)
    assert _notes(_read(out, "zh/index.html")) == 0
    for built, path in ((out, "print/index.html"), (current, "ru/print/index.html"), (current, "zh/print/index.html")):
        assert _notes(_read(built, path)) == 0, (built, path)


def test_a_site_text_falling_behind_between_two_builds_marks_the_home_page_as_a_fresh_build_does(tmp_path):
    """The preview keeps pages' inputs between builds (incremental.Memo): the translated title and
    intros are the same before and after, only the English they were made from has changed."""
    from timeline.incremental import Memo
    src = multilingual(tmp_path / "site_src")
    stamps._write_ru_site(src, stamps._site_stamps(src))
    memo, kept, fresh = Memo(), tmp_path / "kept", tmp_path / "fresh"
    assert build_site(src, kept, memo=memo).ok
    assert _home(kept, "ru/") == {"title": False, "early": False, "late": False}
    stamps._edit_site(src, "intro: The late period.}", "intro: The later period.}")
    stamps._edit_site(src, "subtitle: A small site for the tests", "subtitle: A small site for tests")
    assert build_site(src, kept, memo=memo).ok and build_site(src, fresh, use_cache=False).ok
    assert _home(kept, "ru/") == {"title": True, "early": False, "late": True}
    assert (kept / "ru/index.html").read_bytes() == (fresh / "ru/index.html").read_bytes()


def _print_title_page(out, path: str) -> bool:
    page = _read(out, path)
    return bool(re.search(r'<section class="title-page">((?!</section>).)*<p class="event-stale">', page, re.S))


def _print_era_intro(out, path: str, era: str) -> bool:
    page = _read(out, path)
    return bool(re.search(rf'<h2 class="era-heading" id="era-{era}"[^>]*>.*?</h2>\n<p class="era-intro"[^>]*>'
                          rf'[^<]*</p>\s*<p class="event-stale">', page))


def test_a_print_views_title_page_and_era_intro_carry_the_line_where_the_site_text_they_show_is_stale(out, current):
    stale = {"ru/print/index.html": True, "ru/print/eras/late/index.html": True,
             "ru/print/eras/early/index.html": False, "ru/print/themes/diplomacy/index.html": True,
             "ru/print/themes/trade/index.html": False}
    assert {path: _print_title_page(out, path) for path in stale} == stale
    assert _print_era_intro(out, "ru/print/index.html", "late") and _print_era_intro(out, "ru/print/eras/late/index.html", "late")
    assert not _print_era_intro(out, "ru/print/index.html", "early")
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/")):
        for path in ("print/index.html", "print/eras/late/index.html", "print/themes/diplomacy/index.html"):
            assert not _print_title_page(built, folder + path), (built, folder + path)
        assert not _print_era_intro(built, folder + "print/index.html", "late"), (built, folder)


def _card(out, path: str, link: str) -> str:
    page = _read(out, path)
    return re.search(rf'<li><h2>[^\n]*href="[^"]*/{link}/index.html".*?</li>', page, re.S).group(0)


def test_the_lists_of_themes_and_eras_mark_a_stale_description_or_intro(out, current):
    assert _card(out, "ru/themes/index.html", "diplomacy").endswith(f'<p class="event-stale">{NOTE["ru"]}</p></li>')
    assert _card(out, "ru/eras/index.html", "late").endswith(f'<p class="event-stale">{NOTE["ru"]}</p></li>')
    assert _notes(_card(out, "ru/themes/index.html", "trade") + _card(out, "ru/eras/index.html", "early")) == 0
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/")):
        for page in ("themes/index.html", "eras/index.html"):
            assert _notes(_read(built, folder + page)) == 0, (built, folder + page)


def test_the_pdf_of_a_stale_translation_prints_the_line_under_its_event_and_its_contents_line_and_a_current_ones_does_not(tmp_path):
    import shutil
    import subprocess
    from support import require_tool
    from timeline.cli import main
    require_tool(shutil.which("pdftotext") is not None, "poppler-utils (pdftotext) is not installed")
    pytest.importorskip("weasyprint")
    src = multilingual(tmp_path / "site_src")
    stamps._retitle(src, "Treaty of Nerchinsk signed")
    new, _ = stamps._english(src)
    stamps._stamp(src, stamps.RU, "00000000" + new[8:])          # the Russian title and summary are behind
    stamps._stamp(src, stamps.ZH, new)                           # the Chinese is current
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "out"), "--pdf"]) == 0

    def text(name: str) -> str:
        return subprocess.run(["pdftotext", "-layout", str(tmp_path / "out" / name), "-"], capture_output=True,
                              text=True, check=True).stdout
    ru = text("timeline-ru.pdf")
    assert ru.count(NOTE["ru"]) == 2 and re.search(rf"Темы: Территория, Дипломатия\n{NOTE['ru']}\n", ru), ru
    # In the contents, on the line after the title's, whose leader and page number stay in line with the others.
    assert re.search(rf"\n +1689 Нерчинский договор \.+ (\d+)\n +{NOTE['ru']}\n +1727 Кяхтинский договор \.+ \1\n", ru), ru
    assert _notes(text("timeline-zh.pdf")) == 0 and _notes(text("timeline.pdf")) == 0


def _contents(out, path: str) -> dict:
    """Each line of a print view's contents (an era's or an event's, by its anchor) and whether it is marked."""
    toc = re.search(r'<nav class="toc".*?</nav>', _read(out, path), re.S).group(0)
    lines = re.findall(r'<a href="#([^"]+)"[^>]*>.*?</a>(<br><small class="event-stale-inline">[^<]*</small>)?', toc, re.S)
    return {anchor: bool(mark) for anchor, mark in lines if anchor != "bibliography"}


def test_a_print_views_contents_mark_a_stale_event_title_and_a_stale_era_label(out, current):
    ru = _contents(out, "ru/print/index.html")
    assert ru == {"era-early": False, f"event-{NERCHINSK}": True, f"event-{KYAKHTA}": False, "era-late": True,
                  **{k: False for k in ru if k not in ("era-early", f"event-{NERCHINSK}", f"event-{KYAKHTA}", "era-late")}}
    assert f'<small class="event-stale-inline">{NOTE["ru"]}</small>' in _read(out, "ru/print/index.html")
    assert _contents(out, "ru/print/eras/early/index.html")[f"event-{NERCHINSK}"]
    assert _contents(out, "ru/print/themes/diplomacy/index.html")["era-late"]
    # The Chinese's stale body is not in the contents; the English and current translations are never marked.
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/"), (current, "zh/")):
        for path in ("print/index.html", "print/eras/late/index.html", "print/themes/diplomacy/index.html"):
            assert not any(_contents(built, folder + path).values()), (built, folder + path)


def _timelinejs(out, folder: str) -> dict:
    return json.loads(_read(out, f"{folder}timelinejs.json"))


def test_timelinejs_marks_a_stale_title_slide_and_era_band_as_it_marks_a_slide(out, current):
    ru = _timelinejs(out, "ru/")
    mark = f' <em class="stale">{NOTE["ru"]}</em>'
    assert ru["title"]["text"] == {"headline": "Тестовая хронология", "text": "Небольшой сайт для тестов" + mark}
    assert [era["text"]["headline"] for era in ru["eras"]] == ["Ранний период", "Поздний период" + mark]
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/"), (current, "zh/"), (current, "")):
        data = _timelinejs(built, folder)
        assert _notes(json.dumps([data["title"], data["eras"]], ensure_ascii=False)) == 0, (built, folder)


def test_a_feeds_subtitle_says_so_when_the_site_title_or_subtitle_it_shows_is_stale(out, current):
    parsed = feedparser.parse((out / "ru/feed.xml").read_bytes())
    assert not parsed.bozo and parsed.feed.title == "Тестовая хронология"
    assert parsed.feed.subtitle == "Небольшой сайт для тестов " + NOTE["ru"]
    for built, folder in ((out, "zh/"), (out, ""), (current, "ru/"), (current, "zh/"), (current, "")):
        feed = feedparser.parse((built / folder / "feed.xml").read_bytes()).feed
        assert _notes(feed.title + feed.get("subtitle", "")) == 0, (built, folder)


def test_a_stale_site_title_alone_marks_where_it_is_shown_with_the_subtitle_and_on_each_print_title_page(tmp_path):
    """The site's title is shown on every print view's title page (an era's or a theme's names the
    timeline it is part of), and with the subtitle on TimelineJS's title slide and in a feed's head."""
    src = multilingual(tmp_path / "site_src")
    stamps._write_ru_site(src, stamps._site_stamps(src))
    stamps._edit_site(src, "title: Fixture timeline", "title: The fixture timeline")
    assert build_site(src, tmp_path / "out").ok
    out = tmp_path / "out"
    for path in ("print/index.html", "print/eras/early/index.html", "print/themes/trade/index.html"):
        assert _print_title_page(out, "ru/" + path) and not _print_title_page(out, "zh/" + path), path
    assert not _print_era_intro(out, "ru/print/eras/early/index.html", "early")   # the era's own texts are current
    assert _timelinejs(out, "ru/")["title"]["text"]["text"] == f'Небольшой сайт для тестов <em class="stale">{NOTE["ru"]}</em>'
    assert feedparser.parse((out / "ru/feed.xml").read_bytes()).feed.subtitle == "Небольшой сайт для тестов " + NOTE["ru"]
