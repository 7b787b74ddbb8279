"""Work split over two processes gives what one process gives, in order; a failure is reported."""

from __future__ import annotations

import os
import time

import pytest

from support import ROOT
from timeline import parallel
from timeline.markup import Renderer


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def test_both_parts_come_back_in_order_the_first_from_here_the_last_from_another_process():
    results = parallel.map_in_halves(_pid_and_square, list(range(10)), min_items=2)
    assert [square for _, square in results] == [n * n for n in range(10)]
    assert results[0][0] == os.getpid() and results[-1][0] != os.getpid()


def _slow_below_fifty(n: int) -> tuple[int, int]:
    if n < 50:
        time.sleep(0.05)
    return os.getpid(), n


def test_uneven_work_is_shared_the_other_process_takes_slow_items_when_done_with_its_own():
    """Fixed halves gave this process all fifty slow items and the other none: it waited."""
    results = parallel.map_in_halves(_slow_below_fifty, list(range(100)), min_items=2)
    assert [n for _, n in results] == list(range(100))
    slow_elsewhere = [n for pid, n in results if n < 50 and pid != os.getpid()]
    assert slow_elsewhere and all(pid != os.getpid() for pid, n in results if n > slow_elsewhere[-1])


def _parts():
    yield 1
    yield [2, 3]
    yield {"four": 4}


def _parts_then_failure():
    yield 1
    raise ValueError("after the first part")


def test_a_child_that_yields_sends_its_parts_one_by_one_and_they_arrive_as_a_list():
    assert parallel.in_two(lambda: 0, _parts) == (0, [1, [2, 3], {"four": 4}])
    assert parallel.in_two(lambda: 0, lambda: (part for part in ())) == (0, [])
    with pytest.raises(ValueError, match="after the first part"):
        parallel.in_two(lambda: 0, _parts_then_failure)


def test_small_inputs_stay_in_this_process():
    assert {pid for pid, _ in parallel.map_in_halves(_pid_and_square, [1, 2, 3], min_items=4)} == {os.getpid()}


def _fails_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven is not allowed")
    return n


def test_a_failure_in_the_second_process_is_raised_here():
    with pytest.raises(ValueError, match="seven is not allowed"):
        parallel.map_in_halves(_fails_on_seven, list(range(10)), min_items=2)


class _Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a} and {b}")


def _raises_unpicklable():
    raise _Unpicklable("this", "that")


def test_an_exception_that_cannot_travel_arrives_as_text():
    with pytest.raises(RuntimeError, match="_Unpicklable: this and that"):
        parallel.in_two(lambda: 1, _raises_unpicklable)


def _exit_hard():
    os._exit(3)


def test_a_child_that_dies_is_reported():
    with pytest.raises(RuntimeError, match="stopped unexpectedly \\(exit status 3\\)"):
        parallel.in_two(lambda: 1, _exit_hard)


def test_event_texts_made_on_two_cores_equal_those_made_in_one(monkeypatch):
    """A first build makes its events' texts and notes on two cores: the same entries as in one
    process, and the sources they list are the build's own (not copies sent back by the other)."""
    from timeline import content, index
    from timeline.diagnostics import Report
    from timeline.incremental import Memo

    def entries():
        loaded = content.load(ROOT / "site_src", Report(), None, Memo())
        tl = index.build(loaded, Renderer(), Memo())
        assert all(s is loaded.sources[s.key] for e in tl.entries for s in e.further)
        return [(e.key, e.summary_html, e.body_html, e.summary_list_html, [(n.number, n.html, n.refs) for n in e.notes],
                 [s.key for s in e.further]) for e in tl.entries]

    expected = entries()
    half = len(expected) // 2   # the second half is made by the other process
    assert any(e[5] for e in expected[half:]) and any(e[4] for e in expected[half:])   # lists and cites sources
    monkeypatch.setattr(parallel.map_in_halves, "__defaults__", (2,))
    assert entries() == expected


def test_two_processes_taking_from_one_counter_take_every_number_once():
    take = parallel.counter()

    def taken():
        mine = []
        while (n := take()) < 200:
            mine.append(n)
            time.sleep(0.002)   # work, during which the other process takes the next number
        return mine

    here, there = parallel.in_two(taken, taken)
    assert sorted(here + there) == list(range(200))
    assert len(here) > 20 and len(there) > 20


@pytest.mark.parametrize("broken", [False, True], ids=["good", "failing"])
def test_a_command_line_build_pauses_the_cycle_collector_and_gives_it_back(tmp_path, monkeypatch, broken):
    """A one-off build's heap lives until it ends: the collector is paused while it runs (its full
    collections would walk it all again and again) and on again after, whether the build succeeds
    or fails; a long-lived caller (the preview) keeps its own collector."""
    import gc
    import shutil
    from support import GOOD
    from timeline import build, index
    seen = []
    made = index.build
    monkeypatch.setattr(index, "build", lambda *a, **k: (seen.append(gc.isenabled()), made(*a, **k))[1])
    src = tmp_path / "site_src"
    shutil.copytree(GOOD, src)
    if broken:
        (src / "events" / "1864-dated.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    assert gc.isenabled()
    result = build.build_site(src, tmp_path / "out")
    assert result.ok is not broken and gc.isenabled()
    assert seen == ([] if broken else [False])
    seen.clear()
    assert build.build_site(src, tmp_path / "preview", memo=build.Memo()).ok is not broken
    assert seen == ([] if broken else [True]) and gc.isenabled()
