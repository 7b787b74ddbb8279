"""An event whose id changed keeps its former address: `aliases` lists the ids it had, and each gets
a page that sends the reader on, in every language, left out of the sitemap; a former id that is
another event's, listed twice or mistyped is an error with its line."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from support import multilingual
from timeline.build import build_site, render_site
from timeline.cli import main

MOVED = "1689-treaty-of-nerchinsk"
FORMER = "1688-treaty-of-nertchinsk"


def _with_aliases(site_dir, aliases: str, extra: dict | None = None) -> Path:
    src = site_dir(extra)
    path = src / "events" / f"{MOVED}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"aliases: {aliases}\n", encoding="utf-8")
    return src


def _refresh_target(page: str, html: str) -> str:
    found = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
    assert found, html
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), found[1]))


def test_a_former_id_gives_a_page_that_sends_the_reader_to_the_event(site_dir, tmp_path):
    src = _with_aliases(site_dir, f"[{FORMER}]")
    result = build_site(src, tmp_path / "out")
    assert result.ok, result.diagnostics
    page = f"events/{FORMER}/index.html"
    html = (tmp_path / "out" / page).read_text(encoding="utf-8")
    target = _refresh_target(page, html)
    assert target == f"events/{MOVED}/index.html" and (tmp_path / "out" / target).is_file()
    assert f'<a href="../../{target}">Treaty of Nerchinsk</a>' in html
    assert '<html lang="en">' in html and '<meta name="robots" content="noindex">' in html
    assert "<title>Treaty of Nerchinsk</title>" in html
    assert 'rel="canonical"' not in html   # no base URL to make it absolute


def test_the_former_address_is_left_out_of_the_sitemap_and_names_its_canonical_page(site_dir):
    src = _with_aliases(site_dir, FORMER)   # a lone id, as other lists take it
    site = src / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "base_url: https://example.org/sub/\n", encoding="utf-8")
    result = render_site(src)
    assert result.ok, result.diagnostics
    html = result.files[f"events/{FORMER}/index.html"].decode()
    assert f'<link rel="canonical" href="https://example.org/sub/events/{MOVED}/">' in html
    sitemap = result.files["sitemap.xml"].decode()
    assert f"events/{MOVED}/" in sitemap and FORMER not in sitemap


def test_events_json_gives_each_event_its_former_ids(site_dir):
    import json
    result = render_site(_with_aliases(site_dir, f"[{FORMER}]"))
    records = {r["id"]: r for r in json.loads(result.files["events.json"])["events"]}
    assert records[MOVED]["aliases"] == [FORMER]
    assert {r["aliases"] == [] for i, r in records.items() if i != MOVED} == {True}


@pytest.mark.parametrize("base_url", [None, "https://example.org/sub/"])
def test_a_renamed_events_feed_entry_keeps_its_id_and_links_to_the_new_address(site_dir, base_url):
    """An Atom entry's id never changes (RFC 4287): it changed with the event's id, so feed readers
    showed the renamed event as a new one. It is now that of the first former id listed."""
    import feedparser

    def entries(src):
        result = render_site(src, base_url=base_url)
        assert result.ok, result.diagnostics
        return {e.title: (e.id, e.link) for e in feedparser.parse(result.files["feed.xml"]).entries}

    src = site_dir()
    before = entries(src)
    events = src / "events"
    text = (events / f"{MOVED}.yaml").read_text(encoding="utf-8")
    (events / f"{MOVED}.yaml").unlink()
    renamed = "1689-nerchinsk"
    (events / f"{renamed}.yaml").write_text(text + f"aliases: [{MOVED}, {FORMER}]\n", encoding="utf-8")
    after = entries(src)
    title = "Treaty of Nerchinsk"
    assert after[title][0] == before[title][0]
    assert f"events/{renamed}/" in after[title][1] and f"events/{MOVED}/" in before[title][1]
    assert {t: v for t, v in after.items() if t != title} == {t: v for t, v in before.items() if t != title}


def test_in_a_translated_edition_the_page_names_the_event_in_its_language_or_marks_the_english(tmp_path):
    src = multilingual(tmp_path / "site_src")
    for eid, former in ((MOVED, FORMER), ("1864-dated", "1863-dated")):
        path = src / "events" / f"{eid}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"aliases: [{former}]\n", encoding="utf-8")
    result = render_site(src)
    assert result.ok, result.diagnostics
    translated = result.files[f"zh/events/{FORMER}/index.html"].decode()
    assert f'本页已移至：<a href="../../events/{MOVED}/index.html">尼布楚条约</a>' in translated
    assert '<html lang="zh-Hans">' in translated and "<title>尼布楚条约</title>" in translated
    english = result.files["zh/events/1863-dated/index.html"].decode()   # not translated into Chinese
    assert re.search(r'<a href="\.\./\.\./events/1864-dated/index.html" lang="en">[^<]+</a>', english), english
    assert result.pages == len([p for p in result.files if p.endswith(".html")]) - 6   # not counted as pages


def test_a_translation_left_under_the_former_id_is_told_the_id_to_take(tmp_path, monkeypatch, capsys):
    src = multilingual(tmp_path / "site_src")
    old = src / "events" / f"{MOVED}.yaml"
    (src / "events" / "1689-nerchinsk-treaty.yaml").write_text(
        old.read_text(encoding="utf-8") + f"aliases: [{MOVED}]\n", encoding="utf-8")
    old.unlink()
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert (f"site_src/translations/zh-Hans/events/{MOVED}.yaml:1: a translation of no event: there is no "
            f"events/{MOVED}.yaml; the event is '1689-nerchinsk-treaty' now (its former id, under its aliases): "
            "rename this file to 1689-nerchinsk-treaty.yaml") in err, err


def test_a_title_from_yaml_is_escaped_on_the_page_at_the_former_address(site_dir):
    src = _with_aliases(site_dir, f"[{FORMER}]")
    path = src / "events" / f"{MOVED}.yaml"
    text = path.read_text(encoding="utf-8").replace("title: Treaty of Nerchinsk", "title: 'Nerchinsk </title><script>x()</script>'")
    path.write_text(text, encoding="utf-8")
    html = render_site(src).files[f"events/{FORMER}/index.html"].decode()
    assert "<script>x()" not in html and "&lt;/title&gt;&lt;script&gt;" in html
    assert html.count("<script>") == 1   # the engine's own, which carries a #fragment on


def test_the_script_that_keeps_a_fragment_holds_the_address_as_a_string_it_cannot_leave():
    from markupsafe import escape

    from timeline.aliases import _script_string
    assert _script_string(escape("../a&b/")) == '"../a&b/"'
    assert _script_string(escape('../"</script>/')) == '"../\\"\\u003c/script>/"'


def test_the_preview_makes_the_page_at_the_former_address_when_asked(site_dir):
    from timeline.incremental import Memo
    src = _with_aliases(site_dir, f"[{FORMER}]")
    result = render_site(src, memo=Memo(), on_demand=True)
    assert result.ok
    assert b"noindex" in result.deferred[f"events/{FORMER}/index.html"]()


def test_the_bundled_sites_moved_event_keeps_its_address_in_every_language(site):
    for prefix in ("", "zh/", "ru/"):
        page = f"{prefix}events/1950-repatriation-of-russians-from-china/index.html"
        html = site.files[page].decode()
        target = _refresh_target(page, html)
        assert target == f"{prefix}events/1954-repatriation-of-russians-from-china/index.html"
        assert site.files[target] is not None
    assert "本页已移至：<a " in site.files["zh/events/1950-repatriation-of-russians-from-china/index.html"].decode()
    assert "Эта страница перенесена: <a " in site.files["ru/events/1950-repatriation-of-russians-from-china/index.html"].decode()


def test_every_mistake_in_aliases_is_reported_with_its_line_in_one_run(site_dir, capsys):
    src = _with_aliases(site_dir, f"[1727-treaty-of-kyakhta, {FORMER}, {FORMER}, {MOVED}, Old_Name, 17-x, 1726-{'a' * 300}]")
    kyakhta = src / "events" / "1727-treaty-of-kyakhta.yaml"
    kyakhta.write_text(kyakhta.read_text(encoding="utf-8") + f"aliases: [{FORMER}]\n", encoding="utf-8")
    year_only = src / "events" / "1864-year-only.yaml"
    text = year_only.read_text(encoding="utf-8")
    year_only.write_text(re.sub(r"^related:.*$", f"related: [{FORMER}]", text, flags=re.M) if "related:" in text
                         else text + f"related: [{FORMER}]\n", encoding="utf-8")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    nerchinsk = f"site_src/events/{MOVED}.yaml"
    line = len((src / "events" / f"{MOVED}.yaml").read_text(encoding="utf-8").splitlines())
    for expected in (
            f"{nerchinsk}:{line}: aliases: 'Old_Name' is not an event's id",
            f"{nerchinsk}:{line}: aliases: '17-x' is not an event's id",
            f"{nerchinsk}:{line}: aliases: '1726-aaaa", "' is longer than an event's id can be (250 characters)",
            f"{nerchinsk}:{line}: aliases: the event's own id is not a former one",
            f"{nerchinsk}:{line}: aliases: an id is listed twice",
            f"{nerchinsk}:{line}: aliases: '1727-treaty-of-kyakhta' is the id of an event "
            "(events/1727-treaty-of-kyakhta.yaml), not a former one",
            f"site_src/events/1727-treaty-of-kyakhta.yaml:", f"aliases: '{FORMER}' is a former id of '{MOVED}' already",
            f"site_src/events/1864-year-only.yaml:", f"related: no event '{FORMER}': it is '{MOVED}' now"):
        assert expected in err, (expected, err)
    assert "Traceback" not in err
    assert err.count("is a former id of") == 1   # not for the id listed twice in one event
