"""gettext catalogs: the interface strings of the theme and the engine in each language.

The ecosystem's convention: strings are marked in the templates ({% trans %}, {{ _("...") }}) and in
Python (N_("...")), extracted with Babel (babel.cfg at the project's root: `pybabel extract -F babel.cfg
-o messages.pot .`), translated in .po files, and compiled here at build time, in memory: no .mo file is
kept in git or written anywhere.

Where the catalogs live:
    <theme>/locale/<locale>/LC_MESSAGES/messages.po     the templates' strings
    timeline/locale/<locale>/LC_MESSAGES/timeline.po    the engine's own (date phrases)
<locale> is Babel's form of the language code: zh_Hans for zh-Hans.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import string
from functools import lru_cache

from . import incremental
from .dateforms import FORMAT

ENGINE_LOCALE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
ENGINE_DOMAIN = "timeline"
THEME_DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a message for extraction without translating it (gettext's convention)."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with plural forms for extraction: the pair to give ngettext with the count."""
    return singular, plural


class CatalogError(Exception):
    """A .po file that cannot be read: its path, line and why."""

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


def locale_of(code: str) -> str:
    """Babel's and gettext's folder name for a BCP 47 code: zh-Hans -> zh_Hans."""
    return code.replace("-", "_")


def po_path(folder: str, code: str, domain: str = THEME_DOMAIN) -> str:
    return os.path.join(folder, locale_of(code), "LC_MESSAGES", f"{domain}.po")


# A line of a .po file: a comment, a keyword and its quoted text, or more of the text, quoted.
_PO_LINE = re.compile(r'\s*(?:#.*|(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*")?\s*')


def read_catalog(path: str, code: str):
    """The babel Catalog of one .po file, or CatalogError with the line."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with open(path, "rb") as handle:
            data = handle.read()
        _check_lines(path, data.decode("utf-8"))
        catalog = read_po(io.BytesIO(data), locale=locale_of(code), abort_invalid=True)
        for message, errors in catalog.check():   # Babel's checkers: placeholders, plural forms
            if errors:
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                raise CatalogError(path, message.lineno, f'the translation of "{msgid[:50]}": {errors[0]}')
        return catalog
    except PoFileError as exc:
        raise CatalogError(path, getattr(exc, "lineno", None), str(exc)) from None
    except UnicodeDecodeError as exc:
        raise CatalogError(path, data[:exc.start].count(b"\n") + 1, "not UTF-8 text") from None
    except (OSError, ValueError) as exc:
        raise CatalogError(path, None, f"cannot read: {exc}") from None


# More plural forms than any language has: Babel makes a list of this many for every message.
MAX_PLURALS = 10


def _check_lines(path: str, text: str) -> None:
    """Babel reads a text without its quotes (or its closing one) as if they were there, dropping a
    character at each end: such a line is an error here, as is a header's count of plural forms
    beyond any language's."""
    for n, line in enumerate(text.split("\n"), 1):   # gettext's lines: a U+2028 in a text is no line break
        if not _PO_LINE.fullmatch(line.rstrip("\r")):
            raise CatalogError(path, n, "not a comment, nor a keyword and its text in double quotes: "
                                        + line.strip()[:60])
        plurals = _NPLURALS.search(line) if "nplurals" in line and not line.lstrip().startswith("#") else None
        if plurals and not 1 <= int(plurals[1]) <= MAX_PLURALS:
            raise CatalogError(path, n, f"Plural-Forms: nplurals={plurals[1][:20]}: a language has 1 to "
                                        f"{MAX_PLURALS} plural forms")


_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def compile_catalog(catalog, path: str = "") -> gettext.GNUTranslations:
    """A catalog compiled to gettext's form in memory (fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    try:
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    except (ValueError, SyntaxError, OverflowError, RecursionError) as exc:   # the Plural-Forms header's formula
        raise CatalogError(path, _line_of(path, '"Plural-Forms:'), f"Plural-Forms: {exc}") from None


def _line_of(path: str, start: str) -> int | None:
    """The number of the first line of the file at path that begins with start."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return next((n for n, line in enumerate(handle, 1) if line.startswith(start)), None)
    except OSError:
        return None


def load(folder: str, code: str, domain: str = THEME_DOMAIN) -> gettext.NullTranslations:
    """The compiled catalog of a language; NullTranslations (English as written) when there is none.
    zh-Hans falls back to zh when only a zh catalog exists."""
    for candidate in (code, code.split("-")[0]):
        path = po_path(folder, candidate, domain)
        if os.path.isfile(path):
            catalog = read_catalog(path, candidate)
            if domain == ENGINE_DOMAIN:
                _check_fields(catalog, path)
            return compile_catalog(catalog, path)
    return gettext.NullTranslations()


# The names an engine phrase is given beside those its English writes: a century as a number too.
GIVEN_TOO = {"{ordinal} century": {"number", "roman"}}


def _check_fields(catalog, path: str) -> None:
    """The engine formats its phrases with str.format: a translation may write only the names its English
    does, bare or (a date) in the format context, "{date:format}"; anything else would stop the build
    where the phrase is first written, far from its line here."""
    for message in catalog:
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        if not message.id or "{" not in "".join(ids) or message.fuzzy:
            continue
        given = {name for text in ids for name in _fields(text)} | GIVEN_TOO.get(ids[0], set())
        for text in filter(None, strings):
            try:
                fields = list(string.Formatter().parse(text))
            except ValueError as exc:
                raise CatalogError(path, message.lineno, f'the translation of "{ids[0][:50]}": {exc} '
                                                         '(a brace in the text is written {{ or }})') from None
            for _text, name, spec, conversion in fields:
                if name is None:
                    continue
                if name not in given or conversion or spec and (name, spec) != ("date", FORMAT):
                    said = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
                    raise CatalogError(path, message.lineno, f'the translation of "{ids[0][:50]}" writes {said}: '
                                       f'it may write {_allowed(given)}')


def _fields(text: str) -> set:
    try:
        return {name for _text, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return set()


def _allowed(given: set) -> str:
    return ", ".join("{" + name + "}" + (" or {date:format}" if name == "date" else "") for name in sorted(given))


def digest(translations: gettext.NullTranslations) -> str:
    """What a catalog and those it falls back to translate, as one digest: templates are compiled with
    their strings translated in, and kept by it."""
    tables = []
    while translations is not None:
        # gettext's own fields: the message table (none in NullTranslations) and the next catalog.
        tables.append(sorted(getattr(translations, "_catalog", {}).items(), key=repr))
        translations = getattr(translations, "_fallback", None)
    return incremental.digest(*tables)


@lru_cache(maxsize=None)
def map_words(code: str) -> dict:
    """The map's data in a language: {"areas": {...}, "borders": {...}}, each English text of
    timeline/areas.json and timeline/borders.yaml -> its translation, from
    timeline/locale/<locale>/map.yaml (data, not messages: gettext's tools would drop them as obsolete)."""
    import yaml

    for candidate in (code, code.split("-")[0]):
        path = os.path.join(ENGINE_LOCALE, locale_of(candidate), "map.yaml")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                data = yaml.safe_load(handle) or {}
            return {section: dict(data.get(section) or {}) for section in ("areas", "borders")}
    return {"areas": {}, "borders": {}}


@lru_cache(maxsize=None)
def engine(code: str) -> gettext.NullTranslations:
    """The engine's own catalog for a language (date phrases), compiled once per process."""
    return load(ENGINE_LOCALE, code, ENGINE_DOMAIN)


def install(env, translations: gettext.NullTranslations) -> None:
    """Give a Jinja environment the i18n extension and a language's catalog ({% trans %}, _(),
    gettext(), ngettext() in its templates; new-style, so placeholders are escaped and %(name)s is
    formatted by the call)."""
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(translations, newstyle=True)


def extract_templates(folder: str):
    """(file, line, msgid) of every translatable string in the templates of a folder, with Babel's
    Jinja2 extractor as babel.cfg configures it."""
    from babel.messages.extract import extract_from_dir

    method_map = [("**.html", "jinja2"), ("**.xml", "jinja2")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}, "**.xml": {"extensions": "jinja2.ext.i18n"}}
    found = []
    for filename, line, message, _comments, _context in extract_from_dir(folder, method_map, options):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.append((filename, line, msgid))
    return sorted(found)


# The markers of the engine's messages, as pybabel's -k options give them (babel.cfg).
PYTHON_KEYWORDS = {"N_": None, "_": None, "gettext": None, "NP_": (1, 2), "ngettext": (1, 2)}


def extract_python(path: str):
    """(file, line, msgid) of every N_()/_() message in a Python file."""
    from babel.messages.extract import extract_python as extract

    with open(path, "rb") as handle:
        found = [(os.path.basename(path), line, message[0] if isinstance(message, tuple) else message)
                 for line, _func, message, _comments in extract(handle, PYTHON_KEYWORDS, [], {})
                 if (message[0] if isinstance(message, tuple) else message)]
    return sorted(found)


def untranslated(messages, folder: str, codes, domain: str = THEME_DOMAIN) -> list[str]:
    """'file:line: language: no translation of "msgid"' for each extracted message that a configured
    language's catalog lacks (or has only as fuzzy); a language without a catalog lacks them all."""
    problems = []
    for code in codes:
        path = po_path(folder, code, domain)
        catalog = read_catalog(path, code) if os.path.isfile(path) else None
        for filename, line, msgid in messages:
            entry = catalog.get(msgid) if catalog is not None else None
            if entry is None or entry.fuzzy or not (entry.string if isinstance(entry.string, str)
                                                    else all(entry.string)):
                problems.append(f"{filename}:{line}: {code}: no translation of \"{msgid}\"")
    return problems
