"""GIFT: one ``<quiz-id>.gift`` text file per quiz, for Question bank > Import > GIFT.

Texts are written as ``[html]`` (the same HTML as the Moodle XML export, with
the ``dir="rtl"`` wrapper for right-to-left courses) and every GIFT special
character (``~ = # { } :`` and ``\\``) is escaped with a backslash; line
breaks become GIFT's ``\\n``. GIFT cannot carry a question's mark, so each
question is preceded by a ``// points:`` comment (see docs/lms-exports.md), and
by ``// [id:<quiz-id>-<question-id>]``, which Moodle 3.6+ imports as its ID number.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..model import Course, Question, Quiz, letter_index
from . import Written, exporter, labels, lms_dir
from .answers import accepted_answers
from .markup import block_html, inline_html, number, plain
from .moodle import moodle_literal, option_fraction

SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\~=#{}:"}, "\n": "\\n", "\r": ""})


def escape(text: str) -> str:
    return text.translate(SPECIAL)


def with_feedback(answer: str, feedback_html: str) -> str:
    return answer + ("#" + escape(feedback_html) if feedback_html else "")


# -- one mapping per question type: the lines inside the answer braces

AnswerLines = Callable[[Question, str, str, tuple], list[str]]
ANSWERS: dict[str, AnswerLines] = {}


def answers_for(question_type: str) -> Callable[[AnswerLines], AnswerLines]:
    def register(build: AnswerLines) -> AnswerLines:
        ANSWERS[question_type] = build
        return build

    return register


def _option(marker: str, text: str, feedback: str | None, direction: str) -> str:
    feedback_html = block_html(feedback, direction) if feedback else ""
    return with_feedback(marker + escape(inline_html(text, direction)), feedback_html)


@answers_for("single")
def single_choice(question: Question, direction: str, language: str, interface: tuple = ()) -> list[str]:
    return [_option("=" if o.correct else "~", o.text, o.feedback, direction) for o in question.options]


@answers_for("multiple")
def multiple_response(question: Question, direction: str, language: str, interface: tuple = ()) -> list[str]:
    k = sum(o.correct for o in question.options)
    return [_option(f"~%{option_fraction(o, k)}%", o.text, o.feedback, direction) for o in question.options]


@answers_for("true_false")
def true_false(question: Question, direction: str, language: str, interface: tuple = ()) -> list[str]:
    return ["TRUE" if question.answer else "FALSE"]


@answers_for("short")
def short_answer(question: Question, direction: str, language: str, interface: tuple = ()) -> list[str]:
    return ["=" + escape(moodle_literal(a)) for a in accepted_answers(question)]


@answers_for("numeric")
def numerical(question: Question, direction: str, language: str, interface: tuple = ()) -> list[str]:
    return ["#" + number(question.answer) + ":" + number(question.tolerance or 0)]


def _pair(prompt_html: str, choice: str) -> str:
    return "=" + escape(prompt_html) + " -> " + escape(choice)


@answers_for("matching")
def matching(question: Question, direction: str, language: str, interface: tuple = ()) -> list[str]:
    used = {letter_index(a) for a in question.answer}
    pairs = [
        _pair(inline_html(p, direction), plain(question.choices[letter_index(a)]))
        for p, a in zip(question.prompts, question.answer, strict=True)
    ]
    return pairs + [_pair("", plain(c)) for i, c in enumerate(question.choices) if i not in used]


@answers_for("ordering")
def ordering(question: Question, direction: str, language: str, interface: tuple = ()) -> list[str]:
    """Like the Moodle XML export: positions 1..n matched to the items."""
    return [
        _pair(inline_html(labels.position(language, n, interface), direction), plain(question.items[letter_index(a)]))
        for n, a in enumerate(question.answer, start=1)
    ]


# -- the file


def question_block(quiz: Quiz, question: Question, course: Course) -> str:
    """Comments (points; ``[id:...]``, Moodle's ID number), then ``::name::[html]text{answers}``."""
    lines = ANSWERS[question.type](question, course.direction, course.language, course.interface)
    if question.explanation:
        lines.append("####" + escape(block_html(question.explanation, course.direction)))
    head = f"::{escape(str(question.id))}::[html]{escape(block_html(question.prompt, course.direction))}"
    comments = [f"// {question.id} ({question.type}), points: {number(question.points)}", f"// [id:{quiz.id}-{question.id}]"]
    return "\n".join([*comments, head + "{", *("\t" + line for line in lines), "}"])


def quiz_text(course: Course, quiz: Quiz) -> str:
    title = " ".join(quiz.title.split())  # one line: a line break would end the comment and start a question
    header = [f"// {title} ({quiz.id})", "$CATEGORY: $course$/" + title.replace("/", "//")]
    return "\n\n".join(["\n".join(header), *(question_block(quiz, q, course) for q in quiz.questions)]) + "\n"


def write_quiz(course: Course, quiz: Quiz, folder: Path) -> Written:
    path = folder / f"{quiz.id}.gift"
    path.write_text(quiz_text(course, quiz), encoding="utf-8")
    return Written(path, "gift", quiz.id)


@exporter("gift")
def export_gift(course: Course, out_dir: Path) -> list[Written]:
    folder = lms_dir(out_dir)
    return [write_quiz(course, quiz, folder) for quiz in course.quizzes]
