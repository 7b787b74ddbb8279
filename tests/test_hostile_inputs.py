"""Hostile content, through the real command line: whatever the input, `check` and `build` end in
time with a short diagnostic naming the file (and line), no traceback, the last good build untouched
and nothing written outside --out. Valid oddities (a BOM, CRLF, Jinja syntax in text) build.

The numbers in comments are the red-team report's (/work/shared/REDTEAM.md)."""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field

import pytest
import yaml

from hostile import HostileSite, build_baseline, listing, snapshot
from timeline import characters, citations, content, markup, yamlfile
from timeline.build import BUNDLED_TEMPLATES, build_site
from timeline.incremental import Memo
from timeline.diagnostics import Report

EVENT = "events/1700-x.yaml"
REL = "site_src/" + EVENT

VALID = """title: A test event
date: 1700
themes: [trade]
significance: minor
summary: Something happened [@mancall-1971].
"""


def _bomb(last_key: str) -> str:
    lines = ["k0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"k{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines + [f"{last_key}: *a8", ""])


def _fifo(path):
    os.mkfifo(path)


def _mkdir(path):
    path.mkdir()


def _link(target):
    return lambda path: os.symlink(target, path)


def _file_instead(path):
    shutil.rmtree(path)
    path.write_text("x")


def _loop(path):
    os.symlink(path.name + ".b", path)
    os.symlink(path.name, str(path) + ".b")


@dataclass
class Case:
    id: str
    files: dict
    status: int = 1
    where: str | None = REL       # the file a diagnostic must name
    line: int | str | None = None  # its line: a number, "any", or None (no line applies)
    phrase: str = ""              # in that diagnostic
    strict: bool = False
    absent: tuple = ()            # text that must not be printed
    built: tuple | None = None    # (output file, text it must hold) after a build that succeeds
    marks: list = field(default_factory=list)


CASES = [
    # 6: aliases that expand exponentially, in an event, a page's front matter and the sources
    Case("alias-bomb-event", {EVENT: _bomb("title")}, line="any", phrase="aliases"),
    Case("alias-bomb-page", {"pages/bomb.md": "---\n" + _bomb("title") + "---\nText.\n"},
         where="site_src/pages/bomb.md", line="any", phrase="aliases"),
    Case("alias-bomb-sources", {"sources.yaml": _bomb("bomb")}, where="site_src/sources.yaml", line="any",
         phrase="aliases"),
    Case("deep-yaml-nesting", {EVENT: VALID + "place: " + "[" * 500 + "]" * 500 + "\n"}, line=6,
         phrase="nested"),
    Case("deep-yaml-nesting-block", {EVENT: VALID + "names:\n" + "".join(" " * i + "- \n" for i in range(1, 200))},
         line="any", phrase="nested"),
    # 7: the citation scanner on 100,000 spaces (a valid event: the brackets are no citation)
    Case("citation-of-100k-spaces",
         {EVENT: VALID + "sources: [mancall-1971]\nbody: 'x [@mancall-1971; " + " " * 100_000 + "x]'\n"},
         status=0, where=None),
    # 8: 100,000 nested block quotes
    Case("deep-blockquotes-event", {EVENT: VALID + "body: '" + ">" * 100_000 + " x'\n"}, line=6,
         phrase="nested"),
    Case("deep-blockquotes-page", {"pages/deep.md": "---\ntitle: Deep\n---\nText.\n\n" + "> " * 5000 + "x\n"},
         where="site_src/pages/deep.md", line=6, phrase="nested"),
    # 9, 11: things that are not regular files, or cannot be read
    Case("fifo-event", {EVENT: _fifo}, phrase="named pipe"),
    Case("directory-event", {EVENT: _mkdir}, phrase="folder"),
    Case("directory-source-file", {"sources/x.yaml": _mkdir}, where="site_src/sources/x.yaml", phrase="folder"),
    Case("directory-page", {"pages/x.md": _mkdir}, where="site_src/pages/x.md", phrase="folder"),
    Case("dangling-link-event", {EVENT: _link("nowhere.yaml")}, phrase="broken symbolic link"),
    Case("looping-link-event", {EVENT: _loop}, phrase="symbolic link loop"),
    Case("link-to-dev-zero", {EVENT: _link("/dev/zero")}, phrase="device"),
    Case("link-to-dev-urandom", {EVENT: _link("/dev/urandom")}, phrase="device"),
    # Second red team: site.yaml that is there but not a file was reported as missing
    Case("fifo-site-yaml", {"site.yaml": lambda p: (p.unlink(), os.mkfifo(p))}, where="site_src/site.yaml",
         phrase="named pipe", absent=("no site.yaml here",)),
    Case("directory-site-yaml", {"site.yaml": lambda p: (p.unlink(), p.mkdir())}, where="site_src/site.yaml",
         phrase="folder", absent=("no site.yaml here",)),
    Case("dangling-link-site-yaml", {"site.yaml": lambda p: (p.unlink(), p.symlink_to("gone.yaml"))},
         where="site_src/site.yaml", phrase="broken symbolic link", absent=("no site.yaml here",)),
    # Second red team: a file name that is not UTF-8 (bytes 0xff) gave a UnicodeEncodeError in build
    Case("event-file-name-not-utf8", {"events/1700-\udcff.yaml": VALID}, where="site_src/events/1700-\\udcff.yaml",
         phrase="not a valid id"),
    Case("page-file-name-not-utf8", {"pages/p\udcff.md": "---\ntitle: P\n---\nText.\n"},
         where="site_src/pages/p\\udcff.md", phrase="not a valid slug"),
    Case("link-to-dev-zero-page", {"pages/z.md": _link("/dev/zero")}, where="site_src/pages/z.md", phrase="device"),
    Case("file-over-the-size-limit", {EVENT: lambda p: p.write_bytes(b"title: " + b"x" * (yamlfile.MAX_BYTES + 1))},
         phrase="bytes"),
    # 10, 20: not UTF-8
    Case("page-not-utf8", {"pages/l.md": b"---\ntitle: Caf\xe9\n---\n"}, where="site_src/pages/l.md", line=2,
         phrase="not UTF-8"),
    Case("event-not-utf8", {EVENT: VALID.encode() + b"place: Caf\xe9\n"}, line=6, phrase="not UTF-8"),
    Case("sources-not-utf8", {"sources.yaml": b"mancall-1971:\n  title: Caf\xe9\n"},
         where="site_src/sources.yaml", line=2, phrase="not UTF-8", absent=("no source",)),
    Case("sources-a-list", {"sources.yaml": "- a\n- b\n"}, where="site_src/sources.yaml", line=1,
         phrase="mapping", absent=("no source",)),
    Case("sources-broken-yaml", {"sources.yaml": "a: [\n"}, where="site_src/sources.yaml", line="any",
         absent=("no source",)),
    # 12: site.yaml
    Case("site-themes-a-number", {"site.yaml": lambda p: p.write_text(
        re.sub(r"themes:\n(  - .*\n)+", "themes: 5\n", p.read_text()))},
        where="site_src/site.yaml", line=6, phrase="list"),
    Case("site-eras-a-number", {"site.yaml": lambda p: p.write_text(
        re.sub(r"eras:\n(  - .*\n)+", "eras: 5\n", p.read_text()))},
        where="site_src/site.yaml", line="any", phrase="list"),
    Case("site-huge-span", {"site.yaml": lambda p: p.write_text(p.read_text().replace(
        "span: {start: 1689, end: 2025}", "span: {start: -99999999999999999999, end: 99999999999999999999}"))},
        where="site_src/site.yaml", line=5, phrase="span"),
    Case("site-span-backwards", {"site.yaml": lambda p: p.write_text(p.read_text().replace(
        "span: {start: 1689, end: 2025}", "span: {start: 2025, end: 1689}"))},
        where="site_src/site.yaml", line=5, phrase="span"),
    # 17: long values are quoted as a short excerpt
    Case("megabyte-scalar", {EVENT: "x" * 1_000_000}, line=1, phrase="…"),
    Case("link-to-etc-passwd", {EVENT: _link("/etc/passwd")}, line="any"),
    Case("five-thousand-digit-year", {EVENT: VALID.replace("1700", "9" * 5000)}, line=2, phrase="too long"),
    Case("long-unknown-key", {EVENT: VALID + "k" * 1000 + ": 1\n"}, line=6, phrase="unknown field"),
    Case("long-url", {"sources.yaml": lambda p: p.write_text(p.read_text().replace(
        "https://example.org/page", "ftp://" + "u" * 100_000))}, where="site_src/sources.yaml", line=17,
        phrase="is not an http(s) URL"),
    Case("long-theme-text", {EVENT: VALID.replace("[trade]", "t" * 100_000)}, line=3, phrase="…"),
    # 18: control characters
    Case("form-feed", {EVENT: VALID.replace("A test", "A\x0ctest")}, line=1, phrase="U+000C",
         absent=("<unicode string>",)),
    Case("nul", {EVENT: VALID.replace("significance: minor", "significance: mi\x00nor")}, line=4,
         phrase="U+0000", absent=("<unicode string>",)),
    Case("ufffe", {EVENT: VALID.replace("summary: Some", "summary: So\ufffeme")}, line=5, phrase="U+FFFE",
         absent=("<unicode string>",)),
    # Bidirectional controls (a second tester): an override reversed the rest of a title's line in lists and feeds
    Case("bidi-override-title", {EVENT: VALID.replace("A test event", "A \u202egnissim test")}, line=1,
         phrase="bidirectional control character U+202E is not allowed"),
    Case("bidi-isolate-escaped", {EVENT: VALID.replace("title: A test event", 'title: "A \\u2066test"')}, line=1,
         phrase="U+2066 (written as an escape)"),
    Case("bidi-in-page", {"pages/bidi.md": "---\ntitle: Bidi\n---\nText.\n\nA \u202dclaim.\n"},
         where="site_src/pages/bidi.md", line=6, phrase="control character U+202D is not allowed"),
    Case("bidi-reference", {EVENT: VALID.replace("Something happened", "Some &#x202E;thing")}, line=5,
         phrase="&#x202E; stands for U+202E"),
    # 19: no events folder
    Case("events-missing", {"events": None}, where="site_src/events", phrase="no events folder"),
    Case("events-a-file", {"events": _file_instead}, where="site_src/events", phrase="not a folder"),
    # 21: byte-order marks are fine everywhere
    Case("bom-page", {"pages/about.md": lambda p: p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())},
         status=0, where=None),
    Case("bom-event", {EVENT: "\ufeff" + VALID}, status=0, where=None),
    Case("bom-sources", {"sources.yaml": lambda p: p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())},
         status=0, where=None),
    # 22: raw HTML in a page is warned about, as in an event
    Case("page-raw-html", {"pages/raw.md": "---\ntitle: Raw\n---\nText.\n\nA <b>bold</b> claim.\n"},
         where="site_src/pages/raw.md", line=6, phrase="raw HTML", strict=True),
    # 27
    Case("fullwidth-digits-date", {EVENT: VALID.replace("date: 1700", "date: '１７００'")}, line=2,
         phrase="not a date"),
    Case("arabic-indic-digits-date", {EVENT: VALID.replace("date: 1700", "date: '١٧٠٠'")}, line=2,
         phrase="not a date"),
    Case("page-title-a-mapping", {"pages/t.md": "---\ntitle: {a: 1}\n---\nText.\n"},
         where="site_src/pages/t.md", line=2, phrase="expected text"),
    Case("event-id-without-year", {"events/index.yaml": VALID}, where="site_src/events/index.yaml",
         phrase="year"),
    Case("event-called-sources", {"events/sources.yaml": VALID}, where="site_src/events/sources.yaml",
         phrase="year"),
    Case("citation-in-code-span", {EVENT: VALID.replace("Something", "Type `[@no-such-key]` for")},
         status=0, where=None),
    Case("citation-in-fenced-code", {EVENT: VALID + "body: |\n  ```\n  [@no-such-key]\n  ```\n"},
         status=0, where=None),
    Case("source-key-null", {"sources.yaml": lambda p: p.write_text(p.read_text() + "~:\n  type: book\n"
                                                                      "  title: Nobody\n")},
         where="site_src/sources.yaml", line=19, phrase="'~'", absent=("None",)),
    # More of the red team's "content inputs"
    Case("crlf-event", {EVENT: VALID.replace("\n", "\r\n")}, status=0, where=None),
    Case("crlf-page", {"pages/about.md": lambda p: p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))},
         status=0, where=None),
    Case("tab-indent", {EVENT: VALID + "names:\n\tzh: x\n"}, line=7),
    Case("empty-event", {EVENT: ""}, phrase="empty file"),
    Case("multi-document", {EVENT: VALID + "---\ntitle: Second\n"}, line=6),
    Case("python-tag", {EVENT: VALID + "place: !!python/object/apply:os.system ['true']\n"}, line=6),
    Case("duplicate-key", {EVENT: VALID + "title: Again\n"}, line=6, phrase="twice"),
    Case("hundred-k-title", {EVENT: VALID.replace("A test event", "T" * 100_000)}, status=0, where=None),
    Case("jinja-in-text", {EVENT: VALID.replace("Something", "Some {{ 7*7 }} {% raw %} thing")}, status=0,
         where=None, built=("events/1700-x/index.html", "Some {{ 7*7 }} {% raw %} thing")),
    Case("page-front-matter-a-list", {"pages/l.md": "---\n- a\n---\nText.\n"}, where="site_src/pages/l.md",
         line=2, phrase="mapping"),
    # Fourth tester (twentieth session): a character reference to a placeholder's private-use
    # character, which Markdown decodes, posed as a citation (a traceback, or a second marker).
    Case("placeholder-reference-event", {EVENT: VALID.replace("Something", "Note &#xE000;9&#xE001; here")},
         status=0, where=None, built=("events/1700-x/index.html", "Note 9 here")),
    Case("placeholder-reference-page", {"pages/p.md": "---\ntitle: P\n---\nSee &#57344;3&#57345; [@mancall-1971].\n"},
         status=0, where=None, built=("p/index.html", "See 3")),
    # A citation where no marker can go: a link's title, text or address, an image, HTML.
    Case("citation-in-link-title", {EVENT: VALID + 'body: |\n  A [site](https://example.org "as in [@mancall-1971]").\n'},
         line=7, phrase="cannot go inside a link"),
    Case("citation-in-link-text", {EVENT: VALID.replace("Something happened [@mancall-1971].",
                                                        "See [the treaty [@mancall-1971]](https://example.org/t).")},
         line=5, phrase="cannot go inside a link"),
    Case("citation-in-link-address", {EVENT: VALID + "body: |\n  Text.\n\n  [x](https://example.org/[@mancall-1971])\n"},
         line=9, phrase="cannot go inside a link"),
    Case("citation-in-image", {EVENT: VALID + "body: |\n  ![map [@mancall-1971]](https://example.org/m.png)\n"},
         line=7, phrase="cannot go inside a link"),
    Case("citation-in-reference-link", {EVENT: VALID + "body: |\n  [see [@mancall-1971]][r]\n\n  [r]: https://example.org\n"},
         line=7, phrase="cannot go inside a link"),
    Case("citation-in-page-link", {"pages/q.md": "---\ntitle: Q\n---\nA [link [@mancall-1971]](https://example.org).\n"},
         where="site_src/pages/q.md", line=4, phrase="cannot go inside a link"),
]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    return build_baseline(tmp_path_factory.mktemp("baseline"))


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_hostile_input_gets_a_clean_answer(case, baseline, tmp_path):
    site = HostileSite(tmp_path, baseline)
    site.apply(case.files)
    before_out = snapshot(site.out)
    before_rest = listing(tmp_path, skip=site.out)
    for run in site.run_both(strict=case.strict):
        assert run.status is not None, f"{run.command} hung: {run.text[-2000:]}"
        assert "Traceback" not in run.text, run.text[-3000:]
        assert run.status == case.status, f"{run.command}: {run.text[-3000:]}"
        assert all(len(line) <= 400 for line in run.text.splitlines()), f"{run.command}: an overlong line"
        assert len(run.text) < 5000, f"{run.command}: {len(run.text)} characters of output"
        for text in case.absent:
            assert text not in run.text, f"{run.command} printed {text!r}: {run.text[-3000:]}"
        for line in run.err.splitlines():  # second red team: 'site_src/events: …go in site_src/events/'
            path, _, rest = line.partition(": ")
            assert path.split(":")[0] not in rest, f"{run.command} names the path twice: {line}"
        if case.where is not None:
            prefix = case.where if case.line is None else case.where + ":"
            named = [ln for ln in run.err.splitlines() if ln.startswith(prefix)]
            assert named, f"{run.command} named no {prefix}: {run.err[-3000:]}"
            if isinstance(case.line, int):
                named = [ln for ln in named if re.match(rf"{re.escape(case.where)}:{case.line}(:\d+)?: ", ln)]
            elif case.line == "any":
                named = [ln for ln in named if re.match(rf"{re.escape(case.where)}:\d+(:\d+)?: ", ln)]
            else:
                named = [ln for ln in named if re.match(rf"{re.escape(case.where)}: ", ln)]
            assert [ln for ln in named if case.phrase in ln], f"{run.command}: {run.err[-3000:]}"
    if case.status:
        assert snapshot(site.out) == before_out, "the last good build changed"
    if case.built:
        assert case.built[1] in (site.out / case.built[0]).read_text(encoding="utf-8")
    # Nothing but the memo of derived values (timeline.incremental), in a folder of the tool's own.
    after_rest = {k: v for k, v in listing(tmp_path, skip=site.out).items() if not k.startswith(".timeline-cache")}
    assert after_rest == before_rest, "something was written outside --out"


def test_the_refused_characters_are_yamls_non_printable_and_the_bidirectional_controls():
    """characters._REFUSED is written out as one class (for speed): it must be the union it stands for."""
    non_printable, bidi = yaml.reader.Reader.NON_PRINTABLE, set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
    for point in range(0x110000):
        c = chr(point)
        assert (characters.refused_at(c) == 0) == (bool(non_printable.match(c)) or point in bidi), hex(point)


def test_the_cases_cover_every_owned_red_team_item():
    ids = {c.id for c in CASES}
    assert {"alias-bomb-event", "citation-of-100k-spaces", "deep-blockquotes-event", "fifo-event",
            "page-not-utf8", "link-to-dev-zero", "site-themes-a-number", "megabyte-scalar", "form-feed",
            "events-missing", "sources-not-utf8", "bom-page", "page-raw-html", "fullwidth-digits-date"} <= ids


# In process: what the subprocess corpus cannot show


def test_citation_scanning_is_linear_in_spaces():
    text = "x [@treaty-1689-nerchinsk; " + " " * 100_000 + "x]"
    started = time.perf_counter()
    assert list(citations.iter_citations(text)) == []
    assert citations.extract_citations(text)[1] == []
    assert time.perf_counter() - started < 0.5


def test_citations_inside_code_are_neither_checked_nor_numbered():
    text = "See `[@a]` and ``x [@b] y`` but [@c].\n\n```\n[@d]\n```\n\nAn unclosed ` tick [@e]."
    assert [c.key for _, c in citations.iter_citations(text)] == ["c", "e"]
    stripped, groups = citations.extract_citations(text)
    assert [g[0].key for g in groups] == ["c", "e"]
    assert "`[@a]`" in stripped and "[@d]" in stripped


def test_deep_markdown_is_rendered_quickly_and_flat():
    started = time.perf_counter()
    html = markup.to_html(">" * 100_000 + " x")
    assert time.perf_counter() - started < 3  # 21 s before nesting was bounded
    assert len(html) < 1000 and "x" in html


def test_yaml_alias_expansion_is_refused_with_its_line():
    with pytest.raises(yamlfile.YamlSyntaxError) as caught:
        yamlfile.parse(_bomb("title"))
    assert "aliases" in caught.value.message and caught.value.line is not None


def test_moderate_aliases_are_allowed():
    doc = yamlfile.parse("base: &b {family: Mancall, given: Mark}\nauthor: [*b, *b]\n")
    assert doc.data["author"] == [{"family": "Mancall", "given": "Mark"}] * 2


@pytest.mark.parametrize("text", [
    "title: T\ndate: '1700'\nthemes: [a, b]\nnames: {zh: 条约}\nsummary: >\n  folded\n  text\n",
    "a: 1\nb: -2\nc: 1.5\nd: yes\ne: ~\nf: ''\n1: one\nfalse: no\n~: n\ng: [1, [2, {h: i}]]\n",
    "a: 1\na: 2\nb: {c: 3, c: 4}\n",                                       # repeated keys: the last wins
    "base: &b {x: 1}\nuse: {<<: *b, y: 2}\nboth: [*b, *b]\n",              # aliases and a merge key
    "a: {<<: {x: 1}, x: 2}\nb: {<<: [{y: 1}, {y: 2, z: 3}]}\n=: v\n",
    "a: !!str 5\nb: !!int 7\nc: !!float 1.5\nd: !!null ''\ne: !!bool true\n",
])
def test_yaml_data_is_as_pyyamls_own_constructor_makes_it(text):
    loader = yamlfile._Loader(text)
    try:
        expected = loader.get_single_data()
    finally:
        loader.dispose()
    data = yamlfile.parse(text).data
    assert data == expected and repr(data) == repr(expected)
    if "both" in data:   # an alias is one object wherever it is used, as PyYAML makes it
        assert data["both"][0] is data["both"][1]


@pytest.mark.parametrize("text, says", [
    ("a: !!int 0x1A\n", "!!int of a number not written plainly"),
    ("a: !!binary aGk=\n", "YAML tag !!binary is not allowed"),
    ("a: {<<: 5}\n", "expected a mapping or list of mappings for merging"),
    ("? [a]\n: b\n", "found unhashable key"),
    ("a: !!str [1]\n", "expected a scalar node"),
])
def test_yaml_a_plain_reader_refuses_is_refused_with_its_line(text, says):
    with pytest.raises(yamlfile.YamlSyntaxError) as caught:
        yamlfile.parse(text)
    assert says in caught.value.message and caught.value.line is not None


def test_an_unreadable_file_is_reported_in_check_and_build(site_dir, monkeypatch, capsys, tmp_path):
    from timeline.cli import main
    src = site_dir({EVENT: VALID})
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("1700-x.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert main(["check"]) == 1
    assert main(["build", "--out", str(tmp_path / "out"), "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert err.count(f"{REL}: cannot read: permission denied") == 2, err
    assert not (tmp_path / "out").exists() and src.is_dir()


def test_the_preview_reports_a_dangling_link_as_a_diagnostic(site_dir, tmp_path):
    # 16: the preview builds with a cache; a file that vanishes between listing and reading is a
    # diagnostic on the overlay, not an exception.
    src = site_dir()
    os.symlink("nowhere.yaml", src / EVENT)
    result = build_site(src, tmp_path / "out", memo=Memo())
    assert not result.ok
    assert [str(d) for d in result.errors] == [f"{REL}: cannot read: a broken symbolic link"]
    os.unlink(src / EVENT)
    (src / EVENT).write_text(VALID)
    assert build_site(src, tmp_path / "out", memo=Memo()).ok


def test_unreadable_sources_give_one_error_not_one_per_citation(site_dir):
    src = site_dir({"sources.yaml": "- a list\n"})
    report = Report()
    assert content.load(src, report) is None
    assert [str(d) for d in report.errors] == [
        "site_src/sources.yaml:1: sources: expected a mapping of citation keys to sources"]


@pytest.mark.parametrize("name, make", [
    ("static/a\udcff.css", lambda p: p.write_text("a {}")),   # a file name that is not UTF-8
    ("static/gone.css", lambda p: p.symlink_to("nowhere.css")),  # a broken link
    ("static/loop", lambda p: (p.symlink_to("loop2"), p.with_name("loop2").symlink_to("loop"))),
    ("gone.html", lambda p: p.symlink_to("nowhere.html")),       # a broken link beside the templates
])
def test_odd_entries_in_the_theme_folder_give_no_traceback(site_dir, tmp_path, capsys, name, make):
    """Second red team: these gave a UnicodeEncodeError or OSError traceback from the templates' digest
    in check and build (a build blamed the output folder: 'out: t/static/gone.css: No such file')."""
    from timeline.cli import main
    site_dir()
    theme = tmp_path / "theme"
    shutil.copytree(BUNDLED_TEMPLATES, theme)
    make(theme / name)
    for command in (["check"], ["build", "--out", "out"]):
        assert main([*command, "--templates", "theme"]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "Traceback" not in err and "out:" not in err
    assert (tmp_path / "out" / "index.html").is_file()


@pytest.mark.parametrize("name", ["event.html", "partials/macros.html"])  # a page's own template, an imported one
def test_a_template_that_is_a_fifo_is_named_for_what_it_is_not_as_missing(site_dir, tmp_path, capsys, name):
    """Second red team: a named pipe in place of a template was reported as 'template not found'."""
    from timeline.cli import main
    site_dir()
    theme = tmp_path / "theme"
    shutil.copytree(BUNDLED_TEMPLATES, theme)
    (theme / name).unlink()
    os.mkfifo(theme / name)
    for command in (["check"], ["build", "--out", "out"]):
        assert main([*command, "--templates", "theme"]) == 1
        err = capsys.readouterr().err
        assert err.splitlines()[0] == f"theme/{name}: template error: cannot read: a named pipe (FIFO), not a file"
        assert "not found" not in err


def test_a_huge_static_file_is_refused_before_it_is_read(site_dir, tmp_path, capsys):
    """Second red team: a 3 GB sparse file in the theme's static folder was read whole into memory
    (and would have been written whole into the output)."""
    from timeline.cli import main
    site_dir()
    theme = tmp_path / "theme"
    shutil.copytree(BUNDLED_TEMPLATES, theme)
    with open(theme / "static" / "huge.bin", "wb") as handle:
        handle.truncate(3 * 2**30)  # sparse: no disk space used
    for command in (["check"], ["build", "--out", "out"]):
        assert main([*command, "--templates", "theme"]) == 1
        err = capsys.readouterr().err
        assert err.splitlines()[0] == ("theme/static/huge.bin: cannot read: 3,221,225,472 bytes, "
                                       "more than the 100 MB a static file may have")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("denied, says", [
    ("site_src/pages", "site_src/pages: cannot read the folder: Permission denied"),      # was: pages pruned, exit 0
    ("site_src/sources", "site_src/sources: cannot read the folder: Permission denied"),  # was: one error per citation
    ("site_src", "site_src/site.yaml: cannot read: permission denied"),                   # was: a traceback
    ("out", "out: cannot read the folder: Permission denied"),                            # was: a traceback
])
def test_a_folder_that_cannot_be_read_is_an_error_not_an_empty_folder(site_dir, tmp_path, monkeypatch, capsys,
                                                                       denied, says):
    """Second red team (as a user without the permission): an unreadable pages/ folder built the site
    without its pages and pruned them; an unreadable --src or --out gave a PermissionError traceback."""
    from timeline.cli import main
    site_dir({"sources/extra.yaml": "extra-1999:\n  type: book\n  title: Extra\n  issued: 1999\n"})
    assert main(["build", "--out", "out", "--no-cache"]) == 0
    before = snapshot(tmp_path / "out")
    real_listdir, real_stat, real_lstat = os.listdir, os.stat, os.lstat

    def refuse(real, inside: bool):
        def call(path=".", *args, **kwargs):
            if isinstance(path, int):   # a descriptor (the memo's folders): of a folder it could open
                return real(path, *args, **kwargs)
            target = os.path.dirname(os.fspath(path)) if inside else os.fspath(path)
            if target == denied:
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "listdir", refuse(real_listdir, False))
    if denied == "site_src":  # no search permission: nothing inside can even be looked at
        monkeypatch.setattr(os, "stat", refuse(real_stat, True))
        monkeypatch.setattr(os, "lstat", refuse(real_lstat, True))
    capsys.readouterr()
    for command in (["check"], ["build", "--out", "out", "--no-cache"]):  # (the digest sees a real chmod)
        if denied == "out" and command == ["check"]:
            continue
        assert main(command) == 1
        err = capsys.readouterr().err
        assert says in err.splitlines(), err
        assert "Traceback" not in err and len(err.splitlines()) <= 3, err
    monkeypatch.undo()
    assert snapshot(tmp_path / "out") == before


@pytest.mark.parametrize("grown_by", [1, 5_000])
def test_a_file_that_grows_after_its_stat_is_read_whole_or_refused_as_too_large(tmp_path, monkeypatch, grown_by):
    """read_text reads as much as stat said and then the rest: a file written to between the two is
    read whole, and one that grew past the limit is refused, not cut short."""
    path = tmp_path / "event.yaml"
    text = "title: " + "x" * (100 + grown_by) + "\n"
    path.write_text(text, encoding="utf-8")
    real_stat = os.stat

    def stale_stat(p, *args, **kwargs):   # what stat said before the editor's last write
        st = real_stat(p, *args, **kwargs)
        if os.fspath(p) != os.fspath(path):
            return st
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid,
                               st.st_size - grown_by, st.st_atime, st.st_mtime, st.st_ctime))
    monkeypatch.setattr(yamlfile.os, "stat", stale_stat)
    assert yamlfile.read_text(path) == text
    monkeypatch.setattr(yamlfile, "MAX_BYTES", len(text) - 1)
    with pytest.raises(yamlfile.InputError, match="more than"):
        yamlfile.read_text(path)
