"""The Chinese translations of 1689–1948 are complete now, before the other ranges land (issue 14).

tests/test_translations.py checks every translation for fidelity; its coverage test waits for all four
translators. This one holds the range 1689–1948 to full coverage, and keeps its glossary honest: every
term it agrees must occur in the English of the range, or the check it feeds guards nothing.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from support import ROOT

SRC = ROOT / "site_src"
ZH = SRC / "translations" / "zh-Hans"
GLOSSARY = ZH / "glossary" / "1689-1948.yaml"


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _range() -> dict[str, dict]:
    return {p.stem: _load(p) for p in sorted((SRC / "events").glob("*.yaml")) if "1689" <= p.name[:4] <= "1948"}


def test_every_event_of_1689_to_1948_has_a_chinese_title_and_summary():
    missing = [eid for eid in _range() if not (ZH / "events" / f"{eid}.yaml").is_file()]
    assert missing == []
    for eid in _range():
        data = _load(ZH / "events" / f"{eid}.yaml")
        assert str(data.get("title") or "").strip() and str(data.get("summary") or "").strip(), eid


def test_every_english_body_and_place_of_1689_to_1948_is_translated():
    for eid, english in _range().items():
        path = ZH / "events" / f"{eid}.yaml"
        if not path.is_file():
            continue  # a missing file is the coverage test's failure, not this one's
        data = _load(path)
        if english.get("body"):
            assert str(data.get("body") or "").strip(), f"{eid}: body"
        if english.get("place"):
            assert str(data.get("place") or "").strip(), f"{eid}: place"


def test_every_glossary_term_of_1689_to_1948_occurs_in_the_english_of_the_range():
    texts = [str(e.get(f) or "") for e in _range().values() for f in ("title", "summary", "body")]
    unused = [term for term in _load(GLOSSARY) if not any(term in text for text in texts)]
    assert unused == []
