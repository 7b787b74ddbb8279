"""The history of 1949-1981 (issue 15, third pass): corrections stay corrected, the new chapters exist
with two sources or more, and the range leans on Chinese and Russian sources as well as Western ones."""

from __future__ import annotations


import pytest

from support import ROOT, cited_keys

RANGE = (1949, 1981)
OUR_SOURCES = "site_src/sources/history-1949-1981.yaml"

NEW_EVENTS = [
    "1949-mikoyan-at-xibaipo",
    "1949-liu-shaoqi-in-moscow",
    "1958-taiwan-strait-crisis",
    "1959-tass-statement-and-khrushchev-in-beijing",
    "1961-zhou-enlai-leaves-the-22nd-congress",
    "1962-sino-indian-war-and-the-cuban-crisis",
    "1966-break-of-party-relations",
    "1968-czechoslovakia-and-social-imperialism",
    "1969-beijing-border-negotiations",
    "1971-us-china-opening-and-moscow",
]


def text(site, event_id):
    event = site.timeline.by_id[event_id].event
    return " ".join((event.summary + "\n" + event.body).split())


keys = cited_keys


def in_range(entry):
    return RANGE[0] <= entry.event.date.gregorian[0] <= RANGE[1]


def test_zhenbao_gives_casualty_figures_not_minimal_casualties(site):
    body = text(site, "1969-zhenbao-island-clash")
    assert "minimal" not in body
    assert "31 border guards killed" in body          # Soviet figure for 2 March
    assert "58 Soviet dead" in body                   # Soviet figure for the whole of March
    assert "29 frontier" in body                      # the Chinese figure, from a Chinese account


def test_zhenbao_casualty_figures_are_each_attributed_to_their_source(site):
    entry = site.timeline.by_id["1969-zhenbao-island-clash"]
    cited = keys(entry)
    for key in ("rvio-2025-damansky-honours", "nvo-2021-02-25-damansky", "ifeng-2007-11-21-zhenbao"):
        assert key in cited, key
    casualties = " ".join(entry.event.body.split()).split("Casualty figures")[1].split("The island")[0]
    assert "The China Project" not in casualties


def test_zhenbao_sets_the_two_governments_accounts_side_by_side(site):
    entry = site.timeline.by_id["1969-zhenbao-island-clash"]
    cited = keys(entry)
    soviet = {"msu-soviet-diplomatic-note-1969", "soviet-note-1969-03-02-ru", "pravda-1969-03-30-soviet-government-statement"}
    chinese = {"xinhua-1969-03-03-chenpao-protest", "prc-mfa-note-1969-03-02", "prc-government-statement-1969-05-24"}
    assert soviet <= cited and chinese <= cited
    assert "irreconcilable" in text(site, "1969-zhenbao-island-clash")


def test_the_1950_treaty_states_its_terms(site):
    body = text(site, "1950-treaty-of-friendship-alliance-and-mutual-assistance")
    for term in ("thirty", "five more", "US$300 million", "1 per cent", "equal fifths", "1 January 1950"):
        assert term in body, term


def test_the_1950_treaty_says_the_two_sides_accounts_differ(site):
    entry = site.timeline.by_id["1950-treaty-of-friendship-alliance-and-mutual-assistance"]
    assert {"galenovich-2009-stalin-mao", "li-xiang-2020-liu-shaoqi-visit", "heinzig-2004-arduous-road"} <= keys(entry)
    assert "frame the bargain differently" in text(site, entry.id)


def test_border_talks_lapsed_in_1978_and_afghanistan_ended_the_1979_talks_on_relations(site):
    body = text(site, "1969-beijing-border-negotiations")
    assert "until 1978" in body and "nine years" in body
    assert "Soviet invasion of Afghanistan" in body and "October 1979" in body
    assert "19 January 1980" in text(site, "1980-talks-broken-off-over-afghanistan")


def test_the_1960_expert_figures_stay_attributed(site):
    body = text(site, "1960-withdrawal-of-soviet-experts")
    assert "1,390" in body and "Chinese figures" in body
    assert "1,500" in body and "Khrushchev" in body


@pytest.mark.parametrize("event_id", NEW_EVENTS)
def test_new_chapter_exists_with_two_distinct_sources(site, event_id):
    entry = site.timeline.by_id[event_id]
    assert in_range(entry)
    assert len(keys(entry)) >= 2, keys(entry)


def test_every_event_of_the_range_rests_on_two_sources(site):
    single = [e.id for e in site.timeline.entries if in_range(e) and len(keys(e)) < 2]
    assert single == []


def test_at_least_17_chinese_or_russian_sources_added_and_cited_in_the_range(site):
    sources = site.timeline.content.sources.values()
    ours = [s for s in sources if s.path.endswith(OUR_SOURCES) and s.fields.get("language") in ("zh", "ru")]
    assert len(ours) >= 17, len(ours)
    cited_in_range = {k for e in site.timeline.entries if in_range(e) for k in keys(e)}
    assert [s.key for s in ours if s.key not in cited_in_range] == []


def test_chinese_and_russian_titles_are_in_the_original_script(site):
    for s in site.timeline.content.sources.values():
        if s.path.endswith(OUR_SOURCES) and s.fields.get("language") in ("zh", "ru"):
            assert any(ord(ch) > 0x3FF for ch in s.title), s.key


def test_our_sources_have_accessed_dates_exactly_when_they_have_urls(site):
    for s in site.timeline.content.sources.values():
        if s.path.endswith(OUR_SOURCES):
            assert (s.accessed is not None) == bool(s.fields.get("URL")), s.key


def test_the_range_keeps_its_share_of_the_timeline(site):
    total = len(site.timeline.entries)
    for era in ("alliance", "the-split"):
        share = len(site.timeline.by_era[era]) / total
        assert share < 0.16, (era, share)
