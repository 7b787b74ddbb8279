"""Findings of the fifth red team (2 December 2026): the cache folders a build reads and keeps."""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

from timeline import compiled, memofile, memofolders, memokey
from timeline.cli import main


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".timeline-build"}


def _edit(src: Path) -> None:
    event = src / "events" / "1864-dated.yaml"
    before = event.stat().st_mtime_ns
    while event.stat().st_mtime_ns == before:
        time.sleep(0.01)
        event.write_text(event.read_text().replace("A dated event", "A renamed event"), encoding="utf-8")


def _same_as_uncached(src: Path, out: Path, tmp_path: Path) -> None:
    assert main(["build", "--src", str(src), "--out", str(out)]) == 0
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    assert main(["build", "--src", str(src), "--out", str(fresh), "--no-cache"]) == 0
    assert _tree(out) == _tree(fresh)


def test_folders_in_place_of_memo_files_are_ignored_by_build_and_check(site_dir, tmp_path, capsys):
    src, out = site_dir(), tmp_path / "build"
    assert main(["build", "--src", str(src), "--out", str(out)]) == 0
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    (folder / "junk.0.pickle").mkdir()
    (folder / "generation").unlink()
    (folder / "generation").mkdir()
    stage = sorted(folder.glob("content.event.*.pickle"))[0]
    stage.unlink()
    stage.mkdir()
    _edit(src)
    _same_as_uncached(src, out, tmp_path)
    assert main(["check", "--src", str(src)]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_memo_folder_that_cannot_be_read_is_ignored(site_dir, tmp_path, monkeypatch):
    src, out = site_dir(), tmp_path / "build"
    assert main(["build", "--src", str(src), "--out", str(out)]) == 0
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    listdir = os.listdir

    def denied(path="."):
        if not isinstance(path, int) and Path(path) == folder:   # a descriptor: .timeline-cache itself
            raise PermissionError(13, "Permission denied", str(path))
        return listdir(path)
    monkeypatch.setattr(os, "listdir", denied)   # as chmod 000 does for a user other than root
    _edit(src)
    _same_as_uncached(src, out, tmp_path)
    assert main(["check", "--src", str(src)]) == 0


def test_compiled_templates_never_go_through_a_link_planted_in_the_temporary_folder(site_dir, tmp_path, monkeypatch):
    import tempfile
    src = site_dir()
    victim, temp = tmp_path / "victim", tmp_path / "tmp"
    victim.mkdir(mode=0o755)
    temp.mkdir()
    os.chmod(victim, 0o755)
    (temp / f"_jinja2-cache-{os.getuid()}").symlink_to(victim)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "build")]) == 0
    assert stat.S_IMODE(victim.stat().st_mode) == 0o755 and list(victim.iterdir()) == []
    assert main(["check", "--src", str(src)]) == 0


def test_compiled_templates_are_kept_in_the_users_cache_and_the_least_recently_used_go(site_dir, tmp_path,
                                                                                    monkeypatch):
    src = site_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(memokey, "_key", None)
    monkeypatch.setattr(compiled, "KEEP", 3)
    base = tmp_path / "cache" / "timeline" / "templates"
    base.mkdir(parents=True)
    for i in range(5):
        old = base / f"old{i}"
        old.mkdir()
        (old / "__jinja2_x.cache").write_bytes(b"x")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "build")]) == 0
    kept = {p.name for p in base.iterdir()}
    assert len(kept) == 3 and {"old3", "old4"} < kept
    [made] = kept - {"old3", "old4"}
    assert any((base / made).iterdir())       # the templates this build compiled
    assert stat.S_IMODE((base / made).stat().st_mode) == 0o700


def test_a_link_or_a_folder_open_to_others_as_the_compiled_folder_is_not_used(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(memokey, "_key", None)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache" / "timeline").mkdir(parents=True)
    compiled.folder().symlink_to(elsewhere)
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "one")]) == 0
    assert list(elsewhere.iterdir()) == []
    compiled.folder().unlink()
    compiled.folder().mkdir(mode=0o777)
    os.chmod(compiled.folder(), 0o777)
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "two")]) == 0
    assert list(compiled.folder().iterdir()) == []
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_a_relative_xdg_cache_home_is_ignored(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", "relcache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(memokey, "_key", None)
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "build")]) == 0
    assert not (tmp_path / "relcache").exists()
    assert (tmp_path / "home" / ".cache" / "timeline" / "memo-key").is_file()
    assert memofile.load(memofolders.newest(src)).tables   # the memo saved, and read back with that key


def _check_error(site_dir, capsys, text: str) -> str:
    src = site_dir({"events/1864-dated.yaml": text})
    assert main(["check", "--src", str(src)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_control_character_written_as_an_escape_is_refused_at_its_line(site_dir, capsys):
    """It passed, and made feed.xml invalid XML (an ESC in a title; a NUL in a translated title)."""
    for value, code in (('"Ctl\\x1b A dated event"', "U+001B"), ('"A \\0 dated event"', "U+0000"),
                        ('"A dated \\u0085\\x7f event"', "U+007F")):
        err = _check_error(site_dir, capsys, f"summary: Dated [@example-web].\ntitle: {value}\ndate: 1864-10-07\n"
                                             "themes: [diplomacy]\nsignificance: notable\n")
        assert f"events/1864-dated.yaml:2:8: control character {code}" in err, err
    ok = site_dir({"events/1864-dated.yaml": 'title: "A \\"dated\\"\\tevent \\u00e9"\ndate: 1864-10-07\n'
                                             'themes: [diplomacy]\nsignificance: notable\nsummary: Dated [@example-web].\n'})
    assert main(["check", "--src", str(ok)]) == 0


def test_values_yaml_makes_that_are_not_text_are_refused_where_text_is_asked(site_dir, capsys):
    """!!binary gave the title b'...'; .nan gave "nan"; 1.10 gave "1.1"."""
    rest = "date: 1864-10-07\nthemes: [diplomacy]\nsignificance: notable\nsummary: Dated [@example-web].\n"
    err = _check_error(site_dir, capsys, "title: !!binary SWRlcyBlbWJhc3N5\n" + rest)
    assert "events/1864-dated.yaml:1:8: YAML tag !!binary is not allowed here" in err, err
    for value in (".nan", "1.10", "-.inf"):
        err = _check_error(site_dir, capsys, f"title: {value}\n" + rest)
        assert "events/1864-dated.yaml:1: title: expected text, got the number" in err, err
    src = site_dir({"events/1864-dated.yaml": "title: 1864\n" + rest})   # a whole number reads as written
    assert main(["check", "--src", str(src)]) == 0


def test_lists_nested_by_indentation_beyond_the_limit_are_an_error_at_their_line(site_dir, capsys):
    """Markers on one line were counted, indentation was not: 1,500 levels passed, and --pdf then
    stopped with WeasyPrint's RecursionError."""
    from timeline import markup
    head = "title: A dated event\ndate: 1864-10-07\nthemes: [diplomacy]\nsignificance: notable\n" \
           "summary: Dated [@example-web].\nbody: |\n  Intro.\n\n"
    deep = "".join("  " * (i + 1) + "- x\n" for i in range(40))
    err = _check_error(site_dir, capsys, head + deep)
    assert f"events/1864-dated.yaml:{head.count(chr(10)) + 40}: body: Markdown nested more than 32 levels" in err, err
    fine = "".join("  " * (i + 1) + "- x\n" for i in range(30))
    assert main(["check", "--src", str(site_dir({"events/1864-dated.yaml": head + fine}))]) == 0
    assert "<ul>" not in markup.to_html(deep.replace("\n  ", "\n")[2:])   # shown flat, should any reach it
    assert markup.to_html(fine.replace("\n  ", "\n")[2:]).count("<ul>") == 30


def test_a_page_that_shows_more_of_a_neighbour_than_its_title_is_made_again_when_that_changes(site_dir, tmp_path,
                                                                                            capsys):
    """An event page's inputs held its neighbours' titles and dates only, though a theme may show any
    of a neighbour: its summary changed, the cached build kept the page (and check passed where
    check --no-cache failed)."""
    from support import ROOT
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "event.html"
    anchor = "{% set n = timeline.by_id[entry.next] %}"
    page.write_text(page.read_text().replace(
        anchor, anchor + '{% if "BOOM" in n.summary_text %}{{ 1 // 0 }}{% endif %}<i>{{ n.summary_text }}</i>', 1))
    out = tmp_path / "build"
    assert main(["build", "--src", str(src), "--out", str(out), "--templates", str(templates)]) == 0
    event = src / "events" / "1950-treaty-of-alliance.yaml"
    before = event.stat().st_mtime_ns
    while event.stat().st_mtime_ns == before:
        time.sleep(0.01)
        event.write_text(event.read_text().replace("sign a thirty-year", "sign a 30-year"), encoding="utf-8")
    assert main(["build", "--src", str(src), "--out", str(out), "--templates", str(templates)]) == 0
    fresh = tmp_path / "fresh"
    assert main(["build", "--src", str(src), "--out", str(fresh), "--templates", str(templates), "--no-cache"]) == 0
    assert _tree(out) == _tree(fresh)
    assert "sign a 30-year" in (out / "events" / "1864-dated" / "index.html").read_text()
    event.write_text(event.read_text().replace("sign a 30-year", "sign a BOOM"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--src", str(src), "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert "event.html:" in err and "ZeroDivisionError" in err


def test_a_template_in_a_linked_folder_of_the_theme_is_among_the_inputs(site_dir, tmp_path, capsys):
    """os.walk did not enter a linked folder, so an edit there kept every page (and check passed)."""
    from support import ROOT
    src = site_dir()
    templates, partials = tmp_path / "templates", tmp_path / "partials"
    shutil.copytree(ROOT / "templates", templates)
    shutil.move(templates / "partials", partials)
    (templates / "partials").symlink_to(partials)
    (templates / "loop").symlink_to(templates)   # a link back up is walked once, not for ever
    out = tmp_path / "build"
    assert main(["build", "--src", str(src), "--out", str(out), "--templates", str(templates)]) == 0
    credits = partials / "credits.html"
    credits.write_text(credits.read_text() + "<b>linked partial edited</b>\n", encoding="utf-8")
    assert main(["build", "--src", str(src), "--out", str(out), "--templates", str(templates)]) == 0
    assert "linked partial edited" in (out / "data" / "index.html").read_text()
    credits.write_text(credits.read_text() + "{{ 1 // 0 }}\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--src", str(src), "--templates", str(templates)]) == 1
    assert "credits.html:" in capsys.readouterr().err


def test_a_character_reference_to_a_control_character_is_an_error_and_never_reaches_a_page(site_dir, capsys):
    """&#x1b; put an ESC in the page and made feed.xml invalid XML; &#xFFFE; was a traceback (cmark's
    output could not be decoded)."""
    from timeline import markup
    head = "title: A dated event\ndate: 1864-10-07\nthemes: [diplomacy]\nsignificance: notable\n" \
           "summary: Dated [@example-web].\nbody: |\n  Intro.\n\n"
    for ref, code in (("&#x1b;", "U+001B"), ("&#7;", "U+0007"), ("&#xFFFE;", "U+FFFE"), ("&#127;", "U+007F")):
        err = _check_error(site_dir, capsys, head + f"  A {ref} B.\n")
        assert f"events/1864-dated.yaml:{head.count(chr(10)) + 1}: body: {ref} stands for {code}" in err, err
        assert markup.to_html(f"A {ref} B") == "<p>A \ufffd B</p>"
    fine = head + "  &#xe9; &#10; &amp; &#x2014; &#0; &#xD800; &#x110000;\n"
    assert main(["check", "--src", str(site_dir({"events/1864-dated.yaml": fine}))]) == 0


def test_numbers_yaml_1_1_would_rewrite_are_kept_as_written(site_dir, tmp_path):
    """010 was read as 8, 1:30 as 90, 0x1A as 26 and 1_000 as 1000: a volume "010" showed as 8."""
    from timeline import yamlfile
    assert yamlfile.parse("a: 010\nb: 1:30\nc: 0x1A\nd: 1_000\ne: 1689\nf: -2.5\n").data == \
        {"a": "010", "b": "1:30", "c": "0x1A", "d": "1_000", "e": 1689, "f": -2.5}
    src = site_dir()
    sources = src / "sources.yaml"
    sources.write_text(sources.read_text() + "yellow-peril:\n  type: article-journal\n  title: The Yellow Peril\n"
                       "  container-title: Modern Asian Studies\n  volume: 010\n  issue: 1:30\n  issued: 1978\n",
                       encoding="utf-8")
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "build")]) == 0
    page = (tmp_path / "build" / "sources" / "index.html").read_text()
    assert "Modern Asian Studies</cite> 010, no. 1:30" in page or ("010" in page and "1:30" in page), page


def test_tags_that_make_values_no_field_takes_are_refused(site_dir, capsys):
    rest = "date: 1864-10-07\nthemes: [diplomacy]\nsignificance: notable\nsummary: Dated [@example-web].\n"
    for tag, value in (("!!set", "{Ides: null, Embassy: null}"), ("!!timestamp", "2001-12-14t21:59:43.10-05:00"),
                       ("!!omap", "[{a: 1}]")):
        err = _check_error(site_dir, capsys, f"title: {tag} {value}\n" + rest)
        assert f"events/1864-dated.yaml:1:8: YAML tag {tag} is not allowed here" in err, err


def test_a_bad_base_url_is_quoted_without_its_password_and_without_control_characters(site_dir, capsys):
    """The password showed when the address was wrong for another reason too; ESC ] ... BEL reached the
    terminal as it was (it retitles the window)."""
    src = site_dir()
    for value in ("https://u:secret@example.org:99999/?q#f", "https://u:secret@[::1/", "https://u:secret@/",
                  "https://u:secret@example.org/a b", "https://example.org/\x1b]0;pwned\x07/"):
        assert main(["check", "--src", str(src), "--base-url", value]) == 1
        err = capsys.readouterr().err
        assert err.startswith("--base-url: '") and "secret" not in err and "\x1b" not in err and "\x07" not in err, err


def test_a_list_nested_by_indentation_inside_a_quote_counts_too(site_dir, capsys):
    head = "title: A dated event\ndate: 1864-10-07\nthemes: [diplomacy]\nsignificance: notable\n" \
           "summary: Dated [@example-web].\nbody: |\n"
    deep = "".join("  > " + "  " * i + f"- level {i}\n" for i in range(40))
    err = _check_error(site_dir, capsys, head + deep)
    assert f"events/1864-dated.yaml:{head.count(chr(10)) + 40}: body: Markdown nested more than 32" in err, err


def test_compiled_templates_are_not_kept_in_a_cache_folder_others_may_write(site_dir, tmp_path, monkeypatch):
    src = site_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(memokey, "_key", None)
    (tmp_path / "cache" / "timeline").mkdir(parents=True)
    os.chmod(tmp_path / "cache" / "timeline", 0o777)   # anyone could swap templates/ for a link in it
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "build")]) == 0
    assert not compiled.folder().exists()


def test_every_template_error_is_reported_whatever_the_memo_kept_and_however_many_processes(site_dir, tmp_path,
                                                                                              capsys):
    """check reported the first error it met: with the memo (16 pages, in order) an event page's, without
    it (two processes, in their own order) a theme page's."""
    from support import ROOT
    from timeline.build import check_site
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    for name, line in (("event.html", '{% if "BOOM" in entry.summary_text %}{{ 1 // 0 }}{% endif %}\n'),
                       ("theme.html", '{% for x in entries %}{% if "BOOM" in x.summary_text %}{{ nope.attr }}'
                                      '{% endif %}{% endfor %}\n')):
        page = templates / name
        lines = page.read_text().splitlines(keepends=True)
        page.write_text("".join(lines[:8] + [line] + lines[8:]), encoding="utf-8")
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "build"), "--templates", str(templates)]) == 0
    event = src / "events" / "1950-treaty-of-alliance.yaml"
    event.write_text(event.read_text().replace("sign a thirty-year", "sign a BOOM"), encoding="utf-8")
    capsys.readouterr()
    said = []
    for flags in ([], ["--no-cache"]):
        assert main(["check", "--src", str(src), "--templates", str(templates), *flags]) == 1
        said.append(capsys.readouterr().err)
    assert said[0] == said[1]
    assert "templates/event.html:9: template error: ZeroDivisionError" in said[0], said[0]
    assert "templates/theme.html:9: template error: UndefinedError" in said[0], said[0]
    assert said[0].count("event.html:9") == 1     # once, however many pages met it
    both = [str(d) for d in check_site(src, templates=templates, use_cache=False, parallel_min=1).diagnostics]
    assert both == [line for line in said[0].splitlines() if "template error" in line]


def test_a_page_that_shows_a_neighbours_links_is_made_again_when_they_change(site_dir, tmp_path):
    """The neighbours' digests left out their own links (related, previous, next)."""
    from support import ROOT
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "event.html"
    anchor = "{% set n = timeline.by_id[entry.next] %}"
    page.write_text(page.read_text().replace(anchor, anchor + "<i>{{ n.related|join(',') }}</i>", 1))
    out = tmp_path / "build"
    assert main(["build", "--src", str(src), "--out", str(out), "--templates", str(templates)]) == 0
    event = src / "events" / "1727-treaty-of-kyakhta.yaml"   # the next of Nerchinsk
    event.write_text(event.read_text() + "related: [1969-zhenbao-island]\n", encoding="utf-8")
    assert main(["build", "--src", str(src), "--out", str(out), "--templates", str(templates)]) == 0
    fresh = tmp_path / "fresh"
    assert main(["build", "--src", str(src), "--out", str(fresh), "--templates", str(templates), "--no-cache"]) == 0
    assert _tree(out) == _tree(fresh)
    assert "1969-zhenbao-island" in (out / "events" / "1689-treaty-of-nerchinsk" / "index.html").read_text()


def test_a_template_error_whose_message_names_the_page_is_reported_once(site_dir, tmp_path, capsys):
    """Gathered by file, line and message, an error that names each page's data was one line a page
    (10,003 lines at 10,000 events)."""
    from support import ROOT
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "event.html"
    page.write_text(page.read_text().replace('<h1 id="event-title"', '{{ {}[entry.event.id] }}<h1 id="event-title"', 1))
    said = []
    for flags in ([], ["--no-cache"]):
        assert main(["check", "--src", str(src), "--templates", str(templates), *flags]) == 1
        said.append([line for line in capsys.readouterr().err.splitlines() if "template error" in line])
    assert said[0] == said[1] and len(said[0]) == 1, said
    assert "'1689-treaty-of-nerchinsk'" in said[0][0]    # the first page, in the order of the pages


def test_a_control_character_in_a_pages_markdown_body_is_an_error_at_its_line(site_dir, capsys):
    """A page's body is Markdown after its front matter, not YAML: ESC, BEL, a form feed and U+FFFE
    went into its HTML as they were."""
    src = site_dir()
    [page] = sorted((src / "pages").glob("*.md"))[:1]
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nRaw: \x1b]0;pwned\x07 end.\n", encoding="utf-8")
    assert main(["check", "--src", str(src)]) == 1
    err = capsys.readouterr().err
    assert f"{page.name}:{text.count(chr(10)) + 2}: control character U+001B is not allowed" in err, err


def test_a_private_use_character_inside_a_reference_does_not_hide_it(site_dir, capsys):
    """The renderer drops U+E000 and U+E001 (its own placeholders) before Markdown runs, so &#x1\\ue000b;
    became &#x1b; after the check had passed it."""
    head = "title: A dated event\ndate: 1864-10-07\nthemes: [diplomacy]\nsignificance: notable\n" \
           "summary: Dated [@example-web].\nbody: |\n"
    err = _check_error(site_dir, capsys, head + "  A &#x1\ue000b; B.\n")
    assert "body: &#x1b; stands for U+001B" in err, err


def test_a_linked_folder_in_the_themes_static_folder_is_not_read(site_dir, tmp_path):
    """Since linked folders of the theme are entered, one under static/ (never published) was read
    whole into the theme's digest: 122 MB of /usr/share/doc took 794 MB."""
    from support import ROOT
    from timeline import templating
    templates, elsewhere = tmp_path / "templates", tmp_path / "elsewhere"
    shutil.copytree(ROOT / "templates", templates)
    elsewhere.mkdir()
    (elsewhere / "big.bin").write_bytes(b"x" * 1000)
    (templates / "static" / "docs").symlink_to(elsewhere)
    before = templating.templates_digest(templates)
    (elsewhere / "big.bin").write_bytes(b"y" * 1000)
    assert templating.templates_digest(templates) == before


def test_numbers_given_an_explicit_tag_are_plain_or_refused(site_dir, capsys):
    """!!int 0x1A was 26 (a title showed "26"); the plain forms alone are numbers."""
    rest = "date: 1864-10-07\nthemes: [diplomacy]\nsignificance: notable\nsummary: Dated [@example-web].\n"
    for value in ("!!int 0x1A", "!!int 010", "!!float 1:30.5"):
        err = _check_error(site_dir, capsys, f"title: {value}\n" + rest)
        assert "events/1864-dated.yaml:1:8: YAML syntax error: !!" in err and "not written plainly" in err, err


def test_a_password_with_a_slash_is_hidden_too_and_a_cache_folder_others_can_rename_is_not_used(
        site_dir, tmp_path, monkeypatch, capsys):
    src = site_dir()
    assert main(["check", "--src", str(src), "--base-url", "https://deploy:hunter2/x@example.org/"]) == 1
    assert "hunter2" not in capsys.readouterr().err
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)    # no sticky bit: anyone may rename timeline/ in it
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    monkeypatch.setattr(memokey, "_key", None)
    assert main(["build", "--src", str(src), "--out", str(tmp_path / "build")]) == 0
    assert not compiled.folder().exists()


def test_an_order_written_with_a_leading_zero_says_so(site_dir, capsys):
    src = site_dir()
    [page] = sorted((src / "pages").glob("*.md"))[:1]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("---\n", "---\norder: 010\n", 1), encoding="utf-8")
    assert main(["check", "--src", str(src)]) == 1
    assert "order: expected a whole number, written plainly (no leading zero" in capsys.readouterr().err


def test_folders_linked_twice_over_in_a_chain_are_walked_once_each(site_dir, tmp_path, monkeypatch):
    """Only a link to a folder above was stopped: 18 folders each linking twice to the next were
    2**18 walks (14 s more for every build), 25 a hang."""
    from support import ROOT
    from timeline.build import inputs_digest
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    chain = [templates / "chain" / str(i) for i in range(12)]
    for folder in chain:
        folder.mkdir(parents=True)
    for here, there in zip(chain, chain[1:]):
        (here / "a").symlink_to(there)
        (here / "b").symlink_to(there)
    walked, scandir = [], os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": walked.append(os.fspath(path)) or scandir(path))
    before = inputs_digest(src, templates, {})
    assert len([p for p in walked if "/chain/" in p]) == len(chain)    # 2**12 - 1 before
    (chain[-1] / "x.html").write_text("x", encoding="utf-8")
    assert inputs_digest(src, templates, {}) != before
