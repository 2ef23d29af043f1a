"""Item analysis of a graded answer sheet: how each question behaved.

- facility: the mean share of the question's points the learners earned;
- discrimination: the point-biserial (Pearson) correlation of that share with
  the rest-score (the learner's score minus this question), blank when it is
  undefined (fewer than two learners, or either side constant);
- for `single`, `multiple` and `true_false`: how many learners chose each
  option, beside how many left it blank or gave an unreadable answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

import numpy as np
from rich.console import Console
from rich.table import Table

from ..model import Question, Quiz, letter
from .answer_sheet import AnswerSheet, CellGrader, sheet_graders
from .columns import answers_given
from .rules import PLAIN, QuizResult, Reading
from .spreadsheet import SafeWriter
from .statistics import Figures, points_matrix

CHOICE_TYPES = ("single", "multiple", "true_false")


@dataclass
class ItemStats:
    question: Question
    facility: float | None
    discrimination: float | None
    blank: int = 0
    unreadable: int = 0
    choices: dict[str, int] = field(default_factory=dict)  # option label -> learners who chose it

    @property
    def key(self) -> list[str]:
        if self.question.type == "true_false":
            return [str(self.question.answer).lower()]
        return [letter(i) for i, option in enumerate(self.question.options) if option.correct]


def analyse_items(
    quiz: Quiz, sheet: AnswerSheet, results: list[QuizResult], reading: Reading = PLAIN, graders: dict[str, CellGrader] | None = None
) -> list[ItemStats]:
    """``graders``: the ``sheet_graders`` the gradebook used, so no cell is read or graded twice.

    Facility and discrimination are the results report's (``statistics.Figures``); the choices are counted from the
    distinct answers of the graded columns (``columns.answers_given``).
    """
    graders = graders if graders is not None else sheet_graders(quiz, reading)
    figures = Figures(quiz, points_matrix(quiz, results), np.array([r.score for r in results], dtype=float))
    given = answers_given(quiz, sheet, results, graders)
    items = []
    for number, (question, facility, discrimination) in enumerate(
        zip(quiz.questions, figures.facility(), figures.discrimination(), strict=True)
    ):
        stats = ItemStats(question, facility, discrimination)
        _count_choices(stats, given[number])
        items.append(stats)
    return items


def _count_choices(stats: ItemStats, given) -> None:
    """Blank, unreadable and chosen counts from the distinct answers (earned, response in file-order letters, learners)."""
    question = stats.question
    labels = ["true", "false"] if question.type == "true_false" else [letter(i) for i in range(len(question.options))]
    stats.choices = dict.fromkeys(labels, 0) if question.type in CHOICE_TYPES else {}
    for earned, response, learners in given:
        if earned.warning:
            stats.unreadable += learners
            continue
        if response is None or (isinstance(response, list) and all(r is None for r in response)):
            stats.blank += learners
        for label in _labels(question, response):
            stats.choices[label] += learners


def _labels(question: Question, response) -> set[str]:
    if question.type not in CHOICE_TYPES or response is None:
        return set()
    if question.type == "true_false":
        return {str(response).lower()}
    return {response} if isinstance(response, str) else set(response)


def _decimals(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def write_item_analysis(items: list[ItemStats], stream: TextIO) -> None:
    labels = _all_labels(items)
    writer = SafeWriter(stream)
    writer.writerow(["question", "type", "points", "key", "facility", "discrimination", "blank", "unreadable", *labels])
    for item in items:
        q = item.question
        key = ";".join(item.key) if q.type in CHOICE_TYPES else ""
        counts = [item.choices.get(label, "") for label in labels]
        writer.writerow(
            [q.id, q.type, q.points, key, _decimals(item.facility), _decimals(item.discrimination), item.blank, item.unreadable, *counts]
        )


def _all_labels(items: list[ItemStats]) -> list[str]:
    most = max((len(i.question.options) for i in items if i.question.type in ("single", "multiple")), default=0)
    truth = ["true", "false"] if any(i.question.type == "true_false" for i in items) else []
    return [letter(i) for i in range(most)] + truth


def print_item_table(items: list[ItemStats], stream: TextIO) -> None:
    table = Table(title="Item analysis")
    for heading in ("question", "type", "facility", "discrimination", "blank", "unreadable", "choices (* = key)"):
        table.add_column(heading, justify="left" if heading in ("question", "type", "choices (* = key)") else "right")
    for item in items:
        choices = "  ".join(f"{label}{'*' if label in item.key else ''} {n}" for label, n in item.choices.items())
        stats = (_decimals(item.facility) or "-", _decimals(item.discrimination) or "-", str(item.blank), str(item.unreadable))
        table.add_row(item.question.id, item.question.type, *stats, choices)
    width = None if stream.isatty() else 120  # a file or pipe: wide enough for one line per question
    Console(file=stream, width=width).print(table)
