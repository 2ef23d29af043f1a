"""Moodle XML: ``<quiz-id>.moodle.xml`` per quiz, for Question bank > Import.

Each question type maps to Moodle's nearest native type (``MAPPINGS``), with
the question's points as its default mark, per-option feedback, and the
explanation as general feedback. Prompts are HTML converted from Markdown,
wrapped in ``dir="rtl"`` for right-to-left courses. Built with lxml.

Ordering questions are Moodle's own Ordering type (``qtype_ordering``, part
of Moodle since 4.4, a plugin before), graded by absolute position: the same
rule as the course. For a Moodle older than 4.4 without that plugin, a quiz
with ordering questions also gets ``<quiz-id>.moodle-pre44.xml``, where they
are matching questions of positions ("Position 1" -> the item), which every
Moodle has and which grade the same way (``ordering="matching"``).

A question bank has no quiz settings, so the quiz's pass mark cannot be
imported as the quiz's Grade to pass; it is written where Moodle XML can hold
it, the category's description (``<info>``, shown in the question bank), in
points and percent, for the teacher to set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml.builder import E

from ..model import Course, Option, Question, Quiz, letter_index
from ..render.i18n import translate
from . import Written, exporter, labels, lms_dir
from .answers import accepted_answers
from .markup import block_html, inline_html, number, plain

# Moodle's grade fractions (question_bank::fraction_options_full), positive half.
FRACTIONS = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)


@dataclass(frozen=True)
class Target:
    """What a question's export depends on besides the question itself."""

    direction: str
    language: str
    shuffle: bool
    ordering: str = "native"  # or "matching": positions matched to items, for Moodle before 4.4 without qtype_ordering
    interface: tuple = ()  # course.yaml `interface`: the words the export adds itself


def nearest_fraction(value: float) -> float:
    return min(FRACTIONS, key=lambda allowed: abs(allowed - value))


def option_fraction(option: Option, correct_count: int) -> str:
    """A ``multiple`` option's grade in percent: +100/K if correct, -100/K if not.

    1/K is in Moodle's list for every K from 1 to 10 (the most options a
    question may have), so Moodle's ``max(0, sum)`` equals our
    ``max(0, (C - W) / K)``; Moodle keeps 7 decimals, so K = 3, 6, 7, 9 differ
    by at most 1e-7 of the points.
    """
    share = nearest_fraction(1 / correct_count)
    return percent(share if option.correct else -share)


def percent(fraction: float) -> str:
    return number(round(fraction * 100, 5))


def moodle_literal(answer: str) -> str:
    """A short answer as Moodle matches it literally: ``*`` is its wildcard."""
    return answer.replace("*", "\\*")


def cdata(text: str):
    return etree.CDATA(text) if text and "]]>" not in text else text


def text_field(tag: str, html: str, text_format: str = "html") -> etree._Element:
    return E(tag, E.text(cdata(html)), format=text_format)


def answer(fraction: str, text: str, feedback: str = "", text_format: str = "html") -> etree._Element:
    return E.answer(E.text(cdata(text)), text_field("feedback", feedback), fraction=fraction, format=text_format)


def flag(value: bool) -> str:
    return "true" if value else "false"


# -- one mapping per question type: (Moodle qtype, builder of its own elements)

Builder = Callable[[Question, Target], list[etree._Element]]
MAPPINGS: dict[str, tuple[str, Builder]] = {}


def maps(question_type: str, qtype: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        MAPPINGS[question_type] = (qtype, build)
        return build

    return register


def _choices(question: Question, target: Target, fraction: Callable[[Option], str]) -> list[etree._Element]:
    return [
        answer(fraction(o), inline_html(o.text, target.direction), block_html(o.feedback, target.direction) if o.feedback else "")
        for o in question.options
    ]


def _choice_settings(single: bool, target: Target) -> list[etree._Element]:
    return [E.single(flag(single)), E.shuffleanswers(flag(target.shuffle)), E.answernumbering("abc")]


def right_or_nothing(option: Option) -> str:
    return "100" if option.correct else "0"


@maps("single", "multichoice")
def single_choice(question: Question, target: Target) -> list[etree._Element]:
    return _choice_settings(True, target) + _choices(question, target, right_or_nothing)


@maps("multiple", "multichoice")
def multiple_response(question: Question, target: Target) -> list[etree._Element]:
    k = sum(o.correct for o in question.options)
    return _choice_settings(False, target) + _choices(question, target, lambda o: option_fraction(o, k))


@maps("true_false", "truefalse")
def true_false(question: Question, target: Target) -> list[etree._Element]:
    right = bool(question.answer)
    return [answer("100" if value == right else "0", flag(value), text_format="moodle_auto_format") for value in (True, False)]


@maps("short", "shortanswer")
def short_answer(question: Question, target: Target) -> list[etree._Element]:
    answers = [answer("100", moodle_literal(a), text_format="moodle_auto_format") for a in accepted_answers(question)]
    return [E.usecase("0"), *answers]


@maps("numeric", "numerical")
def numerical(question: Question, target: Target) -> list[etree._Element]:
    right = answer("100", number(question.answer), text_format="moodle_auto_format")
    right.append(E.tolerance(number(question.tolerance or 0)))
    no_units = [E.unitgradingtype("0"), E.unitpenalty("0"), E.showunits("3"), E.unitsleft("0")]
    return [right, *no_units]


def subquestion(prompt_html: str, choice: str) -> etree._Element:
    return E.subquestion(E.text(cdata(prompt_html)), E.answer(E.text(choice)), format="html")


@maps("matching", "matching")
def matching(question: Question, target: Target) -> list[etree._Element]:
    pairs = [
        subquestion(inline_html(p, target.direction), plain(question.choices[letter_index(a)]))
        for p, a in zip(question.prompts, question.answer, strict=True)
    ]
    used = {letter_index(a) for a in question.answer}
    distractors = [subquestion("", plain(c)) for i, c in enumerate(question.choices) if i not in used]
    return [E.shuffleanswers(flag(target.shuffle)), *pairs, *distractors]


@maps("ordering", "ordering")
def ordering(question: Question, target: Target) -> list[etree._Element]:
    """qtype_ordering: the items in their right order, every one shown, graded by absolute position (right places / items)."""
    if target.ordering == "matching":
        return ordering_as_matching(question, target)
    settings = [
        E.layouttype("VERTICAL"),
        E.selecttype("ALL"),
        E.selectcount(str(len(question.items))),
        E.gradingtype("ABSOLUTE_POSITION"),
        E.showgrading("SHOW"),
        E.numberingstyle("none"),
    ]
    items = [question.items[letter_index(a)] for a in question.answer]
    return settings + [answer(str(n), inline_html(text, target.direction)) for n, text in enumerate(items, start=1)]


def ordering_as_matching(question: Question, target: Target) -> list[etree._Element]:
    """Positions 1..n as the prompts, the items as the choices: graded per position."""
    places = [
        subquestion(
            inline_html(labels.position(target.language, n, target.interface), target.direction), plain(question.items[letter_index(a)])
        )
        for n, a in enumerate(question.answer, start=1)
    ]
    return [E.shuffleanswers("false"), *places]


# -- the file


def category(course: Course, quiz: Quiz) -> etree._Element:
    """The quiz's category, its description holding the pass mark (a question bank has no Grade to pass)."""
    path = "$course$/" + quiz.title.replace("/", "//")
    needed = number(round(quiz.max_points * quiz.pass_mark / 100, 2))
    words = translate(course.language, "Grade to pass: %(points)s of %(total)s points (%(percent)s %%).")
    info = words % {"points": needed, "total": number(quiz.max_points), "percent": number(quiz.pass_mark)}
    return E.question(E.category(E.text(path)), text_field("info", block_html(info, course.direction)), type="category")


def question_element(quiz: Quiz, question: Question, target: Target) -> etree._Element:
    qtype, build = MAPPINGS[question.type]
    if question.type == "ordering" and target.ordering == "matching":
        qtype = "matching"
    return E.question(
        E.name(E.text(str(question.id))),
        text_field("questiontext", block_html(question.prompt, target.direction)),
        text_field("generalfeedback", block_html(question.explanation, target.direction) if question.explanation else ""),
        E.defaultgrade(number(question.points)),
        E.penalty("0"),
        E.hidden("0"),
        E.idnumber(f"{quiz.id}-{question.id}"),
        *build(question, target),
        type=qtype,
    )


def quiz_document(course: Course, quiz: Quiz, ordering: str = "native") -> etree._Element:
    target = Target(course.direction, course.language, quiz.shuffle, ordering, course.interface)
    return E.quiz(category(course, quiz), *(question_element(quiz, q, target) for q in quiz.questions))


SUFFIXES = {"native": ".moodle.xml", "matching": ".moodle-pre44.xml"}


def write_quiz(course: Course, quiz: Quiz, folder: Path, ordering: str = "native") -> Written:
    path = folder / f"{quiz.id}{SUFFIXES[ordering]}"
    tree = etree.ElementTree(quiz_document(course, quiz, ordering))
    tree.write(str(path), encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return Written(path, "moodle-xml", quiz.id)


@exporter("moodle-xml")
def export_moodle(course: Course, out_dir: Path) -> list[Written]:
    """Per quiz: the Moodle XML file, and the one for Moodle before 4.4 if the quiz has ordering questions."""
    folder = lms_dir(out_dir)
    written = []
    for quiz in course.quizzes:
        written.append(write_quiz(course, quiz, folder))
        if any(q.type == "ordering" for q in quiz.questions):
            written.append(write_quiz(course, quiz, folder, "matching"))
    return written
