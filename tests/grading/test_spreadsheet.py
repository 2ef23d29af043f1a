"""Every CSV the project writes is safe in a spreadsheet (course-format.md section 5): no cell runs as a formula.

The security review's CSV of formula cells in the learner column went into the
gradebook unescaped; each cell now comes out with a leading ' (and so does a
cell that a spreadsheet would start with a tab or carriage return).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from course.commands.grade import run_grade
from course.grading.spreadsheet import inert

REPO = Path(__file__).resolve().parents[2]
QUIZ = REPO / "tests" / "fixtures" / "english-course" / "quizzes" / "customs-basics-quiz.yaml"

# The learner cells of the review's 02-formula-cells.csv, as a spreadsheet would read them back.
ATTACKS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://evil/","x")',
    "\t=HYPERLINK(1)",
    "\r=2+2",
]


@pytest.mark.parametrize("cell", ATTACKS)
def test_a_formula_leading_cell_is_made_inert(cell):
    assert inert(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Amal", "أمل", "12.5", "true", "", " =1+1", "a=b"])
def test_an_ordinary_cell_is_left_alone(cell):
    assert inert(cell) == cell


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_grade_writes_no_formula_into_the_gradebook_or_the_item_analysis(tmp_path):
    lines = ["learner,q1"] + [f'"{cell.replace(chr(34), chr(34) * 2)}",a' for cell in ATTACKS]
    (tmp_path / "ANSWERS.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = {"out": tmp_path / "gradebook.csv", "report": tmp_path / "items.csv"}
    status = run_grade(QUIZ, tmp_path / "ANSWERS.csv", **files, stdout=io.StringIO(), stderr=io.StringIO())
    assert status == 0
    gradebook = _rows(tmp_path / "gradebook.csv")
    learners = [row[0] for row in gradebook[1:]]
    assert len(learners) == len(ATTACKS), "no row is dropped"
    for row in gradebook + _rows(tmp_path / "items.csv"):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"a cell a spreadsheet would run: {cell!r}"
    assert all(learner.startswith("'") for learner in learners)
