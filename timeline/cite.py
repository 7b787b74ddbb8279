"""How to cite the site or one of its pages: Chicago (notes-bibliography, as for a web page: CMOS
14.206), BibTeX and CSL-JSON, from site.yaml's editors (else its author), title and edition date.

Pure: the template shows the three forms as text (nothing to run to read or copy them). A page's
address is given only when the site has a base URL: a relative address cites nothing. The Chicago form's
own words ("ed.", "Edition of") and its date are in the site's language (the engine's catalog); BibTeX and
CSL-JSON are data, the same in every language.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from markupsafe import Markup, escape

from . import dates
from .catalogs import N_, engine
from .model import Site
from .sources import join_names, words
from .typography import nested

EDITOR, EDITORS, EDITION = N_("ed."), N_("eds."), N_("Edition of {date}")
_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_NOT_IN_KEY = re.compile(r"[^A-Za-z0-9:_-]")


def _people(site: Site) -> list[str]:
    return [e.name for e in site.editors] or ([site.author] if site.author else [])


def _bibtex(value: str) -> str:
    """A BibTeX field value: its special characters escaped, braced whole so that case is kept."""
    def sub(m):
        ch = m[1]
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(ch, "\\" + ch)
    return "{" + _BIBTEX_SPECIAL.sub(sub, value) + "}"


def citation(site: Site, title: str | None, url: str | None, edition: str, key: str) -> dict:
    """{"chicago": Markup, "bibtex": str, "csl": str} for a page titled `title` (None: the whole site)."""
    return _page(_Shared.of(site, edition), title, url, key)


class Citations:
    """The templates' cite(site, title, url, edition, key): citation(), with what every page shares (the
    site's editors, title and edition in each form) made once for the last site and edition asked for:
    made for each page, it was a seventh of an event page's rendering."""

    def __init__(self):
        self._last: tuple | None = None

    def __call__(self, site: Site, title: str | None, url: str | None, edition: str, key: str) -> dict:
        last = self._last
        if last is None or last[0] is not site or last[1] != edition:
            last = self._last = (site, edition, _Shared.of(site, edition))
        return _page(last[2], title, url, key)


class _Shared(NamedTuple):
    """The parts of a citation that are the same for every page of a site and edition."""
    site: Site
    byline: list[str]         # Chicago's "Editors, eds." (escaped, with its full stop), or nothing
    after_title: list[str]    # Chicago's site title and edition, each with its full stop
    authors: list[tuple]      # BibTeX's author field, or nothing
    edition_fields: list[tuple]  # BibTeX's year and note, or nothing
    csl: dict                 # CSL-JSON's editors or authors and date, each value encoded (_encoded)

    @classmethod
    def of(cls, site: Site, edition: str) -> "_Shared":
        people = _people(site)
        edition_date = dates.parse(edition) if edition else None
        shown = edition_date.display() if edition_date else ""
        _ = engine(site.language or "en").gettext
        # Chicago: Editors, eds. "Page." Site. Edition of date. URL.
        byline = []
        if people:
            names = join_names(people, words(site.language or "en"))
            plural = _(EDITORS) if len(people) > 1 else _(EDITOR)
            author = f'<span lang="en">{escape(names)}</span>' if "author" in site.english else str(escape(names))
            byline.append(f"{escape(names)}, {plural}" if site.editors else author)
        lang = ' lang="en"' if "title" in site.english else ""   # a translated edition's title not yet translated
        after_title = [f"<cite{lang}>{escape(site.title)}</cite>"]
        if shown:
            after_title.append(str(escape(dates.phrase_in(EDITION, edition_date, site.language or "en"))))
        # BibTeX: one @misc entry; editors as authors (braced whole: a name of an organisation is not
        # split into given and family names).
        authors = [("author", "{" + " and ".join(_bibtex(p) for p in people) + "}")] if people else []
        edition_fields = [("year", _bibtex(str(edition_date.gregorian[0]))),
                          ("note", _bibtex(f"Edition of {shown}"))] if edition_date else []
        # CSL-JSON: a web page within the site (or the site itself).
        csl = {}
        if people:
            csl["author" if not site.editors else "editor"] = [{"literal": p} for p in people]
        if edition_date:
            csl["issued"] = {"date-parts": [[n for n in edition_date.gregorian if n]]}
        return cls(site, [_stop(p) for p in byline], [_stop(p) for p in after_title], authors, edition_fields,
                   {key: _encoded(value) for key, value in csl.items()})


def _stop(part: str) -> str:
    return part if part.endswith((".", ".”")) else part + "."


def _quoted_title(title: str) -> str:
    """A page's title inside Chicago's double quotes, with its full stop as the bibliography sets one
    (sources): its own double quotes become single (‘Manza War’).”), and its own ? or ! is its stop."""
    title = nested(title)
    return str(escape(title if title.endswith((".", "?", "!", "…")) else title + "."))


def _page(shared: _Shared, title: str | None, url: str | None, key: str) -> dict:
    site = shared.site
    parts = list(shared.byline)
    if title is not None:
        parts.append(f"“{_quoted_title(title)}”")
    parts += shared.after_title
    if url:
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>.')
    chicago = " ".join(parts)
    fields = list(shared.authors)
    fields.append(("title", _bibtex(title if title is not None else site.title)))
    if title is not None:
        fields.append(("howpublished", _bibtex(site.title)))
    fields += shared.edition_fields
    if url:
        fields.append(("url", _bibtex(url)))
    bibkey = _NOT_IN_KEY.sub("", key) or "timeline"
    bibtex = "@misc{" + bibkey + ",\n" + ",\n".join(f"  {k} = {v}" for k, v in fields) + "\n}"
    item = {"id": bibkey, "type": "webpage", "title": title if title is not None else site.title}
    if title is not None:
        item["container-title"] = site.title
    if url:
        item["URL"] = url
    return {"chicago": Markup(chicago), "bibtex": bibtex, "csl": _csl_json({**item, **shared.csl})}


class _Json(str):
    """A value of a CSL-JSON item already encoded, as it stands among the item's members."""


def _encoded(value) -> _Json:
    return _Json(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).replace("\n", "\n    "))


# What json.dumps(text, ensure_ascii=False) gives for a str, without the encoder it makes for each call.
_string = json.encoder.encode_basestring


def _csl_json(item: dict) -> str:
    """json.dumps([item], ensure_ascii=False, indent=2, sort_keys=True), each text value encoded by
    json's C encoder (given an indent, json encodes in Python: a page's citation took 34 µs, then 25;
    the text of a key or a value by the encoder's own function: 18 µs, now 10), each _Json as it is."""
    def member(key: str, value) -> str:
        shown = value if isinstance(value, _Json) else _string(value) if type(value) is str else \
            json.dumps(value, ensure_ascii=False)
        return f"    {_string(key)}: {shown}"
    return "[\n  {\n" + ",\n".join(member(key, value) for key, value in sorted(item.items())) + "\n  }\n]"
