"""An era or a theme with no events has no print view and no PDF (there is nothing to print), so
its page offers neither, in any language; every link of the site, PDFs included, leads somewhere."""

from __future__ import annotations

import pytest

from support import multilingual
from test_links import check_links
from timeline import pdf
from timeline.build import render_site

EMPTY_THEME = '  - {id: science, label: Science, colour: "#2166ac", description: Scientific cooperation.}\n'
EARLY = "  - {id: early, label: Early, start: 1689, end: 1916, intro: The early period.}\n"
# No event of the fixture falls in 1901-1916.
SPLIT = ("  - {id: early, label: Early, start: 1689, end: 1900, intro: The early period.}\n"
         "  - {id: middle, label: Middle, start: 1901, end: 1916, intro: Nothing happened.}\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture in three languages with an empty theme and an empty era, rendered as `build --pdf`
    renders it; the PDFs that build would typeset stand in as empty files."""
    root = tmp_path_factory.mktemp("print-empty")
    src = multilingual(root / "site_src")
    site = src / "site.yaml"
    text = site.read_text(encoding="utf-8")
    assert EARLY in text and "themes:\n" in text
    site.write_text(text.replace(EARLY, SPLIT).replace("themes:\n", "themes:\n" + EMPTY_THEME), encoding="utf-8")
    result = render_site(src, pdf=True)
    assert result.ok, "\n".join(map(str, result.diagnostics))
    out = root / "out"
    for path, data in result.files.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    for _, name in pdf.documents(out):
        (out / name).write_bytes(b"")
    return out


@pytest.mark.parametrize("prefix", ["", "zh/", "ru/"])
@pytest.mark.parametrize("section, kind", [("themes/science", "themes"), ("eras/middle", "eras")])
def test_an_empty_section_offers_no_print_view(built, prefix, section, kind):
    text = (built / prefix / section / "index.html").read_text(encoding="utf-8")
    assert "print-link" not in text and f"print/{kind}/" not in text
    assert not (built / prefix / "print" / kind / section.split("/")[1]).exists()


@pytest.mark.parametrize("prefix", ["", "zh/", "ru/"])
@pytest.mark.parametrize("section, kind", [("themes/territory", "themes"), ("eras/early", "eras")])
def test_a_section_with_events_still_links_its_print_view(built, prefix, section, kind):
    text = (built / prefix / section / "index.html").read_text(encoding="utf-8")
    assert f'class="print-link" href="../../print/{section}/index.html"' in text


def test_no_page_links_a_print_view_or_a_pdf_that_is_not_made(built):
    assert (built / "print" / "index.html").is_file() and (built / "timeline-era-early.pdf").is_file()
    assert check_links(built) == []
