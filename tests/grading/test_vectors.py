"""The Python grading core against every shared vector (course-format.md section 4)."""

from __future__ import annotations

import pytest

from course.grading.rules import GRADERS, Reading, grade_question, grade_quiz
from course.model import QUESTION_TYPES
from tests.grading_cases import QUESTION_FILES, VECTORS, question, question_cases, quiz, quiz_cases, same_points

QUESTION_CASES = question_cases()
QUIZ_CASES = quiz_cases()


@pytest.mark.parametrize("case", QUESTION_CASES, ids=[c["id"] for c in QUESTION_CASES])
def test_question_vector(case):
    earned = grade_question(question(case["question"]), case["response"], Reading(**case.get("reading", {})))
    assert same_points(earned.points, case["points"]), earned
    assert (earned.warning is not None) == case["warning"], earned


@pytest.mark.parametrize("case", QUIZ_CASES, ids=[c["id"] for c in QUIZ_CASES])
def test_quiz_vector(case):
    result = grade_quiz(quiz(case["quiz"]), case["responses"], Reading(**case.get("reading", {})))
    assert same_points(result.score, case["score"])
    assert same_points(result.max, case["max"])
    assert same_points(result.percent, case["percent"])
    assert result.passed is case["passed"]


@pytest.mark.parametrize("case", QUESTION_CASES, ids=[c["id"] for c in QUESTION_CASES])
def test_vector_question_is_the_to_dict_form(case):
    assert question(case["question"]).to_dict() == case["question"]


def test_vectors_cover_every_type_with_a_file_each():
    assert sorted(QUESTION_FILES) == sorted(QUESTION_TYPES) == sorted(GRADERS)
    assert {p.stem for p in VECTORS.glob("*.json")} == {*QUESTION_FILES, "quiz", "versions", "normalize"}
    assert len(QUESTION_CASES) + len(QUIZ_CASES) >= 170


def test_every_type_has_right_wrong_unanswered_and_unreadable_cases():
    for qtype in QUESTION_TYPES:
        cases = [c for c in QUESTION_CASES if c["question"]["type"] == qtype]
        assert any(c["points"] == c["question"]["points"] for c in cases), qtype
        assert any(c["points"] == 0 and not c["warning"] and c["response"] is None for c in cases), qtype
        assert any(c["warning"] for c in cases), qtype
        assert any(c["question"]["points"] == 2.5 for c in cases), qtype


@pytest.mark.parametrize(
    ("language", "comma"),
    [("fr", True), ("de", True), ("es", True), ("pt", True), ("ru", True), ("tr", True), ("fr-CA", True)]
    + [("ar", False), ("en", False), ("en-GB", False), ("fa", False), ("ur", False), ("he", False), ("xx-nonsense", False), ("", False)],
)
def test_the_decimal_comma_follows_the_languages_cldr_decimal_symbol(language, comma):
    assert Reading.of(language).decimal_comma is comma
