"""Mixed-direction hazards in right-to-left courses.

What breaks: a paragraph's direction, where nothing sets it, comes from its
first strong character (Unicode Bidirectional Algorithm, rules P2-P3). The
site and the PDFs set ``dir="rtl"``, but a text whose first strong character
is left-to-right (``API تحمل ...``) is shown left to right, its words out of
order, everywhere the direction is taken from the text itself: PDF bookmarks
and window titles (headings, titles), text copied into mail or a chat, LMS
fields, editors and Markdown previews (``dir="auto"``).

The rule: in a right-to-left course, a unit (paragraph, list item, heading,
table cell, admonition title, front-matter text, quiz text, glossary text)
that contains right-to-left letters but whose first strong character is
left-to-right. Latin inside an Arabic sentence ("المعلومات المسبقة عن
المسافرين (API)"), at its end, or a unit all in Latin ("PNRGOV") is fine:
once the direction is right, the algorithm places those runs correctly.
Text inside an isolate (U+2066-U+2068 ... U+2069) is skipped, as rule P2 does,
so a unit may start with ``⁨API⁩``; a leading U+200F (RLM) also fixes it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from ..load.yamlfile import item_line
from ..model import Course, Module, Question, Quiz
from ..problems import Problems
from .blocks import units
from .locate import glossary_entries, line_of, module_path, objective_lines, questions_by_id, quiz_path
from .registry import rule
from .text import plain

ISOLATE_OPENERS = {"LRI", "RLI", "FSI"}
RIGHT_TO_LEFT = {"R", "AL"}

Texts = Iterator[tuple[int | None, str]]


def first_strong(text: str) -> int | None:
    """Index of the first strong character outside isolates (UAX #9, P2), or None."""
    depth = 0
    for index, char in enumerate(text):
        kind = unicodedata.bidirectional(char)
        if kind in ISOLATE_OPENERS:
            depth += 1
        elif kind == "PDI":
            depth = max(depth - 1, 0)
        elif depth == 0 and kind in ("L", "R", "AL"):
            return index
    return None


def starts_left_to_right(text: str) -> str | None:
    """The left-to-right word a right-to-left text starts with, or None when it is safe."""
    index = first_strong(text)
    if index is None or unicodedata.bidirectional(text[index]) != "L":
        return None
    if not any(unicodedata.bidirectional(c) in RIGHT_TO_LEFT for c in text):
        return None
    return text[index:].split()[0][:40]


@rule(
    "bidi-start",
    "right-to-left course: a paragraph, list item, heading, title or quiz text with right-to-left letters starts with a left-to-right word",
)
def bidi_starts(course: Course, settings) -> list:
    if course.direction != "rtl":
        return []
    found = [_report(module_path(m), _module_texts(m)) for m in course.modules]
    found += [_report(quiz_path(q), _quiz_texts(q)) for q in course.quizzes]
    found.append(_report("glossary.yaml", _glossary_texts(course)))
    return [problem for problems in found for problem in problems]


def _report(path: str, texts: Texts) -> Problems:
    problems = Problems(path)
    for line, text in texts:
        word = starts_left_to_right(text)
        if word:
            problems.warning(
                line,
                f"`{word}` starts this right-to-left text, so where its direction comes from the text "
                "(plain-text copies, PDF bookmarks, editors) it shows left to right, words out of order: "
                "start with a right-to-left word or put U+200F (RLM) first",
            )
    return problems


def _module_texts(module: Module) -> Texts:
    lines = module.front_lines
    yield lines.get("title"), module.title
    yield lines.get("summary"), module.summary or ""
    yield from zip(objective_lines(module), module.objectives, strict=False)
    yield from ((u.line, u.text) for u in units(module.body_markdown, module.body_line))


def _quiz_texts(quiz: Quiz) -> Texts:
    yield 1, quiz.title
    data = questions_by_id(quiz)
    for question in quiz.questions:
        yield from _question_texts(question, data.get(question.id, {}))


def _question_texts(question: Question, item) -> Texts:
    for key in ("prompt", "explanation"):
        for unit in units(getattr(question, key) or ""):
            yield line_of(item, key, question.line), unit.text
    options = item.get("options") or []
    for index, option in enumerate(question.options):
        yield item_line(options, index) or question.line, plain(option.text)
        yield line_of(options[index] if index < len(options) else None, "feedback", question.line), plain(option.feedback or "")
    for key in ("prompts", "choices", "items"):
        values = item.get(key) or []
        for index, text in enumerate(getattr(question, key)):
            yield item_line(values, index) or question.line, plain(text)


def _glossary_texts(course: Course) -> Texts:
    entries = glossary_entries(course) if course.glossary else {}
    for entry in course.glossary:
        item = entries.get(entry.term)
        for key in ("term", "definition", "translation"):
            yield line_of(item, key, None), plain(getattr(entry, key) or "")
