"""YAML that remembers where each value came from, read within fixed limits.

PyYAML's nodes carry their marks; this loader keeps them, so validators can
say ``quizzes/api.yaml:14: ...`` about any key or list item.

A course may come from someone else, so reading one must not hang, crash or
take the machine's memory. Before anything is constructed, the node graph
is measured (iteratively, so depth itself cannot overflow Python's stack):

- ``MAX_DEPTH``: lists and mappings nested deeper than this are refused. The
  course format nests at most 5 levels (quiz > questions > question > options
  > option), so 50 leaves room for any honest file.
- ``MAX_VALUES``: the number of values the document holds once every alias
  (``*name``) is expanded. Aliases are allowed (an author may reuse a list of
  options), but a "billion laughs" document, where each level repeats the
  one below nine times, expands to millions of values from a few hundred
  bytes; anything that walks it (validators, the quiz page's JSON) would
  take minutes. 100,000 values is 200 times the shipped course's largest quiz
  (457 values).

Files are measured before they are read: a Markdown file (module, trainer
notes) may hold ``MAX_MARKDOWN_BYTES`` (512 KB, about 80,000 words: 25 times
the shipped course's largest module; checking a module costs more than linear
time in its links, so a 2 MB one already takes over a minute), a YAML file
``MAX_YAML_BYTES`` (1 MB: 50 times the largest shipped quiz; a 10 MB option
text took 70 s to build). Control characters (C0 but tab, line feed and
carriage return; DEL) are refused in every file read: a NUL byte would be
copied into the HTML, and no editor shows them.

While constructing, each problem is collected with its line and loading goes
on, so every problem is reported at once: a key that is not a plain value
(``? [a, b]``), a key given twice in one mapping (an error: YAML keeps the
last value and silently drops the first), a number with more than
``MAX_NUMBER_CHARS`` characters (no mark or point count needs one; Python
refuses to read integers of more than 4,300 digits), a date that does not
exist, and control characters written as escapes (``"\\0"``).
"""

from __future__ import annotations

import codecs
import re
import stat
from pathlib import Path

import yaml

from ..problems import Problems

MAX_DEPTH = 50
MAX_VALUES = 100_000
MAX_NUMBER_CHARS = 30
MAX_MARKDOWN_BYTES = 512 * 1024
MAX_YAML_BYTES = 1024 * 1024

# C0 control characters but tab, line feed and carriage return, and DEL:
# invisible, never meant, and copied as is into HTML, XML and PDFs.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class LineDict(dict):
    """A mapping with ``line`` (its own) and ``key_lines`` (each key's line)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A sequence with ``line`` and ``item_lines`` (each item's line)."""

    line: int = 0
    item_lines: list


class OutOfRange(float):
    """A number too long to read (already reported): infinite, and says how long it was."""

    digits: int = 0

    def __new__(cls, digits: int) -> OutOfRange:
        value = super().__new__(cls, "inf")
        value.digits = digits
        return value

    def __str__(self) -> str:
        return f"a number of {self.digits} digits"

    __repr__ = __str__


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser where PyYAML has it (8 times faster), with our constructors.

    ``offset`` is added to every line (front matter starts on line 2 of its
    file); ``found`` collects (line, message) problems met while constructing.
    """

    offset: int = 0
    found: list


def _line(loader: _Loader, node: yaml.Node) -> int:
    return node.start_mark.line + 1 + loader.offset


def _kind(node: yaml.Node) -> str:
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    explicit = {id(key_node) for key_node, _ in node.value}
    loader.flatten_mapping(node)  # merged keys (<<: *base) come first; the explicit ones override them
    out = LineDict()
    out.line = _line(loader, node)
    out.key_lines = {}
    first: dict = {}
    for key_node, value_node in node.value:
        line = _line(loader, key_node)
        if not isinstance(key_node, yaml.ScalarNode):
            loader.found.append((line, f"a key must be a plain name, found {_kind(key_node)}: write `name: value`"))
            continue
        key = loader.construct_object(key_node, deep=True)
        if id(key_node) in explicit:
            if key in first:
                loader.found.append(
                    (line, f"the key `{key}` is given twice in this mapping (first at line {first[key]}): keep one, YAML drops the first")
                )
            first.setdefault(key, line)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = _line(loader, node)
    out.item_lines = [_line(loader, child) for child in node.value]
    return out


def _string(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    found = CONTROL.search(value)
    if found:
        loader.found.append((_line(loader, node), f"{_control_name(found.group())} in the text: remove it"))
    return value


def _integer(loader: _Loader, node: yaml.ScalarNode):
    digits = len(loader.construct_scalar(node).replace("_", "").lstrip("+-"))
    if digits > MAX_NUMBER_CHARS:
        loader.found.append((_line(loader, node), f"a number of {digits} digits is out of range (at most {MAX_NUMBER_CHARS})"))
        return OutOfRange(digits)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _timestamp(loader: _Loader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        text = loader.construct_scalar(node)
        loader.found.append((_line(loader, node), f"`{text}` is not a valid date: put it in quotes to keep it as text"))
        return text


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:str", _string)
_Loader.add_constructor("tag:yaml.org,2002:int", _integer)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def parse_yaml(text: str, problems: Problems, first_line: int = 1):
    """Parse YAML text; report every problem at its line; None if it cannot be read at all."""
    loader = _Loader(text)
    loader.offset = first_line - 1
    loader.found = []
    try:
        node = loader.get_single_node()
        refused = _measure(node) if node is not None else None
        if refused is not None:
            line, message = refused
            problems.error(line + first_line - 1, message)
            return None
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + first_line if mark else first_line
        reason = getattr(exc, "problem", None) or str(exc)
        problems.error(line, f"YAML does not parse: {reason}{_hint(text, reason, mark)}")
        return None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a value PyYAML cannot build: still no traceback
        problems.error(first_line, f"YAML does not parse: {exc}")
        return None
    finally:
        loader.dispose()
    for line, message in loader.found:
        problems.error(line, message)
    return data


def _hint(text: str, reason: str, mark) -> str:
    """How to fix the commonest YAML mistakes of authors, from PyYAML's reason and the lines near its mark."""
    lines = text.splitlines()
    near = lines[max(0, mark.line - 1) : mark.line + 1] if mark else lines
    if "tab" in reason or any("\t" in line[: len(line) - len(line.lstrip())] for line in near):
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed" in reason:
        return '; a text that contains `: ` must be in quotes: `prompt: "Blood soaks: through the dressing"`'
    return ""


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _measure(root: yaml.Node) -> tuple[int, str] | None:
    """The first limit the node graph breaks, as (1-based line in the text, message), or None.

    Depth-first without recursion; each list or mapping is measured once
    (aliases share nodes), so a document with exponential expansion costs
    linear time here. Plain values count as one value and no depth.
    """
    open_, plain = object(), (1, 0)
    measured: dict = {}  # id(node) -> open_ while its children are walked, then (values, height)
    stack = [(root, 1, False)]
    while stack:
        node, level, closing = stack.pop()
        line = node.start_mark.line + 1
        if closing:
            kids = [measured.get(id(child), plain) for child in _children(node)]
            values = 1 + sum(k[0] for k in kids)
            measured[id(node)] = (values, 1 + max(k[1] for k in kids) if kids else 1)
            if values > MAX_VALUES:
                return line, _TOO_MANY
            continue
        if isinstance(node, yaml.ScalarNode):
            continue
        seen = measured.get(id(node))
        if seen is open_:
            return line, "an alias (`*name`) refers to a value that contains it"
        depth = level if seen is None else level + seen[1] - 1
        if depth > MAX_DEPTH:
            return line, f"lists and mappings are nested more than {MAX_DEPTH} levels deep"
        if seen is not None:
            continue
        children = _children(node)
        if len(children) > MAX_VALUES:
            return line, _TOO_MANY
        measured[id(node)] = open_
        stack.append((node, level, True))
        stack.extend((child, level + 1, False) for child in children if not isinstance(child, yaml.ScalarNode))
    return None


_TOO_MANY = f"this value holds more than {MAX_VALUES:,} values once its aliases (`*name`) are expanded"


def _control_name(char: str) -> str:
    return "a NUL byte (U+0000)" if char == "\0" else f"a control character (U+{ord(char):04X})"


def size_limit(path: Path) -> int:
    """The largest file accepted: Markdown for ``.md``, YAML for anything else."""
    return MAX_MARKDOWN_BYTES if path.suffix.lower() == ".md" else MAX_YAML_BYTES


def read_text(path: Path, problems: Problems) -> str | None:
    """Read a UTF-8 file (a byte-order mark is allowed) within its size limit; report anything else."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            problems.error(None, "cannot read file: it is not a regular file")  # a FIFO would block for ever
            return None
        limit = size_limit(path)
        if info.st_size > limit:
            problems.error(None, f"the file is {_size(info.st_size)}, over the limit of {_size(limit)}: split it into smaller files")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(None, f"cannot read file: {exc.strerror}")
        return None
    wide = _wide_encoding(raw)
    if wide:
        problems.error(1, f"file is not UTF-8 but {wide} (it starts with a {wide} byte-order mark); save it as UTF-8")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(line, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8")
        return None
    found = CONTROL.search(text)
    if found and raw.count(b"\0") * 4 >= len(raw):  # every other byte NUL: UTF-16 without a byte-order mark
        problems.error(1, "file is UTF-16, not UTF-8: save it as UTF-8")
        return None
    if found:
        lines = {text.count("\n", 0, m.start()) + 1 for m in CONTROL.finditer(text)}
        more = f" (and on {len(lines) - 1} more line(s))" if len(lines) > 1 else ""
        where = text.count("\n", 0, found.start()) + 1
        problems.error(where, f"{_control_name(found.group())} in the file{more}: remove it (only tab and line breaks are allowed)")
        return None
    return text


# Byte-order marks of the encodings an editor's "Unicode" choice writes (UTF-32's first: it begins like UTF-16's).
WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32 when the bytes start with its byte-order mark (found before any UTF-8 decoding)."""
    return next((name for mark, name in WIDE_MARKS if raw.startswith(mark)), None)


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def key_line(mapping, key) -> int | None:
    lines = getattr(mapping, "key_lines", None) or {}
    return lines.get(key, getattr(mapping, "line", None))


def item_line(sequence, index: int) -> int | None:
    lines = getattr(sequence, "item_lines", None) or []
    return lines[index] if index < len(lines) else getattr(sequence, "line", None)
