"""The eras 1689-1916 ("The Nerchinsk-Kyakhta order" and the one after it): corrected claims stay
corrected, the treaties state their terms with figures, both sides' verdicts on the treaties of
1858-1881 are attributed, the new chapter has two sources, and the range cites Chinese and Russian
sources."""

from __future__ import annotations

import re

import pytest
import yaml

from support import ROOT, cited_keys as keys_of

SRC = ROOT / "site_src"
OWN_SOURCES = SRC / "sources" / "history-1689-1916.yaml"
NEW_EVENTS = ["1861-demarcation-of-the-ussuri-frontier"]
CONTESTED_TREATIES = [
    "1858-treaty-of-aigun",
    "1860-convention-of-peking",
    "1864-protocol-of-chuguchak",
    "1881-treaty-of-saint-petersburg",
]


def text_of(site, event_id: str) -> str:
    event = site.timeline.by_id[event_id].event
    return " ".join((event.summary + "\n" + event.body).split())


def range_entries(site):
    return [e for e in site.timeline.entries if 1689 <= e.event.date.gregorian[0] <= 1916]


def languages_cited(site, event_id: str) -> set[str]:
    sources = site.timeline.content.sources
    return {sources[k].fields.get("language", "en") for k in keys_of(site.timeline.by_id[event_id])}


# ----------------------------------------------------------------------------- corrections


def test_aigun_dates_the_qing_acceptance_to_the_1860_convention_not_to_an_1858_ratification(site):
    text = text_of(site, "1858-treaty-of-aigun")
    assert "Russia ratified it on 8 June 1858" in text
    assert "date the Qing court's acceptance to the Convention of Peking of 1860" in text
    # The old paragraph credited "Chinese reference works" with a sequel that it sourced only to
    # Western and Soviet works.
    assert "Soviet and Chinese reference works tell the sequel differently" not in text
    keys = keys_of(site.timeline.by_id["1858-treaty-of-aigun"])
    assert {"gao-zhonghua-sushun-border", "rkdpa-15-peking", "gse-aigun-treaty-1858"} <= keys


def test_nerchinsk_states_its_terms_ud_region_gorbitsa_argun_stanovoy_albazin_passports(site):
    text = text_of(site, "1689-treaty-of-nerchinsk")
    for term in ("Ud river", "Gorbitsa", "Argun", "Stanovoy", "Albazin", "passports"):
        assert term in text, term
    assert "left for later delimitation" in text


def test_nerchinsk_gives_every_reported_date_with_its_source(site):
    text = text_of(site, "1689-treaty-of-nerchinsk")
    assert "The date is reported in two ways" not in text
    assert "29 August (8 September)" in text          # the Latin text, per the Great Russian Encyclopedia
    assert "7 September 1689" in text and "28 August" in text and "27 August" in text
    assert "bre-nerchinsk-treaty-1689" in keys_of(site.timeline.by_id["1689-treaty-of-nerchinsk"])


def test_boxer_protocol_gives_russias_share_as_a_figure_not_a_large_share(site):
    text = text_of(site, "1901-boxer-protocol")
    assert "a large share" not in text
    assert "130,371,120" in text and "28.97 per cent" in text and "450,000,000" in text
    # The share follows from the figures cited: 130,371,120 of 450,000,000 taels.
    assert round(130_371_120 / 450_000_000 * 100, 2) == 28.97


def test_saint_petersburg_indemnity_is_nine_million_metallic_rubles(site):
    text = text_of(site, "1881-treaty-of-saint-petersburg")
    assert "9,000,000 \u201cmetallic\u201d rubles" in text or '9,000,000 "metallic" rubles' in text
    assert "nine million rubles" in site.timeline.by_id["1881-treaty-of-saint-petersburg"].event.summary
    assert "rkdpa-27-saint-petersburg" in keys_of(site.timeline.by_id["1881-treaty-of-saint-petersburg"])


def test_port_arthur_lease_and_railway_concession_keep_their_terms(site):
    assert "25-year lease" in text_of(site, "1898-lease-of-port-arthur-and-dalian")
    assert "twenty-five years" in text_of(site, "1898-lease-of-port-arthur-and-dalian")
    li = text_of(site, "1896-li-lobanov-treaty")
    assert "eighty years" in li and "thirty-six" in li and "5,000,000 kuping taels" in li


def test_kyakhta_1915_names_its_signatories_and_the_length_of_the_talks(site):
    text = text_of(site, "1915-treaty-of-kyakhta")
    for name in ("Alexander Miller", "Bi Guifang", "Chen Lu", "Shirnin Damdin", "Chakdurjab"):
        assert name in text, name
    assert "8 September 1914 to 7 June 1915" in text
    assert "people's republic" not in text.lower()


def test_kyakhta_1727_explains_both_dates_from_the_russian_text(site):
    text = text_of(site, "1727-treaty-of-kyakhta")
    assert "14 June 1728" in text and "21 October" in text
    assert "rkdpa-05-kyakhta" in keys_of(site.timeline.by_id["1727-treaty-of-kyakhta"])


# ----------------------------------------------------------------------------- both narratives


@pytest.mark.parametrize("event_id", CONTESTED_TREATIES)
def test_contested_treaties_cite_both_chinese_and_russian_sources(site, event_id):
    assert {"zh", "ru"} <= languages_cited(site, event_id), event_id


@pytest.mark.parametrize("event_id", ["1858-treaty-of-aigun", "1860-convention-of-peking"])
def test_aigun_and_peking_set_the_chinese_and_russian_verdicts_side_by_side(site, event_id):
    text = text_of(site, event_id)
    assert "unequal" in text and "Tkachenko" in text and "Ye Baichuan" in text


def test_loaded_terms_appear_only_in_attributed_sentences(site):
    # "Unequal" is the Chinese official term: a sentence that uses it must say whose word it is.
    attributions = ("Chinese", "Gao Qiang", "Golovachev", "called", "calls", "specialists")
    for entry in range_entries(site):
        for sentence in re.split(r"(?<=[.;])\s+", text_of(site, entry.id)):
            if re.search(r"\bunequal\b", sentence):
                assert any(a in sentence for a in attributions), (entry.id, sentence)


def test_the_era_label_does_not_adopt_either_sides_term(site):
    era = next(e for e in site.timeline.site.eras if e.id == "unequal-treaties")
    assert "unequal" not in era.label.lower()
    assert "Chinese governments later called these treaties unequal" in era.intro
    assert "Russian accounts treat them as valid" in era.intro


# ----------------------------------------------------------------------------- sources


@pytest.mark.parametrize("event_id", NEW_EVENTS)
def test_new_chapters_exist_with_at_least_two_sources_from_both_sides(site, event_id):
    entry = site.timeline.by_id[event_id]
    assert len(keys_of(entry)) >= 2
    assert entry.event.body
    assert {"zh", "ru"} <= languages_cited(site, event_id)


def test_every_event_in_the_range_rests_on_at_least_two_sources(site):
    single = [e.id for e in range_entries(site) if len(keys_of(e)) < 2]
    assert single == []


def test_range_cites_at_least_17_new_chinese_or_russian_sources(site):
    own = yaml.safe_load(OWN_SOURCES.read_text(encoding="utf-8"))
    cited = set().union(*(keys_of(e) for e in range_entries(site)))
    new = [k for k, v in own.items() if v.get("language") in ("zh", "ru") and k in cited]
    assert len(new) >= 17, new


def test_new_sources_give_an_accessed_date_exactly_when_they_give_a_checked_https_url():
    own = yaml.safe_load(OWN_SOURCES.read_text(encoding="utf-8"))
    for key, entry in own.items():
        assert bool(entry.get("URL")) == bool(entry.get("accessed")), key
        if entry.get("URL"):
            assert entry["URL"].startswith("https://"), key


def test_no_source_cited_in_the_range_has_an_accessed_date_without_a_url(site):
    sources = site.timeline.content.sources
    cited = set().union(*(keys_of(e) for e in range_entries(site)))
    assert [k for k in sorted(cited) if sources[k].accessed and not sources[k].fields.get("URL")] == []


def test_chinese_and_russian_sources_keep_their_original_titles():
    own = yaml.safe_load(OWN_SOURCES.read_text(encoding="utf-8"))
    cyrillic, han = re.compile(r"[\u0400-\u04FF]"), re.compile(r"[\u4e00-\u9fff]")
    for key, entry in own.items():
        if entry.get("language") == "ru":
            assert cyrillic.search(entry["title"]), key
        if entry.get("language") == "zh":
            assert han.search(entry["title"]), key
