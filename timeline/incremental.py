"""The memo: values derived by the build, kept by the digest of the inputs each declares; the only
module, with memofile (its files on disk), that knows a cache exists.

A stage asks `memo.get(STAGE, key, inputs, compute)`: the value stored for (stage, key) if it was
made from inputs with the same digest, else compute() (then stored). Digests are of content (file
bytes, template sources, options, other values' digests), never of object identity or timestamps,
so a build with an empty memo runs the very same code and gives the very same output.

The memo lives in memory for the preview, and on disk between command-line builds (memofile.load,
memofile.save): versioned with the engine, checked by a digest of its bytes, read with an unpickler
that builds only the engine's own records; any file that fails a check is ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
import zlib
from dataclasses import dataclass, field, is_dataclass
from typing import Any, Callable, NamedTuple


class Stage(NamedTuple):
    """A kind of derived value. saved: kept in the file between command-line builds (a value too
    large to save, a rendered page, is kept only by the preview, in memory). A tuple, as it is hashed
    on every look-up (a frozen dataclass's hash is Python code: a tenth of a preview's save)."""
    name: str
    saved: bool = True
    lazy: bool = False  # saved value by value, each read when a build asks for it (see later())
    # key[subject] names what a value is about (an event's id, a source's key): kept while the site
    # has it, however many builds do not ask for it (a list page kept as it was asks for no item).
    subject: int | None = None


@dataclass(slots=True)
class Record:
    inputs: str         # digest of the inputs the value was made from
    value: Any
    used: int           # the last build (Memo.generation) that asked for it
    shard: int = 0      # the file of its stage it is saved in (shard(key), worked out once)
    packed: Any = None   # where the value was saved (memofile.Saved), until a build asks for it


def digest(*parts) -> str:
    """One digest of strings, bytes and other values with a stable repr, which keeps its parts apart
    (("ab", "c") differs from ("a", "bc")): strings joined by NUL as they are (most parts are strings,
    often long lists of other digests, and repr would copy each), anything else (or a string holding
    NUL or SOH) by its repr, marked with SOH, which such a string cannot begin with; the number of
    parts first (() differs from ("",))."""
    text = "\0".join([str(len(parts)), *(p if type(p) is str and "\0" not in p and "\1" not in p
                                          else "\1" + repr(p) for p in parts)])
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


def digest_joined(joined: str, count: int) -> str:
    """digest(*parts) of `count` string parts that hold neither NUL nor SOH, given "\0".join(parts): a
    caller that joins them anyway (a look-up's inputs) hashes the text once, without splitting it."""
    text = f"{count}\0{joined}" if count else "0"
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

    def last(self, stage: Stage, key):
        """The value kept for (stage, key) whatever inputs it was made from, or None: a hint only, which
        the caller checks (where an earlier build put what it made)."""
        hit = self.tables.get(stage, {}).get(key)
        if hit is None or hit.packed is not None and not _unpack(hit):
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

    def end(self, alive: frozenset = frozenset()) -> None:
        """A build ended well: drop what no build asked for in the last KEEP_UNUSED builds, unless it
        is about a subject the site still has (alive: its events' ids and sources' keys)."""
        oldest = self.generation - KEEP_UNUSED
        for stage, table in self.tables.items():
            at = stage.subject
            stale = [(key, record.shard) for key, record in table.items()
                     if record.used < oldest and (at is None or key[at] not in alive)]
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


# A saved stage is split into this many files by key, so that an edit rewrites a few of them only.
SHARDS = 16


def shard(key) -> int:
    return zlib.crc32(repr(key).encode("utf-8", "surrogateescape")) % SHARDS


class RecordUnpickler(pickle.Unpickler):
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


def _unpack(record: Record) -> bool:
    """Make the value of a record read from a file; False if it cannot be (it is then made again)."""
    data = record.packed.read()
    if data is None:
        return False
    try:
        record.value = RecordUnpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 - whatever is wrong with it, it is made again
        return False
    record.packed = None
    return True


