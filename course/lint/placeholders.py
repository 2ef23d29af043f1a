"""Placeholder text left in: ``TODO`` marks what the author still has to write.

``python build.py new module`` writes its skeletons with ``TODO`` in every
place to fill in (the example question's prompt included), so a skeleton
is never handed out unnoticed.
"""

from __future__ import annotations

import re

from ..model import Course, Question
from ..problems import Problems
from .locate import module_path, objective_lines, quiz_path
from .registry import rule

PLACEHOLDER = re.compile(r"\bTODO\b")


@rule("placeholder", "`TODO` left in a module or quiz (the skeletons of `new module` are marked with it)")
def placeholders(course: Course, settings) -> list:
    found = []
    for module in course.modules:
        found += _module_placeholders(module)
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        for question in quiz.questions:
            if any(PLACEHOLDER.search(text) for text in _question_texts(question)):
                problems.warning(question.line, f"question `{question.id}` still has placeholder text (TODO): write the real question")
        found += problems
    return found


def _module_placeholders(module) -> Problems:
    problems = Problems(module_path(module))
    for key in ("title", "summary"):
        if PLACEHOLDER.search(str(getattr(module, key) or "")):
            problems.warning(module.front_lines.get(key), f"`{key}` still has placeholder text (TODO)")
    for number, (line, objective) in enumerate(zip(objective_lines(module), module.objectives, strict=False), start=1):
        if PLACEHOLDER.search(objective):
            problems.warning(line, f"objective {number} still has placeholder text (TODO)")
    for offset, line in enumerate(module.body_markdown.splitlines()):
        if PLACEHOLDER.search(line):
            problems.warning(module.body_line + offset, "placeholder text (TODO) left in the module")
    return problems


def _question_texts(question: Question) -> list[str]:
    options = [text for o in question.options for text in (o.text, o.feedback or "")]
    return [question.prompt, question.explanation or "", *options, *question.prompts, *question.choices, *question.items]
