"""Paper answers (course-format.md section 5): read ANSWERS.csv into rows and cells into responses.

Each cell becomes the canonical response of ``course.grading.rules``. Beyond the
contract, a course author would expect (and so this accepts): letters beyond
``j`` when a question has more than ten choices or items, the Arabic comma and
semicolon (``،`` ``؛``) wherever ``,`` or ``;`` separate letters, and a letter
with punctuation or hamza/tatweel variants around it (``B)``, ``إ``, ``هـ``),
because every token is read through ``normalize``.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..model import Question, Quiz
from ..problems import Problem, Problems
from .rules import PLAIN, Earned, Reading, Unreadable, grade_question, normalize
from .versions import Version, version_count, version_letters, version_of

# Persian and Urdu sheets label options الف ب ج د (course-format.md section 1): الف is a, Urdu's ہ is e
# (normalize already reads Persian ی as ي).
LETTERS = {c: c for c in "abcdefghijklmnopqrstuvwxyz"} | dict(zip("ابجدهوزحطي", "abcdefghij", strict=True)) | {"الف": "a", "ہ": "e"}
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
    """Grades the cells of one question, each distinct cell of each version once (answers repeat a lot).

    A cell is read in the letters of the learner's printed version and graded
    as the file-order letters they stand for (``course.grading.versions``).
    Two caches keep that cheap: a cell is read once whatever its version, and
    each distinct reading (``b;A``, ``a; b`` and ``B,a,b`` read the same for a
    ``multiple`` question, which grades the letters chosen) is mapped to file
    order and graded once per version.
    """

    def __init__(self, question: Question, reading: Reading = PLAIN, quiz: Quiz | None = None):
        self.question, self.reading, self.quiz = question, reading, quiz
        self.versions: dict[str, Version] = {}
        self._read: dict[str, tuple[Any, Any]] = {}  # cell -> (hashable key of its reading, the reading)
        self._outcomes: dict[str, dict[Any, Outcome]] = {}  # version -> reading key -> outcome
        self._shuffled = quiz is not None and version_count(quiz) > 1

    def __call__(self, cell: str, version: str = "A") -> Earned:
        return self.outcome(cell, version)[0]

    def response(self, cell: str, version: str = "A"):
        """The cell as a response in file-order letters; raises Unreadable."""
        earned, response = self.outcome(cell, version)
        if earned.warning:
            raise Unreadable(earned.warning)
        return response

    def outcome(self, cell: str, version: str = "A") -> Outcome:
        """What the cell earned, and its response in file-order letters (None when unreadable)."""
        read = self._read.get(cell)
        if read is None:
            read = self._read[cell] = _reading(self.question.type, cell)
        key, response = read
        outcomes = self._outcomes.get(version)
        if outcomes is None:
            outcomes = self._outcomes[version] = {}
        found = outcomes.get(key)
        if found is None:
            found = outcomes[key] = self._judge(response, version)
        return found

    def _judge(self, response, version: str) -> Outcome:
        if isinstance(response, Unreadable):
            return Earned(0.0, str(response)), None
        if self._shuffled:
            printed = self.versions.get(version) or self.versions.setdefault(version, Version(self.quiz, version))
            response = printed.response_to_file(self.question, response)
        earned = grade_question(self.question, response, self.reading)
        return earned, None if earned.warning else response


Outcome = tuple[Earned, Any]


def _reading(question_type: str, cell: str) -> tuple[Any, Any]:
    """A cell's response (or the Unreadable it raised) and a hashable key for it."""
    try:
        response = read_cell(question_type, cell)
    except Unreadable as unreadable:
        # kept in the grader's cache: without its traceback, whose frames would hold the whole grading run
        return ("unreadable", str(unreadable)), unreadable.with_traceback(None)
    if question_type == "multiple" and isinstance(response, list):
        return ("set", *sorted(set(response))), response  # the letters chosen, whatever their order or repeats
    return (tuple(response) if isinstance(response, list) else response), response


@dataclass
class AnswerRow:
    line: int  # the physical line of the CSV where the row starts
    learner: str
    cells: list[str]
    version: str = "A"  # the printed version the learner answered (course.grading.versions)


@dataclass
class AnswerSheet:
    columns: dict[str, int]  # question id -> index of its cell in a row
    rows: list[AnswerRow] = field(default_factory=list)
    bad_rows: int = 0
    version_column: int | None = None
    delimiter: str = ","

    def by_version(self) -> dict[str, tuple[list[int], list[list[str]]]]:
        """The rows of each printed version: their indexes in ``rows`` and their cells, in file order."""
        groups: dict[str, tuple[list[int], list[list[str]]]] = {}
        for index, row in enumerate(self.rows):
            indexes, cells = groups.get(row.version) or groups.setdefault(row.version, ([], []))
            indexes.append(index)
            cells.append(row.cells)
        return groups

    def distinct_cells(self, question_id: str, groups: dict | None = None) -> Iterator[tuple[str, str, int]]:
        """(cell, version, learners) for each distinct cell of a question's column; no column is a blank for everyone.

        ``groups``: ``by_version()``, when the caller asks for several columns.
        """
        column = self.columns.get(question_id)
        if column is None:
            if self.rows:
                yield "", self.rows[0].version, len(self.rows)
            return
        pick = itemgetter(column)
        for version, (_, cells) in (groups if groups is not None else self.by_version()).items():
            for cell, learners in Counter(map(pick, cells)).items():
                yield cell, version, learners


def sheet_graders(quiz: Quiz, reading: Reading = PLAIN) -> dict[str, CellGrader]:
    """One ``CellGrader`` per question: the gradebook, the statistics and the item analysis share them, and so each grading."""
    return {question.id: CellGrader(question, reading, quiz) for question in quiz.questions}


def read_answer_sheet(path: Path, display_path: str, quiz: Quiz) -> tuple[AnswerSheet | None, list[Problem]]:
    """Rows of ANSWERS.csv; None when the file or its header is unusable. Bad rows are warnings."""
    problems = Problems(display_path)
    text = _text(path, problems)
    if text is None:
        return None, list(problems)
    delimiter = _delimiter(text)
    records = _records(text, delimiter, problems)
    if records is None:
        return None, list(problems)
    if not records:
        problems.error(None, "the file is empty: it needs a header row `learner,<question id>,...`")
        return None, list(problems)
    header_line, header = records[0]
    found = _columns(header, header_line, quiz, problems)
    if found is None:
        return None, list(problems)
    columns, version_column = found
    sheet = AnswerSheet(columns, version_column=version_column, delimiter=delimiter)
    for line, cells in records[1:]:
        _add_row(sheet, quiz, line, cells, len(header), problems)
    _warn_repeated_learners(sheet, problems)
    return sheet, list(problems)


# A byte-order mark says the encoding (UTF-32's first: its little-endian mark begins with UTF-16's).
ENCODINGS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
SAVE_AS = 'save the file as "CSV UTF-8" (or as "Unicode text")'


def _text(path: Path, problems: Problems) -> str | None:
    """The file's text: UTF-8 (with or without a byte-order mark), or UTF-16/32 with one, as spreadsheets save them."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.error(None, f"cannot read the file: {error.strerror or error}")
        return None
    encoding = next((name for mark, name in ENCODINGS if data.startswith(mark)), "utf-8-sig")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding == "utf-8-sig":
            where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
            problems.error(data[: error.start].count(b"\n") + 1, f"not UTF-8 ({where}): {SAVE_AS}")
        else:
            problems.error(None, f"not valid {encoding.upper()} although it starts with its byte-order mark: {SAVE_AS}")
        return None


def _delimiter(text: str) -> str:
    """The separator of the header row: commas, semicolons or tabs, whichever it holds most (commas when it holds none)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _records(text: str, delimiter: str, problems: Problems) -> list[tuple[int, list[str]]] | None:
    """Every non-blank CSV record with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, line = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):  # a blank line or a row of empty cells holds nothing
                records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.error(line, f"cannot read this CSV row: {error}")
        return None
    if reader.line_num and text.count('"') % 2:
        problems.warning(line - 1, 'a quotation mark (") is never closed: everything after it was read as one cell')
    return records


def _columns(header: list[str], line: int, quiz: Quiz, problems: Problems) -> tuple[dict[str, int], int | None] | None:
    """The column of each question id, and of ``version``; the first column is the learner whatever its header says."""
    names = [name.strip() for name in header]
    known = [q.id for q in quiz.questions]
    columns: dict[str, int] = {}
    version_column = None
    for index, name in enumerate(names[1:], start=1):
        if name.lower() == "version" and name not in known:
            if version_column is not None:
                problems.error(line, "column `version` appears twice")
            version_column = index
        elif name in columns:
            problems.error(line, f"column `{name}` appears twice")
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"the quiz has {', '.join(known)}"
            problems.error(line, f"unknown column `{name}`: no question of quiz `{quiz.id}` has that id ({hint})")
        columns[name] = index
    for qid in known:
        if qid not in columns:
            problems.warning(line, f"no column for question `{qid}`: every learner counts as not answering it")
    return None if any(p.is_error for p in problems) else (columns, version_column)


# What a learner's name never needs and what can make it read as another in a spreadsheet or a report: control
# characters (NUL...) and the direction controls (RLO and its kin: "\u202eBDC NOSIRRAH" shows as another name).
DIRECTION_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_HIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{DIRECTION_CONTROLS}]")


def _learner(cell: str, line: int, problems: Problems) -> str:
    """The learner's name as the gradebook shows it: hidden characters left out, with a warning naming them."""
    hidden = _HIDDEN.findall(cell)
    if not hidden:
        return cell.strip()
    named = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in hidden))
    problems.warning(line, f"the learner's name holds hidden characters ({named}) that can make it read as another; left out")
    return " ".join(_HIDDEN.sub("", cell).split())


def _add_row(sheet: AnswerSheet, quiz: Quiz, line: int, cells: list[str], width: int, problems: Problems) -> None:
    learner = _learner(cells[0], line, problems)
    version = version_of(cells[sheet.version_column]) if sheet.version_column is not None and len(cells) == width else "A"
    if len(cells) != width:
        problems.warning(line, f"row has {len(cells)} cells but the header has {width}; row not graded")
    elif not learner:
        problems.warning(line, "row has no learner name in the first column; row not graded")
    elif version is None or version not in version_letters(quiz):
        named, printed = cells[sheet.version_column].strip(), ", ".join(version_letters(quiz))
        problems.warning(line, f"version `{named}` is not one of this quiz's printed versions ({printed}); row not graded")
    else:
        sheet.rows.append(AnswerRow(line, learner, cells, version))
        return
    sheet.bad_rows += 1


def _warn_repeated_learners(sheet: AnswerSheet, problems: Problems) -> None:
    first: dict[str, int] = {}
    for row in sheet.rows:
        if row.learner in first:
            problems.warning(row.line, f"learner `{row.learner}` is also on line {first[row.learner]}; both rows are graded")
        first.setdefault(row.learner, row.line)
