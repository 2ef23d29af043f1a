"""Paper answers (course-format.md section 5): read ANSWERS.csv into rows and cells into responses.

Each cell becomes the canonical response of ``course.grading.rules``. Beyond the
contract, a course author would expect (and so this accepts): letters beyond
``j`` when a question has more than ten choices or items, the Arabic comma and
semicolon (``،`` ``؛``) wherever ``,`` or ``;`` separate letters, and a letter
with punctuation or hamza/tatweel variants around it (``B)``, ``إ``, ``هـ``),
because every token is read through ``normalize``.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import Question, Quiz
from ..problems import Problem, Problems
from .rules import Earned, Unreadable, grade_question, normalize

LETTERS = {c: c for c in "abcdefghijklmnopqrstuvwxyz"} | dict(zip("ابجدهوزحطي", "abcdefghij", strict=True))
TRUE_WORDS = {"true", "t", "صح", "صواب"}
FALSE_WORDS = {"false", "f", "خطا"}  # normalize turns خطأ into خطا
LETTER_SEPARATORS = re.compile(r"[;,،؛\s]+")
POSITION_SEPARATORS = re.compile(r"[;؛]")

CellReader = Callable[[str], Any]
CELL_READERS: dict[str, CellReader] = {}


def cell_reader(type_name: str) -> Callable[[CellReader], CellReader]:
    """Register how a cell of a question type becomes a response."""

    def register(function: CellReader) -> CellReader:
        CELL_READERS[type_name] = function
        return function

    return register


def read_cell(question_type: str, cell: str) -> Any:
    """The canonical response of one cell; None when blank; raises Unreadable."""
    if not cell.strip():
        return None
    return CELL_READERS.get(question_type, read_text)(cell)


def read_letter(token: str) -> str:
    found = _letter_of(token)
    if found is None:
        raise Unreadable(f"`{token.strip()}` is not a letter")
    return found


@lru_cache(maxsize=4096)
def _letter_of(token: str) -> str | None:
    return LETTERS.get(normalize(token))


@cell_reader("single")
def read_single(cell: str) -> str:
    return read_letter(cell)


@cell_reader("multiple")
def read_multiple(cell: str) -> list[str]:
    return [read_letter(token) for token in LETTER_SEPARATORS.split(cell) if token]


@cell_reader("true_false")
def read_true_false(cell: str) -> bool:
    word = normalize(cell)
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise Unreadable(f"`{cell.strip()}` is not true or false (write true/false, t/f, صح/خطأ)")


@cell_reader("short")
@cell_reader("numeric")
def read_text(cell: str) -> str:
    return cell


@cell_reader("matching")
@cell_reader("ordering")
def read_positions(cell: str) -> list[str | None]:
    positions = [read_letter(token) if token.strip() else None for token in POSITION_SEPARATORS.split(cell)]
    while positions and positions[-1] is None:  # `b;;` on paper: the trailing positions were left blank
        positions.pop()
    return positions


class CellGrader:
    """Grades the cells of one question, each distinct cell once (answers repeat a lot)."""

    def __init__(self, question: Question):
        self.question = question
        self.graded: dict[str, Earned] = {}

    def __call__(self, cell: str) -> Earned:
        earned = self.graded.get(cell)
        if earned is None:
            earned = self.graded[cell] = self._grade(cell)
        return earned

    def _grade(self, cell: str) -> Earned:
        try:
            response = read_cell(self.question.type, cell)
        except Unreadable as unreadable:
            return Earned(0.0, str(unreadable))
        return grade_question(self.question, response)


@dataclass
class AnswerRow:
    line: int  # the physical line of the CSV where the row starts
    learner: str
    cells: list[str]


@dataclass
class AnswerSheet:
    columns: dict[str, int]  # question id -> index of its cell in a row
    rows: list[AnswerRow] = field(default_factory=list)
    bad_rows: int = 0


def read_answer_sheet(path: Path, display_path: str, quiz: Quiz) -> tuple[AnswerSheet | None, list[Problem]]:
    """Rows of ANSWERS.csv; None when the file or its header is unusable. Bad rows are warnings."""
    problems = Problems(display_path)
    records = _records(path, problems)
    if records is None:
        return None, list(problems)
    if not records:
        problems.error(None, "the file is empty: it needs a header row `learner,<question id>,...`")
        return None, list(problems)
    header_line, header = records[0]
    columns = _columns(header, header_line, quiz, problems)
    if columns is None:
        return None, list(problems)
    sheet = AnswerSheet(columns)
    for line, cells in records[1:]:
        _add_row(sheet, line, cells, len(header), problems)
    _warn_repeated_learners(sheet, problems)
    return sheet, list(problems)


def _records(path: Path, problems: Problems) -> list[tuple[int, list[str]]] | None:
    """Every non-blank CSV record with the line it starts on."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as error:
        problems.error(None, f"cannot read the file: {error.strerror or error}")
        return None
    except UnicodeDecodeError as error:
        problems.error(data[: error.start].count(b"\n") + 1, 'not UTF-8: save the file as "CSV UTF-8"')
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    records, line = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):  # a blank line or a row of empty cells holds nothing
                records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.error(line, f"cannot read this CSV row: {error}")
        return None
    return records


def _columns(header: list[str], line: int, quiz: Quiz, problems: Problems) -> dict[str, int] | None:
    names = [name.strip() for name in header]
    if names[0].lower() != "learner":
        hint = " (the file must be comma-separated)" if ";" in names[0] else ""
        problems.error(line, f"the first column must be `learner`, found `{names[0]}`{hint}")
        return None
    known = [q.id for q in quiz.questions]
    columns: dict[str, int] = {}
    for index, name in enumerate(names[1:], start=1):
        if name in columns:
            problems.error(line, f"column `{name}` appears twice")
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"the quiz has {', '.join(known)}"
            problems.error(line, f"unknown column `{name}`: no question of quiz `{quiz.id}` has that id ({hint})")
        columns[name] = index
    for qid in known:
        if qid not in columns:
            problems.warning(line, f"no column for question `{qid}`: every learner counts as not answering it")
    return None if any(p.is_error for p in problems) else columns


def _add_row(sheet: AnswerSheet, line: int, cells: list[str], width: int, problems: Problems) -> None:
    learner = cells[0].strip()
    if len(cells) != width:
        problems.warning(line, f"row has {len(cells)} cells but the header has {width}; row not graded")
    elif not learner:
        problems.warning(line, "row has no learner name in the first column; row not graded")
    else:
        sheet.rows.append(AnswerRow(line, learner, cells))
        return
    sheet.bad_rows += 1


def _warn_repeated_learners(sheet: AnswerSheet, problems: Problems) -> None:
    first: dict[str, int] = {}
    for row in sheet.rows:
        if row.learner in first:
            problems.warning(row.line, f"learner `{row.learner}` is also on line {first[row.learner]}; both rows are graded")
        first.setdefault(row.learner, row.line)
