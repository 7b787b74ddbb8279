"""An event's further sources (its `sources:` that no note cites) in the print views and the PDFs:
the event page shows them under "Further sources" (or "Sources" when the event has no notes); its
print entry names them too, in the short form of a note, in every language, and the bibliography
of every print document that holds the event gives them in full."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import multilingual
from timeline.build import build_site

# A source that only the Zhenbao Island event (the late era) lists, cited in no note anywhere.
LISTED = """
listed-only:
  type: book
  title: "Damansky Island: The Border War of 1969"
  author: [{family: Ryabushkin, given: Dmitry}]
  issued: 2004
"""
LABELS = {"": ("Further sources", "Sources"), "zh/": ("其他来源", "来源"),
          "ru/": ("Дополнительные источники", "Источники")}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("print-further")
    src = multilingual(root / "site_src")
    with open(src / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(LISTED)
    event = src / "events" / "1969-zhenbao-island.yaml"
    text = event.read_text(encoding="utf-8")
    assert "\nsources:" not in text
    event.write_text(text + "sources: [listed-only]\n", encoding="utf-8")
    result = build_site(src, root / "out")
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return root / "out"


def _article(page: str, event_id: str) -> str:
    start = page.index(f'<article class="print-event" aria-labelledby="event-{event_id}">')
    return page[start:page.index("</article>", start)]


def _further(article: str) -> tuple[str, list[str]]:
    """The heading and the items of an event's further sources in its print entry."""
    found = re.search(r'<section class="print-further"[^>]*>\s*<h4[^>]*>(.*?)</h4>\s*<ul>(.*?)</ul>', article, re.S)
    assert found, "the print entry shows no further sources"
    return found[1], re.findall(r"<li>(.*?)</li>", found[2], re.S)


@pytest.mark.parametrize("prefix", LABELS)
@pytest.mark.parametrize("path", ["print/index.html", "print/eras/late/index.html",
                                  "print/themes/territory/index.html"])
def test_an_events_print_entry_names_its_further_sources_under_the_pages_label(built, prefix, path):
    page = (built / prefix / path).read_text(encoding="utf-8")
    further, sources = LABELS[prefix]
    # Zhenbao has notes: its listed source is a further one; the year-only event has none: "Sources".
    assert _further(_article(page, "1969-zhenbao-island")) == (further, ["Ryabushkin, <cite>Damansky Island</cite>."])
    if "late" not in path:
        assert _further(_article(page, "1864-year-only")) == (sources, ["Mancall, <cite>Russia and China</cite>."])


def test_an_event_without_further_sources_has_no_such_section(built):
    page = (built / "print/index.html").read_text(encoding="utf-8")
    # Nerchinsk lists only a source its notes cite.
    assert "print-further" not in _article(page, "1689-treaty-of-nerchinsk")


@pytest.mark.parametrize("prefix", LABELS)
def test_a_source_only_listed_is_in_the_bibliography_of_the_documents_that_hold_its_event(built, prefix):
    def bibliography(path: str) -> str:
        page = (built / prefix / path).read_text(encoding="utf-8")
        return page[page.index('<section class="print-bibliography"'):]

    for path in ("print/eras/late/index.html", "print/themes/territory/index.html", "print/index.html"):
        assert "Damansky Island" in bibliography(path), path
    assert "Damansky Island" not in bibliography("print/eras/early/index.html")


@pytest.mark.parametrize("prefix", LABELS)
def test_each_events_further_sources_are_a_region_named_with_its_event(built, prefix):
    # Named by the heading alone, every event's "Further sources" region was called the same, and a
    # screen reader's list of landmarks could not tell them apart (axe: landmark-unique).
    page = (built / prefix / "print/index.html").read_text(encoding="utf-8")
    for event_id in ("1969-zhenbao-island", "1864-year-only"):
        section = re.search(r'<section class="print-further"[^>]*>', _article(page, event_id))[0]
        assert f'aria-labelledby="further-{event_id} event-{event_id}"' in section
