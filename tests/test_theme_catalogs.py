"""The theme's interface strings through gettext (issue 14, item 2): every string the templates mark
has a translation in every language site.yaml configures, the catalogs keep the placeholders, markup
and plural forms of what they translate, and a page rendered with the Chinese or Russian catalog shows
its menu in that language while the English build keeps its words (tests/test_build.py holds the
English bytes of the fixture site)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from support import FIXTURES, ROOT
from timeline import catalogs, templating
from timeline.build import render_site
from timeline.incremental import Memo

TEMPLATES = ROOT / "templates"
MAKE = templating._make   # as it is before any test replaces it
LOCALE = TEMPLATES / "locale"


def configured_languages() -> list[str]:
    """The codes of site.yaml's languages other than the default one (English, as written)."""
    site = yaml.safe_load((ROOT / "site_src" / "site.yaml").read_text(encoding="utf-8"))
    return [lang["code"] for lang in site["languages"] if lang["code"] != site["language"]]


def catalog(code: str):
    return catalogs.read_catalog(catalogs.po_path(str(LOCALE), code), code)


def test_every_template_string_has_a_translation_in_every_configured_language():
    codes = configured_languages()
    assert {"zh-Hans", "ru"} <= set(codes)
    messages = catalogs.extract_templates(str(TEMPLATES))
    assert len(messages) > 150  # every template is marked, not a few of them
    problems = catalogs.untranslated(messages, str(LOCALE), codes)
    assert problems == [], "\n".join(problems)


def test_a_template_string_added_without_a_translation_fails_the_check_in_each_language(tmp_path):
    theme = tmp_path / "templates"
    shutil.copytree(TEMPLATES, theme)
    base = theme / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace(
        "{% block main %}{% endblock %}", '{% block main %}{% endblock %}\n<p>{{ _("Back to the top") }}</p>'),
        encoding="utf-8")
    problems = catalogs.untranslated(catalogs.extract_templates(str(theme)), str(theme / "locale"),
                                     configured_languages())
    assert [p.split(": ", 1)[1] for p in problems] == [f'{code}: no translation of "Back to the top"'
                                                       for code in configured_languages()]
    assert all(p.startswith("base.html:") for p in problems)


def test_messages_pot_holds_exactly_the_strings_the_templates_mark():
    """templates/locale/messages.pot is what the .po files are updated from: it must be current
    (babel.cfg says how to extract it again)."""
    pot = read_po((LOCALE / "messages.pot").open("rb"))
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in pot if m.id} == \
        {msgid for _file, _line, msgid in catalogs.extract_templates(str(TEMPLATES))}


def test_russian_has_three_plural_forms_and_chinese_one_each_filled():
    for code, forms in (("ru", 3), ("zh-Hans", 1)):
        cat = catalog(code)
        assert cat.num_plurals == forms, code
        plurals = [m for m in cat if m.id and m.pluralizable]
        assert len(plurals) >= 10
        for message in plurals:
            assert len(message.string) == forms and all(message.string), (code, message.id)


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)s", text))


def _tags(text: str) -> list[str]:
    return re.findall(r"</?\w+[^>]*>", text)


@pytest.mark.parametrize("code", ["zh-Hans", "ru"])
def test_each_translation_keeps_the_placeholders_and_the_markup_of_its_english(code):
    """A translation is inserted unescaped (it is the theme's own markup): the same tags, attributes
    and %(name)s placeholders, or the page breaks."""
    problems = []
    for message in catalog(code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if _placeholders(string) != _placeholders(ids[-1]) or _tags(string) != _tags(ids[-1]):
                problems.append(f"{message.lineno}: {string!r} for {ids[-1]!r}")
            if '"' in re.sub(r"<[^>]*>", "", string) or re.search(r"&(?!\w+;)", string):
                problems.append(f"{message.lineno}: a bare quote or ampersand in {string!r}")
    assert problems == [], "\n".join(problems)


def test_a_catalog_that_drops_a_placeholder_is_caught(tmp_path):
    """A translator's slip (the placeholder spelled in Russian) is caught by the build itself, at the
    message's line (Babel's checkers), before the check above would see it."""
    po = tmp_path / "ru" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr "Language: ru\\n"\n\nmsgid "Map: %(places)s"\nmsgstr "Карта: %(места)s"\n',
                  encoding="utf-8")
    with pytest.raises(catalogs.CatalogError) as failed:
        catalogs.read_catalog(str(po), "ru")
    assert failed.value.line == 4 and "placeholder" in failed.value.message


def _render_fixture(monkeypatch, code: str) -> dict[str, str]:
    """The fixture site rendered by the real environment with a language's catalog installed (the
    per-language site itself is built elsewhere: this is the templates and catalogs alone)."""
    def with_catalog(templates, keep_compiled, language, plain):   # the fixture site is English only
        return MAKE(templates, keep_compiled, code, plain)   # its strings are compiled in: made for the language

    monkeypatch.setattr(templating, "_make", with_catalog)
    monkeypatch.chdir(FIXTURES / "good")
    result = render_site(Path("site_src"), templates=TEMPLATES, memo=Memo())
    assert result.ok, result.diagnostics
    return {path: data.decode("utf-8") for path, data in result.files.items()
            if path.endswith(".html") and data is not None}


def _menu(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


MENUS = {
    "zh-Hans": ["时间线", "时期", "主题", "参考文献", "地图", "打印"],
    "ru": ["Хронология", "Периоды", "Темы", "Библиография", "Карта", "Печать"],
    "en": ["Timeline", "Eras", "Themes", "Bibliography", "Map", "Print"],
}


@pytest.mark.parametrize("code", ["zh-Hans", "ru", "en"])
def test_a_page_rendered_with_a_languages_catalog_shows_the_menu_and_footer_in_that_language(monkeypatch, code):
    pages = _render_fixture(monkeypatch, code)
    home, era = pages["index.html"], pages["eras/index.html"]
    menu = [label for label in _menu(home) if label in MENUS[code] or label in MENUS["en"]]
    assert menu == MENUS[code]
    footer = {"zh-Hans": "每项陈述均注明出处", "ru": "каждое утверждение подкреплено ссылкой",
              "en": "every claim is cited"}[code]
    assert footer in home and footer in era
    for path, html in pages.items():
        assert "%(" not in html and "{% trans" not in html, path


def test_counts_follow_each_languages_plural_forms(monkeypatch):
    """The fixture's themes hold 4, 3 and 1 events: Russian события, события, событие; Chinese one form."""
    ru = _render_fixture(monkeypatch, "ru")["themes/index.html"]
    assert "(4 события)" in ru and "(3 события)" in ru and "(1 событие)" in ru
    zh = _render_fixture(monkeypatch, "zh-Hans")["themes/index.html"]
    assert "（" not in zh and "(4个事件)" in zh and "(1个事件)" in zh
    en = _render_fixture(monkeypatch, "en")["themes/index.html"]
    assert "(4 events)" in en and "(1 event)" in en


def test_the_scripts_words_come_from_the_page_in_its_language(monkeypatch):
    """timeline.js writes the filter count, the search count and the year answer from data- attributes
    the template fills from the catalog; no English sentence is left in the script."""
    script = (TEMPLATES / "static" / "timeline.js").read_text(encoding="utf-8")
    for english in ('" of "', '" found"', "Type a year", "Nothing listed", '" event"'):
        assert english not in script
    home = _render_fixture(monkeypatch, "ru")["index.html"]
    assert 'data-count-one="{shown} из {count} события"' in home
    assert 'data-count-many="{shown} из {count} событий"' in home
    assert 'data-found-other="Найдено: {count}"' in home
    assert 'data-nearest-few="За {wanted} год ничего не указано; ближайший год — {year}: {count} события."' in home
    english = _render_fixture(monkeypatch, "en")["index.html"]
    assert 'data-count-one="{shown} of {count} event"' in english
    assert 'data-count-other="{shown} of {count} events"' in english
    assert 'data-prompt-other="Type a year, for example {year}."' in english


def engine_messages(folder: Path = ROOT / "timeline") -> list:
    """Every message the engine's Python marks (N_, NP_), with its file and line."""
    return [m for path in sorted(folder.rglob("*.py")) for m in catalogs.extract_python(str(path))]


def test_every_engine_string_has_a_translation_in_every_configured_language():
    """The words the engine writes itself (the charts' names for screen readers, kinds of places, pages'
    titles, the citation's "Edition of") come from timeline/locale/<locale>/LC_MESSAGES/timeline.po."""
    messages = engine_messages()
    assert {"town", "mountain range", "beyond this map", "{count} event", "Edition of {date}", "{year}s",
            "Overview of {events}, {start}–{end}, in {eras}", "{title}: print edition"} <= {m[2] for m in messages}
    problems = catalogs.untranslated(messages, catalogs.ENGINE_LOCALE, configured_languages(), catalogs.ENGINE_DOMAIN)
    assert problems == [], "\n".join(problems)


def test_an_engine_string_added_without_a_translation_fails_the_check(tmp_path):
    engine = tmp_path / "timeline"
    engine.mkdir()
    (engine / "new.py").write_text('from .catalogs import N_, NP_\nBACK = N_("Back to the top")\n'
                                   'PAGES = NP_("{count} page", "{count} pages")\n', encoding="utf-8")
    problems = catalogs.untranslated(engine_messages(engine), catalogs.ENGINE_LOCALE, ["zh-Hans", "ru"],
                                     catalogs.ENGINE_DOMAIN)
    assert problems == ['new.py:2: zh-Hans: no translation of "Back to the top"',
                        'new.py:3: zh-Hans: no translation of "{count} page"',
                        'new.py:2: ru: no translation of "Back to the top"',
                        'new.py:3: ru: no translation of "{count} page"']


@pytest.mark.parametrize("code, forms", [("zh-Hans", 1), ("ru", 3)])
def test_engine_translations_keep_their_placeholders_and_plural_forms(code, forms):
    cat = catalogs.read_catalog(catalogs.po_path(catalogs.ENGINE_LOCALE, code, catalogs.ENGINE_DOMAIN), code)
    assert cat.num_plurals == forms
    problems = []
    for message in cat:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.pluralizable and (len(strings) != forms or not all(strings)):
            problems.append(f"{message.lineno}: {len(strings)} forms for {ids[0]!r}")
        for string in strings:
            # "{ordinal} century" is given the century as an ordinal, a Roman and an Arabic number; a date may
            # be asked for in CLDR's format context ("ок. {date:format}", timeline/dateforms.py).
            names = set(re.findall(r"{(\w+)(?::format)?}", string))
            if ids[0] != "{ordinal} century" and names != set(re.findall(r"{(\w+)}", ids[-1])):
                problems.append(f"{message.lineno}: {string!r} for {ids[-1]!r}")
            if re.search(r"{\w*:(?!format})", string) or ":format}" in string and "{date:format}" not in string:
                problems.append(f"{message.lineno}: {string!r}: only a date takes a form, {{date:format}}")
    assert problems == [], "\n".join(problems)


def _engine_po(folder: Path, msgid: str, msgstr: str) -> Path:
    po = folder / "ru" / "LC_MESSAGES" / f"{catalogs.ENGINE_DOMAIN}.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    quoted = msgstr.replace('"', '\\"')
    po.write_text(f'msgid ""\nmsgstr "Language: ru\\n"\n\nmsgid "{msgid}"\nmsgstr "{quoted}"\n', encoding="utf-8")
    return po


@pytest.mark.parametrize("msgid, msgstr, says", [
    ("c. {date}", "ок. {date:foo}", "writes {date:foo}: it may write {date} or {date:format}"),
    ("c. {date}", "ок. {dat}", "writes {dat}: it may write {date} or {date:format}"),
    ("c. {date}", "ок. {date!r}", "writes {date!r}"),
    ("c. {date}", "ок. {date.year}", "writes {date.year}"),
    ("c. {date}", "ок. {0}", "writes {0}"),
    ("c. {date}", "ок. {date", "expected '}' before end of string (a brace in the text is written {{ or }})"),
    ("{old} ({new} N.S.)", "{old:format} ({new} н. ст.)", "writes {old:format}: it may write {new}, {old}"),
])
def test_an_engine_translation_with_a_name_or_form_the_engine_does_not_give_is_an_error_at_its_line(
        tmp_path, msgid, msgstr, says):
    # Red team: the engine formats these with str.format, so "{date:foo}" or "{dat}" stopped the build with
    # a traceback from wherever the phrase was first written (or, in the footer, printed "2026-11~" as is).
    po = _engine_po(tmp_path, msgid, msgstr)
    with pytest.raises(catalogs.CatalogError) as failed:
        catalogs.load(str(tmp_path), "ru", catalogs.ENGINE_DOMAIN)
    assert failed.value.line == 4 and says in failed.value.message


@pytest.mark.parametrize("msgid, msgstr", [("c. {date}", "ок. {date:format}"), ("accessed {date}", "от {date:format}"),
                                           ("{ordinal} century", "{roman} век"), ("{year}s", "{{{year}}}-е")])
def test_an_engine_translation_may_write_its_names_a_dates_form_and_braces_doubled(tmp_path, msgid, msgstr):
    _engine_po(tmp_path, msgid, msgstr)
    assert catalogs.load(str(tmp_path), "ru", catalogs.ENGINE_DOMAIN).gettext(msgid) == msgstr


def test_a_build_with_a_broken_engine_catalog_fails_with_its_line_not_a_traceback(tmp_path, monkeypatch):
    from support import multilingual
    locale = tmp_path / "locale"
    shutil.copytree(catalogs.ENGINE_LOCALE, locale)
    po = locale / "ru" / "LC_MESSAGES" / "timeline.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "ок.\u00a0{date:format}"', 'msgstr "ок.\u00a0{date:foo}"'), encoding="utf-8")
    line = po.read_text(encoding="utf-8").split("\n").index('msgid "c. {date}"') + 1
    monkeypatch.setattr(catalogs, "ENGINE_LOCALE", str(locale))
    catalogs.engine.cache_clear()
    try:
        result = render_site(multilingual(tmp_path / "site_src"))
    finally:
        catalogs.engine.cache_clear()
    assert not result.ok
    assert [(d.path.endswith("ru/LC_MESSAGES/timeline.po"), d.line) for d in result.diagnostics if "{date:foo}" in d.message] \
        == [(True, line)]


def test_an_access_date_and_a_charts_date_take_a_translations_format_form_too(monkeypatch):
    # The check above lets a translator ask for the format context wherever a date is written; these two
    # were given plain text, on which "{date:format}" raised.
    from types import SimpleNamespace
    from timeline import chartwords, sources
    from timeline.dates import HistDate
    from timeline.model import Source
    w = sources.words("ru")._replace(accessed="дата обращения: {date:format}")
    source = Source("k", "webpage", "T", {"URL": "https://example.org/"}, accessed=HistDate(2020, 3))
    assert "дата обращения: марта 2020\u202fг." in "".join(map(str, sources._access(source, w)))
    monkeypatch.setattr(chartwords, "texts", lambda code: SimpleNamespace(
        gettext=lambda m: "{title}, {date:format}" if m == chartwords.MARK else m))
    entry = SimpleNamespace(event=SimpleNamespace(title="Осада", significance="minor"), date_display="январь 1967 г.",
                            themes=[], stale=frozenset())
    assert chartwords.mark_label(entry, "ru") == "Осада, январь 1967 г."
