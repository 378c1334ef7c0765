"""YAML loading that remembers where each mapping and key was written."""
from __future__ import annotations

import re

import yaml


class LineDict(dict):
    """A YAML mapping that knows its own line and the line of each of its keys."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class _LineMappings:
    """Builds every mapping as a LineDict; refuses duplicate and unhashable keys."""

    def construct_mapping(self, node, deep=False):
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' appears twice in one mapping",
                    key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping


class _LineLoader(_LineMappings, yaml.SafeLoader):
    """The pure-Python loader: slow, but it stops at an alias and knows its line."""

    def compose_node(self, parent, index):
        # Aliases can expand a small file into a huge tree ("billion laughs"); banks
        # never need them.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in bank files", event.start_mark)
        return super().compose_node(parent, index)


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)

if yaml.__with_libyaml__:
    class _FastLineLoader(_LineMappings, yaml.CSafeLoader):
        """libyaml's parser and composer with the same constructors, many times faster."""

    _FastLineLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _FastLineLoader.construct_mapping
    )
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLineLoader = None


class YamlError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# Text that PyYAML's own scanner reads differently from libyaml, which goes to it directly:
# tabs (it refuses them in more places), byte-order marks, and a block scalar header with a
# comment right after it.
_PURE_ONLY = re.compile(r"[\t\ufeff]|[|>][-+0-9]*#")


class _Refused(Exception):
    """The fast path cannot answer; the pure-Python loader says what is wrong, and where."""


MAX_NESTING = 100  # lists and mappings inside each other; a bank needs fewer than ten


def _too_deep(text: str) -> YamlError:
    """The error for YAML nested past MAX_NESTING, at the line where it goes too deep,
    found from the parser's events (the parser keeps a stack; composing recurses).
    libyaml may stop at its own limit before saying where; PyYAML's parser then does."""
    opening, closing = (yaml.SequenceStartEvent, yaml.MappingStartEvent), \
        (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    for loader in (_FastLineLoader, yaml.SafeLoader):
        depth = 0
        try:
            for event in yaml.parse(text, Loader=loader or yaml.SafeLoader):
                if isinstance(event, opening):
                    depth += 1
                    if depth > MAX_NESTING:
                        return YamlError(event.start_mark.line + 1, "lists and mappings "
                                         f"nested more than {MAX_NESTING} levels deep")
                elif isinstance(event, closing):
                    depth -= 1
        except yaml.YAMLError:
            continue
    return YamlError(0, f"lists and mappings nested more than {MAX_NESTING} levels deep")


def _needs_pure_loader(root) -> bool:
    """Whether the composed tree holds what the pure loader treats differently from libyaml.

    That is an alias (libyaml hands back the anchored node, so it is a node reached
    twice) and a plain scalar with '?' inside a flow collection (``[Why?, No]``), which
    PyYAML's own scanner refuses.
    """
    seen: set[int] = set()
    stack = [(root, False, 0)]
    while stack:
        node, in_flow, depth = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if in_flow and not node.style and "?" in node.value:
                return True
            continue
        if depth == MAX_NESTING:
            raise RecursionError  # load_yaml says where, as for deeper nesting
        in_flow = in_flow or bool(node.flow_style)
        depth += 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += ((key, in_flow, depth), (value, in_flow, depth))
        else:
            stack += ((item, in_flow, depth) for item in node.value)
    return False


def _load_fast(text: str):
    if _PURE_ONLY.search(text):
        raise _Refused
    loader = _FastLineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _needs_pure_loader(node):
            raise _Refused
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        if getattr(exc, "problem", "") == "exceeded maximum nesting depth":  # libyaml's 1,000
            raise RecursionError from None
        raise _Refused from None
    finally:
        loader.dispose()


def load_yaml(text: str):
    """Parse YAML into plain values and LineDicts; raise YamlError with the line at fault.

    libyaml reads the text when PyYAML has it. Whenever it finds a fault, an alias or
    something PyYAML's own parser reads differently, the pure-Python loader reads the text
    again, so what is accepted, every message and every line stay the pure loader's.
    """
    try:
        try:
            if _FastLineLoader is None:
                raise _Refused
            return _load_fast(text)
        except _Refused:
            # _LineLoader is a SafeLoader subclass: no arbitrary objects.
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506  # nosec B506
    except RecursionError:  # composing nested lists and mappings recurses
        raise _too_deep(text) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "not valid YAML"
        raise YamlError(line, problem) from None
    except yaml.YAMLError as exc:
        raise YamlError(0, str(exc)) from None
