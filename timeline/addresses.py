"""Bare addresses in cmark's HTML ended at punctuation no address holds, as at a space: '见https://example.com。'."""

from __future__ import annotations

import html as _html
import re

# A bare address ends at the first of these, as it ends at a space: Chinese writes an address right
# before its full stop or bracket ("见https://example.com。"), Russian before its closing guillemet
# («https://example.com»), which cmark took into the address; curly quotes, dashes and the ellipsis
# likewise, and a straight double quote, which no address holds unescaped (RFC 3986), where cmark keeps
# it because a letter follows ('见"https://example.com"后'); in cmark's HTML it is '&quot;'.
_WIDE_STOP = re.compile('[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65'
                        '\u2013\u2014\u2018\u2019\u201c\u201d\u201e\u2026\u00ab\u00bb"]|&quot;')
_BARE_LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')
# Before an address that is an explicit link's: its destination or reference, or in angle brackets.
_WRITTEN = re.compile(r"(?:\]\(\s*|\]:\s*|<)\Z")
_START = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
_MARK = " \ue00f"   # ends an address for cmark as a space does; taken out after
# Renders with marks at most: an address ended may show another cmark links only then (in a row, each is
# marked at once: _ends); any left after are cut in the HTML, the words after them shown as typed.
_ROUNDS = 3


def addresses_ended(html: str, text: str, render) -> str:
    """render(text)'s HTML, given, with each bare address ended at its punctuation: the text rendered again
    with _MARK there, so that what follows is read as Markdown (emphasis, escapes, another address) and not
    as the address's own words."""
    if "</a>" not in html or not _WIDE_STOP.search(html):
        return html
    current = text
    for _ in range(_ROUNDS if _MARK not in text else 0):
        cuts = [link for link in _BARE_LINK.finditer(html) if _address_ended(link, text) != link[0]]
        marked = _marked(current, cuts) if cuts else None
        again = render(marked) if marked else ""
        if not marked or not again.count(_MARK) == again.count("</a>" + _MARK) == marked.count(_MARK):
            break   # none left, or one not found as written, or a mark not right after its address
        current, html = marked, again
    return _BARE_LINK.sub(lambda link: _address_ended(link, text), html.replace(_MARK, ""))


def _marked(text: str, cuts: list) -> str | None:
    """The text with _MARK where each address of cuts ends; None where one is not found in it."""
    out, at = [], 0
    for link in cuts:
        shown = _html.unescape(link[2])
        found = text.find(shown, at)
        while found >= 0 and _WRITTEN.search(text, max(0, found - 8), found):   # a link's own address: not it
            found = text.find(shown, found + 1)
        if found < 0:
            return None
        for end in _ends(shown):
            out += [text[at:found + end], _MARK]
            at = found + end
    return "".join(out + [text[at:]])


def _ends(shown: str) -> list[int]:
    """Where the address cmark linked as shown ends, and each after it in the rest it took in, written in a
    row (见https://a.org、另见https://b.org。): a run between two stops that holds an address ends at the second."""
    ends = [_WIDE_STOP.search(shown).start()]
    after = ends[0] + 1
    for stop in _WIDE_STOP.finditer(shown, after):
        if _START.search(shown, after, stop.start()):
            ends.append(stop.start())
        after = stop.end()
    return ends


def _address_ended(link: re.Match, text: str) -> str:
    """A link of cmark's cut at its punctuation, the rest after it as text; as it is where not a bare address."""
    href, shown = link[1], link[2]
    stop = _WIDE_STOP.search(shown)
    written = _html.unescape(shown)
    # <written so> or as a link's [words], the editor said where it ends (cmark links no address inside [ ])
    if not stop or f"<{written}>" in text or f"[{written}]" in text:
        return link[0]
    from urllib.parse import quote
    rest = shown[stop.start():]
    # The part of the address cmark made of the rest, as its href escaping writes it.
    tail = quote(_html.unescape(rest), safe="-_.+!*(),%#@?=;:/$~&'").replace("&", "&amp;").replace("'", "&#x27;")
    if not href.endswith(tail) or len(href) == len(tail) or not shown[:stop.start()].strip():
        return link[0]     # not an address cmark made from its text: leave it as written
    return f'<a href="{href[:-len(tail)]}">{shown[:stop.start()]}</a>{rest}'
