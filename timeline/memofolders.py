"""The memo's folders beside the content: which one a build saves to, which one was saved to last, and
the ones no longer kept (the files in them are memofile's)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from . import memokey
from .incremental import digest

FAMILY = b"timeline-memo "   # what the files of every version of the memo begin with


def folder_for(src: Path, out: Path) -> Path:
    """Where the memo of builds from src into out is kept: .timeline-cache/ beside the content folder
    (safe to delete), one folder per content folder and output folder (a page's entry says what
    that output holds)."""
    name = digest(os.path.realpath(src), os.path.realpath(out))[:16]
    return Path(src).resolve().parent / ".timeline-cache" / f"memo-{name}"


def newest(src: Path) -> Path | None:
    """The memo folder beside src (see folder_for) that a build saved to last, or None. Any of them
    is safe to read for any content: each value is kept by the digest of its inputs."""
    cache = Path(src).resolve().parent / ".timeline-cache"
    found = saved(cache) if memokey.own_folder(cache) else []
    return cache / max(found)[1] if found else None


def saved(cache: Path) -> list[tuple[int, str]]:
    """(when it was last saved, name) of each memo folder in cache: a folder of this user's own whose
    generation file is a regular file that a save wrote (another engine version's too)."""
    found = []
    try:
        entries = list(os.scandir(cache))
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith("memo-") and memokey.own_folder(entry.path):
            try:
                fd = os.open(os.path.join(entry.path, "generation"), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            try:
                st = os.fstat(fd)
                start = os.read(fd, len(FAMILY)) if stat.S_ISREG(st.st_mode) else b""
            except OSError:
                start = b""
            finally:
                os.close(fd)
            if start == FAMILY:
                found.append((st.st_mtime_ns, entry.name))
    return found


# Each output folder built from a content folder has a memo folder of its own beside the content; the
# ones saved to last are kept, so that builds into many (temporary) folders, or by many versions of
# the engine, do not fill the disk (the bundled site's memo is some 13 MB, 10,000 events' 110 MB).
KEEP = 8


def prune(folder: Path, keep: int) -> None:
    """Remove the memo folders beside folder but the `keep` saved to last (folder is one of them). Of
    each, only the files a save writes (each unlinked: a link is removed itself), then the folder if
    that left it empty: a folder holding anything else keeps it."""
    found = sorted((when, name) for when, name in saved(folder.parent) if name != folder.name)
    for _, name in found[:max(len(found) - keep + 1, 0)]:
        try:
            fd = os.open(folder.parent / name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            for file in os.listdir(fd):
                if file == "generation" or file.endswith(".pickle") or file.startswith(".memo-"):
                    try:
                        os.unlink(file, dir_fd=fd)
                    except OSError:
                        pass   # a folder of that name: left, and so is the folder
        finally:
            os.close(fd)
        try:
            os.rmdir(folder.parent / name)
        except OSError:
            pass


def make(folder: Path) -> bool:
    """Make folder (its parent too, if that is .timeline-cache/), or check an existing one is ours."""
    try:
        os.mkdir(folder, 0o700)
        if folder.name == ".timeline-cache":
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        return True
    except FileExistsError:
        return memokey.own_folder(folder)
    except FileNotFoundError:
        return folder.name != ".timeline-cache" and make(folder.parent) and make(folder)
    except OSError:
        return False  # a read-only place: the next build simply starts afresh
