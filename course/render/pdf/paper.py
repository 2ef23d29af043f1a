"""Paper quizzes: a sheet for learners and an answer key for trainers, per quiz.

The sheet has questions, tick boxes and lines, in file order (never
shuffled), and nothing that gives an answer away: no right answers, feedback,
explanations, sources or trainer notes. The key has all of them, a one-page
grid for quick marking, and the module's trainer notes.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from ...model import Course, Question, Quiz, letter_index
from ..environment import TEMPLATES, display_letter
from ..i18n import translate

if TYPE_CHECKING:  # WeasyPrint is imported only where PDFs are laid out
    from .handout import PdfRenderer

PAPERS = (  # template, file suffix, manifest kind
    ("pdf/quiz-sheet.html", "sheet", "quiz-sheet-pdf"),
    ("pdf/quiz-key.html", "key", "quiz-key-pdf"),
)
TYPE_NAMES = {
    "single": "Single choice",
    "multiple": "Multiple choice",
    "true_false": "True or false",
    "short": "Short answer",
    "numeric": "Number",
    "matching": "Matching",
    "ordering": "Ordering",
}


def paper_paths(quiz: Quiz) -> list[tuple[str, str]]:
    """Where the sheet and the key of a quiz go in the output, with their manifest kinds."""
    return [(f"pdf/quizzes/{quiz.id}-{suffix}.pdf", kind) for _, suffix, kind in PAPERS]


def write_quiz_paper(renderer: PdfRenderer, quiz: Quiz, which: int, target: Path) -> dict:
    """Write paper ``which`` of ``PAPERS`` (0: the sheet, 1: the key) of one quiz to ``target``; its pages and the course files read."""
    from .handout import PDF_OPTIONS

    course = renderer.course
    number, module = next(((n, m) for n, m in enumerate(course.modules, start=1) if m.id == quiz.module), (None, None))
    context = {"quiz": quiz, "module": module, "number": number, "grid": marking_grid(course, quiz)}
    renderer.fetcher.reads()
    stylesheets = _quiz_stylesheets(renderer)
    document = renderer.render(PAPERS[which][0], stylesheets=stylesheets, letter_index=letter_index, text_dir=text_dir, **context)
    document.write_pdf(target, **PDF_OPTIONS)
    return {"pages": len(document.pages), "reads": renderer.fetcher.reads()}


def _quiz_stylesheets(renderer: PdfRenderer) -> list:
    if not hasattr(renderer, "quiz_stylesheets"):
        from .weasy import CSS

        quiz_css = CSS(filename=str(TEMPLATES / "pdf" / "quiz.css"), font_config=renderer.font_config, url_fetcher=renderer.fetcher)
        renderer.quiz_stylesheets = [*renderer.stylesheets, quiz_css]
    return renderer.quiz_stylesheets


def text_dir(text: str) -> str:
    """The direction of a text by its first strong character (WeasyPrint has no ``dir="auto"``)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def marking_grid(course: Course, quiz: Quiz) -> list[dict]:
    """One row per question for the key's grid: number, type, right answer, points."""
    rows = []
    for number, question in enumerate(quiz.questions, start=1):
        name = translate(course.language, TYPE_NAMES[question.type])
        rows.append({"number": number, "type": name, "answer": right_answer(course.language, question), "points": question.points})
    return rows


def right_answer(language: str, question: Question) -> str:
    """The right answer in a few characters, with the letters the sheet shows."""
    separator = translate(language, ", ")
    if question.type in ("single", "multiple"):
        return separator.join(display_letter(i, language) for i, option in enumerate(question.options) if option.correct)
    if question.type == "true_false":
        return translate(language, "True" if question.answer else "False")
    if question.type == "short":
        return " / ".join(question.answers)
    if question.type == "numeric":
        return f"{question.answer} ± {question.tolerance}" if question.tolerance else str(question.answer)
    labels = [display_letter(letter_index(key), language) for key in question.answer]
    if question.type == "matching":
        return separator.join(f"{n}: {label}" for n, label in enumerate(labels, start=1))
    return separator.join(labels)
