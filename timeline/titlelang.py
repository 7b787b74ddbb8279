"""The language a source's title is written in, where the engine can know it, and bibliography entries of
another style (citestyles) marked with it and with their runs of Chinese and Russian (WCAG 3.1.2)."""

from __future__ import annotations

import re

from markupsafe import escape

from .model import Source
from .typography import has_runs, scripts_marked

_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def title_language(source: Source) -> str:
    """The language of a title in Latin letters, where the engine can know it (Chinese and Russian are
    known by their script: scripts_marked): a description standing in for a title is in the editors'
    words, English; a title as published is in the source's `language:`, unless that is Chinese or Russian
    (a title in Latin letters is then a transcription or a translation). "" where nothing says: a
    source without `language:` may be in English, French or German alike."""
    if has_runs(source.title):
        return ""
    if source.fields.get("descriptive-title"):
        return "en"
    language = str(source.fields.get("language") or "")
    return language if _LANGUAGE_TAG.fullmatch(language) and language.split("-")[0] not in ("zh", "ru") else ""


def entry_marked(source: Source, html: str, code: str) -> str:
    """A bibliography entry of another style (citestyles: the title plain and escaped in it) as the
    edition of code shows it: its runs of Chinese and Russian marked, and its title with its language."""
    html, language = scripts_marked(html, code), title_language(source)
    title = str(escape(source.title))
    at = html.find(title) if language and language.split("-")[0] != code.split("-")[0] else -1
    if at < 0 or html.rfind("<", 0, at) > html.rfind(">", 0, at):   # not found, or inside a tag
        return html
    return f'{html[:at]}<span lang="{language}">{title}</span>{html[at + len(title):]}'
