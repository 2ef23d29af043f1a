"""Declarative key specs for every YAML mapping of the format.

One table per mapping (course.yaml, module front matter, quiz, question,
option, glossary entry) drives the validator here and, later, the generated
JSON Schema, so there is no second source of truth.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..problems import Problems
from .yamlfile import OutOfRange, item_line, key_line

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "string-list": "a list of texts",
    "list": "a list",
    "mapping": "a mapping of keys",
    "any": "a value",
}


# Whole numbers (and, where a number is asked, decimals with ``٫`` or ``.``) in Arabic-Indic (٠-٩) or
# Persian (۰-۹) digits: YAML reads them as text; a Persian or Arabic author writes ``duration_minutes: ۴۵``.
NATIVE_DIGITS = str.maketrans({0x0660 + d: str(d) for d in range(10)} | {0x06F0 + d: str(d) for d in range(10)} | {0x066B: "."})
_NATIVE_WHOLE = re.compile(r"[+-]?[0-9]+")
_NATIVE_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def native_number(value, kind: str):
    """``value`` as a number when it is text in Arabic-Indic or Persian digits that ``kind`` asks for, else itself."""
    if kind not in ("integer", "number") or not isinstance(value, str) or value == value.translate(NATIVE_DIGITS):
        return value
    text = value.strip().translate(NATIVE_DIGITS)
    if _NATIVE_WHOLE.fullmatch(text):
        return int(text)
    if kind == "number" and _NATIVE_DECIMAL.fullmatch(text) and len(text) <= 30:
        return float(text)
    return value


@dataclass(frozen=True)
class Key:
    kind: str
    required: bool = False
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None
    description: str = ""


def is_kind(value, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string-list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "list":
        return isinstance(value, list)
    if kind == "mapping":
        return isinstance(value, dict)
    return True


def describe(value) -> str:
    """A value as a message shows it: short, on one line, line breaks and tabs visible."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, OutOfRange):
        return str(value)
    text = str(value)
    text = text[:57] + "..." if len(text) > 60 else text
    return "`" + text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "`"


def check_mapping(data, spec: dict[str, Key], problems: Problems, what: str, line: int | None) -> bool:
    """Report missing required keys, wrong types, ranges and unknown keys.

    Returns False when ``data`` is not a mapping at all (nothing else to check).
    """
    if not isinstance(data, dict):
        problems.error(line, f"{what} must be a mapping of keys, found {describe(data)}")
        return False
    for name, key in spec.items():
        if key.required and data.get(name) is None:
            problems.error(getattr(data, "line", line), f"{what} needs `{name}` ({_TYPE_NAMES[key.kind]})")
    for name, value in data.items():
        if name not in spec:
            problems.unknown_key(key_line(data, name), name, list(spec))
            continue
        converted = native_number(value, spec[name].kind)
        if converted is not value:
            data[name] = value = converted
        _check_value(data, name, value, spec[name], problems)
    return True


def _check_value(data, name: str, value, key: Key, problems: Problems) -> None:
    if value is None and not key.required or isinstance(value, OutOfRange):
        return  # a number too long to read was reported by the YAML loader
    line = key_line(data, name)
    if key.kind == "string-list" and isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, str):
                problems.error(item_line(value, index), f"entry {index + 1} of `{name}` must be text, found {describe(item)}")
        return
    if not is_kind(value, key.kind):
        problems.error(line, f"`{name}` must be {_TYPE_NAMES[key.kind]}, found {describe(value)}")
        return
    if not is_kind(value, "number"):
        return
    if not math.isfinite(value):
        problems.error(line, f"`{name}` must be a finite number, found {describe(value)}")
        return
    if key.maximum is not None and value > key.maximum:
        problems.error(line, f"`{name}` must be at most {key.maximum:g}, found {describe(value)}")
    if key.minimum is not None:
        too_small = value <= key.minimum if key.exclusive_minimum else value < key.minimum
        if too_small:
            bound = f"greater than {key.minimum:g}" if key.exclusive_minimum else f"at least {key.minimum:g}"
            problems.error(line, f"`{name}` must be {bound}, found {value}")
