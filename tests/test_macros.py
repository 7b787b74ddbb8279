"""The small macros the default theme's partials/macros.html exports as Python functions (timeline/macros.py):
a theme whose macros.html defines its own keeps them, and each escapes what it shows."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup

from support import ROOT
from timeline import macros
from timeline.cli import main

EXPORTS = "{% set theme_list, date_tag, english, marked, place_names = theme_list, date_tag, english, marked, place_names %}"


def test_a_theme_whose_macros_html_defines_a_macro_keeps_it(site_dir, tmp_path):
    # A theme copied before these were Python defines them as macros: its pages show its own.
    src = site_dir()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    text = (templates / "partials" / "macros.html").read_text(encoding="utf-8")
    assert EXPORTS in text
    own = ('{% set theme_list, english, marked, place_names = theme_list, english, marked, place_names %}\n'
           '{% macro date_tag(entry) %}<time class="theme">{{ entry.id }}</time>{% endmacro %}')
    (templates / "partials" / "macros.html").write_text(text.replace(EXPORTS, own), encoding="utf-8")
    assert main(["build", "--src", str(src), "--templates", str(templates), "--out", "out"]) == 0
    page = next(Path("out/events").glob("*/index.html"))
    assert f'<time class="theme">{page.parent.name}</time>' in page.read_text(encoding="utf-8")


def test_each_function_escapes_what_it_shows_and_marks_its_text_safe():
    theme = SimpleNamespace(id="a&b", label="<Trade>", english=frozenset({"label"}))
    listed = macros.theme_list([theme], lambda kind, ident: f"../{kind}s/{ident}/?x=1&y=2")
    assert listed == ('<ul class="theme-tags"><li><a class="theme-tag" style="--theme: var(--t-a&amp;b)" '
                      'href="../themes/a&amp;b/?x=1&amp;y=2" lang="en">&lt;Trade&gt;</a></li></ul>\n')
    assert type(listed) is Markup
    item = SimpleNamespace(label='"Qing" & <Rus>', english=frozenset({"label"}))
    assert macros.marked(getattr)(item, "label") == '<span lang="en">&#34;Qing&#34; &amp; &lt;Rus&gt;</span>'
    assert macros.english(item, "label") == ' lang="en"' and macros.english(item, "title") == ""
