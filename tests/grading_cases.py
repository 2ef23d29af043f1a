"""The shared grading vectors (tests/vectors/*.json), read by the Python and the JavaScript tests."""

from __future__ import annotations

import json
from pathlib import Path

from course.model import Question, Quiz

VECTORS = Path(__file__).parent / "vectors"
QUESTION_FILES = ("single", "multiple", "true_false", "short", "numeric", "matching", "ordering")


def _read(name: str) -> list[dict]:
    cases = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    return [dict(case, id=f"{name}: {case['name']}") for case in cases]


def question_cases() -> list[dict]:
    return [case for name in QUESTION_FILES for case in _read(name)]


def quiz_cases() -> list[dict]:
    return _read("quiz")


def question(mapping: dict) -> Question:
    """The model question of a vector (its mapping is the ``to_dict`` form, which has no prompt)."""
    return Question.from_dict({"prompt": "", **mapping})


def quiz(mapping: dict) -> Quiz:
    questions = [question(q) for q in mapping["questions"]]
    return Quiz(id="vector", module="vector", title="vector", questions=questions, pass_mark=mapping["pass_mark"])


def same_points(a: float, b: float) -> bool:
    return round(a, 9) == round(b, 9)
