"""A language's edition of the timeline: the content with its translated texts, indexed as the English
is (the same citations, so the same notes), dates in the language, and which texts are still the
English (shown marked lang="en", with a notice). The default language's edition is the timeline itself.
"""

from __future__ import annotations

import gettext
from dataclasses import replace
from typing import NamedTuple

from . import catalogs, index
from .incremental import Memo
from .languages import Language
from .markup import Renderer
from .typography import quotes

EVENT_TEXTS = ("title", "summary", "body")
PAGE_TEXTS = ("title", "body")
# Texts shown as written, not through Markdown: their straight quotes made typographic here, in the
# language's form, as the English ones are where they are read (sitefile, content).
_PLAIN = {"title", "subtitle", "label", "description", "intro"}


class Edition(NamedTuple):
    language: Language
    timeline: index.Timeline
    english_pages: dict        # page slug -> the texts (title, body) still in English
    gettext: gettext.NullTranslations   # the engine's own phrases in the language (pages' titles)
    styled: dict = {}          # source key -> its bibliography entry in the language's standard (build)
    stale_events: dict = {}    # event id -> its translated texts whose English changed since (transstamp)
    stale_pages: dict = {}     # page slug -> the same

    @property
    def code(self) -> str:
        return self.language.code


class _InLanguage:
    """The memo as one language's indexing sees it: each key carries the language, so that the
    editions keep their values side by side instead of replacing each other's."""

    def __init__(self, memo: Memo, code: str):
        self.memo, self.code = memo, code

    def get(self, stage, key, inputs, compute):
        return self.memo.get(stage, (self.code, key), inputs, compute)

    def peek(self, stage, key, inputs):
        return self.memo.peek(stage, (self.code, key), inputs)

    def later(self, stage, key, inputs, compute):
        return self.memo.later(stage, (self.code, key), inputs, compute)

    def put(self, stage, key, inputs, value):
        self.memo.put(stage, (self.code, key), inputs, value)


def editions(tl: index.Timeline, languages, memo: Memo, translations=None) -> list[Edition]:
    """One Edition per language of `languages` (an i18n.Languages), the default's first.
    translations: code -> gettext catalog of the engine's phrases (else catalogs.engine)."""
    found = []
    for language in languages.languages:
        texts = catalogs.engine(language.code) if translations is None else translations[language.code]
        if language.default:
            found.append(Edition(language, tl, {}, texts))
        else:
            found.append(_edition(tl, language, languages.texts[language.code], memo, texts))
    return found


def _translated(english, text, fields, code: str) -> tuple[dict, frozenset]:
    """The fields with their translation where there is one, and the names of those left in English."""
    values, left = {}, []
    for name in fields:
        mine = getattr(text, name, "") if text is not None else ""
        values[name] = (quotes(mine, code) if name in _PLAIN else mine) or getattr(english, name)
        if getattr(english, name) and not mine:
            left.append(name)
    return values, frozenset(left)


def _edition(tl: index.Timeline, language: Language, texts, memo: Memo, translations) -> Edition:
    content, code = tl.content, language.code
    events, english = [], {}
    for event in content.events:
        values, english[event.id] = _translated(event, texts.events.get(event.id), EVENT_TEXTS, code)
        events.append(replace(event, **values))
    pages, english_pages = [], {}
    for page in content.pages:
        text = texts.pages.get(page.slug)
        values, english_pages[page.slug] = _translated(page, text, PAGE_TEXTS, code)
        if text is not None and text.description:
            values["description"] = text.description
        pages.append(replace(page, **values))
    site = _site(content.site, texts.site, code)
    stale = {eid: t.stale for eid, t in texts.events.items() if t.stale}
    local = index.build(replace(content, site=site, events=tuple(events), pages=tuple(pages)), Renderer(),
                        _InLanguage(memo, code), english, stale, english_pages)
    return Edition(language, local, english_pages, translations, {}, stale,
                   {slug: t.stale for slug, t in texts.pages.items() if t.stale})


def _site(site, text, code: str):
    """The site's title, subtitle, themes and eras in the language: the English where not translated,
    named in each one's `english` (shown marked lang="en"), and in its `stale` those translated from an
    English that has changed since (transsite; shown with a note wherever they are)."""
    def stale(group: str, ident: str) -> frozenset:
        return frozenset(text.stale.get((group, ident), ()))
    themes = tuple(replace(t, **_texts(t, text.themes.get(t.id, {}), ("label", "description"), code),
                           stale=stale("themes", t.id)) for t in site.themes)
    eras = tuple(replace(e, **_texts(e, text.eras.get(e.id, {}), ("label", "intro"), code), stale=stale("eras", e.id))
                 for e in site.eras)
    own = _texts(site, {"title": text.title, "subtitle": text.subtitle}, ("title", "subtitle"), code)
    own["stale"] = stale("", "")
    if site.author:   # a name no translation gives: shown as written, marked as English
        own["english"] = own["english"] | {"author"}
    return replace(site, **own, language=code, themes=themes, eras=eras)


def _texts(english, mine: dict, fields, code: str) -> dict:
    """The fields, translated where mine has them, and `english`: those that are not."""
    left = frozenset(name for name in fields if getattr(english, name) and not mine.get(name))
    return {**{name: quotes(mine.get(name) or "", code) or getattr(english, name) for name in fields}, "english": left}
