"""Markdown with Pandoc-style citations, rendered to safe HTML.

Citations are cut out before Markdown runs and left as placeholders, so the (cacheable) HTML of a
text depends on the text alone; the caller numbers the notes and puts the markers in.

The parser is cmark-gfm (GitHub's C implementation of CommonMark, via cmarkgfm): measured on 2,000
generated texts it took 0.06 s against 1.6 s for Python-Markdown. In its default safe mode raw HTML
is dropped and javascript:/vbscript:/file:/data: links are emptied; the output is sanitised again
with nh3 as a second line of defence, so no script, event handler or unsafe link from YAML reaches
a page. Validation warns about raw HTML so an editor knows why text vanished.
"""

from __future__ import annotations

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from .citations import PLACEHOLDER, extract_citations
from .model import Citation
from .yamlfile import refused_at, refused_character

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "h2", "h3", "h4", "hr", "i",
                "li", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td",
                "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Made once: nh3.clean() builds its sanitiser from these sets at every call (30 µs for a line of
# text, 4.5 µs with the sanitiser kept; 55 µs and 25 µs for a paragraph and a list).
_CLEANER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                       link_rel="noopener noreferrer")


RAW_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--")
_OPTIONS = Options.CMARK_OPT_SMART  # typographic quotes and dashes; safe mode (no raw HTML) is the default


# Block quotes nest without limit in cmark (lists stop at a depth of about 100), and the sanitiser
# takes time quadratic in the nesting: 100,000 '>' took 21 s. No text needs more than a few levels.
MAX_NESTING = 32
_NESTING_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))){%d}" % (MAX_NESTING + 1), re.M)
_BLOCK_TAG = re.compile(r"<(/?)(?:blockquote|ul|ol)\b")
_INDENTED_ITEM = re.compile(r"^((?:[ \t]*>)*[ \t]+)(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))", re.M)  # in quotes too


TOO_DEEP = f"Markdown nested more than {MAX_NESTING} levels deep (block quotes or lists)"
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def unshowable(text: str) -> tuple[int, str] | None:
    """Where a text cannot be shown as written, and why (an error at that line): nested too deep, or a
    character reference that stands for a character no content file may hold, or such a character
    itself (a page's Markdown body is not read as YAML)."""
    text = _cleaned(text)   # as rendered: a reference the placeholders' characters split forms again
    at = refused_at(text)
    if at is not None:
        return at, f"control character {refused_character(text[at])} is not allowed: delete it"
    deep = too_deep(text)
    if deep is not None:
        return deep, TOO_DEEP
    found = _refused_reference(text)
    if found:
        return found.start(), (f"{found[0]} stands for {refused_character(_char(found))}, a control character or "
                               "non-character that no page may hold: delete it")
    return None


def _refused_reference(text: str):
    """The first numeric character reference to a character the YAML reader refuses in a file (&#x1b;
    put an ESC in the page and made the feed invalid XML; &#xFFFE; stopped cmark's output decoding)."""
    if "&#" in text:
        return next((m for m in _REFERENCE.finditer(text) if refused_character(_char(m))), None)
    return None


def _char(reference) -> str:
    point = int(reference[1], 16) if reference[1] else int(reference[2])
    # These CommonMark itself shows as U+FFFD: NUL, a surrogate, a point past Unicode.
    return "\ufffd" if point == 0 or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF else chr(point)


def too_deep(text: str) -> int | None:
    """Offset of a line that nests quotes and lists more than MAX_NESTING deep (the first with that
    many marks; for lists nested by indentation, the most indented item), or None."""
    match = _NESTING_PREFIX.search(text)
    if match:
        return match.start()
    # Lists nest by indentation too, a level a line (1,500 levels passed, and the PDF then failed): a
    # text with indented items (few have any) is measured as rendered.
    if _INDENTED_ITEM.search(text) and _depth(cmarkgfm.github_flavored_markdown_to_html(text)) > MAX_NESTING:
        return max(_INDENTED_ITEM.finditer(text), key=lambda m: len(m[1].expandtabs(4))).start()
    return None


def _depth(html: str) -> int:
    depth = deepest = 0
    for match in _BLOCK_TAG.finditer(html):
        depth += -1 if match[1] else 1
        deepest = max(deepest, depth)
    return deepest


def to_html(text: str) -> str:
    """Markdown (without citations) to sanitised HTML."""
    if _refused_reference(text):   # validation reports it; should any reach here, it shows as U+FFFD
        text = _REFERENCE.sub(lambda m: "&#xFFFD;" if refused_character(_char(m)) else m[0], text)
    # cmark empties unsafe link targets; an empty href would link to the page itself, so drop it.
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=_OPTIONS).replace(' href=""', "")
    if html.count("<blockquote>") + html.count("<ul>") + html.count("<ol") > MAX_NESTING and _depth(html) > MAX_NESTING:
        # Validation reports such text; should any reach here, it is shown flat rather than slowly.
        import html as _html
        return f"<p>{_html.escape(plain_text(html))}</p>"
    return _CLEANER.clean(html).strip()


def _cleaned(text: str) -> str:
    """The text as rendered."""
    # The placeholders' private-use characters mean nothing in prose; typed or pasted into the
    # text they would pose as citations. (Not translate(): it looks up every character of a text
    # with one outside ASCII, 100 ns each.)
    if "\ue000" in text or "\ue001" in text:
        text = text.replace("\ue000", "").replace("\ue001", "")
    return text


def _render(text: str) -> tuple[str, list[tuple[Citation, ...]]]:
    stripped, groups = extract_citations(text)
    return to_html(stripped), groups


class Renderer:
    """Markdown to safe HTML with citation placeholders, memoised by the text (for one build: a text
    the editions share is rendered once)."""

    def __init__(self, cache: dict | None = None):
        self.cache = cache if cache is not None else {}

    def render(self, text: str) -> tuple[str, list[tuple[Citation, ...]]]:
        """HTML with citation placeholders, and the citation groups in order of appearance."""
        text = _cleaned(text)
        hit = self.cache.get(text)
        if hit is None:
            hit = self.cache[text] = _render(text)
        return hit[0], list(hit[1])

    def render_inline(self, text: str) -> tuple[str, list[tuple[Citation, ...]]]:
        """As render, without the enclosing paragraph (for one-line summaries and titles)."""
        html, groups = self.render(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html, groups


def fill(html: str, marker) -> str:
    """Replace each placeholder i with marker(i)."""
    return PLACEHOLDER.sub(lambda m: marker(int(m.group(1))), html)


_TAG = re.compile(r"<[^>]+>")


def plain_text(html: str) -> str:
    """Text of an HTML fragment, entities decoded, placeholders dropped, whitespace collapsed."""
    import html as _html
    text = _html.unescape(_TAG.sub("", PLACEHOLDER.sub("", html)))
    return " ".join(text.split())
