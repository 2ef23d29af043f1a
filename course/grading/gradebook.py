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
from typing import TextIO

from ..model import Quiz
from ..problems import Problems
from .answer_sheet import AnswerSheet, CellGrader
from .rules import PLAIN, UNANSWERED, QuizResult, Reading, summarize
from .spreadsheet import Destination, SafeWriter, opened
from .versions import version_count


@dataclass
class GradedRow:
    line: int
    learner: str
    result: QuizResult


def grade_sheet(quiz: Quiz, sheet: AnswerSheet, problems: Problems, reading: Reading = PLAIN) -> list[GradedRow]:
    """Every row of the sheet graded; an unreadable cell earns 0 and a warning naming its column.

    Each distinct cell of a question and version is graded once (``CellGrader``);
    the loop reads the graders' caches itself, as it runs once per cell.
    """
    graders = [(q.id, CellGrader(q, reading, quiz), sheet.columns.get(q.id)) for q in quiz.questions]
    caches = {version: [grader.cache(version) for _, grader, _ in graders] for version in {row.version for row in sheet.rows}}
    graded = []
    for row in sheet.rows:
        earned, cells, version = {}, row.cells, row.version
        for (qid, grader, column), cache in zip(graders, caches[version], strict=True):
            if column is None:
                earned[qid] = UNANSWERED
                continue
            cell = cells[column]
            result = cache.get(cell)
            if result is None:
                result = cache[cell] = grader.grade(cell, version)
            earned[qid] = result
            if result.warning:
                problems.warning(row.line, f"column `{qid}`: {result.warning}; it earns 0")
        graded.append(GradedRow(row.line, row.learner, summarize(quiz, earned)))
    return graded


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
        marks = [shown(result.earned[qid].points) for qid in qids]
        passed = "true" if result.passed else "false"
        writer.writerow([row.learner, shown(result.score), shown(result.max), shown(result.percent), passed, *marks])


def write_template(quiz: Quiz, out: Destination, delimiter: str = ",") -> None:
    """An empty ANSWERS.csv for the quiz: the header row only, separated by ``delimiter`` (``,``, ``;`` or a tab).

    A quiz printed in versions gets a ``version`` column after the learner's.
    """
    versions = ["version"] if version_count(quiz) > 1 else []
    with opened(out) as stream:
        SafeWriter(stream, delimiter).writerow(["learner", *versions, *(q.id for q in quiz.questions)])
