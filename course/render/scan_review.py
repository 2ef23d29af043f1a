"""The review page of a scan (``course scan --review FILE.html``), in the course's language and direction.

Every flagged item is shown as a crop of the straightened scan beside its
reading and the reasons, with the line of the decisions file that settles
it; every page the scan could not use is listed with its file and page.
One self-contained HTML file: the crops are PNG data URIs.
"""

from __future__ import annotations

from pathlib import Path

from ..model import text_direction
from ..scan.session import Session
from .environment import TEMPLATES, environment


def render_review(session: Session, language: str, decisions: str | None) -> str:
    env = environment(language)
    css = (TEMPLATES / "scan" / "review.css").read_text(encoding="utf-8")
    items = [
        {"sheet": sheet, "page": page, "item": item, "question": _number(session, sheet, item.item)}
        for sheet, page, item in session.flagged()
    ]
    return env.get_template("scan/review.html").render(
        quiz=session.quiz,
        language=language,
        direction=text_direction(language),
        items=items,
        reports=session.reports,
        sheets=len(session.sheets),
        pages=session.pages_read,
        decisions=decisions,
        css=css,
        reason=lambda flag: say_flag(flag, language),
        kind=lambda name: say_kind(name, language),
        reading=lambda item: say_reading(session, item, language),
    )


def _number(session: Session, sheet, item: str) -> int | None:
    from ..grading.versions import Version

    if item == "learner":
        return None
    ids = [q.id for q in Version(session.quiz, sheet.version).questions]
    return ids.index(item) + 1 if item in ids else None


def write_review(session: Session, language: str, target: Path, decisions: Path | None) -> None:
    target.write_text(render_review(session, language, decisions.name if decisions else None), encoding="utf-8")


PARTS = {  # what a flag names, before its colon (course.scan.decide)
    "answer": "answer",
    "score": "score",
    "minus": "minus",
    "decimal mark": "decimal mark",
    "learner number": "learner number",
}
REASONS = (
    "a light mark or an erasure",
    "more than one circle filled",
    "not ticked by the trainer yet",
    "a column left empty between digits",
    "no digit filled",
    "a minus or a decimal mark without digits",
    "the decimal mark is not between two digits",
    "not on this class's roster",
)
KINDS = {  # a page note's kind (course.scan.session.Report), as the review page names it
    "wrong-quiz": "Another quiz",
    "edition": "Another edition of this quiz",
    "version": "A version this quiz does not have",
    "unreadable": "Unreadable page",
    "blank": "Blank page",
    "upside-down": "Upside down",
    "duplicate-page": "Page seen twice",
    "duplicate-sheet": "Sheet scanned twice",
    "same-learner": "Learner number on two sheets",
    "missing": "Missing pages",
}


def say_flag(flag: str, language: str) -> str:
    """A reader's flag (``row 2: more than one circle filled``) in the course's language; as it is when unknown."""
    from .i18n import translate

    part, _, reason = flag.rpartition(": ")
    if reason not in REASONS:
        return flag
    said = translate(language, reason)
    if not part:
        return said
    if part in PARTS:
        return f"{translate(language, PARTS[part])}: {said}"
    kind, _, number = part.partition(" ")
    if kind in ("row", "column") and number.isdigit():
        name = translate(language, "row %(n)s" if kind == "row" else "column %(n)s") % {"n": number}
        return f"{name}: {said}"
    return flag


def say_kind(kind: str, language: str) -> str:
    from .i18n import translate

    return translate(language, KINDS.get(kind, "Unreadable page"))


def say_reading(session: Session, item, language: str) -> str:
    """A reading as the sheet shows it: the letters of the course (أ، ب... in Arabic), true and false in its words."""
    import re as _re

    from ..model import letter_index
    from .environment import display_letter
    from .i18n import translate

    question = next((q for q in session.quiz.questions if q.id == item.item), None)
    if question is None or not item.cell:
        return item.cell or "—"
    if question.type == "true_false":
        return translate(language, "True" if item.cell == "true" else "False")
    if question.type in ("single", "multiple", "matching", "ordering"):
        return _re.sub(r"[a-j]", lambda m: display_letter(letter_index(m.group(0)), language), item.cell)
    return item.cell
