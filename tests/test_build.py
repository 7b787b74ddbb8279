"""The build as a whole: committed expected output, atomicity, determinism, incremental writes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from support import FIXTURES, ROOT
from timeline.build import build_site, render_site
from timeline.cli import main

EXPECTED = FIXTURES / "good" / "expected"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".timeline-build"}


def _staging(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if "staging" in p.name]


def test_fixture_site_matches_committed_output(tmp_path, monkeypatch):
    """If this fails after an intended change, run scripts/regen_expected.py and review the diff."""
    monkeypatch.chdir(FIXTURES / "good")
    result = build_site(Path("site_src"), tmp_path / "out", templates=ROOT / "templates")
    assert result.ok, result.diagnostics
    built, expected = _tree(tmp_path / "out"), _tree(EXPECTED)
    assert sorted(built) == sorted(expected)
    for path in expected:
        assert built[path] == expected[path], f"{path} differs from tests/fixtures/good/expected/{path}"


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.chdir(FIXTURES / "good")
    a = build_site(Path("site_src"), tmp_path / "a")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    b = build_site(Path("site_src"), tmp_path / "b")
    assert a.ok and b.ok
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_rebuild_writes_only_changed_files_and_removes_stale_ones(site_dir, tmp_path):
    src = site_dir()
    out = tmp_path / "build"
    first = build_site(src, out)
    assert first.ok and first.written == len(first.files) and first.removed == 0
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    second = build_site(src, out)
    assert second.written == 0 and second.removed == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes
    site_dir({"events/1864-dated.yaml": None})
    (out / "stray.txt").write_text("not ours")
    third = build_site(src, out)
    assert third.ok
    assert not (out / "events" / "1864-dated").exists()
    assert not (out / "stray.txt").exists()
    assert third.removed == 2  # the deleted event's page and the stray file


def test_names_beginning_with_a_dot_at_the_top_of_the_output_are_the_users(site_dir, tmp_path):
    # Fourth tester: a git worktree in the output lost its .git (and .nojekyll) at the next build.
    src = site_dir()
    out = tmp_path / "build"
    (out / ".git" / "refs").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    first = build_site(src, out)   # a folder holding only dot names counts as empty
    assert first.ok and (out / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    (out / ".nojekyll").write_text("")
    (out / "CNAME").write_text("example.org\n")
    (out / "events" / ".hidden").write_text("not at the top")
    site_dir({"events/1864-dated.yaml": None})
    second = build_site(src, out)
    assert second.ok and second.removed == 3   # the deleted event's page, CNAME and events/.hidden
    assert (out / ".git" / "HEAD").is_file() and (out / ".git" / "refs").is_dir() and (out / ".nojekyll").exists()
    assert not (out / "CNAME").exists() and not (out / "events" / ".hidden").exists()
    third = build_site(src, out)   # nothing changed: the dot names do not count as a change
    assert third.ok and third.written == 0 and third.removed == 0


def test_failed_build_leaves_previous_build_untouched(site_dir, tmp_path):
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    before = _tree(out)
    site_dir({"events/1864-dated.yaml": "title: Broken\ndate: 1864-02-30\n"})
    result = build_site(src, out)
    assert not result.ok
    assert _tree(out) == before


def test_template_error_is_a_diagnostic_not_a_traceback(site_dir, tmp_path, capsys):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    text = (templates / "event.html").read_text()
    (templates / "event.html").write_text(text.replace("{{ e.title }}", "{{ e.titel }}", 1))
    assert main(["build", "--src", str(src), "--templates", str(templates), "--out", "out"]) == 1
    err = capsys.readouterr().err
    assert "templates/event.html:" in err and "template error" in err and "titel" in err
    assert "Traceback" not in err
    assert not Path("out").exists()


@pytest.mark.parametrize("name, before, wrong, says", [
    # Fourth red team: errors other than a few kinds were tracebacks, and a mistake in base.html was
    # blamed, without a line, on whichever page was rendered first.
    ("base.html", "</main>", "{{ nosuchvar }}</main>", "UndefinedError: 'nosuchvar' is undefined"),
    ("base.html", "</main>", "{{ 1 // 0 }}</main>", "ZeroDivisionError"),
    ("404.html", "{% block main %}", "{% block main %}{% include '404.html' %}", "includes itself"),
    ("partials/macros.html", "{% macro significance_label(value) %}",
     "{% macro significance_label(value) %}{{ significance_label(value) }}", "macro calls itself without end"),
])
def test_a_template_that_fails_as_it_renders_is_named_with_its_line(site_dir, tmp_path, capsys, name, before, wrong,
                                                                     says):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    text = (templates / name).read_text()
    line = text[:text.index(before)].count("\n") + 1
    (templates / name).write_text(text.replace(before, wrong, 1))
    assert main(["check", "--src", str(src), "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert re.search(rf"^\S*templates/{re.escape(name)}:{line}: template error: .*{says}", err, re.M), err


@pytest.mark.parametrize("name, text, says", [
    # Second look of the fourth red team: a template that is not UTF-8 was a traceback (unused or not),
    # a missing include was blamed on the page being rendered, without a line.
    ("partials/latin.html", b"ok\ncaf\xe9\n", "partials/latin.html:2: template error: not UTF-8 text"),
    ("base.html", None, "base.html:{line}: template error: template not found: partials/nowhere.html"),
])
def test_a_template_that_cannot_be_read_or_includes_a_missing_one_is_named_at_its_line(site_dir, tmp_path, capsys,
                                                                                      name, text, says):
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    if text is None:
        old = (templates / name).read_text()
        line = old[:old.index("</main>")].count("\n") + 1
        (templates / name).write_text(old.replace("</main>", '{% include "partials/nowhere.html" %}</main>', 1))
        says = says.format(line=line)
    else:
        (templates / name).write_bytes(text)
    assert main(["check", "--src", str(src), "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"templates/{says}" in err, err


def test_static_files_are_never_compiled_as_templates(site_dir, tmp_path):
    # An .html asset under static/ is copied as it is: handlebars braces, or another encoding, are fine.
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "static" / "demo").mkdir()
    asset = b"<script type='text/x-handlebars'>{{#each items}}<li>{{this}}</li>{{/each}}</script>caf\xe9\n"
    (templates / "static" / "demo" / "handlebars.html").write_bytes(asset)
    result = build_site(src, tmp_path / "out", templates=templates, parallel_min=1)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert (tmp_path / "out" / "static" / "demo" / "handlebars.html").read_bytes() == asset


def test_the_theme_colours_partial_is_rendered_once_yet_reported_and_included_as_before(site_dir, tmp_path, capsys):
    """base.html shows partials/theme_colours.html rendered once per language (theme_colours); a
    mistake in it names that file, and a theme whose base.html includes it as before builds the same."""
    src = site_dir()
    plain = render_site(src)
    style = re.search(r"<style>:root\{--t-.*?</style>\n", plain.files["index.html"].decode(), re.S)[0]
    assert all(style in page.decode() for path, page in plain.files.items() if path.endswith(".html"))
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    base, partial = templates / "base.html", templates / "partials" / "theme_colours.html"
    text = partial.read_text()
    partial.write_text(text.replace("t.colour|lower", "t.colur|lower", 1))
    assert main(["build", "--src", str(src), "--templates", str(templates), "--out", "out"]) == 1
    err = capsys.readouterr().err
    assert "templates/partials/theme_colours.html:" in err and "colur" in err and "Traceback" not in err
    partial.write_text(text)
    base.write_text(base.read_text().replace("{{ theme_colours -}}\n", '{% include "partials/theme_colours.html" %}\n'))
    assert render_site(src, templates=templates).files == plain.files


def test_refuses_to_prune_a_folder_it_did_not_make(site_dir, tmp_path, capsys):
    src = site_dir()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    assert main(["build", "--src", str(src), "--out", str(precious)]) == 1
    assert (precious / "thesis.tex").read_text() == "years of work"
    assert "was not made by 'timeline build'" in capsys.readouterr().err


def test_every_page_and_link_is_relative(site_dir):
    result = render_site(site_dir())
    for path, data in result.files.items():
        if path.endswith(".html") and path != "404.html":
            text = data.decode()
            assert 'href="/' not in text and 'src="/' not in text, path


def test_base_url_gives_canonical_links_and_a_sitemap(site_dir):
    result = render_site(site_dir(), base_url="https://example.org/sub/")
    page = result.files["events/1689-treaty-of-nerchinsk/index.html"].decode()
    assert '<link rel="canonical" href="https://example.org/sub/events/1689-treaty-of-nerchinsk/">' in page
    assert b"https://example.org/sub/events/1689-treaty-of-nerchinsk/" in result.files["sitemap.xml"]


@pytest.mark.parametrize("at", ["https://example.org/sub/", None], ids=["base-url", "served-at-root"])
def test_the_404_pages_link_from_the_base_url_or_the_path_they_are_served_at(tmp_path, at):
    """A host shows a 404 page at any missing address, at any depth: its links work there only when
    absolute (a base URL), or from the path the site is served at (the preview's "/"). Without
    either they stay relative, as on every other page, and work from the top of the site only."""
    from support import multilingual
    src = multilingual(tmp_path / "site_src")
    result = render_site(src, base_url=at) if at else render_site(src, served_at="/")
    for folder in ("", "zh/", "ru/"):
        links = re.findall(r'(?:href|src)="([^"]*)"', result.files[f"{folder}404.html"].decode())
        assert len(links) > 10 and "#main" in links
        root = at or "/"
        assert [link for link in links if not link.startswith((root, "#", "https://"))] == [], folder
        assert f'href="{root}{folder}index.html"' in result.files[f"{folder}404.html"].decode()
    plain = render_site(src).files["zh/404.html"].decode()
    assert 'href="../static/style.css' in plain and 'href="index.html"' in plain


def test_event_page_content(site_dir):
    result = render_site(site_dir())
    page = result.files["events/1689-treaty-of-nerchinsk/index.html"].decode()
    assert "27 August (6 September N.S.) 1689" in page
    assert '<dd lang="zh">尼布楚条约</dd>' in page and '<dd lang="ru">Нерчинский договор</dd>' in page
    # One note per distinct citation, re-used when repeated, with back-links to each marker.
    assert page.count('<li id="note-') == 3
    assert 'href="#ref-1-2"' in page
    assert "(Cambridge, MA: Harvard University Press, 1971), p. 150." in page
    assert 'href="../../events/1864-year-only/index.html"' in page  # related


def test_home_page_orders_events_and_groups_by_era(site_dir):
    result = render_site(site_dir())
    home = result.files["index.html"].decode()
    home = home[home.index('<div id="timeline">'):]
    order = [home.index(t) for t in ("Treaty of Nerchinsk", "A year-only event", "A dated event")]
    assert order == sorted(order)
    assert home.index('id="era-early"') < home.index("Treaty of Nerchinsk")


def test_sources_page_splits_primary_and_secondary_with_backlinks(site_dir):
    result = render_site(site_dir())
    page = result.files["sources/index.html"].decode()
    primary, secondary = page.split('id="secondary"')
    assert "Treaty of Nerchinsk</cite>" in primary and "Mancall, Mark" in secondary
    assert 'href="../events/1864-year-only/index.html"' in secondary


def test_hostile_yaml_text_is_inert_on_every_page(site_dir):
    places = (FIXTURES / "good" / "site_src" / "places.yaml").read_text(encoding="utf-8")
    src = site_dir({"places.yaml": places + 'hostile:\n  names: {en: "<img src=x onerror=alert(2)>"}\n  kind: town\n'
                                            '  coordinates: [50, 100]\n  source: "<svg onload=alert(6)>"\n',
                    "events/1700-hostile.yaml": """
        title: "<script>alert(1)</script>"
        date: 1700
        place: hostile
        names: {zh: "<b onclick=alert(3)>x</b>"}
        themes: [territory]
        significance: major
        summary: "[click](javascript:alert(4)) <svg onload=alert(5)> [@mancall-1971]"
        body: |
          <iframe src="https://evil.example"></iframe>

          [d](data:text/html,x) [@mancall-1971]
        """})
    result = render_site(src)
    assert result.ok, result.diagnostics
    for path, data in result.files.items():
        if path.endswith((".html", ".xml")):
            text = data.decode().lower()
            for bad in ("<script>alert", "<img src=x", "<b onclick", "<svg onload", "<iframe",
                        'href="javascript:', 'href="data:'):
                assert bad not in text, (path, bad)


def test_long_lists_are_paginated_and_the_home_page_stays_small(site_dir):
    from timeline.pages import Limits
    result = render_site(site_dir(), limits=Limits(list_page_size=2, home_limit=3))
    files = result.files
    n_territory = len(result.timeline.by_theme["territory"])
    pages = -(-n_territory // 2)
    assert pages >= 2
    assert "themes/territory/index.html" in files
    assert f"themes/territory/page/{pages}/index.html" in files
    assert f"themes/territory/page/{pages + 1}/index.html" not in files
    first = files["themes/territory/index.html"].decode()
    assert f"Events 1–2 of {n_territory}." in first
    assert 'href="../../themes/territory/page/2/index.html"' in first
    second = files["themes/territory/page/2/index.html"].decode()
    assert '<a href="../../../../themes/territory/page/2/index.html" aria-current="page">2</a>' in second
    assert 'rel="prev" href="../../../../themes/territory/index.html"' in second
    # Every event appears on exactly one page of its theme's list.
    listed = [p for path, data in files.items() if path.startswith("themes/territory/")
              for p in re.findall(r'id="e-([a-z0-9-]+)"', data.decode())]
    assert sorted(listed) == sorted(e.id for e in result.timeline.by_theme["territory"])
    # Beyond HOME_LIMIT the home page lists major events only, says so, and links to the full era.
    home = files["index.html"].decode()
    shown = re.findall(r'<li class="event sig-(\w+)"', home)
    assert shown and set(shown) == {"major"}
    assert "Showing" in home and "All " in home


def test_home_lists_everything_below_the_limit(site_dir):
    result = render_site(site_dir())
    home = result.files["index.html"].decode()
    assert len(re.findall(r'<li class="event ', home)) == len(result.timeline.entries)
    assert "Showing" not in home


def test_two_process_rendering_gives_the_same_site(site_dir, tmp_path):
    """Large sites render on two cores and stream pages to a staging folder; force that path here."""
    src = site_dir()
    serial = build_site(src, tmp_path / "serial", base_url="https://example.org/")
    parallel = build_site(src, tmp_path / "parallel", use_cache=False, parallel_min=1, base_url="https://example.org/")
    assert serial.ok and parallel.ok and parallel.written == serial.written
    # The exports are made along with the pages, in either process; the sitemap after them, of every page.
    assert _tree(tmp_path / "serial") == _tree(tmp_path / "parallel")
    assert b"https://example.org/events/" in (tmp_path / "parallel" / "sitemap.xml").read_bytes()
    assert json.loads((tmp_path / "parallel" / "events.json").read_bytes())["events"]
    assert _staging(tmp_path) == []
    # An incremental rebuild on two cores writes only what changed.
    site_dir({"events/1864-dated.yaml": (src / "events" / "1864-dated.yaml").read_text()
              .replace("A dated event", "A renamed event")})
    again = build_site(src, tmp_path / "parallel", use_cache=False, parallel_min=1, base_url="https://example.org/")
    assert again.ok and 0 < again.written < serial.written


def test_template_error_in_the_second_process_is_reported(site_dir, tmp_path, capsys):
    src = site_dir()
    out = tmp_path / "out"
    assert build_site(src, out, parallel_min=1).ok
    before = _tree(out)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "event.html"
    page.write_text(page.read_text().replace("{{ e.title }}", "{{ e.title.nope() }}", 1))
    result = build_site(src, out, templates=templates, parallel_min=1)
    assert not result.ok
    assert any("templates/event.html" in str(d) and "template error" in str(d) for d in result.errors)
    assert _tree(out) == before
    assert _staging(tmp_path) == []


def test_placeholder_characters_typed_into_the_text_cannot_pose_as_citations(site_dir):
    # U+E000 n U+E001 is how the engine marks a citation inside rendered Markdown, and U+E002 tag:n
    # U+E003 a piece of a page (its tag is random, so content cannot forge one).
    src = site_dir({"events/1700-forged.yaml": """
        title: "Forged \ue0007\ue001 \ue002x:0\ue003 marker"
        date: 1700
        themes: [territory]
        significance: major
        summary: "A summary \ue0000\ue001 with a forged marker [@mancall-1971]."
        body: "A body \ue0009\ue001 with another."
        """})
    result = render_site(src)
    assert result.ok, result.diagnostics
    page = result.files["events/1700-forged/index.html"].decode()
    assert "A summary 0 with a forged marker" in page and "A body 9 with another." in page
    assert page.count('class="noteref"') == 1  # the one real citation
    assert "Forged \ue0007\ue001 \ue002x:0\ue003 marker" in result.files["index.html"].decode()


def test_a_first_build_moves_its_staged_folders_into_place(site_dir, tmp_path):
    """With no output yet, the staged site is moved into place a top-level folder at a time; it must
    equal a build into an existing output, carry the usual permissions and leave no staging folder."""
    import os
    src = site_dir()
    fresh, empty, rebuilt = tmp_path / "fresh", tmp_path / "empty", tmp_path / "rebuilt"
    empty.mkdir()
    assert build_site(src, fresh).ok and build_site(src, empty).ok
    assert build_site(src, rebuilt).ok
    (rebuilt / "index.html").write_text("stale")
    assert build_site(src, rebuilt, use_cache=False).ok  # the file-by-file way
    assert _tree(fresh) == _tree(empty) == _tree(rebuilt)
    mask = os.umask(0)
    os.umask(mask)
    for folder in (fresh, empty):
        assert folder.stat().st_mode & 0o777 == 0o777 & ~mask
        assert (folder / ".timeline-build").is_file()
    assert _staging(tmp_path) == []
    assert build_site(src, fresh).reused  # the record written after the move is trusted


def test_a_staging_folder_left_by_a_killed_build_is_removed(site_dir, tmp_path):
    """Staging folders live inside the output; one left by a killed build is removed by the next
    build (it holds the lock, so no other build is running). Folders beside the output are not ours."""
    src = site_dir()
    out = tmp_path / "build"
    assert build_site(src, out).ok
    abandoned = out / ".timeline-staging-abc123"
    beside = tmp_path / ".build.staging-1-ghi789"
    for folder in (abandoned, beside):
        (folder / "events").mkdir(parents=True)
        (folder / "events" / "0-1").write_text("half a page")
    assert build_site(src, out).ok
    assert not abandoned.exists()
    assert (beside / "events" / "0-1").read_text() == "half a page"


def test_a_list_of_items_is_plain_markup_a_template_may_filter(site_dir, tmp_path):
    """A page's list items reach its template as markup, with no machinery behind them: a filter
    on them works as on any text."""
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    macros = templates / "partials" / "macros.html"
    text = macros.read_text()
    assert "{{ items }}" in text
    macros.write_text(text.replace("{{ items }}", "{{ items|upper }}", 1))
    result = render_site(src, templates=templates)
    assert result.ok, result.diagnostics
    assert '<LI CLASS="EVENT SIG-MAJOR" ID="E-1689-TREATY-OF-NERCHINSK"' in result.files["index.html"].decode()


def test_static_files_publish_only_the_themes_own_regular_files(tmp_path):
    """REDTEAM 29: a link in templates/static to a file outside the theme (/etc/passwd, say) was
    published; a pipe there would hang the build. Only the theme's own regular files are copied."""
    import os
    from timeline.render import static_files
    templates = tmp_path / "theme"
    static = templates / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "a.css").write_text("a{}")
    (static / "inside.css").symlink_to(static / "css" / "a.css")
    (static / "passwd").symlink_to("/etc/passwd")
    (static / "outside").symlink_to(tmp_path)  # a linked folder out of the theme
    (static / "loop").symlink_to(static)
    os.mkfifo(static / "pipe")
    files = static_files(templates)
    assert sorted(files) == ["static/css/a.css", "static/inside.css"]
    assert files["static/inside.css"] == b"a{}"


def test_two_processes_share_the_pages_and_each_language_s_print_views_stay_together():
    """The print views of a language share their events' parts: split between the two processes,
    both would render every part. The costliest groups come first, so that the two end together."""
    from timeline.render import PageSpec, _units
    specs = [PageSpec(f"{lang}events/{i}/index.html", "event.html", {}, "", lang) for lang in ("", "zh/") for i in range(50)]
    specs += [PageSpec(f"{lang}print/{kind}/index.html", "print.html", {}, "", lang)
              for lang in ("", "zh/") for kind in ("all", "era-a", "era-b", "theme-a")]
    specs.append(PageSpec("eras/a/index.html", "era.html", {"entries": list(range(40))}, "", ""))
    units = _units(specs, 50)
    assert sorted(i for unit in units for i in unit) == list(range(len(specs)))
    for lang in ("", "zh/"):
        prints = [i for i, spec in enumerate(specs) if spec.template == "print.html" and spec.language == lang]
        assert prints in units
    assert [specs[i].template for unit in units[:3] for i in unit[:1]] == ["print.html", "print.html", "era.html"]
    assert all(len(unit) == 1 for unit in units[3:])
