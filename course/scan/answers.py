"""The scan's outputs for ``grade``: the answers CSV (course-format.md section 5), and the trainer's decisions.

The answers CSV has a row per learner's sheet, in scan order: the learner
number (``?FILE:PAGE`` when the sheet's number could not be read), the
``version`` column when the quiz has versions, then the question ids in
file order. Letters are the printed positions' (``a``, ``b``...), read in
the learner's version as the contract says. A short answer's cell is the
first accepted answer when the trainer ticked full marks, else empty; half
marks cannot be said in a cell, so ``--grade`` applies the ticked fraction
(``scores``).

Decisions (``--overrides``): a CSV ``file,page,item,reading,decision,reason``
as ``write_decisions`` leaves it for the trainer, one line per flagged item;
a non-empty ``decision`` replaces the reading (written as in the answers
CSV: ``b``, ``a;c``, ``true``, ``3.5``, a learner number; for a short
answer's score ``0``, ``0.5`` or ``1``; ``-`` for an empty answer).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..grading.spreadsheet import SafeWriter, opened
from ..grading.versions import version_count
from ..problems import Problems
from .decide import SCORES, NumberCell
from .session import Session

DECISION_HEADER = ["file", "page", "item", "reading", "decision", "reason"]


def write_answers(session: Session, target) -> None:
    quiz = session.quiz
    versions = version_count(quiz) > 1
    with opened(target) as stream:
        writer = SafeWriter(stream)
        writer.writerow(["learner", *(["version"] if versions else []), *(q.id for q in quiz.questions)])
        for sheet in session.sheets:
            cells = sheet.cells()
            row = [sheet.learner, *([sheet.version] if versions else [])]
            writer.writerow(row + [cells.get(q.id, "") for q in quiz.questions])


def scores(session: Session) -> list[dict[str, float]]:
    """For each sheet in order, the fraction of each short answer's points the trainer ticked."""
    return [
        {name: item.score for page in sheet.pages.values() for name, item in page.items.items() if item.score is not None}
        for sheet in session.sheets
    ]


def write_decisions(session: Session, target: Path) -> None:
    """The flagged items, one per line, with an empty ``decision`` column for the trainer."""
    with opened(target) as stream:
        writer = SafeWriter(stream)
        writer.writerow(DECISION_HEADER)
        for _, page, item in session.flagged():
            writer.writerow([page.file, page.page, item.item, item.cell, "", "; ".join(item.flags)])


def apply_decisions(session: Session, path: Path) -> list:
    """Apply the trainer's decisions; the problems of the file (``PATH:LINE: message``), and a decision for nothing is one."""
    problems = Problems(str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        problems.error(1, f"cannot be read: {error}")
        return list(problems)
    pages = {(page.file, page.page): page for sheet in session.sheets for page in sheet.pages.values()}
    rows = list(csv.reader(text.splitlines()))
    if not rows or [cell.strip().lower() for cell in rows[0][:5]] != DECISION_HEADER[:5]:
        problems.error(1, f"the header must be {','.join(DECISION_HEADER)}")
        return list(problems)
    for line, row in enumerate(rows[1:], start=2):
        if len(row) < 5 or not row[4].strip():
            continue
        file, page, item, decision = row[0], row[1].strip(), row[2].strip(), row[4].strip().lstrip("'")
        read = pages.get((file, int(page))) if page.isdigit() else None
        if read is None or item not in read.items:
            problems.error(line, f"no item `{item}` on {file}:{page} in these scans")
            continue
        refused = settle(session, read.items[item], decision)
        if refused:
            problems.error(line, refused)
    return list(problems)


def settle(session: Session, target, decision: str) -> str | None:
    """The trainer's decision on a flagged item: its cell (or a short answer's score) replaced, its flags gone; else why not."""
    question = next((q for q in session.quiz.questions if q.id == target.item), None)
    if question is not None and question.type == "short":
        try:
            fraction = float(decision.replace(",", "."))
        except ValueError:
            fraction = -1.0
        if fraction not in SCORES:
            return f"a short answer's score is 0, 0.5 or 1, found `{decision[:20]}`"
        target.score = fraction
        target.cell = question.answers[0] if fraction == 1.0 and question.answers else ""
    elif target.item == "learner":
        number = decision.translate(DIGITS).strip()
        if not number.isascii() or not number.isdigit():
            return f"a learner number is digits, found `{decision[:20]}`"
        target.cell = number
    elif question is not None and question.type == "numeric":
        target.cell = "" if decision == "-" else NumberCell(decision)  # a minus sign here is a number's: written as it is
    else:
        target.cell = "" if decision == "-" else decision
    target.flags = []
    return None


DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")  # Arabic-Indic and Persian digits typed for a learner number
