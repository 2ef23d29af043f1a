"""Whole numbers in YAML written in Arabic-Indic or Persian digits (issue 20): `duration_minutes: ۴۵` is 45."""

from __future__ import annotations

import shutil
from pathlib import Path

from course.load.course import load_course
from course.load.fields import native_number

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def _course(tmp_path: Path, source: str) -> Path:
    target = tmp_path / "course"
    shutil.copytree(FIXTURES / source, target)
    return target


def _messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_native_digits_become_numbers_only_where_a_number_is_asked():
    assert native_number("۴۵", "integer") == 45 and native_number("٦٠", "number") == 60
    assert native_number("۰٫۵", "number") == 0.5
    assert native_number("۰٫۵", "integer") == "۰٫۵"  # not a whole number: reported as such
    assert native_number("۴۵", "string") == "۴۵"  # text stays text (an accepted answer, a title)
    assert native_number("45", "integer") == "45"  # Latin digits in quotes: YAML text, as before


def test_whole_numbers_in_persian_and_arabic_indic_digits_are_read_in_yaml():
    course, problems = load_course(FIXTURES / "persian-course")
    assert course is not None, _messages(problems)
    assert course.pass_mark == 60
    assert course.modules[0].duration_minutes == 45
    quiz = course.quizzes[0]
    assert quiz.versions == 2 and quiz.questions[0].points == 2 and quiz.questions[4].answer == 20
    urdu, _ = load_course(FIXTURES / "urdu-course")
    assert urdu.pass_mark == 60 and urdu.modules[0].duration_minutes == 20


def test_native_digits_that_are_not_a_whole_number_are_still_an_error(tmp_path):
    root = _course(tmp_path, "persian-course")
    module = root / "modules" / "sukhtegi.md"
    module.write_text(module.read_text(encoding="utf-8").replace("duration_minutes: ۴۵", "duration_minutes: ۴۵٫۵"), encoding="utf-8")
    course, problems = load_course(root)
    assert course is None
    assert any("`duration_minutes` must be a whole number" in m for m in _messages(problems))
