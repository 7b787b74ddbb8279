"""Interface strings translated once, when a template is compiled for a language, not on every page.

Each language has its own Jinja2 environment, so `{{ _("Date") }}` always gives the same text in it.
Called at run time, Jinja2's newstyle gettext cost a seventh of a cold build (a context call, a
catalog look-up and a Markup format for each of some seventy strings a page); compiled in, the
translation is a constant. What the page gets is what gettext gives: the translation, marked safe
where the calling context autoescapes (decided at run time, as gettext decides it), formatted with the
call's variables, escaped (%% is then %).
"""

from __future__ import annotations

import re

from jinja2 import nodes
from jinja2.visitor import NodeTransformer

GETTEXT = ("_", "gettext")    # the names jinja2.ext.i18n installs for gettext (ngettext is left as it is)

# Where a template may give a name a value ({% set %}, for, with, macro and call arguments, import ...
# as): a theme whose templates might give _ or gettext one is parsed to be sure (see redefined).
_MAY_ASSIGN = re.compile(r"{%[-+]?\s*(set|for|with|macro|call|import|from)\b(?:[^%]|%(?!}))*\b(_|gettext)\b")


# How a theme's translations are compiled in (how).
AS_WRITTEN, AS_MARKUP, AS_TEXT = "as written", "as markup", "as text"
_SWITCHES = re.compile(r"{%[-+]?\s*autoescape\b")


def how(sources) -> str:
    """AS_WRITTEN if a template among sources (their texts) gives _ or gettext a value (redefined);
    AS_MARKUP if one switches autoescaping ({% autoescape %}): a macro or block it calls there gets
    gettext's result unmarked, and escapes it, so each translation stays marked safe when the page runs;
    else AS_TEXT: a translation a template shows as it is is the template's own text."""
    sources = list(sources)
    if redefined(sources):
        return AS_WRITTEN
    return AS_MARKUP if any(_SWITCHES.search(source) for source in sources) else AS_TEXT


def redefined(sources) -> bool:
    """True if a template among sources (their texts) gives _ or gettext a value: it would reach the
    templates it includes, extends or imports with context, so the theme is then compiled as written."""
    from jinja2 import Environment

    parse = Environment(extensions=["jinja2.ext.i18n"]).parse
    for source in sources:
        if _MAY_ASSIGN.search(source):
            try:
                if _assigned(parse(source)) & set(GETTEXT):
                    return True
            except Exception:  # noqa: BLE001 - a template that does not parse is reported where it is used
                return True
    return False


def constants(tree: nodes.Template, gettext, as_text: bool = False) -> nodes.Template:
    """The template's tree with each gettext call on a literal string replaced by its result, given
    gettext (str -> str: the language's catalog); as_text: see how. Only for a theme that redefined()
    clears."""
    return _Translator(gettext, as_text).visit(tree)


def _assigned(tree: nodes.Template) -> set:
    """The names the template gives a value (set, for, with, macro and its arguments, import)."""
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx != "load"}
    names |= {n.name for n in tree.find_all(nodes.Macro)}
    names |= {n.target for n in tree.find_all(nodes.Import)}
    for node in tree.find_all(nodes.FromImport):
        names |= {name[1] if isinstance(name, tuple) else name for name in node.names}
    return names


def _shown_as_is(node: nodes.Node) -> str | None:
    """The text of a translation without variables (as _safe_as_gettext made it), else None."""
    if isinstance(node, nodes.MarkSafeIfAutoescape) and isinstance(node.expr, nodes.CondExpr):
        cond = node.expr
        if isinstance(cond.test, nodes.EnvironmentAttribute) and cond.test.name == "autoescape" and \
                isinstance(cond.expr1, nodes.Const) and isinstance(cond.expr2, nodes.Const) and \
                type(cond.expr1.value) is str and cond.expr1.value == cond.expr2.value:
            return cond.expr1.value
    return None


def _as_text(node: nodes.Node) -> list:
    """The nodes an Output shows in node's place (see _Translator.visit_Output)."""
    text = _shown_as_is(node)
    if text is not None:
        return [nodes.TemplateData(text).set_lineno(node.lineno)]
    if not (isinstance(node, nodes.Mod) and isinstance(node.right, nodes.Dict)
            and (text := _shown_as_is(node.left)) is not None):
        return [node]
    values = {pair.key.value: pair.value for pair in node.right.items if isinstance(pair.key, nodes.Const)}
    pieces = _FORMAT.split(text)        # text, a name (None for %%), text, ...
    names = [name for name in pieces[1::2] if name is not None]
    if len(values) != len(node.right.items) or sorted(names) != sorted(values) or \
            any("%" in piece for piece in pieces[0::2]) or not _read_only(list(values.values())):
        return [node]
    parts = [nodes.TemplateData(piece) if i % 2 == 0 else nodes.TemplateData("%") if piece is None else values[piece]
             for i, piece in enumerate(pieces)]
    # Each part at the call's line, where an error in it was reported (a variable may be on a later one).
    return [part.set_lineno(node.lineno, override=True) for part in parts
            if not isinstance(part, nodes.TemplateData) or part.data]


# In a translation: %(name)s, or %% (a percent sign); any other % leaves it as gettext formats it.
_FORMAT = re.compile(r"%(?:\((\w+)\)s|%)")


def _read_only(values: list) -> bool:
    """Values whose reading runs no code, so that reading them in the translation's order (not the
    call's) changes nothing: names; or one value, a name or an attribute of one (a property's code
    then runs once, as before)."""
    if all(isinstance(value, nodes.Name) for value in values):
        return True
    if len(values) != 1:
        return False
    node = values[0]
    while isinstance(node, nodes.Getattr):
        node = node.node
    return isinstance(node, nodes.Name)


def _safe_as_gettext(text: str) -> nodes.Expr:
    """text, marked safe if the context autoescapes when it runs. The condition (both branches the
    same) keeps Jinja2's optimiser from deciding at compile time: it would join `_("x") ~ "y"` as plain
    text and escape the translation, and mark a macro's words safe for a caller that does not escape."""
    same = nodes.CondExpr(nodes.EnvironmentAttribute("autoescape"), nodes.Const(text), nodes.Const(text))
    return nodes.MarkSafeIfAutoescape(same)


class _Translator(NodeTransformer):
    def __init__(self, gettext, as_text: bool):
        self.gettext, self.as_text = gettext, as_text

    def visit_Output(self, node: nodes.Output):
        """As text (see how), a translation shown as it is ({{ _("Date") }}) becomes the template's own
        text: shown unescaped, as gettext's result is where autoescaping never changes, and joined with
        the text around it when compiled, where the call made a Markup and escaped it on every page. One
        with variables ({% trans %}of {{ edition }}{% endtrans %}) becomes its text around each variable
        shown in place, where each is used once, as %(name)s, and reading them in the text's order runs
        no code in another order (_read_only): escaped as the Markup's formatting escapes it."""
        node = self.generic_visit(node)
        if self.as_text:
            node.nodes = [part for child in node.nodes for part in _as_text(child)]
        return node

    def visit_Call(self, node: nodes.Call):
        node = self.generic_visit(node)
        keys = [k.key for k in node.kwargs]
        if not (isinstance(node.node, nodes.Name) and node.node.name in GETTEXT and len(node.args) == 1
                and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
                and node.dyn_args is None and node.dyn_kwargs is None and len(set(keys)) == len(keys)
                and not set(keys) & {"__context", "__string"}):
            return node   # a repeated keyword, or one named as gettext's own parameters, is left for Python
                          # to refuse, as it refuses the call
        text = self.gettext(node.args[0].value)
        if node.kwargs:
            variables = nodes.Dict([nodes.Pair(nodes.Const(k.key), k.value) for k in node.kwargs])
            made = nodes.Mod(_safe_as_gettext(text), variables)
        else:
            try:
                text %= {}  # as gettext formats it; a string it would fail on is left to fail there
            except (KeyError, ValueError, TypeError):
                return node
            made = _safe_as_gettext(text)
        return made.set_lineno(node.lineno)
