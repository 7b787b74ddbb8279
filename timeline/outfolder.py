"""The output folder's bookkeeping: which folder a build may write, one build at a time, and the record.

A build's bookkeeping lives inside the output, so nothing is written outside it and an output folder
that is a mount point works: the record of the last build (MARKER), the lock that lets one build at a
time write (LOCK), and a build's staging folder (STAGING, a prefix). Everything below --out is never
followed: --out itself may be a link, as the user named it.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path

from . import exchange

MARKER = ".timeline-build"
LOCK = ".timeline-build.lock"
STAGING = ".timeline-staging-"  # prefix of a build's staging folder inside the output
NOTE = "This folder is written by 'timeline build'; files not in the site are removed, except names beginning with a dot at its top."


class OutputRefused(Exception):
    """The output was not touched; the message says why (the caller names the folder)."""


def own(name: str) -> bool:
    """Not part of the site, at the top of the output: the writer's bookkeeping, and any other name
    that begins with a dot, which the site never has (.git and .nojekyll of a folder published as a
    branch: the user's). Neither listed, so never removed, nor counted against an empty folder."""
    return name.startswith(".")


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
    if MARKER not in names and not all(own(name) for name in names):
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
    nothing in it. A forked worker shares the lock; it dies with the build (see parallel.py).
    Holding the lock, it removes what a killed build left (its staging folder): none is running."""
    out = Path(out)
    try:
        out.mkdir(parents=True)
        created = True
    except FileExistsError:
        created = False
    path = os.path.join(out, LOCK)
    fd = _lock(path)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        clear_staging(out)
        yield
    finally:
        try:
            os.unlink(path)  # before letting go: a build that opened this file meanwhile sees it gone
        except FileNotFoundError:
            pass
        os.close(fd)
        if created and not os.listdir(out):  # a first build that failed: leave no folder behind
            os.rmdir(out)


def _lock(path: str) -> int:
    """An open descriptor of the lock file at path, locked; OutputRefused if another build holds it."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.EISDIR):
                raise
            # Not the file a build makes: one could only have been put there by hand, so it is left.
            kind = "a symbolic link" if exc.errno == errno.ELOOP else "a folder"
            raise OutputRefused(f"{LOCK} in it is {kind}, where a build keeps the file it locks while it runs "
                                "(links in the output are never followed): remove it and build again") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise OutputRefused(f"another build (process {holder or 'unknown'}) is writing to this folder; "
                                "wait for it to finish and build again") from None
        try:
            if os.path.samestat(os.fstat(fd), os.lstat(path)):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder removed this file as we opened it: lock the new one


def clear_staging(out: Path) -> None:
    """Remove the staging folders a killed build left in out (a link of that name as a link)."""
    for name in os.listdir(out):
        if name.startswith(STAGING):
            remove(os.path.join(out, name))


def remove(path: str) -> None:
    """Remove a file, a link (not what it points to) or a folder with everything in it."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path)  # never follows the links it meets inside
        else:
            os.unlink(path)
    except FileNotFoundError:
        pass


def write_record(out: Path, record: dict) -> None:
    tmp = os.path.join(out, MARKER + ".tmp")
    remove(tmp)
    with open(tmp, "x", encoding="utf-8") as handle:  # "x": never through a link planted there
        handle.write(json.dumps(record, sort_keys=True) + "\n")
    exchange.replace(tmp, os.path.join(out, MARKER))


def stat_tree(out: Path, paths) -> dict[str, list[int]]:
    record = {}
    for rel in paths:
        st = os.lstat(os.path.join(out, rel))
        record[rel] = stamp_of(st)
    return record


def stamp_of(st) -> list[int]:
    """What says a file is as recorded: the ctime too, as a page altered to the same size with its old
    mtime put back must not pass for the page the build wrote."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def record_extra(out: Path, rel: str) -> None:
    """Add a file written after the site (the PDF) to the record, so the next build keeps it."""
    try:
        record = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(record, dict) and isinstance(record.get("files"), dict):
        record["files"].update(stat_tree(out, [rel]))
        write_record(out, record)
