"""Citations and bibliography entries in one style, after the Chicago Manual's notes-bibliography system.

Each function takes a Source and returns safe HTML (every field escaped, with typographic quotes;
only http(s) URLs, which validation has already checked, become links). A later note of a source on
the same page takes the short form (short_note: surname, short title, locator; CMOS 14.29-14.36).
Markup is built with f-strings around escape(): Markup.format runs a formatter written in Python,
several times slower.

The style's own words ("accessed", "archived copy", "n.d.", "ed.", "et al.", "and") and the access
date are in the edition's language (Words, from the engine's catalog); the sources' own fields stay
in theirs. English is written as it always was.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape

from .catalogs import N_, engine
from .dates import HistDate, display_in, forms_in
from .model import Name, Source
from .titlelang import title_language
from .typography import nested, quotes, scripts_marked

QUOTED = ("article-journal", "article-newspaper", "article-magazine", "webpage", "chapter", "entry-encyclopedia")
# A short title ends before one of these once it has two words of substance ("The Treaty of Nerchinsk
# between Russia and China" -> "Treaty of Nerchinsk"), and never on one.
_BREAK = {"of", "on", "in", "to", "for", "with", "between", "and", "by", "from", "at", "as", "or", "over",
          "after", "before", "during", "against", "about", "into", "under", "via", "since", "through", "its",
          "their", "his", "her",
          "в", "во", "и", "по", "на", "с", "со", "о", "об", "к", "от", "для", "при", "между", "из", "за",
          "de", "du", "des", "et", "à", "der", "die", "das", "und", "von", "zu", "y", "en", "el"}
_ARTICLES = {"a", "an", "the", "la", "le", "les"}


class Words(NamedTuple):
    """The style's own words in one language: str.format patterns, placeholders filled by the style."""
    accessed: str = N_("accessed {date}")
    archived: str = N_("archived copy")
    undated: str = N_("n.d.")
    pair: str = N_("{first} and {second}")             # two names
    series: str = N_("{names}, and {last}")            # the last of three or more names
    listed: str = N_("{first}, {second}")              # the names before it, one and the next
    et_al: str = N_("{name} et al.")
    editors: str = N_("ed. {names}")                   # a chapter's book's editors
    issue: str = N_("no. {issue}")                     # a journal's issue
    within: str = N_("in {title}")                     # a chapter's book
    page: str = N_("p. {page}")                        # a citation's locator, as written in the text
    pages: str = N_("pp. {pages}")
    chapter: str = N_("ch. {chapter}")
    code: str = "en"                                   # the language, for dates


ENGLISH = Words()


@lru_cache(maxsize=None)
def words(code: str = "en") -> Words:
    """The style's words in the language of code ("" or "en": English)."""
    if not code or code == "en":
        return ENGLISH
    _ = engine(code).gettext
    return Words(*(_(w) for w in ENGLISH[:-1]), code=code)


def _e(text: str, own: str) -> Markup:
    """Text of a source's own (a name, a title), escaped, its Chinese or Russian marked as such where
    the edition (own, a language code) is in another language."""
    return Markup(scripts_marked(str(escape(text)), own))


def _t(value: str, own: str) -> Markup:
    """A field as shown: typographic quotes, then escaped (and marked, as _e)."""
    return _e(quotes(value), own)


def _name(name: Name, inverted: bool = False) -> str:
    if name.literal:
        return quotes(name.literal)
    if inverted and name.given:
        return quotes(f"{name.family}, {name.given}")
    return quotes(" ".join(part for part in (name.given, name.family) if part))


def join_names(names: list[str], w: Words = ENGLISH) -> str:
    """Names as the style's language joins them: 'A and B', 'A, B, and C'; 'A、B、C'; 'A, B и C'."""
    if len(names) == 2:
        return w.pair.format(first=names[0], second=names[1])
    if len(names) < 2:
        return "".join(names)
    head = names[0]
    for name in names[1:-1]:
        head = w.listed.format(first=head, second=name)
    return w.series.format(names=head, last=names[-1])


def authors_note(names: tuple[Name, ...], w: Words = ENGLISH) -> str:
    if len(names) > 3:
        return w.et_al.format(name=_name(names[0]))
    return join_names([_name(n) for n in names], w)


def authors_bibliography(names: tuple[Name, ...], w: Words = ENGLISH) -> str:
    if not names:
        return ""
    return join_names([_name(names[0], inverted=True)] + [_name(n) for n in names[1:]], w)


def _date(date: HistDate | None, w: Words = ENGLISH) -> str:
    return display_in(date, w.code) if date else w.undated


_LOCATOR = re.compile(r"^(p|pp|ch)\. (\S.*)$")


def _locator(locator: str, w: Words = ENGLISH) -> str:
    """A locator as the text writes it ("p. 12", "pp. 3–5", "ch. 2") in the style's language; any
    other form as written."""
    found = _LOCATOR.match(locator)
    if not found or w is ENGLISH:
        return locator
    kind, value = found.groups()
    return {"p": w.page.format(page=value), "pp": w.pages.format(pages=value),
            "ch": w.chapter.format(chapter=value)}[kind]


def locator_in(locator: str, code: str) -> str:
    """A locator as a note in the language of code shows it."""
    return _locator(locator, words(code))


def _title(source: Source, title: str | None = None, own: str = "en"):
    """The title as Chicago sets it: quoted for a part of a larger work, italic for a whole work, and
    plain for a description that stands in for a title (descriptive-title: true); marked with its
    language where the engine knows it and the edition is in another (title_language)."""
    title = quotes(source.title if title is None else title)
    shown = _e(nested(title) if source.type in QUOTED and not source.fields.get("descriptive-title") else title, own)
    language = title_language(source)
    if language and language.split("-")[0] != own.split("-")[0]:   # a full stop of the entry's stays outside
        bare = shown.rstrip(".")
        shown = Markup(f'<span lang="{language}">{bare}</span>{shown[len(bare):]}')
    if source.fields.get("descriptive-title"):
        return shown
    return Markup(f"“{shown}”") if source.type in QUOTED else Markup(f"<cite>{shown}</cite>")


def _link(url: str) -> Markup:
    url = escape(url)
    return Markup(f'<a href="{url}">{url}</a>')


def _tail(source: Source, w: Words = ENGLISH) -> list:
    """Publication facts after the title, shared by note and bibliography forms."""
    f = source.fields
    parts: list = []
    if source.type == "chapter" and f.get("container-title"):
        inner = Markup(str(escape(w.within)).replace("{title}", f"<cite>{_t(f['container-title'], w.code)}</cite>"))
        if source.editors:
            inner += Markup(", ") + _e(w.editors.format(names=join_names([_name(n) for n in source.editors], w)), w.code)
        parts.append(inner)
    elif source.type in ("article-journal",) and f.get("container-title"):
        journal = Markup(f"<cite>{_t(f['container-title'], w.code)}</cite>")
        if f.get("volume"):
            journal += Markup(f" {_t(f['volume'], w.code)}")
        if f.get("issue"):
            journal += Markup(", ") + escape(w.issue.format(issue=quotes(f["issue"])))
        journal += Markup(f" ({escape(_date(source.issued, w))})")
        parts.append(journal)
        return parts
    elif f.get("container-title"):
        parts.append(Markup(f"<cite>{_t(f['container-title'], w.code)}</cite>"))
    if source.type in ("book", "chapter", "report", "thesis"):
        place, publisher = f.get("publisher-place", ""), f.get("publisher", "")
        pub = _e(quotes(": ".join(p for p in (place, publisher) if p)), w.code)
        issued = escape(_date(source.issued, w)) if source.issued else ""
        parts.append(Markup(", ").join(p for p in (pub, issued) if p))
    else:
        if f.get("publisher"):
            parts.append(_t(f["publisher"], w.code))
        if source.issued:
            parts.append(escape(_date(source.issued, w)))
    return [p for p in parts if p]


def _access(source: Source, w: Words = ENGLISH) -> list:
    """The live address with its access date, and beside it the archived copy if there is one."""
    f, parts = source.fields, []
    archived = Markup(f'<a href="{escape(f["archived"])}">{escape(w.archived)}</a>') if f.get("archived") else None
    if f.get("URL"):
        link = _link(f["URL"])
        aside = [escape(w.accessed.format(date=forms_in(source.accessed, w.code)))] if source.accessed else []
        aside += [archived] if archived else []
        if aside:
            link += Markup(" (") + Markup("; ").join(aside) + Markup(")")
        parts.append(link)
    elif archived:
        parts.append(archived)
    return parts


def note_parts(source: Source, w: Words = ENGLISH) -> tuple[str, list[str], list[str], str]:
    """The pieces of a note that do not depend on the locator, as escaped HTML strings:
    (head, publication facts after the title, access facts, trailing note). Computed once per
    source and reused for every citation of it."""
    head = []
    if source.authors:
        head.append(_e(authors_note(source.authors, w), w.code))
    head.append(_title(source, own=w.code))
    tail = _tail(source, w)
    text = Markup(", ").join(head)
    facts: list[str] = []
    if source.type in ("book", "report", "thesis"):
        if tail:
            text += Markup(f" ({Markup(', ').join(tail)})")
    else:
        facts = [str(t) for t in tail]
    trailing = str(_t(source.fields["note"].rstrip("."), w.code)) if source.fields.get("note") else ""
    return str(text), facts, [str(a) for a in _access(source, w)], trailing


def note_from_parts(parts: tuple[str, list[str], list[str], str], locator: str = "", prefix: str = "",
                    w: Words = ENGLISH, stop: bool = True) -> Markup:
    """Full note form: Given Family, Title (Place: Publisher, Year), locator (and its full stop, if stop)."""
    text, facts, access, trailing = parts
    rest = facts + ([str(escape(_locator(locator, w)))] if locator else []) + access
    if rest:
        text = _comma(text) + ", ".join(rest)
    if trailing:
        text = _stop(text) + " " + trailing
    if prefix:
        text = str(_t(prefix, w.code)) + " " + text
    return Markup(_stop(text) if stop else text)


_ASKED, _ENDED = ("?”", "!”"), ("?”", "!”", ".”", ".", "?", "!")
_CLOSED = re.compile(r"(?:</(?:span|cite)>)+(”?)$")


def _shown_end(text: str) -> str:
    """The end of a text as read, without the tags that close a title's language span and italics after its
    last character (“<span lang="de">Wer ist er?</span>” ends in ?”). Most end in no tag, and are not searched."""
    return _CLOSED.sub(r"\1", text[-80:]) if text.endswith((">", ">”", ">\n", ">”\n")) else text[-80:]


def _comma(text: str) -> str:
    """The text and its comma, inside a closing quotation mark; none after a quoted title's own ? or !."""
    return text + " " if _shown_end(text).endswith(_ASKED) else text[:-1] + ",” " if text.endswith("”") else text + ", "


def _stop(text: str) -> str:
    """The full stop at the end of a note, inside a closing quotation mark (as Chicago puts it); none
    where a question, an exclamation or an abbreviation ("1996 г.", "Inc.") already ends it."""
    if _shown_end(text).endswith(_ENDED):
        return text
    return text[:-1] + ".”" if text.endswith("”") else text + "."


def short_title(source: Source) -> str:
    """title-short if given, else the key words of the main title (before a colon or a parenthesis):
    a title of four words or fewer whole, a longer one from its first words of substance up to a
    preposition or conjunction (at most four), without a leading article (CMOS 14.32)."""
    if source.fields.get("title-short"):
        return source.fields["title-short"]
    main = re.split(r":\s| \(|\? |! ", source.title, maxsplit=1)[0].strip()
    words = main.split()
    if len(words) <= 4:
        return main.rstrip(",;.")
    if words[0].lower() in _ARTICLES:
        words = words[1:]
    out, substance = [], 0
    for word in words:
        bare = word.lower().rstrip(",;.")
        if bare in _BREAK and substance >= 2:
            break
        out.append(word)
        substance += bare not in _BREAK and bare not in _ARTICLES
        # Four words of substance, or the end of a sentence (not an abbreviation: "Mr.", "N.S.").
        if substance >= 4 or word[-1] == ";" or (word[-1] == "." and len(word) > 3 and word.count(".") == 1):
            break
    while len(out) > 1 and out[-1].lower() in _BREAK | _ARTICLES:
        out.pop()
    return " ".join(out).rstrip(",;.")


def _surnames(names: tuple[Name, ...], w: Words = ENGLISH) -> str:
    families = [n.literal or n.family or n.given for n in names]
    if len(families) > 3:
        return quotes(w.et_al.format(name=families[0]))
    return quotes(join_names(families, w))


def short_head(source: Source, w: Words = ENGLISH) -> str:
    """A short note's words before its locator: Family, Short Title."""
    text = str(_title(source, short_title(source), w.code))
    if source.authors:
        text = str(_e(_surnames(source.authors, w), w.code)) + ", " + text
    return text


def short_note(source: Source, locator: str = "", prefix: str = "", w: Words = ENGLISH,
               head: str | None = None, stop: bool = True) -> Markup:
    """Short form for a source already cited in full on the page: Family, Short Title, locator;
    head: short_head(source, w), where the caller keeps it."""
    text = short_head(source, w) if head is None else head
    if locator:
        text = _comma(text) + str(escape(_locator(locator, w)))
    if prefix:
        text = str(_t(prefix, w.code)) + " " + text
    return Markup(_stop(text) if stop else text)


def join_notes(texts: list[Markup]) -> Markup:
    """Several citations (each made without its full stop) in one note, separated by semicolons
    (outside any quotation mark), with one full stop at the end."""
    return Markup(_stop("; ".join(texts)))


def note(source: Source, locator: str = "", prefix: str = "", code: str = "en") -> Markup:
    """Full note form: Given Family, Title (Place: Publisher, Year), locator."""
    return note_from_parts(note_parts(source, words(code)), locator, prefix, words(code))


def bibliography(source: Source, code: str = "en") -> Markup:
    """Bibliography form: Family, Given. Title. Place: Publisher, Year (the style's words in the
    language of code)."""
    w = words(code)
    parts = []
    if source.authors:
        parts.append(_e(authors_bibliography(source.authors, w), w.code))
    parts.append(_title(source, own=w.code))
    tail = _tail(source, w)
    if tail:
        parts.append(Markup(", ").join(tail))
    parts.extend(_access(source, w))
    if source.fields.get("note"):
        parts.append(_t(source.fields["note"].rstrip("."), w.code))
    text = ""
    for part in parts:
        # Each element ends with a full stop, inside a closing quotation mark, or its own ? or !.
        text += _stop(str(part).rstrip(".")) + " "
    return Markup(text.rstrip(" "))


def sort_key(source: Source) -> tuple:
    lead = authors_bibliography(source.authors) if source.authors else source.title
    return (lead.lower().lstrip("“‘\"'"), source.issued.sort_key if source.issued else (0, 0, 0), source.key)
