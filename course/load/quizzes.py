"""Load and validate quiz files (course-format.md, section 3).

``load_quiz_file`` needs nothing but the file: ``grade`` uses it for a quiz
kept anywhere. The course loader adds the checks that need the course (the
module exists, quiz ids are unique).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..model import QUESTION_TYPES, Question, Quiz, letter
from ..problems import Problem, Problems
from . import specs
from .fields import check_mapping, describe
from .yamlfile import item_line, key_line, parse_yaml, read_text

ALL_OF_THE_ABOVE = re.compile(r"all of the above|none of the above|كل ما (سبق|ذكر)|جميع ما (سبق|ذكر)|لا شيء مما (سبق|ذكر)", re.I)


def load_quiz_file(path: Path, display_path: str, default_pass_mark: float = 70) -> tuple[Quiz | None, list[Problem]]:
    problems = Problems(display_path)
    text = read_text(path, problems)
    data = parse_yaml(text, problems) if text is not None else None
    if text is not None and data is None and not problems:
        problems.error(1, "quiz file is empty")
    if data is None or not check_mapping(data, specs.QUIZ, problems, "a quiz", 1):
        return None, list(problems)
    _check_id(data, "id", problems)
    questions = _load_questions(data, problems)
    if any(p.is_error for p in problems):
        return None, list(problems)
    quiz = Quiz(
        id=data["id"],
        module=data["module"],
        title=data["title"],
        questions=questions,
        pass_mark=data.get("pass_mark", default_pass_mark),
        shuffle=bool(data.get("shuffle", False)),
        versions=data.get("versions") or 1,
        path=path,
        module_line=key_line(data, "module") or 1,
    )
    return quiz, list(problems)


def _check_id(data, key: str, problems: Problems) -> None:
    value = data.get(key)
    wrong = specs.id_problem(value) if isinstance(value, str) else None
    if wrong:
        problems.error(key_line(data, key), f"`{key}` {describe(value)} {wrong}")


def _load_questions(data, problems: Problems) -> list[Question]:
    items = data.get("questions")
    if not isinstance(items, list):
        return []
    if not items:
        problems.error(key_line(data, "questions"), "a quiz needs at least one question")
    questions, seen = [], {}
    for index, item in enumerate(items):
        line = item_line(items, index)
        qid = str(item.get("id")) if isinstance(item, dict) and item.get("id") is not None else None
        if qid in seen:
            problems.error(line, f"question id `{qid}` is used twice in this quiz (first at line {seen[qid]})")
        elif qid is not None:
            seen[qid] = line
        question = _load_question(item, line, problems)
        if question is not None:
            questions.append(question)
    if data.get("shuffle"):
        for question in questions:
            _warn_all_of_the_above(question, problems)
    return questions


def _load_question(item, line: int, problems: Problems) -> Question | None:
    qtype = item.get("type") if isinstance(item, dict) else None
    if isinstance(item, dict) and qtype not in QUESTION_TYPES:
        where = key_line(item, "type") if "type" in item else line
        if qtype is None:
            problems.error(where, f"question needs `type` (one of {', '.join(QUESTION_TYPES)})")
        else:
            problems.error(where, f"unknown question type {describe(qtype)}: use one of {', '.join(QUESTION_TYPES)}")
        return None
    before = len(problems)
    if not check_mapping(item, specs.question_spec(qtype), problems, "a question", line):
        return None
    qid = item.get("id")
    if isinstance(qid, int) and not isinstance(qid, bool):
        wrong = specs.id_problem(str(qid)) if qid >= 0 else "is malformed: a number id must not be negative"
    elif isinstance(qid, str):
        wrong = specs.id_problem(qid)
    else:
        wrong = None if qid is None else "is malformed: use lower-case letters, digits and `-`, or a whole number"
    if wrong:
        problems.error(key_line(item, "id"), f"question id {describe(qid)} {wrong}")
    if isinstance(item.get("prompt"), str) and not item["prompt"].strip():
        problems.warning(key_line(item, "prompt"), "the prompt is empty")
    if isinstance(item.get("source"), dict):
        check_mapping(item["source"], specs.SOURCE, problems, "a source", key_line(item, "source"))
    CHECKS[qtype](item, problems)
    if any(p.is_error for p in problems[before:]):
        return None
    fields = dict(item)
    fields["id"] = str(qid)
    fields["line"] = line
    if qtype == "short":
        fields["answers"] = [str(a) for a in item["answers"]]
    if qtype in ("matching", "ordering"):
        fields["answer"] = [str(a).lower() for a in item["answer"]]
    for key in ("prompts", "choices", "items"):
        if key in fields:
            fields[key] = [str(v) for v in fields[key]]
    fields["options"] = [dict(o, text=str(o["text"])) for o in item.get("options") or []]
    return Question.from_dict(fields)


# --- one check per question type (a registry, like the graders) ---------------


def _check_options(item, problems: Problems, single: bool) -> None:
    options = item.get("options")
    if not isinstance(options, list):
        return
    line = key_line(item, "options")
    if not 2 <= len(options) <= 10:
        problems.error(line, f"need 2 to 10 options, found {len(options)}")
    texts: dict[str, int] = {}
    for index, option in enumerate(options):
        where = item_line(options, index)
        if not check_mapping(option, specs.OPTION, problems, "an option", where):
            continue
        if not _is_text(option.get("text", "")):
            text = option.get("text")
            problems.error(key_line(option, "text"), f"option text must be text, found {describe(text)}{_quote_hint(text)}")
            continue
        text = str(option.get("text", "")).strip()
        if text in texts:
            problems.warning(where, f"option {letter(index)} repeats the text of option {letter(texts[text])}")
        texts.setdefault(text, index)
    correct = sum(1 for o in options if isinstance(o, dict) and o.get("correct") is True)
    if single and correct != 1:
        problems.error(line, f"a `single` question needs exactly one option with `correct: true`, found {correct}")
    if not single and correct < 1:
        problems.error(line, "a `multiple` question needs at least one option with `correct: true`")


def _is_text(value) -> bool:
    """Text, or a finite number read as text (``- text: 42``)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    return isinstance(value, str) or math.isfinite(value)


def _quote_hint(value) -> str:
    return " (YAML reads yes/no/true/false as a truth value: put it in quotes)" if isinstance(value, bool) else ""


def _check_short(item, problems: Problems) -> None:
    answers = item.get("answers")
    if isinstance(answers, list):
        if not answers:
            problems.error(key_line(item, "answers"), "a `short` question needs at least one accepted answer")
        for index, answer in enumerate(answers):
            if not _is_text(answer) or not str(answer).strip():
                problems.error(item_line(answers, index), f"accepted answer {describe(answer)} must be non-empty text{_quote_hint(answer)}")


def _check_text_list(item, key: str, minimum: int, problems: Problems) -> int:
    values = item.get(key)
    if not isinstance(values, list):
        return 0
    if len(values) < minimum:
        problems.error(key_line(item, key), f"`{key}` needs at least {minimum} entries, found {len(values)}")
    if len(values) > 26:
        problems.error(key_line(item, key), f"`{key}` can have at most 26 entries (letters a to z), found {len(values)}")
    for index, value in enumerate(values):
        if not _is_text(value) or not str(value).strip():
            found = f"found {describe(value)}{_quote_hint(value)}"
            problems.error(item_line(values, index), f"entry {index + 1} of `{key}` must be non-empty text, {found}")
    return len(values)


def _answer_letters(item, count: int, what: str, problems: Problems) -> list[str] | None:
    answer = item.get("answer")
    if not isinstance(answer, list):
        return None
    valid = [letter(i) for i in range(count)]
    letters = []
    for index, value in enumerate(answer):
        text = str(value).lower() if isinstance(value, str) else None
        if text not in valid:
            span = f"use `a` to `{valid[-1]}`" if valid else f"there is no {what}"
            problems.error(item_line(answer, index), f"answer {describe(value)} names no {what} ({span})")
        letters.append(text)
    return letters


def _check_matching(item, problems: Problems) -> None:
    prompts = _check_text_list(item, "prompts", 2, problems)
    choices = _check_text_list(item, "choices", 1, problems)
    if prompts and choices < prompts:
        problems.error(key_line(item, "choices"), f"need at least as many choices as prompts ({prompts}), found {choices}")
    letters = _answer_letters(item, choices, "choice", problems)
    if letters is not None and len(letters) != prompts:
        problems.error(key_line(item, "answer"), f"need one answer letter per prompt ({prompts}), found {len(letters)}")
    if item.get("each_choice_once") is True and letters and len(set(letters)) != len(letters):
        problems.error(key_line(item, "answer"), "`each_choice_once: true`, but the answer uses a choice twice")


def _check_ordering(item, problems: Problems) -> None:
    count = _check_text_list(item, "items", 2, problems)
    letters = _answer_letters(item, count, "item", problems)
    if letters is not None and None not in letters and sorted(letters) != [letter(i) for i in range(count)]:
        problems.error(key_line(item, "answer"), f"`answer` must be a permutation of the item letters a to {letter(count - 1)}, each once")


def _check_nothing(item, problems: Problems) -> None:
    """true_false and numeric need no more than their key table."""


CHECKS = {
    "single": lambda item, problems: _check_options(item, problems, single=True),
    "multiple": lambda item, problems: _check_options(item, problems, single=False),
    "true_false": _check_nothing,
    "short": _check_short,
    "numeric": _check_nothing,
    "matching": _check_matching,
    "ordering": _check_ordering,
}


def _warn_all_of_the_above(question: Question, problems: Problems) -> None:
    for index, option in enumerate(question.options):
        if ALL_OF_THE_ABOVE.search(option.text):
            problems.warning(question.line, f'option {letter(index)} ("{option.text}") depends on position, but the quiz is shuffled')
