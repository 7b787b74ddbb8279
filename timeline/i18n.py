"""The site's languages and its translations: read, checked against the English, and frozen for the
renderer.

`languages:` in site.yaml lists every language the site is published in; the one named by
`language:` is the default, published at the root, the others under their own `path/`. The texts of a
language other than the default live in site_src/translations/<code>/:

    events/<event-id>.yaml   title, summary, body (nothing else: dates, themes, places and sources
                             belong to the event, whatever the language; places.yaml names each
                             place in every language)
    pages/<slug>.md          front matter (title, description) and the Markdown body
    site.yaml                title, subtitle, themes: {id: {label, description}}, eras: {id: {label, intro}}
    glossary/*.yaml          English term: the form every translation of a text using it must contain

A translation says what the English says: the same citation keys in the same groups and order (it may
not add or drop a claim), and a glossary term of the English text in its agreed form. A translation
of an unknown event, page, theme or field is an error; a text not yet translated is a warning (the
page will show the English). Adding a language is an entry in site.yaml plus its folder: nothing here
names a language.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from types import MappingProxyType

from . import yamlfile
from .content import RESERVED_PAGES
from .citations import iter_citations
from .diagnostics import Report, excerpt, suggest
from .markup import MAX_NESTING, RAW_HTML, too_deep

LANGUAGE_FIELDS = {"code", "path", "name", "timelinejs", "csl"}
EVENT_FIELDS = ("title", "summary", "body")
PAGE_FIELDS = ("title", "description")
SITE_FIELDS = {"title", "subtitle", "themes", "eras"}
THEME_FIELDS = {"label", "description"}
ERA_FIELDS = {"label", "intro"}
GLOSSARY_FIELDS = ("title", "summary", "body")   # the fields the glossary holds a translation to

CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
PATH = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIMELINEJS = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")
STYLE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Folders at the root of the output that a language's path may not take.
# A language's folder may not be one the site's own pages or exports use.
RESERVED_PATHS = RESERVED_PAGES | {"page"}


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


@dataclass(frozen=True)
class EventText:
    """One event's translated fields ("" where the English shows instead)."""
    title: str = ""
    summary: str = ""
    body: str = ""
    path: str = ""
    lines: MappingProxyType = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)


@dataclass(frozen=True)
class PageText:
    title: str
    body: str
    description: str = ""
    path: str = ""
    body_line: int = 1


@dataclass(frozen=True)
class SiteText:
    title: str = ""
    subtitle: str = ""
    themes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))   # id -> {label, description}
    eras: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))     # id -> {label, intro}


@dataclass(frozen=True)
class Coverage:
    events: int
    of_events: int
    bodies: int
    of_bodies: int
    pages: int
    of_pages: int
    labels: int
    of_labels: int


@dataclass(frozen=True)
class LanguageTexts:
    """Everything translated into one language, frozen: what the renderer reads for its pages."""
    language: Language
    site: SiteText
    events: MappingProxyType       # event id -> EventText
    pages: MappingProxyType        # page slug -> PageText
    glossary: MappingProxyType     # English term -> agreed form
    coverage: Coverage

    def coverage_line(self) -> str:
        c = self.coverage
        return (f"{self.language.code}: {c.events}/{c.of_events} events, {c.bodies} bodies of {c.of_bodies}, "
                f"{c.pages}/{c.of_pages} pages, {c.labels}/{c.of_labels} labels")


@dataclass(frozen=True)
class Languages:
    """The site's languages, the default first, and the texts of each other one."""
    languages: tuple[Language, ...]
    texts: MappingProxyType        # code -> LanguageTexts (the default language has none)

    @property
    def default(self) -> Language:
        return self.languages[0]


# ----------------------------------------------------------------------------------------------------
# Reading YAML with lines


def _rel(path) -> str:
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def _parse(path, report: Report, memo: dict | None = None):
    """The Located document, or None with the problem reported. memo: the build cache's dict of
    parsed files (path -> ((size, mtime, ctime), parsed)), shared with the content loader."""
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
        report.error(_rel(path), parsed.line, None, parsed.message, column=parsed.column)
        return None
    for key_name, line in parsed.duplicate_keys():
        report.error(_rel(path), line, key_name, "key given twice (the second would silently win)")
    return parsed


def _kind(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{excerpt(value)}'"


def _text(value, report: Report, rel: str, line, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, dict, list)):
        report.error(rel, line, name, f"expected text, got {_kind(value)}")
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


def load_languages(src, report: Report, default_code: str = "en", page_slugs=()) -> tuple[Language, ...]:
    """The languages of site.yaml, the default first; without `languages:` the default alone.
    Problems go to report with site.yaml's lines; what is usable is returned all the same."""
    path = os.path.join(src, "site.yaml")
    rel = _rel(path)
    doc = _parse(path, report)
    fallback = (Language(default_code, "", default_code, default_code.lower(), "", True),)
    if doc is None or not isinstance(doc.data, dict):
        return fallback
    raw = doc.data.get("languages")
    if raw is None:
        return fallback
    if not isinstance(raw, list) or not raw:
        report.error(rel, doc.line("languages"), "languages", f"expected a list of languages, got {_kind(raw)}")
        return fallback
    found: list[Language] = []
    codes: dict[str, int] = {}
    paths: dict[str, tuple[str, int]] = {}
    slugs = set(page_slugs)
    for i, item in enumerate(raw):
        where = f"languages[{i}]"
        line = doc.line("languages", i)
        if not isinstance(item, dict):
            report.error(rel, line, where, f"expected a mapping (code, path, name, timelinejs, csl), got {_kind(item)}")
            continue
        for key in item:
            if key not in LANGUAGE_FIELDS:
                report.error(rel, doc.line("languages", i, key), f"{where}.{key}",
                             f"unknown field{suggest(key, LANGUAGE_FIELDS)}")
        at = {k: doc.line("languages", i, k) for k in LANGUAGE_FIELDS}
        code = _text(item.get("code"), report, rel, at["code"], f"{where}.code")
        if not code:
            report.error(rel, line, f"{where}.code", "missing required field 'code' (a language code such as zh-Hans)")
            continue
        if not CODE.match(code) or not _known_locale(code):
            report.error(rel, at["code"], f"{where}.code",
                         f"unknown language code '{excerpt(code)}' (a BCP 47 code that Babel knows, such as "
                         "en, zh-Hans or ru)")
            continue
        if code in codes:
            report.error(rel, at["code"], f"{where}.code", f"language '{code}' listed twice (first at line {codes[code]})")
            continue
        codes[code] = at["code"]
        default = code == default_code
        lang_path = _text(item.get("path"), report, rel, at["path"], f"{where}.path").strip("/")
        if default and lang_path:
            report.error(rel, at["path"], f"{where}.path",
                         f"'{code}' is the default language (site.yaml language:), published at the site's root: "
                         "leave its path out")
            lang_path = ""
        elif not default:
            if not lang_path:
                report.error(rel, line, f"{where}.path", f"'{code}' needs a path, the folder its pages go in (e.g. "
                                                         f"{code.split('-')[0].lower()})")
            elif not PATH.match(lang_path):
                report.error(rel, at["path"], f"{where}.path",
                             f"'{excerpt(lang_path)}' is not a folder name (lower-case letters, digits, hyphens)")
            elif lang_path in paths:
                report.error(rel, at["path"], f"{where}.path",
                             f"path '{lang_path}' is already '{paths[lang_path][0]}''s (line {paths[lang_path][1]})")
            elif lang_path in RESERVED_PATHS or lang_path in slugs:
                what = "a page's" if lang_path in slugs else "the site's own"
                report.error(rel, at["path"], f"{where}.path", f"'{lang_path}' is {what} folder; choose another path")
            else:
                paths[lang_path] = (code, at["path"])
        name = _text(item.get("name"), report, rel, at["name"], f"{where}.name")
        if not name:
            report.error(rel, line, f"{where}.name", "missing required field 'name' (the language's name in itself, "
                                                     "for the language switcher)")
        tljs = _text(item.get("timelinejs"), report, rel, at["timelinejs"], f"{where}.timelinejs") or code.lower()
        if not TIMELINEJS.match(tljs):
            report.error(rel, at["timelinejs"], f"{where}.timelinejs",
                         f"'{excerpt(tljs)}' is not a TimelineJS locale such as en, zh-cn or ru")
        style = _text(item.get("csl"), report, rel, at["csl"], f"{where}.csl")
        if style and not STYLE.match(style):
            report.error(rel, at["csl"], f"{where}.csl",
                         f"'{excerpt(style)}' is not a CSL style name such as chicago-note-bibliography")
        found.append(Language(code, lang_path, name, tljs, style, default))
    if default_code not in codes:
        report.error(rel, doc.line("languages"), "languages",
                     f"the default language '{default_code}' (site.yaml language:) is not listed")
        return fallback + tuple(found)
    return tuple(sorted(found, key=lambda lang: not lang.default))


# ----------------------------------------------------------------------------------------------------
# Glossary


def load_glossary(folder, report: Report, memo: dict | None = None) -> dict[str, str]:
    """English term -> agreed form, from every glossary/*.yaml; a term agreed differently in two
    places is an error naming both."""
    terms: dict[str, tuple[str, str, int]] = {}
    for path in _files(folder, ".yaml", report):
        rel = _rel(path)
        doc = _parse(path, report, memo)
        if doc is None or doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            report.error(rel, doc.line(), None, f"expected a mapping of English terms to agreed forms, got "
                                                f"{_kind(doc.data)}")
            continue
        for en, agreed in doc.data.items():
            line = doc.line(en)
            if not isinstance(en, str) or not en.strip():
                report.error(rel, line, None, f"a glossary term must be text, got {_kind(en)}")
                continue
            if not isinstance(agreed, (str, int)) or isinstance(agreed, bool) or not str(agreed).strip() \
                    or "\n" in str(agreed):
                report.error(rel, line, en, f"the agreed form must be one line of text, got {_kind(agreed)}")
                continue
            agreed = str(agreed).strip()
            if en in terms and terms[en][0] != agreed:
                report.error(rel, line, en, f"agreed as '{excerpt(agreed)}' here but as '{excerpt(terms[en][0])}' "
                                            f"at {terms[en][1]}:{terms[en][2]}")
                continue
            terms.setdefault(en, (agreed, rel, line))
    return {en: value[0] for en, value in sorted(terms.items())}


class Glossary:
    """The terms with their patterns compiled once: a whole English word or phrase ("Manchuria" is not
    in "Manchurian"), and the agreed form in any case (Russian sentence starts and adjectives change
    only the first letter)."""

    def __init__(self, terms: dict[str, str]):
        self.terms = [(en, agreed, re.compile(rf"\b{re.escape(en)}\b"), agreed.lower()) for en, agreed in terms.items()]

    def missing(self, english: str, translation: str) -> list[tuple[str, str]]:
        """(term, agreed form) for each term of the English text whose agreed form the translation lacks."""
        english = " ".join(english.split())
        translation = " ".join(translation.split()).lower()
        return [(en, agreed) for en, agreed, pattern, low in self.terms
                if en in english and low not in translation and pattern.search(english)]


# ----------------------------------------------------------------------------------------------------
# Citations


def citation_groups(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """(offset, keys) of every citation group in Markdown text, in order."""
    groups: list[tuple[int, list[str]]] = []
    for offset, citation in iter_citations(text):
        if groups and groups[-1][0] == offset:
            groups[-1][1].append(citation.key)
        else:
            groups.append((offset, [citation.key]))
    return [(offset, tuple(keys)) for offset, keys in groups]


def _show(keys) -> str:
    return "[" + "; ".join(f"@{k}" for k in keys) + "]" if keys is not None else "nothing"


def compare_citations(english: str, translation: str) -> tuple[int | None, str] | None:
    """None when the translation cites as the English does; else (offset in the translation or None,
    what differs)."""
    ours, theirs = citation_groups(translation), citation_groups(english)
    if [k for _, k in ours] == [k for _, k in theirs]:
        return None
    for i in range(max(len(ours), len(theirs))):
        mine = ours[i] if i < len(ours) else None
        want = theirs[i] if i < len(theirs) else None
        if mine is None or want is None or mine[1] != want[1]:
            offset = mine[0] if mine else None
            return offset, (f"citation {i + 1} is {_show(mine and mine[1])} where the English has "
                            f"{_show(want and want[1])} (a translation carries the English citations, in the "
                            f"same groups and order)")
    return None  # unreachable: the lists differ somewhere


# ----------------------------------------------------------------------------------------------------
# The texts of one language


def _files(folder, suffix: str, report: Report) -> list[str]:
    try:
        names = os.listdir(folder) if os.path.isdir(folder) else []
    except OSError as exc:
        report.error(_rel(folder), None, None, f"cannot read the folder: {exc.strerror}")
        return []
    return [os.path.join(folder, n) for n in sorted(names) if n.endswith(suffix) and not n.startswith(".")]


def _field_lines(doc) -> dict:
    """The line of each top-level key, and where a literal block's text starts."""
    lines = dict(doc.top_lines())
    for key in ("summary", "body"):
        node = doc.value_node(key)
        if node is not None and getattr(node, "style", None) == "|":
            lines[f"{key}:text"] = node.start_mark.line + 2
    return lines


def _line_at(lines: dict, name: str, text: str, offset: int | None):
    block = lines.get(f"{name}:text")
    if block and offset is not None:
        return block + text.count("\n", 0, offset)
    return lines.get(name)


def _markdown_checks(report: Report, rel: str, lines: dict, name: str, text: str) -> None:
    deep = too_deep(text)
    if deep is not None:
        report.error(rel, _line_at(lines, name, text, deep), name,
                     f"Markdown nested more than {MAX_NESTING} levels deep (block quotes or lists)")
    raw = RAW_HTML.search(text)
    if raw:
        report.warning(rel, _line_at(lines, name, text, raw.start()), name,
                       f"raw HTML ('{excerpt(raw.group(0), 40)}') is not allowed in Markdown and is left out of the page")


def _read_event(path: str, english, glossary: Glossary, report: Report, memo) -> EventText | None:
    rel = _rel(path)
    doc = _parse(path, report, memo)
    if doc is None:
        return None
    data = doc.data
    if not isinstance(data, dict):
        report.error(rel, doc.line() or 1, None, f"expected a mapping of translated fields ({', '.join(EVENT_FIELDS)}), "
                                            f"got {'an empty file' if data is None else _kind(data)}")
        return None
    lines = _field_lines(doc)
    for key in data:
        if key not in EVENT_FIELDS:
            report.error(rel, lines.get(key), str(key), f"unknown field{suggest(key, EVENT_FIELDS)}: a translation "
                                                        f"has only {', '.join(EVENT_FIELDS)}")
    texts = {name: _text(data.get(name), report, rel, lines.get(name), name) for name in EVENT_FIELDS}
    for name in EVENT_FIELDS:
        theirs = getattr(english, name)
        mine = texts[name]
        if not mine:
            if theirs:
                report.warning(rel, lines.get(name, 1), name, f"not translated yet (the English {name} is shown)")
            continue
        if not theirs:
            report.error(rel, lines.get(name), name, f"the English event has no {name} to translate "
                                                     f"({english.path})")
            continue
        if name in ("summary", "body"):
            differs = compare_citations(theirs, mine)
            if differs is not None:
                report.error(rel, _line_at(lines, name, mine, differs[0]), name, differs[1])
            _markdown_checks(report, rel, lines, name, mine)
        if name in GLOSSARY_FIELDS:
            for en, agreed in glossary.missing(theirs, mine):
                report.error(rel, lines.get(name), name, f"the English says '{excerpt(en)}': the translation must "
                                                         f"use its agreed form '{excerpt(agreed)}' (glossary)")
    return EventText(texts["title"], texts["summary"], texts["body"], rel, MappingProxyType(lines))


def _split_page(text: str):
    """(front matter, body, line where the body starts), or None without front matter."""
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return None
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        return None
    return head, body, head.count("\n") + 4


def _read_page(path: str, english, report: Report) -> PageText | None:
    rel = _rel(path)
    try:
        split = _split_page(yamlfile.read_text(path))
    except yamlfile.InputError as exc:
        report.error(rel, exc.line, None, exc.message, column=exc.column)
        return None
    if split is None:
        report.error(rel, 1, "title", "a page needs YAML front matter with a title (---\\ntitle: ...\\n---)")
        return None
    head, body, body_line = split
    try:
        doc = yamlfile.parse(head)
    except yamlfile.YamlSyntaxError as exc:
        report.error(rel, exc.line + 1 if exc.line else None, None, exc.message)
        return None
    meta = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        report.error(rel, 2, None, f"expected front matter fields (title, description), got {_kind(doc.data)}")
    for key in meta:
        if key not in PAGE_FIELDS:
            report.error(rel, (doc.line(key) or 0) + 1, str(key), f"unknown field{suggest(key, PAGE_FIELDS)}: a "
                                                                  f"translated page has only title and description")
    title = _text(meta.get("title"), report, rel, (doc.line("title") or 0) + 1, "title")
    if not title:
        report.warning(rel, 2, "title", "not translated yet (the English title is shown)")
    differs = compare_citations(english.body, body)
    if differs is not None:
        offset = differs[0]
        report.error(rel, body_line + body.count("\n", 0, offset) if offset is not None else body_line, None, differs[1])
    _markdown_checks(report, rel, {"body": body_line}, "body", body)
    return PageText(title, body, _text(meta.get("description"), report, rel, (doc.line("description") or 0) + 1,
                                       "description"), rel, body_line)


def _read_site(path: str, site, report: Report) -> tuple[SiteText, int]:
    """The translated site texts and how many of its labels and descriptions are translated."""
    rel = _rel(path)
    if not os.path.lexists(path):
        report.warning(rel, None, None, "no translation of the site's title, themes and eras yet (the English is shown)")
        return SiteText(), 0
    doc = _parse(path, report)
    if doc is None:
        return SiteText(), 0
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        report.error(rel, doc.line(), None, f"expected a mapping (title, subtitle, themes, eras), got {_kind(doc.data)}")
    for key in data:
        if key not in SITE_FIELDS:
            report.error(rel, doc.line(key), str(key), f"unknown field{suggest(key, SITE_FIELDS)}")
    done = 0
    values = {}
    for key in ("title", "subtitle"):
        values[key] = _text(data.get(key), report, rel, doc.line(key), key)
        english = getattr(site, key)
        if english and not values[key]:
            report.warning(rel, doc.line(key), key, "not translated yet (the English is shown)")
        done += bool(values[key] and english)
    groups = {}
    for key, items, allowed in (("themes", site.themes, THEME_FIELDS), ("eras", site.eras, ERA_FIELDS)):
        known = {item.id: item for item in items}
        raw = data.get(key) or {}
        if not isinstance(raw, dict):
            report.error(rel, doc.line(key), key, f"expected a mapping of {key[:-1]} ids to texts, got {_kind(raw)}")
            raw = {}
        out = {}
        for ident, texts in raw.items():
            if ident not in known:
                report.error(rel, doc.line(key, ident), f"{key}.{excerpt(ident)}",
                             f"no {key[:-1]} '{excerpt(ident)}' in site.yaml{suggest(ident, known)}")
                continue
            if not isinstance(texts, dict):
                report.error(rel, doc.line(key, ident), f"{key}.{ident}",
                             f"expected a mapping ({', '.join(sorted(allowed))}), got {_kind(texts)}")
                continue
            for name in texts:
                if name not in allowed:
                    report.error(rel, doc.line(key, ident, name), f"{key}.{ident}.{excerpt(name)}",
                                 f"unknown field{suggest(name, allowed)}")
            out[ident] = MappingProxyType({name: _text(texts.get(name), report, rel, doc.line(key, ident, name),
                                                       f"{key}.{ident}.{name}") for name in sorted(allowed)})
        for ident, item in known.items():
            for name in sorted(allowed):
                english = getattr(item, name)
                if not english:
                    continue
                if out.get(ident, {}).get(name):
                    done += 1
                else:
                    report.warning(rel, doc.line(key, ident) if ident in out else doc.line(key), f"{key}.{ident}.{name}",
                                   "not translated yet (the English is shown)")
        groups[key] = MappingProxyType(out)
    return SiteText(values["title"], values["subtitle"], groups["themes"], groups["eras"]), done


def _site_labels(site) -> int:
    return bool(site.title) + bool(site.subtitle) + sum(
        bool(t.label) + bool(t.description) for t in site.themes) + sum(bool(e.label) + bool(e.intro) for e in site.eras)


def load_texts(src, language: Language, content, report: Report, memo: dict | None = None) -> LanguageTexts:
    """Every translation into language, checked against the English content."""
    folder = os.path.join(src, "translations", language.code)
    english_events = {e.id: e for e in content.events}
    english_pages = {p.slug: p for p in content.pages}
    if not os.path.isdir(folder):
        report.warning(_rel(folder), None, None, f"no translations into '{language.code}' yet: every page in this "
                                                 "language shows the English")
    terms = load_glossary(os.path.join(folder, "glossary"), report, memo)
    glossary = Glossary(terms)
    events = {}
    for path in _files(os.path.join(folder, "events"), ".yaml", report):
        eid = os.path.basename(path)[:-len(".yaml")]
        if eid not in english_events:
            report.error(_rel(path), 1, None, f"a translation of no event: there is no events/{excerpt(eid)}.yaml"
                                                 f"{suggest(eid, english_events)}")
            continue
        text = _read_event(path, english_events[eid], glossary, report, memo)
        if text is not None:
            events[eid] = text
    pages = {}
    for path in _files(os.path.join(folder, "pages"), ".md", report):
        slug = os.path.basename(path)[:-len(".md")]
        if slug not in english_pages:
            report.error(_rel(path), 1, None, f"a translation of no page: there is no pages/{excerpt(slug)}.md"
                                                 f"{suggest(slug, english_pages)}")
            continue
        page = _read_page(path, english_pages[slug], report)
        if page is not None:
            pages[slug] = page
    if os.path.isdir(folder):
        for eid in sorted(set(english_events) - set(events)):
            if not os.path.lexists(os.path.join(folder, "events", f"{eid}.yaml")):
                report.warning(_rel(os.path.join(folder, "events", f"{eid}.yaml")), None, None,
                               f"event '{eid}' is not translated into '{language.code}' yet (the English is shown)")
        for slug in sorted(set(english_pages) - set(pages)):
            if not os.path.lexists(os.path.join(folder, "pages", f"{slug}.md")):
                report.warning(_rel(os.path.join(folder, "pages", f"{slug}.md")), None, None,
                               f"page '{slug}' is not translated into '{language.code}' yet (the English is shown)")
        site, labels = _read_site(os.path.join(folder, "site.yaml"), content.site, report)
    else:
        site, labels = SiteText(), 0
    coverage = Coverage(
        sum(1 for t in events.values() if t.title and t.summary), len(english_events),
        sum(1 for eid, t in events.items() if t.body and english_events[eid].body),
        sum(1 for e in english_events.values() if e.body),
        sum(1 for p in pages.values() if p.title), len(english_pages),
        labels, _site_labels(content.site))
    return LanguageTexts(language, site, MappingProxyType(events), MappingProxyType(pages), MappingProxyType(terms),
                         coverage)


def load(src, content, report: Report, cache=None) -> Languages:
    """The site's languages and every translation, checked: the build's entry point.
    cache: the build cache (its parsed-file memo is shared), or None."""
    memo = getattr(cache, "parse", None)
    languages = load_languages(src, report, content.site.language, [p.slug for p in content.pages])
    texts = {lang.code: load_texts(src, lang, content, report, memo) for lang in languages if not lang.default}
    folder = os.path.join(src, "translations")
    if os.path.isdir(folder):
        listed = {lang.code for lang in languages}
        for name in sorted(os.listdir(folder)):
            if not name.startswith(".") and name not in listed and os.path.isdir(os.path.join(folder, name)):
                report.warning(_rel(os.path.join(folder, name)), None, None,
                               f"translations into '{excerpt(name)}', which site.yaml's languages: does not list "
                               f"(they are not published){suggest(name, listed)}")
    return Languages(languages, MappingProxyType(texts))
