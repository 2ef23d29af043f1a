"""JSON Schemas (draft 2020-12) for course.yaml, module front matter, quizzes and the glossary.

Generated from the key tables of ``course.load.specs``, the ones the validator
uses, so editors check what ``check`` checks (not every rule: counts, letters
naming options and the like stay ``check``'s). ``python build.py schema``
writes them; ``schema/`` in the repository holds the result, and a test
proves it is what this module generates.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..load import specs
from ..load.course import PAPER_SIZES
from ..load.fields import Key
from ..load.interface import registry

DRAFT = "https://json-schema.org/draft/2020-12/schema"

KINDS = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "string-list": {"type": "array", "items": {"type": "string"}},
    "list": {"type": "array"},
    "mapping": {"type": "object"},
    "any": {},
}
CONTENTS = {
    specs.TEXT: {"type": ["string", "number"]},
    specs.LETTER: {"type": "string", "pattern": "^[A-Za-z]$"},
    "question": {"$ref": "#/$defs/question"},
}
ENUMS = {"type": list(specs.QUESTION_TYPES), "paper_size": list(PAPER_SIZES)}
ID = {"pattern": specs.ID_PATTERN.pattern}
# A whole number may be written in Arabic-Indic or Persian digits (YAML reads it as text); a number may add ٫ decimals.
NATIVE_WHOLE = {"pattern": "^[+-]?[0-9٠-٩۰-۹]+$"}
NATIVE_NUMBER = {"pattern": "^[+-]?[0-9٠-٩۰-۹]*[.٫]?[0-9٠-٩۰-۹]+$"}


def key_schema(name: str, key: Key) -> dict:
    """One key: its kind, bounds, description, and what it holds."""
    schema = dict(KINDS[key.kind])
    if key.description:
        schema["description"] = key.description
    if key.minimum is not None:
        schema["exclusiveMinimum" if key.exclusive_minimum else "minimum"] = key.minimum
    if key.maximum is not None:
        schema["maximum"] = key.maximum
    if name in ENUMS:
        schema["enum"] = ENUMS[name]
    if name in specs.ID_KEYS:
        schema.update(_id_schema(key))
    if key.kind in ("integer", "number"):
        schema |= {"type": [key.kind, "string"], **(NATIVE_WHOLE if key.kind == "integer" else NATIVE_NUMBER)}
    if name == "interface":  # course.yaml: interface id -> text (docs/course-format.md lists the ids)
        schema |= {"propertyNames": {"enum": list(registry())}, "additionalProperties": {"type": "string"}}
    schema |= _contents(name, key)
    return schema if key.required else _nullable(schema)


def _nullable(schema: dict) -> dict:
    """An optional key may be left empty (``summary:``), as the validator allows."""
    kinds = schema.get("type")
    if kinds is None:
        return schema
    schema["type"] = [*([kinds] if isinstance(kinds, str) else kinds), "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def _id_schema(key: Key) -> dict:
    if key.kind == "string-list":
        return {"items": {"type": "string", **ID}}
    if key.kind == "any":  # a question id: an id, or a whole number
        return {"type": ["string", "integer"], **ID}
    return ID


def _contents(name: str, key: Key) -> dict:
    held = specs.CONTAINS.get(name)
    if held is None or key.kind not in ("list", "mapping"):
        return {}
    inner = mapping_schema(held) if isinstance(held, dict) else CONTENTS[held]
    return {"items": inner} if key.kind == "list" else inner


def mapping_schema(spec: dict[str, Key], closed: bool = True) -> dict:
    """A mapping: its keys, the required ones, and no others (an unknown key is a typo)."""
    schema = {
        "type": "object",
        "properties": {name: key_schema(name, key) for name, key in spec.items()},
        "required": [name for name, key in spec.items() if key.required],
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


def question_schema() -> dict:
    """The common keys, plus those of the question's ``type``."""
    schema = mapping_schema(specs.QUESTION_COMMON, closed=False)
    schema["allOf"] = [
        {"if": {"properties": {"type": {"const": name}}, "required": ["type"]}, "then": mapping_schema(keys, closed=False)}
        for name, keys in specs.QUESTION_BY_TYPE.items()
    ]
    schema["unevaluatedProperties"] = False
    return schema


def _document(title: str, description: str, body: dict, defs: dict | None = None) -> dict:
    head = {"$schema": DRAFT, "title": title, "description": description}
    return head | body | ({"$defs": defs} if defs else {})


def schemas() -> dict[str, dict]:
    """Every schema, by the file name it is shipped under."""
    glossary = {"type": "array", "items": mapping_schema(specs.GLOSSARY_ENTRY)}
    return {
        "course.schema.json": _document("course.yaml", "Course-wide settings of a course folder.", mapping_schema(specs.COURSE)),
        "module.schema.json": _document(
            "Module front matter", "The YAML between the --- lines at the top of modules/<id>.md.", mapping_schema(specs.MODULE)
        ),
        "quiz.schema.json": _document(
            "Quiz", "A quiz file, quizzes/<id>.yaml.", mapping_schema(specs.QUIZ), {"question": question_schema()}
        ),
        "glossary.schema.json": _document("glossary.yaml", "The course glossary: a list of entries.", glossary),
    }


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = out / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(out: Path) -> list[str]:
    """The schema files in ``out`` that are missing or differ from what would be generated."""
    return [name for name, schema in schemas().items() if not _same(out / name, render(schema))]


def _same(path: Path, text: str) -> bool:
    return path.is_file() and path.read_text(encoding="utf-8") == text
