"""Quotes in ``source`` that are not in the document they cite.

A question's ``source.document`` is looked for as a file in the course root,
in its ``sources/`` folder, in ``../shared/seeds/`` (where the shipped course's
seed documents live) and in every ``--sources DIR``. Found: its text must
contain ``source.quote`` (white space, line breaks and invisible marks aside).
Not found: nothing to say, unless the name looks like a file (.txt, .md, .pdf),
which is then reported as impossible to check.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath

from ..model import Course
from ..problems import Problems
from .locate import questions_by_id, quiz_path
from .registry import LintSettings, rule

FILE_NAME = re.compile(r"\.(txt|md|pdf)$", re.I)


@rule("quote-not-found", "a `source.quote` does not occur in its document (found as a file)")
def quotes_not_found(course: Course, settings: LintSettings) -> list:
    return _check_quotes(course, settings, report_missing=False)


@rule(
    "source-unchecked",
    "a `source.document` that looks like a file name (.txt, .md, .pdf) cannot be found or read, so its quote is unchecked",
)
def sources_unchecked(course: Course, settings: LintSettings) -> list:
    return _check_quotes(course, settings, report_missing=True)


def search_folders(course: Course, settings: LintSettings) -> list[Path]:
    root = Path(course.root).resolve()
    return [root, root / "sources", root.parent / "shared" / "seeds", *settings.source_dirs]


def _check_quotes(course: Course, settings: LintSettings, report_missing: bool) -> list:
    folders, texts, found = search_folders(course, settings), {}, []
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        data = questions_by_id(quiz)
        for question in quiz.questions:
            source = question.source
            if source is None or not source.quote:
                continue
            if source.document not in texts:
                texts[source.document] = _document_text(source.document, folders)
            text = texts[source.document]
            line = _source_line(data.get(question.id), question.line)
            if text is None and report_missing and FILE_NAME.search(source.document):
                problems.warning(
                    line,
                    f"cannot check the quote of `{question.id}`: `{source.document}` is not in "
                    f"{_names(course, folders)} (add --sources DIR)",
                )
            elif text is not None and not report_missing and _comparable(source.quote) not in text:
                problems.warning(line, f"the quote of `{question.id}` is not in `{source.document}`: quote it word for word")
        found += problems
    return found


def _document_text(name: str, folders: list[Path]) -> str | None:
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        return None
    for folder in folders:
        path = Path(folder) / relative
        if path.is_file():
            text = _read(path)
            return _comparable(text) if text is not None else None
    return None


def _read(path: Path) -> str | None:
    if path.suffix.lower() == ".pdf":
        return _pdf_text(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _pdf_text(path: Path) -> str | None:
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is optional: without it a PDF source stays unchecked
        return None
    try:
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    except Exception:  # noqa: BLE001 - a damaged PDF is reported as unreadable, not a crash
        return None


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.split())


def _source_line(item, fallback: int) -> int:
    source = item.get("source") if isinstance(item, dict) else None
    lines = getattr(source, "key_lines", {}) if source is not None else {}
    return lines.get("quote") or lines.get("document") or fallback


def _names(course: Course, folders: list[Path]) -> str:
    relative = (os.path.relpath(Path(folder).resolve(), Path(course.root).resolve()) for folder in folders)
    return ", ".join(dict.fromkeys("the course root" if name == "." else f"{name}/" for name in relative))
