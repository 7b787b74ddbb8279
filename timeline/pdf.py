"""The timeline as PDFs: WeasyPrint typesets each built print page (print/index.html, the whole
timeline, and one page per era and per theme) into a PDF beside the home page.

A thin layer over the build: everything a PDF shows, and its metadata, comes from its page and the
stylesheet, so the PDF and a browser's "Print" cannot drift apart. The PDFs are tagged (PDF/UA-1: a
screen reader finds headings, lists and notes in reading order), or with variant "pdf/a-3u" archival
(PDF/A-3u, still tagged). WeasyPrint is an optional extra; this module imports without it and says
how to install it.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from html import unescape as html_unescape
from pathlib import Path

from . import urls

PDF_NAME = urls.PDF
PRINT_PAGE = urls.path("print")
# What a reader needs (tagged, accessible) by default; the archival variant for a library's shelf.
VARIANTS = ("pdf/ua-1", "pdf/a-3u")
DEFAULT_VARIANT = VARIANTS[0]
# The font families the print stylesheet asks for, and the languages whose fallback fonts it may
# need: fontconfig's answer for these is the set of font files a PDF can be made from.
FONT_QUERIES = ("DejaVu Serif", "Noto Serif CJK SC", "serif", ":lang=zh", ":lang=ru")
PAPER = {"a4": "A4", "letter": "letter"}
INSTALL_HINT = "pip install -e '.[pdf]'"
CJK_PACKAGE = "fonts-noto-cjk"
# A repeated note marker links to the notes list that only browsers show; in the PDF its footnote is
# on the same page, so WeasyPrint's complaint about the missing anchor says nothing is wrong.
_EXPECTED = re.compile(r"^No anchor #note-[a-z0-9-]+-\d+ for")
# One line per character no font has: a missing CJK font gives some two thousand. Summed up in one
# warning; each is kept for --verbose.
_NO_GLYPH = re.compile(r"^\.notdef glyph rendered for Unicode string unsupported by fonts: \"(.*)\"")
_CSS_PARSER = os.sep + "css" + os.sep
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class PdfUnavailable(Exception):
    """WeasyPrint (or a library it needs) is not installed."""


@dataclass
class PdfResult:
    path: Path
    pages: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # every warning WeasyPrint gave, for --verbose


def _weasyprint():
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(f"WeasyPrint is not installed ({exc}); install it with: {INSTALL_HINT}") from exc
    except OSError as exc:  # the package is there but Pango or another system library is not
        raise PdfUnavailable(f"WeasyPrint cannot load its libraries ({exc})") from exc
    return weasyprint


def cjk_font_missing() -> str | None:
    """A warning if fontconfig knows no Chinese font: WeasyPrint would print empty boxes, silently."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return f"cannot check for a Chinese font (fc-list not found); install {CJK_PACKAGE} if Chinese prints as boxes"
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    if found.strip():
        return None
    return (f"no Chinese (CJK) font installed: Chinese names would print as empty boxes; "
            f"install one, e.g. on Debian: apt-get install {CJK_PACKAGE}")


def _pdf_date(edition: str | None) -> str | None:
    """The PDF's date: SOURCE_DATE_EPOCH if set (reproducible builds), else the content's edition date.

    Never the clock, so the same content gives the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return edition


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


def font_inputs() -> list[str]:
    """The font files fontconfig gives for the print stylesheet's families and fallbacks, each with
    its size and modification time: a PDF made before a font was installed, removed or updated is
    out of date (installing fonts-noto-cjk, as the missing-font warning says, must remake the PDF)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ["fc-match not found"]
    files: dict[str, None] = {}
    for query in FONT_QUERIES:
        found = subprocess.run([fc_match, "-s", "--format=%{file}\\n", query],
                               capture_output=True, text=True, check=False).stdout
        files.update(dict.fromkeys(line for line in found.splitlines() if line))
    out = []
    for name in files:
        try:
            st = os.stat(name)
            out.append(f"{name}\0{st.st_size}\0{st.st_mtime_ns}")
        except OSError as exc:
            out.append(f"{name}\0unreadable {exc.errno}")
    return out


def documents(build_dir: Path) -> list[tuple[str, str]]:
    """(print page, PDF) for each print view built in build_dir, the whole timeline's first."""
    build_dir = Path(build_dir)
    found = [(PRINT_PAGE, PDF_NAME)]
    for kind in urls.PRINTED:
        pattern = urls.path(f"print-{kind}", "*")  # print/eras/*/index.html
        for page in sorted(build_dir.glob(pattern)):
            ident = page.parent.name
            found.append((urls.path(f"print-{kind}", ident), urls.pdf(f"print-{kind}", ident)))
    return found


def write_pdf(build_dir: Path, pdf_path: Path | None = None, paper: str = "a4",
              variant: str = DEFAULT_VARIANT, page: str = PRINT_PAGE) -> PdfResult:
    """Typeset build_dir/page (default the whole timeline's print page) into pdf_path (default
    build_dir/timeline.pdf), as variant (see VARIANTS).

    Returns the page count, the seconds taken and the warnings. Raises PdfUnavailable without
    WeasyPrint or pikepdf and FileNotFoundError when the print page has not been built.
    """
    build_dir = Path(build_dir)
    return write_pdfs(build_dir, paper, variant, [(page, Path(pdf_path) if pdf_path else build_dir / PDF_NAME)])[0]


def write_pdfs(build_dir: Path, paper: str = "a4", variant: str = DEFAULT_VARIANT,
               docs: list | None = None) -> list[PdfResult]:
    """Each print view built in build_dir (or each (page, PDF path) of docs) as a PDF, the whole
    timeline's first.

    WeasyPrint's time grows faster than the pages (it looks each line's footnotes up in a list of all
    the document's footnotes), and it uses one core. So each document is cut into parts (the front
    matter, each era or a run of an era's events, the bibliography), every part of every document
    is typeset on one of two cores, and each document is joined again (see _join): the contents
    then get their page numbers, and the pages theirs (see _stamps).
    """
    _weasyprint()
    try:
        import pikepdf  # noqa: F401
    except ImportError as exc:
        raise PdfUnavailable(f"pikepdf is not installed ({exc}); install it with: {INSTALL_HINT}") from exc
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}, not {paper!r}")
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, not {variant!r}")
    build_dir = Path(build_dir)
    if docs is None:
        docs = [(page, build_dir / name) for page, name in documents(build_dir)]
    started = time.perf_counter()
    texts = []
    for page, _ in docs:
        path = build_dir / page
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: build the site first")
        texts.append(path.read_text(encoding="utf-8"))
    split = [_split(text) if len(text) >= WHOLE_CHARS else _Split("", "", [text], whole=True) for text in texts]
    jobs = [(d, i) for d, parts in enumerate(split) for i in range(len(parts.parts))]

    def typeset(share):
        return [_typeset(split[d], i, build_dir / docs[d][0], paper, variant) for d, i in share]

    done = dict(zip(jobs, _in_halves(typeset, jobs, [len(split[d].parts[i]) for d, i in jobs])))

    def finish(share):
        return [_finish(split[d], [done[(d, i)] for i in range(len(split[d].parts))], texts[d],
                        build_dir / docs[d][0], Path(docs[d][1]), paper, variant, started) for d in share]

    order = list(range(len(docs)))
    return _in_halves(finish, order, [len(texts[d]) for d in order])


def _summed(messages: list[str], shown: list[str]) -> list[str]:
    """WeasyPrint's warnings as the user reads them: one line for all the characters no font has."""
    missing = [m[1] for m in map(_NO_GLYPH.match, messages) if m]
    out = [m for m in dict.fromkeys(messages) if not _NO_GLYPH.match(m) and m not in shown]
    if missing:
        chars = list(dict.fromkeys("".join(missing)))
        sample = " ".join(chars[:8]) + (" ..." if len(chars) > 8 else "")
        out.append(f"{len(chars)} character(s) printed as empty boxes, no font has them: {sample} "
                   f"(--verbose lists each of WeasyPrint's {len(missing)} warnings)")
    return out


def _in_halves(func, items: list, sizes: list[int]) -> list:
    """func(items), on two cores when there are two or more: each side takes about half the sizes,
    the largest first. The results come back in the order of items."""
    from .parallel import can_fork, in_two

    if len(items) < 2 or not can_fork():
        return func(items)
    shares, loads = ([], []), [0, 0]
    for _, i in sorted(((size, i) for i, size in enumerate(sizes)), reverse=True):
        side = 0 if loads[0] <= loads[1] else 1
        shares[side].append(i)
        loads[side] += sizes[i]
    here, there = in_two(lambda: func([items[i] for i in shares[0]]), lambda: func([items[i] for i in shares[1]]))
    made = dict(zip(shares[0], here)) | dict(zip(shares[1], there))
    return [made[i] for i in range(len(items))]


# ---- Parts: a print page cut where a new page begins anyway ------------------------------------

# Below this many characters of HTML (some 80 events) a document is typeset whole: cutting and
# joining would cost more than it saves (the two cores are kept busy by the other documents).
WHOLE_CHARS = 256 * 1024
# Above this many characters of HTML (some 150 events) an era is typeset as several parts, so that
# the two cores get even shares (a generated era can hold half the events). Each cut starts a page.
PART_CHARS = 512 * 1024
_MAIN = re.compile(r'<main\b[^>]*>')
_BODY_PART = re.compile(r'<section class="(?:print-era|print-bibliography)"')
_EVENT = re.compile(r'<article class="print-event\b')
_ERA_HEADING = re.compile(r'<h2 class="era-heading"[^>]*>(.*?)</h2>', re.DOTALL)
_TOC_LINK = re.compile(r'(<a href="#([^"]+)")(>)')


@dataclass
class _Split:
    head: str                   # the page up to and with <main>
    tail: str                   # </main> and what follows
    parts: list[str]            # the front matter (title page, contents), then the body's parts
    carried: dict = field(default_factory=dict)  # part index -> the era heading it continues
    whole: bool = False         # one part, the page as it is (no joining)


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
_FRONT_CSS = '.toc a::after { content: leader(".") attr(data-page) !important; }'


def _typeset(split: _Split, index: int, page: Path, paper: str, variant: str,
             numbers: dict | None = None) -> dict:
    """One part as a PDF (bytes) with what the join needs: its page count, where its anchors are,
    the links it makes to other parts' anchors, and WeasyPrint's warnings. numbers: for the front
    matter, each contents entry's page (anchor -> number); without, a placeholder of three digits."""
    weasyprint = _weasyprint()
    body = split.parts[index]
    styles = [f"@page {{ size: {PAPER[paper]}; }}"]
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
        # base_url is the page's own folder, so its relative links to ../static/ resolve in build_dir.
        html = weasyprint.HTML(string=text, base_url=str(page.parent) + os.sep)
        # Tags are asked for at layout: WeasyPrint then keeps the boxes' roles for the structure tree.
        document = html.render(stylesheets=[weasyprint.CSS(string=css) for css in styles],
                               pdf_variant=variant, pdf_tags=True)
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
        for name in sorted(elsewhere):
            document.pages[0].anchors[name] = (0, 0, 0, 0)
        meta = document.metadata
        # The page's <title> names the site page; the document's title is the timeline's own.
        meta.title = meta.custom.pop("dcterms.title", None) or meta.title
        meta.authors = list(dict.fromkeys(meta.authors))
        meta.created = meta.modified = _pdf_date(meta.created)
        meta.custom = {}
        with _richer_tags():
            data = document.write_pdf(pdf_identifier=True, pdf_variant=variant, pdf_tags=True)
    finally:
        logger.removeHandler(collect)
    return {"pdf": data, "pages": len(document.pages), "anchors": anchors, "elsewhere": elsewhere,
            "messages": collect.messages, "lost": _lost_footnotes(text, document)}


def _finish(split: _Split, parts: list[dict], text: str, page: Path, pdf_path: Path, paper: str,
            variant: str, started: float) -> PdfResult:
    """The parts of one document joined into pdf_path, the contents numbered and the pages stamped."""
    front = parts[0]
    if len(parts) > 1:
        # The contents' numbers need the front matter's length, which they may change (a longer
        # number can wrap a title): typeset again until it holds still.
        for _ in range(3):
            first = front["pages"]
            numbers, at = {}, first
            for part in parts[1:]:
                for name, n in part["anchors"].items():
                    numbers.setdefault(name, at + n + 1)
                at += part["pages"]
            front = _typeset(split, 0, page, paper, variant, numbers)
            if front["pages"] == first:
                break
    parts = [front] + parts[1:]
    total = sum(part["pages"] for part in parts)
    stamps = _stamps(split, page, paper, total) if len(parts) > 1 else None
    data = _join(parts, stamps)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf_path.with_name(pdf_path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, pdf_path)
    shown = []
    if _CJK.search(text):
        missing = cjk_font_missing()
        if missing:
            shown.append(missing)
    lost = [n for part in parts for n in part["lost"]]
    if lost:
        shown.append(f"{len(lost)} footnote(s) did not print (WeasyPrint issue 2502): {', '.join(lost)}")
    messages = [m for part in parts for m in part["messages"]]
    return PdfResult(pdf_path, total, time.perf_counter() - started, shown + _summed(messages, shown),
                     messages)


def _stamps(split: _Split, page: Path, paper: str, total: int) -> bytes:
    """total pages that carry only the page number, as the print stylesheet sets it: laid over
    the joined pages after the front matter, whose parts were typeset without."""
    weasyprint = _weasyprint()
    blank = '<div style="height: 1px; break-after: page"></div>' * (total - 1) + '<div style="height: 1px"></div>'
    html = weasyprint.HTML(string=split.head + blank + split.tail, base_url=str(page.parent) + os.sep)
    # Transparent: the stamp is laid over the page (the print sheet gives the body a white background).
    clear = "html, body, main { background: none !important; } @page { background: none !important; }"
    return html.write_pdf(stylesheets=[weasyprint.CSS(string=f"@page {{ size: {PAPER[paper]}; }} {clear}")])


def _join(parts: list[dict], stamps: bytes | None) -> bytes:
    """One PDF from the parts' PDFs, as if typeset whole: pages in order, one structure tree (each
    part's under the first's Document, its parent tree keys moved past the ones before), every
    named destination pointing at its page (links between parts work), the bookmarks of all parts,
    the first part's catalogue (language, metadata, output intent), and the page numbers stamped
    on the pages after the front matter as pagination artifacts, which screen readers skip."""
    import io

    import pikepdf

    base = pikepdf.open(io.BytesIO(parts[0]["pdf"]))
    if len(parts) == 1:
        _id_tree(base)
        return _save(base)
    root = base.Root.StructTreeRoot
    document = root.K[0]
    nums = list(root.ParentTree.Nums)
    dests = _dests(base, parts[0]["elsewhere"])
    outline = [_outline_items(base, item, 0) for item in base.open_outline().root]
    starts = [0]
    for part in parts[1:]:
        src = pikepdf.open(io.BytesIO(part["pdf"]))
        start = len(base.pages)
        starts.append(start)
        shift = max([int(k) for k in nums[::2]], default=-1) + 1
        with warnings.catch_warnings():  # named destinations: rebuilt below, for the whole document
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            base.pages.extend(src.pages)
        for one in base.pages[start:]:
            if "/StructParents" in one.obj:
                one.obj.StructParents = int(one.obj.StructParents) + shift
            for annot in one.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + shift
        tree = src.Root.StructTreeRoot
        theirs = base.copy_foreign(tree.K[0])
        for kid in theirs.K:
            kid.P = document
            document.K.append(kid)
        src_nums = tree.ParentTree.Nums
        for i in range(0, len(src_nums), 2):
            nums += [int(src_nums[i]) + shift, _copy(base, src_nums[i + 1])]
        for name, dest in _dests(src, part["elsewhere"]).items():
            dests.setdefault(name, _copy(base, dest))
        outline += [_outline_items(src, item, start) for item in src.open_outline().root]
    root.ParentTree = base.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    root.ParentTreeNextKey = max(int(k) for k in nums[::2]) + 1
    names = pikepdf.Array()
    for name in sorted(dests, key=lambda n: n.encode("utf-8")):
        names.append(pikepdf.String(name))
        names.append(dests[name])
    base.Root.Names = pikepdf.Dictionary(Dests=base.make_indirect(pikepdf.Dictionary(Names=names)))
    with base.open_outline() as tree:
        tree.root.clear()
        tree.root.extend(_rebuilt(items) for items in outline)
    if stamps is not None:
        _stamp(base, pikepdf.open(io.BytesIO(stamps)), parts[0]["pages"])
    _id_tree(base)
    return _save(base)


def _copy(pdf, obj):
    """obj, of another PDF, in pdf (pikepdf copies indirect objects only; the pages are copied already)."""
    import pikepdf

    if not isinstance(obj, pikepdf.Object):  # a number or a name, converted to Python
        return obj
    if obj.is_indirect:
        return pdf.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(pdf, item) for item in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(pdf, value) for key, value in obj.items()})
    return obj


def _dests(pdf, fake: set) -> dict:
    names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    return {str(names[i]): names[i + 1] for i in range(0, len(names), 2) if str(names[i]) not in fake}


def _outline_items(pdf, item, start: int):
    """(title, page in the joined document, top, children) of a bookmark of one part."""
    dest = item.destination
    import pikepdf

    index = pdf.pages.index(pikepdf.Page(dest[0])) if dest is not None else 0
    top = float(dest[3]) if dest is not None and len(dest) > 3 else None
    return item.title, start + index, top, [_outline_items(pdf, kid, start) for kid in item.children]


def _rebuilt(items):
    import pikepdf

    title, index, top, children = items
    made = pikepdf.OutlineItem(title, index, pikepdf.PageLocation.XYZ, left=0, top=top)
    made.children.extend(_rebuilt(kid) for kid in children)
    return made


def _stamp(base, stamps, front: int) -> None:
    import pikepdf

    for number in range(front, len(base.pages)):
        page = base.pages[number]
        form = base.copy_foreign(stamps.make_indirect(stamps.pages[number].as_form_xobject()))
        # A name of the page's own: WeasyPrint's pages share one resource dictionary.
        name = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/PageNumber{number + 1}"))
        # The page's own drawing is closed first, so the stamp starts from the default state.
        page.contents_add(pikepdf.Stream(base, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(base, b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q "
                                         + str(name).encode() + b" Do Q EMC\n"))


def _id_tree(pdf) -> None:
    """The structure tree's IDTree: each Note's ID (PDF/UA-1 asks notes for IDs, and IDs for a tree)."""
    import pikepdf

    found = {}
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if "/ID" in node:
                found[bytes(node.ID)] = node
            if "/K" in node:
                stack.append(node.K)
    if found:
        names = pikepdf.Array()
        for key in sorted(found):
            names.append(pikepdf.String(key))
            names.append(found[key])
        pdf.Root.StructTreeRoot.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))


def _save(pdf) -> bytes:
    import io

    out = io.BytesIO()
    # An ID made from the content: the same content gives the same bytes.
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def write_pdf_cli(result, args) -> int:
    """After a successful `timeline build --pdf`: the PDFs, or a clear message why not (still exit 0)."""
    out, paper = Path(args.out), getattr(args, "paper", "a4")
    variant = getattr(args, "pdf_variant", None) or DEFAULT_VARIANT
    verbose = getattr(args, "verbose", False)
    started = time.perf_counter()
    try:
        made = write_pdfs(out, paper, variant)
    except PdfUnavailable as exc:
        print(f"PDF skipped: {exc}. The rest of the site was built.", file=sys.stderr)
        return 0
    # A warning about the fonts or the stylesheet holds for every PDF: said once, for the first.
    said = set()
    for one in made:
        for message in one.warnings + one.details if verbose else one.warnings:
            if message not in said:
                said.add(message)
                print(f"{one.path}: warning: {message}", file=sys.stderr)
    whole, parts = made[0], made[1:]
    seconds = time.perf_counter() - started
    also = f" and {len(parts)} PDF(s) of its eras and themes" if parts else ""
    print(f"wrote {whole.path}: {whole.pages} pages, {PAPER[paper]} paper, {variant}{also} "
          f"({seconds:.1f} s)")
    return 0
