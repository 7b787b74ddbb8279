"""A translated edition's pages write a month or a year in the form its phrase governs: the Russian
"ок. января 1967 г." and "издание от ноября 2026 г." (CLDR's format-context month, the genitive) where the
date stands after "ок." or "от", "январь 1967 г." where it stands alone; Chinese and English as they were."""

from __future__ import annotations

import pytest

from support import multilingual
from timeline.build import build_site

NNBSP, NBSP = "\u202f", "\u00a0"
EVENT = """title: Siege of the embassy
date: 1967-01~
end: 1967-02~
themes: [diplomacy]
significance: minor
summary: A siege [@mancall-1971, p. 1].
"""
OLD_STYLE = """title: An embassy sets out
date: 1725-01~
calendar: julian
themes: [diplomacy]
significance: minor
summary: An embassy [@mancall-1971, p. 2].
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("monthforms")
    src = multilingual(root / "site_src")
    (src / "events" / "1967-siege.yaml").write_text(EVENT, encoding="utf-8")
    (src / "events" / "1725-embassy.yaml").write_text(OLD_STYLE, encoding="utf-8")
    with open(src / "site.yaml", "a", encoding="utf-8") as f:
        f.write('edition: "2026-11~"\n')
    result = build_site(src, root / "out")
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return root / "out"


def _page(out, path):
    return (out / path).read_text(encoding="utf-8")


# English writes the two months whole, so each is a <time> of its own (tests/test_span_times.py)
SPAN = {"": '<time datetime="1967-01">c. January 1967</time> – <time datetime="1967-02">c. February 1967</time>',
        "zh/": '<time datetime="1967-01">约1967年1—2月</time>',
        "ru/": f'<time datetime="1967-01">ок.{NBSP}января{NBSP}— февраля 1967{NNBSP}г.</time>'}


@pytest.mark.parametrize("prefix", SPAN)
def test_an_approximate_months_span_is_written_in_its_governed_form_on_the_event_page_and_lists(built, prefix):
    shown = SPAN[prefix]
    assert shown in _page(built, prefix + "events/1967-siege/index.html")
    assert shown in _page(built, prefix + "themes/diplomacy/index.html")


EDITION = {"": ("edition of", "Edition of", "c. November 2026"), "zh/": ("", "", "约2026年11月"),
           "ru/": ("издание от", "Издание от", f"ок.{NBSP}ноября 2026{NNBSP}г.")}


@pytest.mark.parametrize("prefix", EDITION)
def test_the_edition_date_after_its_words_is_in_their_form_in_the_footer_and_on_the_title_page(built, prefix):
    footer, title, date = EDITION[prefix]
    shown = f'<time datetime="2026-11">{date}</time>'
    assert f"{footer} {shown}".strip() in _page(built, prefix + "index.html")
    assert f"{title} {shown}".strip() in _page(built, prefix + "print/index.html")
    assert "ноябрь" not in _page(built, prefix + "index.html")
    if prefix == "ru/":   # the citation's edition, in the engine's own phrase
        assert f"Издание от {date}" in _page(built, prefix + "events/1967-siege/index.html")


OLD = {"": "c. January 1725 (O.S.)", "zh/": "约儒略历1725年1月", "ru/": f"ок.{NBSP}января 1725{NNBSP}г. (ст.{NBSP}ст.)"}


@pytest.mark.parametrize("prefix", OLD)
def test_an_old_style_month_is_governed_too_and_its_time_names_its_year_not_a_gregorian_month(built, prefix):
    assert f'<time datetime="1725">{OLD[prefix]}</time>' in _page(built, prefix + "events/1725-embassy/index.html")
