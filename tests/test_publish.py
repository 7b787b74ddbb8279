"""scripts/publish.py: the published folder is the whole site (PDF included) and nothing private."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest

from support import ROOT, require_tool
from test_links import check_links

BASE = "https://example.org/sub/"


def _script():
    spec = importlib.util.spec_from_file_location("publish", ROOT / "scripts" / "publish.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    require_tool(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils) is needed")
    pytest.importorskip("weasyprint")
    publish = _script()
    require_tool(publish.has_cjk_font(), "a CJK font (fonts-noto-cjk) is needed for the PDF")
    root = tmp_path_factory.mktemp("publish")
    out, work = root / "public", root / "work"
    files = publish.publish(ROOT / "site_src", out, BASE, install=False, work=work)
    return out, work, files


@pytest.mark.slow
def test_the_published_folder_has_the_pdf_linked_from_the_print_page(published):
    out, _, _ = published
    assert (out / "timeline.pdf").stat().st_size > 100_000
    assert 'href="../timeline.pdf"' in (out / "print" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_published_folder_leaves_the_build_record_and_hidden_files_behind(published):
    out, work, files = published
    assert (work / ".timeline-build").is_file()  # the build made one ...
    assert not (out / ".timeline-build").exists()  # ... and the reader does not get it
    assert [p for p in out.rglob(".*")] == []


@pytest.mark.slow
def test_every_published_file_is_one_a_reader_should_get(published):
    out, _, files = published
    on_disk = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert on_disk == sorted(files)
    kinds = {p.suffix for p in on_disk}
    assert kinds <= {".html", ".css", ".js", ".json", ".xml", ".txt", ".pdf", ".svg", ".geojson"}, kinds
    for name in ("index.html", "events.json", "sources.json", "timelinejs.json", "feed.xml", "sitemap.xml",
                 "robots.txt", "404.html", "places.geojson", "map/index.html", "map/basemap.svg"):
        assert (out / name).is_file(), name


@pytest.mark.slow
def test_published_links_resolve_under_the_base_urls_sub_path(published):
    out, _, _ = published
    assert check_links(out, BASE) == []
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}">' in home
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert all(loc.startswith(BASE) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap))


@pytest.mark.slow
def test_nothing_published_names_the_machine_or_its_folders(published):
    out, work, files = published
    publish = _script()
    assert publish.machine_traces(out, files) == []
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert str(work).encode() not in data and b"file:///" not in data, path


def test_machine_traces_finds_a_build_folder_path_but_not_a_url(tmp_path):
    publish = _script()
    (tmp_path / "a.html").write_text(f"<p>built in {tmp_path}/x</p>", encoding="utf-8")
    (tmp_path / "b.html").write_text('<a href="https://example.org/root/">x</a>', encoding="utf-8")
    found = publish.machine_traces(tmp_path, [Path("a.html"), Path("b.html")])
    assert found == [f"a.html: names {tmp_path.resolve()}"]


def test_a_host_name_is_looked_for_in_what_can_be_read_not_in_compressed_bytes(tmp_path):
    # Twentieth session: the Chinese PDF's compressed streams held '@vm' by chance, the machine's name.
    publish = _script()
    host = os.uname().nodename.encode()
    (tmp_path / "font.woff2").write_bytes(b"\x00\x91@" + host + b"\x1d\x0f")
    (tmp_path / "page.html").write_bytes(b'<a href="http://' + host + b'/x">x</a>')
    found = publish.machine_traces(tmp_path, [Path("font.woff2"), Path("page.html")])
    assert found == [f"page.html: names the host {host.decode()}"]


def test_publish_refuses_a_folder_that_is_not_empty_and_touches_nothing(tmp_path, capsys):
    publish = _script()
    out = tmp_path / "public"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert publish.main(["--base-url", BASE, "--out", str(out), "--no-install"]) == 1
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_file_a_reader_should_not_get_stops_the_publication(tmp_path):
    publish = _script()
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    (tmp_path / ".timeline-build").write_text("{}", encoding="utf-8")
    (tmp_path / "core.dump").write_bytes(b"\0")
    with pytest.raises(publish.PublishError, match="core.dump"):
        publish.reader_files(tmp_path)
    (tmp_path / "core.dump").unlink()
    assert publish.reader_files(tmp_path) == [Path("index.html")]


def test_the_pages_workflow_publishes_with_the_script():
    """The workflow and the script cannot drift apart: the workflow calls it and uploads its folder."""
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    run = re.search(r'python3? scripts/publish\.py --base-url ("[^"]+"|\S+) --out (\S+)', workflow)
    assert run, "the workflow must run scripts/publish.py"
    assert re.search(rf"path:\s*{re.escape(run[2])}\s*$", workflow, re.M), "it must upload the script's folder"
    assert "timeline build" not in workflow  # no second way to build
    assert "pdffonts" in workflow  # fails visibly without an embedded CJK font
    assert "cache: pip" in workflow and "APT_ARCHIVES" in workflow


def _no_build(publish, monkeypatch, calls: list):
    """The build and its checks replaced by a small site, so that only the script's own steps run."""
    def build(src, work, base_url, paper):
        calls.append(work)
        work.mkdir(parents=True, exist_ok=True)
        (work / "index.html").write_text("<p>site</p>", encoding="utf-8")
    monkeypatch.setattr(publish, "build", build)
    monkeypatch.setattr(publish, "check", lambda work: None)


def test_an_out_folder_that_cannot_be_made_is_refused_before_the_build_without_a_traceback(tmp_path, monkeypatch,
                                                                                             capsys):
    """--out under a file: the script built the whole site (PDF included, minutes) and then died with
    a NotADirectoryError traceback while copying."""
    publish = _script()
    calls = []
    _no_build(publish, monkeypatch, calls)
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    status = publish.main(["--base-url", BASE, "--out", str(tmp_path / "afile" / "public"), "--no-install"])
    assert status == 1
    assert "afile" in capsys.readouterr().err
    assert calls == []
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("where", ["work", "inside work", "holds work"])
def test_an_out_folder_that_is_the_private_build_folder_or_overlaps_it_is_refused(tmp_path, monkeypatch, where):
    """--out .cache/publish/build (new): shutil.SameFileError traceback after the build; --out inside it:
    the next publication's build removes it as a file not in the site."""
    publish = _script()
    calls = []
    _no_build(publish, monkeypatch, calls)
    work = tmp_path / "cache" / "build"
    out = {"work": work, "inside work": work / "public", "holds work": tmp_path / "cache"}[where]
    with pytest.raises(publish.PublishError, match="private build folder"):
        publish.publish(ROOT / "site_src", out, BASE, install=False, work=work)
    assert calls == []


def test_a_language_pdf_that_links_into_the_build_folder_stops_the_publication(tmp_path):
    """The check read only timeline.pdf's links; timeline-zh.pdf linked file:///<build>/print/."""
    pikepdf = pytest.importorskip("pikepdf")
    require_tool(shutil.which("pdfinfo") is not None, "pdfinfo (poppler-utils) is needed")
    publish = _script()
    (tmp_path / "print").mkdir()
    (tmp_path / "print" / "index.html").write_text('<a href="../timeline.pdf">PDF</a>', encoding="utf-8")

    def pdf(name: str, uri: str | None) -> None:
        doc = pikepdf.new()
        doc.add_blank_page()
        if uri:
            doc.pages[0].Annots = doc.make_indirect(pikepdf.Array([pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10],
                A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(uri)))]))
        doc.save(tmp_path / name)

    pdf("timeline.pdf", "https://example.org/")
    pdf("timeline-zh.pdf", None)
    publish.check(tmp_path)  # web links only: fine
    pdf("timeline-zh.pdf", f"file://{tmp_path}/print/index.html")
    with pytest.raises(publish.PublishError, match="timeline-zh.pdf links to files on this machine"):
        publish.check(tmp_path)
