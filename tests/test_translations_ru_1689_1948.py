"""The Russian translations of 1689–1948 are complete: every event of the range has a title and summary
in Russian, and every English body (of major and notable events alike) is translated.

The shared tests in test_translations.py check fidelity (citations, glossary, no English left); their
coverage test waits for every translator, so this one keeps this range complete in the meantime (issue 14).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support import ROOT

EVENTS = ROOT / "site_src" / "events"
RU = ROOT / "site_src" / "translations" / "ru" / "events"
RANGE = sorted(p for p in EVENTS.glob("*.yaml") if "1689" <= p.name[:4] <= "1948")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def test_the_range_is_not_empty():
    assert len(RANGE) >= 80


@pytest.mark.parametrize("english", RANGE, ids=lambda p: p.stem)
def test_every_event_of_1689_1948_has_its_russian_fields(english):
    translated = RU / english.name
    assert translated.is_file(), f"{translated}: missing"
    en, ru = _load(english), _load(translated)
    for field in ("title", "summary", "body", "place"):
        if en.get(field):
            assert str(ru.get(field) or "").strip(), f"{translated}: {field} not translated"
        else:
            assert field not in ru, f"{translated}: {field} that the English does not have"
