"""The one module that touches the output folder.

It is handed every file of the site at once, so a failed build never gets here; it then writes only
files whose bytes changed (each by write-to-temporary and rename) and removes stale ones, which is
far cheaper than deleting and rewriting a large tree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
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
    (out / MARKER).write_text(json.dumps({"note": NOTE}) + "\n", encoding="utf-8")
    last = known if known is not None else {}
    base = str(out)
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
        if seen is not None:
            # The caller's own folder, read by nobody while it writes: overwrite in place. Replacing a
            # large file frees all its blocks, which cost 6 ms for the 7 MB print page of 2,000 events.
            try:
                path = os.path.join(base, rel)
                with open(path, "r+b") as f:
                    f.write(data)
                    f.truncate()
                st = os.stat(path)
                known[rel] = (data, st.st_size, st.st_mtime_ns)
                stats.written += 1
                continue
            except OSError:
                del known[rel]  # a file replaced by a folder, say: write it the careful way below
        try:
            st = os.stat(os.path.join(base, rel))  # plain strings on this path: pathlib costs more than stat
            target = out / rel
            if st.st_size == len(data) and target.read_bytes() == data:
                stats.unchanged += 1
                if known is not None:
                    known[rel] = (data, st.st_size, st.st_mtime_ns)
                continue
        except FileNotFoundError:
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
        except NotADirectoryError:
            raise OutputRefused(f"{out / rel}: a file is in the way of a folder") from None
        target = out / rel
        if target.is_dir():
            _remove_tree(target)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        stats.written += 1
        if known is not None:
            st = target.stat()
            known[rel] = (data, st.st_size, st.st_mtime_ns)
    if known is not None:
        for gone in set(known) - set(files):
            del known[gone]
    if not same_set:
        stats.removed = _prune(out, files)
    if manifest is not None:
        stat = ({rel: [v[1], v[2]] for rel, v in known.items()} if known is not None and len(known) == len(files)
                else _stat_tree(out, files))
        _write_record(out, dict(manifest, note=NOTE, files=stat))
    return stats


NOTE = "This folder is written by 'timeline build'; files not in the site are removed."


def _prune(out: Path, paths) -> int:
    """Remove every file under out that is not in paths (nor the marker), and emptied folders."""
    wanted, base, removed = set(paths) | {MARKER}, str(out), 0
    for dirpath, dirnames, filenames in os.walk(base, topdown=False):
        prefix = os.path.relpath(dirpath, base).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in filenames:
            if prefix + name not in wanted:
                os.unlink(os.path.join(dirpath, name))
                removed += 1
        if dirpath != base and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return removed


def _write_record(out: Path, record: dict) -> None:
    tmp = out / (MARKER + ".tmp")
    tmp.write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, out / MARKER)


def _stat_tree(out: Path, paths) -> dict[str, list[int]]:
    record = {}
    for rel in paths:
        st = os.stat(out / rel)
        record[rel] = [st.st_size, st.st_mtime_ns]
    return record


def unchanged(out: Path, inputs: str) -> dict | None:
    """The recorded manifest if out holds exactly what a build from these inputs wrote, else None.

    Compares sizes and modification times of every output file (and that no file was added), so a
    build with nothing to do costs a directory walk instead of rendering the whole site.
    """
    try:
        record = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("inputs") != inputs or not isinstance(record.get("files"), dict):
        return None
    recorded = record["files"]
    seen = 0
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, out).replace(os.sep, "/")
            if rel == MARKER:
                continue
            want = recorded.get(rel)
            if want is None:
                return None
            st = os.stat(path)
            if [st.st_size, st.st_mtime_ns] != want:
                return None
            seen += 1
    return record if seen == len(recorded) else None


def _remove_tree(folder: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        for name in filenames:
            os.unlink(os.path.join(dirpath, name))
        os.rmdir(dirpath)


def record_extra(out: Path, rel: str) -> None:
    """Add a file written after the site (the PDF) to the record, so the next build keeps it."""
    try:
        record = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(record, dict) and isinstance(record.get("files"), dict):
        record["files"].update(_stat_tree(out, [rel]))
        _write_record(out, record)


def _remove_abandoned_staging(out: Path) -> None:
    """Staging folders beside out left by a build that was killed (its process is gone)."""
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.staging-(\d+)-")
    try:
        names = os.listdir(out.parent)
    except OSError:
        return
    for name in names:
        match = pattern.match(name)
        if match is None or not os.path.isdir(os.path.join(out.parent, name)):
            continue
        try:
            os.kill(int(match[1]), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(out.parent, name), ignore_errors=True)
        except (PermissionError, OverflowError, ValueError):
            pass  # another user's running build, or not a process id at all


class Stager:
    """Takes a build's files one at a time as they are rendered, so the site never has to be held
    in memory: a file whose bytes differ from what out holds is written to a staging folder beside
    out; commit() then moves the staged files in and removes stale ones, and abort() throws the
    staging folder away, leaving out as it was. Works in a forked process too: each process stages
    its own files, and the parent adds the child's list with merge()."""

    def __init__(self, out: Path):
        check_target(out)
        self.out = Path(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_staging(self.out)
        # The process id in the name tells a later build whether the folder's build is still running.
        self.staging = tempfile.mkdtemp(prefix=f".{self.out.name}.staging-{os.getpid()}-", dir=self.out.parent)
        self.staged: list[tuple[str, str]] = []  # (path in out, name in the staging folder)
        self.unchanged = 0
        # A first build (no output yet) stages the site in its final layout and renames the whole
        # folder into place: one rename instead of one per file.
        self.fresh = not self.out.exists() or (self.out.is_dir() and not any(self.out.iterdir()))
        self.folders: set[str] = set()

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
        target = os.path.join(self.out, rel)
        try:
            if os.stat(target).st_size == len(data):
                with open(target, "rb") as handle:
                    if handle.read() == data:
                        self.unchanged += 1
                        return
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass
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
        """Move the staged files into out and remove every file not in paths."""
        out, stats = self.out, WriteStats(unchanged=self.unchanged)
        if self.fresh and (not out.exists() or (out.is_dir() and not any(out.iterdir()))):
            wanted = set(paths)
            for rel, _ in self.staged:
                wanted.discard(rel)
            if not wanted:  # everything was staged (nothing was found unchanged)
                if out.exists():
                    out.rmdir()
                os.rename(self.staging, out)
                mask = os.umask(0)
                os.umask(mask)
                os.chmod(out, 0o777 & ~mask)  # the staging folder was made private (0700)
                stats.written = len(self.staged)
                record = dict(manifest, note=NOTE, files=_stat_tree(out, paths)) if manifest is not None else {
                    "note": NOTE}
                _write_record(out, record)
                return stats
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text(json.dumps({"note": NOTE}) + "\n", encoding="utf-8")
        made = set()
        for rel, name in self.staged:
            target = os.path.join(out, rel)
            folder = os.path.dirname(target)
            if folder not in made:
                if os.path.isfile(folder):  # a file where a folder must go now
                    os.unlink(folder)
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            if os.path.isdir(target):
                _remove_tree(Path(target))
            os.replace(os.path.join(self.staging, name), target)
            stats.written += 1
        shutil.rmtree(self.staging, ignore_errors=True)
        stats.removed = _prune(out, paths)
        if manifest is not None:
            _write_record(out, dict(manifest, note=NOTE, files=_stat_tree(out, paths)))
        return stats

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
