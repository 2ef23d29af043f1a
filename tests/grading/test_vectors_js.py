"""The page's grading.js against every shared vector, in real headless Chromium.

Each case must give the expected points and warning flag, and exactly what the
Python core gives (both compute with the same operations in the same order).
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from pathlib import Path

import pytest

from course.grading.rules import Reading, grade_question, grade_quiz, normalize, parse_number
from tests.grading_cases import question, question_cases, quiz, quiz_cases, same_points

CHROMIUM = shutil.which("chromium")
GRADING_JS = Path(__file__).parents[2] / "templates" / "assets" / "js" / "grading.js"
QUESTION_CASES = question_cases()
QUIZ_CASES = quiz_cases()

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium on PATH (the tests never download a browser)")

GRADE_ALL = """([questions, quizzes]) => ({
  questions: questions.map((c) => CourseGrading.gradeQuestion(c.question, c.response, c.reading)),
  quizzes: quizzes.map((c) => {
    const r = CourseGrading.gradeQuiz(c.quiz, c.responses, c.reading);
    return {score: r.score, max: r.max, percent: r.percent, passed: r.passed};
  }),
})"""


@pytest.fixture(scope="module")
def page(browser):
    """A blank page with grading.js, in the session's Chromium (one sync Playwright at a time)."""
    page = browser.new_page()
    page.goto("about:blank")
    page.add_script_tag(path=str(GRADING_JS))
    yield page
    page.close()


@pytest.fixture(scope="module")
def graded_in_chromium(page):
    """Every vector graded in one ``page.evaluate`` call, by case id."""
    questions = [{"question": c["question"], "response": c["response"], "reading": c.get("reading")} for c in QUESTION_CASES]
    quizzes = [{"quiz": c["quiz"], "responses": c["responses"], "reading": c.get("reading")} for c in QUIZ_CASES]
    results = page.evaluate(GRADE_ALL, [questions, quizzes])
    by_id = dict(zip([c["id"] for c in QUESTION_CASES], results["questions"], strict=True))
    by_id.update(zip([c["id"] for c in QUIZ_CASES], results["quizzes"], strict=True))
    return by_id


@pytest.mark.parametrize("case", QUESTION_CASES, ids=[c["id"] for c in QUESTION_CASES])
def test_question_vector_in_chromium(graded_in_chromium, case):
    js = graded_in_chromium[case["id"]]
    python = grade_question(question(case["question"]), case["response"], Reading(**case.get("reading") or {}))
    assert same_points(js["points"], case["points"]), js
    assert (js["warning"] is not None) == case["warning"], js
    assert js["points"] == python.points
    assert (js["warning"] is None) == (python.warning is None)


@pytest.mark.parametrize("case", QUIZ_CASES, ids=[c["id"] for c in QUIZ_CASES])
def test_quiz_vector_in_chromium(graded_in_chromium, case):
    js = graded_in_chromium[case["id"]]
    python = grade_quiz(quiz(case["quiz"]), case["responses"], Reading(**case.get("reading") or {}))
    for key in ("score", "max", "percent"):
        assert same_points(js[key], case[key]), (key, js)
    assert js["passed"] is case["passed"]
    assert (js["score"], js["max"], js["percent"], js["passed"]) == (python.score, python.max, python.percent, python.passed)


def _assigned_characters() -> list[str]:
    """Every character assigned in Python's Unicode version, except surrogates and private use."""
    chars = (chr(c) for c in range(sys.maxunicode + 1))
    return [c for c in chars if unicodedata.category(c) not in ("Cn", "Cs", "Co")]


def test_normalize_and_parse_number_agree_on_every_character(page):
    """Each character at the start, inside and at the end of a text, and inside a number (with and without a decimal comma)."""
    texts = [f"{c}A{c}b {c}" for c in _assigned_characters()]
    numbers = [f"1{c}5" for c in _assigned_characters()]
    js = page.evaluate(
        """([texts, numbers]) => [
          texts.map((t) => CourseGrading.normalize(t)),
          numbers.map((n) => CourseGrading.parseNumber(n, false)),
          numbers.map((n) => CourseGrading.parseNumber(n + "00,5", true)),
        ]""",
        [texts, numbers],
    )
    differences = [
        f"U+{ord(t[0]):04X} normalize: python {normalize(t)!r}, js {j!r}" for t, j in zip(texts, js[0], strict=True) if normalize(t) != j
    ]
    differences += [
        f"U+{ord(n[1]):04X} parse_number: python {parse_number(n)!r}, js {j!r}"
        for n, j in zip(numbers, js[1], strict=True)
        if parse_number(n) != j
    ]
    differences += [
        f"U+{ord(n[1]):04X} parse_number with a decimal comma: python {parse_number(n + '00,5', True)!r}, js {j!r}"
        for n, j in zip(numbers, js[2], strict=True)
        if parse_number(n + "00,5", True) != j
    ]
    assert not differences, "\n".join(differences)
