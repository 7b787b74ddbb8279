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

import html
import re

import nh3
from cmarkgfm import cmark
from cmarkgfm.cmark import Options

from .citations import PLACEHOLDER, extract_citations, group_offsets
from .model import Citation
from .characters import refused_at, refused_character
from .diagnostics import excerpt
from .addresses import addresses_ended
from .typography import language_quotes, scripts_marked

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "h2", "h3", "h4", "hr", "i",
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
# GitHub's extensions but task lists, whose checkbox the sanitiser drops ('- [x] done' showed as
# 'done'): without it '[x]' stays in the text as written. ~~text~~ is struck through (<del>).
_EXTENSIONS = ["table", "autolink", "tagfilter", "strikethrough"]


_GFM_OPTIONS = _OPTIONS | Options.CMARK_OPT_GITHUB_PRE_LANG
# cmarkgfm.markdown_to_html_with_extensions's own steps (cmarkgfm.cmark's functions), with the extensions
# looked up once: it looks each up by name at every call, a third of its time for a summary (a build
# makes 40,000 calls).
cmark.core_extensions_ensure_registered()
_SYNTAX = [cmark.find_syntax_extension(name) for name in _EXTENSIONS]


def _gfm(text: str) -> str:
    parser = cmark.parser_new(_GFM_OPTIONS)
    try:
        for extension in _SYNTAX:
            cmark.parser_attach_syntax_extension(parser, extension)
        cmark.parser_feed(parser, text)
        root = cmark.parser_finish(parser)
        return cmark.render_html(root, _GFM_OPTIONS, cmark.parser_get_syntax_extensions(parser))
    finally:
        cmark.parser_free(parser)


# Block quotes nest without limit in cmark (lists stop at a depth of about 100), and the sanitiser
# takes time quadratic in the nesting: 100,000 '>' took 21 s. No text needs more than a few levels.
MAX_NESTING = 32
_NESTING = r"(?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))){%d}" % (MAX_NESTING + 1)
_NESTING_PREFIX = re.compile(r"^" + _NESTING, re.M)
_BLOCK_TAG = re.compile(r"<(/?)(?:blockquote|ul|ol)\b")
_INDENTED = r"((?:[ \t]*>)*[ \t]+)(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))"
_INDENTED_ITEM = re.compile(r"^" + _INDENTED, re.M)  # in quotes too
# The same after a line break, searched for from one "\n" to the next (a pattern that begins with
# "^" is tried at every character), and matched at the text's start: what "^" finds, four times faster.
_LINE_STARTS = {_NESTING_PREFIX: re.compile(r"\n" + _NESTING), _INDENTED_ITEM: re.compile(r"\n" + _INDENTED)}


# The longest Markdown text (a summary, a body, a page): the longest bundled one has 13,000 characters.
# The HTML cleaner's time grows with the square of a paragraph's ampersands (nh3: 2 MB of "&" took
# 93 s); at this length it is about a second.
MAX_TEXT = 200_000
TOO_LONG = "the text has {length:,} characters, more than the {limit:,} a text may have: make it shorter or split it"
TOO_DEEP = f"Markdown nested more than {MAX_NESTING} levels deep (block quotes or lists)"
MISPLACED = ("a citation cannot go inside a link, an image or HTML (its text, address or title): "
             "put it after the link")
LOST = ("a citation here is left out of the page (in HTML, or in a table cell beyond the header "
        "row's): put it in the text")
# What a citation must be inside of to land anywhere but the running text: a link or image in any
# of its forms ([t](u), [t][r], a definition [r]: u, ![i](u), <autolink>, a bare address), HTML or a
# table (a cell beyond the header row's is dropped).
# Its first character as a class, the rest as look-behinds: sre then skips to the next such character,
# where an alternation (r"\](|\][|...|www\.", re.I) was tried at every one (9 µs a text, now 2.5).
_LINK_SYNTAX = re.compile(r"[\]!<:|wW](?:(?<=\])[(\[:]|(?<=!)\[|(?<=<)|(?<=:)//|(?<=\|)|(?<=[wW])[wW][wW]\.)")
_TAG_OR_MARKER = re.compile(r"<(/?)(a\b)?[^>]*>|" + PLACEHOLDER.pattern)   # a marker: group 3
_MARKER_NUMBER = re.compile(r"(?:\ue000|%EE%80%80)(\d+)(?:\ue001|%EE%80%81)", re.IGNORECASE)  # in an address, encoded
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_PLACEHOLDER_REFERENCE = re.compile(r"&#(?:[xX]0*[eE]00[01]|0*5734[45]);")


def unshowable(text: str) -> tuple[int, str] | None:
    """Where a text cannot be shown as written, and why (an error at that line): nested too deep, or a
    character reference that stands for a character no content file may hold, or such a character
    itself (a page's Markdown body is not read as YAML), or too long."""
    if len(text) > MAX_TEXT:
        return 0, TOO_LONG.format(length=len(text), limit=MAX_TEXT)
    text = _cleaned(text)   # as rendered: a reference the placeholders' characters split forms again
    at = refused_at(text)
    if at is not None:
        return at, f"control character {refused_character(text[at])} is not allowed: delete it"
    deep = too_deep(text)
    if deep is not None:
        return deep, TOO_DEEP
    misplaced = misplaced_citation(text)
    if misplaced is not None:
        return misplaced
    found = _refused_reference(text)
    if found:
        return found.start(), (f"{found[0]} stands for {refused_character(_char(found))}, a control character or "
                               "non-character that no page may hold: delete it")
    return None


SHOWS_NO_TEXT = ("the summary shows no text once struck-through text (~~...~~) and citations are left out, as they "
                 "are from the page's description, the feeds and the search")


def shows_no_text(text: str) -> bool:
    """Whether a summary's plain text (its page's description, the feeds, the search: plain_text of
    the summary as rendered) is empty: struck through entirely, citations alone, an image. Only a text
    with strikethrough, an entity, link or HTML syntax, or no letter or digit outside its citations,
    is rendered to tell."""
    if len(text) > MAX_TEXT:
        return False    # unshowable() says it is too long: it is not rendered
    bare = PLACEHOLDER.sub("", extract_citations(_cleaned(text))[0])
    if not ("~~" in bare or "&" in bare or _LINK_SYNTAX.search(bare)) and any(c.isalnum() for c in bare):
        return False
    return not plain_text(Renderer().render_inline(text)[0])


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


def misplaced_citation(text: str) -> tuple[int, str] | None:
    """(offset, message) of the first citation group that Markdown puts anywhere but the running
    text: in a link's text (a marker's link inside another), its address or title or an image's (the
    marker's HTML in an attribute), or nowhere (in HTML it leaves out, a table cell it drops); None
    if every group lands in the text. Only a text with link, image, HTML or table syntax is rendered."""
    if "@" not in text or not _LINK_SYNTAX.search(text):
        return None
    stripped, groups = extract_citations(text)
    if not groups:
        return None
    placed, inside, depth = set(), set(), 0
    for match in _TAG_OR_MARKER.finditer(addresses_ended(_gfm(stripped), stripped, _gfm)):
        if match[3] is not None:
            (placed if depth == 0 else inside).add(int(match[3]))
        else:   # a tag: markers in its attributes, and a link's depth
            inside.update(int(n) for n in _MARKER_NUMBER.findall(match[0]))
            if match[2]:
                depth = max(0, depth - 1) if match[1] else depth + 1
    for i in range(len(groups)):
        if i not in placed:
            return group_offsets(text)[i], MISPLACED if i in inside else LOST
    return None


def relative_link(text: str) -> tuple[int, str] | None:
    """(offset, message) of the first link whose address is not a full one (http, https, mailto): an
    event's text is shown on its page and on lists, theme and era pages and print views at other
    depths, where a relative address (../x/, #note-1, /events/x/) leads somewhere else. None if none."""
    if not _LINK_SYNTAX.search(text):
        return None
    for match in _HREF.finditer(_gfm(extract_citations(text)[0])):
        href = html.unescape(match[1])
        if not _FULL_ADDRESS.match(href):
            return _link_problem(text, href, html.unescape(_TAG.sub("", match[2])))
    return None


def _link_problem(text: str, href: str, name: str) -> tuple[int, str]:
    # cmark empties javascript:, data:, vbscript: and file: addresses, and the sanitiser drops any other
    # scheme's: neither is relative, and an emptied one is found by its link's text.
    if not href:
        return max(text.find(f"[{name}]"), 0), (f"the link '{excerpt(name)}' has no address the page keeps "
                                                "(javascript:, data:, vbscript: and file: addresses are emptied): "
                                                "give a full address (https://...)")
    at = max(text.find(href), 0)
    if _SCHEME.match(href):
        return at, (f"the link to '{excerpt(href)}' is left out of the page: only http:, https: and mailto: "
                    "addresses are kept")
    return at, (f"the link to '{excerpt(href)}' is relative, so it leads somewhere else from each page that "
                "shows this text (lists, theme and era pages, print views): to link an event, name it under "
                "related:; otherwise give a full address (https://...)")


_HREF = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_FULL_ADDRESS = re.compile(r"(?:https?|mailto):", re.IGNORECASE)


def too_deep(text: str) -> int | None:
    """Offset of a line that nests quotes and lists more than MAX_NESTING deep (the first with that
    many marks; for lists nested by indentation, the most indented item), or None."""
    at = _line_start(_NESTING_PREFIX, text)
    if at is not None:
        return at
    # Lists nest by indentation too, a level a line (1,500 levels passed, and the PDF then failed): a
    # text with indented items (few have any) is measured as rendered.
    if _line_start(_INDENTED_ITEM, text) is not None and _depth(_gfm(text)) > MAX_NESTING:
        return max(_INDENTED_ITEM.finditer(text), key=lambda m: len(m[1].expandtabs(4))).start()
    return None


def _line_start(pattern: re.Pattern, text: str) -> int | None:
    """Where pattern.search(text) would match (pattern: one of _LINE_STARTS, which begin with "^"), or None."""
    if pattern.match(text):
        return 0
    found = _LINE_STARTS[pattern].search(text)
    return found.start() + 1 if found else None


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
    html = addresses_ended(_gfm(text), text, _gfm).replace(' href=""', "")
    if html.count("<blockquote>") + html.count("<ul>") + html.count("<ol") > MAX_NESTING and _depth(html) > MAX_NESTING:
        # Validation reports such text; should any reach here, it is shown flat rather than slowly.
        import html as _html
        return f"<p>{_html.escape(plain_text(html))}</p>"
    return _CLEANER.clean(html).strip()


def _cleaned(text: str) -> str:
    """The text as rendered."""
    # The placeholders' private-use characters mean nothing in prose; typed or pasted into the
    # text they would pose as citations. (Not translate(): it looks up every character of a text
    # with one outside ASCII, 100 ns each.) So do character references to them, which cmark
    # decodes after this (&#xE000;9&#xE001; was taken for citation 9); a removal that joins two
    # halves of one into a new one is removed in turn.
    if "\ue000" in text or "\ue001" in text:
        text = text.replace("\ue000", "").replace("\ue001", "")
    while "&#" in text:
        text, removed = _PLACEHOLDER_REFERENCE.subn("", text)
        if not removed:
            break
    return text


def _render(text: str, language: str) -> tuple[str, list[tuple[Citation, ...]]]:
    stripped, groups = extract_citations(text)
    html = language_quotes(to_html(stripped), text, language)   # the text as typed: citations curl a quote before them
    return (scripts_marked(html, language) if language else html), groups


class Renderer:
    """Markdown to safe HTML with citation placeholders, memoised by the text and its language (for one
    build: a text the editions share is rendered once)."""

    def __init__(self, cache: dict | None = None):
        self.cache = cache if cache is not None else {}

    def render(self, text: str, language: str = "") -> tuple[str, list[tuple[Citation, ...]]]:
        """HTML with citation placeholders, and the citation groups in order of appearance. language:
        the text's own ("en", "zh-Hans", "ru"); runs of Chinese or Russian in it, if it is another, are
        marked with theirs (typography.scripts_marked). Without it nothing is marked."""
        text = _cleaned(text)
        hit = self.cache.get((text, language))
        if hit is None:
            hit = self.cache[text, language] = _render(text, language)
        return hit[0], list(hit[1])

    def render_inline(self, text: str, language: str = "") -> tuple[str, list[tuple[Citation, ...]]]:
        """As render, without the enclosing paragraph (for one-line summaries and titles)."""
        html, groups = self.render(text, language)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html, groups


def fill(html: str, marker) -> str:
    """Replace each placeholder i with marker(i)."""
    return PLACEHOLDER.sub(lambda m: marker(int(m.group(1))), html)


_TAG = re.compile(r"<[^>]+>")
_DELETED = re.compile(r"<del>(?:(?!<del>).)*?</del>", re.S)   # struck-through text (~~x~~), innermost first
# A sentence that ends in an abbreviation ("2026 г.", "U.S.") or a question takes no second full stop
# when the citation between them goes: "по 14 сентября 2026 г. [@k]." is "... 2026 г." in plain text; nor
# one that ends in a quotation's own ("“Who is he?” [@k]." is "... he?”").
_ENDED = re.compile("([.?!\u2026](?:</[a-z]+>|[\u201d\u2019\u00bb])*)(?:\\s*\ue000\\d+\ue001)+\\.")


def plain_text(html: str) -> str:
    """Text of an HTML fragment, entities decoded, placeholders dropped, whitespace collapsed."""
    import html as _html
    html = PLACEHOLDER.sub("", _ENDED.sub(r"\1", html))
    while "<del>" in html:   # struck through inside struck through: the inner first, then the outer
        html, removed = _DELETED.subn("", html)
        if not removed:
            break
    text = _html.unescape(_TAG.sub("", html))
    return " ".join(text.split())
