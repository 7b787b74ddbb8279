"""The whole timeline as a PDF: WeasyPrint typesets the built print page (print/index.html).

A thin layer over the build: everything the PDF shows, and its metadata, comes from that page and its
stylesheet, so the PDF and a browser's "Print" cannot drift apart. WeasyPrint is an optional extra;
this module imports without it and says how to install it.
"""

from __future__ import annotations

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
PRINT_PAGE = "print/index.html"
PAPER = {"a4": "A4", "letter": "letter"}
INSTALL_HINT = "pip install -e '.[pdf]'"
CJK_PACKAGE = "fonts-noto-cjk"
# A repeated note marker links to the notes list that only browsers show; in the PDF its footnote is
# on the same page, so WeasyPrint's complaint about the missing anchor says nothing is wrong.
_EXPECTED = re.compile(r"^No anchor #note-[a-z0-9-]+-\d+ for")
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


def write_pdf(build_dir: Path, pdf_path: Path | None = None, paper: str = "a4") -> PdfResult:
    """Typeset build_dir/print/index.html into pdf_path (default build_dir/timeline.pdf).

    Returns the page count, the seconds taken and WeasyPrint's warnings. Raises PdfUnavailable
    without WeasyPrint and FileNotFoundError when the print page has not been built.
    """
    weasyprint = _weasyprint()
    build_dir = Path(build_dir)
    page = build_dir / PRINT_PAGE
    if not page.is_file():
        raise FileNotFoundError(f"{page} not found: build the site first")
    pdf_path = Path(pdf_path) if pdf_path else build_dir / PDF_NAME
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}, not {paper!r}")

    warnings = []
    if _CJK.search(page.read_text(encoding="utf-8")):
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
        document = html.render(stylesheets=[size])
        lost = _lost_footnotes(page.read_text(encoding="utf-8"), document)
        if lost:
            warnings.append(f"{len(lost)} footnote(s) did not print (WeasyPrint issue 2502): {', '.join(lost)}")
        _settle_metadata(document.metadata)
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = pdf_path.with_name(pdf_path.name + ".tmp")
        # A file ID hashed from the content, so the same content gives the same file.
        document.write_pdf(str(tmp), pdf_identifier=True)
        os.replace(tmp, pdf_path)
    finally:
        logger.removeHandler(collect)
    seconds = time.perf_counter() - started
    warnings += [m for m in collect.messages if m not in warnings]
    return PdfResult(pdf_path, len(document.pages), seconds, warnings)


def _settle_metadata(meta) -> None:
    # The page's <title> names the site page; the document's title is the timeline's own.
    meta.title = meta.custom.pop("dcterms.title", None) or meta.title
    meta.authors = list(dict.fromkeys(meta.authors))
    meta.created = meta.modified = _pdf_date(meta.created)
    meta.custom = {}


def write_pdf_cli(result, args) -> int:
    """After a successful `timeline build --pdf`: the PDF, or a clear message why not (still exit 0)."""
    out, paper = Path(args.out), getattr(args, "paper", "a4")
    try:
        made = write_pdf(out, out / PDF_NAME, paper)
    except PdfUnavailable as exc:
        print(f"PDF skipped: {exc}. The rest of the site was built.", file=sys.stderr)
        return 0
    for message in made.warnings:
        print(f"{made.path}: warning: {message}", file=sys.stderr)
    print(f"wrote {made.path}: {made.pages} pages, {PAPER[paper]} paper ({made.seconds:.1f} s)")
    return 0
