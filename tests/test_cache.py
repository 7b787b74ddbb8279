"""The "nothing changed" short cut can never keep stale output."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from support import ROOT
from timeline import build as build_mod
from timeline.build import build_site


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
    monkeypatch.setattr(build_mod, "__version__", "999.0")
    _same_as_uncached(src, templates, out, tmp_path)


def test_engine_code_change_rebuilds(setup, monkeypatch):
    src, templates, out, tmp_path = setup
    engine = tmp_path / "engine"
    shutil.copytree(build_mod.ENGINE_DIR, engine, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build_mod, "ENGINE_DIR", engine)
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
    """The preview's BuildCache: each kind of edit gives exactly the output of an uncached build."""
    from timeline.cache import BuildCache
    src = site_dir()
    out, fresh = tmp_path / "build", tmp_path / "fresh"
    cache = BuildCache()
    assert build_site(src, out, cache=cache).ok
    event = src / "events" / "1864-dated.yaml"
    first = cache.events[str(event)][2]

    def same_as_uncached():
        result = build_site(src, out, cache=cache)
        shutil.rmtree(fresh, ignore_errors=True)
        uncached = build_site(src, fresh, use_cache=False)
        assert [str(d) for d in result.diagnostics] == [str(d) for d in uncached.diagnostics]
        assert result.ok == uncached.ok
        if result.ok:
            assert _tree(out) == _tree(fresh)
        return result

    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert same_as_uncached().ok and cache.events[str(event)][2] is not first
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
    from timeline import render
    from timeline.cache import BuildCache
    src = site_dir()
    out, fresh = tmp_path / "build", tmp_path / "fresh"
    cache = BuildCache()
    assert build_site(src, out, cache=cache).ok
    rendered = []
    deliver = render._deliver
    monkeypatch.setattr(render, "_deliver", lambda r, spec, sink: rendered.append(spec.path) or deliver(r, spec, sink))

    def edit(old: str, new: str):
        sources = src / "sources.yaml"
        text = sources.read_text()
        assert old in text
        _touch_later(sources, text.replace(old, new, 1))
        rendered.clear()
        result = build_site(src, out, cache=cache)
        redone = set(rendered)
        shutil.rmtree(fresh, ignore_errors=True)
        uncached = build_site(src, fresh, use_cache=False)
        assert result.ok and uncached.ok
        assert [str(d) for d in result.diagnostics] == [str(d) for d in uncached.diagnostics]
        assert _tree(out) == _tree(fresh)
        rendered[:] = redone
        return {p for p in redone if p.startswith("events/")}

    # Cited by the Nerchinsk event alone: only its page is rendered again (with the lists and the
    # sources page, which show every source).
    assert edit("Latin, Manchu and Russian texts", "Latin, Manchu and Russian") == {
        "events/1689-treaty-of-nerchinsk/index.html"}
    assert "sources/index.html" in rendered
    # A field that may show only in an event page's metadata (JSON-LD) still reaches every page
    # that cites the source.
    cited_by_example = {"events/1689-treaty-of-nerchinsk/index.html", "events/1864-dated/index.html",
                        "events/1950-treaty-of-alliance/index.html", "events/1969-zhenbao-island/index.html"}
    assert edit("type: webpage", "type: report") == cited_by_example
    cited_by_mancall = {"events/1689-treaty-of-nerchinsk/index.html", "events/1727-treaty-of-kyakhta/index.html",
                        "events/1864-year-only/index.html"}
    assert edit("publisher: Harvard University Press", "publisher: Harvard UP") == cited_by_mancall
    # An uncited source is warned about at its line; a line added above it moves the warning.
    edit("  accessed: 2026-11-28\n", "  accessed: 2026-11-28\nspare:\n  type: book\n  title: Spare\n")
    assert edit("  container-title: Example Site\n",
                "  container-title: Example Site\n  genre: demo\n") == cited_by_example
    # Lines moved and nothing else: no event page changes (the warning's line does).
    assert edit("mancall-1971:", "# Books first.\n\nmancall-1971:") == set()


def test_preview_keeps_the_pieces_the_second_process_made(site_dir, tmp_path, monkeypatch):
    """The preview's first build renders on two cores; the pieces made in the forked process come
    back with its pages, so that the first edit does not render them all again."""
    from timeline import render
    from timeline.cache import BuildCache
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)
    src = site_dir()
    out, fresh = tmp_path / "build", tmp_path / "fresh"
    cache = BuildCache()
    assert build_site(src, out, cache=cache).ok
    items = {key for _, name, key in cache.fragments if name == "partials/event_item.html"}
    # The whole timeline's print view (print/, its links one folder up; each era's and theme's has its own)
    entries = {key for _, name, key in cache.fragments if name == "partials/print_event.html" and key.endswith("|../")}
    assert len(entries) == 6  # every event's part of the print view, wherever it was rendered
    assert len(items) == 6 * 2  # each event in the lists at two depths: the home page, theme and era pages
    event = src / "events" / "1864-dated.yaml"
    _touch_later(event, event.read_text().replace("A dated event", "A renamed event"))
    assert build_site(src, out, cache=cache).ok
    assert build_site(src, fresh, use_cache=False).ok
    assert _tree(out) == _tree(fresh)


def test_preview_keeps_the_pieces_of_pages_it_did_not_render_again(site_dir, tmp_path, monkeypatch):
    """Editing one event and then another: the second edit renders list items only for the event
    edited, although the first build in between did not render every list page."""
    from timeline import render
    from timeline.cache import BuildCache
    src = site_dir()
    out = tmp_path / "build"
    cache = BuildCache()
    assert build_site(src, out, cache=cache).ok
    made = []
    piece = render._PageRenderer.piece

    def counting(self, name, key, **context):
        if (self.base, name, key) not in self.pieces and name == "partials/event_item.html":
            made.append(context["entry"].id)
        return piece(self, name, key, **context)

    monkeypatch.setattr(render._PageRenderer, "piece", counting)
    for name, old, new in (("1950-treaty-of-alliance", "title: Treaty", "title: The Treaty"),
                           ("1864-year-only", "A year-only event", "An event of 1864")):
        event = src / "events" / f"{name}.yaml"
        _touch_later(event, event.read_text().replace(old, new))
        made.clear()
        assert build_site(src, out, cache=cache).ok
        assert made == [name, name]  # on the home page, and once for the theme and era pages
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    assert build_site(src, tmp_path / "fresh", use_cache=False).ok
    assert _tree(out) == _tree(tmp_path / "fresh")
    # What no page uses any more is dropped now and then: never more than half as much again.
    assert len(cache.fragments) <= 1.5 * cache.live_pieces + 100


def test_only_pieces_the_pages_are_made_of_are_kept():
    from timeline.render import _reachable
    store = {"era": (b"E", ("a", "b")), "a": (b"A", ()), "b": (b"B", ("c",)), "c": (b"C", ()),
             "old-era": (b"O", ("old",)), "old": (b"X", ()), "item": (b"I", ())}
    assert _reachable(store, [("era",), None, ("item", "missing")]) == {
        k: store[k] for k in ("era", "a", "b", "c", "item")}
