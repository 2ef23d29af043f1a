"""Every string the bubble sheet and the review pages show is translated into Arabic, French and Persian (scan.po)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from course.render.pdf.bubbles import HINTS

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = [REPO / "templates" / name for name in ("pdf/quiz-bubbles.html", "scan/review.html", "classroom/scans.html")]
CALL = re.compile(r"""_\(\s*(["'])(.+?)\1""")


def _strings() -> set[str]:
    found = {match.group(2) for path in TEMPLATES for match in CALL.finditer(path.read_text(encoding="utf-8"))}
    found.add("Or answer on the bubble sheet %(file)s, which the trainer scans.")  # quiz-sheet.html
    found |= {"Paper quiz: the scanned bubble sheets (PDF, JPEG or PNG)", "Read the scans"}  # classroom/class.html
    return found | set(HINTS.values())


def _catalogue(language: str) -> dict[str, str]:
    messages = {}
    for po in sorted((REPO / "course" / "locale" / language / "LC_MESSAGES").glob("*.po")):
        with open(po, "rb") as stream:
            messages.update({m.id: m.string for m in read_po(stream) if m.id and m.string})
    return messages


@pytest.mark.parametrize("language", ["ar", "fr", "fa"])
def test_every_string_of_the_sheet_and_the_review_is_translated(language):
    catalogue = _catalogue(language)
    # the strings shared with the question sheet are quiz.po's; French and Persian quiz.po are another change's
    shared = set() if language == "ar" else _shared()
    missing = sorted(s for s in _strings() if s not in catalogue and s not in shared)
    assert not missing, missing


def _shared() -> set[str]:
    """Strings the sheet shares with the question sheet (quiz.po), translated there."""
    return {"Version %(v)s", "Name", "Question %(n)s", "True", "False"}


def test_placeholders_survive_translation():
    for language in ("ar", "fr", "fa"):
        with open(REPO / "course" / "locale" / language / "LC_MESSAGES" / "scan.po", "rb") as stream:
            for message in read_po(stream):
                if message.id:
                    assert set(re.findall(r"%\(\w+\)s", message.id)) == set(re.findall(r"%\(\w+\)s", message.string)), message.id


@pytest.mark.parametrize("language", ["ar", "fr", "fa"])
def test_every_flag_and_page_note_of_the_reader_is_said_in_the_course_language(language):
    from course.render.scan_review import KINDS, PARTS, REASONS

    catalogue = _catalogue(language)
    needed = {*PARTS.values(), *REASONS, *KINDS.values(), "row %(n)s", "column %(n)s"}
    assert not sorted(needed - set(catalogue))


def test_a_flag_is_said_part_by_part():
    from course.render.scan_review import say_flag

    assert say_flag("row 2: more than one circle filled", "ar") == "الصف 2: مُلئت أكثر من دائرة"
    assert say_flag("learner number: not on this class's roster", "fr") == "numéro de l’apprenant: absent de la liste de cette classe"
    assert say_flag("something new", "ar") == "something new"


def test_every_reason_the_reader_gives_is_one_the_review_can_say():
    import inspect

    from course.classroom import paper
    from course.render.scan_review import REASONS
    from course.scan import decide

    source = inspect.getsource(decide)
    given = set(re.findall(r'"(?:[^"]*: )?([a-z][^"{]*)"\)', source)) | set(re.findall(r'f"\{what\}: ([^"]+)"', source))
    given = {g for g in given if " " in g} | {paper.NOT_ON_ROSTER.partition(": ")[2]}
    assert given <= set(REASONS), given - set(REASONS)
