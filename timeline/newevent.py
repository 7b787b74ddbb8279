"""`timeline new`: write a new event file from a title and a date, with the fields to fill in."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

from .dates import JULIAN_ENDED, julian_too_late, parse as parse_date
from .characters import refused_character

SLUG_LIMIT = 80  # characters of title in a file name: well under the 255 bytes a file name may have
# Latin letters that NFKD leaves whole (no base letter plus accent), written as English writes them:
# without this, "Straße of Łódź" was named strae-of-odz.
_WHOLE_LETTERS = str.maketrans({"ß": "ss", "ẞ": "SS", "Ł": "L", "ł": "l", "Æ": "AE", "æ": "ae", "Ø": "O",
                                "ø": "o", "Œ": "OE", "œ": "oe", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d",
                                "Þ": "Th", "þ": "th", "ı": "i", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t"})


def slugify(text: str, limit: int | None = None) -> str:
    """The file-name form of a title: ASCII letters and digits joined by hyphens. With `limit`, cut
    at the last hyphen within it, keeping whole words ("" when the first word alone is longer)."""
    text = unicodedata.normalize("NFKD", text.translate(_WHOLE_LETTERS)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if limit is not None and len(slug) > limit:
        slug = slug[:max(slug.rfind("-", 0, limit + 1), 0)]
    return slug


def _yaml_str(key: str, value) -> str:
    """`key: value` as one line of YAML, escaped by the YAML library whatever `value` holds (control
    characters, quotes, `]`, line breaks). Always double-quoted: PyYAML's plain and single-quoted
    styles fold some line separators (U+0085, U+2028) into spaces."""
    import yaml

    if isinstance(value, list):
        return f"{key}: [" + ", ".join(_yaml_str("", item)[2:] for item in value) + "]"
    return f"{key}: " + yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


def _site(src: Path):
    """site.yaml as the build reads it, for the span, eras and theme ids; None when it has errors, which
    are printed with a warning that these went unchecked (`new` then checks only the form of what it
    writes; `check` reports site.yaml)."""
    from .content import load_site
    from .diagnostics import Report

    report = Report()
    try:
        site = load_site(src, report, None)
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with site.yaml is for `check` to say
        site = None
        print(f"timeline new: warning: {src}/site.yaml could not be read ({type(exc).__name__})", file=sys.stderr)
    errors = [d for d in report.sorted() if d.severity == "error"]
    for d in errors:
        print(f"{d}", file=sys.stderr)
    if site is None or errors:
        # Said, not silent: the event is written all the same, but nothing vouches for its date or themes.
        print(f"timeline new: warning: {src}/site.yaml has errors (timeline check lists them): the span and theme "
              "ids were not checked", file=sys.stderr)
        return None
    return site


def _new_problems(args, date, site) -> list[str]:
    from .content import SLUG

    problems = []
    try:
        args.title.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("title: is not valid text (it holds bytes that are not UTF-8)")
    else:
        refused = refused_character(args.title)
        if refused:   # `check` would refuse the file written
            problems.append(f"title: holds the control character {refused} (a paste from a PDF?): delete it")
    if not slugify(args.title):
        problems.append("title: needs at least one Latin letter or digit for the file name (events are named "
                        "in English; a translation goes under translations/)")
    elif not slugify(args.title, SLUG_LIMIT):
        problems.append(f"title: its first word makes a file name of {len(slugify(args.title).split('-')[0])} "
                        f"characters; the limit is {SLUG_LIMIT} characters: shorten the title")
    if len(set(args.theme)) != len(args.theme):
        problems.append("theme: a theme is given twice")
    for theme in dict.fromkeys(args.theme):
        if not SLUG.match(theme):
            problems.append(f"theme: {theme!r} is not a valid theme id (lower-case letters, digits, hyphens)")
        elif site is not None and theme not in [t.id for t in site.themes]:
            problems.append(f"theme: '{theme}' is not a theme of site.yaml ({', '.join(t.id for t in site.themes)})")
    if julian_too_late(date):
        problems.append(f"date: {JULIAN_ENDED} (leave out --julian)")
    year = date.gregorian[0]
    if site is not None and not site.span_start <= year <= site.span_end:
        problems.append(f"date: {date.source_text()} is outside the timeline's span "
                        f"({site.span_start}–{site.span_end}, site.yaml)")
    elif site is not None and site.eras and not any(era.start <= year <= era.end for era in site.eras):
        # as check says of the file (crosscheck): an event belongs to an era
        problems.append(f"date: no era in site.yaml covers {year} ("
                        + ", ".join(f"{era.id}: {era.start}–{era.end}" for era in site.eras) + ")")
    return problems


def cmd_new(args) -> int:
    try:
        date = parse_date(args.date, "julian" if args.julian else "gregorian")
    except ValueError as exc:
        print(f"timeline new: date: {exc}", file=sys.stderr)
        return 1
    if not (args.src / "site.yaml").is_file():
        print(f"timeline new: {args.src}/site.yaml not found: is --src the content folder?", file=sys.stderr)
        return 1
    problems = _new_problems(args, date, _site(args.src))
    for problem in problems:
        print(f"timeline new: {problem}", file=sys.stderr)
    if problems:
        return 1
    slug = _without_year(slugify(args.title, SLUG_LIMIT), date.year)
    # Four digits, as the date is written and as ids sort: year 1 is 0001, not 1.
    path = args.src / "events" / f"{date.year:04d}-{slug}.yaml"
    if path.exists():
        print(f"timeline new: {path} already exists; not overwritten", file=sys.stderr)
        return 1
    holder = _holder_of_former_id(args.src / "events", path.stem)
    if holder is not None:
        print(f"timeline new: {path.stem} is a former id of {holder} (its aliases), whose page that address leads "
              f"to: choose another title, or take the id out of that event's aliases first", file=sys.stderr)
        return 1
    if path.parent.exists() and not path.parent.is_dir():
        print(f"timeline new: {path.parent}: is not a folder", file=sys.stderr)
        return 1
    text = _new_event_text(args, date)
    if text is None:
        print("timeline new: title: cannot be written as YAML that reads back the same", file=sys.stderr)
        return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except OSError as exc:  # made meanwhile; events/ is a file, a read-only folder; a full disk
        why = "already exists; not overwritten" if isinstance(exc, FileExistsError) and exc.filename == str(path) \
            else exc.strerror or str(exc)
        print(f"timeline new: {exc.filename or path}: {why}", file=sys.stderr)
        return 1
    shortened = f" (the file name keeps the title's first words: at most {SLUG_LIMIT} characters)" \
        if slug != _without_year(slugify(args.title), date.year) else ""
    print(f"created {path}{shortened}")
    return 0


def _without_year(slug: str, year: int) -> str:
    # The file name starts with the year: a title that does too ("1727 Treaty") would name it twice.
    for written in dict.fromkeys((str(year), f"{year:04d}")):
        if slug.startswith(written + "-"):
            return slug[len(written) + 1:]
    return slug


def _holder_of_former_id(events: Path, event_id: str) -> Path | None:
    """The event file that lists event_id among its aliases, if any. Only files naming the id are
    parsed, as the build reads them (a pipe, a bomb of YAML aliases); one that cannot be read is for
    `check` to report."""
    from .yamlfile import YamlSyntaxError, parse, read_text

    for path in sorted(events.glob("*.yaml")) if events.is_dir() else ():
        try:
            text = read_text(path)
            if event_id not in text:
                continue
            data = parse(text).data
        except YamlSyntaxError:   # InputError too: a file that cannot be read
            continue
        aliases = data.get("aliases") if isinstance(data, dict) else None
        if event_id == aliases or isinstance(aliases, list) and event_id in aliases:
            return path
    return None


def _new_event_text(args, date) -> str | None:
    """The new event file's text; None if the YAML would not read back as the values given."""
    import yaml

    values = {"title": args.title, "date": date.source_text()}
    # The schema line gives editors completion and checking in any editor with the YAML language server.
    lines = ["# yaml-language-server: $schema=../event.schema.json",
             _yaml_str("title", values["title"]), _yaml_str("date", values["date"])]
    if args.julian:
        lines.append("calendar: julian        # the date above is Old Style")
        values["calendar"] = "julian"
    if args.theme:
        values["themes"] = list(args.theme)
        lines.append(_yaml_str("themes", values["themes"]))
    else:
        lines.append("themes: []            # e.g. [territory, diplomacy]")
    lines += ["significance: notable   # major | notable | minor",
              'summary: ""             # one or two sentences in your own words, with [@source-key] citations',
              "# body: |\n#   Longer text for the event page; cite every claim: [@source-key, p. 12].",
              "# names: {zh: ..., ru: ...}", "# place: ...", "# sources: [source-key]", "# related: [event-id]", ""]
    text = "\n".join(lines)
    read_back = yaml.safe_load(text)
    # A guard: the YAML library escapes everything.
    return text if {key: read_back.get(key) for key in values} == values else None
