"""Interface strings translated once, when a template is compiled for a language, not on every page.

Each language has its own Jinja2 environment, so `{{ _("Date") }}` always gives the same text in it.
Called at run time, Jinja2's newstyle gettext cost a seventh of a cold build (a context call, a
catalog look-up and a Markup format for each of some seventy strings a page); compiled in, a constant
string becomes part of the template's own text. The result is the one gettext gives: the translation,
marked safe where autoescaping is on, formatted with the call's variables (%% is then %), escaped.
"""

from __future__ import annotations

from jinja2 import nodes
from jinja2.visitor import NodeTransformer

GETTEXT = ("_", "gettext")    # the names jinja2.ext.i18n installs for gettext (ngettext is left as it is)


def constants(tree: nodes.Template, gettext) -> nodes.Template:
    """The template's tree with each gettext call on a literal string replaced by its result, given
    gettext (str -> str: the language's catalog). A template that assigns either name is left alone."""
    if _assigned(tree) & set(GETTEXT):
        return tree
    return _Translator(gettext).visit(tree)


def _assigned(tree: nodes.Template) -> set:
    """The names the template gives a value (set, for, with, macro and its arguments, import)."""
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx != "load"}
    names |= {n.name for n in tree.find_all(nodes.Macro)}
    names |= {n.target for n in tree.find_all(nodes.Import)}
    for node in tree.find_all(nodes.FromImport):
        names |= {name[1] if isinstance(name, tuple) else name for name in node.names}
    return names


class _Translator(NodeTransformer):
    def __init__(self, gettext):
        self.gettext = gettext

    def visit_Call(self, node: nodes.Call):
        node = self.generic_visit(node)
        if not (isinstance(node.node, nodes.Name) and node.node.name in GETTEXT and len(node.args) == 1
                and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
                and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        text = self.gettext(node.args[0].value)
        if node.kwargs:
            variables = nodes.Dict([nodes.Pair(nodes.Const(k.key), k.value) for k in node.kwargs])
            made = nodes.Mod(nodes.MarkSafeIfAutoescape(nodes.Const(text)), variables)
        else:
            try:
                text %= {}  # as gettext formats it; a string it would fail on is left to fail there
            except (KeyError, ValueError, TypeError):
                return node
            made = nodes.MarkSafeIfAutoescape(nodes.Const(text))
        return made.set_lineno(node.lineno)
