"""The theme's Jinja2 environment: templates, filters, static files, and template errors with their line."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import weakref
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import nodes

from . import calls, catalogs, compiled, escaping, jsonld, macros, maps, places, pretranslate, printview, yamlfile
from .catalogs import N_
from .incremental import Memo, Stage, digest
from .index import language_name

# The languages an event's names are given in (index.LANGUAGE_NAMES), for the catalogs.
LANGUAGE_NAMES = (N_("Chinese"), N_("Russian"), N_("Mongolian"), N_("Latin"), N_("Japanese"), N_("French"),
                  N_("English"), N_("Kazakh"), N_("Uyghur"), N_("Manchu"))

ENVIRONMENTS = Stage("templating.env", saved=False)   # (templates folder, language) -> jinja2.Environment
# What a theme's templates do (give gettext a meaning, show a variable as it is) depends on their text
# alone: learnt once for a theme, not by parsing its templates again in every build.
FACTS = Stage("templating.facts")   # (templates folder, question, ...) -> the answer


class TemplateProblem(Exception):
    """A template failed to load or render; carries file and line for the message."""

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def __reduce__(self):  # so that it travels from the second rendering process intact
        return TemplateProblem, (self.path, self.line, self.message)


class _Environment(jinja2.Environment):
    """Compiles each template for one language: its constant interface strings translated in (see
    pretranslate), by the catalog in `texts`; each value shown through escaped() (see escaping) and
    each macro or function called through calls.Context: Jinja2's pages, made with less of its overhead."""
    texts, as_text = None, False
    code_generator_class = escaping.CodeGenerator
    context_class = calls.Context
    escaped = staticmethod(escaping.escaped)

    def _parse(self, source, name, filename):
        # Jinja2's one step between parsing a template and generating its code (compile() calls it);
        # it has no public hook there.
        tree = super()._parse(source, name, filename)
        if self.texts is not None:
            tree = pretranslate.constants(tree, self.texts.gettext, self.as_text)
            tree.set_environment(self)
        return tree

    def make_globals(self, d):
        # Flat, where Jinja2 chains the template's globals over the environment's: every import a page
        # makes compares its own globals with the imported template's, a slow generic set difference
        # over a ChainMap (a twentieth of an event page). Jinja2 allows no change to the globals once a
        # template is loaded, so the flat copy is the same map.
        return {**self.globals, **(d or {})}


def templates_digest(templates: Path) -> str:
    """A digest of every file under the theme's folder: its path and its bytes."""
    # Each file by its own digest: the bytes of a large asset are not copied into one long string.
    return digest(*(part for path, data in _theme_files(templates) for part in (path, hashlib.sha1(data).hexdigest())))


def _theme_files(templates: Path, skip: tuple = ()):
    """(path, bytes) of every file under the theme's folder, in order; skip: folders of it left out.
    Linked folders are entered (Jinja2 reads templates through them), each folder once, but not in
    static/, whose files are published only from real folders (see static_files)."""
    seen, static = set(), os.path.join(templates, "static")
    for dirpath, dirnames, filenames in os.walk(templates, followlinks=True):
        inside = dirpath == static or dirpath.startswith(static + os.sep)
        dirnames[:] = sorted(d for d in dirnames if (dirpath != str(templates) or d not in skip)
                             and not (inside and os.path.islink(os.path.join(dirpath, d)))
                             and _first_visit(os.path.join(dirpath, d), seen))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                # Opened without waiting: a named pipe among the templates must not hang the build
                # (rendering reports it); only a regular file's bytes are read.
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
                with open(fd, "rb") as handle:
                    st = os.fstat(fd)
                    data = b"not a file" if not stat.S_ISREG(st.st_mode) else handle.read() \
                        if st.st_size <= MAX_STATIC_BYTES else f"too large {st.st_size}".encode()  # see static_files
            except OSError as exc:  # a broken link or a link loop: rendering reports it
                data = f"unreadable {exc.errno}".encode()
            yield path, data


def _first_visit(folder: str, seen: set) -> bool:
    try:
        st = os.stat(folder)
    except OSError:
        return False
    if (st.st_dev, st.st_ino) in seen:   # a link back to a folder walked already: no endless walk
        return False
    seen.add((st.st_dev, st.st_ino))
    return True


@lru_cache(maxsize=None)
def _compile_step() -> str:
    """The engine's code that compiles templates: part of the key of every compiled template kept."""
    return digest(*(Path(module.__file__).read_bytes() for module in (pretranslate, escaping, sys.modules[__name__])))


def translations(templates: Path, code: str):
    """A language's interface strings: the theme's catalog (<templates>/locale), then the engine's;
    English as written where neither has one. A broken .po file raises catalogs.CatalogError."""
    theme = catalogs.load(os.path.join(templates, "locale"), code)
    theme.add_fallback(catalogs.engine(code))
    return theme


def environment(templates: Path, memo: Memo, inputs: str, keep_compiled: bool = True,
                code: str = "en") -> jinja2.Environment:
    """The theme's Jinja2 environment for one language (code), with its catalog installed; made again
    only when a file of the theme changes (inputs: its templates_digest, which covers the .po files).
    keep_compiled=False: nothing is written to disk."""
    # Every file, static/ too: a template may extend or include one from there.
    how = memo.get(FACTS, (str(templates), "translations compiled"), inputs, lambda: pretranslate.how(
        data.decode("utf-8", "replace") for _, data in _theme_files(templates)))
    env = memo.get(ENVIRONMENTS, (str(templates), keep_compiled, code), inputs,
                   lambda: _make(templates, keep_compiled, code, how))
    _THEMES[env] = (weakref.ref(memo), str(templates), inputs)   # weak: a preview's memo holds env
    return env


def _make(templates: Path, keep_compiled: bool, code: str, how: str) -> jinja2.Environment:
    """how: pretranslate.how's answer for the theme."""
    texts = translations(templates, code)
    salt = digest(code, catalogs.digest(texts), _compile_step(), how)
    env = _Environment(
        loader=jinja2.FileSystemLoader(os.path.abspath(templates)),   # file names in messages: see templatecheck.where
        # Compiled templates are kept between runs: compiling the theme took 0.2 s of a 0.6 s build.
        bytecode_cache=compiled.writable(salt) if keep_compiled else compiled.read_only(salt),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,   # every template kept, in a dict: Jinja2's LRU reordered a list at each import
        extensions=["jinja2.ext.i18n"],
    )
    # {% trans %} and _() show the English as written until a language's catalog is installed.
    env.install_null_translations(newstyle=True)
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)
    env.filters["language_name"] = language_name
    printview.register(env, code)
    maps.register(env)
    env.globals.update(json_ld_site=jsonld.website, json_ld_event=jsonld.event)
    env.filters["json_ld_place"] = jsonld.place   # what meta.html used before jsonld.py made it all
    env.install_gettext_translations(texts, newstyle=True)
    env.texts, env.as_text = (None if how == pretranslate.AS_WRITTEN else texts), how == pretranslate.AS_TEXT
    # Places and languages named in the page's language.
    env.filters["place_names"] = lambda found: places.names(found, code)
    env.filters["place_parts"] = lambda found: places.parts(found, code)
    env.filters["language_name"] = lambda name: texts.gettext(language_name(name))
    env.filters["long_date"] = macros.long_date
    # partials/macros.html exports these under its macros' names (see macros).
    env.globals.update(theme_list=macros.theme_list, date_tag=macros.date_tag, english=macros.english,
                       marked=macros.marked(env.getitem), place_names=macros.placed(code))
    return env


MAX_STATIC_BYTES = 100 * 2**20  # a theme's asset larger than this is a mistake (a sparse file, a dump)


def static_files(templates: Path, report=None) -> dict[str, bytes]:
    """The theme's static assets, path -> bytes: regular files only, and a link only to a file inside
    the theme (a link out of it, to /etc/passwd say, must not be published; a pipe would block).
    A file over MAX_STATIC_BYTES is left out, and an error for it added to report."""
    folder = os.path.realpath(templates / "static")
    files = {}
    if not os.path.isdir(folder):
        return files
    theme = os.path.realpath(templates) + os.sep
    for dirpath, dirnames, filenames in os.walk(folder):  # does not enter linked folders
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            real = os.path.realpath(path)
            if name.startswith(".") or not real.startswith(theme) or not os.path.isfile(real):
                continue
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            size = os.stat(real).st_size
            if size > MAX_STATIC_BYTES:
                if report is not None:
                    report.error(str(templates / "static" / rel), None, None, f"cannot read: {size:,} bytes, "
                                 f"more than the {MAX_STATIC_BYTES // 2**20} MB a static file may have")
                continue
            with open(real, "rb") as handle:
                files["static/" + rel] = handle.read(MAX_STATIC_BYTES + 1)
    return dict(sorted(files.items()))


# Where a template's output is not simply the concatenation of what its {{ }} show.
_CAPTURING = (nodes.FilterBlock, nodes.AssignBlock, nodes.Macro, nodes.CallBlock)   # output not shown as made
_INDIRECT = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport, *_CAPTURING)
_THEMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # environment -> (its memo, folder, theme digest)


def _known(env: jinja2.Environment, check: str, name: str, key: str, answer) -> bool:
    memo, folder, theme = _THEMES.get(env) or (lambda: None, "", "")
    return (memo() or Memo()).get(FACTS, (folder, check, name, key), theme, answer)


def shows_as_is(env: jinja2.Environment, name: str, key: str) -> bool:
    """Whether template `name` uses the variable `key` only to show it as it is ({{ key }}: never
    filtered, tested or passed on, and no other template, macro or filtered block sees it), so that
    each place the template shows it holds exactly its text. False when in doubt."""
    return _known(env, "as is", name, key, lambda: _as_is(env, name, key))


def _as_is(env: jinja2.Environment, name: str, key: str) -> bool:
    try:
        tree = env.parse(env.loader.get_source(env, name)[0])
        shown = {id(n) for out in tree.find_all(nodes.Output) for n in out.nodes if isinstance(n, nodes.Name)}
        return not any(tree.find_all(_INDIRECT)) and all(
            id(n) in shown and n.ctx == "load" for n in tree.find_all(nodes.Name) if n.name == key)
    except (jinja2.TemplateError, OSError, TypeError, AttributeError):
        return False  # rendered the plain way, which reports the problem with its line


def shows_items_as_is(env: jinja2.Environment, name: str, key: str) -> bool:
    """Whether page template `name` shows each item of the list `key` only as it is: its one use of key
    is `{% for x in key %}`, whose body shows x bare ({{ x }}: never filtered, tested, passed on, or
    reached through `loop`); no template it extends captures or filters output (a block's) or names
    `self`; no template it extends or includes names key. False when in doubt."""
    def answer() -> bool:
        try:
            return _items_as_is(env, name, key)
        except (jinja2.TemplateError, OSError, TypeError, AttributeError):
            return False
    return _known(env, "items", name, key, answer)


def _items_as_is(env: jinja2.Environment, page: str, key: str) -> bool:
    todo, seen = [(page, True)], set()
    while todo:
        name, extended = todo.pop()       # extended: the page template or one it extends
        if name in seen:
            continue
        seen.add(name)
        tree = env.parse(env.loader.get_source(env, name)[0])
        loops = [f for f in tree.find_all(nodes.For) if isinstance(f.iter, nodes.Name) and f.iter.name == key]
        names = list(tree.find_all(nodes.Name))
        if any(n.name == "self" for n in names) or extended and any(tree.find_all(_CAPTURING)) or \
                {id(n) for n in names if n.name == key} != {id(f.iter) for f in loops if name == page} or \
                not all(_bare_loop(f) for f in loops):
            return False
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            if not isinstance(node.template, nodes.Const) or not isinstance(node.template.value, str):
                return False
            if isinstance(node, (nodes.Extends, nodes.Include)) or node.with_context:
                todo.append((node.template.value, extended and isinstance(node, nodes.Extends)))
    return True


def _bare_loop(loop: nodes.For) -> bool:
    """{% for x in ... %} (no test, not recursive) whose body names x only in {{ x }}, not loop, and
    includes or imports nothing (an included template sees x)."""
    if not isinstance(loop.target, nodes.Name) or loop.test is not None or loop.recursive:
        return False
    item = loop.target.name
    body, rest = _all_nodes(loop.body), _all_nodes(loop.else_)
    shown = {id(n) for out in body if isinstance(out, nodes.Output) for n in out.nodes}
    return not any(isinstance(n, _INDIRECT) for n in body) and \
        all(n.name != "loop" and (n.name != item or id(n) in shown and n.ctx == "load")
            for n in body if isinstance(n, nodes.Name)) and \
        not any(isinstance(n, nodes.Name) and n.name in ("loop", item) for n in rest)


def _all_nodes(statements: list) -> list:
    return [n for node in statements for n in (node, *node.find_all(nodes.Node))]


def is_template(name: str) -> bool:
    """A page template or partial of the theme (static files are copied as they are, never compiled)."""
    return name.endswith(".html") and not name.startswith("static/")


def render(env: jinja2.Environment, name: str, context: dict) -> str:
    """One template rendered, or TemplateProblem naming the file and line at fault."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(exc.filename or exc.name or name, exc.lineno, exc.message) from None
    except jinja2.TemplateNotFound as exc:
        raise _not_found(env, exc.name, _location(exc, name)) from None
    except (TemplateProblem, catalogs.CatalogError):
        raise   # a template this one renders (a fragment), already placed
    except RecursionError as exc:   # an include or a macro that calls itself without end
        raise TemplateProblem(*_location(exc, name), "a template includes itself or a macro calls itself "
                                                     "without end") from None
    except Exception as exc:  # noqa: BLE001 - whatever a template does wrong is the theme's error, with its line
        raise TemplateProblem(*_location(exc, name), f"{type(exc).__name__}: {exc}") from None


def _not_found(env, name: str, where: tuple) -> TemplateProblem:
    """A template Jinja2 did not find: missing, or there but not a file it can read (a named pipe, a
    folder, a broken link), which Jinja2 calls missing too; where: the file and line that asked for it."""
    for folder in getattr(env.loader, "searchpath", []):
        path = os.path.join(folder, name)
        if os.path.lexists(path):
            try:
                yamlfile.read_text(path)
            except yamlfile.InputError as exc:
                return TemplateProblem(name, None, exc.message)
    return TemplateProblem(*where, f"template not found: {name}")


def _location(exc: Exception, fallback: str):
    """The file and line for the message: the innermost template frame in the traceback; for endless
    recursion, the line that goes round again (the include or the call before the first repeat)."""
    tb, found = exc.__traceback__, [(fallback, None)]
    while tb is not None:
        scope = tb.tb_frame.f_globals
        if "__jinja_exception__" in scope:   # the frames Jinja2 puts in: the template's file and line
            path = tb.tb_frame.f_code.co_filename
            found.append((fallback if path.startswith("<") else path, tb.tb_lineno))
        elif scope.get("__jinja_template__") is not None:
            template = scope["__jinja_template__"]
            found.append((template.filename or fallback, template.get_corresponding_lineno(tb.tb_lineno)))
        tb = tb.tb_next
    if isinstance(exc, RecursionError):
        for i, place in enumerate(found):
            if place in found[:i]:
                return found[i - 1]
    return found[-1]
