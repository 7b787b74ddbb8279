"""What the preview adds to the pages it serves: the reload script, and the overlay of a failed build."""

from __future__ import annotations

import html
import traceback
from pathlib import Path

from timeline.diagnostics import Diagnostic
from timeline.templating import TemplateProblem

RELOAD_PATH = "/__timeline_reload__"
OVERLAY_ID = "timeline-preview-errors"
PLAIN_404 = b"<!doctype html><title>Not found</title><body><h1>404 Not found</h1></body>"

# Long-poll: the answer is the build number, and any other number than the page's means reload.
_RELOAD_SCRIPT = """<script id="timeline-preview-reload">(function () {
  var seen = %d;
  function poll() { fetch("%s?since=" + seen, {cache: "no-store"})
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
    .then(function (t) { if (parseInt(t, 10) !== seen) location.reload(); else poll(); })
    .catch(function () { setTimeout(poll, 1000); }); }  // server restarting: try again
  poll();
})();</script>
"""
_OVERLAY = """<div id="%s" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:2147483647;
max-height:70vh;overflow:auto;margin:0;padding:1em 1.5em;background:#fff4f4;color:#600;
border-bottom:4px solid #b00;font:15px/1.4 system-ui,sans-serif;box-shadow:0 2px 12px #0004">
<strong>Build failed: showing the last good site.</strong> Fix the file and save; this page reloads.
<ul style="margin:.5em 0 0;padding-left:1.2em;font-family:monospace">%s</ul></div>
"""


def inject(body: bytes, generation: int, errors: list[Diagnostic]) -> bytes:
    """Add the reload script, and the error overlay if any, before the last </body>."""
    snippet = _RELOAD_SCRIPT % (generation, RELOAD_PATH)
    if errors:
        items = "".join(
            f"<li><strong>{html.escape(d.path)}{':' + str(d.line) if d.line is not None else ''}</strong>"
            f"{': ' + html.escape(d.field) if d.field else ''}: {html.escape(d.message)}</li>"
            for d in errors
        )
        snippet = _OVERLAY % (OVERLAY_ID, items) + snippet
    at = body.lower().rfind(b"</body>")
    at = len(body) if at < 0 else at
    return body[:at] + snippet.encode() + body[at:]


def exception_diagnostic(exc: Exception) -> Diagnostic:
    """One line for what escaped the build. A file error names the file (it is the content's, not a
    bug); anything else says where it was raised, which is what a bug report needs."""
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return Diagnostic(str(exc.filename), message=exc.strerror)
    if isinstance(exc, TemplateProblem):   # a theme's mistake, in a page made when it is asked for
        path = Path(exc.path)
        shown = path.relative_to(Path.cwd()) if path.is_absolute() and path.is_relative_to(Path.cwd()) else path
        return Diagnostic(str(shown), exc.line, message=f"template error: {exc.message}")
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (raised in {Path(where[0].filename).name}:{where[0].lineno})" if where else ""
    return Diagnostic("(build)", message=f"{type(exc).__name__}: {exc}{at}")
