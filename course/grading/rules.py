"""The one grading core: the rules of course-format.md section 4.

Every grader (this module, the page's ``templates/assets/js/grading.js``, the
paper ``grade`` command) is held to the shared vectors in ``tests/vectors``.
Responses have one canonical form everywhere (Python, JavaScript, vectors):

    single      "a"                       one lower-case letter
    multiple    ["a", "c"]                letters; a duplicate counts once
    true_false  True / False
    short       "text"
    numeric     "3٫5" or 3.5              a string or a number
    matching    ["b", None, "d"]          one letter or None per prompt
    ordering    ["c", "a", "b"]           letters in the learner's order

``None``, ``""`` and ``[]`` are unanswered (0, no warning). A response that
cannot be read (an unknown letter, text in a numeric answer, a value of the
wrong JSON type) earns 0 with a warning; grading never raises.

Decisions where the contract says "and the like" or is silent:

- ``normalize`` strips every leading/trailing character whose Unicode general
  category is punctuation (P*) or that is white space (``str.isspace``);
  symbols (S*: ``$ + < =``) are kept. Inner punctuation is kept.
- ``parse_number`` accepts ``,`` like ``٬`` as a thousands separator, but only
  between groups of three digits (``1,234.5``); ``3,5`` is unreadable rather
  than silently 35 or 3.5. Exponents, ``inf`` and ``nan`` are unreadable.
- In a course whose language writes decimals with a comma (CLDR's decimal
  symbol is ``,``: ``fr``, ``de``, ``es``, ``pt``, ``ru``, ``tr``...; see
  ``decimal_comma``), ``,`` is a decimal separator too (``3,5``), and ``.``,
  a space, a no-break space or a narrow no-break space separate thousands,
  only between groups of three (``1.234,5``, ``1 234,5``); ``3.5`` is then
  unreadable rather than silently 35. ``٫`` and ``٬`` keep their meaning in
  every language. The grader is told by ``Reading``; the page's script gets
  the same flag in the quiz's data, computed here.
- ``numeric`` compares exactly in decimal (each float by its shortest
  decimal form), so 0.4 is within 0.1 of 0.3 as an author would expect.
- ``matching``: a response shorter than the prompts leaves the rest wrong; a
  longer one is unreadable. ``ordering`` compares position by position either
  way, as the contract says; an empty position (None) is wrong.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..model import Question, Quiz, letter

ARABIC_MARKS = [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)]
TATWEEL = 0x0640
INVISIBLE = [0x200C, 0x200D, 0x200E, 0x200F, 0x061C]
LETTER_VARIANTS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك"}
ARABIC_DIGITS = {0x0660 + d: str(d) for d in range(10)} | {0x06F0 + d: str(d) for d in range(10)}

_TEXT_TABLE = str.maketrans(dict.fromkeys([*ARABIC_MARKS, TATWEEL, *INVISIBLE]) | LETTER_VARIANTS | ARABIC_DIGITS)
TEXT_TABLE = _TEXT_TABLE  # what normalize folds and removes; the site's search index exports it
_NUMBER_TABLE = str.maketrans(dict.fromkeys(INVISIBLE) | ARABIC_DIGITS)
_INTEGER = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:٬[0-9]{3})+|[0-9]+"
_NUMBER = re.compile(rf"[+-]?(?:(?:{_INTEGER})(?:[.٫][0-9]*)?|[.٫][0-9]+)")
# Where the decimal symbol is a comma: groups of three after "." or a (no-break, narrow no-break) space.
_COMMA_INTEGER = r"[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]{1,3}(?:٬[0-9]{3})+|[0-9]+"
_COMMA_NUMBER = re.compile(rf"[+-]?(?:(?:{_COMMA_INTEGER})(?:[,٫][0-9]*)?|[,٫][0-9]+)")


def normalize(text: str) -> str:
    """The form two short answers are compared in (section 4, in its order)."""
    text = unicodedata.normalize("NFKC", text).translate(_TEXT_TABLE).casefold()
    return " ".join(_strip_edges(text).split())


def _strip_edges(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def parse_number(text: str, decimal_comma: bool = False) -> float | None:
    """The value of a numeric response, or None when it is not a number (``decimal_comma``: see the module's notes)."""
    if decimal_comma:
        # NFKC would turn the no-break spaces that separate thousands into plain ones: read them first.
        text = text.translate(_NUMBER_TABLE).strip()
        text = unicodedata.normalize("NFKC", text.replace("\u00a0", " ").replace("\u202f", " "))
        if not _COMMA_NUMBER.fullmatch(text):
            return None
        text = re.sub(r"[. ٬]", "", text).replace(",", ".").replace("٫", ".")
    else:
        text = unicodedata.normalize("NFKC", text).translate(_NUMBER_TABLE).strip()
        if not _NUMBER.fullmatch(text):
            return None
        text = text.replace(",", "").replace("٬", "").replace("٫", ".")
    value = float(text)
    return value if math.isfinite(value) else None


@functools.cache
def decimal_comma(language: str | None) -> bool:
    """Whether ``language`` (BCP 47) writes decimals with a comma, by CLDR's decimal symbol (Babel)."""
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol

    try:
        return get_decimal_symbol(Locale.parse((language or "").replace("-", "_"))) == ","
    except (UnknownLocaleError, ValueError, TypeError):
        return False


@dataclass(frozen=True)
class Reading:
    """How a response is read: what a course's language makes of its numbers."""

    decimal_comma: bool = False

    @classmethod
    def of(cls, language: str | None) -> Reading:
        return cls(decimal_comma=decimal_comma(language))


PLAIN = Reading()


@dataclass(frozen=True)
class Earned:
    points: float
    warning: str | None = None


@dataclass
class QuizResult:
    score: float
    max: float
    percent: float
    passed: bool
    earned: Mapping[str, Earned] = field(default_factory=dict)


class Unreadable(Exception):
    """A response that cannot be read; ``grade_question`` turns it into 0 and a warning."""


Grader = Callable[[Question, Any, "Reading"], Earned]
GRADERS: dict[str, Grader] = {}
UNANSWERED = Earned(0.0)


def grader(type_name: str) -> Callable[[Grader], Grader]:
    """Register the grader of a question type (built-in types use this too)."""

    def register(function: Grader) -> Grader:
        GRADERS[type_name] = function
        return function

    return register


def grade_question(question: Question, response: Any, reading: Reading = PLAIN) -> Earned:
    if response is None or (isinstance(response, (str, list)) and not response):
        return UNANSWERED
    grade = GRADERS.get(question.type)
    if grade is None:
        return Earned(0.0, f"no grader for question type `{question.type}`")
    try:
        return grade(question, response, reading)
    except Unreadable as unreadable:
        return Earned(0.0, str(unreadable))


def grade_quiz(quiz: Quiz, responses: dict[str, Any], reading: Reading = PLAIN) -> QuizResult:
    earned = {q.id: grade_question(q, responses.get(q.id), reading) for q in quiz.questions}
    return summarize(quiz, earned)


def summarize(quiz: Quiz, earned: dict[str, Earned]) -> QuizResult:
    """Score, max, percent and pass of already graded questions (unrounded)."""
    score = 0.0
    for question in quiz.questions:  # a plain loop: the same sums as grading.js
        score += earned[question.id].points
    return result(quiz, score, earned)


def maximum_score(quiz: Quiz) -> float:
    maximum = 0.0
    for question in quiz.questions:  # in question order, as grading.js adds them
        maximum += question.points
    return maximum


def result(quiz: Quiz, score: float, earned: Mapping[str, Earned], maximum: float | None = None) -> QuizResult:
    """The result of a score added up in question order from 0.0 (as ``summarize`` and grading.js add it)."""
    maximum = maximum_score(quiz) if maximum is None else maximum
    percent = 100 * score / maximum
    return QuizResult(score, maximum, percent, percent >= quiz.pass_mark, earned)


def _quoted(value: Any) -> str:
    return f"`{value}`" if isinstance(value, str) else repr(value)


def _all_or_nothing(question: Question, right: bool) -> Earned:
    return Earned(float(question.points) if right else 0.0)


def _letter(value: Any, count: int, what: str) -> int:
    if not (isinstance(value, str) and len(value) == 1 and "a" <= value <= "z"):
        raise Unreadable(f"{_quoted(value)} is not a letter")
    index = ord(value) - ord("a")
    if index >= count:
        raise Unreadable(f"letter `{value}` names no {what} (there are {count})")
    return index


def _letter_list(response: Any, count: int, what: str, empty_allowed: bool = False) -> list[int | None]:
    if not isinstance(response, list):
        raise Unreadable(f"expected a list of letters, got {_quoted(response)}")
    return [None if v is None and empty_allowed else _letter(v, count, what) for v in response]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _decimal(value: float) -> Fraction:
    return Fraction(repr(float(value)))  # the shortest decimal form, as JavaScript prints it


@grader("single")
def grade_single(question: Question, response: Any, reading: Reading) -> Earned:
    index = _letter(response, len(question.options), "option")
    return _all_or_nothing(question, question.options[index].correct)


@grader("multiple")
def grade_multiple(question: Question, response: Any, reading: Reading) -> Earned:
    chosen = set(_letter_list(response, len(question.options), "option"))
    correct = sum(1 for option in question.options if option.correct)
    if not correct:
        raise Unreadable("the question has no correct option")
    right = sum(1 for index in chosen if question.options[index].correct)
    ratio = (right - (len(chosen) - right)) / correct
    return Earned(question.points * ratio if ratio > 0 else 0.0)


@grader("true_false")
def grade_true_false(question: Question, response: Any, reading: Reading) -> Earned:
    if not isinstance(response, bool):
        raise Unreadable(f"expected true or false, got {_quoted(response)}")
    return _all_or_nothing(question, response == question.answer)


@grader("short")
def grade_short(question: Question, response: Any, reading: Reading) -> Earned:
    if not isinstance(response, str):
        raise Unreadable(f"expected text, got {_quoted(response)}")
    given = normalize(response)
    if not given:
        return UNANSWERED
    return _all_or_nothing(question, any(given == normalize(a) for a in question.answers))


@grader("numeric")
def grade_numeric(question: Question, response: Any, reading: Reading) -> Earned:
    if isinstance(response, str) and not response.strip():
        return UNANSWERED
    value = parse_number(response, reading.decimal_comma) if isinstance(response, str) else response
    if not _is_number(value):
        raise Unreadable(f"{_quoted(response)} is not a number")
    if not (_is_number(question.answer) and _is_number(question.tolerance)):
        raise Unreadable("the question has no numeric answer")
    distance = abs(_decimal(value) - _decimal(question.answer))
    return _all_or_nothing(question, distance <= _decimal(question.tolerance))


@grader("matching")
def grade_matching(question: Question, response: Any, reading: Reading) -> Earned:
    given = _letter_list(response, len(question.choices), "choice", empty_allowed=True)
    if len(given) > len(question.prompts):
        raise Unreadable(f"{len(given)} answers for {len(question.prompts)} prompts")
    return _share_right(question, given, len(question.prompts))


@grader("ordering")
def grade_ordering(question: Question, response: Any, reading: Reading) -> Earned:
    given = _letter_list(response, len(question.items), "item", empty_allowed=True)
    return _share_right(question, given, len(question.items))


def _share_right(question: Question, given: list[int | None], total: int) -> Earned:
    """Points for the positions holding the right letter; missing positions are wrong."""
    if all(index is None for index in given):
        return UNANSWERED
    if not total:
        raise Unreadable("the question has nothing to match or order")
    right = sum(1 for index, key in zip(given, question.answer, strict=False) if index is not None and letter(index) == key)
    return Earned(question.points * (right / total))
