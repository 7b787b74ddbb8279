#!/usr/bin/env python3
"""Lighthouse scores for every kind of page, on a phone, as a reader on a real host would get them.

    python scripts/lighthouse.py                 # build the bundled site, score it, print a table
    python scripts/lighthouse.py --runs 3 --json scores.json
    python scripts/lighthouse.py --runs 3 --pages home print --reports lh/   # keep the reports

Builds the site (with its address set to the local server, so canonical links are its own) into a
temporary folder, serves it from 127.0.0.1 with gzip (as any static host or CDN does) and runs the
npm package `lighthouse` on Debian's Chromium (/usr/bin/chromium, headless) with its default mobile
settings: a Moto G-class screen and simulated slow 4G with a 4x slower CPU. Each page type is scored
for performance, accessibility, best practices and SEO; with --runs N the median of N runs is kept
(performance varies from run to run on a busy machine; the table's last column is the machine's load
average, 1 minute, while the page was scored). --reports DIR keeps Lighthouse's own JSON
reports, whose audits say why a page scores as it does (the LCP element, long tasks, layout shifts,
DOM size, render-blocking files).

Lighthouse is installed with npm into .cache/lighthouse/ (ignored by git) the first time, or taken
from --lighthouse PATH. Nothing is written outside .cache/ and the temporary folder.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROMIUM = "/usr/bin/chromium"
# One page of each kind (the bundled site's; --pages for others).
PAGES = {
    "home": "",
    "event": "events/1689-treaty-of-nerchinsk/",
    "themes": "themes/",
    "theme": "themes/territory/",
    "eras": "eras/",
    "era": "eras/the-split/",
    "bibliography": "sources/",
    "print": "print/",
    # The other print views: the largest era and the largest theme of the bundled site (the whole
    # book's kind, smaller), and the whole book in the other languages (the Russian is the longest).
    "print (an era)": "print/eras/strategic-partnership/",
    "print (a theme)": "print/themes/diplomacy/",
    "print (zh)": "zh/print/",
    "print (ru)": "ru/print/",
    "page (method)": "method/",
    "map": "map/",
    "data": "data/",
    "404": "404.html",   # Lighthouse will not score a page served with status 404
}
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it; a missing page gets 404.html, as hosts do."""

    def log_message(self, *args):  # quiet
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file():
            path, status = Path(self.directory) / "404.html", 404
        data = path.read_bytes()
        types = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
                 ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
                 ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf"}
        self.send_response(status)
        self.send_header("Content-Type", types.get(path.suffix, "application/octet-stream"))
        if path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data, 6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        # Assets carry a content hash in their URL (?v=...), so they may be kept for a year.
        cache = "public, max-age=31536000, immutable" if "?v=" in self.path else "no-cache"
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return _Body(data)


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def lighthouse_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    prefix = ROOT / ".cache" / "lighthouse"
    binary = prefix / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            sys.exit("lighthouse.py: npm not found (apt-get install npm), or give --lighthouse PATH")
        print(f"installing lighthouse into {prefix.relative_to(ROOT)} ...", file=sys.stderr)
        subprocess.run(["npm", "install", "--prefix", str(prefix), "lighthouse", "--no-audit", "--no-fund",
                        "--silent"], check=True)
    return [str(binary)]


def score(command: list[str], url: str, out: Path) -> dict[str, float]:
    run = subprocess.run(command + [
        url, f"--chrome-path={CHROMIUM}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--form-factor=mobile", f"--only-categories={','.join(CATEGORIES)}", "--output=json",
        f"--output-path={out}", "--quiet"], capture_output=True, text=True, timeout=300)
    if run.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {run.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    unscored = [c for c in CATEGORIES if report["categories"][c].get("score") is None]
    if unscored:  # an audit erred (a busy machine can time out gathering 2,700 links): run again
        erred = "; ".join(f"{k}: {a['errorMessage'][:120]}" for k, a in report["audits"].items() if a.get("errorMessage"))
        raise RuntimeError(f"{', '.join(unscored)} not scored on {url}: {erred}")
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failed = sorted(a["id"] for a in report["audits"].values()
                    if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") == "binary")
    scores["failed"] = failed
    scores["lcp_ms"] = round(report["audits"]["largest-contentful-paint"]["numericValue"])
    scores["tbt_ms"] = round(report["audits"]["total-blocking-time"]["numericValue"])
    scores["cls"] = round(report["audits"]["cumulative-layout-shift"]["numericValue"], 3)
    return scores


def slug(kind: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in kind).strip("-")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", default=str(ROOT / "site_src"))
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is reported")
    parser.add_argument("--lighthouse", help="path of a lighthouse executable (else installed with npm)")
    parser.add_argument("--json", help="also write the scores to this file")
    parser.add_argument("--reports", help="keep Lighthouse's JSON reports in this folder (for its diagnostics)")
    parser.add_argument("--pages", nargs="*", help="only these page kinds: " + ", ".join(PAGES))
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        sys.exit(f"lighthouse.py: {CHROMIUM} not found (apt-get install chromium)")
    command = lighthouse_command(args.lighthouse)
    from timeline.build import build_site

    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        site = Path(tmp) / "site"
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), lambda *a: Handler(*a, directory=str(site)))
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        result = build_site(Path(args.src), site, base_url=base)
        if not result.ok:
            sys.exit("\n".join(map(str, result.diagnostics)))
        reports = Path(args.reports) if args.reports else Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        rows = {}
        try:
            for kind, path in PAGES.items():
                if args.pages and kind not in args.pages:
                    continue
                runs, errors, load = [], [], os.getloadavg()[0]
                for i in range(args.runs + 1):   # one retry: a busy machine can time Lighthouse out
                    if len(runs) == args.runs:
                        break
                    try:
                        runs.append(score(command, base + path, reports / f"{slug(kind)}-{i}.json"))
                    except (RuntimeError, subprocess.TimeoutExpired) as exc:
                        errors.append(str(exc).splitlines()[0][:300])
                if not runs:
                    print(f"{kind}: no score: {errors[-1]}", file=sys.stderr)
                    rows[kind] = {"error": errors[-1]}
                    continue
                row = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES + ("lcp_ms", "tbt_ms", "cls")}
                row["failed"] = sorted({a for r in runs for a in r["failed"]})
                # Lighthouse scales the main-thread work it sees: a busy machine lowers the scores.
                row["load"] = round((load + os.getloadavg()[0]) / 2, 1)
                rows[kind] = row
                print(f"{kind}: " + ", ".join(f"{c} {row[c]:g}" for c in CATEGORIES), file=sys.stderr)
        finally:
            server.shutdown()
    print("| page | performance | accessibility | best practices | SEO | LCP | TBT | CLS | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, row in rows.items():
        if "error" in row:
            print(f"| {kind} | no score: {row['error']} | | | | | | | |")
            continue
        print(f"| {kind} | {row['performance']:g} | {row['accessibility']:g} | {row['best-practices']:g} | "
              f"{row['seo']:g} | {row['lcp_ms'] / 1000:.1f} s | {row['tbt_ms']:g} ms | {row['cls']:g} | "
              f"{row['load']:g} |")
    for kind, row in rows.items():
        if row.get("failed"):
            print(f"- {kind}: failed audits: {', '.join(row['failed'])}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
