"""Build the small fixture site and serve it from a loopback port under a sub-path, for browser tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD_SRC = ROOT / "tests" / "fixtures" / "good" / "site_src"
TEMPLATES = ROOT / "templates"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"
SUBPATH = "sub"


def build(out: Path, base_url: str | None = None, src: Path = GOOD_SRC) -> Path:
    from timeline.build import build_site

    result = build_site(src, out, templates=TEMPLATES, base_url=base_url)
    assert result.ok, [str(d) for d in result.diagnostics]
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@contextlib.contextmanager
def served_build(folder: Path, src: Path = GOOD_SRC):
    """Build into folder/sub/ and serve folder at http://127.0.0.1:<free port>/; yields the site's URL.

    The port is bound before the build so that the site is built for its real address (--base-url),
    as it would be for a deployment under a sub-path.
    """
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/{SUBPATH}/"
    build(folder / SUBPATH, base_url=url, src=src)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
