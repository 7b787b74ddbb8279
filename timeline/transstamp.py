"""What English a translation was made from: the `english:` digest it records of the English texts it
translates, checked against the English as it is now (a translation whose English has changed since is
out of date, as gettext's fuzzy flag or MDN's "this translation is out of date")."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import yaml

from .catalogs import N_
from .diagnostics import Report, excerpt
from .languages import kind_of

KEY = "english"
# After a translated text whose English changed since, as the lists say it (partials/macros.html): the
# note the exports, the feeds and the charts give, translated.
STALE = N_("The English has changed since this was translated.")
PART = 4                                  # hex digits per text: an event's three make the 12 of its digest
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
# What the page shows the same whichever is typed: the quotes and dashes Markdown's smart punctuation
# makes of straight ones and of -- and ---, and one character written precomposed or decomposed.
_TYPED = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "--", "\u2014": "---"})


def _words(text: str) -> str:
    """The text as Markdown reads it: the paragraphs, each with its whitespace made one space, so
    that refolding a line or moving a block from `>-` to `|` leaves the digest alone, and typed quotes
    and dashes as the straight ones Markdown makes them of (see _TYPED)."""
    text = unicodedata.normalize("NFC", text or "").translate(_TYPED)
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPHS.split(text.replace("\r\n", "\n")))
    return "\n\n".join(p for p in paragraphs if p)


def english_digest(texts) -> str:
    """The digest of the English texts (title, summary, body; or title, description, body): four hex
    digits per text, so that a changed digest says which text changed."""
    return "".join(hashlib.sha256(_words(t).encode("utf-8")).hexdigest()[:PART] for t in texts)


def changed(recorded: str, current: str, names) -> list[str]:
    """The names of the texts whose part of the digest differs."""
    return [name for i, name in enumerate(names)
            if recorded[i * PART:(i + 1) * PART] != current[i * PART:(i + 1) * PART]]


def recorded(doc, data: dict, rel: str, line, current: str, report: Report, kind: str = "event",
             at: tuple = ()) -> str | None:
    """The digest the translation records, or None (no record, or one that is not a digest: an error,
    or a warning when it is left blank, each giving the English's digest now to paste). data: the
    mapping that holds the record, at that path in doc (a theme's entry in site.yaml: themes, its id)."""
    if KEY not in data:
        return None
    node = doc.value_node(*at, KEY)
    # As written: a digest of digits alone reads as a YAML number, which would lose its leading zeros.
    raw = node.value if isinstance(node, yaml.ScalarNode) else data[KEY]
    if isinstance(raw, str) and re.fullmatch(f"[0-9a-f]{{{len(current)}}}", raw.strip()):
        return raw.strip()
    field = ".".join((*at, KEY))
    if data[KEY] is None:
        report.warning(rel, line, field, f"no digest yet: the English of this {kind} now has `{KEY}: {current}` "
                                         "(set it once the translation says what that English says)")
    else:
        got = f"'{excerpt(raw)}'" if isinstance(raw, str) else kind_of(raw)
        report.error(rel, line, field, f"expected the {len(current)} hex digits (0-9, a-f) of the English the "
                                       f"translation was made from, got {got}; the English of this {kind} now has "
                                       f"`{KEY}: {current}`")
    return None


def stale(record: str | None, current: str, names, translated, rel: str, line, report: Report,
          kind: str = "event", at: tuple = ()) -> tuple[str, ...]:
    """The translated texts whose English has changed since the record, with a warning naming them.
    A text left in English (translated: its names) shows the English as it is, so it cannot be stale."""
    if record is None or record == current:
        return ()
    fields = tuple(name for name in changed(record, current, names) if name in translated)
    if fields:
        report.warning(rel, line, ".".join((*at, KEY)), f"the English of this {kind} has changed since it was "
                                                        f"translated ({', '.join(fields)}): update the translation, "
                                                        f"then set `{KEY}: {current}`")
    return fields


def check(doc, data: dict, rel: str, line, english: dict, translated, report: Report,
          kind: str = "event", at: tuple = ()) -> tuple[bool, tuple[str, ...]]:
    """(whether the translation records a digest, the texts of it now out of date). english: each
    text's name -> its English, in the digest's order; translated: the names the translation has;
    at: the path in doc of the mapping data, which holds the record (() for the top)."""
    current = english_digest(english.values())
    record = recorded(doc, data, rel, line, current, report, kind, at)
    return record is not None, stale(record, current, tuple(english), translated, rel, line, report, kind, at)


def noted(text: str, stale, note: str) -> str:
    """Plain text where no markup can go (a tooltip, an aria-label, an <option>, a feed's category,
    a TimelineJS group): when stale (a text it shows is translated from an English changed since),
    the note (STALE, translated) follows it after a space, as it follows the feed's subtitle."""
    if not stale:
        return text
    return f"{text} {note}" if text else note
