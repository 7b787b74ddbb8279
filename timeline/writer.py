"""Writes the output folder: one protocol, `Output`, and one implementation of it, `Writer`.

The protocol. A build hands over every file of the site with `put(path, bytes)` (or a list of pieces
of bytes, written one after the other: a print view's megabytes, never joined) as it is rendered, in
any order, from this process or a forked one (see parallel.py); then it calls exactly one of
`commit(record)`, after which the folder holds exactly the files put (and `record`, the build record
MARKER, if given), or `abort()`, after which it is as it was. Nothing in the output changes before
commit. (`Discard`, for `check`, implements the protocol by dropping everything.) `Writer.keep(path, stamp)`
stands for a put of the bytes the output already holds there.

What `Writer` guarantees:
- put writes a file whose bytes differ from what the output holds into a staging folder inside the
  output (same file system: moving it in is a rename, mount points included), so a failed build
  leaves the output untouched (a page the preview wrote itself is held in memory instead, and
  rewritten in place at commit); commit moves the changed files in and removes stale ones (what
  the output held as the build began, outlist.py, and was not put): only changed bytes are written,
  far cheaper than rewriting a large tree;
- a link found where a file or folder of the site goes is replaced, never written through or
  emptied, and nothing below the output is followed;
- a folder the tool did not make is refused, as is one that holds or lies inside an input
  (outfolder.py); one build at a time holds the folder (`locked`), and the build that takes the lock
  removes a staging folder a killed build left;
- the build record is invalidated before the first change and written after the last, so that
  `unchanged()` trusts only a folder as a whole build left it; a failure part-way raises
  WriteIncomplete saying how much was changed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import exchange, outlist, parallel
from .outfolder import (LOCK, MARKER, NOTE, STAGING, OutputRefused, check_apart,  # noqa: F401
                        check_target, locked, own, record_extra, remove, stat_tree, write_record)
from .outlist import unchanged  # noqa: F401


class WriteIncomplete(Exception):
    """Writing failed after part of the output was changed; the message says how much, and filename
    (when known) which file failed."""

    def __init__(self, message: str, filename: str | None = None):
        super().__init__(message)
        self.filename = filename


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


class Output(Protocol):
    """Where a build's files go: put each, then commit all or abort (see the module docstring)."""

    def put(self, path: str, data: bytes | list) -> None: ...

    def commit(self, record: dict | None = None) -> WriteStats: ...

    def abort(self) -> None: ...


class Discard:
    """The Output of `check`: pages are rendered (so every template error is found) and dropped."""

    def put(self, path: str, data: bytes | list) -> None:
        pass

    def commit(self, record: dict | None = None) -> WriteStats:
        return WriteStats()

    def abort(self) -> None:
        pass


def write_files(output: Output, files: dict[str, bytes], record: dict | None = None) -> WriteStats:
    """Put every file of a site held in memory, then commit (abort if a put fails)."""
    try:
        for path, data in files.items():
            output.put(path, data)
    except BaseException:
        output.abort()
        raise
    return output.commit(record)


class Writer:
    """The one Output that writes a folder (see the module docstring); made while holding locked(out).

    known: kept between builds by a long-lived caller (the preview, writing to a folder of its own),
    path -> the bytes last written there; a file put as those same bytes is known to be unchanged,
    and one put as other bytes is written over in place at commit: creating a file costs far more
    than rewriting one (a save in the preview rewrites tens of pages; measured 10 times slower).
    list_apart: list what out holds (outlist) in a forked process while the build renders, if the last
    build's record is at least this many bytes (outlist.LIST_APART says from when it pays)."""

    def __init__(self, out: Path, known: dict[str, bytes] | None = None, list_apart: int | None = None):
        check_target(out)
        os.makedirs(out, exist_ok=True)
        self.out, self.base, self.known = Path(out), str(out), known
        names = os.listdir(out)
        # A first build (nothing in out yet) stages the site in its final layout and moves each
        # top-level entry into place: a few renames instead of one per file.
        self.fresh = all(own(name) for name in names)
        # Marked as ours before anything else is written, so that a first build killed at any point
        # leaves a folder that the next build accepts and repairs.
        self.marked = self.fresh and MARKER not in names
        if self.marked:
            write_record(self.out, {"note": NOTE})
        # Made when first needed, by whichever process needs it: a preview's save often stages nothing.
        self.staging = os.path.join(out, STAGING + secrets.token_hex(6))
        self.tree = os.path.join(self.staging, "site")  # a first build's files, in their final layout
        self.pid, self.count = os.getpid(), 0
        self.puts: dict[str, str] = {}  # path -> its name in the staging folder, "" unchanged, IN_PLACE
        self.held: dict[str, bytes] = {}  # path -> the bytes put, for `known`
        self.folders: set[str] = set()  # made in the tree (fresh) / known to be real in out (not fresh)
        self.listing: int | None = None  # in a forked process: the file listing what it put
        self.stamps: dict[str, list] = {}  # after commit with a record: path -> its file's stamp, as recorded
        self.kept: dict[str, list] = {}    # path -> the stamp of a file kept (keep)
        self._listing = outlist.EMPTY if self.fresh else None   # what out held as the build began
        apart = list_apart is not None and not self.fresh and parallel.can_fork() and \
            outlist.recorded(self.base) >= list_apart
        self._lister = parallel.Forked(lambda: outlist.walk(self.base)) if apart else None

    def put(self, path: str, data: bytes | list) -> None:
        if type(data) is list and self.known is not None:
            data = b"".join(data)   # held, as bytes, for the next build (the preview's)
        pieces, last = data if type(data) is list else (data,), None if self.known is None else self.known.get(path)
        if last is not None and (last is data or last == data):
            name = ""
        elif last is not None and not self.fresh and os.getpid() == self.pid:
            name = IN_PLACE  # its bytes are held until commit
        elif self.fresh:
            name = path
            target = os.path.join(self.tree, path)
            if (folder := os.path.dirname(target)) not in self.folders:
                os.makedirs(folder, exist_ok=True)
                self.folders.add(folder)
            with open(target, "wb") as handle:
                handle.writelines(pieces)
        elif last is None and _same_file(self.base, os.path.join(self.base, path), pieces, self.folders):
            name = ""
        else:
            name = self._stage(pieces)
        self._note(path, name, data)

    def keep(self, path: str, stamp: list) -> bool:
        """Keep the file at path as it is if it is the regular file of that stamp (outfolder.stamp_of),
        reached through real folders: the page this build would put there (the caller knows it from
        the memo, without rendering it). False, and nothing kept, otherwise. This process only."""
        if self.found().files.get(path) != stamp:
            return False
        self.puts[path] = ""
        self.kept[path] = stamp
        return True

    def earlier(self, path: str, stamp: list) -> bytes | None:
        """The file at path as the build began, if it is the regular file of that stamp (outlist.read_back)."""
        return outlist.read_back(self.base, self.found(), path, stamp,
                                 lambda folder: _real_folder(self.base, folder, self.folders))

    def found(self, stamps: bool = True) -> outlist.Listing:
        """What out held when this writer was made (with its files' stamps at that time, unless only
        the names are asked for: the preview prunes without keeping, and 10,000 stat calls are 0.1 s)."""
        if self._listing is None and self._lister is not None:
            try:
                self._listing = self._lister.result()
            except Exception:  # noqa: BLE001 - the forked listing is a head start only: list here
                pass
        if self._listing is None:
            if not stamps:
                return outlist.walk(self.base, stamps=False)
            self._listing = outlist.walk(self.base)
        return self._listing

    def _stage(self, pieces) -> str:
        """Write data to the staging folder under a new flat name (unique per process: making every
        page's folder twice, once here and once in out, cost seconds at 10,000 pages)."""
        if not os.path.isdir(self.staging):
            os.makedirs(self.staging, exist_ok=True)
        self.count += 1
        name = f"{os.getpid()}-{self.count}"
        with open(os.path.join(self.staging, name), "xb") as handle:
            handle.writelines(pieces)
        return name

    def _note(self, path: str, name: str, data: bytes) -> None:
        if os.getpid() == self.pid:
            self.puts[path] = name
            if self.known is not None:
                self.held[path] = data
            return
        # A forked process: it lists what it put in the staging folder, for commit() to read.
        if self.listing is None:
            os.makedirs(self.staging, exist_ok=True)
            self.listing = os.open(os.path.join(self.staging, f"{os.getpid()}.list"),
                                   os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        line = f"{path}\0{name}\0".encode("utf-8", "surrogateescape")
        while line:
            line = line[os.write(self.listing, line):]

    def _gathered(self) -> dict[str, str]:
        """Every path put, here and in forked processes, -> its name in the staging folder."""
        puts = dict(self.puts)
        lists = [n for n in os.listdir(self.staging) if n.endswith(".list")] if os.path.isdir(self.staging) else []
        for name in lists:
            with open(os.path.join(self.staging, name), "rb") as handle:
                fields = handle.read().decode("utf-8", "surrogateescape").split("\0")
            puts.update(zip(fields[0:-1:2], fields[1::2]))
        return puts

    def commit(self, record: dict | None = None) -> WriteStats:
        """Move the staged files into out, remove every other file, then write `record` (with the
        files' stamps) as the build record. Raises WriteIncomplete if that fails part-way."""
        puts = self._gathered()
        staged = sorted((path, name) for path, name in puts.items() if name)
        stats = WriteStats(unchanged=len(puts) - len(staged))
        # Invalidate the old record first: if this is interrupted, the next build must not trust it.
        write_record(self.out, {"note": NOTE})
        self.marked = False  # out is changed from here on: abort() must leave the marker
        try:
            self._move_in(staged, stats)
            shutil.rmtree(self.staging, ignore_errors=True)
            # Nothing is stale in a first build, nor for a preview that put the very files it last wrote.
            if not self.fresh and not (self.known is not None and self.known.keys() == puts.keys()):
                stats.removed = outlist.prune(self.base, self.found(stamps=False), puts,
                                              lambda folder: _real_folder(self.base, folder, self.folders))
        except OSError as exc:
            self.abort()
            if self.known is not None:
                self.known.clear()  # what out holds is no longer known
            done = ("part of the site was moved into place" if self.fresh
                    else f"{stats.written} of {len(staged)} changed files were written")
            raise WriteIncomplete(f"{exc.strerror or exc}; {done} before this", exc.filename) from None
        if self.known is not None:
            self.known.clear()
            self.known.update((path, self.held[path]) for path in puts if path in self.held)
        if record is not None:
            kept = {path: stamp for path, stamp in self.kept.items() if puts.get(path) == ""}  # not put since
            self.stamps = stat_tree(self.out, [path for path in puts if path not in kept])
            self.stamps.update(kept)
            write_record(self.out, dict(record, note=NOTE, files=self.stamps))
        return stats

    def _move_in(self, staged: list[tuple[str, str]], stats: WriteStats) -> None:
        if self.fresh:
            for name in sorted(os.listdir(self.tree)) if staged else ():
                os.rename(os.path.join(self.tree, name), os.path.join(self.base, name))
            stats.written = len(staged)
            return
        made: set[str] = set()
        for path, name in staged:
            target = os.path.join(self.base, path)
            if name == IN_PLACE:
                if _real_folder(self.base, os.path.dirname(target), self.folders) and \
                        _overwrite(target, self.held[path]):
                    stats.written += 1
                    continue
                name = self._stage((self.held[path],))  # not the file written last time: the careful way
            _make_folders(self.base, os.path.dirname(target), made)
            _remove_folder(target)
            exchange.replace(os.path.join(self.staging, name), target)  # replaces a link itself
            stats.written += 1

    def abort(self) -> None:
        if self._lister is not None:
            self._lister.stop()
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.marked:  # nothing was written: leave out as it was found
            remove(os.path.join(self.out, MARKER))
            self.marked = False


IN_PLACE = "="  # a staged name for a file the writer overwrites where it is (never a real name: pid-n)


def _overwrite(path: str, data: bytes) -> bool:
    """Write data over the regular file at path (in a real folder), in place; False (nothing written)
    for anything else: a link (never followed), a folder, a named pipe (opened without waiting)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    with open(fd, "wb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        handle.write(data)
        handle.truncate()
    return True


def _same_file(base: str, path: str, pieces, folders: set[str]) -> bool:
    """True if path is a regular file holding the pieces one after the other, through real folders only."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != sum(map(len, pieces)):
            return False
        if not _real_folder(base, os.path.dirname(path), folders):
            return False
        with open(path, "rb") as handle:
            return all(handle.read(len(piece)) == piece for piece in pieces) and not handle.read(1)
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
