"""A graded answer sheet's columns: each question's marks for every row, worked out a column at a time.

A class is thousands of rows whose cells repeat a lot (a few letters, a
few spellings). A column is read as codes: each distinct cell of each
printed version gets a number and is graded once (``CellGrader``), and a
row's mark is the outcome its code points to. The points and the counts of
each distinct answer then come from numpy over the codes, not from a Python
loop over the rows; the gradebook, the statistics and the item analysis all
read these columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Quiz
from .answer_sheet import AnswerSheet, CellGrader
from .rules import UNANSWERED, Earned, QuizResult


@dataclass(eq=False)
class Column(Sequence):
    """One question's marks: ``outcomes[codes[row]]`` is what the row earned.

    Each code stands for one distinct answer as read (``b;a`` and ``A, b``
    are one answer to a ``multiple`` question): ``outcomes[k]`` is what it
    earned, ``responses[k]`` the response in file-order letters (None when
    unreadable) and ``learners[k]`` how many rows gave it. ``points`` is each
    row's points (float64, as ``Earned.points``).
    """

    outcomes: list[Earned]
    responses: list[Any]
    learners: list[int]
    codes: np.ndarray
    points: np.ndarray

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self.outcomes[code] for code in self.codes[row].tolist()]
        return self.outcomes[self.codes[row]]

    def __len__(self) -> int:
        return len(self.codes)

    def given(self) -> list[tuple[Earned, Any, int]]:
        """(earned, response, learners) for each distinct answer."""
        return list(zip(self.outcomes, self.responses, self.learners, strict=True))

    def unreadable(self) -> list[tuple[int, str]]:
        """(row, warning) for every row whose cell could not be read, in row order."""
        warned = [k for k, earned in enumerate(self.outcomes) if earned.warning]
        if not warned:
            return []
        rows = np.flatnonzero(np.isin(self.codes, warned))
        return [(row, self.outcomes[code].warning) for row, code in zip(rows.tolist(), self.codes[rows].tolist(), strict=True)]


class Marks(Mapping):
    """What one learner earned for each question, by question id: a row of a graded sheet's columns.

    A class of thousands costs no dict per learner, and the gradebook and the
    statistics read the columns whole (``sheet_columns``).
    """

    __slots__ = ("columns", "index", "row")

    def __init__(self, index: dict[str, int], columns: list[Column], row: int):
        self.index, self.columns, self.row = index, columns, row

    def __getitem__(self, question_id: str) -> Earned:
        return self.columns[self.index[question_id]][self.row]

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def __repr__(self) -> str:
        return repr(dict(self))


def sheet_columns(results: list[QuizResult]) -> list[Column] | None:
    """The columns of the graded sheet when ``results`` are all its rows in order, as ``grade_sheet`` left them
    (each earned is a ``Marks``); else None (results changed since, as ``scan --grade`` does with half marks)."""
    first = results[0].earned if results else None
    if not isinstance(first, Marks) or not first.columns or len(first.columns[0]) != len(results):
        return None
    columns = first.columns
    if all(isinstance(r.earned, Marks) and r.earned.columns is columns and r.earned.row == n for n, r in enumerate(results)):
        return columns
    return None


def grade_columns(quiz: Quiz, sheet: AnswerSheet, graders: dict[str, CellGrader]) -> list[Column]:
    """Every question's column, in question order; a question without a column is unanswered by everyone."""
    count = len(sheet.rows)
    names: dict[str, int] = {}
    versions = np.fromiter((names.setdefault(row.version, len(names)) for row in sheet.rows), np.intp, count)
    letters = list(names)
    cells = list(zip(*(row.cells for row in sheet.rows), strict=True)) if count else []
    columns = []
    for question in quiz.questions:
        index = sheet.columns.get(question.id)
        if index is None or not count:
            columns.append(_blank(count))
        else:
            columns.append(_column(graders[question.id], cells[index], versions, letters))
    return columns


def _blank(count: int) -> Column:
    return Column([UNANSWERED], [None], [count], np.zeros(count, np.intp), np.zeros(count))


def _column(grader: CellGrader, cells: tuple[str, ...], versions: np.ndarray, letters: list[str]) -> Column:
    """Each distinct (cell, version) pair read and graded once; pairs read alike share one code."""
    distinct = dict.fromkeys(cells)
    for code, cell in enumerate(distinct):
        distinct[cell] = code
    codes = np.fromiter(map(distinct.__getitem__, cells), np.intp, len(cells))
    width = len(letters)
    if width > 1:
        codes = codes * width + versions  # a pair: the cell and the version it is read in
    present = np.flatnonzero(np.bincount(codes))
    texts, outcome = list(distinct), grader.outcome
    found: dict[int, int] = {}  # id of a cached outcome -> its code
    given: list[tuple[Earned, Any]] = []
    numbers = []
    for pair in present.tolist():
        result = outcome(texts[pair // width], letters[pair % width])  # cached by the grader: one object per reading
        number = found.get(id(result))
        if number is None:
            number = found[id(result)] = len(given)
            given.append(result)
        numbers.append(number)
    renumber = np.zeros(int(present[-1]) + 1, np.intp)  # a column has at least one row
    renumber[present] = numbers
    codes = renumber[codes]
    outcomes = [earned for earned, _ in given]
    learners = np.bincount(codes, minlength=len(given)).tolist()
    points = np.array([earned.points for earned in outcomes], dtype=float)[codes]
    return Column(outcomes, [response for _, response in given], learners, codes, points)


def answers_given(
    quiz: Quiz, sheet: AnswerSheet, results: list[QuizResult], graders: dict[str, CellGrader]
) -> list[list[tuple[Earned, Any, int]]]:
    """For each question, (earned, response, learners) per distinct answer: the graded columns' own when
    ``results`` are the sheet's rows as ``grade_sheet`` left them, else counted from the sheet."""
    columns = sheet_columns(results)
    if columns is not None:
        return [column.given() for column in columns]
    groups = sheet.by_version()
    return [
        [(*graders[q.id].outcome(cell, version), learners) for cell, version, learners in sheet.distinct_cells(q.id, groups)]
        for q in quiz.questions
    ]
