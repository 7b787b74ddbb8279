"""Live preview: build into a temporary folder, serve it, rebuild and reload the browser on save.

The server knows nothing of the site beyond a `builder` callable and the folder it writes, so tests
run it in-process with a fake builder on port 0.
"""

from __future__ import annotations

import argparse
import errno
import gc
import html
import http.client
import ipaddress
import mimetypes
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePath
from typing import Callable, Iterable, TextIO

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from timeline.diagnostics import Diagnostic

RELOAD_PATH = "/__timeline_reload__"
OVERLAY_ID = "timeline-preview-errors"
QUIET_SECONDS = 0.1
IDLE_COLLECT_SECONDS = 1.0  # after a build, this long without a change: collect garbage
LONG_POLL_SECONDS = 25.0
_MAX_URL_PATH = 1024  # characters; the deepest page of a site is far shorter
_BUILD_NUMBER = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only: str.isdigit() accepts "²"
# Events a save produces; "opened"/"closed_no_write" come from the build reading its own inputs
# and would make every build trigger the next.
_CHANGE_EVENTS = {"created", "deleted", "modified", "moved", "closed"}
_IGNORED_NAME = re.compile(
    r"""( ~$ | \.sw[a-px]$ | \.swpx$ | ^\.\# | ^\#.*\#$ | ^4913$ | \.kate-swp$ | ___jb_(tmp|old)___$
        | \.(tmp|bak|orig|pyc)$ | ^\.DS_Store$ )""",
    re.X,
)
_IGNORED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".pytest_cache"}

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
_PLAIN_404 = b"<!doctype html><title>Not found</title><body><h1>404 Not found</h1></body>"
_OVERLAY = """<div id="%s" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:2147483647;
max-height:70vh;overflow:auto;margin:0;padding:1em 1.5em;background:#fff4f4;color:#600;
border-bottom:4px solid #b00;font:15px/1.4 system-ui,sans-serif;box-shadow:0 2px 12px #0004">
<strong>Build failed: showing the last good site.</strong> Fix the file and save; this page reloads.
<ul style="margin:.5em 0 0;padding-left:1.2em;font-family:monospace">%s</ul></div>
"""


def is_ignored(path: str | PurePath) -> bool:
    """True for editor swap/backup files and VCS/cache folders, which must not trigger a rebuild."""
    p = PurePath(path)
    return bool(_IGNORED_NAME.search(p.name)) or any(part in _IGNORED_DIRS for part in p.parts)


class PortInUse(OSError):
    def __init__(self, host: str, port: int, suggestion: int | None):
        hint = f"; try --port {suggestion}" if suggestion else ""
        super().__init__(f"port {port} on {host} is already in use{hint}")
        self.suggestion = suggestion


class _ReadWriteLock:
    """Many requests read at once; a build writes alone. A waiting build stops new readers from
    entering, so fifty busy clients cannot starve it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self):
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self):
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # long-poll threads would otherwise delay shutdown by up to 25 s
    request_queue_size = 128
    preview: "PreviewServer"

    def handle_error(self, request, client_address) -> None:
        """One line in the log, not a traceback: a client that hangs up mid-request is no news."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            self.preview._print(f"error: request from {client_address[0]}: {type(exc).__name__}: {exc}")


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "timeline-preview"
    default_request_version = "HTTP/1.0"  # so that even a refused request line gets a status line
    # Seconds a read or write of the socket may take: an idle client, or one that never ends its
    # headers, gives its thread back. A long-poll waits on the server, not the socket, so it may last
    # LONG_POLL_SECONDS.
    timeout = 10.0

    def parse_request(self) -> bool:
        if len(self.raw_requestline.split()) == 2:  # "GET /": HTTP/0.9 has no status line or headers
            self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
            self.command, self.request_version, self.close_connection = None, "HTTP/1.0", True
            self._refuse(400, "HTTP/0.9 requests are not supported")
            return False
        if not super().parse_request():
            return False
        if self.command not in ("GET", "HEAD"):
            self._refuse(405, f"{self.command} is not allowed: the preview only reads", {"Allow": "GET, HEAD"})
            return False
        refusal = self.server.preview.check_request(self.path, self.headers.get_all("Host") or [],
                                                    self.request_version)
        if refusal is not None:
            self._refuse(*refusal)
            return False
        return True

    def do_GET(self) -> None:
        self._respond()

    do_HEAD = do_GET  # _send leaves out the body

    def log_message(self, format, *args) -> None:  # one line per request drowns the build messages
        pass

    def _respond(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == RELOAD_PATH:
            since = urllib.parse.parse_qs(url.query, keep_blank_values=True).get("since", ["-1"])[0]
            if not _BUILD_NUMBER.fullmatch(since):
                self._refuse(400, "since: expected the number of a build")
                return
            generation = self.server.preview.wait_for_build(int(since))
            status, headers, body = 200, {"Content-Type": "text/plain"}, str(generation).encode()
        else:
            status, headers, body = self.server.preview.fetch(url.path, url.query)
        self._send(status, headers, body)

    def _refuse(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.close_connection = True
        self._send(status, {"Content-Type": "text/plain; charset=utf-8", "Connection": "close", **(headers or {})},
                   f"{status} {message}\n".encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body)), "Cache-Control": "no-store"}.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the tab was closed or reloaded mid-response, or stopped reading


class PreviewServer:
    """Serves `site_dir`, rebuilding it with `builder()` after each quiet burst of changes in `watch`."""

    def __init__(self, builder: Callable[[], object], site_dir: Path, *, watch: Iterable[Path] = (),
                 ignore: Iterable[Path] = (), host: str = "127.0.0.1", port: int = 0, poll: bool = False,
                 quiet: float = QUIET_SECONDS, log: TextIO | None = None):
        self.builder = builder
        self.site_dir = Path(site_dir).resolve()
        self.quiet = quiet
        self._log = log if log is not None else sys.stderr
        self._watch = [Path(p).resolve() for p in watch]
        self._ignore = [self.site_dir, *(Path(p).resolve() for p in ignore)]
        self._linked: list[Path] = []  # folders watched because a link in a watched folder leads there
        self._poll = poll
        self._lock = _ReadWriteLock()
        self._state = threading.Condition()  # guards generation/errors/stopping; wakes long-polls
        self.generation = 0
        self.errors: list[Diagnostic] = []
        self._warned: set[Diagnostic] = set()
        self._stopping = False
        self._deadline: float | None = None
        self._threads: list[threading.Thread] = []
        self._observer = None
        host = host.strip("[]")  # "[::1]", as in a URL
        server_class = _HTTPServer6 if ":" in host else _HTTPServer
        try:
            self._httpd = server_class((host, port), _Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(host, port, _next_free_port(host, port)) from None
            raise
        self._httpd.preview = self
        # What was bound decides, not how it was spelt: "LOCALHOST" and "127.1" are loopback too.
        self.loopback_only = _is_loopback(self._httpd.server_address[0])
        self._hosts = _allowed_hosts(host, self.loopback_only)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{'[%s]' % host if ':' in host else host}:{port}/"

    def __enter__(self) -> "PreviewServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Build once, then serve and watch; returns at once, the work runs on threads."""
        self.rebuild()
        for target in (self._httpd.serve_forever, self._debounce_loop):
            thread = threading.Thread(target=target, daemon=True, name=f"preview-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        if self._watch:
            self._observer = self._start_observer()

    def stop(self) -> None:
        with self._state:
            self._stopping = True
            self._state.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()
        if self._threads:  # shutdown() waits forever for a serve_forever() that never ran
            self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def wait(self) -> None:
        """Block until stop(); interruptible by Ctrl-C in the main thread."""
        while not self._stopping:
            time.sleep(0.5)

    # --- building -------------------------------------------------------------------------------

    def changed(self, path: str | Path = "") -> None:
        """Note a change; the build starts once no change has arrived for `quiet` seconds."""
        with self._state:
            self._deadline = time.monotonic() + self.quiet
            self._state.notify_all()

    def _debounce_loop(self) -> None:
        collect_at = None
        while True:
            with self._state:
                while not self._stopping and (self._deadline is None or self._deadline > time.monotonic()):
                    if self._deadline is None and collect_at is not None and collect_at <= time.monotonic():
                        break
                    wake = self._deadline if self._deadline is not None else collect_at
                    self._state.wait(None if wake is None else max(0.0, wake - time.monotonic()))
                if self._stopping:
                    return
                build = self._deadline is not None
                self._deadline = None
            if build:
                self.rebuild()
                if self._observer is not None and not self._poll:
                    self._follow_links(self._observer)  # a folder linked since the last build
                collect_at = time.monotonic() + IDLE_COLLECT_SECONDS
            else:
                # A full garbage collection walks every object the caches hold (80 ms at 2,000
                # events): done while the editor is idle, it rarely falls inside the next build.
                gc.collect()
                collect_at = None

    def rebuild(self) -> bool:
        """Run the builder while no request reads the site; never raises."""
        started = time.perf_counter()
        with self._lock.writing():
            try:
                result = self.builder()
                ok = bool(result.ok)
                diagnostics = list(result.diagnostics)
            except Exception as exc:  # a broken template or engine bug must not stop the preview
                ok, diagnostics = False, [_exception_diagnostic(exc)]
            errors = [d for d in diagnostics if d.severity == "error"] or ([] if ok else [
                Diagnostic("(build)", message="the build failed without a diagnostic")])
            with self._state:
                self.errors = [] if ok else errors
                self.generation += 1
                self._state.notify_all()
            # errors at every build, since they block it; warnings once, or they bury the errors.
            # Under the lock, so the reports of two builds never interleave.
            warnings = [d for d in diagnostics if d.severity != "error"]
            fresh = [d for d in warnings if d not in self._warned]
            for d in (errors if not ok else []) + fresh:
                self._print(str(d))
            if len(warnings) > len(fresh):
                self._print(f"({len(warnings) - len(fresh)} warning(s) shown before are not repeated)")
            self._warned = set(warnings)
            if ok:
                pages = getattr(result, "pages", None)
                self._print(f"built in {time.perf_counter() - started:.2f} s"
                            + (f": {pages} pages" if pages is not None else "") + f"; serving {self.url}")
            else:
                self._print(f"build failed with {len(errors)} error(s); serving the last good site")
        return ok

    def wait_for_build(self, since: int, timeout: float = LONG_POLL_SECONDS) -> int:
        """Return the build generation as soon as it differs from `since` (or at timeout)."""
        deadline = time.monotonic() + timeout
        with self._state:
            while self.generation == since and not self._stopping and time.monotonic() < deadline:
                self._state.wait(deadline - time.monotonic())
            return self.generation

    # --- watching -------------------------------------------------------------------------------

    def relevant(self, path: str | Path) -> bool:
        p = Path(path)
        if is_ignored(p) or any(p == d or p.is_relative_to(d) for d in self._ignore):
            return False
        return any(p == w or p.is_relative_to(w) for w in [*self._watch, *self._linked])

    def _start_observer(self):
        preview = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.event_type not in _CHANGE_EVENTS:
                    return
                if event.is_directory and event.event_type == "modified":
                    return  # a folder "changes" whenever a swap file appears in it
                paths = [event.src_path, getattr(event, "dest_path", "") or ""]
                if any(p and preview.relevant(p) for p in paths):
                    preview.changed(paths[0])

        self._handler = Handler()
        observer = PollingObserver(timeout=0.5) if self._poll else Observer()
        for path in self._watch:
            if path.is_dir():
                observer.schedule(self._handler, str(path), recursive=True)
            elif path.parent.is_dir():  # a single config file: watch its folder, keep only that file
                observer.schedule(self._handler, str(path.parent), recursive=False)
        observer.start()
        if not self._poll:  # polling stats through links already
            self._follow_links(observer)
        return observer

    def _follow_links(self, observer) -> None:
        """Watch the targets of linked folders (`events -> ../ev`) too: file events do not pass
        through a link, and the build reads through it. A link to a folder already watched, or to
        one that holds a watched folder (a loop), adds nothing."""
        pending = [w for w in self._watch if w.is_dir()]
        while pending:
            for root, dirs, _ in os.walk(pending.pop()):
                dirs[:] = [d for d in dirs if d not in _IGNORED_DIRS]
                for name in dirs:
                    link = Path(root, name)
                    if not link.is_symlink():
                        continue
                    try:
                        target = link.resolve(strict=True)
                    except (OSError, RuntimeError):
                        continue  # dangling or looping: the build reports it
                    covered = [*self._watch, *self._linked, *self._ignore]
                    if (not target.is_dir() or any(target.is_relative_to(w) for w in covered)
                            or any(w.is_relative_to(target) for w in [*covered, self.site_dir])):
                        continue
                    try:
                        observer.schedule(self._handler, str(target), recursive=True)
                    except OSError as exc:  # e.g. out of inotify watches: say so, keep serving
                        self._print(f"warning: cannot watch {target} (linked from {link}): {exc}")
                        continue
                    self._linked.append(target)
                    pending.append(target)

    # --- serving --------------------------------------------------------------------------------

    def check_request(self, target: str, hosts: list[str], version: str) -> tuple[int, str] | None:
        """(status, message) to refuse a request with, or None. Refuses any Host but this preview's:
        a page on another site whose name an attacker re-points at 127.0.0.1 (DNS rebinding) comes
        with its own name in Host."""
        if target.startswith("/"):
            authority = None
        elif re.match(r"(?i)https?://", target):  # absolute form: its authority overrides Host
            authority = urllib.parse.urlsplit(target).netloc
        else:
            return 400, f"'{target[:80]}' is not a path"
        if len(hosts) > 1:
            return 400, "more than one Host header"
        if authority is None and not hosts:
            return None if version == "HTTP/1.0" else (400, "an HTTP/1.1 request needs a Host header")
        value = authority if authority is not None else hosts[0]
        parsed = _HOST.fullmatch(value.strip())
        if parsed is None:
            return 400, f"Host: {value[:80]!r} is not a host name"
        name = (parsed["name"] or parsed["ip6"]).lower()
        port = parsed["port"]
        if port is not None and int(port) != self._httpd.server_address[1] or not self._hosts(name):
            return 421, (f"this preview answers only as {self.url}, not {value[:80]}"
                         " (a name that is not this machine's could be a DNS rebinding attack)")
        return None

    def fetch(self, url_path: str, query: str = "") -> tuple[int, dict[str, str], bytes]:
        """The response for a URL path, read whole while no build runs (one build per response)."""
        with self._lock.reading():
            target = self._resolve(url_path)
            if target == "forbidden":
                return 403, {"Content-Type": "text/plain; charset=utf-8"}, b"403 forbidden\n"
            if target is not None and target.is_dir():
                if not url_path.endswith("/"):
                    # one leading slash only: "//host" would be a redirect to another site
                    location = "/" + url_path.lstrip("/") + "/" + (f"?{query}" if query else "")
                    return 301, {"Location": location}, b""
                target = target / "index.html"
            try:
                if target is not None and target.is_file():
                    status, body = 200, target.read_bytes()
                else:
                    target = self.site_dir / "404.html"
                    status = 404
                    body = target.read_bytes() if target.is_file() else _PLAIN_404
            except OSError as exc:  # unreadable, or gone: the build output is the preview's own
                message = f"403 {exc.strerror or 'cannot be read'}\n"
                return 403, {"Content-Type": "text/plain; charset=utf-8"}, message.encode()
            generation, errors = self.generation, list(self.errors)
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            body = inject(body, generation, errors)
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json", "image/svg+xml"):
            ctype += "; charset=utf-8"
        return status, {"Content-Type": ctype}, body

    def _resolve(self, url_path: str) -> Path | None | str:
        raw = urllib.parse.unquote(url_path)
        parts = raw.split("/")
        if ".." in parts or "\\" in raw or "\0" in raw:
            return "forbidden"
        parts = [p for p in parts if p not in ("", ".")]
        if any(p.startswith(".") for p in parts):
            return None  # the writer's own bookkeeping (the build record, its lock), not the site
        if len(raw) > _MAX_URL_PATH or any(len(p.encode("utf-8", "replace")) > 255 for p in parts):
            return None  # no file has such a name: the system would answer ENAMETOOLONG
        target = self.site_dir.joinpath(*parts)
        try:
            resolved = target.resolve()
            if not resolved.is_relative_to(self.site_dir):
                return "forbidden"  # a symlink that points out of the site
            return resolved if resolved.exists() else None
        except (OSError, RuntimeError, ValueError):
            return None

    def _print(self, message: str) -> None:
        print(message, file=self._log, flush=True)


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


def _exception_diagnostic(exc: Exception) -> Diagnostic:
    """One line for what escaped the build. A file error names the file (it is the content's, not a
    bug); anything else says where it was raised, which is what a bug report needs."""
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return Diagnostic(str(exc.filename), message=exc.strerror)
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (raised in {Path(where[0].filename).name}:{where[0].lineno})" if where else ""
    return Diagnostic("(build)", message=f"{type(exc).__name__}: {exc}{at}")


def _next_free_port(host: str, port: int) -> int | None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in range(port + 1, min(port + 100, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
                return candidate
            except OSError:
                continue
    return None


# host[:port], [ipv6][:port]; nothing else (no user@, path, spaces, second port)
_HOST = re.compile(r"(?:\[(?P<ip6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::(?P<port>[0-9]{1,5}))?")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address `host` spells, also in the short forms the C library accepts ("127.1")."""
    host = host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not re.fullmatch(r"[0-9a-fA-FxX.]+", host):
            return None
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_loopback(host: str) -> bool:
    """True for every spelling of this machine: localhost (any case, trailing dot, *.localhost, which
    browsers never look up), 127.0.0.0/8 (also as "127.1"), ::1 (also as "[::1]")."""
    name = host.strip().lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = _ip(name)
    return address is not None and address.is_loopback


def _allowed_hosts(host: str, loopback_only: bool) -> Callable[[str], bool]:
    """Which names the Host header may give: loopback names, and the name given to `--host`.
    Listening on another address than loopback, also any address literal, as an address cannot be
    re-pointed the way a DNS name can, and this machine's name."""
    own = {host.lower().rstrip(".")}
    if not loopback_only:
        own.add(socket.gethostname().lower())
    return lambda name: (_is_loopback(name) or name.rstrip(".") in own
                         or (not loopback_only and _ip(name) is not None))


def measure_reload_latency(server: PreviewServer, save: Callable[[int], None], samples: int = 10,
                           page: str | Callable[[int], str] = "/",
                           expect: Callable[[int], str] | None = None) -> list[float]:
    """Seconds from `save(i)` (write a file under a watched folder) to the rebuilt `page` (or
    page(i)) fetched after the reload signal, as an open tab does it; one value per sample. With
    `expect`, the page must contain expect(i) (else ValueError: the edit did not arrive).
    scripts/bench.py uses it:

        with PreviewServer(lambda: build_site(src, out), out, watch=[src], log=io.StringIO()) as s:
            times = measure_reload_latency(s, lambda i: event.write_text(text + f"place: P{i}\\n"))
        print(statistics.median(times))
    """
    latencies = []
    for i in range(samples):
        before = server.generation
        started = time.perf_counter()
        save(i)
        shown = page(i) if callable(page) else page
        for path in (f"{RELOAD_PATH}?since={before}", shown):  # signal, then the reload itself
            conn = http.client.HTTPConnection(*server._httpd.server_address[:2], timeout=120)
            conn.request("GET", path)
            body = conn.getresponse().read()  # a 404 or an overlay is a reloaded page too
            conn.close()
        latencies.append(time.perf_counter() - started)
        if expect is not None and expect(i).encode("utf-8") not in body:
            raise ValueError(f"{shown} does not show the edit {expect(i)!r}")
        time.sleep(server.quiet * 2)  # let trailing events of this save settle before the next one
    return latencies


def run(args: argparse.Namespace) -> int:
    """`timeline serve`: preview the site from a temporary folder until Ctrl-C."""
    src, templates = Path(args.src), Path(args.templates)
    if not src.is_dir():
        print(f"error: content folder {src} not found", file=sys.stderr)
        return 1
    out = Path(tempfile.mkdtemp(prefix="timeline-preview-"))

    from timeline.build import build_site
    from timeline.incremental import Memo

    # Kept between rebuilds, so that an edit costs work in proportion to the edit.
    memo = Memo()

    def builder():
        return build_site(src, out, templates=templates if templates.is_dir() else None, memo=memo)

    try:
        try:
            server = PreviewServer(builder, out, watch=[src, templates], ignore=[Path("build")],
                                   host=args.host, port=args.port, poll=args.poll)
        except PortInUse as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        if not server.loopback_only:
            print(f"warning: listening on {args.host}: the preview is reachable from the network",
                  file=sys.stderr)
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
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
