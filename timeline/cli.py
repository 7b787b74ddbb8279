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
                   help="also write the timeline, each era and each theme as PDFs (needs the 'pdf' extra: pip install -e '.[pdf]')")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size (default: a4)")
    p.add_argument("--pdf-variant", choices=("pdf/ua-1", "pdf/a-3u"), default="pdf/ua-1",
                   help="pdf/ua-1: tagged for screen readers (default); pdf/a-3u: archival PDF/A, also tagged")
    p.add_argument("--verbose", action="store_true", help="print every warning WeasyPrint gives, one per character")
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
                        help="address to listen on (default: 127.0.0.1, this machine only); the preview "
                             "answers only requests addressed to this machine's loopback names or to HOST")
    parser.add_argument("--port", type=_port, default=8000, help="port, 0-65535 (default: 8000; 0: any free port)")
    parser.add_argument("--poll", action="store_true",
                        help="poll for changes (network drives, containers) instead of file events")


def _port(text: str) -> int:
    """A TCP port, checked here: the socket library would raise OverflowError for 70000."""
    if not re.fullmatch(r"[0-9]{1,5}", text.strip()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0-65535)")
    return int(text)


def _print_diagnostics(result) -> None:
    for d in result.diagnostics:
        print(d, file=sys.stderr)


def _summary(result) -> str:
    e, w = len(result.errors), len(result.warnings)
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"


def cmd_build(args) -> int:
    from .build import build_site
    pdf_status = []

    def report(result) -> None:
        _print_diagnostics(result)
        if result.reused:
            print(f"{args.out} is up to date: {result.events} events, {result.pages} pages, nothing changed since "
                  f"the last build ({_summary(result)}; --no-cache renders anyway)")
        else:
            print(f"built {result.events} events, {result.pages} pages into {args.out}: "
                  f"{result.written} written, {result.removed} removed ({_summary(result)})")
        if args.pdf:
            write_pdf(result)

    def write_pdf(result) -> None:  # while the build still holds --out, so that no other build mixes in
        if result.pdf_kept:
            print(f"{args.out / 'timeline.pdf'} is up to date")
            return
        pdf_status.append(pdf.write_pdf_cli(result, args))
        from .writer import record_extra
        for _, name in pdf.documents(args.out):
            if (args.out / name).is_file():
                record_extra(args.out, name)

    pdf_inputs = None
    if args.pdf:
        from . import pdf
        # The fonts a PDF is made from are among its inputs: a new font remakes it.
        pdf_inputs = {"variant": args.pdf_variant, "fonts": pdf.font_inputs()}
    result = build_site(args.src, args.out, templates=args.templates, base_url=args.base_url, strict=args.strict,
                        use_cache=not args.no_cache, pdf=args.pdf, paper=args.paper, pdf_inputs=pdf_inputs,
                        after=report)
    if not result.ok:
        _print_diagnostics(result)
        why = " (warnings fail the build under --strict)" if not result.errors else ""
        state = "left incomplete (the next build finishes it)" if result.incomplete else "left unchanged"
        print(f"build failed: {_summary(result)}{why}; {args.out} {state}", file=sys.stderr)
        return 1
    return pdf_status[0] if pdf_status else 0


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


SLUG_LIMIT = 80  # characters of title in a file name: well under the 255 bytes a file name may have


def slugify(text: str, limit: int | None = None) -> str:
    """The file-name form of a title: ASCII letters and digits joined by hyphens. With `limit`, cut
    at the last hyphen within it, keeping whole words ("" when the first word alone is longer)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if limit is not None and len(slug) > limit:
        slug = slug[:max(slug.rfind("-", 0, limit + 1), 0)]
    return slug


def _yaml_str(key: str, value) -> str:
    """`key: value` as one line of YAML, escaped by the YAML library whatever `value` holds (control
    characters, quotes, `]`, line breaks). Always double-quoted: PyYAML's plain and single-quoted
    styles fold some line separators (U+0085, U+2028) into spaces."""
    import yaml

    if isinstance(value, list):
        return f"{key}: [" + ", ".join(_yaml_str("", item)[2:] for item in value) + "]"
    return f"{key}: " + yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


def _site(src: Path):
    """site.yaml as the build reads it, for the span and theme ids; None when it has errors (then
    `new` checks only the form of what it writes and `check` reports site.yaml)."""
    from .content import load_site
    from .diagnostics import Report

    try:
        return load_site(src, Report(), None)
    except Exception:  # noqa: BLE001 - whatever is wrong with site.yaml is for `check` to say
        return None


def _new_problems(args, date, site) -> list[str]:
    from .content import SLUG

    problems = []
    try:
        args.title.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("title: is not valid text (it holds bytes that are not UTF-8)")
    if not slugify(args.title):
        problems.append("title: needs at least one letter or digit for the file name")
    elif not slugify(args.title, SLUG_LIMIT):
        problems.append(f"title: its first word makes a file name of {len(slugify(args.title).split('-')[0])} "
                        f"characters; the limit is {SLUG_LIMIT} characters: shorten the title")
    for theme in args.theme:
        if not SLUG.match(theme):
            problems.append(f"theme: {theme!r} is not a valid theme id (lower-case letters, digits, hyphens)")
        elif site is not None and theme not in [t.id for t in site.themes]:
            problems.append(f"theme: '{theme}' is not a theme of site.yaml ({', '.join(t.id for t in site.themes)})")
    if site is not None and not site.span_start <= date.gregorian[0] <= site.span_end:
        problems.append(f"date: {date.source_text()} is outside the timeline's span "
                        f"({site.span_start}–{site.span_end}, site.yaml)")
    return problems


def cmd_new(args) -> int:
    import yaml

    try:
        date = parse_date(args.date, "julian" if args.julian else "gregorian")
    except ValueError as exc:
        print(f"timeline new: date: {exc}", file=sys.stderr)
        return 1
    if not (args.src / "site.yaml").is_file():
        print(f"timeline new: {args.src}/site.yaml not found: is --src the content folder?", file=sys.stderr)
        return 1
    problems = _new_problems(args, date, _site(args.src))
    for problem in problems:
        print(f"timeline new: {problem}", file=sys.stderr)
    if problems:
        return 1
    slug = slugify(args.title, SLUG_LIMIT)
    # Four digits, as the date is written and as ids sort: year 1 is 0001, not 1.
    path = args.src / "events" / f"{date.year:04d}-{slug}.yaml"
    if path.exists():
        print(f"timeline new: {path} already exists; not overwritten", file=sys.stderr)
        return 1
    if path.parent.exists() and not path.parent.is_dir():
        print(f"timeline new: {path.parent}: is not a folder", file=sys.stderr)
        return 1
    values = {"title": args.title, "date": date.source_text()}
    # The schema line gives editors completion and checking in any editor with the YAML language server.
    lines = ["# yaml-language-server: $schema=../event.schema.json",
             _yaml_str("title", values["title"]), _yaml_str("date", values["date"])]
    if args.julian:
        lines.append("calendar: julian        # the date above is Old Style")
        values["calendar"] = "julian"
    if args.theme:
        values["themes"] = list(args.theme)
        lines.append(_yaml_str("themes", values["themes"]))
    else:
        lines.append("themes: []            # e.g. [territory, diplomacy]")
    lines += ["significance: notable   # major | notable | minor",
              'summary: ""             # one or two sentences in your own words, with [@source-key] citations',
              "# body: |\n#   Longer text for the event page; cite every claim: [@source-key, p. 12].",
              "# names: {zh: ..., ru: ...}", "# place: ...", "# sources: [source-key]", "# related: [event-id]", ""]
    text = "\n".join(lines)
    read_back = yaml.safe_load(text)
    if {key: read_back.get(key) for key in values} != values:  # a guard: the YAML library escapes everything
        print("timeline new: title: cannot be written as YAML that reads back the same", file=sys.stderr)
        return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except OSError as exc:  # made meanwhile; events/ is a file, a read-only folder; a full disk
        why = "already exists; not overwritten" if isinstance(exc, FileExistsError) and exc.filename == str(path) \
            else exc.strerror or str(exc)
        print(f"timeline new: {exc.filename or path}: {why}", file=sys.stderr)
        return 1
    shortened = f" (the file name keeps the title's first words: at most {SLUG_LIMIT} characters)" \
        if slug != slugify(args.title) else ""
    print(f"created {path}{shortened}")
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
