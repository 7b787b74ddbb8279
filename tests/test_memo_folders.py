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
    (cache / "memo-old" / "test.kept.99.pickle").mkdir()                      # a folder named like a file
    (cache / "memo-old" / "notes.1.pickle.txt").write_text("the user's")
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
    # Renamed first (a build saving into it meanwhile fails whole), then emptied of its memo files.
    assert sorted(p.name for p in (cache / ".removed-memo-old").iterdir()) == [
        "notes.1.pickle.txt", "notes.txt", "test.kept.99.pickle"]
    assert (cache / ".removed-memo-old" / "notes.txt").read_text() == "the user's"
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


def test_a_save_into_a_folder_being_removed_leaves_nothing_behind(tmp_path, monkeypatch):
    """Another build saving into the oldest folder while this one removed it: this one unlinked the
    files it had listed, the other's later file kept the folder, without the generation file that
    would let any later build find and remove it (found by a tester with 20 builds at once)."""
    cache = tmp_path / ".timeline-cache"
    for i in range(3):
        _save(cache / f"memo-{i}", 1_000_000 + i)
    saved, empty = memofolders._saved, memofolders._empty

    def other_build_starts_saving(fd):
        found = saved(fd)                  # memo-0 is the oldest ...
        memofile._write(cache / "memo-0", "generation", 7)          # ... and is saved into now
        return found

    def other_build_saves_more(fd, name):
        memofile._write(cache / "memo-0", "test.kept.3.pickle", (False, None, {}))   # fails: renamed
        empty(fd, name)

    monkeypatch.setattr(memofolders, "_saved", other_build_starts_saving)
    monkeypatch.setattr(memofolders, "_empty", other_build_saves_more)
    _save(cache / "memo-new", 2_000_000, keep=3)
    monkeypatch.undo()
    assert sorted(p.name for p in cache.iterdir()) == [".gitignore", "memo-1", "memo-2", "memo-new"]


def test_a_folder_whose_removal_stopped_half_way_is_removed_by_the_next_save(tmp_path):
    cache = tmp_path / ".timeline-cache"
    _save(cache / "memo-0", 1_000_000)
    (cache / "memo-0").rename(cache / ".removed-memo-0")      # a build killed while removing it
    (cache / ".removed-memo-0" / ".memo-x1y2").write_bytes(b"half written")
    _save(cache / "memo-1", 1_000_001)
    assert sorted(p.name for p in cache.iterdir()) == [".gitignore", "memo-1"]


def test_a_save_time_to_come_is_not_believed(tmp_path):
    """A folder copied from a machine whose clock was ahead: newest() read it in preference to the
    one really saved to last (check rendered 18 of 25 pages again), and it was never removed."""
    cache = tmp_path / ".timeline-cache"
    _save(cache / "memo-ahead", 4_102_444_800)       # 2100
    _save(cache / "memo-now", 1_000_000)
    assert memofolders.newest(tmp_path / "site_src") == cache / "memo-now"
    _save(cache / "memo-later", 1_000_001, keep=2)
    assert _names(cache) == {"memo-now", "memo-later"}


def test_without_a_key_no_memo_folder_is_made(tmp_path, monkeypatch):
    """Where no key can be kept nothing is saved: each such build still made an empty memo folder,
    never removed, and removed the memos that builds with a key had saved."""
    cache = tmp_path / ".timeline-cache"
    _save(cache / "memo-keyed", 1_000_000)
    from timeline import memokey
    monkeypatch.setattr(memokey, "_key", None)
    monkeypatch.setenv("XDG_CACHE_HOME", "/dev/null")       # a file: no folder, so no key, can be made
    memo = Memo(in_memory=False)
    memo.begin()
    memo.get(STAGE, "k", "in", lambda: 1)
    memofile.save(memo, cache / "memo-keyless", keep=1)
    assert _names(cache) == {"memo-keyed"}


def test_a_file_named_with_other_digits_is_not_a_memo_file(tmp_path):
    """`x.².pickle` passed str.isdigit(), and int() of it raised: a traceback for any build whose
    memo folder held such a file."""
    folder = tmp_path / ".timeline-cache" / "memo-0"
    _save(folder, 1_000_000)
    (folder / "test.kept.².pickle").write_bytes(b"not a memo file")
    assert memofile.load(folder).peek(STAGE, "k", "in") == "memo-0"
    assert memofolders.table_name("test.kept.².pickle") is None
    assert memofolders.table_name("content.event.12.pickle") == ("content.event", 12)
