"""The command line: help, new, exit statuses, and running as a module and as the build script."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from support import ROOT
from timeline.cli import main, make_parser


def _help(*argv) -> str:
    with pytest.raises(SystemExit) as exc:
        make_parser().parse_args([*argv, "--help"])
    assert exc.value.code == 0
    return exc.value


@pytest.mark.parametrize("command, options", [
    ("build", ["--src", "--templates", "--base-url", "--strict", "--out", "--pdf", "--paper"]),
    ("check", ["--src", "--templates", "--base-url", "--strict", "--pdf", "--no-cache"]),
    ("new", ["title", "date", "--src", "--julian", "--theme"]),
    ("serve", ["--src", "--host", "--port", "--poll"]),
])
def test_help_lists_every_option(command, options, capsys):
    _help(command)
    out = capsys.readouterr().out
    assert out.startswith(f"usage: timeline {command}")
    for option in options:
        assert option in out, option
    # Every option has a description, not just a name.
    parser = make_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    for action in sub._actions:
        assert action.help, action.dest


def test_top_level_help_names_every_command(capsys):
    _help()
    out = capsys.readouterr().out
    for command in ("build", "check", "new", "serve"):
        assert command in out


def test_new_scaffolds_an_event_that_check_then_explains(site_dir, capsys):
    site_dir()
    assert main(["new", "Treaty of Bura", "1727-09-01", "--julian", "--theme", "diplomacy"]) == 0
    path = __import__("pathlib").Path("site_src/events/1727-treaty-of-bura.yaml")
    data = yaml.safe_load(path.read_text())
    assert data["title"] == "Treaty of Bura" and data["date"] == "1727-09-01" and data["calendar"] == "julian"
    assert data["themes"] == ["diplomacy"]
    assert "created site_src/events/1727-treaty-of-bura.yaml" in capsys.readouterr().out
    # It refuses to overwrite.
    path.write_text(path.read_text() + "# edited\n")
    assert main(["new", "Treaty of Bura", "1727-09-01"]) == 1
    assert "already exists; not overwritten" in capsys.readouterr().err
    assert path.read_text().endswith("# edited\n")
    # The scaffold is not yet valid: it has no summary and no source, and check says so.
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "1727-treaty-of-bura.yaml" in err and "required field 'summary' is empty" in err   # summary: "" (was 'missing')


@pytest.mark.parametrize("argv, message", [
    (["new", "Title", "1858-02-30"], "date: February 1858 has 28 days in the Gregorian calendar, not 30"),
    (["new", "Title", "June 1858"], "date: 'June 1858' is not a date like"),
    (["new", "!!!", "1858"], "title: needs at least one Latin letter or digit"),
    # Fourth red team: a title in Chinese was said to have no letter; a Julian date after the change
    # of calendar was written, for check to reject.
    (["new", "尼布楚条约", "1751"], "events are named in English; a translation goes under translations/"),
    (["new", "Title", "1918-02-20", "--julian"], "date: Russia adopted the Gregorian calendar in February 1918"),
])
def test_new_rejects_bad_input(argv, message, site_dir, capsys):
    site_dir()
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_new_transliterates_title(site_dir):
    site_dir()
    assert main(["new", "Île Zhenbao — Damansky", "1969-03-02"]) == 0
    assert __import__("pathlib").Path("site_src/events/1969-ile-zhenbao-damansky.yaml").exists()


def test_module_and_build_script_run(tmp_path):
    fixture = ROOT / "tests" / "fixtures" / "good" / "site_src"
    run = subprocess.run([sys.executable, "-m", "timeline", "check", "--src", str(fixture)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert re.match(r"ok: \d+ events, \d+ sources", run.stdout)
    out = tmp_path / "site"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "--src", str(fixture), "--out", str(out)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (out / "index.html").is_file()


def test_unknown_command_and_option_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bild"])
    assert exc.value.code == 2
    assert "invalid choice: 'bild'" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["70000", "-1", "65536", "8o", "", "99999999999999999999"])
def test_serve_refuses_a_port_outside_0_to_65535_as_a_command_line_error(port, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", port])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: timeline serve") and "argument --port:" in err and "0-65535" in err
    assert "Traceback" not in err and "OverflowError" not in err


@pytest.mark.parametrize("port, expected", [("0", 0), ("8000", 8000), ("65535", 65535)])
def test_serve_accepts_every_port_from_0_to_65535(port, expected):
    assert make_parser().parse_args(["serve", "--port", port]).port == expected


# --- `timeline new` with hostile input (REDTEAM 13, 18, 27) ----------------------------------------

def _events(src="site_src"):
    return sorted(p.name for p in (__import__("pathlib").Path(src) / "events").iterdir())


def test_new_cuts_a_long_title_at_a_hyphen_to_a_file_name_of_at_most_80_characters(site_dir, capsys):
    site_dir()
    title = "The very long title of a treaty " * 6 + "end"
    before = _events()
    assert main(["new", title, "1727"]) == 0
    (name,) = set(_events()) - set(before)
    slug = name[len("1727-"):-len(".yaml")]
    assert len(slug) <= 80 and "the-very-long-title-of-a-treaty-the".startswith(slug[:35])
    assert not slug.endswith("-") and title.lower().replace(" ", "-").startswith(slug)  # whole words
    data = yaml.safe_load((__import__("pathlib").Path("site_src/events") / name).read_text())
    assert data["title"] == title, "the title itself is not shortened"
    assert "80" in capsys.readouterr().out


@pytest.mark.parametrize("title", ["T" * 300, "T" * 81, "Ab" * 41 + " treaty"])
def test_new_refuses_a_title_whose_first_word_makes_too_long_a_file_name(title, site_dir, capsys):
    site_dir()
    before = _events()
    assert main(["new", title, "1700"]) == 1
    err = capsys.readouterr().err
    assert "title:" in err and "80 characters" in err and "Traceback" not in err and "Errno" not in err
    assert _events() == before


@pytest.mark.parametrize("title, code", [("Bell\a title", "U+0007"), ("Form\x0cfeed from a PDF", "U+000C"),
                                         ("NUL\x00inside", "U+0000"), ("Non-character \ufffe here", "U+FFFE")])
def test_new_refuses_a_title_with_a_control_character_as_check_would_refuse_the_file(title, code, site_dir, capsys):
    site_dir()
    before = _events()
    assert main(["new", title, "1700"]) == 1
    assert f"title: holds the control character {code}" in capsys.readouterr().err
    assert _events() == before


@pytest.mark.parametrize("title", [
    "Tab\tand\rreturn",
    "Line\nbreak", "Next line\x85and separator\u2028", "key: value", "- a list?", "# not a comment",
    "'single' and \"double\" quotes", "ends in a backslash \\", "&anchor *alias", "!!python/object:os.system x",
    "{a: 1}", "[a]", "yes", "null 1", "Kyakhta — 恰克图条约 — Кяхтинский договор", "%TAG ! x", "--- 1", "... 2",
])
def test_new_writes_valid_yaml_that_reads_back_the_same_title(title, site_dir):
    site_dir()
    before = _events()
    assert main(["new", title, "1727-09-01", "--julian", "--theme", "trade", "--theme", "diplomacy"]) == 0
    (name,) = set(_events()) - set(before)
    path = __import__("pathlib").Path("site_src/events") / name
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["title"] == title and data["date"] == "1727-09-01" and data["calendar"] == "julian"
    assert data["themes"] == ["trade", "diplomacy"] and data["summary"] == ""
    assert set(data) == {"title", "date", "calendar", "themes", "significance", "summary"}, "nothing injected"
    from timeline.yamlfile import parse
    assert parse(text).data == data, "the project's own loader reads it too"


def test_new_refuses_a_title_that_is_not_text(site_dir, capsys):
    site_dir()
    before = _events()
    assert main(["new", "Bad \udcff bytes", "1700"]) == 1
    assert "title:" in capsys.readouterr().err
    assert _events() == before


@pytest.mark.parametrize("theme, message", [
    ("a]\nsummary: injected", "is not a valid theme id"),
    ("Diplomacy", "is not a valid theme id"),
    ("", "is not a valid theme id"),
    ("trade, territory", "is not a valid theme id"),
    ("nosuch", "is not a theme of site.yaml (territory, diplomacy, trade)"),
])
def test_new_refuses_a_theme_that_is_not_a_theme_id(theme, message, site_dir, capsys):
    site_dir()
    before = _events()
    assert main(["new", "Treaty", "1700", "--theme", "trade", "--theme", theme]) == 1
    err = capsys.readouterr().err
    assert "theme:" in err and message in err
    assert _events() == before


@pytest.mark.parametrize("date", ["0001", "1688", "2026", "0999-01-01"])
def test_new_refuses_a_date_outside_the_sites_span(date, site_dir, capsys):
    site_dir()
    before = _events()
    assert main(["new", "Old", date]) == 1
    assert "outside the timeline's span (1689–2025, site.yaml)" in capsys.readouterr().err
    assert _events() == before


def test_new_names_the_file_after_a_four_digit_year(site_dir):
    src = site_dir()
    site = src / "site.yaml"
    site.write_text(site.read_text().replace("span: {start: 1689, end: 2025}", "span: {start: 1, end: 2025}")
                    .replace("start: 1689, end: 1916", "start: 1, end: 1916"))
    assert main(["new", "Old", "0001"]) == 0
    assert "0001-old.yaml" in _events() and "1-old.yaml" not in _events()
    assert main(["new", "Kyakhta", "1727-10-21", "--julian"]) == 0  # the span is in the Gregorian calendar
    assert "1727-kyakhta.yaml" in _events()


def test_new_reports_an_events_path_it_cannot_write_to_in_one_line(site_dir, capsys):
    src = site_dir()
    import shutil
    shutil.rmtree(src / "events")
    (src / "events").write_text("not a folder")
    assert main(["new", "Treaty", "1700"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("timeline new: ") and "events" in err and err.count("\n") == 1, err
    assert "already exists" not in err and "Traceback" not in err
    assert (src / "events").read_text() == "not a folder"


def test_an_answer_that_cannot_be_written_is_said_in_a_line_with_status_1(tmp_path):
    """`> /dev/full`: the answer is lost, which the command says once, without a traceback (it printed
    one, or failed at exit with status 120)."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "timeline", "check", "--src", str(ROOT / "tests/fixtures/good/site_src")],
                              cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == "error: the output could not be written: No space left on device", done.stderr


def test_a_reader_that_goes_away_ends_the_command_quietly_with_status_1(monkeypatch, capsys):
    """`timeline links --json | head -c1`: the pipe closed before the answer was written."""
    import io
    import os
    read, write = os.pipe()
    os.close(read)
    stdout = io.TextIOWrapper(os.fdopen(write, "wb", buffering=0), write_through=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr("timeline.cli.cmd_check", lambda args: print("x" * 100_000) or 0)
    assert main(["check"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    stdout.write("after")   # the null device now: the flush at exit cannot fail


@pytest.mark.parametrize("aliases", ["[1950-repatriation]", "1950-repatriation", "[other-id, 1950-repatriation]"])
def test_new_refuses_the_id_another_event_keeps_as_a_former_address(aliases, site_dir, capsys):
    """Its file would be made, and then `check` would blame the event that lists the id."""
    src = site_dir()
    holder = src / "events" / "1689-treaty-of-nerchinsk.yaml"
    holder.write_text(holder.read_text(encoding="utf-8") + f"aliases: {aliases}\n", encoding="utf-8")
    before = _events()
    assert main(["new", "Repatriation", "1950"]) == 1
    err = capsys.readouterr().err
    assert err == ("timeline new: 1950-repatriation is a former id of site_src/events/1689-treaty-of-nerchinsk.yaml"
                   " (its aliases), whose page that address leads to: choose another title, or take the id out"
                   " of that event's aliases first\n"), err
    assert _events() == before


def test_new_is_not_stopped_by_the_id_in_another_events_text_or_by_a_file_it_cannot_read(site_dir, capsys):
    src = site_dir()
    events = src / "events"
    holder = events / "1689-treaty-of-nerchinsk.yaml"
    holder.write_text(holder.read_text(encoding="utf-8") + "related: [1950-repatriation]\n", encoding="utf-8")
    laughs = "a: &a [1950-repatriation, 1950-repatriation]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20))
    (events / "1700-bomb.yaml").write_text(laughs + "aliases: *u\n", encoding="utf-8")   # 4^20 ids: refused unread
    os.mkfifo(events / "1701-pipe.yaml")
    assert main(["new", "Repatriation", "1950"]) == 0, capsys.readouterr().err
    assert "1950-repatriation.yaml" in _events()


@pytest.mark.parametrize("title, name", [("Straße of Łódź and Ærø", "1720-strasse-of-lodz-and-aero.yaml"),
                                         ("Đakovo, Þingvellir, Œuvre", "1720-dakovo-thingvellir-oeuvre.yaml"),
                                         ("1720 Embassy of Izmailov", "1720-embassy-of-izmailov.yaml"),
                                         ("The 1720 embassy", "1720-the-1720-embassy.yaml")])
def test_new_names_the_file_with_every_letter_of_the_title_and_the_year_once(title, name, site_dir, capsys):
    site_dir()
    assert main(["new", title, "1720"]) == 0
    assert name in _events()
    assert "keeps the title's first words" not in capsys.readouterr().out


def test_new_refuses_a_theme_given_twice_as_check_would_refuse_the_file(site_dir, capsys):
    site_dir()
    before = _events()
    assert main(["new", "Treaty", "1700", "--theme", "territory", "--theme", "territory"]) == 1
    assert capsys.readouterr().err == "timeline new: theme: a theme is given twice\n"
    assert _events() == before


@pytest.mark.parametrize("argv, said", [(["--paper", "letter"], "--paper sets"),
                                        (["--pdf-variant", "pdf/a-3u"], "--pdf-variant sets"),
                                        (["--paper", "a4", "--pdf-variant", "pdf/ua-1"], "--paper and --pdf-variant set")])
def test_build_refuses_pdf_options_without_pdf_which_they_would_not_change(argv, said, site_dir, capsys):
    """`--paper letter` alone built A4 nothing, silently: the editor thought they had asked for a PDF."""
    site_dir()
    assert main(["build", "--out", "out", *argv]) == 2
    assert capsys.readouterr().err == f"timeline build: {said} the PDFs: add --pdf\n"
    assert not __import__("pathlib").Path("out").exists()
