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
    )


def _number(session: Session, sheet, item: str) -> int | None:
    from ..grading.versions import Version

    if item == "learner":
        return None
    ids = [q.id for q in Version(session.quiz, sheet.version).questions]
    return ids.index(item) + 1 if item in ids else None


def write_review(session: Session, language: str, target: Path, decisions: Path | None) -> None:
    target.write_text(render_review(session, language, decisions.name if decisions else None), encoding="utf-8")
