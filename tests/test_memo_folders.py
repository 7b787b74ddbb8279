"""The memo folders beside the content (timeline.memofolders): one per output folder built, the ones
saved to last kept, and nothing removed that a save did not write."""

from __future__ import annotations

import os

from timeline import incremental, memofile, memofolders
from timeline.build import build_site
from timeline.incremental import Memo

STAGE = incremental.Stage("test.kept")


def _save(folder, when: int, keep: int = memofolders.KEEP) -> None:
    """A memo with one record saved into folder, its save dated `when` (seconds since 1970)."""
    memo = Memo(in_memory=False)
    memo.begin()
    memo.get(STAGE, "k", "in", lambda: folder.name)
    memofile.save(memo, folder, keep=keep)
    os.utime(folder / "generation", ns=(when * 10**9, when * 10**9))


def _names(cache) -> set[str]:
    return {p.name for p in cache.iterdir() if p.name.startswith("memo-")}


def test_the_folders_saved_to_last_are_kept_and_the_others_removed(tmp_path):
    cache = tmp_path / ".timeline-cache"
    for i in range(6):
        _save(cache / f"memo-{i}", 1_000_000 + i)
    assert _names(cache) == {f"memo-{i}" for i in range(6)}       # fewer than kept: none removed
    _save(cache / "memo-new", 2_000_000, keep=4)
    assert _names(cache) == {"memo-3", "memo-4", "memo-5", "memo-new"}
    assert memofile.load(cache / "memo-5").peek(STAGE, "k", "in") == "memo-5"   # a kept one is whole
    assert memofolders.newest(tmp_path / "site_src") == cache / "memo-new"
    assert (cache / ".gitignore").read_text() == "*\n"


def test_saving_again_into_a_kept_folder_keeps_it(tmp_path):
    cache = tmp_path / ".timeline-cache"
    for i in range(3):
        _save(cache / f"memo-{i}", 1_000_000 + i)
    _save(cache / "memo-0", 900_000, keep=3)      # the oldest folder saved into: kept, and two others
    assert _names(cache) == {"memo-0", "memo-1", "memo-2"}
    _save(cache / "memo-0", 900_000, keep=1)      # only the folder saved into
    assert _names(cache) == {"memo-0"}


def test_nothing_but_what_a_save_writes_is_removed(tmp_path):
    cache = tmp_path / ".timeline-cache"
    _save(cache / "memo-old", 1_000_000)
    (cache / "memo-old" / "notes.txt").write_text("the user's")                # not a memo file: kept
    (cache / "memo-old" / "x.pickle").mkdir()                                 # a folder named like a file
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "generation").write_bytes(memofile.MAGIC)
    (elsewhere / "a.pickle").write_bytes(b"the user's")
    (cache / "memo-link").symlink_to(elsewhere)                               # a link: never followed
    (cache / "memo-user").mkdir()                                             # no memo's generation file
    (cache / "memo-user" / "a.pickle").write_bytes(b"the user's")
    (cache / "memo-fake").mkdir()
    (cache / "memo-fake" / "generation").write_text("not a memo")
    (cache / "memo-fake" / "b.pickle").write_bytes(b"the user's")
    (cache / "memo-dir-gen").mkdir()
    (cache / "memo-dir-gen" / "generation").mkdir()
    (cache / "other").mkdir()
    (cache / "other" / "generation").write_bytes(memofile.MAGIC)
    _save(cache / "memo-new", 2_000_000, keep=1)
    assert sorted(p.name for p in (cache / "memo-old").iterdir()) == ["notes.txt", "x.pickle"]
    assert (cache / "memo-old" / "notes.txt").read_text() == "the user's"
    assert (elsewhere / "a.pickle").read_bytes() == b"the user's" and (elsewhere / "generation").exists()
    assert (cache / "memo-link").is_symlink()
    assert (cache / "memo-user" / "a.pickle").read_bytes() == b"the user's"
    assert (cache / "memo-fake" / "b.pickle").read_bytes() == b"the user's"
    assert (cache / "memo-dir-gen" / "generation").is_dir()
    assert (cache / "other" / "generation").exists()


def test_a_folder_of_another_engine_version_is_removed_in_its_turn(tmp_path):
    cache = tmp_path / ".timeline-cache"
    old = cache / "memo-old"
    old.mkdir(parents=True)
    for name in ("generation", "content.event.3.pickle", ".memo-abc"):
        (old / name).write_bytes(b"timeline-memo 3\nengine 0.0.1 0123abcd\n" + b"x" * 100)
    os.utime(old / "generation", ns=(10**18, 10**18))   # saved later than the folder below: kept
    _save(cache / "memo-new", 1_000_000, keep=2)
    assert _names(cache) == {"memo-old", "memo-new"}
    _save(cache / "memo-newer", 1_000_001, keep=2)   # now the oldest of three
    assert _names(cache) == {"memo-old", "memo-newer"}   # mtimes: old's is in 2001, new's in 1970
    os.utime(old / "generation", ns=(0, 0))
    _save(cache / "memo-new", 1_000_002, keep=2)
    assert _names(cache) == {"memo-new", "memo-newer"}


def test_builds_into_many_output_folders_keep_a_bounded_memo(site_dir, tmp_path):
    """Builds of one content folder into many output folders (as tests and scripts do, each into a
    folder of its own) each left a memo folder beside the content, never removed: 59 folders, 785 MB,
    beside this repository's content, from its tests and from older engine versions."""
    src = site_dir()
    outs = [tmp_path / f"out{i}" for i in range(memofolders.KEEP + 2)]
    for out in outs:
        assert build_site(src, out).ok
    cache = src.parent / ".timeline-cache"
    assert _names(cache) == {memofolders.folder_for(src, out).name for out in outs[-memofolders.KEEP:]}
    (src / "events" / os.listdir(src / "events")[0]).touch()
    assert build_site(src, outs[-1]).ok and build_site(src, outs[0]).ok
    assert len(_names(cache)) == memofolders.KEEP
