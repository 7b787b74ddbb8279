"""Pure work over many items on two cores: this process takes the first half, a forked child the
second, and the child's results come back pickled through a temporary file (a pipe holds 64 kB, and
a child that must wait for a busy parent loses most of the gain).

Used for the parts of a large build that are independent per file or per text: parsing and
checking event files, rendering Markdown. Below `min_items` the work stays in this process, where
a fork costs more than it saves.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_in_halves(func: Callable[[T], R], items: Sequence[T], min_items: int = 1000) -> list[R]:
    """[func(item) for item in items], the second half computed in a forked child. An exception in
    the child is raised here as a RuntimeError that names it."""
    if len(items) < min_items or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return [func(item) for item in items]
    import multiprocessing  # only large builds pay for the import
    half = len(items) // 2
    with tempfile.TemporaryFile() as spool:
        child = multiprocessing.get_context("fork").Process(
            target=_child, args=(func, items[half:], spool), daemon=True)
        child.start()
        first = [func(item) for item in items[:half]]
        child.join()
        spool.seek(0)
        try:
            kind, payload = pickle.load(spool)
        except (EOFError, pickle.UnpicklingError):
            kind, payload = "crash", f"the second process stopped unexpectedly (exit status {child.exitcode})"
    if kind != "ok":
        raise RuntimeError(payload)
    return first + payload


def _child(func, items, spool) -> None:
    try:
        result = ("ok", [func(item) for item in items])
    except BaseException as exc:  # noqa: BLE001 - any failure must reach the parent as a message
        result = ("crash", f"{type(exc).__name__}: {exc}")
    pickle.dump(result, spool, protocol=pickle.HIGHEST_PROTOCOL)
    spool.flush()
