"""The templates of a build, loaded and checked before any page is rendered: each language's catalog
and Jinja2 environment, and every template compiled, so that each one that cannot be (and each
broken catalog) is reported in the same run as the content's problems, not only the first that a
page happens to render."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import jinja2

from . import catalogs, templating
from .incremental import Memo


class Templates(NamedTuple):
    digest: str         # templating.templates_digest: what a page's inputs name of the templates
    translations: dict  # language code -> its interface strings (templating.translations)
    envs: dict          # language code -> its Jinja2 environment


THEME_PAGES = ("index.html", "event.html")   # the page templates no site can do without


def not_a_theme(templates: Path, built: str) -> str | None:
    """Why the folder cannot be a theme, or None. Checked before it is read: every file under a theme is
    read and each .html compiled, and --templates ~ (or a built site) was read for minutes. built: the
    name of the record a folder the tool built holds (outfolder.MARKER)."""
    if not templates.is_dir():
        return "no templates folder here (use --templates)"
    if os.path.lexists(templates / built):
        return f"a site this tool built ({built} is its record), not a theme (use --templates)"
    if not any(os.path.isfile(templates / name) for name in THEME_PAGES):
        return f"not a theme: it has none of the page templates ({', '.join(THEME_PAGES)}, ...) at its top " \
               "(use --templates)"
    return None


def load(templates: Path, codes: list, memo: Memo, keep_compiled: bool) -> tuple[Templates | None, list[Exception]]:
    """The templates for each language in codes, and the problems found (catalogs.CatalogError,
    templating.TemplateProblem): the templates are None if one of them is a broken catalog."""
    problems: list[Exception] = []
    translations = {}
    for code in codes:
        try:
            translations[code] = templating.translations(templates, code)
        except catalogs.CatalogError as exc:
            if all(str(exc) != str(seen) for seen in problems):   # zh-Hans and zh may share a catalog
                problems.append(exc)
    if problems:   # no environment without its catalogs: the templates' syntax is still checked
        bare = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.abspath(templates)),
                                  extensions=["jinja2.ext.i18n"])
        return None, problems + _uncompiled(bare, parse_only=True)
    digest = templating.templates_digest(templates)
    envs = {code: templating.environment(templates, memo, digest, keep_compiled, code) for code in codes}
    seen = set()
    for env in envs.values():
        for problem in _uncompiled(env):
            if (problem.path, problem.line, problem.message) not in seen:  # the same in every language
                seen.add((problem.path, problem.line, problem.message))
                problems.append(problem)
    return Templates(digest, translations, envs), problems


def _uncompiled(env: jinja2.Environment, parse_only: bool = False) -> list[templating.TemplateProblem]:
    """Each page template and partial of env (.html, not the static files: copied as they are) whose
    text does not compile (parse_only: whose syntax is wrong), with its file and line."""
    problems = []
    for name in env.list_templates(filter_func=templating.is_template):
        try:
            if parse_only:
                source, filename, _ = env.loader.get_source(env, name)
                env.parse(source, name, filename)
            else:
                env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(templating.TemplateProblem(exc.filename or exc.name or name, exc.lineno, exc.message))
        except UnicodeDecodeError as exc:
            problems.append(templating.TemplateProblem(name, exc.object[:exc.start].count(b"\n") + 1, "not UTF-8 text"))
        except (jinja2.TemplateNotFound, OSError):
            pass   # there, but no text file (a broken link, a pipe): an error if a page uses it (templating.render)
    return problems


def where(exc: Exception, templates: Path) -> tuple:
    """A problem of the templates (found here, or while rendering) as a diagnostic's path, line, field
    and message; the path from the working folder where it is inside it."""
    if isinstance(exc, catalogs.CatalogError):
        return _shorten(os.path.abspath(exc.path), templates), exc.line, None, exc.message
    if isinstance(exc, templating.TemplateProblem):
        return _shorten(exc.path, templates), exc.line, None, f"template error: {exc.message}"
    return str(templates), None, None, f"template error: {exc}"


def _shorten(path: str, templates: Path) -> str:
    """path (a template's name: relative to templates) from the working folder."""
    p = Path(path)
    if not p.is_absolute():
        p = templates / p
    try:
        return str(p.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)
