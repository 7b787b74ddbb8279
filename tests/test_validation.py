"""Bad sites give exact diagnostics (file:line: field: message), all at once, exit 1, no traceback."""

from __future__ import annotations

import shutil

import pytest

from support import FIXTURES, GOOD
from timeline import parallel
from timeline.build import render_site
from timeline.cli import main

BAD = FIXTURES / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.txt").exists())


def _overlay(case: str, tmp_path):
    src = tmp_path / "site_src"
    shutil.copytree(GOOD, src)
    for path in (BAD / case).rglob("*"):
        if path.is_file() and path.name != "expected.txt":
            target = src / path.relative_to(BAD / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return src


@pytest.mark.parametrize("split", [False, True], ids=["one process", "two processes"])
@pytest.mark.parametrize("case", CASES)
def test_bad_site_gives_exact_diagnostics(case, split, tmp_path, monkeypatch, capsys):
    _overlay(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    if split:  # as a large site is read: event files (and texts) shared with a second process
        monkeypatch.setattr(parallel.map_in_halves, "__defaults__", (2,))
    expected = (BAD / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    strict = ["--strict"] if case == "uncited-source" else []
    status = main(["check", *strict])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("check failed")]
    assert lines == expected
    assert status == 1
    assert "Traceback" not in err


def test_bad_cases_exist():
    assert {"typos", "dates", "yaml-syntax", "sources", "no-citation", "site-config", "uncited-source"} <= set(CASES)


def test_warnings_pass_without_strict(tmp_path, monkeypatch, capsys):
    _overlay("uncited-source", tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert "warning: source is not cited by any event" in captured.err
    assert "1 warning" in captured.out


def test_failed_build_names_every_problem_and_keeps_build(tmp_path, monkeypatch, capsys):
    _overlay("typos", tmp_path)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "build"
    out.mkdir()
    (out / "index.html").write_text("previous good build")
    (out / ".timeline-build").write_text("")
    assert main(["build", "--out", str(out)]) == 1
    assert (out / "index.html").read_text() == "previous good build"
    assert sorted(p.name for p in out.iterdir()) == [".timeline-build", "index.html"]
    assert "left unchanged" in capsys.readouterr().err


def test_missing_site_yaml(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--src", "nowhere"]) == 1
    assert "nowhere/site.yaml: no site.yaml here: is --src the content folder?" in capsys.readouterr().err


def test_empty_and_non_mapping_event_files(site_dir, capsys):
    site_dir({"events/1700-empty.yaml": "", "events/1701-list.yaml": "- a\n- b\n"})
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "site_src/events/1700-empty.yaml:" in err and "expected a mapping of fields, got an empty file" in err
    assert "site_src/events/1701-list.yaml:1: event: expected a mapping of fields, got a list" in err


def test_duplicate_source_keys_across_files(site_dir, capsys):
    site_dir({"sources/extra.yaml": """
        mancall-1971:
          type: book
          title: Again
        """})
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert ("site_src/sources/extra.yaml:1: mancall-1971: source 'mancall-1971' already defined at "
            "site_src/sources.yaml:1") in err


def test_page_citations_are_checked(site_dir, capsys):
    site_dir({"pages/method.md": "---\ntitle: Method\n---\nText.\n\nCites [@nobody].\n"})
    assert main(["check"]) == 1
    assert "site_src/pages/method.md:6: no source 'nobody' in sources.yaml" in capsys.readouterr().err


def test_reserved_page_names(site_dir, capsys):
    site_dir({"pages/events.md": "---\ntitle: Clash\n---\nText.\n"})
    assert main(["check"]) == 1
    assert "'events' is used by the site itself; rename the page" in capsys.readouterr().err


def test_not_utf8(site_dir, capsys):
    src = site_dir()
    (src / "events" / "1700-latin1.yaml").write_bytes("title: Caf\xe9\n".encode("latin-1"))
    assert main(["check"]) == 1
    assert "site_src/events/1700-latin1.yaml:1:11: not UTF-8 text (byte 0xe9" in capsys.readouterr().err


def test_a_month_only_end_in_the_starts_month_is_not_before_it(site_dir, capsys):
    event = (site_dir() / "events" / "1689-treaty-of-nerchinsk.yaml").read_text(encoding="utf-8")
    site_dir({"events/1689-treaty-of-nerchinsk.yaml": event.replace("calendar: julian\n",
                                                                    "calendar: julian\nend: 1689-09\n")})
    assert main(["check"]) == 0
    assert "before it starts" not in capsys.readouterr().err
    site_dir({"events/1689-treaty-of-nerchinsk.yaml": event.replace("calendar: julian\n",
                                                                    "calendar: julian\nend: 1689-08-26\n")})
    assert main(["check"]) == 1
    assert ("site_src/events/1689-treaty-of-nerchinsk.yaml:4: end: ends (26 August (5 September N.S.) 1689) before "
            "it starts (27 August (6 September N.S.) 1689)") in capsys.readouterr().err


@pytest.mark.parametrize("summary, shows_text", [
    ('"~~The first treaty between the Qing and Russia.~~ [@mancall-1971, p. 150]"', False),
    ('"[@mancall-1971, p. 150]"', False),
    ('"~~The first treaty~~ ~~between the Qing and Russia~~ [@mancall-1971, p. 150]"', False),
    ('"~~The first ~~treaty~~ between the Qing and Russia.~~ [@mancall-1971]"', False),
    ('"![](https://example.org/map.png) [@mancall-1971]"', False),
    ('"~~The first~~ The second treaty [@mancall-1971, p. 150]"', True),
    ('"The first treaty ~~between~~ [@mancall-1971, p. 150]"', True),
    ('"1689 [@mancall-1971]"', True),
    ('"[A treaty](https://example.org/) [@mancall-1971]"', True),
])
def test_a_summary_that_shows_no_text_is_an_error_at_its_line(summary, shows_text, site_dir, capsys):
    """Struck-through text and citations are left out of a summary's plain text, which is the page's
    description and what the feeds and the search show: a summary of nothing else showed nothing."""
    event = (site_dir() / "events" / "1689-treaty-of-nerchinsk.yaml").read_text(encoding="utf-8")
    line = "summary: The first treaty between the Qing and Russia [@mancall-1971, p. 150].\n"
    assert line in event
    site_dir({"events/1689-treaty-of-nerchinsk.yaml": event.replace(line, f"summary: {summary}\n")})
    assert main(["check"]) == (0 if shows_text else 1)
    err = capsys.readouterr().err
    assert ("site_src/events/1689-treaty-of-nerchinsk.yaml:8: summary: the summary shows no text once struck-through "
            "text (~~...~~) and citations are left out, as they are from the page's description, the feeds and the "
            "search" in err) is not shows_text, err


def test_a_text_too_long_to_clean_in_time_is_an_error_at_its_line(site_dir, capsys):
    """The HTML cleaner's time grows with the square of a paragraph's ampersands: 2 MB of them took a
    minute and a half to build, silently. A text longer than any a page needs is an error instead."""
    src = site_dir()
    event = (src / "events" / "1864-dated.yaml").read_text(encoding="utf-8")
    page = (src / "pages" / "about.md").read_text(encoding="utf-8")
    lines = event.count("\n")
    long = "&" * 200_001
    site_dir({"events/1864-dated.yaml": event + f"body: \"{long} [@mancall-1971]\"\n",
              "pages/about.md": page + "\n" + "& " * 110_000 + "\n"})
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert (f"site_src/events/1864-dated.yaml:{lines + 1}: body: the text has 200,017 characters, more than the "
            "200,000 a text may have: make it shorter or split it") in err, err
    assert "site_src/pages/about.md:5: the text has 220,056 characters" in err, err
    assert "Traceback" not in err


def test_control_characters_in_a_files_name_reach_the_terminal_escaped(site_dir, capsys):
    """A file's name is the editor's text too: ESC [ 2K and a carriage return hid which file was at
    fault, ESC ] ... BEL retitled the terminal."""
    site_dir({"events/1700-x\x1b[2K\rok.yaml": "title: X\n", "events/1700-\x1b]0;PWNED\x07x.yaml": "title: X\n",
              "events/1700-ab\u202ecd.yaml": "title: X\n"})
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert not any(c in err for c in "\x1b\x07\r\u202e"), repr(err)
    assert "site_src/events/1700-ab\\u202ecd.yaml:1: date: missing required field 'date'" in err, err
    assert "site_src/events/1700-x\\x1b[2K\\x0dok.yaml: id: file name '1700-x\\x1b[2K ok' is not a valid id" in err, err
    assert "site_src/events/1700-\\x1b]0;PWNED\\x07x.yaml:1: date: missing required field 'date'" in err, err


def test_a_templates_folder_that_is_not_a_theme_is_refused_before_it_is_read(site_dir, tmp_path, capsys):
    """--templates naming a folder of other things (a home folder, built sites) read every file under
    it and compiled each .html: thousands of template errors, or minutes of silence."""
    site_dir()
    other = tmp_path / "elsewhere"
    (other / "old-site" / "events").mkdir(parents=True)
    (other / "old-site" / "index.html").write_text("{{ broken", encoding="utf-8")
    (other / "old-site" / "events" / "index.html").write_text("{% if %}", encoding="utf-8")
    assert main(["check", "--templates", str(other)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"{other}: not a theme: it has none of the page templates (index.html, event.html, ...) at its "
                      "top (use --templates)"), err
    assert len([line for line in err if not line.startswith("check failed")]) == 1, err
    # A site this tool built has an index.html at its top: --templates build, mixed up with --out.
    (other / "old-site" / ".timeline-build").write_text("{}", encoding="utf-8")
    assert main(["check", "--templates", str(other / "old-site")]) == 1
    assert f"{other / 'old-site'}: a site this tool built (.timeline-build is its record), not a theme" in \
        capsys.readouterr().err


def test_a_key_that_is_not_text_is_an_unknown_field_at_its_line(site_dir, capsys):
    src = site_dir()
    event = (src / "events" / "1864-dated.yaml").read_text(encoding="utf-8")
    site = (src / "site.yaml").read_text(encoding="utf-8")
    site_dir({"events/1864-dated.yaml": event + "1: x\nfalse: x\n~: x\n0x10: x\n",
              "site.yaml": site + "2: x\nfalse: x\n"})
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    at = sorted(m.split(": ")[0] for m in err.splitlines() if "unknown field" in m)
    lines = event.count("\n")
    assert at == sorted([f"site_src/events/1864-dated.yaml:{lines + n}" for n in (1, 2, 3, 4)]
                        + [f"site_src/site.yaml:{site.count(chr(10)) + n}" for n in (1, 2)]), err


BAD_BASE_URLS = [
    ("https://example.org/?q=1#x", "has a query or fragment ('?q=1#x'): page paths are appended"),
    ("https://example.org/sub/?lang=en", "has a query or fragment ('?lang=en')"),
    ("https://example.org/#top", "has a query or fragment ('#top')"),
    ("https://user:secret@example.org/", "names a user (and password) before '@': every page would publish it"),
    ("https://example.org:99999/", "is not an http(s) URL"),
    ("https://[::1/", "is not an http(s) URL"),
    ("ftp://example.org/", "is not an http(s) URL"),
    ("https://exa mple.org/", "is not an http(s) URL"),
    ("notaurl", "is not an http(s) URL"),
    ('https://example.org/"><script>/', "holds '\"', which an address cannot hold as it is: write it %22"),
    ("https://example.org/{sub}/", "holds '{', which an address cannot hold as it is: write it %7B"),
    ("https://example.org/100%/", "holds '%', which an address cannot hold as it is: write it %25"),
    ("https://example.org/a[1]/", "holds '[', which an address cannot hold as it is: write it %5B"),
    ("https://exa<mple.org/", "holds '<', which an address cannot hold as it is: write it %3C"),
]
# YAML refuses a control character itself; the command line passes it on.
COMMAND_LINE_BASE_URLS = BAD_BASE_URLS + [("https://example.org/\x01", "is not an http(s) URL (it holds U+0001)")]


@pytest.mark.parametrize("value, message", BAD_BASE_URLS, ids=[v for v, _ in BAD_BASE_URLS])
def test_a_base_url_page_paths_cannot_be_appended_to_is_an_error_at_its_line_in_site_yaml(value, message, site_dir,
                                                                                         capsys):
    src = site_dir()
    text = (src / "site.yaml").read_text(encoding="utf-8") + f"base_url: '{value}'\n"
    (src / "site.yaml").write_text(text, encoding="utf-8")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert f"site_src/site.yaml:{text.count(chr(10))}: base_url: '" in err and message in err
    assert "secret" not in err and "Traceback" not in err


@pytest.mark.parametrize("value, message", COMMAND_LINE_BASE_URLS, ids=[v for v, _ in COMMAND_LINE_BASE_URLS])
def test_a_bad_base_url_on_the_command_line_is_named_as_the_option_by_check_and_build(value, message, site_dir,
                                                                                      capsys):
    site_dir()
    assert main(["check", "--base-url", value]) == 1
    checked = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("check failed")]
    build = site_dir().parent / "build"
    build.mkdir()
    (build / "index.html").write_text("previous good build")
    (build / ".timeline-build").write_text("")
    assert main(["build", "--base-url", value]) == 1
    err = capsys.readouterr().err
    built = [line for line in err.splitlines() if not line.startswith("build failed")]
    assert len(checked) == 1 and checked[0].startswith("--base-url: '") and message in checked[0]
    assert built == checked and "site.yaml" not in err and "secret" not in err and "Traceback" not in err
    assert "left unchanged" in err and (build / "index.html").read_text() == "previous good build"
    assert sorted(p.name for p in build.iterdir()) == [".timeline-build", "index.html"]


def test_a_bad_base_url_on_the_command_line_is_reported_with_the_problems_of_site_yaml(capsys, site_dir):
    src = site_dir()
    (src / "site.yaml").write_text((src / "site.yaml").read_text() + "base_url: https://example.org/?a\n"
                                   "title: [a, b\n", encoding="utf-8")
    assert main(["check", "--base-url", "https://example.org/#b"]) == 1
    err = capsys.readouterr().err
    assert "--base-url: 'https://example.org/#b' has a query or fragment ('#b')" in err
    assert "site_src/site.yaml:" in err and "?a" not in err  # the command line's value overrides site.yaml's


@pytest.mark.parametrize("value, base", [("https://example.org/sub", "https://example.org/sub/"),
                                         ("HTTP://example.org:8080/a/b/", "HTTP://example.org:8080/a/b/"),
                                         (" https://例え.jp/ ", "https://例え.jp/")])
def test_a_base_url_without_a_trailing_slash_or_with_a_port_is_accepted(value, base, site_dir, capsys):
    result = render_site(site_dir(), base_url=value)
    assert result.ok, result.diagnostics
    page = result.files["events/1689-treaty-of-nerchinsk/index.html"].decode()
    assert f'<link rel="canonical" href="{base}events/1689-treaty-of-nerchinsk/">' in page


@pytest.mark.parametrize("broken", ["title: [x\n", "just text, not a mapping\n"])
def test_an_event_file_that_cannot_be_read_gives_its_own_error_and_no_false_ones_elsewhere(broken, site_dir, capsys):
    """A syntax error in one event made every `related:` naming it 'no event ... (did you mean ...)' and
    every source only it cites 'not cited by any event': a cascade in which the real error was fourth."""
    src = site_dir()
    nerchinsk = src / "events" / "1689-treaty-of-nerchinsk.yaml"
    text = nerchinsk.read_text(encoding="utf-8")
    year_only = src / "events" / "1864-year-only.yaml"
    year_only.write_text(year_only.read_text(encoding="utf-8").replace("[mancall-1971]", "[only-here]") + broken,
                         encoding="utf-8")
    sources = src / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "only-here:\n  type: book\n  title: Cited once\n"
                       "  issued: 1990\n", encoding="utf-8")
    # Still reported in the same run: a related event that does not exist at all.
    nerchinsk.write_text(text.replace("related: [1864-year-only]", "related: [1864-year-only, 1900-nowhere]"),
                         encoding="utf-8")
    assert main(["check", "--strict"]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("check failed")]
    assert len(lines) == 2, err
    assert lines[0].startswith("site_src/events/1689-treaty-of-nerchinsk.yaml:") and "no event '1900-nowhere'" in lines[0]
    assert lines[1].startswith("site_src/events/1864-year-only.yaml:")
    assert "not cited" not in err and "1864-year-only'" not in err


def test_an_event_file_ending_in_yml_is_no_missing_event_to_the_files_that_name_it(site_dir, capsys):
    src = site_dir()
    (src / "events" / "1864-year-only.yaml").rename(src / "events" / "1864-year-only.yml")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "event files end in .yaml" in err and "no event '1864-year-only'" not in err, err


def _checked_with_link(site_dir, capsys, link: str) -> tuple[int, str]:
    """check (passing) of the fixture with link in a body's second paragraph: (its line, what check said)."""
    src = site_dir()
    path = src / "events" / "1864-year-only.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "body: |\n  First line.\n\n  After " + link + " it changed.\n", encoding="utf-8")
    assert main(["check"]) == 0
    return text.count("\n") + 4, capsys.readouterr().err


@pytest.mark.parametrize("link, shown", [("[Kyakhta](../1727-treaty-of-kyakhta/)", "../1727-treaty-of-kyakhta/"),
                                         ("[note](#note-1)", "#note-1"),
                                         ("[Kyakhta](</events/1727-treaty-of-kyakhta/> \"K\")",
                                          "/events/1727-treaty-of-kyakhta/")])
def test_a_relative_link_in_an_events_text_is_a_warning_at_its_line(link, shown, site_dir, capsys):
    """It worked on the event's own page only: on the lists, theme and era pages and print views that
    show the same text it led nowhere, and nothing said so."""
    line, err = _checked_with_link(site_dir, capsys, link)
    assert f"site_src/events/1864-year-only.yaml:{line}: body: warning: the link to '{shown}' is relative" in err, err
    assert main(["check", "--strict"]) == 1


@pytest.mark.parametrize("link, said", [
    ("[run](javascript:alert(1))", "the link 'run' has no address the page keeps (javascript:, data:, "
                                   "vbscript: and file: addresses are emptied"),
    ("[empty]()", "the link 'empty' has no address the page keeps"),
    ("[files](ftp://files.example.org/a)", "the link to 'ftp://files.example.org/a' is left out of the page: "
                                           "only http:, https: and mailto: addresses are kept"),
])
def test_a_link_the_page_empties_or_drops_is_not_called_relative(link, said, site_dir, capsys):
    # Outside tester: these were "the link to '' is relative" (javascript:) and "the link to 'ftp://...'
    # is relative", which says neither what is wrong nor where.
    line, err = _checked_with_link(site_dir, capsys, link)
    assert f"site_src/events/1864-year-only.yaml:{line}: body: warning: {said}" in err, err
    assert "is relative" not in err


def test_full_addresses_and_bare_web_addresses_are_no_relative_links(site_dir, capsys):
    src = site_dir()
    path = src / "events" / "1864-year-only.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "summary: Sorted before the dated events of 1864.",
        "summary: 'Sorted [first](https://example.org/a), see <https://example.org/b>, www.example.org, "
        "[mail](mailto:a@example.org) and [B](HTTP://EXAMPLE.ORG).'"), encoding="utf-8")
    assert main(["check", "--strict"]) == 0, capsys.readouterr().err


def test_a_citation_or_markdown_link_in_site_yaml_is_a_warning_at_its_line_as_it_would_show_as_typed(site_dir, capsys):
    """An era's intro with [@key] and a [link](...) was published as typed on the era, home and print pages."""
    src = site_dir()
    site = src / "site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace("intro: The late period.", "intro: 'The late period [@mancall-1971].'")
                    .replace("description: Treaties.", "description: '[Treaties](https://example.org/t).'")
                    .replace("subtitle: A small site for the tests", "subtitle: 'Plain [brackets] and a@b.org'"),
                    encoding="utf-8")
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning:") == 2, err
    assert ("site_src/site.yaml:12: eras[1].intro: warning: site.yaml's texts are plain text: the citation of "
            "'mancall-1971' would be shown as typed") in err
    assert "site_src/site.yaml:8: themes[1].description: warning: site.yaml's texts are plain text: a Markdown link" in err
