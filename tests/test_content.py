"""The bundled history: coverage, integrity of sources, and the article's claims as events."""

from __future__ import annotations

from collections import Counter

import pytest

from support import ROOT, cited_keys
from timeline.dates import julian_to_gregorian

SRC = ROOT / "site_src"


def test_check_strict_passes_with_no_warnings(site):
    assert site.diagnostics == []


def test_at_least_150_events(site):
    assert len(site.timeline.entries) >= 150


def test_every_era_has_at_least_8_events(site):
    for era_id, entries in site.timeline.by_era.items():
        assert len(entries) >= 8, era_id


def test_no_gap_of_more_than_15_years(site):
    years = sorted({e.event.date.gregorian[0] for e in site.timeline.entries})
    site_model = site.timeline.site
    assert years[0] == site_model.span_start
    gaps = [(a, b) for a, b in zip(years, years[1:]) if b - a > 15]
    assert gaps == []
    assert site_model.span_end - years[-1] <= 15


def test_every_theme_has_at_least_6_events(site):
    counts = Counter(t for e in site.timeline.entries for t in e.event.themes)
    for theme in site.timeline.site.themes:
        assert counts[theme.id] >= 6, theme.id


def test_every_event_cites_and_every_source_is_cited(site):
    tl = site.timeline
    for e in tl.entries:
        assert e.notes or e.further, e.id
    assert [key for key, ids in tl.cited_by.items() if not ids] == []


def test_urls_are_https_and_unique(site):
    urls = [s.fields["URL"] for s in site.timeline.content.sources.values() if s.fields.get("URL")]
    assert [u for u in urls if not u.startswith("https://")] == []
    assert [u for u, n in Counter(urls).items() if n > 1] == []
    for s in site.timeline.content.sources.values():
        if s.fields.get("URL"):
            assert s.accessed is not None, s.key


def test_years_inside_the_span(site):
    for e in site.timeline.entries:
        for d in (e.event.date, e.event.end):
            if d is not None:
                assert 1689 <= d.gregorian[0] <= 2025, e.id


def test_julian_dates_are_before_1918_and_convert(site):
    julian = [e for e in site.timeline.entries if e.event.date.calendar == "julian"]
    assert julian, "Russian-dated events before 1918 are given Old Style"
    for e in julian:
        d = e.event.date
        assert d.year < 1918 or (d.year == 1918 and (d.month or 1) <= 2), e.id
        if d.day:
            assert julian_to_gregorian(d.year, d.month, d.day) == d.gregorian
            assert "N.S." in e.date_display


def test_single_source_events_stay_under_a_third(site):
    single = []
    for e in site.timeline.entries:
        keys = {c.key for n in e.notes for c in n.citations} | set(e.event.sources)
        if len(keys) == 1:
            single.append(e.id)
    print(f"{len(single)} of {len(site.timeline.entries)} events cite one source only:", *single, sep="\n  ")
    assert len(single) < len(site.timeline.entries) / 3


def test_major_events_have_cited_bodies(site):
    for e in site.timeline.entries:
        if e.event.significance == "major":
            assert e.event.body, e.id
            assert "[@" in e.event.body, e.id


ARTICLE_EVENTS = {
    "1689-treaty-of-nerchinsk": [],
    "1858-treaty-of-aigun": ["600,000"],
    "1860-convention-of-peking": ["400,000"],
    "1864-protocol-of-chuguchak": ["440,000"],
    "2022-russian-invasion-of-ukraine": [],
    "2024-russia-top-oil-supplier-to-china": [],
    "2024-nato-washington-summit-declaration": ["decisive enabler"],
    "2024-ft-russian-nuclear-threshold-files": ["Financial Times"],
    "2025-nyt-fsb-china-document": ["New York Times"],
}


@pytest.mark.parametrize("event_id, phrases", sorted(ARTICLE_EVENTS.items()))
def test_article_claims_are_events(site, event_id, phrases):
    entry = site.timeline.by_id[event_id]
    text = entry.event.summary + "\n" + entry.event.body
    for phrase in phrases:
        assert phrase in text, (event_id, phrase)


def test_decisive_enabler_is_attributed_to_nato(site):
    for e in site.timeline.entries:
        text = e.event.summary + e.event.body
        if "decisive enabler" in text:
            assert "NATO" in text or "North Atlantic" in text, e.id


def test_aigun_has_its_standard_name():
    for path in SRC.rglob("*.yaml"):
        assert "Treaty of Argun" not in path.read_text(encoding="utf-8"), path


def test_method_page_covers_the_policy(site):
    page = site.files["method/index.html"].decode()
    for phrase in ("Pinyin", "Julian", "N.S.", "1689", "2022"):
        assert phrase in page, phrase


def test_no_major_or_notable_event_rests_on_one_source(site):
    """Issue 15: a major or notable event cites at least two distinct sources."""
    single = [e.id for e in site.timeline.entries
              if e.event.significance in ("major", "notable") and len(cited_keys(e)) < 2]
    assert single == []


def test_at_least_60_sources_in_chinese_or_russian_and_each_is_cited(site):
    """Issue 15: sources from both sides, marked with their language (CSL `language`)."""
    tl = site.timeline
    native = [s for s in tl.content.sources.values()
              if s.fields.get("language", "").split("-")[0] in ("zh", "ru")]
    assert len(native) >= 60, len(native)
    assert [s.key for s in native if not tl.cited_by[s.key]] == []
    by_language = Counter(s.fields["language"].split("-")[0] for s in native)
    assert by_language["zh"] >= 20 and by_language["ru"] >= 20, by_language


def test_an_accessed_date_goes_only_with_a_url(site):
    """Issue 15: 'accessed' says when a web page was checked; without a URL it means nothing."""
    loose = [s.key for s in site.timeline.content.sources.values() if s.accessed and not s.fields.get("URL")]
    assert loose == []


# Claims a source got wrong (issue 15): none may come back as fact.
WRONG_CLAIMS = {
    "1994-western-border-agreement": ["since Mao in 1957"],
    "2005-peace-mission-exercise": ["100,000 troops"],
    "2000-chinese-traders-in-the-russian-far-east": ["3.26 million"],
    "1969-zhenbao-island-clash": ["minimal casualties"],
}


@pytest.mark.parametrize("event_id, phrases", sorted(WRONG_CLAIMS.items()))
def test_claims_a_source_got_wrong_are_not_repeated_as_fact(site, event_id, phrases):
    entry = site.timeline.by_id[event_id]
    text = entry.event.summary + "\n" + entry.event.body
    text = " ".join(text.split())
    for phrase in phrases:
        at = text.find(phrase)
        while at >= 0:
            # Allowed only where the page names the error as an error, close to the quoted words.
            near = text[max(0, at - 300):at + 300].lower()
            assert any(w in near for w in ("error", "mistak", "typo", "slip", "wrong", "incorrect", "false", "matches nothing",
                                            "not repeated")), (
                event_id, text[max(0, at - 100):at + 100])
            at = text.find(phrase, at + 1)


def test_the_method_page_counts_match_the_bibliography(site):
    """Issue 15: the method page gives the bibliography's counts; they must follow the content."""
    import re
    text = (SRC / "pages" / "method.md").read_text(encoding="utf-8")
    text = " ".join(text.split())
    match = re.search(r"The bibliography holds (\d+) works: (\d+) primary sources and (\d+) secondary ones\. "
                      r"(\d+) of them are in Russian and (\d+) in Chinese", text)
    assert match, "the method page states the bibliography's counts"
    sources = list(site.timeline.content.sources.values())
    languages = Counter(s.fields.get("language", "").split("-")[0] for s in sources)
    primary = sum(1 for s in sources if s.primary)
    assert [int(n) for n in match.groups()] == [len(sources), primary, len(sources) - primary,
                                               languages["ru"], languages["zh"]]


def test_bibliography_titles_are_titles_not_bracketed_placeholders(site):
    """Issue 19: a title in brackets looks unfinished; a described work says so in its note instead."""
    odd = [s.key for s in site.timeline.content.sources.values() if s.title.lstrip().startswith(("[", "("))]
    assert odd == []


def test_every_url_points_at_the_work_itself(site):
    """Issue 19: not a feedback form, an old revision, a search page or a tracking link."""
    import re
    wrong = re.compile(r"feedback|[?&](direction|utm_[a-z]+|q|query|search)=|/search\b", re.I)
    bad = [(s.key, s.fields["URL"]) for s in site.timeline.content.sources.values()
           if s.fields.get("URL") and wrong.search(s.fields["URL"])]
    assert bad == []


def test_a_file_is_named_as_os_path_relpath_names_it_from_any_working_folder(tmp_path, monkeypatch):
    """fields.relative works out a folder's way once for its files: the names it gives are relpath's."""
    import os

    from timeline.fields import relative
    (tmp_path / "work/site_src/events").mkdir(parents=True)
    names = ["site_src/events/1689-a.yaml", "./site_src/events/../events/b.yaml", "site_src", "x.yaml",
             "..x.yaml", "../outside/e.yaml", "site_src/events/", ".", "..", "site_src/./events/c.yaml",
             str(tmp_path / "work/site_src/events/d.yaml"), str(tmp_path / "elsewhere/e.yaml"), "/etc/passwd"]
    for cwd in (tmp_path / "work", tmp_path / "work/site_src/events", tmp_path):
        monkeypatch.chdir(cwd)
        for name in names:
            rel = os.path.relpath(name)
            assert relative(name, tmp_path) == (name if rel.startswith("..") else rel), (cwd, name)
