"""Exports, checked by the programs that consume them: jsonschema, citeproc-py, feedparser, an HTTP
client on a sub-path; and the event-file schema kept in step with the validator and the repo copy."""

from __future__ import annotations

import datetime
import functools
import http.server
import json
import re
import shutil
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

import feedparser
import jsonschema
import pytest
import yaml

from timeline import content, exports, feeds, schema
from timeline.build import build_site, render_site
from timeline.diagnostics import Report
from timeline.incremental import Memo
from timeline.model import SIGNIFICANCE

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "fixtures" / "good" / "site_src"
BASE = "https://example.org/sub/"

EXTRA = {
    "events/1700-approximate.yaml": """
        title: "Approximate & <b>bold</b> claim"
        date: "1700~"
        end: "1702"
        themes: [diplomacy, territory]
        significance: minor
        summary: Roughly then [@archived].
    """,
    "sources/more.yaml": """
        archived:
          type: document
          title: An archived page
          author: [{literal: Some Ministry}]
          issued: "1999~"
          URL: https://example.org/archived
          accessed: 2026-11-28
          archived: https://web.archive.org/web/20261128093000/https://example.org/archived
    """,
}


def make_site(tmp_path: Path, files: dict | None = None) -> Path:
    src = tmp_path / "site_src"
    shutil.copytree(GOOD, src)
    for rel, text in {**EXTRA, **(files or {})}.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return src


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result = render_site(make_site(tmp_path_factory.mktemp("site")), base_url=BASE)
    assert result.ok, result.diagnostics
    return result


@pytest.fixture(scope="module")
def built_local(tmp_path_factory):
    result = render_site(make_site(tmp_path_factory.mktemp("site")))
    assert result.ok, result.diagnostics
    return result


def load(result, path):
    return json.loads(result.files[path])


# events.json ------------------------------------------------------------------------------------

def test_events_json_is_valid_against_the_schema_published_beside_it(built):
    published = load(built, "schema/events.schema.json")
    validator = jsonschema.validators.validator_for(published)
    validator.check_schema(published)
    data = load(built, "events.json")
    validator(published).validate(data)
    assert data["$schema"] == BASE + "schema/events.schema.json"
    assert [e["id"] for e in data["events"]] == [e.id for e in built.timeline.entries]


def test_the_events_schema_rejects_what_it_should(built):
    published = load(built, "schema/events.schema.json")
    data = load(built, "events.json")
    broken = json.loads(json.dumps(data))
    del broken["events"][0]["date"]
    assert list(jsonschema.Draft7Validator(published).iter_errors(broken))
    broken = json.loads(json.dumps(data))
    broken["events"][0]["date"]["precision"] = "week"
    assert list(jsonschema.Draft7Validator(published).iter_errors(broken))


def test_events_json_carries_dates_calendars_and_resolved_citations(built):
    events = {e["id"]: e for e in load(built, "events.json")["events"]}
    nerchinsk = events["1689-treaty-of-nerchinsk"]
    assert nerchinsk["date"] == {"iso": "1689-09-06", "precision": "day", "calendar": "julian",
                                 "as_written": "1689-08-27", "approximate": False, "uncertain": False,
                                 "display": "27 August (6 September N.S.) 1689"}
    assert nerchinsk["names"] == {"ru": "Нерчинский договор", "zh": "尼布楚条约"}
    assert nerchinsk["sources"] == ["example-web", "mancall-1971", "nerchinsk-treaty"]
    assert nerchinsk["notes"][0] == {"number": 1, "citations": [{"source": "mancall-1971", "locator": "p. 150"}]}
    assert nerchinsk["era"] == "early"
    approx = events["1700-approximate"]
    assert approx["date"]["approximate"] and approx["date"]["iso"] == "1700~"
    assert approx["end"]["precision"] == "year"


# sources.json (CSL-JSON) ------------------------------------------------------------------------

# Hand-written here, not copied: the structure of CSL-JSON as the Citation Style Language's
# csl-data.json (CSL 1.0.2) defines it, restricted to the variables this project writes. As there,
# "type" and "id" are required, unknown keys are refused, names are family/given/literal objects and
# dates are date-parts arrays of 1-3 numbers. The item types are the full CSL 1.0.2 list.
CSL_TYPES = [
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case", "legislation",
    "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
    "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report",
    "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage"]
_NAME = {"type": "object", "additionalProperties": False,
         "properties": {k: {"type": "string"} for k in ("family", "given", "literal")}}
_DATE = {"type": "object", "additionalProperties": False, "properties": {
    "date-parts": {"type": "array", "minItems": 1, "maxItems": 2,
                   "items": {"type": "array", "minItems": 1, "maxItems": 3,
                             "items": {"type": ["string", "number"]}}},
    "circa": {"type": ["string", "number", "boolean"]}}}
CSL_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["type", "id"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": ["string", "number"]},
            "type": {"enum": CSL_TYPES},
            **{k: {"type": "string"} for k in ("title", "container-title", "publisher", "publisher-place",
                                               "language", "URL", "note", "genre", "original-title")},
            **{k: {"type": ["string", "number"]} for k in ("volume", "issue", "page")},
            "author": {"type": "array", "items": _NAME},
            "editor": {"type": "array", "items": _NAME},
            "issued": _DATE,
            "accessed": _DATE,
            "custom": {"type": "object"},
        },
    },
}


def test_every_source_type_the_project_allows_is_a_csl_type():
    from timeline.model import SOURCE_TYPES
    assert set(SOURCE_TYPES) <= set(CSL_TYPES)


def test_sources_json_has_the_csl_json_structure(built):
    jsonschema.Draft7Validator.check_schema(CSL_SCHEMA)
    items = load(built, "sources.json")
    jsonschema.Draft7Validator(CSL_SCHEMA).validate(items)
    by_id = {i["id"]: i for i in items}
    assert by_id["archived"]["issued"] == {"date-parts": [[1999]], "circa": True}
    assert by_id["archived"]["custom"] == {
        "archived": "https://web.archive.org/web/20261128093000/https://example.org/archived"}
    assert by_id["archived"]["author"] == [{"literal": "Some Ministry"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "book", "titel": "typo"}], CSL_SCHEMA)


def test_citeproc_py_formats_the_bibliography_in_a_bundled_standard_style(built):
    from citeproc import (Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle,
                          formatter)
    from citeproc.source.json import CiteProcJSON

    items = load(built, "sources.json")
    with warnings.catch_warnings():
        # citeproc-py predates CSL-JSON's "custom" object and says so; it ignores it.
        warnings.filterwarnings("ignore", message=".*unsupported: custom")
        source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    entries = [str(e) for e in bibliography.bibliography()]
    assert len(entries) == len(items)
    assert ("Mancall, M. (1971) Russia and China: Their Diplomatic Relations to 1728. "
            "Cambridge, MA: Harvard University Press.") in entries
    assert any(e.startswith("Some Ministry (1999)") for e in entries), entries


# timelinejs.json --------------------------------------------------------------------------------

def test_timelinejs_has_one_slide_per_event_with_date_parts_and_display_dates(built):
    data = load(built, "timelinejs.json")
    slides = {s["unique_id"]: s for s in data["events"]}
    assert list(slides) == [e.id for e in built.timeline.entries]
    nerchinsk = slides["1689-treaty-of-nerchinsk"]
    assert nerchinsk["start_date"] == {"year": 1689, "month": 9, "day": 6}
    assert nerchinsk["display_date"] == "27 August (6 September N.S.) 1689"
    assert nerchinsk["group"] == "Territory"
    assert nerchinsk["text"]["headline"] == "Treaty of Nerchinsk"
    assert 'href="https://example.org/sub/events/1689-treaty-of-nerchinsk/"' in nerchinsk["text"]["text"]
    approx = slides["1700-approximate"]
    assert approx["display_date"].startswith("c. 1700")
    assert approx["start_date"] == {"year": 1700} and approx["end_date"] == {"year": 1702}
    assert approx["group"] == "Diplomacy"
    assert [e["text"]["headline"] for e in data["eras"]] == ["Early", "Late"]
    assert data["eras"][0]["start_date"] == {"year": 1689}


def test_timelinejs_text_fields_are_escaped_because_timelinejs_treats_them_as_html(built):
    approx = next(s for s in load(built, "timelinejs.json")["events"] if s["unique_id"] == "1700-approximate")
    assert approx["text"]["headline"] == "Approximate &amp; &lt;b&gt;bold&lt;/b&gt; claim"


# feed.xml ---------------------------------------------------------------------------------------

def test_feedparser_reads_the_atom_feed_latest_events_first(built):
    parsed = feedparser.parse(built.files["feed.xml"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Fixture timeline"
    assert parsed.feed.updated == "2026-11-28T00:00:00Z"
    ids = [e.id.removeprefix(BASE + "events/").rstrip("/") for e in parsed.entries]
    assert ids == [e.id for e in reversed(built.timeline.entries)]
    first, latest = parsed.entries[0], built.timeline.entries[-1]
    assert first.link == BASE + f"events/{latest.id}/"
    assert first.title == latest.event.title
    assert first.summary == f"{latest.date_display}: {latest.summary_text}"
    assert [t.term for t in first.tags] == list(latest.event.themes)
    hostile = next(e for e in parsed.entries if e.id.endswith("1700-approximate/"))
    assert hostile.title == "Approximate & <b>bold</b> claim"


def test_feed_without_base_url_has_stable_ids_and_relative_links(built_local, tmp_path):
    parsed = feedparser.parse(built_local.files["feed.xml"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert all(e.id.startswith("urn:uuid:") for e in parsed.entries)
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)
    assert parsed.entries[0].link == f"events/{built_local.timeline.entries[-1].id}/index.html"
    again = render_site(make_site(tmp_path))
    assert again.files["feed.xml"] == built_local.files["feed.xml"]


def test_a_feeds_ids_without_base_url_survive_a_change_of_dash_in_its_title_not_of_words(built_local):
    # The Chinese and Russian titles' years took their language's dash (1689—2025): that must not show
    # every entry to feed readers again; another title is another feed.
    from dataclasses import replace
    tl = built_local.timeline

    def ids(title):
        retitled = replace(tl, content=replace(tl.content, site=replace(tl.site, title=title)))
        parsed = feedparser.parse(feeds.feed(retitled))
        return [parsed.feed.id] + [e.id for e in parsed.entries]
    assert ids("Russia and China, 1689\u20132025") == ids("Russia and China, 1689\u20142025")
    assert ids("Russia and China, 1689\u20132025") != ids("Russia and China, 1689\u20132024")


def test_feed_keeps_only_the_latest_events(built, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    parsed = feedparser.parse(feeds.feed(built.timeline))
    assert [e.title for e in parsed.entries] == [e.event.title for e in built.timeline.entries[:-3:-1]]


# sitemap.xml, robots.txt ------------------------------------------------------------------------

def test_sitemap_lists_every_page_once_under_the_base_url(built):
    root = ET.fromstring(built.files["sitemap.xml"])
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in root.findall("s:url/s:loc", ns)]
    pages = {p for p in built.files if p.endswith(".html") and p != "404.html"}
    assert len(locs) == len(set(locs)) == len(pages)
    assert set(locs) == {BASE + p.removesuffix("index.html") for p in pages}
    assert built.files["robots.txt"] == f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n".encode()


def test_without_base_url_there_is_no_sitemap_since_it_needs_absolute_urls(built_local):
    assert "sitemap.xml" not in built_local.files
    assert built_local.files["robots.txt"] == b"User-agent: *\nAllow: /\n"


# the event-file schema --------------------------------------------------------------------------

def _jsonable(value):
    """YAML as an editor's language server sees it: dates are text."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def test_event_schema_is_derived_from_the_validators_rules():
    s = schema.event_file_schema(["diplomacy", "territory"])
    jsonschema.Draft7Validator.check_schema(s)
    assert set(s["properties"]) == content.EVENT_FIELDS == set(schema.EVENT_FIELD_DOCS)
    assert s["required"] == list(content.EVENT_REQUIRED)
    assert s["properties"]["significance"]["enum"] == list(SIGNIFICANCE)
    assert s["additionalProperties"] is False


def test_repo_copy_of_the_event_schema_is_up_to_date():
    repo = ROOT / "site_src" / schema.REPO_COPY
    assert repo.read_bytes() == schema.repo_schema_bytes(ROOT / "site_src"), (
        "site_src/event.schema.json is stale: run `python -m timeline.schema site_src`")


def test_build_publishes_the_event_schema_with_the_sites_themes(built):
    published = load(built, "schema/event.schema.json")
    themes = [t.id for t in built.timeline.site.themes]
    assert published == schema.event_file_schema(themes, [p.id for p in built.timeline.site.places])
    assert published["properties"]["themes"]["anyOf"][0]["enum"] == sorted(themes)


def test_every_bundled_event_file_passes_the_schema():
    validator = jsonschema.Draft7Validator(json.loads((ROOT / "site_src" / schema.REPO_COPY).read_text()))
    files = sorted((ROOT / "site_src" / "events").glob("*.yaml"))
    assert files
    for path in files:
        errors = [e.message for e in validator.iter_errors(_jsonable(yaml.safe_load(path.read_text("utf-8"))))]
        assert not errors, f"{path.name}: {errors}"


GOOD_EVENT = """\
title: Test
date: 1700-01-02
themes: [diplomacy]
significance: minor
summary: Text [@mancall-1971].
"""


@pytest.mark.parametrize("change, field", [
    ("", None),
    ("theme: [diplomacy]\n", "theme"),
    ("significance: huge\n", "significance"),
    ("calendar: lunar\n", "calendar"),
    ("date: 2 January 1700\n", "date"),
    ("themes: [teritory]\n", "themes"),
    ("themes: [diplomacy, diplomacy]\n", "themes"),
    ("names: {Chinese: x}\n", "names"),
    ("related: [Not An Id]\n", "related"),
    ("summary: ''\n", "summary"),
])
def test_schema_and_validator_agree_on_an_event_file(tmp_path, change, field):
    text = GOOD_EVENT
    if change:
        key = change.split(":")[0]
        text = "".join(line for line in text.splitlines(True) if not line.startswith(key + ":")) + change
    src = make_site(tmp_path, {"events/1700-test.yaml": text})
    report = Report()
    content.load(src, report)
    file_errors = [d for d in report.errors if d.path.endswith("1700-test.yaml")]
    s = schema.event_file_schema(["territory", "diplomacy"])
    schema_errors = list(jsonschema.Draft7Validator(s).iter_errors(_jsonable(yaml.safe_load(text))))
    assert bool(file_errors) == bool(schema_errors) == (field is not None), (file_errors, schema_errors)


# reproducible -----------------------------------------------------------------------------------

def _fake_clock(monkeypatch, when: datetime.datetime):
    stamp = when.timestamp()

    class FakeDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return when if tz is None else when.astimezone(tz)

        @classmethod
        def utcnow(cls):
            return when

        @classmethod
        def today(cls):
            return when

    class FakeDate(datetime.date):
        @classmethod
        def today(cls):
            return when.date()

    monkeypatch.setattr(time, "time", lambda: stamp)
    monkeypatch.setattr(time, "time_ns", lambda: int(stamp * 1e9))
    monkeypatch.setattr(datetime, "datetime", FakeDatetime)
    monkeypatch.setattr(datetime, "date", FakeDate)


def test_same_input_gives_identical_bytes_whatever_the_clock_or_source_date_epoch(tmp_path, monkeypatch):
    src = make_site(tmp_path)
    builds = []
    for when, epoch in ((datetime.datetime(1999, 1, 1, 12), "946684800"),
                        (datetime.datetime(2041, 6, 30, 23), None)):
        with monkeypatch.context() as m:
            _fake_clock(m, when)
            if epoch:
                m.setenv("SOURCE_DATE_EPOCH", epoch)
            else:
                m.delenv("SOURCE_DATE_EPOCH", raising=False)
            result = render_site(src, base_url=BASE)
        assert result.ok
        builds.append(result.files)
    assert builds[0].keys() == builds[1].keys()
    assert [p for p in builds[0] if builds[0][p] != builds[1][p]] == []


def test_source_date_epoch_dates_the_feed_only_when_the_content_has_no_date(built, monkeypatch):
    assert feeds.updated_date(built.timeline, {"SOURCE_DATE_EPOCH": "0"}) == "2026-11-28"
    monkeypatch.setattr(feeds, "edition", lambda tl: "")
    assert feeds.updated_date(built.timeline, {"SOURCE_DATE_EPOCH": "1700000000"}) == "2023-11-14"
    assert feeds.updated_date(built.timeline, {}) == "1970-01-01"
    # Past any year a date holds: a traceback before (fourth red team, through the PDF's date).
    assert feeds.updated_date(built.timeline, {"SOURCE_DATE_EPOCH": "99999999999999999"}) == "1970-01-01"
    parsed = feedparser.parse(feeds.feed(built.timeline, {"SOURCE_DATE_EPOCH": "1700000000"}))
    assert parsed.feed.updated == "2023-11-14T00:00:00Z"


def test_a_year_or_month_edition_still_gives_a_full_atom_date(built, monkeypatch):
    monkeypatch.setattr(feeds, "edition", lambda tl: "2025-03~")
    assert feeds.updated_date(built.timeline, {}) == "2025-03-01"


# deploy under a sub-path ------------------------------------------------------------------------

class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """A static host that serves the build at /sub/ and nothing at /."""

    def translate_path(self, path):
        parsed = urllib.parse.urlsplit(path).path
        if not parsed.startswith("/sub/"):
            return str(Path(self.directory) / "__nothing_here__")
        return super().translate_path("/" + path[len("/sub/"):])

    def log_message(self, *args):
        pass


def test_a_build_for_a_sub_path_works_when_served_there(tmp_path):
    out = tmp_path / "build"
    result = build_site(make_site(tmp_path), out, base_url=BASE)
    assert result.ok, result.diagnostics
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_SubPathHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    local = origin + "/sub/"
    try:
        def fetch(url):
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read()

        seen, queue, checked = set(), [local], 0
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            try:
                status, body = fetch(url)
            except urllib.error.HTTPError as exc:
                raise AssertionError(f"{url}: {exc}") from None
            assert status == 200, url
            checked += 1
            if not url.split("?")[0].endswith((".html", "/")):
                continue
            for link in re.findall(r'(?:href|src)="([^"#]+)', body.decode("utf-8")):
                link = link.replace("&amp;", "&")
                if link.startswith(BASE):
                    link = local + link[len(BASE):]
                target = urllib.parse.urljoin(url, link)
                if target.endswith(".pdf"):
                    continue  # the PDF is written only by `build --pdf`, which this build is not
                if target.startswith(origin):
                    assert target.startswith(local), f"{url} links outside the sub-path: {link}"
                    queue.append(target)
        pages = [p for p in result.files if p.endswith(".html") and p != "404.html"]
        assert checked >= len(pages)
        for loc in re.findall(r"<loc>([^<]+)</loc>", fetch(local + "sitemap.xml")[1].decode()):
            assert fetch(local + loc[len(BASE):])[0] == 200
        for entry in feedparser.parse(fetch(local + "feed.xml")[1]).entries:
            assert fetch(local + entry.link[len(BASE):])[0] == 200
    finally:
        server.shutdown()
        server.server_close()


def test_the_pages_workflow_publishes_with_the_script_and_uploads_its_folder():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    run = next(s["run"] for s in steps if "scripts/publish.py" in s.get("run", ""))
    import importlib.util
    import shlex

    spec = importlib.util.spec_from_file_location("publish", ROOT / "scripts" / "publish.py")
    publish = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(publish)
    assert "${{ steps.pages.outputs.base_url }}" in run
    argv = shlex.split(run.replace("${{ steps.pages.outputs.base_url }}", "https://user.github.io/repo"))
    assert argv[:2] == ["python", "scripts/publish.py"]
    args = publish.make_parser().parse_args(argv[2:])
    assert args.base_url == "https://user.github.io/repo/"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == str(args.out) == "public"
    assert workflow["permissions"]["pages"] == "write"


def test_xml_escaping_matches_the_standard_library():
    from xml.sax.saxutils import escape, quoteattr
    from timeline import exports
    for text in ("a&b<c>d", 'say "hi"', "it's", "both ' and \"", "tab\tnl\ncr\r", "", "条约 & договор"):
        assert feeds.xml_escape(text) == escape(text)
        assert feeds.quoteattr(text) == quoteattr(text)


class _Entry(NamedTuple):
    id: str
    key: str


@pytest.mark.parametrize("in_memory", [False, True], ids=["command-line", "preview"])
@pytest.mark.parametrize("edit", ["changed", "added", "deleted"])
def test_records_are_kept_in_stretches_and_an_edit_makes_its_own_stretch_again(edit, in_memory):
    """The records of 1,000 events in stretches (some 16): joined, they are every record in order;
    after one event changed, was added or deleted, the records made again are those of its stretch
    (two, where an added event ends a stretch), not the 1,000; the preview, which keeps each record
    in memory too, makes the changed or added one only."""
    entries = [_Entry(f"{1700 + i // 10}-event-{i:04d}", f"key {i}") for i in range(1000)]
    made = []

    def make(e) -> dict:
        made.append(e.id)
        return {"id": e.id, "key": e.key}

    def joined(entries) -> bytes:
        return b",".join(exports._stretches(memo, "events.json", entries, lambda e: e.key, make))

    memo = Memo(in_memory=in_memory)
    assert joined(entries) == b",".join(json.dumps(make(e), separators=(",", ":")).encode() for e in entries)
    made.clear()
    assert joined(entries) and made == []
    if edit == "changed":
        entries[500] = entries[500]._replace(key="key 500, edited")
    elif edit == "added":
        entries.insert(500, _Entry("1750-event-new", "new"))
    else:
        del entries[500]
    expected = b",".join(json.dumps({"id": e.id, "key": e.key}, separators=(",", ":")).encode() for e in entries)
    assert joined(entries) == expected
    if in_memory:
        assert made == ([] if edit == "deleted" else [entries[500].id])
    else:
        assert 0 < len(made) <= 3 * exports.STRETCH and len(made) < len(entries) / 5


def test_an_old_style_month_is_given_to_timelinejs_and_csl_as_its_year(tmp_path):
    # January 1725 O.S. runs from 12 January to 11 February N.S.: month 1 named a Gregorian month it is not.
    from timeline.dates import parse
    from timeline.exports import _date_parts
    src = make_site(tmp_path)
    event = src / "events" / "1689-treaty-of-nerchinsk.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("date: 1689-08-27", "date: 1689-08"), encoding="utf-8")
    result = render_site(src)
    assert result.ok, result.diagnostics
    slide = next(s for s in load(result, "timelinejs.json")["events"] if s["unique_id"] == "1689-treaty-of-nerchinsk")
    assert slide["start_date"] == {"year": 1689} and slide["display_date"] == "August 1689 (O.S.)"
    assert _date_parts(parse("1725-01", "julian")) == [1725] and _date_parts(parse("1725-01")) == [1725, 1]
    assert _date_parts(parse("1689-08-27", "julian")) == [1689, 9, 6]
