"""The `timeline` command: build, check, new, links, serve."""

from __future__ import annotations

import argparse
import errno
import gc
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from . import __version__

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
    build_arguments(sub.add_parser(
        "build", help="build the site into the output folder",
        description="Load, validate and render every page, then write only changed files to "
                    "--out and remove stale ones. On any error nothing is written."))
    check_arguments(sub.add_parser(
        "check", help="validate the content and render it without writing anything",
        description="Everything 'build' does except writing: lists every problem with file and line. "
                    "A page the last build beside the content rendered from the same inputs is not "
                    "rendered again (that build's cache is read, never written)."))
    new_arguments(sub.add_parser(
        "new", help="create a new event file from a title and a date",
        description="Write site_src/events/<year>-<slug>.yaml with the fields to fill in. "
                    "Refuses to overwrite an existing file."))
    links_arguments(sub.add_parser(
        "links", help="check every web address the content cites (needs the network)",
        description="Ask each cited URL (sources and Markdown links) whether it still answers; "
                    "report broken, moved, blocked and unreachable ones at their lines. Results "
                    "are kept in .cache/timeline/links.json beside the content folder. Exit "
                    "status 1 when a link is broken."))
    # The preview's package (a web server, a file watcher) is imported only to run it: a build does
    # not pay for it.
    serve_arguments(sub.add_parser(
        "serve", help="preview the site locally, rebuilding and reloading on every save",
        description="Build into a temporary folder, serve it on http://HOST:PORT/ and "
                    "rebuild and reload open pages whenever the content or theme changes."))
    return parser


def build_arguments(p: argparse.ArgumentParser) -> None:
    _common(p)
    p.add_argument("--out", type=Path, default=Path("build"), metavar="DIR", help="output folder (default: build)")
    p.add_argument("--pdf", action="store_true",
                   help="also write the timeline, each era and each theme as PDFs (needs the 'pdf' extra: pip install -e '.[pdf]')")
    # No defaults here: given without --pdf, they are refused (they would change nothing).
    p.add_argument("--paper", choices=("a4", "letter"), help="PDF paper size (default: a4)")
    p.add_argument("--pdf-variant", choices=("pdf/ua-1", "pdf/a-3u"),
                   help="pdf/ua-1: tagged for screen readers (default); pdf/a-3u: archival PDF/A, also tagged")
    p.add_argument("--verbose", action="store_true", help="print every warning WeasyPrint gives, one per character")
    p.add_argument("--no-cache", action="store_true",
                   help="render everything even when nothing changed since the last build into --out")


def check_arguments(p: argparse.ArgumentParser) -> None:
    _common(p)
    p.add_argument("--pdf", action="store_true",
                   help="check the pages as 'build --pdf' makes them, with their links to the PDFs (which "
                        "only build makes)")
    p.add_argument("--no-cache", action="store_true",
                   help="render every page, even those the last build rendered from the same inputs")


def new_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("title", help="the event's title, e.g. 'Treaty of Kyakhta'")
    p.add_argument("date", help="its date: YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ or ?")
    p.add_argument("--src", type=Path, default=Path("site_src"), metavar="DIR",
                   help="content folder (default: site_src)")
    p.add_argument("--julian", action="store_true", help="the date is Old Style (Julian calendar)")
    p.add_argument("--theme", action="append", default=[], metavar="ID", help="a theme id (repeatable)")


def links_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--src", type=Path, default=Path("site_src"), metavar="DIR",
                   help="content folder (default: site_src)")
    p.add_argument("--max-age", default="30d", metavar="AGE",
                   help="do not fetch again an address found ok within AGE, e.g. 30d, 12h, 2w (default: 30d)")
    p.add_argument("--all", action="store_true", help="check every address, whatever the cache says")
    p.add_argument("--json", action="store_true", help="print the results as JSON on standard output")
    p.add_argument("--warn-only", action="store_true", help="exit with status 0 even when a link is broken")


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--src", default="site_src", help="content folder (default: site_src)")
    parser.add_argument("--templates", type=Path, default=None, metavar="DIR",
                        help="theme folder (default: templates/ beside the content folder, else the theme "
                             "that comes with the tool), as for build")
    parser.add_argument("--host", type=_host, default="127.0.0.1",
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


def _host(text: str) -> str:
    """An address to listen on: an empty one (`--host "$HOST"` with HOST unset) would be every
    interface, the preview open to the network."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty address would listen on every interface; give one, "
                                         "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")
    return text.strip()


def _print_diagnostics(result) -> None:
    for d in result.diagnostics:
        print(d, file=sys.stderr)


def _summary(result) -> str:
    e, w = len(result.errors), len(result.warnings)
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"


def cmd_build(args) -> int:
    from .build import build_site
    given = [name for name, value in (("--paper", args.paper), ("--pdf-variant", args.pdf_variant)) if value]
    if given and not args.pdf:
        print(f"timeline build: {' and '.join(given)} {'set' if len(given) > 1 else 'sets'} the PDFs: add --pdf",
              file=sys.stderr)
        return 2
    args.paper, args.pdf_variant = args.paper or "a4", args.pdf_variant or "pdf/ua-1"
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
    from .build import check_site
    from .parallel import collector_paused
    with collector_paused():   # a one-off check's heap lives until it ends (see there)
        result = check_site(args.src, use_cache=not args.no_cache, templates=args.templates,
                            base_url=args.base_url, strict=args.strict, pdf=args.pdf)
    _print_diagnostics(result)
    if not result.ok:
        print(f"check failed: {_summary(result)}", file=sys.stderr)
        return 1
    print(f"ok: {len(result.timeline.entries)} events, {len(result.timeline.content.sources)} sources, "
          f"{result.pages} pages ({_summary(result)})")
    for texts in (result.languages.texts.values() if result.languages else ()):
        print(f"  {texts.coverage_line()}")  # translation coverage, per language
    return 0


def cmd_serve(args) -> int:
    """`timeline serve`: preview the site from a temporary folder until Ctrl-C (or SIGTERM)."""
    try:
        from . import serve
    except ImportError as exc:  # watchdog missing: the other commands still work
        print(f"error: 'timeline serve' needs {exc.name or 'watchdog'}: pip install watchdog", file=sys.stderr)
        return 1
    from .build import default_templates
    from .templatecheck import not_a_theme
    from .writer import MARKER
    src = Path(args.src)
    if not src.is_dir():
        print(f"error: content folder {src} not found", file=sys.stderr)
        return 1
    # The theme a build of the same folder would use: a preview of another theme misleads.
    templates = Path(args.templates) if args.templates else default_templates(src)
    problem = not_a_theme(templates, MARKER)
    if problem:   # a folder that is not one would be watched whole, and rebuilt from on every write in it
        print(f"error: {templates}: {problem}", file=sys.stderr)
        return 1
    out = Path(tempfile.mkdtemp(prefix="timeline-preview-"))
    try:
        server = _preview_server(serve, args, src, templates, out)
        return 1 if server is None else _serve_until_stopped(server, src)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _preview_server(serve, args, src: Path, templates: Path, out: Path):
    """The preview server for `timeline serve`, or None after saying why it cannot listen."""
    try:
        server = serve.PreviewServer(preview_builder(src, templates, out), out, watch=[src, templates],
                                     ignore=[Path("build")], host=args.host, port=args.port, poll=args.poll)
    except serve.PortInUse as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return None
    if not server.loopback_only:
        print(f"warning: listening on {args.host}: the preview is reachable from the network", file=sys.stderr)
    return server


def preview_builder(src: Path, templates: Path, out: Path):
    """What `timeline serve` builds with: into out, keeping its memo in memory between builds; the
    preview serves out at "/", where its 404 pages link from."""
    from .build import build_site
    from .incremental import Memo

    memo = Memo()  # kept between rebuilds, so that an edit costs work in proportion to the edit

    def builder():
        return build_site(src, out, templates=templates, memo=memo, on_demand=True, served_at="/")
    return builder


def _serve_until_stopped(server, src: Path) -> int:
    previous = {}
    if threading.current_thread() is threading.main_thread():
        # SIGTERM stops as Ctrl-C does, removing the folder; SIGINT too when started with `&`,
        # which leaves it ignored
        previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"building {src} into a temporary folder...", file=sys.stderr)
        server.start()
        print(f"serving on {server.url} (Ctrl-C to stop)", file=sys.stderr)
        server.wait()
    except KeyboardInterrupt:
        print("\nstopping", file=sys.stderr)
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        if args.command == "build":
            return cmd_build(args)
        if args.command == "check":
            return cmd_check(args)
        if args.command == "new":
            from .newevent import cmd_new
            return cmd_new(args)
        if args.command == "links":
            try:
                from .links import cmd_links
                return cmd_links(args)
            except ImportError as exc:  # httpx missing: the other commands still work
                print(f"error: 'timeline links' needs {exc.name or 'httpx'}: pip install httpx", file=sys.stderr)
                return 1
        return cmd_serve(args)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        # Writing the answer failed (`| head` closed the pipe, `> /dev/full`): a build reports its own.
        if exc.errno not in (errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EIO):
            raise
        return _unwritable(exc)


def _unwritable(exc: OSError) -> int:
    """Say once (but to a closed pipe) that the output could not be written; the standard output is
    then the null device, so that the flush at exit does not fail again with a traceback."""
    if exc.errno != errno.EPIPE:
        print(f"error: the output could not be written: {exc.strerror}", file=sys.stderr)
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def entry() -> None:
    """The `timeline` command and `python -m timeline`: main(), then the process ends without Python's
    last collection, which would walk every object the command left alive (0.7 s after a first build
    of 10,000 events) to free what the system frees anyway."""
    status = main()
    try:
        sys.stdout.flush()   # here, where its failure is said in a line, not at exit with a traceback
    except OSError as exc:
        status = _unwritable(exc)
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    entry()
