"""A translation records the English it was made from (`english:`, timeline.transstamp): when an editor
changes the English, check warns at that line with the value to set, counts the translation out of date,
and its page in that language says so; a translation whose English is unchanged, however its YAML is
written, stays current."""

from __future__ import annotations

import re
import textwrap

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
    return found, [str(d) for d in report.sorted() if ": english: " in str(d)]


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
    assert ru.coverage.unstamped == len(ru.events) - 1 + len(ru.pages)   # all but the Treaty of Nerchinsk
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
