"""A command-line build reads the print views' unchanged parts (an era's events, its lines of the
contents) back from the pages the output holds, as bytes, when the theme shows them only as they
are; the output is always that of a build without a cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest

from support import ROOT
from test_cache import _count_fragments, _touch_later, _tree
from timeline import fragments, templating
from timeline.build import build_site
from timeline.incremental import KEEP_UNUSED, Memo
from timeline.pages import Limits

ALLIANCE = "events/1950-treaty-of-alliance.yaml"    # the late era; diplomacy


def _edit(src: Path, n: int = 1) -> None:
    event = src / ALLIANCE
    _touch_later(event, event.read_text().replace("title: ", f"title: {'The ' * n}", 1))


def _same_as_uncached(src: Path, out: Path, tmp_path: Path, monkeypatch, templates: Path | None = None,
                      limits: Limits = Limits()) -> None:
    """out holds what a build without a cache makes, with every print part shown the plain way."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    with monkeypatch.context() as plain:
        plain.setattr(templating, "shows_items_as_is", lambda *args: False)
        assert build_site(src, fresh, templates=templates, use_cache=False, limits=limits).ok
    tree = _tree(out)
    assert tree == _tree(fresh)
    assert not [path for path, data in tree.items() if b"\0" in data]


def _count_reads(monkeypatch, out: Path) -> list:
    """The pages of out opened for reading only, from now on."""
    read, opened = [], os.open

    def opening(path, flags, *args, **kwargs):
        if not flags & (os.O_WRONLY | os.O_RDWR) and str(path).startswith(str(out)) and str(path).endswith(".html"):
            read.append(str(path))
        return opened(path, flags, *args, **kwargs)
    monkeypatch.setattr(os, "open", opening)
    return read


@pytest.mark.parametrize("preview", [False, True], ids=["command-line", "preview"])
def test_an_edit_makes_again_only_the_print_parts_of_the_edited_event(site_dir, tmp_path, monkeypatch, preview):
    """The late era's part of the whole timeline's view, of the late era's and of diplomacy's is made
    again, not the early era's parts of the whole view and of diplomacy's: the command line reads them
    back from their pages, the preview keeps them in memory (and reads no page)."""
    src = site_dir()
    out = tmp_path / "build"
    memo = Memo() if preview else None
    assert build_site(src, out, memo=memo).ok
    made, read = _count_fragments(monkeypatch), _count_reads(monkeypatch, out)
    for n in (1, 2):
        made.clear()
        read.clear()
        _edit(src, n)
        assert build_site(src, out, memo=memo).ok
        assert len(made["partials/print_era.html"]) == len(made["partials/print_toc_era.html"]) == 3
        assert bool(read) is not preview
        _same_as_uncached(src, out, tmp_path, monkeypatch)


@pytest.mark.parametrize("shown", ["Treaty of Kyakhta", "Clashes on Zhenbao Island"], ids=["part", "chunk"])
@pytest.mark.parametrize("link", [False, True], ids=["altered", "linked"])
def test_a_print_page_not_as_the_last_build_left_it_is_not_read_back(site_dir, tmp_path, monkeypatch, link, shown):
    """Altered in place (its change time tells), or a link put in its place (never followed): neither
    an era's part the edit leaves alone (Kyakhta's) nor a chunk of the edited era's part (Zhenbao's,
    beside the edited event's chunk) is read from it."""
    src, limits = site_dir(), Limits(print_chunk=1)
    out = tmp_path / "build"
    assert build_site(src, out, limits=limits).ok
    page, elsewhere = out / "print" / "index.html", tmp_path / "elsewhere.html"
    assert shown in page.read_text()
    planted = page.read_text().replace(shown, shown.upper())
    if link:
        elsewhere.write_text(planted)
        page.unlink()
        page.symlink_to(elsewhere)
    else:
        page.write_text(planted)
    _edit(src)
    assert build_site(src, out, limits=limits).ok
    assert not page.is_symlink() and shown.upper() not in page.read_text()
    assert not link or elsewhere.read_text() == planted
    _same_as_uncached(src, out, tmp_path, monkeypatch, limits=limits)


def _count_texts(monkeypatch) -> list:
    """The note offsets of the events' print texts numbered from now on (one per event's text made)."""
    made, text = [], fragments.Numbered.text
    monkeypatch.setattr(fragments.Numbered, "text", lambda self, offset, root: made.append(offset) or
                        text(self, offset, root))
    return made


@pytest.mark.parametrize("chunk, texts", [(1, 3), (2, 5), (100, 5)])
def test_an_edit_makes_again_only_the_chunk_of_its_era_that_holds_the_edited_event(
        site_dir, tmp_path, monkeypatch, chunk, texts):
    """The late era holds two events (in the whole view and the era's, one in diplomacy's): in chunks
    of one, each of the three documents that show the edited event makes its text alone again; the
    other is read back from the page."""
    src, limits = site_dir(), Limits(print_chunk=chunk)
    out = tmp_path / "build"
    assert build_site(src, out, limits=limits).ok
    made = _count_texts(monkeypatch)
    _edit(src)
    assert build_site(src, out, limits=limits).ok
    assert len(made) == texts
    _same_as_uncached(src, out, tmp_path, monkeypatch, limits=limits)


@pytest.mark.parametrize("edit", ["a note more", "moved to the late era", "deleted", "added"])
def test_chunks_after_an_edit_that_moves_the_notes_or_the_events_are_made_again(site_dir, tmp_path, monkeypatch, edit):
    """A note more in the first event numbers every later chunk's notes differently; an event moved,
    deleted or added shifts the chunks: the output is still what a build without a cache makes."""
    src, limits = site_dir(), Limits(print_chunk=1)
    out = tmp_path / "build"
    assert build_site(src, out, limits=limits).ok
    first, kyakhta = src / "events" / "1689-treaty-of-nerchinsk.yaml", src / "events" / "1727-treaty-of-kyakhta.yaml"
    if edit == "a note more":
        _touch_later(first, first.read_text().replace("p. 150].", "p. 150]. Signed in Latin [@example-web]."))
    elif edit == "moved to the late era":
        _touch_later(kyakhta, kyakhta.read_text().replace("date: 1727", "date: 1957"))
    elif edit == "deleted":
        kyakhta.unlink()
    else:
        (src / "events" / "1728-copy.yaml").write_text(kyakhta.read_text().replace("Treaty of Kyakhta", "A copy"))
    made = _count_texts(monkeypatch)
    assert build_site(src, out, limits=limits).ok
    assert made
    _same_as_uncached(src, out, tmp_path, monkeypatch, limits=limits)


LOOP = "{% for part in print_parts %}\n{{ part }}\n{% endfor %}"


@pytest.mark.parametrize("page, base, as_is, toc_as_is", [
    (LOOP, None, True, True),
    ("{% for part in print_parts %}\n{{ part|replace('Kyakhta', 'K.') }}\n{% endfor %}", None, False, True),
    ("{% for part in print_parts %}\n{{ part }}{% if not loop.first %}"
     "{{ loop.previtem|replace('Kyakhta', 'K.') }}{% endif %}\n{% endfor %}",
     None, False, True),
    ("{% filter replace('Kyakhta', 'K.') %}" + LOOP + "{% endfilter %}", None, False, False),
    (LOOP + "{{ print_parts|first|replace('Kyakhta', 'K.') }}", None, False, True),
    (LOOP + "{% set shown %}" + LOOP + "{% endset %}{{ shown|replace('Kyakhta', 'K.') }}", None, False, False),
    (LOOP, ("{% block main %}{% endblock %}",
            "{% set main %}{% block main %}{% endblock %}{% endset %}{{ main|replace('Kyakhta', 'K.') }}"),
     False, False),
    (LOOP, ("{% block main %}{% endblock %}", "{{ self.main()|replace('Kyakhta', 'K.') }}"), False, False),
], ids=["as-is", "filtered", "through-loop", "filtered-block", "named-again", "captured", "captured-by-base",
        "self"])
def test_the_print_parts_are_read_back_only_where_the_theme_shows_them_as_they_are(
        site_dir, tmp_path, monkeypatch, page, base, as_is, toc_as_is):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    view = templates / "print.html"
    view.write_text(view.read_text().replace(LOOP, page))
    if base is not None:
        parent = templates / "base.html"
        assert base[0] in parent.read_text()
        parent.write_text(parent.read_text().replace(*base))
    env = templating.environment(templates, Memo(), "theme", False, "en")
    assert templating.shows_items_as_is(env, "print.html", "print_parts") is as_is
    assert templating.shows_items_as_is(env, "print.html", "print_toc") is toc_as_is
    out = tmp_path / "build"
    assert build_site(src, out, templates=templates).ok
    made = _count_fragments(monkeypatch)
    _edit(src)
    assert build_site(src, out, templates=templates).ok
    print("COUNT", len(made["partials/print_era.html"]))
    assert len(made["partials/print_era.html"]) == (3 if as_is else 5)
    _same_as_uncached(src, out, tmp_path, monkeypatch, templates)


def test_a_part_shown_by_an_included_template_is_not_put_in_as_bytes(site_dir, tmp_path, monkeypatch):
    """An included template sees the loop's item: what it does with it is the page's text."""
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "partials" / "part.html").write_text("{{ part|replace('Kyakhta', 'K.') }}\n")
    view = templates / "print.html"
    view.write_text(view.read_text().replace(LOOP, '{% for part in print_parts %}{% include "partials/part.html" %}'
                                                   '{% endfor %}'))
    env = templating.environment(templates, Memo(), "theme", False, "en")
    assert not templating.shows_items_as_is(env, "print.html", "print_parts")
    out = tmp_path / "build"
    assert build_site(src, out, templates=templates).ok
    _edit(src)
    assert build_site(src, out, templates=templates).ok
    assert "Treaty of K." in (out / "print" / "index.html").read_text()
    _same_as_uncached(src, out, tmp_path, monkeypatch, templates)


def test_a_theme_that_includes_a_template_naming_the_parts_gets_them_made(site_dir, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "partials" / "count.html").write_text("<p>{{ print_parts|length }} parts</p>\n")
    base = templates / "base.html"
    base.write_text(base.read_text().replace("{% block main %}{% endblock %}",
                                             '{% block main %}{% endblock %}{% include "partials/count.html" %}'))
    env = templating.environment(templates, Memo(), "theme", False, "en")
    assert not templating.shows_items_as_is(env, "print.html", "print_parts")
    assert templating.shows_items_as_is(env, "print.html", "print_toc")


def test_what_the_theme_does_with_the_parts_is_learnt_once_and_again_when_it_changes(site_dir, tmp_path, monkeypatch):
    """The second command-line build with the same theme parses no template to know what it does
    (with the parts, with gettext); after the theme changed to filter the parts, they are the
    filtered text, not bytes read back."""
    src, templates, out = site_dir(), tmp_path / "templates", tmp_path / "build"
    shutil.copytree(ROOT / "templates", templates)
    assert build_site(src, out, templates=templates).ok
    parsed, parse = [], jinja2.Environment.parse
    monkeypatch.setattr(jinja2.Environment, "parse", lambda env, *args, **kwargs: parsed.append(args) or
                        parse(env, *args, **kwargs))
    _edit(src)
    assert build_site(src, out, templates=templates).ok
    assert parsed == []
    view = templates / "print.html"
    view.write_text(view.read_text().replace(LOOP, "{% for part in print_parts %}\n{{ part|replace('Kyakhta', 'K.') }}"
                                                   "\n{% endfor %}"))
    _edit(src, 2)
    assert build_site(src, out, templates=templates).ok
    assert parsed and "Treaty of K." in (out / "print" / "index.html").read_text()
    _same_as_uncached(src, out, tmp_path, monkeypatch, templates)


def test_where_a_kept_print_page_shows_its_parts_is_remembered_however_many_builds_keep_it(
        site_dir, tmp_path, monkeypatch):
    """The early era's print view is kept as it is while many edits go to the late era; the first
    edit in the early era then makes the edited event's chunk again, not the era's every event."""
    src, limits = site_dir(), Limits(print_chunk=1)
    out = tmp_path / "build"
    assert build_site(src, out, limits=limits).ok
    for n in range(1, KEEP_UNUSED + 3):
        _edit(src, n)
        assert build_site(src, out, limits=limits).ok
    kyakhta = src / "events" / "1727-treaty-of-kyakhta.yaml"
    _touch_later(kyakhta, kyakhta.read_text().replace("Treaty of Kyakhta", "The Treaty of Kyakhta"))
    made = _count_texts(monkeypatch)
    assert build_site(src, out, limits=limits).ok
    assert len(made) == 4   # the whole view's, the early era's, trade's, territory's
    _same_as_uncached(src, out, tmp_path, monkeypatch, limits=limits)


def test_a_memo_no_one_holds_is_freed_though_its_environment_answered_what_the_theme_does():
    """The preview's memo holds its environments; what the theme does is asked through them: the
    memo is not kept alive by that (a test run or a restarted preview would keep every one)."""
    import gc
    import weakref
    memo = Memo()
    env = templating.environment(ROOT / "templates", memo, "theme", False, "en")
    assert templating.shows_items_as_is(env, "print.html", "print_parts")
    held = weakref.ref(memo)
    del memo, env
    gc.collect()
    assert held() is None
