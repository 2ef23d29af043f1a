"""Where things stand in the author's files, for ``PATH:LINE`` in lint problems.

The model keeps the lines the loaders needed (``Question.line``,
``Module.front_lines``, ``Module.body_line``); for finer ones (the n-th
objective, an option's feedback, a glossary entry) the file is parsed again
with the same line-aware loader, so lines match what ``check`` reports elsewhere.
"""

from __future__ import annotations

from ..load.modules import split_front_matter
from ..load.yamlfile import LineDict, item_line, key_line, parse_yaml, read_text
from ..model import Course, Module, Quiz
from ..problems import Problems


def module_path(module: Module) -> str:
    return f"modules/{module.id}.md"


def quiz_path(quiz: Quiz) -> str:
    return f"quizzes/{quiz.path.name}" if quiz.path else f"quizzes/{quiz.id}.yaml"


def front_matter(module: Module) -> dict:
    """The module's front matter as a line-aware mapping ({} if it cannot be read)."""
    scratch = Problems("")
    text = read_text(module.path, scratch) if module.path else None
    split = split_front_matter(text, scratch) if text is not None else None
    data = parse_yaml(split[0], scratch, first_line=2) if split else None
    return data if isinstance(data, LineDict) else {}


def objective_lines(module: Module) -> list[int]:
    """The line of each objective, in order."""
    front = front_matter(module)
    objectives = front.get("objectives") or []
    fallback = module.front_lines.get("objectives") or 1
    return [item_line(objectives, index) or fallback for index in range(len(module.objectives))]


def quiz_data(quiz: Quiz) -> dict:
    scratch = Problems("")
    text = read_text(quiz.path, scratch) if quiz.path else None
    data = parse_yaml(text, scratch) if text is not None else None
    return data if isinstance(data, LineDict) else {}


def questions_by_id(quiz: Quiz) -> dict[str, dict]:
    """Each question's line-aware mapping, by its id as the model holds it."""
    items = quiz_data(quiz).get("questions") or []
    return {str(item.get("id")): item for item in items if isinstance(item, dict)}


def glossary_entries(course: Course) -> dict[str, dict]:
    """Each glossary entry's line-aware mapping, by its term."""
    scratch = Problems("")
    path = course.root / "glossary.yaml"
    text = read_text(path, scratch) if path.is_file() else None
    data = parse_yaml(text, scratch) if text is not None else None
    entries = data if isinstance(data, list) else []
    return {str(e.get("term", "")).strip(): e for e in entries if isinstance(e, dict)}


def line_of(mapping, key: str, fallback: int | None) -> int | None:
    return key_line(mapping, key) if isinstance(mapping, LineDict) and key in mapping else fallback
