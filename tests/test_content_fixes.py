"""Points reviewers flagged in the history, settled against sources: each wrong or loose wording stays
gone in English and in both translations, and the source that settles it stays cited."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support import ROOT, cited_keys as keys_of

SRC = ROOT / "site_src"


def text_of(site, event_id: str) -> str:
    event = site.timeline.by_id[event_id].event
    return " ".join((event.title + "\n" + event.summary + "\n" + event.body).split())


def translated(language: str, event_id: str) -> str:
    path = SRC / "translations" / language / "events" / f"{event_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(str(data.get(f) or "") for f in ("title", "summary", "body")).split())


# ----------------------------------------------------------------------------- 1. 1861: Jingchun


def test_1861_names_the_jilin_general_jingchun_not_a_bare_jing(site):
    text = text_of(site, "1861-demarcation-of-the-ussuri-frontier")
    assert "Jilin general Jingchun" in text
    assert "Jing, the commander of Jilin" not in text
    # The Russian protocol names him only "Jing"; the Chinese text of the protocol gives 吉林將軍景淳.
    assert {"rko-1958-13-ussuri-maps", "wikisource-1861-kanfen-dongjie-yueji"} <= keys_of(
        site.timeline.by_id["1861-demarcation-of-the-ussuri-frontier"])


def test_1861_translations_name_jingchun_in_the_agreed_forms():
    assert "吉林将军景淳" in translated("zh-Hans", "1861-demarcation-of-the-ussuri-frontier")
    ru = translated("ru", "1861-demarcation-of-the-ussuri-frontier")
    assert "цзянцзюнь Цзинчунь" in ru and "и Цзин, командующий" not in ru
