"""Where the PDFs of a course go: known before any is laid out.

The site links to the handouts, the course book and the quiz sheets; it is
written before the PDF stage runs (while the PDF workers start), from these
paths, which the PDF stage writes to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import Course, Module
from .paper import paper_paths

BOOK = "pdf/course-book.pdf"


def handout_path(module: Module) -> str:
    return f"pdf/{module.id}.pdf"


@dataclass
class PlannedPdfs:
    """The PDFs a build writes (none for ``--no-pdf``)."""

    book: str | None = None
    handouts: dict[str, str] = field(default_factory=dict)  # module id -> path in the output
    sheets: dict[str, str] = field(default_factory=dict)  # quiz id -> path of its answer sheet

    def linked(self) -> set[str]:
        """The PDFs the site links to (what a course package may hold of them)."""
        return {*([self.book] if self.book else []), *self.handouts.values(), *self.sheets.values()}


def planned_pdfs(course: Course) -> PlannedPdfs:
    return PlannedPdfs(
        BOOK,
        {module.id: handout_path(module) for module in course.modules},
        {quiz.id: paper_paths(quiz)[0][0] for quiz in course.quizzes},
    )
