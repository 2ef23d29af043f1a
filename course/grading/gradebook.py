"""The `grade` command (course-format.md section 5): ANSWERS.csv in, a gradebook CSV out.

Pipeline: load the quiz file -> read the answer sheet -> grade every cell with
``course.grading.rules`` -> write the gradebook (and, on request, the item analysis).
Scores are rounded only when printed (at most 2 decimals); ``passed`` comes
from the unrounded percent.
"""

from __future__ import annotations

import contextlib
import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from ..load.quizzes import load_quiz_file
from ..model import Quiz
from ..problems import Problem, Problems
from .answer_sheet import AnswerSheet, CellGrader, read_answer_sheet
from .item_analysis import analyse_items, print_item_table, write_item_analysis
from .rules import UNANSWERED, QuizResult, summarize

Output = Path | str | TextIO


@dataclass
class GradedRow:
    line: int
    learner: str
    result: QuizResult


def grade_sheet(quiz: Quiz, sheet: AnswerSheet, problems: Problems) -> list[GradedRow]:
    """Every row of the sheet graded; an unreadable cell earns 0 and a warning naming its column."""
    graders = [(q.id, CellGrader(q), sheet.columns.get(q.id)) for q in quiz.questions]
    graded = []
    for row in sheet.rows:
        earned = {}
        for qid, grade, column in graders:
            earned[qid] = cell = UNANSWERED if column is None else grade(row.cells[column])
            if cell.warning:
                problems.warning(row.line, f"column `{qid}`: {cell.warning}; it earns 0")
        graded.append(GradedRow(row.line, row.learner, summarize(quiz, earned)))
    return graded


@lru_cache(maxsize=4096)
def shown(number: float) -> str:
    """A number for display: at most 2 decimals, no needless zeros (2, 1.5, 66.67)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def write_gradebook(quiz: Quiz, rows: list[GradedRow], stream: TextIO) -> None:
    qids = [q.id for q in quiz.questions]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["learner", "score", "max", "percent", "passed", *qids])
    for row in rows:
        result = row.result
        marks = [shown(result.earned[qid].points) for qid in qids]
        passed = "true" if result.passed else "false"
        writer.writerow([row.learner, shown(result.score), shown(result.max), shown(result.percent), passed, *marks])


def write_template(quiz: Quiz, out: Output) -> None:
    """An empty ANSWERS.csv for the quiz: the header row only."""
    with opened(out) as stream:
        csv.writer(stream, lineterminator="\n").writerow(["learner", *(q.id for q in quiz.questions)])


@contextlib.contextmanager
def opened(out: Output) -> Iterator[TextIO]:
    """A text stream for a path (created, UTF-8) or the stream itself."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8", newline="") as stream:
            yield stream
    else:
        yield out


def run_grade(
    quiz_path: Path | str,
    answers_path: Path | str | None,
    out: Output | None = None,
    template: Output | None = None,
    report: Output | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """The `grade` command: 0 graded (warnings on stderr), 1 unusable input.

    With ``template`` it also writes an empty ANSWERS.csv (``answers_path`` may
    then be None); with ``report`` it writes the item analysis CSV and prints
    it as a table (on stdout when the gradebook goes to a file, else stderr).
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    quiz, problems = load_quiz_file(Path(quiz_path), str(quiz_path))
    _print(problems, stderr)
    if quiz is None:
        return 1
    if template is not None:
        write_template(quiz, template)
    if answers_path is None:
        return 0
    sheet, problems = read_answer_sheet(Path(answers_path), str(answers_path), quiz)
    if sheet is None:
        _print(problems, stderr)
        return 1
    grading_problems = Problems(str(answers_path))
    rows = grade_sheet(quiz, sheet, grading_problems)
    _print(sorted([*problems, *grading_problems], key=lambda p: p.line or 0), stderr)
    if sheet.bad_rows and not rows:
        print(f"{answers_path}: no row could be graded", file=stderr)
        return 1
    with opened(out if out is not None else stdout) as stream:
        write_gradebook(quiz, rows, stream)
    if report is not None:
        _report(quiz, sheet, rows, report, stdout if out is not None else stderr)
    return 0


def _report(quiz: Quiz, sheet: AnswerSheet, rows: list[GradedRow], report: Output, console: TextIO) -> None:
    items = analyse_items(quiz, sheet, [row.result for row in rows])
    with opened(report) as stream:
        write_item_analysis(items, stream)
    print_item_table(items, console)


def _print(problems: list[Problem], stream: TextIO) -> None:
    for problem in problems:
        print(problem, file=stream)
