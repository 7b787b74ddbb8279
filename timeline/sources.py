"""Citations and bibliography entries in one style, after the Chicago Manual's notes-bibliography system.

Each function takes a Source and returns safe HTML (every field escaped; only http(s) URLs, which
validation has already checked, become links). Markup is built with f-strings around escape():
Markup.format runs a formatter written in Python, several times slower.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .dates import HistDate
from .model import Name, Source

QUOTED = ("article-journal", "article-newspaper", "article-magazine", "webpage", "chapter", "entry-encyclopedia")


def _name(name: Name, inverted: bool = False) -> str:
    if name.literal:
        return name.literal
    if inverted and name.given:
        return f"{name.family}, {name.given}"
    return " ".join(part for part in (name.given, name.family) if part)


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def authors_note(names: tuple[Name, ...]) -> str:
    if len(names) > 3:
        return f"{_name(names[0])} et al."
    return _join([_name(n) for n in names])


def authors_bibliography(names: tuple[Name, ...]) -> str:
    if not names:
        return ""
    return _join([_name(names[0], inverted=True)] + [_name(n) for n in names[1:]])


def _date(date: HistDate | None) -> str:
    return date.display() if date else "n.d."


def _title(source: Source):
    title = escape(source.title)
    if source.type in QUOTED:
        return Markup(f"“{title}”")
    return Markup(f"<cite>{title}</cite>")


def _link(url: str) -> Markup:
    url = escape(url)
    return Markup(f'<a href="{url}">{url}</a>')


def _tail(source: Source) -> list:
    """Publication facts after the title, shared by note and bibliography forms."""
    f = source.fields
    parts: list = []
    if source.type == "chapter" and f.get("container-title"):
        inner = Markup(f"in <cite>{escape(f['container-title'])}</cite>")
        if source.editors:
            inner += Markup(f", ed. {escape(_join([_name(n) for n in source.editors]))}")
        parts.append(inner)
    elif source.type in ("article-journal",) and f.get("container-title"):
        journal = Markup(f"<cite>{escape(f['container-title'])}</cite>")
        if f.get("volume"):
            journal += Markup(f" {escape(f['volume'])}")
        if f.get("issue"):
            journal += Markup(f", no. {escape(f['issue'])}")
        journal += Markup(f" ({escape(_date(source.issued))})")
        parts.append(journal)
        return parts
    elif f.get("container-title"):
        parts.append(Markup(f"<cite>{escape(f['container-title'])}</cite>"))
    if source.type in ("book", "chapter", "report", "thesis"):
        place, publisher = f.get("publisher-place", ""), f.get("publisher", "")
        pub = ": ".join(p for p in (place, publisher) if p)
        parts.append(escape(", ".join(p for p in (pub, _date(source.issued) if source.issued else "") if p)))
    else:
        if f.get("publisher"):
            parts.append(escape(f["publisher"]))
        if source.issued:
            parts.append(escape(_date(source.issued)))
    return [p for p in parts if p]


def _access(source: Source) -> list:
    """The live address with its access date, and beside it the archived copy if there is one."""
    f, parts = source.fields, []
    archived = Markup(f'<a href="{escape(f["archived"])}">archived copy</a>') if f.get("archived") else None
    if f.get("URL"):
        link = _link(f["URL"])
        aside = [Markup(f"accessed {escape(source.accessed.display())}")] if source.accessed else []
        aside += [archived] if archived else []
        if aside:
            link += Markup(" (") + Markup("; ").join(aside) + Markup(")")
        parts.append(link)
    elif archived:
        parts.append(archived)
    return parts


def note_parts(source: Source) -> tuple[str, list[str], list[str], str]:
    """The pieces of a note that do not depend on the locator, as escaped HTML strings:
    (head, publication facts after the title, access facts, trailing note). Computed once per
    source and reused for every citation of it."""
    head = []
    if source.authors:
        head.append(escape(authors_note(source.authors)))
    head.append(_title(source))
    tail = _tail(source)
    text = Markup(", ").join(head)
    facts: list[str] = []
    if source.type in ("book", "report", "thesis"):
        if tail:
            text += Markup(f" ({Markup(', ').join(tail)})")
    else:
        facts = [str(t) for t in tail]
    trailing = str(escape(source.fields["note"].rstrip("."))) if source.fields.get("note") else ""
    return str(text), facts, [str(a) for a in _access(source)], trailing


def note_from_parts(parts: tuple[str, list[str], list[str], str], locator: str = "", prefix: str = "") -> Markup:
    """Full note form: Given Family, Title (Place: Publisher, Year), locator."""
    text, facts, access, trailing = parts
    rest = facts + ([str(escape(locator))] if locator else []) + access
    if rest:
        # Chicago puts the comma after a quoted title inside the closing quotation mark.
        text = text[:-1] + ",” " if text.endswith("”") else text + ", "
        text += ", ".join(rest)
    if trailing:
        text += ". " + trailing
    if prefix:
        text = str(escape(prefix)) + " " + text
    return Markup(text + ".")


def note(source: Source, locator: str = "", prefix: str = "") -> Markup:
    """Full note form: Given Family, Title (Place: Publisher, Year), locator."""
    return note_from_parts(note_parts(source), locator, prefix)


def bibliography(source: Source) -> Markup:
    """Bibliography form: Family, Given. Title. Place: Publisher, Year."""
    parts = []
    if source.authors:
        parts.append(escape(authors_bibliography(source.authors)))
    parts.append(_title(source))
    tail = _tail(source)
    if tail:
        parts.append(Markup(", ").join(tail))
    parts.extend(_access(source))
    if source.fields.get("note"):
        parts.append(escape(source.fields["note"].rstrip(".")))
    return Markup(". ").join(p.rstrip(".") if isinstance(p, str) else p for p in parts) + Markup(".")


def sort_key(source: Source) -> tuple:
    lead = authors_bibliography(source.authors) if source.authors else source.title
    return (lead.lower().lstrip("“\"'"), source.issued.sort_key if source.issued else (0, 0, 0), source.key)
