"""How to fill in the empty answers file of `grade --template FILE`: a text file beside it, in the course's language.

``answers.csv`` gets ``answers-instructions.txt``: one paragraph per question
type the quiz holds (with its question ids and an example), the version
column when the quiz is printed in versions, and how to save the sheet as
CSV with the separator the template uses. Rendered from
``templates/report/instructions.txt``.
"""

from __future__ import annotations

from pathlib import Path

from ..grading.versions import version_count, version_letters
from ..model import Quiz
from .environment import display_letter, environment

TYPES = ("single", "multiple", "true_false", "short", "numeric", "matching", "ordering")


def instructions_path(template: Path) -> Path:
    return template.with_name(f"{template.stem}-instructions.txt")


def render_instructions(quiz: Quiz, file_name: str, language: str, delimiter: str) -> str:
    present = {t: [q.id for q in quiz.questions if q.type == t] for t in TYPES}
    return (
        environment(language)
        .get_template("report/instructions.txt")
        .render(
            quiz=quiz,
            file_name=file_name,
            types={t: ids for t, ids in present.items() if ids},
            versions=[_version(v, i, language) for i, v in enumerate(version_letters(quiz))] if version_count(quiz) > 1 else [],
            delimiter={",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, "comma"),
            label=lambda i: display_letter(i, language),
        )
    )


def write_instructions(quiz: Quiz, template: Path, language: str, delimiter: str = ",") -> Path:
    """Write the instructions beside ``template`` (UTF-8 with a byte-order mark, as Notepad wants) and return their path."""
    target = instructions_path(template)
    text = render_instructions(quiz, template.name, language, delimiter)
    target.write_text(text, encoding="utf-8-sig", newline="\r\n")
    return target


def _version(name: str, index: int, language: str) -> str:
    """``A``, or ``A (أ)`` where the sheets print abjad letters."""
    shown = display_letter(index, language)
    return name if shown == name.lower() else f"{name} ({shown})"
