"""Pandoc's citation syntax in Markdown text: [@key], [@key, p. 12], [see @a; @b, ch. 3].

Scanning only, no HTML: content checks the keys it finds, and markup cuts the citations out before
Markdown runs, leaving a numbered placeholder (PLACEHOLDER) where each group was. Citations inside
code spans and fenced code are text, not citations. Every pattern here is linear in the text.
"""

from __future__ import annotations

import re

from .model import Citation

# Begins with "[", so that a search skips from one "[" to the next; the look-behind for a backslash comes
# after it (a pattern that begins with optional spaces, or with the look-behind, is tried at every
# character: the look-behind first was four times slower).
_CITE_GROUP = re.compile(r"\[(?<!\\\[)(?P<inner>[^\[\]@]*@[^\[\]]*)\](?![(\[])")

# Matched against a stripped item, with no two \s* that can share a run of spaces: the pattern
# \s*(...)?\s*$ tried every split of a long run, 68 s on 100,000 spaces.
_CITE_ITEM = re.compile(r"(?:(?P<prefix>[^@]*\s))?@(?P<key>\w[\w:.\-]*?)\.?(?:\s*,\s*(?P<loc>.*))?", re.S)
_TICKS = re.compile(r"`+")
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
def _items(inner: str) -> list[Citation] | None:
    """The citations of one [...] group, or None when it is not one (an e-mail address, say)."""
    items = []
    for part in inner.split(";"):
        item = _CITE_ITEM.fullmatch(part.strip())
        if not item:
            return None
        items.append(Citation(item["key"], (item["loc"] or "").strip(), (item["prefix"] or "").strip()))
    return items


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each code span and fenced block: a run of backticks up to the next run of the
    same length (CommonMark's rule). What is inside is shown as written, so it holds no citations."""
    if "`" not in text:   # most texts: the pattern would try every character
        return []
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    following, last = [None] * len(runs), {}
    for i in range(len(runs) - 1, -1, -1):  # the next run of the same length, found in one pass
        length = runs[i][1] - runs[i][0]
        following[i], last[length] = last.get(length), i
    spans, i = [], 0
    while i < len(runs):
        j = following[i]
        if j is None:
            i += 1  # an unmatched run is literal text
            continue
        spans.append((runs[i][0], runs[j][1]))
        i = j + 1
    return spans


def _groups(text: str):
    """(match, citations) for every citation group in text outside code, in order."""
    spans, k = _code_spans(text), 0
    for match in _CITE_GROUP.finditer(text):
        while k < len(spans) and spans[k][1] <= match.start():
            k += 1
        if k < len(spans) and spans[k][0] <= match.start():
            continue
        items = _items(match["inner"])
        if items is not None:
            yield match, items


def group_offsets(text: str) -> list[int]:
    """Where each group that extract_citations numbers begins in text, in its order."""
    return [match.start() for match, _ in _groups(text)]


def iter_citations(text: str):
    """(offset, Citation) for every citation in text, in order."""
    for match, items in _groups(text):
        for citation in items:
            yield match.start("inner"), citation


# The start of a bare web address, which GFM turns into a link that runs to the next space: a
# marker glued to it would become part of the link.
_ADDRESS_START = re.compile(r"https?://|ftp://|www\.", re.IGNORECASE)
_LOOK_BACK = 2048   # how far back an address is looked for (a longer word is not prose)


# A line that a citation on the next line must not be joined to: blank (the citation begins a
# paragraph), a code fence, a heading, a rule or a setext underline. Joined, two paragraphs ran into
# one, or the text after a closing fence became code (a tester, twentieth session).
_BLOCK_LINE = re.compile(r"[ \t]*(?:`{3,}.*|~{3,}.*|#{1,6}(?:[ \t].*)?|(?:[-*_=][ \t]*){3,}|)")
# Emphasis or strikethrough closed after punctuation (`~~Moscow.~~`): CommonMark closes it only
# if whitespace or punctuation follows, which the marker is not.
_CLOSED_AFTER_PUNCTUATION = re.compile(r"[^\w\s*_~][*_~]+$")


def _space_start(text: str, start: int, floor: int) -> int:
    """Where the spaces (and at most one line break) before a citation begin: they go with it, so
    that the marker sits on the word (but not on a bare web address, which would swallow it, nor
    after a closing delimiter that needs a space, nor across the end of a block)."""
    i = start
    while i > floor and text[i - 1] in " \t":
        i -= 1
    if i > floor and text[i - 1] == "\n" and not _ends_block(text, i - 1):
        i -= 1
        while i > floor and text[i - 1] in " \t":
            i -= 1
    if i < start and (_ends_in_address(text, max(floor, i - _LOOK_BACK), i)
                      or _CLOSED_AFTER_PUNCTUATION.search(text, max(floor, i - 8), i)):
        return start
    return i


def _ends_block(text: str, newline: int) -> bool:
    """True if the line that ends at newline is blank or a block of its own (see _BLOCK_LINE)."""
    return _BLOCK_LINE.fullmatch(text, text.rfind("\n", 0, newline) + 1, newline) is not None


def _ends_in_address(text: str, lo: int, hi: int) -> bool:
    """True if the last word of text[lo:hi] (before a final line break) holds the start of a web
    address: only that word is searched, where a search of the whole stretch cost 46 µs a citation."""
    end = hi - 1 if hi > lo and text[hi - 1] == "\n" else hi
    word = end
    while word > lo and not text[word - 1].isspace():
        word -= 1
    return _ADDRESS_START.search(text, word, end) is not None


def _closed(before: str) -> str:
    """A straight quotation mark right before a citation closes its quotation: written curly here, as
    Markdown's typography took one after "?" or "!" for an opening mark (the placeholder reads to it as
    a letter: 'he said "Who?" [@k]' showed “Who?“). A single one is curled with its opening mark, after
    ? ! . or … only ('odd!' showed ’odd!’): Markdown reads a single mark left without its pair as an
    apostrophe, and one after a letter it pairs right already."""
    if before.endswith('"'):
        return before[:-1] + "\u201d" if _CLOSING.search(before) else before
    return _SINGLE.sub("\\1\u2018\\2\u2019", before) if before.endswith("'") else before


# After a word or its punctuation: not an attribute's (title="[@k]") nor a link title's opening mark.
_CLOSING = re.compile(r'[\w.?!,;:\u2026)\]]"\Z')
# A single quotation ending in its own punctuation, whole (an apostrophe inside: left to Markdown).
_SINGLE = re.compile(r"(^|[\s(\[])'(?=[^\s'])([^']*[?!.,\u2026])'\Z")


def extract_citations(text: str) -> tuple[str, list[tuple[Citation, ...]]]:
    """Replace each [@key, locator; @key2] group with a numbered placeholder; return the groups."""
    groups: list[tuple[Citation, ...]] = []

    out, end = [], 0
    for match, items in _groups(text):
        start = _space_start(text, match.start(), end)
        groups.append(tuple(items))
        out.append(_closed(text[end:start]))
        out.append(f"\ue000{len(groups) - 1}\ue001")
        end = match.end()
    out.append(text[end:])
    return "".join(out), groups
