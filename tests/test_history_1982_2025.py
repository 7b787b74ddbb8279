"""The history of 1982-2025 (issue 15): corrected claims stay corrected, the new chapters stay sourced,
treaty terms carry their figures, and the range's Chinese and Russian sources are real entries."""

from __future__ import annotations

import re

import pytest

from support import ROOT, cited_keys as keys_of

FIRST_YEAR, LAST_YEAR = 1982, 2025
OWN_SOURCES = "history-1982-2025.yaml"


def text_of(site, event_id: str) -> str:
    event = site.timeline.by_id[event_id].event
    return event.summary + "\n" + event.body


def in_range(site):
    return [e for e in site.timeline.entries if FIRST_YEAR <= e.event.date.gregorian[0] <= LAST_YEAR]


def sentences_with(text: str, phrase: str) -> list[str]:
    flat = " ".join(text.split())
    return [s for s in re.split(r"(?<=[.;])\s+", flat) if phrase in s]


# ----------------------------------------------------------------- the claims that were wrong
# Each check is a function of the event text, so the tests below can also show that it rejects the
# wording the site used to carry (a check that passes on the old text would protect nothing).

def mao_claim_is_corrected(text: str) -> bool:
    """The 'first visit since Mao' line may appear only beside its correction and Jiang's May 1991 visit."""
    hits = sentences_with(text, "since Mao")
    return not hits or ("That is wrong" in text and "May 1991" in text)


def troop_figure_is_corrected(text: str) -> bool:
    flat = " ".join(text.split())
    if "100,000" in flat and "slip" not in flat:
        return False
    return "10,000" in flat and "近万人" in flat


def census_figure_is_corrected(text: str) -> bool:
    flat = " ".join(text.split())
    if "3.26 million" in flat and "not repeated here as an estimate" not in flat:
        return False
    return "34,577" in flat


def espo_rail_claim_is_corrected(text: str) -> bool:
    flat = " ".join(text.split())
    return "only by rail" not in flat and "Kozmino" in flat and "December 2009" in flat


OLD_WORDING = {
    mao_claim_is_corrected: "The Los Angeles Times called the visit the first by a Chinese leader since "
                            "Mao in 1957 and reported that it settled the last remaining dispute.",
    troop_figure_is_corrected: "the ministry's press release, as carried by Xinhua, spoke of \"nearly "
                               "100,000 troops\", while a later China.org.cn chronology gives 10,000 soldiers",
    census_figure_is_corrected: "Agence France-Presse reported in 2004 that unpublished results of the 2002 "
                                "census put Russia's Chinese population at 3.26 million",
    espo_rail_claim_is_corrected: "began delivering Russian crude to China, which until then had received "
                                  "Russian oil only by rail",
}

CORRECTED = {
    "1994-western-border-agreement": mao_claim_is_corrected,
    "2005-peace-mission-exercise": troop_figure_is_corrected,
    "2000-chinese-traders-in-the-russian-far-east": census_figure_is_corrected,
    "2011-espo-oil-pipeline-to-daqing": espo_rail_claim_is_corrected,
}


@pytest.mark.parametrize("check", list(OLD_WORDING), ids=lambda f: f.__name__)
def test_each_correction_check_rejects_the_old_wording(check):
    assert not check(OLD_WORDING[check])


@pytest.mark.parametrize("event_id", sorted(CORRECTED))
def test_corrected_claims_stay_corrected(site, event_id):
    assert CORRECTED[event_id](text_of(site, event_id)), event_id


def test_the_mao_claim_is_set_right_with_the_1991_visit_cited(site):
    entry = site.timeline.by_id["1994-western-border-agreement"]
    assert {"csmonitor-1991-05-20-jiang-visit", "independent-1994-09-jiang-travels"} <= keys_of(entry)
    assert "Li Peng" in entry.event.body and "Zhou Enlai" in entry.event.body


def test_the_census_figure_cites_the_published_census(site):
    entry = site.timeline.by_id["2000-chinese-traders-in-the-russian-far-east"]
    assert "census-2002-vol4" in keys_of(entry)
    assert "about 35,000" in entry.event.summary
    assert "3.26 million" not in entry.event.summary


def test_kozmino_tankers_before_the_pipeline_are_sourced(site):
    entry = site.timeline.by_id["2011-espo-oil-pipeline-to-daqing"]
    assert {"ogj-2009-12-29-espo-launch", "portamur-2009-12-28-espo-launch"} <= keys_of(entry)


# ----------------------------------------------------------------- the new chapters
NEW_EVENTS = {
    "2003-yukos-and-the-angarsk-daqing-pipeline": ["25 October 2003", "Angarsk", "Daqing", "Taishet"],
    "2014-crimea-and-chinas-abstentions-at-the-un": ["15 March 2014", "68/262", "100 votes to", "58",
                                                      "thirteen"],
    "2022-samarkand-questions-and-concerns": ["questions and concerns", "Samarkand"],
    "2024-chinese-banks-restrict-russian-payments": ["ICBC", "December 2023", "sanctioned Russian banks"],
}


@pytest.mark.parametrize("event_id", sorted(NEW_EVENTS))
def test_new_chapter_exists_with_two_independent_sources(site, event_id):
    entry = site.timeline.by_id[event_id]
    assert len(keys_of(entry)) >= 2, event_id
    text = text_of(site, event_id)
    for phrase in NEW_EVENTS[event_id]:
        assert phrase in " ".join(text.split()), (event_id, phrase)


@pytest.mark.parametrize("event_id", sorted(NEW_EVENTS))
def test_new_chapter_cites_a_chinese_or_russian_source(site, event_id):
    sources = site.timeline.content.sources
    languages = {sources[k].fields.get("language") for k in keys_of(site.timeline.by_id[event_id])}
    assert languages & {"zh", "ru"}, event_id


def test_new_chapters_do_not_flood_their_eras(site):
    by_era = site.timeline.by_era
    assert len(by_era["strategic-partnership"]) <= 30
    assert len(by_era["war-in-ukraine"]) <= 20


# ----------------------------------------------------------------- terms stated precisely
TERMS = {
    "1991-eastern-border-agreement": ["16 March 1992", "16 May 1991"],
    "1994-western-border-agreement": ["34-mile", "3 September", "first to use nuclear weapons"],
    "2001-treaty-of-good-neighbourliness": ["20 years", "Article 25", "five-year", "Article 2"],
    "2004-supplementary-border-agreement": ["375 square kilometres", "174 sq km", "Tarabarov", "2 June 2005"],
    "2008-border-demarcation-completed": ["21 July 2008", "14 October 2008", "4,300-km"],
    "2011-espo-oil-pipeline-to-daqing": ["25 billion dollars", "15 million tonnes", "2011 to 2030",
                                         "300 million", "300,000 barrels a day"],
    "2014-power-of-siberia-contract": ["30-year", "38 billion cubic metres", "400 billion dollars",
                                       "take-or-pay"],
    "2021-friendship-treaty-extended": ["Article 25", "five"],
    "2022-no-limits-joint-statement": ["no limits", "oppose further enlargement"],
    "2025-record-bilateral-trade-figures": ["244.81 billion", "240.11 billion", "129.32 billion"],
}


@pytest.mark.parametrize("event_id", sorted(TERMS))
def test_agreements_state_their_terms_with_figures(site, event_id):
    text = " ".join(text_of(site, event_id).split())
    missing = [p for p in TERMS[event_id] if p not in text]
    assert missing == [], (event_id, missing)


# ----------------------------------------------------------------- sources
def test_every_event_of_the_range_rests_on_two_sources(site):
    single = [e.id for e in in_range(site) if len(keys_of(e)) < 2]
    assert single == []


def own_sources(site):
    return [s for s in site.timeline.content.sources.values() if s.path.endswith(OWN_SOURCES)]


def test_at_least_17_chinese_or_russian_sources_are_added_and_cited_in_the_range(site):
    cited_in_range = set().union(*(keys_of(e) for e in in_range(site)))
    added = [s.key for s in own_sources(site) if s.fields.get("language") in ("zh", "ru")]
    assert len(added) >= 17, added
    assert [k for k in added if k not in cited_in_range] == []


def test_chinese_and_russian_titles_are_in_the_original_script(site):
    for source in own_sources(site):
        if source.fields.get("language") in ("zh", "ru"):
            assert re.search(r"[\u0400-\u04FF\u4E00-\u9FFF]", source.title), source.key


def test_added_sources_have_an_access_date_exactly_when_they_have_a_url(site):
    for source in own_sources(site):
        assert (source.fields.get("URL") is not None) == (source.accessed is not None), source.key


def test_unseen_headlines_are_marked_rather_than_invented(site):
    for source in own_sources(site):
        if source.title.startswith("["):
            assert "not seen" in source.fields.get("note", "") or "address" in source.fields.get("note", ""), \
                source.key
