"""The key tables of every mapping in the course format (course-format.md)."""

from __future__ import annotations

import re

from .fields import Key

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")

COURSE = {
    "title": Key("string", required=True, description="Course title"),
    "subtitle": Key("string"),
    "organisation": Key("string"),
    "description": Key("string", description="A sentence or two shown on the home page (extension)"),
    "language": Key("string", description="BCP 47 tag; ar, fa, he, ur are right-to-left"),
    "pass_mark": Key("number", minimum=0, description="Percent, default 70"),
    "modules": Key("string-list", description="Ordered module ids"),
    "version": Key("any"),
    "paper_size": Key("string", description="A4 (default) or Letter (extension)"),
}

MODULE = {
    "title": Key("string", required=True),
    "summary": Key("string"),
    "objectives": Key("string-list"),
    "duration_minutes": Key("integer", minimum=1),
    "keywords": Key("string-list"),
    "sources": Key("string-list"),
    "key_terms": Key("string-list", description="Glossary terms this module teaches (extension)"),
}

GLOSSARY_ENTRY = {
    "term": Key("string", required=True),
    "abbreviation": Key("string"),
    "translation": Key("string"),
    "definition": Key("string", required=True),
}

QUIZ = {
    "id": Key("string", required=True),
    "module": Key("string", required=True),
    "title": Key("string", required=True),
    "pass_mark": Key("number", minimum=0),
    "shuffle": Key("boolean"),
    "questions": Key("list", required=True),
}

QUESTION_COMMON = {
    "id": Key("any", required=True),
    "type": Key("string", required=True),
    "prompt": Key("string", required=True),
    "points": Key("number", minimum=0, exclusive_minimum=True),
    "explanation": Key("string"),
    "source": Key("mapping"),
    "objective": Key("integer", minimum=1, description="1-based objective of the module (extension)"),
}

QUESTION_BY_TYPE = {
    "single": {"options": Key("list", required=True)},
    "multiple": {"options": Key("list", required=True)},
    "true_false": {"answer": Key("boolean", required=True)},
    "short": {"answers": Key("list", required=True)},
    "numeric": {"answer": Key("number", required=True), "tolerance": Key("number", minimum=0)},
    "matching": {
        "prompts": Key("list", required=True),
        "choices": Key("list", required=True),
        "answer": Key("list", required=True),
    },
    "ordering": {"items": Key("list", required=True), "answer": Key("list", required=True)},
}

OPTION = {
    "text": Key("any", required=True),
    "correct": Key("boolean"),
    "feedback": Key("string"),
}

SOURCE = {
    "document": Key("string", required=True),
    "quote": Key("string"),
}


def question_spec(question_type: str) -> dict[str, Key]:
    return {**QUESTION_COMMON, **QUESTION_BY_TYPE.get(question_type, {})}
