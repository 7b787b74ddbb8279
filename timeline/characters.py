"""The characters no content file may hold: control characters, non-characters and the invisible
bidirectional controls, typed, escaped in YAML or written as a character reference in Markdown."""

from __future__ import annotations

import re

# Invisible controls that make the text after them read right to left (or left to right) however it
# is written: an override in a title reversed the rest of its line in lists and feeds ("Trojan
# Source"). No text of this site's languages needs them; the YAML reader lets them through.
BIDI = "\u202a-\u202e\u2066-\u2069"   # a character class's ranges
_BIDI = re.compile(f"[{BIDI}]")
# The YAML reader's NON_PRINTABLE with those added, as one class (an alternation of the two took
# three times as long on every text).
_REFUSED = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\u2029\u202F-\u2065\u206A-\uD7FF\uE000-\uFFFD"
                      "\U00010000-\U0010FFFF]")


def refused_character(text: str) -> str | None:
    """The first character a content file may not hold, as U+XXXX, or None."""
    at = refused_at(text)
    return None if at is None else f"U+{ord(text[at]):04X}"


def refused_at(text: str) -> int | None:
    found = _REFUSED.search(text)
    return found.start() if found else None


def bidi_at(text: str) -> int | None:
    """Where the first bidirectional control is (the YAML reader refuses the rest itself), or None."""
    found = None if text.isascii() else _BIDI.search(text)
    return found.start() if found else None
