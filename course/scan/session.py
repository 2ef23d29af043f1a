"""A class's scans read page by page and put together into learners' sheets; every page accounted for.

Pages are read in the order they come (files in the order given, pages in
file order). A sheet starts at its first page; its other pages follow. What
is reported, by file and page, and never dropped silently:

- a page of another quiz, or printed from another edition of this quiz
  (the code's fingerprint differs) or for a version the quiz does not have;
- a page without a sheet's code: blank (the back of a sheet, an empty
  page) or unreadable (a question sheet, a photo too blurred, a sheet cut
  off);
- a page turned upside down (read turned; a note);
- a page seen twice in a sheet, and a whole sheet scanned twice (the
  second is left out of the answers) or a learner number on two different
  sheets (both kept: ``grade`` warns of the repeated learner);
- a sheet whose pages are missing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ..grading.versions import version_letters
from ..model import Quiz
from .decide import Item, decide_learner, decide_question
from .images import PDF_DPI, PageImage, page_images
from .layout import Block, Sheet, quiz_fingerprint, sheet_layout
from .locate import RESOLUTION, NotLocated, find_code, is_blank, straighten
from .read import measure


@dataclass
class Report:
    file: str
    page: int
    kind: str  # wrong-quiz, edition, unreadable, blank, upside-down, duplicate-page, duplicate-sheet, same-learner, missing, version
    message: str
    thumbnail: str | None = None  # a small PNG of the page (data URI), for the review page

    def __str__(self) -> str:
        return f"{self.file}:{self.page}: {self.message}"


@dataclass
class ReadPage:
    file: str
    page: int  # in its file
    number: int  # the sheet's page
    items: dict[str, Item]
    crops: dict[str, str] = field(default_factory=dict)  # item -> PNG data URI, for flagged items


@dataclass
class LearnerSheet:
    version: str
    pages: dict[int, ReadPage] = field(default_factory=dict)
    expected: int = 1

    @property
    def first(self) -> ReadPage:
        return self.pages[min(self.pages)]

    def item(self, name: str) -> tuple[ReadPage, Item] | None:
        for page in self.pages.values():
            if name in page.items:
                return page, page.items[name]
        return None

    @property
    def learner(self) -> str:
        found = self.item("learner")
        if found is not None and found[1].cell:
            return found[1].cell
        return f"?{self.first.file}:{self.first.page}"

    def cells(self) -> dict[str, str]:
        return {name: item.cell for page in self.pages.values() for name, item in page.items.items()}


@dataclass
class Session:
    quiz: Quiz
    sheets: list[LearnerSheet] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    pages_read: int = 0

    def flagged(self) -> list[tuple[LearnerSheet, ReadPage, Item]]:
        return [(s, p, i) for s in self.sheets for p in s.pages.values() for i in p.items.values() if i.flags]


class Scanner:
    """Reads pages for one quiz, keeping each version's layout once."""

    def __init__(self, quiz: Quiz, decimal_comma: bool = False, dpi: int = PDF_DPI):
        self.quiz, self.decimal_comma, self.dpi = quiz, decimal_comma, dpi
        self.fingerprint = quiz_fingerprint(quiz)
        self.layouts: dict[tuple, Sheet] = {}
        self.session = Session(quiz)
        self.current: LearnerSheet | None = None

    def scan(self, paths: Iterable[Path], shown: dict[Path, str] | None = None) -> Session:
        for path in paths:
            for image in page_images(path, (shown or {}).get(path, str(path)), self.dpi):
                self.add(image)
        self.finish()
        return self.session

    def layout(self, version: str, paper: str, rtl: bool) -> Sheet:
        key = (version, paper, rtl)
        if key not in self.layouts:
            self.layouts[key] = sheet_layout(self.quiz, version, paper, rtl)
        return self.layouts[key]

    def report(self, image: PageImage, kind: str, message: str, thumbnail: bool = False) -> None:
        picture = _thumbnail(image.image) if thumbnail and image.image is not None else None
        self.session.reports.append(Report(image.file, image.page, kind, message, picture))

    def add(self, image: PageImage) -> None:
        self.session.pages_read += 1
        if image.image is None:
            self.report(image, "unreadable", image.problem or "cannot be read")
            return
        found = find_code(image.image)
        if not hasattr(found, "code"):
            if is_blank(image.image):
                self.report(image, "blank", "blank page")
            else:
                self.report(image, "unreadable", "no bubble sheet code found (not a bubble sheet, or too blurred or cut off)", True)
            return
        code = found.code
        if code.quiz != self.quiz.id:
            self.report(image, "wrong-quiz", f"a page of quiz `{code.quiz}`, not `{self.quiz.id}`")
            return
        if code.fingerprint != self.fingerprint:
            self.report(image, "edition", "printed from another edition of this quiz (its questions have changed since): not read")
            return
        if code.version not in version_letters(self.quiz):
            self.report(image, "version", f"version {code.version}, which this quiz does not have: not read")
            return
        if abs(found.turned) > 135:
            self.report(image, "upside-down", "upside down: read turned")
        sheet = self.layout(code.version, code.paper, code.rtl)
        if code.page > len(sheet.pages) or code.pages != len(sheet.pages):
            self.report(image, "edition", "its page count differs from this quiz's sheet: not read")
            return
        try:
            canvas = straighten(image.image, found, sheet)
        except NotLocated as error:
            self.report(image, "unreadable", str(error), True)
            return
        self._place(image, code.page, code.version, self._read(image, canvas, sheet, code.page), len(sheet.pages))

    def _read(self, image: PageImage, canvas: np.ndarray, sheet: Sheet, number: int) -> ReadPage:
        page = sheet.pages[number - 1]
        fills = measure(canvas, sheet, page)
        items = {}
        blocks = {block.item: block for block in page.blocks}
        questions = {q.id: q for q in self.quiz.questions}
        for name in blocks:
            items[name] = decide_learner(fills) if name == "learner" else decide_question(questions[name], fills, self.decimal_comma)
        read = ReadPage(image.file, image.page, number, items)
        for name, item in items.items():
            if item.flags:
                read.crops[name] = crop(canvas, blocks[name])
        return read

    def _place(self, image: PageImage, number: int, version: str, read: ReadPage, expected: int) -> None:
        current = self.current
        if number == 1 or current is None or current.version != version:
            self._close()
            self.current = LearnerSheet(version, {number: read}, expected)
            return
        if number in current.pages:
            other = current.pages[number]
            self.report(image, "duplicate-page", f"page {number} of this sheet again (first at {other.file}:{other.page}): left out")
            return
        current.pages[number] = read

    def _close(self) -> None:
        sheet, self.current = self.current, None
        if sheet is None:
            return
        first = sheet.first
        missing = [n for n in range(1, sheet.expected + 1) if n not in sheet.pages]
        if missing:
            pages = ", ".join(str(n) for n in missing)
            self.session.reports.append(Report(first.file, first.page, "missing", f"this sheet lacks its page(s) {pages}"))
        for earlier in self.session.sheets:
            if earlier.learner == sheet.learner and not sheet.learner.startswith("?"):
                where = f"{earlier.first.file}:{earlier.first.page}"
                if earlier.cells() == sheet.cells() and earlier.version == sheet.version:
                    self.session.reports.append(
                        Report(first.file, first.page, "duplicate-sheet", f"the same sheet as {where} (scanned twice): left out")
                    )
                    return
                self.session.reports.append(
                    Report(first.file, first.page, "same-learner", f"learner number {sheet.learner} is also on the sheet at {where}")
                )
                break
        self.session.sheets.append(sheet)

    def finish(self) -> None:
        self._close()


def crop(canvas: np.ndarray, block: Block) -> str:
    """The block's part of the straightened page, as a PNG data URI."""
    x0, y0 = max(0, round(block.x * RESOLUTION)), max(0, round(block.y * RESOLUTION))
    x1, y1 = round((block.x + block.w) * RESOLUTION), round((block.y + block.h) * RESOLUTION)
    return _png(canvas[y0:y1, x0:x1])


def _thumbnail(image: np.ndarray) -> str:
    scale = 360 / max(image.shape)
    small = cv2.resize(image, (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    return _png(small)


def _png(image: np.ndarray) -> str:
    ok, data = cv2.imencode(".png", image)
    return "data:image/png;base64," + base64.b64encode(data.tobytes()).decode("ascii") if ok else ""
