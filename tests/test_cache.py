"""The "nothing changed" short cut can never keep stale output."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from support import ROOT
from timeline import inputsdigest
from timeline.build import build_site
from timeline.incremental import Memo
from timeline.pages import Limits


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".timeline-build"}


@pytest.fixture
def setup(site_dir, tmp_path):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "build"
    first = build_site(src, out, templates=templates)
    assert first.ok and not first.reused
    second = build_site(src, out, templates=templates)
    assert second.ok and second.reused and second.written == 0
    return src, templates, out, tmp_path


def _same_as_uncached(src, templates, out, tmp_path):
    cached = build_site(src, out, templates=templates)
    assert cached.ok and not cached.reused
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    assert build_site(src, fresh, templates=templates, use_cache=False).ok
    assert _tree(out) == _tree(fresh)
    return cached


def _touch_later(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    while path.stat().st_mtime_ns == before:  # coarse clocks: make the change visible
        time.sleep(0.01)
        path.write_text(text, encoding="utf-8")


def test_template_change_rebuilds(setup):
    src, templates, out, tmp_path = setup
    page = templates / "event.html"
    _touch_later(page, page.read_text().replace("<h1 ", '<h1 data-changed="yes" ', 1))
    _same_as_uncached(src, templates, out, tmp_path)
    assert 'data-changed="yes"' in (out / "events" / "1864-dated" / "index.html").read_text()


def test_source_change_rebuilds(setup):
    src, templates, out, tmp_path = setup
    sources = src / "sources.yaml"
    _touch_later(sources, sources.read_text().replace("An example page", "A renamed page"))
    _same_as_uncached(src, templates, out, tmp_path)
    assert "A renamed page" in (out / "sources" / "index.html").read_text()


def test_engine_version_change_rebuilds(setup, monkeypatch):
    src, templates, out, tmp_path = setup
    monkeypatch.setattr(inputsdigest, "__version__", "999.0")
    _same_as_uncached(src, templates, out, tmp_path)


def test_engine_code_change_rebuilds(setup, monkeypatch):
    src, templates, out, tmp_path = setup
    engine = tmp_path / "engine"
    shutil.copytree(inputsdigest.ENGINE_DIR, engine, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(inputsdigest, "ENGINE_DIR", engine)
    assert build_site(src, out, templates=templates).reused  # an identical copy of the engine
    _touch_later(engine / "dates.py", (engine / "dates.py").read_text() + "\n# changed\n")
    assert not build_site(src, out, templates=templates).reused


def test_option_change_rebuilds(setup):
    src, templates, out, tmp_path = setup
    result = build_site(src, out, templates=templates, base_url="https://example.org/x/")
    assert not result.reused
    assert "https://example.org/x/" in (out / "index.html").read_text()


def test_hand_edited_or_added_output_is_repaired(setup):
    src, templates, out, tmp_path = setup
    before = _tree(out)
    _touch_later(out / "index.html", "vandalised")
    result = build_site(src, out, templates=templates)
    assert not result.reused and _tree(out) == before
    (out / "extra.html").write_text("stray")
    assert not build_site(src, out, templates=templates).reused
    assert _tree(out) == before


def test_warnings_are_reported_again_when_nothing_changed(site_dir, tmp_path):
    src = site_dir({"sources/extra.yaml": "unused-book:\n  type: book\n  title: Nobody cites me\n"})
    out = tmp_path / "build"
    first = build_site(src, out)
    again = build_site(src, out)
    assert again.reused
    assert [str(d) for d in again.diagnostics] == [str(d) for d in first.diagnostics]
    assert any("not cited" in d.message for d in again.warnings)
    assert not build_site(src, out, strict=True).ok  # --strict is an input too: it fails, not reuses


def test_no_cache_flag(site_dir, tmp_path, capsys):
    from timeline.cli import main
    site_dir()
    assert main(["build", "--out", "b"]) == 0
    assert main(["build", "--out", "b"]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert main(["build", "--out", "b", "--no-cache"]) == 0
    assert "built " in capsys.readouterr().out


def test_preview_cache_sees_every_change(site_dir, tmp_path):
    """The preview's memo: each kind of edit gives exactly the output of an uncached build."""
    src = site_dir()
    out, fresh = tmp_path / "build", tmp_path / "fresh"
    memo = Memo()
    assert build_site(src, out, memo=memo).ok
    event = src / "events" / "1864-dated.yaml"

    def same_as_uncached():
        result = build_site(src, out, memo=memo)
        shutil.rmtree(fresh, ignore_errors=True)
        uncached = build_site(src, fresh, use_cache=False)
        assert [str(d) for d in result.diagnostics] == [str(d) for d in uncached.diagnostics]
        assert result.ok == uncached.ok
        if result.ok:
            assert _tree(out) == _tree(fresh)
        return result

    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert same_as_uncached().ok
    assert "A renamed event" in (out / "events" / "1864-year-only" / "index.html").read_text()  # prev/next
    # A link added and taken away again: both ends show it, then neither (pages far apart).
    linked = src / "events" / "1969-zhenbao-island.yaml"
    unlinked = event.read_text()
    _touch_later(event, unlinked + "related: [1969-zhenbao-island]\n")
    assert same_as_uncached().ok
    assert "1864-dated/index.html" in (out / "events" / "1969-zhenbao-island" / "index.html").read_text()
    _touch_later(linked, linked.read_text().replace("title: ", "title: Retold ", 1))  # seen from the other end
    assert same_as_uncached().ok
    assert "Retold Clashes" in (out / "events" / "1864-dated" / "index.html").read_text()
    _touch_later(event, unlinked)
    assert same_as_uncached().ok
    assert "1864-dated/index.html" not in (out / "events" / "1969-zhenbao-island" / "index.html").read_text()
    sources = src / "sources.yaml"
    _touch_later(sources, sources.read_text().replace("An example page", "A retitled page"))
    assert same_as_uncached().ok
    assert "A retitled page" in (out / "events" / "1864-dated" / "index.html").read_text()
    site = src / "site.yaml"
    _touch_later(site, site.read_text().replace("label: Territory", "label: Land"))
    assert same_as_uncached().ok
    (src / "events" / "1700-new.yaml").write_text("title: New\ndate: 1700\nthemes: [territory]\n"
                                                  "significance: minor\nsummary: New [@mancall-1971].\n")
    assert same_as_uncached().ok
    (src / "events" / "1700-new.yaml").unlink()
    assert same_as_uncached().ok and not (out / "events" / "1700-new").exists()
    _touch_later(event, "title: [broken\n")
    broken = same_as_uncached()
    assert not broken.ok and "YAML syntax error" in str(broken.errors[0])


def test_print_page_links_the_pdf_only_when_it_is_built(site_dir):
    from timeline.build import render_site
    src = site_dir()
    with_pdf = render_site(src, pdf=True).files["print/index.html"].decode()
    without = render_site(src).files["print/index.html"].decode()
    assert 'href="../timeline.pdf"' in with_pdf
    assert "timeline.pdf" not in without


def test_event_pages_cannot_reach_beyond_their_neighbours(site_dir, tmp_path, capsys):
    """The page cache trusts an event page while its own event and neighbours are unchanged, so its
    template is not given the whole timeline: using it is a clear template error."""
    from timeline.cli import main
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "event.html"
    page.write_text(page.read_text().replace("<h1 ", "{{ entries|length }}<h1 ", 1))
    assert main(["build", "--src", str(src), "--templates", str(templates), "--out", "out"]) == 1
    err = capsys.readouterr().err
    assert "templates/event.html:" in err and "'entries' is not available on event pages" in err


def test_event_pages_see_only_the_sources_their_event_cites(site_dir, tmp_path, capsys):
    """An event page is re-rendered when a source it cites changes, not when any other does; so
    its template may look up only those sources."""
    from timeline.cli import main
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "event.html"
    original = page.read_text()
    page.write_text(original.replace("<h1 ", "{{ sources|length }}<h1 ", 1))
    assert main(["build", "--src", str(src), "--templates", str(templates), "--out", "out"]) == 1
    err = capsys.readouterr().err
    assert "templates/event.html:" in err and "holds only the sources its event cites" in err
    page.write_text(original.replace("<h1 ", "{{ sources['example-web'].title }}<h1 ", 1))
    assert main(["build", "--src", str(src), "--templates", str(templates), "--out", "out"]) == 1
    assert "templates/event.html:" in capsys.readouterr().err


def test_preview_redoes_only_what_cites_an_edited_source(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    out, fresh = tmp_path / "build", tmp_path / "fresh"
    memo = Memo()
    assert build_site(src, out, memo=memo).ok
    rendered = _count_pages(monkeypatch)

    def edit(old: str, new: str):
        sources = src / "sources.yaml"
        text = sources.read_text()
        assert old in text
        _touch_later(sources, text.replace(old, new, 1))
        rendered.clear()
        result = build_site(src, out, memo=memo)
        redone = set(rendered)
        shutil.rmtree(fresh, ignore_errors=True)
        uncached = build_site(src, fresh, use_cache=False)
        assert result.ok and uncached.ok
        assert [str(d) for d in result.diagnostics] == [str(d) for d in uncached.diagnostics]
        assert _tree(out) == _tree(fresh)
        rendered[:] = redone
        return {p for p in redone if p.startswith("events/")}

    # Cited by the Nerchinsk event alone: its page is rendered again, and its neighbours' (previous,
    # next, related: an event page may show any of them), with the lists and the sources page,
    # which show every source; no other event page.
    assert edit("Latin, Manchu and Russian texts", "Latin, Manchu and Russian") == {
        "events/1689-treaty-of-nerchinsk/index.html", "events/1727-treaty-of-kyakhta/index.html",
        "events/1864-year-only/index.html"}
    assert "sources/index.html" in rendered
    # A field that may show only in an event page's metadata (JSON-LD) still reaches every page
    # that cites the source (here, with their neighbours, every event page).
    cited_by_example = {"events/1689-treaty-of-nerchinsk/index.html", "events/1864-dated/index.html",
                        "events/1950-treaty-of-alliance/index.html", "events/1969-zhenbao-island/index.html",
                        "events/1727-treaty-of-kyakhta/index.html", "events/1864-year-only/index.html"}
    assert edit("type: webpage", "type: report") == cited_by_example
    cited_by_mancall = {"events/1689-treaty-of-nerchinsk/index.html", "events/1727-treaty-of-kyakhta/index.html",
                        "events/1864-year-only/index.html", "events/1864-dated/index.html"}
    assert edit("publisher: Harvard University Press", "publisher: Harvard UP") == cited_by_mancall
    # An uncited source is warned about at its line; a line added above it moves the warning.
    edit("  accessed: 2026-11-28\n", "  accessed: 2026-11-28\nspare:\n  type: book\n  title: Spare\n")
    assert edit("  container-title: Example Site\n",
                "  container-title: Example Site\n  genre: demo\n") == cited_by_example
    # Lines moved and nothing else: no event page changes (the warning's line does).
    assert edit("mancall-1971:", "# Books first.\n\nmancall-1971:") == set()


def _count_pages(monkeypatch) -> list:
    """The paths of the pages rendered from now on."""
    from timeline import render
    rendered = []
    call = render._PageRenderer.__call__
    monkeypatch.setattr(render._PageRenderer, "__call__", lambda r, spec: rendered.append(spec.path) or call(r, spec))
    return rendered


def _count_fragments(monkeypatch) -> dict:
    """Template name -> the ids of the events whose fragment was rendered from it, from now on."""
    from timeline import fragments
    made: dict = {}
    call = fragments.Fragments._render

    def counting(self, name, **context):
        made.setdefault(name, []).append(context["entry"].id if "entry" in context else None)
        return call(self, name, **context)
    monkeypatch.setattr(fragments.Fragments, "_render", counting)
    return made


def test_preview_keeps_the_fragments_the_second_process_made(site_dir, tmp_path, monkeypatch):
    """The preview's first build renders on two cores; the fragments made in the forked process
    come back with its pages, so that the first edit does not render them all again."""
    src = site_dir()
    out, fresh = tmp_path / "build", tmp_path / "fresh"
    memo = Memo()
    assert build_site(src, out, memo=memo, parallel_min=1).ok
    made = _count_fragments(monkeypatch)
    event = src / "events" / "1864-dated.yaml"
    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert build_site(src, out, memo=memo).ok  # on one core, where the count is kept
    # Its list item on the home page and on its theme and era pages, its line of the search data,
    # of the print views' contents (the same line in each), its part of the print views (once for the
    # whole timeline's, its era's and its theme's: numbered as each document is joined): that event's alone.
    assert made["partials/event_item.html"] == ["1864-dated", "1864-dated"]
    assert made["partials/print_toc_event.html"] == ["1864-dated"]
    assert made["partials/print_event.html"] == ["1864-dated"]
    assert made["partials/search_item.html"] == ["1864-dated"]
    assert build_site(src, fresh, use_cache=False).ok
    assert _tree(out) == _tree(fresh)


def test_preview_keeps_the_fragments_of_pages_it_did_not_render_again(site_dir, tmp_path, monkeypatch):
    """Editing one event and then another: the second edit renders list items only for the event
    edited, although the first build in between did not render every list page."""
    src = site_dir()
    out = tmp_path / "build"
    memo = Memo()
    assert build_site(src, out, memo=memo).ok
    made = _count_fragments(monkeypatch)
    for name, old, new in (("1950-treaty-of-alliance", "title: Treaty", "title: The Treaty"),
                           ("1864-year-only", "A year-only event", "An event of 1864")):
        event = src / "events" / f"{name}.yaml"
        _touch_later(event, event.read_text().replace(old, new))
        made.clear()
        assert build_site(src, out, memo=memo).ok
        assert made["partials/event_item.html"] == [name, name]  # on the home page, and for theme and era pages
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    assert build_site(src, tmp_path / "fresh", use_cache=False).ok
    assert _tree(out) == _tree(tmp_path / "fresh")


@pytest.mark.parametrize("preview", [False, True], ids=["command-line", "preview"])
def test_the_fragments_of_pages_kept_for_many_builds_are_not_made_again(site_dir, tmp_path, monkeypatch, preview):
    """A list page no edit touched for many builds is kept as it is, so its events' items are never
    asked for; they are still its events' items, and the edit that finally touches the page renders
    the edited event's item only (not every other item of the page again)."""
    from timeline import incremental
    src = site_dir()
    out = tmp_path / "build"
    memo = Memo() if preview else None
    assert build_site(src, out, memo=memo).ok
    made = _count_fragments(monkeypatch)
    kyakhta = src / "events" / "1727-treaty-of-kyakhta.yaml"   # early era, trade and territory
    for i in range(incremental.KEEP_UNUSED + 2):   # the late era's and diplomacy's pages kept each time
        _touch_later(kyakhta, kyakhta.read_text().replace("summary: ", f"summary: {i} ", 1))
        assert build_site(src, out, memo=memo).ok
    assert set(made["partials/event_item.html"]) == {"1727-treaty-of-kyakhta"}
    made.clear()
    zhenbao = src / "events" / "1969-zhenbao-island.yaml"       # late era, territory; beside 1950 there
    _touch_later(zhenbao, zhenbao.read_text().replace("title: ", "title: The ", 1))
    assert build_site(src, out, memo=memo).ok
    assert made["partials/event_item.html"] == ["1969-zhenbao-island", "1969-zhenbao-island"]
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    assert build_site(src, tmp_path / "fresh", use_cache=False).ok
    assert _tree(out) == _tree(tmp_path / "fresh")


def test_what_no_build_asks_for_is_dropped_after_a_few_builds():
    from timeline import incremental
    stage = incremental.Stage("test")
    memo = Memo()
    memo.begin()
    memo.get(stage, "gone", "a", lambda: 1)
    memo.get(stage, "kept", "a", lambda: 2)
    memo.end()
    for _ in range(incremental.KEEP_UNUSED + 1):
        memo.begin()
        assert memo.get(stage, "kept", "a", lambda: 3) == 2   # unchanged inputs: the value kept
        memo.end()
    assert memo.peek(stage, "gone", "a") is None
    assert memo.get(stage, "kept", "b", lambda: 4) == 4      # other inputs: computed again


def test_a_record_about_what_the_site_still_has_is_kept_however_many_builds_skip_it(tmp_path):
    from timeline import incremental, memofile
    stage = incremental.Stage("test.about", subject=1)   # key[1]: what the record is about
    memo = Memo(in_memory=False)
    memo.begin()
    memo.get(stage, ("en", "still-here"), "a", lambda: 1)
    memo.get(stage, ("en", "deleted"), "a", lambda: 2)
    memo.end(frozenset({"still-here", "deleted"}))
    memofile.save(memo, tmp_path / "memo")               # what a stage is about is saved with it
    memo = memofile.load(tmp_path / "memo")
    for _ in range(incremental.KEEP_UNUSED + 1):
        memo.begin()
        memo.end(frozenset({"still-here"}))
    assert memo.peek(stage, ("en", "still-here"), "a") == 1
    assert memo.peek(stage, ("en", "deleted"), "a") is None


# The memo saved between command-line builds (timeline.incremental, in .timeline-cache/ beside the
# content folder): a build that uses it must give exactly the output of a build that does not.

def _cli_same_as_uncached(src, out, tmp_path, templates=None):
    result = build_site(src, out, templates=templates)
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    uncached = build_site(src, fresh, templates=templates, use_cache=False)
    assert [str(d) for d in result.diagnostics] == [str(d) for d in uncached.diagnostics]
    assert result.ok == uncached.ok
    if result.ok:
        assert not result.reused and _tree(out) == _tree(fresh)
    return result


def test_a_saved_memo_gives_the_output_of_an_uncached_build_after_every_kind_of_edit(site_dir, tmp_path):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "build"
    assert build_site(src, out, templates=templates).ok
    saved = list((src.parent / ".timeline-cache").glob("memo-*/*.pickle"))
    assert saved and not list(out.rglob("*.pickle"))
    event = src / "events" / "1864-dated.yaml"
    edits = [
        (event, "A dated event", "A renamed event"),
        (src / "sources.yaml", "An example page", "A retitled page"),
        (templates / "partials" / "event_item.html", "{{ event_item(", "<!-- item -->{{ event_item("),
        (templates / "event.html", "<h1 ", '<h1 data-edited="yes" '),
        (src / "site.yaml", "label: Territory", "label: Land"),
    ]
    for path, old, new in edits:
        text = path.read_text()
        assert old in text, path
        _touch_later(path, text.replace(old, new, 1))
        assert _cli_same_as_uncached(src, out, tmp_path, templates).ok, path
    assert "A renamed event" in (out / "events" / "1864-year-only" / "index.html").read_text()
    assert 'data-edited="yes"' in (out / "events" / "1864-dated" / "index.html").read_text()
    (src / "events" / "1700-new.yaml").write_text("title: New\ndate: 1700\nthemes: [territory]\n"
                                                  "significance: minor\nsummary: New [@mancall-1971].\n")
    assert _cli_same_as_uncached(src, out, tmp_path, templates).ok
    (src / "events" / "1700-new.yaml").unlink()
    assert _cli_same_as_uncached(src, out, tmp_path, templates).ok
    assert not (out / "events" / "1700-new").exists()
    _touch_later(event, "title: [broken\n")
    assert not _cli_same_as_uncached(src, out, tmp_path, templates).ok


def test_an_edited_event_renders_again_only_the_pages_that_show_it(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    rendered = _count_pages(monkeypatch)
    event = src / "events" / "1950-treaty-of-alliance.yaml"
    _touch_later(event, event.read_text().replace("title: Treaty", "title: The Treaty"))
    assert build_site(src, out).ok
    events = {p for p in rendered if p.startswith("events/")}
    # Its own page and its neighbours' (previous, next: they show its title); no other event page.
    assert events == {"events/1950-treaty-of-alliance/index.html", "events/1864-dated/index.html",
                      "events/1969-zhenbao-island/index.html"}
    assert "index.html" in rendered and "print/index.html" in rendered
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    assert build_site(src, tmp_path / "fresh", use_cache=False).ok
    assert _tree(out) == _tree(tmp_path / "fresh")


@pytest.mark.parametrize("stretch", [1, Limits().export_stretch])
def test_an_edit_reads_the_saved_texts_of_the_pages_it_makes_again_only(site_dir, tmp_path, monkeypatch, stretch):
    """The texts an edit reads from the memo are those of the pages it makes again, and of the events
    whose export records are kept with the edited one's (a stretch of some 64: here every event; in
    stretches of one, none)."""
    from timeline import incremental, index
    src, limits = site_dir(), Limits(export_stretch=stretch)
    out = tmp_path / "build"
    assert build_site(src, out, limits=limits).ok
    unpacked, unpack = [], incremental._unpack
    monkeypatch.setattr(incremental, "_unpack", lambda record: unpack(record) and not unpacked.append(record.value))
    event = src / "events" / "1950-treaty-of-alliance.yaml"
    _touch_later(event, event.read_text().replace("title: Treaty", "title: The Treaty"))
    result = build_site(src, out, limits=limits)
    assert result.ok and result.events > 5
    # The edited event's text is made again; of the others, only its neighbours' (their pages show
    # its title) are read from the memo: every other page is kept, or made from kept fragments.
    texts = [value for value in unpacked if isinstance(value, index.EntryText)]
    read = ["1864-dated", "1969-zhenbao-island"] if stretch == 1 else \
        [e.id for e in result.timeline.entries if e.id != "1950-treaty-of-alliance"]
    assert sorted(str(t.summary_list_html)[:20] for t in texts) == sorted(
        str(result.timeline.by_id[i].summary_list_html)[:20] for i in read)
    assert build_site(src, out, limits=limits).reused  # and the record says what the output holds, kept pages too
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    assert build_site(src, tmp_path / "fresh", use_cache=False, limits=limits).ok
    assert _tree(out) == _tree(tmp_path / "fresh")


def test_a_site_in_three_languages_edited_gives_the_output_of_an_uncached_build(tmp_path, monkeypatch):
    from support import multilingual
    src = multilingual(tmp_path / "site_src")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "build"
    assert build_site(src, out).ok
    event = src / "events" / "1689-treaty-of-nerchinsk.yaml"
    _touch_later(event, event.read_text().replace("title: ", "title: Edited ", 1))
    assert _cli_same_as_uncached(src, out, tmp_path).ok
    assert "Edited " in (out / "events" / "1689-treaty-of-nerchinsk" / "index.html").read_text()


def test_a_translation_that_gives_the_english_text_itself_is_seen_by_the_preview(tmp_path, monkeypatch):
    """A translated text equal to the English one leaves the event as it was but is no longer "in
    English": the preview's kept entry was marked again, in place, and its pages were not made again."""
    import yaml
    from support import multilingual
    src = multilingual(tmp_path / "site_src")
    monkeypatch.chdir(tmp_path)
    out, fresh = tmp_path / "build", tmp_path / "fresh"
    memo = Memo()
    assert build_site(src, out, memo=memo).ok
    title = yaml.safe_load((src / "events" / "1864-dated.yaml").read_text())["title"]
    translated = src / "translations" / "zh-Hans" / "events" / "1864-dated.yaml"
    assert not translated.exists()
    translated.write_text(yaml.safe_dump({"title": title}, allow_unicode=True), encoding="utf-8")
    for _ in range(2):   # and a second build with nothing changed keeps it so
        assert build_site(src, out, memo=memo).ok
        shutil.rmtree(fresh, ignore_errors=True)
        assert build_site(src, fresh, use_cache=False).ok
        assert _tree(out) == _tree(fresh)


def test_a_lazy_stage_s_values_are_read_when_asked_for_and_a_foreign_one_is_made_again(tmp_path):
    import os
    import pickle
    from timeline import incremental, memofile
    stage = incremental.Stage("test.lazy", lazy=True)
    memo = Memo(in_memory=False)
    memo.begin()
    memo.put(stage, "a", "in", {"x": 1})
    memo.put(stage, "b", "in", [2])
    memo.end()
    folder = tmp_path / "memo"
    memofile.save(memo, folder)
    loaded = memofile.load(folder)
    assert loaded.later(stage, "a", "other inputs", lambda: 0) is None
    later = loaded.later(stage, "a", "in", lambda: "made again")
    assert later is not None and later() == {"x": 1}
    assert loaded.peek(stage, "b", "in") == [2] and loaded.peek(stage, "b", "other") is None
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    # A value that is not a memo record, in a file this user's key signed: never built, made again.
    for path in folder.glob("test.lazy.*.pickle"):
        path.unlink()
    memofile._write_stage(folder, f"test.lazy.{incremental.shard('a')}.pickle", True, None,
                          {"a": ("in", memo.generation, pickle.dumps(Payload()))})
    loaded = memofile.load(folder)
    assert loaded.later(stage, "a", "in", lambda: "made again")() == "made again"
    assert loaded.get(stage, "a", "in", lambda: "not asked") == "made again"
    assert not marker.exists()


@pytest.mark.parametrize("apart", [1, 10 ** 9], ids=["two-processes", "one"])
def test_a_memo_saved_by_two_processes_reads_back_whole(tmp_path, apart):
    """A first build of many events writes its memo from two processes, each half of every stage's
    files: read back, it holds every record as it was, and a build from it makes nothing again."""
    from timeline import incremental, memofile, parallel
    if apart == 1 and not parallel.can_fork():
        pytest.skip("one core: the memo is written by one process")
    plain, lazy = incremental.Stage("test.plain"), incremental.Stage("test.lazy", lazy=True)
    memo = Memo(in_memory=False)
    memo.begin()
    for i in range(200):
        memo.put(plain, f"k{i}", f"in{i}", (i, "x" * i))
        memo.put(lazy, f"k{i}", f"in{i}", {"n": i})
    memo.end()
    folder = tmp_path / "memo"
    memofile.save(memo, folder, apart=apart)
    assert memo.dirty == set()
    names = sorted(p.name for p in folder.glob("*.pickle"))
    assert len(names) == 2 * incremental.SHARDS and not list(folder.glob(".memo-*"))
    loaded = memofile.load(folder)
    assert all(loaded.peek(plain, f"k{i}", f"in{i}") == (i, "x" * i) for i in range(200))
    assert all(loaded.get(lazy, f"k{i}", f"in{i}", lambda: "made again") == {"n": i} for i in range(200))


def test_a_page_altered_in_the_output_is_rendered_again_not_kept(site_dir, tmp_path):
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    page = out / "events" / "1727-treaty-of-kyakhta" / "index.html"
    page.write_text("vandalised")
    event = src / "events" / "1864-dated.yaml"
    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert _cli_same_as_uncached(src, out, tmp_path).ok
    assert "vandalised" not in page.read_text()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "altered", "value-altered", "foreign-object", "other-engine"])
def test_a_damaged_or_foreign_memo_file_is_ignored_and_rebuilt(site_dir, tmp_path, damage):
    import hashlib
    import os
    import pickle
    from timeline import memofile
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    head = memofile._header()
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    lazy = ("fragments.print.", "index.entry-text.")
    for path in folder.glob("*.pickle"):
        data = path.read_bytes()
        if damage == "garbage":
            data = b"\x00not a memo" * 100
        elif damage == "truncated":
            data = data[: len(data) // 2]
        elif damage == "altered":   # in the signed table
            at = len(head) + 65 + data[len(head) + 65:].index(b"\n") + 20
            data = data[:at] + bytes(b ^ 0xFF for b in data[at:at + 10]) + data[at + 10:]
        elif damage == "value-altered":   # the last of a lazy stage's values, which follow its table
            if not path.name.startswith(lazy):
                continue
            data = data[:-10] + bytes(b ^ 0xFF for b in data[-10:])
        elif damage == "foreign-object":  # with a correct checksum: the unpickler still builds no such thing
            body = pickle.dumps(Payload(), protocol=4)
            data = head + hashlib.sha1(body).hexdigest().encode() + b"\n" + b"%d\n" % len(body) + body
        else:
            data = data.replace(head, head.replace(b"engine ", b"engine 0.0.0-old ", 1), 1)
        path.write_bytes(data)
    loaded = memofile.load(folder)
    if damage != "value-altered":
        assert loaded.tables == {}
    else:   # each table is read; of its values, the altered one is refused (made again when asked for)
        tables = [(stage, table) for stage, table in loaded.tables.items() if stage.name + "." in lazy]
        assert len(tables) == 2 and all(table for _, table in tables)
        refused = [key for stage, table in tables for key, r in table.items() if loaded.peek(stage, key, r.inputs) is None]
        assert len(refused) == len(list(folder.glob("fragments.print.*"))) + len(list(folder.glob("index.entry-text.*")))
    event = src / "events" / "1864-dated.yaml"
    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert _cli_same_as_uncached(src, out, tmp_path).ok
    assert not marker.exists()
    assert memofile.load(folder).tables  # written afresh


def test_an_engine_version_change_never_reuses_a_saved_memo(site_dir, tmp_path, monkeypatch):
    from timeline import memofile
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    assert memofile.load(folder).tables
    monkeypatch.setattr(memofile, "__version__", "999.0")
    assert memofile.load(folder).tables == {}
    assert not list(folder.glob("*.pickle"))  # another engine's files are deleted, not read at every build
    monkeypatch.undo()
    event = src / "events" / "1864-dated.yaml"
    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert build_site(src, out).ok and memofile.load(folder).tables
    monkeypatch.setattr(memofile, "_engine", "another engine's code")
    assert memofile.load(folder).tables == {}


def test_the_files_of_a_stage_another_engine_had_are_deleted_and_no_other(site_dir, tmp_path):
    """An engine upgrade may drop a stage: its files, which nothing overwrites, would be read by every
    build. The memo's own files of another engine go; anything else in the folder stays."""
    from timeline import memofile
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    gone = folder / "render.old-stage.3.pickle"
    gone.write_bytes(memofile.MAGIC + b"engine 0.0.1 0123abcd\n" + b"x" * 1000)
    older = folder / "render.older.0.pickle"
    older.write_bytes(b"timeline-memo 1\nengine 0.0.0\n" + b"y" * 1000)
    kept = folder / "notes.9.pickle"
    kept.write_bytes(b"an editor's own file, named like ours")
    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(memofile.MAGIC + b"engine 0.0.1 0123abcd\n")
    (folder / "linked.1.pickle").symlink_to(elsewhere)
    event = src / "events" / "1864-dated.yaml"
    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert _cli_same_as_uncached(src, out, tmp_path).ok
    assert not gone.exists() and not older.exists()
    assert kept.read_bytes() == b"an editor's own file, named like ours" and elsewhere.exists()
    assert (folder / "linked.1.pickle").is_symlink()


def test_an_edit_rewrites_a_few_of_the_memo_files_only(site_dir, tmp_path):
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pickle")}
    event = src / "events" / "1864-dated.yaml"
    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert build_site(src, out).ok
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pickle")}
    rewritten = [name for name in after if before.get(name) != after[name]]
    assert 0 < len(rewritten) < len(after) / 2


def test_the_memo_is_never_written_through_a_link_or_into_a_folder_not_ours(site_dir, tmp_path):
    src = site_dir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (src.parent / ".timeline-cache").symlink_to(elsewhere)
    assert build_site(src, tmp_path / "build").ok
    assert list(elsewhere.iterdir()) == []
    (src.parent / ".timeline-cache").unlink()
    assert build_site(src, tmp_path / "build", use_cache=False).ok
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    shutil.rmtree(folder)
    folder.symlink_to(elsewhere)
    assert build_site(src, tmp_path / "build", use_cache=False).ok
    assert list(elsewhere.iterdir()) == []
    shutil.rmtree(src.parent / ".timeline-cache")
    (src.parent / ".timeline-cache").write_text("a file of the user's")
    assert build_site(src, tmp_path / "build", use_cache=False).ok
    assert (src.parent / ".timeline-cache").read_text() == "a file of the user's"


# The print views' parts: an event's part is rendered once and numbered as each document is joined
# (the notes before it and the page's root differ from one document to another).

def _print_marks(out: Path, page: str) -> list[tuple[int, str]]:
    import re
    text = (out / page).read_text()
    return [(int(n), root) for n, root in re.findall(r'<i class="probe" data-offset="(\d+)" data-root="([^"]*)"', text)]


def _notes_before(entries) -> list[int]:
    before, n = [], 0
    for e in entries:
        before.append(n)
        n += len(e.notes)
    return before


def test_each_print_view_numbers_an_event_part_made_once_from_the_notes_before_it(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    part = templates / "partials" / "print_event.html"
    part.write_text(part.read_text() + '<i class="probe" data-offset="{{ offset }}" data-root="{{ root }}"></i>\n')
    made = _count_fragments(monkeypatch)
    result = build_site(src, tmp_path / "build", templates=templates)
    assert result.ok
    tl = result.timeline
    assert sorted(made["partials/print_event.html"]) == sorted(e.id for e in tl.entries)  # once each
    whole = _print_marks(tmp_path / "build", "print/index.html")
    assert whole == [(n, "../") for n in _notes_before(tl.entries)]
    assert any(n for n, _ in whole)
    for era_id, entries in tl.by_era.items():
        if entries:
            page = f"print/eras/{era_id}/index.html"
            assert _print_marks(tmp_path / "build", page) == [(n, "../../../") for n in _notes_before(entries)]


def test_a_print_part_that_compares_its_offset_is_rendered_for_each_document_with_its_real_numbers(site_dir, tmp_path):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    part = templates / "partials" / "print_event.html"
    part.write_text(part.read_text() + '<i class="probe" data-offset="{{ offset if offset > 0 else 0 }}" '
                                       'data-root="{{ root }}"></i>\n')
    result = build_site(src, tmp_path / "build", templates=templates)
    assert result.ok
    assert _print_marks(tmp_path / "build", "print/index.html") == [
        (n, "../") for n in _notes_before(result.timeline.entries)]
    assert build_site(src, tmp_path / "fresh", templates=templates, use_cache=False).ok
    assert _tree(tmp_path / "build") == _tree(tmp_path / "fresh")


def test_a_note_added_to_the_first_event_renders_no_other_print_part_again(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    out = tmp_path / "build"
    memo = Memo()
    assert build_site(src, out, memo=memo).ok
    made = _count_fragments(monkeypatch)
    event = src / "events" / "1689-treaty-of-nerchinsk.yaml"
    _touch_later(event, event.read_text().replace("a third [@example-web].", "a third [@example-web].\n\n  A fourth "
                                                                              "[@mancall-1971, p. 9]."))
    assert build_site(src, out, memo=memo).ok
    assert made["partials/print_event.html"] == ["1689-treaty-of-nerchinsk"]
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    assert build_site(src, tmp_path / "fresh", use_cache=False).ok
    assert _tree(out) == _tree(tmp_path / "fresh")


def test_a_cross_check_message_follows_its_field_when_lines_are_added_above(site_dir, tmp_path):
    """An event's cross-checks are kept by its content and by where its fields are written: a line
    added above a wrong field moves the message's line, in the preview's memo and the saved one."""
    src = site_dir()
    event = src / "events" / "1864-dated.yaml"
    wrong = event.read_text() + "related: [1864-no-such-event]\n"
    _touch_later(event, wrong)

    def lines(**options) -> list[int]:
        result = build_site(src, tmp_path / "out", **options)
        found = [d.line for d in result.errors if "1864-no-such-event" in d.message]
        assert not result.ok and len(found) == 1, result.errors
        return found

    memo = Memo()
    first = lines(memo=memo)
    assert lines() == first   # the saved memo written
    _touch_later(event, "# a comment above every field\n" + wrong)
    assert lines(memo=memo) == lines() == lines(use_cache=False) == [first[0] + 1]


def test_source_date_epoch_is_among_the_inputs(setup, monkeypatch):
    # It dates the feed and the PDFs of content without a date: a build under another value is not
    # "up to date" (fourth red team: the cache kept whichever value came first).
    src, templates, out, tmp_path = setup
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    _same_as_uncached(src, templates, out, tmp_path)
    assert build_site(src, out, templates=templates).reused
