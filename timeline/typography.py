"""Typographic quotes: for plain text that does not go through Markdown (titles, bibliography fields), and
in each language's own form for Markdown in Russian or Chinese; runs of another script marked with their language.

Markdown gets them from cmark's smart option; titles and sources are plain strings, so they get them
here, by the same rules: a quote after a letter or digit closes (or is an apostrophe: O'Neill, the
Ministers'), one at the start of a word opens, and an apostrophe before a digit elides ('90s). Web
addresses keep their straight quotes (they are part of the address). The text is not escaped: this
runs before escaping, on the text as written.
"""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Before an opening quote: the start, a space, an opening bracket or quote, or a dash.
_OPENS_AFTER = set(" \t\n([{“‘«—–-/")


def _quotes(text: str, pair: str = "") -> str:
    out, depth = [], 0
    for i, ch in enumerate(text):
        if ch not in "'\"":
            out.append(ch)
            continue
        before = out[-1] if out else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        opening = (not before or before in _OPENS_AFTER) and after and not after.isspace()
        if ch == '"' and pair:   # a language's own form, the quotes opened and closed in turn (language_quotes)
            mark, depth = _mark(_turned(opening, depth > 0, before, after), depth, pair)
            out.append(mark)
        elif ch == '"':
            out.append("“" if opening else "”")
        elif opening and after.isdigit():
            out.append("’")   # an elision: '90s
        else:
            out.append("‘" if opening else "’")
    return "".join(out)


def quotes(text: str, language: str = "") -> str:
    """text with straight quotes made typographic, except inside web addresses; double ones in the form
    of the text's language where it has its own (as language_quotes: not where quotes are also typed)."""
    if "'" not in text and '"' not in text:
        return text
    pair = "" if any(q in text for q in _TYPED) else _DOUBLE.get(language.split("-")[0], "")
    out, end = [], 0
    for match in _ADDRESS.finditer(text):
        out.append(_quotes(text[end:match.start()], pair))
        out.append(match[0])
        end = match.end()
    out.append(_quotes(text[end:], pair))
    return "".join(out)


def nested(title: str) -> str:
    """A title about to be set in double quotes: its own double quotes become single (CMOS 6.11)."""
    return title.replace("“", "‘").replace("”", "’")


# A run of Chinese characters (with the CJK punctuation, dashes and digits between them), and one of Cyrillic words (with
# the spaces, digits and punctuation between them), each from a letter of its script to another.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CYRILLIC = "\u0400-\u04ff"
_RUNS = re.compile(f"(?P<zh>[{_HAN}](?:[{_HAN}\u3000-\u303f\uff01-\uff5e0-9·—–…“”‘’]*[{_HAN}])?)"
                   f"|(?P<ru>[{_CYRILLIC}](?:[{_CYRILLIC}0-9 .,:;!?«»„“”’–—-]*[{_CYRILLIC}])?)")


_SCRIPTS = re.compile(f"[{_HAN}{_CYRILLIC}]")
_OTHER = {"zh": re.compile(f"[{_CYRILLIC}]"), "ru": re.compile(f"[{_HAN}]")}


def has_runs(text: str) -> bool:
    """Whether text holds Chinese or Russian (which scripts_marked marks)."""
    return not text.isascii() and _SCRIPTS.search(text) is not None


_TAG = re.compile(r"(<[^>]*>)")
# Text a span must not go into: code, kept as typed, and an address, a span in which would cut it in two
# for the reader (a link's text is often its address; autolinks always are).
_VERBATIM = re.compile(r"<(/?)(?:code|pre)\b", re.IGNORECASE)
# A mail address only from a word's start: tried at every character, a text with no spaces (Chinese) took
# time growing with the square of its length.
_ADDRESS_TEXT = re.compile(r"(?:https?://|www\.|mailto:)\S+|(?<!\S)[^\s@]+@[^\s@]+\.\S+", re.IGNORECASE)


def scripts_marked(html: str, own: str = "") -> str:
    """Escaped text or HTML with each run of Chinese or Russian outside its tags in a span of its
    language: a screen reader reads a page in its language's voice, and reads a run of another script
    in it as nonsense or not at all (WCAG 3.1.2). Runs in the language of the text itself (own:
    "zh-Hans", "ru"), inside <code> or <pre>, or in a web or mail address are left as they are."""
    own = own.split("-")[0]
    other = _OTHER.get(own, _SCRIPTS)   # a script other than the text's own: most texts have none
    if html.isascii() or not other.search(html):
        return html
    parts, verbatim = _TAG.split(html), 0
    for i, part in enumerate(parts):
        if i % 2:
            tag = _VERBATIM.match(part)
            verbatim += (-1 if tag[1] else 1) if tag else 0
        elif not verbatim and other.search(part):
            parts[i] = _outside_addresses(part, lambda text: _runs_marked(text, own))
    return "".join(parts)


# Quotes and brackets a run may hold: a span holds both of a pair or neither («КНР», not «КНР).
_CLOSERS = {"«": "»", "“": "”", "‘": "’", "„": "“", "(": ")", "（": "）", "《": "》", "「": "」", "『": "』", "【": "】"}
_PAIRS = re.compile("[" + re.escape("".join(_CLOSERS) + "".join(_CLOSERS.values())) + "]")


def _runs_marked(text: str, own: str) -> str:
    out, end = [], 0
    for m in _RUNS.finditer(text):
        if m.lastgroup == own or m.start() < end or m.lastgroup == "zh" and _japanese(text, m.start(), m.end()):
            continue
        start, stop = _paired(text, m.start(), m.end(), end)
        out += [text[end:start], f'<span lang="{m.lastgroup}">{text[start:stop]}</span>']
        end = stop
    return "".join(out + [text[end:]])


_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_CJK_PUNCTUATION = re.compile("[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")


def _japanese(text: str, start: int, stop: int) -> bool:
    """Whether kana stand next to the run of Chinese characters text[start:stop], or past the CJK punctuation
    around it (東京へ, 『東京物語』は): the run is then Japanese, left unmarked rather than read in a Chinese voice."""
    while start > 0 and _CJK_PUNCTUATION.match(text, start - 1):
        start -= 1
    while stop < len(text) and _CJK_PUNCTUATION.match(text, stop):
        stop += 1
    return start > 0 and _KANA.match(text, start - 1) is not None or _KANA.match(text, stop) is not None


def _paired(text: str, start: int, stop: int, first: int) -> tuple[int, int]:
    """The run text[start:stop] widened by the quote or bracket after or before it (not before first)
    that closes or opens one it holds alone, as long as there is one."""
    from collections import Counter

    # Counted once and kept up as the run grows: counted again at each step, a run holding many quotes
    # alone took time growing with the square of its length.
    held = Counter(_PAIRS.findall(text, start, stop))
    widened = bool(held)   # most runs hold none
    while widened:
        widened = False
        for opener, closer in _CLOSERS.items():
            if held[opener] > held[closer] and text.startswith(closer, stop):
                held[closer], stop, widened = held[closer] + 1, stop + 1, True
            elif held[closer] > held[opener] and start > first and text[start - 1] == opener:
                held[opener], start, widened = held[opener] + 1, start - 1, True
            if widened:
                break
    return start, stop


def _outside_addresses(text: str, change) -> str:
    out, end = [], 0
    for match in _ADDRESS_TEXT.finditer(text):
        out += [change(text[end:match.start()]), match[0]]
        end = match.end()
    return "".join(out + [change(text[end:])])


# The double quotes each language sets: Russian «ёлочки» (Мильчин и Чельцова, «Справочник издателя и
# автора»), Chinese “” (GB/T 15834—2011, 引号).
# A language's double quotes, then those inside them: Russian «…„…“…», Chinese “…‘…’…” (GB/T 15834—2011).
_DOUBLE = {"ru": "«»„“", "zh": "“”‘’"}
_TYPED = ("“", "”", "«", "»", "„")
_BLOCK = re.compile(r"<(?:p|li|h[1-6]|td|th|blockquote|dd|dt)\b", re.IGNORECASE)
_BLOCK_EDGE = re.compile(r"</?(?:p|li|h[1-6]|td|th|tr|blockquote|dd|dt|ul|ol|pre|table)\b|<br\b", re.IGNORECASE)


def language_quotes(html: str, source: str, own: str) -> str:
    """cmark's typographic double quotes, made from straight ones typed in a Russian or Chinese text, in
    that language's form. cmark closes a quote that has a letter on each side (他说"你好" came out 他说”你好”,
    as Chinese puts no space before a quote): such a quote opens when none is open in its paragraph.
    A text that also holds typed quotes is left as cmark made it (which were the editor's is not known)."""
    pair = _DOUBLE.get(own.split("-")[0])
    if not pair or '"' not in source or any(q in source for q in _TYPED):
        return html
    parts, verbatim, depth = _TAG.split(html), 0, 0
    for i, part in enumerate(parts):
        if i % 2:
            tag = _VERBATIM.match(part)
            verbatim += (-1 if tag[1] else 1) if tag else 0
            depth = 0 if _BLOCK.match(part) else depth
        elif not verbatim and ("“" in part or "”" in part):
            chars = list(part)
            for at, char in enumerate(chars):
                if char in "“”":
                    opens = _turned(char == "“", depth > 0, _shown(parts, i, at - 1, -2), _shown(parts, i, at + 1, 2))
                    chars[at], depth = _mark(opens, depth, pair)
            parts[i] = "".join(chars)
    return "".join(parts)


def _mark(opens: bool, depth: int, pair: str) -> tuple[str, int]:
    """The mark of a double quote that opens or closes where `depth` quotes are open, and the depth after
    it: a quote inside a quote in the language's inner form (pair: _DOUBLE's; «о «Дружбе» и союзе» was
    written with the outer marks twice)."""
    if opens:
        return pair[2 if depth else 0], depth + 1
    depth = max(depth - 1, 0)
    return pair[3 if depth else 1], depth


def _turned(opening: bool, opened: bool, before: str, after: str) -> bool:
    """Whether a quote opens, where `opening` is what the spaces around it say (cmark's rule, made for
    English): one that would close while none is open and has a letter after it opens (他说"你好", no space
    in Chinese); one that would open while one is open and stands against the text before it closes
    (你好。"[@k], which cmark opened after the full stop)."""
    if not opening:
        return not opened and after[:1].isalnum()
    return not opened or not before or before.isspace()


def _shown(parts: list, i: int, at: int, step: int) -> str:
    """The character shown at parts[i][at], else the nearest one shown past the end of the part in the direction
    of step (2: after it, past inline tags; -2: before it); "" at the end of the text or of its block."""
    while not 0 <= at < len(parts[i]):
        i += step
        if not 0 <= i < len(parts) or _BLOCK_EDGE.match(parts[i - step // 2]):
            return ""
        at = 0 if step > 0 else len(parts[i]) - 1
    return parts[i][at]
