"""The memo on disk between command-line builds: one signed file per stage and shard in a cache folder
beside the content, versioned with the engine, read back only if whole, ours and of this engine."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import stat
import tempfile
from pathlib import Path
from typing import NamedTuple

from . import __version__, exchange, memofolders, memokey, parallel
from .incremental import Memo, Record, Stage, RecordUnpickler


# What the file begins with: the format and the engine's version. Any other file is not read.
MAGIC = memofolders.FAMILY + b"4\n"


def _header() -> bytes:
    return MAGIC + f"engine {__version__} {_engine_digest()}\n".encode()


_ENGINE_DIR = Path(__file__).resolve().parent
# What of the engine's folder makes the output: its code and its data (base map, outlines, treaty
# lines, date phrases).
ENGINE_FILES = (".py", ".svg", ".json", ".yaml", ".po")
_engine = None


def _engine_digest() -> str:
    """The engine's code and data (see ENGINE_FILES): an edited engine never reuses a saved memo."""
    global _engine
    if _engine is None:
        h = hashlib.sha1()
        for path in sorted(p for p in _ENGINE_DIR.rglob("*") if p.suffix in ENGINE_FILES):
            h.update(path.relative_to(_ENGINE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
        _engine = h.hexdigest()
    return _engine


# A memo file larger than this is damaged (10,000 events save some 110 MB in 16 files a stage).
MAX_FILE = 1 << 30


def _read(path: str, read_only: bool = False):
    """The object saved at path, or None unless it is a regular file of ours, of this engine, whole.
    A memo file of another engine is deleted (unless read_only): its stage may be one this engine no
    longer has, which nothing would overwrite, and every build would read it (a hundred megabytes) for
    nothing. With the values that follow it in the file (Values: a lazy stage's)."""
    try:
        found = _contents(path, read_only)
    except OSError:   # a folder in its place, a read that fails
        return None
    if found is None:
        return None
    key, check, body, values = found
    try:
        if hmac.compare_digest(check, memokey.signature(key, _named(path), body)):
            return RecordUnpickler(io.BytesIO(body)).load(), values
    except Exception:  # noqa: BLE001 - whatever is wrong with it, it is rebuilt
        pass
    return None


def _named(path: str) -> bytes:
    """What a file's signature covers besides its body: its name (stage and shard), so that a file
    signed for one stage is not read as another's, whose keys and inputs may be the same."""
    return os.path.basename(path).encode("utf-8", "surrogateescape") + b"\0"


def _contents(path: str, read_only: bool):
    """The key, signature and body of the memo file at path, and the values that follow it (a lazy
    stage's); None unless it is a regular file of ours, of this engine."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        key = memokey.key(make=not read_only)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_size > MAX_FILE or key is None:
            return None
        with open(fd, "rb", closefd=False) as handle:
            header = _header()
            start = handle.read(len(header))
            if start != header:
                if start.startswith(memofolders.FAMILY) and not read_only:
                    _forget(path)
                return None
            check, size = handle.read(65), handle.readline(21)
            if not (size[:-1].isdigit() and size.endswith(b"\n")) or int(size) > st.st_size:
                return None
            body = handle.read(int(size))
            return key, check, body, Values(path, handle.tell(), st.st_size - handle.tell())
    finally:
        os.close(fd)


class Values:
    """The values that follow a lazy stage's table in its file, read one by one as a build asks (an
    edit asks for a few of 10,000 events' texts). The file is opened for each (a build that kept 32
    open could run out of descriptors); a file saved in its place meanwhile gives a value only where
    it holds the very bytes that the table's digest names."""
    __slots__ = ("path", "start", "size")

    def __init__(self, path: str, start: int, size: int):
        self.path, self.start, self.size = path, start, size

    def read(self, at: int, size: int, check: bytes) -> bytes | None:
        """The value's bytes, unless they are not those whose digest the signed table holds."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            data = os.pread(fd, size, self.start + at)
        except (OSError, TypeError, ValueError, OverflowError):   # not a file, or not where save() puts values
            return None
        finally:
            os.close(fd)
        return data if hashlib.sha256(data).digest() == check else None


class Saved(NamedTuple):
    """A lazy stage's value as saved (Record.packed): where it is in its file, and its digest."""
    values: Values
    at: int
    size: int
    check: bytes

    def read(self) -> bytes | None:
        return self.values.read(self.at, self.size, self.check)


def load(folder: Path | None, read_only: bool = False) -> Memo:
    """The memo saved in folder; a file that cannot be trusted (another engine version, truncated,
    altered, not ours) is ignored, and what it held is computed again. A lazy stage's values stay
    as saved (Record.packed) until a build asks for one: an edit reads a few of 10,000 events' texts.
    read_only: nothing is written or removed (see _read; `check`)."""
    memo = Memo(in_memory=False)
    if folder is None or not memokey.own_folder(folder):
        return memo
    with parallel.collector_paused():
        meta, _ = _read(os.path.join(folder, "generation"), read_only) or (None, None)
        memo.generation = meta if type(meta) is int else 0
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            names = []    # a folder that cannot be read saves nothing: everything is made again
        for name in names:
            table = memofolders.table_name(name)
            if table is not None:
                _load_table(memo, *table, _read(os.path.join(folder, name), read_only))
    return memo


def _load_table(memo: Memo, stage_name: str, part: int, saved) -> None:
    if saved is None:
        return
    (table, values) = saved
    try:
        lazy, subject, table = table
        # A file cut short or grown is not read at all, as its signature would have it were it whole.
        if subject is not None and type(subject) is not int or \
                lazy is True and sum(size for _, _, (_, size, _) in table.values()) != values.size:
            return
        records = {key: Record(inputs, None, used, part, Saved(values, *value)) if lazy is True else
                   Record(inputs, value, used, part) for key, (inputs, used, value) in table.items()}
    except (TypeError, ValueError, AttributeError):
        return  # not what save() writes
    memo.tables.setdefault(Stage(stage_name, lazy=lazy is True, subject=subject), {}).update(records)


def _clear_unfinished(folder: Path) -> None:
    """Remove the temporary files (.memo-*) of a save killed half-way: the build that saves holds its
    output's lock, and the folder is that output's alone, so no other save into it is under way."""
    try:
        names = [name for name in os.listdir(folder) if name.startswith(".memo-")]
    except OSError:
        return
    for name in names:
        _forget(os.path.join(folder, name))


def _forget(path: str) -> None:
    try:
        os.unlink(path)   # a link put in its place is removed itself, never what it points to
    except OSError:
        pass


def save(memo: Memo, folder: Path, apart: int | None = None, keep: int | None = None) -> None:
    """Write the saved stages' changed files into folder, which this makes (or made before); each
    file atomically (a temporary file renamed), so a reader finds the old one or the new one. From
    `apart` records on (SAVE_APART; a first build), two processes write them, each taking the next
    of the stages' files when done with the last. Then the memo folders beside it but the `keep`
    saved to last (memofolders.KEEP) are removed."""
    if not memo.dirty or memokey.key() is None or \
            not (memofolders.make(folder.parent) and memofolders.make(folder)):
        return   # without a key nothing is saved, and no folder is made
    with parallel.collector_paused():
        _clear_unfinished(folder)
        _write(folder, "generation", memo.generation)
        parts: dict = {}   # (stage, shard) -> {key: Record}
        for stage in sorted({stage for stage, _ in memo.dirty if stage.saved}, key=lambda s: s.name):
            for part in sorted(part for s, part in memo.dirty if s == stage):
                parts[stage, part] = {}
            for key, r in memo.tables.get(stage, {}).items():
                table = parts.get((stage, r.shard))
                if table is not None:
                    table[key] = r
        jobs = list(parts.items())
        if sum(map(len, parts.values())) >= (SAVE_APART if apart is None else apart) and parallel.can_fork():
            parallel.map_in_halves(lambda job: _write_parts(folder, [job]), jobs, min_items=0)
        else:
            _write_parts(folder, jobs)
    memo.dirty = set()
    memofolders.prune(folder, memofolders.KEEP if keep is None else keep)


# From this many records on, two processes write the memo (a first build of 10,000 events saves
# some 150,000; an edit rewrites a few of its files).
SAVE_APART = 50_000


def _write_parts(folder: Path, jobs: list) -> None:
    for (stage, part), records in jobs:
        _write_stage(folder, f"{stage.name}.{part}.pickle", stage.lazy, stage.subject,
                     {key: (r.inputs, r.used, r.value if not stage.lazy else r.packed.read() if r.packed is not None
                            else pickle.dumps(r.value, pickle.HIGHEST_PROTOCOL)) for key, r in records.items()})


def _write_stage(folder: Path, name: str, lazy: bool, subject: int | None, rows: dict) -> None:
    """rows: key -> (inputs, used, value; a lazy stage's value pickled). A lazy stage's values follow
    its table, which holds where each is and its digest: a build reads only those it asks for."""
    if not lazy:
        _write(folder, name, (False, subject, rows))
        return
    table, values, at = {}, [], 0
    for key, (inputs, used, data) in rows.items():
        if data is not None:   # None: no longer readable where it was saved; made again when asked for
            table[key] = (inputs, used, (at, len(data), hashlib.sha256(data).digest()))
            values.append(data)
            at += len(data)
    _write(folder, name, (True, subject, table), b"".join(values))


def _write(folder: Path, name: str, value, values: bytes = b"") -> None:
    """Save value as folder/name, signed, then values (a lazy stage's, each checked by its digest in
    value); a folder that refuses it is left (the memo only saves time)."""
    key = memokey.key()
    if key is None:
        return
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".memo-", dir=folder)
    except OSError:
        return
    try:
        with open(fd, "wb") as handle:
            handle.write(b"".join([_header(), memokey.signature(key, _named(name), body), b"%d\n" % len(body), body,
                                   values]))
        exchange.replace(tmp, os.path.join(folder, name))
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
