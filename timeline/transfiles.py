"""What a language's folder of translations holds that nothing reads, each reported with a hint at the
name that would be read: a .yml file where .yaml is read, a name close to one that is (event/ for
events/), an event's or page's translation outside its folder, any other file (a warning)."""

from __future__ import annotations

import difflib
import os
import re

from .diagnostics import Report
from .languages import shown_path

FOLDERS = {"events": ".yaml", "pages": ".md", "glossary": ".yaml"}   # each folder read, and what it reads
KINDS = {"events": "event", "pages": "page", "glossary": "glossary"}
# Another spelling of the suffix read: the same mistake as an English events/x.yml, an error as it is.
NEAR = {".yaml": (".yml", ".YAML", ".YML"), ".md": (".markdown", ".MD")}
LAYOUT = "a language's folder holds events/, pages/, glossary/ and site.yaml"
# Editors' backup and swap files, which sit beside what they save and are nobody's mistake.
EDITORS = re.compile(r"~$|^#.*#$|\.(?:sw[a-px]|bak|orig|tmp)$")


def _names(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []   # reading the folder itself reports why it cannot be read
    return sorted(n for n in names if not n.startswith(".") and not EDITORS.search(n))


def _close(word: str, choices) -> str | None:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def _stem(name: str, suffixes) -> str | None:
    """The name without the first of suffixes it ends in, or None."""
    return next((name[:-len(s)] for s in suffixes if name.endswith(s)), None)


def unread(folder: str, events, pages, report: Report) -> set[str]:
    """Report what nothing reads in folder (translations/<code>/), given the English event ids and page
    slugs; return the paths read ("events/<id>.yaml", "site.yaml") whose texts are there under a wrong
    name, of which 'not translated yet' would only repeat the error."""
    covered: set[str] = set()
    for name in _names(folder):
        path = os.path.join(folder, name)
        if name in FOLDERS:
            if os.path.isdir(path):   # else the reading of its translations reports what it is
                covered |= _inside(path, name, report)
        elif os.path.isdir(path):
            close = _close(name, FOLDERS)
            if close:
                report.error(shown_path(path), None, None, f"a folder nothing reads (did you mean {close}/?): its "
                                                          f"translations are ignored")
                covered |= _inside(path, close, report, quiet=True)
            else:
                report.warning(shown_path(path), None, None, f"a folder nothing reads: {LAYOUT}")
        elif name != "site.yaml":
            covered |= _top_file(path, name, {"events": events, "pages": pages}, report)
    return covered


def _top_file(path: str, name: str, english: dict, report: Report) -> set[str]:
    """A file beside site.yaml: an error when it is meant to be read elsewhere, else a warning."""
    rel = shown_path(path)
    for folder, known in english.items():
        suffix = FOLDERS[folder]
        stem = _stem(name, (suffix,) + NEAR[suffix])
        if stem in known:
            report.error(rel, None, None, f"the translation of {KINDS[folder]} '{stem}' goes in {folder}/ (this one "
                                          f"is ignored)")
            return {f"{folder}/{stem}{suffix}"}
    if _close(name.split(".")[0], {"site"}):
        report.error(rel, None, None, "the site's texts go in site.yaml (this one is ignored)")
        return {"site.yaml"}
    else:
        report.warning(rel, None, None, f"a file nothing reads: {LAYOUT}")
    return set()


def _inside(folder: str, meant: str, report: Report, quiet: bool = False) -> set[str]:
    """What nothing reads in a folder of translations (meant: the folder it is, or is a misspelling of),
    reported unless quiet (the folder's own error covers it); the paths read that its files stand for."""
    suffix, kind = FOLDERS[meant], KINDS[meant]
    covered = set()
    for entry in _names(folder):
        path = os.path.join(folder, entry)
        stem = None if os.path.isdir(path) else _stem(entry, (suffix,) + NEAR[suffix])
        if stem is not None and (quiet or not entry.endswith(suffix)):
            covered.add(f"{meant}/{stem}{suffix}")
        if quiet or entry.endswith(suffix):   # read (a folder so named is reported as it is read)
            continue
        if stem is not None:
            report.error(shown_path(path), None, None, f"{kind} files end in {suffix} (this one is ignored)")
        else:
            report.warning(shown_path(path), None, None,
                           f"nothing reads this: {kind} files in {meant}/ end in {suffix}")
    return covered
