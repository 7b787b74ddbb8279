#!/usr/bin/env python3
"""Publish the site: build it whole (PDF included) for its address, check it, and leave a folder that
holds only what a reader should get. GitHub Pages runs this; so can a person, for any static host.

    python scripts/publish.py --base-url https://example.org/sub/ --out public
    rsync -a --delete public/ host:/var/www/timeline/      # or: aws s3 sync public/ s3://bucket/

Steps: install what the PDF needs where the system allows (WeasyPrint through pip, a CJK font through
apt-get as root or with password-less sudo; otherwise a clear message), build with --pdf and the base
URL into a private folder under .cache/publish/, check that the PDF is there, linked from the print
page and typeset with an embedded CJK font, then copy the reader's files into --out: no build record,
no lock, nothing hidden, nothing that names the machine that built it. --out must be new or empty:
this script never deletes a file it did not write.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PDF_NAME = "timeline.pdf"
CJK_PACKAGE = "fonts-noto-cjk"
# What a reader gets: pages, assets, exports and PDFs. Anything else in the build is an error here.
READER_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".txt", ".pdf", ".svg", ".png", ".ico",
                   ".woff2", ".webmanifest", ".geojson"}


class PublishError(Exception):
    pass


def say(message: str) -> None:
    print(f"publish: {message}", file=sys.stderr, flush=True)


def has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def _as_root(command: list[str]) -> list[str] | None:
    """The command run as root: directly when we are, through password-less sudo (CI runners), else None."""
    if os.geteuid() == 0:
        return command
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True, check=False).returncode == 0:
        return [sudo, "-n", *command]
    return None


def install_requirements() -> None:
    """WeasyPrint (pip) and a CJK font (apt), where the system allows; a clear message where it cannot."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        say("installing WeasyPrint (the project's 'pdf' extra)")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", f"{ROOT}[pdf]"], check=True)
    if has_cjk_font():
        return
    apt = shutil.which("apt-get")
    if apt is None:
        raise PublishError(f"no Chinese (CJK) font, and no apt-get to install {CJK_PACKAGE}: install a CJK font "
                           "(for example Noto Sans CJK) so that fc-list ':lang=zh' finds it, then run again")
    archives = os.environ.get("APT_ARCHIVES")  # a cached folder of .deb files (the workflow keeps one)
    options = ["-o", "DPkg::Lock::Timeout=600"] + (["-o", f"Dir::Cache::Archives={archives}"] if archives else [])
    update = _as_root([apt, *options, "update", "-qq"])
    if update is None:
        raise PublishError(f"no Chinese (CJK) font, and no permission to install one: run "
                           f"'sudo apt-get install {CJK_PACKAGE}' (or install any CJK font), then run again")
    if archives:
        Path(archives, "partial").mkdir(parents=True, exist_ok=True)
    say(f"installing {CJK_PACKAGE} (Chinese in the PDF needs it)")
    subprocess.run(update, check=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(_as_root([apt, *options, "install", "-y", "-qq", "--no-install-recommends", CJK_PACKAGE]),
                   check=True, env=env)
    if not has_cjk_font():
        raise PublishError(f"{CJK_PACKAGE} was installed but fontconfig still finds no CJK font")


def build(src: Path, work: Path, base_url: str, paper: str) -> None:
    from timeline.cli import main as timeline
    status = timeline(["build", "--src", str(src), "--out", str(work), "--base-url", base_url, "--pdf",
                       "--paper", paper])
    if status != 0:
        raise PublishError(f"the build failed (exit status {status}); nothing was published")


def embedded_fonts(pdf: Path) -> list[str]:
    """Names of the fonts embedded in a PDF, read with poppler's pdffonts."""
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        raise PublishError("pdffonts (Debian: poppler-utils) is needed to check the PDF's fonts")
    lines = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = []
    for line in lines[2:]:  # two header lines, then one line a font: name ... emb sub uni object ID
        parts = line.split()
        if len(parts) >= 7 and parts[-5] == "yes":
            fonts.append(parts[0])
    return fonts


def check(work: Path) -> None:
    """The PDF is there, linked from the print page, and has an embedded CJK font (when the content has CJK)."""
    pdf = work / PDF_NAME
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise PublishError(f"{PDF_NAME} was not written")
    print_page = (work / "print" / "index.html").read_text(encoding="utf-8")
    if f'href="../{PDF_NAME}"' not in print_page:
        raise PublishError(f"the print page does not link to {PDF_NAME}")
    pdfinfo = shutil.which("pdfinfo")
    for one in sorted(work.glob("*.pdf")) if pdfinfo else ():  # links into the build machine's disk
        urls = subprocess.run([pdfinfo, "-url", str(one)], capture_output=True, text=True, check=False).stdout
        local = [u for u in re.findall(r"\s(\S+:\S*)\s*$", urls, re.M) if u.lower().startswith("file:")]
        if local:
            raise PublishError(f"{one.name} links to files on this machine: {', '.join(local[:3])}")
    if re.search(r"[\u3400-\u9fff]", print_page):
        fonts = embedded_fonts(pdf)
        if not any(re.search(r"CJK|SC|TC|JP|KR|Hei|Song|Ming|Kai|Gothic|Mincho", f) for f in fonts):
            raise PublishError(f"{PDF_NAME} has Chinese text but no embedded CJK font (embedded: "
                               f"{', '.join(fonts) or 'none'}); install {CJK_PACKAGE} and run again")


def reader_files(work: Path) -> list[Path]:
    """Every file a reader should get, relative to work. Hidden files (the build record, the lock) are
    left behind; any other unexpected kind of file stops the publication."""
    files, odd = [], []
    for dirpath, dirnames, filenames in os.walk(work):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            rel = Path(dirpath, name).relative_to(work)
            (files if rel.suffix in READER_SUFFIXES else odd).append(rel)
    if odd:
        raise PublishError("unexpected files in the build: " + ", ".join(map(str, odd[:10])))
    return files


BINARY_SUFFIXES = {".png", ".ico", ".woff2"}


def readable(path: Path) -> bytes:
    """What of a file a reader or a program can read as text: a text file's bytes; a PDF's text,
    link addresses and metadata (its compressed streams are binary, where '@vm' turned up by chance
    in the Chinese PDF); nothing of an image or a font."""
    if path.suffix in BINARY_SUFFIXES:
        return b""
    if path.suffix != ".pdf":
        return path.read_bytes()
    tools = [[tool, *args, str(path), *rest] for tool, args, rest in (
        ("pdftotext", ["-q"], ["-"]), ("pdfinfo", ["-url"], []), ("pdfinfo", ["-meta"], []), ("pdfinfo", [], []))
        if shutil.which(tool)]
    if not tools:
        return path.read_bytes()   # without poppler, the bytes as they are: a false alarm, never a miss
    return b"\n".join(subprocess.run(cmd, capture_output=True, check=False).stdout for cmd in tools)


def machine_traces(work: Path, files: list[Path]) -> list[str]:
    """Files that name the machine: its host name, the build folder's path, the home folder."""
    needles = {str(work.resolve()), str(ROOT), str(Path.home())} - {"/", ""}
    # A path, not the same letters inside a URL ("example.org/root/"): nothing word-like before it.
    paths = [(n, re.compile(rb"(?<![\w.\-])" + re.escape(n.encode()) + rb"/")) for n in sorted(needles)]
    host = os.uname().nodename
    found = []
    for rel in files:
        data = readable(work / rel)
        for needle, pattern in paths:
            if pattern.search(data):
                found.append(f"{rel}: names {needle}")
        # A host name can be a common word ("vm"): only as a host in a URL or a file path.
        if re.search(rb"(//|@)" + re.escape(host.encode()) + rb"\b", data):
            found.append(f"{rel}: names the host {host}")
    return found


def check_out(out: Path, work: Path) -> None:
    """Refuse, before minutes of building, an --out that is not a new or empty folder, that overlaps the
    private build folder (a build there removes what is not the site), or whose place cannot hold a folder."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PublishError(f"{out} exists and is not an empty folder; choose a new or empty one "
                           "(this script never deletes files it did not write)")
    real_out, real_work = os.path.realpath(out), os.path.realpath(work)
    if os.path.commonpath([real_out, real_work]) in (real_out, real_work):
        raise PublishError(f"{out} overlaps the private build folder {work}; choose a folder outside it")
    parent = Path(real_out).parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise PublishError(f"{out} cannot be made: {parent} is not a folder this user may write in")


def publish(src: Path, out: Path, base_url: str, paper: str = "a4", install: bool = True,
            work: Path | None = None) -> list[Path]:
    work = work or ROOT / ".cache" / "publish" / "build"
    check_out(out, work)
    if install:
        install_requirements()
    work.parent.mkdir(parents=True, exist_ok=True)
    build(src, work, base_url, paper)
    check(work)
    files = reader_files(work)
    traces = machine_traces(work, files)
    if traces:
        raise PublishError("the build names the machine that made it: " + "; ".join(traces[:5]))
    out.mkdir(parents=True, exist_ok=True)
    for rel in files:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / rel, out / rel)
    return files


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, metavar="URL",
                        help="the address the site will be served from, e.g. https://USER.github.io/REPO/")
    parser.add_argument("--out", type=Path, default=Path("public"), metavar="DIR",
                        help="a new or empty folder for the reader's files (default: public)")
    parser.add_argument("--src", type=Path, default=ROOT / "site_src", metavar="DIR", help="content folder")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4")
    parser.add_argument("--no-install", action="store_true",
                        help="only check that WeasyPrint and a CJK font are there; install nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    base = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
    try:
        files = publish(args.src, args.out, base, args.paper, install=not args.no_install)
    except PublishError as exc:
        say(f"error: {exc}")
        return 1
    except subprocess.CalledProcessError as exc:
        say(f"error: {' '.join(map(str, exc.cmd))} failed with exit status {exc.returncode}")
        return 1
    except OSError as exc:  # a folder that went away or filled up while copying: said, not a traceback
        say(f"error: {exc.filename or args.out}: {exc.strerror or exc}")
        return 1
    say(f"{len(files)} files in {args.out}, for {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
