"""The `timeline` command: build, check, new, serve."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

from . import __version__
from .dates import parse as parse_date

DESCRIPTION = "Build the Sino-Russian relations timeline: dated, sourced YAML events into a static site."


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--src", type=Path, default=Path("site_src"), metavar="DIR",
                        help="content folder with site.yaml, sources.yaml, events/ and pages/ (default: site_src)")
    parser.add_argument("--templates", type=Path, default=None, metavar="DIR",
                        help="theme folder (default: templates/ beside the content folder, else the theme "
                             "that comes with the tool)")
    parser.add_argument("--base-url", default=None, metavar="URL",
                        help="absolute URL the site will be served from, e.g. https://example.org/sub/ "
                             "(enables canonical links and feeds; overrides site.yaml)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit status 1)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timeline", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"timeline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="build the site into the output folder",
                       description="Load, validate and render every page, then write only changed files to "
                                   "--out and remove stale ones. On any error nothing is written.")
    _common(p)
    p.add_argument("--out", type=Path, default=Path("build"), metavar="DIR", help="output folder (default: build)")
    p.add_argument("--pdf", action="store_true",
                   help="also write the whole timeline as a PDF (needs the 'pdf' extra: pip install -e '.[pdf]')")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size (default: a4)")
    p.add_argument("--no-cache", action="store_true",
                   help="render everything even when nothing changed since the last build into --out")

    p = sub.add_parser("check", help="validate the content and render it without writing anything",
                       description="Everything 'build' does except writing: lists every problem with file and line.")
    _common(p)

    p = sub.add_parser("new", help="create a new event file from a title and a date",
                       description="Write site_src/events/<year>-<slug>.yaml with the fields to fill in. "
                                   "Refuses to overwrite an existing file.")
    p.add_argument("title", help="the event's title, e.g. 'Treaty of Kyakhta'")
    p.add_argument("date", help="its date: YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ or ?")
    p.add_argument("--src", type=Path, default=Path("site_src"), metavar="DIR",
                   help="content folder (default: site_src)")
    p.add_argument("--julian", action="store_true", help="the date is Old Style (Julian calendar)")
    p.add_argument("--theme", action="append", default=[], metavar="ID", help="a theme id (repeatable)")

    p = sub.add_parser("links", help="check every web address the content cites (needs the network)",
                       description="Ask each cited URL (sources and Markdown links) whether it still answers; "
                                   "report broken, moved, blocked and unreachable ones at their lines. Results "
                                   "are kept in .cache/timeline/links.json beside the content folder. Exit "
                                   "status 1 when a link is broken.")
    p.add_argument("--src", type=Path, default=Path("site_src"), metavar="DIR",
                   help="content folder (default: site_src)")
    p.add_argument("--max-age", default="30d", metavar="AGE",
                   help="do not fetch again an address found ok within AGE, e.g. 30d, 12h, 2w (default: 30d)")
    p.add_argument("--all", action="store_true", help="check every address, whatever the cache says")
    p.add_argument("--json", action="store_true", help="print the results as JSON on standard output")
    p.add_argument("--warn-only", action="store_true", help="exit with status 0 even when a link is broken")

    # The preview's module (a web server, a file watcher) is imported only to run it: a build does
    # not pay for it.
    p = sub.add_parser("serve", help="preview the site locally, rebuilding and reloading on every save",
                       description="Build into a temporary folder, serve it on http://HOST:PORT/ and "
                                   "rebuild and reload open pages whenever the content or theme changes.")
    serve_arguments(p)
    return parser


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--src", default="site_src", help="content folder (default: site_src)")
    parser.add_argument("--templates", default="templates", help="theme folder (default: templates)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--poll", action="store_true",
                        help="poll for changes (network drives, containers) instead of file events")


def _print_diagnostics(result) -> None:
    for d in result.diagnostics:
        print(d, file=sys.stderr)


def _summary(result) -> str:
    e, w = len(result.errors), len(result.warnings)
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"


def cmd_build(args) -> int:
    from .build import build_site
    result = build_site(args.src, args.out, templates=args.templates, base_url=args.base_url, strict=args.strict,
                        use_cache=not args.no_cache, pdf=args.pdf, paper=args.paper)
    _print_diagnostics(result)
    if not result.ok:
        why = " (warnings fail the build under --strict)" if not result.errors else ""
        print(f"build failed: {_summary(result)}{why}; {args.out} left unchanged", file=sys.stderr)
        return 1
    if result.reused:
        print(f"{args.out} is up to date: {result.events} events, {result.pages} pages, nothing changed since "
              f"the last build ({_summary(result)}; --no-cache renders anyway)")
    else:
        print(f"built {result.events} events, {result.pages} pages into {args.out}: "
              f"{result.written} written, {result.removed} removed ({_summary(result)})")
    if args.pdf:
        if result.pdf_kept:
            print(f"{args.out / 'timeline.pdf'} is up to date")
            return 0
        try:
            from . import pdf
        except ImportError as exc:
            print(f"PDF skipped: {exc}", file=sys.stderr)
            return 0
        status = pdf.write_pdf_cli(result, args)
        if (args.out / pdf.PDF_NAME).is_file():
            from .writer import record_extra
            record_extra(args.out, pdf.PDF_NAME)
        return status
    return 0


def cmd_check(args) -> int:
    from .build import Discard, render_site
    result = render_site(args.src, templates=args.templates, base_url=args.base_url, strict=args.strict,
                         sink=Discard())
    _print_diagnostics(result)
    if not result.ok:
        print(f"check failed: {_summary(result)}", file=sys.stderr)
        return 1
    print(f"ok: {len(result.timeline.entries)} events, {len(result.timeline.content.sources)} sources, "
          f"{result.pages} pages ({_summary(result)})")
    return 0


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cmd_new(args) -> int:
    try:
        date = parse_date(args.date, "julian" if args.julian else "gregorian")
    except ValueError as exc:
        print(f"timeline new: date: {exc}", file=sys.stderr)
        return 1
    slug = slugify(args.title)
    if not slug:
        print("timeline new: title: needs at least one letter or digit for the file name", file=sys.stderr)
        return 1
    path = args.src / "events" / f"{date.year}-{slug}.yaml"
    if path.exists():
        print(f"timeline new: {path} already exists; not overwritten", file=sys.stderr)
        return 1
    if not (args.src / "site.yaml").is_file():
        print(f"timeline new: {args.src}/site.yaml not found: is --src the content folder?", file=sys.stderr)
        return 1
    # The schema line gives editors completion and checking in any editor with the YAML language server.
    lines = ["# yaml-language-server: $schema=../event.schema.json",
             f"title: {_yaml_str(args.title)}", f"date: {_yaml_str(date.source_text())}"]
    if args.julian:
        lines.append("calendar: julian        # the date above is Old Style")
    lines += [f"themes: [{', '.join(args.theme)}]" if args.theme else "themes: []            # e.g. [territory, diplomacy]",
              "significance: notable   # major | notable | minor",
              'summary: ""             # one or two sentences in your own words, with [@source-key] citations',
              "# body: |\n#   Longer text for the event page; cite every claim: [@source-key, p. 12].",
              "# names: {zh: ..., ru: ...}", "# place: ...", "# sources: [source-key]", "# related: [event-id]", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write("\n".join(lines))
    print(f"created {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        if args.command == "build":
            return cmd_build(args)
        if args.command == "check":
            return cmd_check(args)
        if args.command == "new":
            return cmd_new(args)
        if args.command == "links":
            try:
                from .links import cmd_links
                return cmd_links(args)
            except ImportError as exc:  # httpx missing: the other commands still work
                print(f"error: 'timeline links' needs {exc.name or 'httpx'}: pip install httpx", file=sys.stderr)
                return 1
        try:
            from . import serve
        except ImportError as exc:  # watchdog missing: the other commands still work
            print(f"error: 'timeline serve' needs {exc.name or 'watchdog'}: pip install watchdog", file=sys.stderr)
            return 1
        return serve.run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
