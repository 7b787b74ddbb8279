"""The one module that touches the output folder.

It is handed every file of the site at once, so a failed build never gets here; it then writes only
files whose bytes changed (each by write-to-temporary and rename) and removes stale ones, which is
far cheaper than deleting and rewriting a large tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MARKER = ".timeline-build"


class OutputRefused(Exception):
    pass


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def check_target(out: Path) -> None:
    """Refuse to prune a folder that holds files and was not made by us (a mistyped --out)."""
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"{out}: exists and is not a folder")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
        raise OutputRefused(f"{out}: folder is not empty and was not made by 'timeline build'; "
                            "choose an empty or new folder for --out")


def write_site(out: Path, files: dict[str, bytes]) -> WriteStats:
    check_target(out)
    stats = WriteStats()
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).exists():
        (out / MARKER).write_bytes(b"This folder is written by 'timeline build'; files not in the site are removed.\n")
    for rel in sorted(files):
        data = files[rel]
        target = out / rel
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                stats.unchanged += 1
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        except NotADirectoryError:
            raise OutputRefused(f"{target}: a file is in the way of a folder") from None
        if target.is_dir():
            _remove_tree(target)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        stats.written += 1
    wanted = set(files) | {MARKER}
    for dirpath, dirnames, filenames in os.walk(out, topdown=False):
        base = Path(dirpath)
        for name in filenames:
            rel = (base / name).relative_to(out).as_posix()
            if rel not in wanted:
                (base / name).unlink()
                stats.removed += 1
        if base != out and not any(base.iterdir()):
            base.rmdir()
    return stats


def _remove_tree(folder: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        for name in filenames:
            os.unlink(os.path.join(dirpath, name))
        os.rmdir(dirpath)
