"""What one edit builds again, with the memo saved by the last build: only the pages that show what
changed, and always exactly the output of a build without a memo."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from timeline import render
from timeline.build import build_site


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".timeline-build"}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    before = path.stat().st_mtime_ns
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    while path.stat().st_mtime_ns == before:  # coarse clocks: make the change visible
        time.sleep(0.01)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rendered(monkeypatch) -> list:
    """The paths of the pages rendered from now on."""
    rendered = []
    call = render._PageRenderer.__call__
    monkeypatch.setattr(render._PageRenderer, "__call__", lambda r, spec: rendered.append(spec.path) or call(r, spec))
    return rendered


def _rebuild(src: Path, out: Path, tmp_path: Path, rendered: list) -> set:
    """Build with the saved memo; check it against a build without one; the pages rendered."""
    rendered.clear()
    result = build_site(src, out)
    assert result.ok and not result.reused
    redone = set(rendered)
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    assert build_site(src, fresh, use_cache=False).ok
    assert _tree(out) == _tree(fresh)
    return redone


def _events(paths: set) -> set:
    return {p.split("/")[1] for p in paths if p.startswith("events/")}


def test_a_title_renders_again_the_list_pages_that_show_it_and_no_other(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    rendered = _rendered(monkeypatch)
    _edit(src / "events" / "1727-treaty-of-kyakhta.yaml", "title: Treaty of Kyakhta", "title: Treaty of Kiakhta")
    redone = _rebuild(src, out, tmp_path, rendered)
    # Kyakhta is of the early era and of the trade and territory themes.
    for page in ("eras/early/index.html", "themes/trade/index.html", "themes/territory/index.html"):
        assert page in redone and "Treaty of Kiakhta" in (out / page).read_text()
    assert "eras/late/index.html" not in redone and "themes/diplomacy/index.html" not in redone
    # The print views likewise: the whole timeline's, and its era's and themes'.
    assert {p for p in redone if p.startswith("print/")} == {
        "print/index.html", "print/eras/early/index.html", "print/themes/trade/index.html",
        "print/themes/territory/index.html"}
    assert "Treaty of Kiakhta" in (out / "print" / "themes" / "trade" / "index.html").read_text()
    assert _events(redone) == {"1727-treaty-of-kyakhta", "1689-treaty-of-nerchinsk", "1864-year-only"}


def test_a_date_that_reorders_renders_again_the_moved_event_its_neighbours_and_theirs(
        site_dir, tmp_path, monkeypatch):
    src = site_dir()
    out = tmp_path / "build"
    before = build_site(src, out)
    assert before.ok
    rendered = _rendered(monkeypatch)
    # Kyakhta (1727) moves after both events of 1864: from between Nerchinsk and 1864, to before 1950.
    _edit(src / "events" / "1727-treaty-of-kyakhta.yaml", "date: 1727", "date: 1900")
    redone = _rebuild(src, out, tmp_path, rendered)
    order = [e.id for e in before.timeline.entries]
    assert order.index("1727-treaty-of-kyakhta") < order.index("1864-dated")
    assert "1900" in (out / "events" / "1727-treaty-of-kyakhta" / "index.html").read_text()
    assert "1727-treaty-of-kyakhta" in _events(redone)
    # An event page may show any of its neighbours, their links too: the moved event's old and new
    # neighbours change, and so do the pages that show those (here, in a site of six, every one).
    assert _events(redone) == {e.id for e in before.timeline.entries}


def test_a_deleted_event_renders_again_its_neighbours_and_theirs_only_and_its_page_goes(site_dir, tmp_path,
                                                                                         monkeypatch):
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    rendered = _rendered(monkeypatch)
    (src / "events" / "1969-zhenbao-island.yaml").unlink()
    redone = _rebuild(src, out, tmp_path, rendered)
    assert not (out / "events" / "1969-zhenbao-island").exists()
    # Its previous event, now the last, and that one's previous (which may show its neighbour's links).
    assert _events(redone) == {"1950-treaty-of-alliance", "1864-dated"}
    assert "eras/early/index.html" not in redone
    assert "1969-zhenbao-island" not in (out / "print" / "index.html").read_text()


def test_a_source_change_renders_again_the_pages_of_the_events_that_cite_it(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    rendered = _rendered(monkeypatch)
    _edit(src / "sources.yaml", "publisher: Harvard University Press", "publisher: Harvard UP")
    redone = _rebuild(src, out, tmp_path, rendered)
    # The three that cite it, and their neighbours (an event page may show any of its neighbours'
    # text): 1864-dated follows 1864-year-only.
    assert _events(redone) == {"1689-treaty-of-nerchinsk", "1727-treaty-of-kyakhta", "1864-year-only", "1864-dated"}
    assert "Harvard UP" in (out / "sources" / "index.html").read_text()


def test_a_source_edit_encodes_again_that_source_alone_in_sources_json(site_dir, tmp_path, monkeypatch):
    from timeline import exports
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    encoded = []
    item = exports.csl_item
    monkeypatch.setattr(exports, "csl_item", lambda s: encoded.append(s.key) or item(s))
    _edit(src / "sources.yaml", "publisher: Harvard University Press", "publisher: Harvard UP")
    _rebuild(src, out, tmp_path, [])
    assert encoded[:1] == ["mancall-1971"]  # then the uncached build encodes every source
    assert b'"publisher":"Harvard UP"' in (out / "sources.json").read_bytes()


def test_the_preview_plans_again_only_the_event_pages_whose_inputs_changed(site_dir, tmp_path, monkeypatch):
    from timeline import pages
    from timeline.incremental import Memo
    src = site_dir()
    out = tmp_path / "build"
    memo = Memo()
    assert build_site(src, out, memo=memo).ok
    planned = []
    made = pages.Neighbours.__init__
    monkeypatch.setattr(pages.Neighbours, "__init__", lambda self, by_id: planned.append(sorted(by_id)) or made(self, by_id))
    _edit(src / "events" / "1950-treaty-of-alliance.yaml", "title: Treaty", "title: The Treaty")
    assert build_site(src, out, memo=memo).ok
    # The edited event and its previous and next (which show its title); no other event page.
    assert len(planned) == 3
    assert "The Treaty of Friendship" in (out / "events" / "1969-zhenbao-island" / "index.html").read_text()
    fresh = tmp_path / "fresh"
    assert build_site(src, fresh, use_cache=False).ok
    assert _tree(out) == _tree(fresh)
