"""Findings of the sixth red team (4 December 2026): the commands other than build, and mistaken input."""

from __future__ import annotations

import shutil

import pytest

from support import ROOT
from timeline.cli import main


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    """A copy of the bundled content (its translations record the English they were made from)."""
    src = tmp_path / "site_src"
    shutil.copytree(ROOT / "site_src", src)
    monkeypatch.chdir(tmp_path)
    return src


@pytest.mark.parametrize("mistake", ["colour", "base-url"])
def test_an_error_in_site_yaml_does_not_make_its_translations_stale(bundled, capsys, mistake):
    # The site read despite the error is the one whose title and subtitle the translations were made
    # from: they are not told that its English changed, which no one edited.
    args = ["check", "--src", str(bundled)]
    if mistake == "colour":
        site = bundled / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8").replace('colour: "#8c510a"', 'colour: "#8c510"'),
                        encoding="utf-8")
    else:
        args += ["--base-url", "ftp://example.org/"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "has changed since it was translated" not in err
    assert err.splitlines()[-1] == "check failed: 1 error, 0 warnings"


@pytest.mark.parametrize("host", ["", " "])
def test_serve_refuses_an_empty_host(capsys, host):
    # `--host "$HOST"` with HOST unset: an empty address listens on every interface.
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--host", host])
    assert stop.value.code == 2
    assert "--host: an empty address" in capsys.readouterr().err


@pytest.mark.parametrize("folder, name, read", [
    ("sources", "more.yml", ".yaml"), ("sources", "more.YAML", ".yaml"),
    ("pages", "history.markdown", ".md"), ("pages", "history.MD", ".md"),
])
def test_a_content_file_under_a_near_name_is_an_error_not_ignored(site_dir, capsys, folder, name, read):
    # A page or a sources file saved as .markdown or .yml was left out of the site without a word.
    text = "---\ntitle: History\n---\nText.\n" if read == ".md" else "extra-1990:\n  type: book\n  title: T\n"
    src = site_dir({f"{folder}/{name}": text})
    assert main(["check", "--src", str(src)]) == 1
    err = capsys.readouterr().err
    assert f"site_src/{folder}/{name}: files in {folder}/ end in {read} (this one is ignored)" in err


def test_a_translated_site_yaml_that_is_not_a_mapping_is_one_error(bundled, capsys):
    # It was one error and a 'not translated yet' warning for each of its 36 texts, all at line 1.
    (bundled / "translations" / "zh-Hans" / "site.yaml").write_text("- a\n- b\n", encoding="utf-8")
    assert main(["check", "--src", str(bundled)]) == 1
    err = capsys.readouterr().err
    assert "site_src/translations/zh-Hans/site.yaml:1: expected a mapping (title, subtitle, themes, eras), got a list" \
           in err
    assert err.splitlines()[-1] == "check failed: 1 error, 0 warnings", err.splitlines()[-3:]


@pytest.mark.parametrize("name", ["1701-test-event.YAML", "1701-test-event.YML", "1701-test-event.Yaml"])
def test_an_event_file_with_its_suffix_in_capitals_is_an_error_not_ignored(site_dir, capsys, name):
    # check said 'ok: ... events' and the event was not published.
    src = site_dir({f"events/{name}": "title: T\ndate: 1701\nsummary: S [@x].\n"})
    assert main(["check", "--src", str(src)]) == 1
    assert f"site_src/events/{name}: event files end in .yaml (this one is ignored)" in capsys.readouterr().err
