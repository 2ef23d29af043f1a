"""What the dashboard shows: per-quiz gradebooks, item analysis, charts, CSV exports.

Stored attempts become the objects the paper path already analyses: a
``QuizResult`` from the stored points, and an ``AnswerSheet`` whose cells are
the responses written as a trainer would on paper, so ``course.grading.gradebook``
and ``course.grading.item_analysis`` do the work. Item analysis uses each learner's
first attempt (how the question behaved before any feedback).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import Connection

from ..grading.answer_sheet import AnswerRow, AnswerSheet
from ..grading.gradebook import GradedRow, shown, write_gradebook
from ..grading.item_analysis import ItemStats, analyse_items, write_item_analysis
from ..grading.rules import Earned, QuizResult
from ..grading.spreadsheet import SafeWriter
from ..model import Course, Quiz
from . import attempts, store
from .views import when


def stored_result(row) -> QuizResult:
    earned = {qid: Earned(points) for qid, points in json.loads(row.earned).items()}
    return QuizResult(row.score, row.max, row.percent, bool(row.passed), earned)


def best(rows: list) -> Any:
    """The attempt with the highest score; the earliest of equals."""
    return max(rows, key=lambda row: (row.score, -row.number))


@dataclass
class LearnerRow:
    learner_id: int
    name: str
    roster_id: str | None
    attempts: list
    best: Any = None

    @property
    def passed(self) -> bool:
        return any(bool(a.passed) for a in self.attempts)

    @property
    def revealed(self) -> bool:
        """May the learner see this quiz's answers now (the quiz's reveal setting)?"""
        return self.settings.revealed(len(self.attempts), time.time())


@dataclass
class QuizReport:
    quiz: Quiz
    rows: list[LearnerRow]
    items: list[ItemStats] = field(default_factory=list)
    histogram: list[dict] = field(default_factory=list)

    @property
    def attempted(self) -> list[LearnerRow]:
        return [row for row in self.rows if row.attempts]


def quiz_report(connection: Connection, class_id: int, quiz: Quiz) -> QuizReport:
    by_learner: dict[int, LearnerRow] = {
        learner.id: LearnerRow(learner.id, learner.name, learner.roster_id, []) for learner in store.learners(connection, class_id)
    }
    for row in attempts.quiz_attempts(connection, class_id, quiz.id):
        by_learner[row.learner_id].attempts.append(row)
    rows = list(by_learner.values())
    for row in rows:
        row.best = best(row.attempts) if row.attempts else None
    report = QuizReport(quiz, rows)
    firsts = [row.attempts[0] for row in rows if row.attempts]
    if firsts:
        report.items = analyse_items(quiz, answer_sheet(quiz, firsts), [stored_result(a) for a in firsts])
    report.histogram = histogram([row.best.percent for row in report.attempted])
    return report


def answer_sheet(quiz: Quiz, rows: list) -> AnswerSheet:
    columns = {question.id: index for index, question in enumerate(quiz.questions, start=1)}
    sheet = AnswerSheet(columns)
    for line, row in enumerate(rows, start=2):
        responses = json.loads(row.responses)
        cells = [as_cell(responses.get(question.id)) for question in quiz.questions]
        sheet.rows.append(AnswerRow(line, row.learner_name, [row.learner_name, *cells]))
    return sheet


def as_cell(response: Any) -> str:
    """A canonical response written as a paper answer-sheet cell (section 5)."""
    if response is None:
        return ""
    if isinstance(response, bool):
        return "true" if response else "false"
    if isinstance(response, list):
        return ";".join("" if item is None else str(item) for item in response)
    return str(response)


def histogram(percents: list[float], bins: int = 10) -> list[dict]:
    """Learners per tenth of the percent range (100 falls in the last bin)."""
    counts = [0] * bins
    for percent in percents:
        counts[min(int(percent // (100 / bins)), bins - 1)] += 1
    return [{"low": i * 100 // bins, "high": (i + 1) * 100 // bins, "count": n} for i, n in enumerate(counts)]


def chart_bars(values: list[float], top: float, width: int = 600, height: int = 200) -> list[dict]:
    """Geometry of a bar chart (the template draws it): x, y, w, h per value."""
    step = width / max(len(values), 1)
    scale = height / top if top else 0
    return [
        {
            "x": round(i * step + step * 0.1, 1),
            "w": round(step * 0.8, 1),
            "h": round(v * scale, 1),
            "y": round(height - v * scale, 1),
            "value": v,
        }
        for i, v in enumerate(values)
    ]


def write_best_gradebook(report: QuizReport, stream: TextIO) -> None:
    """course.grading.gradebook's format, one row per learner who attempted: their best attempt."""
    rows = [GradedRow(0, row.name, stored_result(row.best)) for row in report.attempted]
    write_gradebook(report.quiz, rows, stream)


def write_attempts(report: QuizReport, stream: TextIO) -> None:
    writer = SafeWriter(stream)
    writer.writerow(["learner", "roster_id", "attempt", "submitted_at", "score", "max", "percent", "passed"])
    for row in report.attempted:
        for a in row.attempts:
            passed = "true" if a.passed else "false"
            writer.writerow(
                [
                    row.name,
                    row.roster_id or "",
                    a.number,
                    when(a.created_at),
                    shown(a.score),
                    shown(a.max),
                    shown(a.percent),
                    passed,
                ]
            )


def write_items(report: QuizReport, stream: TextIO) -> None:
    write_item_analysis(report.items, stream)


@dataclass
class QuizSummary:
    quiz: Quiz
    settings: store.QuizSettings
    attempts: list
    best: Any = None

    @property
    def passed(self) -> bool:
        return any(bool(a.passed) for a in self.attempts)

    @property
    def revealed(self) -> bool:
        """May the learner see this quiz's answers now (the quiz's reveal setting)?"""
        return self.settings.revealed(len(self.attempts), time.time())


def learner_summary(connection: Connection, course: Course, learner) -> list[QuizSummary]:
    settings = store.all_quiz_settings(connection, learner.class_id)
    mine: dict[str, list] = {}
    for row in attempts.learner_attempts(connection, learner.id):
        mine.setdefault(row.quiz_id, []).append(row)
    summary = []
    for quiz in course.quizzes:
        rows = mine.get(quiz.id, [])
        summary.append(QuizSummary(quiz, settings.get(quiz.id, store.QuizSettings()), rows, best(rows) if rows else None))
    return summary


def class_matrix(connection: Connection, course: Course, class_id: int) -> list[dict]:
    """Learners x quizzes: the best percent and whether passed, for the class page."""
    learners = store.learners(connection, class_id)
    passed = attempts.passed_quizzes(connection, class_id)
    cells: dict[tuple[int, str], float] = {}
    for quiz in course.quizzes:
        for row in attempts.quiz_attempts(connection, class_id, quiz.id):
            key = (row.learner_id, quiz.id)
            cells[key] = max(cells.get(key, 0.0), row.percent)
    quiz_ids = [quiz.id for quiz in course.quizzes]
    return [
        {
            "learner": learner,
            "cells": [{"percent": cells.get((learner.id, qid)), "passed": qid in passed.get(learner.id, set())} for qid in quiz_ids],
            "complete": bool(quiz_ids) and set(quiz_ids) <= passed.get(learner.id, set()),
        }
        for learner in learners
    ]
