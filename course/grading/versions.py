"""Printed versions of a quiz (course-format.md sections 3 and 5): the same questions, in other orders.

A quiz with ``versions: N`` (2 to 26) is printed as versions A, B, C...; each
has its own order of questions and of the options of ``single`` and
``multiple`` questions, the choices of ``matching`` and the items of
``ordering``. The order is fixed by the quiz id and the version letter alone:
a Fisher-Yates shuffle driven by SHA-256 of ``"<quiz id>/<letter>/<what>"``,
so every build, every machine and every Python version prints the same
versions, and ``grade`` can read a learner's letters back. A quiz without
``versions`` is one version, A, in file order.

Answers are always recorded by file-order letter: ``Version.to_file`` turns
a letter as printed on a version's sheet into the letter it stands for.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field
from functools import cached_property

from ..model import Question, Quiz, letter, letter_index

LETTERS = string.ascii_uppercase
# Version letters as an Arabic sheet prints them: the abjad order of the option labels.
# Persian and Urdu sheets print الف ب ج (and Urdu ہ, Persian ی).
ARABIC_LETTERS = dict(zip("أبجدهوزحطيكلمنسعفصقرشتثخذضظغ", LETTERS, strict=False)) | {"ا": "A", "ه": "E", "هـ": "E"}
ARABIC_LETTERS |= {"الف": "A", "ہ": "E", "ی": "J"}


def version_count(quiz: Quiz) -> int:
    return max(1, quiz.versions)


def version_letters(quiz: Quiz) -> list[str]:
    return list(LETTERS[: version_count(quiz)])


def version_of(text: str) -> str | None:
    """The version letter a cell names (``A``, ``b``, ``أ``...); ``A`` for a blank cell; None when it names none."""
    text = text.strip()
    if not text:
        return "A"
    if len(text) == 1 and text.upper() in LETTERS:
        return text.upper()
    return ARABIC_LETTERS.get(text)


def _permutation(seed: str, count: int) -> list[int]:
    """A permutation of range(count), the same for the same seed everywhere."""
    order = list(range(count))
    for top in range(count - 1, 0, -1):
        digest = hashlib.sha256(f"{seed}/{top}".encode()).digest()
        pick = int.from_bytes(digest[:8], "big") % (top + 1)
        order[top], order[pick] = order[pick], order[top]
    return order


@dataclass(frozen=True)
class Version:
    quiz: Quiz
    letter: str  # "A", "B"...
    _orders: dict = field(default_factory=dict, compare=False, repr=False)  # question id -> order, computed once

    @property
    def shuffled(self) -> bool:
        return version_count(self.quiz) > 1

    def _order(self, what: str, count: int) -> list[int]:
        return _permutation(f"{self.quiz.id}/{self.letter}/{what}", count) if self.shuffled else list(range(count))

    @cached_property
    def questions(self) -> list[Question]:
        """The quiz's questions in this version's order."""
        return [self.quiz.questions[i] for i in self._order("questions", len(self.quiz.questions))]

    def order(self, question: Question) -> list[int]:
        """The file-order index shown at each printed position of ``question``'s options, choices or items."""
        order = self._orders.get(question.id)
        if order is None:
            count = len(question.options) or len(question.choices) or len(question.items)
            order = self._order(f"question/{question.id}", count) if question.type in REORDERED else list(range(count))
            self._orders[question.id] = order
        return order

    def to_file(self, question: Question, printed: str) -> str:
        """The file-order letter of the option, choice or item printed as ``printed`` on this version's sheet."""
        order = self.order(question)
        index = letter_index(printed)
        return letter(order[index]) if 0 <= index < len(order) else printed

    def response_to_file(self, question: Question, response):
        """A response read from this version's sheet, in file-order letters (blanks and booleans untouched)."""
        if question.type not in REORDERED or response is None:
            return response
        if isinstance(response, str):
            return self.to_file(question, response)
        return [None if item is None else self.to_file(question, item) for item in response]


REORDERED = frozenset({"single", "multiple", "matching", "ordering"})
