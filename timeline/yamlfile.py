"""Read YAML while keeping the line of every key, so each problem can name its line.

Content files are untrusted: reading refuses anything but a regular file of bounded size (a FIFO
would block for ever, /dev/zero would fill the memory), and parsing refuses aliases that expand
exponentially and nesting deeper than any content needs.
"""

from __future__ import annotations

import errno
import os
import re
import stat

import yaml

from .characters import bidi_at, refused_character
from .diagnostics import excerpt
from .yamldata import built

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: about 8 times faster


class _Loader(_Base):
    """Safe loader that keeps dates as text (timeline.dates parses them and can name the line of a bad
    one), and numbers as written unless they are plain: YAML 1.1 reads 010 as 8, 1:30 as 90, 0x1A
    as 26 and 1_000 as 1000, so a volume "010" showed as 8."""


_YAML = "tag:yaml.org,2002:"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_YAML + "timestamp", _YAML + "int", _YAML + "float")]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_PLAIN = {"int": re.compile(r"^(?:0|-?[1-9][0-9]*)$"), "float": re.compile(
    r"^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?|[-+]?\.[0-9]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")}
_Loader.add_implicit_resolver(_YAML + "int", _PLAIN["int"], list("-0123456789"))
_Loader.add_implicit_resolver(_YAML + "float", _PLAIN["float"], list("-+0123456789."))


def _plain(kind: str):
    """YAML's !!int or !!float, for a number written plainly only (an explicit !!int 0x1A was 26)."""
    make = getattr(yaml.constructor.SafeConstructor, f"construct_yaml_{kind}")

    def construct(loader, node):
        if not _PLAIN[kind].match(loader.construct_scalar(node)):
            raise yaml.constructor.ConstructorError(None, None, f"!!{kind} of a number not written plainly "
                                                    "(write it as text)", node.start_mark)
        return make(loader, node)
    return construct


# Only the plain kinds: !!binary (bytes: a title showed as "b'...'"), !!set, !!timestamp, !!omap and
# !!pairs make values no field takes, and are refused as other tags are.
_Loader.yaml_constructors = {tag: make for tag, make in _Base.yaml_constructors.items()
                             if tag is None or tag[len(_YAML):] in ("null", "bool", "str", "seq", "map")}
_Loader.yaml_constructors.update({_YAML + kind: _plain(kind) for kind in ("int", "float")})


MAX_BYTES = 8 * 1024 * 1024  # the largest input file: far above any bibliography, far below harm
MAX_DEPTH = 50               # nesting of mappings and lists
MAX_VALUES = 100_000         # values in a document with every alias expanded


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int | None, column: int | None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class InputError(YamlSyntaxError):
    """A content file that cannot be read as text: not a file, unreadable, too large, not UTF-8."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_text(path) -> str:
    """The UTF-8 text of a content file (without a byte-order mark), or InputError saying why not.
    The file is checked with stat before it is opened: opening a FIFO blocks until a writer comes."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            raise InputError("cannot read: a broken symbolic link", None, None) from None
        if exc.errno == errno.ELOOP:
            raise InputError("cannot read: a symbolic link loop", None, None) from None
        raise _cannot(exc) from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise InputError(f"cannot read: {kind}, not a file", None, None)
    if st.st_size > MAX_BYTES:
        raise _too_large(st.st_size)
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the stat, opening it still returns.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _cannot(exc) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError("cannot read: not a regular file", None, None)
        try:
            # What stat said, and one byte more to see it grew: a read of MAX_BYTES at once would
            # allocate megabytes for each file (three times slower at 10,000 events).
            data = handle.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += handle.read(MAX_BYTES + 1 - len(data))
        except OSError as exc:
            raise _cannot(exc) from None
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}: {exc.reason}); save the file as UTF-8",
                         data.count(b"\n", 0, exc.start) + 1, exc.start - line_start + 1) from None
    return text[1:] if text.startswith("\ufeff") else text


def _cannot(exc: OSError) -> InputError:
    reason = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else (exc.strerror or str(exc)).lower()
    return InputError(f"cannot read: {reason}", None, None)


def _too_large(size: int) -> InputError:
    return InputError(f"cannot read: {size:,} bytes, more than the {MAX_BYTES // 2 ** 20} MB an input file may have",
                      None, None)


def _key(node: yaml.ScalarNode):
    """A key as the data has it: 1, false and ~ are an int, a bool and None there, so a lookup by the text
    of the key ('1', 'false', '~') never found them, and their problems lost their line."""
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    try:
        return yaml.constructor.SafeConstructor().construct_object(node)
    except yaml.YAMLError:
        return node.value


class Located:
    """A parsed document and its node tree, to look up the line of any key or item."""

    def __init__(self, data, node):
        self.data, self.node = data, node

    def line(self, *path) -> int | None:
        """1-based line of the value at path (keys and list indexes); the nearest parent if absent."""
        node, best = self.node, None
        if node is not None:
            best = node.start_mark.line + 1
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                # The last of repeated keys is the one PyYAML keeps, so report that one.
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and _key(key_node) == step:
                        best = key_node.start_mark.line + 1
                        child = value_node
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                child = node.value[step]
                best = child.start_mark.line + 1
            if child is None:
                return best
            node = child
        return best

    def top_lines(self) -> dict:
        """Line of every top-level key, in one pass (the last of repeated keys wins, as in the data)."""
        node = self.node
        if not isinstance(node, yaml.MappingNode):
            return {}
        return {_key(k): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}

    def value_node(self, *path):
        node = self.node
        for step in path:
            found = None
            if isinstance(node, yaml.MappingNode):
                found = next((v for k, v in node.value if getattr(k, "value", None) == str(step)), None)
            node = found
            if node is None:
                return None
        return node

    def duplicate_keys(self):
        """(dotted key, line) for keys repeated in any mapping: PyYAML silently keeps the last one."""
        found, stack, seen_nodes = [], [(self.node, "")], set()
        while stack:
            node, prefix = stack.pop()
            if id(node) in seen_nodes:  # an alias: its keys were checked where it was defined
                continue
            seen_nodes.add(id(node))
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key_node, value_node in node.value:
                    key = getattr(key_node, "value", None)
                    if isinstance(key, str) and key in seen:
                        found.append((excerpt(f"{prefix}.{key}" if prefix else key), key_node.start_mark.line + 1))
                    seen.add(key)
                    if type(value_node.value) is list:  # only collections hold keys
                        stack.append((value_node, f"{prefix}.{key}" if prefix else str(key)))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((child, f"{prefix}[{i}]") for i, child in enumerate(node.value)
                             if type(child.value) is list)
        return sorted(found, key=lambda item: item[1])


# Where YAML allows an anchor (&name): after a space, a line start or a flow indicator. Prose such
# as "A & B" or "AT&T" does not match, so most files skip the slower walk that follows aliases.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:])&[^\s\[\]{},]", re.M)


def _check_size(root, text: str) -> bool:
    """Refuse nesting deeper than MAX_DEPTH and aliases that expand beyond MAX_VALUES values, before
    anything walks the data (a dozen lines of aliases can stand for billions of values). True: the
    text has anchors, so perhaps aliases."""
    if root is None:
        return False
    # An anchor needs an "&": most files have none, and the pattern tries every character (40 µs a file).
    if "&" in text and _ANCHOR.search(text):  # anchors, so perhaps aliases: count what they expand to
        _check_expansion(root)
        return True
    # A tree: no more values than the text has characters; only its depth is left to check, level
    # by level (quick: this runs on every file).
    level, depth = [root], 1
    while level:
        if depth > MAX_DEPTH:
            raise _too_deep(level[0])
        below = []
        for node in level:
            if type(node) is yaml.MappingNode:
                below.extend(child for pair in node.value for child in pair if type(child.value) is list)
            elif type(node) is yaml.SequenceNode:
                below.extend(child for child in node.value if type(child.value) is list)
        level, depth = below, depth + 1
    return False


def _check_bidi(text: str) -> None:
    at = bidi_at(text)
    if at is not None:
        raise YamlSyntaxError(f"bidirectional control character U+{ord(text[at]):04X} is not allowed: invisible, it "
                              "reorders the text around it; delete it", *_line_and_column(text, at))


def _line_and_column(text: str, at: int) -> tuple[int, int]:
    """1-based, of the character at offset at."""
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def _check_escapes(root) -> None:
    """Refuse in a double-quoted value what the YAML reader refuses in the file itself (a control
    character, a lone surrogate), written as an escape ("\\x1b", "\\0"): it made the feed invalid XML."""
    stack = [root]
    while stack:
        node = stack.pop()
        if type(node) is yaml.ScalarNode:
            found = node.style == '"' and refused_character(node.value)
            if found:
                mark = node.start_mark
                raise YamlSyntaxError(f"control character {found} (written as an escape) is not allowed: delete it",
                                      mark.line + 1, mark.column + 1)
        elif type(node) is yaml.MappingNode:
            stack.extend(child for pair in node.value for child in pair)
        else:
            stack.extend(node.value)


def _too_deep(node) -> YamlSyntaxError:
    mark = node.start_mark
    return YamlSyntaxError(f"YAML nested more than {MAX_DEPTH} levels deep", mark.line + 1, mark.column + 1)


def _check_expansion(root) -> None:
    sizes: dict = {}  # id(node) -> values it stands for, aliases expanded
    stack = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(node)
        children = ([c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            sizes[id(node)] = total = 1 + sum(sizes[id(c)] for c in children)
            if total > MAX_VALUES:
                mark = node.start_mark
                raise YamlSyntaxError(f"YAML aliases expand to more than {MAX_VALUES:,} values here",
                                      mark.line + 1, mark.column + 1)
        elif id(node) not in sizes:
            sizes[id(node)] = 0  # in progress (the composer refuses recursive aliases)
            stack.append((node, depth, True))
            stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)


def _explain(exc, mark, text: str) -> str:
    """PyYAML's message, in the editor's terms for the common mistakes."""
    problem = exc.problem or exc.context or "invalid YAML"
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        tag = problem.rsplit("tag ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag {excerpt(tag)} is not allowed here (content files are plain YAML)"
    if isinstance(exc, yaml.composer.ComposerError) and "another document" in problem:
        return "a second YAML document (a line '---'): a file holds one"
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return "YAML syntax error: a tab; indent with spaces"
    if exc.context and exc.problem:
        problem = f"{exc.problem} ({exc.context})"
    return f"YAML syntax error: {excerpt(problem, 200)}"


def parse(text: str) -> Located:
    _check_bidi(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        aliased = _check_size(node, text)
        if node is not None and '"' in text and "\\" in text:   # escapes are only in double-quoted values
            _check_escapes(node)
        data = built(loader, node, aliased) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(_explain(exc, mark, text),
                              mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    except yaml.reader.ReaderError as exc:
        # No mark: find the character (the reader stops at its first occurrence).
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        at = text.find(char) if isinstance(char, str) else -1
        line, column = _line_and_column(text, at) if at >= 0 else (None, None)
        name = f"U+{ord(char):04X}" if isinstance(char, str) and len(char) == 1 else "a character"
        raise YamlSyntaxError(f"control character {name} is not allowed in YAML (a paste from a PDF?): delete it",
                              line, column) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {str(exc).splitlines()[0]}", None, None) from None
    except RecursionError:  # the pure-Python parser, without libyaml's own depth limit
        raise YamlSyntaxError(f"YAML nested more than {MAX_DEPTH} levels deep", None, None) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. a number of more digits than Python converts (4,300)
        digits = re.search(r"[0-9_]{4000,}", text)
        if digits:
            raise YamlSyntaxError("a number too long to read (thousands of digits)", text.count("\n", 0, digits.start())
                                  + 1, None) from None
        raise YamlSyntaxError(f"YAML value error: {excerpt(exc, 200)}", None, None) from None
    finally:
        loader.dispose()
    return Located(data, node)
