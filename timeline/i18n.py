"""The site's languages and its translations: read, checked against the English, and frozen for the
renderer.

`languages:` in site.yaml lists every language the site is published in; the one named by
`language:` is the default, published at the root, the others under their own `path/`. The texts of a
language other than the default live in site_src/translations/<code>/:

    events/<event-id>.yaml   title, summary, body, english (the digest of the English it was made from,
                             timeline.transstamp; nothing else: dates, themes, places and sources
                             belong to the event, whatever the language; places.yaml names each
                             place in every language)
    pages/<slug>.md          front matter (title, description, english) and the Markdown body
    site.yaml                title, subtitle, themes: {id: {label, description}}, eras: {id: {label, intro}},
                             each with an english record: at the top (of the title and subtitle) and in
                             each theme's and era's entry (timeline.transsite)
    glossary/*.yaml          English term: the form every translation of a text using it must contain

A translation says what the English says: the same citation keys in the same groups and order (it may
not add or drop a claim), each with the English locator (p. 12, or the language's form of it: 第12页),
and a glossary term of the English text in its agreed form. A translation of an unknown event, page,
theme or field is an error; a text not yet translated is a warning (the page will show the English),
and so is a place events name that places.yaml does not name in the language; a file nothing reads is
a warning, or an error when its name is close to one that is read (timeline.transfiles). Adding a
language is an entry in site.yaml plus its folder: nothing here names a language.
"""


from __future__ import annotations

import os
from dataclasses import dataclass
from types import MappingProxyType

from . import catalogs
from .diagnostics import Report, excerpt
from .languages import Language, load_languages, parse_yaml, shown_path, suggest  # noqa: F401 - the package's names
from .places import own_name
from .transfiles import unread
from .translations import (EventText, Glossary, PageText, load_glossary,  # noqa: F401
                           list_files, not_a_folder, read_event, read_page)
from .transsite import SiteText, read_site, site_labels


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
    # events, pages and units of site.yaml (the title and subtitle, a theme, an era; transsite)
    stale: int = 0          # translated from an English that has changed since
    unstamped: int = 0      # that do not record the English they were made from


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
                f"{c.pages}/{c.of_pages} pages, {c.labels}/{c.of_labels} labels"
                + (f", {c.stale} out of date" if c.stale else "")
                + (f", {c.unstamped} without `english:` (changes to their English go unnoticed)" if c.unstamped else ""))


@dataclass(frozen=True)
class Languages:
    """The site's languages, the default first, and the texts of each other one."""
    languages: tuple[Language, ...]
    texts: MappingProxyType        # code -> LanguageTexts (the default language has none)

    @property
    def default(self) -> Language:
        return self.languages[0]


# ----------------------------------------------------------------------------------------------------



def load_texts(src, language: Language, content, report: Report, memo: dict | None = None) -> LanguageTexts:
    """Every translation into language, checked against the English content."""
    folder = os.path.join(src, "translations", language.code)
    english_events = {e.id: e for e in content.events}
    english_pages = {p.slug: p for p in content.pages}
    if not os.path.isdir(folder) and not not_a_folder(folder, report):
        report.warning(shown_path(folder), None, None, f"no translations into '{language.code}' yet: every page in this "
                                                 "language shows the English")
    terms = load_glossary(os.path.join(folder, "glossary"), report, memo)
    glossary = Glossary(terms)
    events = {}
    for path in list_files(os.path.join(folder, "events"), ".yaml", report):
        eid = os.path.basename(path)[:-len(".yaml")]
        if eid not in english_events:
            _no_english(report, src, path, "event", eid, english_events)
            continue
        text = read_event(path, english_events[eid], glossary, report, memo, language.code)
        if text is not None:
            events[eid] = text
    pages = {}
    for path in list_files(os.path.join(folder, "pages"), ".md", report):
        slug = os.path.basename(path)[:-len(".md")]
        if slug not in english_pages:
            _no_english(report, src, path, "page", slug, english_pages)
            continue
        page = read_page(path, english_pages[slug], report, language.code)
        if page is not None:
            pages[slug] = page
    if os.path.isdir(folder):
        covered = unread(folder, set(english_events), set(english_pages), report)
        _untranslated(report, folder, language, covered, (("event", english_events, events, ".yaml"),
                                                          ("page", english_pages, pages, ".md")))
        site_yaml = os.path.join(folder, "site.yaml")
        site, labels = (read_site(site_yaml, content.site, report)
                        if "site.yaml" not in covered or os.path.lexists(site_yaml) else (SiteText(), 0))
    else:
        site, labels = SiteText(), 0
    coverage = Coverage(
        sum(1 for t in events.values() if t.title and t.summary), len(english_events),
        sum(1 for eid, t in events.items() if t.body and english_events[eid].body),
        sum(1 for e in english_events.values() if e.body),
        sum(1 for p in pages.values() if p.title), len(english_pages),
        labels, site_labels(content.site),
        sum(bool(t.stale) for t in (*events.values(), *pages.values())) + len(site.stale),
        sum(not t.stamped for t in (*events.values(), *pages.values())) + site.unstamped)
    return LanguageTexts(language, site, MappingProxyType(events), MappingProxyType(pages), MappingProxyType(terms),
                         coverage)


def _untranslated(report: Report, folder: str, language: Language, covered: set, kinds) -> None:
    """A warning for each English event and page without its translation, except those whose
    translation is there under a wrong name (transfiles.unread reported it)."""
    for kind, english, done, suffix in kinds:
        for name in sorted(set(english) - set(done)):
            path = os.path.join(folder, f"{kind}s", name + suffix)
            if f"{kind}s/{name}{suffix}" not in covered and not os.path.lexists(path):
                report.warning(shown_path(path), None, None, f"{kind} '{name}' is not translated into "
                                                             f"'{language.code}' yet (the English is shown)")


def _no_english(report: Report, src, path: str, kind: str, name: str, english: dict) -> None:
    """A translation of an event or page the English does not have: an error, unless its English file
    is there with errors of its own (reported; content.load's partial content leaves it out)."""
    folder, ext = ("events", ".yaml") if kind == "event" else ("pages", ".md")
    if not os.path.lexists(os.path.join(src, folder, name + ext)):
        now = next((e.id for e in english.values() if name in getattr(e, "aliases", ())), None)
        report.error(shown_path(path), 1, None, f"a translation of no {kind}: there is no {folder}/{excerpt(name)}{ext}"
                                             + (f"; the event is '{now}' now (its former id, under its aliases): "
                                                f"rename this file to {now}{ext}" if now else suggest(name, english)))


def _unnamed_places(src, language: Language, content, report: Report, memo) -> None:
    """A warning for each place an event names that places.yaml does not name in the language."""
    named = {ident for event in content.events for ident in event.place}
    missing = [p for p in content.site.places if p.id in named and not own_name(p, language.code)]
    if not missing:
        return
    path = os.path.join(src, "places.yaml")
    doc = parse_yaml(path, Report(), memo)   # its problems are the content's, reported as it was read
    for place in missing:
        report.warning(shown_path(path), doc.line(place.id, "names") if doc else None, f"{place.id}.names",
                       f"not named in '{language.code}' yet (the English '{excerpt(place.name)}' is shown)")


def _engine_catalogs(languages, report: Report) -> bool:
    """Whether the engine's catalog of every language reads (its dates and words are written from the
    translations on); its trouble is an error at its line."""
    fine = True
    for lang in languages:
        try:
            catalogs.engine(lang.code)
        except catalogs.CatalogError as exc:
            report.error(shown_path(exc.path), exc.line, None, exc.message)
            fine = False
    return fine


def load(src, content, report: Report, memo: dict | None = None) -> Languages:
    """The site's languages and every translation, checked: the build's entry point.
    memo: a dict of parsed files kept between builds by the caller (see _parse), or None."""
    languages = load_languages(src, report, content.site.language, [p.slug for p in content.pages])
    if not _engine_catalogs(languages, report):
        return Languages(languages, MappingProxyType({}))
    texts = {lang.code: load_texts(src, lang, content, report, memo) for lang in languages if not lang.default}
    for lang in languages:
        if not lang.default:
            _unnamed_places(src, lang, content, report, memo)
    folder = os.path.join(src, "translations")
    if not_a_folder(folder, report):
        pass
    elif os.path.isdir(folder):
        listed = {lang.code for lang in languages}
        for name in sorted(os.listdir(folder)):
            if not name.startswith(".") and name not in listed and os.path.isdir(os.path.join(folder, name)):
                report.warning(shown_path(os.path.join(folder, name)), None, None,
                               f"translations into '{excerpt(name)}', which site.yaml's languages: does not list "
                               f"(they are not published){suggest(name, listed)}")
    return Languages(languages, MappingProxyType(texts))
