"""The era 1917-1948 ("Revolutions and war"): corrected claims stay corrected, the treaties state
their terms, the new chapters exist with two sources each, and the era cites Chinese and Russian
sources."""

from __future__ import annotations

import re

import pytest
import yaml

from support import ROOT, cited_keys as keys_of

SRC = ROOT / "site_src"
OWN_SOURCES = SRC / "sources" / "history-1917-1948.yaml"

NEW_EVENTS = [
    "1918-china-joins-the-allied-intervention-in-siberia",
    "1919-end-of-outer-mongolian-autonomy",
    "1923-borodin-mission",
    "1927-nanjing-breaks-relations-with-moscow",
    "1931-mukden-incident-and-the-chinese-eastern-railway",
    "1936-xian-incident",
]


def text_of(site, event_id: str) -> str:
    event = site.timeline.by_id[event_id].event
    return " ".join((event.summary + "\n" + event.body).split())


def era_entries(site):
    return [e for e in site.timeline.entries if 1917 <= e.event.date.gregorian[0] <= 1948]


def test_manchurian_losses_give_krivosheevs_figures_not_the_rounded_8000(site):
    text = text_of(site, "1945-soviet-invasion-of-manchuria")
    assert "12,031" in text and "24,425" in text and "36,456" in text
    assert "understates" in text
    assert "its losses at about 8,000" not in text
    assert "krivosheev-1993-grif-sekretnosti" in keys_of(site.timeline.by_id["1945-soviet-invasion-of-manchuria"])


def test_mongolia_becomes_a_peoples_republic_only_in_november_1924(site):
    text = text_of(site, "1921-mongolian-revolution")
    assert "26 November 1924" in text
    assert "then became a people's republic" not in text
    for entry in era_entries(site):
        if entry.event.date.gregorian[0] < 1924:
            assert not re.search(r"Mongolia\S* (then )?became a people's republic", text_of(site, entry.id)), entry.id


@pytest.mark.parametrize("event_id, phrases", [
    ("1924-sino-soviet-agreement", ["integral part of the Republic of China", "joint management",
                                    "withdrawal of Soviet troops"]),
    ("1929-chinese-eastern-railway-conflict", ["22 December", "1 May 1929", "10 July 1929",
                                               "act only jointly"]),
    ("1935-sale-of-the-chinese-eastern-railway", ["140 million yen", "two thirds"]),
    ("1937-sino-soviet-non-aggression-pact", ["article I", "article II", "8 September 1937"]),
    ("1939-soviet-credits-to-nationalist-china", ["1 March 1938", "1 July 1938", "13 June 1939",
                                                  "150 million", "3 per cent", "250 million"]),
    ("1945-sino-soviet-treaty-of-friendship-and-alliance", ["thirty years", "Chinese Changchun Railway",
                                                            "Port Arthur", "Dairen"]),
    ("1945-outer-mongolia-independence-referendum", ["20 October 1945", "494,074", "483,291", "97.8",
                                                     "not one against"]),
])
def test_treaties_and_settlements_state_their_terms(site, event_id, phrases):
    text = text_of(site, event_id)
    for phrase in phrases:
        assert phrase in text, (event_id, phrase)


def test_credits_are_no_longer_left_as_an_unresolved_disagreement(site):
    text = text_of(site, "1939-soviet-credits-to-nationalist-china")
    assert "The sources disagree on the amounts" not in text
    assert "garbled" in text


@pytest.mark.parametrize("event_id", NEW_EVENTS)
def test_new_chapter_exists_in_the_era_with_two_distinct_sources(site, event_id):
    entry = site.timeline.by_id[event_id]
    assert entry.era.id == "revolutions-and-war"
    assert len(keys_of(entry)) >= 2, event_id
    assert entry.event.body.strip(), event_id


def test_every_event_of_the_era_rests_on_at_least_two_sources(site):
    single = [e.id for e in era_entries(site) if len(keys_of(e)) < 2]
    assert single == []


def test_the_era_keeps_its_share_of_the_timeline(site):
    share = len(era_entries(site)) / len(site.timeline.entries)
    assert share < 0.2


def own_sources() -> dict:
    return yaml.safe_load(OWN_SOURCES.read_text(encoding="utf-8"))


def test_at_least_17_new_chinese_or_russian_sources_each_cited_in_the_era(site):
    native = {k: v for k, v in own_sources().items() if v.get("language") in ("zh", "ru")}
    assert len(native) >= 17
    cited_in_era = set().union(*(keys_of(e) for e in era_entries(site)))
    assert sorted(set(native) - cited_in_era) == []


def test_chinese_and_russian_titles_are_in_the_original_script():
    for key, source in own_sources().items():
        if source.get("language") == "zh":
            assert re.search(r"[\u4e00-\u9fff]", source["title"]), key
        if source.get("language") == "ru":
            assert re.search(r"[\u0400-\u04ff]", source["title"]), key


def test_new_sources_have_an_accessed_date_exactly_when_they_have_a_url():
    for key, source in own_sources().items():
        assert ("URL" in source) == ("accessed" in source), key
        if "URL" in source:
            assert source["URL"].startswith("https://"), key
