"""exchange.replace: a new file put in an old one's place as os.replace does (at once, a link replaced
itself), by exchanging the names where the system can."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from timeline import exchange


def _refuse(*args, **kwargs):
    raise AssertionError("os.replace was called")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_a_regular_file_is_replaced_by_exchanging_the_names(tmp_path, monkeypatch):
    new, old = tmp_path / "new", tmp_path / "old"
    new.write_bytes(b"new text")
    old.write_bytes(b"old text, longer")
    inode = new.stat().st_ino
    monkeypatch.setattr(os, "replace", _refuse)
    exchange.replace(str(new), str(old))
    assert old.read_bytes() == b"new text" and old.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]   # the old file is gone


def test_a_reader_finds_the_old_file_or_the_new_one_never_none(tmp_path):
    """Not removed and then renamed (a reader would find nothing in between)."""
    path, texts = tmp_path / "page.html", [b"A" * 50_000, b"B" * 70_000]
    path.write_bytes(texts[0])
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                seen.append(path.read_bytes())
            except OSError as exc:
                seen.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(400):
            staged = tmp_path / f"staged-{i}"
            staged.write_bytes(texts[(i + 1) % 2])
            exchange.replace(str(staged), str(path))
    finally:
        stop.set()
        reader.join()
    assert seen and all(s in texts for s in seen), {type(s) if not isinstance(s, bytes) else len(s) for s in seen}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_a_link_is_replaced_itself_never_written_through(tmp_path):
    outside = tmp_path / "thesis.tex"
    outside.write_text("years of work")
    link, new = tmp_path / "page.html", tmp_path / "new"
    link.symlink_to(outside)
    new.write_text("the page")
    exchange.replace(new, link)
    assert not link.is_symlink() and link.read_text() == "the page"
    assert outside.read_text() == "years of work"


def test_nothing_there_and_a_folder_there_are_as_os_replace_has_them(tmp_path):
    new, old = tmp_path / "new", tmp_path / "old"
    new.write_text("x")
    exchange.replace(new, old)
    assert old.read_text() == "x" and not new.exists()
    folder = tmp_path / "folder"
    (folder / "inside").mkdir(parents=True)
    new.write_text("y")
    with pytest.raises(IsADirectoryError):
        exchange.replace(new, folder)
    assert (folder / "inside").is_dir() and new.read_text() == "y"


@pytest.mark.parametrize("call", [False, lambda *args: -1], ids=["no call", "call refused"])
def test_without_the_call_or_where_it_is_refused_os_replace_does_it(tmp_path, monkeypatch, call):
    """A system without renameat2, or a file system that refuses the exchange (EINVAL)."""
    monkeypatch.setattr(exchange, "_renameat2", call)
    calls, replace = [], os.replace
    monkeypatch.setattr(os, "replace", lambda *args: calls.append(args) or replace(*args))
    new, old = tmp_path / "new", tmp_path / "old"
    new.write_text("new")
    old.write_text("old")
    exchange.replace(str(new), str(old))
    assert old.read_text() == "new" and not new.exists() and calls == [(str(new), str(old))]


def test_an_error_is_os_replaces_own(tmp_path):
    """A failed exchange says nothing itself: os.replace then fails with its own error and file name."""
    with pytest.raises(FileNotFoundError) as caught:
        exchange.replace(tmp_path / "missing", tmp_path / "old")
    assert caught.value.filename == str(tmp_path / "missing")
