"""Watching for saves: which file events count, linked folders followed, a burst of saves made one build."""

from __future__ import annotations

import gc
import os
import re
import stat
import threading
import time
from pathlib import Path, PurePath
from typing import Callable, Iterable

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

# Events a save produces; "opened"/"closed_no_write" come from the build reading its own inputs
# and would make every build trigger the next.
_CHANGE_EVENTS = {"created", "deleted", "modified", "moved", "closed"}
_IGNORED_NAME = re.compile(
    r"""( ~$ | \.sw[a-px]$ | \.swpx$ | ^\.\# | ^\#.*\#$ | ^4913$ | \.kate-swp$ | ___jb_(tmp|old)___$
        | \.(tmp|bak|orig|pyc)$ | ^\.DS_Store$ )""",
    re.X,
)
_IGNORED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".pytest_cache"}
RECHECK_SECONDS = 1.0  # how often the watched folders are looked for where they were (see Watcher.recheck)


def is_ignored(path: str | PurePath) -> bool:
    """True for editor swap/backup files and VCS/cache folders, which must not trigger a rebuild."""
    p = PurePath(path)
    return bool(_IGNORED_NAME.search(p.name)) or any(part in _IGNORED_DIRS for part in p.parts)


class Watcher:
    """Calls `changed(path, settled, renamed)` for every save under the `watch` folders (a file given
    instead of a folder: that file), also behind links to folders, except under `ignore` (the preview's
    output). settled: the event ends that file's save (written and closed, or renamed into place:
    inotify's events; polling has none); any other (created, modified, deleted, moved away) may be the
    first of several that one save makes. renamed: the file was moved onto a watched name."""

    def __init__(self, watch: Iterable[Path], ignore: Iterable[Path], changed: Callable[[str, bool, bool], None], *,
                 poll: bool = False, warn: Callable[[str], None] = print, recheck: float = RECHECK_SECONDS):
        self.watch = [Path(p).resolve() for p in watch]
        self.ignore = [Path(p).resolve() for p in ignore]
        self.linked: list[Path] = []  # folders watched because a link in a watched folder leads there
        self.changed, self.poll, self.warn, self.recheck_every = changed, poll, warn, recheck
        self.observer = None
        self._watches: dict = {}   # folder scheduled -> (its watch or None, recursive, its identity then)
        self._lock = threading.Lock()   # the recheck thread and the builds' follow_links both schedule
        self._stopping = threading.Event()
        self._rechecker: threading.Thread | None = None

    def relevant(self, path: str | Path) -> bool:
        p = Path(path)
        if is_ignored(p) or any(p == d or p.is_relative_to(d) for d in self.ignore):
            return False
        return any(p == w or p.is_relative_to(w) for w in [*self.watch, *self.linked])

    def start(self) -> None:
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.event_type not in _CHANGE_EVENTS:
                    return
                if event.is_directory and event.event_type == "modified":
                    return  # a folder "changes" whenever a swap file appears in it
                src, dest = event.src_path, getattr(event, "dest_path", "") or ""
                into = event.event_type == "moved" and bool(dest) and watcher.relevant(dest)
                if watcher.relevant(src):
                    watcher.changed(src, event.event_type == "closed" and not event.is_directory, into)
                if into:
                    watcher.changed(dest, True)   # renamed into place (an atomic save): that file is done

        self._handler = Handler()
        self.observer = PollingObserver(timeout=0.5) if self.poll else Observer()
        for path in self.watch:
            if path.is_dir():
                self._schedule(path, True)
            elif path.parent.is_dir():  # a single config file: watch its folder, keep only that file
                self._schedule(path.parent, False)
        self.observer.start()
        self.follow_links()
        self._rechecker = threading.Thread(target=self._recheck_often, daemon=True, name="preview-recheck")
        self._rechecker.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._rechecker is not None:
            self._rechecker.join(5)
        if self.observer is not None:
            self.observer.stop()
            self.observer.join()

    def _schedule(self, folder: Path, recursive: bool) -> None:
        watch = self.observer.schedule(self._handler, str(folder), recursive=recursive)
        self._watches[folder] = (watch, recursive, _identity(folder))

    def _recheck_often(self) -> None:
        while not self._stopping.wait(self.recheck_every):
            self.recheck()

    def recheck(self) -> None:
        """Watch again each watched folder that is no longer the one watched: moved away, removed, or
        replaced by another of its name (`mv site_src old && cp -r old site_src`). inotify follows the
        folder it was given, wherever it is moved, and never sees the new one; the polling observer
        goes by names but says nothing. Each is said in the log; a folder found in its place is a change."""
        with self._lock:
            for folder, (watch, recursive, known) in list(self._watches.items()):
                now = _identity(folder)
                if now == known:
                    continue
                if watch is not None:
                    try:
                        self.observer.unschedule(watch)
                    except (KeyError, OSError):
                        pass   # its emitter stopped already, when the folder was removed
                self._watches[folder] = (None, recursive, None)
                if now is None:
                    self.warn(f"warning: {folder} is gone (moved away or removed): not watched until it is back")
                    continue
                try:
                    self._schedule(folder, recursive)
                except OSError as exc:  # e.g. out of inotify watches: said once, tried again if it changes again
                    self._watches[folder] = (None, recursive, now)
                    self.warn(f"warning: cannot watch {folder}: {exc}")
                    continue
                self.warn(f"{folder} is back: watching it again" if known is None else
                          f"{folder} was replaced by another folder of its name: watching that one")
                self.changed(str(folder), False, False)

    def follow_links(self) -> None:
        """Watch the targets of linked folders (`events -> ../ev`) too: file events do not pass
        through a link, and the build reads through it (polling stats through links already). A link
        to a folder already watched, or to one that holds a watched folder (a loop), adds nothing."""
        if self.observer is None or self.poll:
            return
        with self._lock:
            self._follow_links([w for w in self.watch if w.is_dir()])

    def _follow_links(self, pending: list[Path]) -> None:
        while pending:
            for root, dirs, _ in os.walk(pending.pop()):
                dirs[:] = [d for d in dirs if d not in _IGNORED_DIRS]
                for name in dirs:
                    target = self._new_target(Path(root, name))
                    if target is None:
                        continue
                    try:
                        self._schedule(target, True)
                    except OSError as exc:  # e.g. out of inotify watches: say so, keep serving
                        self.warn(f"warning: cannot watch {target} (linked from {Path(root, name)}): {exc}")
                        continue
                    self.linked.append(target)
                    pending.append(target)

    def _new_target(self, link: Path) -> Path | None:
        """The folder `link` leads to, if it is a link to a folder that nothing watched covers yet."""
        if not link.is_symlink():
            return None
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):
            return None  # dangling or looping: the build reports it
        covered = [*self.watch, *self.linked, *self.ignore]
        if (not target.is_dir() or any(target.is_relative_to(w) for w in covered)
                or any(w.is_relative_to(target) for w in covered)):
            return None
        return target


def _identity(folder: Path) -> tuple | None:
    """Which folder is at that path now (device and inode), or None if none is."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


class Debouncer:
    """On its own thread (run), calls `act()` once the files that changed have been quiet long enough:
    `settle` seconds after the last event if it ended the save of the only file that changed since the
    last act (changed(path, settled=True)), else `quiet` seconds after it: a file may still be being
    written, or moved away before its new version is made, and a second file changed is a burst (a
    checkout, "save all") that may go on. And, `idle_after` seconds after an act with no change since,
    it collects garbage once. A full collection walks every object the caches hold (80 ms at 2,000
    events, half a second at 10,000), so the objects alive when an act starts are out of the
    collector's sight while it runs (gc.freeze), and are looked at again only while the editor is idle."""

    def __init__(self, act: Callable[[], object], quiet: float, idle_after: float, settle: float | None = None):
        self.act, self.quiet, self.idle_after = act, quiet, idle_after
        self.settle = quiet if settle is None else min(settle, quiet)
        self._cond = threading.Condition()
        self._pending: dict[str, bool] = {}   # what changed since the last act -> whether its save ended
        self._last = 0.0                      # when the last change came
        self._stopping = False

    def changed(self, what: str = "", settled: bool = False, renamed: bool = False) -> None:
        with self._cond:
            if renamed and self._pending.get(what):
                # Written, closed, then renamed onto a watched name (Kate's and gedit's temporary file,
                # sed -i): only its new name counts. Moved away otherwise, it is gone (Vim moves the file
                # to its backup name before writing the new one): not settled.
                del self._pending[what]
            else:
                self._pending[what] = settled
            self._last = time.monotonic()
            self._cond.notify_all()

    def _deadline(self) -> float | None:
        if not self._pending:
            return None
        settled = len(self._pending) == 1 and next(iter(self._pending.values()))
        return self._last + (self.settle if settled else self.quiet)

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def run(self) -> None:
        collect_at = None
        while True:
            act = self._wait(collect_at)
            if act is None:
                gc.unfreeze()
                return
            if act:
                gc.freeze()
                self.act()
                collect_at = time.monotonic() + self.idle_after
            else:
                gc.unfreeze()
                gc.collect()
                collect_at = None

    def _wait(self, collect_at: float | None) -> bool | None:
        """True when a quiet moment follows a change, False when it is time to collect, None on stop."""
        with self._cond:
            while not self._stopping and ((deadline := self._deadline()) is None or deadline > time.monotonic()):
                if deadline is None and collect_at is not None and collect_at <= time.monotonic():
                    break
                wake = deadline if deadline is not None else collect_at
                self._cond.wait(None if wake is None else max(0.0, wake - time.monotonic()))
            if self._stopping:
                return None
            act = bool(self._pending)
            self._pending.clear()
            return act
