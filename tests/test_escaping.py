"""What a template shows of a value (timeline/escaping.py): the same text as Jinja2's own escaping,
for every kind of value and every way a template shows one, and the same errors."""

from __future__ import annotations

import random

import jinja2
import pytest
from markupsafe import Markup, escape

from timeline import escaping, fragments, templating
from timeline.incremental import Memo

SPECIAL = "&<>\"'"


class Html:
    def __html__(self):
        return "<b>as markup</b>"


class Proxy:
    """Gives __html__ only through __getattr__, as a proxy object may: escape() finds it there."""

    def __getattr__(self, name):
        if name == "__html__":
            return lambda: "<i>proxied</i>"
        raise AttributeError(name)


class HtmlProperty:
    @property
    def __html__(self):
        return lambda: "<b>p</b>"


class HtmlStatic:
    __html__ = staticmethod(lambda: "<s>static</s>")


class HtmlNumber:
    def __html__(self):
        return 5


class Loud(str):
    def __str__(self):
        return "STR"


class HtmlLoud:
    def __html__(self):
        return Loud("<raw>")


class LoudMarkup(Markup):
    def __str__(self):
        return "MSTR"


def _values():
    rng = random.Random(7)
    alphabet = SPECIAL + "ab Щ中\u2028\U0001F600&amp;;#"
    texts = ["", "plain", SPECIAL, "&amp;", "<script>alert(1)</script>"] + \
        ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40))) for _ in range(300)]
    return texts + [Markup("<em>kept</em> &amp;"), Html(), Proxy(), fragments.Later(lambda: "<p>later</p>"),
                    HtmlProperty(), HtmlStatic(), HtmlNumber(), HtmlLoud(), LoudMarkup("<m>"), Loud("<l>"),
                    None, 0, -3, 2.5, True, b"by<tes>", ["<a>", 1], {"k": "<v>"}, ("t", "&")]


@pytest.mark.parametrize("value", _values(), ids=lambda v: type(v).__name__)
def test_the_text_is_what_escape_makes(value):
    assert escaping.escaped(value) == str(escape(value))


TEMPLATES = {
    "plain.html": "{{ v }}|{{ v|e }}|{{ v|safe }}|{{ [v]|join(',') }}|{{ 'x' ~ v }}",
    "blocks.html": "{% set s %}<{{ v }}>{% endset %}{{ s }}{% filter upper %}{{ v }}{% endfilter %}"
                   "{% autoescape false %}{{ v }}{% endautoescape %}{% autoescape true %}{{ v }}{% endautoescape %}",
    "volatile.html": "{% autoescape flag %}{{ v }}{% endautoescape %}",
    "macros.html": "{% macro m(x) %}[{{ x }}]{{ caller() if caller is defined }}{% endmacro %}{{ m(v) }}"
                   "{% call m(v) %}<{{ v }}>{% endcall %}{% for c in [v, v] %}{{ loop.index }}{{ c }}{% endfor %}",
    "base.html": "<t>{% block b %}{{ v }}{% endblock %}</t>",
    "child.html": "{% extends 'base.html' %}{% block b %}({{ super() }}){{ v }}{% endblock %}",
    "lib.html": "{% macro m(x) %}[{{ x }}]{% endmacro %}",
    "include.html": "{% include 'plain.html' %}{% import 'lib.html' as lib %}{{ lib.m(v) }}"
                    "{% from 'lib.html' import m %}{{ m(v) }}",
}


def _envs(tmp_path):
    for name, text in TEMPLATES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ours = templating.environment(tmp_path, Memo(), "theme", False)
    stock = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True,
                               undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    return ours, stock


def test_every_way_a_template_shows_a_value_gives_jinja2_s_own_text(tmp_path):
    ours, stock = _envs(tmp_path)
    assert ours.code_generator_class is escaping.CodeGenerator
    for value in _values()[:40] + _values()[-19:]:
        for name in set(TEMPLATES) - {"lib.html"}:
            for flag in (True, False):
                context = {"v": value, "flag": flag}
                assert ours.get_template(name).render(context) == stock.get_template(name).render(context), name


def test_an_undefined_value_fails_as_it_did(tmp_path):
    ours, stock = _envs(tmp_path)
    for env in (ours, stock):
        with pytest.raises(jinja2.UndefinedError, match="'v' is undefined"):
            env.get_template("plain.html").render({})
    with pytest.raises(jinja2.UndefinedError):
        escaping.escaped(jinja2.StrictUndefined(name="w"))
