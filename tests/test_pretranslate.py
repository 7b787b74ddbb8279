"""Interface strings compiled into each language's templates (timeline/pretranslate.py): the pages are
those Jinja2's own gettext gives, for every form a theme may write, and compiled templates kept on
disk are never shared between languages or catalogs."""

from __future__ import annotations


import jinja2
import pytest

from timeline import pretranslate, templating
from timeline.incremental import Memo

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgid "Date"
msgstr "{date}"

msgid "Fish & chips <b>"
msgstr "Рыба & картофель <b>"

msgid "%(n)s of %(m)s"
msgstr "%(n)s из %(m)s"

msgid "100%% sure"
msgstr "на 100%% уверен"

msgid "Hello %(x)s"
msgstr "Привет, %(x)s"

msgid "It's"
msgstr "C'est"

msgid "%(num)s day"
msgid_plural "%(num)s days"
msgstr[0] "%(num)s день"
msgstr[1] "%(num)s дня"
msgstr[2] "%(num)s дней"
"""

PAGE = """{{ _("Date") }}|{{ _("Fish & chips <b>") }}|{{ _("%(n)s of %(m)s", n="<i>", m=3) }}|{{ _("100%% sure") }}
{% trans x="<a>" %}Hello {{ x }}{% endtrans %}|{% trans %}Fish & chips <b>{% endtrans %}
{% set s = _("Date") ~ "<br>" %}{{ s }}|{{ gettext("Untranslated & kept") }}|{{ _("Date")|upper }}
{% autoescape false %}{{ _("Fish & chips <b>") ~ "<br>" }}|{{ _("%(n)s of %(m)s", n="<i>", m=1) }}{% endautoescape %}
{% if false %}{{ _("50% off") }}{% endif %}{{ ngettext("%(num)s day", "%(num)s days", 3) }}
{% macro tip(text) %}<abbr title="{{ text }}">?</abbr>{% endmacro %}{{ tip(_("Fish & chips <b>")) }}
{{ _("It's") ~ "!" }}|{{ _("Fish & chips <b>") ~ "<" }}|{{ _("%(n)s of %(m)s", n="<i>", m=1) ~ "<" }}|{{ tip(_("It's") ~ "<") }}
{% macro words() %}{{ _("Fish & chips <b>") }}{% endmacro %}{% autoescape false %}{{ words() }}{% endautoescape %}
"""


def theme(tmp_path, date="Дата", page=PAGE):
    folder = tmp_path / "templates"
    (folder / "locale/ru/LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    (folder / "locale/ru/LC_MESSAGES/messages.po").write_text(PO.replace("{date}", date), encoding="utf-8")
    (folder / "page.html").write_text(page, encoding="utf-8")
    return folder


def by_gettext(folder, code="ru") -> str:
    """The page as Jinja2's newstyle gettext renders it, called on every page."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(templating.translations(folder, code), newstyle=True)
    return env.get_template("page.html").render()


def compiled(folder, code="ru", keep=False) -> str:
    env = templating.environment(folder, Memo(), "theme", keep, code)
    return env.get_template("page.html").render()


@pytest.mark.parametrize("code", ["ru", "en"])
def test_pages_are_those_gettext_gives(tmp_path, code):
    folder = theme(tmp_path)
    expected = by_gettext(folder, code)
    assert compiled(folder, code) == expected
    if code == "ru":
        assert "Рыба & картофель <b>|&lt;i&gt; из 3|на 100% уверен" in expected
        assert "Привет, &lt;a&gt;" in expected and "Дата&lt;br&gt;" in expected and "ДАТА" in expected
        assert "Рыба & картофель <b><br>|<i> из 1" in expected and "3 дня" in expected
        assert 'title="Рыба & картофель <b>"' in expected   # safe, as gettext returns it
        assert "C'est!|Рыба & картофель <b>&lt;|&lt;i&gt; из 1&lt;" in expected   # joined as Markup


@pytest.mark.parametrize("code", ["ru", "en"])
def test_without_autoescape_blocks_a_translation_shown_as_it_is_is_the_template_s_text(tmp_path, code):
    """No template of the theme switches autoescaping: {{ _("x") }} is compiled as the template's own
    text, and the page is still what gettext gives."""
    page = "\n".join(line for line in PAGE.splitlines() if "autoescape" not in line) + "\n"
    page += '{% macro words() %}{{ _("Fish & chips <b>") }}{% endmacro %}{{ words() }}|{{ _("Date") }}</p>\n'
    # Translations with variables: names and attributes shown in place, anything else formatted as before.
    page += ('{% set v = "<v&>" %}{% set v2 = 7 %}{% set o = {"a": "<a>", "m": "<b>"|safe, "n": none, "i": 3} %}'
             '{{ _("%(n)s of %(m)s", n=v, m=o.a) }}|{{ _("%(n)s of %(m)s", n=v, m=v2) }}|{{ _("Hello %(x)s", x=o.m) }}|{{ _("%(n)s of %(m)s", n=o.m, m=o.n) }}|{{ _("Hello %(x)s", x=o.i) }}'
             '|{% trans %}{{ v }} and {{ v }}{% endtrans %}|{% trans w=v %}{{ w }} at 100%%{% endtrans %}'
             '|{{ _("%(n)s of %(m)s", n=v, m=v ~ "!") }}|{{ _("%(n)d of %(m)s", n=o.i, m=v) }}'
             '|{{ _("Hello %(x)s", x=v, y=o.a) }}|{{ _("%(n)s of %(m)s", n=v, m=o.missing|default("d")) }}\n')
    folder = theme(tmp_path, page=page)
    assert compiled(folder, code) == by_gettext(folder, code)
    env = templating.environment(folder, Memo(), "theme", False, code)
    source = env.compile(page, "page.html", raw=True)
    word = "Дата" if code == "ru" else "Date"
    assert f"yield '{word}|" in source and f"|{word}</p>" in source   # joined with the text around it
    assert source.count(f"identity)(('{word}'") == 2   # where it is joined (~) or filtered: a Markup still
    assert ("yield ' из '" if code == "ru" else "yield ' of '") in source   # its variables shown in place
    assert "&lt;v&amp;&gt; " in compiled(folder, code) and "<b> " in compiled(folder, code)


def test_a_translation_s_variables_are_evaluated_as_gettext_evaluates_them(tmp_path):
    """Shown in place, a variable must be read only: a call is made once, in the call's order, as before."""
    page = '{{ _("%(m)s then %(n)s", n=f("n"), m=f("m")) }}|{{ _("%(m)s and %(m)s", m=f("twice")) }}'
    folder = theme(tmp_path, page=page)
    calls = []

    def f(name):
        calls.append(name)
        return f"<{name}>"
    env = templating.environment(folder, Memo(), "theme", False, "en")
    assert env.as_text
    shown = env.get_template("page.html").render(f=f)
    stock = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                               extensions=["jinja2.ext.i18n"])
    stock.install_null_translations(newstyle=True)
    expected_calls = []
    assert shown == stock.get_template("page.html").render(f=lambda name: expected_calls.append(name) or f"<{name}>")
    assert calls == expected_calls == ["n", "m", "twice"]


def test_red_team_cases_give_what_gettext_gives(tmp_path):
    """An {% autoescape %} in static/ (a template may extend it), attributes read in the call's order,
    gettext's own parameter names, an assignment after a % in a tag."""
    class Counter:
        n = 0

        @property
        def next(self):
            Counter.n += 1
            return Counter.n
    cases = [
        ({"static/base.html": "{% autoescape false %}{% block b %}{% endblock %}{% endautoescape %}",
          "page.html": '{% extends "static/base.html" %}{% block b %}{{ _("Fish & chips <b>") }}{% endblock %}'}, {}),
        ({"page.html": '{{ _("%(n)s of %(m)s", n=c.next, m=c.next) }}|{{ _("Hello %(x)s", x=c.next) }}'},
         {"c": Counter()}),
        ({"page.html": '{% macro m(a="%", _=none) %}[{{ _("Date") }}]{% endmacro %}{{ m(_=f) }}'},
         {"f": lambda s: f"F({s})"}),
    ]
    for files, context in cases:
        folder = theme(tmp_path / str(len(files)) / str(cases.index((files, context))), page=files.pop("page.html"))
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        for code in ("ru", "en"):
            Counter.n = 0
            ours = templating.environment(folder, Memo(), "theme", False, code).get_template("page.html").render(context)
            Counter.n = 0
            env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, trim_blocks=True,
                                     lstrip_blocks=True, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
            env.install_gettext_translations(templating.translations(folder, code), newstyle=True)
            assert ours == env.get_template("page.html").render(context), (files, code)
    folder = theme(tmp_path / "reserved", page='{{ _("Hello %(x)s", __string=v) }}')
    with pytest.raises(templating.TemplateProblem, match="multiple values for argument '__string'"):
        templating.render(templating.environment(folder, Memo(), "theme", False, "ru"), "page.html", {"v": 1})


def test_an_error_in_a_translation_s_variable_is_reported_at_the_call_s_line(tmp_path):
    folder = theme(tmp_path, page='a\n{{ _("Hello %(x)s",\n   x=u.y) }}\n')
    env = templating.environment(folder, Memo(), "theme", False, "ru")
    with pytest.raises(templating.TemplateProblem) as caught:
        templating.render(env, "page.html", {})
    assert caught.value.line == 2


def test_how_translations_are_compiled_follows_what_the_theme_s_templates_do():
    assert pretranslate.how(['{{ _("Date") }}', "<p>{{ x }}</p>"]) == pretranslate.AS_TEXT
    assert pretranslate.how(['{{ _("Date") }}', "{%- autoescape false %}{{ x }}{% endautoescape %}"]) == \
        pretranslate.AS_MARKUP
    assert pretranslate.how(['{% set _ = f %}', "{% autoescape true %}{% endautoescape %}"]) == \
        pretranslate.AS_WRITTEN


def test_a_constant_string_is_compiled_in_and_a_call_left_only_where_it_must_be(tmp_path):
    folder = theme(tmp_path)
    env = templating.environment(folder, Memo(), "theme", False, "ru")
    code = env.compile(PAGE, "page.html", raw=True)
    assert "Дата" in code and "Рыба" in code
    assert "'Date'" not in code and "'Fish & chips <b>'" not in code
    assert "'50% off'" in code and "ngettext" in code   # would fail in gettext too; plural forms


@pytest.mark.parametrize("assign", ['{% set _ = my_gettext %}', '{% macro _(s) %}[{{ s }}]{% endmacro %}',
                                    '{% for gettext in [1] %}{% endfor %}',
                                    '{% from "lib.html" import tr as _ %}'])
def test_a_template_that_gives_gettext_another_meaning_is_compiled_as_written(tmp_path, assign):
    folder = theme(tmp_path, page=assign + '{{ _("Date") }}')
    (folder / "lib.html").write_text('{% macro tr(s) %}<{{ s }}>{% endmacro %}', encoding="utf-8")
    env = templating.environment(folder, Memo(), "theme", False, "ru")
    assert "'Date'" in env.compile(assign + '{{ _("Date") }}', "page.html", raw=True)


def test_compiled_templates_kept_on_disk_are_per_language_and_per_catalog(tmp_path, monkeypatch):
    from timeline import memokey
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(memokey, "_key", None)
    folder = theme(tmp_path, page='{{ _("Date") }}')
    assert compiled(folder, "ru", keep=True) == "Дата"
    assert compiled(folder, "en", keep=True) == "Date"      # same template, a folder per language
    assert compiled(folder, "ru", keep=True) == "Дата"      # read back from disk, in its own language
    assert len(list((tmp_path / "cache").rglob("*.cache"))) == 2
    theme(tmp_path, date="Число", page='{{ _("Date") }}')  # the catalog changes, the template does not
    assert compiled(folder, "ru", keep=True) == "Число"


def test_a_repeated_keyword_is_refused_as_gettext_refuses_it(tmp_path):
    folder = theme(tmp_path, page='{{ _("%(n)s of %(m)s", n=1, n=2, m=3) }}')
    with pytest.raises(SyntaxError):
        by_gettext(folder)
    with pytest.raises(SyntaxError):
        compiled(folder)


@pytest.mark.parametrize("page,child", [
    ('{% set _ = up %}{% include "child.html" %}', '{{ _("Date") }}'),
    ('{% set gettext = up %}{% include "child.html" %}', '{{ _("Date") }}|{{ gettext("Date") }}'),
    ('{% extends "child.html" %}{% set _ = up %}', '{{ _("Date") }}'),
    ('{% with _ = up %}{% include "child.html" %}{% endwith %}', '{{ _("Date") }}')])
def test_gettext_given_a_meaning_in_another_template_reaches_the_templates_it_includes(tmp_path, page, child):
    folder = theme(tmp_path, page=page)
    (folder / "child.html").write_text(child, encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(templating.translations(folder, "ru"), newstyle=True)
    expected = env.get_template("page.html").render(up=str.upper)
    assert "DATE" in expected
    ours = templating.environment(folder, Memo(), "theme", False, "ru")
    assert ours.get_template("page.html").render(up=str.upper) == expected
    (folder / "page.html").write_text('{% include "child.html" %}', encoding="utf-8")   # no longer
    again = templating.environment(folder, Memo(), "theme-2", False, "ru")
    assert "Дата" in again.compile(child, "child.html", raw=True)


def test_compiled_templates_kept_on_disk_are_compiled_again_by_a_changed_engine(tmp_path, monkeypatch):
    """The key of a kept template covers the engine's code that compiles it, not only the template
    and the catalogs: an engine that compiles differently never reads the old one."""
    from jinja2 import nodes

    from timeline import memokey, pretranslate
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(memokey, "_key", None)
    folder = theme(tmp_path, page='{{ _("Date") }}')
    assert compiled(folder, "ru", keep=True) == "Дата"
    monkeypatch.setattr(pretranslate, "_safe_as_gettext", lambda text: nodes.Const("new engine"))
    assert compiled(folder, "ru", keep=True) == "Дата"      # the same engine, as far as the key says
    monkeypatch.setattr(templating, "_compile_step", lambda: "another engine's code")
    assert compiled(folder, "ru", keep=True) == "new engine"
