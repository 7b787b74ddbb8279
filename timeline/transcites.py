"""A translation's citations checked against the English text's: the same keys in the same groups and
order, each with the locator the English gives it (as the English writes it, or in the language's form)."""

from __future__ import annotations

import re

from .citations import iter_citations
from .sources import locator_in

RULE = "a translation carries the English citations, in the same groups and order"


def citation_groups(text: str) -> list[tuple[int, tuple[tuple[str, str], ...]]]:
    """(offset, ((key, locator), ...)) of every citation group in Markdown text, in order."""
    groups: list[tuple[int, list[tuple[str, str]]]] = []
    for offset, citation in iter_citations(text):
        if groups and groups[-1][0] == offset:
            groups[-1][1].append((citation.key, citation.locator))
        else:
            groups.append((offset, [(citation.key, citation.locator)]))
    return [(offset, tuple(items)) for offset, items in groups]


def _show(items, locators: bool = False) -> str:
    if items is None:
        return "nothing"
    return "[" + "; ".join(f"@{key}, {locator}" if locator and locators else f"@{key}"
                           for key, locator in items) + "]"


def _keys(items) -> tuple[str, ...] | None:
    return None if items is None else tuple(key for key, _ in items)


# A range's dash as typed: hyphen, en dash, minus and their kin, spaced or not ("pp. 3-5", "3 – 5").
_RANGE = re.compile(r"(?<=[0-9ivxlcdm])\s*[-\u2010-\u2015\u2212]\s*(?=[0-9ivxlcdm])", re.IGNORECASE)


def _shown(locator: str, code: str) -> str:
    """The locator as a note in the language shows it: "p. 12" and "第12页" are the same in Chinese,
    and "pp. 3-5" and "pp. 3–5" are the same range."""
    return _RANGE.sub("\u2013", " ".join(locator_in(locator, code).split()))


def _locator_rule(want, code: str) -> str:
    """Why a changed locator is wrong, with the forms of the English ones the translation may write."""
    forms = [f"'{locator}'" + (f" or '{locator_in(locator, code)}'" if locator_in(locator, code) != locator else "")
             for _, locator in want if locator]
    return f"a translation keeps the English locators: {', '.join(forms) or 'the English gives none'}"


def compare_citations(english: str, translation: str, code: str = "en") -> list[tuple[int | None, str]]:
    """(offset in the translation or None, what differs) for each group cited otherwise than in the
    English, up to the first whose keys differ (the groups after it no longer pair up). code: the
    translation's language, whose form of a locator ("第12页") stands for the English one ("p. 12")."""
    ours, theirs = citation_groups(translation), citation_groups(english)
    found = []
    for i in range(max(len(ours), len(theirs))):
        mine = ours[i][1] if i < len(ours) else None
        want = theirs[i][1] if i < len(theirs) else None
        offset = ours[i][0] if i < len(ours) else None
        if _keys(mine) != _keys(want):
            found.append((offset, f"citation {i + 1} is {_show(mine)} where the English has {_show(want)} ({RULE})"))
            break
        if any(_shown(a, code) != _shown(b, code) for (_, a), (_, b) in zip(mine, want)):
            found.append((offset, f"citation {i + 1} is {_show(mine, True)} where the English has "
                                  f"{_show(want, True)} ({_locator_rule(want, code)})"))
    return found
