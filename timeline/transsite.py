"""A language's site.yaml: the site's title and subtitle and each theme's and era's label with its
description or intro, read and checked against the English, with the `english:` record (transstamp)
of each unit a translator updates on its own: the title and subtitle (at the top), each theme, each era
(in its entry)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from types import MappingProxyType

from .diagnostics import Report, excerpt
from .languages import kind_of, parse_yaml, shown_path, suggest, text_of
from .sitefile import plain_checks
from .transstamp import KEY as STAMP, check as check_stamp

SITE_FIELDS = {"title", "subtitle", "themes", "eras"}
THEME_FIELDS = {"label", "description"}
ERA_FIELDS = {"label", "intro"}
KINDS = {"themes": "theme", "eras": "era", "": "site's title and subtitle"}


@dataclass(frozen=True)
class SiteText:
    title: str = ""
    subtitle: str = ""
    themes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))   # id -> {label, description}
    eras: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))     # id -> {label, intro}
    # (group, id) -> its translated texts whose English has changed since: ("themes", "trade"), ("", "")
    stale: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    unstamped: int = 0    # how many of its units (the title and subtitle, a theme, an era) record no English


class _Stamps:
    """What the records of one site.yaml say: the stale units, and how many units record none."""

    def __init__(self, doc, rel: str, report: Report):
        self.doc, self.rel, self.report = doc, rel, report
        self.stale, self.unstamped = {}, 0

    def check(self, group: str, ident: str, data: dict, english: dict, mine: dict) -> None:
        """english: each text's name -> its English, in the digest's order; mine: the translated texts."""
        if not any(mine.values()) and STAMP not in data:
            return   # nothing translated (a warning each says so): nothing to record either
        at = (group, ident) if group else ()
        stamped, stale = check_stamp(self.doc, data, self.rel, self.doc.line(*at, STAMP), english,
                                     {n for n in english if mine.get(n)}, self.report, KINDS[group], at)
        self.unstamped += not stamped
        if stale:
            self.stale[(group, ident)] = stale


def read_site(path: str, site, report: Report) -> tuple[SiteText, int]:
    """The translated site texts and how many of its labels and descriptions are translated."""
    rel = shown_path(path)
    if not os.path.lexists(path):
        report.warning(rel, None, None, "no translation of the site's title, themes and eras yet (the English is shown)")
        return SiteText(), 0
    doc = parse_yaml(path, report)
    if doc is None:
        return SiteText(), 0
    if not isinstance(doc.data, dict):   # one error: not also a warning for each text it could not give
        report.error(rel, doc.line(), None, f"expected a mapping (title, subtitle, themes, eras), got {kind_of(doc.data)}")
        return SiteText(), 0
    data = doc.data
    for key in data:
        if key not in SITE_FIELDS and key != STAMP:
            report.error(rel, doc.line(key), str(key), f"unknown field{suggest(key, SITE_FIELDS | {STAMP})}")
    done = 0
    values = {}
    for key in ("title", "subtitle"):
        values[key] = text_of(data.get(key), report, rel, doc.line(key), key)
        plain_checks(report, rel, doc.line(key), key, values[key])
        english = getattr(site, key)
        if english and not values[key]:
            report.warning(rel, doc.line(key), key, "not translated yet (the English is shown)")
        done += bool(values[key] and english)
    stamps = _Stamps(doc, rel, report)
    stamps.check("", "", data, {"title": site.title, "subtitle": site.subtitle}, values)
    groups = {}
    for key, items, allowed in (("themes", site.themes, THEME_FIELDS), ("eras", site.eras, ERA_FIELDS)):
        groups[key], count = _site_group(doc, rel, report, key, items, allowed, data.get(key), stamps)
        done += count
    return SiteText(values["title"], values["subtitle"], groups["themes"], groups["eras"],
                    MappingProxyType(stamps.stale), stamps.unstamped), done


def _site_group(doc, rel: str, report: Report, key: str, items, allowed: set, raw,
                stamps: _Stamps) -> tuple[MappingProxyType, int]:
    """The translated texts of the themes or the eras (key) of site.yaml, and how many are translated."""
    done = 0
    known = {item.id: item for item in items}
    raw = raw or {}
    if not isinstance(raw, dict):
        report.error(rel, doc.line(key), key, f"expected a mapping of {key[:-1]} ids to texts, got {kind_of(raw)}")
        raw = {}
    out = {}
    order = ("label", *sorted(allowed - {"label"}))   # the digest's order: the label, then its text
    for ident, texts in raw.items():
        if ident not in known:
            report.error(rel, doc.line(key, ident), f"{key}.{excerpt(ident)}",
                         f"no {key[:-1]} '{excerpt(ident)}' in site.yaml{suggest(ident, known)}")
            continue
        if not isinstance(texts, dict):
            report.error(rel, doc.line(key, ident), f"{key}.{ident}",
                         f"expected a mapping ({', '.join(sorted(allowed))}), got {kind_of(texts)}")
            continue
        for name in texts:
            if name not in allowed and name != STAMP:
                report.error(rel, doc.line(key, ident, name), f"{key}.{ident}.{excerpt(name)}",
                             f"unknown field{suggest(name, allowed | {STAMP})}")
        out[ident] = MappingProxyType({name: text_of(texts.get(name), report, rel, doc.line(key, ident, name),
                                                   f"{key}.{ident}.{name}") for name in sorted(allowed)})
        for name, text in out[ident].items():
            plain_checks(report, rel, doc.line(key, ident, name), f"{key}.{ident}.{name}", text)
        stamps.check(key, ident, texts, {n: getattr(known[ident], n) for n in order}, out[ident])
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
    return MappingProxyType(out), done


def site_labels(site) -> int:
    return bool(site.title) + bool(site.subtitle) + sum(
        bool(t.label) + bool(t.description) for t in site.themes) + sum(bool(e.label) + bool(e.intro) for e in site.eras)
