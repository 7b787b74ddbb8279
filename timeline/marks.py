"""Marks put in a fragment that many pages show, where a value goes that differs from one page to
another (a note's number, the way back to the site's root): the fragment is rendered once with the
marks, and each page's values are put in after (fragments.py)."""

from __future__ import annotations

import os
from typing import NamedTuple

from markupsafe import Markup

# Where a print part shows a note number or its root (a list item, its root): the notes before it and
# the root differ from one document to another, so the part is rendered once with these marks and
# numbered when a document is joined. Random, so that no text can hold one (and the loader refuses
# control characters anyway).
MARK = f"\0{os.urandom(8).hex()}:"
ROOT = f"{MARK}r{MARK}"


class Number:
    """A note's number in the document while a part is rendered (offset + n), written as a mark. What
    a mark cannot stand for (a comparison, a truth value) is a TypeError: the part is then rendered
    for each document with its real numbers."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n

    def __add__(self, k: int) -> Number:
        return Number(self.n + k) if type(k) is int else NotImplemented

    __radd__ = __add__

    def __str__(self) -> str:
        return f"{MARK}{self.n}{MARK}"

    def __html__(self) -> Markup:
        return Markup(str(self))

    def __format__(self, spec: str) -> str:
        if spec:
            raise TypeError("a note number in a print part cannot be formatted")
        return str(self)

    def __bool__(self):
        raise TypeError("a note number in a print part has no truth value")

    def __eq__(self, other):
        raise TypeError("a note number in a print part cannot be compared")

    __hash__ = None


class Root(str):
    """ROOT as the root of a list item rendered once for every root (Fragments.event_items): joined to
    a path (url()) or shown, it is the mark, replaced after; what a mark cannot stand for (compared,
    tested, measured, cut) is a TypeError, and the item is then rendered for each root."""

    def _refused(self, *_):
        raise TypeError("a list item's root is put in after it is rendered")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __bool__ = __len__ = __getitem__ = __contains__ = _refused
    __iter__ = __mod__ = __mul__ = __format__ = _refused
    __hash__ = None


OFFSET = Number(0)    # the offset itself: the notes before the part


class Numbered(NamedTuple):
    """A print part without its document's numbers: text between the places where a note number
    (offset + parts[i]) or the root (parts[i] None) goes, at the odd indices of parts."""
    parts: tuple

    def text(self, offset: int, root: str) -> str:
        parts = list(self.parts)
        parts[1::2] = [root if n is None else str(offset + n) for n in parts[1::2]]
        return "".join(parts)


def numbered(text: str) -> Numbered | None:
    """The marks of a part rendered with OFFSET and ROOT as data; None if they are not as made."""
    parts: list = text.split(MARK)
    # A mark made into other text (root|upper) leaves its NUL, which no content holds (the loader refuses it).
    if len(parts) % 2 == 0 or any("\0" in part for part in parts[0::2]):
        return None
    for i in range(1, len(parts), 2):
        mark = parts[i]
        if mark == "r":
            parts[i] = None
        elif mark.isdigit() and mark.isascii():
            parts[i] = int(mark)
        else:
            return None
    return Numbered(tuple(parts))
