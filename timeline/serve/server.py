"""The preview server: rebuilds its folder on a save, serves it while no build writes, answers reload polls.

It knows nothing of the site beyond a `builder` callable and the folder it writes, so tests run it
in-process with a fake builder on port 0. Its thresholds are parameters, for tests to shorten.
"""

from __future__ import annotations

import mimetypes
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, TextIO

from timeline.diagnostics import Diagnostic

from .handler import listen
from .hosts import allowed_hosts, check_request, is_loopback
from .overlay import PLAIN_404, error_page, exception_diagnostic, inject
from .watch import Debouncer, Watcher

QUIET_SECONDS = 0.1  # a build starts once no save has come for this long ...
SETTLE_SECONDS = 0.02  # ... or this long after a save that ended (a file closed or renamed into place)
IDLE_COLLECT_SECONDS = 1.0  # after a build, this long without a change: collect garbage
LONG_POLL_SECONDS = 25.0  # a reload request waits at most this long for the next build
SOCKET_TIMEOUT_SECONDS = 10.0  # a read or write of a client's socket may take this long
_MAX_URL_PATH = 1024  # characters; the deepest page of a site is far shorter


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


class PreviewServer:
    """Serves `site_dir`, rebuilding it with `builder()` after each quiet burst of changes in `watch`."""

    def __init__(self, builder: Callable[[], object], site_dir: Path, *, watch: Iterable[Path] = (),
                 ignore: Iterable[Path] = (), host: str = "127.0.0.1", port: int = 0, poll: bool = False,
                 quiet: float = QUIET_SECONDS, settle: float = SETTLE_SECONDS, log: TextIO | None = None,
                 long_poll: float = LONG_POLL_SECONDS,
                 socket_timeout: float = SOCKET_TIMEOUT_SECONDS, idle_collect: float = IDLE_COLLECT_SECONDS):
        self.builder = builder
        self.site_dir = Path(site_dir).resolve()
        self.quiet = quiet
        self.long_poll, self.socket_timeout = long_poll, socket_timeout
        self._log = log if log is not None else sys.stderr
        watch = list(watch)
        self.watcher = Watcher(watch, [self.site_dir, *ignore], self.changed, poll=poll, warn=self.say) \
            if watch else None
        self._debounce = Debouncer(self._rebuild_and_follow, quiet, idle_collect, settle)
        self.settle = self._debounce.settle   # at most quiet
        self._lock = _ReadWriteLock()
        self._state = threading.Condition()  # guards generation/errors/stopping; wakes long-polls
        self.generation = 0
        self.errors: list[Diagnostic] = []
        self._deferred: dict = {}   # page path -> renders that page of the last good build (result.deferred)
        self._warned: set[Diagnostic] = set()
        self._page_errors: set = set()   # (diagnostic, URL path) told in the terminal since the last build
        self._stopping = False
        self._threads: list[threading.Thread] = []
        host = host.strip("[]")  # "[::1]", as in a URL
        self._httpd = listen(host, port, self)
        # What was bound decides, not how it was spelt: "LOCALHOST" and "127.1" are loopback too.
        self.loopback_only = is_loopback(self._httpd.server_address[0])
        self._hosts = allowed_hosts(host, self.loopback_only)

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
        for target in (self._httpd.serve_forever, self._debounce.run):
            thread = threading.Thread(target=target, daemon=True, name=f"preview-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        if self.watcher is not None:
            self.watcher.start()

    def stop(self) -> None:
        with self._state:
            self._stopping = True
            self._state.notify_all()
        self._debounce.stop()
        if self.watcher is not None:
            self.watcher.stop()
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

    def changed(self, path: str | Path = "", settled: bool = False, renamed: bool = False) -> None:
        """Note a change; the build starts once no file has changed for `quiet` seconds, or `settle`
        seconds after the save of the only file changed ended (see watch.Debouncer, watch.Watcher)."""
        self._debounce.changed(str(path), settled, renamed)

    def _rebuild_and_follow(self) -> None:
        self.rebuild()
        if self.watcher is not None:
            self.watcher.follow_links()  # a folder linked since the last build

    def rebuild(self) -> bool:
        """Run the builder while no request reads the site; never raises."""
        started = time.perf_counter()
        with self._lock.writing():
            try:
                result = self.builder()
                ok = bool(result.ok)
                diagnostics = list(result.diagnostics)
            except Exception as exc:  # a broken template or engine bug must not stop the preview
                result, ok, diagnostics = None, False, [exception_diagnostic(exc)]
            errors = [d for d in diagnostics if d.severity == "error"] or ([] if ok else [
                Diagnostic("(build)", message="the build failed without a diagnostic")])
            if ok:
                self._deferred = dict(getattr(result, "deferred", None) or {})
            with self._state:
                self.errors = [] if ok else errors
                self.generation += 1
                self._page_errors.clear()
                self._state.notify_all()
            # Under the lock, so the reports of two builds never interleave.
            self._report(ok, errors, diagnostics, getattr(result, "pages", None), time.perf_counter() - started)
        return ok

    def _report(self, ok: bool, errors: list[Diagnostic], diagnostics: list[Diagnostic], pages, seconds: float):
        """Errors at every build, since they block it; warnings once, or they bury the errors."""
        warnings = [d for d in diagnostics if d.severity != "error"]
        fresh = [d for d in warnings if d not in self._warned]
        for d in (errors if not ok else []) + fresh:
            self.say(str(d))
        if len(warnings) > len(fresh):
            self.say(f"({len(warnings) - len(fresh)} warning(s) shown before are not repeated)")
        self._warned = set(warnings)
        if ok:
            self.say(f"built in {seconds:.2f} s" + (f": {pages} pages" if pages is not None else "")
                     + f"; serving {self.url}")
        else:
            self.say(f"build failed with {len(errors)} error(s); serving the last good site")

    def wait_for_build(self, since: int, timeout: float | None = None) -> int:
        """Return the build generation as soon as it differs from `since` (or at timeout, by default
        the server's long_poll)."""
        deadline = time.monotonic() + (self.long_poll if timeout is None else timeout)
        with self._state:
            while self.generation == since and not self._stopping and time.monotonic() < deadline:
                self._state.wait(deadline - time.monotonic())
            return self.generation

    # --- serving --------------------------------------------------------------------------------

    def check_request(self, target: str, hosts: list[str], version: str) -> tuple[int, str] | None:
        """(status, message) to refuse a request with, or None (see hosts.check_request)."""
        return check_request(target, hosts, version, port=self._httpd.server_address[1], allowed=self._hosts,
                             url=self.url)

    def fetch(self, url_path: str, query: str = "") -> tuple[int, dict[str, str], bytes]:
        """The response for a URL path, read whole while no build runs (one build per response)."""
        with self._lock.reading():
            # A file is not a folder: /events.json/ or /print/index.html/ is not found, as a static host
            # answers it (served, its relative links would resolve one level too deep).
            file_as_folder = url_path.endswith("/") and url_path.strip("/") != ""
            page = self._on_demand(url_path, file_as_folder)
            if page is not None:
                if page.endswith("index.html") and not url_path.endswith(("/", "index.html")):  # a folder, no "/"
                    return 301, {"Location": "/" + url_path.lstrip("/") + "/" + (f"?{query}" if query else "")}, b""
                return self._made_when_asked(url_path, page)
            target = self._resolve(url_path)
            if target == "forbidden":
                return 403, {"Content-Type": "text/plain; charset=utf-8"}, b"403 forbidden\n"
            if target is not None and target.is_dir():
                if not url_path.endswith("/"):
                    # one leading slash only: "//host" would be a redirect to another site
                    location = "/" + url_path.lstrip("/") + "/" + (f"?{query}" if query else "")
                    return 301, {"Location": location}, b""
                target = target / "index.html"
            elif file_as_folder:
                target = None
            try:
                if target is not None and target.is_file():
                    status, body = 200, target.read_bytes()
                else:
                    target, status = self._not_found(url_path), 404
                    body = target.read_bytes() if target.is_file() else PLAIN_404
            except OSError as exc:  # unreadable, or gone: the build output is the preview's own
                message = f"403 {exc.strerror or 'cannot be read'}\n"
                return 403, {"Content-Type": "text/plain; charset=utf-8"}, message.encode()
            generation, errors = self.generation, list(self.errors)
        return status, *_typed(target.name, body, generation, errors)

    def _made_when_asked(self, url_path: str, page: str) -> tuple[int, dict[str, str], bytes]:
        """A page the build left to make when asked for (see fetch). Its error is the page's own, not
        the build's: the page shows it alone, and the terminal tells it once a build, as `check` does."""
        try:
            body, generation, errors = self._deferred[page](), self.generation, list(self.errors)
        except Exception as exc:  # noqa: BLE001 - a theme's mistake, or a bug: shown, never a traceback
            problem = exception_diagnostic(exc)
            with self._state:
                fresh = (problem, url_path) not in self._page_errors
                self._page_errors.add((problem, url_path))
            if fresh:
                self.say(str(problem))
                self.say(f"{url_path} could not be made: the browser shows the error; the rest of the site is served")
            return 500, *_typed("error.html", error_page(url_path, [problem]), self.generation, list(self.errors))
        return 200, *_typed(page, body, generation, errors)

    def _on_demand(self, url_path: str, folder: bool) -> str | None:
        """The path of the page a URL asks for, if it is one the build left to render when asked for;
        folder: the URL ends in "/" (a folder's index.html, never a file of that name)."""
        if not self._deferred:
            return None
        parts = [p for p in urllib.parse.unquote(url_path).split("/") if p not in ("", ".")]
        path = "/".join(parts)
        for candidate in ([] if folder else [path]) + [f"{path}/index.html" if path else "index.html"]:
            if candidate in self._deferred:
                return candidate
        return None

    def _not_found(self, url_path: str) -> Path:
        """The 404 page for a missing address: the nearest 404.html in the folders above it, so that
        /zh/events/nope/ gets zh/404.html (the page in its language), else the site's own."""
        found = self.site_dir / "404.html"
        parts = [p for p in url_path.split("/") if p not in ("", ".")]
        for depth in range(1, len(parts) + 1):   # down the folders that exist, no deeper
            folder = self._resolve("/".join(parts[:depth]))
            if not (isinstance(folder, Path) and folder.is_dir()):
                break
            if (folder / "404.html").is_file():
                found = folder / "404.html"
        return found

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

    def say(self, message: str) -> None:
        """One line in the preview's log."""
        print(message, file=self._log, flush=True)


def _typed(name: str, body: bytes, generation: int, errors: list) -> tuple[dict[str, str], bytes]:
    """The Content-Type of a file by its name, and its body, with the reload script if it is a page."""
    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if ctype == "text/html":
        body = inject(body, generation, errors)
    if ctype.startswith("text/") or ctype.endswith("xml") or ctype in ("application/javascript", "application/json"):
        ctype += "; charset=utf-8"
    return {"Content-Type": ctype}, body
