"""The memo: values derived by the build, kept by the digest of the inputs each declares; the only
module that knows a cache exists.

A stage asks `memo.get(STAGE, key, inputs, compute)`: the value stored for (stage, key) if it was
made from inputs with the same digest, else compute() (then stored). Digests are of content (file
bytes, template sources, options, other values' digests), never of object identity or timestamps,
so a build with an empty memo runs the very same code and gives the very same output.

The memo lives in memory for the preview, and on disk between command-line builds (`load`, `save`):
versioned with the engine, checked by a digest of its bytes, read with an unpickler that builds
only the engine's own records; any file that fails a check is ignored, never trusted.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import io
import os
import pickle
import stat
import sys
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field, is_dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple

from . import __version__, memokey


class Stage(NamedTuple):
    """A kind of derived value. saved: kept in the file between command-line builds (a value too
    large to save, a rendered page, is kept only by the preview, in memory). A tuple, as it is hashed
    on every look-up (a frozen dataclass's hash is Python code: a tenth of a preview's save)."""
    name: str
    saved: bool = True
    lazy: bool = False  # saved value by value, each read when a build asks for it (see later())


@dataclass(slots=True)
class Record:
    inputs: str         # digest of the inputs the value was made from
    value: Any
    used: int           # the last build (Memo.generation) that asked for it
    shard: int = 0      # the file of its stage it is saved in (shard(key), worked out once)
    packed: bytes | None = None   # the value as saved, until a build asks for it (then unpickled)


def digest(*parts) -> str:
    """One digest of strings, bytes and other values with a stable repr, which keeps its parts apart
    (("ab", "c") differs from ("a", "bc")): strings joined by NUL as they are (most parts are strings,
    often long lists of other digests, and repr would copy each), anything else (or a string holding
    NUL or SOH) by its repr, marked with SOH, which such a string cannot begin with; the number of
    parts first (() differs from ("",))."""
    text = "\0".join([str(len(parts)), *(p if type(p) is str and "\0" not in p and "\1" not in p
                                          else "\1" + repr(p) for p in parts)])
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


# An entry no build has asked for in this many builds is dropped (a deleted event's, an old page's).
KEEP_UNUSED = 8


@dataclass
class Memo:
    """(stage, key) -> Record. in_memory: also keep values of stages that are not saved (the preview)."""
    in_memory: bool = True
    tables: dict = field(default_factory=dict)     # Stage -> {key: Record}
    generation: int = 0                            # counts builds (begin())
    dirty: set = field(default_factory=set)        # (Stage, shard) changed since the last save
    journal: list | None = None                    # while noting: [(stage, key, Record or None for a hit)]

    def get(self, stage: Stage, key, inputs: str, compute: Callable[[], Any]):
        """The value of (stage, key) for these inputs: kept, or computed now and kept."""
        hit = self.tables.get(stage, {}).get(key)
        if hit is not None and hit.inputs == inputs and (hit.packed is None or _unpack(hit)):
            self._used(stage, key, hit)
            return hit.value
        value = compute()
        self.put(stage, key, inputs, value)
        return value

    def peek(self, stage: Stage, key, inputs: str):
        """The value kept for (stage, key) and these inputs, or None (nothing is computed)."""
        hit = self.tables.get(stage, {}).get(key)
        if hit is None or hit.inputs != inputs or hit.packed is not None and not _unpack(hit):
            return None
        self._used(stage, key, hit)
        return hit.value

    def later(self, stage: Stage, key, inputs: str, compute: Callable[[], Any]) -> Callable[[], Any] | None:
        """None if nothing is kept for (stage, key) and these inputs; else a function that gives
        get()'s value when called: a value saved by the last build is read only if a page needs it
        (an event's text, when most pages are kept as they are)."""
        hit = self.tables.get(stage, {}).get(key)
        if hit is None or hit.inputs != inputs:
            return None
        self._used(stage, key, hit)
        return lambda: self.get(stage, key, inputs, compute)

    def put(self, stage: Stage, key, inputs: str, value) -> None:
        if stage.saved or self.in_memory:
            record = Record(inputs, value, self.generation, shard(key))
            self.tables.setdefault(stage, {})[key] = record
            self.dirty.add((stage, record.shard))
            if self.journal is not None:
                self.journal.append((stage, key, record))

    def _used(self, stage: Stage, key, hit: Record) -> None:
        if hit.used != self.generation:
            hit.used = self.generation
            if self.journal is not None:
                self.journal.append((stage, key, None))

    def begin(self) -> None:
        """A build starts."""
        self.generation += 1

    def end(self) -> None:
        """A build ended well: drop what no build asked for in the last KEEP_UNUSED builds."""
        oldest = self.generation - KEEP_UNUSED
        for stage, table in self.tables.items():
            stale = [(key, record.shard) for key, record in table.items() if record.used < oldest]
            for key, part in stale:
                del table[key]
                self.dirty.add((stage, part))

    def note(self) -> None:
        """From now on, note what is computed and asked for (a forked process sends it back: merge)."""
        self.journal = []

    def delta(self) -> list:
        """What was computed and asked for since note()."""
        return self.journal or []

    def merge(self, delta: list) -> None:
        for stage, key, record in delta:
            if record is not None:
                self.tables.setdefault(stage, {})[key] = record
                self.dirty.add((stage, record.shard))
            else:
                hit = self.tables.get(stage, {}).get(key)
                if hit is not None:
                    hit.used = self.generation


# What the file begins with: the format and the engine's version. Any other file is not read.
MAGIC = b"timeline-memo 2\n"


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


# A saved stage is split into this many files by key, so that an edit rewrites a few of them only.
SHARDS = 16


def shard(key) -> int:
    return zlib.crc32(repr(key).encode("utf-8", "surrogateescape")) % SHARDS


def folder_for(src: Path, out: Path) -> Path:
    """Where the memo of builds from src into out is kept: .timeline-cache/ beside the content folder
    (safe to delete), one folder per content folder and output folder (a page's entry says what
    that output holds)."""
    name = digest(os.path.realpath(src), os.path.realpath(out))[:16]
    return Path(src).resolve().parent / ".timeline-cache" / f"memo-{name}"


class _Unpickler(pickle.Unpickler):
    """Builds only the engine's data records (dataclasses, named tuples: Writer(path) would write there), of
    modules imported (importing timeline.__main__ runs it), and a few standard types (behind the signature)."""
    ALLOWED = {("markupsafe", "Markup"), ("builtins", "set"), ("builtins", "frozenset")}
    found: dict = {}    # (module, name) -> the class: a lazy stage's values are read one by one

    def find_class(self, module: str, name: str):
        found = self.found.get((module, name))
        if found is None and "." not in name and (module.split(".")[0] == "timeline" or (module, name) in self.ALLOWED):
            found = getattr(sys.modules.get(module), name, None)
            ok = isinstance(found, type) and found.__module__ == module and (
                (module, name) in self.ALLOWED or is_dataclass(found) or hasattr(found, "_fields"))
            found = self.found.setdefault((module, name), found) if ok else None
        if isinstance(found, type):
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a memo record")


@contextmanager
def _collector_paused():
    """Python's cycle collector paused: it would walk the growing heap again and again while a
    memo of 10,000 events is read (which then takes twice as long)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# A memo file larger than this is damaged (10,000 events save some 110 MB in 16 files a stage).
MAX_FILE = 1 << 30


def _read(path: str):
    """The object saved at path, or None unless it is a regular file of ours, of this engine, whole."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with open(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        key = memokey.key()
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_size > MAX_FILE or key is None:
            return None
        data = handle.read()
    header = _header()
    check, body = data[len(header):len(header) + 65], data[len(header) + 65:]
    if not data.startswith(header) or not hmac.compare_digest(check, memokey.signature(key, body)):
        return None
    try:
        return _Unpickler(io.BytesIO(body)).load()
    except Exception:  # noqa: BLE001 - whatever is wrong with it, it is rebuilt
        return None


def load(folder: Path) -> Memo:
    """The memo saved in folder; a file that cannot be trusted (another engine version, truncated,
    altered, not ours) is ignored, and what it held is computed again. A lazy stage's values stay
    as saved (Record.packed) until a build asks for one: an edit reads a few of 10,000 events' texts."""
    memo = Memo(in_memory=False)
    if not _ours(folder):
        return memo
    with _collector_paused():
        meta = _read(os.path.join(folder, "generation"))
        memo.generation = meta if isinstance(meta, int) else 0
        for name in sorted(os.listdir(folder)):
            stage_name, _, rest = name.rpartition(".")
            stage_name, _, part = stage_name.rpartition(".")
            if rest == "pickle" and stage_name and part.isdigit():
                saved = _read(os.path.join(folder, name))
                try:
                    (lazy, table), n = saved, int(part)
                    records = {key: Record(inputs, None, used, n, value) if lazy is True else Record(inputs, value, used, n)
                               for key, (inputs, used, value) in table.items()}
                except (TypeError, ValueError, AttributeError):
                    continue  # not what save() writes
                memo.tables.setdefault(Stage(stage_name, lazy=lazy is True), {}).update(records)
        # Many objects, alive until the build ends: out of the collector's sight, or its first full
        # collection after this walks them all.
        gc.freeze()
    return memo


def _unpack(record: Record) -> bool:
    """Make the value of a record read from a file; False if it cannot be (it is then made again)."""
    try:
        record.value = _Unpickler(io.BytesIO(record.packed)).load()
    except Exception:  # noqa: BLE001 - whatever is wrong with it, it is made again
        return False
    record.packed = None
    return True


def _ours(folder: Path) -> bool:
    """True if folder is a real folder (not a link) owned by this user."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid()


def _make_folder(folder: Path) -> bool:
    """Make folder (its parent too, if that is .timeline-cache/), or check an existing one is ours."""
    try:
        os.mkdir(folder, 0o700)
        if folder.name == ".timeline-cache":
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        return True
    except FileExistsError:
        return _ours(folder)
    except FileNotFoundError:
        return folder.name != ".timeline-cache" and _make_folder(folder.parent) and _make_folder(folder)
    except OSError:
        return False  # a read-only place: the next build simply starts afresh


def save(memo: Memo, folder: Path) -> None:
    """Write the saved stages' changed files into folder, which this makes (or made before), and
    nowhere else; each file atomically (a temporary file renamed), so a reader finds the old one or
    the new one."""
    if not memo.dirty or not (_make_folder(folder.parent) and _make_folder(folder)):
        return
    with _collector_paused():
        _write(folder, "generation", memo.generation)
        for stage in sorted({stage for stage, _ in memo.dirty if stage.saved}, key=lambda s: s.name):
            parts = {part: {} for s, part in memo.dirty if s == stage}
            for key, r in memo.tables.get(stage, {}).items():
                table = parts.get(r.shard)
                if table is not None:  # a lazy stage's values pickled one by one, to be read one by one
                    table[key] = (r.inputs, r.used, r.value if not stage.lazy else r.packed if r.packed is not None
                                  else pickle.dumps(r.value, pickle.HIGHEST_PROTOCOL))
            for part, table in sorted(parts.items()):
                _write(folder, f"{stage.name}.{part}.pickle", (stage.lazy, table))
    memo.dirty = set()


def _write(folder: Path, name: str, value) -> None:
    """Save value as folder/name, signed; a folder that refuses it is left (the memo only saves time)."""
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
            handle.write(_header() + memokey.signature(key, body) + body)
        os.replace(tmp, os.path.join(folder, name))
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
