"""The preview's in-memory short cuts (file signatures, entries, charts) never keep a stale value."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support import ROOT
from timeline import chart, content, fields
from timeline.build import build_site, render_site
from timeline.incremental import Memo
from timeline.pages import Limits


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".timeline-build"}


def _same_as_uncached(src: Path, out: Path, memo: Memo, **options) -> None:
    fresh = out.parent / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    result, uncached = build_site(src, out, memo=memo, **options), build_site(src, fresh, use_cache=False, **options)
    assert result.ok and uncached.ok
    assert _tree(out) == _tree(fresh)


def _count_reads(monkeypatch) -> list:
    """The event files read from now on."""
    reads = []

    def counting(path):
        reads.append(os.path.basename(path))
        return fields.read(path)
    monkeypatch.setattr(content, "read", counting)
    return reads


def test_the_preview_reads_again_only_the_event_files_whose_signature_changed(site_dir, tmp_path, monkeypatch):
    src, out, memo = site_dir(), tmp_path / "build", Memo()
    monkeypatch.setattr(content, "SETTLED_NS", 0)  # the fixture's files were written just now
    assert build_site(src, out, memo=memo).ok
    reads = _count_reads(monkeypatch)
    assert build_site(src, out, memo=memo).ok
    assert reads == []
    event = src / "events" / "1864-dated.yaml"
    event.write_text(event.read_text().replace("A dated event", "A renamed event"))
    assert build_site(src, out, memo=memo).ok
    assert reads == ["1864-dated.yaml"]
    _same_as_uncached(src, out, memo)
    assert "A renamed event" in (out / "events" / "1864-dated" / "index.html").read_text()


def test_a_file_rewritten_with_the_same_size_and_time_is_still_read_again(site_dir, tmp_path, monkeypatch):
    """A coarse file clock gives two saves in one tick the same time: a signature taken so soon
    after a change is not trusted, and a restored time (touch -d) changes the inode's ctime."""
    src, out, memo = site_dir(), tmp_path / "build", Memo()
    event = src / "events" / "1864-dated.yaml"
    assert build_site(src, out, memo=memo).ok            # every file just written: none trusted
    before = event.stat()
    event.write_text(event.read_text().replace("A dated event", "A dated evenT"))
    os.utime(event, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert event.stat().st_size == before.st_size
    _same_as_uncached(src, out, memo)
    assert "A dated evenT" in (out / "events" / "1864-dated" / "index.html").read_text()
    monkeypatch.setattr(content, "SETTLED_NS", 0)        # now trusted: the ctime still tells
    assert build_site(src, out, memo=memo).ok
    event.write_text(event.read_text().replace("A dated evenT", "A dated even!"))
    os.utime(event, ns=(before.st_atime_ns, before.st_mtime_ns))
    _same_as_uncached(src, out, memo)
    assert "A dated even!" in (out / "events" / "1864-dated" / "index.html").read_text()


def test_the_command_line_reads_again_only_the_event_files_whose_signature_changed(site_dir, tmp_path, monkeypatch):
    """The last build saved each file's signature (size, times, inode): an unchanged file is not read
    again; a rewritten one is, even with its size and modification time put back (its ctime tells)."""
    src, out = site_dir(), tmp_path / "build"
    monkeypatch.setattr(content, "SETTLED_NS", 0)
    assert build_site(src, out).ok
    event = src / "events" / "1864-dated.yaml"
    before = event.stat()
    event.write_text(event.read_text().replace("A dated event", "A dated evenT"))
    os.utime(event, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert event.stat().st_size == before.st_size
    reads = _count_reads(monkeypatch)
    assert build_site(src, out).ok
    assert reads == ["1864-dated.yaml"]
    assert "A dated evenT" in (out / "events" / "1864-dated" / "index.html").read_text()
    reads.clear()
    assert build_site(src, out, use_cache=False).ok    # no saved memo: every file
    assert sorted(reads) == sorted(p.name for p in (src / "events").glob("*.yaml"))


def test_the_command_line_stats_each_event_file_once(site_dir, tmp_path, monkeypatch):
    """The build's inputs digest has stat'ed every content file: the content stage takes its signatures
    from there (at 10,000 events, 10,000 stat calls less) and still reads again only the edited file."""
    src, out = site_dir(), tmp_path / "build"
    monkeypatch.setattr(content, "SETTLED_NS", 0)
    assert build_site(src, out).ok
    event = src / "events" / "1864-dated.yaml"
    event.write_text(event.read_text().replace("A dated event", "A renamed event"))
    stat, asked = os.stat, []

    def counting(path, *args, **kwargs):
        if str(path).endswith(".yaml") and "events" in str(path):
            asked.append(os.path.basename(path))
        return stat(path, *args, **kwargs)
    monkeypatch.setattr(os, "stat", counting)
    reads = _count_reads(monkeypatch)
    assert build_site(src, out).ok
    assert reads == ["1864-dated.yaml"] and asked == reads    # the reader's own check before it opens the file
    assert "A renamed event" in (out / "events" / "1864-dated" / "index.html").read_text()
    asked.clear()
    assert render_site(src).ok     # no digest, no memo: each file's signature, then its reading
    assert sorted(asked) == sorted(2 * [p.name for p in (src / "events").glob("*.yaml")])


def test_the_command_line_reads_every_file_changed_too_recently_for_its_signature_to_tell(site_dir, tmp_path,
                                                                                         monkeypatch):
    src, out = site_dir(), tmp_path / "build"
    assert build_site(src, out).ok                     # the files were written just now: no signature kept
    event = src / "events" / "1864-dated.yaml"
    event.write_text(event.read_text().replace("A dated event", "A renamed event"))
    reads = _count_reads(monkeypatch)
    assert build_site(src, out).ok
    assert sorted(reads) == sorted(p.name for p in (src / "events").glob("*.yaml"))
    _same_as_uncached(src, out, None)


def test_the_preview_keeps_an_unchanged_entry_and_remakes_one_whose_neighbours_changed(site_dir):
    src, memo = site_dir(), Memo()

    def timeline():
        return render_site(src, templates=ROOT / "templates", memo=memo).timeline

    def kept(before, after) -> set:
        return {e.id for e in after.entries if e is before.by_id.get(e.id)}

    first = timeline()
    event = src / "events" / "1864-dated.yaml"
    event.write_text(event.read_text().replace("A dated event", "A renamed event"))
    second = timeline()
    assert kept(first, second) == set(second.by_id) - {"1864-dated"}
    assert second.by_id["1864-dated"].event.title == "A renamed event"
    site_dir({"events/1700-new.yaml": "title: New\ndate: 1700\nthemes: [territory]\nsignificance: minor\n"
                                      "summary: New [@mancall-1971].\n"})
    third = timeline()
    assert kept(second, third) == set(second.by_id) - {"1689-treaty-of-nerchinsk", "1727-treaty-of-kyakhta"}
    assert third.by_id["1689-treaty-of-nerchinsk"].next == "1700-new" == third.by_id["1727-treaty-of-kyakhta"].prev


def test_the_home_charts_are_drawn_again_only_when_what_they_show_changed(site_dir, monkeypatch):
    src, memo = site_dir(), Memo()
    drawn = []
    overview = chart.overview
    monkeypatch.setattr(chart, "overview", lambda tl, root="", entries=None: drawn.append(root) or
                        overview(tl, root, entries))

    def charts(shown: set[str]):
        """The charts of a page at root x/ showing the events shown (the build draws its own, at root "")."""
        tl = render_site(src, templates=ROOT / "templates", memo=memo).timeline
        drawn[:] = [root for root in drawn if root == "x/"]
        return chart.home(tl, "x/", entries=[e for e in tl.entries if e.id in shown], memo=memo)

    shown = {"1689-treaty-of-nerchinsk", "1969-zhenbao-island"}
    before = charts(shown)
    assert len(drawn) == 1
    other = src / "events" / "1864-dated.yaml"
    other.write_text(other.read_text().replace("A dated event", "A renamed event"))
    assert charts(shown).overview == before.overview and len(drawn) == 1
    event = src / "events" / "1969-zhenbao-island.yaml"
    event.write_text(event.read_text().replace("title: ", "title: Retold ", 1))
    after = charts(shown)
    assert len(drawn) == 2 and "Retold" in after.overview
    uncached = render_site(src, templates=ROOT / "templates").timeline
    assert after == chart.home(uncached, "x/", entries=[e for e in uncached.entries if e.id in shown])


def test_a_home_page_showing_major_events_only_equals_an_uncached_build_after_edits(site_dir, tmp_path):
    src, out, memo = site_dir(), tmp_path / "build", Memo()
    limits = Limits(home_limit=2)
    assert build_site(src, out, memo=memo, limits=limits).ok
    for name, old, new in (("1864-dated.yaml", "A dated event", "A renamed event"),
                           ("1689-treaty-of-nerchinsk.yaml", "significance: major", "significance: minor")):
        event = src / "events" / name
        assert old in event.read_text()
        event.write_text(event.read_text().replace(old, new))
        _same_as_uncached(src, out, memo, limits=limits)


def test_digests_keep_their_parts_apart_whatever_the_strings_hold():
    from timeline.incremental import digest
    cases = [("ab", "c"), ("a", "bc"), ("a\0", "b"), ("a", "\0b"), (None,), ("None",), (3,), ("3",), ("3", ""),
             ("\1'a\\x00'",), ("a\0",), (), ("",), ("", ""), (b"x",), ("b'x'",), (("a", "b"),), ("('a', 'b')",)]
    assert len({digest(*case) for case in cases}) == len(cases)
    assert digest("a", 1, None) == digest("a", 1, None)


@pytest.mark.parametrize("parts", [(), ("",), ("", ""), ("a",), ("ab", "c"), ("a", "bc"), ("Пекин", "北京", "\udcff")])
def test_a_digest_of_joined_parts_is_the_digest_of_the_parts(parts):
    from timeline.incremental import digest, digest_joined
    assert digest_joined("\0".join(parts), len(parts)) == digest(*parts)


def test_the_preview_leaves_the_print_views_to_render_when_asked_and_they_equal_an_uncached_build(site_dir, tmp_path):
    src, out, memo = site_dir(), tmp_path / "build", Memo()
    fresh = tmp_path / "fresh"
    event = src / "events" / "1864-dated.yaml"
    for edit in (None, ("A dated event", "A renamed event"), ("significance: ", "significance: major\n#")):
        if edit:
            event.write_text(event.read_text().replace(*edit, 1))
        result = build_site(src, out, memo=memo, on_demand=True, base_url="https://example.org/sub/")
        assert result.ok and "print/index.html" in result.deferred
        assert not (out / "print").exists()
        shutil.rmtree(fresh, ignore_errors=True)
        assert build_site(src, fresh, use_cache=False, base_url="https://example.org/sub/").ok
        assert b"print/" in (fresh / "sitemap.xml").read_bytes()
        served = _tree(out) | {path: make() for path, make in result.deferred.items()}
        assert served == _tree(fresh)
    assert "A renamed event" in result.deferred["print/index.html"]().decode()
