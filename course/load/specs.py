"""The key tables of every mapping in the course format (course-format.md).

The validator (``fields.check_mapping``) and the JSON Schema
(``course/authoring/schema.py``) both read these tables, so they cannot disagree.
"""

from __future__ import annotations

import re

from .fields import Key

# Module, quiz and question ids: matched whole (``fullmatch``, so no trailing
# line break slips past ``$``). At most 64 characters: a quiz id becomes file
# names such as ``<id>-qti.zip`` and ``<id>-key.pdf``, which must stay far
# below the 255-byte limit of file systems.
MAX_ID_LENGTH = 64
ID_PATTERN = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{MAX_ID_LENGTH - 1}}}$")

COURSE = {
    "title": Key("string", required=True, description="Course title"),
    "subtitle": Key("string", description="A line under the title"),
    "organisation": Key("string", description="Who gives the course"),
    "description": Key("string", description="A sentence or two shown on the home page (extension)"),
    "language": Key("string", description="BCP 47 tag, default ar; ar, fa, he, ur are right-to-left"),
    "pass_mark": Key("number", minimum=0, maximum=100, description="Percent, default 70"),
    "modules": Key("string-list", description="Ordered module ids (file names without .md); default: file-name order"),
    "version": Key("any", description="Version of the course, shown in the footer"),
    "paper_size": Key("string", description="A4 (default) or Letter (extension)"),
    "interface": Key(
        "mapping", description="Interface string id -> the text to show instead of the catalogue's (ids: docs/course-format.md)"
    ),
}

MODULE = {
    "title": Key("string", required=True, description="Module title"),
    "summary": Key("string", description="A sentence or two on what the module covers"),
    "objectives": Key("string-list", description="Learning objectives; a question names one with `objective: N` (1-based)"),
    "duration_minutes": Key("integer", minimum=1, description="Expected study time in minutes"),
    "keywords": Key("string-list", description="Keywords"),
    "sources": Key("string-list", description="Documents the module draws on"),
    "key_terms": Key("string-list", description="Glossary terms this module teaches, by term or abbreviation (extension)"),
}

GLOSSARY_ENTRY = {
    "term": Key("string", required=True, description="The term as the course uses it"),
    "abbreviation": Key("string", description="Its abbreviation, e.g. API"),
    "translation": Key("string", description="The term in another language"),
    "definition": Key("string", required=True, description="What it means (Markdown)"),
    "deprecated": Key("string-list", description="Forms the term replaces; `check` warns where they are still used (extension)"),
}

QUIZ = {
    "id": Key("string", required=True, description="Quiz id, unique in the course: lower-case letters, digits and -"),
    "module": Key("string", required=True, description="Id of the module the quiz belongs to"),
    "title": Key("string", required=True, description="Quiz title"),
    "pass_mark": Key("number", minimum=0, maximum=100, description="Percent; default: course.yaml pass_mark"),
    "shuffle": Key("boolean", description="On the web page, show options in a shuffled order"),
    "versions": Key(
        "integer", minimum=1, maximum=26, description="Printed versions A, B, C... (1 to 26), each with its own question and option order"
    ),
    "questions": Key("list", required=True, description="The questions, in order"),
}

QUESTION_COMMON = {
    "id": Key("any", required=True, description="Question id, unique inside the quiz"),
    "type": Key("string", required=True, description="single, multiple, true_false, short, numeric, matching or ordering"),
    "prompt": Key("string", required=True, description="The question (Markdown)"),
    "points": Key("number", minimum=0, exclusive_minimum=True, description="Points, > 0, default 1"),
    "explanation": Key("string", description="Shown after grading (Markdown)"),
    "source": Key("mapping", description="Where the fact comes from"),
    "objective": Key("integer", minimum=1, description="1-based objective of the module (extension)"),
}

QUESTION_BY_TYPE = {
    "single": {"options": Key("list", required=True, description="2 to 10 options, exactly one `correct: true`")},
    "multiple": {"options": Key("list", required=True, description="2 to 10 options, at least one `correct: true`")},
    "true_false": {"answer": Key("boolean", required=True, description="true or false")},
    "short": {"answers": Key("list", required=True, description="Accepted answers (compared after normalisation)")},
    "numeric": {
        "answer": Key("number", required=True, description="The right value"),
        "tolerance": Key("number", minimum=0, description="Accepted distance from the answer, default 0"),
    },
    "matching": {
        "prompts": Key("list", required=True, description="At least 2 prompts"),
        "choices": Key("list", required=True, description="At least as many choices as prompts"),
        "answer": Key("list", required=True, description="One choice letter (a, b, ...) per prompt"),
        "each_choice_once": Key(
            "boolean", description="Each choice answers one prompt at most: on the web page, picking a choice used elsewhere swaps the two"
        ),
    },
    "ordering": {
        "items": Key("list", required=True, description="At least 2 items, in display order"),
        "answer": Key("list", required=True, description="The item letters in the right order"),
    },
}

QUESTION_TYPES = tuple(QUESTION_BY_TYPE)

OPTION = {
    "text": Key("any", required=True, description="The option (Markdown)"),
    "correct": Key("boolean", description="true for a right option"),
    "feedback": Key("string", description="Shown when the learner picked this option"),
}

SOURCE = {
    "document": Key("string", required=True, description="The document: a file name (e.g. 001_374d37579f10f3bc.txt) or a citation"),
    "quote": Key("string", description="Exact words from that document"),
}

# What list and mapping values hold, by key name: the loaders walk these in
# code; the JSON Schema reads them from here.
TEXT = "text"  # a non-empty text (numbers are read as text)
LETTER = "letter"  # a letter a, b, c, ... naming an option, choice or item
CONTAINS = {
    "questions": "question",
    "options": OPTION,
    "source": SOURCE,
    "answers": TEXT,
    "prompts": TEXT,
    "choices": TEXT,
    "items": TEXT,
    "answer": LETTER,
}

# Keys whose values are ids (ID_PATTERN): course.yaml `modules`, a quiz's `id` and `module`, a question's `id`.
ID_KEYS = frozenset({"id", "module", "modules"})


def question_spec(question_type: str) -> dict[str, Key]:
    return {**QUESTION_COMMON, **QUESTION_BY_TYPE.get(question_type, {})}


def id_problem(value: str) -> str | None:
    """Why ``value`` is not a valid id (a module, quiz or question id), or None if it is."""
    if len(value) > MAX_ID_LENGTH:
        return f"is {len(value)} characters long: an id has at most {MAX_ID_LENGTH}"
    if not ID_PATTERN.fullmatch(value):
        return "is malformed: use lower-case letters, digits and `-`, starting with a letter or digit"
    return None
