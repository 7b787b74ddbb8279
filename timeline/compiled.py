"""Compiled templates kept between runs, in a folder of this user's cache that only this user can
write: one folder per theme, language and catalog (`salt`), the least recently used dropped.

Not Jinja2's default folder (`_jinja2-cache-<uid>` in the shared temporary folder): anyone can put a
link or a folder of their own there first, and Jinja2 then changes the mode of what the link points
to, or stops the build with a traceback; and nothing there is ever removed.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import jinja2

from . import memokey

# Each theme, language and catalog that a build compiles has a folder; this many are kept (three
# languages of a few themes, with the catalogs' last versions), the least recently used removed.
KEEP = 32


def folder() -> Path:
    return memokey.user_cache() / "templates"


class Compiled(jinja2.FileSystemBytecodeCache):
    """Jinja2's cache of compiled templates in one folder of ours (see writable and read_only)."""

    def __init__(self, directory: str, writes: bool = True):
        super().__init__(directory)
        self.writes = writes

    def dump_bytecode(self, bucket) -> None:
        if self.writes:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass  # the folder went (another build dropped it): the template is compiled next time


def writable(salt: str) -> Compiled | None:
    """The folder of compiled templates for salt, made if need be, and the least recently used beyond
    KEEP removed; None (compiled every time) where this user has no safe cache folder."""
    base = folder()
    try:
        base.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not (_kept_safe(base.parent.parent) and _ours(base.parent) and _ours(base, make=True)):
            return None   # someone else could swap what is in it
        mine = base / salt
        if not _ours(mine, make=True):
            return None
        os.utime(mine)   # used now: the last to be removed
        _prune(base)
    except OSError:
        return None
    return Compiled(str(mine))


def read_only(salt: str) -> Compiled | None:
    """The compiled templates a build left for salt, read and never written (`check` writes nothing)."""
    mine = folder() / salt
    return Compiled(str(mine), writes=False) if _ours(folder().parent) and _ours(folder()) and _ours(mine) else None


def _ours(path: Path, make: bool = False) -> bool:
    """path is a real folder of this user that no one else may write (memokey.own_folder); made if asked."""
    if make:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    return memokey.own_folder(path, private=True)


def _kept_safe(folder: Path) -> bool:
    """A folder no one else can rename our folder out of: not writable by others, or sticky (/tmp)."""
    try:
        mode = os.stat(folder).st_mode
    except OSError:
        return False
    return not mode & 0o022 or bool(mode & stat.S_ISVTX)


def _prune(base: Path) -> None:
    found = []
    for entry in os.scandir(base):
        try:
            if entry.is_dir(follow_symlinks=False):
                found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
        except OSError:
            pass
    for _, path in sorted(found, reverse=True)[KEEP:]:
        shutil.rmtree(path, ignore_errors=True)   # never follows a link inside
