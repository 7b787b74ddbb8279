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
# The overlay of a failed build: English, so lang="en" (a Chinese page would read it with a Chinese
# voice). Pinned to the foot of the window, at most 40 % of it, and the page gets as much room below
# its end and as much scroll padding (WCAG technique C43): a focused link is scrolled clear of it,
# never under it. Its alert is filled once the page has loaded: one already there is not read out.
# Its script stands inside it, so that the overlay's id is written once.
_OVERLAY = """<section id="%s" lang="en" dir="ltr" aria-labelledby="timeline-preview-title" style="position:fixed;
inset:auto 0 0 0;z-index:2147483647;max-height:40vh;overflow:auto;margin:0;padding:.75em 1em;background:#fff4f4;
color:#600;border-top:4px solid #b00;font:15px/1.4 system-ui,sans-serif;text-align:left;box-shadow:0 -2px 12px #0004">
<button type="button" style="float:right;margin:0 0 .5em 1em;padding:.3em .8em;font:inherit;color:#600;
background:#fff;border:2px solid #b00;border-radius:4px;cursor:pointer">Close<span style="position:absolute;
width:1px;height:1px;overflow:hidden;clip-path:inset(50%%);white-space:nowrap"> the build errors</span></button>
<p id="timeline-preview-title" style="margin:0"><strong>Build failed: showing the last good site.</strong>
Fix the file and save; this page reloads. Esc closes this.</p>
<ul style="margin:.5em 0 0;padding-left:1.2em;font-family:monospace;overflow-wrap:anywhere">%s</ul>
<p role="alert" style="position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%%);margin:0"></p>
<script>(function () {
  var box = document.currentScript.parentNode, root = document.documentElement, before = root.style.scrollPaddingBottom;
  var room = document.createElement("div"), alert = box.querySelector("[role=alert]"), last = null;
  room.setAttribute("aria-hidden", "true");
  box.parentNode.insertBefore(room, box);
  function fit() { var h = box.offsetHeight + "px"; room.style.height = h; root.style.scrollPaddingBottom = h; }
  function focused(e) {
    if (box.contains(e.target)) return;
    last = e.target;
    // The scroll padding leaves some elements under the overlay (in Chromium, a <summary>).
    var below = e.target.getBoundingClientRect().bottom - box.getBoundingClientRect().top;
    if (below > 0) scrollBy(0, below + 8);
  }
  function close() {
    var inside = box.contains(document.activeElement);
    box.remove(); room.remove(); root.style.scrollPaddingBottom = before;
    removeEventListener("keydown", key); removeEventListener("resize", fit); removeEventListener("focusin", focused);
    if (inside && last && last.isConnected) last.focus();  // back where the reader was, not to the top
  }
  function key(e) { if (e.key === "Escape" && !e.defaultPrevented) close(); }
  box.querySelector("button").addEventListener("click", close);
  addEventListener("keydown", key); addEventListener("resize", fit); addEventListener("focusin", focused); fit();
  function announce() { setTimeout(function () {
    var items = box.querySelectorAll("li");
    alert.textContent = "Build failed. " + items[0].textContent + (items.length > 1 ? " (and " + (items.length - 1) + " more)" : "");
  }, 250); }
  if (document.readyState === "complete") announce(); else addEventListener("load", announce);
})();</script></section>
"""


def _items(errors: list[Diagnostic]) -> str:
    """Each diagnostic as a list item, its place in bold; every part escaped."""
    return "".join(
        f"<li><strong>{html.escape(d.path)}{':' + str(d.line) if d.line is not None else ''}</strong>"
        f"{': ' + html.escape(d.field) if d.field else ''}: {html.escape(d.message)}</li>"
        for d in errors
    )


# A page made when asked for (a print view, an export) whose making failed: the error is the whole
# page, as nothing of it was made; the reload script is added as to any page.
_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Could not be made: %(path)s</title>
</head>
<body style="margin:0 auto;max-width:48em;padding:1em;font:16px/1.5 system-ui,sans-serif;color:#600;background:#fff4f4">
<main>
<h1 style="font-size:1.4em">%(path)s could not be made</h1>
<p>The preview makes this page when it is asked for, and making it failed:</p>
<ul style="padding-left:1.2em;font-family:monospace;overflow-wrap:anywhere">%(items)s</ul>
<p>Fix the file and save; this page reloads. The rest of the site is served.</p>
</main>
</body>
</html>
"""


def error_page(url_path: str, errors: list[Diagnostic]) -> bytes:
    """The page shown instead of one made when asked for that failed: its errors."""
    return (_ERROR_PAGE % {"path": html.escape(url_path), "items": _items(errors)}).encode()


def inject(body: bytes, generation: int, errors: list[Diagnostic]) -> bytes:
    """Add the reload script, and the error overlay if any, before the last </body>."""
    snippet = _RELOAD_SCRIPT % (generation, RELOAD_PATH)
    if errors:
        snippet = _OVERLAY % (OVERLAY_ID, _items(errors)) + snippet
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
