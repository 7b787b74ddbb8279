"""What a build's output depends on, as one digest: the engine, the options, and every content and
template file's size and times."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path

from . import __version__, memofile

ENGINE_DIR = Path(__file__).resolve().parent


def inputs_digest(src: Path, templates: Path, options: dict, stats: dict | None = None) -> str:
    """What a build's output depends on: the engine's code, the options, and the size and
    modification time of every content and template file (as make and Hugo judge freshness), and its
    change time: a write that keeps the size and puts the old mtime back (`touch -r`, a restored
    backup, a clock set back) still changes the ctime, which no user can set.

    Linked files and folders count as what they point to (a linked events/ folder is read by the
    build, so an edit in it must be seen); every folder's name counts too (a folder where an event
    file is expected is an error the build must report, not an unchanged site); an entry that cannot
    be read counts as such, for the build to report.

    stats: filled with what the walk found of each file under src, path (as src spells it) -> (its
    os.stat_result, the clock as the walk began), for the build to use (content.load: a build after
    one edit need not stat 10,000 event files twice, 30 ms)."""
    # SOURCE_DATE_EPOCH: the feed's and the PDFs' date when the content has none (feeds.updated_date).
    h = hashlib.sha256(json.dumps([__version__, options, os.environ.get("SOURCE_DATE_EPOCH")], sort_keys=True).encode())
    seen: set = set()
    began = time.time_ns()
    for folder, tag in ((ENGINE_DIR, "engine"), (Path(src), "src"), (Path(templates), "templates")):
        _digest_folder(h, tag, str(folder), seen, tag == "engine", stats if tag == "src" else None, began)
    return h.hexdigest()


def _digest_folder(h, rel: str, folder: str, seen: set, code_only: bool, stats: dict | None, began: int) -> None:
    # Names are encoded with surrogateescape: a file name need not be UTF-8 (the loader reports it).
    try:
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen:  # walked already: a loop, or links that fan out (2**n paths)
            h.update(f"{rel}/\0seen\n".encode(errors="surrogateescape"))
            return
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        h.update(f"{rel}/\0unreadable {exc.errno}\n".encode(errors="surrogateescape"))
        return
    seen.add((st.st_dev, st.st_ino))
    for entry in entries:
        name = f"{rel}/{entry.name}"
        try:
            st = entry.stat()  # follows a link
        except OSError as exc:
            h.update(f"{name}\0unreadable {exc.errno}\n".encode(errors="surrogateescape"))
            continue
        if stat.S_ISDIR(st.st_mode):
            if entry.name != "__pycache__":
                h.update(f"{name}/\n".encode(errors="surrogateescape"))
                _digest_folder(h, name, entry.path, seen, code_only, stats, began)
        elif not code_only or entry.name.endswith(memofile.ENGINE_FILES):  # the code and its data
            changed = "" if code_only else f"\0{st.st_ctime_ns}"  # the engine: a copy of the same code is the same
            line = f"{name}\0{st.st_mode >> 12}\0{st.st_size}\0{st.st_mtime_ns}{changed}\n"
            h.update(line.encode(errors="surrogateescape"))
            if stats is not None:
                stats[entry.path] = (st, began)
