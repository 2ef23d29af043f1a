"""YAML that remembers where each value came from.

PyYAML's nodes carry their marks; this loader keeps them, so validators can
say ``quizzes/api.yaml:14: ...`` about any key or list item.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..problems import Problems


class LineDict(dict):
    """A mapping with ``line`` (its own) and ``key_lines`` (each key's line)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A sequence with ``line`` and ``item_lines`` (each item's line)."""

    line: int = 0
    item_lines: list


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser where PyYAML has it (8 times faster), with our constructors."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def parse_yaml(text: str, problems: Problems, first_line: int = 1):
    """Parse YAML text; report a syntax error at its line and return None."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + first_line if mark else first_line
        reason = getattr(exc, "problem", None) or str(exc)
        problems.error(line, f"YAML does not parse: {reason}")
        return None
    if first_line != 1:
        _shift(data, first_line - 1)
    return data


def _shift(value, by: int) -> None:
    if isinstance(value, LineDict):
        value.line += by
        value.key_lines = {k: v + by for k, v in value.key_lines.items()}
        for item in value.values():
            _shift(item, by)
    elif isinstance(value, LineList):
        value.line += by
        value.item_lines = [n + by for n in value.item_lines]
        for item in value:
            _shift(item, by)


def read_text(path: Path, problems: Problems) -> str | None:
    """Read a UTF-8 file (a byte-order mark is allowed); report anything else."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(None, f"cannot read file: {exc.strerror}")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(line, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8")
        return None


def key_line(mapping, key) -> int | None:
    lines = getattr(mapping, "key_lines", None) or {}
    return lines.get(key, getattr(mapping, "line", None))


def item_line(sequence, index: int) -> int | None:
    lines = getattr(sequence, "item_lines", None) or []
    return lines[index] if index < len(lines) else getattr(sequence, "line", None)
