"""What an output folder holds, listed in one walk: whether it is as the last build left it, and the
removal of what the site no longer has.

The writer keeps a page whose file is as the last build left it and removes every file the site does
not have, both by one listing: at 10,000 events that walk (a folder and a file each) costs about
0.3 s, so a command-line build of a large site lists the folder in a forked process while it reads
its memo.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import NamedTuple

from .outfolder import MARKER, own, stamp_of


class Listing(NamedTuple):
    """files: path in the output -> its stamp (outfolder.stamp_of), None for what is not a regular
    file (a link, a named pipe); folders: path ("" for the output itself, else ending in "/") -> how
    many entries it held. Only real folders are entered: what lies behind a link is never listed."""
    files: dict
    folders: dict


EMPTY = Listing({}, {})
# Listing the output in a forked process pays from a few thousand files (starting the process costs
# about 30 ms, the walk some 27 µs a file); the last build's record, about 90 bytes a file, says how many.
LIST_APART = 200_000


def recorded(out: str) -> int:
    """The size in bytes of the last build's record in out (0 if there is none)."""
    try:
        return os.stat(os.path.join(out, MARKER)).st_size
    except OSError:
        return 0


def walk(out: str, stamps: bool = True) -> Listing:
    """The listing of out, without the writer's own bookkeeping at its top (outfolder.own). A folder
    that cannot be read is not listed (nothing in it is removed). stamps=False: every file's stamp is
    None (no stat call a file)."""
    files, folders = {}, {}
    todo = [("", out)]
    while todo:
        prefix, folder = todo.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            continue
        count = 0
        for entry in entries:
            if not prefix and own(entry.name):
                continue
            count += 1
            if entry.is_dir(follow_symlinks=False):
                todo.append((prefix + entry.name + "/", entry.path))
            elif stamps and entry.is_file(follow_symlinks=False):
                try:
                    files[prefix + entry.name] = stamp_of(entry.stat(follow_symlinks=False))
                except OSError:
                    files[prefix + entry.name] = None
            else:
                files[prefix + entry.name] = None
        folders[prefix] = count
    return Listing(files, folders)


def unchanged(out: Path, inputs: str) -> dict | None:
    """The recorded manifest if out holds exactly what a build from these inputs wrote, else None:
    every file as the record has it (size, modification and change time) and no other file or link,
    so a build with nothing to do costs a walk of the folder instead of rendering the whole site."""
    try:
        record = json.loads((Path(out) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("inputs") != inputs or not isinstance(record.get("files"), dict):
        return None
    return record if walk(str(out)).files == record["files"] else None


def prune(out: str, listing: Listing, wanted, real_folder) -> int:
    """Remove each listed file that is not wanted, then each listed folder emptied by that (or found
    empty); the number of files removed. real_folder(path): True if every folder from out down to
    path is still a real one, as the listing is older than the build's writes: nothing is removed
    through a link put in a folder's place since. A path where the build has made a folder since is
    left to it."""
    left = dict(listing.folders)
    removed = 0
    for path in listing.files.keys() - wanted:
        full = os.path.join(out, path)
        try:
            if not real_folder(os.path.dirname(full)) or stat.S_ISDIR(os.lstat(full).st_mode):
                continue
            os.unlink(full)
        except FileNotFoundError:
            pass  # gone with a folder the build replaced by a file
        except OSError:
            continue
        else:
            removed += 1
        left[_parent(path)] -= 1
    # A folder that holds nothing listed goes, then the folder above it if that is left empty too.
    emptied = [folder for folder, count in left.items() if folder and count == 0]
    while emptied:
        folder = emptied.pop()[:-1]
        full = os.path.join(out, folder)
        try:
            if not real_folder(os.path.dirname(full)):
                continue
            os.rmdir(full)  # fails on anything but an empty folder: a link, a folder the build wrote in
        except OSError:
            continue
        parent = _parent(folder)
        left[parent] -= 1
        if parent and left[parent] == 0:
            emptied.append(parent)
    return removed


def read_back(out: str, listing: Listing, path: str, stamp, real_folder) -> bytes | None:
    """The bytes of the file at path if the listing has it with that stamp (outfolder.stamp_of) and it
    is still that regular file, reached through real folders (real_folder(folder)); else None."""
    full = os.path.join(out, path)
    if stamp is None or listing.files.get(path) != stamp or not real_folder(os.path.dirname(full)):
        return None
    try:
        fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with open(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode) or stamp_of(st) != stamp:
            return None
        data = handle.read()
    return data if len(data) == st.st_size else None


def _parent(path: str) -> str:
    cut = path.rfind("/")
    return path[:cut + 1] if cut >= 0 else ""
