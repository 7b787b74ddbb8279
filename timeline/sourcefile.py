"""The sources files (sources.yaml, sources/*.yaml) read into Source records, every problem reported."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from .diagnostics import Report, excerpt
from .fields import SLUG, YamlFile, is_url, listed, name_list, parse, private, read, relative, suggest, text_digest
from .incremental import Memo, Stage, digest
from .model import PRIMARY_TYPES, SOURCE_TYPES, Source

SOURCES = Stage("content.sources")   # "sources" -> SourcesRead
SOURCE_FIELDS = {"type", "title", "author", "editor", "container-title", "publisher", "publisher-place",
                 "issued", "URL", "accessed", "archived", "note", "volume", "issue", "page", "language",
                 "original-title", "primary", "genre", "title-short", "descriptive-title"}
# A copy that names its capture: the Wayback Machine's /web/<timestamp>/<address> (a timestamp of 4 to
# 14 digits, optionally with a mode such as id_), or archive.today's short id or dated form.
ARCHIVED = re.compile(r"^https?://(?:web\.archive\.org/web/\d{4,14}(?:[a-z]{2}_)?/(?:https?://)?[^\s/]+\.\S+"
                      r"|archive\.(?:today|ph|is)/(?:[A-Za-z0-9]{4,12}/?|\d{4}\.\d\d\.\d\d-\d{6}/\S+))$")


class SourcesRead(NamedTuple):
    sources: dict
    diagnostics: tuple
    whole: bool                # every sources file could be used


def load_sources(src: Path, report: Report, memo: Memo) -> tuple[dict, bool]:
    """The sources, and whether every sources file could be used."""
    files = [src / "sources.yaml"] if os.path.lexists(src / "sources.yaml") else []
    files += listed(src / "sources", ".yaml", src, report)
    texts = [(path, read(path)) for path in files]
    inputs = digest(os.getcwd(), *(text_digest(path, text) for path, text in texts))

    def make() -> SourcesRead:
        own, unusable = Report(), []
        sources = _read_sources(src, texts, own, unusable)
        return SourcesRead(sources, tuple(own.items), not unusable)

    hit = memo.get(SOURCES, "sources", inputs, make)
    report.items.extend(hit.diagnostics)
    return hit.sources, hit.whole


def _read_sources(src: Path, texts: list, report: Report, unusable: list) -> dict:
    """The sources from (path, text) pairs; files that cannot be used at all are added to unusable."""
    sources: dict[str, Source] = {}
    for path, text in texts:
        f = YamlFile(relative(path, src), report, parse(text))
        if f.doc is None:
            unusable.append(path)
            continue
        if f.doc.data is None:
            continue
        if not isinstance(f.doc.data, dict):
            f.error((), "expected a mapping of citation keys to sources", field="sources")
            unusable.append(path)
            continue
        key_lines = f.doc.top_lines()
        for key_node, _ in f.doc.node.value:
            if key_node.tag != "tag:yaml.org,2002:str":  # ~, 12, true, [a]: not text, so no key
                written = excerpt(key_node.value) if isinstance(key_node.value, str) else "[...]"
                f.report.error(f.rel, key_node.start_mark.line + 1, written,
                               f"'{written}' is not a valid citation key (lower-case letters, digits, hyphens)")
        for key, raw in f.doc.data.items():
            if not isinstance(key, str):
                continue
            if not SLUG.match(key):
                f.error((key,), f"'{excerpt(key)}' is not a valid citation key (lower-case letters, digits, "
                                "hyphens)", field=excerpt(key))
            if key in sources:
                other = sources[key]
                f.error((key,), f"source '{key}' already defined at {other.path}:{other.line}", field=key)
                continue
            source = _source(f, key, raw, key_lines.get(key) or 0)
            if source is not None:
                sources[key] = source
    return sources


def _source(f: YamlFile, key: str, raw, line: int) -> Source | None:
    """One source entry (None if it is not a mapping), each problem reported at its line."""
    entry = f.mapping(raw, (key,), SOURCE_FIELDS, ("type", "title"), what=key)
    if entry is None:
        return None
    kind = f.text(entry.get("type"), (key, "type"))
    if kind and kind not in SOURCE_TYPES:
        f.error((key, "type"), f"unknown source type '{excerpt(kind)}'{suggest(kind, SOURCE_TYPES)}")
    fields = {}
    for name in ("container-title", "publisher", "publisher-place", "note", "volume", "issue", "page",
                 "language", "original-title", "genre", "URL", "archived", "title-short"):
        if entry.get(name) is not None:
            fields[name] = f.text(entry[name], (key, name))
    if fields.get("URL") and not is_url(fields["URL"]):
        f.error((key, "URL"), f"'{fields['URL']}' is not an http(s) URL")
    elif fields.get("URL") and (why := private(fields["URL"])):
        f.warning((key, "URL"), f"'{excerpt(fields['URL'])}' is a private address ({why}): readers elsewhere cannot open "
                  "it, and timeline links does not ask it")
    if fields.get("archived") and not ARCHIVED.match(fields["archived"]):
        f.error((key, "archived"), f"'{fields['archived']}' is not an archived copy: give a Wayback "
                "Machine capture (https://web.archive.org/web/<timestamp>/<address>) or an "
                "archive.today one (https://archive.ph/<id>)")
    issued = f.date(entry["issued"], (key, "issued")) if entry.get("issued") is not None else None
    accessed = f.date(entry["accessed"], (key, "accessed")) if entry.get("accessed") is not None else None
    if fields.get("URL") and accessed is None:
        f.error((key, "URL"), "a web source needs the date it was checked ('accessed')")
    primary = entry.get("primary")
    if primary is not None and not isinstance(primary, bool):
        f.error((key, "primary"), "expected true or false")
        primary = None
    if entry.get("descriptive-title") is not None and not isinstance(entry["descriptive-title"], bool):
        f.error((key, "descriptive-title"), "expected true or false")
    elif entry.get("descriptive-title"):
        fields["descriptive-title"] = "true"  # the title describes the work: shown plain
    return Source(
        key, kind, f.text(entry.get("title"), (key, "title")), fields,
        name_list(f, entry.get("author"), (key, "author"), "author"),
        name_list(f, entry.get("editor"), (key, "editor"), "editor"),
        issued, accessed, kind in PRIMARY_TYPES if primary is None else primary,
        f.rel, line,
        # The lines of the addresses themselves, for `timeline links`.
        {name: f.doc.line(key, name) for name in ("URL", "archived") if fields.get(name)})
