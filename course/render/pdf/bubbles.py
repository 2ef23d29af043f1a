"""The bubble answer sheet of a quiz's printed version (``<quiz>-bubbles[-<V>].pdf``), for ``course scan``.

Every element stands where ``course.scan.layout`` says, in millimetres; the
template only fills in words, letters and the code (segno, as SVG), so the
sheet and the scanner's reader can never disagree about where a bubble is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import segno

from ...scan.layout import sheet_layout
from ..environment import TEMPLATES
from ..i18n import translate

if TYPE_CHECKING:
    from .handout import PdfRenderer
    from .paper import PrintedVersion

HINTS = {
    "single": "Fill one circle.",
    "multiple": "Fill every right answer.",
    "true_false": "Fill one circle.",
    "short": "Write your answer in the box.",
    "numeric": "Write the number and fill its circles.",
    "matching": "One letter in each row.",
    "ordering": "Row 1 is the first position: one letter in each row.",
}


def qr_uri(code: str) -> str:
    """The sheet's code as an SVG data URI, without a quiet zone (the layout keeps the space around it clear)."""
    return segno.make(code, error="m", micro=False).svg_data_uri(border=0, dark="#000", scale=1)


def decimal_symbol(language: str) -> str:
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol

    try:
        return get_decimal_symbol(Locale.parse((language or "en").replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return "."


def write_bubble_sheet(renderer: PdfRenderer, printed: PrintedVersion, target: Path, question_sheet: str) -> int:
    """Write the bubble sheet of ``printed``'s version to ``target``; its page count."""
    from .handout import PDF_OPTIONS
    from .weasy import CSS

    course = renderer.course
    quiz = printed.version.quiz
    sheet = sheet_layout(quiz, printed.version.letter, course.paper_size, course.direction == "rtl")
    if not hasattr(renderer, "bubble_stylesheets"):
        css = CSS(filename=str(TEMPLATES / "pdf" / "bubbles.css"), font_config=renderer.font_config, url_fetcher=renderer.fetcher)
        renderer.bubble_stylesheets = [*renderer.stylesheets, css]
    language = course.language
    document = renderer.render(
        "pdf/quiz-bubbles.html",
        stylesheets=renderer.bubble_stylesheets,
        quiz=quiz,
        sheet=sheet,
        printed=printed,
        question_sheet=question_sheet,
        qr=qr_uri,
        hint=lambda kind: translate(language, HINTS[kind]),
        decimal_mark=decimal_symbol(language),
    )
    document.write_pdf(target, **PDF_OPTIONS)
    return len(document.pages)
