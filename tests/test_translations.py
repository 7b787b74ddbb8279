"""Languages and translations: `languages:` in site.yaml, and site_src/translations/<language>/ read and
checked by the engine (timeline.i18n) against the English: the same events and fields, the same
citations in the same order, the glossary's agreed forms; a missing text is a warning.

The bundled translations are checked by the same engine code the build runs; the last test keeps the
texts free of English left over, a check on the writing rather than on the format.
"""

from __future__ import annotations

import re
import textwrap
from types import MappingProxyType

import pytest
import yaml

from support import ROOT
from timeline import content, i18n, index, localize
from timeline.incremental import Memo
from timeline.cli import main
from timeline.diagnostics import Report

SRC = ROOT / "site_src"
LANGUAGES = ("zh-Hans", "ru")

THREE = textwrap.dedent("""\
    languages:
      - {code: en, name: English, timelinejs: en}
      - {code: zh-Hans, path: zh, name: 中文, timelinejs: zh-cn, csl: china-national-standard-gb-t-7714-2015-note}
      - {code: ru, path: ru, name: Русский, timelinejs: ru}
    """)

NERCHINSK_ZH = textwrap.dedent("""\
    title: 尼布楚条约
    summary: 清朝与俄国的第一个条约[@mancall-1971, 第150页]。
    body: |
      边界沿额尔古纳河划分[@nerchinsk-treaty]。

      第二项[@mancall-1971, 第150页]，第三项[@example-web]。
    """)


def _bundled() -> tuple[content.Content, i18n.Languages, Report]:
    report = Report()
    loaded = content.load(SRC, report)
    assert loaded is not None, [str(d) for d in report.items]
    return loaded, i18n.load(SRC, loaded, report), report


BUNDLED = _bundled()


def _site(site_dir, files: dict, languages: str = THREE):
    """The fixture site with `languages` added to its site.yaml and files written; (Languages, messages)."""
    src = site_dir()
    site = (src / "site.yaml").read_text(encoding="utf-8").split("languages:")[0]
    site_dir({"site.yaml": site + languages, **files})
    report = Report()
    loaded = content.load(src, report)
    assert loaded is not None, [str(d) for d in report.items]
    found = i18n.load(src, loaded, report)
    return found, [str(d) for d in report.sorted()]


def _errors(messages):
    return [m for m in messages if ": warning: " not in m]


# ---------------------------------------------------------------------------------------------------
# The bundled site


def test_the_bundled_translations_pass_every_engine_check():
    """Fields, citations in the same groups and order, glossary forms: the build's own checks."""
    _, languages, report = BUNDLED
    assert [str(d) for d in report.items] == []
    assert [lang.code for lang in languages.languages] == ["en", "zh-Hans", "ru"]


def test_the_bundled_languages_are_configured_as_issue_14_asks():
    _, languages, _ = BUNDLED
    en, zh, ru = languages.languages
    assert (en.default, en.path, en.prefix) == (True, "", "")
    assert (zh.path, zh.prefix, zh.timelinejs, zh.locale, zh.name) == ("zh", "zh/", "zh-cn", "zh_Hans", "中文")
    assert (ru.path, ru.timelinejs, ru.name) == ("ru", "ru", "Русский")
    assert zh.csl == "china-national-standard-gb-t-7714-2015-note" and ru.csl == "gost-r-7-0-5-2008"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_event_page_and_label_of_the_bundled_site_is_translated(language):
    loaded, languages, _ = BUNDLED
    texts = languages.texts[language]
    bodies = sum(1 for e in loaded.events if e.body)
    labels = 2 + 2 * len(loaded.site.themes) + 2 * len(loaded.site.eras)
    assert texts.coverage == i18n.Coverage(len(loaded.events), len(loaded.events), bodies, bodies,
                                           len(loaded.pages), len(loaded.pages), labels, labels)
    assert texts.coverage_line() == (f"{language}: {len(loaded.events)}/{len(loaded.events)} events, {bodies} bodies "
                                     f"of {bodies}, 1/1 pages, {labels}/{labels} labels")


def test_the_frozen_record_holds_each_events_translated_fields_read_from_its_file():
    _, languages, _ = BUNDLED
    zh = languages.texts["zh-Hans"]
    raw = yaml.safe_load((SRC / "translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml").read_text(encoding="utf-8"))
    text = zh.events["1689-treaty-of-nerchinsk"]
    assert (text.title, text.summary) == (raw["title"], raw["summary"].strip())
    assert isinstance(zh.events, MappingProxyType)
    with pytest.raises(TypeError):
        zh.events["x"] = text
    with pytest.raises(AttributeError):
        text.title = "changed"  # frozen
    assert zh.site.themes["territory"]["label"] and zh.site.eras["alliance"]["label"]
    assert zh.pages["method"].title


def test_check_reports_translation_coverage_per_language(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["check", "--strict"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  zh-Hans: 191/191 events, \d+ bodies of \d+, 1/1 pages, \d+/\d+ labels$", out, re.M), out
    assert re.search(r"^  ru: 191/191 events, ", out, re.M), out


# ---------------------------------------------------------------------------------------------------
# languages: in site.yaml


def test_a_site_without_languages_has_its_default_language_alone(site_dir):
    found, messages = _site(site_dir, {}, languages="")
    assert messages == []
    assert [(lang.code, lang.path, lang.default) for lang in found.languages] == [("en", "", True)]
    assert dict(found.texts) == {}


def test_a_fourth_language_is_configuration_plus_translations_only(site_dir):
    found, messages = _site(site_dir, {
        "translations/de/events/1727-treaty-of-kyakhta.yaml":
            "title: Vertrag von Kjachta\nsummary: Der Karawanenhandel bleibt in Kjachta [@mancall-1971].\n",
        "translations/de/glossary/terms.yaml": "Kyakhta: Kjachta\n",
    }, languages=THREE + "  - {code: de, path: de, name: Deutsch, timelinejs: de}\n")
    assert [lang.code for lang in found.languages] == ["en", "zh-Hans", "ru", "de"]
    de = found.texts["de"]
    assert de.events["1727-treaty-of-kyakhta"].title == "Vertrag von Kjachta"
    assert de.coverage.events == 1 and de.coverage.of_events == 6
    assert _errors(messages) == []
    assert "site_src/translations/de/events/1689-treaty-of-nerchinsk.yaml: warning: event '1689-treaty-of-nerchinsk' " \
           "is not translated into 'de' yet (the English is shown)" in messages


@pytest.mark.parametrize("languages, expected", [
    ("languages:\n  - {code: en, name: English}\n  - {code: xx-Qqqq, path: xx, name: X}\n",
     "site_src/site.yaml:15: languages[1].code: unknown language code 'xx-Qqqq'"),
    # red team: zh-hans published a second, untranslated edition beside the translations in zh-Hans/
    ("languages:\n  - {code: en, name: English}\n  - {code: zh-hans, path: zh, name: 中文}\n",
     "site_src/site.yaml:15: languages[1].code: 'zh-hans' is written 'zh-Hans' (a language code's letters in "
     "BCP 47's case: zh-Hans, pt-BR, sr-Latn)"),
    ("languages:\n  - {code: en, name: English}\n  - {code: pt-br, path: pt, name: Português}\n",
     "site_src/site.yaml:15: languages[1].code: 'pt-br' is written 'pt-BR' (a language code's letters in "
     "BCP 47's case: zh-Hans, pt-BR, sr-Latn)"),
    ("languages:\n  - {code: en, name: English}\n  - {code: zh-Hans, path: zh, name: 中文}\n"
     "  - {code: ru, path: zh, name: Русский}\n",
     "site_src/site.yaml:16: languages[2].path: path 'zh' is already 'zh-Hans''s (line 15)"),
    ("languages:\n  - {code: zh-Hans, path: zh, name: 中文}\n",
     "site_src/site.yaml:13: languages: the default language 'en' (site.yaml language:) is not listed"),
    ("languages:\n  - {code: en, path: en, name: English}\n",
     "site_src/site.yaml:14: languages[0].path: 'en' is the default language"),
    ("languages:\n  - {code: en, name: English}\n  - {code: ru, name: Русский}\n",
     "site_src/site.yaml:15: languages[1].path: 'ru' needs a path"),
    ("languages:\n  - {code: en, name: English}\n  - {code: ru, path: events, name: Русский}\n",
     "site_src/site.yaml:15: languages[1].path: 'events' is the site's own folder"),
    ("languages:\n  - {code: en, name: English}\n  - {code: ru, path: map, name: Русский}\n",
     "site_src/site.yaml:15: languages[1].path: 'map' is the site's own folder"),
    ("languages:\n  - {code: en, name: English}\n  - {code: ru, path: data, name: Русский}\n",
     "site_src/site.yaml:15: languages[1].path: 'data' is the site's own folder"),
    ("languages:\n  - {code: en, name: English}\n  - {code: ru, path: about, name: Русский}\n",
     "site_src/site.yaml:15: languages[1].path: 'about' is a page's folder"),
    ("languages:\n  - {code: en, name: English}\n  - {code: ru, path: Ru/x, name: Русский}\n",
     "site_src/site.yaml:15: languages[1].path: 'Ru/x' is not a folder name"),
    ("languages:\n  - {code: en, name: English}\n  - {code: en, name: English}\n",
     "site_src/site.yaml:15: languages[1].code: language 'en' listed twice (first at line 14)"),
    ("languages:\n  - {code: en, name: English, locale: en}\n",
     "site_src/site.yaml:14: languages[0].locale: unknown field"),
    ("languages:\n  - {code: en}\n",
     "site_src/site.yaml:14: languages[0].name: missing required field 'name'"),
    ("languages:\n  - {code: en, name: English, timelinejs: 'zh_CN'}\n",
     "site_src/site.yaml:14: languages[0].timelinejs: 'zh_CN' is not a TimelineJS locale"),
    ("languages:\n  - {code: en, name: English, csl: 'Chicago Style'}\n",
     "site_src/site.yaml:14: languages[0].csl: 'Chicago Style' is not a CSL style name"),
    ("languages: en\n", "site_src/site.yaml:13: languages: expected a list of languages, got text 'en'"),
    ("languages:\n  - en\n", "site_src/site.yaml:14: languages[0]: expected a mapping"),
])
def test_bad_languages_are_errors_at_their_line(site_dir, languages, expected):
    _, messages = _site(site_dir, {}, languages=languages)
    assert any(m.startswith(expected) for m in messages), messages
    assert all(": warning: " not in m for m in messages if m.startswith("site_src/site.yaml"))


def test_every_language_problem_is_reported_in_one_run(site_dir):
    _, messages = _site(site_dir, {}, languages="languages:\n  - {code: en, name: English}\n"
                                                "  - {code: qq, path: q, name: Q}\n  - {code: ru, name: R}\n")
    assert [m.split(":")[1] for m in messages if m.startswith("site_src/site.yaml")] == ["15", "16"]


def test_a_build_with_a_bad_languages_entry_fails_and_says_where(site_dir, capsys):
    src = site_dir()
    site_dir({"site.yaml": (src / "site.yaml").read_text() + "languages:\n  - {code: en, name: English}\n"
                                                             "  - {code: zz, path: zz, name: Z}\n"})
    assert main(["check", "--src", str(src)]) == 1
    assert "site_src/site.yaml:15: languages[1].code: unknown language code 'zz'" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------
# Translated events, pages and site texts


def test_a_faithful_translation_loads_without_a_word(site_dir):
    found, messages = _site(site_dir, {"translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml": NERCHINSK_ZH})
    assert [m for m in messages if "1689-treaty-of-nerchinsk" in m] == []
    text = found.texts["zh-Hans"].events["1689-treaty-of-nerchinsk"]
    assert text.title == "尼布楚条约" and text.body.startswith("边界")


def test_a_translation_of_an_unknown_event_is_an_error_with_a_suggestion(site_dir):
    _, messages = _site(site_dir, {"translations/ru/events/1689-treaty-of-nerchinks.yaml": "title: Х\nsummary: Х\n"})
    assert ("site_src/translations/ru/events/1689-treaty-of-nerchinks.yaml:1: a translation of no event: there is no "
            "events/1689-treaty-of-nerchinks.yaml (did you mean '1689-treaty-of-nerchinsk'?)") in messages


def test_a_translated_summary_that_shows_no_text_is_an_error(site_dir):
    _, messages = _site(site_dir, {"translations/ru/events/1727-treaty-of-kyakhta.yaml":
                                   "title: Кяхтинский договор\nsummary: ~~Торговля в Кяхте.~~ [@mancall-1971]\n"})
    assert ("site_src/translations/ru/events/1727-treaty-of-kyakhta.yaml:2: summary: the summary shows no text once "
            "struck-through text (~~...~~) and citations are left out, as they are from the page's description, the "
            "feeds and the search") in _errors(messages)


def test_an_unknown_field_in_a_translation_is_an_error_at_its_line(site_dir):
    _, messages = _site(site_dir, {"translations/ru/events/1727-treaty-of-kyakhta.yaml":
                                   "title: Кяхтинский договор\nsumary: Торговля в Кяхте [@mancall-1971].\n"
                                   "date: 1727\n"})
    errors = _errors(messages)
    assert ("site_src/translations/ru/events/1727-treaty-of-kyakhta.yaml:2: sumary: unknown field (did you mean "
            "'summary'?): a translation has only title, summary, body and english") in errors
    assert any(m.startswith("site_src/translations/ru/events/1727-treaty-of-kyakhta.yaml:3: date: unknown field")
               for m in errors)
    # and the summary it lacks is a warning, not silence
    assert any(":1: summary: warning: not translated yet" in m for m in messages), messages


@pytest.mark.parametrize("path, text", [
    ("translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml", "title: 尼布楚条约\n1: x\nfalse: x\n~: x\n0x10: x\n"),
    ("translations/ru/site.yaml", "title: Хронология\n1: x\nfalse: x\n~: x\n0x10: x\n"),
    ("translations/ru/pages/about.md", "---\n1: x\nfalse: x\n~: x\n0x10: x\n---\nЭта страница [@mancall-1971].\n"),
])
def test_a_key_that_is_not_text_is_an_unknown_field_at_its_line(site_dir, path, text):
    # 1, false, ~ and 0x10 are read as an int, a bool and None, not as the text the file has
    _, messages = _site(site_dir, {path: text})
    unknown = sorted(m.split(": ")[0] for m in messages if f"{path}:" in m and "unknown field" in m)
    assert unknown == [f"site_src/{path}:{line}" for line in (2, 3, 4, 5)], messages


@pytest.mark.parametrize("body, line, expected", [
    ("边界[@nerchinsk-treaty]。\n\n第二项[@mancall-1971]。\n",  # a claim dropped
     3, "citation 3 is nothing where the English has [@example-web]"),
    ("边界[@nerchinsk-treaty]。\n\n第二项[@mancall-1971]，第三项[@example-web]，第四[@example-web]。\n",  # one added
     6, "citation 4 is [@example-web] where the English has nothing"),
    ("边界[@mancall-1971]。\n\n第二项[@nerchinsk-treaty]，第三项[@example-web]。\n",  # reordered
     4, "citation 1 is [@mancall-1971] where the English has [@nerchinsk-treaty]"),
    ("边界[@nerchinsk-treaty]。\n\n第二项[@mancall-1971; @example-web]。\n",  # regrouped
     6, "citation 2 is [@mancall-1971; @example-web] where the English has [@mancall-1971]"),
])
def test_a_translation_must_cite_what_the_english_cites_in_the_same_groups_and_order(site_dir, body, line, expected):
    text = NERCHINSK_ZH.split("body: |\n")[0] + "body: |\n" + textwrap.indent(body, "  ")
    _, messages = _site(site_dir, {"translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml": text})
    assert f"site_src/translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml:{line}: body: {expected} " \
           f"(a translation carries the English citations, in the same groups and order)" in messages, messages


LOCATORS = "(a translation keeps the English locators: "


@pytest.mark.parametrize("body, line, expected", [
    ("边界[@nerchinsk-treaty]。\n\n第二项[@mancall-1971, p. 999]，第三项[@example-web]。\n",  # changed
     6, "citation 2 is [@mancall-1971, p. 999] where the English has [@mancall-1971, p. 150] " + LOCATORS
     + "'p. 150' or '第150页')"),
    ("边界[@nerchinsk-treaty]。\n\n第二项[@mancall-1971]，第三项[@example-web]。\n",  # dropped
     6, "citation 2 is [@mancall-1971] where the English has [@mancall-1971, p. 150] " + LOCATORS
     + "'p. 150' or '第150页')"),
    ("边界[@nerchinsk-treaty, ch. 2]。\n\n第二项[@mancall-1971, 第150页]，第三项[@example-web]。\n",  # added
     4, "citation 1 is [@nerchinsk-treaty, ch. 2] where the English has [@nerchinsk-treaty] " + LOCATORS
     + "the English gives none)"),
])
def test_a_translation_must_keep_the_english_locators(site_dir, body, line, expected):
    text = NERCHINSK_ZH.split("body: |\n")[0] + "body: |\n" + textwrap.indent(body, "  ")
    _, messages = _site(site_dir, {"translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml": text})
    assert f"site_src/translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml:{line}: body: {expected}" \
           in messages, messages


def test_a_locator_is_written_as_the_english_writes_it_or_in_the_languages_form(site_dir):
    ru = ("title: Нерчинский договор\nsummary: Первый договор [@mancall-1971, p. 150].\n"
          "body: |\n  Граница [@nerchinsk-treaty].\n\n  Второе [@mancall-1971, с. 150] и третье [@example-web].\n")
    zh = NERCHINSK_ZH.replace("summary: 清朝与俄国的第一个条约[@mancall-1971, 第150页]",
                              "summary: 清朝与俄国的第一个条约[@mancall-1971, p. 150]")
    _, messages = _site(site_dir, {"translations/ru/events/1689-treaty-of-nerchinsk.yaml": ru,
                                   "translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml": zh})
    assert [m for m in messages if "1689-treaty-of-nerchinsk" in m] == []
    # Chinese writes a page as 第150页, not as Russian does: every changed locator of a text is reported
    _, messages = _site(site_dir, {"translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml":
                                   zh.replace("p. 150", "с. 150").replace("第150页", "p. 151")})
    path = "site_src/translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml"
    assert [m for m in _errors(messages) if "locators" in m] == [
        f"{path}:2: summary: citation 1 is [@mancall-1971, с. 150] where the English has [@mancall-1971, p. 150] "
        + LOCATORS + "'p. 150' or '第150页')",
        f"{path}:6: body: citation 2 is [@mancall-1971, p. 151] where the English has [@mancall-1971, p. 150] "
        + LOCATORS + "'p. 150' or '第150页')"], messages


def test_a_translated_page_keeps_the_english_locators_and_check_fails_on_a_changed_one(site_dir, capsys):
    src = site_dir()
    site_dir({"site.yaml": (src / "site.yaml").read_text() + THREE,
              "translations/ru/pages/about.md": "---\ntitle: О сайте\n---\nЭта страница.\n\nЦитирует [@mancall-1971, с. 5].\n"})
    assert main(["check", "--src", str(src)]) == 1
    assert ("site_src/translations/ru/pages/about.md:6: citation 1 is [@mancall-1971, с. 5] where the English has "
            "[@mancall-1971] (a translation keeps the English locators: the English gives none)") in capsys.readouterr().err


def test_a_body_the_english_lacks_is_an_error_and_a_missing_body_a_warning(site_dir):
    _, messages = _site(site_dir, {
        "translations/ru/events/1727-treaty-of-kyakhta.yaml":
            "title: Кяхтинский договор\nsummary: Торговля в Кяхте [@mancall-1971].\nbody: Ещё.\n",
        "translations/ru/events/1689-treaty-of-nerchinsk.yaml":
            "title: Нерчинский договор\nsummary: Первый договор [@mancall-1971, с. 150].\n",
    })
    assert any(m.startswith("site_src/translations/ru/events/1727-treaty-of-kyakhta.yaml:3: body: the English event "
                            "has no body to translate") for m in _errors(messages)), messages
    assert "site_src/translations/ru/events/1689-treaty-of-nerchinsk.yaml:1: body: warning: not translated yet " \
           "(the English body is shown)" in messages


def test_a_glossary_term_of_the_english_must_appear_in_its_agreed_form(site_dir):
    glossary = {"translations/ru/glossary/terms.yaml": "Nerchinsk: Нерчинск\nArgun: Аргун\nManchuria: Маньчжури\n"}
    good = ("title: Нерчинский договор\nsummary: Первый договор [@mancall-1971, с. 150].\n"
            "body: |\n  Граница по Аргуни [@nerchinsk-treaty].\n\n  Второе [@mancall-1971, с. 150] и третье [@example-web].\n")
    _, messages = _site(site_dir, {**glossary, "translations/ru/events/1689-treaty-of-nerchinsk.yaml": good})
    assert [m for m in _errors(messages) if "nerchinsk" in m] == []  # in any case: "нерчинский" has "Нерчинск"
    bad = good.replace("Нерчинский договор", "Договор в Нерчинске").replace("по Аргуни", "по реке")
    _, messages = _site(site_dir, {**glossary, "translations/ru/events/1689-treaty-of-nerchinsk.yaml": bad})
    assert "site_src/translations/ru/events/1689-treaty-of-nerchinsk.yaml:3: body: the English says 'Argun': the " \
           "translation must use its agreed form 'Аргун' (glossary)" in messages, messages
    assert not any("title: the English says" in m for m in messages)


def test_a_glossary_term_counts_only_as_a_whole_word():
    glossary = i18n.Glossary({"Manchuria": "Маньчжури"})
    assert glossary.missing("Manchurian railways", "Железные дороги") == []
    assert glossary.missing("Railways in Manchuria", "Железные дороги") == [("Manchuria", "Маньчжури")]
    assert glossary.missing("Railways in Manchuria", "Дороги в маньчжурии") == []


def test_a_term_agreed_two_ways_in_the_glossary_is_an_error_naming_both(site_dir):
    _, messages = _site(site_dir, {"translations/ru/glossary/a.yaml": "Amur: Амур\n",
                                   "translations/ru/glossary/b.yaml": "# note\nAmur: Амура\nBad: [x]\n"})
    assert ("site_src/translations/ru/glossary/b.yaml:2: Amur: agreed as 'Амура' here but as 'Амур' at "
            "site_src/translations/ru/glossary/a.yaml:1") in messages
    assert "site_src/translations/ru/glossary/b.yaml:3: Bad: the agreed form must be one line of text, got a list" \
           in messages


def test_a_missing_translation_is_a_warning_and_strict_check_fails_on_it(site_dir, capsys):
    src = site_dir()
    site_dir({"site.yaml": (src / "site.yaml").read_text() + THREE,
              "translations/ru/events/1727-treaty-of-kyakhta.yaml":
                  "title: Кяхтинский договор\nsummary: Торговля в Кяхте [@mancall-1971].\n"})
    assert main(["check", "--src", str(src)]) == 0
    captured = capsys.readouterr()
    assert "site_src/translations/zh-Hans: warning: no translations into 'zh-Hans' yet" in captured.err
    assert "site_src/translations/ru/events/1864-dated.yaml: warning: event '1864-dated' is not translated into 'ru' " \
           "yet (the English is shown)" in captured.err
    assert "  ru: 1/6 events, 0 bodies of 1, 0/1 pages, 0/12 labels" in captured.out
    assert main(["check", "--strict", "--src", str(src)]) == 1


def test_a_translated_site_yaml_names_only_known_themes_eras_and_fields(site_dir):
    _, messages = _site(site_dir, {"translations/ru/site.yaml": textwrap.dedent("""\
        title: Хронология
        subtitle: Тест
        themes:
          territory: {label: Территория, description: Границы.}
          teritory: {label: Х}
          trade: {label: Торговля, colour: '#000000'}
        eras:
          early: {label: Ранний, intro: Ранний период.}
        author: Я
        """)})
    errors = _errors(messages)
    assert ("site_src/translations/ru/site.yaml:5: themes.teritory: no theme 'teritory' in site.yaml (did you mean "
            "'territory'?)") in errors
    assert "site_src/translations/ru/site.yaml:6: themes.trade.colour: unknown field" in errors
    assert "site_src/translations/ru/site.yaml:9: author: unknown field" in errors
    assert "site_src/translations/ru/site.yaml:7: eras.late.label: warning: not translated yet (the English is shown)" \
           in messages


def test_a_translated_page_must_cite_as_the_english_page_does(site_dir):
    _, messages = _site(site_dir, {
        "translations/ru/pages/about.md": "---\ntitle: О сайте\nlayout: x\n---\nЭта страница.\n\nЦитирует [@example-web].\n",
        "translations/ru/pages/abuot.md": "---\ntitle: X\n---\nX\n",
    })
    assert "site_src/translations/ru/pages/about.md:3: layout: unknown field: a translated page has only title, " \
           "description and english" in messages
    assert any(m.startswith("site_src/translations/ru/pages/about.md:7: citation 1 is [@example-web] where the English "
                            "has [@mancall-1971]") for m in messages), messages
    assert any(m.startswith("site_src/translations/ru/pages/abuot.md:1: a translation of no page") and "'about'" in m
               for m in messages)


@pytest.mark.parametrize("text, expected", [
    ("title: [unclosed\n", "site_src/translations/ru/events/1864-dated.yaml:2:1: YAML syntax error"),
    ("", "site_src/translations/ru/events/1864-dated.yaml:1: expected a mapping of translated fields"),
    ("- a list\n", "site_src/translations/ru/events/1864-dated.yaml:1: expected a mapping of translated fields"),
    ("title: {a: 1}\n", "site_src/translations/ru/events/1864-dated.yaml:1: title: expected text, got a mapping"),
    ("title: A\ntitle: B\n", "site_src/translations/ru/events/1864-dated.yaml:2: title: key given twice"),
    ("title: X\nsummary: x <script>alert(1)</script> [@mancall-1971]\n",
     "site_src/translations/ru/events/1864-dated.yaml:2: summary: warning: raw HTML"),
])
def test_a_broken_translation_file_is_a_message_not_a_traceback(site_dir, text, expected):
    _, messages = _site(site_dir, {"translations/ru/events/1864-dated.yaml": text})
    assert any(m.startswith(expected) for m in messages), messages


def test_a_translation_file_with_a_wrong_suffix_is_an_error_as_an_english_one_is(site_dir):
    zh = "site_src/translations/zh-Hans/"
    _, messages = _site(site_dir, {"translations/zh-Hans/events/1689-treaty-of-nerchinsk.yml": NERCHINSK_ZH,
                                   "translations/zh-Hans/glossary/terms.yml": "Nerchinsk: 尼布楚\n",
                                   "translations/zh-Hans/site.yml": "title: 时间线\n",
                                   "translations/ru/pages/about.markdown": "---\ntitle: О сайте\n---\nX\n"})
    assert f"{zh}events/1689-treaty-of-nerchinsk.yml: event files end in .yaml (this one is ignored)" in messages
    assert f"{zh}glossary/terms.yml: glossary files end in .yaml (this one is ignored)" in messages
    assert f"{zh}site.yml: the site's texts go in site.yaml (this one is ignored)" in messages
    assert "site_src/translations/ru/pages/about.markdown: page files end in .md (this one is ignored)" in messages
    # what the error says is not said again as 'not translated yet'
    assert not [m for m in messages if "zh-Hans/events/1689-treaty-of-nerchinsk.yaml" in m or "zh-Hans/site.yaml" in m
                or "ru/pages/about.md:" in m or "ru/pages/about.md: warning" in m], messages


def test_a_translation_folder_or_file_that_nothing_reads_is_reported_with_a_hint(site_dir):
    ru = "site_src/translations/ru/"
    _, messages = _site(site_dir, {"translations/ru/event/1727-treaty-of-kyakhta.yaml": "title: К\n",
                                   "translations/ru/page/about.md": "---\ntitle: О сайте\n---\nX\n",
                                   "translations/ru/1864-dated.yaml": "title: X\n",
                                   "translations/ru/notes/todo.txt": "x\n",
                                   "translations/ru/README.md": "x\n",
                                   "translations/ru/events/draft.txt": "x\n",
                                   "translations/ru/events/1864-dated.yaml~": "x\n",   # an editor's backup
                                   "translations/ru/events/.hidden.yml": "x\n"})
    found = [m for m in messages if "is not translated" not in m and "translations/ru/" in m]
    assert found == [
        f"{ru}1864-dated.yaml: the translation of event '1864-dated' goes in events/ (this one is ignored)",
        f"{ru}README.md: warning: a file nothing reads: a language's folder holds events/, pages/, glossary/ and "
        "site.yaml",
        f"{ru}event: a folder nothing reads (did you mean events/?): its translations are ignored",
        f"{ru}events/draft.txt: warning: nothing reads this: event files in events/ end in .yaml",
        f"{ru}notes: warning: a folder nothing reads: a language's folder holds events/, pages/, glossary/ and "
        "site.yaml",
        f"{ru}page: a folder nothing reads (did you mean pages/?): its translations are ignored",
        f"{ru}site.yaml: warning: no translation of the site's title, themes and eras yet (the English is shown)",
    ], found
    untranslated = [m for m in messages if "is not translated" in m]
    assert not [m for m in untranslated if "1727-treaty-of-kyakhta" in m or "1864-dated" in m or "about" in m]
    assert any("1689-treaty-of-nerchinsk" in m for m in untranslated)


def test_a_place_that_an_event_names_and_places_yaml_does_not_name_in_a_language_is_a_warning(site_dir):
    src = site_dir()
    places = (src / "places.yaml").read_text(encoding="utf-8") + "\nunnamed:\n  names: {en: Nowhere}\n  kind: town\n" \
        "testville:\n  kind: town\n  names: {en: Testville, zh: 测试村}\n"
    kyakhta = (src / "events" / "1727-treaty-of-kyakhta.yaml").read_text(encoding="utf-8")
    _, messages = _site(site_dir, {"places.yaml": places, "events/1727-treaty-of-kyakhta.yaml":
                                   kyakhta.replace("place: kyakhta", "place: [kyakhta, testville]")})
    line = places.splitlines().index("  names: {en: Testville, zh: 测试村}") + 1
    # zh names it (and 'zh' serves zh-Hans); a place no event names is shown nowhere
    assert [m for m in messages if m.startswith("site_src/places.yaml")] == [
        f"site_src/places.yaml:{line}: testville.names: warning: not named in 'ru' yet (the English 'Testville' is shown)"]


def test_translations_into_an_unlisted_language_are_a_warning(site_dir):
    _, messages = _site(site_dir, {"translations/ru-RU/events/1864-dated.yaml": "title: X\n"})
    assert any(m.startswith("site_src/translations/ru-RU: warning: translations into 'ru-RU', which site.yaml's "
                            "languages: does not list") for m in messages), messages


def test_the_build_refuses_a_site_whose_translation_is_wrong(site_dir):
    from timeline.build import render_site
    src = site_dir()
    site_dir({"site.yaml": (src / "site.yaml").read_text() + THREE,
              "translations/ru/events/1727-treaty-of-kyakhta.yaml": "title: К\nsummary: Торговля [@example-web].\n"})
    result = render_site(src, sink=None)
    assert not result.ok
    assert any(str(d).startswith("site_src/translations/ru/events/1727-treaty-of-kyakhta.yaml:2: summary: citation 1 "
                                 "is [@example-web] where the English has [@mancall-1971]") for d in result.diagnostics)


# ---------------------------------------------------------------------------------------------------
# The writing itself


def _prose(text: str) -> str:
    """The text without citations, links' targets, URLs and code."""
    text = re.sub(r"\[@[^\]]*\]", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    return re.sub(r"`[^`]*`", " ", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_is_left_in_a_translation(language):
    _, languages, _ = BUNDLED
    left = []
    for eid, text in languages.texts[language].events.items():
        for field in ("title", "summary", "body"):
            run = re.search(r"(?:\b[A-Za-z][a-z'’-]+\b[\s,;:]+){6,}", _prose(getattr(text, field)))
            if run:
                left.append(f"{text.path}: {field}: English left: {run.group(0)[:80]}")
    assert left == []


def test_a_translation_that_is_a_pipe_or_a_folder_is_reported_without_hanging(site_dir):
    import os
    src = site_dir()
    folder = src / "translations" / "ru" / "events"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "1864-dated.yaml")
    (folder / "1727-treaty-of-kyakhta.yaml").mkdir()
    _, messages = _site(site_dir, {})
    assert "site_src/translations/ru/events/1864-dated.yaml: cannot read: a named pipe (FIFO), not a file" in messages
    assert "site_src/translations/ru/events/1727-treaty-of-kyakhta.yaml: cannot read: a folder, not a file" in messages


@pytest.mark.parametrize("written", ["pp. 3-5", "pp. 3 – 5", "pp. 3—5", "pp. 3\u22125", "pp. iv-vi"])
def test_a_page_range_typed_with_another_dash_is_the_english_range(written):
    # Outside tester: "pp. 3-5" where the English has "pp. 3–5" was an error, though it is the same range.
    from timeline.transcites import compare_citations
    english = "iv–vi" if "iv" in written else "3–5"
    assert compare_citations(f"Text [@a, pp. {english}].", f"Текст [@a, {written}].", "ru") == []
    assert compare_citations(f"Text [@a, pp. {english}].", f"文字[@a, {written.replace('pp. ', '第')}页]。", "zh-Hans") == []
    assert compare_citations("Text [@a, pp. 3–5].", "Текст [@a, pp. 3-6].", "ru") != []
    assert compare_citations("Text [@a, p. 35].", "Текст [@a, p. 3-5].", "ru") != []


def test_a_relative_link_in_a_translated_events_text_is_a_warning_at_its_line(site_dir):
    # Outside tester: the English text's relative link was warned of, the translation's was not.
    zh = NERCHINSK_ZH.replace("第三项[@example-web]", "第三项[@example-web]，见[条约](../1727-kyakhta/)")
    _, messages = _site(site_dir, {"translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml": zh})
    path = "site_src/translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml"
    assert [m for m in messages if "relative" in m] == [
        f"{path}:6: body: warning: the link to '../1727-kyakhta/' is relative, so it leads somewhere else from each "
        "page that shows this text (lists, theme and era pages, print views): to link an event, name it under "
        "related:; otherwise give a full address (https://...)"], messages
    full = NERCHINSK_ZH.replace("第三项[@example-web]", "第三项[@example-web]，见[条约](https://example.org/x)")
    _, messages = _site(site_dir, {"translations/zh-Hans/events/1689-treaty-of-nerchinsk.yaml": full})
    assert [m for m in messages if "relative" in m] == []


def test_chinese_and_russian_in_a_text_are_marked_unless_the_text_is_in_that_language(site_dir):
    # WCAG 3.1.2: a screen reader reads a run of another script in the voice of the text around it. The
    # language that counts is the text's own: the edition's where it is translated, English where it is
    # not (its page marks it lang="en"), so Chinese in it is marked even in the Chinese edition.
    found, messages = _site(site_dir, {
        "events/1950-treaty-of-alliance.yaml": (site_dir() / "events/1950-treaty-of-alliance.yaml").read_text(
            encoding="utf-8").replace("The People's Republic and the Soviet Union",
                                      "The People's Republic (中华人民共和国) and the Soviet Union (Советский Союз)"),
        "translations/zh-Hans/events/1950-treaty-of-alliance.yaml":
            "title: 中苏友好同盟互助条约\nsummary: 中华人民共和国与苏联（Советский Союз）签订为期三十年的同盟条约 [@example-web]。\n",
        "pages/about.md": "---\ntitle: About\n---\nThis page quotes 中文 and «русский», and cites [@mancall-1971].\n",
    })
    assert _errors(messages) == []
    loaded = content.load(site_dir(), Report())
    editions = {e.code: e.timeline for e in localize.editions(index.build(loaded), found, Memo())}
    english = ('The People’s Republic (<span lang="zh">中华人民共和国</span>) and the Soviet Union '
               '(<span lang="ru">Советский Союз</span>) sign a thirty-year alliance.')
    page = ('<p>This page quotes <span lang="zh">中文</span> and «<span lang="ru">русский</span>», and cites'
            '<sup class="noteref">')
    assert editions["en"].by_id["1950-treaty-of-alliance"].summary_list_html == english
    assert editions["ru"].by_id["1950-treaty-of-alliance"].summary_list_html == english   # not translated
    assert editions["zh-Hans"].by_id["1950-treaty-of-alliance"].summary_list_html == \
        "中华人民共和国与苏联（<span lang=\"ru\">Советский Союз</span>）签订为期三十年的同盟条约。"
    for code in ("en", "zh-Hans", "ru"):   # the page is English in every edition
        assert editions[code].pages_html["about"][0].startswith(page), code


# A range of numbers (1858–1860, 350–390) with an en dash or a hyphen between digits, or spaced.
_EN_DASH_RANGE = re.compile(r"[0-9]\s*[\u2013-]\s*[0-9]")
_CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")


def test_the_russian_translations_write_a_range_of_numbers_with_the_em_dash_closed_up():
    # As Russian books do (Мильчин, Чельцова, Справочник издателя и автора) and the edition's own spans
    # (1650—1660 гг.). Left as it is: a citation's locator, which keeps the English's.
    found = []
    for path in sorted((SRC / "translations" / "ru").rglob("*")):
        if path.suffix not in (".yaml", ".md"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        skipped = ("english:", "#") if path.suffix == ".yaml" else ("english:",)   # a YAML comment; a Markdown heading is text
        text = _CITATION.sub("", "\n".join(line for line in lines if not line.startswith(skipped)))
        found += [f"{path.relative_to(SRC)}: {m.group()}" for m in _EN_DASH_RANGE.finditer(text)]
    # and an event's Russian name, in its English file (shown on Russian pages and in the JSON-LD)
    import yaml
    for path in sorted((SRC / "events").glob("*.yaml")):
        name = (yaml.safe_load(path.read_text(encoding="utf-8")).get("names") or {}).get("ru", "")
        found += [f"{path.relative_to(SRC)}: names: ru: {m.group()}" for m in _EN_DASH_RANGE.finditer(name)]
    assert found == []
