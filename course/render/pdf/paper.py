"""Paper quizzes: a sheet for learners and an answer key for trainers, per quiz and printed version.

The sheet has questions, tick boxes and lines, and nothing that gives an
answer away: no right answers, feedback, explanations, sources or trainer
notes. The key has all of them, a one-page grid for quick marking, and the
module's trainer notes. A quiz without ``versions`` prints one sheet and one
key in file order; a quiz with ``versions: N`` prints a sheet and a key per
version (``<quiz>-sheet-B.pdf``, ``<quiz>-key-B.pdf``), in the version's
order (``course.grading.versions``): the sheet names its version on every
page, the key says which file-order letter each printed letter stands for,
and each key opens with how to hand the versions out.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from ...grading.versions import Version, version_count, version_letters
from ...model import Course, Question, Quiz, letter, letter_index, option_labels
from ..environment import TEMPLATES, decimal, display_letter
from ..i18n import translate

if TYPE_CHECKING:  # WeasyPrint is imported only where PDFs are laid out
    from .handout import PdfRenderer

PAPERS = (  # template, file suffix, manifest kind
    ("pdf/quiz-sheet.html", "sheet", "quiz-sheet-pdf"),
    ("pdf/quiz-key.html", "key", "quiz-key-pdf"),
    ("pdf/quiz-bubbles.html", "bubbles", "bubbles"),  # the bubble sheet for `course scan` (course.render.pdf.bubbles)
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
    """Where the sheets and keys of a quiz go in the output, with their manifest kinds: sheet and key of each version."""
    if version_count(quiz) == 1:
        return [(f"pdf/quizzes/{quiz.id}-{suffix}.pdf", kind) for _, suffix, kind in PAPERS]
    return [(f"pdf/quizzes/{quiz.id}-{suffix}-{v}.pdf", kind) for v in version_letters(quiz) for _, suffix, kind in PAPERS]


class PrintedVersion:
    """What a paper shows of one version: its letter, its question order, each question's option order."""

    def __init__(self, quiz: Quiz, letter_: str, language: str):
        self.version, self.language = Version(quiz, letter_), language
        self.letter = letter_ if version_count(quiz) > 1 else None
        self.label = version_label(letter_, language)
        self.questions = self.version.questions
        self.all = [version_label(v, language) for v in version_letters(quiz)]

    def order(self, question: Question) -> list[int]:
        """The file-order index at each printed position of the question's options, choices or items."""
        return self.version.order(question)

    def shown(self, question: Question, file_index: int) -> str:
        """The letter this version's sheet prints for the option, choice or item ``file_index``."""
        return display_letter(self.order(question).index(file_index), self.language)

    def file_letters(self, question: Question) -> list[tuple[str, str]]:
        """(printed letter, the file-order letter it stands for) at each position: the key's translation table."""
        return [(display_letter(position, self.language), letter(index)) for position, index in enumerate(self.order(question))]


def version_label(letter_: str, language: str) -> str:
    """A version letter as the sheet prints it: by the script's labels (أ ب ج..., الف ب ج...), A B C otherwise."""
    return display_letter(ord(letter_) - ord("A"), language) if option_labels(language) else letter_


def write_quiz_paper(renderer: PdfRenderer, quiz: Quiz, which: int, target: Path) -> dict:
    """Write paper ``which`` of ``paper_paths`` (sheet and key of each version) to ``target``; its pages and the course files read."""
    from .handout import PDF_OPTIONS

    course = renderer.course
    number, module = next(((n, m) for n, m in enumerate(course.modules, start=1) if m.id == quiz.module), (None, None))
    printed = PrintedVersion(quiz, version_letters(quiz)[which // len(PAPERS)], course.language)
    context = {"quiz": quiz, "module": module, "number": number, "printed": printed, "grid": marking_grid(course, quiz, printed)}
    renderer.fetcher.reads()
    stylesheets = _quiz_stylesheets(renderer)
    template = PAPERS[which % len(PAPERS)][0]
    if template == "pdf/quiz-bubbles.html":
        from .bubbles import write_bubble_sheet

        pages = write_bubble_sheet(renderer, printed, target, question_sheet(quiz, printed))
        return {"pages": pages, "reads": renderer.fetcher.reads()}
    context["bubble_sheet"] = Path(paper_paths(quiz)[which - which % len(PAPERS) + 2][0]).name
    document = renderer.render(template, stylesheets=stylesheets, letter_index=letter_index, text_dir=text_dir, **context)
    document.write_pdf(target, **PDF_OPTIONS)
    return {"pages": len(document.pages), "reads": renderer.fetcher.reads()}


def question_sheet(quiz: Quiz, printed: PrintedVersion) -> str:
    """The file name of the question sheet a bubble sheet goes with."""
    return f"{quiz.id}-sheet.pdf" if printed.letter is None else f"{quiz.id}-sheet-{printed.version.letter}.pdf"


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


def marking_grid(course: Course, quiz: Quiz, printed: PrintedVersion | None = None) -> list[dict]:
    """One row per question, in the sheet's order, for the key's grid: number, id, type, right answer, points."""
    printed = printed or PrintedVersion(quiz, "A", course.language)
    rows = []
    for number, question in enumerate(printed.questions, start=1):
        name = translate(course.language, TYPE_NAMES[question.type], interface=course.interface)
        answer = right_answer(course.language, question, printed, course.interface)
        rows.append({"number": number, "id": question.id, "type": name, "answer": answer, "points": question.points})
    return rows


def right_answer(language: str, question: Question, printed: PrintedVersion | None = None, interface: tuple = ()) -> str:
    """The right answer in a few characters, with the letters the sheet (of ``printed``'s version) shows."""
    separator = translate(language, ", ", interface=interface)

    def label(file_index: int) -> str:
        return printed.shown(question, file_index) if printed is not None else display_letter(file_index, language)

    if question.type in ("single", "multiple"):
        shown = sorted((label(i) for i, option in enumerate(question.options) if option.correct), key=_position(question, printed))
        return separator.join(shown)
    if question.type == "true_false":
        return translate(language, "True" if question.answer else "False", interface=interface)
    if question.type == "short":
        return " / ".join(question.answers)
    if question.type == "numeric":
        value = decimal(question.answer, language)
        return f"{value} ± {decimal(question.tolerance, language)}" if question.tolerance else value
    labels = [label(letter_index(key)) for key in question.answer]
    if question.type == "matching":
        return separator.join(f"{n}: {label}" for n, label in enumerate(labels, start=1))
    return separator.join(labels)


def _position(question: Question, printed: PrintedVersion | None):
    """Sorts printed labels of a question by where they stand on the sheet."""
    if printed is None:
        return lambda shown: 0
    labels = [display_letter(position, printed.language) for position in range(len(printed.order(question)))]
    return lambda shown: labels.index(shown) if shown in labels else 0
