"""Deprecated terms: forms the glossary says a term replaces, still in use.

A glossary entry may list ``deprecated: [...]``: the forms its ``term``
replaces (docs/terminology.md, the course's terminology standard). Every
module (front matter and body), quiz, trainer note and glossary text is read
line by line, so each use is reported where the author will find it.

What is not checked:

- text between straight double quotes ``"…"`` on one line: a quotation keeps
  its source's wording (a seed is quoted verbatim, typos included);
- ``quote:`` (a question's ``source.quote``, which must be verbatim) and
  ``document:`` values, and the ``deprecated:`` lists themselves.

Forms and text are compared with markup stripped and Arabic spelling folded
(as ``unused-term`` does), so «بسجل بيانات المسافر» and «سجل بيانات المسافرين»
both contain «سجل بيانات المسافر». A form ending in a digit does not match
inside a longer number («المرفق 9» is not in «المرفق 90»).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Course
from ..problems import Problems
from .locate import module_path, quiz_path
from .registry import rule
from .text import folded

_QUOTED = re.compile(r'"[^"\n]*"')
_YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*):(?:\s+(.*))?$")
_YAML_ITEM = re.compile(r"^(\s*)-\s")
_SKIPPED_KEYS = {"quote", "document", "deprecated"}


@rule(
    "deprecated-term", "a form the glossary marks `deprecated:` (the term replaces it) used in a module, quiz, trainer note or the glossary"
)
def deprecated_terms(course: Course, settings) -> list:
    forms = _forms(course)
    if not forms:
        return []
    found = []
    for module in course.modules:
        if module.path:
            found += _scan(module_path(module), module.path, forms, yaml=False, front_matter=True)
        notes = course.root / "trainer" / f"{module.id}.md"
        if module.trainer_notes_markdown is not None and notes.is_file():
            found += _scan(f"trainer/{notes.name}", notes, forms, yaml=False)
    for quiz in course.quizzes:
        if quiz.path:
            found += _scan(quiz_path(quiz), quiz.path, forms, yaml=True)
    glossary = course.root / "glossary.yaml"
    if glossary.is_file():
        found += _scan("glossary.yaml", glossary, forms, yaml=True)
    return found


def _forms(course: Course) -> list[tuple[str, str, re.Pattern]]:
    """(form, preferred term, pattern on folded text) for every deprecated form."""
    forms = []
    for entry in course.glossary:
        for form in entry.deprecated or []:
            key = folded(form).strip()
            if not key:
                continue
            tail = r"(?![0-9])" if key[-1].isdigit() else ""
            forms.append((form.strip(), entry.term, re.compile(re.escape(key) + tail)))
    return forms


def _scan(label: str, path: Path, forms, yaml: bool, front_matter: bool = False) -> Problems:
    problems = Problems(label)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return problems
    in_front = front_matter and bool(lines) and lines[0].strip() == "---"
    key, key_indent = None, -1
    for number, line in enumerate(lines, start=1):
        if in_front and number > 1 and line.strip() == "---":
            in_front = False
            key = None
            continue
        text = line
        if yaml or in_front:
            text, key, key_indent = _yaml_text(line, key, key_indent)
            if text is None:
                continue
        text = folded(_QUOTED.sub(" ", text))
        for form, term, pattern in forms:
            if pattern.search(text):
                problems.warning(number, f"«{form}» is deprecated: write «{term}» (docs/terminology.md)")
    return problems


def _yaml_text(line: str, key: str | None, key_indent: int) -> tuple[str | None, str | None, int]:
    """The checkable text of one YAML line, and the key it belongs to (for block values and lists)."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None, key, key_indent
    match = _YAML_KEY.match(line)
    indent = len(line) - len(line.lstrip())
    if match:
        key, key_indent = match.group(2), len(match.group(1))
        value = match.group(3) or ""
    elif key is not None and (indent > key_indent or _YAML_ITEM.match(line) and indent >= key_indent):
        value = stripped[2:] if _YAML_ITEM.match(line) else stripped
    else:
        key, value = None, stripped
    if key in _SKIPPED_KEYS:
        return None, key, key_indent
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]  # a YAML-quoted scalar: its quotes are not a quotation
    return value, key, key_indent
