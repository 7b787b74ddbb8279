"""Problems found in the content, each tied to a file and line."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .characters import BIDI


EXCERPT = 60
# Control characters (C0, DEL, C1) and bidirectional controls in a message, as a file's name or a value
# may hold them: written to a terminal, ESC [ 2K and a carriage return hid the name of the file at
# fault, ESC ] retitled it, and U+202E reversed the rest of the line (in terminals and CI logs that
# reorder text).
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}]")


def excerpt(value, limit: int = EXCERPT) -> str:
    """A value as quoted in a message: at most limit characters, on one line (a file may hold
    megabytes in one value, or be a link to /etc/passwd)."""
    text = " ".join(str(value).split()) if len(str(value)) < 100 * limit else " ".join(str(value)[:2 * limit].split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _short(message: str) -> str:
    """Messages quote excerpts already; this bounds one that quotes a whole value all the same,
    keeping its end, which usually says what is wrong."""
    if len(message) <= 5 * EXCERPT:
        return message
    return message[:3 * EXCERPT - 1] + "…" + message[-2 * EXCERPT:]


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    message: str = ""
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        text = self.message if self.severity == "error" else f"warning: {self.message}"
        return _CONTROL.sub(_escaped, ": ".join(parts + [text]))


def _escaped(match) -> str:
    point = ord(match[0])
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


@dataclass
class Report:
    """Collects every problem of a run so all of them are shown at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path, line=None, field=None, message="", column=None) -> None:
        self.items.append(Diagnostic(str(path), line, column, field and excerpt(field), _short(message), "error"))

    def warning(self, path, line=None, field=None, message="", column=None) -> None:
        self.items.append(Diagnostic(str(path), line, column, field and excerpt(field), _short(message), "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=lambda d: (d.path, d.line or 0, d.column or 0, d.field or "", d.message))



def suggest(word, choices) -> str:
    """" (did you mean 'x'?)" for the closest of choices to a mistyped word, or "" when none is close."""
    match = difflib.get_close_matches(str(word), sorted(map(str, choices)), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
