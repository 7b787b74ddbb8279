"""What readers expect of a serious reference: an icon, a licence, named editors, a way to cite
each page and the site (Chicago, BibTeX, CSL-JSON, readable without a script), a Data page that
links every export, and menu labels that cannot be confused."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest
import yaml

from support import ROOT
from timeline.build import render_site


def _resolve(page: str, href: str) -> str:
    href = href.split("?")[0].split("#")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def _pages(files: dict) -> list[str]:
    """The pages a reader reads: not those at events' former addresses, which send the reader on."""
    return sorted(p for p, data in files.items() if p.endswith(".html") and data is not None
                  and b'<meta http-equiv="refresh"' not in data)


def test_every_page_links_an_icon_that_exists(site):
    for path in _pages(site.files):
        page = site.files[path].decode()
        icons = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
        assert len(icons) == 1, path
        assert _resolve(path, icons[0]) in site.files, (path, icons[0])
    icon = site.files["static/favicon.svg"].decode()
    assert icon.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in icon and "<script" not in icon


def test_the_404_page_links_its_icon_from_the_site_root(site_dir):
    site_dir({"site.yaml": (Path("site_src/site.yaml").read_text() + "base_url: https://example.org/sub/\n")})
    result = render_site(Path("site_src"))
    page = result.files["404.html"].decode()
    assert re.search(r'<link rel="icon" href="https://example.org/sub/static/favicon.svg\?v=[0-9a-f]+"', page)


def test_every_page_names_the_licence_of_its_text(site):
    licence = yaml.safe_load((ROOT / "site_src" / "site.yaml").read_text())["licence"]
    assert licence == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    for path in _pages(site.files):
        footer = site.files[path].decode().split('<footer class="site-footer">')[1]
        assert '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in footer, path


def test_the_bundled_site_names_no_invented_editors(site):
    data = yaml.safe_load((ROOT / "site_src" / "site.yaml").read_text())
    assert "editors" not in data          # real names are the owners' to give
    method = site.files["method/index.html"].decode()
    assert "The Sino-Russian Relations Timeline editors" in method.split('id="cite-site"')[1]


EDITORS = """
editors:
  - {name: Jane Roe, role: General editor}
  - {name: "Li Wei & O'Brien", role: Sources editor}
licence: {name: CC BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}
"""


def test_named_editors_appear_on_the_about_page_and_in_every_citation_of_the_site(site_dir):
    src = site_dir()
    (src / "site.yaml").write_text((src / "site.yaml").read_text() + EDITORS)
    result = render_site(src)
    assert result.ok, [str(d) for d in result.diagnostics]
    about = result.files["about/index.html"].decode()
    credits = about.split('<section class="credits"')[1]
    assert "<li>Jane Roe, General editor</li>" in credits and "<li>Li Wei &amp; O’Brien, Sources editor</li>" in credits
    assert "Jane Roe and Li Wei &amp; O’Brien, eds." in credits
    data = result.files["data/index.html"].decode()
    assert "Jane Roe and Li Wei &amp; O’Brien, eds." in data
    event = result.files["events/1689-treaty-of-nerchinsk/index.html"].decode()
    assert "Jane Roe and Li Wei &amp; O’Brien, eds." in event
    assert "author = {{Jane Roe} and {Li Wei \\&amp; O’Brien}}" in event


def _cite_section(page: str) -> str:
    return re.search(r'<section class="cite" aria-labelledby="cite-heading">.*?</section>', page, re.S)[0]


def _blocks(section: str) -> dict[str, str]:
    import html
    return {name: html.unescape(text) for name, text in
            re.findall(r"<summary>(BibTeX|CSL-JSON)</summary>\s*<pre><code>(.*?)</code></pre>", section, re.S)}


def test_every_event_page_can_be_cited_in_three_forms_without_a_script(site):
    for entry in site.timeline.entries:
        page = site.files[f"events/{entry.id}/index.html"].decode()
        section = _cite_section(page)
        assert '<h2 id="cite-heading">Cite this page</h2>' in section and "<script" not in section
        chicago = re.search(r'<p class="cite-chicago">(.*?)</p>', section, re.S)[1]
        assert chicago.startswith("The Sino-Russian Relations Timeline editors. “") and \
            "<cite>Russia and China, 1689–2025</cite>. Edition of " in chicago
        blocks = _blocks(section)
        assert blocks["BibTeX"].startswith("@misc{" + entry.id + ",\n") and blocks["BibTeX"].endswith("\n}")
        assert blocks["BibTeX"].count("{") == blocks["BibTeX"].count("}")
        [item] = json.loads(blocks["CSL-JSON"])
        assert item["type"] == "webpage" and item["container-title"] == "Russia and China, 1689–2025"
        assert item["author"] == [{"literal": "The Sino-Russian Relations Timeline editors"}]
        assert "URL" not in item    # no base URL: a relative address would cite nothing


def test_with_a_base_url_citations_give_the_page_address(site_dir):
    site_dir({"site.yaml": Path("site_src/site.yaml").read_text() + "base_url: https://example.org/sub/\n"})
    result = render_site(Path("site_src"))
    page = result.files["events/1689-treaty-of-nerchinsk/index.html"].decode()
    section = _cite_section(page)
    url = "https://example.org/sub/events/1689-treaty-of-nerchinsk/"
    assert f'<a href="{url}">{url}</a>.' in section
    blocks = _blocks(section)
    assert f"url = {{{url}}}" in blocks["BibTeX"] and json.loads(blocks["CSL-JSON"])[0]["URL"] == url
    assert '"title": "Treaty of Nerchinsk"' in blocks["CSL-JSON"]
    sitemap = result.files["sitemap.xml"].decode()
    assert "<loc>https://example.org/sub/data/</loc>" in sitemap


def test_bibtex_escapes_what_would_break_an_entry():
    from timeline.cite import citation
    from timeline.model import Site
    site = Site("A {braced} 100% & #1 site_", "", "en", "x}y", None, 1689, 2025, (), ())
    text = citation(site, "Title with $ and \\", None, "2026-11-30", "e")["bibtex"]
    assert "title = {Title with \\$ and \\textbackslash{}}" in text
    assert "howpublished = {A \\{braced\\} 100\\% \\& \\#1 site\\_}" in text
    assert "author = {{x\\}y}}" in text
    assert text.count("{") - text.count("\\{") == text.count("}") - text.count("\\}")


@pytest.mark.parametrize("title, quoted", [
    ("Clashes in the Ussuri region (“Manza War”)", "“Clashes in the Ussuri region (‘Manza War’).”"),
    ("A declaration on a “multipolar world”", "“A declaration on a ‘multipolar world’.”"),   # as sources sets it
    ("Who is he?", "“Who is he?”"),
    ("Plain & simple", "“Plain &amp; simple.”"),
])
def test_a_pages_title_in_its_chicago_citation_nests_its_quotes_and_keeps_one_stop(title, quoted):
    from timeline.cite import citation
    from timeline.model import Site
    site = Site("Site", "", "en", "Author", None, 1689, 2025, (), ())
    assert f"Author. {quoted} <cite>Site</cite>." in citation(site, title, None, "", "e")["chicago"]


def test_the_templates_cite_gives_each_site_and_edition_its_own_citation():
    """cite() in the templates makes what a site's pages share once: a second site, or another
    edition, must not be cited with the first one's editors, title or date."""
    from dataclasses import replace
    from timeline.cite import Citations, citation
    from timeline.model import Editor, Site
    one = Site("One", "", "en", "Author", None, 1689, 2025, (), ())
    two = replace(one, title="Two", editors=(Editor("A. Editor"), Editor("B. Editor"), Editor("C. Editor")))
    cite = Citations()
    asks = [(one, "Page", "https://x.org/p/", "2026-11-30", "p"), (one, "Other", None, "2026-11-30", "q"),
            (two, "Page", "https://x.org/p/", "2026-11-30", "p"), (two, None, None, "2027-01-02", "site"),
            (one, "Page", None, "", "p"), (two, "Page", None, "2026-11-30", "p")]
    for ask in asks:
        assert cite(*ask) == citation(*ask)
    assert "A. Editor, B. Editor, and C. Editor, eds." in cite(*asks[3])["chicago"]
    assert "2027" in cite(*asks[3])["bibtex"] and "Edition" not in cite(*asks[4])["chicago"]


def test_the_csl_json_is_json_s_own_indented_form_for_any_site_and_title():
    """cite() writes the CSL-JSON's members itself (json's C encoder for each value): the text must be
    what json.dumps(indent=2, sort_keys=True) makes of the same item, whatever the text holds."""
    from dataclasses import replace
    from timeline.cite import citation
    from timeline.model import Editor, Site
    plain = Site("Site", "", "en", "", None, 1689, 2025, (), ())
    sites = [plain, replace(plain, author="Ан Автор “q”"), replace(plain, editors=(Editor('E "1"'), Editor("中文"))),
             replace(plain, title='Ti\\tle "<&>" \u2028 ü')]
    titles = [None, "Page", 'Quote " and \\ back', "Line\nbreak\ttab \u0007", "中文 Русский ✓ \U0001F600", ""]
    for site in sites:
        for title in titles:
            for url in (None, "https://x.org/p/?a=1&b=\"2\""):
                for edition in ("", "2026-11-30", "1700-02"):
                    csl = citation(site, title, url, edition, "k")["csl"]
                    assert csl == json.dumps(json.loads(csl), ensure_ascii=False, indent=2, sort_keys=True)
                    [item] = json.loads(csl)
                    assert item["title"] == (title if title is not None else site.title)
                    assert item.get("URL") == url and ("issued" in item) == bool(edition)


def test_the_data_page_links_every_export_with_its_schema(site_dir):
    result = render_site(site_dir(), pdf=True)
    page = result.files["data/index.html"].decode()
    links = {_resolve("data/index.html", h) for h in re.findall(r'href="([^"#][^"]*)"', page) if "://" not in h}
    exports = {"events.json", "sources.json", "timelinejs.json", "feed.xml", "schema/events.schema.json",
               "schema/event.schema.json", "timeline.pdf", "print/index.html"}
    assert exports <= links
    made = set(result.files) | {"timeline.pdf"}   # the PDF is written after the pages
    assert {link for link in links if not link.startswith("..")} - made == set()
    assert "https://github.com/citation-style-language/schema" in page   # sources.json's schema
    for name in ("events.json", "sources.json", "timelinejs.json", "feed.xml"):
        row = re.search(rf'<tr>\s*<th scope="row"><a href="\.\./{re.escape(name)}">.*?</tr>', page, re.S)[0]
        assert row.count("<td>") == 2, name      # what it is and how to use it


def test_without_a_pdf_the_data_page_does_not_link_one(site):
    page = site.files["data/index.html"].decode()
    assert "timeline.pdf" not in page and "timeline.pdf" not in site.files


def test_every_page_links_the_data_page_and_the_bibliography(site):
    """... of its own language (a page under zh/ links zh/data/)."""
    folders = [lang.prefix for lang in site.languages.languages if lang.prefix]
    assert folders, "the bundled site is published in several languages"
    for path in _pages(site.files):
        page = site.files[path].decode()
        hrefs = {_resolve(path, h) for h in re.findall(r'href="([^"]+)"', page)}
        folder = next((f for f in folders if path.startswith(f)), "")
        assert {folder + "data/index.html", folder + "sources/index.html"} <= hrefs, path


def _menu(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Site">(.*?)</nav>', page, re.S)[1]
    return [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)]


def test_menu_labels_cannot_be_confused(site):
    labels = _menu(site.files["index.html"].decode())
    assert "Bibliography" in labels and "Method" in labels and "Sources" not in labels
    words = [set(re.findall(r"\w+", label.lower())) - {"and", "the", "of"} for label in labels]
    shared = [(labels[i], labels[j]) for i in range(len(labels)) for j in range(i + 1, len(labels))
              if words[i] & words[j]]
    assert shared == []


@pytest.mark.parametrize("bad, message", [
    ("licence: CC BY\n", "licence: expected a mapping of fields, got text 'CC BY'"),
    ("editors: Jane Roe\n", "editors: expected a list, got text 'Jane Roe'"),
])
def test_credits_in_the_wrong_shape_are_named(site_dir, capsys, bad, message):
    from timeline.cli import main
    src = site_dir()
    (src / "site.yaml").write_text((src / "site.yaml").read_text() + bad)
    assert main(["check"]) == 1
    assert message in capsys.readouterr().err


def test_every_page_has_a_description_for_search_results(site_dir):
    """A page without its own description (front matter) takes the site's subtitle (Lighthouse SEO)."""
    src = site_dir({"pages/about.md": "---\ntitle: About\n---\nText.\n"})
    result = render_site(src)
    for path in _pages(result.files):
        described = re.search(r'<meta name="description" content="([^"]*)">', result.files[path].decode())
        assert described and described[1].strip(), path


def test_the_data_page_links_the_places_export_when_the_site_has_places(site):
    page = site.files["data/index.html"].decode()
    assert 'href="../places.geojson"' in page and "places.geojson" in site.files
    row = re.search(r'<tr>\s*<th scope="row"><a href="\.\./places\.geojson">.*?</tr>', page, re.S)[0]
    assert "RFC 7946" in row
