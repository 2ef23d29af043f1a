"""A submission: read the JSON body, check its shape, grade it with ``course.grading.rules``.

The body is ``{"responses": {question id: response}}`` with responses in the
canonical forms of ``course.grading.rules``. Anything that is not JSON, names a
question the quiz does not have, or holds a value no question type could take
is refused with a 400 before grading; a value of the wrong kind for its
question is graded as the core grades it (0 with a warning).
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..grading.rules import QuizResult, Reading, grade_quiz
from ..model import Quiz
from .errors import bad_request

LONGEST_TEXT = 2000
LONGEST_LIST = 100


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_submission(body: bytes, quiz: Quiz) -> dict[str, Any]:
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise bad_request('the body is not valid JSON: send {"responses": {"<question id>": <answer>, ...}}') from None
    if not isinstance(data, dict) or not isinstance(data.get("responses"), dict):
        raise bad_request('expected a JSON object {"responses": {"<question id>": <answer>, ...}}')
    responses = data["responses"]
    known = {question.id for question in quiz.questions}
    unknown = [qid for qid in responses if qid not in known]
    if unknown:
        unknown = [qid[:40].encode("utf-8", "replace").decode("utf-8") for qid in unknown[:5]]  # echoed back: no lone surrogates
        shown = ", ".join(f"`{qid}`" for qid in unknown)
        raise bad_request(f"unknown question id(s) for quiz `{quiz.id}`: {shown}", unknown=unknown)
    for qid, response in responses.items():
        if not _plausible(response):
            raise bad_request(f"the answer to `{qid}` is neither a letter, a list of letters, true/false, a number nor a text")
    return {question.id: responses.get(question.id) for question in quiz.questions}


def _plausible(value: Any, depth: int = 0) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        try:
            return math.isfinite(value)
        except OverflowError:  # an integer too large for a float
            return False
    if isinstance(value, str):
        return len(value) <= LONGEST_TEXT and _encodable(value)
    if isinstance(value, list) and depth == 0:
        return len(value) <= LONGEST_LIST and all(_plausible(item, 1) for item in value)
    return False


def _encodable(text: str) -> bool:
    """False for a lone surrogate (JSON's "\\ud800"), which no database or page can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def grade(quiz: Quiz, responses: dict[str, Any], language: str) -> QuizResult:
    """The attempt graded by the one core, numbers read as the course's language writes them (a decimal comma in fr, de...)."""
    return grade_quiz(quiz, responses, Reading.of(language))


def result_json(quiz: Quiz, result: QuizResult, per_question: bool = True) -> dict:
    """A result as the page's script reads it (the shape of CourseQuiz's result).

    Without ``per_question`` (an exam whose answers are not shown yet) only the
    totals: points per question would tell, attempt after attempt, which
    answers are right.
    """
    totals = {"quiz": quiz.id, "score": result.score, "max": result.max, "percent": result.percent, "passed": result.passed}
    if not per_question:
        return {**totals, "pass_mark": quiz.pass_mark}
    return {
        "quiz": quiz.id,
        "score": result.score,
        "max": result.max,
        "percent": result.percent,
        "passed": result.passed,
        "pass_mark": quiz.pass_mark,
        "earned": {qid: earned.points for qid, earned in result.earned.items()},
        "warnings": {qid: earned.warning for qid, earned in result.earned.items() if earned.warning},
    }
