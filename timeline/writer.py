"""The one module that touches the output folder.

It is handed every file of the site at once, so a failed build never gets here; it then writes only
files whose bytes changed (each by write-to-temporary and rename) and removes stale ones, which is
far cheaper than deleting and rewriting a large tree.

Whatever is found in the output, it never follows a symbolic link when it replaces or removes: a
link where a file or folder of the site goes is replaced, never written through or emptied. Its own
bookkeeping lives inside the output, so nothing is written outside it and an output folder that is
a mount point works: the record of the last build (MARKER), the lock that lets one build at a time
write (LOCK), and a build's staging folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MARKER = ".timeline-build"
LOCK = ".timeline-build.lock"
STAGING = ".timeline-staging-"  # prefix of a build's staging folder inside the output
_OWN = {MARKER, MARKER + ".tmp", LOCK}


class OutputRefused(Exception):
    """The output was not touched; the message says why (the caller names the folder)."""


class WriteIncomplete(Exception):
    """Writing failed after part of the output was changed; the message says how much."""


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def _own(name: str) -> bool:
    """The writer's bookkeeping at the top of the output, not part of the site."""
    return name in _OWN or name.startswith(STAGING)


def check_target(out: Path) -> None:
    """Refuse to prune a folder that holds files and was not made by us (a mistyped --out).

    --out itself may be a link to a folder: the user named it. Everything below it is never followed."""
    try:
        st = os.stat(out)
    except FileNotFoundError:
        if os.path.islink(out):
            raise OutputRefused("is a symbolic link to a folder that does not exist") from None
        return
    except NotADirectoryError:
        raise OutputRefused("a file is in the way: a folder above it is a file") from None
    if not stat.S_ISDIR(st.st_mode):
        raise OutputRefused("exists and is not a folder")
    try:
        names = os.listdir(out)
    except OSError as exc:
        raise OutputRefused(f"cannot read the folder: {exc.strerror}") from None
    if MARKER not in names and not all(_own(name) for name in names):
        raise OutputRefused("folder is not empty and was not made by 'timeline build'; "
                            "choose an empty or new folder for --out")


def check_apart(out: Path, inputs: dict[str, Path]) -> None:
    """Refuse an output folder that holds an input folder, or lies inside one: a build removes every
    file of the output that is not part of the site, so it would delete the input (or read its own
    output as content). inputs: option name -> folder."""
    real_out = os.path.realpath(out)
    for option, folder in inputs.items():
        real = os.path.realpath(folder)
        if real == real_out:
            raise OutputRefused(f"is the {option} folder; choose another folder for --out")
        if _inside(real, real_out):
            raise OutputRefused(f"holds the {option} folder {folder}, which a build would delete; "
                                "choose an --out outside it")
        if _inside(real_out, real):
            raise OutputRefused(f"is inside the {option} folder {folder}; choose an --out outside it")
        for link in _links(str(folder)):
            # A link in the sources that points into the output: the build reads it, then prunes it.
            real = os.path.realpath(link)
            if real == real_out or _inside(real, real_out):
                shown = os.path.join(str(out), os.path.relpath(real, real_out))
                raise OutputRefused(f"holds {link}, a link to {os.path.normpath(shown)}, which a build would "
                                    "delete; keep the linked files outside --out")


def _links(folder: str):
    """Every symbolic link under folder, following linked folders (each real folder entered once)."""
    seen, stack = set(), [folder]
    while stack:
        current = stack.pop()
        try:
            st = os.stat(current)
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(current) as scan:
                entries = list(scan)
        except OSError:
            continue  # unreadable: the build reports it
        for entry in entries:
            if entry.is_symlink():
                yield entry.path
            try:
                if entry.is_dir():  # follows a link
                    stack.append(entry.path)
            except OSError:
                pass  # a link loop: the build reports it


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


@contextmanager
def locked(out: Path):
    """Hold the output folder for one build: an advisory lock (flock) on LOCK inside it, a file that
    lives only while a build runs and holds its process id (for the message another build gives).

    The lock is inside the output, not beside it, so a build writes nothing outside --out (whose
    parent may be read-only, e.g. a mount point's) and every name for the folder (a link, a relative
    path) meets the same lock. The folder is made if missing, and removed again if the build left
    nothing in it. A forked worker shares the lock; it dies with the build (see parallel.py)."""
    out = Path(out)
    try:
        out.mkdir(parents=True)
        created = True
    except FileExistsError:
        created = False
    path = os.path.join(out, LOCK)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise OutputRefused(f"another build (process {holder or 'unknown'}) is writing to this folder; "
                                "wait for it to finish and build again") from None
        try:
            if os.path.samestat(os.fstat(fd), os.lstat(path)):
                break
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder removed this file as we opened it: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        try:
            os.unlink(path)  # before letting go: a build that opened this file meanwhile sees it gone
        except FileNotFoundError:
            pass
        os.close(fd)
        if created and not os.listdir(out):  # a first build that failed: leave no folder behind
            os.rmdir(out)


def write_site(out: Path, files: dict[str, bytes], manifest: dict | None = None,
               known: dict | None = None) -> WriteStats:
    """Write files into out; then record `manifest` (what the build was made from) in the marker.

    known: kept by a long-lived caller (the preview, writing to a folder of its own) between writes,
    path -> (bytes object, size, mtime_ns) of what this writer last wrote there; a page handed over as
    the very same bytes object is known to be unchanged without looking at the file.
    """
    check_target(out)
    stats = WriteStats()
    out.mkdir(parents=True, exist_ok=True)
    # Invalidate the old record first: if this write is interrupted, the next build must not trust it.
    _write_record(out, {"note": NOTE})
    last = known if known is not None else {}
    base = str(out)
    folders: set[str] = set()
    # A long-lived caller that wrote this very set of files last time has nothing stale to look for.
    same_set = known is not None and known.keys() == files.keys()
    for rel in sorted(files):
        data = files[rel]
        seen = last.get(rel)
        if seen is not None and (seen[0] is data or seen[0] == data):
            stats.unchanged += 1
            if known is not None:
                known[rel] = (data, seen[1], seen[2])
            continue
        path = os.path.join(base, rel)
        if seen is not None:
            # The caller's own folder, read by nobody while it writes: overwrite in place. Replacing a
            # large file frees all its blocks, which cost 6 ms for the 7 MB print page of 2,000 events.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
                with open(fd, "wb") as f:
                    f.write(data)
                    f.truncate()
                st = os.stat(path)
                known[rel] = (data, st.st_size, st.st_mtime_ns)
                stats.written += 1
                continue
            except OSError:
                del known[rel]  # a file replaced by a folder, say: write it the careful way below
        if _same_file(base, path, data, folders):
            stats.unchanged += 1
            if known is not None:
                st = os.lstat(path)
                known[rel] = (data, st.st_size, st.st_mtime_ns)
            continue
        _make_folders(base, os.path.dirname(path), folders)
        _remove_folder(path)
        tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
        _remove(tmp)
        with open(tmp, "xb") as handle:  # "x": never through a link planted there
            handle.write(data)
        os.replace(tmp, path)  # replaces a link itself, never what it points to
        stats.written += 1
        if known is not None:
            st = os.lstat(path)
            known[rel] = (data, st.st_size, st.st_mtime_ns)
    if known is not None:
        for gone in set(known) - set(files):
            del known[gone]
    if not same_set:
        stats.removed = _prune(out, files)
    if manifest is not None:
        _write_record(out, dict(manifest, note=NOTE, files=_stat_tree(out, files)))
    return stats


NOTE = "This folder is written by 'timeline build'; files not in the site are removed."


def _same_file(base: str, path: str, data: bytes, folders: set[str]) -> bool:
    """True if path is a regular file holding data, reached through real folders only."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        if not _real_folder(base, os.path.dirname(path), folders):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _real_folder(base: str, folder: str, real: set[str]) -> bool:
    """True if every folder from base down to folder is a folder, not a link or a file (memoised in real)."""
    if folder == base or folder in real:
        return True
    if not _real_folder(base, os.path.dirname(folder), real):
        return False
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
    except OSError:
        return False
    real.add(folder)
    return True


def _make_folders(base: str, folder: str, made: set[str]) -> None:
    """Make folder and the folders above it up to base, replacing a file or a link in the way
    (a link is removed, never followed); made memoises the folders known to be real."""
    if folder == base or folder in made:
        return
    _make_folders(base, os.path.dirname(folder), made)
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            os.unlink(folder)
            os.mkdir(folder)
    except FileNotFoundError:
        os.mkdir(folder)
    made.add(folder)


def _remove_folder(path: str) -> None:
    """Remove a real folder where a file must go (a link or a file is left for the rename to replace)."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path)  # never follows the links it meets inside
    except FileNotFoundError:
        pass


def _remove(path: str) -> None:
    """Remove a file, a link (not what it points to) or a folder with everything in it."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except FileNotFoundError:
        pass


def _prune(out: Path, paths) -> int:
    """Remove every file under out that is not in paths (nor the writer's own), and emptied folders.
    A link to a folder is removed as the link it is; nothing is followed."""
    wanted, base, removed = set(paths) | _OWN, str(out), 0
    for dirpath, dirnames, filenames in os.walk(base, topdown=False):
        prefix = os.path.relpath(dirpath, base).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in dirnames:  # os.walk lists a link to a folder here, and does not enter it
            if os.path.islink(os.path.join(dirpath, name)):
                os.unlink(os.path.join(dirpath, name))
                removed += 1
        for name in filenames:
            if prefix + name not in wanted:
                os.unlink(os.path.join(dirpath, name))
                removed += 1
        if dirpath != base and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return removed


def _write_record(out: Path, record: dict) -> None:
    tmp = os.path.join(out, MARKER + ".tmp")
    _remove(tmp)
    with open(tmp, "x", encoding="utf-8") as handle:  # "x": never through a link planted there
        handle.write(json.dumps(record, sort_keys=True) + "\n")
    os.replace(tmp, os.path.join(out, MARKER))


def _stat_tree(out: Path, paths) -> dict[str, list[int]]:
    record = {}
    for rel in paths:
        st = os.lstat(os.path.join(out, rel))
        record[rel] = _stamp(st)
    return record


def _stamp(st) -> list[int]:
    """What says a file is as recorded: the ctime too, as a page altered to the same size with its old
    mtime put back must not pass for the page the build wrote."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def unchanged(out: Path, inputs: str) -> dict | None:
    """The recorded manifest if out holds exactly what a build from these inputs wrote, else None.

    Compares sizes, modification and change times of every output file (and that no file or link was added),
    so a build with nothing to do costs a directory walk instead of rendering the whole site.
    """
    try:
        record = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("inputs") != inputs or not isinstance(record.get("files"), dict):
        return None
    recorded = record["files"]
    seen = 0
    folders = [("", str(out))]
    try:
        while folders:
            prefix, folder = folders.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((prefix + entry.name + "/", entry.path))
                        continue
                    if not prefix and entry.name in _OWN:
                        continue
                    want = recorded.get(prefix + entry.name)
                    if want is None or entry.is_symlink():
                        return None
                    st = entry.stat(follow_symlinks=False)
                    if _stamp(st) != want:
                        return None
                    seen += 1
    except OSError:
        return None
    return record if seen == len(recorded) else None


def record_extra(out: Path, rel: str) -> None:
    """Add a file written after the site (the PDF) to the record, so the next build keeps it."""
    try:
        record = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(record, dict) and isinstance(record.get("files"), dict):
        record["files"].update(_stat_tree(out, [rel]))
        _write_record(out, record)


class Stager:
    """Takes a build's files one at a time as they are rendered, so the site never has to be held
    in memory: a file whose bytes differ from what out holds is written to a staging folder inside
    out (so that moving it in is a rename on the same file system, mount points included); commit()
    then moves the staged files in and removes stale ones, and abort() throws the staging folder away,
    leaving out as it was. Works in a forked process too: each process stages its own files, and the
    parent adds the child's list with merge(). Made while holding locked(out)."""

    def __init__(self, out: Path):
        check_target(out)
        self.out = Path(out)
        self.base = str(out)
        names = os.listdir(out)
        for name in names:
            if name.startswith(STAGING):  # left by a killed build: we hold the lock, so none is running
                _remove(os.path.join(out, name))
        # A first build (nothing in out yet) stages the site in its final layout and moves each
        # top-level entry into place: a few renames instead of one per file.
        self.fresh = all(_own(name) for name in names)
        # Marked as ours before anything else is written, so that a first build killed at any point
        # leaves a folder that the next build accepts and repairs.
        self.marked = self.fresh and MARKER not in names
        if self.marked:
            _write_record(self.out, {"note": NOTE})
        self.staging = tempfile.mkdtemp(prefix=STAGING, dir=out)
        self.staged: list[tuple[str, str]] = []  # (path in out, name in the staging folder)
        self.unchanged = 0
        self.folders: set[str] = set()  # made in the staging folder (fresh) / known real in out (not fresh)

    def __call__(self, rel: str, data: bytes) -> None:
        if self.fresh:
            path = os.path.join(self.staging, rel)
            folder = os.path.dirname(path)
            if folder not in self.folders:
                os.makedirs(folder, exist_ok=True)
                self.folders.add(folder)
            with open(path, "wb") as handle:
                handle.write(data)
            self.staged.append((rel, rel))
            return
        if _same_file(self.base, os.path.join(self.base, rel), data, self.folders):
            self.unchanged += 1
            return
        # Flat names (unique per process, as a forked child stages too): making every page's folder
        # twice, once here and once in out, cost seconds at 10,000 pages.
        name = f"{os.getpid()}-{len(self.staged)}"
        with open(os.path.join(self.staging, name), "wb") as handle:
            handle.write(data)
        self.staged.append((rel, name))

    def merge(self, staged: list[tuple[str, str]], unchanged: int) -> None:
        self.staged.extend(staged)
        self.unchanged += unchanged

    def commit(self, paths, manifest: dict | None = None) -> WriteStats:
        """Move the staged files into out and remove every file not in paths. Raises WriteIncomplete
        (saying how much was changed) if that fails part-way."""
        out, base, stats = self.out, self.base, WriteStats(unchanged=self.unchanged)
        # Invalidate the old record first: if this is interrupted, the next build must not trust it.
        _write_record(out, {"note": NOTE})
        self.marked = False  # out is changed from here on: abort() must leave the marker
        try:
            if self.fresh:
                for name in sorted(os.listdir(self.staging)):
                    os.rename(os.path.join(self.staging, name), os.path.join(base, name))
                stats.written = len(self.staged)
            else:
                made: set[str] = set()
                for rel, name in self.staged:
                    target = os.path.join(base, rel)
                    _make_folders(base, os.path.dirname(target), made)
                    _remove_folder(target)
                    os.replace(os.path.join(self.staging, name), target)  # replaces a link itself
                    stats.written += 1
            shutil.rmtree(self.staging, ignore_errors=True)
            if not self.fresh:  # a fresh folder held nothing to remove
                stats.removed = _prune(out, paths)
        except OSError as exc:
            self.abort()
            done = (f"{stats.written} of {len(self.staged)} changed files were written" if not self.fresh
                    else "part of the site was moved into place")
            raise WriteIncomplete(f"{_describe(exc)}; {done} before this") from None
        if manifest is not None:
            _write_record(out, dict(manifest, note=NOTE, files=_stat_tree(out, paths)))
        return stats

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.marked:  # nothing was written: leave out as it was found
            _remove(os.path.join(self.out, MARKER))
            self.marked = False


def _describe(exc: OSError) -> str:
    text = exc.strerror or str(exc)
    return f"{exc.filename}: {text}" if exc.filename else text

