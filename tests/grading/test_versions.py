"""Printed versions (course-format.md sections 3 and 5): fixed orders, read back by ``grade`` as file-order letters."""

from __future__ import annotations

import io
from itertools import permutations

import pytest

from course.commands.grade import run_grade
from course.grading.versions import Version, version_letters, version_of
from course.load.quizzes import load_quiz_file

QUIZ = """\
id: versioned-quiz
module: customs
title: Versioned quiz
versions: 4
questions:
  - {id: q1, type: single, prompt: One, options: [{text: A}, {text: B}, {text: C}, {text: D}, {text: E, correct: true}]}
  - {id: q2, type: multiple, prompt: Two, options: [{text: A, correct: true}, {text: B, correct: true}, {text: C}, {text: D}]}
  - {id: q3, type: true_false, prompt: Three, answer: false}
  - {id: q4, type: matching, prompt: Four, prompts: [P1, P2, P3], choices: [C1, C2, C3, C4], answer: [b, a, c]}
  - {id: q5, type: ordering, prompt: Five, items: [I1, I2, I3, I4], answer: [c, a, d, b]}
"""


@pytest.fixture
def quiz(tmp_path):
    (tmp_path / "quiz.yaml").write_text(QUIZ, encoding="utf-8")
    loaded, problems = load_quiz_file(tmp_path / "quiz.yaml", "quiz.yaml")
    assert loaded is not None, problems
    return loaded


def printed(version: Version, question, file_letters):
    """The letters a learner of ``version`` writes for the file-order letters ``file_letters``."""
    order = version.order(question)
    return [chr(97 + order.index(ord(letter) - 97)) for letter in file_letters]


def test_versions_are_lettered_and_fixed_by_the_quiz_id_and_letter(quiz):
    assert version_letters(quiz) == ["A", "B", "C", "D"]
    first = {letter: [q.id for q in Version(quiz, letter).questions] for letter in "ABCD"}
    again = {letter: [q.id for q in Version(quiz, letter).questions] for letter in "ABCD"}
    assert first == again
    orders = {letter: tuple(tuple(Version(quiz, letter).order(q)) for q in quiz.questions) for letter in "ABCD"}
    assert len(set(orders.values())) == 4, "each version has its own order"
    for order in orders.values():
        for question, shown in zip(quiz.questions, order, strict=True):
            assert sorted(shown) == list(range(len(shown))), "a permutation of the options, choices or items"
            if question.type == "true_false":
                assert shown == ()


def test_a_quiz_without_versions_prints_in_file_order(quiz):
    quiz.versions = 1
    version = Version(quiz, "A")
    assert [q.id for q in version.questions] == [q.id for q in quiz.questions]
    assert all(version.order(q) == list(range(len(version.order(q)))) for q in quiz.questions)


@pytest.mark.parametrize(
    ("cell", "letter"), [("A", "A"), ("b", "B"), (" C ", "C"), ("", "A"), ("أ", "A"), ("ب", "B"), ("ج", "C"), ("Z", "Z"), ("AB", None)]
)
def test_version_cells(cell, letter):
    assert version_of(cell) == letter


def test_grade_reads_every_version_right(tmp_path, quiz):
    right = {"q1": ["e"], "q2": ["a", "b"], "q4": ["b", "a", "c"], "q5": ["c", "a", "d", "b"]}
    lines = ["learner,version,q1,q2,q3,q4,q5"]
    for letter in "ABCD":
        version = Version(quiz, letter)
        cells = {qid: printed(version, next(q for q in quiz.questions if q.id == qid), letters) for qid, letters in right.items()}
        answers = [cells["q1"][0], ";".join(cells["q2"]), "f", ";".join(cells["q4"]), ";".join(cells["q5"])]
        lines.append(",".join([f"Learner {letter}", letter, *answers]))
    arabic = Version(quiz, "B")
    cells = {qid: printed(arabic, next(q for q in quiz.questions if q.id == qid), letters) for qid, letters in right.items()}
    lines.append(",".join(["متدرب", "ب", cells["q1"][0], ";".join(cells["q2"]), "خطأ", ";".join(cells["q4"]), ";".join(cells["q5"])]))
    (tmp_path / "ANSWERS.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_grade(tmp_path / "quiz.yaml", tmp_path / "ANSWERS.csv", stdout=stdout, stderr=stderr) == 0
    assert stderr.getvalue() == ""
    rows = stdout.getvalue().splitlines()[1:]
    assert [row.split(",")[3] for row in rows] == ["100"] * 5, rows


def test_file_order_letters_on_another_version_are_graded_as_that_version_prints_them(tmp_path, quiz):
    """The same letters mean other options on another sheet: at least one version scores them otherwise."""
    lines = ["learner,version,q1"] + [f"L{letter},{letter},e" for letter in "ABCD"]
    (tmp_path / "ANSWERS.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stdout = io.StringIO()
    assert run_grade(tmp_path / "quiz.yaml", tmp_path / "ANSWERS.csv", stdout=stdout, stderr=io.StringIO()) == 0
    marks = [row.split(",")[5] for row in stdout.getvalue().splitlines()[1:]]  # learner,score,max,percent,passed,q1
    expected = ["1" if Version(quiz, letter).to_file(quiz.questions[0], "e") == "e" else "0" for letter in "ABCD"]
    assert marks == expected and "0" in marks


def test_a_version_the_quiz_does_not_print_is_a_row_warning(tmp_path):
    (tmp_path / "quiz.yaml").write_text(QUIZ.replace("versions: 4", "versions: 2"), encoding="utf-8")
    (tmp_path / "ANSWERS.csv").write_text("learner,version,q1\nAmal,C,e\nSam,B,e\n", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_grade(tmp_path / "quiz.yaml", tmp_path / "ANSWERS.csv", stdout=stdout, stderr=stderr) == 0
    assert "ANSWERS.csv:2: warning: version `C` is not one of this quiz's printed versions (A, B); row not graded" in stderr.getvalue()
    assert len(stdout.getvalue().splitlines()) == 2


def test_more_than_26_versions_is_an_error_at_its_line(tmp_path):
    (tmp_path / "quiz.yaml").write_text(QUIZ.replace("versions: 4", "versions: 27"), encoding="utf-8")
    loaded, problems = load_quiz_file(tmp_path / "quiz.yaml", "quiz.yaml")
    assert loaded is None
    assert "quiz.yaml:4: `versions` must be at most 26, found `27`" in [str(p) for p in problems]


def test_every_permutation_is_reachable_in_principle():
    """The shuffle is Fisher-Yates over SHA-256: across many seeds every order of 3 appears."""
    from course.grading.versions import _permutation

    seen = {tuple(_permutation(f"seed-{n}", 3)) for n in range(200)}
    assert seen == set(permutations(range(3)))
