"""Work on two cores: this process does one part while a forked child does the other, and the
child's result comes back pickled through a temporary file (a pipe holds 64 kB, and a child that
must wait for a busy parent to read it loses most of the gain, as measured).

Used where a large build's work is independent per item: reading and checking event files,
making events' texts and notes, rendering pages, writing the memo. The child inherits everything
through the fork, so nothing is pickled on the way in. Below `min_items` work stays in this process,
where a fork costs more than it saves. A one-off build runs with the cycle collector paused
(collector_paused): every object a collection walks is a page the child must copy.
"""

from __future__ import annotations

import gc
import inspect
import os
import pickle
import signal
import sys
import tempfile
from contextlib import contextmanager
from typing import Callable, Sequence, TypeVar

A = TypeVar("A")
B = TypeVar("B")
T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def in_two(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """(here(), there()), there() run at the same time in a forked child. An exception in the child
    is raised here: the same one when it can be pickled, else a RuntimeError that names it."""
    child = Forked(there)
    try:
        mine = here()
    finally:
        child.join()
    return mine, child.result()


class Forked:
    """there() begun now in a forked child, while this process goes on; result() waits for it and
    gives what it returned (or raises what it raised, as in_two says)."""

    def __init__(self, there: Callable[[], B]):
        import multiprocessing  # only large builds pay for the import
        self.spool = tempfile.TemporaryFile()
        self.child = multiprocessing.get_context("fork").Process(target=_child, args=(there, self.spool, os.getpid()),
                                                                 daemon=True)
        self.child.start()
        self.outcome: tuple | None = None

    def join(self) -> None:
        self.child.join()

    def stop(self) -> None:
        """Kill the child (its result no longer wanted) and wait for it to end."""
        self.child.kill()
        self.child.join()

    def result(self):
        if self.outcome is None:
            self.child.join()
            with self.spool:
                self.spool.seek(0)
                self.outcome = _outcome(self.spool, self.child.exitcode)
        kind, payload = self.outcome
        if kind == "raise":
            raise payload
        if kind == "crash":
            raise RuntimeError(payload)
        return payload


def _outcome(spool, exitcode) -> tuple:
    """What the child sent: ("ok", its result), with the parts it sent one by one as a list (a
    generator's), or ("raise" | "crash", why)."""
    parts = []
    try:
        while True:
            kind, payload = pickle.load(spool)
            if kind != "part":
                break
            parts.append(payload)
    except (EOFError, pickle.UnpicklingError):
        return "crash", f"the second process stopped unexpectedly (exit status {exitcode})"
    if kind == "parts" and payload == len(parts):
        return "ok", parts
    return kind, payload


def _child(there, spool, parent: int) -> None:
    _die_with(parent)
    try:
        result = there()
        if inspect.isgenerator(result):   # each part sent as it comes: little is left to send at the end
            count = 0
            for part in result:
                pickle.dump(("part", part), spool, protocol=pickle.HIGHEST_PROTOCOL)
                count += 1
            result = ("parts", count)
        else:
            result = ("ok", result)
    except BaseException as exc:  # noqa: BLE001 - any failure must reach the parent
        result = ("raise", exc)
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001 - an exception that cannot travel is sent as text
            result = ("crash", f"{type(exc).__name__}: {exc}")
    pickle.dump(result, spool, protocol=pickle.HIGHEST_PROTOCOL)
    spool.flush()


def _die_with(parent: int) -> None:
    """A killed build must not leave its worker running: it would go on writing into the output's
    staging folder and hold the output's lock. On Linux the kernel kills the worker when the parent
    dies (prctl PR_SET_PDEATHSIG); elsewhere it outlives the parent only until its work is done."""
    if sys.platform.startswith("linux"):
        import ctypes
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1


def counter() -> Callable[[], int]:
    """take(): 0, 1, 2, ... across this process and a child forked after counter() (shared memory):
    two processes that each take the next item of one list when done with the last share work of
    uneven cost evenly, where halves fixed in advance left one waiting for the other."""
    import multiprocessing
    value = multiprocessing.get_context("fork").Value("q", 0)

    def take() -> int:
        with value.get_lock():
            taken = value.value
            value.value = taken + 1
        return taken
    return take


def map_in_halves(func: Callable[[T], R], items: Sequence[T], min_items: int = 1000) -> list[R]:
    """[func(item) for item in items], shared with a forked child: this process takes chunks from the
    front, the child from the back, each the next one when done with the last, until they meet; the
    child sends each chunk's results as it finishes it. (Fixed halves left one process waiting for
    the other: the parts' costs differ, and the child alone pays for sending its results back.) The
    first chunk is this process's and the last the child's, whichever is faster."""
    if len(items) < max(min_items, 2) or not can_fork():
        return [func(item) for item in items]
    size = max(1, len(items) // CHUNKS)
    starts = range(0, len(items), size)
    last = len(starts) - 1
    take = _two_ends(1, last - 1)

    def chunk(k: int) -> list[R]:
        return [func(item) for item in items[starts[k]:starts[k] + size]]

    def mine() -> list:
        done = [(0, chunk(0))]
        while (k := take(front=True)) is not None:
            done.append((k, chunk(k)))
        return done

    def theirs():
        yield last, chunk(last)
        while (k := take(front=False)) is not None:
            yield k, chunk(k)

    here, there = in_two(mine, theirs)
    return [result for _, results in sorted(here + there, key=lambda part: part[0]) for result in results]


# Chunks a list is cut into for map_in_halves: small enough that the two processes end close together,
# few enough that taking one costs nothing next to its work.
CHUNKS = 64


def _two_ends(first: int, last: int) -> Callable[..., int | None]:
    """take(front): the lowest (front) or the highest number of first .. last not yet taken by either
    of two processes (this one and a child forked after), or None when all are."""
    import multiprocessing
    ends = multiprocessing.get_context("fork").Array("q", [first, last])

    def take(front: bool) -> int | None:
        with ends.get_lock():
            low, high = ends[0], ends[1]
            if low > high:
                return None
            if front:
                ends[0] = low + 1
                return low
            ends[1] = high - 1
            return high
    return take


@contextmanager
def collector_paused():
    """Python's cycle collector paused while a large heap is built that lives until the work ends (a
    memo read, a command-line build): each full collection walks every object again (at 10,000
    events a first build spent 2.9 s of 32 in eleven of them), and each object a collection touches
    is a page a forked worker copies. After, what was made joins the oldest generation as it is:
    enabled as it stood, the collector would first walk all of it as young (1.8 s at 10,000)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.unfreeze()   # the permanent generation goes back to the oldest one, which is not walked now
            gc.enable()
