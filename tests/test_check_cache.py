"""`timeline check` reads the cache the last build saved, never writes it, and reports what a check
without it reports."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from support import ROOT
from timeline import memofile, memofolders, memokey
from timeline.build import build_site
from timeline.cli import main


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): (os.readlink(p).encode() if p.is_symlink() else p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_symlink() or p.is_file()}


def _count_pages(monkeypatch) -> list:
    """The paths of the pages rendered from now on."""
    from timeline import render
    rendered = []
    call = render._PageRenderer.__call__
    monkeypatch.setattr(render._PageRenderer, "__call__", lambda r, spec: rendered.append(spec.path) or call(r, spec))
    return rendered


def _touch_later(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    while path.stat().st_mtime_ns == before:
        time.sleep(0.01)
        path.write_text(text, encoding="utf-8")


def test_check_after_a_build_renders_only_the_pages_changed_since_and_writes_nothing(site_dir, tmp_path, monkeypatch,
                                                                                      capsys):
    src = site_dir()
    pages = build_site(src, tmp_path / "build").pages
    rendered = _count_pages(monkeypatch)
    before, key = _files(tmp_path), memokey.key_file().read_bytes()
    assert main(["check", "--src", str(src)]) == 0
    assert rendered == []
    assert "ok: " in capsys.readouterr().out
    event = src / "events" / "1950-treaty-of-alliance.yaml"
    _touch_later(event, event.read_text().replace("title: Treaty", "title: The Treaty"))
    before["site_src/events/1950-treaty-of-alliance.yaml"] = event.read_bytes()
    assert main(["check", "--src", str(src)]) == 0
    # The edited event's page and its neighbours' (they show its title); the lists that show it.
    assert {p for p in rendered if p.startswith("events/")} == {
        "events/1950-treaty-of-alliance/index.html", "events/1864-dated/index.html",
        "events/1969-zhenbao-island/index.html"}
    assert "index.html" in rendered and len(rendered) < pages
    assert _files(tmp_path) == before and memokey.key_file().read_bytes() == key
    rendered.clear()
    assert main(["check", "--src", str(src), "--no-cache"]) == 0
    assert len(rendered) == pages


def test_check_renders_again_every_page_a_theme_change_may_break(site_dir, tmp_path, capsys):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    assert build_site(src, tmp_path / "build", templates=templates).ok
    page = templates / "event.html"
    _touch_later(page, page.read_text().replace("<h1 ", "{{ 1 // (entry.event.id == '1864-dated') | int }}<h1 ", 1))
    assert main(["check", "--src", str(src), "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert "event.html:" in err and "division" in err
    # What a check without the cache says, word for word.
    assert main(["check", "--src", str(src), "--templates", str(templates), "--no-cache"]) == 1
    assert capsys.readouterr().err == err


def test_check_with_pdf_reuses_a_pdf_build_and_without_checks_the_pages_as_they_differ(site_dir, tmp_path,
                                                                                       monkeypatch):
    src = site_dir()
    assert build_site(src, tmp_path / "build", pdf=True).ok
    rendered = _count_pages(monkeypatch)
    assert main(["check", "--src", str(src), "--pdf"]) == 0
    assert rendered == []
    assert main(["check", "--src", str(src)]) == 0   # pages without the PDFs' links: rendered here
    assert "print/index.html" in rendered


def test_check_reads_the_newest_memo_and_never_deletes_one_of_another_engine(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    assert build_site(src, tmp_path / "one").ok
    event = src / "events" / "1950-treaty-of-alliance.yaml"
    _touch_later(event, event.read_text().replace("title: Treaty", "title: The Treaty"))
    time.sleep(0.02)
    assert build_site(src, tmp_path / "two").ok    # the newer memo knows the edited event's pages
    [newer] = [f for f in (src.parent / ".timeline-cache").glob("memo-*") if f == memofolders.newest(src)]
    foreign = newer / "render.old-stage.3.pickle"
    foreign.write_bytes(memofile.MAGIC + b"engine 0.0.1 0123abcd\n" + b"x" * 1000)
    rendered = _count_pages(monkeypatch)
    assert main(["check", "--src", str(src)]) == 0
    assert rendered == [] and foreign.exists()


def test_check_without_a_memo_key_makes_none(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    assert build_site(src, tmp_path / "build").ok
    monkeypatch.setattr(memokey, "_key", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    rendered = _count_pages(monkeypatch)
    assert main(["check", "--src", str(src)]) == 0
    assert not (tmp_path / "empty-cache").exists()
    assert rendered    # the memo cannot be trusted without the key that signed it: everything is rendered
