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
from itertools import compress, count
from operator import add, attrgetter, itemgetter
from typing import TextIO

from ..model import Quiz
from ..problems import Problems
from .answer_sheet import AnswerSheet, CellGrader, sheet_graders
from .rules import PLAIN, UNANSWERED, Earned, Marks, QuizResult, Reading, maximum_score, result, sheet_columns
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

    The sheet is graded a column at a time, the rows of each printed version
    together: each distinct cell of a question and version is graded once
    (``CellGrader``; pass ``graders`` from ``sheet_graders`` to share that
    work with the statistics), and the rows' scores are added up in question
    order, as ``rules.summarize`` adds them. Each learner's marks are a view
    of the columns (``rules.Marks``).
    """
    graders = graders if graders is not None else sheet_graders(quiz, reading)
    groups = sheet.by_version()
    order = [index for indexes, _ in groups.values() for index in indexes]  # row indexes, version by version
    back = _inverse(order)  # where each row is in that order
    count = len(sheet.rows)
    columns: list[list[Earned]] = []
    unreadable = []
    for number, question in enumerate(quiz.questions):
        column = sheet.columns.get(question.id)
        if column is None:
            columns.append([UNANSWERED] * count)
            continue
        earned, warned = _grade_column(graders[question.id], column, groups)
        columns.append(earned if len(groups) <= 1 else list(map(earned.__getitem__, back)))
        unreadable += [(order[k], number, earned[k].warning) for k in warned]
    for index, number, warning in sorted(unreadable):
        problems.warning(sheet.rows[index].line, f"column `{quiz.questions[number].id}`: {warning}; it earns 0")
    scores = [0.0] * count
    for earned in columns:  # question by question: the same float sums as summarize
        scores = list(map(add, scores, map(POINTS, earned)))
    positions, maximum = {q.id: n for n, q in enumerate(quiz.questions)}, maximum_score(quiz)
    return [
        GradedRow(row.line, row.learner, result(quiz, score, Marks(positions, columns, index), maximum))
        for index, (row, score) in enumerate(zip(sheet.rows, scores, strict=True))
    ]


def _inverse(order: list[int]) -> list[int]:
    back = [0] * len(order)
    for position, index in enumerate(order):
        back[index] = position
    return back


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cycle collector paused while a class is graded.

    Grading builds a few objects per learner and question (rows, marks,
    results), all kept to the end and none in a cycle; CPython's collector
    would walk them over and over as they pile up (a sixth of the grading
    time, measured with cachegrind). Reference counting still frees what is
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
    texts = [list(map(text, map(POINTS, column))) for column in columns]
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


def write_template(quiz: Quiz, out: Destination, delimiter: str = ",") -> None:
    """An empty ANSWERS.csv for the quiz: the header row only, separated by ``delimiter`` (``,``, ``;`` or a tab).

    A quiz printed in versions gets a ``version`` column after the learner's.
    """
    versions = ["version"] if version_count(quiz) > 1 else []
    with opened(out) as stream:
        SafeWriter(stream, delimiter).writerow(["learner", *versions, *(q.id for q in quiz.questions)])
