"""From fills to answers: each bubble filled, empty or in doubt, and each question's cell with its flags.

The reading rules (fills are measured by ``course.scan.read``, 0 = paper,
1 = as dark as the printed corner marks):

- a bubble with a fill of ``FILLED_FROM`` or more is filled (a pen's or a
  soft pencil's full mark, a bold cross, a scribble over most of it);
- below ``EMPTY_BELOW`` it is empty (the paper, the printed ring's edge, a
  mark erased well);
- in between it is *in doubt* (a light mark, a poor erasure): the question
  is flagged for the trainer and the doubtful bubble is left out of the
  reading meanwhile;
- one answer is expected per question of type ``single`` and
  ``true_false``, per row of ``matching`` and ``ordering``, per column of a
  number or the learner number, and one score on a short answer: two filled
  there is flagged too, and the cell left empty until the trainer decides;
- a number with a gap between its digits, or a decimal mark outside its
  digits, is flagged; so are an empty learner number and a short answer the
  trainer has not scored.

A flagged item is never guessed: its cell holds only what is certain, and
the review page shows it until the trainer's decision (``overrides``)
replaces it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..model import Question, letter
from .layout import ID_DIGITS, NUMERIC_DIGITS

FILLED_FROM = 0.4
EMPTY_BELOW = 0.2
SCORES = (0.0, 0.5, 1.0)  # the short answer's score circles


@dataclass
class Item:
    """What the sheet says for one question (or the learner number): the CSV cell, and why it needs a look."""

    item: str
    cell: str
    flags: list[str] = field(default_factory=list)
    score: float | None = None  # short answers: the fraction of the points the trainer ticked

    @property
    def sure(self) -> bool:
        return not self.flags


def state(fill: float) -> str:
    return "filled" if fill >= FILLED_FROM else "empty" if fill < EMPTY_BELOW else "doubt"


def _grid(fills: dict[tuple, float], item: str, part: str) -> dict[tuple[int, int], str]:
    return {(row, col): state(fill) for (name, kind, row, col), fill in fills.items() if name == item and kind == part}


def _rows(grid: dict[tuple[int, int], str], by: str = "row") -> dict[int, dict[int, str]]:
    rows: dict[int, dict[int, str]] = defaultdict(dict)
    for (row, col), value in grid.items():
        key, other = (row, col) if by == "row" else (col, row)
        rows[key][other] = value
    return rows


def _one(states: dict[int, str], what: str, flags: list[str]) -> int | None:
    """The one filled position of a row or column (None if none or several), flagging doubt and double marks."""
    filled = [k for k, v in sorted(states.items()) if v == "filled"]
    if any(v == "doubt" for v in states.values()):
        flags.append(f"{what}: a light mark or an erasure")
    if len(filled) > 1:
        flags.append(f"{what}: more than one circle filled")
        return None
    return filled[0] if filled else None


def decide_question(question: Question, fills: dict[tuple, float], decimal_comma: bool = False) -> Item:
    flags: list[str] = []
    if question.type == "short":
        picked = _one(_rows(_grid(fills, question.id, "score"))[0], "score", flags)
        if picked is None and not flags:
            flags.append("score: not ticked by the trainer yet")
        score = SCORES[picked] if picked is not None and not flags else None
        cell = question.answers[0] if score == 1.0 and question.answers else ""
        return Item(question.id, cell, flags, score)
    if question.type == "numeric":
        return Item(question.id, *_number(fills, question.id, NUMERIC_DIGITS, decimal_comma))
    grid = _grid(fills, question.id, "choice")
    rows = _rows(grid)
    if question.type == "multiple":
        states = rows[0]
        if any(v == "doubt" for v in states.values()):
            flags.append("a light mark or an erasure")
        return Item(question.id, ";".join(letter(c) for c, v in sorted(states.items()) if v == "filled"), flags)
    if question.type in ("single", "true_false"):
        picked = _one(rows[0], "answer", flags)
        if question.type == "true_false":
            cell = "" if picked is None or flags else ("true", "false")[picked]
        else:
            cell = "" if picked is None or flags else letter(picked)
        return Item(question.id, cell, flags)
    letters = []
    for row in sorted(rows):
        row_flags: list[str] = []
        picked = _one(rows[row], f"row {row + 1}", row_flags)
        flags += row_flags
        letters.append("" if picked is None or row_flags else letter(picked))
    cell = ";".join(letters) if any(letters) else ""
    return Item(question.id, cell, flags)


def decide_learner(fills: dict[tuple, float]) -> Item:
    digits, flags = _digits(fills, "learner", ID_DIGITS)
    number = "".join(d for d in digits if d is not None)
    used = [col for col, digit in enumerate(digits) if digit is not None]
    if used and len(used) != used[-1] - used[0] + 1:
        flags.append("learner number: a column left empty between digits")
    if not number and not flags:
        flags.append("learner number: no digit filled")
    return Item("learner", number, flags)


def _digits(fills: dict[tuple, float], item: str, columns: int) -> tuple[list[str | None], list[str]]:
    flags: list[str] = []
    by_column = _rows(_grid(fills, item, "digit"), by="col")
    digits = []
    for col in range(columns):
        picked = _one(by_column.get(col, {}), f"column {col + 1}", flags)
        digits.append(None if picked is None else str(picked))
    return digits, flags


def _number(fills: dict[tuple, float], item: str, columns: int, decimal_comma: bool) -> tuple[str, list[str]]:
    digits, flags = _digits(fills, item, columns)
    sign = _one({0: state(fills.get((item, "sign", 0, 0), 0.0))}, "minus", flags)
    decimal = _one({col: state(fills.get((item, "decimal", 0, col), 0.0)) for col in range(columns - 1)}, "decimal mark", flags)
    used = [col for col, digit in enumerate(digits) if digit is not None]
    if not used:
        if sign is not None or decimal is not None:
            flags.append("a minus or a decimal mark without digits")
        return "", flags
    first, last = used[0], used[-1]
    if len(used) != last - first + 1:
        flags.append("a column left empty between digits")
        return "", flags
    text = "".join(digits[first : last + 1])
    if decimal is not None:
        if not first <= decimal < last:
            flags.append("the decimal mark is not between two digits")
            return "", flags
        split = decimal - first + 1
        text = text[:split] + ("," if decimal_comma else ".") + text[split:]
    return NumberCell(("-" if sign is not None else "") + text), flags


class NumberCell(str):
    """A number read from the digit grid: written to the CSV as it is (a minus sign here is a number's, not a formula's)."""
