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
from .images import PDF_DPI, PageImage, page_count, page_image, page_images
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


@dataclass
class Outcome:
    """What one page gave: the reports on it, and the page read (None when it cannot be used)."""

    reports: list[Report]
    read: ReadPage | None = None
    version: str = "A"
    pages: int = 1  # the sheet's page count


class Reader:
    """Reads one page at a time for one quiz, keeping each version's layout once (in a worker process, or here)."""

    def __init__(self, quiz: Quiz, decimal_comma: bool = False):
        self.quiz, self.decimal_comma = quiz, decimal_comma
        self.fingerprint = quiz_fingerprint(quiz)
        self.layouts: dict[tuple, Sheet] = {}
        self.questions = {q.id: q for q in quiz.questions}

    def layout(self, version: str, paper: str, rtl: bool) -> Sheet:
        key = (version, paper, rtl)
        if key not in self.layouts:
            self.layouts[key] = sheet_layout(self.quiz, version, paper, rtl)
        return self.layouts[key]

    def examine(self, image: PageImage) -> Outcome:
        reports: list[Report] = []

        def report(kind: str, message: str, thumbnail: bool = False) -> Outcome:
            picture = _thumbnail(image.image) if thumbnail and image.image is not None else None
            reports.append(Report(image.file, image.page, kind, message, picture))
            return Outcome(reports)

        if image.image is None:
            return report("unreadable", image.problem or "cannot be read")
        found = find_code(image.image)
        if not hasattr(found, "code"):
            if is_blank(image.image):
                return report("blank", "blank page")
            return report("unreadable", "no bubble sheet code found (not a bubble sheet, or too blurred or cut off)", True)
        code = found.code
        if code.quiz != self.quiz.id:
            return report("wrong-quiz", f"a page of quiz `{code.quiz}`, not `{self.quiz.id}`")
        if code.fingerprint != self.fingerprint:
            return report("edition", "printed from another edition of this quiz (its questions have changed since): not read")
        if code.version not in version_letters(self.quiz):
            return report("version", f"version {code.version}, which this quiz does not have: not read")
        if abs(found.turned) > 135:
            report("upside-down", "upside down: read turned")
        sheet = self.layout(code.version, code.paper, code.rtl)
        if code.page > len(sheet.pages) or code.pages != len(sheet.pages):
            return report("edition", "its page count differs from this quiz's sheet: not read")
        try:
            canvas = straighten(image.image, found, sheet)
        except NotLocated as error:
            return report("unreadable", str(error), True)
        return Outcome(reports, self._read(image, canvas, sheet, code.page), code.version, len(sheet.pages))

    def _read(self, image: PageImage, canvas: np.ndarray, sheet: Sheet, number: int) -> ReadPage:
        page = sheet.pages[number - 1]
        fills = measure(canvas, sheet, page)
        items = {}
        blocks = {block.item: block for block in page.blocks}
        for name in blocks:
            question = self.questions.get(name)
            items[name] = decide_learner(fills) if question is None else decide_question(question, fills, self.decimal_comma)
        read = ReadPage(image.file, image.page, number, items)
        for name, item in items.items():
            if item.flags:
                read.crops[name] = crop(canvas, blocks[name])
        return read


_READER: Reader | None = None  # a worker process's


def _start_worker(quiz: Quiz, decimal_comma: bool) -> None:
    global _READER
    cv2.setNumThreads(1)
    _READER = Reader(quiz, decimal_comma)


def _examine_page(path: Path, shown: str, index: int, dpi: int) -> Outcome:
    assert _READER is not None
    return _READER.examine(page_image(path, shown, index, dpi))


class Scanner:
    """Puts the pages of a class's scans together, in the order they come; ``jobs`` processes read them."""

    def __init__(self, quiz: Quiz, decimal_comma: bool = False, dpi: int = PDF_DPI, jobs: int = 1):
        self.quiz, self.decimal_comma, self.dpi, self.jobs = quiz, decimal_comma, dpi, jobs
        self.reader = Reader(quiz, decimal_comma)
        self.session = Session(quiz)
        self.current: LearnerSheet | None = None

    def scan(self, paths: Iterable[Path], shown: dict[Path, str] | None = None) -> Session:
        paths = list(paths)
        names = {path: (shown or {}).get(path, str(path)) for path in paths}
        if self.jobs > 1:
            tasks = [(path, names[path], index) for path in paths for index in range(page_count(path))]
            if len(tasks) > 1:
                self._in_workers(tasks)
                self.finish()
                return self.session
        for path in paths:
            for image in page_images(path, names[path], self.dpi):
                self.add(image)
        self.finish()
        return self.session

    def _in_workers(self, tasks: list) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Never a plain fork: the caller may run threads (OpenCV's own pool, a browser driver, a server), and a
        # child forked while one of them holds a lock hangs. A fork server forks from a process without threads.
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        workers = min(self.jobs, len(tasks))
        with ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(self.quiz, self.decimal_comma)) as pool:
            paths, names, indexes = zip(*tasks, strict=True)
            for outcome in pool.map(_examine_page, paths, names, indexes, [self.dpi] * len(tasks)):
                self.take(outcome)

    def add(self, image: PageImage) -> None:
        self.take(self.reader.examine(image))

    def take(self, outcome: Outcome) -> None:
        self.session.pages_read += 1
        self.session.reports += outcome.reports
        if outcome.read is not None:
            self._place(outcome.read, outcome.version, outcome.pages)

    def _place(self, read: ReadPage, version: str, expected: int) -> None:
        number, current = read.number, self.current
        if number == 1 or current is None or current.version != version:
            self._close()
            self.current = LearnerSheet(version, {number: read}, expected)
            return
        if number in current.pages:
            other = current.pages[number]
            message = f"page {number} of this sheet again (first at {other.file}:{other.page}): left out"
            self.session.reports.append(Report(read.file, read.page, "duplicate-page", message))
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
