"""Read YAML while keeping the line of every key, so each problem can name its line."""

from __future__ import annotations

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: about 8 times faster


class _Loader(_Base):
    """Safe loader that keeps dates as text: timeline.dates parses them and can name the line of a bad one."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int | None, column: int | None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


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
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
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
        return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}

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
        found, stack = [], [(self.node, "")]
        while stack:
            node, prefix = stack.pop()
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key_node, value_node in node.value:
                    key = getattr(key_node, "value", None)
                    dotted = f"{prefix}.{key}" if prefix else str(key)
                    if isinstance(key, str) and key in seen:
                        found.append((dotted, key_node.start_mark.line + 1))
                    seen.add(key)
                    stack.append((value_node, dotted))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((child, f"{prefix}[{i}]") for i, child in enumerate(node.value))
        return sorted(found, key=lambda item: item[1])


def parse(text: str) -> Located:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        raise YamlSyntaxError(f"YAML syntax error: {problem}",
                              mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML error: {exc}", None, None) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. a timestamp such as 2024-13-45 that the YAML resolver cannot build
        raise YamlSyntaxError(f"YAML value error: {exc}", None, None) from None
    finally:
        loader.dispose()
    return Located(data, node)
