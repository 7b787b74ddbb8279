"""What testers found breaking after the lazy memo (cfce323..598778a), and after its values were
read one by one from their file (e7ca4aa)."""

from __future__ import annotations

import filecmp
import os
import pickle
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import GOOD, ROOT
from timeline import incremental, memofile
from timeline.build import build_site


@pytest.mark.parametrize("shown", ["{{ events|indent(6) }}", "{{ events|length }} {{ events }}",
                                   "{{ events|truncate(100000000) }}"],
                         ids=["indent", "length", "truncate"])
def test_a_theme_s_print_era_templates_may_filter_the_era_s_events_as_text(tmp_path, shown):
    """partials/print_era.html and print_toc_era.html get `events`, their events' text: a theme may
    indent it, measure it or cut it, as it could before 598778a (a Later has no len(), no +=)."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    for name in ("print_era.html", "print_toc_era.html"):
        part = templates / "partials" / name
        part.write_text(part.read_text(encoding="utf-8").replace("{{ events }}", shown), encoding="utf-8")
    result = build_site(Path(GOOD), tmp_path / "out", templates=templates, use_cache=False)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert "Treaty of Nerchinsk" in (tmp_path / "out" / "print" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("shown, check", [
    ("{{ events }}", lambda text, plain: text == plain),
    ("{{ events }}<hr>{{ events }}",
     lambda text, plain: text.count('class="print-event"') == 2 * plain.count('class="print-event"')),
    ("{% filter upper %}{{ events }}{% endfilter %}", lambda text, plain: "TREATY OF NERCHINSK" in text),
    ("{% set shown %}{{ events }}{% endset %}{{ shown|length > 1000 }}", lambda text, plain: "True</section>" in text),
    ("{% macro m() %}{{ events }}{% endmacro %}{{ m()|replace('Nerchinsk', 'N.') }}",
     lambda text, plain: "Treaty of N." in text
     and "Treaty of Nerchinsk" not in text.split("<h1")[-1].split('class="print-era"')[1]),
], ids=["as-is", "twice", "filtered-block", "captured", "macro"])
def test_an_era_s_events_are_shown_as_the_theme_s_template_says(tmp_path, shown, check):
    """An era's events are put into partials/print_era.html after it is rendered when the template
    only shows them as they are (a copy of megabytes fewer); any other use sees the text itself."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    plain = build_site(Path(GOOD), tmp_path / "plain", templates=templates, use_cache=False)
    part = templates / "partials" / "print_era.html"
    part.write_text(part.read_text(encoding="utf-8").replace("{{ events }}", shown), encoding="utf-8")
    result = build_site(Path(GOOD), tmp_path / "out", templates=templates, use_cache=False)
    assert plain.ok and result.ok, [str(d) for d in result.diagnostics]
    text = (tmp_path / "out" / "print" / "index.html").read_text(encoding="utf-8")
    assert "\0" not in text and check(text, (tmp_path / "plain" / "print" / "index.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("payload", [
    # Constructs an engine class with side effects: Writer(path) makes the folder and writes a file in it.
    lambda target: b"\x80\x04ctimeline.writer\nWriter\n(V" + str(target).encode() + b"\ntR.",
    # Imports timeline.__main__, which runs the command line (and raises SystemExit) as it is imported.
    lambda target: b"\x80\x04ctimeline.__main__\nX\n.",
], ids=["writer", "main"])
def test_a_signed_lazy_value_naming_an_engine_class_with_effects_is_never_built(tmp_path, payload, monkeypatch):
    """The restricted unpickler is the second line of defence behind the signature: a value in a
    file this user's key signed is built only of the engine's data records (dataclasses, named
    tuples), never by calling another engine class or importing a module."""
    monkeypatch.setattr("sys.argv", ["timeline", "--version"])
    target = tmp_path / "elsewhere"
    stage = incremental.Stage("index.entry-text", lazy=True)
    folder = tmp_path / "memo"
    folder.mkdir()
    name = f"index.entry-text.{incremental.shard('k')}.pickle"
    memofile._write_stage(folder, name, True, None, {"k": ("in", 0, pickle.dumps("read"))})
    assert memofile.load(folder).get(stage, "k", "in", lambda: "made again") == "read"
    memofile._write_stage(folder, name, True, None, {"k": ("in", 0, payload(target))})
    memo = memofile.load(folder)
    assert memo.get(stage, "k", "in", lambda: "made again") == "made again"
    assert not target.exists()


def test_a_lazy_value_altered_after_its_signed_table_is_made_again_not_read(tmp_path):
    """A lazy stage's values follow its signed table in the file and are read one by one, when a build
    asks: each is checked against the digest the table holds for it, so a value changed in the file
    (here to another valid value of the same length) is made again, and its neighbours are still read."""
    stage = incremental.Stage("index.entry-text", lazy=True)
    folder = tmp_path / "memo"
    folder.mkdir()
    name = f"index.entry-text.{incremental.shard('k')}.pickle"
    memofile._write_stage(folder, name, True, None, {"k": ("in", 0, pickle.dumps("read")),
                                                      "j": ("in", 0, pickle.dumps("kept"))})
    path = folder / name
    data = path.read_bytes()
    assert data.count(b"read") == 1
    path.write_bytes(data.replace(b"read", b"evil"))
    memo = memofile.load(folder)
    assert memo.get(stage, "k", "in", lambda: "made again") == "made again"
    assert memo.get(stage, "j", "in", lambda: "made again") == "kept"
    path.write_bytes(data + b"more")   # grown: the table no longer says what follows it
    assert memofile.load(folder).tables == {}


def test_values_not_asked_for_are_saved_again_from_the_file_they_were_read_from(tmp_path):
    """A build that changes one value of a lazy stage rewrites its file: the values it never asked
    for are copied from the file it read (kept open, though the new file replaces it), unaltered."""
    stage = incremental.Stage("test.lazy", lazy=True)
    folder = tmp_path / "memo"
    memo = incremental.Memo(in_memory=False)
    memo.begin()
    for i in range(300):
        memo.put(stage, f"k{i}", "in", {"n": i, "text": "x" * i})
    memo.end()
    memofile.save(memo, folder)
    for generation in range(3):
        memo = memofile.load(folder)
        memo.begin()
        assert memo.get(stage, "k7", "in", lambda: "made again") == {"n": 7, "text": "x" * 7}
        memo.put(stage, f"k{generation}", "new", generation)   # its file is rewritten; the others' are not
        memo.end()
        memofile.save(memo, folder)
    memo = memofile.load(folder)
    assert [memo.get(stage, f"k{i}", "new", lambda: "made again") for i in range(3)] == [0, 1, 2]
    assert all(memo.get(stage, f"k{i}", "in", lambda: "made again") == {"n": i, "text": "x" * i}
               for i in range(3, 300))


def _run(args, cwd, limit=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    pre = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))) if limit else None
    return subprocess.run([sys.executable, "-m", "timeline", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, preexec_fn=pre)


def _same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ between two outputs (the manifest .timeline-build holds times: left out)."""
    diff, todo = [], [filecmp.dircmp(a, b, ignore=[".timeline-build", ".timeline-build.lock"])]
    while todo:
        c = todo.pop()
        diff += [*c.left_only, *c.right_only, *c.diff_files, *c.funny_files]
        todo += c.subdirs.values()
    return diff


def _retitle(src: Path, title: str) -> None:
    event = src / "events" / "1689-treaty-of-nerchinsk.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace(text.splitlines()[0], f"title: {title}", 1), encoding="utf-8")


def test_a_memo_does_not_make_a_build_fail_under_a_file_limit_an_uncached_build_meets(tmp_path):
    """A lazy stage's memo files were kept open for the whole build (32 descriptors: 2 stages x 16
    shards). Under `ulimit -n 32` a build without the memo (and the engine before e7ca4aa, down to
    16) succeeded; with the memo it failed with 'Too many open files'. A value's file is now opened
    when the value is read, and closed."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "site_src", src)
    assert _run(["build", "--src", str(src), "--out", str(tmp_path / "out")], tmp_path).returncode == 0
    _retitle(src, "Treaty of Nerchinsk (edited)")
    plain = _run(["build", "--no-cache", "--src", str(src), "--out", str(tmp_path / "plain")], tmp_path, limit=32)
    assert plain.returncode == 0, plain.stderr
    cached = _run(["build", "--src", str(src), "--out", str(tmp_path / "out")], tmp_path, limit=32)
    assert cached.returncode == 0, cached.stderr[-400:]
    assert _same_tree(tmp_path / "plain", tmp_path / "out") == []


def test_check_with_the_memo_under_a_file_limit_gives_no_traceback(tmp_path):
    """`timeline check` reads the newest memo: under `ulimit -n 32` it ended in a Python traceback
    (OSError: [Errno 24] ... jinja2/ext.py), where `check --no-cache` passed."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "site_src", src)
    assert _run(["build", "--src", str(src), "--out", str(tmp_path / "out")], tmp_path).returncode == 0
    plain = _run(["check", "--no-cache", "--src", str(src)], tmp_path, limit=32)
    assert plain.returncode == 0, plain.stderr[-400:]
    cached = _run(["check", "--src", str(src)], tmp_path, limit=32)
    assert "Traceback" not in cached.stderr, cached.stderr[-600:]
    assert cached.returncode == plain.returncode and cached.stdout == plain.stdout


def test_a_signed_memo_file_copied_over_another_stage_s_does_not_change_the_pages(tmp_path):
    """A file's signature covered its body, not its name: fragments.toc and fragments.search share
    keys ((language, event id)) and inputs (base + event key), so the table of contents' lines copied
    in as fragments.search's went into the search data of index.html and map/index.html (older than
    the lazy values). The signature now covers the file's name (stage and shard) too."""
    src = tmp_path / "src"
    shutil.copytree(GOOD, src)
    out = tmp_path / "out"
    assert _run(["build", "--src", str(src), "--out", str(out)], tmp_path).returncode == 0
    [memo] = [p for p in (tmp_path / ".timeline-cache").iterdir() if p.name.startswith("memo-")]
    for toc in memo.glob("fragments.toc.*.pickle"):
        shutil.copyfile(toc, memo / toc.name.replace("fragments.toc.", "fragments.search."))
    _retitle(src, "Treaty of Nerchinsk (edited)")
    assert _run(["build", "--no-cache", "--src", str(src), "--out", str(tmp_path / "plain")], tmp_path).returncode == 0
    assert _run(["build", "--src", str(src), "--out", str(out)], tmp_path).returncode == 0
    assert _same_tree(tmp_path / "plain", out) == []


def test_a_save_removes_what_a_save_killed_half_way_left_and_nothing_else(site_dir, tmp_path):
    """A build killed while it saved its memo leaves a temporary .memo-* file in the memo's folder;
    the next save removes it (a link of that name is removed itself, never what it points to; a
    folder of that name is left)."""
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    (folder / ".memo-abc123").write_bytes(b"half a memo file")
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    (folder / ".memo-link").symlink_to(outside)
    (folder / ".memo-folder").mkdir()
    event = src / "events" / "1864-dated.yaml"
    event.write_text(event.read_text().replace("A dated event", "A renamed event"))
    assert build_site(src, out).ok
    assert sorted(p.name for p in folder.glob(".memo-*")) == [".memo-folder"]
    assert outside.read_text() == "keep me"
