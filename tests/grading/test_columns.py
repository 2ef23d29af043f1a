"""A graded sheet's columns (course.grading.columns): codes, distinct answers, counts, versions, unreadable rows."""

from __future__ import annotations

import gc
import weakref

import pytest

from course.grading.answer_sheet import read_answer_sheet, sheet_graders
from course.grading.columns import grade_columns
from course.grading.gradebook import grade_sheet
from course.grading.rules import grade_quiz
from course.load.quizzes import load_quiz_file
from course.problems import Problems

QUIZ = """\
id: cols
module: m
title: Columns
pass_mark: 50
{versions}questions:
  - {{id: q1, type: multiple, prompt: One, options: [{{text: A, correct: true}}, {{text: B, correct: true}}, {{text: C}}]}}
  - {{id: q2, type: single, prompt: Two, options: [{{text: A, correct: true}}, {{text: B}}, {{text: C}}]}}
  - {{id: q3, type: numeric, prompt: Three, answer: 12}}
"""


def sheet_of(tmp_path, answers: str, versions: int = 1):
    (tmp_path / "quiz.yaml").write_text(QUIZ.format(versions=f"versions: {versions}\n" if versions > 1 else ""), encoding="utf-8")
    (tmp_path / "answers.csv").write_text(answers, encoding="utf-8")
    quiz, problems = load_quiz_file(tmp_path / "quiz.yaml", "quiz.yaml")
    assert quiz is not None, problems
    sheet, problems = read_answer_sheet(tmp_path / "answers.csv", "answers.csv", quiz)
    assert sheet is not None, problems
    return quiz, sheet


def test_cells_read_alike_share_one_code_and_are_counted_together(tmp_path):
    quiz, sheet = sheet_of(tmp_path, 'learner,q1,q2,q3\nL1,a;b,a,12\nL2,B;A,a,١٢\nL3,"a, b",b,12.0\nL4,c,,x\n')
    q1, q2, q3 = grade_columns(quiz, sheet, sheet_graders(quiz))
    assert q1.codes.tolist() == [0, 0, 0, 1]  # three spellings of {a, b}, then c
    assert q1.responses == [["a", "b"], ["c"]]
    assert q1.learners == [3, 1]
    assert q1.points.tolist() == [1.0, 1.0, 1.0, 0.0]
    assert [q2.outcomes[code].points for code in q2.codes.tolist()] == [1.0, 1.0, 0.0, 0.0]
    assert sorted(q2.learners) == [1, 1, 2]  # a, b and the blank
    assert q3.points.tolist() == [1.0, 1.0, 1.0, 0.0]
    assert q3.unreadable() == [(3, q3.outcomes[q3.codes[3]].warning)]
    assert q3.unreadable()[0][1]  # the warning says why


def test_a_row_reads_as_the_outcome_its_code_points_to(tmp_path):
    quiz, sheet = sheet_of(tmp_path, "learner,q1,q2,q3\nL1,a;c,c,11\nL2,,a,12\n")
    columns = grade_columns(quiz, sheet, sheet_graders(quiz))
    responses = [{"q1": ["a", "c"], "q2": "c", "q3": "11"}, {"q2": "a", "q3": "12"}]
    for row, response in enumerate(responses):
        expected = grade_quiz(quiz, response)
        assert [column[row] for column in columns] == [expected.earned[q.id] for q in quiz.questions], sheet.rows[row].learner
    assert columns[0][0:2] == [columns[0][0], columns[0][1]]


def test_each_version_reads_its_own_letters(tmp_path):
    """The same cell in two printed versions is two answers: each is read in its version's letters."""
    quiz, sheet = sheet_of(tmp_path, "learner,version,q1,q2,q3\nL1,A,a,a,12\nL2,B,a,a,12\nL3,A,a,a,12\n", versions=2)
    graders = sheet_graders(quiz)
    columns = grade_columns(quiz, sheet, graders)
    for column, question in zip(columns, quiz.questions, strict=True):
        for row in sheet.rows:
            assert column[sheet.rows.index(row)] == graders[question.id](row.cells[sheet.columns[question.id]], row.version)
    assert sum(columns[1].learners) == 3


def test_a_question_without_a_column_is_blank_for_everyone(tmp_path):
    quiz, sheet = sheet_of(tmp_path, "learner,q1,q2\nL1,a,a\nL2,b,b\n")
    q3 = grade_columns(quiz, sheet, sheet_graders(quiz))[2]
    assert q3.points.tolist() == [0.0, 0.0]
    assert (q3.responses, q3.learners) == ([None], [2])


def test_no_rows_no_marks(tmp_path):
    quiz, sheet = sheet_of(tmp_path, "learner,q1,q2,q3\n")
    assert [len(column) for column in grade_columns(quiz, sheet, sheet_graders(quiz))] == [0, 0, 0]


class Marker:
    """Something weakly referenceable standing for a caller's data (the rows of a class)."""


def test_an_unreadable_cell_kept_by_a_grader_does_not_keep_its_callers_data_alive(tmp_path):
    """The grader caches the Unreadable it read; with its traceback, the frames would hold the callers' locals
    (the whole class being graded) until a cycle collection."""
    quiz, _ = sheet_of(tmp_path, "learner,q1,q2,q3\n")
    graders = sheet_graders(quiz)

    def caller() -> weakref.ref:
        rows = Marker()
        assert graders["q1"]("zz").warning
        return weakref.ref(rows)

    enabled = gc.isenabled()
    gc.disable()
    try:
        assert caller()() is None
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("learners", [1, 7])
def test_grade_sheet_scores_add_in_question_order(tmp_path, learners):
    lines = "".join(f"L{n},a;b,{'abc'[n % 3]},{n + 10}\n" for n in range(learners))
    quiz, sheet = sheet_of(tmp_path, "learner,q1,q2,q3\n" + lines)
    for row in grade_sheet(quiz, sheet, Problems("answers.csv")):
        expected = 0.0
        for question in quiz.questions:
            expected += row.result.earned[question.id].points
        assert row.result.score == expected
