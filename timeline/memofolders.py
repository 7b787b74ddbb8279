"""The memo's folders beside the content: which one a build saves to, which one was saved to last, and
the ones no longer kept (the files in them are memofile's)."""

from __future__ import annotations

import os
import stat
import time
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
    found = _in_cache(cache, _saved) or []
    return cache / max(found)[1] if found else None


def table_name(name: str) -> tuple[str, int] | None:
    """(stage, shard) of a memo file's name, `<stage>.<shard>.pickle`; None for any other name."""
    stage, _, rest = name.rpartition(".")
    stage, _, part = stage.rpartition(".")
    return (stage, int(part)) if rest == "pickle" and stage and part.isascii() and part.isdigit() else None


def _ours(name: str) -> bool:
    """A name that a save gives a file in a memo folder."""
    return name == "generation" or name.startswith(".memo-") or table_name(name) is not None


# Each output folder built from a content folder has a memo folder of its own beside the content; the
# ones saved to last are kept, so that builds into many (temporary) folders, or by many versions of
# the engine, do not fill the disk (the bundled site's memo is some 13 MB, 10,000 events' 110 MB).
KEEP = 8
GONE = ".removed-"   # a memo folder being removed is renamed so first: a save into it meanwhile fails whole


def prune(folder: Path, keep: int) -> None:
    """Remove the memo folders beside folder but the `keep` saved to last (folder is one of them):
    each is renamed (GONE), then only the files a save writes are unlinked from it (a link is removed
    itself), then the folder if that left it empty: a folder holding anything else is left."""
    def remove(cache: int) -> None:
        found = sorted((when, name) for when, name in _saved(cache) if name != folder.name)
        for _, name in found[:max(len(found) - keep + 1, 0)]:
            try:
                os.rename(name, GONE + name, src_dir_fd=cache, dst_dir_fd=cache)
            except OSError:
                pass   # already being removed by another build, or a folder of that name left there
        for name in os.listdir(cache):   # those renamed now, and any a build stopped removing
            if name.startswith(GONE + "memo-"):
                _empty(cache, name)
    _in_cache(folder.parent, remove)


def _in_cache(cache: Path, use):
    """use(a descriptor of the folder cache), if it is a real folder of this user's; else None."""
    fd = memokey.open_own_folder(cache)
    if fd is None:
        return None
    try:
        return use(fd)
    except OSError:
        return None
    finally:
        os.close(fd)


def _saved(cache: int) -> list[tuple[int, str]]:
    """(when it was last saved, name) of each memo folder in cache (memo-*): a folder of this user's
    own whose generation file is a regular file that a save wrote (of this engine version or
    another). A time to come counts as the earliest: a clock was wrong, not a save."""
    found, now = [], time.time_ns()
    for name in os.listdir(cache):
        if name.startswith("memo-"):
            st = _generation(cache, name)
            if st is not None:
                found.append((st.st_mtime_ns if st.st_mtime_ns <= now else 0, name))
    return found


def _generation(cache: int, name: str):
    """The stat of memo folder name's generation file, if name is a folder of this user's whose
    generation is a regular file that a save wrote; else None. Links are never followed."""
    fd = memokey.open_own_folder(name, dir_fd=cache)
    if fd is None:
        return None
    try:
        st = os.stat("generation", dir_fd=fd, follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode):
            return None   # a device, a pipe, a folder: not opened
        generation = os.open("generation", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
        try:
            return st if os.read(generation, len(FAMILY)) == FAMILY else None
        finally:
            os.close(generation)
    except OSError:
        return None
    finally:
        os.close(fd)


def _empty(cache: int, name: str) -> None:
    """Unlink the memo files in folder name (not what else it holds), then the folder if it is empty."""
    fd = memokey.open_own_folder(name, dir_fd=cache)
    if fd is None:
        return
    try:
        for file in os.listdir(fd):
            if _ours(file):
                try:
                    os.unlink(file, dir_fd=fd)
                except OSError:
                    pass   # a folder of that name: left, and so is the folder
    finally:
        os.close(fd)
    try:
        os.rmdir(name, dir_fd=cache)
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
