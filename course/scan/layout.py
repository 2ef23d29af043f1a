"""Where everything stands on a bubble answer sheet, in millimetres from the page's top-left corner.

One source for the sheet and its reader: ``course.render.pdf.bubbles`` places
every element of ``sheet_layout`` absolutely, in millimetres, and
``course.scan.read`` measures the bubbles at the same positions, so the two
never disagree. The layout depends on the quiz, the printed version, the
paper size and the direction alone; all four are in the sheet's code
(``code_text``), so the reader rebuilds the layout of the page in its hands.

A page: four solid corner marks (registration), the code at the top centre,
then (first page) the title, the name box, the learner-number grid and the
instructions, then the questions in two columns that flow from the start
side (the right in a right-to-left course). Letter grids are mirrored in a
right-to-left course (the first letter on the right); digit grids (learner
number, numeric answers) always run left to right, as numbers are written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from ..grading.versions import Version, version_count
from ..model import Question, Quiz

LAYOUT_VERSION = 1
PAPER = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
EDGE = 10.0  # from the paper's edge to a corner mark
MARK = 8.0  # corner mark side
QR = 26.0  # the code's side
SIDE = 12.0  # left and right margin of the content
BUBBLE_R = 2.1  # bubble radius
PITCH_X = 6.5  # between bubble centres in a row
PITCH_Y = 5.5  # between bubble rows
ID_DIGITS = 6  # learner number columns
NUMERIC_DIGITS = 6  # digit columns of a numeric answer
GUTTER = 6.0  # between the two question columns
CODE_PREFIX = "CS1"


@dataclass(frozen=True)
class Bubble:
    """A bubble the reader measures: its item (a question id or ``learner``), its part, row and column, its centre."""

    item: str
    part: str  # choice, sign, digit, decimal, score
    row: int
    col: int
    x: float
    y: float


@dataclass
class Block:
    """The box a question (or the learner number) takes: what the review page crops."""

    item: str
    x: float
    y: float
    w: float
    h: float


@dataclass
class Page:
    number: int
    elements: list[dict] = field(default_factory=list)  # what the template draws
    bubbles: list[Bubble] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    code: str = ""


@dataclass
class Sheet:
    quiz: str
    version: str
    paper: str
    rtl: bool
    width: float
    height: float
    fingerprint: str
    pages: list[Page]

    def marks(self) -> list[tuple[float, float]]:
        """The centres of the corner marks: top-left, top-right, bottom-right, bottom-left."""
        low, high_x, high_y = EDGE + MARK / 2, self.width - EDGE - MARK / 2, self.height - EDGE - MARK / 2
        return [(low, low), (high_x, low), (high_x, high_y), (low, high_y)]

    def code_square(self) -> tuple[float, float, float]:
        """The code's top-left corner and side."""
        return (self.width - QR) / 2, EDGE, QR


def quiz_fingerprint(quiz: Quiz) -> str:
    """Eight hex digits of the quiz's content: a sheet printed from another edition of the quiz is told apart."""
    content = {"id": quiz.id, "layout": LAYOUT_VERSION, "questions": [{**q.to_dict(), "prompt": q.prompt} for q in quiz.questions]}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]


def code_text(quiz: str, version: str, page: int, pages: int, fingerprint: str, paper: str, rtl: bool) -> str:
    return ";".join([CODE_PREFIX, quiz, version, f"{page}/{pages}", fingerprint, paper, "R" if rtl else "L"])


@dataclass(frozen=True)
class Code:
    quiz: str
    version: str
    page: int
    pages: int
    fingerprint: str
    paper: str
    rtl: bool


def parse_code(text: str) -> Code | None:
    """What a sheet's code names, or None when the text is not one of ours."""
    parts = text.split(";")
    if len(parts) != 7 or parts[0] != CODE_PREFIX or parts[5] not in PAPER or parts[6] not in ("R", "L"):
        return None
    page, _, pages = parts[3].partition("/")
    if not (page.isdigit() and pages.isdigit()):
        return None
    return Code(parts[1], parts[2], int(page), int(pages), parts[4], parts[5], parts[6] == "R")


def sheet_layout(quiz: Quiz, version: str, paper: str = "A4", rtl: bool = False) -> Sheet:
    """Every page of the bubble sheet of ``quiz``'s printed ``version``."""
    width, height = PAPER.get(paper, PAPER["A4"])
    sheet = Sheet(quiz.id, version, paper, rtl, width, height, quiz_fingerprint(quiz), [])
    Placer(sheet, Version(quiz, version) if version_count(quiz) > 1 else Version(quiz, "A")).run()
    for page in sheet.pages:
        page.code = code_text(quiz.id, version, page.number, len(sheet.pages), sheet.fingerprint, paper, rtl)
        square = sheet.code_square()
        page.elements.insert(0, {"kind": "qr", "x": square[0], "y": square[1], "w": QR, "h": QR, "code": page.code})
        for x, y in sheet.marks():
            page.elements.insert(0, {"kind": "mark", "x": x - MARK / 2, "y": y - MARK / 2, "w": MARK, "h": MARK})
        page.elements.append({"kind": "page", "x": SIDE, "y": height - EDGE - MARK, "w": width - 2 * SIDE, "h": MARK,
                              "page": page.number, "pages": len(sheet.pages)})  # fmt: skip
    return sheet


class Placer:
    """Lays the blocks out, column by column and page by page."""

    def __init__(self, sheet: Sheet, version: Version):
        self.sheet, self.version = sheet, version
        self.column_width = (sheet.width - 2 * SIDE - GUTTER) / 2
        self.bottom = sheet.height - EDGE - MARK - 3

    def run(self) -> None:
        self._new_page()
        for number, question in enumerate(self.version.questions, start=1):
            height = block_height(question)
            if self.y + height > self.bottom:
                self._next_column()
            self._question(number, question, self.y)
            self.y += height + 2

    def _new_page(self) -> None:
        self.page = Page(len(self.sheet.pages) + 1)
        self.sheet.pages.append(self.page)
        self.column = 0
        self.top = self._front() if self.page.number == 1 else EDGE + QR + 4
        self.y = self.top

    def _next_column(self) -> None:
        if self.column == 0:
            self.column, self.y = 1, self.top
        else:
            self._new_page()

    def x(self, x: float, w: float = 0.0) -> float:
        """A left edge measured from the start side, turned into one from the page's left."""
        return self.sheet.width - x - w if self.sheet.rtl else x

    def add(self, kind: str, x: float, y: float, w: float, h: float, **more) -> None:
        """An element at ``x`` from the start side."""
        self.page.elements.append({"kind": kind, "x": self.x(x, w), "y": y, "w": w, "h": h, **more})

    def _front(self) -> float:
        """Title, name box, learner number and instructions; where the questions start."""
        width = self.sheet.width
        title_width = (width - QR) / 2 - SIDE - EDGE - 2
        self.add("title", SIDE + EDGE - 2, EDGE, title_width - 6, QR)
        self.add("version", (width + QR) / 2 + 4, EDGE + MARK + 2, title_width - 8, QR - MARK - 2)
        grid_width = 6 + ID_DIGITS * PITCH_X
        name_width = width - 2 * SIDE - grid_width - 8
        self.add("name", SIDE, EDGE + QR + 4, name_width, 14)
        self.add("instructions", SIDE, EDGE + QR + 21, name_width, 50)
        # the learner number: left to right in every language, on the end side
        left = width - SIDE - grid_width if not self.sheet.rtl else SIDE
        top = EDGE + QR + 4
        self.page.elements.append({"kind": "id-label", "x": left, "y": top, "w": grid_width, "h": 5})
        self._digit_grid("learner", left + 6, top + 6, ID_DIGITS, with_sign=False, with_decimal=False)
        self.page.blocks.append(Block("learner", left - 1, top - 1, grid_width + 2, 6 + 6 + 10 * PITCH_Y + 2))
        return top + 6 + 6 + 10 * PITCH_Y + 5

    def _digit_grid(self, item: str, left: float, top: float, columns: int, with_sign: bool, with_decimal: bool) -> None:
        """Write-in boxes over ``columns`` columns of bubbles 0 to 9 (page coordinates, left to right)."""
        first = 1 if with_sign else 0
        for row in range(10):
            self.page.elements.append({"kind": "row-label", "x": left - 6, "y": top + 6 + row * PITCH_Y, "w": 5, "h": PITCH_Y,
                                       "text": str(row), "digit": True})  # fmt: skip
        if with_sign:
            x = left + PITCH_X / 2
            self.page.elements.append({"kind": "col-label", "x": x - PITCH_X / 2, "y": top, "w": PITCH_X, "h": 5, "say": "minus"})
            self._bubble(item, "sign", 0, 0, x, top + 6 + PITCH_Y / 2)
        for col in range(columns):
            x = left + (first + col) * PITCH_X + PITCH_X / 2
            self.page.elements.append({"kind": "write-box", "x": x - 2.6, "y": top, "w": 5.2, "h": 5.2})
            for row in range(10):
                self._bubble(item, "digit", row, col, x, top + 6 + row * PITCH_Y + PITCH_Y / 2)
            if with_decimal and col < columns - 1:
                self._bubble(item, "decimal", 0, col, x + PITCH_X / 2, top + 6 + 10 * PITCH_Y + PITCH_Y / 2)
        if with_decimal:
            self.page.elements.append({"kind": "row-label", "x": left - 6, "y": top + 6 + 10 * PITCH_Y, "w": 5, "h": PITCH_Y,
                                       "say": "decimal"})  # fmt: skip

    def _bubble(self, item: str, part: str, row: int, col: int, x: float, y: float, label: str | None = None) -> None:
        """A bubble at page coordinates ``x``, ``y`` (its centre)."""
        self.page.bubbles.append(Bubble(item, part, row, col, round(x, 3), round(y, 3)))
        self.page.elements.append({"kind": "bubble", "x": x - BUBBLE_R, "y": y - BUBBLE_R, "w": 2 * BUBBLE_R, "h": 2 * BUBBLE_R})

    def _question(self, number: int, question: Question, top: float) -> None:
        start = SIDE + self.column * (self.column_width + GUTTER)
        width = self.column_width
        height = block_height(question)
        self.page.blocks.append(Block(question.id, self.x(start, width), top, width, height))
        self.add("question", start, top, width, 5, number=number, type=question.type, points=question.points)
        grid_top = top + 5
        if question.type == "numeric":
            left = self.x(start, width) + 8
            self._digit_grid(question.id, left, grid_top, NUMERIC_DIGITS, with_sign=True, with_decimal=True)
            return
        if question.type == "short":
            score_width = 3 * PITCH_X + 4
            self.add("write", start, grid_top + 1, width - score_width - 3, SHORT_HEIGHT)
            score_left = start + width - score_width
            self.add("score-label", score_left, grid_top, score_width, 5)
            for col, say in enumerate(("score-0", "score-half", "score-full")):
                centre = score_left + 2 + col * PITCH_X + PITCH_X / 2
                self.add("col-label", centre - PITCH_X / 2, grid_top + 5, PITCH_X, 4, say=say)
                self._bubble(question.id, "score", 0, col, self.x(centre), grid_top + 9 + PITCH_Y / 2)
            return
        rows, columns, pitch = grid_shape(question)
        left = start + 8
        for col in range(columns):
            centre = left + col * pitch + pitch / 2
            label = {"say": ("true", "false")[col]} if question.type == "true_false" else {"letter": col}
            self.add("col-label", centre - pitch / 2, grid_top, pitch, 4, **label)
            for row in range(rows):
                self._bubble(question.id, "choice", row, col, self.x(centre), grid_top + 4 + row * PITCH_Y + PITCH_Y / 2)
        if rows > 1:
            for row in range(rows):
                self.add("row-label", start + 1, grid_top + 4 + row * PITCH_Y, 6, PITCH_Y, text=str(row + 1))


SHORT_HEIGHT = 16.0


def grid_shape(question: Question) -> tuple[int, int, float]:
    """Rows, columns and column pitch of a question's bubble grid (not numeric or short)."""
    if question.type == "true_false":
        return 1, 2, 14.0
    if question.type == "matching":
        return len(question.prompts), len(question.choices), PITCH_X
    if question.type == "ordering":
        return len(question.items), len(question.items), PITCH_X
    return 1, len(question.options), PITCH_X


def block_height(question: Question) -> float:
    if question.type == "numeric":
        return 5 + 6 + 11 * PITCH_Y + 1
    if question.type == "short":
        return 5 + SHORT_HEIGHT + 3
    rows = grid_shape(question)[0]
    return 5 + 4 + rows * PITCH_Y + 1
