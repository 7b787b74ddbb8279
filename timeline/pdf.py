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
from dataclasses import dataclass, field
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
    WeasyPrint and FileNotFoundError when the print page has not been built.
    """
    weasyprint = _weasyprint()
    build_dir = Path(build_dir)
    page = build_dir / page
    if not page.is_file():
        raise FileNotFoundError(f"{page} not found: build the site first")
    pdf_path = Path(pdf_path) if pdf_path else build_dir / PDF_NAME
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}, not {paper!r}")
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, not {variant!r}")

    warnings = []
    text = page.read_text(encoding="utf-8")
    if _CJK.search(text):
        missing = cjk_font_missing()
        if missing:
            warnings.append(missing)

    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    started = time.perf_counter()
    try:
        # base_url is the page's own folder, so its relative links to ../static/ resolve in build_dir.
        html = weasyprint.HTML(filename=str(page), base_url=str(page.parent) + os.sep)
        # The print stylesheet says A4; a later author sheet of the same specificity wins.
        size = weasyprint.CSS(string=f"@page {{ size: {PAPER[paper]}; }}")
        # Tags are asked for at layout: WeasyPrint then keeps the boxes' roles for the structure tree.
        document = html.render(stylesheets=[size], pdf_variant=variant, pdf_tags=True)
        lost = _lost_footnotes(text, document)
        if lost:
            warnings.append(f"{len(lost)} footnote(s) did not print (WeasyPrint issue 2502): {', '.join(lost)}")
        meta = document.metadata
        # The page's <title> names the site page; the document's title is the timeline's own.
        meta.title = meta.custom.pop("dcterms.title", None) or meta.title
        meta.authors = list(dict.fromkeys(meta.authors))
        date = _pdf_date(meta.created)
        meta.created = meta.modified = date
        meta.custom = {}
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = pdf_path.with_name(pdf_path.name + ".tmp")
        # A file ID hashed from the content, so the same content gives the same file.
        with _richer_tags():
            document.write_pdf(str(tmp), pdf_identifier=True, pdf_variant=variant, pdf_tags=True)
        os.replace(tmp, pdf_path)
    finally:
        logger.removeHandler(collect)
    seconds = time.perf_counter() - started
    return PdfResult(pdf_path, len(document.pages), seconds, warnings + _summed(collect.messages, warnings),
                     list(collect.messages))


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


def write_pdfs(build_dir: Path, paper: str = "a4", variant: str = DEFAULT_VARIANT) -> list[PdfResult]:
    """Every print view built in build_dir as a PDF beside the home page, the whole timeline's first;
    on two cores, each process taking about half the pages (see parallel.in_two)."""
    from .parallel import can_fork, in_two

    build_dir = Path(build_dir)
    docs = documents(build_dir)

    def typeset(share) -> list[PdfResult]:
        return [write_pdf(build_dir, build_dir / name, paper, variant, page) for page, name in share]

    if len(docs) < 2 or not can_fork():
        return typeset(docs)
    # The print pages' sizes stand for their typesetting time: the largest first, each to the less loaded side.
    sizes = sorted(((build_dir / page).stat().st_size, i) for i, (page, _) in enumerate(docs))
    shares, loads = ([], []), [0, 0]
    for size, i in reversed(sizes):
        side = 0 if loads[0] <= loads[1] else 1
        shares[side].append(i)
        loads[side] += size
    here, there = in_two(lambda: typeset([docs[i] for i in shares[0]]),
                         lambda: typeset([docs[i] for i in shares[1]]))
    made = dict(zip(shares[0], here)) | dict(zip(shares[1], there))
    return [made[i] for i in range(len(docs))]


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
