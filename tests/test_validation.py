"""Bad sites give exact diagnostics (file:line: field: message), all at once, exit 1, no traceback."""

from __future__ import annotations

import shutil

import pytest

from support import FIXTURES, GOOD
from timeline import parallel
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
