"""Every internal link, asset and anchor in a build resolves: a pure-Python checker over the files.

Also checks that id references inside a page (label for=, aria-labelledby, aria-describedby) name an
element that exists, since a broken one silently loses an accessible name.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_SRC = ROOT / "tests" / "fixtures" / "good" / "site_src"
BASE_URL = "https://example.org/sub/"
LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"),
              ("iframe", "src"), ("area", "href"), ("use", "href"), ("form", "action"), ("image", "href")}
IDREF_ATTRS = ("for", "aria-labelledby", "aria-describedby", "aria-controls")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []
        self.idrefs: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in LINK_ATTRS or (tag == "a" and name == "xlink:href"):
                self.links.append((line, value))
            elif name in IDREF_ATTRS:
                for ref in value.split():
                    self.idrefs.append((line, name, ref))

    handle_startendtag = handle_starttag


def check_links(build: Path, base_url: str | None = None) -> list[str]:
    """Problems as 'page:line: message'; an empty list means every internal reference resolves."""
    pages: dict[str, _Page] = {}
    for path in sorted(build.rglob("*.html")):
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        pages[path.relative_to(build).as_posix()] = parser
    problems = []
    for rel, page in pages.items():
        for line, name, ref in page.idrefs:
            if ref not in page.ids:
                problems.append(f"{rel}:{line}: {name}={ref!r} names no element")
        for line, url in page.links:
            if base_url and url.startswith(base_url):
                # an absolute link into the site itself (canonical, the 404 page): check it as a file
                url = "/" + url[len(base_url):]
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue
            if parts.path.startswith("/"):
                target = PurePosixPath(parts.path.lstrip("/"))
            elif parts.path:
                target = PurePosixPath(rel).parent / unquote(parts.path)
            else:
                target = PurePosixPath(rel)
            resolved = _normalise(target)
            if resolved is None:
                problems.append(f"{rel}:{line}: {url} climbs above the site's root")
                continue
            file = build / resolved
            if file.is_dir() or url.endswith("/") and parts.path:
                resolved = f"{resolved}/index.html".lstrip("/")
                file = build / resolved
            if not file.is_file():
                problems.append(f"{rel}:{line}: {url} -> {resolved} does not exist")
                continue
            if parts.fragment:
                fragment = unquote(parts.fragment)
                if resolved not in pages:
                    problems.append(f"{rel}:{line}: {url} has an anchor but {resolved} is not a page")
                elif fragment not in pages[resolved].ids:
                    problems.append(f"{rel}:{line}: {url}: no id {fragment!r} in {resolved}")
    return problems


def _normalise(path: PurePosixPath) -> str | None:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


@pytest.fixture(scope="module", params=[None, BASE_URL], ids=["no-base-url", "sub-path"])
def built(request, tmp_path_factory):
    from timeline.build import build_site

    out = tmp_path_factory.mktemp("links") / "build"
    result = build_site(GOOD_SRC, out, templates=ROOT / "templates", base_url=request.param)
    assert result.ok, [str(d) for d in result.diagnostics]
    return out, request.param


def test_every_internal_link_and_anchor_in_the_build_resolves(built):
    build, base_url = built
    assert check_links(build, base_url) == []


def test_the_build_has_the_links_the_checker_must_follow(built):
    """Guards the checker itself: a parser that found nothing would pass any site."""
    build, _ = built
    page = _Page()
    page.feed((build / "events" / "1689-treaty-of-nerchinsk" / "index.html").read_text(encoding="utf-8"))
    assert any(url == "#note-1" for _, url in page.links)
    assert any(url.startswith("../../static/style.css") for _, url in page.links)
    home = _Page()
    home.feed((build / "index.html").read_text(encoding="utf-8"))
    assert sum(url.startswith("events/") for _, url in home.links) >= 12   # list items and chart marks


def test_the_checker_reports_each_kind_of_break(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here">x</p><a href="#here">ok</a>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/index.html#here">ok</a>\n'
        '<a href="a/">ok, a folder</a>\n'
        '<a href="a/index.html#gone">bad anchor</a>\n'
        '<a href="#nowhere">bad local anchor</a>\n'
        '<link rel="stylesheet" href="static/missing.css?v=1">\n'
        '<a href="../outside.html">outside</a>\n'
        '<label for="ghost">x</label>\n'
        '<a href="https://example.org/other">external, not checked</a>\n'
        '<a href="https://example.org/sub/a/index.html#here">internal by base URL</a>\n'
        '<a href="https://example.org/sub/b/index.html">missing by base URL</a>\n', encoding="utf-8")
    assert check_links(tmp_path, "https://example.org/sub/") == [
        "index.html:7: for='ghost' names no element",
        "index.html:3: a/index.html#gone: no id 'gone' in a/index.html",
        "index.html:4: #nowhere: no id 'nowhere' in index.html",
        "index.html:5: static/missing.css?v=1 -> static/missing.css does not exist",
        "index.html:6: ../outside.html climbs above the site's root",
        "index.html:10: /b/index.html -> b/index.html does not exist",
    ]
