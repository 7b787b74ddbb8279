"""Markdown with Pandoc-style citations, rendered to safe HTML.

Citations are cut out before Markdown runs and left as placeholders, so the (cacheable) HTML of a
text depends on the text alone; the caller numbers the notes and puts the markers in.
Raw HTML in the input is shown as text, and the output is sanitised again as a second line of
defence, so no script, event handler or javascript:/data: link from YAML reaches a page.
"""

from __future__ import annotations

import hashlib
import re
import threading

import markdown
import nh3

from .model import Citation

_CITE_GROUP = re.compile(r"[ \t]*(?<!\\)\[(?P<inner>[^\[\]]*@[^\[\]]*)\](?![(\[])")
_CITE_ITEM = re.compile(r"^\s*(?P<prefix>[^@;]*\s)?@(?P<key>[\w][\w:.\-]*?)\.?\s*(?:,\s*(?P<loc>[^;]*?))?\s*$")
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "h2", "h3", "h4", "hr", "i",
                "li", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td",
                "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def iter_citations(text: str):
    """(offset, Citation) for every citation in text, in order."""
    for match in _CITE_GROUP.finditer(text):
        parts = [_CITE_ITEM.match(part) for part in match["inner"].split(";")]
        if all(parts):
            for item in parts:
                yield match.start("inner"), Citation(item["key"], (item["loc"] or "").strip(),
                                                     (item["prefix"] or "").strip())


def extract_citations(text: str) -> tuple[str, list[tuple[Citation, ...]]]:
    """Replace each [@key, locator; @key2] group with a numbered placeholder; return the groups."""
    groups: list[tuple[Citation, ...]] = []

    def replace(match: re.Match) -> str:
        items = []
        for part in match["inner"].split(";"):
            item = _CITE_ITEM.match(part)
            if not item:
                return match.group(0)  # brackets that merely contain an @ (an e-mail address, say)
            items.append(Citation(item["key"], (item["loc"] or "").strip(), (item["prefix"] or "").strip()))
        groups.append(tuple(items))
        return f"\ue000{len(groups) - 1}\ue001"

    return _CITE_GROUP.sub(replace, text), groups


class Renderer:
    """Markdown to safe HTML, with a cache keyed by the text's hash (one Markdown parser per thread)."""

    def __init__(self, cache: dict | None = None):
        self.cache = cache if cache is not None else {}
        self._local = threading.local()

    def _markdown(self) -> markdown.Markdown:
        md = getattr(self._local, "md", None)
        if md is None:
            md = markdown.Markdown(extensions=["tables", "sane_lists", "smarty"], output_format="html")
            # Without these two, raw HTML would pass through; with them it is escaped and shown as text.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            self._local.md = md
        return md

    def render(self, text: str) -> tuple[str, list[tuple[Citation, ...]]]:
        """HTML with citation placeholders, and the citation groups in order of appearance."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        hit = self.cache.get(digest)
        if hit is None:
            stripped, groups = extract_citations(text)
            md = self._markdown()
            html = md.reset().convert(stripped)
            html = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                             link_rel="noopener noreferrer")
            hit = (html, groups)
            self.cache[digest] = hit
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
