"""A translation records the English it was made from (`english:`, timeline.transstamp): when an editor
changes the English, check warns at that line with the value to set, counts the translation out of date,
and its page in that language says so; a translation whose English is unchanged, however its YAML is
written, stays current."""

from __future__ import annotations

import json
import re
import textwrap

import jsonschema
import pytest

from support import multilingual
from timeline import content, i18n
from timeline.cli import main
from timeline.diagnostics import Report
from timeline.transstamp import english_digest

EVENT = "events/1689-treaty-of-nerchinsk.yaml"
RU = f"translations/ru/{EVENT}"
ZH = f"translations/zh-Hans/{EVENT}"
ZH_PAGE = "translations/zh-Hans/pages/about.md"


def _english(src):
    loaded = content.load(src, Report())
    event = next(e for e in loaded.events if e.id == "1689-treaty-of-nerchinsk")
    page = next(p for p in loaded.pages if p.slug == "about")
    return english_digest((event.title, event.summary, event.body)), english_digest((page.title, page.description,
                                                                                     page.body))


def _stamp(src, rel: str, value: str) -> int:
    """Record value as the English of the translation at rel (replacing a record); its line."""
    path = src / rel
    text = re.sub(r"(?m)^english:.*\n", "", path.read_text(encoding="utf-8"))
    if rel.endswith(".md"):
        head, _, body = text[4:].partition("\n---\n")
        path.write_text(f"---\n{head}\nenglish: {value}\n---\n{body}", encoding="utf-8")
        return head.count("\n") + 3
    path.write_text(f"{text}english: {value}\n", encoding="utf-8")
    return text.count("\n") + 1


@pytest.fixture
def src(tmp_path, monkeypatch):
    """The three-language fixture with the Treaty of Nerchinsk (Russian, Chinese) and the Chinese
    about page recording the English as it is."""
    src = multilingual(tmp_path / "site_src")
    monkeypatch.chdir(tmp_path)   # messages name files from here, as check's do
    event, page = _english(src)
    for rel in (RU, ZH):
        _stamp(src, rel, event)
    _stamp(src, ZH_PAGE, page)
    return src


def _check(src):
    report = Report()
    loaded = content.load(src, report)
    assert loaded is not None, [str(d) for d in report.items]
    found = i18n.load(src, loaded, report)
    return found, [str(d) for d in report.sorted() if re.search(r":\d+: (?:[\w.-]+\.)?english: ", str(d))]


def _retitle(src, title: str) -> None:
    path = src / EVENT
    path.write_text(path.read_text(encoding="utf-8").replace("title: Treaty of Nerchinsk\n", f"title: {title}\n"),
                    encoding="utf-8")


def test_translations_of_an_unchanged_english_are_current_and_say_nothing(src):
    found, messages = _check(src)
    assert messages == []
    assert [found.texts[code].coverage.stale for code in ("ru", "zh-Hans")] == [0, 0]
    assert found.texts["ru"].events["1689-treaty-of-nerchinsk"].stamped
    assert "out of date" not in found.texts["ru"].coverage_line()


def test_a_changed_english_title_makes_the_translation_stale_at_its_line_with_the_value_to_set(src):
    _retitle(src, "Treaty of Nerchinsk signed")
    new, _ = _english(src)
    _stamp(src, ZH, new)   # the Chinese translator has caught up; the Russian has not
    line = (src / RU).read_text(encoding="utf-8").count("\n")   # the record, the file's last line
    found, messages = _check(src)
    assert messages == [f"site_src/{RU}:{line}: english: warning: the English of this event has changed since it was "
                        f"translated (title): update the translation, then set `english: {new}`"]
    assert found.texts["ru"].events["1689-treaty-of-nerchinsk"].stale == ("title",)
    assert found.texts["zh-Hans"].events["1689-treaty-of-nerchinsk"].stale == ()
    assert (found.texts["ru"].coverage.stale, found.texts["zh-Hans"].coverage.stale) == (1, 0)
    assert ", 1 out of date" in found.texts["ru"].coverage_line()
    assert "out of date" not in found.texts["zh-Hans"].coverage_line()


def test_every_changed_text_is_named_and_a_text_left_in_english_is_not(src):
    path = src / EVENT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[@mancall-1971, p. 150].", "[@mancall-1971, p. 150], signed in tents.")
                    .replace("The border ran", "The frontier ran"), encoding="utf-8")
    (src / RU).write_text(re.sub(r"(?s)body: \|.*?(?=english:)", "", (src / RU).read_text(encoding="utf-8")),
                          encoding="utf-8")   # the Russian leaves the body in English: its change is shown
    _, messages = _check(src)
    assert len(messages) == 2 and all(": english: warning: " in m for m in messages)
    assert "(summary)" in messages[0] and RU in messages[0]
    assert "(summary, body)" in messages[1] and ZH in messages[1]


def test_refolding_or_requoting_the_english_leaves_its_translations_current(src):
    path = src / EVENT
    text = path.read_text(encoding="utf-8")
    reformatted = (text.replace("title: Treaty of Nerchinsk\n", "title: 'Treaty of Nerchinsk'\n")
                   .replace("summary: The first treaty between the Qing and Russia [@mancall-1971, p. 150].\n",
                            "summary: >-\n  The first treaty between\n  the Qing and Russia\n"
                            "  [@mancall-1971, p. 150].\n")
                   .replace("  The border ran along the Argun [@nerchinsk-treaty].\n",
                            "  The border ran along\n  the Argun   [@nerchinsk-treaty].  \n"))
    assert reformatted != text
    path.write_text(reformatted, encoding="utf-8")
    found, messages = _check(src)
    assert messages == []
    assert found.texts["ru"].coverage.stale == 0


def test_typed_quotes_dashes_and_composed_letters_leave_its_translations_current(src):
    # Outside tester: "--" made "–" (or straight quotes made curly), which the page shows the same, made
    # every translation of the text out of date.
    path = src / EVENT
    text = path.read_text(encoding="utf-8")
    typed = "The \"first\" treaty -- and the Qing's --- Cafe\u0301 [@mancall-1971, p. 150].\n"
    path.write_text(text.replace("The first treaty between the Qing and Russia [@mancall-1971, p. 150].\n",
                                 typed), encoding="utf-8")
    for rel in (RU, ZH):
        _stamp(src, rel, _english(src)[0])
    path.write_text(text.replace("The first treaty between the Qing and Russia [@mancall-1971, p. 150].\n",
                                 "The “first” treaty – and the Qing’s — Caf\u00e9 [@mancall-1971, p. 150].\n"),
                    encoding="utf-8")
    found, messages = _check(src)
    assert messages == [] and found.texts["ru"].coverage.stale == 0
    path.write_text(text.replace("The first treaty between the Qing and Russia [@mancall-1971, p. 150].\n",
                                 "The “first” treaty - and the Qing’s — Caf\u00e9 [@mancall-1971, p. 150].\n"),
                    encoding="utf-8")   # a hyphen is not the dash "--" makes
    assert _check(src)[0].texts["ru"].coverage.stale == 1


@pytest.mark.parametrize("value, expected", [
    ("12ab", "expected the 12 hex digits (0-9, a-f) of the English the translation was made from, got '12ab'"),
    ("ABCDEF123456", "got 'ABCDEF123456'"),
    ("[1, 2]", "got a list"),
])
def test_a_malformed_record_is_an_error_at_its_line_giving_the_value_to_set(src, value, expected):
    current, _ = _english(src)
    line = _stamp(src, RU, value)
    found, messages = _check(src)
    assert len(messages) == 1 and messages[0].startswith(f"site_src/{RU}:{line}: english: ")
    assert ": warning: " not in messages[0] and expected in messages[0]
    assert messages[0].endswith(f"the English of this event now has `english: {current}`")
    assert not found.texts["ru"].events["1689-treaty-of-nerchinsk"].stamped


def test_a_blank_record_is_a_warning_giving_the_value_to_set(src):
    current, _ = _english(src)
    line = _stamp(src, RU, "")
    _, messages = _check(src)
    assert messages == [f"site_src/{RU}:{line}: english: warning: no digest yet: the English of this event now has "
                        f"`english: {current}` (set it once the translation says what that English says)"]


def test_a_record_of_digits_alone_is_read_as_written_not_as_a_number(src):
    """YAML reads 012345678901 as a number; the digest is its twelve digits, leading zero and all."""
    _stamp(src, RU, "012345678901")
    _, messages = _check(src)
    assert len(messages) == 1 and "has changed since it was translated (title, summary, body)" in messages[0]


def test_a_translation_with_no_record_is_counted_not_warned(src):
    found, messages = _check(src)
    ru = found.texts["ru"]
    assert messages == []
    # All but the Treaty of Nerchinsk, and site.yaml's title and subtitle, 3 themes and 2 eras.
    assert ru.coverage.unstamped == len(ru.events) - 1 + len(ru.pages) + 6
    assert ru.coverage_line().endswith(f", {ru.coverage.unstamped} without `english:` (changes to their English "
                                       f"go unnoticed)")


def test_check_prints_each_languages_stale_count(src, capsys):
    _retitle(src, "Treaty of Nerchinsk signed")
    assert main(["check", "--src", "site_src"]) == 0
    out = capsys.readouterr()
    assert re.search(r"^  ru: .*, 1 out of date, ", out.out, re.M), out.out
    assert re.search(r"^  zh-Hans: .*, 1 out of date, ", out.out, re.M), out.out
    assert f"site_src/{RU}:" in out.err and "`english: " in out.err


def test_a_stale_translation_says_so_on_its_page_in_that_language_only(src, tmp_path):
    from timeline.build import build_site
    _retitle(src, "Treaty of Nerchinsk signed")
    new, _ = _english(src)
    _stamp(src, ZH, new)
    about = src / "pages/about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("title: About", "title: About this fixture"),
                     encoding="utf-8")
    result = build_site(src, tmp_path / "out")
    assert result.ok, [str(d) for d in result.diagnostics]
    out = tmp_path / "out"

    def note(path):
        return re.search(r'<p class="translation-note">.*?</p>', (out / path).read_text(encoding="utf-8"))

    ru = note("ru/events/1689-treaty-of-nerchinsk/index.html").group(0)
    assert ('<br>Английский текст изменился после перевода этой страницы: <a href="../../../events/'
            '1689-treaty-of-nerchinsk/index.html" hreflang="en">см. текущую английскую версию</a>.') in ru
    assert "英文原文已有改动" not in note("zh/events/1689-treaty-of-nerchinsk/index.html").group(0)
    assert note("events/1689-treaty-of-nerchinsk/index.html") is None
    assert "изменился" not in note("ru/events/1727-treaty-of-kyakhta/index.html").group(0)
    zh_page = note("zh/about/index.html").group(0)
    assert '本页翻译之后，英文原文已有改动：<a href="../../about/index.html" hreflang="en">查看当前英文版</a>。' in zh_page


# ----------------------------------------------------------------------------------------------------
# site.yaml: the site's title and subtitle (a record at the top) and each theme and era (a record in
# its entry), each a unit a translator updates on its own

RU_SITE = "translations/ru/site.yaml"


def _site_stamps(src) -> dict:
    """The record of the English as it is now: of the title and subtitle (key ""), and of each theme and era."""
    site = content.load(src, Report()).site
    out = {"": english_digest((site.title, site.subtitle))}
    out.update({f"themes.{t.id}": english_digest((t.label, t.description)) for t in site.themes})
    out.update({f"eras.{e.id}": english_digest((e.label, e.intro)) for e in site.eras})
    return out


def _write_ru_site(src, stamps: dict) -> dict:
    """The fixture's Russian site.yaml, in blocks, with stamps (key -> value, as _site_stamps) recorded;
    the line of each record."""
    ru = content.load(src, Report())   # only for the ids, in their order
    lines = ["title: Тестовая хронология", "subtitle: Небольшой сайт для тестов"]
    at = {}
    if "" in stamps:
        at[""] = len(lines) + 1
        lines.append(f"english: {stamps['']}")
    texts = {"territory": ("Территория", "Границы."), "diplomacy": ("Дипломатия", "Договоры."),
             "trade": ("Торговля", "Караваны и торговля."), "early": ("Ранний период", "Ранний период."),
             "late": ("Поздний период", "Поздний период.")}
    for group, items, second in (("themes", ru.site.themes, "description"), ("eras", ru.site.eras, "intro")):
        lines.append(f"{group}:")
        for item in items:
            label, text = texts[item.id]
            lines += [f"  {item.id}:", f"    label: {label}", f"    {second}: {text}"]
            if f"{group}.{item.id}" in stamps:
                at[f"{group}.{item.id}"] = len(lines) + 1
                lines.append(f"    english: {stamps[f'{group}.{item.id}']}")
    (src / RU_SITE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at


def _edit_site(src, old: str, new: str) -> None:
    path = src / "site.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_site_texts_of_an_unchanged_english_are_current_and_counted_as_recorded(src):
    _write_ru_site(src, _site_stamps(src))
    found, messages = _check(src)
    assert messages == []
    ru = found.texts["ru"]
    assert ru.coverage.stale == 0 and ru.site.stale == {}
    assert ru.coverage.unstamped == len(ru.events) - 1   # its events but the Treaty of Nerchinsk
    # The Chinese site.yaml records nothing: its title and subtitle, 3 themes and 2 eras are counted.
    assert found.texts["zh-Hans"].coverage.unstamped == len(found.texts["zh-Hans"].events) - 1 + 6


def test_a_changed_theme_description_makes_that_theme_stale_at_its_record_with_the_value_to_set(src):
    at = _write_ru_site(src, _site_stamps(src))
    _edit_site(src, "description: Treaties.}", "description: Treaties and embassies.}")
    new = _site_stamps(src)["themes.diplomacy"]
    found, messages = _check(src)
    assert messages == [f"site_src/{RU_SITE}:{at['themes.diplomacy']}: themes.diplomacy.english: warning: the English "
                        f"of this theme has changed since it was translated (description): update the translation, "
                        f"then set `english: {new}`"]
    ru = found.texts["ru"]
    assert ru.site.stale == {("themes", "diplomacy"): ("description",)}
    assert ru.coverage.stale == 1 and ", 1 out of date" in ru.coverage_line()


def test_a_changed_era_label_and_subtitle_are_named_each_at_its_own_record(src):
    at = _write_ru_site(src, _site_stamps(src))
    _edit_site(src, "label: Late,", "label: Later,")
    _edit_site(src, "subtitle: A small site for the tests", "subtitle: A small site for tests")
    _, messages = _check(src)
    assert [m.split(": warning: ")[0] for m in messages] == [f"site_src/{RU_SITE}:{at['']}: english",
                                                            f"site_src/{RU_SITE}:{at['eras.late']}: eras.late.english"]
    assert "the English of this site's title and subtitle has changed since it was translated (subtitle)" in messages[0]
    assert "the English of this era has changed since it was translated (label)" in messages[1]


@pytest.mark.parametrize("value, expected", [
    ("12ab", "got '12ab'"),
    ("0123456789ab", "got '0123456789ab'"),   # an event's length, not a theme's
    ("{a: 1}", "got a mapping"),
])
def test_a_malformed_site_record_is_an_error_at_its_line_giving_the_value_to_set(src, value, expected):
    stamps = _site_stamps(src)
    current = stamps["themes.trade"]
    at = _write_ru_site(src, dict(stamps, **{"themes.trade": value}))
    found, messages = _check(src)
    assert messages == [f"site_src/{RU_SITE}:{at['themes.trade']}: themes.trade.english: expected the 8 hex digits "
                        f"(0-9, a-f) of the English the translation was made from, {expected}; the English of this "
                        f"theme now has `english: {current}`"]


def test_a_blank_site_record_is_a_warning_giving_the_value_to_set(src):
    stamps = _site_stamps(src)
    at = _write_ru_site(src, dict(stamps, **{"": ""}))
    _, messages = _check(src)
    assert messages == [f"site_src/{RU_SITE}:{at['']}: english: warning: no digest yet: the English of this site's "
                        f"title and subtitle now has `english: {stamps['']}` (set it once the translation says what "
                        f"that English says)"]


def test_a_site_record_of_a_text_left_in_english_is_not_stale(src):
    at = _write_ru_site(src, _site_stamps(src))
    path = src / RU_SITE
    path.write_text(path.read_text(encoding="utf-8").replace("    intro: Поздний период.\n", ""), encoding="utf-8")
    _edit_site(src, "intro: The late period.}", "intro: The later period.}")
    found, messages = _check(src)
    assert [m for m in messages if "english" in m] == [] and found.texts["ru"].coverage.stale == 0
    assert at   # the record stays where it was written; the intro shown is the English as it is now


def test_every_bundled_translation_records_its_english_and_is_current():
    from pathlib import Path
    src = Path(__file__).resolve().parent.parent / "site_src"
    report = Report()
    found = i18n.load(src, content.load(src, report), report)
    for code, texts in found.texts.items():
        assert (code, texts.coverage.stale, texts.coverage.unstamped) == (code, 0, 0)


# ----------------------------------------------------------------------------------------------------
# Lists and the data export: where a stale translated title or summary is shown beside others


def _stale_item(out, path: str, event: str = "1689-treaty-of-nerchinsk"):
    """The list item of event on the page at path, and its note of a stale translation (or None)."""
    page = (out / path).read_text(encoding="utf-8")
    item = re.search(rf'<li class="event[^"]*" id="e-{event}".*?\n</li>', page, re.S).group(0)
    found = re.search(r'<p class="event-stale">(.*?)</p>', item)
    return found and found.group(1)


def test_a_stale_translated_title_or_summary_is_marked_in_every_list_in_that_language_only(src, tmp_path):
    from timeline.build import build_site
    _retitle(src, "Treaty of Nerchinsk signed")
    new, _ = _english(src)
    _stamp(src, ZH, new)   # the Chinese has caught up, the Russian has not
    result = build_site(src, tmp_path / "out")
    assert result.ok, [str(d) for d in result.diagnostics]
    out = tmp_path / "out"
    for page in ("ru/index.html", "ru/eras/early/index.html", "ru/themes/territory/index.html"):
        assert _stale_item(out, page) == "Английский текст изменился после перевода.", page
    for page in ("index.html", "zh/index.html", "zh/eras/early/index.html"):
        assert _stale_item(out, page) is None, page
    assert _stale_item(out, "ru/index.html", "1727-treaty-of-kyakhta") is None
    events = {e["id"]: e for e in json.loads((out / "events.json").read_text(encoding="utf-8"))["events"]}
    nerchinsk = events["1689-treaty-of-nerchinsk"]["translations"]
    assert (nerchinsk["ru"]["stale"], nerchinsk["zh-Hans"]["stale"]) == (["title"], [])
    assert events["1727-treaty-of-kyakhta"]["translations"]["ru"]["stale"] == []
    schema = json.loads((out / "schema/events.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate({**json.loads((out / "events.json").read_text(encoding="utf-8"))}, schema)


def test_a_stale_body_alone_leaves_the_lists_unmarked_but_the_export_says_so(src, tmp_path):
    from timeline.build import build_site
    path = src / EVENT
    path.write_text(path.read_text(encoding="utf-8").replace("The border ran", "The frontier ran"), encoding="utf-8")
    result = build_site(src, tmp_path / "out")
    assert result.ok, [str(d) for d in result.diagnostics]
    out = tmp_path / "out"
    assert _stale_item(out, "zh/index.html") is None   # a list shows no body
    events = json.loads((out / "events.json").read_text(encoding="utf-8"))["events"]
    assert next(e for e in events if e["id"] == "1689-treaty-of-nerchinsk")["translations"]["zh-Hans"]["stale"] == \
        ["body"]


def test_a_translation_falling_behind_between_two_builds_marks_its_lists_as_a_fresh_build_does(src, tmp_path):
    """The preview keeps list items and entries between builds (incremental.Memo): one whose
    translation has just fallen behind is made again."""
    from timeline.build import build_site
    from timeline.incremental import Memo
    memo, out, fresh = Memo(), tmp_path / "out", tmp_path / "fresh"
    assert build_site(src, out, memo=memo).ok
    assert _stale_item(out, "ru/index.html") is None
    _retitle(src, "Treaty of Nerchinsk signed")
    assert build_site(src, out, memo=memo).ok and build_site(src, fresh, use_cache=False).ok
    assert _stale_item(out, "ru/themes/territory/index.html") == "Английский текст изменился после перевода."
    for page in ("ru/index.html", "ru/eras/early/index.html", "zh/themes/diplomacy/index.html"):
        assert (out / page).read_bytes() == (fresh / page).read_bytes(), page
    assert (out / "events.json").read_bytes() == (fresh / "events.json").read_bytes()


def test_a_stale_theme_or_era_says_so_on_its_own_page_in_that_language_only(src, tmp_path):
    from timeline.build import build_site
    _write_ru_site(src, _site_stamps(src))
    _edit_site(src, "description: Treaties.}", "description: Treaties and embassies.}")
    _edit_site(src, "intro: The late period.}", "intro: The later period.}")
    result = build_site(src, tmp_path / "out")
    assert result.ok, [str(d) for d in result.diagnostics]
    out = tmp_path / "out"

    def note(path):
        found = re.search(r'<p class="translation-note">.*?</p>', (out / path).read_text(encoding="utf-8"))
        return found and found.group(0)

    for page in ("ru/themes/diplomacy/index.html", "ru/eras/late/index.html"):
        assert '<br>Английский текст изменился после перевода этой страницы: <a href="../../../' in note(page), page
    for page in ("ru/themes/trade/index.html", "ru/eras/early/index.html", "ru/index.html"):
        assert "изменился" not in note(page), page
    assert note("themes/diplomacy/index.html") is None
    assert "英文原文已有改动" not in note("zh/themes/diplomacy/index.html")   # the Chinese records nothing
