"""Head metadata on every page: title, description, lang, canonical and Open Graph with a base_url,
schema.org JSON-LD (WebSite on the home page, Event on event pages) that content cannot break out of."""

from __future__ import annotations

import json
import shutil
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from timeline.build import render_site
from timeline.typography import quotes

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "fixtures" / "good" / "site_src"
BASE = "https://example.org/sub/"
HOSTILE = "</script><script>alert(1)</script> & 'q' \"dq\" <!--"

EXTRA = {
    "events/1700-hostile.yaml": f"""
        title: {json.dumps(HOSTILE)}
        date: "1700~"
        place: hostile
        themes: [diplomacy]
        significance: minor
        summary: "A closing </script> tag in the summary [@mancall-1971]."
    """,
}


class Head(HTMLParser):
    """The parts of a page a crawler reads: <html lang>, <title>, meta/link tags, and script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang, self.title, self.meta, self.links, self.scripts = None, "", {}, {}, []
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta[key] = a.get("content")
        elif tag == "link":
            self.links.setdefault(a.get("rel"), a.get("href"))
        elif tag in ("title", "script"):
            self._in = tag
            if tag == "script":
                self.scripts.append([a.get("type"), ""])

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts[-1][1] += data

    def json_ld(self):
        return [json.loads(body) for kind, body in self.scripts if kind == "application/ld+json"]


def make_site(tmp_path: Path) -> Path:
    src = tmp_path / "site_src"
    shutil.copytree(GOOD, src)
    with open(src / "places.yaml", "a", encoding="utf-8") as f:
        f.write(f"hostile:\n  names: {{en: {json.dumps('</SCRIPT ><img src=x onerror=alert(2)>')}}}\n  kind: town\n")
    for rel, text in EXTRA.items():
        (src / rel).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return src


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    src = make_site(tmp_path_factory.mktemp("meta"))
    with_base, without = render_site(src, base_url=BASE), render_site(src)
    assert with_base.ok and without.ok, with_base.diagnostics
    return with_base, without


def head(result, path) -> Head:
    parser = Head()
    parser.feed(result.files[path].decode("utf-8"))
    return parser


def html_pages(result):
    return sorted(p for p in result.files if p.endswith(".html"))


def test_every_page_has_lang_title_description_canonical_and_open_graph(sites):
    result, _ = sites
    pages = html_pages(result)
    assert len(pages) > 10
    for path in pages:
        h = head(result, path)
        assert h.lang == "en", path
        assert h.title.strip(), path
        assert h.meta.get("description"), path
        assert h.links.get("alternate", "").endswith("feed.xml"), path
        if path == "404.html":
            continue
        canonical = BASE + path.removesuffix("index.html")
        assert h.links.get("canonical") == canonical, path
        assert h.meta["og:url"] == canonical, path
        assert h.meta["og:title"] and h.meta["og:description"] and h.meta["og:site_name"], path
        assert h.meta["og:type"] == ("website" if path == "index.html" else "article"), path


def test_without_base_url_there_is_no_canonical_or_open_graph(sites):
    _, result = sites
    for path in html_pages(result):
        h = head(result, path)
        assert "canonical" not in h.links, path
        assert not any(k.startswith("og:") for k in h.meta), path
        assert h.meta.get("description"), path


def test_home_page_describes_the_website(sites):
    for result, url in ((sites[0], BASE), (sites[1], None)):
        [ld] = head(result, "index.html").json_ld()
        assert ld["@type"] == "WebSite" and ld["@context"] == "https://schema.org"
        assert ld["name"] == result.timeline.site.title
        assert ld.get("url") == url


def test_every_event_page_describes_an_event_with_start_date_location_and_citations(sites):
    result, _ = sites
    sources = result.timeline.content.sources
    for entry in result.timeline.entries:
        path = f"events/{entry.id}/index.html"
        [ld] = head(result, path).json_ld()
        ev = entry.event
        assert ld["@type"] == "Event"
        assert ld["name"] == ev.title
        assert ld["startDate"] == ev.date.iso().rstrip("~?")
        assert ld["url"] == BASE + f"events/{entry.id}/"
        places = [{"@type": "Place", "name": p.name, **({"geo": {"@type": "GeoCoordinates", "latitude": p.lat,
                   "longitude": p.lon}} if p.lat is not None else {})} for p in entry.places]
        assert ld.get("location") == (places[0] if len(places) == 1 else places or None)
        cited = dict.fromkeys([c.key for n in entry.notes for c in n.citations] + [s.key for s in entry.further])
        assert [c["name"] for c in ld["citation"]] == [sources[k].title for k in cited], path
        assert ld["citation"], path


def test_julian_dates_go_into_json_ld_as_gregorian(sites):
    [ld] = head(sites[0], "events/1689-treaty-of-nerchinsk/index.html").json_ld()
    assert ld["startDate"] == "1689-09-06"
    assert ld["location"] == {"@type": "Place", "name": "Nerchinsk",
                              "geo": {"@type": "GeoCoordinates", "latitude": 51.9833, "longitude": 116.5833}}
    mancall = next(c for c in ld["citation"] if c["name"].startswith("Russia and China"))
    assert mancall["@type"] == "Book" and mancall["author"] == [{"@type": "Person", "name": "Mark Mancall"}]


def test_a_hostile_title_cannot_break_out_of_the_json_ld_script(sites):
    for result in sites:
        page = result.files["events/1700-hostile/index.html"].decode("utf-8")
        h = head(result, "events/1700-hostile/index.html")
        assert "alert(1)" not in "".join(body for kind, body in h.scripts if kind != "application/ld+json")
        assert "<script>alert" not in page and "<img src=x" not in page
        [ld] = h.json_ld()
        assert ld["name"] == quotes(HOSTILE)   # a title is shown with typographic quotes
        assert ld["location"]["name"] == "</SCRIPT ><img src=x onerror=alert(2)>"
        assert ld["startDate"] == "1700"
        assert h.title.startswith(quotes(HOSTILE))
        # the only <script> elements are those the templates wrote, not ones from the content
        types = [kind for kind, _ in h.scripts]
        assert types.count("application/ld+json") == 1
        assert all(body.count("</") == 0 for kind, body in h.scripts if kind == "application/ld+json")
