"""One print page cut into parts, each typeset by WeasyPrint as a tagged PDF with what joining the
parts needs (page count, anchors, links to other parts, warnings); WeasyPrint is imported only here.

WeasyPrint's time grows faster than the pages, so a long document is cut where a new page begins
anyway (the front matter, each era, or a run of a long era's events, the bibliography) and the parts
are typeset apart (see pdf.write_pdfs) and joined (see pdfjoin).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass, field
from html import unescape as html_unescape
from pathlib import Path

from .dates import epoch_moment

PAPER = {"a4": "A4", "letter": "letter"}
INSTALL_HINT = "pip install -e '.[pdf]'"
# A repeated note marker links to the notes list that only browsers show; in the PDF its footnote is
# on the same page, so WeasyPrint's complaint about the missing anchor says nothing is wrong.
_EXPECTED = re.compile(r"^No anchor #note-[a-z0-9-]+ for")
_CSS_PARSER = os.sep + "css" + os.sep


class PdfUnavailable(Exception):
    """WeasyPrint (or a library it needs) is not installed."""


def _weasyprint():
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(f"WeasyPrint is not installed ({exc}); install it with: {INSTALL_HINT}") from exc
    except OSError as exc:  # the package is there but Pango or another system library is not
        raise PdfUnavailable(f"WeasyPrint cannot load its libraries ({exc})") from exc
    return weasyprint


def _pdf_date(edition: str | None) -> str | None:
    """The PDF's date: the content's edition date; only for content with no date at all,
    SOURCE_DATE_EPOCH, as for the feed (feeds.updated_date). Never the clock, so the same content
    gives the same bytes."""
    if edition:
        return edition
    moment = epoch_moment(os.environ.get("SOURCE_DATE_EPOCH"))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@contextlib.contextmanager
def _fonts_undated():
    """fontTools dates each font WeasyPrint subsets into the PDF (its head table's `modified`) by the
    clock, unless SOURCE_DATE_EPOCH is set: the same content gave other bytes a second later. Unset, it
    is 0 (1970) while a PDF is written."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        # The stylesheets also serve browsers: properties and queries WeasyPrint skips are expected.
        if _CSS_PARSER in record.pathname:
            return
        message = record.getMessage()
        if not _EXPECTED.search(message):
            self.messages.append(message)


@contextlib.contextmanager
def _richer_tags():
    """While a PDF is written, WeasyPrint's structure tree also says what its tagging leaves out:
    each footnote is a Note (PDF/UA-1 asks for it, with an ID), and an element with a lang
    attribute of its own (a Chinese or Russian name) carries its language, for a screen reader's voice.

    WeasyPrint builds the tree in pdf.tags._build_box_tree, a generator that calls itself through the
    module, so wrapping it there reaches every box. A version without it gets its own tags only."""
    try:
        from weasyprint.pdf import tags
        import pydyf
        original = tags._build_box_tree
    except (ImportError, AttributeError):
        yield
        return
    ids: set[str] = set()

    def build(box, *args, **kwargs):
        for element in original(box, *args, **kwargs):
            node = getattr(box, "element", None)
            if node is not None and getattr(box, "element_tag", None) not in ("html", "body"):
                lang = node.get("lang")
                if lang:
                    element["Lang"] = pydyf.String(lang)
                if element.get("S") == "/Span" and "footnote" in (node.get("class") or "").split():
                    element["S"] = "/Note"
                    ident, n = node.get("id") or "fn", 1
                    while (ident if n == 1 else f"{ident}-{n}") in ids:  # a note split across pages
                        n += 1
                    ids.add(ident if n == 1 else f"{ident}-{n}")
                    element["ID"] = pydyf.String(ident if n == 1 else f"{ident}-{n}")
            yield element

    tags._build_box_tree = build
    try:
        yield
    finally:
        tags._build_box_tree = original


def _lost_footnotes(html: str, document) -> list[str]:
    """Numbers of footnotes in the page that are in no page's footnote area: WeasyPrint drops some silently.

    Reads WeasyPrint's laid-out boxes; if a future version lays them out differently, checks nothing.
    """
    try:
        from weasyprint.formatting_structure.boxes import FootnoteAreaBox
    except ImportError:
        return []
    printed: set[str] = set()

    def walk(box) -> None:
        if isinstance(box, FootnoteAreaBox):
            for child in box.children:
                element = getattr(child, "element", None)
                if element is not None and element.get("data-n"):
                    printed.add(element.get("data-n"))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        box = getattr(page, "_page_box", None)
        if box is None:
            return []
        walk(box)
    wanted = re.findall(r'<span class="footnote"[^>]*\bdata-n="(\d+)"', html)
    return [n for n in wanted if n not in printed]


# Above this many characters of HTML (some 150 events) an era is typeset as several parts, so that
# the two cores get even shares (a generated era can hold half the events). Each cut starts a page.
PART_CHARS = 512 * 1024
_MAIN = re.compile(r'<main\b[^>]*>')
_BODY_PART = re.compile(r'<section class="(?:print-era|print-bibliography)"')
_EVENT = re.compile(r'<article class="print-event\b')
_ERA_HEADING = re.compile(r'<h2 class="era-heading"[^>]*>(.*?)</h2>', re.DOTALL)
_TOC_LINK = re.compile(r'(<a href="#([^"]+)")(>)')
# A contents line noted as translated from an English that has changed since (partials/print_toc_*.html):
# the heading it links to, and the note.
_TOC_NOTED = re.compile(r'<a href="#([^"]+)"[^>]*>(?:(?!<a ).)*?</a>'
                        r'<br><small class="event-stale-inline">([^<]*)</small>', re.DOTALL)


@dataclass
class _Split:
    head: str                   # the page up to and with <main>
    tail: str                   # </main> and what follows
    parts: list[str]            # the front matter (title page, contents), then the body's parts
    carried: dict = field(default_factory=dict)  # part index -> the era heading it continues
    whole: bool = False         # one part, the page as it is (no joining)
    bookmarks: str | None = None  # the style of the noted headings' bookmarks (_noted_bookmarks), once made


def _noted_bookmarks(front: str) -> str:
    """A bookmark is its heading's words (print.css: content(text)); that of a heading whose contents
    line is noted as a stale translation has the note too, after a space, as plain text has it
    (transstamp.noted): the outline says what the printed contents say."""
    return "".join(f"{_css_id(html_unescape(anchor))} {{ bookmark-label: content(text) "
                   f"{_css_string(' ' + html_unescape(note))} !important; }}"
                   for anchor, note in _TOC_NOTED.findall(front))


def _css_id(name: str) -> str:
    # An id selector (which WeasyPrint looks up, where it would try [id=...] on every element): each
    # character but an ASCII letter, digit, - or _ escaped, and a first digit.
    return "#" + "".join(c if c.isascii() and (c.isalpha() or c in "-_" or c.isdigit() and i) else f"\\{ord(c):x} "
                         for i, c in enumerate(name))


def _split(text: str) -> _Split:
    main = _MAIN.search(text)
    end = text.rfind("</main>")
    if main is None or end < 0:
        return _Split("", "", [text], whole=True)  # not a print page as this module knows it
    head, body, tail = text[:main.end()], text[main.end():end], text[end:]
    starts = [m.start() for m in _BODY_PART.finditer(body)]
    if not starts:
        return _Split("", "", [text], whole=True)
    cut = _Split(head, tail, [body[:starts[0]]])
    for begin, stop in zip(starts, starts[1:] + [len(body)]):
        section = body[begin:stop]
        events = [m.start() for m in _EVENT.finditer(section)]
        if len(section) <= PART_CHARS or len(events) < 2:
            cut.parts.append(section)
            continue
        heading = _ERA_HEADING.search(section)
        label = html_unescape(re.sub(r"<[^>]+>", "", heading[1])) if heading else ""
        close = section.rfind("</section>")
        piece_start, runs = 0, []
        for at in events[1:]:
            if at - piece_start >= PART_CHARS:
                runs.append((piece_start, at))
                piece_start = at
        runs.append((piece_start, close))
        for n, (a, b) in enumerate(runs):
            inner = section[a:b]
            if n:
                cut.carried[len(cut.parts)] = label
                inner = '<section class="print-era era-continued">' + inner
            cut.parts.append(inner + ("</section>" if n < len(runs) - 1 else section[close:]))
    return cut


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"'


# Parts after the front matter: no page numbers (they are stamped on after the join, when they are
# known), and a running header from the first page on.
# (Sheets given to WeasyPrint are the user's: !important, to win over the page's own.)
_BODY_CSS = ("@page { @bottom-center { content: none !important; } }"
             "@page :first { @top-center { content: string(era) !important; } }")
# WeasyPrint draws a leader as one text box per repeat of its string: a leader of single dots made
# the contents of 1,000 events some 100,000 boxes, most of the front matter's time (measured: 122 s
# with one dot, 38 s with eight, under the same load). Four dots cut the boxes by four and leave a
# gap of at most three dots at the ends.
_FRONT_CSS = '.toc a::after { content: leader("....") attr(data-page) !important; }'


def _typeset(split: _Split, index: int, page: Path, paper: str, variant: str,
             numbers: dict | None = None) -> dict:
    """One part as a PDF (bytes) with what the join needs: its page count, where its anchors are,
    the links it makes to other parts' anchors, and WeasyPrint's warnings. numbers: for the front
    matter, each contents entry's page (anchor -> number); without, a placeholder of three digits."""
    weasyprint = _weasyprint()
    body = split.parts[index]
    if split.bookmarks is None:
        split.bookmarks = _noted_bookmarks(split.parts[0])
    styles = [f"@page {{ size: {PAPER[paper]}; }}"] + ([split.bookmarks] if split.bookmarks else [])
    if not split.whole and index == 0:
        styles.append(_FRONT_CSS)
        body = _TOC_LINK.sub(lambda m: f'{m[1]} data-page="{(numbers or {}).get(m[2], 999)}"{m[3]}', body)
    elif not split.whole:
        styles.append(_BODY_CSS)
        if index in split.carried:
            styles.append(f".era-continued {{ string-set: era {_css_string(split.carried[index])} !important; }}")
    text = split.head + body + split.tail
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        document, lost = _laid_out(weasyprint, text, page, styles, variant, collect)
        anchors: dict[str, int] = {}
        for number, one in enumerate(document.pages):
            for name in one.anchors:
                anchors.setdefault(name, number)
        # The contents link to other parts' anchors; WeasyPrint would drop such a link: an anchor of
        # that name, here on the first page, keeps it, and the join points the name at its place.
        # (Other links to no anchor are dropped, as in a document typeset whole.)
        elsewhere = set()
        if index == 0 and not split.whole:
            elsewhere = {link[1] for one in document.pages for link in one.links
                         if link[0] == "internal" and link[1] not in anchors}
        document.pages[0].anchors.update((name, (0, 0, 0, 0)) for name in sorted(elsewhere))
        _drop_file_links(document)
        meta = document.metadata
        # The page's <title> names the site page; the document's title is the timeline's own.
        meta.title = meta.custom.pop("dcterms.title", None) or meta.title
        meta.authors = list(dict.fromkeys(meta.authors))
        meta.created = meta.modified = _pdf_date(meta.created)
        meta.custom = {}
        with _richer_tags(), _fonts_undated():
            data = document.write_pdf(pdf_identifier=True, pdf_variant=variant, pdf_tags=True)
    finally:
        logger.removeHandler(collect)
    return {"pdf": data, "pages": len(document.pages), "anchors": anchors, "elsewhere": elsewhere,
            "messages": collect.messages, "lost": lost}


def _laid_out(weasyprint, text: str, page: Path, styles: list[str], variant: str, collect: _Collect) -> tuple:
    """WeasyPrint's layout of the text, and the numbers of the footnotes it dropped (see _lost_footnotes).
    WeasyPrint drops a note called soon after a long one near a page's foot (its issue 2502; in the
    bundled content, a note of the era "The split"): the text is then laid out again with a page
    break before each event that holds a dropped note, which prints it, and the layout that drops
    fewer is kept, with its own warnings."""
    def render(extra: list[str]):
        collect.messages = []
        # base_url is the page's own folder, so its relative links to ../static/ resolve in build_dir.
        html = weasyprint.HTML(string=text, base_url=str(page.parent) + os.sep)
        # Tags are asked for at layout: WeasyPrint then keeps the boxes' roles for the structure tree.
        document = html.render(stylesheets=[weasyprint.CSS(string=css) for css in styles + extra],
                               pdf_variant=variant, pdf_tags=True)
        return document, _lost_footnotes(text, document), collect.messages

    first = render([])
    events = _holding(text, first[1])
    if not events:
        return first[:2]
    # Not before an era's first event: the era begins a page, and its heading would be left alone.
    breaks = [", ".join(f"article.print-event[aria-labelledby={_css_string('event-' + e)}]:not(:first-of-type)"
                        for e in events) + " { break-before: page !important; }"]
    second = render(breaks)
    kept = second if len(second[1]) < len(first[1]) else first
    collect.messages = kept[2]
    return kept[:2]


def _holding(text: str, numbers: list[str]) -> list[str]:
    """The ids of the events whose footnotes have these numbers (pdfnotes.footnotes names them)."""
    by_number = {n: html_unescape(event)
                 for event, n in re.findall(r'<span class="footnote" id="fn-([^"]+)-\d+" data-n="(\d+)"', text)}
    return list(dict.fromkeys(by_number[n] for n in numbers if n in by_number))


def _drop_file_links(document) -> None:
    """A relative link to another page of the site (the translation notice's "English") resolves
    against the output folder: a file: address naming the build machine's folder, dead for a reader,
    and one that makes the PDF differ by where it was built. Such links are dropped."""
    for one in document.pages:
        one.links[:] = [link for link in one.links if not (link[0] == "external" and link[1].startswith("file:"))]


def _stamps(split: _Split, page: Path, paper: str, first: int, count: int) -> bytes:
    """count pages that carry only a page number, first to first + count - 1, as the print
    stylesheet sets them: laid over the joined pages after the front matter, whose parts were
    typeset without. Only the numbers: made on one core while the contents are numbered on the other."""
    weasyprint = _weasyprint()
    blank = '<div style="height: 1px; break-after: page"></div>' * (count - 1) + '<div style="height: 1px"></div>'
    html = weasyprint.HTML(string=split.head + blank + split.tail, base_url=str(page.parent) + os.sep)
    # Transparent: the stamp is laid over the page (the print sheet gives the body a white background).
    # The first page is numbered too (the title page's rule says none), counting from first.
    css = (f"@page {{ size: {PAPER[paper]}; background: none !important; }}"
           f"@page :first {{ counter-reset: page {first}; @bottom-center {{ content: counter(page) !important; }} }}"
           "html, body, main { background: none !important; }")
    with _fonts_undated():
        return html.write_pdf(stylesheets=[weasyprint.CSS(string=css)])
