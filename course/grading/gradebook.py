"""The gradebook (course-format.md section 5): graded answer sheets out as CSV.

The `grade` command (``course.commands.grade``) loads the quiz file, reads the
answer sheet (``answer_sheet``), grades every row here with
``course.grading.rules`` and writes the gradebook (and, on request, the item
analysis).
Scores are rounded only when printed (at most 2 decimals); ``passed`` comes
from the unrounded percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count
from operator import add, attrgetter, itemgetter
from typing import TextIO

from ..model import Quiz
from ..problems import Problems
from .answer_sheet import AnswerSheet, CellGrader, sheet_graders
from .rules import PLAIN, UNANSWERED, Earned, QuizResult, Reading, maximum_score, result
from .spreadsheet import Destination, SafeWriter, opened
from .versions import version_count


@dataclass
class GradedRow:
    line: int
    learner: str
    result: QuizResult
    marks: tuple[Earned, ...] = ()  # what each question earned, in quiz order (the gradebook's columns)


def grade_sheet(
    quiz: Quiz, sheet: AnswerSheet, problems: Problems, reading: Reading = PLAIN, graders: dict[str, CellGrader] | None = None
) -> list[GradedRow]:
    """Every row of the sheet graded; an unreadable cell earns 0 and a warning naming its column.

    The sheet is graded a column at a time, the rows of each printed version
    together: each distinct cell of a question and version is graded once
    (``CellGrader``; pass ``graders`` from ``sheet_graders`` to share that
    work with the statistics), and the rows' scores are added up in question
    order, as ``rules.summarize`` adds them.
    """
    graders = graders if graders is not None else sheet_graders(quiz, reading)
    groups = sheet.by_version()
    order = [index for indexes, _ in groups.values() for index in indexes]  # row indexes, version by version
    columns, unreadable = [], []
    for number, question in enumerate(quiz.questions):
        column = sheet.columns.get(question.id)
        if column is None:
            columns.append([UNANSWERED] * len(order))
            continue
        earned, warned = _grade_column(graders[question.id], column, groups)
        columns.append(earned)
        unreadable += [(order[k], number, earned[k].warning) for k in warned]
    for index, number, warning in sorted(unreadable):
        problems.warning(sheet.rows[index].line, f"column `{quiz.questions[number].id}`: {warning}; it earns 0")
    scores = [0.0] * len(order)
    for earned in columns:  # question by question: the same float sums as summarize
        scores = list(map(add, scores, map(POINTS, earned)))
    qids, maximum = [q.id for q in quiz.questions], maximum_score(quiz)
    graded: list[GradedRow] = [None] * len(order)  # type: ignore[list-item]
    for index, score, marks in zip(order, scores, zip(*columns, strict=True), strict=True):
        row = sheet.rows[index]
        graded[index] = GradedRow(row.line, row.learner, result(quiz, score, dict(zip(qids, marks, strict=True)), maximum), marks)
    return graded


POINTS = attrgetter("points")


def _grade_column(grader: CellGrader, column: int, groups) -> tuple[list[Earned], list[int]]:
    """What each row earned for one question, the rows of each version together (in ``groups``' order), and the
    positions in that list of the unreadable cells."""
    pick = itemgetter(column)
    earned: list[Earned] = []
    warned: list[int] = []
    for version, (_, rows) in groups.items():
        cells = list(map(pick, rows))
        cache = grader.cache(version)
        distinct = set(cells)
        for cell in distinct.difference(cache):
            cache[cell] = grader.grade(cell, version)
        unreadable = {cell for cell in distinct if cache[cell].warning}
        if unreadable:
            warned += compress(count(len(earned)), map(unreadable.__contains__, cells))
        earned += map(cache.__getitem__, cells)
    return earned, warned


@lru_cache(maxsize=4096)
def shown(number: float) -> str:
    """A number for display: at most 2 decimals, no needless zeros (2, 1.5, 66.67)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def write_gradebook(quiz: Quiz, rows: list[GradedRow], stream: TextIO) -> None:
    qids = [q.id for q in quiz.questions]
    writer = SafeWriter(stream)
    writer.writerow(["learner", "score", "max", "percent", "passed", *qids])
    for row in rows:
        result = row.result
        marks = row.marks or tuple(map(result.earned.__getitem__, qids))
        passed = "true" if result.passed else "false"
        totals = [shown(result.score), shown(result.max), shown(result.percent), passed]
        writer.writerow([row.learner, *totals, *map(shown, map(POINTS, marks))])


def write_template(quiz: Quiz, out: Destination, delimiter: str = ",") -> None:
    """An empty ANSWERS.csv for the quiz: the header row only, separated by ``delimiter`` (``,``, ``;`` or a tab).

    A quiz printed in versions gets a ``version`` column after the learner's.
    """
    versions = ["version"] if version_count(quiz) > 1 else []
    with opened(out) as stream:
        SafeWriter(stream, delimiter).writerow(["learner", *versions, *(q.id for q in quiz.questions)])
