"""The command line: help, new, exit statuses, and running as a module and as the build script."""

from __future__ import annotations

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
    ("check", ["--src", "--templates", "--base-url", "--strict"]),
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
    assert "1727-treaty-of-bura.yaml" in err and "missing required field 'summary'" in err


@pytest.mark.parametrize("argv, message", [
    (["new", "Title", "1858-02-30"], "date: February 1858 has 28 days in the Gregorian calendar, not 30"),
    (["new", "Title", "June 1858"], "date: 'June 1858' is not a date like"),
    (["new", "!!!", "1858"], "title: needs at least one letter or digit"),
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
