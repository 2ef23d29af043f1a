"""Add a module id to ``course.yaml``'s ``modules`` list by editing its text.

The author's comments, quoting and layout stay as they were: the file is not
loaded and dumped again, one line (or, in a ``[a, b]`` list, one item) is
inserted where PyYAML's node marks say the list ends.
"""

from __future__ import annotations

import json

import yaml


class ListingError(ValueError):
    """course.yaml has no list that can safely be added to."""


def add_module(text: str, module_id: str) -> str:
    """``text`` with ``module_id`` appended to ``modules``; unchanged when the list is absent
    (file-name order then includes the new module) or already names it."""
    node = _modules_node(text)
    if node is None or isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return text
    if not isinstance(node, yaml.SequenceNode):
        raise ListingError("`modules` in course.yaml is not a list")
    if any(isinstance(item, yaml.ScalarNode) and item.value == module_id for item in node.value):
        return text
    edited = _add_to_flow(text, node, module_id) if node.flow_style else _add_to_block(text, node, module_id)
    _verify(text, edited, module_id)
    return edited


def _modules_node(text: str):
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise ListingError(f"course.yaml does not parse: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise ListingError("course.yaml is not a mapping of keys")
    return next((value for key, value in root.value if getattr(key, "value", None) == "modules"), None)


def scalar(value: str) -> str:
    """``value`` as YAML: plain when it reads back as the same text, else quoted (``"123"``)."""
    try:
        plain = yaml.safe_load(value) == value and "\n" not in value
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def _add_to_block(text: str, node: yaml.SequenceNode, module_id: str) -> str:
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    last = node.value[-1].end_mark
    index = last.line - 1 if last.column == 0 and last.line > node.value[-1].start_mark.line else last.line
    if not lines[index].endswith(("\n", "\r")):
        lines[index] += newline
    lines.insert(index + 1, " " * node.start_mark.column + "- " + scalar(module_id) + newline)
    return "".join(lines)


def _add_to_flow(text: str, node: yaml.SequenceNode, module_id: str) -> str:
    close = node.end_mark.index - 1
    if text[close] != "]":
        raise ListingError("cannot find the end of `modules: [...]` in course.yaml")
    end = len(text[:close].rstrip())
    separator = "" if text[end - 1] == "[" else ", "
    return text[:end] + separator + scalar(module_id) + text[end:]


def _verify(before: str, after: str, module_id: str) -> None:
    old, new = yaml.safe_load(before), yaml.safe_load(after)
    if {**old, "modules": [*old["modules"], module_id]} != new:
        raise ListingError("could not add the module to `modules` without changing anything else")
