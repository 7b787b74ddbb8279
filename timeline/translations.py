"""The translated texts of one language (events, pages, glossary; site.yaml's: timeline.transsite), each
read and checked against the English: the same citations and locators in the same groups
(timeline.transcites), glossary terms in their agreed form."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from types import MappingProxyType

from . import yamlfile
from .diagnostics import Report, excerpt
from .languages import kind_of, parse_yaml, shown_path, suggest, text_of
from .markup import RAW_HTML, SHOWS_NO_TEXT, relative_link, shows_no_text, unshowable
from .sitefile import plain_checks
from .transcites import compare_citations
from .transstamp import KEY as STAMP, check as check_stamp

EVENT_FIELDS = ("title", "summary", "body")
PAGE_FIELDS = ("title", "description")
GLOSSARY_FIELDS = ("title", "summary", "body")   # the fields the glossary holds a translation to
REQUIRED = ("title", "summary")   # of an English event's fields, those content.EVENT_REQUIRED names


@dataclass(frozen=True)
class EventText:
    """One event's translated fields ("" where the English shows instead)."""
    title: str = ""
    summary: str = ""
    body: str = ""
    path: str = ""
    stamped: bool = False             # whether it records the English it was made from (transstamp)
    stale: tuple = ()                 # the translated texts whose English has changed since
    lines: MappingProxyType = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)


@dataclass(frozen=True)
class PageText:
    title: str
    body: str
    description: str = ""
    path: str = ""
    body_line: int = 1
    stamped: bool = False
    stale: tuple = ()


def load_glossary(folder, report: Report, memo: dict | None = None) -> dict[str, str]:
    """English term -> agreed form, from every glossary/*.yaml; a term agreed differently in two
    places is an error naming both."""
    terms: dict[str, tuple[str, str, int]] = {}
    for path in list_files(folder, ".yaml", report):
        rel = shown_path(path)
        doc = parse_yaml(path, report, memo)
        if doc is None or doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            report.error(rel, doc.line(), None, f"expected a mapping of English terms to agreed forms, got "
                                                f"{kind_of(doc.data)}")
            continue
        at = doc.top_lines()  # each term's line at once: a lookup per term walks the file (quadratic)
        for en, agreed in doc.data.items():
            line = at.get(en) or doc.line()
            if not isinstance(en, str) or not en.strip():
                got = "blank text" if isinstance(en, str) else kind_of(en)
                report.error(rel, line, None, f"a glossary term must be text, got {got}")
                continue
            if not isinstance(agreed, (str, int)) or isinstance(agreed, bool) or not str(agreed).strip() \
                    or "\n" in str(agreed):
                report.error(rel, line, en, f"the agreed form must be one line of text, got {kind_of(agreed)}")
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
        # Not \b: after "U.S." it would need a letter next, and the term would never match.
        self.terms = [(en, agreed, re.compile(rf"(?<!\w){re.escape(en)}(?!\w)"), agreed.lower())
                      for en, agreed in terms.items()]

    def missing(self, english: str, translation: str) -> list[tuple[str, str]]:
        """(term, agreed form) for each term of the English text whose agreed form the translation lacks."""
        english = " ".join(english.split())
        translation = " ".join(translation.split()).lower()
        return [(en, agreed) for en, agreed, pattern, low in self.terms
                if en in english and low not in translation and pattern.search(english)]


# ----------------------------------------------------------------------------------------------------
# The texts of one language


def list_files(folder, suffix: str, report: Report) -> list[str]:
    if not_a_folder(folder, report):
        return []
    try:
        names = os.listdir(folder) if os.path.isdir(folder) else []
    except OSError as exc:
        report.error(shown_path(folder), None, None, f"cannot read the folder: {exc.strerror}")
        return []
    return [os.path.join(folder, n) for n in sorted(names) if n.endswith(suffix) and not n.startswith(".")]


def not_a_folder(folder, report: Report) -> bool:
    """True, with an error, when something other than a folder is where a folder of translations belongs
    (its translations would otherwise be dropped with nothing but 'not translated yet')."""
    if os.path.isdir(folder) or not os.path.lexists(folder):
        return False
    found = "a file" if os.path.isfile(folder) else "something else (a broken link, a pipe or a device)"
    report.error(shown_path(folder), None, None, f"expected a folder of translations, found {found}")
    return True


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


def _markdown_checks(report: Report, rel: str, lines: dict, name: str, text: str, event: bool = False) -> None:
    """What content.crosscheck says of an English text; event: an event's text, shown at many depths,
    where a relative link leads somewhere else (a page's body is shown at its own address)."""
    bad = unshowable(text)
    if bad is not None:
        report.error(rel, _line_at(lines, name, text, bad[0]), name, bad[1])
    raw = RAW_HTML.search(text)
    if raw:
        report.warning(rel, _line_at(lines, name, text, raw.start()), name,
                       f"raw HTML ('{excerpt(raw.group(0), 40)}') is not allowed in Markdown and is left out of the page")
    relative = relative_link(text) if event else None
    if relative is not None:
        report.warning(rel, _line_at(lines, name, text, relative[0]), name, relative[1])


def read_event(path: str, english, glossary: Glossary, report: Report, memo, code: str = "en") -> EventText | None:
    rel = shown_path(path)
    doc = parse_yaml(path, report, memo)
    if doc is None:
        return None
    data = doc.data
    if not isinstance(data, dict):
        report.error(rel, doc.line() or 1, None, f"expected a mapping of translated fields ({', '.join(EVENT_FIELDS)}), "
                                            f"got {'an empty file' if data is None else kind_of(data)}")
        return None
    lines = _field_lines(doc)
    for key in data:
        if key not in EVENT_FIELDS and key != STAMP:
            report.error(rel, lines.get(key), str(key), f"unknown field{suggest(key, EVENT_FIELDS + (STAMP,))}: a "
                                                        f"translation has only {', '.join(EVENT_FIELDS)} and {STAMP}")
    texts = {name: text_of(data.get(name), report, rel, lines.get(name), name) for name in EVENT_FIELDS}
    for name in EVENT_FIELDS:
        theirs = getattr(english, name)
        mine = texts[name]
        if not mine:
            if theirs:
                report.warning(rel, lines.get(name, 1), name, f"not translated yet (the English {name} is shown)")
            continue
        if not theirs:
            if name not in REQUIRED:   # a required one missing or refused is the English file's error, said there
                report.error(rel, lines.get(name), name, f"the English event has no {name} to translate "
                                                         f"({english.path})")
            continue
        if name == "title":
            plain_checks(report, rel, lines.get(name), name, mine)
        if name in ("summary", "body"):
            for offset, problem in compare_citations(theirs, mine, code):
                report.error(rel, _line_at(lines, name, mine, offset), name, problem)
            _markdown_checks(report, rel, lines, name, mine, event=True)
            if name == "summary" and shows_no_text(mine):
                report.error(rel, lines.get(name), name, SHOWS_NO_TEXT)
        if name in GLOSSARY_FIELDS:
            for en, agreed in glossary.missing(theirs, mine):
                report.error(rel, lines.get(name), name, f"the English says '{excerpt(en)}': the translation must "
                                                         f"use its agreed form '{excerpt(agreed)}' (glossary)")
    stamped, stale = check_stamp(doc, data, rel, lines.get(STAMP), {n: getattr(english, n) for n in EVENT_FIELDS},
                                 {n for n in EVENT_FIELDS if texts[n]}, report)
    return EventText(texts["title"], texts["summary"], texts["body"], rel, stamped, stale, MappingProxyType(lines))


def _split_page(text: str):
    """(front matter, body, line where the body starts), or None without front matter."""
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return None
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        return None
    return head, body, head.count("\n") + 4


def read_page(path: str, english, report: Report, code: str = "en") -> PageText | None:
    rel = shown_path(path)
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
        report.error(rel, 2, None, f"expected front matter fields (title, description), got {kind_of(doc.data)}")
    for key in meta:
        if key not in PAGE_FIELDS and key != STAMP:
            report.error(rel, (doc.line(key) or 0) + 1, str(key), f"unknown field{suggest(key, PAGE_FIELDS + (STAMP,))}"
                                                                  f": a translated page has only title, description "
                                                                  f"and {STAMP}")
    title = text_of(meta.get("title"), report, rel, (doc.line("title") or 0) + 1, "title")
    if not title:
        report.warning(rel, 2, "title", "not translated yet (the English title is shown)")
    plain_checks(report, rel, (doc.line("title") or 0) + 1, "title", title)
    for offset, problem in compare_citations(english.body, body, code):
        report.error(rel, body_line + body.count("\n", 0, offset) if offset is not None else body_line, None, problem)
    _markdown_checks(report, rel, {"body": body_line}, "body", body)
    description = text_of(meta.get("description"), report, rel, (doc.line("description") or 0) + 1, "description")
    mine = {"title": title, "description": description, "body": body.strip()}
    stamped, stale = check_stamp(doc, meta, rel, (doc.line(STAMP) or 0) + 1,
                                 {n: getattr(english, n) for n in mine}, {n for n in mine if mine[n]}, report, "page")
    return PageText(title, body, description, rel, body_line, stamped, stale)
