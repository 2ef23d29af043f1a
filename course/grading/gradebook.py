"""The gradebook (course-format.md section 5): graded answer sheets out as CSV.

The `grade` command (``course.commands.grade``) loads the quiz file, reads the
answer sheet (``answer_sheet``), grades every row here with
``course.grading.rules`` and writes the gradebook (and, on request, the item
analysis).
Scores are rounded only when printed (at most 2 decimals); ``passed`` comes
from the unrounded percent.
"""

from __future__ import annotations

import contextlib
import csv
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import TextIO

import numpy as np

from ..model import Quiz
from ..problems import Problems
from .answer_sheet import AnswerSheet, CellGrader, sheet_graders
from .columns import Column, Marks, grade_columns, sheet_columns
from .rules import PLAIN, QuizResult, Reading, maximum_score, result
from .spreadsheet import Destination, SafeWriter, inert, opened
from .versions import version_count


@dataclass
class GradedRow:
    line: int
    learner: str
    result: QuizResult


def grade_sheet(
    quiz: Quiz, sheet: AnswerSheet, problems: Problems, reading: Reading = PLAIN, graders: dict[str, CellGrader] | None = None
) -> list[GradedRow]:
    """Every row of the sheet graded; an unreadable cell earns 0 and a warning naming its column.

    The sheet is graded a column at a time (``columns``): each distinct cell
    of a question and version is graded once (pass ``graders`` from
    ``sheet_graders`` to share that work with the statistics), and the rows'
    scores are added up in question order from 0.0, as ``rules.summarize``
    adds them (the same float additions, a column at a time). Each learner's
    marks are a view of the columns (``columns.Marks``).
    """
    graders = graders if graders is not None else sheet_graders(quiz, reading)
    columns = grade_columns(quiz, sheet, graders)
    unreadable = sorted((row, number, warning) for number, column in enumerate(columns) for row, warning in column.unreadable())
    for row, number, warning in unreadable:
        problems.warning(sheet.rows[row].line, f"column `{quiz.questions[number].id}`: {warning}; it earns 0")
    scores = np.zeros(len(sheet.rows))
    for column in columns:  # question by question: the same float sums as summarize
        scores += column.points
    positions, maximum = {q.id: n for n, q in enumerate(quiz.questions)}, maximum_score(quiz)
    return [
        GradedRow(row.line, row.learner, result(quiz, score, Marks(positions, columns, index), maximum))
        for index, (row, score) in enumerate(zip(sheet.rows, scores.tolist(), strict=True))
    ]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cycle collector paused while a class is graded.

    Grading builds a few objects per learner (rows, marks, results), all
    kept to the end and none in a cycle; CPython's collector would walk them
    over and over as they pile up. Reference counting still frees what is
    dropped; the collector runs again as soon as the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


POINTS = attrgetter("points")


@lru_cache(maxsize=4096)
def shown(number: float) -> str:
    """A number for display: at most 2 decimals, no needless zeros (2, 1.5, 66.67)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def mark(number: float) -> str:
    """A number as a gradebook cell: ``shown``, and inert should it start a formula (``spreadsheet.inert``)."""
    return inert(shown(number))


class _Marks(dict):
    """Each distinct number's cell text, worked out once (a float-keyed dict: cheaper per cell than ``lru_cache``)."""

    def __missing__(self, number: float) -> str:
        text = self[number] = mark(number)
        return text


def write_gradebook(quiz: Quiz, rows: list[GradedRow], stream: TextIO) -> None:
    """The gradebook CSV. Every text cell is inert (``spreadsheet``): learners' names one by one, numbers through
    ``mark``. The rows of one graded sheet are written a column at a time (a class has thousands of rows, and its
    marks few distinct values)."""
    qids = [q.id for q in quiz.questions]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([inert(cell) for cell in ("learner", "score", "max", "percent", "passed", *qids)])
    results = [row.result for row in rows]
    columns = sheet_columns(results)
    if columns is None:
        columns = [[result.earned[qid] for result in results] for qid in qids]
    text = _Marks().__getitem__
    texts = [_texts(column, text) for column in columns]
    writer.writerows(
        zip(
            [inert(row.learner) for row in rows],
            [mark(result.score) for result in results],
            [mark(result.max) for result in results],
            [mark(result.percent) for result in results],
            ["true" if result.passed else "false" for result in results],
            *texts,
            strict=True,
        )
    )


def _texts(column, text) -> list[str]:
    """A column's cells: each distinct outcome's text once, then picked by the rows' codes."""
    if isinstance(column, Column):
        return np.array([text(earned.points) for earned in column.outcomes], dtype=object)[column.codes].tolist()
    return list(map(text, map(POINTS, column)))


def write_template(quiz: Quiz, out: Destination, delimiter: str = ",") -> None:
    """An empty ANSWERS.csv for the quiz: the header row only, separated by ``delimiter`` (``,``, ``;`` or a tab).

    A quiz printed in versions gets a ``version`` column after the learner's.
    """
    versions = ["version"] if version_count(quiz) > 1 else []
    with opened(out) as stream:
        SafeWriter(stream, delimiter).writerow(["learner", *versions, *(q.id for q in quiz.questions)])
