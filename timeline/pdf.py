"""The timeline as PDFs: WeasyPrint typesets each built print page (print/index.html, the whole
timeline, and one page per era and per theme) into a PDF beside the home page.

A thin layer over the build: everything a PDF shows, and its metadata, comes from its page and the
stylesheet, so the PDF and a browser's "Print" cannot drift apart. The PDFs are tagged (PDF/UA-1: a
screen reader finds headings, lists and notes in reading order), or with variant "pdf/a-3u" archival
(PDF/A-3u, still tagged). WeasyPrint is an optional extra; this module imports without it and says
how to install it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .pdfjoin import join
from .pdfnotes import footnotes
# What the tests and the rest of the engine read from here (one module to import for PDFs).
from .pdfparts import (INSTALL_HINT, PAPER, PdfUnavailable, _lost_footnotes,  # noqa: F401
                       _split, _Split, _stamps, _typeset, _weasyprint)

PDF_NAME = urls.PDF
PRINT_PAGE = urls.path("print")
# What a reader needs (tagged, accessible) by default; the archival variant for a library's shelf.
VARIANTS = ("pdf/ua-1", "pdf/a-3u")
DEFAULT_VARIANT = VARIANTS[0]
# The font families the print stylesheet asks for, and the languages whose fallback fonts it may
# need: fontconfig's answer for these is the set of font files a PDF can be made from.
FONT_QUERIES = ("DejaVu Serif", "Noto Serif CJK SC", "serif", ":lang=zh", ":lang=ru")
CJK_PACKAGE = "fonts-noto-cjk"
# One line per character no font has: a missing CJK font gives some two thousand. Summed up in one
# warning; each is kept for --verbose.
_NO_GLYPH = re.compile(r"^\.notdef glyph rendered for Unicode string unsupported by fonts: \"(.*)\"")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass
class PdfResult:
    path: Path
    pages: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # every warning WeasyPrint gave, for --verbose


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
    """(print page, PDF) for each print view built in build_dir, the whole timeline's first; then
    the whole timeline in each other language (zh/print/ -> timeline-zh.pdf)."""
    build_dir = Path(build_dir)
    found = [(PRINT_PAGE, PDF_NAME)]
    for page in sorted(build_dir.glob("*/" + PRINT_PAGE)):
        found.append((f"{page.parent.parent.name}/{PRINT_PAGE}", urls.pdf("print", "", page.parent.parent.name)))
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
    is typeset on one of two cores (the front matter with placeholder numbers). Then, again on the
    two cores, each joined document's contents are typeset with their page numbers and its page
    numbers are made (see _stamps), and each document is joined (see pdfjoin.join).
    """
    _usable(paper, variant)
    build_dir = Path(build_dir)
    if docs is None:
        docs = [(page, build_dir / name) for page, name in documents(build_dir)]
    started = time.perf_counter()
    texts = []
    for page, _ in docs:
        path = build_dir / page
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: build the site first")
        # The page has each note once, in the lists browsers show: the footnotes are made from them.
        texts.append(footnotes(path.read_text(encoding="utf-8")))
    split = [_split(text) if len(text) >= WHOLE_CHARS else _Split("", "", [text], whole=True) for text in texts]
    jobs = [(d, i) for d, parts in enumerate(split) for i in range(len(parts.parts))]

    def typeset(share):
        return [_typeset(split[d], i, build_dir / docs[d][0], paper, variant) for d, i in share]

    done = dict(zip(jobs, _in_halves(typeset, jobs, [len(split[d].parts[i]) for d, i in jobs])))
    parts = [[done[(d, i)] for i in range(len(one.parts))] for d, one in enumerate(split)]
    # Each joined document's contents numbered and its page numbers made, on the two cores: the
    # numbers follow from the front matter's length as typeset with placeholders (see _finish).
    tail = [(d, job) for d in range(len(docs)) if len(parts[d]) > 1 for job in ("front", "stamps")]

    def number(share):
        return [_front(split[d], parts[d], build_dir / docs[d][0], paper, variant) if job == "front"
                else _stamps(split[d], build_dir / docs[d][0], paper, *_stamped(parts[d])) for d, job in share]

    made = dict(zip(tail, _in_halves(number, tail, [_tail_size(split[d], parts[d], job) for d, job in tail])))

    def finish(share):
        return [_finish(split[d], parts[d], made.get((d, "front")), made.get((d, "stamps")), texts[d],
                        build_dir / docs[d][0], Path(docs[d][1]), paper, variant, started) for d in share]

    order = list(range(len(docs)))
    return _in_halves(finish, order, [len(texts[d]) for d in order])


def _usable(paper: str, variant: str) -> None:
    _weasyprint()
    try:
        import pikepdf  # noqa: F401
    except ImportError as exc:
        raise PdfUnavailable(f"pikepdf is not installed ({exc}); install it with: {INSTALL_HINT}") from exc
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}, not {paper!r}")
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, not {variant!r}")


def _numbers(parts: list[dict], front: int) -> dict:
    """Each anchor's page number in the joined document, the front matter being front pages long."""
    numbers, at = {}, front
    for part in parts[1:]:
        for name, n in part["anchors"].items():
            numbers.setdefault(name, at + n + 1)
        at += part["pages"]
    return numbers


def _front(split: _Split, parts: list[dict], page: Path, paper: str, variant: str) -> dict:
    """The front matter typeset again, its contents numbered as if it kept the length it had with
    placeholders (it mostly does: the placeholders are as wide as three digits)."""
    return _typeset(split, 0, page, paper, variant, _numbers(parts, parts[0]["pages"]))


def _stamped(parts: list[dict]) -> tuple[int, int]:
    """(first number, count) of the pages stamped: those after the front matter."""
    return parts[0]["pages"] + 1, sum(part["pages"] for part in parts[1:])


def _tail_size(split: _Split, parts: list[dict], job: str) -> int:
    # Measured: a stamped page costs about what 600 characters of a part do; the contents, with
    # their leaders and links, about twice their characters.
    return sum(part["pages"] for part in parts[1:]) * 600 if job == "stamps" else 2 * len(split.parts[0])


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



# Below this many characters of HTML (some 80 events) a document is typeset whole: cutting and
# joining would cost more than it saves (the two cores are kept busy by the other documents).
WHOLE_CHARS = 256 * 1024


def _finish(split: _Split, parts: list[dict], front: dict | None, stamps: bytes | None, text: str,
            page: Path, pdf_path: Path, paper: str, variant: str, started: float) -> PdfResult:
    """The parts of one document joined into pdf_path with the front matter numbered (front) and the
    pages stamped (stamps), both made for the front matter's length with placeholders."""
    if front is not None:
        # A longer number can wrap a title and so lengthen the front matter, which moves every
        # number: typeset again until it holds still (rarely needed).
        for _ in range(3):
            if front["pages"] == parts[0]["pages"]:
                break
            parts = [front] + parts[1:]
            front = _front(split, parts, page, paper, variant)
            stamps = None
        parts = [front] + parts[1:]
        if stamps is None:
            stamps = _stamps(split, page, paper, *_stamped(parts))
    total = sum(part["pages"] for part in parts)
    data = join(parts, stamps)
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
    whole = made[0]
    # documents() lists the whole timeline, then it in the other languages, then the eras and themes.
    languages = sum(1 for page, _ in documents(out)[1:] if not page.startswith(PRINT_PAGE.split("/")[0] + "/"))
    sections = len(made) - 1 - languages
    seconds = time.perf_counter() - started
    also = f", the whole in {languages} other language(s)" if languages else ""
    also += f" and {sections} PDF(s) of its eras and themes" if sections else ""
    print(f"wrote {whole.path}: {whole.pages} pages, {PAPER[paper]} paper, {variant}{also} "
          f"({seconds:.1f} s)")
    return 0
