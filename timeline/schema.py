"""JSON Schemas: one for the event files editors write, one for the events.json export.

The event-file schema is derived from the validator's own constants (timeline.content, timeline.model,
timeline.dates) so that an editor's completion can never promise a field the build rejects. A copy lives
in the repo at site_src/event.schema.json for `# yaml-language-server: $schema=../event.schema.json`;
`python -m timeline.schema` rewrites it, and tests/test_exports.py fails when it is stale.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from . import content, dates
from .diagnostics import Report
from .model import SIGNIFICANCE

DRAFT = "http://json-schema.org/draft-07/schema#"
CALENDARS = ("gregorian", "julian")
REPO_COPY = "event.schema.json"   # beside site.yaml, inside the content folder

# Hover text in the editor. Keyed like content.EVENT_FIELDS; a test keeps the two sets equal.
EVENT_FIELD_DOCS = {
    "title": "The event's name as a reader sees it, e.g. 'Treaty of Nerchinsk'.",
    "date": "YYYY, YYYY-MM or YYYY-MM-DD; a trailing ~ marks it approximate, ? uncertain (quote those).",
    "calendar": "Only for Old Style dates: 'julian'. The site then shows both O.S. and N.S.",
    "end": "End of a span, same form and calendar as date.",
    "names": "The event's name in other languages, keyed by language code: {zh: 尼布楚条约, ru: Нерчинский договор}.",
    "place": "Where it happened: the id of a place in places.yaml, or a list of ids; leave it out when no "
             "single place fits (a policy, a war on several fronts).",
    "themes": "One to three theme ids from site.yaml; the first is the main one.",
    "significance": "How prominently the event is shown.",
    "summary": "One or two sentences of Markdown shown in lists; citations as [@key] or [@key, p. 12].",
    "body": "Longer Markdown for the event page; cite every claim.",
    "sources": "Keys of sources.yaml entries that support the event as a whole.",
    "related": "Ids (file names without .yaml) of other events.",
    "aliases": "The event's former ids (file names it had, without .yaml): their addresses send readers to "
               "its page.",
}


def _ecma(pattern: str) -> str:
    """A Python pattern both Python's re and ECMA-262 (editors) accept: no (?P<name>...) groups."""
    return re.sub(r"\(\?P<\w+>", "(", pattern)


def _one_or_many(item: dict) -> dict:
    # The loader accepts a lone string where a list is expected (themes: territory).
    return {"anyOf": [item, {"type": "array", "items": item, "uniqueItems": True}]}


def event_file_schema(theme_ids=(), place_ids=()) -> dict:
    """Schema of one site_src/events/<id>.yaml file; with theme and place ids, themes complete from
    site.yaml and places from places.yaml."""
    slug = {"type": "string", "pattern": _ecma(content.SLUG.pattern)}
    date = {"anyOf": [{"type": "string", "pattern": _ecma(dates.DATE_PATTERN.pattern)},
                      {"type": "integer", "minimum": 1, "maximum": 9999}]}
    theme = {"type": "string", "enum": sorted(theme_ids)} if theme_ids else slug
    props = {
        "title": {"type": "string", "minLength": 1},
        "date": date,
        "calendar": {"type": "string", "enum": list(CALENDARS)},
        "end": date,
        "names": {"type": "object", "propertyNames": {"pattern": _ecma(content.LANG.pattern)},
                  "additionalProperties": {"type": "string"}},
        "place": _one_or_many({"type": "string", "enum": sorted(place_ids)} if place_ids else slug),
        "themes": {"anyOf": [theme, {"type": "array", "items": theme, "minItems": 1, "uniqueItems": True}]},
        "significance": {"type": "string", "enum": list(SIGNIFICANCE)},
        "summary": {"type": "string", "minLength": 1},
        "body": {"type": "string"},
        "sources": _one_or_many(slug),
        "related": _one_or_many(slug),
        "aliases": _one_or_many({"type": "string", "pattern": _ecma(content.EVENT_ID.pattern)}),
    }
    for name, doc in EVENT_FIELD_DOCS.items():
        props[name] = {"description": doc, **props[name]}
    return {
        "$schema": DRAFT,
        "title": "Timeline event file",
        "description": "One event of the timeline: site_src/events/<id>.yaml, where <id> is the file name.",
        "type": "object",
        "properties": {name: props[name] for name in sorted(props)},
        "required": list(content.EVENT_REQUIRED),
        "additionalProperties": False,
    }


def _export_date(string: dict) -> dict:
    """A date of events.json."""
    return {
        "type": "object",
        "description": "A date at its own precision. iso is proleptic Gregorian (converted from Old Style "
                       "when calendar is julian; an Old Style month, which no Gregorian month is, as its "
                       "year), with an EDTF ~ or ? when approximate or uncertain.",
        "properties": {
            "iso": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?[~?]?$"},
            "precision": {"enum": ["year", "month", "day"]},
            "calendar": {"enum": list(CALENDARS), "description": "The calendar the source gives the date in."},
            "as_written": {"type": "string", "description": "The date as the source gives it (Old Style if julian)."},
            "approximate": {"type": "boolean"},
            "uncertain": {"type": "boolean"},
            "display": string,
        },
        "required": ["iso", "precision", "calendar", "as_written", "approximate", "uncertain", "display"],
        "additionalProperties": False,
    }


def _export_place(ident: dict, string: dict) -> dict:
    """A place of an event of events.json."""
    return {
        "type": "object",
        "properties": {"id": ident, "name": string, "kind": string, "coordinates": {"anyOf": [
            {"type": "null"},
            {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
             "description": "[longitude, latitude] in degrees (WGS 84), as GeoJSON has them."}]}},
        "required": ["id", "name", "kind", "coordinates"], "additionalProperties": False}


def _export_event(ident: dict, string: dict, nullable: dict) -> dict:
    """An event of events.json."""
    date = _export_date(string)
    return {
        "type": "object",
        "properties": {
            "id": ident, "title": string, "url": {"type": "string", "description": "Relative to the site root."},
            "date": date, "end": {"anyOf": [date, {"type": "null"}]}, "date_display": string,
            "names": {"type": "object", "additionalProperties": string},
            "place": {"type": ["string", "null"], "description": "The places' English names, joined."},
            "places": {"type": "array", "items": _export_place(ident, string)},
            "themes": {"type": "array", "items": ident, "minItems": 1},
            "era": ident,
            "significance": {"enum": list(SIGNIFICANCE)},
            "summary_text": string, "summary_html": string, "body_html": string,
            "notes": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "number": {"type": "integer", "minimum": 1},
                    "citations": {"type": "array", "minItems": 1, "items": {
                        "type": "object",
                        "properties": {"source": ident, "locator": nullable},
                        "required": ["source", "locator"], "additionalProperties": False}},
                },
                "required": ["number", "citations"], "additionalProperties": False}},
            "sources": {"type": "array", "items": ident, "uniqueItems": True,
                        "description": "Every source the event cites, as ids into sources.json."},
            "related": {"type": "array", "items": ident, "uniqueItems": True},
            "aliases": {"type": "array", "items": ident, "uniqueItems": True,
                        "description": "The event's former ids: their pages send readers to url."},
            "translations": {
                "type": "object", "description": "The event in each other language of the site, by code.",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"title": string, "url": string, "date_display": string, "summary_text": string,
                                   "summary_html": string, "body_html": string,
                                   "english": {"type": "array", "items": {"enum": ["title", "summary", "body"]},
                                               "description": "Texts not yet translated (the English is given)."},
                                   "stale": {"type": "array", "items": {"enum": ["title", "summary", "body"]},
                                             "description": "Texts translated from an English that has changed "
                                                            "since (the translation is given)."}},
                    "required": ["title", "url", "date_display", "summary_text", "summary_html", "body_html",
                                 "english", "stale"],
                    "additionalProperties": False}},
        },
        "required": ["id", "title", "url", "date", "end", "date_display", "names", "place", "places", "themes", "era",
                     "significance", "summary_text", "summary_html", "body_html", "notes", "sources", "related",
                     "aliases"],
        "additionalProperties": False,
    }


def events_json_schema() -> dict:
    """Schema of the events.json export (timeline.exports.events_json)."""
    string = {"type": "string"}
    nullable = {"type": ["string", "null"]}
    ident = {"type": "string", "pattern": _ecma(content.SLUG.pattern)}
    event = _export_event(ident, string, nullable)
    return {
        "$schema": DRAFT,
        "title": "Timeline events export",
        "type": "object",
        "properties": {
            "$schema": string,
            "title": string,
            "edition": {"type": "string", "description": "The edition date, from the content (never the clock)."},
            "span": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
            "themes": {"type": "array", "items": {
                "type": "object",
                "properties": {"id": ident, "label": string, "colour": string, "description": string},
                "required": ["id", "label", "colour", "description"], "additionalProperties": False}},
            "eras": {"type": "array", "items": {
                "type": "object",
                "properties": {"id": ident, "label": string, "start": {"type": "integer"},
                               "end": {"type": "integer"}, "intro": string},
                "required": ["id", "label", "start", "end", "intro"], "additionalProperties": False}},
            "events": {"type": "array", "items": event},
        },
        "required": ["title", "edition", "span", "themes", "eras", "events"],
        "additionalProperties": False,
    }


def dumps(schema: dict) -> bytes:
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def repo_schema_bytes(src: Path) -> bytes:
    """What site_src/event.schema.json should hold: the schema with the themes of src/site.yaml."""
    site = content.load_site(Path(src), Report(), None)
    return dumps(event_file_schema([t.id for t in site.themes] if site else (),
                                   [p.id for p in content.load_places(Path(src), Report()) or ()]))


def main(argv=None) -> int:
    src = Path((argv or sys.argv[1:] or ["site_src"])[0])
    target = src / REPO_COPY
    target.write_bytes(repo_schema_bytes(src))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
