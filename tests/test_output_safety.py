"""The output writer keeps the user's files safe and never publishes a mixed site (issue 12).

Each test names the failures of the red-team report (/work/shared/REDTEAM.md) it reproduces.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from support import ROOT
from timeline import build, exchange, parallel, writer
from timeline.build import build_site, inputs_digest
from timeline.cli import main


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != writer.MARKER}


def _files(folder: Path) -> dict[str, bytes]:
    """Everything in a folder that is not the output's, links included (as their targets' names)."""
    return {p.relative_to(folder).as_posix(): (os.readlink(p).encode() if p.is_symlink() else p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_symlink() or p.is_file()}


def _python(code: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def _retitle(src: Path, title: str) -> None:
    site = src / "site.yaml"
    text = site.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("title:"))
    site.write_text(text.replace(first, f"title: {title}", 1), encoding="utf-8")


# 1 -------------------------------------------------------------------------------------------------

def test_a_content_folder_inside_the_output_is_refused_before_anything_is_deleted(site_dir, tmp_path, capsys):
    """REDTEAM 1: `--src www/src --out www` deleted every source file; so did `--templates www/theme`."""
    src = site_dir()
    www = tmp_path / "www"
    assert build_site(src, www).ok
    shutil.copytree(src, www / "src")
    (www / "src" / "NOTES.txt").write_text("notes")
    shutil.copytree(ROOT / "templates", www / "theme")
    before = _files(www)
    assert main(["build", "--src", "www/src", "--out", "www"]) == 1
    err = capsys.readouterr().err
    assert "www: holds the --src folder www/src, which a build would delete" in err
    assert main(["build", "--src", str(src), "--templates", "www/theme", "--out", "www"]) == 1
    assert "holds the --templates folder" in capsys.readouterr().err
    assert _files(www) == before
    # The other way round: an output inside the content would be read back as content.
    assert main(["build", "--src", str(src), "--out", str(src / "www")]) == 1
    assert "is inside the --src folder" in capsys.readouterr().err
    assert not (src / "www").exists()
    # The same folder under another name (a link) is still the same folder.
    (tmp_path / "alias").symlink_to(www)
    assert main(["build", "--src", "alias/src", "--out", "www"]) == 1
    assert _files(www) == before


@pytest.mark.parametrize("inside, link", [
    ("ev", "site_src/events"),                      # the events folder kept in the output, linked from the sources
    ("st", "templates/static"),                     # the theme's static files likewise
    ("ev/1700-kept.yaml", "site_src/events/1700-kept.yaml"),  # one event file
])
def test_an_input_linked_from_inside_the_output_is_refused_before_anything_is_deleted(site_dir, tmp_path, capsys,
                                                                                      inside, link):
    """Second red team: `--src` and `--templates` lay outside `--out`, but a link inside them pointed into
    it: the build read the linked files, then pruned them as stale (`0 written, 6 removed`, exit 0)."""
    src = site_dir()
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    out = tmp_path / "www"
    assert build_site(src, out).ok
    moved = tmp_path / link
    (out / inside).parent.mkdir(parents=True, exist_ok=True)
    if moved.exists():
        shutil.move(moved, out / inside)
    else:  # a single file: take a real event's text
        shutil.copy(next((src / "events").glob("*.yaml")), out / inside)
    moved.symlink_to(os.path.relpath(out / inside, moved.parent))
    before = _files(out)
    assert main(["build", "--src", "site_src", "--templates", "templates", "--out", "www"]) == 1
    err = capsys.readouterr().err
    assert f"www: holds {link}, a link to www/{inside}, which a build would delete" in err
    assert _files(out) == before


# 2 -------------------------------------------------------------------------------------------------

def _victim(folder: Path) -> dict[str, bytes]:
    (folder / "sub").mkdir(parents=True)
    (folder / "keep.txt").write_text("the user's file")
    (folder / "sub" / "deep.txt").write_text("another")
    return _files(folder)


def test_links_inside_the_output_are_replaced_never_followed(site_dir, tmp_path):
    """REDTEAM 2: a link at robots.txt to a folder made the build empty that folder; a link at
    themes/ made it write ten pages into the folder it pointed to."""
    src = site_dir()
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert build_site(src, out).ok and build_site(src, fresh).ok
    victims = {name: tmp_path / name for name in ("v1", "v2", "v3", "v4")}
    kept = {name: _victim(folder) for name, folder in victims.items()}
    (out / "robots.txt").unlink()
    (out / "robots.txt").symlink_to(victims["v1"])          # a link to a folder where a file goes
    shutil.rmtree(out / "themes")
    (out / "themes").symlink_to(victims["v2"])              # a link to a folder where a folder goes
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(victims["v3"] / "keep.txt")  # a link to a file where a file goes
    (out / "stray").symlink_to(victims["v4"])               # a link that is not part of the site
    result = build_site(src, out)
    assert result.ok, result.diagnostics
    for name, folder in victims.items():
        assert _files(folder) == kept[name], name
    assert _tree(out) == _tree(fresh)
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_an_unchanged_file_behind_a_linked_folder_is_not_taken_as_unchanged(site_dir, tmp_path):
    """REDTEAM 2: pages read through a linked folder equal the site's bytes; they must still be
    written into a real folder in the output, and the linked folder left alone."""
    src = site_dir()
    out = tmp_path / "out"
    assert build_site(src, out).ok
    copy = tmp_path / "copy"
    shutil.copytree(out / "events", copy)
    shutil.rmtree(out / "events")
    (out / "events").symlink_to(copy)
    before = _files(copy)
    assert build_site(src, out).ok
    assert not (out / "events").is_symlink() and (out / "events").is_dir()
    assert _files(copy) == before
    assert _tree(out / "events") == _tree(copy)


def test_a_site_written_from_memory_replaces_links_too(tmp_path):
    """REDTEAM 2, for a site held in memory and written at once (as the preview does): a planted link
    is replaced, not followed."""
    out, victim = tmp_path / "out", tmp_path / "victim"
    kept = _victim(victim)
    files = {"index.html": b"<p>home</p>", "events/a/index.html": b"<p>a</p>"}
    writer.write_files(writer.Writer(out), files)
    shutil.rmtree(out / "events")
    (out / "events").symlink_to(victim)
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(victim / "keep.txt")
    writer.write_files(writer.Writer(out), files)
    assert _files(victim) == kept
    assert _tree(out) == files
    # The preview remembers what it wrote and rewrites a changed page in place: never through a link.
    known: dict = {}
    writer.write_files(writer.Writer(out, known), files)
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(victim / "keep.txt")
    shutil.rmtree(out / "events" / "a")
    other = tmp_path / "other"
    other.mkdir()
    (other / "index.html").write_bytes(b"theirs")
    (out / "events" / "a").symlink_to(other)  # a linked folder that holds a file of the page's name
    changed = {path: data + b"<!-- changed -->" for path, data in files.items()}
    assert writer.write_files(writer.Writer(out, known), changed).written == 2
    assert _files(victim) == kept and (other / "index.html").read_bytes() == b"theirs"
    assert _tree(out) == changed and not any(p.is_symlink() for p in out.rglob("*"))


def test_a_file_put_in_pieces_is_written_whole_and_known_unchanged_as_one_put_whole(tmp_path):
    """A print view is put as pieces (never joined: megabytes): written one after the other, in a
    first build and in a later one; the same bytes in other pieces are an unchanged file; the same
    size with other bytes is not; the preview's writer holds them as bytes."""
    out = tmp_path / "out"
    pieces = [b"<html>", memoryview(b"..part one..")[2:-2], b"", b"part two</html>"]
    whole = b"<html>part onepart two</html>"
    assert writer.write_files(writer.Writer(out), {"print/index.html": pieces}).written == 1
    assert (out / "print" / "index.html").read_bytes() == whole
    again = writer.write_files(writer.Writer(out), {"print/index.html": [whole[:3], whole[3:]]})
    assert again == writer.WriteStats(unchanged=1)
    other = [b"<html>", b"part onepart TWO</html>"]   # the same size
    assert writer.write_files(writer.Writer(out), {"print/index.html": other}).written == 1
    assert (out / "print" / "index.html").read_bytes() == b"".join(other)
    longer = [whole, b"<!-- more -->"]
    assert writer.write_files(writer.Writer(out), {"print/index.html": longer}).written == 1
    assert (out / "print" / "index.html").read_bytes() == b"".join(longer)
    known: dict = {}
    writer.write_files(writer.Writer(out, known), {"print/index.html": pieces})
    assert known == {"print/index.html": whole} and (out / "print" / "index.html").read_bytes() == whole


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
def test_files_put_by_a_forked_process_are_committed_with_the_parents(tmp_path):
    """The output protocol holds across a fork (pages rendered on two cores): commit writes what
    either process put, counts what was unchanged, and removes only what neither put."""
    out = tmp_path / "out"

    def write(files: dict[str, bytes]) -> writer.WriteStats:
        output, paths = writer.Writer(out), sorted(files)
        parallel.in_two(lambda: [output.put(p, files[p]) for p in paths[::2]],
                        lambda: [output.put(p, files[p]) for p in paths[1::2]])
        return output.commit()

    first = {f"events/{i}/index.html": f"<p>{i}</p>".encode() for i in range(6)} | {"index.html": b"home"}
    assert write(first) == writer.WriteStats(written=7)
    assert _tree(out) == first
    second = dict(first, **{"events/1/index.html": b"<p>one</p>", "events/2/index.html": b"<p>two</p>"})
    del second["events/5/index.html"]
    assert write(second) == writer.WriteStats(written=2, unchanged=4, removed=1)
    assert _tree(out) == second
    assert [p.name for p in out.iterdir() if p.name.startswith(writer.STAGING)] == []


@pytest.mark.parametrize("apart", [None, 0], ids=["listed-here", "listed-by-a-forked-process"])
def test_stale_files_go_by_what_the_output_held_as_the_build_began(tmp_path, apart):
    """A build lists the output once as it begins (in a forked process on two cores) and keeps pages
    and removes stale files by that listing; what changed in the output since is never removed through
    a link, and a folder it wrote in stays."""
    out, victim = tmp_path / "out", tmp_path / "victim"
    kept = _victim(victim)
    first = {"index.html": b"home", "events/a/index.html": b"a", "events/b/index.html": b"b",
             "old/deep/page.html": b"old", "gone/x.html": b"x"}
    writer.write_files(writer.Writer(out), first)
    (out / "empty" / "deeper").mkdir(parents=True)   # found empty: removed
    (out / "stray.txt").write_bytes(b"not ours")
    (out / "alink").symlink_to(victim)                # a link to a folder: removed as the link it is
    output = writer.Writer(out, list_apart=apart)
    stamp = writer.stat_tree(out, ["events/a/index.html"])["events/a/index.html"]
    assert not output.keep("events/b/index.html", stamp)   # another file's stamp: not kept
    # Changed after the listing: gone/ becomes a link to the user's folder, which holds a file x.html.
    (victim / "x.html").write_bytes(b"the user's")
    shutil.rmtree(out / "gone")
    (out / "gone").symlink_to(victim)
    assert output.keep("events/a/index.html", stamp)
    output.put("index.html", b"home")
    output.put("events/b/index.html", b"b, changed")
    output.put("old/new.html", b"new, in a folder otherwise stale")
    stats = output.commit()
    assert stats == writer.WriteStats(written=2, unchanged=2, removed=3)  # page.html, stray.txt, alink
    assert _files(victim) == dict(kept, **{"x.html": b"the user's"})
    assert (out / "gone").is_symlink()
    (out / "gone").unlink()
    assert _tree(out) == {"index.html": b"home", "events/a/index.html": b"a", "events/b/index.html": b"b, changed",
                          "old/new.html": b"new, in a folder otherwise stale"}
    assert sorted(p.name for p in out.iterdir() if not writer.own(p.name)) == ["events", "index.html", "old"]


def test_a_page_is_kept_only_as_the_regular_file_it_was_through_real_folders(tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim"
    _victim(victim)
    writer.write_files(writer.Writer(out), {"events/a/index.html": b"a", "b.html": b"b"})
    stamps = writer.stat_tree(out, ["events/a/index.html", "b.html"])
    os.rename(out / "events", victim / "events")
    (out / "events").symlink_to(victim / "events")   # the very file (its stamp unchanged), behind a link
    assert writer.stat_tree(out, ["events/a/index.html"]) == {"events/a/index.html": stamps["events/a/index.html"]}
    (out / "c.html").symlink_to(out / "b.html")
    output = writer.Writer(out, list_apart=0)
    assert not output.keep("events/a/index.html", stamps["events/a/index.html"])
    assert not output.keep("c.html", stamps["b.html"])
    assert output.keep("b.html", stamps["b.html"])
    output.abort()


def test_an_aborted_write_leaves_the_output_as_it_was(tmp_path):
    out = tmp_path / "out"
    writer.write_files(writer.Writer(out), {"index.html": b"home", "old.html": b"old"})
    before = _files(out)
    output = writer.Writer(out)
    output.put("index.html", b"a new home")
    output.put("new.html", b"new")
    output.abort()
    assert _files(out) == before
    empty = tmp_path / "empty"
    output = writer.Writer(empty)
    output.put("index.html", b"home")
    output.abort()
    assert list(empty.iterdir()) == []


# 3 -------------------------------------------------------------------------------------------------

def test_a_second_build_into_the_same_folder_is_refused_naming_the_first(site_dir, tmp_path, capsys):
    """REDTEAM 3: two builds at once mixed two sites. One build at a time holds the output."""
    src = site_dir()
    out = tmp_path / "out"
    assert build_site(src, out).ok
    before = _files(out)
    holder = _python(f"""
        import sys, time
        from timeline import writer
        with writer.locked({str(out)!r}):
            print("held", flush=True)
            sys.stdin.read()
        """, stdin=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == "held\n"
        _retitle(src, "Another title")
        assert main(["build", "--src", str(src), "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"another build (process {holder.pid}) is writing to this folder" in err
        assert err.count(str(out)) == 2  # once in the message, once in "left unchanged"
        assert {k: v for k, v in _files(out).items() if k != writer.LOCK} == before
    finally:
        holder.communicate("")
    assert holder.returncode == 0
    assert not (out / writer.LOCK).exists()  # the lock is not published with the site


def test_two_builds_at_once_end_with_one_whole_site_never_a_mix_reported_as_up_to_date(site_dir, tmp_path):
    """REDTEAM 3, the reproduction: build B (slowed in its commit) runs while build A starts with
    --no-cache; then a plain build of A must give A's site, never 'up to date' over a mix."""
    src_a = site_dir()
    src_b = tmp_path / "src_b"
    shutil.copytree(src_a, src_b)
    _retitle(src_b, "Site B")
    out, only_a = tmp_path / "out", tmp_path / "only_a"
    assert build_site(src_a, out).ok and build_site(src_a, only_a).ok
    slow_b = _python(f"""
        import time
        from timeline import build, writer
        commit = writer.Writer.commit
        def slow_commit(self, *args, **kwargs):
            print("committing", flush=True)
            time.sleep(1.5)
            return commit(self, *args, **kwargs)
        writer.Writer.commit = slow_commit
        result = build.build_site({str(src_b)!r}, {str(out)!r})
        print("ok" if result.ok else result.diagnostics, flush=True)
        """)
    assert slow_b.stdout.readline() == "committing\n"
    during = build_site(src_a, out, use_cache=False)
    stdout, stderr = slow_b.communicate(timeout=60)
    assert stdout == "ok\n", stderr
    assert not during.ok and "another build" in str(during.errors[0])
    assert b"Site B" in (out / "index.html").read_bytes()
    after = build_site(src_a, out)
    assert after.ok and not after.reused
    assert _tree(out) == _tree(only_a)
    assert build_site(src_a, out).reused


# 4, 11 ---------------------------------------------------------------------------------------------

def test_an_edit_inside_a_linked_events_folder_is_built(site_dir, tmp_path):
    """REDTEAM 4: with events/ a link to another folder, an edit there gave 'up to date'."""
    src = site_dir()
    moved = tmp_path / "ev"
    (src / "events").rename(moved)
    (src / "events").symlink_to(moved)
    out = tmp_path / "out"
    assert build_site(src, out).ok
    event = moved / "1689-treaty-of-nerchinsk.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("title: Treaty of Nerchinsk", "title: Treaty of NerchinskX", 1), encoding="utf-8")
    again = build_site(src, out)
    assert again.ok and not again.reused
    assert "Treaty of NerchinskX" in (out / "index.html").read_text(encoding="utf-8")


def test_the_freshness_check_notices_folders_and_broken_links_where_files_go(site_dir, tmp_path):
    """REDTEAM 11 (freshness part): a folder named events/x.yaml gave 'up to date'; a dangling or
    looping link must change the digest without raising, and a link loop must not hang it."""
    src = site_dir()
    out = tmp_path / "out"
    assert build_site(src, out).ok
    templates = build.default_templates(src)
    digests = {inputs_digest(src, templates, {})}
    (src / "events" / "1700-x.yaml").mkdir()
    assert not build_site(src, out).reused
    digests.add(inputs_digest(src, templates, {}))
    (src / "events" / "1700-x.yaml").rmdir()
    (src / "events" / "1701-y.yaml").symlink_to(tmp_path / "missing.yaml")
    digests.add(inputs_digest(src, templates, {}))
    (src / "events" / "1701-y.yaml").unlink()
    (src / "pages" / "loop").symlink_to(src)
    digests.add(inputs_digest(src, templates, {}))
    assert len(digests) == 4


@pytest.mark.parametrize("where", ["content", "output"])
def test_a_file_changed_without_changing_its_size_or_modification_time_is_rebuilt(site_dir, tmp_path, where):
    """Second red team: an event edited to the same length with its old mtime put back (`touch -r`, a
    restored backup, a clock set back), or an output page altered likewise, gave 'up to date' and kept
    the stale page. Every write changes a file's ctime, which no user can set."""
    src = site_dir()
    out = tmp_path / "out"
    assert build_site(src, out).ok
    if where == "content":
        path, old, new = src / "events" / "1689-treaty-of-nerchinsk.yaml", "title: Treaty", "title: Zreaty"
    else:
        path, old, new = out / "index.html", "<html", "<HTML"
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    again = build_site(src, out)
    assert again.ok and not again.reused
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<HTML" not in index and ("Zreaty" in index) == (where == "content")


# 5 -------------------------------------------------------------------------------------------------

def test_a_write_that_fails_part_way_says_the_output_is_incomplete(site_dir, tmp_path, monkeypatch, capsys):
    """REDTEAM 5: a permission error in the middle of the commit said 'left unchanged' although
    index.html was already new. The message must say what happened; the next build finishes it."""
    src = site_dir()
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert build_site(src, out).ok
    _retitle(src, "A new title")  # every page changes
    assert build_site(src, fresh).ok
    replace = exchange.replace   # what moves each changed file in

    def denied_in_one_folder(source, target, *args, **kwargs):
        if f"{os.sep}events{os.sep}1689-treaty-of-nerchinsk{os.sep}" in str(target):
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return replace(source, target, *args, **kwargs)

    monkeypatch.setattr(exchange, "replace", denied_in_one_folder)
    assert main(["build", "--src", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "left unchanged" not in err
    assert "Permission denied" in err and "changed files were written before this" in err
    assert f"{out} left incomplete" in err
    # The diagnostic names the file that failed, once (it read 'out: out/events/…: Permission denied').
    first = err.splitlines()[0]
    assert first.startswith(f"{out}/events/1689-treaty-of-nerchinsk/") and first.count(str(out)) == 1, first
    monkeypatch.setattr(exchange, "replace", replace)
    again = build_site(src, out)
    assert again.ok and not again.reused
    assert _tree(out) == _tree(fresh)
    assert _files(out).keys() - {writer.MARKER} == _tree(fresh).keys()  # no staging folder left


# 22 ------------------------------------------------------------------------------------------------

def test_an_output_that_is_a_link_to_an_empty_folder_is_filled(site_dir, tmp_path):
    """REDTEAM 22: `--out linkout` (a link to an empty folder) failed with 'Not a directory'."""
    src = site_dir()
    target, link = tmp_path / "target", tmp_path / "linkout"
    target.mkdir()
    link.symlink_to(target)
    assert main(["build", "--src", str(src), "--out", str(link)]) == 0
    assert link.is_symlink() and (target / "index.html").is_file()
    assert main(["build", "--src", str(src), "--out", str(link)]) == 0  # and it is up to date
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert main(["build", "--src", str(src), "--out", "dangling"]) == 1
    assert not (tmp_path / "nowhere").exists()


def test_a_refusal_names_the_folder_once(site_dir, tmp_path, capsys):
    """REDTEAM 22: refusals repeated the path: 'site_src: site_src: folder is not empty…'."""
    src = site_dir()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    assert main(["build", "--src", str(src), "--out", "precious"]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first == ("precious: folder is not empty and was not made by 'timeline build'; "
                     "choose an empty or new folder for --out")
    (tmp_path / "afile").write_text("x")
    assert main(["build", "--src", str(src), "--out", "afile"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == "afile: exists and is not a folder"


# 23 ------------------------------------------------------------------------------------------------

def test_an_output_folder_that_is_a_mount_point_is_built_into(site_dir, tmp_path, monkeypatch):
    """REDTEAM 23: a mount point cannot be removed (EBUSY) and nothing can be renamed into it from
    outside (EXDEV); the first build failed with the one, later builds with the other."""
    src = site_dir()
    mount, fresh = tmp_path / "mount", tmp_path / "fresh"
    mount.mkdir()
    assert build_site(src, fresh).ok
    inside = str(mount) + os.sep
    rename, replace, rmdir = os.rename, os.replace, os.rmdir

    def same_device(real):
        def move(source, target, *args, **kwargs):
            if str(source).startswith(inside) != str(target).startswith(inside):
                raise OSError(errno.EXDEV, "Invalid cross-device link", str(source))
            return real(source, target, *args, **kwargs)
        return move

    def busy(path, *args, **kwargs):
        if os.path.abspath(path) == str(mount):
            raise OSError(errno.EBUSY, "Device or resource busy", str(path))
        return rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rename", same_device(rename))
    monkeypatch.setattr(os, "replace", same_device(replace))
    monkeypatch.setattr(os, "rmdir", busy)
    first = build_site(src, mount)
    assert first.ok, first.diagnostics
    assert _tree(mount) == _tree(fresh)
    _retitle(src, "Changed")
    second = build_site(src, mount)
    assert second.ok and second.written > 0, second.diagnostics
    assert b"Changed" in (mount / "index.html").read_bytes()


# 24 ------------------------------------------------------------------------------------------------

def test_a_first_build_killed_before_its_record_is_written_does_not_lock_the_folder(site_dir, tmp_path):
    """REDTEAM 24: a first build killed between moving the site in and writing .timeline-build left
    a folder that every later build refused as 'not made by timeline build'."""
    src = site_dir()
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    killed = _python(f"""
        import os, signal
        from timeline import build, writer
        def die(*args):
            os.kill(os.getpid(), signal.SIGKILL)
        writer.stat_tree = die  # runs after the moves, before the record
        build.build_site({str(src)!r}, {str(out)!r})
        """)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert (out / "index.html").is_file()
    result = build_site(src, out)
    assert result.ok, result.diagnostics
    assert build_site(src, fresh).ok
    assert _tree(out) == _tree(fresh)


def test_a_build_stopped_by_sigterm_leaves_nothing_behind_after_the_next_build(site_dir, tmp_path):
    """Second red team: SIGTERM ends a build without any cleanup, leaving its staging folder and the
    lock in the output; the next build, finding the site up to date, kept them for good."""
    src = site_dir()
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert build_site(src, out).ok
    names = {p.name for p in out.iterdir()}
    _retitle(src, "A new title")  # every page changes
    stopped = _python(f"""
        import os, signal
        from timeline import build, writer
        put = writer.Writer.put
        def put_then_stop(self, *args):
            put(self, *args)
            os.kill(os.getpid(), signal.SIGTERM)
        writer.Writer.put = put_then_stop
        build.build_site({str(src)!r}, {str(out)!r})
        """)
    stopped.communicate(timeout=60)
    assert stopped.returncode == -signal.SIGTERM
    left = {p.name for p in out.iterdir()} - names
    assert writer.LOCK in left and any(name.startswith(writer.STAGING) for name in left)
    assert build_site(src, out).ok and build_site(src, fresh).ok
    assert {p.name for p in out.iterdir()} == names and _tree(out) == _tree(fresh)
    # Stopped before it staged a file (an empty staging folder), the next build finds the site up to
    # date: it removes what was left all the same.
    (out / (writer.STAGING + "abc")).mkdir()
    (out / writer.LOCK).write_text("12345\n")
    again = build_site(src, out)
    assert again.ok and again.reused
    assert {p.name for p in out.iterdir()} == names


@pytest.mark.parametrize("kind", ["link", "folder"])
def test_a_link_or_folder_at_the_locks_name_is_named_and_left_with_what_it_leads_to(kind, site_dir, tmp_path, capsys):
    """It gave 'out/.timeline-build.lock: Too many levels of symbolic links'; now the message says what
    is there and what to do, and neither it nor its target is touched."""
    src, out = site_dir(), tmp_path / "out"
    assert build_site(src, out).ok
    target = tmp_path / "precious.txt"
    target.write_text("mine\n")
    if kind == "link":
        (out / writer.LOCK).symlink_to(target)
    else:
        (out / writer.LOCK).mkdir()
    before = _files(out)
    assert main(["build", "--src", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    what = "a symbolic link" if kind == "link" else "a folder"
    assert f"{out}: {writer.LOCK} in it is {what}, where a build keeps the file it locks" in err, err
    assert "remove it and build again" in err and "Traceback" not in err
    assert _files(out) == before and target.read_text() == "mine\n"
    (out / writer.LOCK).unlink() if kind == "link" else (out / writer.LOCK).rmdir()
    assert build_site(src, out).ok


# 25 ------------------------------------------------------------------------------------------------

def test_an_existing_empty_output_folder_is_filled_and_keeps_its_mode_owner_and_inode(site_dir, tmp_path):
    """REDTEAM 25: an empty --out was replaced: mode 2775 became 755, the owner root, a new inode."""
    src = site_dir()
    out = tmp_path / "out"
    out.mkdir()
    os.chmod(out, 0o2775)
    if os.geteuid() == 0:
        os.chown(out, 65534, 65534)
    before = os.stat(out)
    assert build_site(src, out).ok and (out / "index.html").is_file()
    after = os.stat(out)
    assert (after.st_ino, after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (
        before.st_ino, before.st_uid, before.st_gid, 0o2775)
    # A failed first build leaves the empty folder empty.
    empty = tmp_path / "empty"
    empty.mkdir()
    (src / "events" / "1864-dated.yaml").write_text("title: Broken\ndate: 1864-02-30\n")
    assert not build_site(src, empty).ok
    assert list(empty.iterdir()) == []


# 26 ------------------------------------------------------------------------------------------------

def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in handle)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux") or not parallel.can_fork(),
                    reason="the kernel's parent-death signal is Linux's")
def test_the_second_process_dies_when_the_build_is_killed(tmp_path):
    """REDTEAM 26: after kill -9 the forked render child kept running and writing into staging."""
    pid_file = tmp_path / "child.pid"
    parent = _python(f"""
        import os, time
        from timeline import parallel
        def there():
            open({str(pid_file)!r}, "w").write(str(os.getpid()))
            time.sleep(60)
        parallel.in_two(lambda: time.sleep(60), there)
        """)
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        child = int(pid_file.read_text())
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 5
        while not _gone(child):
            assert time.monotonic() < deadline, "the child outlived its killed parent"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.communicate()
        if pid_file.exists() and pid_file.read_text() and not _gone(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


# 29 ------------------------------------------------------------------------------------------------

def test_check_writes_nothing_outside_the_sources_not_even_compiled_templates(site_dir, tmp_path, monkeypatch):
    """REDTEAM 29 (decided: `check` writes nothing anywhere; `build` keeps Jinja2's compiled
    templates in its per-user cache folder, which it creates safely)."""
    import tempfile
    src = site_dir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = _files(tmp_path)
    assert main(["check", "--src", str(src)]) == 0
    assert _files(tmp_path) == before
    assert list(scratch.iterdir()) == []
